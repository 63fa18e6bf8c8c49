"""Limits on what one input may cost: the documented guards against bombs and runaway files.

Every reader opens its files through :mod:`runwell.safeio`, which enforces these limits
and raises :class:`~runwell.errors.InputError` naming the file (and archive member) and
the limit that stopped it, with the setting that raises it. A batch load reports such a
file and goes on with the others.

The defaults let real exports through (an Apple Health ``export.xml`` of several GB is
streamed, never read whole; a Garmin account export nests zips two deep) and stop bombs
(a zip member inflating to 4 GiB from a few MB, a gzip of zeros, zips nested a thousand
deep) within a fraction of a second and well under a gigabyte of memory.

=========================  ==================  =============================  ==================================
Limit                      Default             Environment variable           What it stops
=========================  ==================  =============================  ==================================
``max_ratio``              100                 ``RUNWELL_MAX_RATIO``          a member (zip or gzip) inflating
                                                                              more than this many times its
                                                                              compressed size ...
``ratio_floor_mb``         100                 ``RUNWELL_RATIO_FLOOR_MB``     ... once past this many MB (smaller
                                                                              members may compress as well as
                                                                              they like)
``max_archive_gb``         64                  ``RUNWELL_MAX_ARCHIVE_GB``     total bytes inflated from one
                                                                              archive, nested ones included
``max_depth``              8                   ``RUNWELL_MAX_DEPTH``          zips nested deeper than this
``max_members``            1,000,000           ``RUNWELL_MAX_MEMBERS``        archives listing more members
``max_read_mb``            2048                ``RUNWELL_MAX_READ_MB``        one file read whole into memory
                                                                              (activity files, CSV and JSON
                                                                              logs; streamed XML is not read
                                                                              whole and has no such limit)
``max_points``             10,000,000          ``RUNWELL_MAX_POINTS``         track points in one activity file
``max_columns``            10,000              ``RUNWELL_MAX_COLUMNS``        columns of a CSV log's header
=========================  ==================  =============================  ==================================

Override them for one call with :func:`using` (``with runwell.limits.using(max_ratio=500):``)
or for a whole process with the environment variables (read at each call, so a notebook can
set ``os.environ`` and go on). Keyword arguments of :func:`using` win over the environment,
which wins over the defaults.

Examples
--------
>>> current().max_depth
8
>>> with using(max_depth=3):
...     current().max_depth
3
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace

from runwell.errors import LimitError, UsageError

__all__ = ["Limits", "DEFAULTS", "ENV", "current", "using", "check_points", "check_point_tags", "limit_error", "MB"]

#: Bytes per megabyte (binary, as the limits count).
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The limits in force (see the module docs for what each stops).

    Attributes
    ----------
    max_ratio
        Largest decompressed/compressed size ratio of a member past ``ratio_floor_mb``.
    ratio_floor_mb
        Megabytes a member may inflate to before ``max_ratio`` applies.
    max_archive_gb
        Gigabytes inflated from one archive in total (nested archives count towards it).
    max_depth
        Deepest nesting of archives.
    max_members
        Most members an archive may list.
    max_read_mb
        Largest file read whole into memory, in megabytes.
    max_points
        Most track points in one activity file.
    max_columns
        Most columns in the header of a CSV log.
    """

    max_ratio: float = 100.0
    ratio_floor_mb: float = 100.0
    max_archive_gb: float = 64.0
    max_depth: int = 8
    max_members: int = 1_000_000
    max_read_mb: float = 2048.0
    max_points: int = 10_000_000
    max_columns: int = 10_000

    @property
    def ratio_floor_bytes(self) -> int:
        """``ratio_floor_mb`` in bytes."""
        return int(self.ratio_floor_mb * MB)

    @property
    def max_archive_bytes(self) -> int:
        """``max_archive_gb`` in bytes."""
        return int(self.max_archive_gb * 1024 * MB)

    @property
    def max_read_bytes(self) -> int:
        """``max_read_mb`` in bytes."""
        return int(self.max_read_mb * MB)


#: The built-in defaults.
DEFAULTS = Limits()

#: Environment variable of each limit.
ENV: dict[str, str] = {f.name: "RUNWELL_" + f.name.upper() for f in fields(Limits)}

_override: ContextVar[dict[str, float] | None] = ContextVar("runwell_limits", default=None)


def _checked(name: str, value: object, source: str) -> float | int:
    """A limit's value as its type, or :class:`UsageError` naming where it came from."""
    kind = type(getattr(DEFAULTS, name))
    try:
        number = kind(float(str(value))) if kind is int else float(str(value))
    except ValueError:
        raise UsageError(f"{source}: limit {name} must be a number, got {value!r}") from None
    if not number > 0:
        raise UsageError(f"{source}: limit {name} must be positive, got {value!r}")
    return number


def current() -> Limits:
    """The limits in force now: :func:`using` over the environment over :data:`DEFAULTS`.

    Raises
    ------
    UsageError
        When an environment variable is not a positive number (it names the variable).
    """
    values: dict[str, float | int] = {}
    for name, var in ENV.items():
        raw = os.environ.get(var)
        if raw is not None and raw.strip():
            values[name] = _checked(name, raw.strip(), f"environment variable {var}")
    values.update(_override.get() or {})
    return replace(DEFAULTS, **values) if values else DEFAULTS  # type: ignore[arg-type]


@contextmanager
def using(**limits: float) -> Iterator[Limits]:
    """Override some limits inside a ``with`` block (this thread or task only).

    Parameters
    ----------
    **limits
        Any of the :class:`Limits` fields, e.g. ``max_ratio=500``, ``max_read_mb=8192``.

    Yields
    ------
    Limits
        The limits in force inside the block.

    Raises
    ------
    UsageError
        For an unknown limit name or a value that is not a positive number.
    """
    unknown = sorted(set(limits) - set(ENV))
    if unknown:
        raise UsageError(f"unknown limit(s) {unknown}; the limits are {sorted(ENV)}")
    merged = dict(_override.get() or {})
    merged.update({k: _checked(k, v, "runwell.limits.using") for k, v in limits.items()})
    token = _override.set(merged)
    try:
        yield current()
    finally:
        _override.reset(token)


def limit_error(where: object, reason: str, name: str) -> LimitError:
    """The error for an input that breaks limit ``name``: says which, and how to raise it.

    Examples
    --------
    >>> str(limit_error("a.gpx", "holds more than 10 track points", "max_points"))
    'a.gpx: holds more than 10 track points (limit max_points). Fix: if the file is genuine, raise the limit: runwell.limits.using(max_points=...) or $RUNWELL_MAX_POINTS'
    """
    return LimitError(
        None if where is None else str(where),
        f"{reason} (limit {name})",
        fix=f"if the file is genuine, raise the limit: runwell.limits.using({name}=...) or ${ENV[name]}",
    )


def check_points(n: int, where: str) -> None:
    """Raise :class:`~runwell.errors.LimitError` when a file holds more than ``max_points`` points.

    Parameters
    ----------
    n
        Points counted (or a close upper estimate) so far.
    where
        The file, for the message.
    """
    limit = current().max_points
    if n > limit:
        raise limit_error(where, f"holds more than {limit:,} track points", "max_points")


def check_point_tags(data: bytes, opening: bytes, where: str) -> None:
    """:func:`check_points` for the ``opening`` tags (``b"<trkpt"``) of an XML document.

    The tags are counted only when the document is long enough to hold more than
    ``max_points`` of them (each takes at least ``len(opening) + 2`` bytes, as in
    ``<trkpt/>``): the result is the same, without a pass over every ordinary file.

    Examples
    --------
    >>> check_point_tags(b"<trkpt/>" * 3, b"<trkpt", "x.gpx")
    """
    if len(data) // (len(opening) + 2) > current().max_points:
        check_points(data.count(opening), where)
