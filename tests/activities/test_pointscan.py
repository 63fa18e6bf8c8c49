"""The GPX/TCX point scanner agrees with ElementTree, the reference path, on every file.

Both tiers are checked (points all written alike: array arithmetic; points of varying
shape: one expression), and every odd case must either give ElementTree's result or
hand the file over to ElementTree.
"""

from __future__ import annotations

import gzip
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runwell._xml import decode_xml_text
from runwell.activities import _pointgroups, _pointscan, gpx, tcx
from runwell.activities._numbers import FEW_NUMBERS, span_floats
from runwell.activities._pointscan import to_times
from runwell.sample import write_benchmark_export

GPX_COLUMNS = ["time_utc", "lat", "lon", "altitude_m", "heart_rate", "cadence", "speed_mps"]


def _read(path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def _same_columns(fast, slow, columns) -> None:
    for name in columns:
        a, b = fast.column(name), slow.column(name)
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), name


def _gpx_agrees(data: bytes, name: str) -> bool:
    """Scanner and ElementTree agree; False when the scanner handed the file over."""
    scanned = gpx._points_scan(data)
    if scanned is None:
        return False
    frame, *meta = gpx._points_fast(decode_xml_text(data, name))
    points, segment = gpx._arrays(frame)
    _same_columns(scanned[0], points, GPX_COLUMNS)
    assert np.array_equal(scanned[1], segment) and list(scanned[2:]) == meta, name
    return True


def _tcx_agrees(data: bytes, name: str) -> bool:
    scanned = tcx._scan_activities(data)
    if scanned is None:
        return False
    activities, error = tcx._complete_activities(decode_xml_text(data, name))
    assert error is None and len(activities) == len(scanned), name
    for (skeleton, fast), activity in zip(scanned, activities, strict=True):
        _same_columns(fast, tcx._arrays(tcx._trackpoints(activity)), tcx._POINT_COLUMNS)
        assert skeleton.get("Sport") == activity.get("Sport")
    return True


def _tier(data: bytes, container: bytes, point: bytes, rule) -> str:
    _skeleton, bodies = _pointscan.cut_containers(data.lstrip(b"\xef\xbb\xbf \t\r\n"), container)
    times = frozenset({"time_utc"})
    if _pointgroups.scan_grouped(bodies, point, rule, times) is not None:
        return "grouped"
    return "expression" if _pointscan.scan_points(bodies, point, rule, times) is not None else "none"


# --------------------------------------------------------------------------- real files


def test_real_gpx_files_read_by_the_scanner_as_by_elementtree(real):
    paths = sorted((real / "activities" / "gpx").glob("*.gpx")) + sorted((real / "logs").rglob("*.gpx"))
    scanned = [p.name for p in paths if _gpx_agrees(p.read_bytes(), p.name)]
    # every one, the two without any track point (metadata only, BOM-only file) too
    assert len(scanned) == len(paths), scanned
    tiers = {p.name: _tier(p.read_bytes(), b"trkseg", b"trkpt", gpx.point_rule) for p in paths}
    assert tiers["run_strava_export_with_pauses.gpx"] == "grouped"  # every point alike
    assert tiers["run_nike.gpx"] == "grouped"  # only some points carry extensions


def test_real_tcx_files_read_by_the_scanner_as_by_elementtree(real):
    paths = sorted((real / "activities" / "tcx").glob("*.tcx"))
    scanned = [p.name for p in paths if _tcx_agrees(p.read_bytes(), p.name)]
    assert "run_runpandas_malformed.tcx" not in scanned  # broken XML: ElementTree's partial read
    assert len(scanned) == len(paths) - 1, scanned
    tiers = {p.name: _tier(p.read_bytes(), b"Track", b"Trackpoint", tcx._scan_column) for p in paths}
    assert tiers["run_garmin.tcx"] == "grouped"
    assert tiers["swim_garmin_hrm_pool.tcx"] == "grouped"
    assert tiers["ride_mapmyride.tcx"] == "grouped"  # a few points without a position


def test_generated_export_files_take_the_grouped_tier(tmp_path):
    export = write_benchmark_export(tmp_path / "export", 6)
    files = sorted((export / "activities").iterdir())
    for path in files:
        data = _read(path)
        if ".gpx" in path.name:
            assert _gpx_agrees(data, path.name)
            assert _tier(data, b"trkseg", b"trkpt", gpx.point_rule) == "grouped"
        elif ".tcx" in path.name:
            assert _tcx_agrees(data, path.name)
            assert _tier(data, b"Track", b"Trackpoint", tcx._scan_column) == "grouped"


def test_own_edge_case_files(data):
    assert _gpx_agrees((data / "strava_bom_whitespace_empty_segment.gpx").read_bytes(), "x")
    assert _tcx_agrees((data / "strava_whitespace_two_laps_two_activities.tcx").read_bytes(), "x")
    assert tcx._scan_activities((data / "truncated_after_first_activity.tcx").read_bytes()) is None


# --------------------------------------------------------------------------- odd GPX


def _gpx(points: str, *, head: str = "") -> bytes:
    return (
        '<?xml version="1.0"?>\n<gpx version="1.1" creator="t &amp; t" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"{head}<trk><type>running</type><trkseg>\n{points}\n</trkseg></trk></gpx>"
    ).encode()


def _pt(i: int, *, hr: bool = True, ele: str | None = None, attrs: str | None = None, extra: str = "") -> str:
    hr_xml = (
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{120 + i}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>"
        if hr
        else ""
    )
    attrs = attrs or f'lat="52.{5000 + i}" lon="13.{4000 + 2 * i}"'
    ele = ele if ele is not None else f"{40 + i * 0.5}"
    return f"<trkpt {attrs}><ele>{ele}</ele><time>2024-05-01T06:00:{i:02d}Z</time>{extra}{hr_xml}</trkpt>"


CASES = {
    "all alike": ("\n".join(_pt(i) for i in range(5)), "grouped"),
    "some points without heart rate": ("\n".join(_pt(i, hr=i % 2 == 0) for i in range(6)), "grouped"),
    "lon before lat": ("\n".join(_pt(i, attrs=f"lon='13.{i}' lat='52.{i}'") for i in range(4)), "grouped"),
    "one point in single quotes": (
        "\n".join(_pt(i, attrs=(f"lat='52.{i}' lon='13.{i}'" if i == 2 else None)) for i in range(4)),
        "expression",
    ),
    "negative and long numbers": (
        "\n".join(_pt(i, ele=["-3.5", "12345678901234567.25", "-0", "7"][i]) for i in range(4)),
        "grouped",
    ),
    "exponent": ("\n".join(_pt(i, ele="1e2" if i == 1 else None) for i in range(4)), "grouped"),
    "empty elevation": ("\n".join(_pt(i, ele="" if i == 1 else None) for i in range(4)), "grouped"),
    "number with spaces": ("\n".join(_pt(i, ele=" 41 " if i == 1 else None) for i in range(4)), "grouped"),
    "comment between points": ("\n<!-- pause -->\n".join(_pt(i) for i in range(4)), "none"),
    "comment inside a point": ("\n".join(_pt(i, extra="<!-- x -->" if i == 2 else "") for i in range(4)), "none"),
    "character reference": ("\n".join(_pt(i, ele="&#52;0" if i == 1 else None) for i in range(4)), "none"),
    "CDATA": ("\n".join(_pt(i, extra="<name><![CDATA[a]]></name>" if i == 1 else "") for i in range(4)), "none"),
    "empty point": ("\n".join([_pt(0), '<trkpt lat="52.6" lon="13.5"/>', _pt(2)]), "grouped"),
    "unknown child": ("\n".join(_pt(i, extra=f"<sat>{i}</sat>") for i in range(4)), "grouped"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_odd_gpx_points_read_as_elementtree_reads_them(case):
    points, tier = CASES[case]
    data = _gpx(points)
    assert _tier(data, b"trkseg", b"trkpt", gpx.point_rule) == tier
    if tier != "none":
        assert _gpx_agrees(data, case)
    # whichever path is taken, the reader's summary is ElementTree's
    parsed = gpx.parse_gpx(data, path=case)
    frame, _type, _creator = gpx._points_fast(decode_xml_text(data, case))
    assert parsed.sessions[0].start_utc == frame["time_utc"].min()
    assert parsed.sessions[0].device == "t & t"


def test_prefixed_gpx_elements_are_left_to_elementtree():
    data = _gpx("").replace(b"<trkseg>\n\n</trkseg>", b"")
    data = data.replace(
        b"<trk>",
        b'<trk><trkseg><trkpt lat="1" lon="2"><g:ele xmlns:g="http://www.topografix.com/GPX/1/1">'
        b"5</g:ele><time>2024-05-01T06:00:00Z</time></trkpt></trkseg>",
    )
    assert gpx._points_scan(data) is None
    assert gpx.parse_gpx(data, path="x").sessions[0].start_utc == pd.Timestamp("2024-05-01 06:00", tz="UTC")


def test_points_outside_segments_are_left_to_elementtree():
    data = _gpx(_pt(0)).replace(b"<trk>", b'<rte><trkpt lat="1" lon="2"/></rte><trk>')
    assert gpx._points_scan(data) is None  # a <trkpt> the cut-out document still holds


# --------------------------------------------------------------------------- odd TCX


def _tcx(track: str) -> bytes:
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        '<Activities><Activity Sport="Running"><Id>2024-05-01T06:00:00Z</Id><Lap StartTime="2024-05-01T06:00:00Z">'
        f"<TotalTimeSeconds>10</TotalTimeSeconds><Track>{track}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def _tp(i: int, prefix: str = "ns3") -> str:
    return (
        f"<Trackpoint><Time>2024-05-01T06:00:0{i}Z</Time><HeartRateBpm><Value>{130 + i}</Value></HeartRateBpm>"
        f'<Extensions><{prefix}:TPX xmlns:{prefix}="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        f"<{prefix}:Speed>{3 + i / 10}</{prefix}:Speed></{prefix}:TPX></Extensions></Trackpoint>"
    )


def test_tcx_prefixes_differing_by_a_digit_are_read_as_elementtree_reads_them():
    """One shape by their tags (the names start alike), which the byte comparison then
    refuses, as the expression does: ElementTree reads them, slower but the same."""
    data = _tcx("".join(_tp(i, "ns3" if i % 2 else "ns2") for i in range(4)))
    assert _tier(data, b"Track", b"Trackpoint", tcx._scan_column) == "none"
    if tcx._scan_activities(data) is not None:
        assert _tcx_agrees(data, "x")
    expected = tcx._parsed(*tcx._read_activities_xml(data, "x"), path="x", streams=True)
    parsed = tcx.parse_tcx(data, path="x", streams=True)
    assert parsed.sessions == expected.sessions
    pd.testing.assert_frame_equal(parsed.streams, expected.streams)


def test_tcx_activity_without_trackpoints():
    data = _tcx("")
    parsed = tcx.parse_tcx(data, path="x")
    assert parsed.sessions[0].start_utc == pd.Timestamp("2024-05-01 06:00", tz="UTC")
    assert _tcx_agrees(data, "x")


def test_activities_read_at_once_get_their_own_points():
    """A file's activities are scanned in one read and cut apart: one with no track,
    one with two tracks, one with one, each gets its own points (as ElementTree reads them)."""
    lap = '<Lap StartTime="2024-05-01T06:00:00Z"><TotalTimeSeconds>10</TotalTimeSeconds>{}</Lap>'
    activities = [
        lap.format(""),
        lap.format(f"<Track>{_tp(1)}{_tp(2)}</Track><Track>{_tp(3)}</Track>"),
        lap.format(f"<Track>{_tp(4)}{_tp(5)}{_tp(6)}</Track>"),
    ]
    data = (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        "<Activities>"
        + "".join(
            f'<Activity Sport="Running"><Id>2024-05-0{k + 1}T06:00:00Z</Id>{a}</Activity>'
            for k, a in enumerate(activities)
        )
        + "</Activities></TrainingCenterDatabase>"
    ).encode()
    scanned = tcx._scan_activities(data)
    assert scanned is not None and [points.n for _, points in scanned] == [0, 3, 3]
    assert list(scanned[2][1]["heart_rate"]) == [134.0, 135.0, 136.0]
    assert _tcx_agrees(data, "x")


# --------------------------------------------------------------------------- values


def _floats(texts: list[str]) -> np.ndarray:
    """The texts read by the vectorised parser (repeated past the few read one by one)."""
    many = texts * (FEW_NUMBERS // len(texts) + 1)
    body = "".join(many).encode()
    ends = np.cumsum([len(t) for t in many])
    starts = ends - np.array([len(t) for t in many])
    return span_floats(body, np.frombuffer(body, dtype=np.uint8), starts, ends)[: len(texts)]


decimals = st.builds(
    lambda sign, whole, frac, dot: sign + whole + ("." + frac if dot else ""),
    st.sampled_from(["", "-"]),
    st.text("0123456789", min_size=0, max_size=12),
    st.text("0123456789", min_size=0, max_size=12),
    st.booleans(),
).filter(lambda s: any(c.isdigit() for c in s))


@settings(max_examples=300, deadline=None)
@given(st.lists(decimals, min_size=1, max_size=40))
def test_vectorised_numbers_are_exactly_python_floats(texts):
    """Every bit, the sign of zero included, as ``float`` reads the text."""
    parsed = _floats(texts)
    expected = np.array([float(t) for t in texts])
    assert parsed.tobytes() == expected.tobytes(), [
        (t, p, e) for t, p, e in zip(texts, parsed, expected, strict=True) if p != e
    ]


def test_numbers_outside_the_fast_path_and_empty_ones():
    parsed = _floats(["1e3", " 7 ", "", "nan", "123456789012345678", "-.5", "5."])
    assert parsed[0] == 1000 and parsed[1] == 7 and math.isnan(parsed[2]) and math.isnan(parsed[3])
    assert parsed[4] == 123456789012345678.0 and parsed[5] == -0.5 and parsed[6] == 5.0
    with pytest.raises(ValueError):
        _floats(["1", "-"])


@pytest.mark.parametrize(
    "texts",
    [
        [b"2024-05-01T06:00:00Z", b"2024-05-01T06:00:01Z"],
        [b"2024-05-01T06:00:00.250Z", b"2024-05-01T06:00:01.500Z"],
        [b"2024-05-01T08:00:00+02:00", b""],
        [b"2024-05-01T06:00:00Z", b"2024-05-01T06:00:01.5Z"],
    ],
)
def test_times_as_pandas_reads_them(texts):
    expected = pd.to_datetime([t.decode() or None for t in texts], utc=True, format="ISO8601")
    got = to_times(texts)
    assert got.dtype == np.dtype("datetime64[us]")
    assert np.array_equal(got, expected.tz_convert(None).to_numpy().astype("datetime64[us]"), equal_nan=True)
