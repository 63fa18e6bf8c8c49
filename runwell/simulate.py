"""Simulated daily and run panels with a known truth.

:func:`simulate_panel` draws panel-shaped data (the columns of the daily panel and the
run panel that :mod:`runwell.panel` builds) from a model whose effects are known, so
that the estimators in :mod:`runwell.models` and :mod:`runwell.claims` can be checked
against the truth, and so that sample data can be written without real participants.

The data-generating model, per participant *i* and local day *t*::

    ran[i,t]      ~ Bernoulli(p_i)                      # p_i varies between people
    run_min[i,t]  = ran[i,t] * LogNormal(log d_i, 0.35)  # d_i: the person's usual run length
    runs_7d[i,t]  = runs on the 7 days before t           # (a burn-in supplies the first week)

    mood[i,t] = a_i
              + b_i * run_min[i,t] / 30                  # b_i ~ N(beta_duration_within, slope_sd)
              + beta_frequency_within * runs_7d[i,t]
              + weekday effect + trend * study_day
              + e[i,t]                                   # AR(1): e[t] = ar1 * e[t-1] + noise

    a_i = 5 + between_confounding * (mean run_min of i - mean over people) / 30
            + N(0, intercept_sd)

The person-level confounding makes people who run more happier on average for reasons
other than their running, which is exactly what a naive pooled regression mistakes for
an effect of running. Because the realised person mean enters ``a_i``, the true
between-person coefficients in a model with both between terms are
``beta_duration_within + between_confounding`` (per 30 min of usual daily running) and
``beta_frequency_within`` (per extra run a week).

Sleep the following night is ``s_i + sleep_effect * ran[i,t] + noise`` (hours). Runs
carry a mood rating before and some time after; the change is
``acute_boost * 0.5 ** (hours_after / boost_half_life_h) + noise``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from runwell.panel import WITHIN_BETWEEN_VARS, person_mean_split
from runwell.tables import conform

__all__ = ["SimulationTruth", "SimulatedPanel", "simulate_panel"]

#: Days simulated before the observation window so that 7- and 28-day sums are complete.
BURN_IN_DAYS = 28
#: Effect on mood of each weekday, Monday first (mood points; weekends a little higher).
WEEKDAY_EFFECT = np.array([-0.15, -0.05, 0.0, 0.0, 0.05, 0.15, 0.1])
#: First day of every simulated participant's window (a Monday).
START_DATE = pd.Timestamp("2026-01-05")
#: The rating scale the simulated items are read on (``attrs["scales"]``; values are
#: continuous, centred near 5, neither rounded nor clipped).
SCALE = (0.0, 10.0)


@dataclass(frozen=True)
class SimulationTruth:
    """The parameters a simulated panel was drawn from.

    Attributes
    ----------
    beta_duration_within
        Within-person effect on same-day mood of 30 more minutes of running than the
        person's usual (mood points per 30 min), averaged over people.
    beta_frequency_within
        Within-person effect on mood of one more run in the previous 7 days
        (mood points per extra run a week).
    beta_duration_between
        True between-person coefficient of the person's mean daily run minutes
        (per 30 min): ``beta_duration_within + between_confounding``.
    beta_frequency_between
        True between-person coefficient of the person's mean ``runs_7d``.
    slope_sd
        Standard deviation across people of the own duration slope (per 30 min).
    intercept_sd
        Standard deviation across people of baseline mood not explained by running.
    residual_sd
        Marginal standard deviation of the daily AR(1) residual.
    ar1
        Lag-1 autocorrelation of the daily residual.
    between_confounding
        Extra mood per 30 minutes of usual daily running that is *not* caused by
        running (person-level confounding).
    sleep_effect
        Extra hours of sleep the night after a run day.
    acute_boost
        Mean mood change from before to right after a run (mood points).
    boost_half_life_h
        Hours after a run at which the acute boost has halved.
    missing_rate
        Share of days whose mood rating is missing (completely at random).
    share_positive_slope
        Share of the simulated participants whose own duration slope is above zero.
    person
        One row per participant: ``participant_id``, ``intercept`` (``a_i``),
        ``duration_slope`` (``b_i``), ``run_prob`` (``p_i``) and ``usual_run_min``.
    """

    beta_duration_within: float
    beta_frequency_within: float
    beta_duration_between: float
    beta_frequency_between: float
    slope_sd: float
    intercept_sd: float
    residual_sd: float
    ar1: float
    between_confounding: float
    sleep_effect: float
    acute_boost: float
    boost_half_life_h: float
    missing_rate: float
    share_positive_slope: float
    person: pd.DataFrame = field(repr=False, compare=False)


@dataclass(frozen=True)
class SimulatedPanel:
    """A simulated daily panel, run panel and the truth they were drawn from.

    Attributes
    ----------
    panel
        Daily panel with the columns and dtypes of
        :data:`runwell.tables.DAILY_PANEL` (``participant_id``, ``date``, ``ran``,
        ``run_min``, ``runs_7d``, ``mood``, ``mood_change``, ``sleep_next_h``,
        ``*_within``, ``*_between``, ``*_lag1``, ...) plus the items ``energy``,
        ``stress`` and ``anxiety``. Every day has data; only ratings go missing.
        ``attrs`` says the ratings are on a 0-10 scale (``value``, ``scales``).
    run_panel
        Run panel with the columns of :data:`runwell.tables.RUN_PANEL`: one row per
        run with ``mood_pre``, ``mood_post``, ``mood_change``, ``minutes_pre`` and
        ``minutes_post`` (about 30% of runs have no ratings and hold NaN there).
    truth
        The :class:`SimulationTruth`.
    """

    panel: pd.DataFrame
    run_panel: pd.DataFrame
    truth: SimulationTruth


def simulate_panel(
    n_participants: int = 40,
    n_days: int = 60,
    *,
    beta_duration_within: float = 0.3,
    beta_frequency_within: float = 0.1,
    slope_sd: float = 0.15,
    ar1: float = 0.3,
    between_confounding: float = 1.0,
    sleep_effect: float = 0.25,
    missing_rate: float = 0.1,
    intercept_sd: float = 0.5,
    residual_sd: float = 0.8,
    acute_boost: float = 0.6,
    boost_half_life_h: float = 3.0,
    seed: int | np.random.Generator | None = None,
) -> SimulatedPanel:
    """Draw a daily panel and a run panel whose true effects are known.

    Mood is on a continuous scale centred near 5 (think of a 0-10 rating averaged over
    the day); it is neither rounded nor clipped, so estimates are unbiased for the
    parameters below.

    Parameters
    ----------
    n_participants
        Number of participants (ids ``"sim001"``, ``"sim002"``, ...).
    n_days
        Days in each participant's observation window (every participant starts on
        Monday 2026-01-05).
    beta_duration_within
        Mean within-person effect on same-day mood of 30 extra minutes of running.
    beta_frequency_within
        Within-person effect on mood of one extra run in the previous 7 days.
    slope_sd
        Between-person standard deviation of the own duration effect (per 30 min).
    ar1
        Lag-1 autocorrelation of the daily mood residual, in ``(-1, 1)``.
    between_confounding
        Mood difference between people per 30 minutes of usual daily running that is
        not caused by running (people who run more are happier anyway).
    sleep_effect
        Extra hours of sleep the night after a run day.
    missing_rate
        Share of days with no mood rating, in ``[0, 1)``.
    intercept_sd
        Between-person standard deviation of baseline mood beyond the confounding.
    residual_sd
        Marginal standard deviation of the daily mood residual.
    acute_boost
        Mean mood change from before a run to right after it.
    boost_half_life_h
        Hours after a run at which the acute boost has halved.
    seed
        Seed or generator, for reproducible draws.

    Returns
    -------
    SimulatedPanel
        ``panel`` (daily panel), ``run_panel`` and ``truth``.

    Examples
    --------
    >>> sim = simulate_panel(5, 30, seed=1)
    >>> sim.panel.shape[0]
    150
    >>> round(sim.truth.beta_duration_within, 2)
    0.3
    """
    _check_arguments(n_participants, n_days, ar1, missing_rate)
    rng = np.random.default_rng(seed)
    people = _draw_people(n_participants, slope_sd, beta_duration_within, rng)
    frames = [
        _simulate_person(row, n_days, ar1, residual_sd, beta_frequency_within, sleep_effect, rng)
        for row in people.itertuples(index=False)
    ]
    panel = pd.concat(frames, ignore_index=True)
    people = _add_intercepts(people, panel, between_confounding, intercept_sd, rng)
    panel = _add_mood(panel, people, missing_rate, rng)
    panel = _add_derived_columns(panel)
    run_panel = _simulate_run_panel(panel, acute_boost, boost_half_life_h, residual_sd, rng)
    scales = {item: SCALE for item in ("mood", "energy", "stress", "anxiety")}
    panel.attrs = {"value": "value", "scales": scales, "items": ["mood", "energy", "stress", "anxiety"]}
    run_panel.attrs = {"value": "value", "scales": scales}
    truth = SimulationTruth(
        beta_duration_within=beta_duration_within,
        beta_frequency_within=beta_frequency_within,
        beta_duration_between=beta_duration_within + between_confounding,
        beta_frequency_between=beta_frequency_within,
        slope_sd=slope_sd,
        intercept_sd=intercept_sd,
        residual_sd=residual_sd,
        ar1=ar1,
        between_confounding=between_confounding,
        sleep_effect=sleep_effect,
        acute_boost=acute_boost,
        boost_half_life_h=boost_half_life_h,
        missing_rate=missing_rate,
        share_positive_slope=float((people["duration_slope"] > 0).mean()),
        person=people,
    )
    return SimulatedPanel(panel=panel, run_panel=run_panel, truth=truth)


def _check_arguments(n_participants: int, n_days: int, ar1: float, missing_rate: float) -> None:
    """Reject arguments the model cannot honour, naming the fix."""
    if n_participants < 1:
        raise ValueError(f"n_participants must be at least 1, got {n_participants}")
    if n_days < 2:
        raise ValueError(f"n_days must be at least 2, got {n_days}")
    if not -1 < ar1 < 1:
        raise ValueError(f"ar1 must lie strictly between -1 and 1, got {ar1}")
    if not 0 <= missing_rate < 1:
        raise ValueError(f"missing_rate must lie in [0, 1), got {missing_rate}")


def _draw_people(n: int, slope_sd: float, beta_duration: float, rng: np.random.Generator) -> pd.DataFrame:
    """Per-person running habits and own duration slopes."""
    logit_p = np.log(0.4 / 0.6) + 0.7 * rng.standard_normal(n)
    return pd.DataFrame(
        {
            "participant_id": [f"sim{i + 1:03d}" for i in range(n)],
            "run_prob": 1 / (1 + np.exp(-logit_p)),
            "usual_run_min": 35 * np.exp(0.3 * rng.standard_normal(n)),
            "pace_min_km": 6.0 * np.exp(0.1 * rng.standard_normal(n)),
            "indoor_prob": rng.uniform(0.0, 0.4, n),
            "sleep_mean_h": 7.0 + 0.5 * rng.standard_normal(n),
            "duration_slope": beta_duration + slope_sd * rng.standard_normal(n),
        }
    )


def _ar1_noise(n: int, ar1: float, sd: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) series with marginal standard deviation ``sd``."""
    innovations = rng.standard_normal(n) * sd * np.sqrt(1 - ar1**2)
    out = np.empty(n)
    out[0] = rng.standard_normal() * sd
    for t in range(1, n):
        out[t] = ar1 * out[t - 1] + innovations[t]
    return out


def _simulate_person(
    person: Any,
    n_days: int,
    ar1: float,
    residual_sd: float,
    beta_frequency: float,
    sleep_effect: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One participant's days: runs, load sums, sleep and the mood without intercept."""
    total = n_days + BURN_IN_DAYS
    ran = rng.random(total) < person.run_prob
    run_min = np.where(ran, person.usual_run_min * np.exp(0.35 * rng.standard_normal(total)), 0.0)
    indoor = ran & (rng.random(total) < person.indoor_prob)
    prev = pd.Series(ran.astype(float)).shift(1)
    runs_7d = prev.rolling(7).sum().to_numpy()
    min_series = pd.Series(run_min)
    run_min_7d = min_series.shift(1).rolling(7).sum().to_numpy()
    run_min_28d = min_series.shift(1).rolling(28).sum()
    chronic = run_min_28d / 4
    acwr = (run_min_7d / chronic.where(chronic > 0)).to_numpy()
    sleep_next = person.sleep_mean_h + sleep_effect * ran + 0.7 * rng.standard_normal(total)
    window = slice(BURN_IN_DAYS, total)
    dates = pd.date_range(START_DATE, periods=n_days, freq="D")
    weekday = dates.day_of_week.to_numpy()
    study_day = np.arange(n_days)
    mood_part = (
        person.duration_slope * run_min[window] / 30
        + beta_frequency * runs_7d[window]
        + WEEKDAY_EFFECT[weekday]
        + 0.002 * study_day
        + _ar1_noise(n_days, ar1, residual_sd, rng)
    )
    return pd.DataFrame(
        {
            "participant_id": person.participant_id,
            "date": dates.astype("datetime64[ns]"),
            "ran": ran[window],
            "run_count": ran[window].astype("int64"),
            "run_min": run_min[window],
            "run_km": run_min[window] / person.pace_min_km,
            "runs_7d": runs_7d[window],
            "run_min_7d": run_min_7d[window],
            "run_min_28d": run_min_28d.to_numpy()[window],
            "data_days_7d": np.full(n_days, 7),
            "days_since_run": _days_since_run(ran)[window],
            "acwr": acwr[window],
            "run_min_outdoor": np.where(indoor, 0.0, run_min)[window],
            "run_min_indoor": np.where(indoor, run_min, 0.0)[window],
            "sleep_next_h": sleep_next[window],
            "sleep_prev_h": np.concatenate([[np.nan], sleep_next])[window],
            "weekday": weekday.astype("int64"),
            "weekend": weekday >= 5,
            "study_day": study_day.astype("int64"),
            "_mood_part": mood_part,
        }
    )


def _days_since_run(ran: np.ndarray) -> np.ndarray:
    """Days since the most recent run day, 0 on a run day (NaN before the first run)."""
    out = np.full(len(ran), np.nan)
    last = None
    for t, r in enumerate(ran):
        if r:
            last = t
        if last is not None:
            out[t] = t - last
    return out


def _add_intercepts(
    people: pd.DataFrame,
    panel: pd.DataFrame,
    between_confounding: float,
    intercept_sd: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Baseline mood per person, confounded with the person's realised mean running."""
    mean_min = panel.groupby("participant_id", sort=False)["run_min"].mean()
    centred = (mean_min - mean_min.mean()) / 30
    people = people.copy()
    people["intercept"] = (
        5.0
        + between_confounding * people["participant_id"].map(centred).to_numpy()
        + intercept_sd * rng.standard_normal(len(people))
    )
    return people


def _add_mood(panel: pd.DataFrame, people: pd.DataFrame, missing_rate: float, rng: np.random.Generator) -> pd.DataFrame:
    """Mood and the other rated items, with ratings missing completely at random."""
    intercept = panel["participant_id"].map(people.set_index("participant_id")["intercept"])
    mood = intercept.to_numpy() + panel.pop("_mood_part").to_numpy()
    deviation = mood - intercept.to_numpy()
    missing = rng.random(len(panel)) < missing_rate
    n = len(panel)
    items = {
        "mood": mood,
        "energy": 5 + 0.6 * deviation + 0.8 * rng.standard_normal(n),
        "stress": 4 - 0.5 * deviation + 0.8 * rng.standard_normal(n),
        "anxiety": 3.5 - 0.4 * deviation + 0.8 * rng.standard_normal(n),
    }
    for name, values in items.items():
        panel[name] = np.where(missing, np.nan, values)
    return panel


def _add_derived_columns(panel: pd.DataFrame) -> pd.DataFrame:
    """Day-to-day changes, within/between splits and lag columns, as the panel has them."""
    by = panel.groupby("participant_id", sort=False)
    panel["mood_change"] = panel["mood"] - by["mood"].shift(1)
    panel["mood_dev"] = panel["mood"] - by["mood"].transform("mean")
    panel["has_data"] = True  # every simulated day has at least a sleep record
    panel["has_activity"] = panel["ran"]
    panel["has_mood"] = panel["mood"].notna()
    panel["has_sleep"] = panel["sleep_prev_h"].notna()
    for var in WITHIN_BETWEEN_VARS:
        panel[f"{var}_within"], panel[f"{var}_between"] = person_mean_split(panel[var], panel["participant_id"])
    for var in (
        "ran",
        "run_count",
        "run_min",
        "run_km",
        "mood",
        "energy",
        "stress",
        "anxiety",
        "sleep_prev_h",
    ):
        panel[f"{var}_lag1"] = by[var].shift(1)
    return conform(panel, "daily_panel", extra=True)


def _simulate_run_panel(
    panel: pd.DataFrame,
    acute_boost: float,
    half_life_h: float,
    residual_sd: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per run with a mood rating before it and one some hours after it."""
    columns = ["participant_id", "date", "run_min", "run_km", "run_min_indoor", "mood"]
    runs = panel.loc[panel["ran"], columns]
    runs = runs.reset_index(drop=True)
    n = len(runs)
    start_hour = rng.uniform(6.5, 19.0, n)
    start_local = runs["date"] + pd.to_timedelta(start_hour, unit="h")
    minutes_pre = rng.uniform(5, 60, n)
    minutes_post = rng.uniform(5, 360, n)
    change = acute_boost * 0.5 ** (minutes_post / 60 / half_life_h)
    base = runs["mood"].fillna(5.0).to_numpy() + 0.5 * residual_sd * rng.standard_normal(n)
    post = base + change + 0.5 * residual_sd * rng.standard_normal(n)
    rated = rng.random(n) < 0.7
    out = pd.DataFrame(
        {
            "participant_id": runs["participant_id"],
            "activity_id": [f"run{i + 1:05d}" for i in range(n)],
            "start_local": start_local,
            "start_utc": start_local.dt.tz_localize("UTC"),
            "elapsed_s": runs["run_min"] * 60 * 1.05,
            "moving_s": runs["run_min"] * 60,
            "distance_m": runs["run_km"] * 1000,
            "indoor": runs["run_min_indoor"].to_numpy() > 0,
            "sport": "running",
            "run_min": runs["run_min"],
            "mood_pre": np.where(rated, base, np.nan),
            "mood_post": np.where(rated, post, np.nan),
            "minutes_pre": np.where(rated, minutes_pre, np.nan),
            "minutes_post": np.where(rated, minutes_post, np.nan),
        }
    )
    out["mood_change"] = out["mood_post"] - out["mood_pre"]
    out["date"] = runs["date"]
    out["end_utc"] = out["start_utc"] + pd.to_timedelta(out["elapsed_s"], unit="s")
    out["tz"] = "UTC"
    out["sub_sport"] = np.where(out["indoor"], "treadmill", "generic")
    return conform(out, "run_panel", extra=True)
