"""Does the mood model recover a known truth? Bias and 95% coverage over replicates.

Draws panels from :func:`runwell.simulate.simulate_panel` (random slopes, AR(1)
residuals, person-level confounding), fits :func:`runwell.fit_mood_model` to each and
reports, per effect: the mean estimate, its bias with the Monte Carlo error of that bias,
the empirical SD of the errors (estimate minus truth) against the mean reported standard
error, and the coverage of the 95% intervals, for the mixed model, its robust check
(person fixed effects with cluster-robust errors) and the naive pooled regression.

Usage::

    python benchmarks/model_recovery.py --replicates 300
    python benchmarks/model_recovery.py --replicates 20 --participants 10 --days 30
    python benchmarks/model_recovery.py --replicates 100 --participants 1 --days 90

With one participant the model is a regression with AR(1) errors and the duration truth is
that person's own slope.

A 95% interval that is well calibrated covers the truth in 95% of replicates; with R
replicates the Monte Carlo error of a coverage near 0.95 is about sqrt(0.95 * 0.05 / R)
(0.013 for R = 300).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runwell.models import fit_mood_model, fit_naive_pooled
from runwell.simulate import simulate_panel

#: (label, model term, part, attribute of the truth)
TARGETS = (
    ("duration within (per 30 min)", "run_min", "within", "beta_duration_within"),
    ("frequency within (per run a week)", "runs_7d", "within", "beta_frequency_within"),
    ("duration between (per 30 min)", "run_min", "between", "beta_duration_between"),
    ("frequency between (per run a week)", "runs_7d", "between", "beta_frequency_between"),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see ``--help``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=300, help="simulated panels (default 300)")
    parser.add_argument("--participants", type=int, default=30, help="participants per panel (default 30)")
    parser.add_argument("--days", type=int, default=42, help="days per participant (default 42)")
    parser.add_argument("--confounding", type=float, default=2.0, help="person-level confounding (default 2.0)")
    parser.add_argument("--ar1", type=float, default=0.3, help="AR(1) of daily residuals (default 0.3)")
    parser.add_argument("--seed", type=int, default=20261122, help="first seed (default 20261122)")
    return parser.parse_args(argv)


def one_replicate(seed: int, args: argparse.Namespace) -> list[dict[str, object]]:
    """Fit one simulated panel; one row per target and estimator."""
    sim = simulate_panel(args.participants, args.days, between_confounding=args.confounding, ar1=args.ar1, seed=seed)
    fit = fit_mood_model(sim.panel, outcome="mood")
    naive = fit_naive_pooled(sim.panel, outcome="mood")
    robust = fit.robust.set_index("term") if fit.robust is not None else None
    single = fit.n_participants == 1
    estimator = "AR(1) regression" if single else "mixed model"
    rows: list[dict[str, object]] = []
    for label, term, part, attr in TARGETS:
        truth = getattr(sim.truth, attr)
        if single and attr == "beta_duration_within":  # one person: their own slope
            truth = float(sim.truth.person["duration_slope"].iloc[0])
        try:
            rows.append(_row(seed, label, estimator, truth, fit.effect(term, part)))
        except KeyError:  # e.g. no between-person terms for a single participant
            continue
        if part != "within":
            continue
        if robust is not None and term in robust.index:
            rows.append(_row(seed, label, "robust check", truth, robust.loc[term]))
        rows.append(_row(seed, label, "naive pooled", truth, naive.loc[term]))
    if not single:  # one participant: no random slopes
        rows.append(
            {
                "seed": seed,
                "target": "slope SD (per 30 min)",
                "estimator": estimator,
                "truth": sim.truth.slope_sd,
                "estimate": fit.random_effects_sd["run_min slope (per 30 min)"],
                "se": np.nan,
                "covered": np.nan,
            }
        )
    for row in rows:
        row["optimizer"] = fit.optimizer
        row["converged"] = fit.converged
    return rows


def _row(seed: int, target: str, estimator: str, truth: float, est: pd.Series) -> dict[str, object]:
    """One estimate: value, standard error and whether its 95% interval covers the truth."""
    return {
        "seed": seed,
        "target": target,
        "estimator": estimator,
        "truth": truth,
        "estimate": float(est["estimate"]),
        "se": float(est["se"]),
        "covered": float(est["ci_low"] <= truth <= est["ci_high"]),
    }


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Bias, its Monte Carlo error, SD vs mean SE, and coverage per target and estimator."""

    def stats(group: pd.DataFrame) -> pd.Series:
        r = len(group)
        error = group["estimate"] - group["truth"]  # the truth may differ by replicate
        sd = error.std(ddof=1)
        return pd.Series(
            {
                "truth": group["truth"].mean(),
                "mean": group["estimate"].mean(),
                "bias": error.mean(),
                "mc_error": sd / math.sqrt(r),
                "emp_sd": sd,
                "mean_se": group["se"].mean(),
                "coverage": group["covered"].mean(),
                "replicates": r,
            }
        )

    out = results.groupby(["target", "estimator"], sort=False)[results.columns].apply(stats)
    out["bias_in_mc_errors"] = out["bias"] / out["mc_error"]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the replicates and print the summary table."""
    args = parse_args(argv)
    start = time.perf_counter()
    rows: list[dict[str, object]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the library must not leak warnings
        for i in range(args.replicates):
            rows += one_replicate(args.seed + i, args)
            if (i + 1) % 25 == 0:
                print(f"  {i + 1}/{args.replicates} replicates", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - start
    results = pd.DataFrame(rows)
    table = summarise(results)
    print(
        f"Model recovery: {args.replicates} replicates of {args.participants} participants x "
        f"{args.days} days (confounding {args.confounding}, AR(1) {args.ar1}); "
        f"{elapsed:.0f} s, {elapsed / args.replicates:.2f} s per fit."
    )
    with pd.option_context("display.width", 160, "display.float_format", "{:.4f}".format):
        print(table.to_string())
    per_fit = results.drop_duplicates("seed")
    print("\nOptimizer kept:", per_fit["optimizer"].value_counts().to_dict())
    print("Converged fits:", f"{per_fit['converged'].mean():.1%}")
    cov_mc = math.sqrt(0.95 * 0.05 / args.replicates)
    print(f"Monte Carlo error of a 95% coverage: {cov_mc:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
