"""From estimates to verdicts: the FDR correction, the verdict, its reading and data notes.

* :func:`fdr_q_values` adjusts the p-values of the tested claims together
  (Benjamini-Hochberg).
* :func:`verdict`: ``supported`` (estimate in the claimed direction, q below alpha),
  ``opposite`` (significant the other way), ``not supported`` or ``not enough data``.
* :func:`reading` says what was seen in one plain sentence, as an association and never
  as a cause; :func:`data_note` adds how many days a stable answer would need.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from runwell.claims.findings import Finding
from runwell.claims.rules import STABLE_DAYS
from runwell.models import decimals_for

__all__ = ["VERDICTS", "data_note", "days_needed", "fdr_q_values", "reading", "verdict"]

#: The verdicts of a tested claim.
VERDICTS = ("supported", "not supported", "opposite", "not enough data")

#: Power used to estimate how many days a stable answer would need.
_POWER_Z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)


def fdr_q_values(findings: Mapping[int, Finding], alpha: float) -> tuple[dict[int, float], int]:
    """Benjamini-Hochberg q-values of the findings that were tested.

    Parameters
    ----------
    findings
        Finding per claim number.
    alpha
        The false-discovery rate.

    Returns
    -------
    tuple
        ``(q_values, n_tested)``: q-value per claim number (NaN for claims not tested:
        not enough data or no finite p-value) and how many were tested together.
    """
    tested = [k for k, f in findings.items() if f.enough and np.isfinite(f.p_value)]
    q_values = dict.fromkeys(findings, float("nan"))
    if tested:
        adjusted = multipletests([findings[k].p_value for k in tested], alpha=alpha, method="fdr_bh")[1]
        q_values.update(zip(tested, map(float, adjusted), strict=True))
    return q_values, len(tested)


def days_needed(found: Finding) -> float:
    """Days per participant at which an effect of the observed size would be detected
    with 80% power (5% two-sided), by scaling the standard error as 1/sqrt(days)."""
    if not (np.isfinite(found.se) and np.isfinite(found.days_per_person)) or found.estimate == 0:
        return float("inf")
    return found.days_per_person * (_POWER_Z * found.se / abs(found.estimate)) ** 2


def verdict(found: Finding, q: float, direction: int, alpha: float) -> str:
    """Supported, opposite or not supported from the FDR-adjusted q-value.

    Parameters
    ----------
    found
        The claim's finding.
    q
        Its q-value.
    direction
        +1 when the claim predicts a positive estimate, -1 a negative one.
    alpha
        The false-discovery rate.

    Returns
    -------
    str
        One of :data:`VERDICTS`.
    """
    if not found.enough or not np.isfinite(found.estimate):
        return "not enough data"
    if np.isfinite(q) and q < alpha:
        return "supported" if np.sign(found.estimate) == direction else "opposite"
    return "not supported"


def reading(found: Finding, verdict: str, n_tested: int) -> str:
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
        "not supported": (f"not clearly different from no difference once {n_tested} claims are tested together"),
    }[verdict]
    return f"{seen} ({ci}): {verdict_words}."


def data_note(found: Finding, verdict: str) -> str:
    """Data-sufficiency notes: days a stable answer would need, short records."""
    if verdict == "not enough data":
        return ""
    notes = [found.note] if found.note else []
    if verdict == "not supported":
        needed = days_needed(found)
        if not np.isfinite(needed):
            notes.append("No sign of an effect at all, so more days may not change the answer.")
        elif needed > max(STABLE_DAYS, found.days_per_person):
            notes.append(
                f"A stable answer would need about {math.ceil(needed)} days per participant (more than {STABLE_DAYS})."
            )
    if np.isfinite(found.days_per_person) and found.days_per_person < STABLE_DAYS:
        notes.append(f"Fewer than {STABLE_DAYS} days per participant: the answer may change with more data.")
    return " ".join(notes)
