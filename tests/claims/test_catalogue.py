"""The claim catalogue: each claim declared once, its thresholds matching its analysis."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest

from runwell.claims import CLAIMS, Claim, check_claims
from runwell.claims.analyses import short_run_lift
from runwell.simulate import simulate_panel


def test_numbers_and_names_are_unique_and_in_order() -> None:
    assert [c.number for c in CLAIMS] == list(range(1, len(CLAIMS) + 1))
    assert len({c.name for c in CLAIMS}) == len(CLAIMS)
    assert [c.number for c in CLAIMS if not c.is_test] == [10]


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.name)
def test_thresholds_are_the_analysis_keywords(claim: Claim) -> None:
    params = inspect.signature(claim.analysis).parameters.values()
    keywords = {p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}
    extra = set() if claim.is_test else {"low_mood_threshold"}
    assert keywords == set(claim.thresholds) | extra
    assert "{" not in claim.tested and "}" not in claim.tested
    assert claim.observation in {"days", "runs", "person-weeks", "participants"}


def test_claims_are_frozen_and_hashable() -> None:
    claim = CLAIMS[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        claim.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        claim.thresholds["short_run_min"] = 20.0  # type: ignore[index]
    assert len(set(CLAIMS)) == len(CLAIMS)
    assert claim.min_count == 10 and CLAIMS[2].min_count is None
    assert pickle.loads(pickle.dumps(CLAIMS)) == CLAIMS
    assert copy.deepcopy(claim) == claim


def test_thresholds_fill_the_wording() -> None:
    claim = Claim(
        1,
        "short",
        "Short runs help.",
        "Runs under {short_run_min:g} min.",
        1,
        analysis=short_run_lift,
        thresholds={"short_run_min": 12.0, "min_count": 5},
    )
    assert claim.tested == "Runs under 12 min."


def test_a_claim_declared_once_is_checked() -> None:
    """check_claims runs whatever the catalogue declares, in its order."""
    sim = simulate_panel(3, 42, seed=5)
    table = check_claims(sim.panel, sim.run_panel)
    assert list(table["claim"]) == [c.number for c in CLAIMS]
    assert list(table["tested"]) == [c.tested for c in CLAIMS]
