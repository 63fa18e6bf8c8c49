"""An independent simulator for benchmarks/calibration.py: daily and run panels with a known truth.

Written apart from :mod:`runwell.simulate` on purpose, so the calibration does not grade
runwell's estimators on data drawn from runwell's own assumptions. Everything is drawn
for many people at once (arrays of people x days) and cut into panels afterwards.

The model, per person *i* and day *t* (mood on a continuous 1-5-like scale, centred 3.5)::

    ran[i,t]      ~ Bernoulli(p_i * weekday pattern)    # or a fixed weekday schedule
    run_min[i,t]  = ran * LogNormal(log m_i + 0.25 weekend, 0.45)
    mood[i,t]     = a_i + rhythm[weekday] + trend_i * t / 365
                  + lift * ran + b_i * run_min / 30 + freq * runs_7d
                  + outdoor * (outdoor run) + skipped * (rest day after 3+ run days)
                  + e[i,t],   e AR(1) with coefficient ``ar1`` and marginal SD ``sd``
    a_i           = 3.5 + confounding * (mean run_min_i - 35) / 30 + N(0, 0.5)
    b_i           ~ N(dose, slope_sd)

Weekends are happier and runs are longer on them (confounding within the person, which
the weekday adjustment must remove); people who run more are happier anyway
(confounding between people). Stress mirrors mood's residual; sleep the night after
day *t* has its own weekday rhythm (Friday and Saturday nights are longer), so a
weekend-heavy running schedule confounds "sleep after run days" unless the night's
weekday is adjusted for. 15% of days lack a mood rating (completely at random, or more
often when mood is low with ``mnar``). Runs are rated before and after with probability
0.6; the change is ``acute * 0.5 ** (hours / 2)`` plus noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

BURN_IN = 35
RHYTHM = np.array([-0.12, -0.05, 0.0, 0.0, 0.05, 0.18, 0.12])  # Monday first
NIGHT_RHYTHM = np.array([0.0, 0.0, 0.0, 0.0, 0.45, 0.55, -0.1])  # night after Mon..Sun
START = pd.Timestamp("2025-01-06")  # a Monday


@dataclass(frozen=True)
class Truth:
    """Effects of running (all zero under the null); mood points unless said otherwise.

    ``lift`` is the run-day lift, ``dose`` the mean effect per 30 min, ``slope_sd`` its SD
    between people, ``freq`` per extra run in the previous 7 days, ``outdoor`` for an
    outdoor-run day over an indoor one, ``skipped`` for a rest day after 3+ run days,
    ``stress`` (stress points) on high-load days, ``sleep`` (hours) after a run day,
    ``acute`` the boost right after a run (halving every 2 h), ``stability`` (SD of mood
    within a week) per run that week.
    """

    lift: float = 0.0
    dose: float = 0.0
    slope_sd: float = 0.0
    freq: float = 0.0
    outdoor: float = 0.0
    skipped: float = 0.0
    stress: float = 0.0
    sleep: float = 0.0
    acute: float = 0.0
    stability: float = 0.0


@dataclass(frozen=True)
class World:
    """Nuisance settings: autocorrelation, noise, missingness, confounding, schedules."""

    ar1: float = 0.3
    sd: float = 0.7
    missing: float = 0.15
    mnar: float = 0.0  # log-odds of a missing rating per point of mood below the person's mean
    confounding: float = 0.5
    schedule: float = 0.3  # share of people running on fixed weekdays
    truth: Truth = field(default_factory=Truth)

    def with_truth(self, **effects: float) -> World:
        """The same world with other effects of running."""
        return replace(self, truth=replace(self.truth, **effects))


def _run_days(rng: np.random.Generator, P: int, T: int, world: World, weekday: np.ndarray) -> np.ndarray:
    """Run days, people x days: a weekly habit, for some people on fixed weekdays."""
    p = 1 / (1 + np.exp(-(np.log(0.4 / 0.6) + 0.6 * rng.standard_normal(P))))
    pattern = np.where(weekday >= 5, 1.3, 0.9)[None, :] * p[:, None]
    fixed = rng.random(P) < world.schedule
    chosen = np.argsort(rng.random((P, 7)), axis=1)[:, :3]  # three preferred weekdays
    pref = np.zeros((P, 7), bool)
    np.put_along_axis(pref, chosen, True, axis=1)
    scheduled = np.where(pref[:, weekday], 0.8, 0.08)
    prob = np.where(fixed[:, None], scheduled, np.clip(pattern, 0.02, 0.95))
    return rng.random((P, T)) < prob


def _ar1(rng: np.random.Generator, P: int, T: int, rho: float, sd: float) -> np.ndarray:
    """Stationary AR(1) noise, people x days."""
    e = np.empty((P, T))
    innov = rng.standard_normal((P, T)) * sd * np.sqrt(1 - rho**2)
    e[:, 0] = rng.standard_normal(P) * sd
    for t in range(1, T):
        e[:, t] = rho * e[:, t - 1] + innov[:, t]
    return e


def _prev_sum(x: np.ndarray, n: int) -> np.ndarray:
    """Sum over the previous ``n`` days (today not counted), NaN for the first ``n``."""
    c = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(x, axis=1)], axis=1)
    out = np.full(x.shape, np.nan)
    out[:, n:] = c[:, n:-1] - c[:, : -n - 1]
    return out


def _streak(ran: np.ndarray) -> np.ndarray:
    """Consecutive run days right before each day."""
    out = np.zeros(ran.shape, int)
    for t in range(1, ran.shape[1]):
        out[:, t] = np.where(ran[:, t - 1], out[:, t - 1] + 1, 0)
    return out


@dataclass
class Study:
    """Simulated people: their daily panel, run panel and own duration slopes."""

    panel: pd.DataFrame
    run_panel: pd.DataFrame
    slopes: np.ndarray
    people: list[str]

    def person(self, pid: str) -> Study:
        """One person's part of the study."""
        keep = self.panel["participant_id"] == pid
        runs = self.run_panel[self.run_panel["participant_id"] == pid]
        idx = self.people.index(pid)
        return Study(self.panel[keep].reset_index(drop=True), runs.reset_index(drop=True), self.slopes[[idx]], [pid])

    def groups(self, size: int) -> list[Study]:
        """Consecutive groups of ``size`` people (cohorts)."""
        out = []
        for start in range(0, len(self.people) - size + 1, size):
            ids = self.people[start : start + size]
            keep = self.panel["participant_id"].isin(ids)
            runs = self.run_panel[self.run_panel["participant_id"].isin(ids)]
            out.append(
                Study(
                    self.panel[keep].reset_index(drop=True),
                    runs.reset_index(drop=True),
                    self.slopes[start : start + size],
                    ids,
                )
            )
        return out


def simulate(n_people: int, n_days: int, world: World, rng: np.random.Generator, prefix: str = "p") -> Study:
    """Draw ``n_people`` people for ``n_days`` days each (see the module docstring)."""
    P, T = n_people, n_days + BURN_IN
    tr = world.truth
    dates = pd.date_range(START - pd.Timedelta(days=BURN_IN), periods=T, freq="D")
    weekday = dates.day_of_week.to_numpy()
    ran = _run_days(rng, P, T, world, weekday)
    usual = 35 * np.exp(0.35 * rng.standard_normal(P))
    length = usual[:, None] * np.exp(0.25 * (weekday >= 5)[None, :] + 0.45 * rng.standard_normal((P, T)))
    run_min = np.where(ran, length, 0.0)
    indoor = ran & (rng.random((P, T)) < rng.uniform(0.0, 0.4, P)[:, None])
    runs_7d = _prev_sum(ran.astype(float), 7)
    run_min_7d = _prev_sum(run_min, 7)
    run_min_28d = _prev_sum(run_min, 28)
    chronic = run_min_28d / 4
    with np.errstate(invalid="ignore", divide="ignore"):
        acwr = np.where(chronic > 0, run_min_7d / chronic, np.nan)
    after_streak = (~ran) & (_streak(ran) >= 3)
    slopes = tr.dose + tr.slope_sd * rng.standard_normal(P)
    a = 3.5 + world.confounding * (run_min[:, BURN_IN:].mean(axis=1) - 35) / 30 + 0.5 * rng.standard_normal(P)
    e = _ar1(rng, P, T, world.ar1, world.sd)
    # weekly spread of mood shrinks with that week's runs (claim 9's truth)
    week = (np.arange(T) - BURN_IN) // 7
    weekly_runs = pd.DataFrame(ran.T).groupby(week).transform("sum").to_numpy().T
    e = e * np.exp(tr.stability * (weekly_runs - 2.8))
    mood = (
        a[:, None]
        + RHYTHM[weekday][None, :]
        + 0.1 * rng.standard_normal(P)[:, None] * np.arange(T)[None, :] / 365
        + tr.lift * ran
        + slopes[:, None] * run_min / 30
        + tr.freq * np.nan_to_num(runs_7d)
        + tr.outdoor * (ran & ~indoor)
        + tr.skipped * after_streak
        + e
    )
    high = ran & ((acwr > 1.5) | (run_min > 90))
    stress = 3.0 - 0.5 * e + 0.4 * rng.standard_normal(P)[:, None] + 0.6 * rng.standard_normal((P, T))
    stress = stress + tr.stress * high
    night = (weekday[None, :] * np.ones((P, 1))).astype(int)
    sleep = (
        7.0
        + 0.5 * rng.standard_normal(P)[:, None]
        + NIGHT_RHYTHM[night]
        + tr.sleep * ran
        + 0.8 * rng.standard_normal((P, T))
    )
    logit = np.log(world.missing / (1 - world.missing)) - world.mnar * (mood - mood.mean(axis=1, keepdims=True))
    rated = rng.random((P, T)) >= 1 / (1 + np.exp(-logit))
    slept = rng.random((P, T)) < 0.9
    w = slice(BURN_IN, T)
    ids = [f"{prefix}{i:05d}" for i in range(P)]
    days = n_days
    panel = pd.DataFrame(
        {
            "participant_id": np.repeat(ids, days),
            "date": np.tile(dates[w].to_numpy(), P),
            "study_day": np.tile(np.arange(days), P),
            "weekday": np.tile(weekday[w], P),
            "ran": ran[:, w].ravel(),
            "run_count": ran[:, w].ravel().astype(int),
            "run_min": run_min[:, w].ravel(),
            "run_min_outdoor": np.where(indoor, 0.0, run_min)[:, w].ravel(),
            "run_min_indoor": np.where(indoor, run_min, 0.0)[:, w].ravel(),
            "runs_7d": runs_7d[:, w].ravel(),
            "run_min_7d": run_min_7d[:, w].ravel(),
            "run_min_28d": run_min_28d[:, w].ravel(),
            "acwr": acwr[:, w].ravel(),
            "mood": np.where(rated, mood, np.nan)[:, w].ravel(),
            "stress": np.where(rated, stress, np.nan)[:, w].ravel(),
            "sleep_next_h": np.where(slept, sleep, np.nan)[:, w].ravel(),
        }
    )
    panel["weekend"] = panel["weekday"] >= 5
    panel["has_mood"] = panel["mood"].notna()
    panel["has_data"] = panel["has_mood"] | panel["ran"] | panel["sleep_next_h"].notna()
    panel["mood_change"] = panel["mood"] - panel.groupby("participant_id")["mood"].shift(1)
    panel.attrs = {"value": "value", "scales": {"mood": (1.0, 5.0), "stress": (1.0, 5.0)}}
    run_panel = _run_panel(rng, panel, tr.acute)
    return Study(panel, run_panel, slopes, ids)


def _run_panel(rng: np.random.Generator, panel: pd.DataFrame, acute: float) -> pd.DataFrame:
    """One row per run; 60% rated shortly before and some hours after."""
    runs = panel.loc[panel["ran"], ["participant_id", "date", "run_min", "run_min_indoor"]].reset_index(drop=True)
    n = len(runs)
    hours = rng.uniform(5 / 60, 6.0, n)
    change = acute * 0.5 ** (hours / 2.0) + 0.5 * rng.standard_normal(n)
    pre = 3.5 + 0.6 * rng.standard_normal(n)
    rated = rng.random(n) < 0.6
    out = pd.DataFrame(
        {
            "participant_id": runs["participant_id"],
            "date": runs["date"],
            "run_min": runs["run_min"],
            "indoor": runs["run_min_indoor"] > 0,
            "mood_pre": np.where(rated, pre, np.nan),
            "mood_post": np.where(rated, pre + change, np.nan),
            "minutes_pre": np.where(rated, rng.uniform(5, 60, n), np.nan),
            "minutes_post": np.where(rated, hours * 60, np.nan),
        }
    )
    out["mood_change"] = out["mood_post"] - out["mood_pre"]
    return out
