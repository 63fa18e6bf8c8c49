"""What the log readers return (runwell.logs.results): counts, summary, repr, folders."""

from __future__ import annotations

import pandas as pd

from runwell.loadreport import LoadResult
from runwell.logs.results import MoodResult, SleepResult, combine, finish_mood, finish_sleep
from runwell.logs.rows import RowLog
from runwell.tables import empty_table


def _nights(log: RowLog, rows: tuple[int, ...]) -> SleepResult:
    start = pd.Timestamp("2024-01-01 23:00", tz="UTC")
    periods = [
        {
            "_row": r,
            "sleep_start": start + pd.Timedelta(days=i),
            "sleep_end": start + pd.Timedelta(days=i, hours=7),
            "tz": "UTC",
        }
        for i, r in enumerate(rows)
    ]
    return finish_sleep(log, periods, "test")


def test_finish_sleep_counts_rows_of_periods_by_default() -> None:
    log = RowLog("s.csv", participant_id="p1")
    log.read(3)
    log.reject(3, "bad")
    result = _nights(log, (1, 2))
    assert (result.rows_read, result.rows_loaded, result.rows_reported) == (3, 2, 1)
    assert result.reconciles
    assert result.sleep["source"].tolist() == ["test", "test"]
    assert result.sleep["source_file"].tolist() == ["s.csv", "s.csv"]
    assert result.sleep["participant_id"].tolist() == ["p1", "p1"]
    assert result.sleep["asleep_h"].tolist() == [7.0, 7.0]


def test_finish_sleep_takes_explicit_loaded_rows() -> None:
    log = RowLog("s.xml")
    log.read(3)
    rows = [
        {
            "in_bed_start": pd.Timestamp("2024-01-01 23:00", tz="UTC"),
            "in_bed_end": pd.Timestamp("2024-01-02 07:00", tz="UTC"),
            "tz": "UTC",
        }
    ]
    result = finish_sleep(log, rows, "test", loaded={1, 2, 3})
    assert (result.rows_loaded, result.rows_reported, len(result.sleep)) == (3, 0, 1)
    empty = finish_sleep(RowLog("e.csv"), [], "empty")
    assert empty.sleep.empty and empty.rows_loaded == 0


def test_results_follow_the_load_result_protocol_with_a_short_repr() -> None:
    log = RowLog("s.csv")
    log.read(4)
    log.reject(3, "bad")
    log.reject(4, "again", kind="duplicate")
    log.note(1, "moved out of a DST gap")
    result = _nights(log, (1, 2))
    assert isinstance(result, LoadResult)
    assert result.summary() == (
        "2 sleep periods from 4 rows of s.csv (test): 2 loaded, 2 not loaded; "
        "report: 1 error, 1 duplicate, 1 warning; counts reconcile."
    )
    assert repr(result) == f"SleepResult({result.summary()})"
    mood = finish_mood(RowLog("m.csv"), empty_table("mood"), "daylio")
    assert isinstance(mood, LoadResult) and repr(mood).startswith("MoodResult(0 ratings from 0 rows")
    broken = MoodResult(
        report=empty_table("load_report"), format="x", path="p", rows_read=2, rows_loaded=1, rows_reported=0
    )
    assert not broken.reconciles and "do NOT reconcile" in broken.summary()


def test_combine_joins_tables_reports_and_counts() -> None:
    log = RowLog("a.csv")
    log.read(1)
    first = _nights(log, (1,))
    log = RowLog("b.csv")
    log.read(2)
    log.reject(2, "bad")
    second = _nights(log, (1,))
    extra = pd.DataFrame([{"participant_id": None, "path": "c.txt", "row": None, "kind": "skipped", "reason": "x"}])
    joined = combine([first, second], "folder", extra)
    assert isinstance(joined, SleepResult) and joined.path == "folder" and joined.format == "test"
    assert (joined.rows_read, joined.rows_loaded, joined.rows_reported) == (3, 2, 1) and joined.reconciles
    assert len(joined.sleep) == 2 and joined.report["path"].tolist() == ["b.csv", "c.txt"]
