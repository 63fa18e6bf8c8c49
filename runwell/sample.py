"""Sample data with a known truth, written as the files people really have.

:func:`write_individual` writes one person's Strava-style bulk export (activities.csv
plus ``activities/`` with ``.fit.gz``, ``.gpx`` and ``.tcx.gz`` files, indoor runs, a few
rides and walks, a manual entry), a Daylio mood CSV (a daily entry, and ratings before
and after some runs) and a Plees Tracker sleep CSV. :func:`write_cohort` writes one
folder per participant of a diary study: activity files, a long-format EMA mood CSV with
missed prompts and a sleep CSV. Both draw the days from
:func:`runwell.simulate.simulate_panel`, so every notebook can show its estimates beside
the truth, which :func:`write_sample` records in ``truth.json`` and ``README.md``.

Everything is deterministic for a given seed. ``python -m runwell.sample --out DIR
--participants N --days D`` writes larger sets (for benchmarks); ``--benchmark-export
N`` writes an N-activity Strava export with one-second recordings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from runwell.activities.write import fit_bytes, gpx_text
from runwell.resources import resource_dir
from runwell.samplefiles import (
    DAYLIO_LEVELS,
    make_track,
    run_times,
    strava_csv_row,
    utc_offset,
    write_activity,
    write_daylio,
    write_ema,
    write_plees,
    write_sleep_csv,
    write_strava_csv,
)
from runwell.simulate import SimulatedPanel, simulate_panel
from runwell.timezones import localize

__all__ = [
    "SAMPLE_DIR",
    "sample_path",
    "write_sample",
    "write_individual",
    "write_cohort",
    "write_benchmark_export",
    "DAYLIO_LEVELS",
    "main",
]

#: The bundled sample (``data/sample`` in the repository, a copy inside the package when installed).
SAMPLE_DIR = resource_dir("sample")
#: Zones of the cohort's participants (one each, in turn).
COHORT_ZONES = ("Europe/Berlin", "America/New_York", "Europe/London", "Asia/Tokyo", "Australia/Sydney")
#: Where the synthetic runs start (parks, not homes): lat, lon per zone.
_PARKS = {
    "Europe/Berlin": (52.5145, 13.3501),
    "America/New_York": (40.7812, -73.9665),
    "Europe/London": (51.5073, -0.1657),
    "Asia/Tokyo": (35.6717, 139.6949),
    "Australia/Sydney": (-33.8915, 151.2494),
}
INDIVIDUAL_SEED = 20260105
COHORT_SEED = 20260106
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed member times: the same seed writes the same bytes


def sample_path(*parts: str) -> Path:
    """Path inside the bundled sample, e.g. ``sample_path("individual", "daylio.csv")``."""
    return SAMPLE_DIR.joinpath(*parts)


def write_individual(
    out: str | Path,
    *,
    days: int = 180,
    seed: int = INDIVIDUAL_SEED,
    tz: str = "Europe/Berlin",
    interval_s: int = 10,
) -> dict[str, Any]:
    """Write one person's export, Daylio mood log and sleep log into ``out``.

    Returns
    -------
    dict
        The truth and what was written (counts), as recorded in ``truth.json``.
    """
    out = Path(out)
    rng = np.random.default_rng(seed)
    sim = simulate_panel(1, days, seed=rng, missing_rate=0.12)
    export = out / "strava_export"
    acts = export / "activities"
    acts.mkdir(parents=True, exist_ok=True)
    runs = run_times(sim, tz)
    park = _PARKS[tz]
    csv_rows: list[list[str]] = []
    formats = ("fit.gz", "gpx", "fit.gz", "tcx.gz")
    for k, run in enumerate(runs.itertuples(index=False)):
        indoor = bool(run.indoor)
        fmt = "fit.gz" if indoor else formats[k % len(formats)]
        track = make_track(
            run.start_utc,
            run.run_min,
            rng=rng,
            interval_s=interval_s,
            park=None if indoor else park,
            sub_sport="treadmill" if indoor else "generic",
            utc_offset_s=utc_offset(run.start_utc, tz),
        )
        activity_id = str(9_000_000_000 + 1000 * k + int(rng.integers(0, 999)))
        if k == 5:  # a manual entry: no file, summary only
            csv_rows.append(strava_csv_row(activity_id, track, "Run", ""))
            continue
        filename = write_activity(acts, str(100_000 + k), track, fmt)
        csv_rows.append(strava_csv_row(activity_id, track, "Run", f"activities/{filename}"))
    rest_days = sim.panel.loc[~sim.panel["ran"], "date"].to_numpy()
    for j, day in enumerate(rest_days[3::9]):  # a few rides and walks on rest days
        sport = "cycling" if j % 2 == 0 else "walking"
        start = localize(pd.Timestamp(day) + pd.Timedelta(hours=10.5), tz)
        track = make_track(
            start,
            75 if sport == "cycling" else 50,
            rng=rng,
            interval_s=interval_s * 2,
            park=park,
            sport=sport,
            speed_mps=6.5 if sport == "cycling" else 1.3,
            utc_offset_s=utc_offset(start, tz),
        )
        filename = write_activity(acts, str(200_000 + j), track, "fit.gz")
        csv_rows.append(
            strava_csv_row(
                str(8_000_000_000 + j), track, "Ride" if sport == "cycling" else "Walk", f"activities/{filename}"
            )
        )
    write_strava_csv(export / "activities.csv", csv_rows)
    n_mood = write_daylio(out / "daylio_export.csv", sim, runs, tz, rng)
    n_sleep = write_plees(out / "plees-tracker.csv", sim, tz, rng)
    return {
        "participant": "individual",
        "tz": tz,
        "days": days,
        "runs": len(runs),
        "activity_files": len(list(acts.iterdir())),
        "mood_entries": n_mood,
        "sleep_nights": n_sleep,
        "truth": _truth_dict(sim),
    }


# ---------------------------------------------------------------------------- cohort


def write_cohort(
    out: str | Path,
    *,
    participants: int = 24,
    days: int = 120,
    seed: int = COHORT_SEED,
    interval_s: int = 60,
) -> dict[str, Any]:
    """Write one folder per participant: ``activities.zip``, ``mood.csv`` (EMA), ``sleep.csv``.

    Returns
    -------
    dict
        The truth and counts, as recorded in ``truth.json``.
    """
    out = Path(out)
    rng = np.random.default_rng(seed)
    sim = simulate_panel(participants, days, seed=rng, missing_rate=0.08)
    runs_all = sim.run_panel
    n_files = n_prompts = n_answered = 0
    for k, (pid, panel) in enumerate(sim.panel.groupby("participant_id", sort=True)):
        tz = COHORT_ZONES[k % len(COHORT_ZONES)]
        person = out / pid
        person.mkdir(parents=True, exist_ok=True)
        runs = run_times(SimulatedPanel(panel, runs_all[runs_all["participant_id"] == pid], sim.truth), tz)
        # the watch's files, zipped as a study would collect them
        with zipfile.ZipFile(person / "activities.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for j, run in enumerate(runs.itertuples(index=False)):
                indoor = bool(run.indoor)
                track = make_track(
                    run.start_utc,
                    run.run_min,
                    rng=rng,
                    interval_s=interval_s,
                    park=None if indoor else _PARKS[tz],
                    sub_sport="treadmill" if indoor else "generic",
                    utc_offset_s=utc_offset(run.start_utc, tz),
                )
                if j % 5 or indoor:
                    archive.writestr(zipfile.ZipInfo(f"{pid}_{j:04d}.fit", _ZIP_TIME), fit_bytes(track))
                else:
                    archive.writestr(zipfile.ZipInfo(f"{pid}_{j:04d}.gpx", _ZIP_TIME), gpx_text(track))
                n_files += 1
        prompts, answered = write_ema(person / "mood.csv", pid, panel, tz, rng)
        n_prompts += prompts
        n_answered += answered
        write_sleep_csv(person / "sleep.csv", pid, panel, tz, rng)
    return {
        "participants": participants,
        "days": days,
        "activity_files": n_files,
        "ema_prompts": n_prompts,
        "ema_answered": n_answered,
        "zones": list(COHORT_ZONES),
        "truth": _truth_dict(sim),
    }


# ----------------------------------------------------------------------------- truth


def _truth_dict(sim: SimulatedPanel) -> dict[str, float]:
    t = sim.truth
    own = {}
    if len(t.person) == 1:  # one person: their own slope is the truth their data can show
        own = {"own_duration_slope_per_30min": round(float(t.person["duration_slope"].iloc[0]), 3)}
    return own | {
        "beta_duration_within_per_30min": t.beta_duration_within,
        "beta_frequency_within_per_run_a_week": t.beta_frequency_within,
        "beta_duration_between_per_30min": t.beta_duration_between,
        "slope_sd_per_30min": t.slope_sd,
        "ar1": t.ar1,
        "between_confounding_per_30min": t.between_confounding,
        "sleep_effect_h": t.sleep_effect,
        "acute_boost": t.acute_boost,
        "boost_half_life_h": t.boost_half_life_h,
        "share_positive_slope": round(t.share_positive_slope, 3),
    }


def write_sample(
    out: str | Path = SAMPLE_DIR,
    *,
    participants: int = 24,
    days: int = 120,
    individual_days: int = 180,
    interval_s: int = 10,
    cohort_interval_s: int = 60,
) -> dict[str, Any]:
    """Write the whole sample (individual/ and cohort/) plus ``truth.json``.

    Existing ``individual/`` and ``cohort/`` folders under ``out`` are replaced.
    """
    out = Path(out)
    for part in ("individual", "cohort"):
        shutil.rmtree(out / part, ignore_errors=True)
    info = {
        "individual": write_individual(out / "individual", days=individual_days, interval_s=interval_s),
        "cohort": write_cohort(out / "cohort", participants=participants, days=days, interval_s=cohort_interval_s),
    }
    (out / "truth.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def write_benchmark_export(out: str | Path, n_activities: int = 1000, *, seed: int = 7) -> Path:
    """An ``n_activities`` Strava export with one-second recordings (for benchmarks).

    A third each of ``.fit.gz``, ``.gpx`` and ``.tcx.gz``, 25 to 75 minutes long.
    """
    out = Path(out)
    acts = out / "activities"
    acts.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rows = []
    formats = ("fit.gz", "gpx", "tcx.gz")
    start = pd.Timestamp("2022-01-03 06:30", tz="UTC")
    for k in range(n_activities):
        begin = start + pd.Timedelta(hours=int(k * 20 + rng.integers(0, 6)))
        track = make_track(
            begin,
            float(rng.uniform(25, 75)),
            rng=rng,
            interval_s=1,
            park=_PARKS["Europe/Berlin"],
            utc_offset_s=utc_offset(begin, "Europe/Berlin"),
        )
        filename = write_activity(acts, str(100_000 + k), track, formats[k % 3])
        rows.append(strava_csv_row(str(7_000_000_000 + k), track, "Run", f"activities/{filename}"))
    write_strava_csv(out / "activities.csv", rows)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m runwell.sample``: write sample data or a benchmark export."""
    parser = argparse.ArgumentParser(prog="python -m runwell.sample", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="folder to write (default: data/sample)")
    parser.add_argument("--participants", type=int, default=24, help="cohort participants (default 24)")
    parser.add_argument("--days", type=int, default=120, help="cohort days per participant (default 120)")
    parser.add_argument("--individual-days", type=int, default=180, help="days of the individual sample")
    parser.add_argument(
        "--benchmark-export",
        type=int,
        metavar="N",
        help="instead, write an N-activity Strava export with 1 s recordings",
    )
    args = parser.parse_args(argv)
    if args.benchmark_export:
        path = write_benchmark_export(args.out, args.benchmark_export)
        print(f"wrote a {args.benchmark_export}-activity export to {path}")
        return 0
    info = write_sample(args.out, participants=args.participants, days=args.days, individual_days=args.individual_days)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "truth"} for k, v in info.items()}, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
