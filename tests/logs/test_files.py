"""Reading log files (runwell.logs.files): text, CSV records, JSON lists, zip members."""

from __future__ import annotations

import zipfile

import pytest

from runwell.errors import InputError
from runwell.logs.files import first_present, load_json_list, member_named, read_csv_log, read_table, read_text
from runwell.logs.rows import RowLog


def test_read_csv_log_keys_counts_and_notes_empty(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Sid;Start\n1;10\n\n2;20\n", encoding="utf-8")
    log = RowLog(path)
    header, records = read_csv_log(path, log, key=str.lower, delimiter=";", empty="none")
    assert header == ["Sid", "Start"]
    assert records == [(2, {"sid": "1", "start": "10"}), (4, {"sid": "2", "start": "20"})]
    assert log.rows_read == 2 and log.frame().empty
    path.write_text("Sid;Start\n", encoding="utf-8")
    log = RowLog(path)
    assert read_csv_log(path, log, empty="no rows") == (["Sid;Start"], [])
    assert log.frame()["reason"].tolist() == ["no rows"]


def test_read_text_drops_bom_reads_members_and_names_bad_bytes(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n")
    assert read_text(path) == "a,b\n"
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("inner/x.csv", "x\n")
    assert read_text(archive, member="inner/x.csv") == "x\n"
    path.write_bytes(b"a,\xff\n")
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte b'\\xff' at offset 2\)"):
        read_text(path)


def test_member_named() -> None:
    assert member_named(["a/sleep-export.csv"], "sleep-export.csv") == "a/sleep-export.csv"
    assert member_named(["a/my-sleep-export.csv"], "sleep-export.csv") is None


def test_load_json_list(tmp_path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"logId": 1}')
    assert load_json_list(path) == [{"logId": 1}]
    path.write_text("[1, 2")
    with pytest.raises(InputError, match="not valid JSON"):
        load_json_list(path)
    path.write_text('"text"')
    with pytest.raises(InputError, match="JSON list"):
        load_json_list(path)


def test_read_table_and_first_present(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("\ufeff Time ;Mood\n2024-01-01;3\n", encoding="utf-8")
    frame, offset = read_table(path)
    assert list(frame.columns) == ["Time", "Mood"] and offset == 2
    assert frame["Mood"].tolist() == ["3"]
    assert first_present(frame.columns, ["timestamp", "time"]) == "Time"
    assert first_present(frame.columns, ["stress"]) is None
