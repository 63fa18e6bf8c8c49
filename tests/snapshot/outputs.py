"""Digests of runwell's outputs on the sample data and the real files in ../shared/real-data.

Used to show that restructuring code leaves the outputs unchanged:
``python tests/snapshot/outputs.py --write`` records the digests in ``digests.json`` beside
this file; ``tests/test_outputs_unchanged.py`` recomputes and compares them. A deliberate
change of outputs rewrites the file in the same commit, with the reason in the message.

Digests, not copies: each table is reduced to its shape, columns, dtypes and a hash of its
values (floats rounded to 9 significant digits), so no real data is stored in the repo.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
# run as a script, import the runwell of this checkout, not whichever one is installed
sys.path.insert(0, str(HERE.parents[1]))
REAL = HERE.parents[2] / "shared" / "real-data"
DIGESTS = HERE / "digests.json"
#: The cohort notebook's ``mood_columns`` parameter (columns of the long-format mood.csv).
COHORT_MOOD_COLUMNS = {
    "item": "item",
    "value": "value",
    "scale_min": "scale_min",
    "scale_max": "scale_max",
    "context": "context",
}


#: Absolute folders replaced by placeholders, so digests do not depend on where the repo is.
PLACES = {str(HERE.parents[1]): "<repo>", str(REAL): "<real-data>"}


def _placeless(value: object) -> object:
    if isinstance(value, str):
        for folder, name in PLACES.items():
            value = value.replace(folder, name)
    return value


def table_digest(frame: pd.DataFrame) -> dict[str, Any]:
    """Shape, columns, dtypes and a value hash of one table (paths made relative to the repo)."""
    out = frame.reset_index(drop=True).copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: None if pd.isna(v) else float(f"{v:.9g}"))
        out[col] = out[col].astype("string").map(_placeless, na_action="ignore").astype("string")
    text = out.to_csv(index=False, na_rep="<NA>")
    return {
        "shape": list(frame.shape),
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def _safe(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as err:  # the outcome (including the error) is what is compared
        return {"error": type(err).__name__, "message": str(err)}


def _individual(acts: pd.DataFrame, mood: pd.DataFrame, sleep: pd.DataFrame | None) -> dict[str, Any]:
    import runwell

    out: dict[str, Any] = {}
    panel = _safe(lambda: runwell.build_daily_panel(acts, mood, sleep, value="value"))
    runs = _safe(lambda: runwell.build_run_panel(acts, mood, value="value"))
    if isinstance(panel, pd.DataFrame):
        out["panel"] = table_digest(panel)
    else:
        out["panel"] = panel
        return out
    if isinstance(runs, pd.DataFrame):
        out["run_panel"] = table_digest(runs)
    model = _safe(lambda: runwell.fit_mood_model(panel, outcome="mood"))
    out["model"] = table_digest(model.effects) if hasattr(model, "effects") else model
    claims = _safe(lambda: runwell.check_claims(panel, runs))
    out["claims"] = table_digest(claims) if isinstance(claims, pd.DataFrame) else claims
    return out


def sample_outputs() -> dict[str, Any]:
    """Tables, model effects and claims of the bundled individual sample and cohort."""
    import runwell
    from runwell.sample import sample_path

    base = sample_path("individual")
    acts = runwell.load_activities(base / "strava_export", tz="Europe/Berlin")
    mood = runwell.read_mood(base / "daylio_export.csv", tz="Europe/Berlin")
    sleep = runwell.read_sleep(base / "plees-tracker.csv", tz="Europe/Berlin")
    out: dict[str, Any] = {
        "activities": table_digest(acts.activities),
        "activity_report": table_digest(acts.report),
        "mood": table_digest(mood.mood),
        "sleep": table_digest(sleep.sleep),
    }
    out.update(_individual(acts.activities, mood.mood, sleep.sleep))
    cohort = sample_path("cohort")
    acts_list, mood_list, sleep_list = [], [], []
    for person in sorted(p for p in cohort.iterdir() if p.is_dir()):
        source = next(iter(sorted(person.glob("activities*"))), None)
        if source is None or not (person / "mood.csv").exists():
            continue
        acts_list.append(runwell.load_activities(source, participant_id=person.name).activities)
        mood_list.append(
            runwell.read_mood(
                person / "mood.csv", format="generic", participant_id=person.name, **COHORT_MOOD_COLUMNS
            ).mood
        )
        if (person / "sleep.csv").exists():
            sleep_list.append(
                runwell.read_sleep(person / "sleep.csv", format="generic", participant_id=person.name).sleep
            )
    acts_c = pd.concat(acts_list, ignore_index=True)
    mood_c = pd.concat(mood_list, ignore_index=True)
    sleep_c = pd.concat(sleep_list, ignore_index=True) if sleep_list else None
    out["cohort_activities"] = table_digest(acts_c)
    out["cohort_mood"] = table_digest(mood_c)
    out["cohort"] = _individual(acts_c, mood_c, sleep_c)
    return out


def real_outputs() -> dict[str, Any]:
    """Tables from every real activity folder and log in ../shared/real-data."""
    import runwell

    out: dict[str, Any] = {}
    if not REAL.exists():
        return out
    for folder in sorted((REAL / "activities").iterdir()):
        loaded = _safe(lambda folder=folder: runwell.load_activities(folder, tz="UTC", workers=1))
        out[f"activities/{folder.name}"] = (
            {"activities": table_digest(loaded.activities), "report": table_digest(loaded.report)}
            if hasattr(loaded, "activities")
            else loaded
        )
    for path in sorted((REAL / "activities").rglob("*")):
        if path.is_file():
            rel = path.relative_to(REAL).as_posix()
            one = _safe(lambda path=path: runwell.read_activity(path, tz="UTC"))
            out[f"read_activity/{rel}"] = table_digest(one) if isinstance(one, pd.DataFrame) else one
    logs = REAL / "logs"
    for path in sorted(logs.rglob("*")):
        if not path.is_file() or path.suffix in (".gpx", ".md"):
            continue
        rel = path.relative_to(REAL).as_posix()
        mood = _safe(lambda path=path: runwell.read_mood(path, tz="Europe/Berlin"))
        sleep = _safe(lambda path=path: runwell.read_sleep(path, tz="Europe/Berlin"))
        out[f"mood/{rel}"] = (
            {"mood": table_digest(mood.mood), "report": table_digest(mood.report)} if hasattr(mood, "mood") else mood
        )
        out[f"sleep/{rel}"] = (
            {"sleep": table_digest(sleep.sleep), "report": table_digest(sleep.report)}
            if hasattr(sleep, "sleep")
            else sleep
        )
    daylio = logs / "daylio" / "daylio_test_data_staticf0x.csv"
    fit = REAL / "activities" / "fit"
    if daylio.exists() and fit.exists():
        acts = runwell.load_activities(fit, tz="UTC", workers=1).activities
        mood = _safe(lambda: runwell.read_mood(daylio, tz="UTC").mood)
        if isinstance(mood, pd.DataFrame):
            out["real_individual"] = _individual(acts, mood, None)
    return out


def compute() -> dict[str, Any]:
    """All digests, as written to ``digests.json``."""
    np.seterr(all="ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"sample": sample_outputs(), "real": real_outputs()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the digests in digests.json")
    parser.add_argument("--out", type=Path, help="write the digests to this file instead")
    args = parser.parse_args(argv)
    digests = compute()
    text = json.dumps(digests, indent=1, sort_keys=True, default=str)
    if args.write or args.out:
        (args.out or DIGESTS).write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
