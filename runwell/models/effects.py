"""Tidy tables of fixed effects: from statsmodels results to labelled effects in natural units.

A *fixed table* is indexed by design column with ``estimate``, ``se``, ``ci_low``,
``ci_high`` (95%) and ``p_value``; the *effects* table keeps the run terms only and adds
``term``, ``part``, ``unit`` and a plain ``reading``; the *coefficients* table labels
every fixed effect, covariates included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import RegressionResultsWrapper
from statsmodels.regression.mixed_linear_model import MixedLMResultsWrapper

from runwell.models.design import Design
from runwell.models.units import UNITS, unit_of
from runwell.models.wording import reading

__all__ = [
    "EFFECT_COLUMNS",
    "fixed_table",
    "mixed_fixed",
    "ols_fixed",
    "effects_from_fixed",
    "coefficients_table",
]

#: Columns of :attr:`runwell.models.result.MoodModelResult.effects`, in order: ``unit``
#: is the predictor's unit ("per 30 min"), ``outcome_unit`` the scale the estimate is
#: measured on ("points on the 1-5 scale", "hours").
EFFECT_COLUMNS = [
    "term",
    "part",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "unit",
    "outcome_unit",
    "reading",
]

#: Predictor units of the terms that are the outcome itself, by part.
_OWN_UNITS = {"lagged": "per point of today's {var}", "previous day": "per point of the previous day's {var}"}


def fixed_table(params: pd.Series, bse: pd.Series, pvalues: pd.Series, ci: pd.DataFrame) -> pd.DataFrame:
    """Fixed effects as a tidy frame indexed by design column.

    Parameters
    ----------
    params, bse, pvalues
        Estimates, standard errors and p-values, indexed by design column.
    ci
        Interval bounds: first column low, second high.

    Returns
    -------
    pandas.DataFrame
        Columns ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``.
    """
    return pd.DataFrame(
        {
            "estimate": params,
            "se": bse,
            "ci_low": ci.iloc[:, 0],
            "ci_high": ci.iloc[:, 1],
            "p_value": pvalues,
        }
    )


def mixed_fixed(result: MixedLMResultsWrapper) -> pd.DataFrame:
    """Fixed-effect table of a MixedLM result (normal-theory 95% intervals)."""
    params = result.fe_params
    names = list(params.index)
    bse = pd.Series(np.asarray(result.bse_fe), index=names)
    z = stats.norm.ppf(0.975)
    ci = pd.DataFrame({"lo": params - z * bse, "hi": params + z * bse})
    with np.errstate(invalid="ignore", divide="ignore"):
        p = pd.Series(2 * stats.norm.sf(np.abs(params / bse)), index=names)
    return fixed_table(params, bse, p, ci)


def ols_fixed(result: RegressionResultsWrapper) -> pd.DataFrame:
    """Fixed-effect table of an OLS result with robust covariance (t intervals)."""
    ci = result.conf_int(0.05)
    return fixed_table(result.params, result.bse, result.pvalues, ci)


def effects_from_fixed(fixed: pd.DataFrame, design: Design, subject: str) -> pd.DataFrame:
    """The tidy effects table (run terms only) with units, the outcome's scale and readings.

    Parameters
    ----------
    fixed
        Fixed table of the fit.
    design
        The model's design (which columns are run terms, how the outcome is named and
        on which scale it is measured).
    subject
        Who the within-person readings are about (``"you"``, ``"this person"``,
        ``"people"``).

    Returns
    -------
    pandas.DataFrame
        One row per run term present in ``fixed``, columns :data:`EFFECT_COLUMNS`.
    """
    rows = []
    for col, (var, part) in design.term_info.items():
        if col not in fixed.index:
            continue
        row = fixed.loc[col]
        unit = _OWN_UNITS[part].format(var=var) if part in _OWN_UNITS else unit_of(var)[1]
        rows.append(
            {
                "term": var,
                "part": part,
                **row.to_dict(),
                "unit": unit,
                "outcome_unit": design.outcome_unit,
                "reading": reading(var, part, row, design.outcome_label, design.outcome_unit, subject),
            }
        )
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def coefficients_table(fixed: pd.DataFrame, design: Design) -> pd.DataFrame:
    """All fixed effects with ``term``/``part``/``unit`` labels (``intercept`` for ``const``).

    Parameters
    ----------
    fixed
        Fixed table of the fit.
    design
        The model's design.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``part``, the fixed-table columns and ``unit``, one row per coefficient.
    """
    out = fixed.copy()
    labels = [design.term_info.get(c, (c, "covariate")) for c in out.index]
    out.insert(0, "part", [p for _, p in labels])
    out.insert(0, "term", [t for t, _ in labels])
    out["unit"] = [unit_of(t)[1] if p in ("within", "between", "covariate") and t in UNITS else "" for t, p in labels]
    out.loc[out.index == "const", ["term", "part"]] = ["intercept", "intercept"]
    return out.reset_index(drop=True)
