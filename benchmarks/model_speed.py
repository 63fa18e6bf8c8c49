"""Speed of the fast mixed model (runwell.models.fast) against statsmodels' MixedLM.

Usage::

    python benchmarks/model_speed.py                 # 1,000 x 365 and 5,000 x 365
    python benchmarks/model_speed.py --quick         # 200 x 365
    python benchmarks/model_speed.py --persons 1000 --days 365
    python benchmarks/model_speed.py --mood-model    # also through fit_mood_model

With ``--mood-model`` each size is also fitted through ``runwell.fit_mood_model`` on
``runwell.simulate.simulate_panel``'s daily panel (fast engine by default; with
``engine="statsmodels"``, the optimizer search, up to ``--reference-upto`` persons). The
panel is simulated once into a parquet file in the temporary folder; a fresh worker
process reads it (arrow's read buffers released) and fits: "MB before fit" is that
process with the panel in memory, "peak MB" its peak resident memory while fitting
(design, fit, residual diagnostics, robust check), from ``/proc/self/status``.

Each size is a simulated daily panel: a random intercept and a random slope on the
within-person run duration (30-minute units), fixed effects for the within and between
(person mean) run duration, six weekday dummies and a study-day trend; each person misses
a random share (up to 30%) of days, so the n_i differ. Both fits use REML, the same start
(``G / sigma^2`` the identity) and L-BFGS(-B); statsmodels with its default tolerances.
The times include building the model (statsmodels' per-group split, our per-person
sufficient statistics) and the standard errors.

Every fit runs in its own worker process (this script with ``--worker``), which simulates
the same panel from the seed, so that the peak memory (``ru_maxrss``) is that fit's alone;
"peak MB" is the worker's peak resident memory, "+MB" its growth over the simulated data.

Differences are against statsmodels' fit, then against statsmodels' own formulas
(``loglike``, ``get_fe_params``, ``hessian``) evaluated at the fast fit's parameters: the
first mixes in both optimisers' stopping tolerances, the second isolates the arithmetic.
``llf fast - sm`` above 0 means the fast fit found the higher likelihood.

Targets (issue 18): at least 10x faster than statsmodels, the same to 1e-4.

Measured at commit 9ea1b7e (statsmodels 0.15.0, numpy 2.4; 2 cores shared, load
average about 7, so times are rough)::

    persons     rows  fast s  statsmodels s  ratio  peak MB fast / sm
       1000   311537   0.432           19.3   44.6          294 / 381
       5000  1550983    1.95           94.0   48.2          660 / 983

    max |difference| against the statsmodels fit: fe 1.7e-08, bse 5.9e-06, llf 2.0e-06,
    cov_re 8.5e-05 (the fast llf the higher); against statsmodels' formulas at the fast
    optimum: fe 4e-11, bse 1.5e-13, llf 1e-08.

Measured again with ``--mood-model`` at commit d45f806 (load average 8 to 10 from other
work: times inflated): fast 1.31 s / 4.13 s against statsmodels 36.1 s / 185 s (28x, 45x),
the same differences; ``fit_mood_model`` 18.7 s (fast) against 137 s (statsmodels) at
1,000 x 365, and 47.4 s at 5,000 x 365 with a peak of 1.9 GB (878 MB before the fit).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runwell.models.fast import FastMixedModel


def simulate(persons: int, days: int, seed: int) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """A daily mood panel with a random intercept and a random within-person run slope."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(persons, dtype=np.int64), days)
    day = np.tile(np.arange(days, dtype=np.int64), persons)
    keep = rng.uniform(size=person.size) >= rng.uniform(0.0, 0.3, persons)[person]
    person, day = person[keep], day[keep]
    runs = rng.uniform(size=person.size) < rng.uniform(0.1, 0.7, persons)[person]
    run = runs * rng.gamma(4.0, 10.0, person.size) / 30.0
    between = np.bincount(person, weights=run, minlength=persons) / np.bincount(person, minlength=persons)
    X = pd.DataFrame({"const": 1.0, "run_within": run - between[person], "run_between": between[person]})
    for k in range(1, 7):
        X[f"weekday_{k}"] = (day % 7 == k).astype(float)
    X["study_day"] = day / 365.0
    u0 = rng.normal(0.0, 1.0, persons)
    u1 = rng.normal(0.0, 0.3, persons)
    mood = 5.0 + u0[person] + (0.4 + u1[person]) * X["run_within"].to_numpy() + 0.3 * X["run_between"].to_numpy()
    mood += 0.2 * X["weekday_6"].to_numpy() - 0.1 * X["study_day"].to_numpy() + rng.normal(0.0, 1.0, person.size)
    return pd.Series(mood, name="mood"), X, X[["const", "run_within"]], person


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def fresh_peak() -> float:
    """Free what the simulation left behind, reset the peak resident memory; the current one, in MB.

    The simulation's temporaries would otherwise set the peak: freed memory goes back to
    the system (glibc ``malloc_trim``) and the kernel's high-water mark is reset
    (``/proc/self/clear_refs``), so the peak measured after is the panel's and the model's.
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return status_mb("VmRSS")


def run_fast(y: pd.Series, X: pd.DataFrame, Z: pd.DataFrame, groups: np.ndarray) -> dict[str, Any]:
    """Build and fit the fast model; its estimates."""
    start = time.perf_counter()
    result = FastMixedModel(y, X, Z, groups).fit(reml=True)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "fe": result.fe_params.tolist(),
        "bse": result.bse.tolist(),
        "llf": result.llf,
        "cov_re": result.cov_re.to_numpy().tolist(),
        "theta": result.theta.tolist(),
        "converged": result.converged,
        "messages": list(result.messages),
    }


def run_statsmodels(
    y: pd.Series, X: pd.DataFrame, Z: pd.DataFrame, groups: np.ndarray, theta: list[float]
) -> dict[str, Any]:
    """Build and fit MixedLM (REML, lbfgs); then its own formulas at the fast ``theta``."""
    from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = MixedLM(y, X, groups, exog_re=Z)
        result = model.fit(reml=True, method="lbfgs")
        bse = np.asarray(result.bse_fe)
    seconds = time.perf_counter() - start
    params = MixedLMParams.from_packed(np.asarray(theta), X.shape[1], Z.shape[1], use_sqrt=True, has_fe=False)
    params.fe_params = model.get_fe_params(params.cov_re, params.vcomp)[0]
    hessian = model.hessian(params)[0]
    return {
        "seconds": seconds,
        "fe": np.asarray(result.fe_params).tolist(),
        "bse": bse.tolist(),
        "llf": float(result.llf),
        "cov_re": np.asarray(result.cov_re).tolist(),
        "converged": bool(result.converged),
        "warnings": sorted({str(w.message)[:60] for w in caught}),
        "at_fast": {
            "fe": params.fe_params.tolist(),
            "llf": float(model.loglike(params, profile_fe=False)),
            "bse": np.sqrt(np.diag(np.linalg.inv(-hessian)))[: X.shape[1]].tolist(),
        },
    }


def run_mood_model(persons: int, days: int, seed: int, engine: str) -> dict[str, Any]:
    """The daily panel of ``runwell.simulate`` and ``fit_mood_model`` on it, in this process."""
    import pyarrow

    from runwell.models import fit_mood_model

    path = Path(tempfile.gettempdir()) / f"runwell-panel-{persons}x{days}-{seed}.parquet"
    if not path.exists():  # simulated in another process, so that its temporaries are not counted here
        spawn("mood-write", persons, days, seed)
    panel = pd.read_parquet(path)
    pyarrow.default_memory_pool().release_unused()  # arrow's read buffers, no longer used
    before = fresh_peak()
    start = time.perf_counter()
    fit = fit_mood_model(panel, outcome="mood", engine=engine)
    seconds = time.perf_counter() - start
    coef = fit.coefficients
    return {
        "seconds": seconds,
        "rows": fit.n_days,
        "persons": persons,
        "panel_mb": float(panel.memory_usage(deep=True).sum() / 2**20),
        "data_mb": before,
        "peak_mb": status_mb("VmHWM"),
        "optimizer": fit.optimizer,
        "converged": fit.converged,
        "fe": coef["estimate"].tolist(),
        "bse": coef["se"].tolist(),
        "llf": float(fit.sm_result.llf),  # type: ignore[attr-defined]
    }


def mood_model_rows(sizes: list[int], days: int, seed: int, reference_upto: int) -> list[dict[str, Any]]:
    """fit_mood_model (fast engine) per size, against engine="statsmodels" up to ``reference_upto`` persons."""
    rows = []
    for persons in sizes:
        fast = spawn("mood-auto", persons, days, seed)
        row = {
            "persons": persons,
            "rows": fast["rows"],
            "panel MB": fast["panel_mb"],
            "MB before fit": fast["data_mb"],
            "peak MB (panel + model)": fast["peak_mb"],
            "fit_mood_model s": fast["seconds"],
            "engine": fast["optimizer"],
        }
        if persons <= reference_upto:
            sm = spawn("mood-statsmodels", persons, days, seed)
            row.update(
                {
                    "statsmodels engine s": sm["seconds"],
                    "ratio": sm["seconds"] / fast["seconds"],
                    "max|d fe|": maxdiff(fast["fe"], sm["fe"]),
                    "max|d se|": maxdiff(fast["bse"], sm["bse"]),
                    "llf fast - sm": fast["llf"] - sm["llf"],
                    "sm peak MB": sm["peak_mb"],
                }
            )
        rows.append(row)
    return rows


def worker(kind: str, persons: int, days: int, seed: int, theta: list[float]) -> None:
    """One fit in this process; prints a JSON line."""
    if kind == "mood-write":
        from runwell.simulate import simulate_panel

        path = Path(tempfile.gettempdir()) / f"runwell-panel-{persons}x{days}-{seed}.parquet"
        simulate_panel(persons, days, seed=seed).panel.to_parquet(path)
        print(json.dumps({"path": str(path)}))
        return
    if kind.startswith("mood-"):
        print(json.dumps(run_mood_model(persons, days, seed, kind.removeprefix("mood-"))))
        return
    y, X, Z, groups = simulate(persons, days, seed)
    before = rss_mb()
    out = run_fast(y, X, Z, groups) if kind == "fast" else run_statsmodels(y, X, Z, groups, theta)
    out.update(rows=len(y), persons=persons, peak_mb=rss_mb(), data_mb=before)
    print(json.dumps(out))


def spawn(kind: str, persons: int, days: int, seed: int, theta: list[float] | None = None) -> dict[str, Any]:
    """Run :func:`worker` in a fresh interpreter."""
    cmd = [sys.executable, __file__, "--worker", kind, "--persons", str(persons), "--days", str(days)]
    cmd += ["--seed", str(seed), "--theta", json.dumps(theta or [])]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def maxdiff(a: Any, b: Any) -> float:
    """Largest absolute difference."""
    return float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))


def compare(persons: int, days: int, seed: int) -> dict[str, Any]:
    """Both fits of one panel size, and their differences."""
    fast = spawn("fast", persons, days, seed)
    sm = spawn("statsmodels", persons, days, seed, fast["theta"])
    return {
        "persons": persons,
        "rows": fast["rows"],
        "fast s": fast["seconds"],
        "statsmodels s": sm["seconds"],
        "ratio": sm["seconds"] / fast["seconds"],
        "max|d fe|": maxdiff(fast["fe"], sm["fe"]),
        "max|d bse|": maxdiff(fast["bse"], sm["bse"]),
        "|d llf|": abs(fast["llf"] - sm["llf"]),
        "max|d cov_re|": maxdiff(fast["cov_re"], sm["cov_re"]),
        "llf fast - sm": fast["llf"] - sm["llf"],
        "at fast: max|d fe|": maxdiff(fast["fe"], sm["at_fast"]["fe"]),
        "at fast: max|d bse|": maxdiff(fast["bse"], sm["at_fast"]["bse"]),
        "at fast: |d llf|": abs(fast["llf"] - sm["at_fast"]["llf"]),
        "fast peak MB": fast["peak_mb"],
        "fast +MB": fast["peak_mb"] - fast["data_mb"],
        "sm peak MB": sm["peak_mb"],
        "sm +MB": sm["peak_mb"] - sm["data_mb"],
        "converged fast/sm": f"{fast['converged']}/{sm['converged']}",
        "notes": "; ".join(fast["messages"] + sm["warnings"]),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    """The results, one block of columns at a time."""
    table = pd.DataFrame(rows).set_index("persons")
    blocks = [
        ["rows", "fast s", "statsmodels s", "ratio", "fast peak MB", "fast +MB", "sm peak MB", "sm +MB"],
        ["max|d fe|", "max|d bse|", "|d llf|", "max|d cov_re|", "llf fast - sm", "converged fast/sm"],
        ["at fast: max|d fe|", "at fast: max|d bse|", "at fast: |d llf|"],
    ]
    with pd.option_context("display.width", 200, "display.float_format", "{:.3g}".format):
        for block in blocks:
            print(table[block].to_string(), end="\n\n")
    for persons, note in table["notes"].items():
        if note:
            print(f"{persons} persons: {note}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see ``--help``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[1000, 5000], help="panel sizes (1000 5000)")
    parser.add_argument("--days", type=int, default=365, help="days per person (365)")
    parser.add_argument("--seed", type=int, default=18, help="simulation seed (18)")
    parser.add_argument("--quick", action="store_true", help="200 persons only")
    parser.add_argument(
        "--mood-model",
        action="store_true",
        help="also time fit_mood_model on runwell.simulate's daily panel (peak memory of panel + model)",
    )
    parser.add_argument(
        "--reference-upto", type=int, default=1000, help="fit_mood_model(engine='statsmodels') up to this many persons"
    )
    parser.add_argument(
        "--worker",
        choices=["fast", "statsmodels", "mood-auto", "mood-statsmodels", "mood-write"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--theta", default="[]", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the comparison for each panel size and print the table."""
    args = parse_args(argv)
    if args.worker:
        worker(args.worker, args.persons[0], args.days, args.seed, json.loads(args.theta))
        return
    sizes = [200] if args.quick else args.persons
    rows = [compare(persons, args.days, args.seed) for persons in sizes]
    print(f"REML, random intercept + slope, {args.days} days, seed {args.seed}")
    print_table(rows)
    if args.mood_model:
        table = pd.DataFrame(mood_model_rows(sizes, args.days, args.seed, args.reference_upto)).set_index("persons")
        print("fit_mood_model on runwell.simulate.simulate_panel (46 columns; mood ~ run terms + weekday + trend):")
        with pd.option_context("display.width", 200, "display.float_format", "{:.3g}".format):
            print(table.to_string())


if __name__ == "__main__":
    main()
