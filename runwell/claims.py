"""Popular claims about running and mental health, as named, testable hypotheses.

:func:`check_claims` tests nine claims from running and mental-health articles against a
person's (or a study's) daily panel, and raises one kind flag (claim 10). Every test is
*within-person*: people are compared with themselves on other days, so stable
differences between people (who runs, who is happier) cannot drive the answer. The
answers are still associations: verdicts say "on days when..." and never "running
causes...".

Rules applied to every claim
----------------------------
* Verdicts: ``supported`` (estimate in the claimed direction and significant after a
  Benjamini-Hochberg false-discovery-rate correction across the tested claims),
  ``opposite`` (significant in the other direction), ``not supported`` (not
  significant) or ``not enough data`` (the data-sufficiency rule of the claim failed).
* Data sufficiency: at least :data:`MIN_DAYS_PER_CONDITION` days in each condition
  compared and :data:`MIN_MOOD_DAYS` days with a rating; fewer than
  :data:`STABLE_DAYS` days per participant earns a note that answers may change with
  more data, and an inconclusive result gets an estimate of how many days a stable
  answer would need.
* Standard errors are robust to day-to-day autocorrelation: clustered by participant
  when there are several, Newey-West (HAC) for one participant (claim 2 uses
  :func:`runwell.fit_mood_model`, which fits one participant with AR(1) errors).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from runwell.errors import InsufficientDataError, RunwellError
from runwell.models import decimals_for, fit_mood_model, robust_ols, within_person_ols

__all__ = [
    "CLAIMS",
    "Claim",
    "check_claims",
    "MIN_DAYS_PER_CONDITION",
    "MIN_MOOD_DAYS",
    "STABLE_DAYS",
]

#: Fewest days (or runs, or person-weeks) in each condition compared by a claim.
MIN_DAYS_PER_CONDITION = 5
#: Fewest days with a mood rating before any claim is tested.
MIN_MOOD_DAYS = 14
#: Days per participant below which answers are flagged as possibly unstable.
STABLE_DAYS = 30
#: Short run threshold for claim 1 (minutes).
SHORT_RUN_MIN = 15.0
#: Thresholds for "excessive" running in claim 6.
HIGH_ACWR = 1.5
LONG_RUN_MIN = 90.0
#: Consecutive run days that make a streak (claim 8).
STREAK_DAYS = 3
#: Window (days) of the low-mood flag (claim 10) and the runs in it that count as regular.
FLAG_WINDOW_DAYS = 14
FLAG_MIN_RUNS = 4
#: Hours after a run at which claim 5 asks whether the boost is still there.
LINGER_HOURS = 3.0
#: Power used to estimate how many days a stable answer would need.
_POWER_Z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)

VERDICTS = ("supported", "not supported", "opposite", "not enough data")

COLUMNS = [
    "claim",
    "name",
    "claim_text",
    "tested",
    "estimate",
    "ci_low",
    "ci_high",
    "unit",
    "p_value",
    "q_value",
    "n_participants",
    "n",
    "method",
    "verdict",
    "reading",
    "data_note",
]


@dataclass(frozen=True)
class Claim:
    """One popular claim and how it is tested.

    Attributes
    ----------
    number
        1 to 10, the order of the table.
    name
        Short identifier (``"short_run_lift"``).
    text
        The claim in plain words, as the articles put it.
    tested
        What is actually compared.
    direction
        +1 when the claim predicts a positive estimate, -1 a negative one, 0 for the
        flag (claim 10).
    """

    number: int
    name: str
    text: str
    tested: str
    direction: int


CLAIMS: tuple[Claim, ...] = (
    Claim(
        1,
        "short_run_lift",
        "Even a 10-minute jog lifts your mood.",
        f"Mood on days with a short run (under {SHORT_RUN_MIN:g} min) "
        "vs the same person's rest days.",
        1,
    ),
    Claim(
        2,
        "dose_response",
        "20-30 minutes of running a few times a week makes a difference.",
        "Within-person effect of 30 more minutes of running on same-day mood (mixed model).",
        1,
    ),
    Claim(
        3,
        "consistency",
        "Consistency beats sporadic long runs.",
        "Mood against one more run in the previous 7 days, "
        "holding the week's running minutes fixed.",
        1,
    ),
    Claim(
        4,
        "better_sleep",
        "Run days bring better sleep.",
        "Hours of sleep the night after a run day vs after the same person's rest days.",
        1,
    ),
    Claim(
        5,
        "lingering_boost",
        "The mood boost from a run lingers for hours.",
        f"Mood change from before a run to a rating {LINGER_HOURS:g} hours after it (run panel).",
        1,
    ),
    Claim(
        6,
        "excessive_stress",
        "Excessive running raises stress.",
        f"Stress on days of very high load (acute:chronic ratio above {HIGH_ACWR:g} or a run over "
        f"{LONG_RUN_MIN:g} min) vs the same person's moderate run days.",
        1,
    ),
    Claim(
        7,
        "outdoor_better",
        "Outdoor runs help more than indoor or treadmill runs.",
        "Mood on outdoor-run days vs the same person's indoor-run days, adjusting for run length.",
        1,
    ),
    Claim(
        8,
        "skipped_run_low",
        "Skipping your usual run brings low mood.",
        f"Mood on a rest day after a streak of {STREAK_DAYS}+ run days "
        "vs the same person's other rest days.",
        -1,
    ),
    Claim(
        9,
        "stable_mood",
        "Regular running stabilises mood.",
        "Day-to-day spread (SD) of mood within a week against the number of runs "
        "that week, within person.",
        -1,
    ),
    Claim(
        10,
        "low_mood_flag",
        "Ongoing low mood despite regular running is worth talking to someone about.",
        f"Not a test: whether mood over the last {FLAG_WINDOW_DAYS} days stayed low "
        "while running regularly.",
        0,
    ),
)


@dataclass
class _Finding:
    """What one claim's analysis found (before the FDR correction and verdict)."""

    estimate: float = float("nan")
    se: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    p_value: float = float("nan")
    unit: str = ""
    n: int = 0
    n_participants: int = 0
    method: str = ""
    enough: bool = True
    note: str = ""
    subject: str = ""  # "On days with a short run (under 15 min)"
    measure: str = "mood"
    comparison: str = ""  # "than on the same person's rest days"
    units_word: str = "points"
    days_per_person: float = float("nan")


class _NotEnough(RunwellError):
    """Internal: a claim's data-sufficiency rule failed (message says why)."""


# --------------------------------------------------------------------------- helpers


def _sorted(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel sorted by participant and date, with a fresh index."""
    keys = ["participant_id", *(["date"] if "date" in panel.columns else [])]
    return panel.sort_values(keys, kind="stable").reset_index(drop=True)


def _need(panel: pd.DataFrame, columns: list[str], why: str) -> None:
    """Raise :class:`_NotEnough` naming the columns a claim needs but lacks."""
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise _NotEnough(f"the panel has no {', '.join(missing)} column(s), needed to {why}")


def _count_rule(counts: dict[str, int], minimum: int = MIN_DAYS_PER_CONDITION) -> None:
    """Raise when any condition has fewer than ``minimum`` days."""
    short = {k: v for k, v in counts.items() if v < minimum}
    if short:
        have = ", ".join(f"{v} {k}" for k, v in counts.items())
        raise _NotEnough(f"needs at least {minimum} in each condition; has {have}")


def _from_table(
    table: pd.DataFrame, term: str, method: str, data: pd.DataFrame, n: int
) -> _Finding:
    """A finding from one row of a :func:`within_person_ols` table."""
    row = table.loc[term]
    n_participants = int(data["participant_id"].nunique())
    return _Finding(
        estimate=float(row["estimate"]),
        se=float(row["se"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        p_value=float(row["p_value"]),
        n=n,
        n_participants=n_participants,
        method=method,
        days_per_person=n / max(n_participants, 1),
    )


def _within(
    data: pd.DataFrame, outcome: str, term: str, controls: list[str] | None = None
) -> _Finding:
    """Within-person OLS of ``outcome`` on ``term`` (robust SEs), as a finding."""
    controls = [c for c in (controls or []) if c in data.columns]
    usable = data.dropna(subset=[outcome, term, *controls])
    try:
        table, method, n = within_person_ols(usable, outcome, [term], controls=controls)
    except InsufficientDataError as err:
        raise _NotEnough(str(err)) from err
    return _from_table(table, term, method, usable, n)


def _contrast(
    data: pd.DataFrame,
    outcome: str,
    indicator: str,
    conditions: tuple[str, str],
    controls: list[str],
    *,
    unit: str,
    subject: str,
    comparison: str,
    measure: str = "mood",
    units_word: str = "points",
) -> _Finding:
    """Compare days in one condition with the same person's days in another.

    Applies the data-sufficiency rule to both conditions, then fits the within-person
    regression of ``outcome`` on the 0/1 ``indicator`` (see :func:`_within`) and words
    the finding.

    Parameters
    ----------
    data
        The days compared, each in one of the two conditions.
    outcome
        Column compared (e.g. ``"mood"``).
    indicator
        Column that is 1.0 on days of the claimed condition and 0.0 on comparison days.
    conditions
        Names of the two conditions (indicator 1, indicator 0) for the
        :func:`_count_rule` message, e.g. ``("run days", "rest days")``.
    controls
        Columns adjusted for (those missing from ``data`` are skipped).
    unit, subject, comparison, measure, units_word
        The wording of the finding (see :class:`_Finding`).

    Returns
    -------
    _Finding
        The estimated difference (indicator 1 minus 0) with robust standard errors.

    Raises
    ------
    _NotEnough
        When a condition has fewer than :data:`MIN_DAYS_PER_CONDITION` days, or the
        regression cannot be fitted.
    """
    flag = data[indicator]
    _count_rule({conditions[0]: int(flag.sum()), conditions[1]: int((flag == 0).sum())})
    found = _within(data, outcome, indicator, controls)
    found.unit = unit
    found.subject = subject
    found.comparison = comparison
    found.measure = measure
    found.units_word = units_word
    return found


def _weekend(panel: pd.DataFrame) -> pd.Series:
    """1.0 on Saturdays and Sundays (from ``weekend`` or ``date``), else 0.0."""
    if "weekend" in panel.columns:
        return panel["weekend"].astype(float)
    if "date" in panel.columns:
        return (pd.to_datetime(panel["date"]).dt.day_of_week >= 5).astype(float)
    return pd.Series(0.0, index=panel.index)


def _ran(frame: pd.DataFrame) -> pd.Series:
    """1.0 on run days, 0.0 on rest days, NaN on days without data."""
    return frame["ran"].astype("boolean").astype("float64")


def _consecutive(panel: pd.DataFrame) -> pd.Series:
    """True where the row is the day after the participant's previous row."""
    same = panel["participant_id"].eq(panel["participant_id"].shift(1))
    if "date" not in panel.columns:
        return same
    gap = pd.to_datetime(panel["date"]).diff() == pd.Timedelta(days=1)
    return same & gap


def _preceding_streak(panel: pd.DataFrame) -> pd.Series:
    """Number of consecutive run days immediately before each day."""
    ran = (_ran(panel) == 1).to_numpy()
    consecutive = _consecutive(panel).to_numpy()
    out = np.zeros(len(panel), dtype=int)
    for i in range(1, len(panel)):
        if consecutive[i] and ran[i - 1]:
            out[i] = out[i - 1] + 1  # out[i - 1] is 0 when day i - 1 starts a new stretch
    return pd.Series(out, index=panel.index)


def _run_min_7d(panel: pd.DataFrame) -> pd.Series:
    """Run minutes in the 7 previous days (computed when the panel lacks it)."""
    if "run_min_7d" in panel.columns:
        return panel["run_min_7d"].astype(float)
    by = panel.groupby("participant_id", sort=False)["run_min"]
    return by.transform(lambda s: s.shift(1).rolling(7).sum()).astype(float)


# --------------------------------------------------------------------------- the claims


def _claim_short_run(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 1: short-run days vs rest days, within person."""
    _need(panel, ["mood", "run_min", "ran"], "compare short-run days with rest days")
    data = panel[panel["mood"].notna() & _ran(panel).notna()].copy()
    ran = _ran(data) == 1
    short = ran & (data["run_min"] > 0) & (data["run_min"] < SHORT_RUN_MIN)
    data = data[short | ~ran].assign(
        short=short[short | ~ran].astype(float), weekend=_weekend(data)
    )
    return _contrast(
        data,
        "mood",
        "short",
        ("short-run days", "rest days"),
        ["weekend"],
        unit="mood points, short-run day vs rest day",
        subject=f"On days with a short run (under {SHORT_RUN_MIN:g} min)",
        comparison="than on the same person's rest days",
    )


def _claim_dose(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 2: within-person duration effect from the mixed model."""
    _need(panel, ["mood", "run_min"], "estimate the effect of run duration")
    data = panel[panel["mood"].notna()]
    ran = data["run_min"] > 0
    _count_rule({"run days": int(ran.sum()), "rest days": int((~ran).sum())})
    frequency = (
        "runs_7d" if "runs_7d" in panel.columns or "runs_7d_within" in panel.columns else None
    )
    try:
        model = fit_mood_model(panel, outcome="mood", frequency=frequency)
    except InsufficientDataError as err:
        raise _NotEnough(str(err)) from err
    row = model.effect("run_min", "within")
    return _Finding(
        estimate=float(row["estimate"]),
        se=float(row["se"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        p_value=float(row["p_value"]),
        unit="mood points per 30 min",
        n=model.n_days,
        n_participants=model.n_participants,
        method=model.method,
        subject="On days with 30 more minutes of running than the person's usual",
        comparison="than on other days",
        days_per_person=model.n_days / model.n_participants,
    )


def _claim_consistency(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 3: one more run a week at fixed weekly minutes."""
    _need(panel, ["mood", "run_min", "runs_7d"], "compare frequency with duration")
    data = panel.assign(run_hours_7d=_run_min_7d(panel) / 60, weekend=_weekend(panel))
    data = data[data["mood"].notna()]
    found = _within(data, "mood", "runs_7d", ["run_hours_7d", "weekend"])
    found.unit = "mood points per extra run a week (same weekly minutes)"
    found.subject = (
        "When the same weekly running minutes were spread over one more run in the previous 7 days"
    )
    found.comparison = "than usual for the same person"
    return found


def _claim_sleep(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 4: sleep the night after run days vs rest days."""
    _need(panel, ["sleep_next_h", "ran"], "compare sleep after run days and rest days")
    if panel["sleep_next_h"].notna().sum() == 0:
        raise _NotEnough("the panel has no sleep records (sleep_next_h is empty)")
    data = panel[panel["sleep_next_h"].notna()].assign(weekend=_weekend(panel))
    data = data.assign(ran=_ran(data)).dropna(subset=["ran"])
    return _contrast(
        data,
        "sleep_next_h",
        "ran",
        ("run days", "rest days"),
        ["weekend"],
        unit="hours of sleep, after run day vs rest day",
        subject="On nights after a run day",
        comparison="than after the same person's rest days",
        measure="sleep",
        units_word="hours",
    )


def _claim_linger(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 5: mood change around runs, evaluated some hours after the run."""
    if run_panel is None:
        raise _NotEnough("needs mood ratings timestamped before and after runs (pass run_panel)")
    _need(run_panel, ["participant_id", "minutes_post"], "time the ratings after runs")
    change = (
        run_panel["mood_change"]
        if "mood_change" in run_panel.columns
        else run_panel["mood_post"] - run_panel["mood_pre"]
    )
    data = pd.DataFrame(
        {
            "participant_id": run_panel["participant_id"].astype(str),
            "change": change.astype(float),
            "hours": run_panel["minutes_post"].astype(float) / 60 - LINGER_HOURS,
        }
    ).dropna()
    late = int((data["hours"] >= 2 - LINGER_HOURS).sum())
    _count_rule(
        {"rated runs": len(data), "ratings 2+ hours after": late},
        minimum=2 * MIN_DAYS_PER_CONDITION,
    )
    X = sm.add_constant(data[["hours"]])
    result, n_groups, lags = robust_ols(data["change"], X, data["participant_id"])
    method = "OLS of mood change on hours since the run, " + (
        f"cluster-robust SEs ({n_groups} clusters)"
        if lags is None
        else f"Newey-West SEs ({lags} lags)"
    )
    ci = result.conf_int().loc["const"]
    return _Finding(
        estimate=float(result.params["const"]),
        se=float(result.bse["const"]),
        ci_low=float(ci.iloc[0]),
        ci_high=float(ci.iloc[1]),
        p_value=float(result.pvalues["const"]),
        unit=f"mood points, {LINGER_HOURS:g} h after vs before a run",
        n=len(data),
        n_participants=n_groups,
        method=method,
        subject=f"{LINGER_HOURS:g} hours after a run",
        comparison="than just before it",
        days_per_person=float("nan"),
    )


def _claim_excess(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 6: stress on high-load days vs moderate run days."""
    _need(panel, ["stress", "ran", "run_min"], "relate heavy running to stress")
    if panel["stress"].notna().sum() == 0:
        raise _NotEnough("the panel has no stress ratings")
    data = panel[(_ran(panel) == 1) & panel["stress"].notna()].copy()
    acwr = data["acwr"] if "acwr" in data.columns else pd.Series(np.nan, index=data.index)
    excessive = (acwr > HIGH_ACWR) | (data["run_min"] > LONG_RUN_MIN)
    data = data.assign(excessive=excessive.astype(float), weekend=_weekend(data))
    return _contrast(
        data,
        "stress",
        "excessive",
        ("high-load days", "moderate run days"),
        ["weekend"],
        unit="stress points, high-load day vs moderate run day",
        subject="On days of very high running load",
        comparison="than on the same person's moderate run days",
        measure="stress",
    )


def _claim_outdoor(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 7: outdoor-run days vs indoor-run days."""
    _need(panel, ["mood", "run_min_outdoor", "run_min_indoor"], "compare outdoor and indoor runs")
    data = panel[panel["mood"].notna()].copy()
    outdoor = (data["run_min_outdoor"] > 0) & (data["run_min_indoor"] <= 0)
    indoor = (data["run_min_indoor"] > 0) & (data["run_min_outdoor"] <= 0)
    data = data[outdoor | indoor].assign(
        outdoor=outdoor[outdoor | indoor].astype(float),
        run_min_30=lambda d: (d["run_min_outdoor"] + d["run_min_indoor"]) / 30,
    )
    return _contrast(
        data,
        "mood",
        "outdoor",
        ("outdoor-run days", "indoor-run days"),
        ["run_min_30"],
        unit="mood points, outdoor-run day vs indoor-run day",
        subject="On days with an outdoor run",
        comparison="than on the same person's indoor-run days of similar length",
    )


def _claim_skipped(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 8: rest days after a streak vs other rest days."""
    _need(panel, ["mood", "ran"], "find rest days after a streak")
    ordered = _sorted(panel)
    streak = _preceding_streak(ordered)
    rest = (_ran(ordered) == 0) & ordered["mood"].notna()
    data = ordered[rest].assign(
        after_streak=(streak[rest] >= STREAK_DAYS).astype(float), weekend=_weekend(ordered)
    )
    return _contrast(
        data,
        "mood",
        "after_streak",
        ("rest days after a streak", "other rest days"),
        ["weekend"],
        unit="mood points, rest day after a streak vs other rest days",
        subject=f"On rest days right after {STREAK_DAYS} or more run days in a row",
        comparison="than on the same person's other rest days",
    )


def _claim_stability(panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Claim 9: weekly spread of mood against runs that week."""
    _need(panel, ["mood", "ran"], "relate mood variability to running")
    ordered = _sorted(panel)
    if "study_day" in ordered.columns:
        day = ordered["study_day"].astype(int)
    else:
        day = ordered.groupby("participant_id", sort=False).cumcount()
    week = day // 7
    weekly = (
        ordered.assign(week=week, ran=_ran(ordered))
        .groupby(["participant_id", "week"], sort=False)
        .agg(
            mood_sd=("mood", "std"),
            n_mood=("mood", "count"),
            runs=("ran", "sum"),
            days=("ran", "count"),
        )
        .reset_index()
    )
    weekly = weekly[(weekly["n_mood"] >= 4) & (weekly["days"] == 7)]
    per_person = weekly.groupby("participant_id")["runs"].transform("nunique")
    weekly = weekly[per_person >= 2]
    _count_rule({"person-weeks with 4+ ratings": len(weekly)}, minimum=2 * MIN_DAYS_PER_CONDITION)
    found = _within(weekly, "mood_sd", "runs")
    found.unit = "SD of daily mood per extra run that week"
    found.subject = "In weeks with one more run than the same person's usual"
    found.measure = "the day-to-day spread of mood (SD)"
    found.comparison = ""
    found.days_per_person = 7 * found.n / max(found.n_participants, 1)
    return found


# --------------------------------------------------------------------------- claim 10


def _low_mood_flag(panel: pd.DataFrame, low_mood_threshold: float | None) -> dict[str, object]:
    """The kind flag: recent mood low while running regularly (claim 10)."""
    claim = CLAIMS[9]
    base = {"claim": 10, "name": claim.name, "claim_text": claim.text, "tested": claim.tested}
    base.update(
        estimate=np.nan,
        ci_low=np.nan,
        ci_high=np.nan,
        unit="participants flagged",
        p_value=np.nan,
        q_value=np.nan,
    )
    if "mood" not in panel.columns or "ran" not in panel.columns:
        return {
            **base,
            "n_participants": 0,
            "n": 0,
            "method": "",
            "verdict": "not enough data",
            "reading": "This check needs daily mood ratings and runs.",
            "data_note": "",
        }
    flagged, checked = [], 0
    for pid, person in _sorted(panel).groupby("participant_id", sort=False):
        recent, earlier = person.iloc[-FLAG_WINDOW_DAYS:], person.iloc[:-FLAG_WINDOW_DAYS]
        if recent["mood"].notna().sum() < FLAG_WINDOW_DAYS // 2:
            continue
        if low_mood_threshold is None and earlier["mood"].notna().sum() < FLAG_WINDOW_DAYS:
            continue
        checked += 1
        regular = (_ran(recent) == 1).sum() >= FLAG_MIN_RUNS
        level = recent["mood"].mean()
        if low_mood_threshold is not None:
            low = level < low_mood_threshold
        else:
            low = level < earlier["mood"].mean() - earlier["mood"].std()
        if regular and low:
            flagged.append(str(pid))
    base.update(
        n_participants=checked, n=checked, estimate=float(len(flagged)) if checked else np.nan
    )
    base["method"] = (
        f"mood over the last {FLAG_WINDOW_DAYS} days with {FLAG_MIN_RUNS}+ runs, against "
        + (
            f"a threshold of {low_mood_threshold:g}"
            if low_mood_threshold is not None
            else "the person's own earlier mood (1 SD below their average)"
        )
    )
    base["data_note"] = ", ".join(flagged)
    if not checked:
        return {
            **base,
            "verdict": "not enough data",
            "reading": (
                f"This check needs at least {FLAG_WINDOW_DAYS} earlier days and a week of "
                "recent mood ratings."
            ),
        }
    if flagged:
        who = (
            "one person"
            if len(flagged) == 1 and checked > 1
            else ("this record" if checked == 1 else f"{len(flagged)} participants")
        )
        reading = (
            f"For {who}, mood over the last {FLAG_WINDOW_DAYS} days has stayed lower than "
            "usual even with regular running. This is not a diagnosis, and running data "
            "cannot say why. If low mood has lasted a couple of weeks or more, it can really "
            "help to talk to someone you trust, "
            "a doctor or a mental-health professional; if you ever feel unsafe, contact local "
            "emergency services or a crisis line."
        )
        return {**base, "verdict": "flag", "reading": reading}
    reading = (
        f"No stretch of low mood despite regular running in the last {FLAG_WINDOW_DAYS} days. "
        "This check "
        "is not a diagnosis either way: if you are struggling, talking to a professional can help "
        "whatever these numbers say."
    )
    return {**base, "verdict": "no flag", "reading": reading}


# --------------------------------------------------------------------------- assembly


_ANALYSES: dict[int, Callable[[pd.DataFrame, pd.DataFrame | None], _Finding]] = {
    1: _claim_short_run,
    2: _claim_dose,
    3: _claim_consistency,
    4: _claim_sleep,
    5: _claim_linger,
    6: _claim_excess,
    7: _claim_outdoor,
    8: _claim_skipped,
    9: _claim_stability,
}


def _run_analysis(number: int, panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> _Finding:
    """Run one claim's analysis, turning data-sufficiency failures into a finding."""
    try:
        return _ANALYSES[number](panel, run_panel)
    except _NotEnough as err:
        return _Finding(enough=False, note=f"Not enough data: {err}.")


def _days_needed(found: _Finding) -> float:
    """Days per participant at which an effect of the observed size would be detected
    with 80% power (5% two-sided), by scaling the standard error as 1/sqrt(days)."""
    if not (np.isfinite(found.se) and np.isfinite(found.days_per_person)) or found.estimate == 0:
        return float("inf")
    return found.days_per_person * (_POWER_Z * found.se / abs(found.estimate)) ** 2


def _verdict(found: _Finding, q: float, direction: int, alpha: float) -> str:
    """Supported, opposite or not supported from the FDR-adjusted q-value."""
    if not found.enough or not np.isfinite(found.estimate):
        return "not enough data"
    if np.isfinite(q) and q < alpha:
        return "supported" if np.sign(found.estimate) == direction else "opposite"
    return "not supported"


def _reading(found: _Finding, verdict: str, claim: Claim, n_tested: int) -> str:
    """One plain sentence: what was seen, its interval and what that means for the claim."""
    if verdict == "not enough data":
        return f"Not enough data to test this claim: {found.note.removeprefix('Not enough data: ')}"
    d = decimals_for(found.se)
    direction = "higher" if found.estimate >= 0 else "lower"
    ci = f"95% CI {found.ci_low:+.{d}f} to {found.ci_high:+.{d}f}"
    size = f"{abs(found.estimate):.{d}f} {found.units_word} {direction}"
    seen = f"{found.subject}, {found.measure} was {size} {found.comparison}".rstrip()
    verdict_words = {
        "supported": "consistent with the claim, as an association rather than proof of cause",
        "opposite": "the opposite of what the claim says (an association, not proof of cause)",
        "not supported": (
            f"not clearly different from no difference once {n_tested} claims are tested together"
        ),
    }[verdict]
    return f"{seen} ({ci}): {verdict_words}."


def _data_note(found: _Finding, verdict: str) -> str:
    """Data-sufficiency notes: days a stable answer would need, short records."""
    if verdict == "not enough data":
        return ""
    notes = [found.note] if found.note else []
    if verdict == "not supported":
        needed = _days_needed(found)
        if not np.isfinite(needed):
            notes.append("No sign of an effect at all, so more days may not change the answer.")
        elif needed > max(STABLE_DAYS, found.days_per_person):
            notes.append(
                f"A stable answer would need about {math.ceil(needed)} days per participant "
                f"(more than {STABLE_DAYS})."
            )
    if np.isfinite(found.days_per_person) and found.days_per_person < STABLE_DAYS:
        notes.append(
            f"Fewer than {STABLE_DAYS} days per participant: the answer may change with more data."
        )
    return " ".join(notes)


def check_claims(
    panel: pd.DataFrame,
    run_panel: pd.DataFrame | None = None,
    *,
    alpha: float = 0.05,
    low_mood_threshold: float | None = None,
) -> pd.DataFrame:
    """Test ten popular claims about running and mood against a daily panel.

    Parameters
    ----------
    panel
        Daily panel (one row per participant and day; see :mod:`runwell.panel`).
        Claims whose columns are missing get the verdict ``not enough data``.
    run_panel
        Run panel with mood rated before and after runs; needed for claim 5.
    alpha
        False-discovery rate for the Benjamini-Hochberg correction across claims 1-9.
    low_mood_threshold
        Mood level (on the panel's scale) below which recent mood counts as low for
        the flag of claim 10; by default "low" means 1 SD below the person's own
        earlier average.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``claim``, ``name``, ``claim_text``, ``tested``,
        ``estimate``, ``ci_low``, ``ci_high``, ``unit``, ``p_value``, ``q_value``
        (FDR-adjusted), ``n_participants``, ``n``, ``method``, ``verdict``
        (``supported``, ``not supported``, ``opposite``, ``not enough data``; claim 10:
        ``flag``, ``no flag`` or ``not enough data``), ``reading`` (plain words) and
        ``data_note``.

    Raises
    ------
    InsufficientDataError
        When the panel holds fewer than :data:`MIN_MOOD_DAYS` days with a mood rating.

    Examples
    --------
    >>> from runwell.simulate import simulate_panel
    >>> sim = simulate_panel(10, 42, seed=2)
    >>> table = check_claims(sim.panel, sim.run_panel)
    >>> list(table["claim"])
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    """
    if "participant_id" not in panel.columns:
        raise InsufficientDataError(
            "the panel has no participant_id column; build it with runwell's panel functions"
        )
    n_mood = int(panel["mood"].notna().sum()) if "mood" in panel.columns else 0
    if n_mood < MIN_MOOD_DAYS:
        raise InsufficientDataError(
            f"checking the claims needs at least {MIN_MOOD_DAYS} days with a mood rating; "
            f"the panel has {n_mood}. Log mood for about {MIN_MOOD_DAYS - n_mood} more days."
        )
    panel = _sorted(panel)
    findings = {c.number: _run_analysis(c.number, panel, run_panel) for c in CLAIMS[:9]}
    mood_days_per_person = n_mood / max(
        int(panel.loc[panel["mood"].notna(), "participant_id"].nunique()), 1
    )
    for number, found in findings.items():
        if number != 5:  # the run panel counts runs, not days
            found.days_per_person = mood_days_per_person
    tested = [k for k, f in findings.items() if f.enough and np.isfinite(f.p_value)]
    q_values = dict.fromkeys(findings, float("nan"))
    if tested:
        adjusted = multipletests(
            [findings[k].p_value for k in tested], alpha=alpha, method="fdr_bh"
        )[1]
        q_values.update(zip(tested, map(float, adjusted), strict=True))
    rows = []
    for claim in CLAIMS[:9]:
        found = findings[claim.number]
        verdict = _verdict(found, q_values[claim.number], claim.direction, alpha)
        rows.append(
            {
                "claim": claim.number,
                "name": claim.name,
                "claim_text": claim.text,
                "tested": claim.tested,
                "estimate": found.estimate,
                "ci_low": found.ci_low,
                "ci_high": found.ci_high,
                "unit": found.unit,
                "p_value": found.p_value,
                "q_value": q_values[claim.number],
                "n_participants": found.n_participants,
                "n": found.n,
                "method": found.method,
                "verdict": verdict,
                "reading": _reading(found, verdict, claim, len(tested)),
                "data_note": _data_note(found, verdict),
            }
        )
    rows.append(_low_mood_flag(panel, low_mood_threshold))
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"n_participants": "int64", "n": "int64"})
