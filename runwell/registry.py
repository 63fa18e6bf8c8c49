"""One registry of the input formats runwell reads, for activities and logs alike.

Each format is declared once, as a :class:`Format`: its name, the kind of data it holds
(``activities``, ``mood`` or ``sleep``), a one-line description a user recognises, the
file suffixes it is known by and/or a content sniffer, and its reader. Dispatchers look
formats up here, and every "unknown format" or "unknown kind" message is built from the
registry, so it always lists exactly what runwell knows.

Examples
--------
>>> REGISTRY.check_kind("mood")
'mood'
>>> REGISTRY.check_kind("moood")
Traceback (most recent call last):
...
runwell.errors.UnsupportedFormatError: unknown kind of data 'moood'; runwell reads: activities, mood, sleep
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runwell.errors import UnsupportedFormatError

__all__ = ["KINDS", "Format", "Registry", "REGISTRY"]

#: The kinds of data runwell reads.
KINDS: tuple[str, ...] = ("activities", "mood", "sleep")


@dataclass(frozen=True)
class Format:
    """One input format.

    Attributes
    ----------
    name
        Short name users pass as ``format=`` (``"daylio"``, ``"fit"``).
    kind
        One of :data:`KINDS`.
    description
        What the user has, in their words (``"Daylio CSV export"``).
    reader
        The function that reads it (its signature is the wing's reader protocol).
    detect
        Content sniffer: takes the wing's peek object and says whether the file is of
        this format; ``None`` when the format is known by suffix only.
    suffixes
        File-name endings that mean this format (lower case, e.g. ``(".fit", ".fit.gz")``).
    companions
        Glob patterns of files the reader reads *beside* a file of this format (Oura's
        ``dailysleep*.csv`` next to ``sleepmodel.csv``): a folder read does not list them
        as skipped when such a file is read.
    """

    name: str
    kind: str
    description: str
    reader: Callable[..., Any]
    detect: Callable[[Any], bool] | None = None
    suffixes: tuple[str, ...] = field(default=())
    companions: tuple[str, ...] = field(default=())

    def label(self) -> str:
        """``name (description)``, as listed in messages."""
        ends = f"; {', '.join(self.suffixes)}" if self.suffixes else ""
        return f"{self.name} ({self.description}{ends})"


class Registry:
    """Formats by kind, in the order they are tried."""

    def __init__(self) -> None:
        self._formats: dict[str, dict[str, Format]] = {kind: {} for kind in KINDS}

    def register(self, fmt: Format) -> Format:
        """Add a format (a later registration of the same kind and name replaces it)."""
        self.check_kind(fmt.kind)
        self._formats[fmt.kind][fmt.name] = fmt
        return fmt

    def check_kind(self, kind: str) -> str:
        """Return ``kind`` if runwell reads that kind of data, else raise naming the kinds."""
        if kind not in self._formats:
            raise UnsupportedFormatError(f"unknown kind of data {kind!r}; runwell reads: {', '.join(KINDS)}")
        return kind

    def formats(self, kind: str) -> dict[str, Format]:
        """The formats of one kind, by name, in the order they are tried."""
        return dict(self._formats[self.check_kind(kind)])

    def get(self, kind: str, name: str) -> Format:
        """One format by name, or an error listing the formats of that kind."""
        found = self._formats[self.check_kind(kind)].get(name)
        if found is None:
            raise UnsupportedFormatError(f"unknown {kind} format {name!r}. {self.known(kind)}")
        return found

    def by_suffix(self, kind: str, filename: str) -> Format | None:
        """The format whose suffix ends ``filename`` (case-insensitive), longest match first."""
        lower = filename.lower()
        best: tuple[int, Format] | None = None
        for fmt in self._formats[self.check_kind(kind)].values():
            for suffix in fmt.suffixes:
                if lower.endswith(suffix) and (best is None or len(suffix) > best[0]):
                    best = (len(suffix), fmt)
        return None if best is None else best[1]

    def known(self, kind: str) -> str:
        """A sentence listing the known formats of one kind, for error messages."""
        listed = "; ".join(f.label() for f in self._formats[self.check_kind(kind)].values())
        return f"Known {kind} formats: {listed}."


#: The registry every reader registers with and every dispatcher reads.
REGISTRY = Registry()
