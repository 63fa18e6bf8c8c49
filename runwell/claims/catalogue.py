"""The ten claims, each declared once: wording, direction, unit, thresholds and analysis.

Every claim is tested within person and adjusted for the weekday, as the mood model is.
To add a claim, write its analysis (a function of the daily panel, the run panel and
its thresholds as keyword arguments, returning a
:class:`~runwell.claims.findings.Finding`) and add one :class:`Claim` to
:data:`CLAIMS`. Everything else (the FDR correction, verdicts, readings, the table)
follows from the declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from runwell.claims.analyses import (
    better_sleep,
    consistency,
    dose_response,
    excessive_stress,
    lingering_boost,
    outdoor_better,
    short_run_lift,
    skipped_run_low,
    stable_mood,
)
from runwell.claims.care import low_mood_flag
from runwell.claims.rules import MIN_DAYS_PER_CONDITION, SESOI_SD

__all__ = ["CLAIMS", "Claim"]


@dataclass(frozen=True)
class Claim:
    """One popular claim and how it is tested.

    Attributes
    ----------
    number
        1 to 10, the order of the table.
    name
        Short identifier (``"short_run_lift"``).
    text
        The claim in plain words, as the articles put it.
    tested
        What is actually compared. Thresholds named in braces (``{short_run_min:g}``)
        are filled in from ``thresholds`` when the claim is declared.
    direction
        +1 when the claim predicts a positive estimate, -1 a negative one, 0 for the
        flag (claim 10), which is not a test.
    analysis
        The function that examines the claim, called as
        ``analysis(panel, run_panel, **thresholds)``: a
        :class:`~runwell.claims.findings.Finding` for a tested claim, the row fields of
        the flag for claim 10 (which also gets ``low_mood_threshold``).
    observation
        The unit of observation: ``"days"``, ``"runs"`` (from the run panel),
        ``"person-weeks"`` or ``"participants"``.
    outcome
        What the estimate is measured on (``"mood"``, ``"stress"``, ``"sleep_next_h"``),
        which names its scale (:func:`runwell.models.outcome_scale`).
    sesoi
        The smallest effect of interest, in within-person SDs of the outcome, fixed
        before looking at the data (the data notes say whether it was detectable).
    thresholds
        The claim's numbers, passed to ``analysis`` by name; ``min_count`` is the fewest
        days (or runs, or person-weeks) allowed in each condition compared.
    """

    number: int
    name: str
    text: str
    tested: str
    direction: int
    analysis: Callable[..., Any] = field(repr=False)
    observation: str = "days"
    thresholds: Mapping[str, float] = field(default_factory=dict, hash=False)
    outcome: str = "mood"
    sesoi: float = SESOI_SD

    def __post_init__(self) -> None:
        frozen = MappingProxyType(dict(self.thresholds))
        object.__setattr__(self, "thresholds", frozen)
        object.__setattr__(self, "tested", self.tested.format(**frozen))

    def __reduce__(self) -> tuple[type[Claim], tuple[Any, ...]]:
        # the read-only thresholds cannot be pickled or deep-copied as they are
        fields = (self.number, self.name, self.text, self.tested, self.direction, self.analysis)
        return Claim, (*fields, self.observation, dict(self.thresholds), self.outcome, self.sesoi)

    @property
    def is_test(self) -> bool:
        """True for claims tested for significance, False for the flag (claim 10)."""
        return self.direction != 0

    @property
    def min_count(self) -> int | None:
        """Fewest days (or runs, or person-weeks) in each condition; None when not checked."""
        value = self.thresholds.get("min_count")
        return None if value is None else int(value)


CLAIMS: tuple[Claim, ...] = (
    Claim(
        1,
        "short_run_lift",
        "Even a 10-minute jog lifts your mood.",
        "Mood on days with a short run (under {short_run_min:g} min) vs the same person's rest days.",
        +1,
        analysis=short_run_lift,
        thresholds={"short_run_min": 15.0, "min_count": MIN_DAYS_PER_CONDITION},
    ),
    Claim(
        2,
        "dose_response",
        "20-30 minutes of running a few times a week makes a difference.",
        "Within-person effect of 30 more minutes of running on a run day on same-day mood, with the "
        "run-day lift as a separate term (mixed model).",
        +1,
        analysis=dose_response,
        thresholds={"min_count": MIN_DAYS_PER_CONDITION},
    ),
    Claim(
        3,
        "consistency",
        "Consistency beats sporadic long runs.",
        "Mood against one more run in the previous 7 days, holding the week's running minutes fixed.",
        +1,
        analysis=consistency,
    ),
    Claim(
        4,
        "better_sleep",
        "Run days bring better sleep.",
        "Hours of sleep the night after a run day vs after the same person's rest days, adjusted for the "
        "night's weekday.",
        +1,
        analysis=better_sleep,
        thresholds={"min_count": MIN_DAYS_PER_CONDITION},
        outcome="sleep_next_h",
    ),
    Claim(
        5,
        "lingering_boost",
        "The mood boost from a run lingers for hours.",
        "Mood change from before a run to a rating {late_hours:g} to {end_hours:g} hours after it (run panel).",
        +1,
        analysis=lingering_boost,
        observation="runs",
        thresholds={"late_hours": 2.0, "end_hours": 4.0, "min_count": 2 * MIN_DAYS_PER_CONDITION},
    ),
    Claim(
        6,
        "excessive_stress",
        "Excessive running raises stress.",
        "Stress on days of very high load (acute:chronic ratio above {high_acwr:g} or a run over "
        "{long_run_min:g} min) vs the same person's moderate run days.",
        +1,
        analysis=excessive_stress,
        thresholds={"high_acwr": 1.5, "long_run_min": 90.0, "min_count": MIN_DAYS_PER_CONDITION},
        outcome="stress",
    ),
    Claim(
        7,
        "outdoor_better",
        "Outdoor runs help more than indoor or treadmill runs.",
        "Mood on outdoor-run days vs the same person's indoor-run days, adjusting for run length.",
        +1,
        analysis=outdoor_better,
        thresholds={"min_count": MIN_DAYS_PER_CONDITION},
    ),
    Claim(
        8,
        "skipped_run_low",
        "Skipping your usual run brings low mood.",
        "Mood on a rest day after a streak of {streak_days}+ run days vs the same person's other rest days, "
        "adjusted for the runs of the previous 7 days.",
        -1,
        analysis=skipped_run_low,
        thresholds={"streak_days": 3, "min_count": MIN_DAYS_PER_CONDITION},
    ),
    Claim(
        9,
        "stable_mood",
        "Regular running stabilises mood.",
        "Day-to-day spread (SD) of mood within a week against the number of runs that week, within person.",
        -1,
        analysis=stable_mood,
        observation="person-weeks",
        thresholds={"min_week_ratings": 4, "min_count": 2 * MIN_DAYS_PER_CONDITION},
    ),
    Claim(
        10,
        "low_mood_flag",
        "Ongoing low mood despite regular running is worth talking to someone about.",
        "Not a test: whether mood over the last {window_days} days stayed low while running regularly.",
        0,
        analysis=low_mood_flag,
        observation="participants",
        thresholds={"window_days": 14, "min_runs": 4},
    ),
)
