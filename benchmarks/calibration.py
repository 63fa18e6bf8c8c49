"""Are runwell's verdicts and intervals calibrated? False positives, coverage and power.

Draws data with a known truth from an independent simulator (benchmarks/calibration_sim.py:
AR(1) 0.3 residuals, weekly rhythms in mood and sleep, weekday running schedules for 30%
of people, longer runs at weekends, 15% of ratings missing, people who run more being
happier anyway) and runs them through runwell's public functions, as a report would:

1. **Under the null** (no effect of running at all): the share of reports that declare
   *any* claim supported or opposite, for one person over 180 days, over 180 days on a
   fixed weekday schedule, over 365 days, and for a 30 x 120 cohort; and per claim. The
   target is at most 5% (the Benjamini-Hochberg correction across claims is Simes' test
   under the global null). The raw per-claim share with p < 0.05 shows each test's level.
2. **Coverage** of the 95% intervals of the within-person duration and frequency effects
   of :func:`runwell.fit_mood_model` (default outcome, the day's mood) with AR(1) 0.3,
   random slopes and both kinds of confounding, for cohorts (the mixed model's reported,
   cluster-robust intervals, and its own model-based ones for comparison) and for one
   person (own slope as the truth). The target is 93-97%.
3. **Power** per claim at realistic effect sizes (stated below; within-person effects
   near r = 0.05, as Rehder et al. 2026 report for affect and prior activity).

Monte Carlo errors are ``sqrt(p (1 - p) / R)``. Usage::

    python benchmarks/calibration.py            # the full campaign (about 7 min with --workers 2)
    python benchmarks/calibration.py --quick    # a smoke run (a minute or two)
    python benchmarks/calibration.py --workers 2
    python benchmarks/calibration.py --only null --scenario 365 --individuals 1000 --seed 3
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's runwell, not an installed one
sys.path.insert(0, str(HERE))

from calibration_sim import Study, Truth, World, simulate  # noqa: E402

from runwell import check_claims, fit_mood_model  # noqa: E402

#: Effects for the coverage runs: a linear dose (what the model states), random slopes.
COVERAGE = Truth(dose=0.035, slope_sd=0.07, freq=0.025)
#: Realistic effects for the power runs (mood points on a 1-5-like scale whose daily
#: residual SD is 0.7): a run-day lift of 0.1 SD, a dose of 0.05 SD per 30 min varying
#: between people, 0.035 SD per extra run a week, ... Each is near r = 0.05 within person.
REALISTIC = Truth(
    lift=0.07,
    dose=0.035,
    slope_sd=0.07,
    freq=0.025,
    outdoor=0.07,
    skipped=-0.07,
    stress=0.1,
    sleep=0.1,
    acute=0.35,
    stability=-0.03,
)
CLAIMS = range(1, 10)


@dataclass(frozen=True)
class Scenario:
    """One row of a table: who is simulated, under which truth, how many reports."""

    name: str
    people: int
    days: int
    world: World
    reports: int


def _rng(seed: int, name: str, rep: int) -> np.random.Generator:
    return np.random.default_rng([seed, sum(map(ord, name)), rep])


def _draw(sc: Scenario, seed: int, rep: int) -> Study:
    return simulate(sc.people, sc.days, sc.world, _rng(seed, sc.name, rep))


def claims_report(sc: Scenario, seed: int, rep: int) -> list[dict[str, object]]:
    """One report's claims: verdict and p-value per tested claim."""
    study = _draw(sc, seed, rep)
    table = check_claims(study.panel, study.run_panel)
    rows = []
    for _, r in table[table["claim"].isin(CLAIMS)].iterrows():
        rows.append(
            {
                "scenario": sc.name,
                "rep": rep,
                "claim": int(r["claim"]),
                "verdict": r["verdict"],
                "p": float(r["p_value"]),
            }
        )
    return rows


def coverage_report(sc: Scenario, seed: int, rep: int) -> list[dict[str, object]]:
    """One fit of the mood model: does each 95% interval cover the truth?"""
    study = _draw(sc, seed, rep)
    fit = fit_mood_model(study.panel, slope_interval=False, check_missing=False)
    truth = {
        "run_min": float(study.slopes[0]) if sc.people == 1 else sc.world.truth.dose,
        "runs_7d": sc.world.truth.freq,
    }
    rows = []
    tables = [("reported", fit.effects)] + ([("model-based", fit.model_based)] if fit.model_based is not None else [])
    for kind, table in tables:
        for term, value in truth.items():
            row = table[(table["term"] == term) & (table["part"] == "within")].iloc[0]
            rows.append(
                {
                    "scenario": sc.name,
                    "rep": rep,
                    "interval": kind,
                    "term": term,
                    "covered": float(row["ci_low"] <= value <= row["ci_high"]),
                    "error": float(row["estimate"] - value),
                    "se": float(row["se"]),
                }
            )
    return rows


def _run(task: tuple[Callable[..., list[dict[str, object]]], Scenario, int, int]) -> list[dict[str, object]]:
    fn, sc, seed, rep = task
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(sc, seed, rep)


def campaign(
    fn: Callable[..., list[dict[str, object]]], scenarios: list[Scenario], seed: int, workers: int
) -> pd.DataFrame:
    """All reports of all scenarios, in parallel when asked."""
    tasks = [(fn, sc, seed, rep) for sc in scenarios for rep in range(sc.reports)]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            chunks = list(pool.map(_run, tasks, chunksize=4))
    else:
        chunks = [_run(t) for t in tasks]
    return pd.DataFrame([row for chunk in chunks for row in chunk])


def _pm(p: float, n: int) -> str:
    """A share with its Monte Carlo error, in percent."""
    return f"{100 * p:4.1f} ± {100 * math.sqrt(max(p * (1 - p), 1e-12) / n):3.1f}"


def null_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: reports, share declaring any claim, the worst claim, and per claim."""
    results = results.assign(declared=results["verdict"].isin(["supported", "opposite"]))
    out = {}
    for name, group in results.groupby("scenario", sort=False):
        n = group["rep"].nunique()
        per_report = group.groupby("rep")["declared"].any()
        per_claim = group.groupby("claim")["declared"].mean()
        tested = group[group["verdict"] != "not enough data"]
        raw = tested.groupby("claim")["p"].apply(lambda p: (p < 0.05).mean())
        row = {"reports": n, "any claim %": _pm(per_report.mean(), n), "worst claim %": _pm(per_claim.max(), n)}
        row.update({f"c{c} %": f"{100 * per_claim.get(c, np.nan):.1f}" for c in CLAIMS})
        row.update({f"c{c} p<.05 %": f"{100 * raw.get(c, np.nan):.1f}" for c in CLAIMS})
        row.update(
            {
                f"c{c} tested %": f"{100 * (group[group['claim'] == c]['verdict'] != 'not enough data').mean():.0f}"
                for c in CLAIMS
            }
        )
        out[name] = row
    return pd.DataFrame(out).T


def coverage_table(results: pd.DataFrame) -> pd.DataFrame:
    """Coverage with MC error, empirical SD of the errors and mean SE."""
    rows = []
    for (name, kind, term), g in results.groupby(["scenario", "interval", "term"], sort=False):
        n = len(g)
        rows.append(
            {
                "scenario": name,
                "interval": kind,
                "effect": f"{term} within",
                "fits": n,
                "coverage %": _pm(g["covered"].mean(), n),
                "emp. SD": f"{g['error'].std():.4f}",
                "mean SE": f"{g['se'].mean():.4f}",
                "bias": f"{g['error'].mean():+.4f}",
            }
        )
    return pd.DataFrame(rows)


def power_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and claim: share of reports saying supported (and tested at all)."""
    out = {}
    for name, group in results.groupby("scenario", sort=False):
        n = group["rep"].nunique()
        row = {}
        for c in CLAIMS:
            g = group[group["claim"] == c]
            row[f"c{c}"] = f"{100 * (g['verdict'] == 'supported').mean():.0f}"
        row["reports"] = n
        out[name] = row
    return pd.DataFrame(out).T


def scenarios(quick: bool, individuals: int, cohorts: int) -> tuple[list[Scenario], list[Scenario], list[Scenario]]:
    """The null, coverage and power scenarios (small ones with ``quick``)."""
    ind, coh = (20, 2) if quick else (individuals, cohorts)
    null = World()
    null_runs = [
        Scenario("1 x 180 days", 1, 180, null, ind),
        Scenario("1 x 180 days, weekday schedule", 1, 180, World(schedule=1.0), ind),
        Scenario("1 x 365 days", 1, 365, null, ind),
        Scenario("30 x 120 cohort", 30, 120, null, coh),
    ]
    cover = World(truth=COVERAGE)
    coverage_runs = [
        Scenario("1 x 180 days", 1, 180, cover, ind),
        Scenario("1 x 365 days", 1, 365, cover, ind),
        Scenario("30 x 120 cohort", 30, 120, cover, 2 * coh),
    ]
    real = World(truth=REALISTIC)
    power_runs = [
        Scenario("1 x 180 days", 1, 180, real, ind // 2),
        Scenario("1 x 365 days", 1, 365, real, ind // 2),
        Scenario("30 x 120 cohort", 30, 120, real, coh),
    ]
    return null_runs, coverage_runs, power_runs


def main(argv: list[str] | None = None) -> int:
    """Run the campaign and print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--seed", type=int, default=20260214, help="seed (default 20260214)")
    parser.add_argument("--only", choices=["null", "coverage", "power"], help="run one part only")
    parser.add_argument("--individuals", type=int, default=400, help="one-person reports per scenario (400)")
    parser.add_argument("--cohorts", type=int, default=100, help="cohort reports per scenario (100)")
    parser.add_argument("--scenario", default="", help="only scenarios whose name contains this, e.g. '365'")
    args = parser.parse_args(argv)
    null_runs, coverage_runs, power_runs = (
        [sc for sc in runs if args.scenario in sc.name]
        for runs in scenarios(args.quick, args.individuals, args.cohorts)
    )
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 60)
    started = time.time()
    if args.only in (None, "null"):
        table = null_table(campaign(claims_report, null_runs, args.seed, args.workers))
        print("## Under the null: reports declaring a claim supported or opposite (target <= 5%)\n")
        print(table[["reports", "any claim %", "worst claim %", *[f"c{c} %" for c in CLAIMS]]].to_string())
        print("\nPer-claim share with p < 0.05 among reports testing it (each test's level), and share tested:\n")
        print(table[[f"c{c} p<.05 %" for c in CLAIMS]].to_string())
        print(table[[f"c{c} tested %" for c in CLAIMS]].to_string())
    if args.only in (None, "coverage"):
        print("\n## Coverage of 95% intervals, within-person effects (target 93-97%)")
        print(f"truth: {COVERAGE}; AR(1) 0.3, confounding between people and by weekday, 15% missing\n")
        print(coverage_table(campaign(coverage_report, coverage_runs, args.seed, args.workers)).to_string(index=False))
    if args.only in (None, "power"):
        print("\n## Power: share of reports calling each claim supported, at realistic effects")
        print(f"truth: {REALISTIC}\n")
        print(power_table(campaign(claims_report, power_runs, args.seed, args.workers)).to_string())
    print(f"\n({time.time() - started:.0f} s; seed {args.seed}{', quick' if args.quick else ''})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
