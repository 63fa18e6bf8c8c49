"""What the mood and sleep readers return: :class:`MoodResult` and :class:`SleepResult`.

Each result holds the canonical table, the load report, the format read and row counts
that reconcile (every input row was loaded or reported). Readers package their table and
:class:`~runwell.logs.rows.RowLog` with :func:`finish_mood` / :func:`finish_sleep`;
folder reads join several results with :func:`combine`. The results follow
:class:`runwell.loadreport.LoadResult`: ``.report``, ``.reconciles``, ``.summary()``,
and their ``repr`` is the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import pandas as pd

from runwell.loadreport import SummaryRepr, kind_counts, report_frame
from runwell.logs.frames import assign_naps, sleep_frame
from runwell.logs.plausible import plausible_periods
from runwell.logs.rows import RowLog
from runwell.tables import DEFAULT_PARTICIPANT, conform, empty_table

__all__ = ["LogResult", "MoodResult", "SleepResult", "finish_mood", "finish_sleep", "combine", "compliance_frame"]


@dataclass(repr=False)
class LogResult(SummaryRepr):
    """The fields mood and sleep results share (see :class:`MoodResult`)."""

    #: The attribute holding the canonical table, and what one of its rows is.
    TABLE: ClassVar[str] = ""
    UNIT: ClassVar[str] = "rows"

    report: pd.DataFrame
    format: str
    path: str
    rows_read: int
    rows_loaded: int
    rows_reported: int

    @property
    def table(self) -> pd.DataFrame:
        """The canonical table (``.mood`` or ``.sleep``)."""
        return getattr(self, self.TABLE)

    @property
    def reconciles(self) -> bool:
        """True when every input row was either loaded or reported as not loaded."""
        return self.rows_read == self.rows_loaded + self.rows_reported

    def summary(self) -> str:
        """What was read, loaded and reported, in one line.

        Examples
        --------
        >>> from runwell.sample import sample_path
        >>> from runwell.logs import read_daylio
        >>> read_daylio(sample_path("individual", "daylio_export.csv"), tz="Europe/Berlin").summary()
        '... ratings from ... rows of ...daylio_export.csv (daylio): ... loaded, 0 not loaded; counts reconcile.'
        """
        kinds = ", ".join(f"{n} {kind}" for kind, n in kind_counts(self.report).items())
        text = (
            f"{len(self.table)} {self.UNIT} from {self.rows_read} rows of {self.path} ({self.format}): "
            f"{self.rows_loaded} loaded, {self.rows_reported} not loaded"
        )
        if kinds:
            text += f"; report: {kinds}"
        return text + ("; counts reconcile." if self.reconciles else "; counts do NOT reconcile.")


@dataclass(repr=False)
class MoodResult(LogResult):
    """What :func:`runwell.read_mood` and the mood readers return.

    Attributes
    ----------
    mood
        The canonical ``mood`` table (:data:`runwell.tables.MOOD`).
    report
        The canonical load report: every input row that was not loaded whole, and
        warnings about rows that were (a time moved out of a DST gap).
    format
        The format that was read (the one ``format="auto"`` picked).
    path
        The file read.
    rows_read, rows_loaded, rows_reported
        Input rows (records) seen, rows that gave at least one rating, and rows that gave
        none and are in the report as ``error``, ``skipped`` or ``duplicate``. They
        reconcile: ``rows_read == rows_loaded + rows_reported`` (see :attr:`reconciles`).
        ``partial`` and ``warning`` report rows are about loaded rows and are not
        counted twice.
    compliance
        For EMA formats (m-Path): prompts sent and answered per participant, else ``None``.
    """

    TABLE: ClassVar[str] = "mood"
    UNIT: ClassVar[str] = "ratings"

    mood: pd.DataFrame = field(default_factory=lambda: empty_table("mood"))
    compliance: pd.DataFrame | None = None


@dataclass(repr=False)
class SleepResult(LogResult):
    """What :func:`runwell.read_sleep` and the sleep readers return.

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

    TABLE: ClassVar[str] = "sleep"
    UNIT: ClassVar[str] = "sleep periods"

    sleep: pd.DataFrame = field(default_factory=lambda: empty_table("sleep"))


def _with_participant(table: pd.DataFrame, log: RowLog) -> pd.DataFrame:
    """Rows without a participant belong to the one given, else to ``DEFAULT_PARTICIPANT``.

    One default across activities and logs keeps one person's files joinable in the
    panel without naming them.
    """
    if len(table) and table["participant_id"].isna().any():
        table = table.copy()
        table["participant_id"] = table["participant_id"].fillna(log.participant_id or DEFAULT_PARTICIPANT)
    return table


def _result_fields(log: RowLog, fmt: str, loaded: set[Any]) -> dict[str, Any]:
    """The fields every result shares: the settled report, format, path and counts.

    Parameters
    ----------
    log
        The file's bookkeeping (settled: its error rows of loaded rows become ``partial``).
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
    reported = log.settle(loaded)
    return {
        "report": _with_participant(log.frame(), log),
        "format": fmt,
        "path": log.path,
        "rows_read": log.rows_read,
        "rows_loaded": len(loaded),
        "rows_reported": reported,
    }


def finish_mood(log: RowLog, mood: pd.DataFrame, fmt: str, *, compliance: pd.DataFrame | None = None) -> MoodResult:
    """Package a mood table and its row log into a :class:`MoodResult` with counts.

    Parameters
    ----------
    log
        The file's bookkeeping.
    mood
        The canonical mood table (see :func:`runwell.logs.frames.mood_frame`); its
        ``source_row`` values are the rows loaded.
    fmt
        The format read.
    compliance
        Prompts sent and answered per participant, for EMA formats.
    """
    loaded = set(mood["source_row"].dropna().astype(int).tolist()) if len(mood) else set()
    return MoodResult(**_result_fields(log, fmt, loaded), mood=_with_participant(mood, log), compliance=compliance)


def finish_sleep(log: RowLog, rows: list[dict[str, Any]], fmt: str, *, loaded: set[Any] | None = None) -> SleepResult:
    """Build the sleep table from period rows and package it into a :class:`SleepResult`.

    Parameters
    ----------
    log
        The file's bookkeeping; its path becomes ``source_file``.
    rows
        One dictionary per sleep period (see :func:`runwell.logs.frames.sleep_frame`),
        each holding ``_row``, the input row it came from, unless ``loaded`` is given.
    fmt
        The format read: the result's ``format`` and the table's ``source``.
    loaded
        The input rows that went into at least one sleep period, for formats that make
        one period of several input rows. Default: the ``_row`` of each period.

    Returns
    -------
    SleepResult
        With the table and reconciled counts. Periods with times that cannot be true
        (:mod:`runwell.logs.plausible`) are rejected in ``log``, not loaded.
    """
    kept = plausible_periods(rows, log)
    if loaded is None:
        loaded = {r["_row"] for r in kept}
    elif len(kept) < len(rows):
        loaded = loaded - {r.get("_row") for r in rows if r not in kept}
    sleep = sleep_frame(kept, fmt, log.path)
    return SleepResult(**_result_fields(log, fmt, loaded), sleep=_with_participant(sleep, log))


def combine(
    results: Sequence[MoodResult | SleepResult], path: str, extra_report: pd.DataFrame | None = None
) -> MoodResult | SleepResult:
    """Join the results of several files of one kind (a folder) into one result.

    Tables, reports and counts are combined; naps are re-assigned across files; the
    format is the formats read joined by ``+``.

    Parameters
    ----------
    results
        At least one result, all of the same type.
    path
        The folder, the combined result's ``path``.
    extra_report
        Report rows about the folder's other files (e.g. ``skipped``), appended.
    """
    first = results[0]
    name = first.TABLE
    frames = [r.table for r in results]
    combined = conform(pd.concat(frames, ignore_index=True), name) if len(frames) > 1 else frames[0]
    extra: dict[str, Any] = {}
    if isinstance(first, SleepResult):
        combined = assign_naps(combined)
    else:
        combined = combined.sort_values(
            ["participant_id", "time_utc", "date"], kind="stable", na_position="last"
        ).reset_index(drop=True)
        compliance = [r.compliance for r in results if isinstance(r, MoodResult) and r.compliance is not None]
        extra["compliance"] = pd.concat(compliance, ignore_index=True) if compliance else None
    reports = [r.report for r in results] + ([] if extra_report is None else [extra_report])
    report = conform(pd.concat(reports, ignore_index=True), "load_report") if reports else report_frame([])
    return replace(
        first,
        **{name: combined},
        **extra,
        report=report,
        format="+".join(sorted({r.format for r in results})),
        path=str(path),
        rows_read=sum(r.rows_read for r in results),
        rows_loaded=sum(r.rows_loaded for r in results),
        rows_reported=sum(r.rows_reported for r in results),
    )


def compliance_frame(prompts: list[tuple[str | None, bool]]) -> pd.DataFrame:
    """Prompts sent and answered per participant (:attr:`MoodResult.compliance` of EMA formats).

    Parameters
    ----------
    prompts
        One ``(participant_id, answered)`` per prompt sent.

    Returns
    -------
    pandas.DataFrame
        ``participant_id``, ``prompts``, ``answered`` and ``compliance`` (answered / prompts).
    """
    df = pd.DataFrame(prompts, columns=["participant_id", "answered"])
    if df.empty:
        return pd.DataFrame(
            {
                "participant_id": pd.Series(dtype="string"),
                "prompts": pd.Series(dtype="Int64"),
                "answered": pd.Series(dtype="Int64"),
                "compliance": pd.Series(dtype="float64"),
            }
        )
    df["participant_id"] = df["participant_id"].astype("string")
    out = (
        df.groupby("participant_id", dropna=False)
        .agg(prompts=("answered", "size"), answered=("answered", "sum"))
        .reset_index()
    )
    out["prompts"] = out["prompts"].astype("Int64")
    out["answered"] = out["answered"].astype("Int64")
    out["compliance"] = out["answered"] / out["prompts"]
    return out
