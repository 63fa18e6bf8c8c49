"""Random effects with their uncertainty: the slope SD, the share of positive slopes, own slopes.

* The SD of people's own duration slopes gets a profile-likelihood interval: the REML
  log-likelihood is maximised with the slope's variance (relative to the residual
  variance) held fixed, and the interval holds the values within
  ``chi2_1(level) / 2`` of the maximum (it reaches 0 when the data cannot rule out that
  everyone has the same slope). The fits use :mod:`runwell.models.fast`.
* The share of people whose slope is positive is the one the fitted normal distribution
  of slopes implies, ``Phi(beta / tau)``, not the share of shrunken per-person
  estimates above zero (shrinkage pulls them towards the average slope, so that share
  overstates agreement: 97% shown where 93% was true). Its interval takes ``beta`` and
  ``tau`` each at 97.5% (Bonferroni), so it covers at least 95%.
* Each person's own slope is the average slope plus their predicted deviation (BLUP),
  with an interval from its conditional SD ``sqrt(Var(b_i | y) + Var(beta))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from runwell.models.design import Design
from runwell.models.fast import FastMixedModel
from runwell.models.mixed import BOUNDARY_REL
from runwell.models.sandwich import group_blocks, re_design, weight_root
from runwell.models.units import unit_of

__all__ = ["RandomEffects", "summarise_random_effects", "slope_sd_interval", "own_slopes"]


@dataclass
class RandomEffects:
    """What the random effects say, with uncertainty.

    Attributes
    ----------
    sds
        Standard deviations of the random intercept, the slope (``"<var> slope (<unit>)"``)
        and the residual.
    slope_sd_ci
        95% profile-likelihood interval of the slope SD, or ``None``.
    share_positive
        Share of people with a positive slope under the fitted normal distribution.
    share_positive_ci
        Its interval (at least 95%), or ``None``.
    person_slopes
        ``participant_id``, ``slope``, ``se``, ``lower``, ``upper`` (95%), or ``None``.
    notes
        Boundary fits, in words.
    """

    sds: dict[str, float]
    slope_sd_ci: tuple[float, float] | None = None
    share_positive: float | None = None
    share_positive_ci: tuple[float, float] | None = None
    person_slopes: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def _theta(r: float, phi: float, l00: float) -> np.ndarray:
    """Cholesky factor of ``G / sigma^2`` (intercept, slope) with slope SD ratio ``r``."""
    return np.array([l00, r * math.cos(phi), r * math.sin(phi)])


def _profile(model: FastMixedModel, r: float, start: np.ndarray) -> tuple[float, np.ndarray]:
    """Maximum REML log-likelihood with the relative slope SD held at ``r``."""
    fun = lambda v: -model.loglike(_theta(r, v[0], v[1]))  # noqa: E731
    best = optimize.minimize(fun, start, method="Nelder-Mead", options={"xatol": 1e-5, "fatol": 1e-7})
    return -float(best.fun), np.asarray(best.x)


def slope_sd_interval(design: Design, level: float = 0.95) -> tuple[float, float] | None:
    """Profile-likelihood interval of the random slope's SD (natural units).

    Parameters
    ----------
    design
        The model's design, with a random slope.
    level
        Coverage of the interval.

    Returns
    -------
    tuple of float or None
        ``(low, high)``; ``None`` without a random slope or when the fit fails.
    """
    if design.random_slope is None:
        return None
    model = FastMixedModel(design.y, design.X, re_design(design), design.groups)
    fit = model.fit()
    psi = fit.cov_re.to_numpy() / fit.scale
    r_hat = math.sqrt(max(psi[1, 1], 0.0))
    l00 = math.sqrt(max(psi[0, 0], 0.0))
    phi0 = math.atan2(math.sqrt(max(psi[1, 1] - (psi[0, 1] / l00) ** 2, 0.0)), psi[0, 1] / l00) if l00 > 0 else 1.5
    start = np.array([phi0, l00])
    cut = fit.llf - stats.chi2.ppf(level, 1) / 2
    drop = lambda r: _profile(model, r, start)[0] - cut  # noqa: E731
    if not np.isfinite(fit.llf):
        return None
    low = 0.0 if drop(0.0) >= 0 else optimize.brentq(drop, 0.0, r_hat, xtol=1e-6 * (r_hat + 1e-6))
    high_end = max(2 * r_hat, 0.05)
    while drop(high_end) > 0 and high_end < 1e3:
        high_end *= 2
    high = optimize.brentq(drop, r_hat, high_end, xtol=1e-6 * high_end) if drop(high_end) <= 0 else math.inf
    sigma = math.sqrt(fit.scale)
    return low * sigma, high * sigma


def own_slopes(design: Design, beta: pd.Series, beta_se: float, cov_re: np.ndarray, scale: float) -> pd.DataFrame:
    """Each person's own slope (average plus BLUP) with a 95% interval.

    Parameters
    ----------
    design
        The model's design, with a random slope.
    beta
        Fixed effects by design column.
    beta_se
        Standard error of the average slope.
    cov_re
        Random-effect covariance ``G``.
    scale
        Residual variance.

    Returns
    -------
    pandas.DataFrame
        ``participant_id``, ``slope``, ``se``, ``lower``, ``upper``.
    """
    assert design.random_slope is not None
    G = np.asarray(cov_re, dtype=float)
    L = weight_root(G, scale)
    b = beta.reindex(design.X.columns).to_numpy(dtype=float)
    average = float(beta[design.random_slope])
    rows = []
    for label, X, Z, y in group_blocks(design):
        ZL = Z @ L
        inner = np.linalg.inv(np.eye(L.shape[1]) + ZL.T @ ZL)
        # BLUP: G Z' V^-1 r = L (I + L'Z'ZL)^-1 L'Z' r; conditional variance: sigma^2 L (I + L'Z'ZL)^-1 L'
        blup = L @ inner @ ZL.T @ (y - X @ b)
        cond = scale * (L @ inner @ L.T)
        se = math.sqrt(max(cond[1, 1], 0.0) + beta_se**2)
        rows.append({"participant_id": label, "slope": average + float(blup[1]), "se": se})
    out = pd.DataFrame(rows, columns=["participant_id", "slope", "se"])
    z = stats.norm.ppf(0.975)
    out["lower"] = out["slope"] - z * out["se"]
    out["upper"] = out["slope"] + z * out["se"]
    return out


def _share_interval(beta: float, se: float, df: int, sd_ci: tuple[float, float] | None) -> tuple[float, float] | None:
    """Interval of ``Phi(beta / tau)`` from ``beta`` and ``tau`` each at 97.5%."""
    if sd_ci is None:
        return None
    half = stats.t.ppf(0.9875, max(df, 1)) * se
    lo_b, hi_b = beta - half, beta + half
    tau_lo, tau_hi = sd_ci

    def share(b: float, tau: float) -> float:
        return float(stats.norm.cdf(b / tau)) if tau > 0 else float(b > 0) if b != 0 else 0.5

    low = min(share(lo_b, tau_lo), share(lo_b, tau_hi))
    high = max(share(hi_b, tau_lo), share(hi_b, tau_hi))
    return low, high


def summarise_random_effects(
    design: Design, fixed: pd.DataFrame, cov_re: np.ndarray, scale: float, *, interval: bool = True
) -> RandomEffects:
    """SDs, the slope SD's interval, the implied share of positive slopes and own slopes.

    Parameters
    ----------
    design
        The model's design.
    fixed
        The reported fixed-effect table (``estimate`` and ``se`` of the average slope).
    cov_re
        Random-effect covariance ``G`` (intercept first).
    scale
        Residual variance ``sigma^2``.
    interval
        Compute the profile-likelihood interval of the slope SD (about a second for
        a few thousand days).

    Returns
    -------
    RandomEffects
    """
    G = np.asarray(cov_re, dtype=float)
    sds = {"intercept": math.sqrt(max(G[0, 0], 0.0))}
    out = RandomEffects(sds=sds)
    if G[0, 0] < BOUNDARY_REL * scale:
        out.notes.append(
            "Boundary fit: the spread of baseline levels between people was estimated at "
            "zero, i.e. the data show no detectable person-to-person differences in it."
        )
    if design.random_slope is None:
        sds["residual"] = math.sqrt(scale)
        return out
    var = design.term_info[design.random_slope][0]
    tau = math.sqrt(max(G[1, 1], 0.0))
    sds[f"{var} slope ({unit_of(var)[1]})"] = tau
    sds["residual"] = math.sqrt(scale)
    if G[1, 1] < BOUNDARY_REL * scale:
        out.notes.append(
            f"Boundary fit: people's own {var} slopes were estimated not to differ; the "
            "share with a positive slope then just follows the average slope."
        )
    beta, se = float(fixed.loc[design.random_slope, "estimate"]), float(fixed.loc[design.random_slope, "se"])
    out.share_positive = float(stats.norm.cdf(beta / tau)) if tau > 0 else float(beta > 0)
    out.slope_sd_ci = slope_sd_interval(design) if interval else None
    out.share_positive_ci = _share_interval(beta, se, design.n_groups - 1, out.slope_sd_ci)
    out.person_slopes = own_slopes(design, fixed["estimate"], se, G, scale)
    return out
