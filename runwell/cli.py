"""The ``runwell`` command.

``runwell report --sample -o runwell-report.html``
    The individual report on the bundled sample.
``runwell report --activities EXPORT --mood LOG [--sleep LOG] [--tz ZONE] -o FILE``
    The individual report on your own files.
``runwell report --cohort DIR -o FILE``
    The cohort report on a study folder (one sub-folder per participant holding
    ``activities`` (a folder or zip), ``mood.csv`` and optionally ``sleep.csv``).
``runwell load PATH``
    Load activity files and print what was loaded and what was not.

Input is checked before the notebook runs, with a progress bar while files load; bad
input ends with a one-line error and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runwell.errors import RunwellError
from runwell.tables import RUNNING_SPORTS

__all__ = ["main", "check_individual_inputs", "check_cohort_inputs"]



def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runwell",
        description="Does running help your mood and sleep? Reports from activity files and mood logs. "
        "Everything stays on this machine.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="write an HTML report")
    rep.add_argument("--sample", action="store_true", help="use the bundled sample data")
    rep.add_argument("--activities", type=Path, metavar="EXPORT",
                     help="activity files: a Strava/Garmin/Apple export (zip or folder), a folder or a file")
    rep.add_argument("--mood", type=Path, metavar="LOG", help="mood log (Daylio, Bearable, m-Path, generic CSV, ...)")
    rep.add_argument("--sleep", type=Path, metavar="LOG", help="sleep log (optional)")
    rep.add_argument("--tz", metavar="ZONE", help="your time zone, e.g. Europe/Berlin (for logs in local time)")
    rep.add_argument("--mood-format", default="auto", help="mood log format (default: recognise it)")
    rep.add_argument("--sleep-format", default="auto", help="sleep log format (default: recognise it)")
    rep.add_argument("--cohort", type=Path, nargs="?", const=True, metavar="DIR",
                     help="a study folder (one sub-folder per participant); with --sample, the sample cohort")
    rep.add_argument("-o", "--output", type=Path, default=Path("runwell-report.html"), help="HTML file to write")
    load = sub.add_parser("load", help="load activity files and print the load report")
    load.add_argument("path", type=Path, nargs="+")
    load.add_argument("--tz", metavar="ZONE")
    return parser


def check_individual_inputs(activities: Path, mood: Path, sleep: Path | None, *, tz: str | None,
                            mood_format: str = "auto", sleep_format: str = "auto") -> str:
    """Load the inputs once, with progress, and fail early with a clear message.

    Returns
    -------
    str
        A one-paragraph summary of what was found.

    Raises
    ------
    RunwellError
        Wrong path, unknown format, no running activities, or no mood entries.
    """
    from runwell.activities import load_activities
    from runwell.logs import read_mood, read_sleep

    for label, path in (("activities", activities), ("mood log", mood), ("sleep log", sleep)):
        if path is not None and not path.exists():
            raise RunwellError(f"{label} {path}: no such file or folder")
    loaded = load_activities(activities, tz=tz, progress=True)
    runs = loaded.activities[loaded.activities["sport"].isin(RUNNING_SPORTS)]
    if runs.empty:
        sports = ", ".join(sorted(set(loaded.activities["sport"]))) or "none"
        raise RunwellError(f"{activities}: no running activities found (sports found: {sports})")
    moods = read_mood(mood, format=mood_format, tz=tz)
    if moods.mood.empty:
        raise RunwellError(f"{mood}: no mood entries could be read ({len(moods.report)} problem row(s))")
    start, end = runs["start_local"].min(), runs["start_local"].max()
    in_range = moods.mood[(moods.mood["date"] >= start.normalize()) & (moods.mood["date"] <= end.normalize())]
    if in_range.empty:
        raise RunwellError(
            f"{mood}: no mood entries between the first and last run ({start:%Y-%m-%d} to {end:%Y-%m-%d})")
    text = f"{loaded.summary()} {len(runs)} runs; {len(moods.mood)} mood ratings ({moods.format})"
    if sleep is not None:
        nights = read_sleep(sleep, format=sleep_format, tz=tz)
        text += f"; {len(nights.sleep)} nights of sleep ({nights.format})"
    return text + "."


def check_cohort_inputs(folder: Path) -> str:
    """Check a study folder has participant sub-folders with activities and a mood log."""
    if not folder.is_dir():
        raise RunwellError(f"{folder}: no such folder")
    people = [p for p in sorted(folder.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    usable = [p for p in people if any(p.glob("activities*")) and (p / "mood.csv").exists()]
    if not usable:
        raise RunwellError(
            f"{folder}: no participant folders with activities (folder or zip) and mood.csv; "
            f"found {len(people)} sub-folder(s)")
    return f"{len(usable)} participant folder(s) in {folder}."


def _report(args: argparse.Namespace) -> int:
    from runwell.report import write_report
    from runwell.sample import sample_path

    params: dict[str, Any]
    if args.cohort is not None:
        folder = sample_path("cohort") if args.cohort is True or args.sample else Path(args.cohort)
        print(check_cohort_inputs(folder), file=sys.stderr)
        params = {"cohort_dir": str(folder.resolve()),
                  "truth_json": str(sample_path("truth.json")) if args.sample or args.cohort is True else None}
        name, title = "cohort", "runwell: running, mood and sleep in a cohort"
    else:
        if args.sample:
            base = sample_path("individual")
            activities, mood, sleep = base / "strava_export", base / "daylio_export.csv", base / "plees-tracker.csv"
            tz, truth = "Europe/Berlin", str(sample_path("truth.json"))
        else:
            if args.activities is None or args.mood is None:
                raise RunwellError("give --sample, or --activities EXPORT and --mood LOG (see runwell report --help)")
            activities, mood, sleep, tz, truth = args.activities, args.mood, args.sleep, args.tz, None
        print(check_individual_inputs(activities, mood, sleep, tz=tz, mood_format=args.mood_format,
                                      sleep_format=args.sleep_format), file=sys.stderr)
        params = {
            "activities": str(Path(activities).resolve()),
            "mood": str(Path(mood).resolve()),
            "sleep": str(Path(sleep).resolve()) if sleep else None,
            "tz": tz,
            "mood_format": args.mood_format,
            "sleep_format": args.sleep_format,
            "truth_json": truth,
        }
        name, title = "individual", "runwell: your running, mood and sleep"
    print(f"running the {name} notebook ...", file=sys.stderr)
    path = write_report(name, args.output, params, title=title)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def _load(args: argparse.Namespace) -> int:
    from runwell.activities import load_activities

    result = load_activities(args.path if len(args.path) > 1 else args.path[0], tz=args.tz, progress=True)
    print(result.summary())
    if len(result.report):
        print(result.report[["kind", "path", "row", "reason"]].to_string(index=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``runwell`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _report(args) if args.command == "report" else _load(args)
    except (RunwellError, OSError) as err:
        message = " ".join(str(err).split()) if not isinstance(err, RunwellError) or "\n" not in str(err) else str(err)
        print(f"runwell: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
