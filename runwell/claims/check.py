"""The public entry point: :func:`check_claims` runs every claim of the catalogue.

Each tested claim's analysis gives a finding; the findings are FDR-corrected together
and turned into verdicts and readings naming each estimate's scale
(:mod:`runwell.claims.verdicts`); the flag of claim
10 (:mod:`runwell.claims.care`) adds its own row. The table has one row per claim of
:data:`runwell.claims.catalogue.CLAIMS`, in its order.
"""

from __future__ import annotations

import pandas as pd

from runwell.claims.catalogue import CLAIMS, Claim
from runwell.claims.days import sorted_panel
from runwell.claims.findings import Finding
from runwell.claims.rules import MIN_MOOD_DAYS, NotEnough
from runwell.claims.verdicts import data_note, fdr_q_values, reading, verdict
from runwell.errors import InsufficientDataError
from runwell.models import outcome_scale

__all__ = ["COLUMNS", "check_claims"]

#: The columns of the claims table, in order.
COLUMNS = [
    "claim",
    "name",
    "claim_text",
    "tested",
    "estimate",
    "ci_low",
    "ci_high",
    "unit",
    "outcome_unit",
    "p_value",
    "q_value",
    "n_participants",
    "n",
    "method",
    "verdict",
    "reading",
    "data_note",
]


def _mood_days(panel: pd.DataFrame) -> int:
    """Days with a mood rating; raise when there are too few to test any claim."""
    if "participant_id" not in panel.columns:
        raise InsufficientDataError("the panel has no participant_id column; build it with runwell's panel functions")
    n_mood = int(panel["mood"].notna().sum()) if "mood" in panel.columns else 0
    if n_mood < MIN_MOOD_DAYS:
        raise InsufficientDataError(
            f"checking the claims needs at least {MIN_MOOD_DAYS} days with a mood rating; "
            f"the panel has {n_mood}. Log mood for about {MIN_MOOD_DAYS - n_mood} more days."
        )
    return n_mood


def _examine(claim: Claim, panel: pd.DataFrame, run_panel: pd.DataFrame | None) -> Finding:
    """Run one tested claim's analysis, turning data-sufficiency failures into a finding."""
    try:
        found: Finding = claim.analysis(panel, run_panel, **claim.thresholds)
    except NotEnough as err:
        return Finding(enough=False, note=f"Not enough data: {err}.")
    return found


def _findings(
    tests: list[Claim], panel: pd.DataFrame, run_panel: pd.DataFrame | None, n_mood: int, scale: str | None
) -> dict[int, Finding]:
    """The finding of each tested claim, with its scale and the counts its notes use.

    Claims observed on the daily panel are judged by the panel's mood days per
    participant; claims observed on runs keep their own count (the run panel counts
    runs, not days).
    """
    findings = {c.number: _examine(c, panel, run_panel) for c in tests}
    mood_days_per_person = n_mood / max(int(panel.loc[panel["mood"].notna(), "participant_id"].nunique()), 1)
    for claim in tests:
        found = findings[claim.number]
        found.outcome_unit = outcome_scale(claim.outcome, panel.attrs, scale)
        if claim.observation != "runs":
            found.per_person = mood_days_per_person
    return findings


def _identity(claim: Claim) -> dict[str, object]:
    """The columns that name the claim."""
    return {"claim": claim.number, "name": claim.name, "claim_text": claim.text, "tested": claim.tested}


def _test_row(claim: Claim, found: Finding, q: float, n_tested: int, alpha: float) -> dict[str, object]:
    """The table row of one tested claim."""
    said = verdict(found, q, claim.direction, alpha)
    return {
        **_identity(claim),
        "estimate": found.estimate,
        "ci_low": found.ci_low,
        "ci_high": found.ci_high,
        "unit": found.unit,
        "outcome_unit": found.outcome_unit if found.enough else "",
        "p_value": found.p_value,
        "q_value": q,
        "n_participants": found.n_participants,
        "n": found.n,
        "method": found.method,
        "verdict": said,
        "reading": reading(found, said, n_tested),
        "data_note": data_note(found, said, claim.sesoi, "rated runs" if claim.observation == "runs" else "days"),
    }


def _flag_row(
    claim: Claim, panel: pd.DataFrame, run_panel: pd.DataFrame | None, low_mood_threshold: float | None
) -> dict[str, object]:
    """The table row of the flag (claim 10)."""
    fields = claim.analysis(panel, run_panel, low_mood_threshold=low_mood_threshold, **claim.thresholds)
    return {**_identity(claim), **fields}


def check_claims(
    panel: pd.DataFrame,
    run_panel: pd.DataFrame | None = None,
    *,
    alpha: float = 0.05,
    low_mood_threshold: float | None = None,
    scale: str | None = None,
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
    scale
        Words for the mood scale (e.g. ``"points on your Daylio 1-5 scale"``); by default
        from ``panel.attrs`` (see :func:`runwell.models.outcome_scale`).

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``claim``, ``name``, ``claim_text``, ``tested``,
        ``estimate``, ``ci_low``, ``ci_high``, ``unit`` (the comparison),
        ``outcome_unit`` (the estimate's scale, e.g. ``"points on the 1-5 scale"``,
        ``"hours"``), ``p_value``, ``q_value`` (FDR-adjusted), ``n_participants``, ``n``,
        ``method``, ``verdict`` (``supported``, ``inconclusive``, ``opposite``, ``not
        enough data``; claim 10: ``flag``, ``no flag`` or ``not enough data``),
        ``reading`` (plain words naming the scale) and ``data_note``.

    Raises
    ------
    InsufficientDataError
        When the panel holds fewer than :data:`~runwell.claims.rules.MIN_MOOD_DAYS` days
        with a mood rating.

    Examples
    --------
    >>> from runwell.simulate import simulate_panel
    >>> sim = simulate_panel(10, 42, seed=2)
    >>> table = check_claims(sim.panel, sim.run_panel)
    >>> list(table["claim"])
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    """
    n_mood = _mood_days(panel)
    panel = sorted_panel(panel)
    tests = [c for c in CLAIMS if c.is_test]
    findings = _findings(tests, panel, run_panel, n_mood, scale)
    q_values, n_tested = fdr_q_values(findings, alpha)
    rows = [
        _test_row(c, findings[c.number], q_values[c.number], n_tested, alpha)
        if c.is_test
        else _flag_row(c, panel, run_panel, low_mood_threshold)
        for c in CLAIMS
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"n_participants": "int64", "n": "int64"})
