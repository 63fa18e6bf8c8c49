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
  ``opposite`` (significant in the other direction), ``not supported`` (not
  significant) or ``not enough data`` (the data-sufficiency rule of the claim failed).
* Data sufficiency: at least :data:`MIN_DAYS_PER_CONDITION` days in each condition
  compared (or the claim's own ``min_count``) and :data:`MIN_MOOD_DAYS` days with a
  rating; fewer than :data:`STABLE_DAYS` days per participant earns a note that answers
  may change with more data, and an inconclusive result gets an estimate of how many
  days a stable answer would need.
* Standard errors are robust to day-to-day autocorrelation: clustered by participant
  when there are several, Newey-West (HAC) for one participant (claim 2 uses
  :func:`runwell.fit_mood_model`, which fits one participant with AR(1) errors).

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
from runwell.claims.rules import MIN_DAYS_PER_CONDITION, MIN_MOOD_DAYS, STABLE_DAYS
from runwell.claims.verdicts import VERDICTS

__all__ = [
    "CLAIMS",
    "Claim",
    "check_claims",
    "COLUMNS",
    "VERDICTS",
    "MIN_DAYS_PER_CONDITION",
    "MIN_MOOD_DAYS",
    "STABLE_DAYS",
]
