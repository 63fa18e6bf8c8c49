"""One ``runwell report`` or ``runwell load`` run, end to end, in the order a user needs.

1. Settings: command-line options over ``runwell.toml`` (:mod:`runwell.settings`), checked
   before anything is read.
2. Pre-flight: the report stack is installed; the output can be written.
3. Inputs: loaded once (:mod:`runwell.study`), the analysis window set
   (:mod:`runwell.window`), checked for what the report needs.
4. The report notebook runs on the saved inputs, section by section, and the HTML is
   written (:mod:`runwell.report`).

Every failure is a :class:`~runwell.errors.RunwellError` with a one-line message in
command-line words; :mod:`runwell.cli` prints it and chooses the exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import tempfile
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from runwell.errors import InputError, RunwellError, UsageError
from runwell.settings import Settings, find_config, parse_mood_labels, read_config, read_participant_tz

__all__ = ["run_report", "run_load", "settings_from_args", "REPORT_MODULES"]

#: What the report needs beyond the core library (the ``report`` extra).
REPORT_MODULES = ("jupytext", "nbclient", "nbconvert", "nbformat", "ipykernel", "matplotlib", "seaborn")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from parsed command-line options, filled in from ``runwell.toml``."""
    given = {name for name, value in vars(args).items() if value not in (None, False)}
    settings = Settings()
    for name in given & set(vars(settings)) - {"cohort", "mood_labels"}:
        setattr(settings, name, getattr(args, name))
    if args.cohort is True:
        if not args.sample:
            raise UsageError("--cohort needs a study folder (or --sample for the sample cohort)")
        settings.cohort_sample = True
    elif args.cohort is not None:
        settings.cohort = args.cohort
    config = args.config or find_config(settings.cohort, settings.activities, settings.mood)
    if args.config is not None and not args.config.is_file():
        raise UsageError(f"--config {args.config}: no such file")
    if config is not None:
        settings.merged(read_config(config), given)
    if args.mood_labels is not None:
        settings.mood_labels = parse_mood_labels(args.mood_labels)
    return settings.check()


def _require_report_stack() -> None:
    missing = [m for m in REPORT_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise RunwellError(
            f"the HTML report needs the report extra ({', '.join(missing)} missing): pip install 'runwell[report]'"
        )


def _check_output(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o/--output {path}: {folder} is not a folder")
    probe = folder if folder.exists() else next((p for p in folder.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK):
        raise UsageError(f"-o/--output {path}: cannot write in {probe}; choose another place")


def _load_inputs(settings: Settings, say: Callable[[str], None]) -> tuple[Any, str | None, str]:
    """Load the inputs the settings name; returns them, the sample's truth file and the notebook name."""
    from runwell.inputs import check_person
    from runwell.sample import sample_path
    from runwell.study import load_person, load_study

    options: dict[str, Any] = {
        "mood_item": settings.mood_item,
        "default_sport": settings.default_sport,
        "progress": _interactive(),
        "cache": settings.cache,
    }
    if settings.cohort is not None or settings.cohort_sample:
        folder = settings.cohort or sample_path("cohort")
        zones = read_participant_tz(settings.participant_tz) if settings.participant_tz else settings.tz
        where = f" on the Dask scheduler at {settings.scheduler}" if settings.scheduler else ""
        say(f"reading the study in {folder}{where} ...")
        with _dask_client(settings.scheduler) as client:
            inputs = load_study(
                folder,
                mood=settings.mood,
                tz=zones,
                mood_format=settings.mood_format,
                client=client,
                store=settings.store,
                **options,
            )
        inputs.with_window(start=settings.start, end=settings.end)
        return inputs, str(sample_path("truth.json")) if settings.cohort is None else None, "cohort"
    if settings.sample:
        base = sample_path("individual")
        paths: tuple[Path, Path, Path | None] = (
            base / "strava_export",
            base / "daylio_export.csv",
            base / "plees-tracker.csv",
        )
        tz: str | None = "Europe/Berlin"
        truth: str | None = str(sample_path("truth.json"))
    else:
        assert settings.activities is not None and settings.mood is not None
        paths, tz, truth = (settings.activities, settings.mood, settings.sleep), settings.tz, None
    for label, flag, path in zip(
        ("activities", "mood log", "sleep log"), ("--activities", "--mood", "--sleep"), paths, strict=True
    ):
        if path is not None and not Path(path).exists():
            raise InputError(path, f"{label}: no such file or folder", fix=f"check the path given to {flag}")
    mood_options = {"moods": settings.mood_labels} if settings.mood_labels else None
    say("reading your files ...")
    inputs = load_person(
        *paths,
        tz=tz,
        mood_format=settings.mood_format,
        sleep_format=settings.sleep_format,
        mood_options=mood_options,
        **options,
    )
    check_person(inputs, activities=paths[0], mood=paths[1], start=settings.start, end=settings.end)
    return inputs, truth, "individual"


@contextlib.contextmanager
def _dask_client(address: str | None) -> Iterator[Any]:
    """A client of the Dask scheduler at ``address`` (``None``: no client, the local path)."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError as err:
        raise RunwellError("--scheduler needs the dask extra: pip install 'runwell[dask]'") from err
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as err:
        raise UsageError(
            f"--scheduler {address}: cannot reach a Dask scheduler there ({err}); start one with "
            "`dask scheduler` and workers with `dask worker ADDRESS`"
        ) from err
    with client:
        yield client


def _interactive() -> bool:
    import sys

    return sys.stderr.isatty()


def run_report(args: argparse.Namespace, *, say: Callable[[str], None]) -> int:
    """``runwell report``: settings, pre-flight, inputs, notebook, HTML; returns 0."""
    settings = settings_from_args(args)
    _require_report_stack()
    _check_output(settings.output)
    inputs, truth, name = _load_inputs(settings, say)
    say(inputs.summary())
    say(inputs.window_text())
    from runwell.report import write_report

    title = (
        "runwell: running, mood and sleep in a cohort" if name == "cohort" else "runwell: your running, mood and sleep"
    )
    with tempfile.TemporaryDirectory(prefix="runwell-inputs-") as saved:
        inputs.save(saved)
        say(f"running the {name} report ...")
        parameters = {
            "inputs_dir": saved,
            "truth_json": truth,
            "settings": settings.summary(),
            "tables_dir": str(settings.tables.resolve()) if settings.tables else None,
        }
        path = write_report(
            name,
            settings.output,
            parameters,
            title=title,
            on_section=lambda text: say(f"  {text}"),
        )
    say(f"wrote {path}")
    if settings.open:
        webbrowser.open(path.resolve().as_uri())
    return 0


def run_load(args: argparse.Namespace) -> int:
    """``runwell load``: print what was loaded and what was not; 1 when nothing loaded."""
    from runwell.activities import load_activities

    result = load_activities(args.path if len(args.path) > 1 else args.path[0], tz=args.tz, progress=_interactive())
    print(result.summary())
    if len(result.report):
        print(result.report[["kind", "path", "row", "reason"]].to_string(index=False))
    if result.activities.empty:
        raise InputError(args.path[0], "no activities could be loaded", fix="see the report above for each file")
    return 0
