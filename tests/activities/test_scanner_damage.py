"""The point scanner and ElementTree agree on damaged copies of the real GPX/TCX files:
the same sessions and samples, or the same kind of error. (A scanner that took a file
ElementTree refuses would hide damage from the load report.)"""

from __future__ import annotations

import random

import pandas as pd
import pytest

import runwell
from runwell.activities import gpx, tcx

#: Bytes written over the text: markup, number characters, a NUL, a byte above ASCII.
DAMAGE = b'<>/"= \n0123456789.-:&abcTZx\x00\xff'


def _read(data: bytes, name: str, scanner: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as patch:
        if not scanner:
            patch.setattr(gpx, "_points_scan", lambda data: None)
            patch.setattr(tcx, "_scan_activities", lambda data: None)
        parse = gpx.parse_gpx if name.endswith(".gpx") else tcx.parse_tcx
        try:
            parsed = parse(data, path="x", streams=True)
        except runwell.RunwellError as err:
            return (type(err).__name__,)
    return repr(parsed.sessions), parsed.streams, parsed.partial


def _damaged(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        out[rng.randrange(len(out) // 4, len(out))] = rng.choice(DAMAGE)
    return bytes(out)


def test_scanner_and_elementtree_agree_on_damaged_real_files(real, monkeypatch):
    seeds = sorted(
        p for p in (real / "activities").glob("*/*") if p.suffix in (".gpx", ".tcx") and p.stat().st_size < 600_000
    )
    rng = random.Random(16)
    for _ in range(120):
        path = rng.choice(seeds)
        data = _damaged(path.read_bytes(), rng)
        fast, slow = (_read(data, path.name, scanner, monkeypatch) for scanner in (True, False))
        assert fast[0] == slow[0] and fast[2:] == slow[2:], path.name
        if len(fast) > 1:
            pd.testing.assert_frame_equal(fast[1], slow[1])
