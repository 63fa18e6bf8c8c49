"""The ``runwell`` command (thin: it parses options and calls the library).

``runwell report --sample -o runwell-report.html``
    The individual report on the bundled sample.
``runwell report --activities EXPORT --mood LOG [--sleep LOG] [--tz ZONE] -o FILE``
    The individual report on your own files.
``runwell report --cohort DIR [--mood ONE_FILE_FOR_EVERYONE] -o FILE``
    The cohort report on a study folder (one sub-folder per participant).
``runwell report --cohort DIR --scheduler ADDRESS [--store DIR] -o FILE``
    The same, with the participants loaded on a running Dask cluster.
``runwell load PATH``
    Load activity files and print what was loaded and what was not.

Every input is read and checked before the report notebook runs. A problem ends with one
line on stderr naming the file, what is wrong and the option that fixes it, never a
traceback. Exit status: 0 written, 1 an input or data problem, 2 a usage error,
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from runwell._version import __version__
from runwell.errors import InputError, RunwellError, UsageError

__all__ = ["main", "EXIT_OK", "EXIT_INPUT", "EXIT_USAGE", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse that raises usage errors instead of exiting, so one handler words them."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def _report_options(rep: argparse.ArgumentParser) -> None:
    what = rep.add_argument_group("what to read")
    what.add_argument("--sample", action="store_true", help="use the bundled sample data")
    what.add_argument(
        "--activities",
        type=Path,
        metavar="EXPORT",
        help="activity files: a Strava/Garmin/Apple export (zip or folder), a folder or a file",
    )
    what.add_argument(
        "--mood",
        type=Path,
        metavar="LOG",
        help="mood log (Daylio, Bearable, m-Path, generic CSV, ...); with --cohort, one file for everyone",
    )
    what.add_argument("--sleep", type=Path, metavar="LOG", help="sleep log (optional)")
    what.add_argument(
        "--cohort",
        type=Path,
        nargs="?",
        const=True,
        metavar="DIR",
        help="a study folder (one sub-folder per participant); with --sample, the sample cohort",
    )
    how = rep.add_argument_group("how to read it")
    how.add_argument("--tz", metavar="ZONE", help="time zone of logs written in local time, e.g. Europe/Berlin")
    how.add_argument(
        "--participant-tz",
        type=Path,
        metavar="FILE",
        help="cohorts: a CSV participant_id,tz giving each participant's zone",
    )
    how.add_argument("--mood-format", metavar="NAME", help="mood log format (default: recognise it)")
    how.add_argument("--sleep-format", metavar="NAME", help="sleep log format (default: recognise it)")
    how.add_argument(
        "--mood-labels", metavar='"LABEL=N,..."', help='values of custom mood labels, e.g. "sad=2,average=3" (Daylio)'
    )
    how.add_argument(
        "--mood-item", metavar="NAME", help="which item of the log is mood (default: the item called mood)"
    )
    how.add_argument("--default-sport", metavar="SPORT", help="sport of activities whose files name none, e.g. running")
    how.add_argument("--start", metavar="YYYY-MM-DD", help="first day analysed (default: where mood and runs overlap)")
    how.add_argument("--end", metavar="YYYY-MM-DD", help="last day analysed")
    how.add_argument("--cache", action="store_true", help="keep parsed activity files for faster reruns")
    big = rep.add_argument_group("large studies (with --cohort)")
    big.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="load the participants on this running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(needs the dask extra; default: this machine's cores)",
    )
    big.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="keep each loaded participant in this parquet store, so reruns skip unchanged ones "
        "(default with --scheduler: a folder in runwell's cache)",
    )
    how.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file (default: runwell.toml next to the data); options given here win",
    )
    out = rep.add_argument_group("output")
    out.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="HTML file to write (default runwell-report.html)"
    )
    out.add_argument(
        "--tables", type=Path, metavar="DIR", help="also write the daily and per-run tables as CSV to this folder"
    )
    out.add_argument("--open", action="store_true", help="open the report in the browser when done")


def _talk_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """``-q`` and ``-v``; a command's own copy uses ``SUPPRESS`` so it never resets the global one."""
    talk = parser.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", default=default, help="print only errors")
    talk.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="print more detail (and tracebacks of internal errors)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="runwell",
        description="Does running help your mood and sleep? Reports from activity files and mood logs. "
        "Everything stays on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"runwell {__version__}")
    _talk_options(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = sub.add_parser("report", help="write an HTML report")
    _report_options(report)
    load = sub.add_parser("load", help="load activity files and print the load report")
    for command in (report, load):  # -q/-v before or after the command, as users type them
        _talk_options(command, default=argparse.SUPPRESS)
    load.add_argument("path", type=Path, nargs="+")
    load.add_argument("--tz", metavar="ZONE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``runwell`` command; returns the exit status."""
    verbose = False
    try:
        args = _parser().parse_args(argv)
        verbose = args.verbose
        if args.command == "report":
            from runwell.reporting import run_report

            return run_report(args, say=_sayer(args.quiet))
        from runwell.reporting import run_load

        return run_load(args)
    except KeyboardInterrupt:
        print("runwell: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UsageError as err:
        print(f"runwell: usage error: {_one_line(err)}", file=sys.stderr)
        return EXIT_USAGE
    except (RunwellError, OSError) as err:
        print(f"runwell: error: {_one_line(err)}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as err:
        if verbose:
            import traceback

            traceback.print_exc()
        print(
            f"runwell: internal error: {type(err).__name__}: {_one_line(err)} "
            "(a bug in runwell: please report it; -v shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INPUT


def _sayer(quiet: bool):
    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr)

    return say


#: Library keyword -> the command-line option that does the same, for the fix in messages.
FLAGS = {
    "moods": "--mood-labels",
    "tz": "--tz",
    "mood_item": "--mood-item",
    "default_sport": "--default-sport",
    "start": "--start and --end",
    "end": "--start and --end",
}


def _cli_fix(err: InputError) -> str | None:
    """The error's fix in command-line words, when it names a library keyword."""
    flag = FLAGS.get(err.option or "")
    if flag is None:
        return None
    hint = err.suggestion
    if isinstance(hint, dict):
        hint = '"' + ",".join(f"{k}={'?' if v is None else v}" for k, v in hint.items()) + '"'
    if err.option in ("start", "end"):
        return "give files that cover the same days, or set the window with --start YYYY-MM-DD --end YYYY-MM-DD"
    if err.option == "moods":
        return f"give {flag} {hint} with each label's value (1 = worst ... 5 = best)"
    return f"give {flag} {hint}" if hint is not None else f"give {flag}"


def _one_line(err: BaseException) -> str:
    text = str(err)
    if isinstance(err, InputError):
        fix = _cli_fix(err)
        if fix is not None:
            text = err.message_with_fix(fix)
    return " ".join(text.split())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
