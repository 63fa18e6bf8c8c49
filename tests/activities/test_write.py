"""The sample-data writers produce files the reference decoders read back exactly."""

from __future__ import annotations

import io

import fitparse
import gpxpy
import numpy as np
import pandas as pd
import pytest

import runwell
from runwell.activities.write import Track, fit_bytes, gpx_text, tcx_text


@pytest.fixture
def track() -> Track:
    sec = np.arange(0, 1801, 5)
    return Track(
        start_utc=pd.Timestamp("2024-06-01 05:00", tz="UTC"),
        seconds=sec,
        lat=52.5 + sec * 2.5e-5,
        lon=np.full(sec.size, 13.4),
        altitude_m=40 + 10 * np.sin(sec / 300),
        distance_m=sec * 2.78,
        heart_rate=140 + 10 * np.sin(sec / 100),
        cadence=np.full(sec.size, 84.0),
        utc_offset_s=7200,
        timer_s=1790,
    )


def test_fit_roundtrip_through_fitparse(track):
    fit = fitparse.FitFile(io.BytesIO(fit_bytes(track)))  # checks both CRCs
    records = [m.get_values() for m in fit.get_messages("record")]
    (session,) = [m.get_values() for m in fit.get_messages("session")]
    (activity,) = [m.get_values() for m in fit.get_messages("activity")]
    assert len(records) == track.seconds.size
    assert records[10]["position_lat"] * 180 / 2**31 == pytest.approx(track.lat[10], abs=1e-7)
    assert records[10]["distance"] == pytest.approx(track.distance_m[10], abs=0.01)
    assert records[10]["altitude"] == pytest.approx(track.altitude_m[10], abs=0.2)
    assert session["total_elapsed_time"] == 1800 and session["total_timer_time"] == 1790
    assert session["sport"] == "running"
    assert (activity["local_timestamp"] - activity["timestamp"]).total_seconds() == 7200


def test_gpx_and_tcx_are_read_back(track, tmp_path):
    gpx = gpxpy.parse(gpx_text(track))
    assert len(gpx.tracks[0].segments[0].points) == track.seconds.size
    path = tmp_path / "t.tcx"
    path.write_text(tcx_text(track))
    row = runwell.read_activity(path).iloc[0]
    assert row["elapsed_s"] == 1800 and row["moving_s"] == 1790
    assert row["distance_m"] == pytest.approx(track.distance_m[-1], abs=0.1)
