"""The files of the synthetic sample: activity tracks and the logs apps write.

:mod:`runwell.sample` decides what to write (who ran when, for how long, how they felt);
this module writes it in the formats people really have: a plausible GPS track as FIT,
GPX or TCX, a Strava ``activities.csv``, a Daylio mood CSV, a Plees Tracker sleep CSV, a
long-format EMA mood CSV and a plain sleep CSV. Everything is deterministic for a given
random generator.
"""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path

import numpy as np
import pandas as pd

from runwell.activities.write import Track, fit_bytes, gpx_text, tcx_text
from runwell.simulate import SimulatedPanel
from runwell.timezones import localize

__all__ = [
    "DAYLIO_LEVELS",
    "DAYLIO_SHIFT",
    "EMA_HOURS",
    "make_track",
    "utc_offset",
    "write_activity",
    "strava_date",
    "run_times",
    "strava_csv_row",
    "write_strava_csv",
    "write_daylio",
    "write_plees",
    "write_ema",
    "write_sleep_csv",
]

#: Daylio's default mood labels and the 1..5 levels runwell maps them to.
DAYLIO_LEVELS = {5: "rad", 4: "good", 3: "meh", 2: "bad", 1: "awful"}
#: Simulated mood (centred near 5) minus this is the Daylio level before rounding.
DAYLIO_SHIFT = 2.0
#: Local hours of the EMA prompts (four a day).
EMA_HOURS = (9.0, 13.0, 17.0, 21.0)


def make_track(
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


def utc_offset(start_utc: pd.Timestamp, tz: str) -> int:
    """The UTC offset of ``tz`` at ``start_utc``, in seconds (what a FIT file records)."""
    return int(start_utc.tz_convert(tz).utcoffset().total_seconds())


def write_activity(folder: Path, name: str, track: Track, fmt: str) -> str:
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


def strava_date(ts: pd.Timestamp) -> str:
    """Strava's English ``Activity Date`` (UTC): ``May 29, 2022, 3:53:35 PM``."""
    return f"{ts:%b} {ts.day}, {ts.year}, {int(ts.strftime('%I'))}:{ts:%M:%S} {ts:%p}"


# ------------------------------------------------------------------------ individual


def run_times(sim: SimulatedPanel, tz: str) -> pd.DataFrame:
    """Local and UTC start of each simulated run (the run panel's time of day)."""
    runs = sim.run_panel.copy()
    hour = (runs["start_local"] - runs["date"]).dt.total_seconds() / 3600
    local = runs["date"] + pd.to_timedelta(hour.round(2), unit="h").dt.round("s")
    runs["start_local"] = local
    runs["start_utc"] = [localize(t, tz) for t in local]
    return runs


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


def strava_csv_row(activity_id: str, track: Track, kind: str, filename: str) -> list[str]:
    """One row of Strava's ``activities.csv`` for ``track``."""
    elapsed = int(track.duration_s)
    dist = float(track.distance_m[-1])
    hr = np.asarray(track.heart_rate)
    return [
        activity_id,
        strava_date(track.start_utc),
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


def write_strava_csv(path: Path, rows: list[list[str]]) -> None:
    """Write Strava's ``activities.csv`` with its header and ``rows``."""
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


def write_daylio(path: Path, sim: SimulatedPanel, runs: pd.DataFrame, tz: str, rng: np.random.Generator) -> int:
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


def write_plees(path: Path, sim: SimulatedPanel, tz: str, rng: np.random.Generator) -> int:
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


def write_ema(path: Path, pid: str, panel: pd.DataFrame, tz: str, rng: np.random.Generator) -> tuple[int, int]:
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


def write_sleep_csv(path: Path, pid: str, panel: pd.DataFrame, tz: str, rng: np.random.Generator) -> None:
    """Plain sleep CSV: ``participant_id,sleep_start,sleep_end,quality``, about 6% of nights missing."""
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
