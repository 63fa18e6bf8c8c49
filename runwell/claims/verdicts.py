"""From estimates to verdicts: the FDR correction, the verdict, its reading and data notes.

* :func:`fdr_q_values` adjusts the p-values of the tested claims together
  (Benjamini-Hochberg). Under the null of no effect at all this is Simes' test, so a
  report declares any claim supported or opposite in at most ``alpha`` of reports when
  each test holds its level (measured in benchmarks/calibration.py).
* :func:`verdict`: ``supported`` (estimate in the claimed direction, q below alpha),
  ``opposite`` (significant the other way), ``inconclusive`` (the interval, after the
  correction, cannot tell the estimate from none) or ``not enough data``.
* :func:`reading` says what was seen in one plain sentence naming the estimate's scale,
  as an association and never as a cause; :func:`data_note` says whether the data could
  have detected the smallest effect of interest stated in advance (a design
  calculation, never power computed from the observed estimate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from runwell.claims.findings import Finding
from runwell.claims.rules import POWER, STABLE_DAYS
from runwell.models import decimals_for
from runwell.models.wording import split_unit

__all__ = ["VERDICTS", "data_note", "days_for_target", "fdr_q_values", "reading", "verdict"]

#: The verdicts of a tested claim.
VERDICTS = ("supported", "inconclusive", "opposite", "not enough data")

#: z-values of a two-sided 5% test with :data:`~runwell.claims.rules.POWER` power.
_POWER_Z = stats.norm.ppf(0.975) + stats.norm.ppf(POWER)


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


def days_for_target(found: Finding, sesoi_sd: float) -> float:
    """Observations per participant needed to detect the smallest effect of interest.

    The target is ``sesoi_sd`` within-person SDs of the outcome, fixed in advance (not
    the observed estimate). The standard error of this analysis already allows for
    day-to-day autocorrelation (AR(1) errors for one person, cluster-robust errors for
    several); it is scaled as 1/sqrt(observations) to find where a two-sided 5% test has
    :data:`~runwell.claims.rules.POWER` power.

    Returns
    -------
    float
        Observations per participant; ``inf`` when the standard error or SD is unknown.
    """
    target = sesoi_sd * found.outcome_sd
    if not (np.isfinite(found.se) and np.isfinite(found.per_person) and np.isfinite(target) and target > 0):
        return float("inf")
    return found.per_person * (_POWER_Z * found.se / target) ** 2


def verdict(found: Finding, q: float, direction: int, alpha: float) -> str:
    """Supported, opposite or inconclusive from the FDR-adjusted q-value.

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
    return "inconclusive"


def reading(found: Finding, verdict: str, n_tested: int) -> str:
    """One plain sentence: what was seen on which scale, its interval, what it means for the claim."""
    if verdict == "not enough data":
        return f"Not enough data to test this claim: {found.note.removeprefix('Not enough data: ')}"
    d = decimals_for(found.se)
    amount, where = split_unit(found.outcome_unit)
    direction = "higher" if found.estimate >= 0 else "lower"
    ci = f"95% CI {found.ci_low:+.{d}f} to {found.ci_high:+.{d}f} {amount}"
    size = f"{abs(found.estimate):.{d}f} {amount} {direction}{where}"
    seen = f"{found.subject}, {found.measure} was {size} {found.comparison}".rstrip()
    verdict_words = {
        "supported": "consistent with the claim, as an association rather than proof of cause",
        "opposite": "the opposite of what the claim says (an association, not proof of cause)",
        "inconclusive": (
            f"inconclusive: not clearly different from no difference once {n_tested} claims are tested together"
        ),
    }[verdict]
    return f"{seen} ({ci}): {verdict_words}.{found.detail}"


def data_note(found: Finding, verdict: str, sesoi_sd: float, observation: str = "days") -> str:
    """Data notes: could these data detect the smallest effect of interest? Short records.

    Parameters
    ----------
    found
        The claim's finding.
    verdict
        Its verdict.
    sesoi_sd
        The claim's smallest effect of interest, in within-person SDs of its outcome.
    observation
        What is counted per participant (``"days"``, ``"rated runs"``, ``"weeks"``).
    """
    if verdict == "not enough data":
        return ""
    notes = [found.note] if found.note else []
    if verdict == "inconclusive":
        needed = days_for_target(found, sesoi_sd)
        size = f"{sesoi_sd:g} SD ({sesoi_sd * found.outcome_sd:.2g} {split_unit(found.outcome_unit)[0]})"
        if not np.isfinite(needed):
            pass
        elif needed <= found.per_person:
            notes.append(
                f"These data could detect a difference of {size}, the smallest effect of interest set in "
                f"advance, with {POWER:.0%} power; an effect that large is unlikely to have been missed."
            )
        else:
            notes.append(
                f"Detecting a difference of {size}, the smallest effect of interest set in advance, with "
                f"{POWER:.0%} power would take about {math.ceil(needed)} {observation} per participant "
                f"(these data: {found.per_person:.0f})."
            )
    if observation == "days" and np.isfinite(found.per_person) and found.per_person < STABLE_DAYS:
        notes.append(f"Fewer than {STABLE_DAYS} days per participant: the answer may change with more data.")
    return " ".join(notes)
