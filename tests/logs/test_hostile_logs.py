"""Damaged and hostile mood and sleep logs (issue 12): a clean error naming the file, or rows reported.

The log readers raise only :class:`~runwell.errors.RunwellError`, naming the file (and
member, row or byte offset); impossible times are reported per row; a folder read
reports a failed file and goes on.
"""

from __future__ import annotations

import json
import struct
import time
import zipfile

import pytest
from fuzzing.containers import bomb_zip, zip_of

from runwell import limits
from runwell.errors import InputError, LimitError, MissingInputError, OptionError, RunwellError, UsageError
from runwell.logs import read_mood, read_sleep
from runwell.logs.garmin import read_garmin


def test_deep_json_is_a_clean_error(tmp_path) -> None:
    path = tmp_path / "x_sleepData.json"
    path.write_text('[{"sleepStartTimestampGMT": ' + "[" * 200_000 + "]" * 200_000 + "}]")
    with pytest.raises(InputError, match="x_sleepData.json.*nested too deeply"):
        read_sleep(path, format="garmin", tz="UTC")


def test_bad_json_names_the_offset(tmp_path) -> None:
    path = tmp_path / "y_sleepData.json"
    path.write_text('[{"sleepStartTimestampGMT": "2021-01-01T23:10:00.0", ')
    with pytest.raises(InputError, match="line 1, column .*, character"):
        read_garmin(path)


def test_huge_csv_field_names_the_row(data, tmp_path) -> None:
    lines = (data / "sleep_as_android_dst.csv").read_text().splitlines()
    lines[3] = lines[3] + "," + "x" * 200_000
    path = tmp_path / "sleep-export.csv"
    path.write_text("\n".join(lines))
    with pytest.raises(InputError, match=r"sleep-export.csv, row \d+: CSV cannot be read"):
        read_sleep(path, tz="UTC")
    generic = tmp_path / "generic.csv"
    generic.write_text("date,mood\n2024-01-01," + "9" * 200_000 + "\n")
    with pytest.raises(InputError, match="generic.csv"):
        read_mood(generic, format="generic", tz="UTC")


def test_wide_header_is_stopped_quickly(data, tmp_path) -> None:
    text = (data / "generic_wide.csv").read_text().split("\n", 1)
    path = tmp_path / "wide.csv"
    path.write_text(text[0] + "," + ",".join(f"c{i}" for i in range(100_000)) + "\n" + text[1])
    start = time.monotonic()
    with pytest.raises(LimitError, match="wide.csv.*100006 columns"):
        read_mood(path, format="generic", tz="UTC")
    assert time.monotonic() - start < 5


def test_non_utf8_and_ragged_generic_tables(data, tmp_path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((data / "generic_wide.csv").read_bytes().replace(b"pre_run", b"pr\xe9_run"))
    try:
        read_mood(path, format="generic", tz="UTC", items={"Mood (1-7)": (1, 7)})
    except RunwellError as err:
        assert "latin.csv" in str(err)


def test_unknown_xml_encoding(data, tmp_path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes((data / "apple_sleep.xml").read_bytes().replace(b'encoding="UTF-8"', b'encoding="x-unknown"'))
    with pytest.raises(InputError, match="export.xml.*cannot be decoded"):
        read_sleep(path, tz="UTC")


def test_times_outside_the_window_are_rows_in_the_report(data, tmp_path, check) -> None:
    xml = (data / "apple_sleep.xml").read_bytes().replace(b"2024-01-14 22:30:00", b"1600-01-14 22:30:00", 1)
    path = tmp_path / "export.xml"
    path.write_bytes(xml)
    res = read_sleep(path, tz="UTC")
    check(res, "sleep")
    assert res.report["reason"].str.contains("outside 1980").any()
    generic = tmp_path / "g.csv"
    generic.write_text("timestamp,mood\n2024-01-01 08:00,4\n2500-01-01 08:00,5\n1066-10-14 09:00,3\n")
    res = read_mood(generic, format="generic", tz="UTC", items={"mood": (1, 5)})
    check(res, "mood")
    assert len(res.mood) == 1 and res.rows_reported == 2


def test_garmin_epoch_seconds_and_odd_types(tmp_path, check) -> None:
    nights = [
        {"sleepStartTimestampGMT": 1609542600000, "sleepEndTimestampGMT": 1609570800000, "calendarDate": "2021-01-02"},
        {"sleepStartTimestampGMT": 1609629000, "sleepEndTimestampGMT": 1609657200, "calendarDate": "2021-01-03"},
        {"sleepStartTimestampGMT": {"t": 1}, "sleepEndTimestampGMT": [2], "calendarDate": "2021-01-04"},
        {
            "sleepStartTimestampGMT": "2021-01-04T23:10:00.0",
            "sleepEndTimestampGMT": "2021-01-05T07:00:00.0",
            "calendarDate": "2021-01-05",
            "deepSleepSeconds": {"x": 1},
            "sleepScores": [1],
        },
    ]
    path = tmp_path / "g_sleepData.json"
    path.write_text(json.dumps(nights))
    res = read_garmin(path)
    check(res, "sleep")
    hours = res.sleep.set_index("wake_date")["in_bed_h"]
    assert hours.iloc[0] == pytest.approx(7.8333, abs=1e-3) and hours.iloc[1] == pytest.approx(7.8333, abs=1e-3)
    assert res.rows_reported >= 1


def test_fitbit_log_id_of_any_json_type(data, tmp_path, check) -> None:
    logs = json.loads((data / "fitbit_sleep-2020-03-22.json").read_text())
    logs[0]["logId"] = {"odd": True}
    logs[0]["levels"] = ["not", "an", "object"]
    path = tmp_path / "sleep-2020-03-22.json"
    path.write_text(json.dumps(logs))
    check(read_sleep(path, format="fitbit", tz="Europe/Berlin"), "sleep")


def _bad_crc(data: bytes) -> bytes:
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = out.find(sig)
        struct.pack_into("<I", out, at + off, struct.unpack_from("<I", out, at + off)[0] ^ 1)
    return bytes(out)


def test_damaged_and_bomb_archives(data, tmp_path) -> None:
    csv_text = (data / "sleep_as_android_dst.csv").read_bytes()
    crc = tmp_path / "backup.zip"
    crc.write_bytes(_bad_crc(zip_of([("sleep-export.csv", csv_text)], zipfile.ZIP_STORED)))
    with pytest.raises(InputError, match=r"backup.zip!sleep-export.csv: damaged archive"):
        read_sleep(crc, tz="UTC")
    method = tmp_path / "method.zip"
    raw = bytearray(zip_of([("sleep-export.csv", csv_text)]))
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        struct.pack_into("<H", raw, raw.find(sig) + off, 99)
    method.write_bytes(bytes(raw))
    with pytest.raises(InputError, match="method.zip"):
        read_sleep(method, tz="UTC")
    bomb = tmp_path / "export.zip"
    bomb.write_bytes(bomb_zip("apple_health_export/export.xml", 1 << 30))
    with pytest.raises(InputError, match="export.zip"):  # zeros: not XML, stopped at once
        read_sleep(bomb, tz="UTC")
    xml = (data / "apple_sleep.xml").read_bytes().replace(b"<HealthData", b" " * (8 << 20) + b"<HealthData", 1)
    padded = tmp_path / "padded.zip"
    padded.write_bytes(zip_of([("apple_health_export/export.xml", xml)]))
    with limits.using(ratio_floor_mb=1), pytest.raises(LimitError, match=r"padded.zip!.*limit max_ratio"):
        read_sleep(padded, tz="UTC")
    assert len(read_sleep(padded, tz="UTC").sleep)  # the default floor (100 MB) lets it through


def _last_member_bad_crc(data: bytes) -> bytes:
    """Flip the CRC of the archive's last member (local header and central entry)."""
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = out.rfind(sig)
        struct.pack_into("<I", out, at + off, struct.unpack_from("<I", out, at + off)[0] ^ 1)
    return bytes(out)


def test_zip_of_logs_reports_bad_members_and_reads_the_rest(data, tmp_path) -> None:
    """A Whoop zip with a damaged, an encrypted-flagged and a climbing member: the sleeps load."""
    sleeps = (data / "whoop_export" / "sleeps.csv").read_bytes()
    raw = zip_of([("../up.csv", sleeps), ("w/sleeps.csv", sleeps), ("w/broken.csv", sleeps)], zipfile.ZIP_STORED)
    archive = tmp_path / "whoop.zip"
    archive.write_bytes(_last_member_bad_crc(raw))
    res = read_sleep(archive)
    assert len(res.sleep) == 3 and res.reconciles
    errors = res.report[res.report["kind"] == "error"].set_index("path")["reason"]
    assert "damaged archive (Bad CRC-32" in errors[f"{archive}!w/broken.csv"]
    assert "climbs out of the archive" in errors[f"{archive}!../up.csv"]
    assert not (tmp_path / "up.csv").exists()


def test_zip_of_logs_ignores_macos_litter_even_under_strict(data, tmp_path) -> None:
    sleeps = (data / "whoop_export" / "sleeps.csv").read_bytes()
    archive = tmp_path / "whoop.zip"
    litter = [("__MACOSX/w/._sleeps.csv", b"\0\5\26\7"), (".DS_Store", b"x")]
    archive.write_bytes(zip_of([("w/sleeps.csv", sleeps), *litter]))
    res = read_sleep(archive, strict=True)
    assert len(res.sleep) == 3
    assert not res.report["path"].str.contains("MACOSX|DS_Store").any()


@pytest.mark.parametrize(("declared", "words"), [(None, "(limit max_ratio)"), (1000, "damaged archive (Bad CRC-32")])
def test_zip_of_logs_bomb_stops_at_the_ratio_limit(tmp_path, declared, words) -> None:
    """A 3 GiB member of zeros in a zip read as a folder of logs: refused from its header, or
    (a header that understates it) cut at what it declares; never 3 GiB on disk."""
    archive = tmp_path / "export.zip"
    archive.write_bytes(bomb_zip("logs/heartrate.csv", declared=declared))
    start = time.monotonic()
    res = read_sleep(archive, tz="UTC")
    assert time.monotonic() - start < 8
    (reason,) = res.report.loc[res.report["path"] == f"{archive}!logs/heartrate.csv", "reason"]
    assert words in reason


def test_folder_reports_a_bad_file_and_goes_on(data, tmp_path, check) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "good_sleepData.json").write_bytes((data / "garmin_2021_sleepData.json").read_bytes())
    (folder / "deep_sleepData.json").write_text('[{"sleepStartTimestampGMT": ' + "[" * 100_000)
    (folder / "link_sleepData.json").symlink_to(data / "garmin_2021_sleepData.json")
    res = read_sleep(folder, tz="UTC")
    check(res, "sleep")
    assert len(res.sleep) > 0
    errors = res.report[res.report["kind"] == "error"]
    assert {p.rsplit("/", 1)[-1] for p in errors["path"]} >= {"deep_sleepData.json", "link_sleepData.json"}
    with pytest.raises(InputError):
        read_sleep(folder, tz="UTC", strict=True)
    (folder / "good_sleepData.json").unlink()
    res = read_sleep(folder, tz="UTC")  # every file failed: the report says why, nothing raised
    assert res.sleep.empty and len(res.report) == 2


def test_options_and_missing_paths_are_runwell_errors(data, tmp_path) -> None:
    with pytest.raises(OptionError, match="colour") as err:
        read_mood(data / "generic_wide.csv", format="generic", tz="UTC", colour="blue")
    assert isinstance(err.value, UsageError) and isinstance(err.value, TypeError) and err.value.option == "colour"
    with pytest.raises(MissingInputError, match="nope.csv") as missing:
        read_mood(tmp_path / "nope.csv")
    assert isinstance(missing.value, FileNotFoundError)


def test_limits_are_checked_and_overridable() -> None:
    assert limits.current() == limits.DEFAULTS
    with limits.using(max_columns=5) as inside:
        assert inside.max_columns == 5 and limits.current().max_columns == 5
    assert limits.current().max_columns == limits.DEFAULTS.max_columns
    with pytest.raises(UsageError, match="unknown limit"):
        with limits.using(max_colums=5):
            pass
    with pytest.raises(UsageError, match="positive"):
        with limits.using(max_ratio=0):
            pass


def test_bad_limit_in_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("RUNWELL_MAX_RATIO", "lots")
    with pytest.raises(UsageError, match="RUNWELL_MAX_RATIO"):
        limits.current()


def test_entity_expansion_and_external_entities_stay_refused(data, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    xml = (data / "apple_sleep.xml").read_text()
    for name, doctype, ref in [
        ("laughs.xml", laughs, "&l9;"),
        ("xxe.xml", f'<!ENTITY x SYSTEM "file://{secret}">', "&x;"),
        ("remote.xml", '<!ENTITY % r SYSTEM "http://127.0.0.1:9/x.dtd"> %r;', ""),
    ]:
        body = xml.replace("<HealthData", f"<!DOCTYPE HealthData [{doctype}]>\n<HealthData", 1)
        body = body.replace('<ExportDate value="', f'<ExportDate note="{ref}" value="', 1)
        path = tmp_path / name
        path.write_text(body)
        start = time.monotonic()
        try:
            res = read_sleep(path, tz="UTC")
        except RunwellError as err:
            assert name in str(err)
        else:
            assert "TOPSECRET" not in res.report.to_string()
        assert time.monotonic() - start < 5


def test_many_rows_with_mixed_offsets_parse_quickly(tmp_path, check) -> None:
    """Times with different offsets are parsed value by value: 20,000 of them in seconds, not minutes."""
    rows = [f"p1,2024-10-{1 + i % 28:02d}T09:{i % 60:02d}:00+0{i % 3}:00,{1 + i % 7}" for i in range(20_000)]
    path = tmp_path / "mixed.csv"
    path.write_text("pid,timestamp,mood\n" + "\n".join(rows) + "\n")
    start = time.monotonic()
    res = read_mood(path, format="generic", tz="UTC", items={"mood": (1, 7)})
    check(res, "mood")
    assert len(res.mood) == 20_000 and time.monotonic() - start < 30
