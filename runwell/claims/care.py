"""The kind flag of claim 10: recent low mood despite regular running. Never a diagnosis.

Claim 10 is not tested: :func:`low_mood_flag` looks at each participant's last days and
says whether mood stayed low while they kept running. Its reading says plainly that this
is not a diagnosis and that running data cannot say why, and points to someone to talk
to; when nobody is flagged it says that too is not a diagnosis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from runwell.claims.days import run_indicator, sorted_panel

__all__ = ["low_mood_flag"]

_HELP = (
    "This is not a diagnosis, and running data "
    "cannot say why. If low mood has lasted a couple of weeks or more, it can really "
    "help to talk to someone you trust, "
    "a doctor or a mental-health professional; if you ever feel unsafe, contact local "
    "emergency services or a crisis line."
)


def _is_flagged(person: pd.DataFrame, low_mood_threshold: float | None, window_days: int, min_runs: int) -> bool | None:
    """Whether one participant's recent mood was low while running; None when not checkable."""
    recent, earlier = person.iloc[-window_days:], person.iloc[:-window_days]
    if recent["mood"].notna().sum() < window_days // 2:
        return None
    if low_mood_threshold is None and earlier["mood"].notna().sum() < window_days:
        return None
    regular = (run_indicator(recent) == 1).sum() >= min_runs
    level = recent["mood"].mean()
    if low_mood_threshold is not None:
        low = level < low_mood_threshold
    else:
        low = level < earlier["mood"].mean() - earlier["mood"].std()
    return bool(regular and low)


def _flagged(
    panel: pd.DataFrame, low_mood_threshold: float | None, window_days: int, min_runs: int
) -> tuple[list[str], int]:
    """The participants flagged, and how many could be checked."""
    flagged, checked = [], 0
    for pid, person in sorted_panel(panel).groupby("participant_id", sort=False):
        outcome = _is_flagged(person, low_mood_threshold, window_days, min_runs)
        if outcome is None:
            continue
        checked += 1
        if outcome:
            flagged.append(str(pid))
    return flagged, checked


def _method(low_mood_threshold: float | None, window_days: int, min_runs: int) -> str:
    """How "low" was judged, in words."""
    return f"mood over the last {window_days} days with {min_runs}+ runs, against " + (
        f"a threshold of {low_mood_threshold:g}"
        if low_mood_threshold is not None
        else "the person's own earlier mood (1 SD below their average)"
    )


def _reading(flagged: list[str], checked: int, window_days: int) -> tuple[str, str]:
    """The verdict and its plain-words reading for a panel where someone could be checked."""
    if flagged:
        who = (
            "one person"
            if len(flagged) == 1 and checked > 1
            else ("this record" if checked == 1 else f"{len(flagged)} participants")
        )
        reading = (
            f"For {who}, mood over the last {window_days} days has stayed lower than "
            f"usual even with regular running. {_HELP}"
        )
        return "flag", reading
    reading = (
        f"No stretch of low mood despite regular running in the last {window_days} days. "
        "This check "
        "is not a diagnosis either way: if you are struggling, talking to a professional can help "
        "whatever these numbers say."
    )
    return "no flag", reading


def low_mood_flag(
    panel: pd.DataFrame,
    run_panel: pd.DataFrame | None,
    *,
    low_mood_threshold: float | None,
    window_days: int,
    min_runs: int,
) -> dict[str, object]:
    """The kind flag: recent mood low while running regularly (claim 10).

    Parameters
    ----------
    panel
        Daily panel with ``participant_id``, ``mood`` and ``ran``.
    run_panel
        Not used (the flag reads the daily panel only).
    low_mood_threshold
        Mood level below which recent mood is low; None compares with 1 SD below the
        person's own earlier average.
    window_days
        The recent days looked at; at least half must have a rating (and, without a
        threshold, as many earlier days).
    min_runs
        Runs in the recent days that count as running regularly.

    Returns
    -------
    dict
        The claim's row except its identity (``claim``, ``name``, ``claim_text``,
        ``tested``): ``estimate`` (participants flagged), ``n_participants`` and ``n``
        (participants checked), ``method``, ``verdict`` (``flag``, ``no flag`` or ``not
        enough data``), ``reading`` and ``data_note`` (who was flagged).
    """
    base: dict[str, object] = {
        "estimate": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "unit": "participants flagged",
        "p_value": np.nan,
        "q_value": np.nan,
    }
    if "mood" not in panel.columns or "ran" not in panel.columns:
        reading = "This check needs daily mood ratings and runs."
        return {
            **base,
            "n_participants": 0,
            "n": 0,
            "method": "",
            "verdict": "not enough data",
            "reading": reading,
            "data_note": "",
        }
    flagged, checked = _flagged(panel, low_mood_threshold, window_days, min_runs)
    base.update(n_participants=checked, n=checked, estimate=float(len(flagged)) if checked else np.nan)
    base["method"] = _method(low_mood_threshold, window_days, min_runs)
    base["data_note"] = ", ".join(flagged)
    if not checked:
        reading = f"This check needs at least {window_days} earlier days and a week of recent mood ratings."
        return {**base, "verdict": "not enough data", "reading": reading}
    verdict, reading = _reading(flagged, checked, window_days)
    return {**base, "verdict": verdict, "reading": reading}
