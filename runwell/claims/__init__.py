"""Popular claims about running and mental health, as named, testable hypotheses.

:func:`check_claims` tests nine claims from running and mental-health articles against a
person's (or a study's) daily panel, and raises one kind flag (claim 10). Every test is
*within-person*: people are compared with themselves on other days, so stable
differences between people (who runs, who is happier) cannot drive the answer. The
answers are still associations: verdicts say "on days when..." and never "running
causes...".

Rules applied to every claim
----------------------------
* Verdicts: ``supported`` (estimate in the claimed direction and significant after a
  Benjamini-Hochberg false-discovery-rate correction across the tested claims),
  ``opposite`` (significant in the other direction), ``inconclusive`` (not significant)
  or ``not enough data`` (the data-sufficiency rule of the claim failed).
* Every comparison adjusts for the weekday, as the mood model does (claim 4 for the
  weekday of the night measured).
* Intervals hold their level with short, autocorrelated series: one participant's claims
  are regressions with AR(1) errors over consecutive days, leave-one-day-out jackknife
  errors and Bell-McCaffrey t intervals; several participants' are person fixed effects
  with leave-one-participant-out jackknife errors and Bell-McCaffrey t intervals, and
  claim 2 is the mood model (intervals of the same kind). Under no effect at all,
  reports of one person (180 days, also on a fixed weekday schedule) and of 30 x 120
  cohorts declared any claim supported or opposite in 2-4% of simulated reports, of one
  person over 365 days in 4.7 ± 0.5% (benchmarks/calibration.py, README).
* Data sufficiency: at least :data:`MIN_DAYS_PER_CONDITION` days in each condition
  compared (or the claim's own ``min_count``) and :data:`MIN_MOOD_DAYS` days with a
  rating; fewer than :data:`STABLE_DAYS` days per participant earns a note. An
  inconclusive claim's note says whether the data could have detected the smallest
  effect of interest fixed in advance (:data:`SESOI_SD` within-person SDs, 80% power).

Modules
-------
:mod:`~runwell.claims.catalogue`
    The claims, each declared once with its wording, thresholds and analysis.
:mod:`~runwell.claims.analyses`
    The analysis of each tested claim; :mod:`~runwell.claims.findings` the regressions
    they share; :mod:`~runwell.claims.days` reading the panel; :mod:`~runwell.claims.rules`
    the data-sufficiency rules.
:mod:`~runwell.claims.verdicts`
    The FDR correction, verdicts, readings and data notes.
:mod:`~runwell.claims.care`
    The flag of claim 10 (never a diagnosis).
:mod:`~runwell.claims.check`
    :func:`check_claims`.
"""

from runwell.claims.catalogue import CLAIMS, Claim
from runwell.claims.check import COLUMNS, check_claims
from runwell.claims.rules import MIN_DAYS_PER_CONDITION, MIN_MOOD_DAYS, SESOI_SD, STABLE_DAYS
from runwell.claims.verdicts import VERDICTS

__all__ = [
    "CLAIMS",
    "Claim",
    "check_claims",
    "COLUMNS",
    "VERDICTS",
    "MIN_DAYS_PER_CONDITION",
    "MIN_MOOD_DAYS",
    "SESOI_SD",
    "STABLE_DAYS",
]
