"""Shared machinery of the mood and sleep readers: results, row bookkeeping, scales, time.

Every format module in :mod:`runwell.logs` reads its file into plain row dictionaries and
hands them to the helpers here, so that all formats agree on

* **bookkeeping** -- :class:`RowLog` numbers the input rows, sends bad ones to the load
  report (or raises :class:`~runwell.errors.InputError` in strict mode) and keeps the
  counts that :class:`MoodResult` and :class:`SleepResult` reconcile;
* **scales** -- :func:`rescale` and :func:`normalise_item`;
* **time** -- :func:`localize`, :func:`to_local` and :func:`resolve_tz`.

Time policy (the same for every format)
---------------------------------------
* Times written with an offset or as epoch/UTC instants are honoured as instants.
* Naive local wall-clock times are interpreted in the caller's ``tz`` (an IANA name).
  A format whose times are naive and that carries no zone of its own cannot be read
  without ``tz``: the reader raises :class:`~runwell.errors.InputError` (``field='tz'``)
  asking for it, rather than guessing UTC and shifting every day boundary.
* A local time that falls in a DST gap (it never existed, e.g. 02:30 on the spring-
  forward night) is moved forward by the length of the gap (02:30 -> 03:30), and a local
  time that occurs twice (the fall-back hour) is taken as the *earlier* instant. Both
  cases load, and each adds a ``partial`` row to the load report saying what was done.
* The local time stored beside an instant is the instant seen in ``tz`` when the caller
  gave one, else in the file's own zone or offset. A known offset without a zone name is
  written as ``"UTC+02:00"``.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from runwell.errors import InputError
from runwell.loadreport import report_row
from runwell.tables import DEFAULT_PARTICIPANT, conform, empty_table
from runwell.timezones import localize_series, offset_name, to_local_series, zone

__all__ = [
    "MoodResult",
    "SleepResult",
    "RowLog",
    "ITEM_ALIASES",
    "normalise_item",
    "rescale",
    "resolve_tz",
    "require_tz",
    "offset_name",
    "localize",
    "localize_rows",
    "to_local",
    "assign_naps",
    "read_text",
    "csv_records",
    "dict_records",
    "read_csv_log",
    "optional_float",
    "to_hours",
    "check_value",
    "parse_scale",
    "parse_instants",
    "merge_scales",
    "first_present",
    "mood_frame",
    "finish_mood",
    "finish_sleep",
]

PathLike = str | Path

#: Spellings of common items mapped to runwell's item names (after :func:`normalise_item`
#: has lower-cased them and turned separators into ``_``).
ITEM_ALIASES: dict[str, str] = {
    "mood": "mood",
    "overall_mood": "mood",
    "feeling": "mood",
    "happiness": "happy",
    "energy": "energy",
    "energy_level": "energy",
    "energetic": "energy",
    "anxiety": "anxiety",
    "anxious": "anxiety",
    "stress": "stress",
    "stressed": "stress",
    "sleep_quality": "sleep_quality",
    "sleepquality": "sleep_quality",
    "quality_of_sleep": "sleep_quality",
    "sleep_rating": "sleep_quality",
    "fatigue": "fatigue",
    "tired": "fatigue",
    "tiredness": "fatigue",
    "sad": "sadness",
    "sadness": "sadness",
    "irritable": "irritability",
    "irritability": "irritability",
    "relaxed": "relaxed",
    "calm": "calm",
    "valence": "valence",
}


def normalise_item(name: object) -> str:
    """Turn an item label into runwell's item vocabulary.

    Lower-cases, turns runs of non-alphanumerics into ``_`` and applies
    :data:`ITEM_ALIASES`, so ``"Sleep quality"``, ``"sleep-quality"`` and
    ``"SleepQuality"`` all become ``"sleep_quality"``.

    Parameters
    ----------
    name
        The label as the file or the caller wrote it.

    Returns
    -------
    str
        The normalised item name.

    Examples
    --------
    >>> normalise_item("Sleep Quality "), normalise_item("Stressed"), normalise_item("focus")
    ('sleep_quality', 'stress', 'focus')
    """
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name).strip())
    key = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return ITEM_ALIASES.get(key, ITEM_ALIASES.get(key.replace("_", ""), key))


def rescale(value: float, scale_min: float, scale_max: float) -> float:
    """Rescale a rating to 0..1: ``(value - scale_min) / (scale_max - scale_min)``.

    Examples
    --------
    >>> rescale(4, 1, 5)
    0.75
    """
    return (float(value) - float(scale_min)) / (float(scale_max) - float(scale_min))


# --------------------------------------------------------------------------- results


@dataclass
class _Result:
    report: pd.DataFrame
    format: str
    path: str
    rows_read: int
    rows_loaded: int
    rows_reported: int

    @property
    def reconciles(self) -> bool:
        """True when every input row was either loaded or reported as not loaded."""
        return self.rows_read == self.rows_loaded + self.rows_reported


@dataclass
class MoodResult(_Result):
    """What :func:`runwell.read_mood` returns.

    Attributes
    ----------
    mood
        The canonical ``mood`` table (:data:`runwell.tables.MOOD`).
    report
        The canonical load report: every input row that was not loaded whole.
    format
        The format that was read (the one ``format="auto"`` picked).
    path
        The file read.
    rows_read, rows_loaded, rows_reported
        Input rows (records) seen, rows that gave at least one rating, and rows that gave
        none and are in the report as ``error``, ``skipped`` or ``duplicate``. They
        reconcile: ``rows_read == rows_loaded + rows_reported`` (see :attr:`reconciles`).
        ``partial`` report rows are notes on loaded rows and are not counted twice.
    compliance
        For EMA formats (m-Path): prompts sent and answered per participant, else ``None``.
    """

    mood: pd.DataFrame = field(default_factory=lambda: empty_table("mood"))
    compliance: pd.DataFrame | None = None


@dataclass
class SleepResult(_Result):
    """What :func:`runwell.read_sleep` returns.

    Attributes
    ----------
    sleep
        The canonical ``sleep`` table (:data:`runwell.tables.SLEEP`), one row per sleep
        period; the longest period of each participant's wake date is the main sleep and
        the others have ``is_nap`` true.
    report, format, path, rows_read, rows_loaded, rows_reported
        As in :class:`MoodResult`; a row is one input record (a CSV line, a JSON sleep
        log, an Apple Health ``Record``), several of which may make one sleep period.
    """

    sleep: pd.DataFrame = field(default_factory=lambda: empty_table("sleep"))


# --------------------------------------------------------------------------- rows


class RowLog:
    """Bookkeeping of one file's rows: the load report, strict mode and the counts.

    Parameters
    ----------
    path
        The file being read (named in every report row and error).
    strict
        Raise :class:`InputError` on the first bad row instead of reporting it.
    participant_id
        Written into report rows.
    """

    def __init__(self, path: PathLike, *, strict: bool = False, participant_id: str | None = None):
        self.path = str(path)
        self.strict = strict
        self.participant_id = participant_id
        self.rows: list[dict[str, Any]] = []
        self.rows_read = 0
        self._rejected: set[Any] = set()

    def read(self, n: int = 1, *, empty: str | None = None) -> None:
        """Count ``n`` more input rows as read.

        Parameters
        ----------
        n
            How many rows were read.
        empty
            When given and ``n`` is 0, recorded as a ``skipped`` file note (see
            :meth:`file_note`), e.g. ``"empty Oura export: no rows"``.
        """
        self.rows_read += n
        if empty is not None and n == 0:
            self.file_note(empty)

    def _add(self, kind: str, reason: str, row: int | None) -> None:
        self.rows.append(
            report_row(self.path, kind, reason, row=row, participant_id=self.participant_id)
        )

    def reject(
        self,
        row: int | None,
        reason: str,
        *,
        kind: str = "error",
        field: str | None = None,
        value: object = None,
        fix: str | None = None,
    ) -> None:
        """Report a row that will not be loaded (raise instead in strict mode).

        ``kind`` is ``"error"`` (bad content), ``"duplicate"`` or ``"skipped"`` (a row
        that is fine but is not a rating or sleep period, e.g. an unanswered prompt).
        Strict mode raises for errors and duplicates, never for skipped rows.
        """
        if self.strict and kind in ("error", "duplicate"):
            raise InputError(self.path, reason, row=row, field=field, value=value, fix=fix)
        self._add(kind, _reason(reason, field, value, fix), row)
        self._rejected.add(row)

    def note(self, row: int | None, reason: str) -> None:
        """Add a ``partial`` note about a row that was loaded (not counted as rejected)."""
        self._add("partial", reason, row)

    def file_note(self, reason: str, kind: str = "skipped") -> None:
        """Report something about the whole file (no row), e.g. "no sleep records"."""
        self._add(kind, reason, None)

    def is_rejected(self, row: int | None) -> bool:
        """True when ``row`` has been reported as not loadable."""
        return row in self._rejected

    @property
    def rows_reported(self) -> int:
        """Input rows that were rejected (loaded nowhere)."""
        return len({r for r in self._rejected if r is not None})

    def frame(self) -> pd.DataFrame:
        """The load report as the canonical table."""
        if not self.rows:
            return empty_table("load_report")
        order = sorted(range(len(self.rows)), key=lambda i: (self.rows[i]["row"] or 0, i))
        return conform([self.rows[i] for i in order], "load_report")


def _reason(reason: str, field: str | None, value: object, fix: str | None) -> str:
    text = reason if field is None else f"{field}: {reason}"
    if value is not None:
        text += f" (value {value!r})"
    if fix:
        text += f". Fix: {fix}"
    return text


# --------------------------------------------------------------------------- time


def resolve_tz(tz: str | None) -> str | None:
    """Check that ``tz`` is a known zone (IANA name or ``UTC+hh:mm``) and return it.

    ``None`` passes.

    Raises
    ------
    InputError
        For an unknown name, with ``field='tz'``.
    """
    if tz is None:
        return None
    if zone(str(tz)) is None:
        raise InputError(
            None,
            "unknown time zone",
            field="tz",
            value=tz,
            fix="pass an IANA zone name such as 'Europe/London' or 'America/New_York'",
        )
    return str(tz)


def require_tz(tz: str | None, path: PathLike, fmt: str, *, why: str | None = None) -> str:
    """Return ``tz`` for a format that needs it, or raise asking for it.

    ``why`` replaces the default explanation (naive local times).
    """
    if tz is None:
        raise InputError(
            path,
            why
            or f"{fmt} files hold local times without a time zone, so runwell cannot place "
            "them on the UTC time line",
            field="tz",
            fix="pass tz='<IANA zone>' (the zone the participant lived in, e.g. "
            "tz='Europe/Berlin'); DST changes inside that zone are handled",
        )
    return tz


def localize(
    local: pd.Series,
    tz: str,
    log: RowLog | None = None,
    rows: Iterable[int | None] | None = None,
) -> pd.Series:
    """Interpret naive local times in ``tz`` and return UTC instants, DST included.

    The rules are :func:`runwell.timezones.localize_series`'s (a time in the DST gap
    moves forward by the gap; a repeated time takes the earlier instant); each such row
    gets a ``partial`` note in ``log``.

    Parameters
    ----------
    local
        Naive ``datetime64`` values (missing values stay missing).
    tz
        IANA zone name, or ``"UTC+hh:mm"``.
    log, rows
        Where to note DST adjustments, and the source row of each value.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]``, same index as ``local``.
    """
    local = pd.to_datetime(pd.Series(local)).astype("datetime64[ns]")
    utc, gap, ambiguous = localize_series(local, tz)
    if log is not None:
        row_list = list(rows) if rows is not None else [None] * len(local)
        for pos in np.flatnonzero((gap | ambiguous).to_numpy()):
            if ambiguous.iloc[pos]:
                what = "occurs twice (DST fall-back); the earlier instant was used"
            else:
                what = "does not exist (DST gap); moved forward by the gap"
            log.note(row_list[pos], f"local time {local.iloc[pos]} in {tz} {what}")
    return utc


def localize_rows(rows: list[dict[str, Any]], tz: str, log: RowLog) -> list[dict[str, Any]]:
    """Give mood rows their ``time_utc`` and ``tz`` from ``time_local`` (see :func:`localize`).

    Rows without a local time keep ``time_utc`` missing; DST adjustments are noted
    against each row's ``source_row``. The rows are changed in place and returned.
    """
    timed = [r for r in rows if r.get("time_local") is not None]
    if timed:
        utc = localize(pd.Series([r["time_local"] for r in timed]), tz, log, [r["source_row"] for r in timed])
        for row, instant in zip(timed, utc, strict=True):
            row["time_utc"] = instant
    for row in rows:
        row["tz"] = tz
        row.setdefault("time_utc", pd.NaT)
        row.setdefault("time_local", pd.NaT)
    return rows


def to_local(utc: pd.Series, tz: str | pd.Series) -> pd.Series:
    """Wall-clock times of UTC instants in ``tz`` (one zone, or one per row)."""
    return to_local_series(utc, tz)


# --------------------------------------------------------------------------- tables


def mood_frame(rows: list[dict[str, Any]], source: str, path: PathLike, tz: str | None) -> pd.DataFrame:
    """Build the canonical mood table from rating dictionaries.

    Each dictionary holds ``item``, ``value``, ``scale_min``, ``scale_max``,
    ``source_row`` and either ``time_utc`` (an instant) or ``time_local`` (naive, in
    ``tz``), optionally ``tz``, ``date``, ``context``, ``tags``, ``participant_id``.
    ``value_01``, ``date`` and the missing time column are derived here.
    """
    if not rows:
        return empty_table("mood")
    df = pd.DataFrame(rows)
    df["source"] = source
    df["source_file"] = str(path)
    if "tz" not in df:
        df["tz"] = tz
    df["tz"] = df["tz"].where(df["tz"].notna(), tz)
    if "time_utc" in df:
        df["time_utc"] = pd.to_datetime(df["time_utc"], utc=True)
        local = to_local(df["time_utc"], df["tz"])
        if "time_local" in df:
            df["time_local"] = pd.to_datetime(df["time_local"]).where(local.isna(), local)
        else:
            df["time_local"] = local
    df["time_local"] = pd.to_datetime(df.get("time_local"))
    if "date" not in df:
        df["date"] = pd.NaT
    df["date"] = pd.to_datetime(df["date"]).where(df["date"].notna(), df["time_local"].dt.normalize())
    df["value_01"] = (df["value"].astype(float) - df["scale_min"].astype(float)) / (
        df["scale_max"].astype(float) - df["scale_min"].astype(float)
    )
    out = conform(df, "mood")
    out = out.sort_values(["participant_id", "time_utc", "date", "source_row"], kind="stable",
                          na_position="last")
    return out.reset_index(drop=True)


def _sleep_frame(rows: list[dict[str, Any]], source: str, path: PathLike) -> pd.DataFrame:
    """Build the canonical sleep table from period dictionaries and flag naps.

    Each dictionary holds instants (``in_bed_start``, ``in_bed_end``, ``sleep_start``,
    ``sleep_end``; any may be missing), ``tz`` and optionally ``wake_date``,
    ``asleep_h``, ``in_bed_h``, ``efficiency``, ``quality_01``, ``participant_id``.
    Missing durations are derived from the instants; ``wake_date`` defaults to the local
    date (in ``tz``) of the end of sleep, or of the end of time in bed.
    """
    if not rows:
        return empty_table("sleep")
    df = pd.DataFrame(rows)
    for col in ("in_bed_start", "in_bed_end", "sleep_start", "sleep_end"):
        df[col] = pd.to_datetime(df.get(col, pd.Series(pd.NaT, index=df.index)), utc=True)
    for col in ("asleep_h", "in_bed_h", "efficiency", "quality_01"):
        df[col] = pd.to_numeric(df[col], errors="coerce") if col in df else np.nan
    in_bed = (df["in_bed_end"] - df["in_bed_start"]).dt.total_seconds() / 3600
    asleep = (df["sleep_end"] - df["sleep_start"]).dt.total_seconds() / 3600
    df["in_bed_h"] = df["in_bed_h"].fillna(in_bed)
    df["asleep_h"] = df["asleep_h"].fillna(asleep)
    df["efficiency"] = df["efficiency"].fillna(df["asleep_h"] / df["in_bed_h"])
    if "tz" not in df:
        df["tz"] = None
    end = df["sleep_end"].fillna(df["in_bed_end"])
    derived = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    has_tz = df["tz"].notna()
    if has_tz.any():
        derived[has_tz] = to_local(end[has_tz], df.loc[has_tz, "tz"]).dt.normalize()
    if "wake_date" not in df:
        df["wake_date"] = pd.NaT
    df["wake_date"] = pd.to_datetime(df["wake_date"]).fillna(derived)
    df["source"] = source
    df["source_file"] = str(path)
    out = assign_naps(conform(df, "sleep"))
    start = out["sleep_start"].fillna(out["in_bed_start"])
    order = out.assign(_start=start).sort_values(
        ["participant_id", "wake_date", "_start"], kind="stable", na_position="last").index
    return out.loc[order].reset_index(drop=True)


def assign_naps(sleep: pd.DataFrame) -> pd.DataFrame:
    """Flag naps: per participant and wake date the longest period is the main sleep.

    Length is ``asleep_h``, or ``in_bed_h`` where sleep time is unknown; ties go to the
    earlier period. Rows without a wake date are never naps.
    """
    if sleep.empty:
        return sleep
    df = sleep.copy()
    length = df["asleep_h"].fillna(df["in_bed_h"]).fillna(0.0)
    start = df["sleep_start"].fillna(df["in_bed_start"])
    order = pd.DataFrame(
        {
            "pid": df["participant_id"].fillna("\0"),
            "day": df["wake_date"],
            "neg_len": -length,
            "start": start,
        }
    ).sort_values(["pid", "day", "neg_len", "start"], kind="stable")
    first = ~order.duplicated(["pid", "day"], keep="first")
    is_nap = pd.Series(True, index=df.index)
    is_nap[first[first].index] = False
    is_nap[df["wake_date"].isna()] = False
    df["is_nap"] = is_nap.astype("boolean")
    return df


# --------------------------------------------------------------------------- files


def read_text(path: PathLike, *, member: str | None = None) -> str:
    """Read a text file (or a zip member) as UTF-8, dropping a byte-order mark.

    Raises
    ------
    InputError
        When the bytes are not UTF-8 (names the file and the fix).
    """
    path = Path(path)
    if member is not None:
        with zipfile.ZipFile(path) as zf:
            data = zf.read(member)
        where = f"{path}!{member}"
    else:
        data = path.read_bytes()
        where = str(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            where,
            f"not UTF-8 text (byte {data[err.start:err.start + 1]!r} at offset {err.start})",
            fix="re-export the file from the app, or re-save it as UTF-8",
        ) from err


def csv_records(text: str, *, delimiter: str = ",") -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Split CSV text into a header and ``(line number, fields)`` records.

    Line numbers are 1-based lines of the file where the record starts (the header is
    line 1), which is what a spreadsheet shows as the row number. Blank lines are skipped.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    line = 1
    for fields in reader:
        start = line
        line = reader.line_num + 1
        if not fields or all(not f.strip() for f in fields):
            continue
        if header is None:
            header = [f.strip() for f in fields]
            continue
        records.append((start, fields))
    return header or [], records


def dict_records(
    header: list[str], records: Iterable[tuple[int, list[str]]]
) -> list[tuple[int, dict[str, str]]]:
    """Pair each record's fields with the header (short records padded with "")."""
    out = []
    for line, fields in records:
        padded = list(fields) + [""] * (len(header) - len(fields))
        out.append((line, dict(zip(header, padded, strict=False))))
    return out


def read_csv_log(
    path: PathLike,
    log: RowLog,
    *,
    empty: str,
    key: Callable[[str], str] | None = None,
    delimiter: str = ",",
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV log into ``(line number, record)`` pairs and count them as read.

    Parameters
    ----------
    path
        The CSV file (UTF-8, see :func:`read_text`).
    log
        Counts the records as read; notes ``empty`` when there are none.
    empty
        The file note for a file without records, e.g. ``"empty Oura export: no rows"``.
    key
        Applied to each header name to make the record keys (e.g. ``str.lower``);
        default: the names as written.
    delimiter
        The field separator.

    Returns
    -------
    header : list of str
        The header as written (stripped, before ``key``).
    records : list of (int, dict)
        Each record's line number and its fields by key (see :func:`dict_records`).
    """
    header, raw = csv_records(read_text(path), delimiter=delimiter)
    records = dict_records([key(h) for h in header] if key else header, raw)
    log.read(len(records), empty=empty)
    return header, records


def optional_float(value: Any) -> float | None:
    """A number read leniently: ``None`` for a missing or unreadable value.

    Parameters
    ----------
    value
        A number, numeric text (surrounding white space allowed) or anything else.

    Returns
    -------
    float or None
        ``float(value)``, or ``None`` when ``value`` is ``None`` or not a number.

    Examples
    --------
    >>> optional_float(" 7.5 "), optional_float(480), optional_float(""), optional_float(None)
    (7.5, 480.0, None, None)
    """
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


_PER_HOUR = {"s": 3600, "min": 60}


def to_hours(amount: float | None, unit: str) -> float | None:
    """Convert a duration in seconds (``unit="s"``) or minutes (``"min"``) to hours.

    Parameters
    ----------
    amount
        The duration, or ``None`` when unknown.
    unit
        ``"s"`` or ``"min"``.

    Returns
    -------
    float or None
        Hours, or ``None`` when ``amount`` is ``None``.

    Examples
    --------
    >>> to_hours(90, "min"), to_hours(5400, "s"), to_hours(None, "s")
    (1.5, 1.5, None)
    """
    return None if amount is None else amount / _PER_HOUR[unit]


def parse_scale(spec: object, what: str) -> tuple[float, float]:
    """Check a ``(min, max)`` scale given by the caller."""
    try:
        lo, hi = (float(v) for v in spec)  # type: ignore[union-attr]
    except (TypeError, ValueError) as err:
        raise ValueError(f"scale for {what} must be (min, max), got {spec!r}") from err
    if not hi > lo:
        raise ValueError(f"scale for {what} must have max > min, got {spec!r}")
    return lo, hi


def check_value(
    log: RowLog,
    row: int | None,
    raw: object,
    scale: tuple[float, float],
    field: str,
    option: str = "scales=",
) -> float | None:
    """Parse a rating and check it lies on its scale; report (or raise) when not.

    Returns the float value, or ``None`` when the row was rejected or the cell is empty.
    """
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or str(raw).strip() == "":
        return None
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        log.reject(row, "not a number", field=field, value=raw, fix="correct or delete the cell")
        return None
    lo, hi = scale
    if not lo <= value <= hi:
        log.reject(
            row,
            f"outside the declared scale {lo:g}..{hi:g}",
            field=field,
            value=raw,
            fix=f"correct the value, or declare the right scale (the {option} option)",
        )
        return None
    return value


def first_present(columns: Iterable[str], candidates: Iterable[str]) -> str | None:
    """The first of ``candidates`` present in ``columns`` (case-insensitive)."""
    lower = {c.lower().strip(): c for c in columns}
    for cand in candidates:
        if cand.lower() in lower:
            return lower[cand.lower()]
    return None


def merge_scales(
    defaults: Mapping[str, tuple[float, float]], given: Mapping[str, Any] | None
) -> dict[str, tuple[float, float]]:
    """Default scales per item updated with the caller's ``scales=`` (normalised names)."""
    out = dict(defaults)
    for name, spec in (given or {}).items():
        out[normalise_item(name)] = parse_scale(spec, name)
    return out


# --------------------------------------------------------------------------- finishing


def _settle(log: RowLog, loaded: set[Any]) -> int:
    """Turn error rows whose row also loaded into ``partial`` notes; count rejected rows."""
    for entry in log.rows:
        if entry["row"] in loaded and entry["kind"] in ("error", "skipped"):
            entry["kind"] = "partial"
    rejected = {r for r in log._rejected if r is not None and r not in loaded}
    return len(rejected)


def _result_fields(log: RowLog, fmt: str, loaded: set[Any]) -> dict[str, Any]:
    """The fields every result shares: the settled report, format, path and counts.

    Parameters
    ----------
    log
        The file's bookkeeping (its error rows of loaded rows become ``partial``).
    fmt
        The format read.
    loaded
        The input rows that gave at least one table row.

    Returns
    -------
    dict
        Keyword arguments ``report``, ``format``, ``path``, ``rows_read``,
        ``rows_loaded`` and ``rows_reported`` of :class:`MoodResult`/:class:`SleepResult`.
    """
    reported = _settle(log, loaded)
    return {
        "report": _with_participant(log.frame(), log),
        "format": fmt,
        "path": log.path,
        "rows_read": log.rows_read,
        "rows_loaded": len(loaded),
        "rows_reported": reported,
    }


def finish_mood(
    log: RowLog,
    mood: pd.DataFrame,
    fmt: str,
    *,
    compliance: pd.DataFrame | None = None,
) -> MoodResult:
    """Package a mood table and its log into a :class:`MoodResult` with counts."""
    loaded = set(mood["source_row"].dropna().astype(int).tolist()) if len(mood) else set()
    return MoodResult(**_result_fields(log, fmt, loaded), mood=_with_participant(mood, log),
                      compliance=compliance)


def finish_sleep(
    log: RowLog,
    rows: list[dict[str, Any]],
    fmt: str,
    *,
    loaded: set[Any] | None = None,
) -> SleepResult:
    """Build the sleep table from period rows and package it into a :class:`SleepResult`.

    Parameters
    ----------
    log
        The file's bookkeeping; its path becomes ``source_file``.
    rows
        One dictionary per sleep period: instants ``in_bed_start``, ``in_bed_end``,
        ``sleep_start``, ``sleep_end`` (any may be missing), ``tz`` and optionally
        ``wake_date``, durations, ``quality_01`` and ``participant_id``; missing
        durations, wake dates and naps are derived. Each holds ``_row``, the input row
        it came from, unless ``loaded`` is given.
    fmt
        The format read: the result's ``format`` and the table's ``source``.
    loaded
        The input rows that went into at least one sleep period, for formats that make
        one period of several input rows. Default: the ``_row`` of each period.

    Returns
    -------
    SleepResult
        With the table and reconciled counts.
    """
    if loaded is None:
        loaded = {r["_row"] for r in rows}
    sleep = _sleep_frame(rows, fmt, log.path)
    return SleepResult(**_result_fields(log, fmt, loaded), sleep=_with_participant(sleep, log))


def _with_participant(table: pd.DataFrame, log: RowLog) -> pd.DataFrame:
    """Rows without a participant belong to the one given, else to ``DEFAULT_PARTICIPANT``.

    One default across activities and logs keeps one person's files joinable in the
    panel without naming them.
    """
    if len(table) and table["participant_id"].isna().any():
        table = table.copy()
        table["participant_id"] = table["participant_id"].fillna(log.participant_id or DEFAULT_PARTICIPANT)
    return table


def parse_instants(
    values: pd.Series,
    tz: str | None,
    log: RowLog,
    rows: list[int | None],
    field: str,
    *,
    fmt: str,
    dayfirst: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps that may carry offsets; naive ones are local times in ``tz``.

    Returns ``(utc, zone)``: UTC instants (missing where the cell was empty or the row
    was rejected as unparseable) and, per row, the zone to show local time in (``tz``
    when given, else the value's own offset as ``"UTC+hh:mm"``).

    Raises
    ------
    InputError
        When some value is naive and ``tz`` is ``None`` (asks for ``tz``).
    """
    n = len(values)
    fast = _parse_uniform(values)
    if fast is not None:
        if fast.dt.tz is None:
            pos = np.flatnonzero(fast.notna().to_numpy())
            utc = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
            if len(pos):
                zone_name = require_tz(tz, log.path, fmt)
                utc.iloc[pos] = localize(fast.iloc[pos], zone_name, log, [rows[p] for p in pos]).to_numpy()
            return utc, pd.Series([tz] * n, index=values.index, dtype="object")
        utc = fast.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        if tz is None:
            offset = fast.dropna().iloc[0].utcoffset() if fast.notna().any() else None
            name = offset_name(offset.total_seconds()) if offset is not None else None
            key = getattr(fast.dt.tz, "key", None) or (str(fast.dt.tz) if str(fast.dt.tz) == "UTC" else None)
            name = key or name
            return utc, pd.Series([name] * n, index=values.index, dtype="object")
        return utc, pd.Series([tz] * n, index=values.index, dtype="object")
    utc = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    zone = pd.Series([tz] * n, index=values.index, dtype="object")
    naive = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for i, (idx, raw) in enumerate(values.items()):
        if raw is None or (not isinstance(raw, str) and pd.isna(raw)) or str(raw).strip() == "":
            continue
        text = str(raw).strip()
        try:
            if re.fullmatch(r"-?\d{9,13}(\.\d+)?", text):
                number = float(text)
                stamp = pd.Timestamp(number, unit="ms" if abs(number) > 1e11 else "s", tz="UTC")
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    stamp = pd.Timestamp(pd.to_datetime(text, dayfirst=dayfirst))
                if pd.isna(stamp):
                    raise ValueError(text)
        except (ValueError, OverflowError, TypeError):
            log.reject(
                rows[i],
                "not a date/time runwell can read",
                field=field,
                value=raw,
                fix="write times as ISO 8601, e.g. 2024-03-01 07:30 or 2024-03-01T07:30+01:00",
            )
            continue
        if stamp.tzinfo is None:
            naive[idx] = stamp
        else:
            utc[idx] = stamp.tz_convert("UTC")
            if tz is None:
                offset = stamp.utcoffset()
                zone[idx] = offset_name(offset.total_seconds()) if offset is not None else "UTC"
    has_naive = naive.notna()
    if has_naive.any():
        zone_name = require_tz(tz, log.path, fmt)
        pos = np.flatnonzero(has_naive.to_numpy())
        utc[has_naive] = localize(naive[has_naive], zone_name, log, [rows[p] for p in pos]).to_numpy()
    return utc, zone


def _parse_uniform(values: pd.Series) -> pd.Series | None:
    """Vectorised fast path: every non-empty value is ISO 8601 text with one common offset
    (or none), or values are already datetimes. ``None`` sends the caller to the per-value
    parser, which handles mixed offsets, epochs and reports bad values one by one."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return pd.Series(values)
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "")
    if empty.all() or text[~empty].str.fullmatch(r"-?\d{9,13}(\.\d+)?").any():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = pd.to_datetime(text[~empty], format="ISO8601")
    except (ValueError, TypeError, Warning):
        return None
    out = pd.Series(pd.NaT, index=values.index, dtype=parsed.dtype)
    out[~empty] = parsed
    return out
