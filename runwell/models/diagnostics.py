"""Checks reported beside a fit: residual autocorrelation and the robust comparison.

MixedLM assumes independent residuals, which daily moods are not, so every result
reports the residual lag-1 autocorrelation over consecutive days and, for several
participants, a robust check: person fixed effects with cluster-robust standard errors,
with a note when its interval is much wider than the reported one.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from runwell.errors import InsufficientDataError
from runwell.models.design import Design
from runwell.models.effects import effects_from_fixed
from runwell.models.robust import within_person_ols
from runwell.models.units import unit_of
from runwell.models.wording import decimals_for

__all__ = [
    "AUTOCORR_WARN",
    "ROBUST_SE_RATIO_WARN",
    "lag1_autocorrelation",
    "autocorr_note",
    "wider_interval_note",
    "robust_check",
]

#: Residual lag-1 autocorrelation above which the diagnostics warn (absolute value).
AUTOCORR_WARN = 0.1
#: Robust-check standard error, as a multiple of the reported (cluster-robust) one, above
#: which the diagnostics point to the person-fixed-effects interval.
ROBUST_SE_RATIO_WARN = 1.2


def lag1_autocorrelation(resid: np.ndarray, groups: np.ndarray, day: np.ndarray) -> float:
    """Pooled lag-1 correlation of residuals on consecutive days of the same person.

    Parameters
    ----------
    resid
        Residual of each row.
    groups
        Participant of each row.
    day
        Day number of each row.

    Returns
    -------
    float
        The correlation of person-centred residuals with the previous day's, over pairs
        of consecutive days; NaN with fewer than 10 pairs.
    """
    frame = pd.DataFrame({"g": groups, "d": day, "r": resid}).sort_values(["g", "d"])
    prev_r = frame.groupby("g", sort=False)["r"].shift(1)
    prev_d = frame.groupby("g", sort=False)["d"].shift(1)
    ok = (frame["d"] - prev_d == 1) & prev_r.notna()
    if ok.sum() < 10:
        return float("nan")
    centred = frame["r"] - frame.groupby("g", sort=False)["r"].transform("mean")
    prev_c = centred.groupby(frame["g"], sort=False).shift(1)
    a, b = centred[ok].to_numpy(), prev_c[ok].to_numpy()
    denom = math.sqrt(float(np.sum(a**2)) * float(np.sum(b**2)))
    return float(np.sum(a * b) / denom) if denom > 0 else float("nan")


def autocorr_note(r: float, single: bool = False) -> str:
    """Plain words about the residual lag-1 autocorrelation.

    Parameters
    ----------
    r
        The autocorrelation (:func:`lag1_autocorrelation`).
    single
        Whether the fit is one participant's AR(1) regression.

    Returns
    -------
    str
        The note.
    """
    if not np.isfinite(r):
        return "Too few consecutive days to check whether residuals are autocorrelated."
    if abs(r) <= AUTOCORR_WARN:
        return f"Residuals on consecutive days are nearly independent (lag-1 r = {r:.2f})."
    sign = "positively" if r > 0 else "negatively"
    if single:
        return (
            f"Residuals on consecutive days are {sign} correlated (lag-1 r = {r:.2f}); the "
            "AR(1) regression models this, but with few days it is approximate."
        )
    return (
        f"Residuals on consecutive days are {sign} correlated (lag-1 r = {r:.2f}); the "
        "mixed model assumes they are not, which is why its intervals are cluster-robust "
        "by participant (they allow for any correlation of one person's days)."
    )


def wider_interval_note(col: str, design: Design, fixed: pd.DataFrame, robust: pd.DataFrame) -> str | None:
    """A note recommending the robust interval of ``col`` when its SE is much wider.

    Parameters
    ----------
    col
        Design column of a within-person (or lagged) term.
    design
        The model's design (for the term's panel variable).
    fixed
        Fixed-effect table of the mixed model.
    robust
        Table of the robust check (person fixed effects, cluster-robust errors).

    Returns
    -------
    str or None
        The note, or ``None`` when the term is missing from either table or the robust
        standard error is at most :data:`ROBUST_SE_RATIO_WARN` times the mixed model's.
    """
    if col not in fixed.index or col not in robust.index or not fixed.loc[col, "se"] > 0:
        return None
    ratio = float(robust.loc[col, "se"] / fixed.loc[col, "se"])
    if not ratio > ROBUST_SE_RATIO_WARN:
        return None
    var = design.term_info[col][0]
    lo, hi = robust.loc[col, "ci_low"], robust.loc[col, "ci_high"]
    d = decimals_for(float(robust.loc[col, "se"]))
    return (
        f"The robust check's standard error for the within-person {var} effect is "
        f"{ratio:.1f} times the reported one; consider its wider interval "
        f"({lo:+.{d}f} to {hi:+.{d}f} {unit_of(var)[1]})."
    )


def _robust_notes(design: Design) -> list[str]:
    """Caveats of the robust check: Nickell bias for a lagged outcome, few clusters."""
    notes = []
    if any(p in ("lagged", "previous day") for _, p in design.term_info.values()):
        notes.append(
            "In the robust check today's value is person-centred, which biases its own "
            "coefficient towards zero in short series (Nickell bias); read it for the run "
            "terms only."
        )
    if design.n_groups < 20:
        notes.append(
            f"With only {design.n_groups} participants, cluster-robust standard errors are themselves imprecise."
        )
    return notes


def robust_check(design: Design, fixed: pd.DataFrame, single: bool) -> tuple[pd.DataFrame | None, list[str]]:
    """Person fixed effects with cluster-robust SEs, and notes comparing intervals.

    Parameters
    ----------
    design
        The model's design.
    fixed
        Fixed-effect table of the mixed model.
    single
        Whether the model is of one participant (then there is no robust check).

    Returns
    -------
    tuple
        The robust table (effects layout without readings, plus ``method``) or
        ``None``, and the notes for the diagnostics.
    """
    within_terms = [
        c for c, (_, p) in design.term_info.items() if p in ("within", "lagged", "previous day") and c in design.X
    ]
    if single or not within_terms:
        return None, []
    controls = [c for c in design.X.columns if c != "const" and c not in design.term_info]
    data = design.X.assign(participant_id=design.groups, _y=design.y.to_numpy())
    try:
        table, method, _ = within_person_ols(data, "_y", within_terms, controls=controls)
    except InsufficientDataError as err:
        return None, [f"The robust check could not be run: {err}."]
    rob = effects_from_fixed(table, design, "people").drop(columns="reading")
    rob.insert(2, "method", method)
    notes = [note for col in within_terms if (note := wider_interval_note(col, design, fixed, table)) is not None]
    return rob, notes + _robust_notes(design)
