"""The fast FIT summary path agrees with fitparse, the reference decoder, on every file."""

from __future__ import annotations

import datetime as dt
import gzip
import zipfile
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from runwell.activities.fit import parse_fit
from runwell.activities.fit.fast import summarize_fit
from runwell.activities.write import Track
from runwell.activities.write import fit_bytes as write_fit

UTC = dt.timezone.utc


def _fit_data(path):
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        return gzip.decompress(data)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            return zf.read(next(n for n in zf.namelist() if n.lower().endswith(".fit")))
    return data


def _same(data, name):
    reference = parse_fit(data, path=name, fast=False)
    quick = summarize_fit(data, path=name)
    if quick is None:
        return False
    assert [asdict(s) for s in quick.sessions] == [asdict(s) for s in reference.sessions], name
    assert quick.partial == reference.partial and quick.warnings == reference.warnings
    return True


def test_fast_path_matches_fitparse_on_real_files(real):
    paths = [
        p
        for p in sorted((real / "activities").rglob("*"))
        if p.is_file() and (".fit" in p.name.lower() or p.suffix == ".zip")
    ]
    handled = 0
    for path in paths:
        data = _fit_data(path)
        try:
            handled += _same(data, path.name)
        except Exception as err:  # the reference rejects it: the fast path must not accept it
            assert summarize_fit(data, path=path.name) is None, f"{path.name}: fitparse raised {err!r}"
    assert handled >= 12, f"fast path handled only {handled} of {len(paths)} real files"


@pytest.mark.parametrize("offset", [None, 3600, -5 * 3600])
@pytest.mark.parametrize("gps", [True, False])
def test_fast_path_matches_fitparse_on_generated_files(offset, gps):
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
    assert _same(write_fit(track), "gen.fit")


def test_fit_tool_files_without_ascent_go_to_fitparse(fit_bytes):
    data = fit_bytes(start=dt.datetime(2024, 6, 1, tzinfo=UTC))  # fit-tool writes no total_ascent
    assert summarize_fit(data, path="x.fit") is None


def test_fast_path_declines_what_it_cannot_do(fit_bytes):
    data = fit_bytes(start=dt.datetime(2024, 6, 1, tzinfo=UTC))
    assert summarize_fit(data[:-40], path="cut.fit") is None  # truncated
    flipped = bytearray(data)
    flipped[-1] ^= 0xFF
    assert summarize_fit(bytes(flipped), path="crc.fit") is None  # CRC mismatch
    monitor = fit_bytes(start=dt.datetime(2024, 6, 1, tzinfo=UTC), file_type="MONITORING_A")
    assert summarize_fit(monitor, path="m.fit") is None
