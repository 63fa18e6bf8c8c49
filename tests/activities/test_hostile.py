"""Damaged and hostile activity inputs (issue 12): one bad file never stops a load.

Each case: the single-file readers raise an ``InputError`` naming the file (and member),
``load_activities`` reports the file and loads the others, and nothing runs away
(bombs stop at the limits, links are not followed, nothing is written or fetched).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import struct
import time
import zipfile
from pathlib import Path

import pytest
from fuzzing.containers import bomb_gzip, bomb_zip, zip_of

import runwell
from runwell import limits
from runwell.activities._session import Parsed, Session
from runwell.activities.plausible import vet
from runwell.errors import InputError, LimitError, RunwellError

UTC = dt.UTC
DAY = dt.datetime(2024, 4, 1, 6, 0, tzinfo=UTC)


def gpx(n: int = 3, *, start: str = "2024-05-01T06:00:0", bad: dict[int, str] | None = None) -> bytes:
    """A GPX of ``n`` points one second apart (``bad`` replaces some points' times)."""
    points = []
    for i in range(n):
        stamp = (bad or {}).get(i, f"2024-05-01T{6 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z")
        points.append(f'<trkpt lat="{52.5 + i * 1e-5:.6f}" lon="13.4"><ele>34.0</ele><time>{stamp}</time></trkpt>\n')
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><type>running</type><trkseg>{''.join(points)}</trkseg></trk></gpx>"
    ).encode()


@pytest.fixture
def good(tmp_path, fit_bytes) -> Path:
    """A folder with two good files (FIT and GPX)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good_run.fit").write_bytes(fit_bytes(start=DAY, seconds=1200))
    (folder / "good_walk.gpx").write_bytes(gpx(30))
    return folder


def _status(load: runwell.ActivityLoad, name: str) -> str:
    rows = load.files[load.files["path"].astype(str).str.contains(name, regex=False)]
    assert len(rows), f"{name} not in the files table:\n{load.files}"
    return ",".join(rows["status"])


def _good_loaded(load: runwell.ActivityLoad) -> None:
    assert _status(load, "good_run.fit") == "loaded"
    assert _status(load, "good_walk.gpx") == "loaded"
    assert load.reconciles


# ------------------------------------------------------------------ damaged containers


def _bad_crc_zip(payload: bytes, name: str) -> bytes:
    data = bytearray(zip_of([(name, payload)], zipfile.ZIP_STORED))
    for sig, off in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = data.find(sig)
        struct.pack_into("<I", data, at + off, struct.unpack_from("<I", data, at + off)[0] ^ 1)
    return bytes(data)


def _flag_zip(payload: bytes, name: str, *, flags: int = 0, method: int | None = None) -> bytes:
    data = bytearray(zip_of([(name, payload)]))
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        struct.pack_into("<H", data, at + off, struct.unpack_from("<H", data, at + off)[0] | flags)
        if method is not None:
            struct.pack_into("<H", data, at + off + 2, method)
    return bytes(data)


DAMAGED = {
    "bad_crc.zip": lambda: _bad_crc_zip(gpx(5), "in/walk.gpx"),
    "encrypted.zip": lambda: _flag_zip(gpx(5), "walk.gpx", flags=1),
    "method99.zip": lambda: _flag_zip(gpx(5), "walk.gpx", method=99),
    "not_a.zip": lambda: b"PK\x03\x04 this is no zip",
    "cut.zip": lambda: zip_of([("walk.gpx", gpx(50))])[:-30],
    "bad.gpx.gz": lambda: gzip.compress(gpx(5))[:-12] + b"\0" * 12,
    "junk.fit.gz": lambda: b"\x1f\x8b\x08\x00garbage",
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_container_is_one_clean_error(tmp_path, good, name) -> None:
    path = good / name
    path.write_bytes(DAMAGED[name]())
    with pytest.raises(InputError) as err:
        runwell.read_activity(path)
    assert name in str(err.value)
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert _status(load, name) == "error"
    assert name in " ".join(load.report["path"].astype(str))


def test_damaged_batch_and_its_zip_complete(tmp_path, good) -> None:
    """Good and damaged files in a folder, then the same folder zipped: every file accounted for."""
    for name, make in DAMAGED.items():
        (good / name).write_bytes(make())
    (good / "trunc.fit").write_bytes((good / "good_run.fit").read_bytes()[:300])
    (good / "month13.gpx").write_bytes(gpx(40, bad={7: "2024-13-10T10:01:00Z"}))
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    reported = set(load.report["path"].astype(str))
    for path in good.iterdir():
        assert any(p.startswith(str(path)) for p in [*load.files["path"], *reported, *load.ignored]), path
    packed = tmp_path / "all.zip"
    with zipfile.ZipFile(packed, "w") as zf:
        for path in sorted(good.iterdir()):
            zf.writestr(path.name, path.read_bytes())
    zipped = runwell.load_activities(packed, workers=1)
    assert zipped.reconciles
    assert len(zipped.activities) == len(load.activities)
    for path in good.iterdir():
        display = f"{packed}!{path.name}"
        listed = [*zipped.files["path"], *zipped.report["path"], *zipped.ignored]
        assert any(str(p).startswith(display) for p in listed), display


def test_bad_zip_among_good_files_does_not_stop_the_load(good) -> None:
    (good / "broken.zip").write_bytes(b"PK\x05\x06\0\0\0\0\1\0\1\0" + b"\xff" * 10)
    (good / "empty.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert _status(load, "broken.zip") == "error"
    assert _status(load, "empty.zip") == "skipped"


def test_damaged_non_activity_member_is_reported_not_a_stop(good) -> None:
    """A zipped CSV with a bad CRC: sniffing it for a summary export fails; it is an error row."""
    (good / "heart_rate.zip").write_bytes(_bad_crc_zip(b"Time,Value\n" * 40, "heart_rate.csv"))
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    member = f"{good / 'heart_rate.zip'}!heart_rate.csv"
    assert _status(load, "heart_rate.zip!heart_rate.csv") == "error"
    rows = load.report[load.report["path"].astype(str) == member]
    assert "CRC" in rows["reason"].iloc[0]
    assert member not in load.ignored


# ------------------------------------------------------------------ bombs and limits


def test_zip_bomb_stops_at_the_ratio_limit(good) -> None:
    (good / "bomb.zip").write_bytes(bomb_zip("run.gpx", 1 << 30))
    start = time.monotonic()
    with pytest.raises(LimitError, match=r"bomb\.zip!run\.gpx.*more than 100 times its compressed size"):
        runwell.read_activity(good / "bomb.zip")
    load = runwell.load_activities(good, workers=1)
    assert time.monotonic() - start < 20
    _good_loaded(load)
    assert "limit max_ratio" in load.report.set_index("kind").loc["error", "reason"]


def test_gzip_bomb_and_lying_header_stop(good) -> None:
    (good / "bomb.gpx.gz").write_bytes(bomb_gzip(1 << 30))
    with pytest.raises(LimitError, match="bomb.gpx.gz"):
        runwell.read_streams(good / "bomb.gpx.gz")
    (good / "liar.zip").write_bytes(bomb_zip("run.gpx", 1 << 30, declared=100))
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert _status(load, "bomb.gpx.gz") == "error" and _status(load, "liar.zip!run.gpx") == "error"


def test_archive_total_limit_counts_every_member(good) -> None:
    members = [(f"walk{i}.gpx", gpx(400)) for i in range(5)]
    (good / "many.zip").write_bytes(zip_of(members))
    total_kb = sum(len(d) for _, d in members) / 1024
    with limits.using(max_archive_gb=total_kb / 2 / 2**20):
        load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    reasons = " ".join(load.report["reason"])
    assert "inflates to more than" in reasons and "max_archive_gb" in reasons


def test_nested_zips_stop_at_the_depth_limit(good) -> None:
    data, name = gpx(5), "deep.gpx"
    for level in range(1100):  # 42.zip style depth: no RecursionError, one report row
        data, name = zip_of([(name, data)], zipfile.ZIP_STORED), f"level{level}.zip"
    (good / "deep.zip").write_bytes(data)
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert "nested more than 8 deep" in " ".join(load.report["reason"])
    shallow, name = gpx(5), "shallow.gpx"
    for level in range(3):  # Garmin exports nest zips; those load
        shallow, name = zip_of([(name, shallow)]), f"l{level}.zip"
    (good / "shallow.zip").write_bytes(shallow)
    assert len(runwell.read_activity(good / "shallow.zip")) == 1


def test_points_limit(good) -> None:
    with limits.using(max_points=10), pytest.raises(LimitError, match="more than 10 track points"):
        runwell.read_activity(good / "good_walk.gpx")


def test_limits_from_the_environment(good, monkeypatch) -> None:
    monkeypatch.setenv("RUNWELL_MAX_POINTS", "10")
    assert limits.current().max_points == 10
    load = runwell.load_activities(good, workers=1)
    assert _status(load, "good_walk.gpx") == "error"


# ------------------------------------------------------------------ hostile names and links


@pytest.mark.parametrize(
    "bad", ["../../runwell_escape.gpx", "/tmp/runwell_escape.gpx", "C:/runwell_escape.gpx", "a/../../x.gpx"]
)
def test_hostile_member_names_are_reported_never_dropped(tmp_path, good, bad) -> None:
    (good / "slip.zip").write_bytes(zip_of([("ok.gpx", gpx(5).replace(b"05-01", b"06-01")), (bad, gpx(6))]))
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert _status(load, "slip.zip!ok.gpx") == "loaded"
    assert _status(load, f"slip.zip!{bad}") == "error"
    assert "not read" in " ".join(load.report["reason"])
    with pytest.raises(InputError, match="slip.zip!"):
        runwell.read_activity(good / "slip.zip")
    assert not list(tmp_path.parent.glob("runwell_escape*")) and not Path("/tmp/runwell_escape.gpx").exists()


def test_links_out_of_the_folder_are_not_followed(tmp_path, good) -> None:
    outside = tmp_path / "secret.gpx"
    outside.write_bytes(gpx(8))
    (good / "link.gpx").symlink_to(outside)
    (good / "zero.fit").symlink_to("/dev/zero")
    (good / "inside.gpx").symlink_to(good / "good_walk.gpx")
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert _status(load, "link.gpx") == "error" and _status(load, "zero.fit") == "error"
    assert "outside the input folder" in " ".join(load.report["reason"])
    assert _status(load, "inside.gpx") in ("loaded", "duplicate")


def test_pipes_in_a_folder_are_not_opened(good) -> None:
    os.mkfifo(good / "pipe.gpx")
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert "not a regular file" in load.report.set_index("kind").loc["error", "reason"]


# ------------------------------------------------------------------ content


def test_invalid_month_among_many_times_is_no_crash(good) -> None:
    """numpy 2.4 segfaults casting many time strings when one is invalid; the scanner never lets it."""
    path = good / "month13.gpx"
    path.write_bytes(gpx(3000, bad={1500: "2024-13-10T10:01:00Z"}))
    streams = runwell.read_streams(path)  # read by the reference reader, which leaves that time out
    assert len(streams) == 3000 and streams["time_utc"].isna().sum() == 1
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert _status(load, "month13.gpx") == "loaded"


@pytest.mark.parametrize("year", ["1066", "1600", "2262", "2999"])
def test_times_outside_the_plausible_window(good, year) -> None:
    path = good / f"y{year}.gpx"
    path.write_bytes(gpx(5).replace(b"2024-05-01", year.encode() + b"-05-01"))
    with pytest.raises(InputError, match=f"y{year}.gpx.*outside 1980"):
        runwell.read_activity(path)
    load = runwell.load_activities(good, workers=1)
    _good_loaded(load)
    assert _status(load, path.name) == "error"


def test_implausible_durations_are_left_out_and_said() -> None:
    start = __import__("pandas").Timestamp("2024-05-01", tz="UTC")
    parsed = vet(Parsed("fit", [Session("running", "generic", "run", False, start, -5.0, moving_s=9e6)]), "a.fit")
    session = parsed.sessions[0]
    assert session.elapsed_s != session.elapsed_s and session.moving_s != session.moving_s  # NaN
    assert "negative" in parsed.partial and "longer than 7 days" in parsed.partial


def test_repeated_strava_rows_load_once(tmp_path) -> None:
    header = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename\n"
    row = '123,"May 29, 2022, 3:53:35 PM",Run,Run,1800,5.0,\n'
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "activities.csv").write_text(header + row * 100 + row.replace("123", "124").replace("May 29", "May 30"))
    load = runwell.load_activities(folder, workers=1)
    assert sorted(load.activities["activity_id"]) == ["123", "124"]
    dup = load.report[load.report["kind"] == "duplicate"]
    assert len(dup) == 99 and dup["reason"].str.contains("repeats row 1").all()
    assert load.reconciles


def test_strava_csv_with_a_huge_field_is_reported(tmp_path) -> None:
    header = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename\n"
    folder = tmp_path / "export"
    (folder / "activities").mkdir(parents=True)
    (folder / "activities.csv").write_text(header + f'1,"May 29, 2022, 3:53:35 PM",{"x" * 200_000},Run,1,1,\n')
    (folder / "activities" / "1.gpx").write_bytes(gpx(5))
    load = runwell.load_activities(folder, workers=1)
    assert _status(load, "activities.csv") == "error"
    assert _status(load, "1.gpx") == "loaded"


def test_unknown_xml_encoding_is_a_clean_error(good) -> None:
    path = good / "enc.gpx"
    path.write_bytes(gpx(5).replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="x-unknown"?>'))
    with pytest.raises(InputError, match="enc.gpx: declares the text encoding 'x-unknown'.*Fix: "):
        runwell.read_activity(path)


def test_entity_expansion_and_external_entities_stay_refused(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    for name, doctype, ref in [
        ("laughs.gpx", laughs, "&l9;"),
        ("xxe.gpx", f'<!ENTITY x SYSTEM "file://{secret}">', "&x;"),
        ("remote.tcx", '<!ENTITY % r SYSTEM "http://127.0.0.1:9/x.dtd"> %r;', ""),
    ]:
        body = gpx(5).decode().replace("<trk>", f"<trk><name>{ref}</name>", 1)
        body = body.replace("<gpx ", f"<!DOCTYPE gpx [{doctype}]><gpx ", 1)
        path = tmp_path / name
        path.write_text(body)
        try:
            table = runwell.read_activity(path)
        except RunwellError:
            continue
        assert "TOPSECRET" not in table.to_string() and "lollol" not in table.to_string()


def test_only_runwell_errors_escape(tmp_path) -> None:
    for i, blob in enumerate([b"", b"\0" * 100, b".FIT" * 50, b"<gpx>" * 10, os.urandom(4000)]):
        for suffix in (".fit", ".gpx", ".tcx", ".fit.gz", ".zip"):
            path = tmp_path / f"x{i}{suffix}"
            path.write_bytes(blob)
            for reader in (runwell.read_activity, runwell.read_streams):
                try:
                    reader(path)
                except RunwellError as err:
                    assert path.name in str(err)
    assert runwell.load_activities(tmp_path, workers=1).reconciles


def test_fit_damage_inside_fitparse_keeps_what_was_read(fit_bytes) -> None:
    data = bytearray(fit_bytes(start=DAY, seconds=600))
    data[40:60] = b"\xff" * 20  # a damaged definition or values in the first messages
    from runwell.activities.fit.reference import read_fit_reference

    try:
        parsed = read_fit_reference(bytes(data), path="d.fit")
    except RunwellError as err:
        assert "d.fit" in str(err)
    else:
        assert isinstance(parsed, Parsed)


def test_check_zip_reads_through_limits_not_whole() -> None:
    from runwell.safeio import BoundedReader

    raw = io.BytesIO(bytes(300 << 20))
    reader = BoundedReader(raw, "z.zip!m", compressed=1000)
    with pytest.raises(LimitError, match="inflates more than 100 times"):
        while reader.read(1 << 20):
            pass
    assert reader.total <= (101 << 20)


#: The real ``run_task``, for :func:`_dying_task` (set by the test, inherited by forked workers).
REAL_RUN_TASK = None


#: The test process (which parses files itself when it forks a few workers).
_TEST_PROCESS = os.getpid()


def _dying_task(task):  # type: ignore[no-untyped-def]
    """A worker's job that kills the worker for one file (as the out-of-memory killer
    would); slow in the test process instead, so that a worker takes that file."""
    if os.getpid() == _TEST_PROCESS:
        time.sleep(1.0)
    elif task.name.endswith("die.gpx"):
        os._exit(1)
    return REAL_RUN_TASK(task)  # type: ignore[misc]


def test_a_dead_worker_does_not_stop_the_load(good, monkeypatch) -> None:
    from runwell.activities import parallel

    (good / "die.gpx").write_bytes(gpx(5).replace(b"05-01", b"07-01"))
    monkeypatch.setitem(globals(), "REAL_RUN_TASK", parallel.run_task)
    monkeypatch.setattr(parallel, "run_task", _dying_task)
    load = runwell.load_activities(good, workers=2)
    assert load.reconciles
    assert "worker process reading it died" in " ".join(load.report["reason"])
    assert _status(load, "die.gpx") == "error"


def test_a_pipe_given_as_the_input_is_not_opened(tmp_path) -> None:
    pipe = tmp_path / "pipe.fit"
    os.mkfifo(pipe)
    load = runwell.load_activities(pipe, workers=1)
    assert _status(load, "pipe.fit") == "error" and load.reconciles
    with pytest.raises(InputError, match="pipe.fit"):
        runwell.read_activity(pipe)
    with pytest.raises(InputError, match="not a regular file"):
        runwell.read_sleep(pipe, tz="UTC")


def test_strava_csv_with_a_cut_header_is_reported(tmp_path) -> None:
    folder = tmp_path / "export"
    (folder / "activities").mkdir(parents=True)
    (folder / "activities.csv").write_text('Activity ID,Activity Date\n1,"May 29, 2022, 3:53:35 PM",Run,,x\n')
    (folder / "activities" / "1.gpx").write_bytes(gpx(5))
    load = runwell.load_activities(folder, workers=1)
    assert _status(load, "activities.csv") == "error" and _status(load, "1.gpx") == "loaded"
    assert "lacks the Activity ID or Filename column" in " ".join(load.report["reason"])
