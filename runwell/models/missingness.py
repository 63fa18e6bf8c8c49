"""Do missing ratings depend on running or on mood? A check, and a pattern-mixture bound.

Days without a rating are left out of every model, which is harmless when whether a day
is rated has nothing to do with mood (missing at random given the model's terms). When
low days go unrated more often, the estimates shift: with a simulated "missing when low"
both run effects came out about 14% too small and their intervals covered the truth in
48-76% of cohorts instead of 95%.

* :func:`rating_compliance` asks whether a rating is less likely on run days, or after a
  day of lower mood (within person: person fixed effects with cluster-robust errors, or
  one person's regression with AR(1) errors; weekday adjusted). Rating compliance that
  follows the previous day's mood is the visible trace of ratings that follow mood.
* :func:`pattern_mixture` is the sensitivity analysis: unrated days are filled with what
  the observed days predict (the person's level plus the runs and covariates) minus
  ``delta`` residual SDs, the within-person regression is refitted, and the shift of each
  run effect is reported (delta-adjusted pattern mixture; Little 1994, Carpenter and
  Kenward 2013). ``delta = 0`` is the missing-at-random answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from runwell.errors import InsufficientDataError
from runwell.models.design import Design, consecutive_shift, covariate_columns, day_index
from runwell.models.robust import within_person_ols

__all__ = ["MNAR_ALPHA", "SENSITIVITY_DELTA", "MissingnessCheck", "rating_compliance", "pattern_mixture"]

#: p-value under which rating compliance counts as depending on running or mood.
MNAR_ALPHA = 0.05
#: Residual SDs by which unrated days are taken to be lower than predicted.
SENSITIVITY_DELTA = 0.5


@dataclass
class MissingnessCheck:
    """Whether ratings go missing with running or mood, and what that could do.

    Attributes
    ----------
    compliance
        One row per predictor (``run day``, ``previous day's mood``): ``estimate`` (change
        in the chance of a rating, in percentage points, per run day or per point of the
        previous day's mood), ``ci_low``, ``ci_high``, ``p_value``.
    share_rated
        Share of the days with data that have a rating.
    depends
        Whether either predictor has ``p_value`` below :data:`MNAR_ALPHA`.
    sensitivity
        When run: per run effect ``term``, ``part``, ``estimate`` (as reported),
        ``shift`` (change if unrated days were ``delta`` residual SDs lower than
        predicted) and ``bound`` (``estimate + shift``); else ``None``.
    notes
        Plain sentences for the report.
    """

    compliance: pd.DataFrame
    share_rated: float
    depends: bool
    sensitivity: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def rating_compliance(panel: pd.DataFrame, outcome: str = "mood") -> MissingnessCheck:
    """Whether a rating of ``outcome`` is more or less likely on run days or after low days.

    Parameters
    ----------
    panel
        Daily panel with ``participant_id``, ``outcome``, ``ran`` and ``date`` (or
        ``study_day``); days without any data (``has_data`` false) are left out.

    outcome
        The rated item.

    Returns
    -------
    MissingnessCheck
        Without ``sensitivity`` (see :func:`pattern_mixture`).

    Raises
    ------
    InsufficientDataError
        When too few days vary in both rating and running.
    """
    frame = panel.reset_index(drop=True)
    frame = frame.sort_values(["participant_id", *(["date"] if "date" in frame else [])], kind="stable")
    if "has_data" in frame:
        frame = frame[frame["has_data"].astype(bool)]
    data = pd.DataFrame(
        {
            "participant_id": frame["participant_id"].astype(str),
            "rated": frame[outcome].notna().astype(float),
            "ran": frame["ran"].astype("boolean").astype("float64"),
            "previous": consecutive_shift(frame, outcome, 1),
            "day": day_index(frame),
        }
    )
    weekday = covariate_columns(frame, "weekday") if {"weekday", "date"} & set(frame.columns) else pd.DataFrame()
    data = pd.concat([data, weekday], axis=1)
    share = float(data["rated"].mean()) if len(data) else float("nan")
    rows = {}
    for term, label in (("ran", "run day"), ("previous", f"previous day's {outcome}")):
        used = data.drop(columns=[] if term == "previous" else ["previous"])
        table, _, _ = within_person_ols(used, "rated", [term], controls=list(weekday.columns), day="day")
        rows[label] = table.loc[term] * 100
        rows[label]["p_value"] = table.loc[term, "p_value"]
    compliance = pd.DataFrame(rows).T[["estimate", "ci_low", "ci_high", "p_value"]]
    depends = bool((compliance["p_value"] < MNAR_ALPHA).any())
    return MissingnessCheck(
        compliance=compliance, share_rated=share, depends=depends, notes=_notes(compliance, share, outcome)
    )


def _notes(compliance: pd.DataFrame, share: float, outcome: str) -> list[str]:
    """Plain sentences about the check."""
    run, prev = compliance.iloc[0], compliance.iloc[1]
    text = (
        f"{share:.0%} of the days with data have a {outcome} rating. A rating was "
        f"{abs(run['estimate']):.1f} percentage points {'more' if run['estimate'] >= 0 else 'less'} likely on "
        f"run days (95% CI {run['ci_low']:+.1f} to {run['ci_high']:+.1f}), and {abs(prev['estimate']):.1f} "
        f"points {'more' if prev['estimate'] >= 0 else 'less'} likely per point of the previous day's {outcome} "
        f"(95% CI {prev['ci_low']:+.1f} to {prev['ci_high']:+.1f})."
    )
    if (compliance["p_value"] < MNAR_ALPHA).any():
        text += (
            " Whether a day is rated depends on running or mood here, so the unrated days may "
            "differ from the rated ones; see the sensitivity analysis."
        )
    else:
        text += " No sign that rating depends on running or on the previous day's mood."
    return [text]


def _within_fit(y: np.ndarray, X: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Least-squares coefficients after centring every column on the person's mean."""
    frame = pd.DataFrame(np.column_stack([y, X]))
    centred = (frame - frame.groupby(groups).transform("mean")).to_numpy()
    coef, *_ = np.linalg.lstsq(centred[:, 1:], centred[:, 0], rcond=None)
    return np.asarray(coef)


def pattern_mixture(
    filled: Design, missing: np.ndarray, effects: pd.DataFrame, delta: float = SENSITIVITY_DELTA
) -> pd.DataFrame:
    """How far each run effect moves if unrated days were ``delta`` residual SDs lower.

    Parameters
    ----------
    filled
        The model's design over every day with the predictors, the unrated days holding
        any number as their outcome.
    missing
        Which rows of ``filled`` are unrated.
    effects
        The reported effects (``term``, ``part``, ``estimate``).
    delta
        How many residual SDs below the prediction the unrated days are taken to be.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``part``, ``estimate``, ``shift``, ``bound``.
    """
    cols = [c for c in filled.X.columns if c != "const" and not c.endswith("_between")]
    X = filled.X[cols].to_numpy(dtype=float)
    y = filled.y.to_numpy(dtype=float).copy()
    groups, seen = np.asarray(filled.groups), ~missing
    if seen.sum() < len(cols) + 3 or missing.sum() == 0:
        raise InsufficientDataError("too few rated or unrated days for the sensitivity analysis")
    coef = _within_fit(y[seen], X[seen], groups[seen])
    level = pd.Series(y[seen] - X[seen] @ coef).groupby(groups[seen]).mean()
    predicted = level.reindex(groups).to_numpy() + X @ coef
    resid_sd = float(np.std(y[seen] - predicted[seen], ddof=len(cols) + level.size))
    rows = []
    for shift_sd in (0.0, delta):
        y[missing] = predicted[missing] - shift_sd * resid_sd
        rows.append(_within_fit(y, X, groups))
    moved = pd.Series(rows[1] - rows[0], index=cols)
    out = []
    for col, (var, part) in filled.term_info.items():
        if col in moved.index and part == "within":
            found = effects[(effects["term"] == var) & (effects["part"] == part)]
            if len(found):
                est = float(found["estimate"].iloc[0])
                out.append({"term": var, "part": part, "estimate": est, "shift": moved[col], "bound": est + moved[col]})
    return pd.DataFrame(out, columns=["term", "part", "estimate", "shift", "bound"])
