"""Peak memory of loading a very large GPX (issue 12: memory bounded by the input's useful size).

Usage::

    python benchmarks/big_gpx.py                  # 5,000,000 points (~490 MB), read_activity and load_activities
    python benchmarks/big_gpx.py --points 500000 --keep /tmp/big.gpx

Writes a GPX of ``--points`` track points (lat, lon, elevation, a time every 0.1 s, so
the activity lasts under 7 days) to a temporary folder, then loads its summary in a
fresh child process per call and prints the child's peak resident memory (``ru_maxrss``)
and wall time. The file is deleted afterwards unless ``--keep`` names where to keep it.
The target of the issue: the 5-million-point file loads in under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<gpx version="1.1" creator="runwell benchmark" xmlns="http://www.topografix.com/GPX/1/1">\n'
    b"  <trk>\n    <name>Long</name>\n    <type>running</type>\n    <trkseg>\n"
)
TAIL = b"    </trkseg>\n  </trk>\n</gpx>\n"
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
import runwell
start = time.monotonic()
if {call!r} == "read_activity":
    table = runwell.read_activity({path!r})
    rows = len(table)
else:
    load = runwell.load_activities([{path!r}], workers=1)
    rows = len(load.activities)
    assert load.reconciles, load.summary()
print(json.dumps({{"rows": rows, "seconds": time.monotonic() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def write_gpx(path: Path, points: int) -> int:
    """Write the benchmark GPX; return its size in bytes."""
    import numpy as np

    step = 100_000
    with open(path, "wb") as out:
        out.write(HEAD)
        for first in range(0, points, step):
            idx = np.arange(first, min(first + step, points))
            lat = 52.5 + 0.00001 * (idx % 5000)
            lon = 13.4 + 0.00001 * (idx // 5000 % 5000)
            ele = 34.0 + (idx % 300) / 10
            base = np.datetime64("2024-05-01T06:00:00.000")
            stamps = np.datetime_as_string(base + idx * np.timedelta64(100, "ms"), unit="ms")
            out.write(
                "".join(
                    f'      <trkpt lat="{a:.6f}" lon="{o:.6f}"><ele>{e:.1f}</ele><time>{t}Z</time></trkpt>\n'
                    for a, o, e, t in zip(lat, lon, ele, stamps, strict=True)
                ).encode()
            )
        out.write(TAIL)
    return path.stat().st_size


def measure(call: str, path: Path) -> dict[str, float]:
    """Run one load in a fresh interpreter; its rows, seconds and peak memory."""
    code = CHILD.format(repo=str(REPO), call=call, path=str(path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Write the file, measure both calls, print the results; exit 1 over ``--limit-mb``."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--points", type=int, default=5_000_000)
    p.add_argument("--keep", type=Path, default=None, help="write the GPX here and keep it")
    p.add_argument("--limit-mb", type=float, default=1024.0, help="fail above this peak (default 1024)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rwbig-") as tmp:
        path = args.keep or Path(tmp) / "big.gpx"
        path.parent.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        size = path.stat().st_size if path.is_file() else write_gpx(path, args.points)
        print(f"{path}: {args.points:,} points, {size / 2**20:.0f} MB (written in {time.monotonic() - start:.0f} s)")
        worst = 0.0
        for call in ("read_activity", "load_activities"):
            result = measure(call, path)
            worst = max(worst, result["peak_mb"])
            print(f"{call:<16} {result['rows']} row(s)  {result['seconds']:6.1f} s  peak {result['peak_mb']:7.0f} MB")
    print(f"peak {worst:.0f} MB: {'within' if worst <= args.limit_mb else 'OVER'} the {args.limit_mb:.0f} MB target")
    return int(worst > args.limit_mb)


if __name__ == "__main__":
    sys.exit(main())
