"""MixedLM fitting (runwell.models.mixed): issue 10239 rejection and the optimizer search."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM

from runwell.errors import InsufficientDataError
from runwell.models import fit_mood_model
from runwell.models.mixed import Attempt, two_agree, zeroed_person_terms
from runwell.simulate import SimulatedPanel


def test_zeroed_person_terms_are_detected() -> None:
    X = pd.DataFrame(
        {
            "const": 1.0,
            "run_min_between": [1.0, 1.0, 2.0, 2.0],
            "run_min_within": [0.5, -0.5, 1, -1],
        }
    )
    broken = SimpleNamespace(fe_params=pd.Series({"const": 0.0, "run_min_between": 0.0, "run_min_within": 0.3}))
    assert zeroed_person_terms(broken, X, ["run_min_between"]) == [
        "const",
        "run_min_between",
    ]
    fine = SimpleNamespace(fe_params=pd.Series({"const": 5.0, "run_min_between": 0.7, "run_min_within": 0.3}))
    assert zeroed_person_terms(fine, X, ["run_min_between"]) == []


def test_fits_showing_issue_10239_are_rejected(monkeypatch: pytest.MonkeyPatch, sim: SimulatedPanel) -> None:
    original = MixedLM.fit

    def buggy_fit(self, *args, **kwargs):  # mimic statsmodels issue 10239 for two optimizers
        res = original(self, *args, **kwargs)
        if kwargs.get("method") in ("bfgs", "lbfgs"):
            fe = res.fe_params.copy()
            fe[["const", "run_min_between", "runs_7d_between"]] = 0.0
            res.fe_params = fe
        return res

    monkeypatch.setattr(MixedLM, "fit", buggy_fit)
    fit = fit_mood_model(sim.panel, outcome="mood", engine="statsmodels")
    assert fit.optimizer in ("cg", "powell", "nm")
    assert fit.effect("run_min", "between")["estimate"] != 0.0
    assert any("10239" in d for d in fit.diagnostics)
    rejected = fit.attempts.set_index("optimizer").loc[["bfgs", "lbfgs"], "valid"]
    assert not rejected.any()


def test_two_optimizers_agreeing_stop_the_search() -> None:
    def attempt(llf: float, notes: list[str] | None = None) -> Attempt:
        return Attempt("x", None, llf, True, True, notes or [])

    assert two_agree([attempt(-10.0), attempt(-10.0001)])
    assert not two_agree([attempt(-10.0), attempt(-10.5)])
    assert not two_agree([attempt(-10.0, ["boundary"]), attempt(-10.0)])


def test_fits_without_finite_standard_errors_are_not_results(
    monkeypatch: pytest.MonkeyPatch, sim: SimulatedPanel
) -> None:
    original = MixedLM.fit
    broken_methods = {"bfgs", "lbfgs"}

    def nan_se_fit(self, *args, **kwargs):  # a "converged" fit with NaN standard errors
        res = original(self, *args, **kwargs)
        if kwargs.get("method") in broken_methods:
            res.bse_fe = res.bse_fe * float("nan")
        return res

    monkeypatch.setattr(MixedLM, "fit", nan_se_fit)
    fit = fit_mood_model(sim.panel, outcome="mood", slope_interval=False, check_missing=False, engine="statsmodels")
    assert fit.optimizer not in broken_methods
    assert fit.effects["se"].notna().all() and "nan" not in " ".join(fit.readings)
    assert any("not finite" in d for d in fit.diagnostics)
    broken_methods.update({"cg", "powell", "nm"})
    with pytest.raises(InsufficientDataError, match="could not be fitted"):
        fit_mood_model(sim.panel, outcome="mood", slope_interval=False, check_missing=False, engine="statsmodels")
