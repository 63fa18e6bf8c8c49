"""The shape-grouping tier of the point scanner and the ISO time reader agree with
ElementTree and pandas, and hand over whatever they cannot vouch for."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import runwell
from runwell._xml import decode_xml_text
from runwell.activities import _isotimes, _pointgroups, gpx, tcx
from runwell.activities._numbers import FEW_NUMBERS, span_floats
from runwell.errors import NotAnActivityError

TIMES = frozenset({"time_utc"})
GPX_COLUMNS = ["time_utc", "lat", "lon", "altitude_m", "heart_rate", "cadence", "speed_mps"]


def _pandas(texts: list[bytes]) -> np.ndarray:
    parsed = pd.to_datetime([t.decode() or None for t in texts], utc=True, format="ISO8601")
    return pd.DatetimeIndex(parsed).tz_convert(None).to_numpy().astype("datetime64[us]")


instants = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31))


def _iso(instant: dt.datetime, digits: int, suffix: str = "Z") -> bytes:
    text = instant.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{instant.microsecond:06d}"[:digits]
    return (text + suffix).encode()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(instants, st.sampled_from([0, 1, 3, 4, 6]), st.sampled_from(["Z", "Z", "+00:00"])),
        min_size=1,
        max_size=60,
    )
)
def test_times_of_any_width_as_pandas_reads_them(values):
    texts = [_iso(instant, digits, suffix) for instant, digits, suffix in values]
    body = b"".join(texts)
    ends = np.cumsum([len(t) for t in texts])
    starts = ends - np.array([len(t) for t in texts])
    expected = _pandas(texts)
    assert np.array_equal(_isotimes.span_times(body, np.frombuffer(body, np.uint8), starts, ends), expected)
    same_width = [_iso(instant, 6, suffix=values[0][2]) for instant, _, _ in values]
    assert np.array_equal(_isotimes.to_times(same_width), _pandas(same_width))


def test_common_forms_are_read_without_pandas(monkeypatch):
    monkeypatch.setattr(_isotimes.pd, "to_datetime", None)  # any use would fail
    for suffix in ("Z", "+00:00"):
        for digits in (0, 1, 4, 6):
            texts = [_iso(dt.datetime(2024, 5, 1, 6, 0, k, 123456), digits, suffix) for k in range(40)]
            assert len(_isotimes.to_times(texts)) == 40 and len(_isotimes.to_times(texts[:2])) == 2


@pytest.mark.parametrize("text", [b"2023-02-29T00:00:00Z", b"2024-13-01T00:00:00Z", b"2024-05-01T24:00:00Z"])
def test_impossible_times_are_left_to_pandas(text):
    table = np.frombuffer(text * 20, dtype=np.uint8).reshape(20, -1)
    assert _isotimes.civil_times(table) is None
    assert _isotimes.few_times([text]) is None
    with pytest.raises(ValueError):
        _isotimes.to_times([text] * 20)


# --------------------------------------------------------------------------- grouped points


def _gpx(segments: list[str]) -> bytes:
    body = "".join(f"<trkseg>\n{points}\n</trkseg>" for points in segments)
    return (
        '<?xml version="1.0"?>\n<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><type>running</type>{body}</trk></gpx>"
    ).encode()


def _pt(i: int, *, ele: str | None = None, lat: str | None = None) -> str:
    ele_xml = f"<ele>{ele}</ele>" if ele is not None else ""
    return f'<trkpt lat="{lat or 52.5 + i / 1000}" lon="13.4">{ele_xml}<time>2024-05-01T06:00:{i:02d}Z</time></trkpt>'


def _agree(data: bytes) -> bool:
    """Grouped scan and ElementTree agree; False when the scanner handed the file over."""
    scanned = gpx._points_scan(data)
    if scanned is None:
        return False
    frame, *meta = gpx._points_fast(decode_xml_text(data, "x"))
    points, segment = gpx._arrays(frame)
    for name in GPX_COLUMNS:
        a, b = scanned[0].column(name), points.column(name)
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), name
    assert np.array_equal(scanned[1], segment) and list(scanned[2:]) == meta
    return True


def test_shapes_differ_within_and_across_segments():
    first = "\n".join(_pt(i, ele="5" if i % 3 else None) for i in range(7))
    second = "\n  ".join(_pt(i, ele=None if i % 2 else "-1.5") for i in range(10, 15))
    data = _gpx([first, "", second])
    bodies = [body for _, body in gpx.parse_skeleton(data, b"trkseg", b"trkpt")[1]]
    grouped = _pointgroups.scan_grouped(bodies, b"trkpt", gpx.point_rule, TIMES)
    assert grouped is not None and grouped[1] == [7, 0, 5]
    assert _agree(data)


def test_a_body_boundary_inside_a_point_is_refused():
    bodies = [b'<trkpt lat="1" lon="2"><ele>3</ele>', b'</trkpt><trkpt lat="1" lon="2"><ele>3</ele></trkpt>']
    assert _pointgroups.scan_grouped(bodies, b"trkpt", gpx.point_rule, TIMES) is None


def _tcx(points: str) -> bytes:
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        '<Activities><Activity Sport="Running"><Id>2024-05-01T06:00:00Z</Id><Lap StartTime="2024-05-01T06:00:00Z">'
        f"<TotalTimeSeconds>4</TotalTimeSeconds><Track>{points}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


def _tcx_as_elementtree(data: bytes) -> None:
    expected = tcx._parsed(*tcx._read_activities_xml(data, "x"), path="x", streams=True)
    parsed = tcx.parse_tcx(data, path="x", streams=True)
    assert parsed.sessions == expected.sessions
    pd.testing.assert_frame_equal(parsed.streams, expected.streams)


def test_tags_written_with_prefixes_of_other_lengths_are_two_shapes():
    def point(i: int, prefix: str) -> str:
        return (
            f"<Trackpoint><Time>2024-05-01T06:00:0{i}Z</Time><Extensions><{prefix}:TPX xmlns:{prefix}="
            f'"http://www.garmin.com/xmlschemas/ActivityExtension/v2"><{prefix}:Speed>{i}.5</{prefix}:Speed>'
            f"</{prefix}:TPX></Extensions></Trackpoint>"
        )

    body = "".join(point(i, "ns3" if i % 2 else "ns10") for i in range(4))
    grouped = _pointgroups.scan_grouped([body.encode()], b"Trackpoint", tcx._scan_column, TIMES)
    assert grouped is not None and list(grouped[0]["speed_mps"]) == [0.5, 1.5, 2.5, 3.5]
    _tcx_as_elementtree(_tcx(body))


def test_points_with_the_same_tags_written_differently_are_compared_byte_for_byte():
    """Same tags (one shape by its tags) but one point spaced otherwise: the byte
    comparison refuses the group; a digit in a tag name makes a shape of its own."""
    spaced = "\n".join(_pt(i, ele="4") for i in range(4)).replace("<ele>", "\n <ele>", 1)
    bodies = [body for _, body in gpx.parse_skeleton(_gpx([spaced]), b"trkseg", b"trkpt")[1]]
    assert _pointgroups.scan_grouped(bodies, b"trkpt", gpx.point_rule, TIMES) is None
    assert _agree(_gpx([spaced])) or gpx._points_scan(_gpx([spaced])) is None
    renamed = "\n".join(_pt(i, ele="4") for i in range(4)).replace("<ele>4</ele>", "<ele1>4</ele1>", 2)
    assert _agree(_gpx([renamed]))


@pytest.mark.parametrize("between", ["junk", "<!-- a comment -->", "<?pi x?>"])
def test_anything_but_whitespace_between_points_is_refused(between):
    points = [_pt(i, ele="4") for i in range(4)]
    body = ("\n".join(points[:2]) + between + "\n".join(points[2:])).encode()
    assert _pointgroups.scan_grouped([body], b"trkpt", gpx.point_rule, TIMES) is None
    assert _pointgroups.scan_grouped([body.replace(between.encode(), b"\n \t")], b"trkpt", gpx.point_rule, TIMES)


def test_character_references_are_left_to_elementtree():
    data = _gpx(["\n".join(_pt(i, ele="&#52;0" if i == 1 else "4") for i in range(4))])
    assert gpx._points_scan(data) is None or not _agree(data)


def test_a_number_that_does_not_convert_is_read_as_elementtree_reads_it():
    data = _gpx(["\n".join(_pt(i, ele="1-2") for i in range(4))])
    assert gpx._points_scan(data) is not None  # taken: the value is only found unreadable when used
    session = gpx.parse_gpx(data, path="x").sessions[0]
    expected = gpx.gpx_from_points(*gpx._read_points_xml(data, "x"), path="x").sessions[0]
    assert session == expected and np.isnan(session.elevation_gain_m)


def test_tcx_number_that_does_not_convert_is_read_as_elementtree_reads_it():
    points = "".join(
        f"<Trackpoint><Time>2024-05-01T06:00:0{i}Z</Time><AltitudeMeters>1..{i}</AltitudeMeters></Trackpoint>"
        for i in range(5)
    )
    data = (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        '<Activities><Activity Sport="Running"><Id>2024-05-01T06:00:00Z</Id><Lap StartTime="2024-05-01T06:00:00Z">'
        f"<TotalTimeSeconds>4</TotalTimeSeconds><Track>{points}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()
    session = tcx.parse_tcx(data, path="x").sessions[0]
    assert session == tcx._parsed(*tcx._read_activities_xml(data, "x"), path="x", streams=False).sessions[0]


def test_gpx_without_track_points_is_answered_by_the_scanner():
    data = _gpx([""]).replace(b"<trkseg>\n\n</trkseg>", b"")
    scanned = gpx._points_scan(data)
    assert scanned is not None and scanned[0].n == 0
    with pytest.raises(NotAnActivityError, match="no track points"):
        gpx.parse_gpx(data, path="x")


# --------------------------------------------------------------------------- numbers


def _float_or_error(text: str) -> float | None:
    try:
        return float(text) if text else float("nan")
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("0123456789.-+e x", max_size=18), min_size=1, max_size=12), st.integers(0, 20))
def test_numbers_of_any_characters_read_as_float_reads_them(texts, pad):
    """Any mix of characters, near the start of the text or not: ``float``'s value
    (every bit), or a ValueError where ``float`` raises one."""
    many = texts * (FEW_NUMBERS // len(texts) + 1)
    body = ("<" * pad + "<".join(many)).encode()
    lengths = np.array([len(t) for t in many])
    starts = pad + np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    expected = [_float_or_error(t) for t in many]
    if any(value is None for value in expected):
        with pytest.raises(ValueError):
            span_floats(body, np.frombuffer(body, np.uint8), starts, starts + lengths)
        return
    got = span_floats(body, np.frombuffer(body, np.uint8), starts, starts + lengths)
    assert got.tobytes() == np.array(expected).tobytes()


def _points(k: int, change) -> bytes:
    return _gpx(["\n".join(change(_pt(i, ele=f"{5 + i}.5")) if i == k else _pt(i, ele=f"{5 + i}.5") for i in range(6))])


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.replace("</trkpt>", "</1trkpt>"),  # a digit ElementTree rejects, invisible to the shape
        lambda p: p.replace("<ele>", "<ele1>").replace("</ele>", "</ele1>"),  # another element
        lambda p: p.replace("lon=", "lon2="),  # another attribute
        lambda p: p.replace('4">', "4'>"),  # an attribute never closed
    ],
)
def test_a_point_differing_outside_its_values_is_read_as_elementtree_reads_it(change):
    """Whatever the shapes let through, every byte outside the values is compared."""
    for k in (0, 3):
        data = _points(k, change)
        try:
            expected = gpx.gpx_from_points(*gpx._read_points_xml(data, "x"), path="x").sessions
        except Exception as err:  # ElementTree (and gpxpy) reject the file: so must the reader
            with pytest.raises(type(err)):
                gpx.parse_gpx(data, path="x")
            continue
        assert _same(gpx.parse_gpx(data, path="x").sessions, expected)


def _same(a: list, b: list) -> bool:
    """Sessions equal field by field, NaN equal to NaN."""
    values = [[getattr(s, name) for name in vars(s)] for s in a], [[getattr(s, name) for name in vars(s)] for s in b]
    return all(
        x == y or (isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y))
        for one, two in zip(*values, strict=True)
        for x, y in zip(one, two, strict=True)
    ) and len(a) == len(b)


@pytest.mark.parametrize("junk", [b"\x00", b"\x1b", "é".encode()])
def test_control_and_non_ascii_characters_in_points_are_left_to_elementtree(junk):
    """A value no reader converts (here in an element the readers ignore) could hide a
    character XML forbids: such points go to the slower tiers, which agree with ElementTree."""
    points = "\n".join(_pt(i, ele="4").replace("</trkpt>", "<name>a</name></trkpt>") for i in range(5)).encode()
    body = points.replace(b"<name>a</name>", b"<name>a" + junk + b"</name>", 1)
    assert _pointgroups.scan_grouped([body], b"trkpt", gpx.point_rule, TIMES) is None
    data = _gpx([body.decode("utf-8", "replace")]).replace("\ufffd".encode(), junk)
    expected = None
    try:
        expected = gpx.gpx_from_points(*gpx._read_points_xml(data, "x"), path="x").sessions
    except runwell.RunwellError as err:
        with pytest.raises(type(err)):
            gpx.parse_gpx(data, path="x")
    if expected is not None:
        assert repr(gpx.parse_gpx(data, path="x").sessions) == repr(expected)


def test_a_damaged_point_tag_between_points_is_not_read_past():
    """``<trkpt`` damaged into ``<tr2pt`` (its end tag left as it was) is not a point and
    not whitespace: no tier takes the file, and ElementTree's error is the answer."""
    points = "\n".join(_pt(i, ele="4") for i in range(6))
    data = _gpx([points.replace("<trkpt", "<tr2pt", 3).replace("<tr2pt", "<trkpt", 2)])
    assert gpx._points_scan(data) is None
    with pytest.raises(runwell.InputError, match="mismatched tag"):
        gpx.parse_gpx(data, path="x")
