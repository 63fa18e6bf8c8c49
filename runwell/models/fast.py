"""Fast linear mixed models from per-group sufficient statistics.

The model is ``y_i = X_i beta + Z_i b_i + e_i`` for each group ``i``, ``b_i ~ N(0, G)``
(``q x q``, unstructured), ``e_i ~ N(0, sigma^2 I)``: statsmodels'
``MixedLM(y, X, groups, exog_re=Z)`` without variance components, fitted the same way:

* ``G = sigma^2 L L'``, ``L`` lower triangular; the parameters ``theta`` are its lower
  triangle row by row (statsmodels' packing), unconstrained in the search and reported
  with a non-negative diagonal;
* ``sigma^2`` and ``beta`` (by GLS) are profiled out, leaving the REML (or ML)
  log-likelihood in ``theta`` alone, maximised by L-BFGS-B with an analytic gradient;
* the log-likelihood has statsmodels' constants (REML: ``-(N-p)/2 (log 2 pi + 1 -
  log(N-p))``, no ``log|X'X|`` term);
* standard errors of ``beta`` come, as in statsmodels, from the inverse observed Hessian
  of the profile (over ``sigma^2``) log-likelihood in ``(beta, G / sigma^2)``;
  ``cov_params("gls")`` gives ``sigma^2 (X'V^-1 X)^-1`` instead (lme4's choice).

Every group enters only through ``X_i'X_i, X_i'Z_i, Z_i'Z_i, X_i'y_i, Z_i'y_i, y_i'y_i``
and ``n_i``, computed once. With the Woodbury identity and the matrix determinant lemma,
``V_i = I + Z_i L L' Z_i'`` needs only ``M_i = I + L' Z_i'Z_i L`` (``q x q``) per group,
batched over groups: one likelihood evaluation costs O(groups q^2 p), whatever N.

A singular ``G`` (a diagonal element of ``L`` below :data:`BOUNDARY_TOL`, then set to
exactly 0) is a valid fit: it is returned, with ``on_boundary`` set and said in
``messages``. ``converged`` is true only at a stationary point with finite, positive
variances of the fixed effects. Depends on numpy, scipy and pandas only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import linalg, optimize

__all__ = ["FastMixedModel", "FastMixedResult", "GroupStats", "fit_fast_mixed", "group_stats"]

#: A diagonal element of ``L`` (a standard deviation relative to sigma) below this is
#: taken as being on the boundary of the parameter space (lme4's default tolerance).
BOUNDARY_TOL = 1e-4
#: Gradient size (per observation) under which a stop counts as converged.
GRAD_TOL = 1e-7


@dataclass(frozen=True)
class GroupStats:
    """Per-group cross products of ``A = [X | y]`` and ``Z``.

    Attributes
    ----------
    AtA : ndarray, shape (G, p + 1, p + 1)
        ``A_i'A_i``; its last row and column hold ``X_i'y_i`` and ``y_i'y_i``.
    ZtA : ndarray, shape (G, q, p + 1)
        ``Z_i'A_i``.
    ZtZ : ndarray, shape (G, q, q)
        ``Z_i'Z_i``.
    n : ndarray, shape (G,)
        Rows per group.
    """

    AtA: np.ndarray
    ZtA: np.ndarray
    ZtZ: np.ndarray
    n: np.ndarray

    @property
    def p(self) -> int:
        """Number of fixed effects."""
        return int(self.AtA.shape[1] - 1)

    @property
    def q(self) -> int:
        """Number of random effects per group."""
        return int(self.ZtZ.shape[1])


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal columns (the first rows are compared first, cheaply)."""
    return bool(np.array_equal(a[:64], b[:64]) and np.array_equal(a, b))


def _dedupe_columns(A: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stack ``[A | Z]`` without the ``Z`` columns already in ``A``; index of each ``Z`` column."""
    extra: list[np.ndarray] = []
    z_index = np.empty(Z.shape[1], dtype=np.intp)
    for j in range(Z.shape[1]):
        same = [k for k in range(A.shape[1] - 1) if _same(A[:, k], Z[:, j])]
        if same:
            z_index[j] = same[0]
        else:
            z_index[j] = A.shape[1] + len(extra)
            extra.append(Z[:, j])
    C = np.column_stack([A, *extra]) if extra else A
    return C, z_index


def group_stats(
    A: np.ndarray, Z: np.ndarray, codes: np.ndarray, n_groups: int, chunk_rows: int = 1 << 16
) -> GroupStats:
    """Per-group cross products in one pass over the rows.

    Groups are taken in order of size, a block of similar sizes at a time, and laid into a
    zero-padded ``(groups, n_max, m)`` array whose cross products are one batched matrix
    product; the padding stays small however unequal the ``n_i``.

    Parameters
    ----------
    A : ndarray, shape (N, p + 1)
        Fixed-effect design with the outcome as last column.
    Z : ndarray, shape (N, q)
        Random-effect design.
    codes : ndarray of int, shape (N,)
        Group of each row, ``0 .. n_groups - 1``; every group must occur.
    n_groups : int
        Number of groups.
    chunk_rows : int, optional
        Padded rows per block, bounding the temporary memory.

    Returns
    -------
    GroupStats
        Sums for groups ``0 .. n_groups - 1``.
    """
    codes = np.asarray(codes, dtype=np.intp)
    C, z_index = _dedupe_columns(A, Z)
    counts = np.bincount(codes, minlength=n_groups)
    if np.any(counts == 0):
        raise ValueError("every group code 0 .. n_groups - 1 must occur")
    by_size = np.argsort(counts, kind="stable")
    rank = np.empty(n_groups, dtype=np.intp)
    rank[by_size] = np.arange(n_groups)
    order = np.argsort(rank[codes], kind="stable")  # rows by group, groups by size
    row_rank = rank[codes][order]
    sizes = counts[by_size]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    pos = np.arange(len(codes)) - bounds[row_rank]  # row within its group
    full = np.empty((n_groups, C.shape[1], C.shape[1]))
    g0 = 0
    while g0 < n_groups:
        padded = np.arange(1, n_groups - g0 + 1) * sizes[g0:]
        g1 = g0 + max(1, int(np.searchsorted(padded, chunk_rows, side="right")))
        rows = slice(bounds[g0], bounds[g1])
        block = np.zeros((g1 - g0, sizes[g1 - 1], C.shape[1]))
        block[row_rank[rows] - g0, pos[rows]] = C[order[rows]]
        full[by_size[g0:g1]] = np.swapaxes(block, 1, 2) @ block
        g0 = g1
    a_index = np.arange(A.shape[1])
    return GroupStats(
        AtA=full[:, a_index[:, None], a_index],
        ZtA=full[:, z_index[:, None], a_index],
        ZtZ=full[:, z_index[:, None], z_index],
        n=counts,
    )


class _Profile(NamedTuple):
    """Profiled quantities at one ``theta`` (``V_i = I + Z_i L L' Z_i'``, unscaled)."""

    llf: float
    beta: np.ndarray  # GLS fixed effects
    qf: float  # r'V^-1 r at beta
    fac: int  # N - p (REML) or N (ML)
    H: np.ndarray  # X'V^-1 X
    L: np.ndarray
    Kt: np.ndarray | None  # Z_i'V_i^-1 X_i, shape (G, q, p)
    u: np.ndarray | None  # Z_i'V_i^-1 r_i, shape (G, q)
    W: np.ndarray | None  # Z_i'V_i^-1 Z_i, shape (G, q, q)

    @property
    def scale(self) -> float:
        """Profiled residual variance."""
        return self.qf / self.fac


def _chol_from_theta(theta: np.ndarray, q: int) -> np.ndarray:
    """Lower-triangular ``L`` from its row-major lower triangle."""
    L = np.zeros((q, q))
    L[np.tril_indices(q)] = theta
    return L


def _profile(st: GroupStats, AtA_sum: np.ndarray, theta: np.ndarray, reml: bool, derivs: bool) -> _Profile:
    """Profile log-likelihood at ``theta``, optionally with the per-group pieces of its derivatives."""
    p, q = st.p, st.q
    nobs = int(st.n.sum())
    L = _chol_from_theta(theta, q)
    ZZL = st.ZtZ @ L
    M = np.eye(q) + L.T @ ZZL
    logdet_v = 2.0 * np.log(np.diagonal(np.linalg.cholesky(M), axis1=1, axis2=2)).sum()
    Minv = np.linalg.inv(M)  # M_i >= I: well conditioned
    LZA = L.T @ st.ZtA
    S = Minv @ LZA  # M_i^-1 L' Z_i'A_i
    Atil = AtA_sum - np.tensordot(LZA, S, axes=([0, 1], [0, 1]))  # A'V^-1 A
    Atil = 0.5 * (Atil + Atil.T)
    try:
        R = np.linalg.cholesky(Atil[:p, :p])
    except np.linalg.LinAlgError as exc:
        raise ValueError("X'V^-1 X is singular: the fixed-effect design is rank deficient") from exc
    H, h = Atil[:p, :p], Atil[:p, p]
    beta = linalg.cho_solve((R, True), h)
    qf = float(Atil[p, p] - h @ beta)
    fac = nobs - p if reml else nobs
    llf = -0.5 * logdet_v - 0.5 * fac * (np.log(qf) + np.log(2.0 * np.pi) + 1.0 - np.log(fac))
    if reml:
        llf -= np.log(np.diag(R)).sum()
    if not derivs:
        return _Profile(float(llf), beta, qf, fac, H, L, None, None, None)
    ZVA = st.ZtA - ZZL @ S  # Z_i'V_i^-1 A_i
    Kt = ZVA[:, :, :p]
    u = ZVA[:, :, p] - Kt @ beta
    W = st.ZtZ - ZZL @ Minv @ np.swapaxes(ZZL, 1, 2)
    return _Profile(float(llf), beta, qf, fac, H, L, Kt, u, 0.5 * (W + np.swapaxes(W, 1, 2)))


def _grad_psi(pr: _Profile, reml: bool) -> np.ndarray:
    """Gradient of the profile log-likelihood in ``Psi = L L'`` (as ``d llf = tr(Grad dPsi)``)."""
    assert pr.W is not None and pr.u is not None and pr.Kt is not None
    grad = -0.5 * pr.W.sum(axis=0) + 0.5 / pr.scale * (pr.u.T @ pr.u)
    if reml:
        grad += 0.5 * np.tensordot(pr.Kt @ np.linalg.inv(pr.H), pr.Kt, axes=([0, 2], [0, 2]))
    return 0.5 * (grad + grad.T)


def _pair_matrices(q: int) -> list[np.ndarray]:
    """``dPsi / dPsi_jk`` for the lower-triangle elements, in statsmodels' order."""
    E = np.eye(q)
    return [np.outer(E[a], E[b]) + (a != b) * np.outer(E[b], E[a]) for a, b in zip(*np.tril_indices(q), strict=True)]


def _observed_hessian(pr: _Profile, reml: bool) -> np.ndarray:
    """statsmodels' ``MixedLM.hessian`` in ``(beta, lower triangle of Psi)``, from group pieces."""
    assert pr.W is not None and pr.u is not None and pr.Kt is not None
    Kt, u, W, qf, fac = pr.Kt, pr.u, pr.W, pr.qf, pr.fac
    Hinv = np.linalg.inv(pr.H)
    mats = _pair_matrices(u.shape[1])
    k = len(mats)
    Su = [u @ S for S in mats]  # S_j u_i (S symmetric)
    WS = [W @ S for S in mats]
    fere = np.array([-np.einsum("gqp,gq->p", Kt, s) / pr.scale for s in Su])
    B = np.array([np.einsum("gq,gq->", u, s) for s in Su])
    xtax = [np.einsum("gap,ab,gbr->pr", Kt, S, Kt, optimize=True) for S in mats]
    re = np.empty((k, k))
    for j in range(k):
        for m in range(j + 1):
            D = 2.0 * np.einsum("ga,gab,gb->", Su[m], W, Su[j])
            value = 0.5 * np.einsum("gab,gba->", WS[j], WS[m]) - 0.5 * fac * (D / qf - B[j] * B[m] / qf**2)
            if reml:
                F = np.einsum("gap,gab,gbr->pr", Kt, mats[m] @ WS[j], Kt, optimize=True)
                value += 0.5 * (np.trace(Hinv @ xtax[j] @ Hinv @ xtax[m]) - np.trace(Hinv @ (F + F.T)))
            re[j, m] = re[m, j] = value
    return np.block([[-pr.H / pr.scale, fere.T], [fere, re]])


@dataclass(frozen=True)
class FastMixedResult:
    """A fitted linear mixed model (attribute names follow statsmodels' ``MixedLMResults``).

    Attributes
    ----------
    fe_params, bse : Series
        Fixed effects and their standard errors (from ``cov_type``).
    cov_re : DataFrame
        Random-effect covariance ``G``.
    scale : float
        Residual variance ``sigma^2``.
    llf : float
        Maximised REML or ML log-likelihood, statsmodels' definition.
    converged : bool
        Stopped at a stationary point, with finite standard errors of the fixed effects.
    on_boundary : bool
        ``G`` is singular (a diagonal element of ``L`` is below :data:`BOUNDARY_TOL`).
    random_effects : DataFrame
        BLUPs ``E[b_i | y]``, one row per group (sorted group labels).
    bse_re : Series
        Standard errors of the lower triangle of ``cov_re`` (NaN where not positive).
    messages : tuple of str
        Everything the fit wants said: boundary, non-finite errors, optimiser trouble.
    """

    fe_params: pd.Series
    bse: pd.Series
    cov_re: pd.DataFrame
    scale: float
    llf: float
    converged: bool
    on_boundary: bool
    n_groups: int
    nobs: int
    reml: bool
    cov_type: str
    random_effects: pd.DataFrame
    bse_re: pd.Series
    theta: np.ndarray
    n_iter: int
    messages: tuple[str, ...] = ()
    _cov: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def cov_params(self, kind: str | None = None) -> pd.DataFrame:
        """Covariance of the fixed effects: ``"hessian"`` (statsmodels) or ``"gls"`` (lme4)."""
        return self._cov[kind or self.cov_type]


def _matrix(data: Any, prefix: str) -> tuple[np.ndarray, list[str]]:
    """A 2-D float array and its column names (from a DataFrame, else ``prefix0, prefix1, ...``)."""
    arr = np.asarray(data, dtype=float)
    arr = arr[:, None] if arr.ndim == 1 else arr
    names = [str(c) for c in data.columns] if isinstance(data, pd.DataFrame) else None
    return arr, names or [f"{prefix}{j}" for j in range(arr.shape[1])]


class FastMixedModel:
    """A linear mixed model held as per-group sufficient statistics.

    Parameters
    ----------
    y : array_like, shape (N,)
        Outcome.
    X : array_like or DataFrame, shape (N, p)
        Fixed-effect design (include the constant yourself).
    Z : array_like or DataFrame, shape (N, q), optional
        Random-effect design; ``None`` for a random intercept only.
    groups : array_like, shape (N,)
        Group label of each row.
    """

    def __init__(self, y: Any, X: Any, Z: Any, groups: Any) -> None:
        y_arr = np.asarray(y, dtype=float).reshape(-1)
        X_arr, self.exog_names = _matrix(X, "x")
        Z_arr, self.exog_re_names = (np.ones((len(y_arr), 1)), ["Group"]) if Z is None else _matrix(Z, "z")
        if not (len(y_arr) == len(X_arr) == len(Z_arr) == len(groups)):
            raise ValueError("y, X, Z and groups must have the same number of rows")
        for name, arr in (("y", y_arr), ("X", X_arr), ("Z", Z_arr)):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{name} has missing or non-finite values; drop those rows first")
        codes, labels = pd.factorize(np.asarray(groups), sort=True)
        if np.any(codes < 0):
            raise ValueError("groups has missing labels")
        self.group_labels = pd.Index(labels)
        self.n_groups = len(labels)
        self.nobs = len(y_arr)
        self.stats = group_stats(np.column_stack([X_arr, y_arr]), Z_arr, codes, len(labels))
        self._AtA_sum = self.stats.AtA.sum(axis=0)

    def loglike(self, theta: np.ndarray, reml: bool = True) -> float:
        """Profile log-likelihood at ``theta`` (lower triangle of ``L``), statsmodels' constants."""
        return _profile(self.stats, self._AtA_sum, np.asarray(theta, dtype=float), reml, False).llf

    def score(self, theta: np.ndarray, reml: bool = True) -> np.ndarray:
        """Gradient of :meth:`loglike` in ``theta``."""
        return -self.nobs * self._objective(np.asarray(theta, dtype=float), reml)[1]

    def _objective(self, theta: np.ndarray, reml: bool) -> tuple[float, np.ndarray]:
        """Minus the log-likelihood per observation, and its gradient."""
        pr = _profile(self.stats, self._AtA_sum, theta, reml, True)
        grad = (2.0 * _grad_psi(pr, reml) @ pr.L)[np.tril_indices(self.stats.q)]
        return -pr.llf / self.nobs, -grad / self.nobs

    def fit(
        self, *, reml: bool = True, start: np.ndarray | None = None, cov_type: str = "hessian", maxiter: int = 500
    ) -> FastMixedResult:
        """Maximise the profile likelihood with L-BFGS-B.

        Parameters
        ----------
        reml : bool, optional
            REML (default) or ML.
        start : ndarray, optional
            Starting ``G / sigma^2`` (``q x q``); the identity by default, as statsmodels.
        cov_type : {"hessian", "gls"}, optional
            Which covariance of the fixed effects ``bse`` and ``cov_params()`` report.
        maxiter : int, optional
            Iteration limit of the optimiser.

        Returns
        -------
        FastMixedResult
        """
        if cov_type not in ("hessian", "gls"):
            raise ValueError(f"cov_type must be 'hessian' or 'gls', not {cov_type!r}")
        q = self.stats.q
        rows, cols = np.tril_indices(q)
        theta0 = np.linalg.cholesky(np.eye(q) if start is None else np.asarray(start, dtype=float))[rows, cols]
        # Unbounded, as statsmodels: a bound at 0 would trap the search there, the
        # likelihood being flat across it (it is even in the last diagonal element).
        opt = optimize.minimize(
            self._objective,
            theta0,
            args=(reml,),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": maxiter, "ftol": 1e-12, "gtol": 1e-9, "maxcor": 20},
        )
        L = _chol_from_theta(opt.x, q)
        L = L * np.where(np.diag(L) < 0, -1.0, 1.0)  # same G, non-negative diagonal
        snapped = L - np.diag(np.where(np.diag(L) < BOUNDARY_TOL, np.diag(L), 0.0))  # exactly singular G
        theta = snapped[rows, cols]
        if self.loglike(theta, reml) < self.loglike(L[rows, cols], reml) - 1e-6:
            theta = L[rows, cols]
        stationary = bool(np.max(np.abs(self._objective(L[rows, cols], reml)[1])) < GRAD_TOL)
        messages = [] if stationary else [f"optimiser stopped without convergence: {opt.message}"]
        return self._result(theta, reml, cov_type, stationary, int(opt.nit), messages)

    def _result(
        self, theta: np.ndarray, reml: bool, cov_type: str, stationary: bool, n_iter: int, messages: list[str]
    ) -> FastMixedResult:
        """Assemble the result at the optimum ``theta``."""
        pr = _profile(self.stats, self._AtA_sum, theta, reml, True)
        assert pr.u is not None
        p, names, re_names = self.stats.p, self.exog_names, self.exog_re_names
        psi = pr.L @ pr.L.T
        try:
            pcov = np.linalg.inv(-_observed_hessian(pr, reml))
        except np.linalg.LinAlgError:
            pcov = np.full((p + len(theta), p + len(theta)), np.nan)
            messages.append("observed information is singular")
        covs = {
            "hessian": pd.DataFrame(pcov[:p, :p], index=names, columns=names),
            "gls": pd.DataFrame(pr.scale * np.linalg.inv(pr.H), index=names, columns=names),
        }
        var_fe = np.diag(covs[cov_type].to_numpy())
        with np.errstate(invalid="ignore"):
            bse = np.sqrt(np.where(var_fe > 0, var_fe, np.nan))
            var_re = pr.scale * np.diag(pcov)[p:]
            bse_re = np.sqrt(np.where(var_re > 0, var_re, np.nan))
        on_boundary = bool(np.min(np.diag(pr.L)) < BOUNDARY_TOL)
        if on_boundary:
            messages.append("random-effect covariance is singular (on the boundary of the parameter space)")
        if not np.all(np.isfinite(bse)):
            messages.append(f"{cov_type} standard errors of the fixed effects are not all finite: not converged")
        if not np.all(np.isfinite(bse_re)):
            messages.append("standard errors of cov_re are not all finite (observed information not positive)")
            stationary = stationary and on_boundary
        rows, cols = np.tril_indices(self.stats.q)
        return FastMixedResult(
            fe_params=pd.Series(pr.beta, index=names),
            bse=pd.Series(bse, index=names),
            cov_re=pd.DataFrame(pr.scale * psi, index=re_names, columns=re_names),
            scale=pr.scale,
            llf=pr.llf,
            converged=stationary and bool(np.all(np.isfinite(bse))),
            on_boundary=on_boundary,
            n_groups=self.n_groups,
            nobs=self.nobs,
            reml=reml,
            cov_type=cov_type,
            random_effects=pd.DataFrame(pr.u @ psi, index=self.group_labels, columns=re_names),
            bse_re=pd.Series(bse_re, index=[f"{re_names[r]} x {re_names[c]}" for r, c in zip(rows, cols, strict=True)]),
            theta=theta,
            n_iter=n_iter,
            messages=tuple(messages),
            _cov=covs,
        )


def fit_fast_mixed(
    y: Any,
    X: Any,
    Z: Any,
    groups: Any,
    *,
    reml: bool = True,
    start: np.ndarray | None = None,
    cov_type: str = "hessian",
) -> FastMixedResult:
    """Fit ``y ~ X`` with random effects ``Z`` per group (see :class:`FastMixedModel`).

    Parameters
    ----------
    y, X, Z, groups
        As for :class:`FastMixedModel` (``Z=None``: random intercept only).
    reml : bool, optional
        REML (default) or ML.
    start : ndarray, optional
        Starting ``G / sigma^2``; the identity by default.
    cov_type : {"hessian", "gls"}, optional
        Covariance of the fixed effects behind ``bse``.

    Returns
    -------
    FastMixedResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(np.arange(20), 15)
    >>> x = rng.normal(size=g.size)
    >>> y = 1 + 0.5 * x + rng.normal(size=20)[g] + rng.normal(size=g.size)
    >>> X = pd.DataFrame({"const": 1.0, "x": x})
    >>> res = fit_fast_mixed(y, X, None, g)
    >>> res.converged, res.n_groups, res.nobs
    (True, 20, 300)
    """
    return FastMixedModel(y, X, Z, groups).fit(reml=reml, start=start, cov_type=cov_type)
