"""Large GPX files read as a stream (issue 12): the same result as the whole file, in bounded memory.

The real 5-million-point file is benchmarks/big_gpx.py's job; here small files are
streamed in tiny blocks, so that every block boundary case occurs.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

import runwell
import runwell.activities.gpxstream as gpxstream
from runwell.activities.gpx import parse_gpx
from runwell.errors import RunwellError

DATA = Path(__file__).resolve().parents[1] / "data" / "activities"
REAL = Path(__file__).resolve().parents[3] / "shared" / "real-data" / "activities" / "gpx"


def _track(n: int, *, segments: int = 3) -> bytes:
    per = n // segments
    segs = []
    for s in range(segments):
        pts = "".join(
            f'<trkpt lat="{52.5 + i * 1e-4:.6f}" lon="{13.4 + s * 1e-3:.6f}"><ele>{30 + i % 7}.5</ele>'
            f"<time>2024-05-01T{6 + (s * per + i) // 3600:02d}:{(s * per + i) // 60 % 60:02d}:{i % 60:02d}Z</time>"
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{120 + i % 30}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            for i in range(per)
        )
        segs.append(f"<trkseg>\n{pts}</trkseg>")
    return (
        '\ufeff  <?xml version="1.0"?><gpx version="1.1" creator="Streamer" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<metadata><name>m</name></metadata><trk><type>running</type>{''.join(segs)}<trkseg/></trk></gpx>"
    ).encode()


def _files() -> list[tuple[str, bytes]]:
    found = [(p.name, p.read_bytes()) for p in sorted(DATA.glob("*.gpx"))]
    if REAL.is_dir():
        found += [(p.name, p.read_bytes()) for p in sorted(REAL.glob("*.gpx")) if p.stat().st_size < 400_000]
    return [*found, ("made_small.gpx", _track(200)), ("made.gpx", _track(3000))]  # small: for tiny blocks


@pytest.mark.parametrize("block", [97, 4096, 1 << 16])
def test_stream_equals_whole_file(monkeypatch, block) -> None:
    monkeypatch.setattr(gpxstream, "BLOCK", block)
    streamed = 0
    for name, data in _files():
        if block < 1000 and len(data) > 100_000:
            continue  # tiny blocks on small files only (time)
        try:
            want = parse_gpx(data, path=name, streams=True)
        except RunwellError as err:  # the stream raises the same, or declines
            try:
                declined = gpxstream.parse_gpx_stream(io.BytesIO(data), path=name, streams=True)
            except RunwellError as other:
                assert (type(other), other.args) == (type(err), err.args)
            else:
                assert declined is None
            continue
        got = gpxstream.parse_gpx_stream(io.BytesIO(data), path=name, streams=True)
        if got is None:  # the stream declined (an odd file, or a point longer than 4 blocks)
            continue
        assert got.sessions == want.sessions, name
        pd.testing.assert_frame_equal(got.streams, want.streams)
        streamed += 1
    assert streamed >= 2


def test_large_files_take_the_stream(monkeypatch, tmp_path) -> None:
    path = tmp_path / "long.gpx"
    path.write_bytes(_track(20_000, segments=2))
    whole = runwell.read_activity(path)
    calls = []
    real = gpxstream.parse_gpx_stream

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("runwell.activities.checked.STREAM_BYTES", 1000)
    monkeypatch.setattr("runwell.activities.checked.parse_gpx_stream", spy)
    monkeypatch.setattr(gpxstream, "BLOCK", 1 << 15)
    streamed = runwell.read_activity(path)
    assert calls and whole.equals(streamed)
    load = runwell.load_activities([path], workers=1)
    assert len(calls) == 2 and load.activities.drop(columns="source_file").equals(whole.drop(columns="source_file"))
    packed = tmp_path / "long.gpx.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    monkeypatch.setattr("runwell.activities.checked.STREAM_GZ_BYTES", 100)
    assert runwell.read_activity(packed).drop(columns="source_file").equals(whole.drop(columns="source_file"))
    assert len(calls) == 3


def test_stream_declines_what_it_cannot_vouch_for() -> None:
    made = _track(50)
    cut = made.rindex(b"</trkseg>")
    broken = made[:cut] + made[cut + 9 :]  # the last segment never closed
    assert gpxstream.parse_gpx_stream(io.BytesIO(broken), path="b.gpx") is None
    stray = _track(50).replace(b"<metadata>", b'<metadata><trkpt lat="1" lon="2"/>', 1)  # a point outside
    assert gpxstream.parse_gpx_stream(io.BytesIO(stray), path="s.gpx") is None


@pytest.mark.parametrize(
    "damage", [(b"</ele>", b"</el1>"), (b"</trkpt>", b"</1trkpt>"), (b"</gpxtpx:hr>", b"</gpxtpx:h2>")]
)
def test_stream_compares_every_byte_outside_the_values(damage) -> None:
    """A digit slipped into one point's tag name (which ElementTree refuses) is not
    read past: the stream declines or raises as the whole file does."""
    made = _track(300)
    at = made.index(damage[0], len(made) // 2)
    broken = made[:at] + damage[1] + made[at + len(damage[0]) :]
    with pytest.raises(RunwellError, match="not valid GPX") as whole:
        parse_gpx(broken, path="b.gpx")
    try:
        streamed = gpxstream.parse_gpx_stream(io.BytesIO(broken), path="b.gpx")
    except RunwellError as err:
        assert err.args == whole.value.args
    else:
        assert streamed is None
