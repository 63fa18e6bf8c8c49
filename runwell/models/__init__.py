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
reported per natural unit ("per 30 min", "per extra run a week") and names the outcome's
scale ("points on the 1-5 scale"). Several optimizers are tried and the best likelihood
kept; fits without finite standard errors, or showing statsmodels issue 10239, are
rejected, and when none is left the model says it could not be fitted.

MixedLM assumes independent residuals, which daily moods are not, so its reported
intervals are cluster-robust by participant (the leave-one-participant-out jackknife,
t with Bell-McCaffrey degrees of freedom, :mod:`~runwell.models.clustered`): in
simulated 30 x 120 cohorts with AR(1) 0.3 residuals the model's own intervals covered
the within-person frequency effect in 87-89% of fits (benchmarks/calibration.py,
README). The result also gives the residual lag-1 autocorrelation, a person
fixed-effects check, the slope SD with a profile-likelihood interval, each person's own
slope with an interval, and a check of whether ratings go missing with running or mood.
One participant alone is a time series: it is fitted as a regression with AR(1) errors
(feasible GLS over consecutive days) with t intervals, and the result says so.

Every estimate is an association. Readings say "on days when..." and never "running
causes...".

This package face re-exports the public names of its modules; each module has one job:

* :mod:`~runwell.models.units`: natural units of run variables, names of outcomes;
* :mod:`~runwell.models.design`: response, within/between terms, covariates;
* :mod:`~runwell.models.mixed`: the engine and optimizer search;
* :mod:`~runwell.models.fast`, :mod:`~runwell.models.fastlm`: the fast engine;
* :mod:`~runwell.models.sandwich`: cluster-robust intervals for the mixed model;
* :mod:`~runwell.models.randomfx`: random effects with their uncertainty;
* :mod:`~runwell.models.missingness`: rating compliance and a pattern-mixture bound;
* :mod:`~runwell.models.clustered`: cluster-robust inference for few participants;
* :mod:`~runwell.models.robust`: person fixed effects, AR(1) regression;
* :mod:`~runwell.models.diagnostics`: residual autocorrelation and the robust check;
* :mod:`~runwell.models.effects`: tidy tables of fixed effects;
* :mod:`~runwell.models.wording`: plain-language readings;
* :mod:`~runwell.models.result`: :class:`MoodModelResult`;
* :mod:`~runwell.models.fit`: the daily model; :mod:`~runwell.models.acute`: mood around
  each run and the naive pooled comparison.
"""

from __future__ import annotations

from runwell.models.acute import fit_acute_model, fit_naive_pooled
from runwell.models.clustered import cluster_robust_table
from runwell.models.design import (
    MIN_PARTICIPANTS_BETWEEN,
    MIN_PARTICIPANTS_SLOPE,
    MIN_SPARE_OBS,
    split_within_between,
)
from runwell.models.diagnostics import AUTOCORR_WARN, ROBUST_SE_RATIO_WARN
from runwell.models.fit import fit_mood_model
from runwell.models.missingness import MissingnessCheck, rating_compliance
from runwell.models.mixed import BOUNDARY_REL, FALLBACK_OPTIMIZERS, LLF_AGREE, OPTIMIZERS
from runwell.models.result import MoodModelResult
from runwell.models.robust import ar1_table, fit_ar1, within_person_ols
from runwell.models.units import OUTCOME_WORDS, UNITS, outcome_scale, scale_phrase, unit_of
from runwell.models.wording import decimals_for

__all__ = [
    "MoodModelResult",
    "MissingnessCheck",
    "rating_compliance",
    "ar1_table",
    "fit_ar1",
    "outcome_scale",
    "scale_phrase",
    "fit_mood_model",
    "fit_acute_model",
    "fit_naive_pooled",
    "within_person_ols",
    "split_within_between",
    "cluster_robust_table",
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
