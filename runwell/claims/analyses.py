"""The analysis of each tested claim (claims 1 to 9).

Each function takes the daily panel and the run panel (or None) and the claim's
thresholds as keyword arguments, exactly as declared in
:data:`runwell.claims.catalogue.CLAIMS`, and returns a
:class:`~runwell.claims.findings.Finding`. Every comparison is within-person and adjusted
for the weekday as the mood model is (claim 4 for the weekday of the night measured). A
data-sufficiency failure raises :class:`~runwell.claims.rules.NotEnough`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from runwell.claims.days import calendar, preceding_streak, run_indicator, run_min_7d, sorted_panel
from runwell.claims.findings import Finding, contrast, mean_change, within
from runwell.claims.rules import NotEnough, count_rule, need
from runwell.errors import InsufficientDataError
from runwell.models import fit_mood_model
from runwell.models.wording import direction, interval_text, size_text, split_unit

__all__ = [
    "better_sleep",
    "consistency",
    "dose_response",
    "excessive_stress",
    "lingering_boost",
    "outdoor_better",
    "short_run_lift",
    "skipped_run_low",
    "stable_mood",
]


def short_run_lift(
    panel: pd.DataFrame, run_panel: pd.DataFrame | None, *, short_run_min: float, min_count: int
) -> Finding:
    """Claim 1: short-run days vs rest days, within person, weekday adjusted."""
    need(panel, ["mood", "run_min", "ran"], "compare short-run days with rest days")
    data = panel[panel["mood"].notna() & run_indicator(panel).notna()].copy()
    ran = run_indicator(data) == 1
    short = ran & (data["run_min"] > 0) & (data["run_min"] < short_run_min)
    data = data[short | ~ran].assign(short=short[short | ~ran].astype(float))
    return contrast(
        data,
        "mood",
        "short",
        ("short-run days", "rest days"),
        [],
        unit="short-run day vs rest day",
        subject=f"On days with a short run (under {short_run_min:g} min)",
        comparison="than on the same person's rest days",
        min_count=min_count,
    )


def _lift_clause(model_effects: pd.DataFrame) -> str:
    """The run-day lift reported beside the dose (claim 2)."""
    rows = model_effects[(model_effects["term"] == "ran") & (model_effects["part"] == "within")]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    amount = split_unit(str(row["outcome_unit"]))[0]  # the scale is named just before
    return (
        f" Run days as such, apart from the dose, went with mood {size_text(row)} {amount} "
        f"{direction(row['estimate'])} than rest days ({interval_text(row, amount)})."
    )


def dose_response(panel: pd.DataFrame, run_panel: pd.DataFrame | None, *, min_count: int) -> Finding:
    """Claim 2: the dose, 30 more minutes on a run day, apart from the run-day lift.

    The mood model with ``ran`` beside duration (``run_day=True``): the duration term is
    the dose and ``ran`` the lift of a run day as such; both are reported, the verdict
    is on the dose. Without ``ran`` a pure run-day lift reads as a dose (claim 2 was
    "supported" in 20 of 20 simulated cohorts with a lift and no dose).
    """
    need(panel, ["mood", "run_min"], "estimate the effect of run duration")
    data = panel[panel["mood"].notna()]
    ran = data["run_min"] > 0
    count_rule({"run days": int(ran.sum()), "rest days": int((~ran).sum())}, min_count)
    frequency = "runs_7d" if "runs_7d" in panel.columns or "runs_7d_within" in panel.columns else None
    try:
        model = fit_mood_model(
            panel, outcome="mood", frequency=frequency, run_day=True, slope_interval=False, check_missing=False
        )
        row = model.effect("run_min", "within")
    except (InsufficientDataError, KeyError) as err:
        raise NotEnough(str(err).strip("'\"")) from err
    return Finding(
        estimate=float(row["estimate"]),
        se=float(row["se"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        p_value=float(row["p_value"]),
        unit="per 30 min on a run day (run-day lift apart)",
        n=model.n_days,
        n_participants=model.n_participants,
        method=model.method,
        subject="On run days with 30 more minutes of running than the person's usual",
        comparison="than on shorter run days",
        per_person=model.n_days / model.n_participants,
        outcome_sd=model.random_effects_sd.get("residual", float(np.nanstd(data["mood"]))),
        detail=_lift_clause(model.effects),
    )


def consistency(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> Finding:
    """Claim 3: one more run a week at fixed weekly minutes."""
    need(panel, ["mood", "run_min", "runs_7d"], "compare frequency with duration")
    data = panel.assign(run_hours_7d=run_min_7d(panel) / 60)
    data = data[data["mood"].notna()]
    found = within(data, "mood", "runs_7d", ["run_hours_7d"])
    found.unit = "per extra run a week (same weekly minutes)"
    found.subject = "When the same weekly running minutes were spread over one more run in the previous 7 days"
    found.comparison = "than usual for the same person"
    return found


def better_sleep(panel: pd.DataFrame, run_panel: pd.DataFrame | None, *, min_count: int) -> Finding:
    """Claim 4: sleep the night after run days vs rest days, adjusted for the night's weekday."""
    need(panel, ["sleep_next_h", "ran"], "compare sleep after run days and rest days")
    if panel["sleep_next_h"].notna().sum() == 0:
        raise NotEnough("the panel has no sleep records (sleep_next_h is empty)")
    data = panel[panel["sleep_next_h"].notna()]
    data = data.assign(ran=run_indicator(data)).dropna(subset=["ran"])
    return contrast(
        data,
        "sleep_next_h",
        "ran",
        ("run days", "rest days"),
        [],
        unit="night after a run day vs after a rest day",
        subject="On nights after a run day",
        comparison="than after the same person's rest days",
        measure="sleep",
        min_count=min_count,
        shift_days=1,
    )


def lingering_boost(
    panel: pd.DataFrame,
    run_panel: pd.DataFrame | None,
    *,
    late_hours: float,
    end_hours: float,
    min_count: int,
) -> Finding:
    """Claim 5: mood change from before a run to a rating ``late_hours``-``end_hours`` after it.

    The average change among the ratings made inside the window; nothing is read off
    outside it (an earlier version read a fitted line at its far edge).
    """
    if run_panel is None:
        raise NotEnough("needs mood ratings timestamped before and after runs (pass run_panel)")
    need(run_panel, ["participant_id", "minutes_post"], "time the ratings after runs")
    change = (
        run_panel["mood_change"]
        if "mood_change" in run_panel.columns
        else run_panel["mood_post"] - run_panel["mood_pre"]
    )
    hours = run_panel["minutes_post"].astype(float) / 60
    data = pd.DataFrame({"participant_id": run_panel["participant_id"].astype(str), "change": change.astype(float)})
    data = pd.concat([data, calendar(run_panel)[["day"]]], axis=1)
    data = data[hours.between(late_hours, end_hours) & data["change"].notna()]
    count_rule({f"rated runs {late_hours:g}-{end_hours:g} h after": len(data)}, min_count)
    found = mean_change(data, "change")
    found.unit = f"change, {late_hours:g}-{end_hours:g} h after vs before a run"
    found.subject = f"{late_hours:g} to {end_hours:g} hours after a run"
    found.comparison = "than just before it"
    return found


def excessive_stress(
    panel: pd.DataFrame,
    run_panel: pd.DataFrame | None,
    *,
    high_acwr: float,
    long_run_min: float,
    min_count: int,
) -> Finding:
    """Claim 6: stress on high-load days vs moderate run days.

    The high-load days are few (often 10-15 of about 60 run days) and some weekdays have
    only a couple of run days; with the AR(1) regression's own errors a 5% test
    rejected a true null 5.5-7.2% of the time (1,400 simulated 180-day diaries per seed,
    two seeds), which is why one person's claims use leverage-robust (HC3) errors.
    """
    need(panel, ["stress", "ran", "run_min"], "relate heavy running to stress")
    if panel["stress"].notna().sum() == 0:
        raise NotEnough("the panel has no stress ratings")
    data = panel[(run_indicator(panel) == 1) & panel["stress"].notna()].copy()
    acwr = data["acwr"] if "acwr" in data.columns else pd.Series(np.nan, index=data.index)
    excessive = (acwr > high_acwr) | (data["run_min"] > long_run_min)
    data = data.assign(excessive=excessive.astype(float))
    return contrast(
        data,
        "stress",
        "excessive",
        ("high-load days", "moderate run days"),
        [],
        unit="high-load day vs moderate run day",
        subject="On days of very high running load",
        comparison="than on the same person's moderate run days",
        measure="stress",
        min_count=min_count,
    )


def outdoor_better(panel: pd.DataFrame, run_panel: pd.DataFrame | None, *, min_count: int) -> Finding:
    """Claim 7: outdoor-run days vs indoor-run days."""
    need(panel, ["mood", "run_min_outdoor", "run_min_indoor"], "compare outdoor and indoor runs")
    data = panel[panel["mood"].notna()].copy()
    outdoor = (data["run_min_outdoor"] > 0) & (data["run_min_indoor"] <= 0)
    indoor = (data["run_min_indoor"] > 0) & (data["run_min_outdoor"] <= 0)
    data = data[outdoor | indoor].assign(
        outdoor=outdoor[outdoor | indoor].astype(float),
        run_min_30=lambda d: (d["run_min_outdoor"] + d["run_min_indoor"]) / 30,
    )
    return contrast(
        data,
        "mood",
        "outdoor",
        ("outdoor-run days", "indoor-run days"),
        ["run_min_30"],
        unit="outdoor-run day vs indoor-run day",
        subject="On days with an outdoor run",
        comparison="than on the same person's indoor-run days of similar length",
        min_count=min_count,
    )


def skipped_run_low(
    panel: pd.DataFrame, run_panel: pd.DataFrame | None, *, streak_days: int, min_count: int
) -> Finding:
    """Claim 8: rest days after a streak of ``streak_days`` run days vs other rest days.

    Adjusted for the runs of the previous 7 days: a streak means a busy week, and a
    busy week's own association with mood is claim 3's, not this one's.
    """
    need(panel, ["mood", "ran"], "find rest days after a streak")
    ordered = sorted_panel(panel)
    streak = preceding_streak(ordered)
    rest = (run_indicator(ordered) == 0) & ordered["mood"].notna()
    data = ordered[rest].assign(after_streak=(streak[rest] >= streak_days).astype(float))
    return contrast(
        data,
        "mood",
        "after_streak",
        ("rest days after a streak", "other rest days"),
        ["runs_7d"],
        unit="rest day after a streak vs other rest days (same weekly runs)",
        subject=f"On rest days right after {streak_days} or more run days in a row",
        comparison="than on the same person's other rest days with as many runs that week",
        min_count=min_count,
    )


def _weekly_spread(ordered: pd.DataFrame) -> pd.DataFrame:
    """Per participant and study week: SD and count of mood, runs and days with data."""
    if "study_day" in ordered.columns:
        day = ordered["study_day"].astype(int)
    else:
        day = ordered.groupby("participant_id", sort=False).cumcount()
    return (
        ordered.assign(week=day // 7, ran=run_indicator(ordered))
        .groupby(["participant_id", "week"], sort=False)
        .agg(
            mood_sd=("mood", "std"),
            n_mood=("mood", "count"),
            runs=("ran", "sum"),
            days=("ran", "count"),
        )
        .reset_index()
    )


def stable_mood(
    panel: pd.DataFrame, run_panel: pd.DataFrame | None, *, min_week_ratings: int, min_count: int
) -> Finding:
    """Claim 9: weekly spread of mood against runs that week.

    Uses full weeks (7 days with data) with at least ``min_week_ratings`` ratings, of
    participants whose weeks differ in their number of runs. For one person the weeks
    are treated as independent rows with leverage-robust (HC3) errors and a t
    interval: an AR(1) coefficient estimated from about 25 weeks made the 5% test
    reject a true null 6.9-8.3% of the time (1,500 simulated 180-day diaries per
    scenario and seed, two seeds), while the weeks' own autocorrelation was nil
    (median estimate -0.04); HC3 held 5.0-5.3%, a log-SD outcome did not help.
    """
    need(panel, ["mood", "ran"], "relate mood variability to running")
    weekly = _weekly_spread(sorted_panel(panel))
    weekly = weekly[(weekly["n_mood"] >= min_week_ratings) & (weekly["days"] == 7)]
    per_person = weekly.groupby("participant_id")["runs"].transform("nunique")
    weekly = weekly[per_person >= 2].assign(day=lambda d: d["week"].astype(float))
    count_rule({f"person-weeks with {min_week_ratings}+ ratings": len(weekly)}, min_count)
    found = within(weekly, "mood_sd", "runs", one_person="hc3")
    found.unit = "SD of daily mood, per extra run that week"
    found.subject = "In weeks with one more run than the same person's usual"
    found.measure = "the day-to-day spread of mood (SD)"
    found.comparison = ""
    return found
