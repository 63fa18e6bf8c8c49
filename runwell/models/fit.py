"""The public fit of the daily panel: design, estimation, diagnostics and wording into a result.

:func:`fit_mood_model` fits several participants as a linear mixed model and one
participant alone as a regression with AR(1) errors. The mixed model's reported intervals
are cluster-robust by participant (:mod:`runwell.models.sandwich`, the leave-one-out
jackknife with Bell-McCaffrey t intervals): its own standard errors assume independent
days and covered a true 7-day frequency effect in 87-89% of simulated 30 x 120 cohorts
with AR(1) 0.3 residuals (benchmarks/calibration.py, README). :mod:`runwell.models.acute` fits mood around each run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from runwell.errors import InsufficientDataError
from runwell.models.design import Design, check_enough, formula, prepare_daily
from runwell.models.diagnostics import autocorr_note, lag1_autocorrelation, robust_check
from runwell.models.effects import coefficients_table, effects_from_fixed, mixed_fixed
from runwell.models.missingness import MissingnessCheck, pattern_mixture, rating_compliance
from runwell.models.mixed import attempts_table, engine_text, fit_mixed, fit_notes
from runwell.models.randomfx import RandomEffects, summarise_random_effects
from runwell.models.result import MoodModelResult
from runwell.models.robust import ar1_table
from runwell.models.sandwich import cluster_robust_fixed
from runwell.models.units import OUTCOME_ITEMS

__all__ = ["fit_mood_model", "assemble"]


@dataclass
class _Estimate:
    """What one estimation (mixed model or AR(1) regression) hands to the result."""

    result: object
    fixed: pd.DataFrame
    model_based: pd.DataFrame | None
    method: str
    resid: np.ndarray
    random: RandomEffects
    optimizer: str | None
    converged: bool
    attempts: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _not_fitted(what: str, why: str) -> InsufficientDataError:
    """The plain error for a fit that gave no finite standard errors."""
    return InsufficientDataError(
        f"{what} could not be fitted: {why}. More days or participants, or fewer terms, may help."
    )


def _estimate_time_series(design: Design, what: str) -> _Estimate:
    """One participant: regression with AR(1) errors (feasible GLS), jackknife errors, t intervals."""
    fixed, ar_rho, result = ar1_table(design.y, design.X, design.day)
    if not np.all(np.isfinite(fixed["se"])):
        raise _not_fitted(what, "the standard errors are not finite")
    return _Estimate(
        result=result,
        fixed=fixed,
        model_based=None,
        method=(
            "One participant: a time series, not a mixed model. Regression with AR(1) "
            f"errors (feasible GLS, Prais-Winsten; day-to-day autocorrelation {ar_rho:.2f}), "
            "leverage-robust (jackknife) standard errors, t intervals with Bell-McCaffrey degrees of freedom."
        ),
        resid=design.y.to_numpy() - design.X.to_numpy() @ np.asarray(result.params),
        random=RandomEffects(sds={}),
        optimizer=None,
        converged=True,
        attempts=pd.DataFrame(columns=["optimizer", "llf", "converged", "valid", "note"]),
    )


def _estimate_mixed(design: Design, what: str, slope_interval: bool, engine: str = "auto") -> _Estimate:
    """Several participants: the mixed model, best of several optimizers, robust intervals."""
    result, best, tried = fit_mixed(design, engine)
    cov_re, scale = np.asarray(result.cov_re, dtype=float), float(result.scale)
    fixed = cluster_robust_fixed(design, result.fe_params, cov_re, scale)
    if not np.all(np.isfinite(fixed["se"])):
        raise _not_fitted(what, "the cluster-robust standard errors are not finite")
    random = summarise_random_effects(design, fixed, cov_re, scale, interval=slope_interval)
    return _Estimate(
        result=result,
        fixed=fixed,
        model_based=mixed_fixed(result),
        method=(
            f"{engine_text(best).rstrip('.')}; "
            f"intervals cluster-robust by participant (leave-one-out jackknife over {design.n_groups} "
            "participants, t with Bell-McCaffrey degrees of freedom), so they allow for day-to-day "
            "autocorrelation and for effects carried by few people."
        ),
        resid=np.asarray(result.resid),
        random=random,
        optimizer=best.optimizer,
        converged=best.converged,
        attempts=attempts_table(tried),
        notes=fit_notes(best, tried, random.notes),
    )


def assemble(
    design: Design, what: str, subject: str | None = None, slope_interval: bool = True, engine: str = "auto"
) -> MoodModelResult:
    """Fit the design (mixed model, or AR(1) regression for one person) and build the result.

    Parameters
    ----------
    design
        The model's design.
    what
        How the model is named in messages (``"The mood model"``).
    subject
        Who within-person readings are about; default ``"this person"`` for one
        participant, ``"people"`` for several.
    slope_interval
        Compute the profile-likelihood interval of the slope SD.
    engine
        Which engine fits a mixed model (see :func:`fit_mood_model`).

    Returns
    -------
    MoodModelResult
        Without the missingness check (see :func:`fit_mood_model`).

    Raises
    ------
    InsufficientDataError
        When rows are too few or no fit has finite standard errors.
    """
    check_enough(design, what)
    single = design.n_groups == 1
    subject = subject or ("this person" if single else "people")
    diagnostics = list(design.notes)
    if design.dropped:
        diagnostics.append(f"Left out for lack of variation or collinearity: {', '.join(design.dropped)}.")
    est = _estimate_time_series(design, what) if single else _estimate_mixed(design, what, slope_interval, engine)
    diagnostics += est.notes
    rho = lag1_autocorrelation(est.resid, design.groups, design.day)
    diagnostics.append(autocorr_note(rho, single))
    robust, robust_notes = robust_check(design, est.fixed, single)
    diagnostics += robust_notes
    model_based = None
    if est.model_based is not None:
        model_based = effects_from_fixed(est.model_based, design, subject).drop(columns="reading")
    return MoodModelResult(
        effects=effects_from_fixed(est.fixed, design, subject),
        coefficients=coefficients_table(est.fixed, design),
        random_effects_sd=est.random.sds,
        share_positive_slope=est.random.share_positive,
        person_slopes=est.random.person_slopes,
        n_participants=design.n_groups,
        n_days=len(design.y),
        outcome=design.outcome_label,
        formula=formula(design),
        method=est.method,
        optimizer=est.optimizer,
        converged=est.converged,
        diagnostics=diagnostics,
        residual_autocorrelation=rho,
        robust=robust,
        attempts=est.attempts,
        sm_result=est.result,
        outcome_unit=design.outcome_unit,
        slope_sd_ci=est.random.slope_sd_ci,
        share_positive_slope_ci=est.random.share_positive_ci,
        model_based=model_based,
    )


def _missingness(
    panel: pd.DataFrame, outcome: str, refit: Sequence[object], effects: pd.DataFrame, level: bool
) -> MissingnessCheck | None:
    """The rating-compliance check and, when compliance depends on running or mood, the bound."""
    item = OUTCOME_ITEMS.get(outcome)
    if item is None or item not in panel.columns or "ran" not in panel.columns:
        return None
    try:
        check = rating_compliance(panel, item)
    except InsufficientDataError as err:
        return MissingnessCheck(
            pd.DataFrame(), float("nan"), False, None, [f"The missingness check could not be run: {err}."]
        )
    if not (check.depends and level):
        return check
    filled = panel.assign(**{outcome: panel[outcome].fillna(0.0)})
    design = prepare_daily(filled, outcome, *refit)  # type: ignore[arg-type]
    missing = panel[outcome].isna().reset_index(drop=True).loc[design.y.index].to_numpy()
    try:
        check.sensitivity = pattern_mixture(design, missing, effects)
    except InsufficientDataError as err:
        check.notes.append(f"The sensitivity analysis could not be run: {err}.")
        return check
    for _, row in check.sensitivity.iterrows():
        check.notes.append(
            f"Sensitivity: if the unrated days had been half a residual SD lower than the rated days "
            f"predict, the within-person {row['term']} effect would be {row['bound']:+.3g} instead of "
            f"{row['estimate']:+.3g} ({effects['outcome_unit'].iloc[0]})."
        )
    return check


def fit_mood_model(
    panel: pd.DataFrame,
    *,
    outcome: str = "mood",
    duration: str = "run_min",
    frequency: str | None = "runs_7d",
    covariates: Sequence[str] = ("weekday", "study_day"),
    random_slopes: bool = True,
    lagged: bool = False,
    run_day: bool = False,
    scale: str | None = None,
    subject: str | None = None,
    slope_interval: bool = True,
    check_missing: bool = True,
    engine: str = "auto",
) -> MoodModelResult:
    """Fit the daily-diary model of the day's mood (or another outcome) on run duration and frequency.

    Duration and frequency are each split into a within-person part (the day's
    deviation from the person's mean) and a between-person part (the person mean), with
    a random intercept per participant and, by default, a random slope for the
    within-person duration effect. Fitted by REML with several optimizers (best valid
    likelihood kept) and reported with cluster-robust t intervals; a single participant
    is fitted as a regression with AR(1) errors with t intervals.

    Parameters
    ----------
    panel
        A daily panel (one row per participant and day). Needs ``participant_id``,
        the outcome, ``duration`` and ``frequency`` (or their ``_within``/``_between``
        columns), and ``date`` or ``study_day`` to find consecutive days.
    outcome
        Response column; by default the day's mood level. ``"mood_change"`` (today's mood
        minus yesterday's) asks a different question, about change: it is modelled with
        the previous day's mood as a term beside the runs (never person-centred), so it
        is not a regression of change on levels alone.
    duration
        Run-duration variable (``run_min`` is modelled per 30 min).
    frequency
        Run-frequency variable (``runs_7d``: runs in the previous 7 days, per extra run
        a week), or ``None`` to leave frequency out.
    covariates
        Adjustments: ``"weekday"`` enters as day-of-week dummies, ``"study_day"`` as a
        linear trend per 30 days; other numeric columns as they are, text as dummies.
    random_slopes
        Give each participant their own within-person duration slope.
    lagged
        Fit the next day's mood (or the next day's ``outcome`` when it is a level) on
        today's runs and today's value of it (the lagged outcome is not centred).
        Only consecutive days are paired.
    run_day
        Add ``ran`` (run day or rest day) beside duration, so the duration terms measure
        the dose (30 more minutes on a run day) apart from the run-day lift.
    scale
        Words for the mood scale (e.g. ``"points on your Daylio 1-5 scale"``); by default
        taken from ``panel.attrs`` (``"points on the 1-5 scale"``, ``"points on the
        rescaled 0-1 scale"``).
    subject
        Who within-person readings are about: ``"you"`` for a report addressed to its
        reader; by default ``"this person"`` for one participant, ``"people"`` for several.
    slope_interval
        Give the slope SD a profile-likelihood interval (about a second more).
    engine
        ``"auto"`` (default): runwell's fast engine (the same estimates, standard errors and
        likelihood as statsmodels MixedLM to 1e-4), statsmodels when it does not converge;
        ``"statsmodels"``: statsmodels MixedLM only, the reference; ``"fast"``: the fast
        engine only (see :func:`runwell.models.mixed.fit_mixed`).
    check_missing
        Check whether ratings go missing with running or the previous day's mood, and
        run the sensitivity analysis when they do (:mod:`runwell.models.missingness`).

    Returns
    -------
    MoodModelResult
        Effects in natural units with readings naming the outcome's scale, random
        effects with intervals, diagnostics and the statsmodels result.

    Raises
    ------
    InputError
        When a needed column is missing.
    InsufficientDataError
        When there are too few usable days, or no fit has finite standard errors.

    Examples
    --------
    >>> from runwell.simulate import simulate_panel
    >>> sim = simulate_panel(20, 40, seed=3)
    >>> res = fit_mood_model(sim.panel, slope_interval=False)
    >>> res.effect("run_min", "within")["unit"], res.outcome
    ('per 30 min', 'mood')
    """
    refit = (duration, frequency, covariates, random_slopes, lagged, run_day, scale)
    design = prepare_daily(panel, outcome, *refit)
    result = assemble(design, "The mood model", subject, slope_interval, engine)
    if check_missing:
        level = not lagged and outcome != "mood_change"
        result.missingness = _missingness(panel, outcome, refit, result.effects, level)
        if result.missingness is not None:
            result.diagnostics += result.missingness.notes
    return result
