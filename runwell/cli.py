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
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from runwell.errors import RunwellError

if TYPE_CHECKING:
    from runwell.study import Inputs

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runwell",
        description="Does running help your mood and sleep? Reports from activity files and mood logs. "
        "Everything stays on this machine.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="write an HTML report")
    rep.add_argument("--sample", action="store_true", help="use the bundled sample data")
    rep.add_argument(
        "--activities",
        type=Path,
        metavar="EXPORT",
        help="activity files: a Strava/Garmin/Apple export (zip or folder), a folder or a file",
    )
    rep.add_argument("--mood", type=Path, metavar="LOG", help="mood log (Daylio, Bearable, m-Path, generic CSV, ...)")
    rep.add_argument("--sleep", type=Path, metavar="LOG", help="sleep log (optional)")
    rep.add_argument("--tz", metavar="ZONE", help="your time zone, e.g. Europe/Berlin (for logs in local time)")
    rep.add_argument("--mood-format", default="auto", help="mood log format (default: recognise it)")
    rep.add_argument("--sleep-format", default="auto", help="sleep log format (default: recognise it)")
    rep.add_argument(
        "--cohort",
        type=Path,
        nargs="?",
        const=True,
        metavar="DIR",
        help="a study folder (one sub-folder per participant); with --sample, the sample cohort",
    )
    rep.add_argument("-o", "--output", type=Path, default=Path("runwell-report.html"), help="HTML file to write")
    load = sub.add_parser("load", help="load activity files and print the load report")
    load.add_argument("path", type=Path, nargs="+")
    load.add_argument("--tz", metavar="ZONE")
    return parser


def _individual_inputs(args: argparse.Namespace) -> tuple[Inputs, str | None]:
    """Load and check one person's inputs (the sample's or the user's); returns them and the truth file."""
    from runwell.sample import sample_path
    from runwell.study import check_person, load_person

    if args.sample:
        base = sample_path("individual")
        paths = (base / "strava_export", base / "daylio_export.csv", base / "plees-tracker.csv")
        tz, truth = "Europe/Berlin", str(sample_path("truth.json"))
    elif args.activities is None or args.mood is None:
        raise RunwellError("give --sample, or --activities EXPORT and --mood LOG (see runwell report --help)")
    else:
        paths, tz, truth = (args.activities, args.mood, args.sleep), args.tz, None
    for label, path in zip(("activities", "mood log", "sleep log"), paths, strict=True):
        if path is not None and not Path(path).exists():
            raise RunwellError(f"{label} {path}: no such file or folder")
    inputs = load_person(*paths, tz=tz, mood_format=args.mood_format, sleep_format=args.sleep_format, progress=True)
    check_person(inputs, activities=paths[0], mood=paths[1])
    return inputs, truth


def _cohort_inputs(args: argparse.Namespace) -> tuple[Inputs, str | None]:
    """Load a study folder (the sample cohort with ``--sample``)."""
    from runwell.sample import sample_path
    from runwell.study import load_study

    sample = args.cohort is True or args.sample
    folder = sample_path("cohort") if sample else Path(args.cohort)
    return load_study(folder, progress=True), str(sample_path("truth.json")) if sample else None


def _report(args: argparse.Namespace) -> int:
    from runwell.report import write_report

    cohort = args.cohort is not None
    inputs, truth = _cohort_inputs(args) if cohort else _individual_inputs(args)
    print(inputs.summary(), file=sys.stderr)
    name = "cohort" if cohort else "individual"
    title = "runwell: running, mood and sleep in a cohort" if cohort else "runwell: your running, mood and sleep"
    with tempfile.TemporaryDirectory(prefix="runwell-inputs-") as saved:
        inputs.save(saved)
        print(f"running the {name} notebook ...", file=sys.stderr)
        path = write_report(name, args.output, {"inputs_dir": saved, "truth_json": truth}, title=title)
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
