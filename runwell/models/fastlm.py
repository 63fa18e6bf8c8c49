"""The fast mixed-model engine, shaped like a statsmodels MixedLM result.

:func:`fit_fast_design` fits a model's design (:class:`~runwell.models.design.Design`)
with :func:`runwell.models.fast.fit_fast_mixed` (REML, per-person sufficient statistics)
and wraps the fit in :class:`FastMixedLMResults`, which answers the attributes the rest of
:mod:`runwell.models` reads from a statsmodels ``MixedLMResults``: ``fe_params``,
``bse_fe``, ``cov_re``, ``scale``, ``llf``, ``converged``, ``random_effects`` (a dict of
Series per participant), ``fittedvalues`` and ``resid`` (both with the predicted random
effects, as statsmodels). Callers of :func:`runwell.models.fit.fit_mood_model` see the
same result object whichever engine fitted it.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from runwell.models.design import Design
from runwell.models.fast import FastMixedModel, FastMixedResult

__all__ = ["FastMixedLMResults", "fit_fast_design", "random_design", "BOUNDARY_RESTARTS"]

#: Starting ``G / sigma^2`` (times the identity) tried again when a fit ends on the
#: boundary: from the identity, the first step can overshoot to a zero variance, where the
#: gradient in ``L`` vanishes although the likelihood rises away from it.
BOUNDARY_RESTARTS: tuple[float, ...] = (0.1, 0.01, 10.0)


def random_design(design: Design) -> pd.DataFrame:
    """The random-effect columns of a design: the constant, and its random slope if any."""
    return design.X[["const", design.random_slope]] if design.random_slope else design.X[["const"]]


class FastMixedLMResults:
    """A fast-engine fit with the attributes of statsmodels' ``MixedLMResults`` that runwell reads.

    Parameters
    ----------
    fit
        The fast engine's result.
    design
        The design it was fitted to (for fitted values and residuals).

    Attributes
    ----------
    engine : str
        ``"fast"`` (a statsmodels result has no such attribute).
    fast : FastMixedResult
        Everything the fast engine returned (``messages``, ``on_boundary``, ``theta``...).
    """

    engine = "fast"

    def __init__(self, fit: FastMixedResult, design: Design) -> None:
        self.fast = fit
        self._design = design
        self.fe_params: pd.Series = fit.fe_params
        self.bse_fe: pd.Series = fit.bse
        self.bse: pd.Series = fit.bse
        self.cov_re: pd.DataFrame = fit.cov_re
        self.scale: float = fit.scale
        self.llf: float = fit.llf
        self.converged: bool = fit.converged
        self.nobs: int = fit.nobs
        self.n_groups: int = fit.n_groups
        self.method: str = "REML" if fit.reml else "ML"

    @cached_property
    def random_effects(self) -> dict[str, pd.Series]:
        """Each participant's predicted random effects (BLUPs), as statsmodels gives them."""
        blups = self.fast.random_effects
        names = list(blups.columns)
        return {label: pd.Series(row, index=names) for label, row in zip(blups.index, blups.to_numpy(), strict=True)}

    @cached_property
    def fittedvalues(self) -> np.ndarray:
        """Fixed part plus each row's predicted random effects."""
        design = self._design
        blups = self.fast.random_effects
        rows = blups.index.get_indexer(pd.Index(design.groups))
        Z = random_design(design).to_numpy(dtype=float)
        fixed = design.X.to_numpy(dtype=float) @ self.fe_params.to_numpy()
        return np.asarray(fixed + np.einsum("nq,nq->n", Z, blups.to_numpy()[rows]))

    @property
    def resid(self) -> np.ndarray:
        """Response minus :attr:`fittedvalues`."""
        return np.asarray(self._design.y.to_numpy(dtype=float) - self.fittedvalues)

    def cov_params(self, kind: str | None = None) -> pd.DataFrame:
        """Covariance of the fixed effects (``"hessian"``, as statsmodels, or ``"gls"``)."""
        return self.fast.cov_params(kind)


def fit_fast_design(design: Design) -> FastMixedLMResults:
    """Fit a design's mixed model (REML, random intercept and slope if any) with the fast engine.

    Parameters
    ----------
    design
        The model's design.

    Returns
    -------
    FastMixedLMResults
        The fit from statsmodels' start (``G / sigma^2`` the identity); when that ends
        on the boundary, the best fit from the starts in :data:`BOUNDARY_RESTARTS`.

    Raises
    ------
    ValueError
        When the engine cannot fit it (a rank-deficient design, non-finite values).
    """
    y = design.y.to_numpy(dtype=float)
    model = FastMixedModel(y, design.X, random_design(design), design.groups)
    fit = model.fit(reml=True)
    q = model.stats.q
    for scale in BOUNDARY_RESTARTS:
        if not fit.on_boundary:
            break
        again = model.fit(reml=True, start=scale * np.eye(q))
        if again.converged and again.llf > fit.llf + 1e-9:
            fit = again
    return FastMixedLMResults(fit, design)
