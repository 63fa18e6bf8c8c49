"""The within/between split: a person's mean of a variable and each day's deviation.

:func:`person_mean_split` is the one definition of the daily panel's ``<var>_within`` /
``<var>_between`` columns, used by the panel builder, the simulator and the models'
fallback for panels without them.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["WITHIN_BETWEEN_VARS", "add_within_between", "person_mean_split"]

#: Variables split into between-person mean and within-person deviation.
WITHIN_BETWEEN_VARS: tuple[str, ...] = ("ran", "run_min", "run_km", "runs_7d")


def person_mean_split(values: pd.Series, participant: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Within-person deviation and between-person mean of a variable.

    The one definition of the panel's ``<var>_within`` / ``<var>_between`` columns, used
    by the panel builder, the simulator and the models' fallback for panels without them.

    Parameters
    ----------
    values
        The variable, one value per row (missing values are left out of the means).
    participant
        The participant of each row, aligned with ``values``.

    Returns
    -------
    tuple of pandas.Series
        ``(within, between)``: each value minus its person's mean (missing where
        ``values`` is), and that mean on every row of the person (float64). They add
        back to ``values``.

    Examples
    --------
    >>> import pandas as pd
    >>> values, who = pd.Series([1.0, 3.0, 10.0]), pd.Series(["a", "a", "b"])
    >>> within, between = person_mean_split(values, who)
    >>> list(within), list(between)
    ([-1.0, 1.0, 0.0], [2.0, 2.0, 10.0])
    """
    values = values.astype("float64")
    between = values.groupby(participant, observed=True, sort=False).transform("mean")
    return values - between, between


def add_within_between(panel: pd.DataFrame) -> None:
    """Person mean (between) and deviation from it (within) of each run variable (in place)."""
    for var in WITHIN_BETWEEN_VARS:
        within, between = person_mean_split(panel[var], panel["participant_id"])
        panel[f"{var}_between"] = between
        panel[f"{var}_within"] = within
