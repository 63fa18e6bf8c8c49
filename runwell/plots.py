"""Figures over the daily panel, the run panel and model results (seaborn).

Each function takes tables, never files, draws on the matplotlib ``Axes`` given as
``ax=`` (or on a new figure of a suitable size) and returns that ``Axes``, in seaborn's
manner. None of them touches global style: the notebooks set the look once with
:func:`set_theme`. No figure shows GPS positions.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

__all__ = [
    "set_theme",
    "calendar",
    "mood_vs_duration",
    "sleep_after_runs",
    "mood_around_runs",
    "participant_slopes",
    "compliance_bars",
    "estimate_vs_truth",
]

RUN_COLOUR = "#2f7d5b"
REST_COLOUR = "#b9b9b9"


def set_theme() -> None:
    """The reports' look (seaborn whitegrid, notebook context): call once per notebook."""
    sns.set_theme(style="whitegrid", context="notebook")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches."""
    if ax is not None:
        return ax
    _fig, new = plt.subplots(figsize=size)
    return new


def calendar(
    panel: pd.DataFrame, *, value: str = "mood", participant: str | None = None, ax: Axes | None = None
) -> Axes:
    """Weeks by weekday: the colour is the day's ``value``, a dot marks a run day.

    Parameters
    ----------
    panel
        Daily panel.
    value
        Column to colour by (default the day's mean mood).
    participant
        Whose calendar (default the first participant).
    """
    pid = participant if participant is not None else panel["participant_id"].iloc[0]
    days = panel[panel["participant_id"] == pid].copy()
    days["week"] = (days["date"] - pd.to_timedelta(days["date"].dt.dayofweek, unit="D")).dt.strftime("%Y-%m-%d")
    days["weekday"] = days["date"].dt.dayofweek
    grid = days.pivot(index="week", columns="weekday", values=value).reindex(columns=range(7))
    ran = days.pivot(index="week", columns="weekday", values="ran").reindex(columns=range(7))
    height = max(3.0, 0.22 * len(grid) + 1.2)
    ax = _axes(ax, (6.5, height))
    sns.heatmap(
        grid.astype(float),
        ax=ax,
        cmap="RdYlGn",
        cbar_kws={"label": f"{value} (day mean)"},
        linewidths=0.5,
        linecolor="white",
    )
    ys, xs = np.nonzero(ran.fillna(False).to_numpy(dtype=bool))
    ax.scatter(xs + 0.5, ys + 0.5, s=14, color="black", marker="o", label="run day")
    ax.set_xticklabels(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("week starting")
    step = max(1, len(grid) // 12)
    ax.set_yticks(np.arange(0, len(grid), step) + 0.5, grid.index[::step], rotation=0)
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 1.08), frameon=False, fontsize=8)
    ax.set_title("Runs and mood, day by day", loc="left")
    ax.figure.tight_layout()
    return ax


def mood_vs_duration(panel: pd.DataFrame, *, outcome: str = "mood", ax: Axes | None = None) -> Axes:
    """The day's mood against minutes run that day (rest days at 0), with a linear fit."""
    days = panel.dropna(subset=[outcome])
    ax = _axes(ax, (6.5, 4))
    sns.stripplot(
        data=days[days["run_min"] == 0],
        x=np.zeros(int((days["run_min"] == 0).sum())),
        y=outcome,
        ax=ax,
        native_scale=True,
        color=REST_COLOUR,
        alpha=0.5,
        jitter=1.5,
        size=3,
    )
    sns.regplot(
        data=days,
        x="run_min",
        y=outcome,
        ax=ax,
        scatter_kws={"s": 12, "alpha": 0.6, "color": RUN_COLOUR},
        line_kws={"color": "black"},
    )
    ax.set_xlabel("minutes run that day (0 = rest day)")
    ax.set_ylabel(f"{outcome} (day mean)")
    ax.set_title("Mood against run duration (association, not cause)", loc="left")
    ax.figure.tight_layout()
    return ax


def sleep_after_runs(panel: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Hours slept the night after run days and rest days."""
    # days without activity data (before the first tracked day) are neither run nor rest days
    nights = panel.dropna(subset=["sleep_next_h", "ran"])
    nights = nights.assign(day=np.where(nights["ran"].astype(bool), "run day", "rest day"))
    ax = _axes(ax, (5.5, 4))
    order = ["rest day", "run day"]
    sns.boxplot(
        data=nights,
        x="day",
        y="sleep_next_h",
        order=order,
        ax=ax,
        width=0.5,
        hue="day",
        palette={"run day": RUN_COLOUR, "rest day": REST_COLOUR},
        legend=False,
        showfliers=False,
    )
    sns.stripplot(data=nights, x="day", y="sleep_next_h", order=order, ax=ax, color="black", size=2.5, alpha=0.4)
    ax.set_xlabel("")
    ax.set_ylabel("hours asleep the following night")
    ax.set_title("Sleep after run days and rest days", loc="left")
    ax.figure.tight_layout()
    return ax


def mood_around_runs(run_panel: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Mood after minus before each run, against hours between the run and the rating."""
    pairs = run_panel.dropna(subset=["mood_change", "minutes_post"])
    ax = _axes(ax, (6.5, 4))
    sns.regplot(
        x=pairs["minutes_post"] / 60,
        y=pairs["mood_change"],
        ax=ax,
        lowess=len(pairs) >= 10,
        scatter_kws={"s": 14, "alpha": 0.7, "color": RUN_COLOUR},
        line_kws={"color": "black"},
    )
    ax.axhline(0, color="grey", lw=1, ls="--")
    ax.set_xlabel("hours from the end of the run to the rating after it")
    ax.set_ylabel("mood after minus before")
    ax.set_title("Mood before and after runs", loc="left")
    ax.figure.tight_layout()
    return ax


def participant_slopes(
    slopes: pd.DataFrame,
    *,
    estimate: str = "slope",
    label: str = "own effect of 30 more minutes",
    ax: Axes | None = None,
) -> Axes:
    """Each participant's own duration slope (model's prediction), sorted, with zero marked.

    Parameters
    ----------
    slopes
        One row per participant with ``participant_id`` and ``estimate`` columns (and
        optionally ``lower``/``upper``).
    """
    data = slopes.sort_values(estimate).reset_index(drop=True)
    ax = _axes(ax, (6.5, max(3.0, 0.2 * len(data) + 1)))
    colours = np.where(data[estimate] > 0, RUN_COLOUR, "#b5553c")
    if {"lower", "upper"} <= set(data.columns):
        ax.hlines(data.index, data["lower"], data["upper"], color="grey", lw=1)
    ax.scatter(data[estimate], data.index, color=colours, zorder=3)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(data.index, data["participant_id"])
    ax.set_xlabel(label)
    ax.set_title("Participants' own duration effects", loc="left")
    ax.figure.tight_layout()
    return ax


def compliance_bars(compliance: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Share of days with mood, sleep and activity data, per participant."""
    cols = [c for c in compliance.columns if c.startswith(("share_", "pct_")) or c.endswith("_share")]
    long = compliance.melt(id_vars="participant_id", value_vars=cols, var_name="data", value_name="share")
    ax = _axes(ax, (6.5, max(3.0, 0.22 * compliance["participant_id"].nunique() + 1)))
    sns.barplot(data=long, y="participant_id", x="share", hue="data", ax=ax)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of days in the window")
    ax.set_ylabel("")
    ax.set_title("Tracking coverage", loc="left")
    ax.figure.tight_layout()
    return ax


def estimate_vs_truth(effects: pd.DataFrame, truth: dict[str, float], *, ax: Axes | None = None) -> Axes:
    """Estimates with 95% intervals beside the simulation's true values (sample data)."""
    rows = effects[effects["term"].isin(truth)].reset_index(drop=True)
    ax = _axes(ax, (6.5, 0.6 * len(rows) + 1.5))
    ax.hlines(rows.index, rows["ci_low"], rows["ci_high"], color="grey", lw=2)
    ax.scatter(rows["estimate"], rows.index, color=RUN_COLOUR, zorder=3, label="estimate (95% interval)")
    ax.scatter([truth[t] for t in rows["term"]], rows.index, marker="x", color="black", zorder=4, label="truth")
    ax.set_yticks(rows.index, rows["term"])
    ax.axvline(0, color="grey", lw=1, ls="--")
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("Estimates against the simulation's truth", loc="left")
    ax.figure.tight_layout()
    return ax
