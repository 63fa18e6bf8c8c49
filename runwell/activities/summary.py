"""Activity exports that are tables of summaries, not activity files: what their readers return.

Garmin's ``*_summarizedActivities.json``, Polar's ``training-session-*.json``, Samsung
Health's exercise CSV, Whoop's ``workouts.csv`` and Fitbit's ``UserExercises_*.csv``
(Google format) hold one summary per activity and no track. Each has a reader in its own
module that turns the file's bytes into a :class:`SummaryRead`; the load
(:mod:`runwell.activities.summary_load`) recognises the files by content
(:class:`ExportPeek`), deduplicates them and adds their rows to the load.

Rules shared by these readers
-----------------------------
* ``moving_s`` is the file's timer or moving duration where it has one, else missing;
  ``elapsed_s`` is end - start (or the file's wall-clock duration).
* A zone the file gives (an offset, a position) is passed on as the session's zone
  hint (:func:`zone_hint`), so the activity is placed with ``tz_source="metadata"``.
* ``indoor`` is true when the sport says so, false when the file has a position, else
  unknown; ``has_gps`` is whether the file has a position (summaries have no track).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import IO

import pandas as pd

from runwell.activities._session import Session
from runwell.timezones import zone_at

__all__ = ["SummaryRow", "SummaryRead", "ExportPeek", "zone_hint", "number", "HEAD_BYTES"]

#: How much of a file the export sniffers read.
HEAD_BYTES = 65536


@dataclass
class SummaryRow:
    """One activity of a summary file.

    Attributes
    ----------
    row
        Its place in the file (1-based CSV data line or list position), for the report.
    session
        The activity; its ``native_id`` is the file's own id where it has one.
    parent_id
        For a leg of a multisport activity: the id of the activity holding it.
    is_parent
        Whether this row is a multisport total whose legs are rows of their own.
    """

    row: int
    session: Session
    parent_id: str | None = None
    is_parent: bool = False


@dataclass
class SummaryRead:
    """What a summary reader gives for one file.

    Attributes
    ----------
    rows
        The activities read.
    problems
        ``(row, reason)`` of rows that could not be read (report kind ``error``).
    skipped
        ``(row, reason)`` of rows that are readable but are not activities (``skipped``).
    duplicates
        ``(row, reason)`` of rows that repeat another row of the file (``duplicate``).
    """

    rows: list[SummaryRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ExportPeek:
    """What export sniffers look at: a file's name, and its head only when asked.

    Attributes
    ----------
    name
        The file's path inside its folder or archive (``/``-separated).
    opener
        Opens the raw bytes.
    """

    name: str
    opener: Callable[[], IO[bytes]]

    @property
    def filename(self) -> str:
        """The last part of :attr:`name`, lower case."""
        return PurePosixPath(self.name).name.lower()

    @cached_property
    def head(self) -> str:
        """The first :data:`HEAD_BYTES` as text (byte-order mark dropped)."""
        with self.opener() as handle:
            raw = handle.read(HEAD_BYTES)
        return raw.decode("utf-8", errors="replace").lstrip("\ufeff")

    @property
    def first_line(self) -> str:
        """The first line of :attr:`head`."""
        return self.head.split("\n", 1)[0].rstrip("\r")

    @property
    def header(self) -> list[str]:
        """The first line split as a CSV header (stripped); empty when it cannot be split."""
        try:
            return [h.strip() for h in next(csv.reader([self.first_line]), [])]
        except csv.Error:
            return []


def zone_hint(start_utc: pd.Timestamp, offset_s: float | None, fix: tuple[float, float] | None) -> str | None:
    """The zone a summary gives: the IANA zone of its position when its offset matches, else the offset.

    See :func:`runwell.timezones.zone_at`; ``None`` without a usable offset.

    Examples
    --------
    >>> zone_hint(pd.Timestamp("2024-04-01 04:00", tz="UTC"), 7200, None)
    'UTC+02:00'
    """
    return zone_at(start_utc, offset_s, fix)


def number(value: object, scale: float = 1.0) -> float:
    """A number from JSON or CSV times ``scale``; NaN when missing, blank or not a number.

    Examples
    --------
    >>> number("500000.0", 0.01), number(None), number("")
    (5000.0, nan, nan)
    """
    try:
        out = float(str(value).strip()) * scale
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan
