"""The result of a mood model: effects in natural units, plain readings and diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["MoodModelResult"]


@dataclass
class MoodModelResult:
    """The fitted model of mood against running, in natural units and plain words.

    Attributes
    ----------
    effects
        Tidy table of the run effects, one row per term and part: ``term`` (panel
        variable, e.g. ``run_min``), ``part`` (``within``, ``between``, ``lagged``,
        ``previous day`` or ``acute``), ``estimate``, ``se``, ``ci_low``, ``ci_high``
        (95%), ``p_value``, ``unit`` (the predictor's, e.g. ``"per 30 min"``),
        ``outcome_unit`` (the estimate's scale, e.g. ``"points on the 1-5 scale"``) and
        ``reading`` (one plain sentence naming that scale). For several participants the
        intervals are cluster-robust by participant (jackknife, t with Bell-McCaffrey
        degrees of freedom).
    coefficients
        Every fixed effect, covariates included, in the same layout (without readings).
    random_effects_sd
        Standard deviations of the random effects and the residual, in natural units
        (``intercept``, ``<duration> slope (<unit>)``, ``residual``); empty for one person.
    share_positive_slope
        Share of people whose own within-person duration slope is positive, as implied
        by the fitted normal distribution of slopes (``Phi(beta / SD)``); ``None``
        without random slopes.
    person_slopes
        One row per participant: ``participant_id``, ``slope`` (average plus their
        predicted deviation, per natural unit), ``se``, ``lower``, ``upper`` (95%), or
        ``None``.
    n_participants, n_days
        Participants and rows used in the fit (participant-days; runs for the acute
        model, see ``unit_of_observation``).
    outcome
        The response modelled (``"mood"``, ``"mood the next day"``, ...).
    formula
        The model in formula notation with natural variable names.
    method
        What was fitted, in words (mixed model, optimizer and intervals, or the AR(1)
        regression).
    optimizer
        The optimizer whose fit was kept (``None`` for one person).
    converged
        Whether the kept fit converged.
    diagnostics
        Plain-language notes: convergence, boundary fits, autocorrelation, dropped terms,
        missing ratings.
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
    outcome_unit
        The scale of every estimate (e.g. ``"points on the 1-5 scale"``).
    slope_sd_ci
        95% profile-likelihood interval of the slope SD, or ``None``.
    share_positive_slope_ci
        Interval of ``share_positive_slope`` (at least 95%), or ``None``.
    model_based
        The mixed model's own (independent-days) intervals in the effects layout, for
        comparison; ``None`` for one person.
    missingness
        The rating-compliance check (:class:`runwell.models.missingness.MissingnessCheck`),
        or ``None``.
    """

    effects: pd.DataFrame
    coefficients: pd.DataFrame
    random_effects_sd: dict[str, float]
    share_positive_slope: float | None
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
    outcome_unit: str = "points"
    slope_sd_ci: tuple[float, float] | None = None
    share_positive_slope_ci: tuple[float, float] | None = None
    model_based: pd.DataFrame | None = field(default=None, repr=False)
    missingness: Any = field(default=None, repr=False)

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

    def random_effects_lines(self) -> list[str]:
        """The random-effect SDs, the slope SD's interval and the implied share of positive slopes."""
        lines = []
        if self.random_effects_sd:
            sds = ", ".join(f"{k} {v:.3g}" for k, v in self.random_effects_sd.items())
            lines.append(f"Standard deviations ({self.outcome_unit}): {sds}.")
        slope = next((k for k in self.random_effects_sd if "slope" in k), None)
        if slope is not None and self.slope_sd_ci is not None:
            low, high = self.slope_sd_ci
            lines.append(f"The {slope} SD has a 95% profile-likelihood interval of {low:.3g} to {high:.3g}.")
        if self.share_positive_slope is not None:
            text = f"Share of people whose own duration slope is positive, as the fitted spread implies: {self.share_positive_slope:.0%}"
            if self.share_positive_slope_ci is not None:
                text += (
                    f" (95% interval {self.share_positive_slope_ci[0]:.0%} to {self.share_positive_slope_ci[1]:.0%})"
                )
            lines.append(text + ".")
        return lines

    def summary(self) -> str:
        """A short plain-text report: method, sample, scale, readings and diagnostics."""
        lines = [
            f"{self.method}",
            f"Outcome: {self.outcome}, in {self.outcome_unit}; {self.n_participants} participant(s), "
            f"{self.n_days} {self.unit_of_observation}.",
            f"Model: {self.formula}",
            "",
            *self.readings,
        ]
        extra = self.random_effects_lines()
        if extra:
            lines += ["", *extra]
        if self.diagnostics:
            lines += ["", "Diagnostics:", *(f"- {d}" for d in self.diagnostics)]
        return "\n".join(lines)

    def __str__(self) -> str:
        """The :meth:`summary`."""
        return self.summary()
