"""The data-sufficiency rules every claim is held to.

A claim is only tested when the panel has :data:`MIN_MOOD_DAYS` days with a mood rating
and each condition it compares has enough days (by default
:data:`MIN_DAYS_PER_CONDITION`; each claim declares its own minimum in
:mod:`runwell.claims.catalogue`). A failed rule raises :class:`NotEnough`, which the
claim's row reports as ``not enough data``. Fewer than :data:`STABLE_DAYS` days per
participant earns a note that answers may change with more data.
"""

from __future__ import annotations

import pandas as pd

from runwell.errors import RunwellError

__all__ = [
    "MIN_DAYS_PER_CONDITION",
    "MIN_MOOD_DAYS",
    "POWER",
    "SESOI_SD",
    "STABLE_DAYS",
    "NotEnough",
    "count_rule",
    "need",
]

#: Fewest days (or runs, or person-weeks) in each condition compared by a claim. Set from
#: measured calibration: in 800 simulated single-person records of 365 days with no
#: effect (AR(1) 0.3), contrasts with 2-9 days in the smaller condition rejected at p <
#: 0.05 in 6.3% of 880 tests (8% at 5-6 days), with 10 or more in 5.1% of 2,732.
MIN_DAYS_PER_CONDITION = 10
#: The smallest effect of interest, fixed in advance: this many within-person SDs of the
#: claim's outcome (per unit of its comparison). Data notes say whether the data could
#: detect it, instead of computing power from the observed estimate.
SESOI_SD = 0.2
#: Power at which the smallest effect of interest counts as detectable.
POWER = 0.8
#: Fewest days with a mood rating before any claim is tested.
MIN_MOOD_DAYS = 14
#: Days per participant below which answers are flagged as possibly unstable.
STABLE_DAYS = 30


class NotEnough(RunwellError):
    """A claim's data-sufficiency rule failed (the message says why)."""


def need(panel: pd.DataFrame, columns: list[str], why: str) -> None:
    """Raise :class:`NotEnough` naming the columns a claim needs but lacks.

    Parameters
    ----------
    panel
        The panel the claim reads.
    columns
        Columns it needs.
    why
        What they are needed for, completing "needed to ...".
    """
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise NotEnough(f"the panel has no {', '.join(missing)} column(s), needed to {why}")


def count_rule(counts: dict[str, int], minimum: int = MIN_DAYS_PER_CONDITION) -> None:
    """Raise :class:`NotEnough` when any condition has fewer than ``minimum`` days.

    Parameters
    ----------
    counts
        Days (or runs, or person-weeks) per condition, keyed by the condition's name.
    minimum
        Fewest allowed in each.
    """
    short = {k: v for k, v in counts.items() if v < minimum}
    if short:
        have = ", ".join(f"{v} {k}" for k, v in counts.items())
        raise NotEnough(f"needs at least {minimum} in each condition; has {have}")
