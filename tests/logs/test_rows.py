"""Row bookkeeping (runwell.logs.rows): counts, report order and the one strict policy."""

from __future__ import annotations

import pytest

from runwell.errors import InputError
from runwell.logs.rows import RowLog, describe


def test_strict_raises_for_errors_with_field_value_and_fix() -> None:
    log = RowLog("f.csv", strict=True)
    with pytest.raises(InputError, match=r"f.csv, row 4, field 'mood': bad \(value 'x'\). Fix: y") as err:
        log.reject(4, "bad", field="mood", value="x", fix="y")
    assert (err.value.row, err.value.field, err.value.value) == (4, "mood", "x")


def test_strict_never_raises_for_duplicates_skipped_rows_or_warnings() -> None:
    log = RowLog("f.csv", strict=True)
    log.reject(2, "duplicate of row 1", kind="duplicate")
    log.reject(3, "not a rating", kind="skipped")
    log.note(5, "local time moved out of a DST gap")
    assert log.frame()["kind"].tolist() == ["duplicate", "skipped", "warning"]
    assert log.rows_reported == 2


def test_strict_raises_for_a_skipped_whole_file() -> None:
    with pytest.raises(InputError, match="empty f: no rows"):
        RowLog("f.csv", strict=True).read(0, empty="empty f: no rows")


def test_read_notes_an_empty_file_only_when_nothing_was_read() -> None:
    log = RowLog("f.csv")
    log.read(2, empty="empty f: no rows")
    assert log.rows_read == 2 and log.frame().empty
    log = RowLog("f.csv")
    log.read(0, empty="empty f: no rows")
    report = log.frame()
    assert log.rows_read == 0
    assert report["kind"].tolist() == ["skipped"]
    assert report["reason"].tolist() == ["empty f: no rows"]
    assert report["row"].isna().all()


def test_report_is_ordered_by_row_with_participant() -> None:
    log = RowLog("f.csv", participant_id="p1")
    log.reject(7, "late")
    log.file_note("whole file", kind="warning")
    log.reject(3, "early", field="when", value="x", fix="fix it")
    report = log.frame()
    assert report["row"].tolist()[1:] == [3, 7] and report["row"].isna().tolist()[0]
    assert report["reason"].tolist()[1] == "when: early (value 'x'). Fix: fix it"
    assert (report["participant_id"] == "p1").all()


def test_settle_turns_reports_of_loaded_rows_partial() -> None:
    log = RowLog("f.csv")
    log.read(3)
    log.reject(1, "one bad item")
    log.reject(2, "no rating")
    log.note(1, "moved out of a DST gap")
    assert log.settle({1, 3}) == 1
    assert log.frame()["kind"].tolist() == ["partial", "warning", "error"]
    assert log.is_rejected(2) and not log.is_rejected(3)


def test_describe() -> None:
    assert describe("bad") == "bad"
    assert describe("bad", value=0) == "bad (value 0)"
