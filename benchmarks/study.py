"""Loading a study: on this machine's cores, on a Dask LocalCluster, and again from the store.

Usage::

    python benchmarks/study.py                          # 40 participants x ~250 days
    python benchmarks/study.py --participants 200 --days 500 --interval 10
    python benchmarks/study.py --out /tmp/study         # keep (and reuse) the written study

It writes a synthetic study with :func:`runwell.sample.write_cohort` (one folder per
participant: ``activities.zip`` with one FIT or GPX file per run, recorded every
``--interval`` seconds, a long-format EMA ``mood.csv`` with four prompts a day and a
``sleep.csv``; about 0.4 runs a day), then measures, each phase in a fresh process:

* **local**: ``load_study(study)``: participants in worker processes on every core;
* **dask**: ``load_study(study, client=...)`` on a ``LocalCluster`` of ``--workers``
  processes (one thread each), writing the parquet store; then the **rerun** with the
  store in place (nothing parsed);
* files per second (activity files plus the two logs), peak memory of the main process
  and of each worker (``ru_maxrss``);
* per participant, the time in its task (recorded in the store), the time to read its
  two logs alone (``a``, five participants), hence the cost per activity file ``b``;
  and the scheduler's overhead per task (no-op tasks);
* a projection for 2,000 participants x 1,000 activity files on N workers:
  ``2000 x (a + 1000 b + overhead) / N`` (logs as long as here; the cluster's start and
  the gathering of the tables not included).

Measured at commit d45f806 on 2 cores shared with other work (load average about 10),
40 participants x 250 days, 3,917 activity files + 80 logs: local 189 s (21 files/s),
Dask LocalCluster of 2 workers 139 s (29 files/s, 318/315 MB per worker), rerun from the
store 7.1 s; per task 3.35 s of logs + 29 ms per activity file, 8 ms scheduler overhead;
2,000 x 1,000 projected at 9.1 h on 2 workers, 0.57 h on 32.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runwell.sample import write_cohort
from runwell.study import load_study, study_jobs
from runwell.studystore import StudyStore


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory (Linux reports KB)."""
    return resource.getrusage(who).ru_maxrss / 1024.0


def count_files(study: Path) -> dict[str, int]:
    """Activity files (zip members) and log files of the study."""
    acts = sum(len(zipfile.ZipFile(z).namelist()) for z in study.glob("*/activities.zip"))
    logs = len(list(study.glob("*/mood.csv"))) + len(list(study.glob("*/sleep.csv")))
    return {"participants": len(list(study.glob("*/activities.zip"))), "activity_files": acts, "log_files": logs}


def phase_local(study: Path, workers: int) -> dict[str, Any]:
    """``load_study`` on this machine."""
    start = time.perf_counter()
    inputs = load_study(study, workers=workers)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "activities": len(inputs.activities),
        "summary": inputs.summary(),
        "errors": errors(inputs.report),
        "peak_main_mb": peak_mb(),
        "peak_worker_mb": peak_mb(resource.RUSAGE_CHILDREN),
    }


def errors(report: Any) -> list[str]:
    """The reasons of the report's error rows (a few)."""
    return [str(r) for r in report.loc[report["kind"] == "error", "reason"].head(3)]


def task_overhead(client: Any, n: int = 200) -> float:
    """Seconds per no-op task through the scheduler (submit, run, gather)."""
    start = time.perf_counter()
    client.gather(client.map(abs, range(n), pure=False))
    return (time.perf_counter() - start) / n


def phase_dask(study: Path, workers: int, store: Path) -> dict[str, Any]:
    """``load_study`` on a LocalCluster (cold store, then the rerun), per-task times, overhead."""
    from distributed import Client, LocalCluster

    out: dict[str, Any] = {}
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("runwell.studyrun"))  # workers import runwell before the clock starts
        start = time.perf_counter()
        inputs = load_study(study, client=client, store=store)
        out["seconds"] = time.perf_counter() - start
        out["activities"] = len(inputs.activities)
        out["summary"], out["errors"] = inputs.summary(), errors(inputs.report)
        start = time.perf_counter()
        load_study(study, client=client, store=store)
        out["rerun_seconds"] = time.perf_counter() - start
        out["overhead_s"] = task_overhead(client)
        out["peak_worker_mb"] = list(
            client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values()
        )
        # each participant's time in its task (the first, cold load), as the store recorded it
        jobs, _, _ = study_jobs(study)
        stored = StudyStore(store)
        out["tasks"] = [
            (stored.meta(job.participant_id, job.key())["seconds"], _members(job.activities)) for job in jobs
        ]
    out["peak_main_mb"] = peak_mb()
    out["log_seconds"] = log_cost(jobs[:5])
    return out


def log_cost(jobs: list[Any]) -> float:
    """Seconds per participant to read their mood and sleep logs (in this process)."""
    from runwell.logs import read_mood, read_sleep

    start = time.perf_counter()
    for job in jobs:
        read_mood(job.mood, format="generic", tz=job.tz, participant_id=job.participant_id, **dict(job.mood_columns))
        if job.sleep is not None:
            read_sleep(job.sleep, format="generic", tz=job.tz, participant_id=job.participant_id)
    return (time.perf_counter() - start) / len(jobs)


def _members(path: Path) -> int:
    return len(zipfile.ZipFile(path).namelist()) if path.suffix == ".zip" else sum(1 for _ in path.rglob("*.*"))


def spawn(phase: str, study: Path, workers: int, store: Path) -> dict[str, Any]:
    """Run one phase in a fresh interpreter; its JSON line."""
    cmd = [sys.executable, __file__, "--phase", phase, "--out", str(study), "--workers", str(workers)]
    done = subprocess.run([*cmd, "--store", str(store)], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def report(counts: dict[str, int], local: dict[str, Any], dask: dict[str, Any], workers: int) -> None:
    """Print the tables and the projection."""
    files = counts["activity_files"] + counts["log_files"]
    print(
        f"study: {counts['participants']} participants, {counts['activity_files']} activity files "
        f"(FIT/GPX in one zip each), {counts['log_files']} log files\n"
    )
    print(f"{'':28s}{'seconds':>9s}{'files/s':>9s}{'peak MB main':>14s}{'peak MB per worker':>20s}")
    rows = [
        (f"local ({workers} processes)", local["seconds"], local["peak_main_mb"], [local["peak_worker_mb"]]),
        (f"dask LocalCluster ({workers} workers)", dask["seconds"], dask["peak_main_mb"], dask["peak_worker_mb"]),
        ("dask rerun (parquet store)", dask["rerun_seconds"], None, None),
    ]
    for name, seconds, main, per in rows:
        per_text = "/".join(f"{m:.0f}" for m in per) if per else "-"
        main_text = f"{main:.0f}" if main else "-"
        print(f"{name:28s}{seconds:9.1f}{files / seconds:9.0f}{main_text:>14s}{per_text:>20s}")
    secs, n_files = np.array(dask["tasks"], dtype=float).T
    logs, overhead = dask["log_seconds"], dask["overhead_s"]
    per_file = max(secs.mean() - logs, 0.0) / n_files.mean()
    print(
        f"\nper task: {secs.mean():.2f} s on average for {n_files.mean():.0f} activity files; of which "
        f"{logs:.2f} s reading the participant's two logs, {1000 * per_file:.1f} ms per activity file; "
        f"scheduler overhead {1000 * overhead:.1f} ms per task"
    )
    per_participant = logs + 1000 * per_file + overhead
    print("projection, 2,000 participants x 1,000 activity files (logs as here):")
    for n in (2, 8, 32, 128):
        hours = 2000 * per_participant / n / 3600
        print(f"  {n:4d} workers: {hours:6.2f} h  ({2000 * 1000 / (hours * 3600):,.0f} activity files/s)")


def main(argv: list[str] | None = None) -> None:
    """Write (or reuse) the study and run the phases."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=40, help="participants (40)")
    parser.add_argument("--days", type=int, default=250, help="days per participant (250: ~100 runs)")
    parser.add_argument("--interval", type=int, default=10, help="seconds between recorded points (10)")
    parser.add_argument("--workers", type=int, default=2, help="local processes and Dask workers (2)")
    parser.add_argument("--out", type=Path, help="study folder (written unless it exists)")
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=["local", "dask"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "local":
        print(json.dumps(phase_local(args.out, args.workers)))
        return
    if args.phase == "dask":
        print(json.dumps(phase_dask(args.out, args.workers, args.store)))
        return
    study = args.out or Path(tempfile.mkdtemp(prefix="runwell-study-")) / "study"
    if not study.exists():
        start = time.perf_counter()
        write_cohort(study, participants=args.participants, days=args.days, interval_s=args.interval)
        print(f"wrote {study} in {time.perf_counter() - start:.0f} s")
    counts = count_files(study)
    local = spawn("local", study, args.workers, Path(tempfile.mkdtemp(prefix="runwell-store-")))
    dask = spawn("dask", study, args.workers, Path(tempfile.mkdtemp(prefix="runwell-store-")))
    for name, phase in (("local", local), ("dask", dask)):
        print(f"{name}: {phase['summary']}" + "".join(f"\n  error: {e}" for e in phase["errors"]))
    report(counts, local, dask, args.workers)


if __name__ == "__main__":
    main()
