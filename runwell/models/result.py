"""The result of a mood model: effects in natural units, plain readings and diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["MoodModelResult"]


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
            known = ", ".join(f"{t} ({p})" for t, p in zip(self.effects["term"], self.effects["part"], strict=True))
            raise KeyError(f"no {part} effect of {term!r} in this model; it has: {known}")
        return rows.iloc[0]

    def summary(self) -> str:
        """A short plain-text report: method, sample, readings and diagnostics."""
        lines = [
            f"{self.method}",
            f"Outcome: {self.outcome}; {self.n_participants} participant(s), {self.n_days} {self.unit_of_observation}.",
            f"Model: {self.formula}",
            "",
            *self.readings,
        ]
        if self.random_effects_sd:
            sds = ", ".join(f"{k} {v:.3g}" for k, v in self.random_effects_sd.items())
            lines += ["", f"Standard deviations: {sds}."]
        if self.share_positive_slope is not None:
            lines.append(
                f"Share of participants whose own duration slope is positive: {self.share_positive_slope:.0%}."
            )
        if self.diagnostics:
            lines += ["", "Diagnostics:", *(f"- {d}" for d in self.diagnostics)]
        return "\n".join(lines)

    def __str__(self) -> str:
        """The :meth:`summary`."""
        return self.summary()
