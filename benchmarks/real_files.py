"""Ingestion benchmark on real device files: ``python benchmarks/ingest.py --real FOLDER``.

Every activity file under FOLDER (FIT, FIT in gzip or zip, GPX, TCX; bulk-export CSVs are
left out) is measured in this one run, both sides with the files in the operating
system's file cache and runwell's cache empty ("cold"):

* FIT: ``load_activities`` on the FIT files against fitparse decoding every message of
  the same files, one after another (a file fitparse 1.2 rejects for its field sizes is
  decoded repaired, as runwell's reference does; one that ends early is decoded up to
  its end);
* GPX/TCX: ``load_activities`` on those files against peers doing comparable work:
  gpxpy parsing each GPX and computing its summaries (2-D length, moving data,
  duration, climb), tcxreader reading each TCX (its trackpoints and summaries); each side
  the median of :data:`REPEATS` runs (the two sides interleaved, in a fresh process), the
  ratio per format and for both together; files a reference library cannot read are
  counted, with the reason, and timed as far as it got;
* ``read_streams`` on every FIT file against fitparse decoding its records, and whether
  the values are identical, column by column, to runwell's fitparse-based reading;
* which files fell back to a reference decoder, and why: FIT files the bulk decoder hands
  to fitparse (a load-report warning) and GPX/TCX files the point scanner leaves to
  ElementTree;
* peak memory of ``read_streams`` on the largest FIT file, in a fresh process.
"""

from __future__ import annotations

import gzip
import io
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import fitparse
import gpxpy
import pandas as pd
from fitparse.utils import FitEOFError, FitParseError
from tcxreader.tcxreader import TCXReader

import runwell
from runwell.activities import gpx, tcx
from runwell.activities.fit import parse_fit
from runwell.activities.fit.reader import REFERENCE_WARNING
from runwell.activities.fit.repair import repair_field_sizes
from runwell.activities.formats import activity_format
from runwell.tables import conform


def collect(root: Path) -> tuple[list[Path], list[Path]]:
    """The FIT files (and zips of them) and the GPX/TCX files under ``root``."""
    fit, xml = [], []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        fmt = activity_format(path.name)
        if fmt is None and path.suffix.lower() == ".zip" and fit_payloads(path):
            fit.append(path)
        elif fmt is not None:
            (fit if fmt[0] == "fit" else xml).append(path)
    return fit, xml


def fit_payloads(path: Path) -> list[bytes]:
    """The FIT bytes in a file: itself, gunzipped, or the FIT members of a zip."""
    raw = path.read_bytes()
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            return [zf.read(n) for n in zf.namelist() if n.lower().endswith((".fit", ".fit.gz"))]
    return [gzip.decompress(raw) if path.name.lower().endswith(".gz") else raw]


def fitparse_everything(raw: bytes) -> int:
    """Decode every message with fitparse, as a peer library would; return how many."""
    n = 0
    try:
        for _ in fitparse.FitFile(io.BytesIO(raw), check_crc=False).get_messages():
            n += 1
    except FitEOFError:
        pass
    except FitParseError as err:
        if "Invalid field size" not in str(err):
            raise
        return fitparse_everything(repair_field_sizes(raw)[0])
    return n


#: Runs of each GPX/TCX measurement, interleaved; the median is reported.
REPEATS = 7


def xml_payload(path: Path) -> bytes:
    """A GPX/TCX file's bytes, gunzipped when its name says so."""
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.name.lower().endswith(".gz") else raw


def gpx_reference(raw: bytes) -> None:
    """What a GPX peer does: gpxpy parses the file and computes its summaries."""
    gpx = gpxpy.parse(raw.decode("utf-8-sig").lstrip())
    gpx.length_2d()
    gpx.get_moving_data()
    gpx.get_duration()
    gpx.get_uphill_downhill()


def tcx_reference(path: str) -> None:
    """What a TCX peer does: tcxreader reads the file (trackpoints and summaries)."""
    TCXReader().read(path)


def reference_inputs(paths: list[Path], folder: Path) -> list[tuple[Path, Any]]:
    """Each file with what its reference reads: GPX bytes, or a TCX file's path
    (gunzipped into ``folder`` first, as tcxreader reads plain files only)."""
    out: list[tuple[Path, Any]] = []
    for k, path in enumerate(paths):
        if ".gpx" in path.name.lower():
            out.append((path, xml_payload(path)))
        elif path.name.lower().endswith(".gz"):
            plain = folder / f"{k}.tcx"
            plain.write_bytes(xml_payload(path))
            out.append((path, str(plain)))
        else:
            out.append((path, str(path)))
    return out


def run_references(inputs: list[tuple[Path, Any]]) -> dict[str, str]:
    """Read every file with its reference once; the reasons of those it cannot read."""
    failed = {}
    for path, what in inputs:
        try:
            gpx_reference(what) if isinstance(what, bytes) else tcx_reference(what)
        except Exception as err:  # a peer's failure is counted, not fatal
            failed[path.name] = f"{type(err).__name__}: {' '.join(str(err).split())[:120]}"
    return failed


def scanner_fallback(path: Path) -> str | None:
    """Why the point scanner leaves a GPX/TCX file to ElementTree, or None."""
    raw = xml_payload(path)
    is_gpx = ".gpx" in path.name.lower()
    scanned = gpx._points_scan(raw) if is_gpx else tcx._scan_activities(raw)
    if scanned is not None:
        return None
    try:
        ET.fromstring(raw.lstrip(b"\xef\xbb\xbf \t\r\n"))
    except ET.ParseError as err:
        return f"not well-formed XML ({err}): ElementTree rejects it too"
    tag = b"trkpt" if is_gpx else b"Trackpoint"
    if tag not in raw:
        return f"no <{tag.decode()}> in the file"
    return "the scanner cannot vouch for its points"


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def fit_fallbacks(load: runwell.ActivityLoad) -> list[tuple[str, str]]:
    """FIT files the bulk decoder handed to fitparse, from the load report's warnings."""
    report = load.report
    rows = report[(report["kind"] == "warning") & report["reason"].str.startswith(REFERENCE_WARNING, na=False)]
    return [(Path(p).name, r[len(REFERENCE_WARNING) :]) for p, r in zip(rows["path"], rows["reason"], strict=True)]


def streams_identical(path: Path) -> bool:
    """``read_streams`` equals, column by column, the same table built from fitparse."""
    ours = runwell.read_streams(path)
    frames = []
    for k, raw in enumerate(fit_payloads(path)):
        try:
            frames.append(parse_fit(raw, path=f"{path}#{k}", streams=True, fast=False).streams)
        except runwell.InputError:
            continue
    reference = conform(pd.concat(frames, ignore_index=True), "streams") if frames else None
    columns = [c for c in ours.columns if c not in ("participant_id", "activity_id")]
    return reference is not None and all(ours[c].equals(reference[c]) for c in columns)


def streams_memory(path: Path) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh process running ``read_streams(path)``, and the table's size."""
    # VmHWM, not ru_maxrss: a forked child's ru_maxrss starts at its parent's size
    code = (
        "import re, sys, runwell; f = runwell.read_streams(sys.argv[1]); "
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
        "print(int(hwm) / 1024, f.memory_usage(deep=True).sum() / 2**20)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    peak, size = out.stdout.split()
    return float(peak), float(size)


def cold_load(paths: list[Path]) -> runwell.ActivityLoad:
    """``load_activities`` with an empty cache of its own (a cold load)."""
    return runwell.load_activities(paths, tz="UTC", cache=Path(tempfile.mkdtemp()))


def measure_xml(xml_paths: list[Path]) -> None:
    """Time the GPX/TCX side against gpxpy and tcxreader; print the results."""
    gpx_paths = [p for p in xml_paths if ".gpx" in p.name.lower()]
    tcx_paths = [p for p in xml_paths if p not in gpx_paths]
    inputs = reference_inputs(xml_paths, Path(tempfile.mkdtemp()))
    gpx_in = [item for item in inputs if item[0] in gpx_paths]
    tcx_in = [item for item in inputs if item[0] in tcx_paths]
    failed = run_references(inputs)  # a warm-up, and the files the peers cannot read
    xml_load = cold_load(xml_paths)
    runs: dict[str, list[float]] = {}
    for _ in range(REPEATS):  # interleaved, so that a slower spell of the machine hits both sides
        for name, fn in (
            ("gpx_ref", lambda: run_references(gpx_in)),
            ("gpx", lambda: cold_load(gpx_paths)),
            ("tcx_ref", lambda: run_references(tcx_in)),
            ("tcx", lambda: cold_load(tcx_paths)),
            ("xml", lambda: cold_load(xml_paths)),
        ):
            runs.setdefault(name, []).append(timed(fn)[0])
    t_gpx_ref, t_gpx, t_tcx_ref, t_tcx, t_xml = (
        statistics.median(runs[k]) for k in ("gpx_ref", "gpx", "tcx_ref", "tcx", "xml")
    )
    t_xml_ref = t_gpx_ref + t_tcx_ref
    xml_why = [(p.name, why) for p in xml_paths if (why := scanner_fallback(p)) is not None]
    print(f"GPX/TCX: medians of {REPEATS} interleaved runs each; runwell's cache empty every run")
    print(
        f"GPX:     gpxpy + summaries {t_gpx_ref:7.3f} s   load_activities {t_gpx:7.3f} s   "
        f"ratio {t_gpx_ref / t_gpx:6.1f}x   ({len(gpx_paths)} files)"
    )
    print(
        f"TCX:     tcxreader         {t_tcx_ref:7.3f} s   load_activities {t_tcx:7.3f} s   "
        f"ratio {t_tcx_ref / t_tcx:6.1f}x   ({len(tcx_paths)} files)"
    )
    print(f"GPX/TCX: gpxpy + tcxreader         {t_xml_ref:7.3f} s")
    print(f"GPX/TCX: load_activities, cold     {t_xml:7.3f} s   ratio {t_xml_ref / t_xml:6.1f}x   (target >= 20x)")
    print(f"GPX/TCX: {xml_load.summary()}")
    print(f"GPX/TCX files the reference libraries cannot read: {len(failed)}")
    for name, why in failed.items():
        print(f"  {name}: {why}")
    print(f"GPX/TCX files read by ElementTree instead of the point scanner: {len(xml_why)}")
    for name, why in xml_why:
        print(f"  {name}: {why}")


def run_real(root: Path, *, xml_only: bool = False, header: bool = True) -> int:
    """Measure and print everything in the module docstring (only the GPX/TCX side
    with ``xml_only``, then without the header line when ``header`` is false); return 0."""
    fit_paths, xml_paths = collect(root)
    for path in fit_paths + xml_paths:
        path.read_bytes()  # both sides read from the operating system's file cache
    if not header:
        measure_xml(xml_paths)
        return 0
    print(f"real files under {root}: {len(fit_paths)} FIT, {len(xml_paths)} GPX/TCX")
    if xml_only:
        measure_xml(xml_paths)
        return 0
    payloads = [raw for p in fit_paths for raw in fit_payloads(p)]
    t_fit_ref, _ = timed(lambda: [fitparse_everything(raw) for raw in payloads])
    t_fit, fit_load = timed(runwell.load_activities, fit_paths, tz="UTC", cache=Path(tempfile.mkdtemp()))
    t_str, t_str_ref, agree = 0.0, 0.0, True
    for path in fit_paths:
        t_str += timed(runwell.read_streams, path)[0]
        for raw in fit_payloads(path):
            t_str_ref += timed(lambda raw=raw: [m.get_values() for m in records(raw)])[0]
        agree &= streams_identical(path)
    fallbacks = fit_fallbacks(fit_load)
    largest = max(fit_paths, key=lambda p: sum(len(r) for r in fit_payloads(p)))
    peak, table = streams_memory(largest)
    print(f"FIT:     fitparse, every message   {t_fit_ref:7.2f} s")
    print(f"FIT:     load_activities, cold     {t_fit:7.3f} s   ratio {t_fit_ref / t_fit:6.1f}x   (target >= 40x)")
    print(
        f"read_streams, every FIT file       {t_str:7.3f} s   fitparse records {t_str_ref:.2f} s   "
        f"ratio {t_str_ref / t_str:.1f}x (target >= 20x); values identical to fitparse's: {agree}"
    )
    print(f"read_streams on the largest FIT ({largest.name}): peak {peak:.0f} MB (target < 200), table {table:.2f} MB")
    print(f"activities: FIT {fit_load.summary()}")
    print(f"FIT files read by fitparse instead of the bulk decoder: {len(fallbacks)}")
    for name, why in fallbacks:
        print(f"  {name}: {why}")
    sys.stdout.flush()
    # the GPX/TCX side in a fresh process, as a user's own run would be: after decoding
    # every FIT message with fitparse this process is several hundred MB, which slows a
    # fork and every collection of the garbage collector, for runwell's side only
    script = Path(__file__).with_name("ingest.py")
    subprocess.run([sys.executable, str(script), "--real", str(root), "--xml-only", "--no-header"], check=True)
    return 0


def records(raw: bytes) -> list[fitparse.records.DataMessage]:
    """fitparse's record messages of a file (up to where it ends; repaired if it must)."""
    out = []
    try:
        for message in fitparse.FitFile(io.BytesIO(raw), check_crc=False).get_messages("record"):
            out.append(message)
    except FitEOFError:
        pass
    except FitParseError:
        return records(repair_field_sizes(raw)[0])
    return out
