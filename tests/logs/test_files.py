"""Reading log files (runwell.logs.files): text, CSV records, JSON lists, zip members."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from runwell import read_mood
from runwell.errors import InputError
from runwell.logs.files import (
    csv_records,
    first_present,
    load_json_list,
    member_named,
    read_csv_log,
    read_table,
    read_text,
)
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


TABLES = Path(__file__).resolve().parents[1] / "data" / "logs" / "tables"

#: Damaged tables (tests/data/logs/tables): (file, row named or None, words of the reason).
DAMAGED_TABLES = [
    ("ragged_row.csv", 3, "row has 3 fields where the header has 2"),
    ("extra_field_first_row.csv", 2, "row has 3 fields where the header has 2"),
    ("unclosed_quote.csv", 3, "unexpected end of data"),
    ("text_after_quote.csv", 2, "expected after"),
    ("latin1.csv", None, "not UTF-8 text (byte b'\\xe9' at offset 37)"),
    ("blank_lines_only.csv", None, "no header row"),
    ("not_parquet.parquet", None, "not a parquet file"),
]


@pytest.mark.parametrize(("name", "row", "words"), DAMAGED_TABLES)
def test_read_table_damage_is_an_input_error_naming_file_and_row(name, row, words) -> None:
    path = TABLES / name
    with pytest.raises(InputError) as caught:
        read_table(path)
    err = caught.value
    assert err.path == str(path) and err.row == row
    assert words in err.reason and err.fix
    assert not isinstance(err.__cause__, InputError)  # the library's exception is chained, not shown


@pytest.mark.parametrize(("name", "row", "words"), DAMAGED_TABLES)
def test_generic_reader_reports_the_damaged_table(name, row, words) -> None:
    with pytest.raises(InputError, match=r"Fix: ") as caught:
        read_mood(TABLES / name, format="generic", tz="UTC", date="date")
    assert caught.value.path == str(TABLES / name) and caught.value.row == row


def test_read_table_field_over_the_csv_limit_names_its_row(tmp_path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("date,note\n2024-01-01,ok\n2024-01-02," + "x" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="field larger than field limit") as caught:
        read_table(path)
    assert caught.value.row == 3


def test_read_table_odd_but_readable_tables() -> None:
    frame, _ = read_table(TABLES / "single_column.csv")
    assert list(frame.columns) == ["date"] and frame["date"].tolist() == ["2024-01-01", "2024-01-02"]
    frame, _ = read_table(TABLES / "cr_newlines.csv")
    assert list(frame.columns) == ["time", "mood"] and frame["mood"].tolist() == ["3", "4"]


def test_read_table_separator_is_the_most_frequent_in_the_header(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("date|mood|note\n2024-01-01|3|a,b;c\n", encoding="utf-8")
    frame, _ = read_table(path)
    assert frame.iloc[0].tolist() == ["2024-01-01", "3", "a,b;c"]


def test_csv_records_names_the_file_and_line() -> None:
    with pytest.raises(InputError) as caught:
        csv_records("a,b\n1,2\n3," + "x" * 140_000 + "\n", path="x.csv")
    assert caught.value.path == "x.csv" and caught.value.row == 3


def test_read_table_header_of_a_cr_only_file_is_its_first_line(tmp_path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"date,mood\r" + b"2024-01-01,3\r" * 20_000)
    frame, _ = read_table(path)
    assert frame.shape == (20_000, 2)
