"""The bulk FIT decoder agrees with fitparse, the reference decoder, on every file.

Sessions, warnings, the partial reason and the samples (column by column, exactly) of
every real FIT file, of generated ones and of damaged ones (cut short, CRC flipped,
compressed timestamps) must be what the reference gives; what the bulk decoder cannot
read goes to the reference with a warning that says so.
"""

from __future__ import annotations

import datetime as dt
import gzip
import struct
import zipfile
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

import runwell
from runwell.activities.fit import parse_fit, reader
from runwell.activities.fit.reader import REFERENCE_WARNING
from runwell.activities.fit.records import read_fit_bulk
from runwell.activities.fit.repair import repair_field_sizes
from runwell.activities.fit.scan import NeedsReference, scan
from runwell.activities.write import Track
from runwell.activities.write import fit_bytes as write_fit
from runwell.errors import InputError

UTC = dt.UTC


def _fit_data(path):
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        return gzip.decompress(data)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            return zf.read(next(n for n in zf.namelist() if n.lower().endswith(".fit")))
    return data


def _outcome(data, name, *, fast):
    try:
        return parse_fit(data, path=name, streams=True, fast=fast)
    except InputError as err:  # NotAnActivityError too
        return type(err)


def assert_same(data, name):
    """Both decoders give the same result, or raise the same kind of error."""
    reference = _outcome(data, name, fast=False)
    bulk = _outcome(data, name, fast=True)
    if isinstance(reference, type):
        assert bulk is reference, name
        return
    assert not isinstance(bulk, type), f"{name}: bulk raised {bulk}"
    assert not any(w.startswith(REFERENCE_WARNING) for w in bulk.warnings), (name, bulk.warnings)
    assert [asdict(s) for s in bulk.sessions] == [asdict(s) for s in reference.sessions], name
    assert (bulk.partial, bulk.warnings) == (reference.partial, reference.warnings), name
    pd.testing.assert_frame_equal(bulk.streams, reference.streams, check_exact=True, obj=name)


def _real_fit_files(real):
    return [
        p
        for p in sorted((real / "activities").rglob("*"))
        if p.is_file() and (".fit" in p.name.lower() or p.suffix.lower() == ".zip")
    ]


def test_bulk_matches_fitparse_on_every_real_file(real):
    paths = _real_fit_files(real)
    assert len(paths) >= 19
    for path in paths:
        assert_same(_fit_data(path), path.name)


def test_read_streams_is_the_reference_table_on_real_files(real, monkeypatch):
    paths = [p for p in _real_fit_files(real) if p.name.startswith(("ride_zwift", "swim_fr935", "run_stryd"))]
    bulk = [runwell.read_streams(p) for p in paths]
    monkeypatch.setattr(reader, "read_fit_bulk", _refuse)
    for path, ours in zip(paths, bulk, strict=True):
        pd.testing.assert_frame_equal(ours, runwell.read_streams(path), check_exact=True, obj=path.name)


def _refuse(data, *, path, streams=False):
    raise NeedsReference("refused by the test")


def test_what_the_bulk_decoder_refuses_is_read_by_fitparse_with_a_warning(fit_bytes, monkeypatch):
    data = fit_bytes(start=dt.datetime(2024, 6, 1, tzinfo=UTC))
    monkeypatch.setattr(reader, "read_fit_bulk", _refuse)
    parsed = parse_fit(data, path="x.fit")
    assert parsed.warnings == [REFERENCE_WARNING + "refused by the test"]


def test_misaligned_count_is_the_repairs(real):
    data = _fit_data(real / "activities" / "fit" / "ride_coros_misaligned_fields.fit")
    assert scan(data).misaligned == repair_field_sizes(data)[1] > 0


@pytest.mark.parametrize("offset", [None, 3600, -5 * 3600])
@pytest.mark.parametrize("gps", [True, False])
def test_generated_files(offset, gps):
    sec = np.arange(0, 1801, 1)
    track = Track(
        start_utc=pd.Timestamp("2024-03-31 00:30", tz="UTC"),
        seconds=sec,
        lat=52.5 + sec * 2e-5 if gps else None,
        lon=np.full(sec.size, 13.4) if gps else None,
        altitude_m=40 + 5 * np.sin(sec / 200),
        distance_m=sec * 2.8,
        heart_rate=np.full(sec.size, 150.0),
        utc_offset_s=offset,
        sub_sport="generic" if gps else "treadmill",
    )
    assert_same(write_fit(track), "gen.fit")


def test_fit_tool_files_multisport_chained_and_monitoring(fit_bytes):
    start = dt.datetime(2024, 6, 1, 7, tzinfo=UTC)
    tri = fit_bytes(
        start=start, sessions=[("CYCLING", "ROAD", 1200), ("TRANSITION", "GENERIC", 60), ("RUNNING", "GENERIC", 900)]
    )
    assert_same(tri, "tri.fit")
    assert_same(fit_bytes(start=start, seconds=300) + fit_bytes(start=start, seconds=300), "chain.fit")
    assert_same(fit_bytes(start=start, position=None, utc_offset_s=None, sub_sport="TREADMILL"), "tm.fit")
    assert_same(fit_bytes(start=start, file_type="MONITORING_A"), "m.fit")


def test_damaged_files(fit_bytes, real):
    data = fit_bytes(start=dt.datetime(2024, 6, 1, tzinfo=UTC), seconds=300)
    flipped = bytearray(data)
    flipped[-1] ^= 0xFF
    assert_same(bytes(flipped), "crc.fit")
    assert_same(b"not a fit file at all", "junk.fit")
    assert_same(data + b"\x00" * 5, "padded.fit")
    tiny = _fit_data(real / "activities" / "fit" / "run_fenix5_tiny_57s.fit")
    for cut in range(1, len(tiny), max(1, len(tiny) // 40)):
        assert_same(tiny[:cut], f"cut{cut}.fit")
    assert_same(tiny + tiny[: len(tiny) // 2], "chained-cut.fit")


def _compressed_fit(stamps_every: int) -> bytes:
    """A hand-made FIT: file_id, session, then records with compressed-timestamp headers
    (a full timestamp every ``stamps_every`` records)."""
    t0 = 1_000_000_000
    body = bytearray()
    body += bytes([0x40, 0, 0]) + struct.pack("<HB", 0, 1) + bytes([0, 1, 0x00]) + bytes([0x00, 4])
    body += bytes([0x41, 0, 0]) + struct.pack("<HB", 20, 2) + bytes([253, 4, 0x86, 3, 1, 0x02])
    body += bytes([0x42, 0, 0]) + struct.pack("<HB", 20, 1) + bytes([3, 1, 0x02])
    for i in range(200):
        t = t0 + 3 * i
        if i % stamps_every == 0:
            body += bytes([0x01]) + struct.pack("<IB", t, 100 + i % 50)
        else:
            body += bytes([0x80 | 2 << 5 | (t & 0x1F), 100 + i % 50])
    body += bytes([0x43, 0, 0]) + struct.pack("<HB", 18, 3) + bytes([2, 4, 0x86, 7, 4, 0x86, 5, 1, 0x00])
    body += bytes([0x03]) + struct.pack("<IIB", t0, 600_000, 1)
    header = struct.pack("<BBHI4s", 12, 0x10, 2132, len(body), b".FIT")
    out = header + bytes(body)
    from runwell.activities.fit.protocol import crc16

    return out + struct.pack("<H", crc16(out))


@pytest.mark.parametrize("every", [1, 7, 1000])
def test_compressed_timestamps(every):
    data = _compressed_fit(every)
    assert_same(data, "compressed.fit")
    streams = read_fit_bulk(data, path="c.fit", streams=True).streams
    assert streams["time_utc"].diff().dropna().eq(pd.Timedelta(seconds=3)).all()
