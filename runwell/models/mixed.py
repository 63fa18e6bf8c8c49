"""Fitting the mixed model: the engine and optimizer search, warnings in plain words, random effects.

The fast engine (:mod:`runwell.models.fastlm`: per-person sufficient statistics, the REML
profile likelihood, GLS fixed effects; the same estimates, standard errors and likelihood
as statsmodels to 1e-4) is tried first; when it raises or does not converge, statsmodels'
MixedLM, the reference, fits the model instead. There several optimizers are tried and the
best likelihood kept; the search stops early once two of them converge cleanly to the
same likelihood. Fits showing statsmodels issue
10239 (lbfgs returns person-level coefficients of exactly zero when the random-intercept
variance collapses, while claiming convergence) are rejected. Warnings are captured and
translated into diagnostics rather than escaping.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMResultsWrapper

from runwell.errors import InsufficientDataError
from runwell.models.design import Design
from runwell.models.fastlm import FastMixedLMResults, fit_fast_design, random_design

__all__ = [
    "ENGINES",
    "FAST_ENGINE",
    "OPTIMIZERS",
    "FALLBACK_OPTIMIZERS",
    "LLF_AGREE",
    "BOUNDARY_REL",
    "WARNING_WORDS",
    "plain_warning",
    "captured_notes",
    "Attempt",
    "zeroed_person_terms",
    "try_optimizer",
    "two_agree",
    "try_fast",
    "fit_mixed",
    "engine_text",
    "attempts_table",
    "fit_notes",
]

#: How :func:`fit_mixed` may fit: ``"auto"`` (the fast engine, statsmodels when it does
#: not converge), ``"fast"`` (the fast engine only) or ``"statsmodels"`` (MixedLM only).
ENGINES: tuple[str, ...] = ("auto", "fast", "statsmodels")
#: The ``optimizer`` name of a fit by the fast engine (L-BFGS-B on the profile likelihood).
FAST_ENGINE = "fast"
#: Optimizers tried in turn for the mixed model, best valid likelihood kept. The search
#: stops early once two of them converge cleanly (no warnings) to the same likelihood
#: (within :data:`LLF_AGREE`); Nelder-Mead is tried only when no fit converged at all.
OPTIMIZERS: tuple[str, ...] = ("bfgs", "lbfgs", "cg", "powell")
FALLBACK_OPTIMIZERS: tuple[str, ...] = ("nm",)
#: Log-likelihood difference under which two optimizers count as agreeing.
LLF_AGREE = 1e-3
#: Variance (in outcome units squared, relative to the residual variance) below which a
#: random-effect variance counts as collapsed onto the boundary.
BOUNDARY_REL = 1e-4

#: Plain words for statsmodels/numpy warnings, by a key found in the message. The first
#: two (boundary, singular) are generic and give way to the specific random-effect notes.
WARNING_WORDS: tuple[tuple[str, str], ...] = (
    (
        "boundary",
        "The fit ended on the boundary: a random-effect variance was estimated at (or near) zero.",
    ),
    (
        "singular",
        "The random-effects covariance is singular: a person-to-person variance or correlation could not be estimated.",
    ),
    (
        "Hessian",
        "The likelihood surface is flat or curved the wrong way at the estimate, so standard errors may be unreliable.",
    ),
    ("failed to converge", "The optimizer did not report convergence."),
    ("Gradient optimization failed", "This gradient-based optimizer failed."),
    ("optimization failed", "This optimizer failed."),
)


def plain_warning(message: str) -> str | None:
    """Translate a statsmodels/numpy warning into plain words (None to ignore)."""
    if message.startswith("Retrying MixedLM"):
        return None
    for key, words in WARNING_WORDS:
        if key in message:
            return words
    return f"statsmodels warned: {message}"


def captured_notes(messages: Iterable[str]) -> list[str]:
    """Unique plain-language notes for a list of warning messages, in order."""
    out: list[str] = []
    for m in messages:
        words = plain_warning(m)
        if words and words not in out:
            out.append(words)
    return out


@dataclass
class Attempt:
    """One optimizer's fit: its result, likelihood, convergence, validity and notes."""

    optimizer: str
    result: MixedLMResultsWrapper | FastMixedLMResults | None
    llf: float
    converged: bool
    valid: bool
    notes: list[str]


def zeroed_person_terms(
    result: MixedLMResultsWrapper | FastMixedLMResults, X: pd.DataFrame, person_cols: Sequence[str]
) -> list[str]:
    """Person-level terms (intercept included) whose coefficient is exactly zero.

    This is the signature of statsmodels issue 10239: when the random-intercept
    variance falls below an internal tolerance, ``get_fe_params`` returns every
    coefficient of a regressor that is constant within person (the intercept and the
    between-person terms) as exactly 0.0, while the fit reports convergence.

    Parameters
    ----------
    result
        A MixedLM result (only ``fe_params`` is read).
    X
        The design matrix.
    person_cols
        Between-person columns of the design.

    Returns
    -------
    list of str
        The zeroed columns (``const`` first); empty for a sound fit.
    """
    params = result.fe_params
    zeroed = []
    for col in ["const", *person_cols]:
        if col not in params.index or params[col] != 0.0:
            continue
        if col == "const" or np.ptp(X[col].to_numpy()) > 0:
            zeroed.append(col)
    return zeroed


def try_optimizer(model: MixedLM, method: str, X: pd.DataFrame, person_cols: Sequence[str]) -> Attempt:
    """Fit with one optimizer, capturing warnings instead of letting them escape."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = model.fit(reml=True, method=method)
            with np.errstate(invalid="ignore"):
                bse = np.asarray(result.bse_fe, dtype=float)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError) as err:
            return Attempt(method, None, -np.inf, False, False, [f"{method} failed: {err}"])
    notes = captured_notes(str(w.message) for w in caught if "invalid value encountered in sqrt" not in str(w.message))
    llf = float(result.llf)
    finite = np.isfinite(llf) and bool(np.all(np.isfinite(result.fe_params)))
    if finite and not np.all(np.isfinite(bse)):
        # a fit without finite standard errors is not a result: the next optimizer is tried
        finite = False
        notes.append(f"{method}: the standard errors of the fixed effects are not finite; fit rejected.")
    zeroed = zeroed_person_terms(result, X, person_cols) if finite else []
    if zeroed:
        notes.append(
            f"{method}: person-level coefficients ({', '.join(zeroed)}) came back as exactly "
            "zero while the fit claimed convergence (statsmodels issue 10239); fit rejected."
        )
    valid = finite and not zeroed
    return Attempt(method, result, llf, bool(result.converged), valid, notes)


def two_agree(attempts: Sequence[Attempt]) -> bool:
    """Whether two clean, converged fits reached the same likelihood."""
    clean = sorted(a.llf for a in attempts if a.valid and a.converged and not a.notes)
    return any(b - a < LLF_AGREE for a, b in zip(clean, clean[1:], strict=False))


def try_fast(design: Design) -> Attempt:
    """Fit with the fast engine (:mod:`runwell.models.fastlm`); its failure is an invalid attempt."""
    try:
        result = fit_fast_design(design)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError) as err:
        return Attempt(FAST_ENGINE, None, -np.inf, False, False, [f"the fast engine failed: {err}"])
    notes = captured_notes(result.fast.messages)
    finite = np.isfinite(result.llf) and bool(np.all(np.isfinite(result.fe_params)))
    return Attempt(FAST_ENGINE, result, float(result.llf), bool(result.converged), finite, notes)


def _search_statsmodels(design: Design, attempts: list[Attempt]) -> None:
    """statsmodels' MixedLM with each optimizer in turn, appended to ``attempts``."""
    X = design.X
    model = MixedLM(design.y.to_numpy(), X, groups=design.groups, exog_re=random_design(design))
    person_cols = [c for c, (_, part) in design.term_info.items() if part == "between"]
    for method in OPTIMIZERS:
        attempts.append(try_optimizer(model, method, X, person_cols))
        if two_agree(attempts):
            break
    if not any(a.valid and a.converged for a in attempts):
        attempts += [try_optimizer(model, m, X, person_cols) for m in FALLBACK_OPTIMIZERS]


def fit_mixed(
    design: Design, engine: str = "auto"
) -> tuple[MixedLMResultsWrapper | FastMixedLMResults, Attempt, list[Attempt]]:
    """Fit the mixed model by REML: the fast engine first, then statsmodels' optimizer search.

    Parameters
    ----------
    design
        The model's design (random intercept, plus its random slope if any).
    engine
        One of :data:`ENGINES`: ``"auto"`` (default) keeps a converged fast fit and
        otherwise runs statsmodels' MixedLM with each optimizer in turn, keeping the best
        valid likelihood; ``"statsmodels"`` skips the fast engine (the reference);
        ``"fast"`` never runs statsmodels.

    Returns
    -------
    tuple
        ``(result, best, attempts)``: the kept result (a statsmodels result or a
        :class:`~runwell.models.fastlm.FastMixedLMResults`, with the same attributes),
        its attempt, and every attempt in the order tried.

    Raises
    ------
    InsufficientDataError
        When no engine or optimizer gave a valid fit.
    ValueError
        For an unknown ``engine``.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    attempts: list[Attempt] = []
    if engine != "statsmodels":
        attempts.append(try_fast(design))
        if attempts[0].valid and attempts[0].converged:
            return cast(FastMixedLMResults, attempts[0].result), attempts[0], attempts
    if engine != "fast":
        _search_statsmodels(design, attempts)
    valid = [a for a in attempts if a.valid]
    if not valid:
        detail = "; ".join(n for a in attempts for n in a.notes) or "no optimizer gave a finite fit"
        raise InsufficientDataError(
            f"The mixed model could not be fitted ({detail}). More participants or days, "
            "or random_slopes=False, may help."
        )
    converged = [a for a in valid if a.converged]
    best = max(converged or valid, key=lambda a: a.llf)
    return cast(MixedLMResultsWrapper, best.result), best, attempts


def engine_text(best: Attempt) -> str:
    """The model and the engine that fitted it, in words, for the result's ``method``."""
    if best.optimizer == FAST_ENGINE:
        return (
            "Linear mixed model (REML; fitted by runwell's fast engine from per-person sufficient "
            "statistics, which gives statsmodels MixedLM's estimates to 1e-4)."
        )
    return f"Linear mixed model (statsmodels MixedLM, REML; optimizer {best.optimizer})."


def attempts_table(attempts: Sequence[Attempt]) -> pd.DataFrame:
    """One row per optimizer tried: ``optimizer``, ``llf``, ``converged``, ``valid``, ``note``."""
    return pd.DataFrame(
        [
            {
                "optimizer": a.optimizer,
                "llf": a.llf,
                "converged": a.converged,
                "valid": a.valid,
                "note": " ".join(a.notes),
            }
            for a in attempts
        ]
    )


def fit_notes(best: Attempt, attempts: Sequence[Attempt], re_notes: list[str]) -> list[str]:
    """Diagnostics of the kept fit: its warnings, the random-effect notes, convergence.

    Parameters
    ----------
    best
        The kept attempt.
    attempts
        Every attempt (rejections for issue 10239 are reported).
    re_notes
        Notes about the random effects (:mod:`runwell.models.randomfx`); when present,
        the generic boundary and singular warnings of the kept fit give way to them.

    Returns
    -------
    list of str
        The notes, in order.
    """
    generic_boundary = {WARNING_WORDS[0][1], WARNING_WORDS[1][1]} if re_notes else set()
    notes = [n for n in best.notes if n not in generic_boundary] + re_notes
    notes += [n for a in attempts if a is not best for n in a.notes if "10239" in n or "not finite" in n]
    if best.optimizer != FAST_ENGINE and any(a.optimizer == FAST_ENGINE for a in attempts):
        notes.append("The fast engine did not converge; statsmodels MixedLM fitted the model instead.")
    notes.append(
        "The fit converged." if best.converged else "The kept fit did not report convergence; treat it with care."
    )
    return notes
