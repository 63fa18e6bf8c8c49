"""Design matrices: the response, within/between run terms, covariates and bookkeeping.

The daily-diary recipe: each run variable is split into a person mean (*between*) and
the day's deviation from it (*within*), entered as separate terms, in natural units;
covariates adjust for weekday and a study-day trend; lags pair consecutive days only, and
a lagged outcome is never person-centred.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from runwell.errors import InputError, InsufficientDataError
from runwell.models.units import OUTCOME_WORDS, outcome_scale, unit_of
from runwell.panel import person_mean_split

__all__ = [
    "MIN_PARTICIPANTS_BETWEEN",
    "MIN_PARTICIPANTS_SLOPE",
    "MIN_SPARE_OBS",
    "Design",
    "require_columns",
    "day_index",
    "consecutive_shift",
    "split_within_between",
    "covariate_columns",
    "drop_collinear",
    "prepare_daily",
    "check_enough",
    "formula",
]

#: Fewest participants for which person-level (between) terms are estimated.
MIN_PARTICIPANTS_BETWEEN = 5
#: Fewest participants for which a random slope is attempted.
MIN_PARTICIPANTS_SLOPE = 3
#: Spare observations demanded beyond the number of fixed-effect parameters.
MIN_SPARE_OBS = 10
#: A column whose part not explained by the columns kept before it is smaller than this
#: share of its length is collinear with them (exact dependence leaves ~1e-15).
_COLLINEAR_TOL = 1e-9


@dataclass
class Design:
    """Response, design matrices and bookkeeping for one model."""

    y: pd.Series
    X: pd.DataFrame
    groups: np.ndarray
    day: np.ndarray
    term_info: dict[str, tuple[str, str]]  # design column -> (panel var, part)
    random_slope: str | None
    outcome_label: str
    outcome_unit: str
    response_name: str
    dropped: list[str]
    notes: list[str]

    @property
    def n_groups(self) -> int:
        """Number of participants among the rows."""
        return len(np.unique(self.groups))


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise an :class:`~runwell.errors.InputError` naming the missing columns and the fix.

    Parameters
    ----------
    frame
        The table to check.
    columns
        Columns it must have.
    what
        How the table is named in the message (``"panel"``, ``"run panel"``).

    Raises
    ------
    InputError
        When any of ``columns`` is missing.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            None,
            f"the {what} has no column(s) {', '.join(map(repr, missing))}",
            fix=f"build the {what} with runwell's panel functions or add these columns",
        )


def day_index(frame: pd.DataFrame) -> pd.Series:
    """Integer day number per row (from ``date``, else ``study_day``, else row order)."""
    if "date" in frame.columns:
        dates = pd.to_datetime(frame["date"])
        return ((dates - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).astype(float)
    if "study_day" in frame.columns:
        return frame["study_day"].astype(float)
    return frame.groupby("participant_id", sort=False).cumcount().astype(float)


def consecutive_shift(frame: pd.DataFrame, column: str, periods: int) -> pd.Series:
    """``column`` shifted by ``periods`` days within participant, NaN across gaps.

    Parameters
    ----------
    frame
        Rows of one or more participants, sorted by day within participant.
    column
        Column to shift.
    periods
        Days to shift by (``1``: the day before, ``-1``: the day after).

    Returns
    -------
    pandas.Series
        The shifted values; NaN where the paired row is not exactly ``periods`` days away.
    """
    day = day_index(frame)
    by = frame.groupby("participant_id", sort=False)
    shifted = by[column].shift(periods).astype(float)
    shifted_day = day.groupby(frame["participant_id"], sort=False).shift(periods)
    return shifted.where(day - shifted_day == periods)


def split_within_between(frame: pd.DataFrame, var: str) -> tuple[pd.Series, pd.Series]:
    """Within-person (deviation) and between-person (person mean) parts of ``var``.

    Uses the panel's ``<var>_within`` / ``<var>_between`` columns when both are present,
    and otherwise computes them from every row of ``frame`` (NaN values ignored) as the
    panel does (:func:`runwell.panel.person_mean_split`).

    Parameters
    ----------
    frame
        Panel rows with ``participant_id`` and ``var`` (or its two parts).
    var
        Panel variable to split.

    Returns
    -------
    tuple of pandas.Series
        ``(within, between)``, aligned with ``frame``.
    """
    within, between = f"{var}_within", f"{var}_between"
    if within in frame.columns and between in frame.columns:
        return frame[within].astype(float), frame[between].astype(float)
    return person_mean_split(frame[var], frame["participant_id"])


def covariate_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Design columns for one covariate (weekday as dummies, numbers rescaled).

    Parameters
    ----------
    frame
        Panel rows.
    name
        ``"weekday"`` (dummies, from ``weekday`` or ``date``), ``"study_day"`` (from the
        column or from ``date``, per 30 days), or any other column: numbers and booleans
        as they are (per natural unit), text as dummies.

    Returns
    -------
    pandas.DataFrame
        The covariate's design columns; for dummies the first level is the reference.
    """
    if name == "weekday":
        if "weekday" in frame.columns:
            weekday = frame["weekday"]
        else:
            require_columns(frame, ["date"], "panel")
            weekday = pd.to_datetime(frame["date"]).dt.day_of_week
        dummies = pd.get_dummies(weekday.astype("int64"), prefix="weekday", dtype=float)
        return dummies.iloc[:, 1:]  # first weekday present is the reference
    if name == "study_day" and name not in frame.columns and "date" in frame.columns:
        dates = pd.to_datetime(frame["date"])
        first = dates.groupby(frame["participant_id"], sort=False).transform("min")
        return pd.DataFrame({name: ((dates - first) / pd.Timedelta(days=1)) / unit_of(name)[0]}, index=frame.index)
    require_columns(frame, [name], "panel")
    col = frame[name]
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return pd.DataFrame({name: col.astype(float) / unit_of(name)[0]}, index=frame.index)
    dummies = pd.get_dummies(col.astype("string"), prefix=name, dtype=float)
    return dummies.iloc[:, 1:]


#: Rows per block of the QR decomposition in :func:`drop_collinear`.
_QR_ROWS = 1 << 16


def drop_collinear(
    X: pd.DataFrame, keep_first: Sequence[str], tolerance: float = _COLLINEAR_TOL
) -> tuple[pd.DataFrame, list[str]]:
    """Drop constant or linearly dependent columns, preferring to keep ``keep_first``.

    Parameters
    ----------
    X
        Design matrix (``const`` is kept even though it is constant).
    keep_first
        Columns considered first, so that they survive collinearity with later ones.
    tolerance
        A column whose part not explained by the kept ones is smaller than this share of
        its length is dropped.

    Returns
    -------
    tuple
        The kept columns (in their original order) and the names of the dropped ones.
    """
    order = [c for c in keep_first if c in X.columns] + [c for c in X.columns if c not in keep_first]
    kept: list[str] = []
    dropped: list[str] = []
    # X = QR: the residual of a column after projecting out the kept ones has the norm of
    # the last diagonal entry of R restricted to those columns, so one QR of X replaces a
    # pass over all N rows per column. R is built block by block (R of [R_so_far; next
    # rows]): no copy of the whole X.
    ordered = X[order]
    R: np.ndarray = np.zeros((0, len(order)))
    for first in range(0, len(ordered), _QR_ROWS):
        block = ordered.iloc[first : first + _QR_ROWS].to_numpy(dtype=float)
        R = np.asarray(np.linalg.qr(np.vstack([R, block]), mode="r"))
    where = {c: k for k, c in enumerate(order)}
    for col in order:
        values = X[col].to_numpy(dtype=float)
        if col != "const" and (len(values) == 0 or np.ptp(values) == 0):
            dropped.append(col)
            continue
        r: np.ndarray = np.asarray(np.linalg.qr(R[:, [where[c] for c in [*kept, col]]], mode="r"))
        norm = abs(float(r[-1, -1])) if r.shape[0] >= r.shape[1] else 0.0
        if len(values) and norm > tolerance * float(np.linalg.norm(R[:, where[col]])):
            kept.append(col)
        else:
            dropped.append(col)
    return X[[c for c in X.columns if c in kept]], dropped


def _run_variables(panel: pd.DataFrame, duration: str, frequency: str | None, run_day: bool) -> list[str]:
    """The run variables of the model, after checking the panel has them (or their parts)."""
    require_columns(panel, ["participant_id"], "panel")
    needed = [duration] + (["ran"] if run_day and duration != "ran" else []) + ([frequency] if frequency else [])
    for var in needed:
        if not ({var, f"{var}_within", f"{var}_between"} & set(panel.columns)):
            require_columns(panel, [var], "panel")
    return needed


def _run_columns(frame: pd.DataFrame, needed: Sequence[str]) -> tuple[dict[str, pd.Series], dict[str, tuple[str, str]]]:
    """Intercept and within/between columns of each run variable, in natural units."""
    term_info: dict[str, tuple[str, str]] = {}
    columns: dict[str, pd.Series] = {"const": pd.Series(1.0, index=frame.index)}
    for var in needed:
        divisor = unit_of(var)[0]
        within, between = split_within_between(frame, var)
        columns[f"{var}_within"] = within / divisor
        columns[f"{var}_between"] = between / divisor
        term_info[f"{var}_within"] = (var, "within")
        term_info[f"{var}_between"] = (var, "between")
    return columns, term_info


def _response(
    frame: pd.DataFrame,
    outcome: str,
    lagged: bool,
    columns: dict[str, pd.Series],
    term_info: dict[str, tuple[str, str]],
) -> tuple[pd.DataFrame, pd.Series, str, str, str]:
    """The response and its naming; adds today's outcome to ``columns`` when ``lagged``.

    Returns ``(frame, y, label, unit, response_name)``; ``frame`` gains ``mood_change``
    when that outcome is computed from ``mood``.
    """
    base = "mood" if outcome == "mood_change" else outcome
    if lagged:
        require_columns(frame, [base], "panel")
        y = consecutive_shift(frame, base, -1)
        columns[f"{base}_today"] = frame[base].astype(float)  # never person-centred
        term_info[f"{base}_today"] = (base, "lagged")
        label, unit = OUTCOME_WORDS.get(base, (base, "units"))
        return frame, y, f"{label} the next day", unit, f"{base}_next_day"
    if outcome == "mood_change":
        # a change score is a different question: it is regressed on the runs with the
        # previous day's mood beside them (never person-centred), not on levels alone
        require_columns(frame, ["mood"], "panel")
        yesterday = consecutive_shift(frame, "mood", 1)
        frame = frame.assign(mood_change=frame["mood"] - yesterday)
        columns["mood_yesterday"] = yesterday
        term_info["mood_yesterday"] = ("mood", "previous day")
    require_columns(frame, [outcome], "panel")
    y = frame[outcome].astype(float)
    label, unit = OUTCOME_WORDS.get(outcome, (outcome, "units"))
    return frame, y, label, unit, outcome


def _without_between_terms(
    X: pd.DataFrame, term_info: dict[str, tuple[str, str]], n_groups: int
) -> tuple[pd.DataFrame, list[str]]:
    """Drop the between-person terms when there are too few participants to compare."""
    if n_groups >= MIN_PARTICIPANTS_BETWEEN:
        return X, []
    between_cols = [c for c, (_, part) in term_info.items() if part == "between"]
    X = X.drop(columns=between_cols)
    notes = []
    if n_groups > 1:
        notes.append(
            f"Only {n_groups} participants: between-person terms were left out "
            f"(at least {MIN_PARTICIPANTS_BETWEEN} are needed to compare people)."
        )
    return X, notes


def _random_slope(X: pd.DataFrame, duration: str, random_slopes: bool, n_groups: int) -> tuple[str | None, list[str]]:
    """The design column given a random slope (or ``None``), and a note when it is left out."""
    slope_col = f"{duration}_within"
    use_slope = random_slopes and n_groups >= MIN_PARTICIPANTS_SLOPE and slope_col in X.columns
    notes = []
    if random_slopes and n_groups > 1 and not use_slope:
        notes.append(
            f"No random slope: it needs at least {MIN_PARTICIPANTS_SLOPE} participants with varying run durations."
        )
    return (slope_col if use_slope else None), notes


def _sorted_by(frame: pd.DataFrame, keys: list[str]) -> bool:
    """Whether a stable sort by ``keys`` (participant, then optionally date) would leave ``frame`` as it is."""
    first = frame[keys[0]]
    if not first.is_monotonic_increasing or len(keys) == 1:
        return bool(first.is_monotonic_increasing)
    ids, dates = first.to_numpy(), frame[keys[1]].to_numpy()
    return bool(np.all((ids[1:] != ids[:-1]) | (dates[1:] >= dates[:-1])))


def prepare_daily(
    panel: pd.DataFrame,
    outcome: str,
    duration: str,
    frequency: str | None,
    covariates: Sequence[str],
    random_slopes: bool,
    lagged: bool,
    run_day: bool = False,
    scale: str | None = None,
) -> Design:
    """Build the response and design for :func:`runwell.models.fit.fit_mood_model`.

    Parameters are those of :func:`~runwell.models.fit.fit_mood_model`; the design's
    ``outcome_unit`` names the outcome's scale (:func:`runwell.models.units.outcome_scale`).

    Returns
    -------
    Design
        Complete rows only, sorted by participant and date; between-person terms left
        out below :data:`MIN_PARTICIPANTS_BETWEEN` participants, constant or collinear
        columns dropped, and the random slope chosen.

    Raises
    ------
    InputError
        When a needed column is missing.
    """
    needed = _run_variables(panel, duration, frequency, run_day)
    # the columns the model reads, not a copy of the whole panel (memory, issue 18)
    wanted = {"participant_id", "date", "study_day", "mood", outcome, duration, *covariates}
    used = [c for c in panel.columns if c in wanted or any(c == v or str(c).startswith(f"{v}_") for v in needed)]
    frame = panel[used].reset_index(drop=True)
    if "ran" in needed and "ran" not in frame.columns and "ran_within" not in frame.columns:
        frame = frame.assign(ran=(frame[duration] > 0).astype(float).where(frame[duration].notna()))
    keys = ["participant_id", *(["date"] if "date" in frame else [])]
    if not _sorted_by(frame, keys):
        frame = frame.sort_values(keys, kind="stable")
    columns, term_info = _run_columns(frame, needed)
    frame, y, label, unit, response = _response(frame, outcome, lagged, columns, term_info)
    X = pd.DataFrame(columns)
    for cov in covariates:
        X = pd.concat([X, covariate_columns(frame, cov)], axis=1)
    ok = y.notna() & X.notna().all(axis=1)
    # only the columns still needed, not a copy of the whole panel
    y, X, frame = y[ok], X[ok], frame.loc[ok, [c for c in ("participant_id", "date", "study_day") if c in frame]]
    # one string object per participant, not per row (memory, issue 18)
    codes, labels = pd.factorize(frame["participant_id"].astype(str))
    groups = np.asarray(labels, dtype=object)[codes]
    n_groups = len(np.unique(groups))
    X, notes = _without_between_terms(X, term_info, n_groups)
    X, dropped = drop_collinear(X, keep_first=["const", *term_info])
    random_slope, slope_notes = _random_slope(X, duration, random_slopes, n_groups)
    return Design(
        y=y,
        X=X,
        groups=groups,
        day=day_index(frame).to_numpy(),
        term_info=term_info,
        random_slope=random_slope,
        outcome_label=label,
        outcome_unit=outcome_scale(outcome, panel.attrs, scale) if unit == "points" else unit,
        response_name=response,
        dropped=dropped,
        notes=notes + slope_notes,
    )


def check_enough(design: Design, what: str) -> None:
    """Raise :class:`~runwell.errors.InsufficientDataError` when rows are too few.

    Parameters
    ----------
    design
        The model's design.
    what
        How the model is named in the message (``"The mood model"``).

    Raises
    ------
    InsufficientDataError
        When there are fewer rows than fixed-effect parameters plus :data:`MIN_SPARE_OBS`.
    """
    need = design.X.shape[1] + MIN_SPARE_OBS
    have = len(design.y)
    if have < need:
        raise InsufficientDataError(
            f"{what} needs at least {need} days with both the outcome and the run "
            f"variables; only {have} were found. Collect about {need - have} more days."
        )


def formula(design: Design) -> str:
    """The model in formula notation with natural names.

    Parameters
    ----------
    design
        The model's design.

    Returns
    -------
    str
        E.g. ``"mood ~ run_min_within + C(weekday) + (1 + run_min_within | participant_id)"``.
    """
    terms = [c for c in design.X.columns if c != "const"]
    weekday = [c for c in terms if c.startswith("weekday_")]
    terms = [c for c in terms if not c.startswith("weekday_")] + (["C(weekday)"] if weekday else [])
    text = f"{design.response_name} ~ {' + '.join(terms) or '1'}"
    if design.n_groups > 1:
        re_terms = "1" + (f" + {design.random_slope}" if design.random_slope else "")
        text += f" + ({re_terms} | participant_id)"
    return text
