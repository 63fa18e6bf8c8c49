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
import csv
import gzip
import json
import math
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from runwell.activities.write import Track, fit_bytes, gpx_text, tcx_text
from runwell.resources import resource_dir
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
#: Daylio's default mood labels and the 1..5 levels runwell maps them to.
DAYLIO_LEVELS = {5: "rad", 4: "good", 3: "meh", 2: "bad", 1: "awful"}
#: Simulated mood (centred near 5) minus this is the Daylio level before rounding.
DAYLIO_SHIFT = 2.0
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
EMA_HOURS = (9.0, 13.0, 17.0, 21.0)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed member times: the same seed writes the same bytes


def sample_path(*parts: str) -> Path:
    """Path inside the bundled sample, e.g. ``sample_path("individual", "daylio.csv")``."""
    return SAMPLE_DIR.joinpath(*parts)


# ----------------------------------------------------------------------------- tracks


def _track(
    start_utc: pd.Timestamp,
    minutes: float,
    *,
    rng: np.random.Generator,
    interval_s: int,
    park: tuple[float, float] | None,
    sport: str = "running",
    sub_sport: str = "generic",
    speed_mps: float = 2.8,
    utc_offset_s: int | None = None,
) -> Track:
    """A plausible activity: a wandering loop from ``park`` at a steady-ish pace."""
    duration = max(int(round(minutes * 60)), interval_s * 2)
    seconds = np.arange(0, duration + 1, interval_s)
    speed = np.clip(speed_mps + 0.15 * rng.standard_normal(seconds.size), 0.5, None)
    step = np.diff(seconds, prepend=0) * speed
    step[0] = 0.0
    distance = np.cumsum(step)
    heading = np.cumsum(rng.normal(0, 0.08, seconds.size)) + rng.uniform(0, 2 * np.pi)
    lat = lon = None
    if park is not None:
        north = np.cumsum(step * np.cos(heading))
        east = np.cumsum(step * np.sin(heading))
        lat = park[0] + north / 111_195.0
        lon = park[1] + east / (111_195.0 * math.cos(math.radians(park[0])))
    altitude = 40 + 8 * np.sin(distance / 700) + rng.normal(0, 0.3, seconds.size)
    heart = np.clip(135 + 15 * (1 - np.exp(-seconds / 400)) + rng.normal(0, 3, seconds.size), 60, 200)
    cadence = np.full(seconds.size, 84.0) + rng.normal(0, 1.5, seconds.size) if sport == "running" else None
    return Track(
        start_utc=start_utc,
        seconds=seconds,
        lat=lat,
        lon=lon,
        altitude_m=altitude,
        distance_m=distance,
        heart_rate=heart,
        cadence=cadence,
        sport=sport,
        sub_sport=sub_sport,
        utc_offset_s=utc_offset_s,
        timer_s=float(seconds[-1]),
    )


def _offset(start_utc: pd.Timestamp, tz: str) -> int:
    return int(start_utc.tz_convert(tz).utcoffset().total_seconds())


def _write_activity(folder: Path, name: str, track: Track, fmt: str) -> str:
    """Write ``track`` as ``name`` + suffix; return the file name."""
    if fmt == "fit.gz":
        data = gzip.compress(fit_bytes(track), mtime=0)
    elif fmt == "fit":
        data = fit_bytes(track)
    elif fmt == "gpx":
        data = gpx_text(track).encode()
    elif fmt == "tcx.gz":
        data = gzip.compress(tcx_text(track).encode(), mtime=0)
    else:  # pragma: no cover - programming error
        raise ValueError(fmt)
    filename = f"{name}.{fmt}"
    (folder / filename).write_bytes(data)
    return filename


def _strava_date(ts: pd.Timestamp) -> str:
    """Strava's English ``Activity Date`` (UTC): ``May 29, 2022, 3:53:35 PM``."""
    return f"{ts:%b} {ts.day}, {ts.year}, {int(ts.strftime('%I'))}:{ts:%M:%S} {ts:%p}"


# ------------------------------------------------------------------------ individual


def _run_times(sim: SimulatedPanel, tz: str) -> pd.DataFrame:
    """Local and UTC start of each simulated run (the run panel's time of day)."""
    runs = sim.run_panel.copy()
    hour = (runs["start_local"] - runs["date"]).dt.total_seconds() / 3600
    local = runs["date"] + pd.to_timedelta(hour.round(2), unit="h").dt.round("s")
    runs["start_local"] = local
    runs["start_utc"] = [localize(t, tz) for t in local]
    return runs


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
    runs = _run_times(sim, tz)
    park = _PARKS[tz]
    csv_rows: list[list[str]] = []
    formats = ("fit.gz", "gpx", "fit.gz", "tcx.gz")
    for k, run in enumerate(runs.itertuples(index=False)):
        indoor = bool(run.indoor)
        fmt = "fit.gz" if indoor else formats[k % len(formats)]
        track = _track(
            run.start_utc,
            run.run_min,
            rng=rng,
            interval_s=interval_s,
            park=None if indoor else park,
            sub_sport="treadmill" if indoor else "generic",
            utc_offset_s=_offset(run.start_utc, tz),
        )
        activity_id = str(9_000_000_000 + 1000 * k + int(rng.integers(0, 999)))
        if k == 5:  # a manual entry: no file, summary only
            csv_rows.append(_csv_row(activity_id, track, "Run", ""))
            continue
        filename = _write_activity(acts, str(100_000 + k), track, fmt)
        csv_rows.append(_csv_row(activity_id, track, "Run", f"activities/{filename}"))
    rest_days = sim.panel.loc[~sim.panel["ran"], "date"].to_numpy()
    for j, day in enumerate(rest_days[3::9]):  # a few rides and walks on rest days
        sport = "cycling" if j % 2 == 0 else "walking"
        start = localize(pd.Timestamp(day) + pd.Timedelta(hours=10.5), tz)
        track = _track(
            start,
            75 if sport == "cycling" else 50,
            rng=rng,
            interval_s=interval_s * 2,
            park=park,
            sport=sport,
            speed_mps=6.5 if sport == "cycling" else 1.3,
            utc_offset_s=_offset(start, tz),
        )
        filename = _write_activity(acts, str(200_000 + j), track, "fit.gz")
        csv_rows.append(
            _csv_row(str(8_000_000_000 + j), track, "Ride" if sport == "cycling" else "Walk", f"activities/{filename}")
        )
    _write_strava_csv(export / "activities.csv", csv_rows)
    n_mood = _write_daylio(out / "daylio_export.csv", sim, runs, tz, rng)
    n_sleep = _write_plees(out / "plees-tracker.csv", sim, tz, rng)
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


_STRAVA_HEADER = [
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Elapsed Time",
    "Distance",
    "Max Heart Rate",
    "Relative Effort",
    "Commute",
    "Activity Private Note",
    "Activity Gear",
    "Filename",
    "Athlete Weight",
    "Bike Weight",
    "Elapsed Time",
    "Moving Time",
    "Distance",
    "Max Speed",
    "Average Speed",
    "Elevation Gain",
    "Elevation Loss",
    "Max Heart Rate",
    "Average Heart Rate",
    "Relative Effort",
    "Commute",
]


def _csv_row(activity_id: str, track: Track, kind: str, filename: str) -> list[str]:
    elapsed = int(track.duration_s)
    dist = float(track.distance_m[-1])
    hr = np.asarray(track.heart_rate)
    return [
        activity_id,
        _strava_date(track.start_utc),
        f"{kind} {track.start_utc:%a}",
        kind,
        "",
        str(elapsed),
        f"{dist / 1000:.2f}",
        f"{hr.max():.0f}",
        "",
        "false",
        "",
        "",
        filename,
        "",
        "",
        f"{elapsed}.0",
        f"{elapsed}.0",
        f"{dist:.1f}",
        "",
        "",
        "",
        "",
        f"{hr.max():.1f}",
        f"{hr.mean():.1f}",
        "",
        "false",
    ]


def _write_strava_csv(path: Path, rows: list[list[str]]) -> None:
    rows = sorted(rows, key=lambda r: pd.to_datetime(r[1], format="%b %d, %Y, %I:%M:%S %p"))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(_STRAVA_HEADER)
        writer.writerows(rows)


def _daylio_level(mood: float) -> int:
    return int(np.clip(round(mood - DAYLIO_SHIFT), 1, 5))


def _daylio_entry(local: pd.Timestamp, level: int, tags: str, note: str = "") -> dict[str, str]:
    hour12 = int(local.strftime("%I"))
    return {
        "full_date": f"{local:%Y-%m-%d}",
        "date": f"{local:%B} {local.day}",
        "weekday": f"{local:%A}",
        "time": f"{hour12}:{local:%M} {local.strftime('%p').lower()}",
        "mood": DAYLIO_LEVELS[level],
        "activities": tags,
        "note_title": "",
        "note": note,
        "_sort": local.isoformat(),
    }


def _write_daylio(path: Path, sim: SimulatedPanel, runs: pd.DataFrame, tz: str, rng: np.random.Generator) -> int:
    """Daily entry in the evening; before/after ratings around some runs (mean-preserving)."""
    entries = []
    ran_days = set(runs["date"])
    for day in sim.panel.itertuples(index=False):
        if not np.isfinite(day.mood):
            continue
        local = day.date + pd.Timedelta(hours=21, minutes=int(rng.integers(0, 60)))
        tags = (
            "running | friends"
            if day.date in ran_days and rng.random() < 0.3
            else ("running" if day.date in ran_days else "work")
        )
        entries.append(_daylio_entry(local, _daylio_level(day.mood), tags))
    for run in runs.itertuples(index=False):
        if not np.isfinite(run.mood_change):
            continue
        daily = sim.panel.loc[sim.panel["date"] == run.date, "mood"].iloc[0]
        if not np.isfinite(daily):
            continue
        half = run.mood_change / 2
        pre_time = run.start_local - pd.Timedelta(minutes=float(run.minutes_pre))
        post_time = run.start_local + pd.Timedelta(seconds=float(run.elapsed_s) + 60 * float(run.minutes_post))
        if post_time.normalize() != run.date.normalize():
            continue  # keep both ratings on the run's day
        entries.append(_daylio_entry(pre_time, _daylio_level(daily - half), "before run"))
        entries.append(_daylio_entry(post_time, _daylio_level(daily + half), "running | after run"))
    entries.sort(key=lambda e: e["_sort"], reverse=True)  # Daylio writes newest first
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        fields = ["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"]
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(entries)
    return len(entries)


def _bedtime(day: pd.Timestamp, hours: float, tz: str, rng: np.random.Generator) -> tuple[pd.Timestamp, pd.Timestamp]:
    start_local = day + pd.Timedelta(hours=22.75 + 0.6 * rng.standard_normal())
    start = localize(start_local.round("min"), tz)
    return start, (start + pd.Timedelta(hours=float(hours))).round("min")


def _write_plees(path: Path, sim: SimulatedPanel, tz: str, rng: np.random.Generator) -> int:
    """Plees Tracker CSV: ``sid,start,stop,rating`` in epoch milliseconds."""
    rows = []
    for k, day in enumerate(sim.panel.itertuples(index=False)):
        if rng.random() < 0.05:  # forgot to log
            continue
        start, stop = _bedtime(day.date, day.sleep_next_h, tz, rng)
        rating = int(np.clip(round(2.5 + (day.sleep_next_h - 7) + rng.normal(0, 0.7)), 0, 5))
        rows.append([k + 1, int(start.timestamp() * 1000), int(stop.timestamp() * 1000), rating])
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sid", "start", "stop", "rating"])
        writer.writerows(rows)
    return len(rows)


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
        runs = _run_times(SimulatedPanel(panel, runs_all[runs_all["participant_id"] == pid], sim.truth), tz)
        # the watch's files, zipped as a study would collect them
        with zipfile.ZipFile(person / "activities.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for j, run in enumerate(runs.itertuples(index=False)):
                indoor = bool(run.indoor)
                track = _track(
                    run.start_utc,
                    run.run_min,
                    rng=rng,
                    interval_s=interval_s,
                    park=None if indoor else _PARKS[tz],
                    sub_sport="treadmill" if indoor else "generic",
                    utc_offset_s=_offset(run.start_utc, tz),
                )
                if j % 5 or indoor:
                    archive.writestr(zipfile.ZipInfo(f"{pid}_{j:04d}.fit", _ZIP_TIME), fit_bytes(track))
                else:
                    archive.writestr(zipfile.ZipInfo(f"{pid}_{j:04d}.gpx", _ZIP_TIME), gpx_text(track))
                n_files += 1
        prompts, answered = _write_ema(person / "mood.csv", pid, panel, tz, rng)
        n_prompts += prompts
        n_answered += answered
        _write_sleep_csv(person / "sleep.csv", pid, panel, tz, rng)
    return {
        "participants": participants,
        "days": days,
        "activity_files": n_files,
        "ema_prompts": n_prompts,
        "ema_answered": n_answered,
        "zones": list(COHORT_ZONES),
        "truth": _truth_dict(sim),
    }


def _write_ema(path: Path, pid: str, panel: pd.DataFrame, tz: str, rng: np.random.Generator) -> tuple[int, int]:
    """Long EMA table: four prompts a day, about a fifth missed, items on 0-10 sliders."""
    rows = []
    prompts = 0
    for day in panel.itertuples(index=False):
        if not np.isfinite(day.mood):
            prompts += len(EMA_HOURS)
            continue  # a day without any answer
        for hour in EMA_HOURS:
            prompts += 1
            if rng.random() < 0.2:
                continue
            local = day.date + pd.Timedelta(hours=hour + rng.uniform(0, 0.75))
            stamp = localize(local.round("s"), tz).tz_convert(tz).isoformat()
            for item in ("mood", "energy", "stress"):
                value = float(np.clip(getattr(day, item) + rng.normal(0, 0.4), 0, 10))
                rows.append([pid, stamp, item, f"{value:.1f}", 0, 10, "ema"])
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant_id", "time", "item", "value", "scale_min", "scale_max", "context"])
        writer.writerows(rows)
    return prompts, len({r[1] for r in rows})


def _write_sleep_csv(path: Path, pid: str, panel: pd.DataFrame, tz: str, rng: np.random.Generator) -> None:
    rows = []
    for day in panel.itertuples(index=False):
        if rng.random() < 0.06:
            continue
        start, stop = _bedtime(day.date, day.sleep_next_h, tz, rng)
        quality = int(np.clip(round(3 + (day.sleep_next_h - 7) + rng.normal(0, 0.6)), 1, 5))
        rows.append([pid, start.tz_convert(tz).isoformat(), stop.tz_convert(tz).isoformat(), quality])
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant_id", "sleep_start", "sleep_end", "quality"])
        writer.writerows(rows)


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
        track = _track(
            begin,
            float(rng.uniform(25, 75)),
            rng=rng,
            interval_s=1,
            park=_PARKS["Europe/Berlin"],
            utc_offset_s=_offset(begin, "Europe/Berlin"),
        )
        filename = _write_activity(acts, str(100_000 + k), track, formats[k % 3])
        rows.append(_csv_row(str(7_000_000_000 + k), track, "Run", f"activities/{filename}"))
    _write_strava_csv(out / "activities.csv", rows)
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
