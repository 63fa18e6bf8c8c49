"""Mood around each run (the acute model) and the naive pooled comparison.

:func:`fit_acute_model` is where a change score is well defined: mood rated after a run
minus mood rated before it, against the run's duration and the week's running frequency,
with a random intercept per participant. It follows the rules of the daily model: the
scale is named, several participants get cluster-robust t intervals, one participant a
regression with AR(1) errors over days. :func:`fit_naive_pooled` is the confounded
comparison, provided to be shown as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from runwell.models.design import Design, day_index, drop_collinear, require_columns, split_within_between
from runwell.models.effects import fixed_table
from runwell.models.fit import assemble
from runwell.models.result import MoodModelResult
from runwell.models.units import outcome_scale, unit_of
from runwell.models.wording import acute_reading

__all__ = ["fit_acute_model", "fit_naive_pooled"]


def _with_frequency(run_panel: pd.DataFrame, panel: pd.DataFrame | None, frequency: str | None) -> pd.DataFrame:
    """The run panel with the week's frequency joined from the daily panel when it lacks it."""
    if frequency is None or frequency in run_panel.columns or panel is None or frequency not in panel.columns:
        return run_panel
    days = panel[["participant_id", "date", frequency]].assign(
        participant_id=lambda d: d["participant_id"].astype(str), date=lambda d: pd.to_datetime(d["date"])
    )
    runs = run_panel.assign(
        participant_id=run_panel["participant_id"].astype(str), date=pd.to_datetime(run_panel["date"])
    )
    return runs.merge(days, on=["participant_id", "date"], how="left", validate="many_to_one")


def _acute_design(
    run_panel: pd.DataFrame, duration: str, centre: float, frequency: str | None, scale: str | None
) -> Design:
    """Mood change around each run on duration centred at ``centre`` and the week's frequency."""
    require_columns(run_panel, ["participant_id", duration], "run panel")
    frame = run_panel.reset_index(drop=True)
    if "mood_change" in frame.columns:
        y = frame["mood_change"].astype(float)
    else:
        require_columns(frame, ["mood_pre", "mood_post"], "run panel")
        y = frame["mood_post"].astype(float) - frame["mood_pre"].astype(float)
    keep = y.notna() & frame[duration].notna()
    use_freq = frequency is not None and frequency in frame.columns
    if use_freq:
        keep &= frame[frequency].notna()
    frame, y = frame[keep].reset_index(drop=True), y[keep].reset_index(drop=True)
    columns = {"const": 1.0, f"{duration}_acute": (frame[duration].astype(float) - centre) / unit_of(duration)[0]}
    term_info = {"const": ("after a run", "acute"), f"{duration}_acute": (duration, "acute")}
    if use_freq:
        assert frequency is not None
        columns[f"{frequency}_within"] = split_within_between(frame, frequency)[0] / unit_of(frequency)[0]
        term_info[f"{frequency}_within"] = (frequency, "within")
    X, dropped = drop_collinear(pd.DataFrame(columns, index=frame.index), keep_first=["const"])
    return Design(
        y=y,
        X=X,
        groups=frame["participant_id"].astype(str).to_numpy(),
        day=day_index(frame).to_numpy() if "date" in frame.columns else np.arange(len(y), dtype=float),
        term_info=term_info,
        random_slope=None,
        outcome_label="the mood change from before to after a run",
        outcome_unit=outcome_scale("mood", run_panel.attrs, scale),
        response_name="mood_post - mood_pre",
        dropped=dropped,
        notes=[],
    )


def fit_acute_model(
    run_panel: pd.DataFrame,
    *,
    duration: str = "run_min",
    centre: float = 30.0,
    frequency: str | None = "runs_7d",
    panel: pd.DataFrame | None = None,
    scale: str | None = None,
    subject: str | None = None,
    engine: str = "auto",
) -> MoodModelResult:
    """Mood after a run minus mood before it, against run duration and the week's frequency.

    Parameters
    ----------
    run_panel
        One row per run with ``participant_id``, ``duration`` and ``mood_change`` (or
        ``mood_pre`` and ``mood_post``), and ``date`` for the days.
    duration
        Duration column (``run_min`` is modelled per 30 min).
    centre
        Duration (natural units) at which the average change is reported; the
        ``acute`` row of the effects is the expected change for a run this long.
    frequency
        The week's running frequency (within-person deviation), from the run panel or
        joined from ``panel`` by participant and day; ``None`` leaves it out.
    panel
        The daily panel, to take ``frequency`` from when the run panel lacks it.
    scale
        Words for the mood scale (default: from ``run_panel.attrs``).
    subject
        Who the readings are about (``"you"``, ``"this person"``, ``"people"``).
    engine
        Which engine fits the mixed model (see :func:`runwell.models.fit_mood_model`).

    Returns
    -------
    MoodModelResult
        Its effects have rows of part ``acute``: term ``after a run`` (the expected
        change around a ``centre``-long run) and term ``duration`` (the change per
        natural unit of duration, e.g. per 30 min); and, with a frequency, a ``within``
        row for it.
    """
    runs = _with_frequency(run_panel, panel, frequency)
    runs.attrs = dict(run_panel.attrs)  # a merge forgets them; they name the scale
    design = _acute_design(runs, duration, centre, frequency, scale)
    result = assemble(design, "The acute model", subject, slope_interval=False, engine=engine)
    effects = result.effects
    is_const = effects["term"] == "after a run"
    effects.loc[is_const, "unit"] = f"for a {centre:g} {'min' if duration == 'run_min' else 'unit'} run"
    effects.loc[is_const, "reading"] = [
        acute_reading(row, centre, duration, design.outcome_unit) for _, row in effects[is_const].iterrows()
    ]
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
