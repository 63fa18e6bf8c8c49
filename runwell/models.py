"""Mixed models of mood against run duration and frequency, with tidy, honest results.

The daily-diary recipe (see DESIGN.md, "Models in one paragraph"):

* each run variable is split into a person mean (*between*) and the day's deviation
  from it (*within*), entered as separate terms;
* a random intercept per participant and a random slope for the within-person
  duration effect;
* covariates for weekday and a study-day trend;
* lags only across consecutive days, and a lagged outcome is never person-centred.

The mixed model is statsmodels' :class:`~statsmodels.regression.mixed_linear_model.MixedLM`
fitted by REML. Run minutes are rescaled to 30-minute units before fitting (in plain
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
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.regression.linear_model import RegressionResultsWrapper
from statsmodels.regression.mixed_linear_model import MixedLM

from runwell.errors import InputError, InsufficientDataError
from runwell.panel import person_mean_split

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
]

#: Optimizers tried in turn for the mixed model, best valid likelihood kept. The search
#: stops early once two of them converge cleanly (no warnings) to the same likelihood
#: (within :data:`LLF_AGREE`); Nelder-Mead is tried only when no fit converged at all.
OPTIMIZERS: tuple[str, ...] = ("bfgs", "lbfgs", "cg", "powell")
FALLBACK_OPTIMIZERS: tuple[str, ...] = ("nm",)
#: Log-likelihood difference under which two optimizers count as agreeing.
LLF_AGREE = 1e-3

#: Natural reporting unit of each known variable: (divisor, unit label, within-person
#: clause, between-person phrase). Variables are divided by the divisor before fitting,
#: so coefficients come out per natural unit. Clauses complete "On days when people ..."
#: and phrases "Between people, ... went with".
UNITS: dict[str, tuple[float, str, str, str]] = {
    "run_min": (
        30.0,
        "per 30 min",
        "ran 30 minutes more than usual",
        "30 more minutes of running a day on average",
    ),
    "run_km": (
        5.0,
        "per 5 km",
        "ran 5 km more than usual",
        "5 more km of running a day on average",
    ),
    "runs_7d": (
        1.0,
        "per extra run a week",
        "had one more run than usual in the previous 7 days",
        "one more run a week on average",
    ),
    "run_min_7d": (
        60.0,
        "per extra hour a week",
        "had run one more hour than usual over the previous 7 days",
        "one more hour of running a week on average",
    ),
    "run_count": (
        1.0,
        "per extra run",
        "ran one more time than usual",
        "one more run a day on average",
    ),
    "ran": (
        1.0,
        "run day vs rest day",
        "ran (compared with their rest days)",
        "running on every day rather than on none",
    ),
    "study_day": (
        30.0,
        "per 30 days",
        "were 30 days further into the study",
        "being 30 days further into the study",
    ),
}

#: How each outcome is named in readings, and its unit.
OUTCOME_WORDS: dict[str, tuple[str, str]] = {
    "mood": ("mood", "points"),
    "mood_change": ("the change in mood from the day before", "points"),
    "mood_dev": ("mood relative to the person's usual", "points"),
    "sleep_next_h": ("sleep the following night", "hours"),
    "sleep_prev_h": ("sleep the night before", "hours"),
    "stress": ("stress", "points"),
    "energy": ("energy", "points"),
    "anxiety": ("anxiety", "points"),
}

#: Residual lag-1 autocorrelation above which the diagnostics warn (absolute value).
AUTOCORR_WARN = 0.1
#: Variance (in outcome units squared, relative to the residual variance) below which a
#: random-effect variance counts as collapsed onto the boundary.
BOUNDARY_REL = 1e-4
#: Robust-check standard error, as a multiple of the mixed model's, above which the
#: diagnostics recommend the robust interval. In benchmarks/model_recovery.py a ratio of
#: 1.25 for the 7-day frequency went with 86% coverage of the mixed model's 95% interval
#: (robust check: 94.5%).
ROBUST_SE_RATIO_WARN = 1.2
#: Fewest participants for which person-level (between) terms are estimated.
MIN_PARTICIPANTS_BETWEEN = 5
#: Fewest participants for which a random slope is attempted.
MIN_PARTICIPANTS_SLOPE = 3
#: Spare observations demanded beyond the number of fixed-effect parameters.
MIN_SPARE_OBS = 10


# --------------------------------------------------------------------------- result


@dataclass
class MoodModelResult:
    """The fitted model of mood against running, in natural units and plain words.

    Attributes
    ----------
    effects
        Tidy table of the run effects, one row per term and part: ``term`` (panel
        variable, e.g. ``run_min``), ``part`` (``within``, ``between``, ``lagged`` or
        ``acute``), ``estimate``, ``se``, ``ci_low``, ``ci_high`` (95%), ``p_value``,
        ``unit`` (e.g. ``"per 30 min"``) and ``reading`` (one plain sentence).
    coefficients
        Every fixed effect, covariates included, in the same layout (without readings).
    random_effects_sd
        Standard deviations of the random effects and the residual, in natural units
        (``intercept``, ``<duration> slope``, ``residual``); empty for OLS fits.
    share_positive_slope
        Share of participants whose own within-person duration slope (fixed effect plus
        their predicted random deviation) is positive; ``None`` without random slopes.
    share_positive_slope_model
        The same share implied by the fitted normal distribution of slopes.
    person_slopes
        One row per participant with their own duration slope (per natural unit), or
        ``None``.
    n_participants, n_days
        Participants and rows used in the fit (participant-days; runs for the acute
        model, see ``unit_of_observation``).
    outcome
        The response modelled (``"next-day mood"`` style names for lagged models).
    formula
        The model in formula notation with natural variable names.
    method
        What was fitted, in words (mixed model and optimizer, or OLS with HAC errors).
    optimizer
        The optimizer whose fit was kept (``None`` for OLS).
    converged
        Whether the kept fit converged.
    diagnostics
        Plain-language notes: convergence, boundary fits, autocorrelation, dropped terms.
    residual_autocorrelation
        Lag-1 autocorrelation of the residuals over consecutive days (NaN if too few).
    robust
        Person-fixed-effects estimates of the within-person terms with cluster-robust
        standard errors (same layout as ``effects``), or ``None``.
    attempts
        One row per optimizer tried: ``optimizer``, ``llf``, ``converged``, ``valid``,
        ``note``.
    sm_result
        The underlying statsmodels result, for users who want everything.
    unit_of_observation
        What one row is: ``"days"`` (daily panel) or ``"runs"`` (acute model).
    """

    effects: pd.DataFrame
    coefficients: pd.DataFrame
    random_effects_sd: dict[str, float]
    share_positive_slope: float | None
    share_positive_slope_model: float | None
    person_slopes: pd.DataFrame | None
    n_participants: int
    n_days: int
    outcome: str
    formula: str
    method: str
    optimizer: str | None
    converged: bool
    diagnostics: list[str]
    residual_autocorrelation: float
    robust: pd.DataFrame | None
    attempts: pd.DataFrame
    sm_result: object = field(repr=False)
    unit_of_observation: str = "days"

    @property
    def readings(self) -> list[str]:
        """One plain-language sentence per effect, with its interval."""
        return list(self.effects["reading"])

    def effect(self, term: str, part: str = "within") -> pd.Series:
        """The row of :attr:`effects` for one term and part.

        Parameters
        ----------
        term
            Panel variable, e.g. ``"run_min"``.
        part
            ``"within"``, ``"between"``, ``"lagged"`` or ``"acute"``.

        Raises
        ------
        KeyError
            When the model has no such effect (e.g. between terms for one person).
        """
        rows = self.effects[(self.effects["term"] == term) & (self.effects["part"] == part)]
        if rows.empty:
            known = ", ".join(
                f"{t} ({p})"
                for t, p in zip(self.effects["term"], self.effects["part"], strict=True)
            )
            raise KeyError(f"no {part} effect of {term!r} in this model; it has: {known}")
        return rows.iloc[0]

    def summary(self) -> str:
        """A short plain-text report: method, sample, readings and diagnostics."""
        lines = [
            f"{self.method}",
            f"Outcome: {self.outcome}; {self.n_participants} participant(s), "
            f"{self.n_days} {self.unit_of_observation}.",
            f"Model: {self.formula}",
            "",
            *self.readings,
        ]
        if self.random_effects_sd:
            sds = ", ".join(f"{k} {v:.3g}" for k, v in self.random_effects_sd.items())
            lines += ["", f"Standard deviations: {sds}."]
        if self.share_positive_slope is not None:
            lines.append(
                f"Share of participants whose own duration slope is positive: "
                f"{self.share_positive_slope:.0%}."
            )
        if self.diagnostics:
            lines += ["", "Diagnostics:", *(f"- {d}" for d in self.diagnostics)]
        return "\n".join(lines)

    def __str__(self) -> str:
        """The :meth:`summary`."""
        return self.summary()


# --------------------------------------------------------------------------- helpers


def unit_of(var: str) -> tuple[float, str, str, str]:
    """Divisor, unit label and reading clauses for a variable.

    Parameters
    ----------
    var
        A panel column name.

    Returns
    -------
    tuple
        ``(divisor, unit, within_clause, between_phrase)``; unknown variables are
        reported per unit of themselves.

    Examples
    --------
    >>> unit_of("run_min")[:2]
    (30.0, 'per 30 min')
    """
    generic = (
        1.0,
        f"per unit of {var}",
        f"had one unit more {var} than usual",
        f"one unit more {var} on average",
    )
    return UNITS.get(var, generic)


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise an :class:`InputError` naming the missing columns and the fix."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            None,
            f"the {what} has no column(s) {', '.join(map(repr, missing))}",
            fix=f"build the {what} with runwell's panel functions or add these columns",
        )


def _day_index(frame: pd.DataFrame) -> pd.Series:
    """Integer day number per row (from ``date``, else ``study_day``, else row order)."""
    if "date" in frame.columns:
        dates = pd.to_datetime(frame["date"])
        return ((dates - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).astype(float)
    if "study_day" in frame.columns:
        return frame["study_day"].astype(float)
    return frame.groupby("participant_id", sort=False).cumcount().astype(float)


def _consecutive_shift(frame: pd.DataFrame, column: str, periods: int) -> pd.Series:
    """``column`` shifted by ``periods`` days within participant, NaN across gaps."""
    day = _day_index(frame)
    by = frame.groupby("participant_id", sort=False)
    shifted = by[column].shift(periods).astype(float)
    shifted_day = day.groupby(frame["participant_id"], sort=False).shift(periods)
    return shifted.where(day - shifted_day == periods)


def split_within_between(frame: pd.DataFrame, var: str) -> tuple[pd.Series, pd.Series]:
    """Within-person (deviation) and between-person (person mean) parts of ``var``.

    Uses the panel's ``<var>_within`` / ``<var>_between`` columns when both are present,
    and otherwise computes them from every row of ``frame`` (NaN values ignored) as the
    panel does (:func:`runwell.panel.person_mean_split`).
    """
    within, between = f"{var}_within", f"{var}_between"
    if within in frame.columns and between in frame.columns:
        return frame[within].astype(float), frame[between].astype(float)
    return person_mean_split(frame[var], frame["participant_id"])


def _covariate_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Design columns for one covariate (weekday as dummies, numbers rescaled)."""
    if name == "weekday":
        if "weekday" in frame.columns:
            weekday = frame["weekday"]
        else:
            _require_columns(frame, ["date"], "panel")
            weekday = pd.to_datetime(frame["date"]).dt.day_of_week
        dummies = pd.get_dummies(weekday.astype("int64"), prefix="weekday", dtype=float)
        return dummies.iloc[:, 1:]  # first weekday present is the reference
    if name == "study_day" and name not in frame.columns and "date" in frame.columns:
        dates = pd.to_datetime(frame["date"])
        first = dates.groupby(frame["participant_id"], sort=False).transform("min")
        return pd.DataFrame(
            {name: ((dates - first) / pd.Timedelta(days=1)) / unit_of(name)[0]}, index=frame.index
        )
    _require_columns(frame, [name], "panel")
    col = frame[name]
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return pd.DataFrame({name: col.astype(float) / unit_of(name)[0]}, index=frame.index)
    dummies = pd.get_dummies(col.astype("string"), prefix=name, dtype=float)
    return dummies.iloc[:, 1:]


def _drop_collinear(X: pd.DataFrame, keep_first: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """Drop constant or linearly dependent columns, preferring to keep ``keep_first``."""
    order = [c for c in keep_first if c in X.columns] + [
        c for c in X.columns if c not in keep_first
    ]
    kept: list[str] = []
    dropped: list[str] = []
    for col in order:
        values = X[col].to_numpy()
        if col != "const" and (len(values) == 0 or np.ptp(values) == 0):
            dropped.append(col)
            continue
        trial = X[[*kept, col]].to_numpy()
        if np.linalg.matrix_rank(trial) == len(kept) + 1:
            kept.append(col)
        else:
            dropped.append(col)
    return X[[c for c in X.columns if c in kept]], dropped


def _lag1_autocorrelation(resid: np.ndarray, groups: np.ndarray, day: np.ndarray) -> float:
    """Pooled lag-1 correlation of residuals on consecutive days of the same person."""
    frame = pd.DataFrame({"g": groups, "d": day, "r": resid}).sort_values(["g", "d"])
    prev_r = frame.groupby("g", sort=False)["r"].shift(1)
    prev_d = frame.groupby("g", sort=False)["d"].shift(1)
    ok = (frame["d"] - prev_d == 1) & prev_r.notna()
    if ok.sum() < 10:
        return float("nan")
    centred = frame["r"] - frame.groupby("g", sort=False)["r"].transform("mean")
    prev_c = centred.groupby(frame["g"], sort=False).shift(1)
    a, b = centred[ok].to_numpy(), prev_c[ok].to_numpy()
    denom = math.sqrt(float(np.sum(a**2)) * float(np.sum(b**2)))
    return float(np.sum(a * b) / denom) if denom > 0 else float("nan")


def _autocorr_note(r: float, single: bool = False) -> str:
    """Plain words about the residual lag-1 autocorrelation."""
    if not np.isfinite(r):
        return "Too few consecutive days to check whether residuals are autocorrelated."
    if abs(r) <= AUTOCORR_WARN:
        return f"Residuals on consecutive days are nearly independent (lag-1 r = {r:.2f})."
    sign = "positively" if r > 0 else "negatively"
    if single:
        return (
            f"Residuals on consecutive days are {sign} correlated (lag-1 r = {r:.2f}); the "
            "AR(1) regression models this, but with few days it is approximate."
        )
    return (
        f"Residuals on consecutive days are {sign} correlated (lag-1 r = {r:.2f}); the "
        "model assumes they are not, so its intervals (especially for slowly changing "
        "terms such as the 7-day frequency) may be too narrow. Compare the robust check."
    )


_WARNING_WORDS: tuple[tuple[str, str], ...] = (
    (
        "boundary",
        "The fit ended on the boundary: a random-effect variance was estimated at (or near) zero.",
    ),
    (
        "singular",
        "The random-effects covariance is singular: a person-to-person variance or "
        "correlation could not be estimated.",
    ),
    (
        "Hessian",
        "The likelihood surface is flat or curved the wrong way at the estimate, so "
        "standard errors may be unreliable.",
    ),
    ("failed to converge", "The optimizer did not report convergence."),
    ("Gradient optimization failed", "This gradient-based optimizer failed."),
    ("optimization failed", "This optimizer failed."),
)


def _plain_warning(message: str) -> str | None:
    """Translate a statsmodels/numpy warning into plain words (None to ignore)."""
    if message.startswith("Retrying MixedLM"):
        return None
    for key, words in _WARNING_WORDS:
        if key in message:
            return words
    return f"statsmodels warned: {message}"


def _captured(messages: Iterable[str]) -> list[str]:
    """Unique plain-language notes for a list of warning messages, in order."""
    out: list[str] = []
    for m in messages:
        words = _plain_warning(m)
        if words and words not in out:
            out.append(words)
    return out


# --------------------------------------------------------------------------- design


@dataclass
class _Design:
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


def _prepare_daily(
    panel: pd.DataFrame,
    outcome: str,
    duration: str,
    frequency: str | None,
    covariates: Sequence[str],
    random_slopes: bool,
    lagged: bool,
) -> _Design:
    """Build the response and design for :func:`fit_mood_model`."""
    _require_columns(panel, ["participant_id"], "panel")
    needed = [duration] + ([frequency] if frequency else [])
    for var in needed:
        if not ({var, f"{var}_within", f"{var}_between"} & set(panel.columns)):
            _require_columns(panel, [var], "panel")
    frame = panel.reset_index(drop=True)
    frame = frame.sort_values(
        ["participant_id", *(["date"] if "date" in frame else [])], kind="stable"
    )
    notes: list[str] = []
    term_info: dict[str, tuple[str, str]] = {}
    columns: dict[str, pd.Series] = {"const": pd.Series(1.0, index=frame.index)}
    for var in needed:
        divisor = unit_of(var)[0]
        within, between = split_within_between(frame, var)
        columns[f"{var}_within"] = within / divisor
        columns[f"{var}_between"] = between / divisor
        term_info[f"{var}_within"] = (var, "within")
        term_info[f"{var}_between"] = (var, "between")
    base = "mood" if outcome == "mood_change" else outcome
    if lagged:
        _require_columns(frame, [base], "panel")
        y = _consecutive_shift(frame, base, -1)
        columns[f"{base}_today"] = frame[base].astype(float)  # never person-centred
        term_info[f"{base}_today"] = (base, "lagged")
        label, unit = OUTCOME_WORDS.get(base, (base, "units"))
        label, response = f"{label} the next day", f"{base}_next_day"
    else:
        if outcome not in frame.columns and outcome == "mood_change" and "mood" in frame.columns:
            frame = frame.assign(mood_change=frame["mood"] - _consecutive_shift(frame, "mood", 1))
        _require_columns(frame, [outcome], "panel")
        y = frame[outcome].astype(float)
        label, unit = OUTCOME_WORDS.get(outcome, (outcome, "units"))
        response = outcome
    X = pd.DataFrame(columns)
    for cov in covariates:
        X = pd.concat([X, _covariate_columns(frame, cov)], axis=1)
    ok = y.notna() & X.notna().all(axis=1)
    y, X, frame = y[ok], X[ok], frame[ok]
    groups = frame["participant_id"].astype(str).to_numpy()
    n_groups = len(np.unique(groups))
    if n_groups < MIN_PARTICIPANTS_BETWEEN:
        between_cols = [c for c, (_, part) in term_info.items() if part == "between"]
        X = X.drop(columns=between_cols)
        if n_groups > 1:
            notes.append(
                f"Only {n_groups} participants: between-person terms were left out "
                f"(at least {MIN_PARTICIPANTS_BETWEEN} are needed to compare people)."
            )
    X, dropped = _drop_collinear(X, keep_first=["const", *term_info])
    slope_col = f"{duration}_within"
    use_slope = random_slopes and n_groups >= MIN_PARTICIPANTS_SLOPE and slope_col in X.columns
    if random_slopes and n_groups > 1 and not use_slope:
        notes.append(
            f"No random slope: it needs at least {MIN_PARTICIPANTS_SLOPE} participants "
            "with varying run durations."
        )
    return _Design(
        y=y,
        X=X,
        groups=groups,
        day=_day_index(frame).to_numpy(),
        term_info=term_info,
        random_slope=slope_col if use_slope else None,
        outcome_label=label,
        outcome_unit=unit,
        response_name=response,
        dropped=dropped,
        notes=notes,
    )


def _check_enough(design: _Design, what: str) -> None:
    """Raise :class:`InsufficientDataError` when rows are too few for the parameters."""
    need = design.X.shape[1] + MIN_SPARE_OBS
    have = len(design.y)
    if have < need:
        raise InsufficientDataError(
            f"{what} needs at least {need} days with both the outcome and the run "
            f"variables; only {have} were found. Collect about {need - have} more days."
        )


# --------------------------------------------------------------------------- fitting


@dataclass
class _Attempt:
    optimizer: str
    result: object | None
    llf: float
    converged: bool
    valid: bool
    notes: list[str]


def _zeroed_person_terms(result: object, X: pd.DataFrame, person_cols: Sequence[str]) -> list[str]:
    """Person-level terms (intercept included) whose coefficient is exactly zero.

    This is the signature of statsmodels issue 10239: when the random-intercept
    variance falls below an internal tolerance, ``get_fe_params`` returns every
    coefficient of a regressor that is constant within person (the intercept and the
    between-person terms) as exactly 0.0, while the fit reports convergence.
    """
    params = result.fe_params  # type: ignore[attr-defined]
    zeroed = []
    for col in ["const", *person_cols]:
        if col not in params.index or params[col] != 0.0:
            continue
        if col == "const" or np.ptp(X[col].to_numpy()) > 0:
            zeroed.append(col)
    return zeroed


def _try_optimizer(
    model: MixedLM, method: str, X: pd.DataFrame, person_cols: Sequence[str]
) -> _Attempt:
    """Fit with one optimizer, capturing warnings instead of letting them escape."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = model.fit(reml=True, method=method)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError) as err:
            return _Attempt(method, None, -np.inf, False, False, [f"{method} failed: {err}"])
    notes = _captured(str(w.message) for w in caught)
    llf = float(result.llf)
    finite = np.isfinite(llf) and bool(np.all(np.isfinite(result.fe_params)))
    zeroed = _zeroed_person_terms(result, X, person_cols) if finite else []
    if zeroed:
        notes.append(
            f"{method}: person-level coefficients ({', '.join(zeroed)}) came back as exactly "
            "zero while the fit claimed convergence (statsmodels issue 10239); fit rejected."
        )
    valid = finite and not zeroed
    return _Attempt(method, result, llf, bool(result.converged), valid, notes)


def _two_agree(attempts: Sequence[_Attempt]) -> bool:
    """Whether two clean, converged fits reached the same likelihood."""
    clean = sorted(a.llf for a in attempts if a.valid and a.converged and not a.notes)
    return any(b - a < LLF_AGREE for a, b in zip(clean, clean[1:], strict=False))


def _fit_mixed(design: _Design) -> tuple[object, _Attempt, list[_Attempt]]:
    """Fit MixedLM with each optimizer in turn and keep the best valid likelihood."""
    X = design.X
    exog_re = X[["const", design.random_slope]] if design.random_slope else X[["const"]]
    model = MixedLM(design.y.to_numpy(), X, groups=design.groups, exog_re=exog_re)
    person_cols = [c for c, (_, part) in design.term_info.items() if part == "between"]
    attempts: list[_Attempt] = []
    for method in OPTIMIZERS:
        attempts.append(_try_optimizer(model, method, X, person_cols))
        if _two_agree(attempts):
            break
    if not any(a.valid and a.converged for a in attempts):
        attempts += [_try_optimizer(model, m, X, person_cols) for m in FALLBACK_OPTIMIZERS]
    valid = [a for a in attempts if a.valid]
    if not valid:
        detail = "; ".join(n for a in attempts for n in a.notes) or "no optimizer gave a finite fit"
        raise InsufficientDataError(
            f"The mixed model could not be fitted ({detail}). More participants or days, "
            "or random_slopes=False, may help."
        )
    converged = [a for a in valid if a.converged]
    best = max(converged or valid, key=lambda a: a.llf)
    return best.result, best, attempts


def _fixed_table(
    params: pd.Series, bse: pd.Series, pvalues: pd.Series, ci: pd.DataFrame
) -> pd.DataFrame:
    """Fixed effects as a tidy frame indexed by design column."""
    return pd.DataFrame(
        {
            "estimate": params,
            "se": bse,
            "ci_low": ci.iloc[:, 0],
            "ci_high": ci.iloc[:, 1],
            "p_value": pvalues,
        }
    )


def _mixed_fixed(result: object) -> pd.DataFrame:
    """Fixed-effect table of a MixedLM result (normal-theory 95% intervals)."""
    params = result.fe_params  # type: ignore[attr-defined]
    names = list(params.index)
    bse = pd.Series(np.asarray(result.bse_fe), index=names)  # type: ignore[attr-defined]
    z = stats.norm.ppf(0.975)
    ci = pd.DataFrame({"lo": params - z * bse, "hi": params + z * bse})
    with np.errstate(invalid="ignore", divide="ignore"):
        p = pd.Series(2 * stats.norm.sf(np.abs(params / bse)), index=names)
    return _fixed_table(params, bse, p, ci)


def _ols_fixed(result: object) -> pd.DataFrame:
    """Fixed-effect table of an OLS result with robust covariance."""
    ci = result.conf_int(0.05)  # type: ignore[attr-defined]
    return _fixed_table(result.params, result.bse, result.pvalues, ci)  # type: ignore[attr-defined]


def newey_west_lags(n: int) -> int:
    """Newey-West rule of thumb for HAC lags: ``floor(4 (n/100)^(2/9))``, at least 1."""
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def robust_ols(
    y: np.ndarray | pd.Series, X: pd.DataFrame, groups: np.ndarray | pd.Series
) -> tuple[RegressionResultsWrapper, int, int | None]:
    """OLS with standard errors robust to autocorrelation within each participant.

    The rule used throughout runwell: with two or more participants the standard errors
    are cluster-robust by participant, with one they are Newey-West (HAC) over the rows
    in their order (:func:`newey_west_lags` lags, small-sample correction); intervals and
    p-values use the t distribution.

    Parameters
    ----------
    y
        Response, one value per row.
    X
        Design matrix (its column names name the coefficients).
    groups
        Participant of each row.

    Returns
    -------
    tuple
        ``(result, n_clusters, lags)``: the statsmodels result, the number of
        participants, and the HAC lags (``None`` when the errors are clustered).
    """
    codes, uniques = pd.factorize(np.asarray(groups))
    n_clusters = len(uniques)
    model = sm.OLS(y, X)
    if n_clusters >= 2:
        result = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        return result, n_clusters, None
    lags = newey_west_lags(len(X))
    result = model.fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    return result, n_clusters, lags


def _ar1_transform(
    y: np.ndarray, X: np.ndarray, follows: np.ndarray, rho: float
) -> tuple[np.ndarray, np.ndarray]:
    """Prais-Winsten transform for AR(1) errors that respects gaps between days.

    A row that follows the previous row by exactly one day is quasi-differenced
    (``y[t] - rho * y[t-1]``); a row that starts a stretch of consecutive days is scaled
    by ``sqrt(1 - rho**2)``, as the first observation of a series.
    """
    scale = math.sqrt(1 - rho**2)
    y_star = y * scale
    X_star = X * scale
    idx = np.flatnonzero(follows)
    y_star[idx] = y[idx] - rho * y[idx - 1]
    X_star[idx] = X[idx] - rho * X[idx - 1]
    return y_star, X_star


def _fit_ar1(
    y: pd.Series, X: pd.DataFrame, day: np.ndarray, max_iter: int = 50, tol: float = 1e-6
) -> tuple[object, float]:
    """Regression with AR(1) errors by iterated feasible GLS (Prais-Winsten).

    The lag-1 autocorrelation is estimated from the residuals of consecutive days only,
    so gaps in the diary never pair unrelated days. Standard errors and t intervals
    come from the final transformed regression.

    Returns
    -------
    tuple
        The statsmodels OLS result on the transformed data (its ``params`` are the
        coefficients of the original model) and the estimated autocorrelation.
    """
    y_arr = y.to_numpy(dtype=float)
    X_arr = X.to_numpy(dtype=float)
    follows = np.r_[False, np.diff(day) == 1]
    pairs = np.flatnonzero(follows)
    rho = 0.0
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result = sm.OLS(y_arr, X).fit(use_t=True)
        for _ in range(max_iter):
            resid = y_arr - X_arr @ np.asarray(result.params)
            prev, cur = resid[pairs - 1], resid[pairs]
            denom = float(np.sum(prev**2))
            new_rho = float(np.clip(np.sum(prev * cur) / denom, -0.95, 0.95)) if denom > 0 else 0.0
            y_star, X_star = _ar1_transform(y_arr, X_arr, follows, new_rho)
            result = sm.OLS(y_star, pd.DataFrame(X_star, columns=X.columns)).fit(use_t=True)
            converged = abs(new_rho - rho) < tol
            rho = new_rho
            if converged:
                break
    return result, rho


def within_person_ols(
    data: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    *,
    group: str = "participant_id",
    controls: Sequence[str] = (),
) -> tuple[pd.DataFrame, str, int]:
    """Person-fixed-effects OLS of ``outcome`` on ``terms`` with robust errors.

    Every variable is centred on the person's mean (which absorbs person fixed effects);
    with two or more participants the standard errors are cluster-robust by person
    (t intervals with G - 1 degrees of freedom), with one participant they are
    Newey-West HAC over the rows in their order (see :func:`robust_ols`).

    Parameters
    ----------
    data
        Rows to use; NaN rows in any variable are dropped.
    outcome
        Response column.
    terms
        Columns whose coefficients are reported (already in the units wanted).
    group
        Participant column.
    controls
        Extra numeric columns adjusted for but not reported.

    Returns
    -------
    tuple
        ``(table, method, n)``: the tidy table indexed by term, a phrase naming the
        standard errors used, and the number of rows.
    """
    cols = [outcome, *terms, *controls]
    frame = data[[group, *cols]].dropna()
    if len(frame) < len(terms) + len(controls) + 3:
        raise InsufficientDataError(
            f"only {len(frame)} usable rows for {outcome} on {', '.join(terms)}"
        )
    g = frame[group].astype(str)
    demeaned = frame[cols].astype(float) - frame[cols].astype(float).groupby(g).transform("mean")
    X, _ = _drop_collinear(demeaned[[*terms, *controls]], keep_first=list(terms))
    missing = [t for t in terms if t not in X.columns]
    if missing:
        raise InsufficientDataError(f"no within-person variation in {', '.join(missing)}")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result, n_groups, lags = robust_ols(demeaned[outcome].to_numpy(), X, g)
    method = (
        f"person fixed effects, cluster-robust SEs ({n_groups} clusters)"
        if lags is None
        else f"OLS with Newey-West (HAC) SEs, {lags} lags"
    )
    table = _ols_fixed(result).loc[list(terms)]
    return table, method, len(frame)


# --------------------------------------------------------------------------- readings


def _direction(estimate: float) -> str:
    """``higher`` or ``lower``, by the sign of the estimate."""
    return "higher" if estimate >= 0 else "lower"


def decimals_for(se: float) -> int:
    """Decimals that show an estimate with standard error ``se`` sensibly (2 to 4)."""
    if not np.isfinite(se) or se <= 0:
        return 2
    return int(min(4, max(2, -math.floor(math.log10(se)))))


def _interval(row: pd.Series, unit: str) -> str:
    """The 95% interval in words, with sensible decimals."""
    d = decimals_for(row["se"])
    return f"95% CI {row['ci_low']:+.{d}f} to {row['ci_high']:+.{d}f} {unit}"


def _size(row: pd.Series) -> str:
    """The absolute estimate with sensible decimals."""
    return f"{abs(row['estimate']):.{decimals_for(row['se'])}f}"


def _uncertain(row: pd.Series) -> bool:
    """Whether the interval includes zero (or is undefined)."""
    return bool(row["ci_low"] <= 0 <= row["ci_high"]) or not np.isfinite(row["se"])


def _reading(var: str, part: str, row: pd.Series, label: str, unit: str, single: bool) -> str:
    """One sentence for one effect, worded as an association."""
    _, _, within_clause, between_clause = unit_of(var)
    size = f"{_size(row)} {unit} {_direction(row['estimate'])}"
    ci = _interval(row, unit)
    unclear = _uncertain(row)
    if part == "within":
        who = "this person" if single else "people"
        tail = (
            "but the interval includes zero, so the data cannot tell this apart from no difference"
            if unclear
            else "an association rather than proof that running caused it"
        )
        return f"On days when {who} {within_clause}, {label} was on average {size} ({ci}), {tail}."
    if part == "between":
        tail = (
            "but the interval includes zero, so this difference between people is not "
            "clearly different from none"
            if unclear
            else "a difference between people that other differences between them may explain"
        )
        return f"Between people, {between_clause} went with {label} {size} ({ci}), {tail}."
    hedge = "; the interval includes zero" if unclear else ""
    if part == "lagged":
        return (
            f"Each point of today's {var} went with {label} {_size(row)} points "
            f"{_direction(row['estimate'])} ({ci}){hedge}."
        )
    return (
        f"{unit_of(var)[1].capitalize()} of extra run length, {label} was {size} ({ci}){hedge}, "
        "an association rather than proof that the extra length caused it."
    )


def _effects_from_fixed(fixed: pd.DataFrame, design: _Design, single: bool) -> pd.DataFrame:
    """The tidy effects table (run terms only) with units and readings."""
    rows = []
    for col, (var, part) in design.term_info.items():
        if col not in fixed.index:
            continue
        row = fixed.loc[col]
        unit = unit_of(var)[1] if part != "lagged" else f"per point of today's {var}"
        rows.append(
            {
                "term": var,
                "part": part,
                **row.to_dict(),
                "unit": unit,
                "reading": _reading(
                    var, part, row, design.outcome_label, design.outcome_unit, single
                ),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "term",
            "part",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "p_value",
            "unit",
            "reading",
        ],
    )


def _coefficients(fixed: pd.DataFrame, design: _Design) -> pd.DataFrame:
    """All fixed effects with term/part/unit labels."""
    out = fixed.copy()
    labels = [design.term_info.get(c, (c, "covariate")) for c in out.index]
    out.insert(0, "part", [p for _, p in labels])
    out.insert(0, "term", [t for t, _ in labels])
    out["unit"] = [
        unit_of(t)[1] if p in ("within", "between", "covariate") and t in UNITS else ""
        for t, p in labels
    ]
    out.loc[out.index == "const", ["term", "part"]] = ["intercept", "intercept"]
    return out.reset_index(drop=True)


def _formula(design: _Design) -> str:
    """The model in formula notation with natural names."""
    terms = [c for c in design.X.columns if c != "const"]
    weekday = [c for c in terms if c.startswith("weekday_")]
    terms = [c for c in terms if not c.startswith("weekday_")] + (["C(weekday)"] if weekday else [])
    text = f"{design.response_name} ~ {' + '.join(terms) or '1'}"
    if design.n_groups > 1:
        re_terms = "1" + (f" + {design.random_slope}" if design.random_slope else "")
        text += f" + ({re_terms} | participant_id)"
    return text


# --------------------------------------------------------------------------- random effects


def _random_effects_summary(
    result: object, design: _Design, fixed: pd.DataFrame
) -> tuple[dict[str, float], float | None, float | None, pd.DataFrame | None, list[str]]:
    """Random-effect SDs, slope shares, per-person slopes and boundary notes."""
    cov_re = np.asarray(result.cov_re)  # type: ignore[attr-defined]
    scale = float(result.scale)  # type: ignore[attr-defined]
    sds = {"intercept": math.sqrt(max(cov_re[0, 0], 0.0))}
    notes: list[str] = []
    if cov_re[0, 0] < BOUNDARY_REL * scale:
        notes.append(
            "Boundary fit: the spread of baseline levels between people was estimated at "
            "zero, i.e. the data show no detectable person-to-person differences in it."
        )
    if design.random_slope is None:
        sds["residual"] = math.sqrt(scale)
        return sds, None, None, None, notes
    var = design.term_info[design.random_slope][0]
    slope_sd = math.sqrt(max(cov_re[1, 1], 0.0))
    sds[f"{var} slope ({unit_of(var)[1]})"] = slope_sd
    sds["residual"] = math.sqrt(scale)
    if cov_re[1, 1] < BOUNDARY_REL * scale:
        notes.append(
            f"Boundary fit: people's own {var} slopes were estimated not to differ; the "
            "share with a positive slope then just follows the average slope."
        )
    beta = float(fixed.loc[design.random_slope, "estimate"])
    re = result.random_effects  # type: ignore[attr-defined]
    own = pd.DataFrame(
        {
            "participant_id": list(re),
            "slope": [beta + float(np.asarray(v)[1]) for v in re.values()],
        }
    )
    share = float((own["slope"] > 0).mean())
    model_share = float(stats.norm.cdf(beta / slope_sd)) if slope_sd > 0 else float(beta > 0)
    return sds, share, model_share, own, notes


# --------------------------------------------------------------------------- public fits


def _wider_interval_note(
    col: str, design: _Design, fixed: pd.DataFrame, robust: pd.DataFrame
) -> str | None:
    """A note recommending the robust interval of ``col`` when its SE is much wider.

    Parameters
    ----------
    col
        Design column of a within-person (or lagged) term.
    design
        The model's design (for the term's panel variable).
    fixed
        Fixed-effect table of the mixed model.
    robust
        Table of the robust check (person fixed effects, cluster-robust errors).

    Returns
    -------
    str or None
        The note, or ``None`` when the term is missing from either table or the robust
        standard error is at most :data:`ROBUST_SE_RATIO_WARN` times the mixed model's.
    """
    if col not in fixed.index or col not in robust.index or not fixed.loc[col, "se"] > 0:
        return None
    ratio = float(robust.loc[col, "se"] / fixed.loc[col, "se"])
    if not ratio > ROBUST_SE_RATIO_WARN:
        return None
    var = design.term_info[col][0]
    lo, hi = robust.loc[col, "ci_low"], robust.loc[col, "ci_high"]
    d = decimals_for(float(robust.loc[col, "se"]))
    return (
        f"The robust check's standard error for the within-person {var} effect is "
        f"{ratio:.1f} times the mixed model's; prefer its wider interval "
        f"({lo:+.{d}f} to {hi:+.{d}f} {unit_of(var)[1]})."
    )


def _robust_check(
    design: _Design, fixed: pd.DataFrame, single: bool
) -> tuple[pd.DataFrame | None, list[str]]:
    """Person fixed effects with cluster-robust SEs, and a note comparing intervals."""
    within_terms = [
        c for c, (_, p) in design.term_info.items() if p in ("within", "lagged") and c in design.X
    ]
    if single or not within_terms:
        return None, []
    controls = [c for c in design.X.columns if c != "const" and c not in design.term_info]
    data = design.X.assign(participant_id=design.groups, _y=design.y.to_numpy())
    try:
        table, method, _ = within_person_ols(data, "_y", within_terms, controls=controls)
    except InsufficientDataError as err:
        return None, [f"The robust check could not be run: {err}."]
    rob = _effects_from_fixed(table, design, single=False).drop(columns="reading")
    rob.insert(2, "method", method)
    notes = [
        note
        for col in within_terms
        if (note := _wider_interval_note(col, design, fixed, table)) is not None
    ]
    if any(p == "lagged" for _, p in design.term_info.values()):
        notes.append(
            "In the robust check today's value is person-centred, which biases its own "
            "coefficient towards zero in short series (Nickell bias); read it for the run "
            "terms only."
        )
    if design.n_groups < 20:
        notes.append(
            f"With only {design.n_groups} participants, cluster-robust standard errors are "
            "themselves imprecise."
        )
    return rob, notes


def _assemble(design: _Design, what: str) -> MoodModelResult:
    """Fit the design (mixed model, or OLS+HAC for one person) and build the result."""
    _check_enough(design, what)
    single = design.n_groups == 1
    diagnostics = list(design.notes)
    if design.dropped:
        diagnostics.append(
            f"Left out for lack of variation or collinearity: {', '.join(design.dropped)}."
        )
    if single:
        result, ar_rho = _fit_ar1(design.y, design.X, design.day)
        fixed = _ols_fixed(result)
        method = (
            "One participant: a time series, not a mixed model. Regression with AR(1) "
            f"errors (feasible GLS, Prais-Winsten; day-to-day autocorrelation {ar_rho:.2f})."
        )
        resid = design.y.to_numpy() - design.X.to_numpy() @ np.asarray(result.params)
        sds: dict[str, float] = {}
        share = model_share = None
        own = None
        optimizer, converged = None, True
        attempts = pd.DataFrame(columns=["optimizer", "llf", "converged", "valid", "note"])
    else:
        result, best, tried = _fit_mixed(design)
        fixed = _mixed_fixed(result)
        method = f"Linear mixed model (statsmodels MixedLM, REML; optimizer {best.optimizer})."
        resid = np.asarray(result.resid)
        sds, share, model_share, own, re_notes = _random_effects_summary(result, design, fixed)
        optimizer, converged = best.optimizer, best.converged
        generic_boundary = {_WARNING_WORDS[0][1], _WARNING_WORDS[1][1]} if re_notes else set()
        diagnostics += [n for n in best.notes if n not in generic_boundary] + re_notes
        diagnostics += [n for a in tried if a is not best for n in a.notes if "10239" in n]
        diagnostics.append(
            "The fit converged."
            if converged
            else "The kept fit did not report convergence; treat it with care."
        )
        attempts = pd.DataFrame(
            [
                {
                    "optimizer": a.optimizer,
                    "llf": a.llf,
                    "converged": a.converged,
                    "valid": a.valid,
                    "note": " ".join(a.notes),
                }
                for a in tried
            ]
        )
    rho = _lag1_autocorrelation(resid, design.groups, design.day)
    diagnostics.append(_autocorr_note(rho, single))
    robust, robust_notes = _robust_check(design, fixed, single)
    diagnostics += robust_notes
    return MoodModelResult(
        effects=_effects_from_fixed(fixed, design, single),
        coefficients=_coefficients(fixed, design),
        random_effects_sd=sds,
        share_positive_slope=share,
        share_positive_slope_model=model_share,
        person_slopes=own,
        n_participants=design.n_groups,
        n_days=len(design.y),
        outcome=design.outcome_label,
        formula=_formula(design),
        method=method,
        optimizer=optimizer,
        converged=converged,
        diagnostics=diagnostics,
        residual_autocorrelation=rho,
        robust=robust,
        attempts=attempts,
        sm_result=result,
    )


def fit_mood_model(
    panel: pd.DataFrame,
    *,
    outcome: str = "mood_change",
    duration: str = "run_min",
    frequency: str | None = "runs_7d",
    covariates: Sequence[str] = ("weekday", "study_day"),
    random_slopes: bool = True,
    lagged: bool = False,
) -> MoodModelResult:
    """Fit the daily-diary mixed model of an outcome on run duration and frequency.

    Duration and frequency are each split into a within-person part (the day's
    deviation from the person's mean) and a between-person part (the person mean), with
    a random intercept per participant and, by default, a random slope for the
    within-person duration effect. Fitted by REML with several optimizers (best valid
    likelihood kept); a single participant is fitted as a regression with AR(1) errors.

    Parameters
    ----------
    panel
        A daily panel (one row per participant and day). Needs ``participant_id``,
        the outcome, ``duration`` and ``frequency`` (or their ``_within``/``_between``
        columns), and ``date`` or ``study_day`` to find consecutive days.
    outcome
        Response column. ``"mood_change"`` (today's mood minus yesterday's) is computed
        from ``mood`` when absent.
    duration
        Run-duration variable (``run_min`` is modelled per 30 min).
    frequency
        Run-frequency variable (``runs_7d``: runs in the previous 7 days, per extra run
        a week), or ``None`` to leave frequency out.
    covariates
        Adjustments: ``"weekday"`` enters as day-of-week dummies, ``"study_day"`` as a
        linear trend per 30 days; other numeric columns as they are, text as dummies.
    random_slopes
        Give each participant their own within-person duration slope.
    lagged
        Fit the next day's mood (or the next day's ``outcome`` when it is a level) on
        today's runs and today's value of it (the lagged outcome is not centred).
        Only consecutive days are paired.

    Returns
    -------
    MoodModelResult
        Effects in natural units with readings, random-effect SDs, diagnostics and the
        statsmodels result.

    Raises
    ------
    InputError
        When a needed column is missing.
    InsufficientDataError
        When there are too few usable days for the model.

    Examples
    --------
    >>> from runwell.simulate import simulate_panel
    >>> sim = simulate_panel(20, 40, seed=3)
    >>> res = fit_mood_model(sim.panel, outcome="mood")
    >>> res.effect("run_min", "within")["unit"]
    'per 30 min'
    """
    design = _prepare_daily(panel, outcome, duration, frequency, covariates, random_slopes, lagged)
    return _assemble(design, "The mood model")


def fit_acute_model(
    run_panel: pd.DataFrame,
    *,
    duration: str = "run_min",
    centre: float = 30.0,
) -> MoodModelResult:
    """Mood after a run minus mood before it, against run duration (random intercept).

    Parameters
    ----------
    run_panel
        One row per run with ``participant_id``, ``duration`` and ``mood_change`` (or
        ``mood_pre`` and ``mood_post``).
    duration
        Duration column (``run_min`` is modelled per 30 min).
    centre
        Duration (natural units) at which the average change is reported; the
        ``acute`` row of the effects is the expected change for a run this long.

    Returns
    -------
    MoodModelResult
        Its effects have two rows of part ``acute``: term ``after a run`` (the expected
        change around a ``centre``-long run) and term ``duration`` (the change per
        natural unit of duration, e.g. per 30 min).
    """
    _require_columns(run_panel, ["participant_id", duration], "run panel")
    frame = run_panel.reset_index(drop=True)
    if "mood_change" in frame.columns:
        y = frame["mood_change"].astype(float)
    else:
        _require_columns(frame, ["mood_pre", "mood_post"], "run panel")
        y = frame["mood_post"].astype(float) - frame["mood_pre"].astype(float)
    divisor = unit_of(duration)[0]
    X = pd.DataFrame(
        {"const": 1.0, f"{duration}_acute": (frame[duration].astype(float) - centre) / divisor}
    )
    ok = y.notna() & X.notna().all(axis=1)
    frame, y, X = frame[ok], y[ok], X[ok]
    X, dropped = _drop_collinear(X, keep_first=["const"])
    design = _Design(
        y=y,
        X=X,
        groups=frame["participant_id"].astype(str).to_numpy(),
        day=np.arange(len(y), dtype=float),
        term_info={"const": ("after a run", "acute"), f"{duration}_acute": (duration, "acute")},
        random_slope=None,
        outcome_label="the mood change from before to after a run",
        outcome_unit="points",
        response_name="mood_post - mood_pre",
        dropped=dropped,
        notes=[],
    )
    result = _assemble(design, "The acute model")
    effects = result.effects
    is_const = effects["term"] == "after a run"
    effects.loc[is_const, "unit"] = (
        f"for a {centre:g} {'min' if duration == 'run_min' else 'unit'} run"
    )
    effects.loc[is_const, "reading"] = [
        _acute_reading(row, centre, duration) for _, row in effects[is_const].iterrows()
    ]
    result.diagnostics = [d for d in result.diagnostics if "consecutive days" not in d]
    result.unit_of_observation = "runs"
    return result


def _acute_reading(row: pd.Series, centre: float, duration: str) -> str:
    """Reading of the average change around a run."""
    length = f"{centre:g}-minute" if duration == "run_min" else f"{centre:g}-unit"
    hedge = "; the interval includes no change" if _uncertain(row) else ""
    return (
        f"Around a {length} run, mood afterwards was on average {_size(row)} "
        f"points {_direction(row['estimate'])} than before ({_interval(row, 'points')}){hedge}; "
        "ratings around a run can also reflect expectations and the time of day."
    )


def fit_naive_pooled(
    panel: pd.DataFrame,
    *,
    outcome: str = "mood",
    duration: str = "run_min",
    frequency: str | None = "runs_7d",
) -> pd.DataFrame:
    """The naive analysis: pooled OLS of the outcome on raw duration and frequency.

    It mixes within- and between-person variation, so person-level confounding (people
    who run more are happier anyway) biases it. Provided as a comparison, not as an
    estimate to report.

    Returns
    -------
    pandas.DataFrame
        Indexed by variable: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``
        (naive i.i.d. standard errors), per natural unit.
    """
    cols = [duration] + ([frequency] if frequency else [])
    _require_columns(panel, [outcome, *cols], "panel")
    frame = panel[[outcome, *cols]].astype(float).dropna()
    X = sm.add_constant(frame[cols] / [unit_of(c)[0] for c in cols])
    result = sm.OLS(frame[outcome], X).fit()
    ci = result.conf_int()
    return _fixed_table(result.params, result.bse, result.pvalues, ci).loc[cols]
