"""GPX quirks: BOM and whitespace, empty segments, no times, extensions, Strava types."""

from __future__ import annotations

import gzip

import gpxpy
import pandas as pd
import pytest

import runwell
from runwell.errors import InputError, NotAnActivityError


def test_bom_whitespace_empty_segment_extensions_and_strava_type(data):
    path = data / "strava_bom_whitespace_empty_segment.gpx"
    row = runwell.read_activity(path).iloc[0]
    assert row["sport"] == "running" and row["sport_original"] == "9"
    assert row["start_utc"] == pd.Timestamp("2023-04-02 06:00", tz="UTC")
    # first fix in Munich, after the spring-forward: CEST
    assert (row["tz"], row["tz_source"]) == ("Europe/Berlin", "gps")
    assert row["start_local"] == pd.Timestamp("2023-04-02 08:00")
    assert row["elapsed_s"] == 180
    assert row["avg_hr"] == pytest.approx((120 + 140 + 150) / 3)  # the 0 bpm reading is a drop-out
    assert row["max_hr"] == 150
    # 0.0009 + 0.0010 deg of latitude: the gap between segments is not distance (as gpxpy)
    assert row["distance_m"] == pytest.approx(0.0019 * 111_320, rel=0.01)
    assert row["elevation_gain_m"] == pytest.approx(13.0)  # 520 -> 533 with 5 m hysteresis
    streams = runwell.read_streams(path)
    assert streams["cadence"].tolist() == [80, 84, 86, 85]
    assert streams["heart_rate"].isna().sum() == 1


def test_gzipped_gpx(tmp_path, data):
    data = (data / "strava_bom_whitespace_empty_segment.gpx").read_bytes()
    path = tmp_path / "123.gpx.gz"
    path.write_bytes(gzip.compress(data))
    acts = runwell.read_activity(path)
    assert acts["activity_id"].tolist() == ["123"]


def test_track_without_times_is_not_guessed(data):
    with pytest.raises(NotAnActivityError, match="0 of 3 GPX track points have timestamps"):
        runwell.read_activity(data / "route_without_times.gpx")


def test_not_xml_is_an_error(tmp_path):
    path = tmp_path / "bad.gpx"
    path.write_text("<gpx><trk>")
    with pytest.raises(InputError, match="bad.gpx: not valid GPX"):
        runwell.read_activity(path)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.gpx"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        runwell.read_activity(path)


def test_real_gpx_quirks(real):
    gpx = real / "activities" / "gpx"
    with pytest.raises(NotAnActivityError, match="no track points"):
        runwell.read_activity(gpx / "unicode_with_bom.gpx")
    with pytest.raises(NotAnActivityError, match="no track points"):
        runwell.read_activity(gpx / "metadata_only_no_track.gpx")
    with pytest.raises(NotAnActivityError, match="5 of 296"):
        runwell.read_activity(gpx / "cerknicko_without_times.gpx")
    empty_seg = runwell.read_activity(gpx / "track_with_empty_segment.gpx").iloc[0]
    assert empty_seg["elapsed_s"] == 76
    strava = runwell.read_activity(gpx / "run_strava_export_with_pauses.gpx").iloc[0]
    assert strava["sport"] == "running"
    assert strava["moving_s"] < strava["elapsed_s"]  # the stops are not moving time
    ride = runwell.read_activity(gpx / "ride_edge1000_strava_export.gpx").iloc[0]
    assert ride["sport"] == "cycling" and ride["sport_original"] == "1"


def test_summary_follows_gpxpy_on_real_files(real):
    """The fast reader's distance and moving time are gpxpy's, on every timed real GPX."""
    checked = 0
    for path in sorted((real / "activities" / "gpx").glob("*.gpx")) + sorted(
        (real / "logs" / "apple_health").rglob("*.gpx")
    ):
        gpx = gpxpy.parse(path.read_text(encoding="utf-8-sig").lstrip())
        points = [p for t in gpx.tracks for s in t.segments for p in s.points]
        if not points or sum(p.time is not None for p in points) < len(points) / 2:
            continue
        row = runwell.read_activity(path).iloc[0]
        assert row["distance_m"] == pytest.approx(gpx.length_2d(), rel=1e-6, abs=1e-6), path.name
        moving = gpx.get_moving_data().moving_time
        if moving:
            assert row["moving_s"] == pytest.approx(moving, rel=1e-9), path.name
        if gpx.get_duration() is not None:  # gpxpy gives None when some points lack times
            assert row["elapsed_s"] == pytest.approx(gpx.get_duration(), abs=1), path.name
        checked += 1
    assert checked >= 8


def test_fast_and_gpxpy_readers_agree(data):
    from runwell._xml import decode_xml_text
    from runwell.activities.gpx import _points_fast, _points_gpxpy

    text = decode_xml_text((data / "strava_bom_whitespace_empty_segment.gpx").read_bytes(), "x")
    fast, fast_type, fast_creator = _points_fast(text)
    slow, slow_type, slow_creator = _points_gpxpy(text)
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
    assert (fast_type, fast_creator) == (slow_type, slow_creator)


def test_distances_are_gpxpys_near_far_and_with_elevations():
    """Every pair, near (flat approximation) or over 0.2 degrees apart (haversine), with
    and without elevations, as gpxpy's ``geo.distance`` computes it: near ones to the
    last bit, far ones to the rounding of numpy's trigonometry against ``math``'s."""
    import numpy as np
    from gpxpy import geo

    from runwell.activities.gpx import gpxpy_distance

    rng = np.random.default_rng(5)
    lat1, lon1 = rng.uniform(-80, 80, 400), rng.uniform(-179, 179, 400)
    step = np.where(rng.random(400) < 0.3, rng.normal(0, 1, 400), rng.normal(0, 1e-4, 400))
    lat2, lon2 = lat1 + step, lon1 - step / 2
    ele1, ele2 = rng.normal(300, 50, 400), rng.normal(300, 50, 400)
    ele2[::7] = ele1[::7]
    ele1[::11] = np.nan
    flat = [geo.distance(a, b, None, c, d, None) for a, b, c, d in zip(lat1, lon1, lat2, lon2, strict=True)]
    high = [
        geo.distance(a, b, None if np.isnan(e) else e, c, d, f)
        for a, b, e, c, d, f in zip(lat1, lon1, ele1, lat2, lon2, ele2, strict=True)
    ]
    near = np.abs(step) <= 0.2
    for ours, theirs in (
        (gpxpy_distance(lat1, lon1, lat2, lon2), flat),
        (gpxpy_distance(lat1, lon1, lat2, lon2, ele1, ele2), high),
    ):
        assert ours[near].tolist() == np.array(theirs)[near].tolist()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
