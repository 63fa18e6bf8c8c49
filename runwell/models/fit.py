"""The public fits: assemble design, estimation, diagnostics and wording into a result.

:func:`fit_mood_model` (daily panel), :func:`fit_acute_model` (mood around each run) and
:func:`fit_naive_pooled` (the confounded comparison). Several participants are fitted as
a linear mixed model; one participant alone as a regression with AR(1) errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from runwell.models.design import Design, check_enough, drop_collinear, formula, prepare_daily, require_columns
from runwell.models.diagnostics import autocorr_note, lag1_autocorrelation, robust_check
from runwell.models.effects import coefficients_table, effects_from_fixed, fixed_table, mixed_fixed, ols_fixed
from runwell.models.mixed import attempts_table, engine_text, fit_mixed, fit_notes, random_effects_summary
from runwell.models.result import MoodModelResult
from runwell.models.robust import fit_ar1
from runwell.models.units import unit_of
from runwell.models.wording import acute_reading

__all__ = ["fit_mood_model", "fit_acute_model", "fit_naive_pooled"]


@dataclass
class _Estimate:
    """What one estimation (mixed model or AR(1) regression) hands to the result."""

    result: object
    fixed: pd.DataFrame
    method: str
    resid: np.ndarray
    sds: dict[str, float]
    share: float | None
    model_share: float | None
    own: pd.DataFrame | None
    optimizer: str | None
    converged: bool
    attempts: pd.DataFrame
    notes: list[str]


def _estimate_time_series(design: Design) -> _Estimate:
    """One participant: regression with AR(1) errors (feasible GLS)."""
    result, ar_rho = fit_ar1(design.y, design.X, design.day)
    return _Estimate(
        result=result,
        fixed=ols_fixed(result),
        method=(
            "One participant: a time series, not a mixed model. Regression with AR(1) "
            f"errors (feasible GLS, Prais-Winsten; day-to-day autocorrelation {ar_rho:.2f})."
        ),
        resid=design.y.to_numpy() - design.X.to_numpy() @ np.asarray(result.params),
        sds={},
        share=None,
        model_share=None,
        own=None,
        optimizer=None,
        converged=True,
        attempts=pd.DataFrame(columns=["optimizer", "llf", "converged", "valid", "note"]),
        notes=[],
    )


def _estimate_mixed(design: Design, engine: str = "auto") -> _Estimate:
    """Several participants: the linear mixed model (fast engine, or the best of statsmodels' optimizers)."""
    result, best, tried = fit_mixed(design, engine)
    fixed = mixed_fixed(result)
    sds, share, model_share, own, re_notes = random_effects_summary(result, design, fixed)
    return _Estimate(
        result=result,
        fixed=fixed,
        method=engine_text(best),
        resid=np.asarray(result.resid),
        sds=sds,
        share=share,
        model_share=model_share,
        own=own,
        optimizer=best.optimizer,
        converged=best.converged,
        attempts=attempts_table(tried),
        notes=fit_notes(best, tried, re_notes),
    )


def _assemble(design: Design, what: str, engine: str = "auto") -> MoodModelResult:
    """Fit the design (mixed model, or AR(1) regression for one person) and build the result."""
    check_enough(design, what)
    single = design.n_groups == 1
    diagnostics = list(design.notes)
    if design.dropped:
        diagnostics.append(f"Left out for lack of variation or collinearity: {', '.join(design.dropped)}.")
    est = _estimate_time_series(design) if single else _estimate_mixed(design, engine)
    diagnostics += est.notes
    rho = lag1_autocorrelation(est.resid, design.groups, design.day)
    diagnostics.append(autocorr_note(rho, single))
    robust, robust_notes = robust_check(design, est.fixed, single)
    diagnostics += robust_notes
    return MoodModelResult(
        effects=effects_from_fixed(est.fixed, design, single),
        coefficients=coefficients_table(est.fixed, design),
        random_effects_sd=est.sds,
        share_positive_slope=est.share,
        share_positive_slope_model=est.model_share,
        person_slopes=est.own,
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
    )


def fit_mood_model(
    panel: pd.DataFrame,
    *,
    outcome: str = "mood_change",
    duration: str = "run_min",
    frequency: str | None = "runs_7d",
    covariates: Sequence[str] = ("weekday", "study_day"),
    random_slopes: bool = True,
    lagged: bool = False,
    engine: str = "auto",
) -> MoodModelResult:
    """Fit the daily-diary mixed model of an outcome on run duration and frequency.

    Duration and frequency are each split into a within-person part (the day's
    deviation from the person's mean) and a between-person part (the person mean), with
    a random intercept per participant and, by default, a random slope for the
    within-person duration effect. Fitted by REML with the fast engine, or statsmodels
    MixedLM with several optimizers (best valid likelihood kept) when it does not
    converge; a single participant is fitted as a regression with AR(1) errors.

    Parameters
    ----------
    panel
        A daily panel (one row per participant and day). Needs ``participant_id``,
        the outcome, ``duration`` and ``frequency`` (or their ``_within``/``_between``
        columns), and ``date`` or ``study_day`` to find consecutive days.
    outcome
        Response column. ``"mood_change"`` (today's mood minus yesterday's) is computed
        from ``mood`` when absent.
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
    engine
        ``"auto"`` (default): the fast engine (the same estimates, standard errors and
        likelihood as statsmodels MixedLM to 1e-4), statsmodels when it does not converge;
        ``"statsmodels"``: statsmodels MixedLM only, the reference; ``"fast"``: the fast
        engine only (see :func:`runwell.models.mixed.fit_mixed`).

    Returns
    -------
    MoodModelResult
        Effects in natural units with readings, random-effect SDs, diagnostics and the
        statsmodels result.

    Raises
    ------
    InputError
        When a needed column is missing.
    InsufficientDataError
        When there are too few usable days for the model.

    Examples
    --------
    >>> from runwell.simulate import simulate_panel
    >>> sim = simulate_panel(20, 40, seed=3)
    >>> res = fit_mood_model(sim.panel, outcome="mood")
    >>> res.effect("run_min", "within")["unit"]
    'per 30 min'
    """
    design = prepare_daily(panel, outcome, duration, frequency, covariates, random_slopes, lagged)
    return _assemble(design, "The mood model", engine)


def _acute_design(run_panel: pd.DataFrame, duration: str, centre: float) -> Design:
    """Mood change around each run on duration centred at ``centre`` (natural units)."""
    require_columns(run_panel, ["participant_id", duration], "run panel")
    frame = run_panel.reset_index(drop=True)
    if "mood_change" in frame.columns:
        y = frame["mood_change"].astype(float)
    else:
        require_columns(frame, ["mood_pre", "mood_post"], "run panel")
        y = frame["mood_post"].astype(float) - frame["mood_pre"].astype(float)
    divisor = unit_of(duration)[0]
    X = pd.DataFrame({"const": 1.0, f"{duration}_acute": (frame[duration].astype(float) - centre) / divisor})
    ok = y.notna() & X.notna().all(axis=1)
    frame, y, X = frame[ok], y[ok], X[ok]
    X, dropped = drop_collinear(X, keep_first=["const"])
    return Design(
        y=y,
        X=X,
        groups=frame["participant_id"].astype(str).to_numpy(),
        day=np.arange(len(y), dtype=float),
        term_info={"const": ("after a run", "acute"), f"{duration}_acute": (duration, "acute")},
        random_slope=None,
        outcome_label="the mood change from before to after a run",
        outcome_unit="points",
        response_name="mood_post - mood_pre",
        dropped=dropped,
        notes=[],
    )


def fit_acute_model(
    run_panel: pd.DataFrame,
    *,
    duration: str = "run_min",
    centre: float = 30.0,
    engine: str = "auto",
) -> MoodModelResult:
    """Mood after a run minus mood before it, against run duration (random intercept).

    Parameters
    ----------
    run_panel
        One row per run with ``participant_id``, ``duration`` and ``mood_change`` (or
        ``mood_pre`` and ``mood_post``).
    duration
        Duration column (``run_min`` is modelled per 30 min).
    centre
        Duration (natural units) at which the average change is reported; the
        ``acute`` row of the effects is the expected change for a run this long.
    engine
        As in :func:`fit_mood_model`.

    Returns
    -------
    MoodModelResult
        Its effects have two rows of part ``acute``: term ``after a run`` (the expected
        change around a ``centre``-long run) and term ``duration`` (the change per
        natural unit of duration, e.g. per 30 min).
    """
    result = _assemble(_acute_design(run_panel, duration, centre), "The acute model", engine)
    effects = result.effects
    is_const = effects["term"] == "after a run"
    effects.loc[is_const, "unit"] = f"for a {centre:g} {'min' if duration == 'run_min' else 'unit'} run"
    effects.loc[is_const, "reading"] = [acute_reading(row, centre, duration) for _, row in effects[is_const].iterrows()]
    result.diagnostics = [d for d in result.diagnostics if "consecutive days" not in d]
    result.unit_of_observation = "runs"
    return result


def fit_naive_pooled(
    panel: pd.DataFrame,
    *,
    outcome: str = "mood",
    duration: str = "run_min",
    frequency: str | None = "runs_7d",
) -> pd.DataFrame:
    """The naive analysis: pooled OLS of the outcome on raw duration and frequency.

    It mixes within- and between-person variation, so person-level confounding (people
    who run more are happier anyway) biases it. Provided as a comparison, not as an
    estimate to report.

    Parameters
    ----------
    panel
        A daily panel with the outcome, ``duration`` and ``frequency``.
    outcome
        Response column.
    duration
        Run-duration variable (per natural unit, e.g. per 30 min).
    frequency
        Run-frequency variable, or ``None`` to leave frequency out.

    Returns
    -------
    pandas.DataFrame
        Indexed by variable: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``
        (naive i.i.d. standard errors), per natural unit.
    """
    cols = [duration] + ([frequency] if frequency else [])
    require_columns(panel, [outcome, *cols], "panel")
    frame = panel[[outcome, *cols]].astype(float).dropna()
    X = sm.add_constant(frame[cols] / [unit_of(c)[0] for c in cols])
    result = sm.OLS(frame[outcome], X).fit()
    ci = result.conf_int()
    return fixed_table(result.params, result.bse, result.pvalues, ci).loc[cols]
