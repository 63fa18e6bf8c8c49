"""Ingestion benchmark: runwell's loader against decoding every file as the peers do.

Usage::

    python benchmarks/ingest.py                 # 1,000-activity export, full reference
    python benchmarks/ingest.py --n 300 --reference-files 60

It writes (or reuses, with ``--export``) a Strava-style export of ``--n`` one-second
activities, a third each .fit.gz, .gpx and .tcx.gz, then measures in this one run:

* the reference: every FIT file decoded with fitparse (all messages, as runpandas,
  sweatpy and most peers do), every GPX with gpxpy and every TCX with ElementTree,
  one after another in one process; with ``--reference-files`` only that many files
  are decoded and the total is scaled up (the ratio says so);
* ``load_activities`` cold (an empty cache folder, worker processes on every core) and
  warm (the same cache, nothing changed), with the peak memory of this process and of
  its workers;
* ``read_streams`` on a one-hour FIT file against fitparse decoding its records, and
  whether the values agree.

Every file is read once before the timings, so that both sides find the files in the
operating system's file cache ("cold" means runwell's own cache is empty).

Targets (issue 7): cold at least 40x faster than the reference, at most 15 s; warm at
most 1 s; under 1 GB of memory; ``read_streams`` no slower than fitparse.

With ``--real FOLDER`` (issue 16) it measures every real activity file under that folder
instead (FIT, FIT in zips and gzip, GPX, TCX), see :mod:`real_files` beside this script;
``--xml-only`` measures only its GPX/TCX side (about half a minute).
"""

from __future__ import annotations

import argparse
import gzip
import io
import resource
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import fitparse
import gpxpy
import numpy as np

import runwell
from runwell.sample import write_benchmark_export


def reference_decode(path: Path) -> int:
    """Decode one file completely, as a peer library would; return the number of items."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    if ".fit" in path.name:
        return sum(1 for _ in fitparse.FitFile(io.BytesIO(raw)).get_messages())
    if ".gpx" in path.name:
        gpx = gpxpy.parse(raw.decode("utf-8"))
        return sum(len(s.points) for t in gpx.tracks for s in t.segments)
    root = ET.fromstring(raw.decode("utf-8").lstrip())
    return sum(1 for e in root.iter() if e.tag.endswith("Trackpoint"))


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its (finished) children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def streams_check(fit_gz: Path) -> tuple[float, float, bool]:
    """Time read_streams and fitparse on one FIT file; do the values agree?"""
    raw = gzip.decompress(fit_gz.read_bytes())
    plain = Path(tempfile.mkdtemp()) / "one.fit"
    plain.write_bytes(raw)
    start = time.perf_counter()
    ours = runwell.read_streams(plain)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    records = [m.get_values() for m in fitparse.FitFile(io.BytesIO(raw)).get_messages("record")]
    t_ref = time.perf_counter() - start
    hr = np.array([r.get("heart_rate", np.nan) for r in records], dtype=float)
    dist = np.array([r.get("distance", np.nan) for r in records], dtype=float)
    same = (
        len(ours) == len(records)
        and np.allclose(ours["heart_rate"], hr, equal_nan=True)
        and np.allclose(ours["distance_m"], dist, equal_nan=True)
    )
    return t_ours, t_ref, bool(same)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="activities in the export (default 1000)")
    parser.add_argument("--export", type=Path, help="reuse this export folder (written if missing)")
    parser.add_argument(
        "--reference-files",
        type=int,
        default=0,
        help="decode only this many files for the reference and scale up (default: all)",
    )
    parser.add_argument("--real", type=Path, help="measure every real activity file under this folder instead")
    parser.add_argument("--xml-only", action="store_true", help="with --real: only the GPX/TCX side")
    parser.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.real:
        from real_files import run_real

        return run_real(args.real, xml_only=args.xml_only, header=not args.no_header)

    export = args.export or Path(tempfile.mkdtemp()) / f"export_{args.n}"
    if not (export / "activities.csv").exists():
        t = time.perf_counter()
        write_benchmark_export(export, args.n)
        print(f"wrote {args.n}-activity export to {export} in {time.perf_counter() - t:.1f} s")
    files = sorted((export / "activities").iterdir())
    size_mb = sum(p.stat().st_size for p in files) / 2**20
    print(f"export: {len(files)} files, {size_mb:.0f} MB")

    # Both sides are timed with the files in the operating system's file cache: the
    # comparison is about decoding, not about how fast this machine's disk is.
    for path in files:
        path.read_bytes()
    cache = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    cold = runwell.load_activities(export, cache=cache)
    t_cold = time.perf_counter() - start
    start = time.perf_counter()
    warm = runwell.load_activities(export, cache=cache)
    t_warm = time.perf_counter() - start
    assert cold.activities.equals(warm.activities), "warm load differs from cold load"
    own_mb, child_mb = peak_mb()

    sample = files if not args.reference_files else files[:: max(1, len(files) // args.reference_files)]
    start = time.perf_counter()
    for path in sample:
        reference_decode(path)
    t_ref = (time.perf_counter() - start) * len(files) / len(sample)
    scaled = "" if len(sample) == len(files) else f" (measured on {len(sample)} files, scaled)"

    t_streams, t_fitparse, same = streams_check(next(p for p in files if p.name.endswith(".fit.gz")))

    print(f"activities loaded:            {len(cold.activities)} ({cold.summary()})")
    print(f"reference (fitparse/gpxpy):   {t_ref:8.1f} s{scaled}")
    print(f"load_activities, cold:        {t_cold:8.2f} s   ratio {t_ref / t_cold:6.1f}x   (target >= 40x, <= 15 s)")
    print(f"load_activities, warm:        {t_warm:8.2f} s   ratio {t_ref / t_warm:6.1f}x   (target <= 1 s)")
    print(f"peak memory: main {own_mb:.0f} MB, largest worker {child_mb:.0f} MB   (target < 1024 MB)")
    print(
        f"read_streams, one-hour FIT:   {t_streams:8.3f} s   fitparse records {t_fitparse:.3f} s   "
        f"ratio {t_fitparse / t_streams:.2f}x   values agree: {same}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
