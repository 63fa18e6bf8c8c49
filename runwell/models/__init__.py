"""Mixed models of mood against run duration and frequency, with tidy, honest results.

The daily-diary recipe (see DESIGN.md, "Models in one paragraph"):

* each run variable is split into a person mean (*between*) and the day's deviation
  from it (*within*), entered as separate terms;
* a random intercept per participant and a random slope for the within-person
  duration effect;
* covariates for weekday and a study-day trend;
* lags only across consecutive days, and a lagged outcome is never person-centred.

The mixed model is fitted by REML with the fast engine (:mod:`~runwell.models.fast`:
per-person sufficient statistics, statsmodels' estimates to 1e-4), and with statsmodels'
:class:`~statsmodels.regression.mixed_linear_model.MixedLM`, the reference, when it does
not converge. Run minutes are rescaled to 30-minute units before fitting (in plain
minutes the random-slope fit warns and stops at worse optima) and every number is
reported per natural unit ("per 30 min", "per extra run a week"). Several optimizers are
tried and the best likelihood kept; fits showing statsmodels issue 10239 (lbfgs returns
person-level coefficients of exactly zero when the random-intercept variance collapses,
while claiming convergence) are rejected.

MixedLM assumes independent residuals, which daily moods are not, so the result reports
the residual lag-1 autocorrelation and a robust check beside the mixed model: person
fixed effects with cluster-robust standard errors. One participant alone is a time
series: it is fitted as a regression with AR(1) errors (feasible GLS over consecutive days;
in benchmarks/model_recovery.py its intervals covered better than OLS with Newey-West
errors, which were too narrow for the 7-day frequency), and the result says so.

Every estimate is an association. Readings say "on days when..." and never "running
causes...".

This package face re-exports the public names of its modules; each module has one job:

* :mod:`~runwell.models.units`: natural units of run variables, names of outcomes;
* :mod:`~runwell.models.design`: response, within/between terms, covariates;
* :mod:`~runwell.models.mixed`: the engine and optimizer search;
* :mod:`~runwell.models.fast`, :mod:`~runwell.models.fastlm`: the fast engine;
* :mod:`~runwell.models.robust`: robust OLS, person fixed effects, AR(1) regression;
* :mod:`~runwell.models.diagnostics`: residual autocorrelation and the robust check;
* :mod:`~runwell.models.effects`: tidy tables of fixed effects;
* :mod:`~runwell.models.wording`: plain-language readings;
* :mod:`~runwell.models.result`: :class:`MoodModelResult`;
* :mod:`~runwell.models.fit`: the public fits.
"""

from __future__ import annotations

from runwell.models.design import (
    MIN_PARTICIPANTS_BETWEEN,
    MIN_PARTICIPANTS_SLOPE,
    MIN_SPARE_OBS,
    split_within_between,
)
from runwell.models.diagnostics import AUTOCORR_WARN, ROBUST_SE_RATIO_WARN
from runwell.models.fit import fit_acute_model, fit_mood_model, fit_naive_pooled
from runwell.models.mixed import BOUNDARY_REL, FALLBACK_OPTIMIZERS, LLF_AGREE, OPTIMIZERS
from runwell.models.result import MoodModelResult
from runwell.models.robust import newey_west_lags, robust_ols, within_person_ols
from runwell.models.units import OUTCOME_WORDS, UNITS, unit_of
from runwell.models.wording import decimals_for

__all__ = [
    "MoodModelResult",
    "fit_mood_model",
    "fit_acute_model",
    "fit_naive_pooled",
    "within_person_ols",
    "split_within_between",
    "newey_west_lags",
    "robust_ols",
    "unit_of",
    "decimals_for",
    "OPTIMIZERS",
    "FALLBACK_OPTIMIZERS",
    "LLF_AGREE",
    "UNITS",
    "OUTCOME_WORDS",
    "AUTOCORR_WARN",
    "BOUNDARY_REL",
    "ROBUST_SE_RATIO_WARN",
    "MIN_PARTICIPANTS_BETWEEN",
    "MIN_PARTICIPANTS_SLOPE",
    "MIN_SPARE_OBS",
]
