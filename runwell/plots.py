"""Figures over the daily panel, the run panel and model results (seaborn).

Each function takes tables, never files, draws on the matplotlib ``Axes`` given as
``ax=`` (or on a new figure of a suitable size) and returns that ``Axes``, in seaborn's
manner. None of them touches global style: the notebooks set the look once with
:func:`set_theme`. No figure shows GPS positions.

Figures are honest about their data: no smoother through fewer than
:data:`MIN_POINTS_FOR_SMOOTHER` points (points and a mean with its interval instead),
calendars that stay readable for any window, and a colour-blind-safe diverging palette.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "set_theme",
    "MIN_POINTS_FOR_SMOOTHER",
    "calendar",
    "mood_vs_duration",
    "sleep_after_runs",
    "mood_around_runs",
    "forest",
    "participant_slopes",
    "compliance_bars",
    "compliance_heatmap",
    "estimate_vs_truth",
]

RUN_COLOUR = "#1b7837"
REST_COLOUR = "#b9b9b9"
#: Colour-blind-safe diverging palette for mood (ColorBrewer's purple-orange, reversed: high = purple).
MOOD_PALETTE = "PuOr"
#: Verdict colours (Okabe-Ito: distinguishable with common colour-vision deficiencies).
VERDICT_COLOURS = {
    "supported": "#009E73",
    "opposite": "#D55E00",
    "inconclusive": "#56B4E9",
    "not enough data": "#999999",
}
#: Fewest points a smoother or regression line is drawn through.
MIN_POINTS_FOR_SMOOTHER = 20
#: Longest window (in weeks) drawn as one calendar row per week.
MAX_CALENDAR_WEEKS = 56
_WIDTH = 8.0


def set_theme() -> None:
    """The reports' look (seaborn whitegrid, notebook context): call once per notebook."""
    sns.set_theme(style="whitegrid", context="notebook")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches."""
    if ax is not None:
        return ax
    _fig, new = plt.subplots(figsize=size)
    return new


def _tight(ax: Axes) -> Axes:
    """Lay out the figure ``ax`` is on, and return ``ax``."""
    figure = ax.figure
    if isinstance(figure, Figure):
        figure.tight_layout()
    return ax


def _person(panel: pd.DataFrame, participant: str | None) -> pd.DataFrame:
    pid = participant if participant is not None else panel["participant_id"].iloc[0]
    return panel[panel["participant_id"] == pid].copy()


def calendar(
    panel: pd.DataFrame, *, value: str = "mood", participant: str | None = None, ax: Axes | None = None
) -> Axes:
    """The days of the window: weeks by weekday up to about a year, else weekly means.

    Up to :data:`MAX_CALENDAR_WEEKS` weeks, each row is a week and the colour is the day's
    ``value`` (a dot marks a run day). Longer windows show the weekly mean of ``value`` as a
    line with its range, and each run as a tick along the bottom, so the figure keeps its
    size whatever the window.

    Parameters
    ----------
    panel
        Daily panel.
    value
        Column to show (default the day's mean mood).
    participant
        Whose days (default the first participant).
    ax
        Where to draw.
    """
    days = _person(panel, participant)
    weeks = (days["date"] - pd.to_timedelta(days["date"].dt.dayofweek, unit="D")).dt.normalize()
    if weeks.nunique() > MAX_CALENDAR_WEEKS:
        return _weekly_line(days.assign(week=weeks), value, ax)
    days["week"] = weeks.dt.strftime("%Y-%m-%d")
    days["weekday"] = days["date"].dt.dayofweek
    grid = days.pivot(index="week", columns="weekday", values=value).reindex(columns=range(7))
    ran = days.pivot(index="week", columns="weekday", values="ran").reindex(columns=range(7))
    ax = _axes(ax, (_WIDTH * 0.8, max(3.0, 0.22 * len(grid) + 1.2)))
    sns.heatmap(
        grid.astype(float),
        ax=ax,
        cmap=MOOD_PALETTE,
        center=_centre(grid),
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": f"{value} (day mean)"},
    )
    ax.grid(False)
    ys, xs = np.nonzero(ran.fillna(False).to_numpy(dtype=bool))
    ax.scatter(xs + 0.5, ys + 0.5, s=14, color="black", marker="o", label="run day")
    ax.set_xticks(np.arange(7) + 0.5, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("week starting")
    step = max(1, len(grid) // 12)
    ax.set_yticks(np.arange(0, len(grid), step) + 0.5, grid.index[::step], rotation=0)
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 1.08), frameon=False, fontsize=8)
    ax.set_title("Runs and mood, day by day", loc="left")
    return _tight(ax)


def _centre(grid: pd.DataFrame) -> float | None:
    values = grid.to_numpy(dtype=float)
    return float(np.nanmedian(values)) if np.isfinite(values).any() else None


def _weekly_line(days: pd.DataFrame, value: str, ax: Axes | None) -> Axes:
    """Weekly mean (and range) of ``value`` as a line; runs as ticks along the bottom."""
    weekly = days.groupby("week")[value].agg(["mean", "min", "max"])
    ax = _axes(ax, (_WIDTH, 3.6))
    ax.fill_between(
        weekly.index, weekly["min"], weekly["max"], color="#b2abd2", alpha=0.4, lw=0, label="range of the week's days"
    )
    ax.plot(weekly.index, weekly["mean"], color="#542788", lw=1.2, label="weekly mean")
    run_days = days.loc[days["ran"].fillna(False).astype(bool), "date"]
    low = np.nanmin(weekly["min"]) if weekly["min"].notna().any() else 0.0
    ax.plot(run_days, np.full(len(run_days), low), "|", color=RUN_COLOUR, ms=10, label="run day")
    ax.set_ylabel(f"{value} (day mean)")
    ax.legend(frameon=False, fontsize=8, loc="upper left", ncols=3)
    ax.set_title("Mood week by week, with each run day", loc="left")
    return _tight(ax)


def mood_vs_duration(panel: pd.DataFrame, *, outcome: str = "mood", ax: Axes | None = None) -> Axes:
    """The day's mood against minutes run that day; rest days as a group at 0.

    A regression line is drawn only through at least :data:`MIN_POINTS_FOR_SMOOTHER` run
    days; otherwise the mean of rest days and of run days are shown with their 95% intervals.
    """
    days = panel.dropna(subset=[outcome, "run_min"])
    rest, run = days[days["run_min"] == 0], days[days["run_min"] > 0]
    ax = _axes(ax, (_WIDTH * 0.8, 4))
    jitter = np.random.default_rng(0).uniform(-1.5, 1.5, len(rest))
    ax.scatter(jitter, rest[outcome], s=10, color=REST_COLOUR, alpha=0.6, label="rest days")
    ax.scatter(run["run_min"], run[outcome], s=14, color=RUN_COLOUR, alpha=0.7, label="run days")
    if len(run) >= MIN_POINTS_FOR_SMOOTHER:
        sns.regplot(
            data=run, x="run_min", y=outcome, ax=ax, scatter=False, color="black", line_kws={"lw": 1.2}, truncate=True
        )
    else:
        for x, group in ((0.0, rest), (float(run["run_min"].median()) if len(run) else 0.0, run)):
            _mean_with_interval(ax, x, group[outcome])
    ax.set_xlabel("minutes run that day (0 = rest day)")
    ax.set_ylabel(f"{outcome} (day mean)")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("Mood against run duration (association, not cause)", loc="left")
    return _tight(ax)


def _mean_with_interval(ax: Axes, x: float, values: pd.Series, *, horizontal: bool = False) -> None:
    """A black mean with a 95% interval (normal approximation) at ``x``, when there are 2+ values."""
    values = values.dropna()
    if len(values) < 2:
        return
    mean, half = float(values.mean()), 1.96 * float(values.std(ddof=1)) / np.sqrt(len(values))
    if horizontal:
        ax.errorbar(mean, x, xerr=half, fmt="D", color="black", capsize=4, zorder=5)
    else:
        ax.errorbar(x, mean, yerr=half, fmt="D", color="black", capsize=4, zorder=5)


def sleep_after_runs(panel: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Hours slept the night after run days and rest days: points, means and 95% intervals."""
    # days without activity data (before the first tracked day) are neither run nor rest days
    nights = panel.dropna(subset=["sleep_next_h", "ran"])
    nights = nights.assign(day=np.where(nights["ran"].astype(bool), "run day", "rest day"))
    ax = _axes(ax, (_WIDTH * 0.65, 4))
    order = ["rest day", "run day"]
    sns.stripplot(
        data=nights,
        x="day",
        y="sleep_next_h",
        order=order,
        ax=ax,
        hue="day",
        legend=False,
        palette={"run day": RUN_COLOUR, "rest day": REST_COLOUR},
        size=3,
        alpha=0.6,
    )
    for x, name in enumerate(order):
        _mean_with_interval(ax, x + 0.25, nights.loc[nights["day"] == name, "sleep_next_h"])
    ax.set_xlabel("")
    ax.set_ylabel("hours asleep the following night")
    ax.set_title("Sleep after run days and rest days (mean, 95% CI)", loc="left")
    return _tight(ax)


def mood_around_runs(run_panel: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Mood after minus before each run, against hours from the run to the rating after it.

    A smoother is drawn only through at least :data:`MIN_POINTS_FOR_SMOOTHER` runs; with
    fewer, the mean change and its 95% interval are shown beside the points.
    """
    pairs = run_panel.dropna(subset=["mood_change", "minutes_post"])
    hours = pairs["minutes_post"] / 60
    ax = _axes(ax, (_WIDTH * 0.8, 4))
    ax.scatter(hours, pairs["mood_change"], s=16, color=RUN_COLOUR, alpha=0.7, label="one run")
    if len(pairs) >= MIN_POINTS_FOR_SMOOTHER:
        sns.regplot(
            x=hours, y=pairs["mood_change"], ax=ax, lowess=True, scatter=False, color="black", line_kws={"lw": 1.2}
        )
    else:
        right = float(hours.max()) * 1.1 + 0.1 if len(hours) else 1.0
        _mean_with_interval(ax, right, pairs["mood_change"])
        ax.annotate(f"mean of {len(pairs)} runs", (right, 0), textcoords="offset points", xytext=(6, -14), fontsize=8)
    ax.axhline(0, color="grey", lw=1, ls="--")
    ax.set_xlabel("hours from the end of the run to the rating after it")
    ax.set_ylabel("mood after minus before")
    ax.set_title("Mood before and after runs", loc="left")
    return _tight(ax)


def forest(
    rows: pd.DataFrame,
    *,
    label: str = "label",
    unit: str = "unit",
    verdict: str = "verdict",
    title: str = "Estimates with 95% intervals",
) -> plt.Figure:
    """Forest plot: one row per estimate with its 95% interval, a zero line, its own scale.

    Rows measured on different scales cannot share one axis, so each row is a thin panel
    with its own x axis labelled with its unit; the marker's colour is the verdict.

    Parameters
    ----------
    rows
        A table with ``estimate``, ``ci_low``, ``ci_high`` and the ``label``, ``unit`` and
        ``verdict`` columns named here; rows without an estimate are drawn as "not enough
        data" with no marker.
    label, unit, verdict
        Column names.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one axes per row).
    """
    n = max(len(rows), 1)
    fig, axes = plt.subplots(n, 1, figsize=(_WIDTH, 0.95 * n + 0.9), squeeze=False)
    for ax, (_, row) in zip(axes[:, 0], rows.iterrows(), strict=False):
        _forest_row(ax, row, label=label, unit=unit, verdict=verdict)
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=v) for v, c in VERDICT_COLOURS.items()]
    fig.legend(handles=handles, loc="upper right", ncols=4, frameon=False, fontsize=8)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


def _forest_row(ax: Axes, row: pd.Series, *, label: str, unit: str, verdict: str) -> None:
    est, low, high = (float(row.get(c, np.nan)) for c in ("estimate", "ci_low", "ci_high"))
    colour = VERDICT_COLOURS.get(str(row.get(verdict, "")), "#999999")
    ax.axvline(0, color="black", lw=0.8)
    if np.isfinite(low) and np.isfinite(high):
        ax.hlines(0, low, high, color=colour, lw=2.5)
    if np.isfinite(est):
        ax.plot(est, 0, "o", color=colour, ms=7)
        span = max(abs(v) for v in (est, low, high, 1e-9) if np.isfinite(v))
        ax.set_xlim(-1.15 * span, 1.15 * span)
    else:
        ax.text(0.5, 0.5, "not enough data", transform=ax.transAxes, ha="center", va="center", color="#666666")
        ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylim(-1, 1)
    ax.set_title(str(row.get(label, "")), loc="left", fontsize=9)
    ax.set_xlabel(str(row.get(unit, "")), fontsize=8, labelpad=1)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(False)


def participant_slopes(
    slopes: pd.DataFrame,
    *,
    estimate: str = "slope",
    label: str = "own effect of 30 more minutes",
    ax: Axes | None = None,
) -> Axes:
    """Caterpillar plot: each participant's own duration effect with its 95% interval, sorted.

    Parameters
    ----------
    slopes
        One row per participant with ``participant_id`` and ``estimate`` columns, and
        ``lower``/``upper`` for the intervals when known.
    estimate
        The column with each participant's effect.
    label
        The x-axis label (name the scale).
    ax
        Where to draw.
    """
    data = slopes.sort_values(estimate).reset_index(drop=True)
    ax = _axes(ax, (_WIDTH * 0.8, max(3.0, 0.2 * len(data) + 1)))
    colours = np.where(data[estimate] > 0, RUN_COLOUR, "#D55E00")
    if {"lower", "upper"} <= set(data.columns):
        ax.hlines(data.index, data["lower"], data["upper"], color="grey", lw=1)
    ax.scatter(data[estimate], data.index, color=colours, zorder=3)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(data.index, data["participant_id"])
    ax.set_xlabel(label)
    ax.set_title("Participants' own duration effects", loc="left")
    return _tight(ax)


def compliance_bars(compliance: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Share of days with mood, sleep and activity data, per participant."""
    cols = [c for c in compliance.columns if c.startswith(("share_", "pct_")) or c.endswith("_share")]
    names = {c: c.removeprefix("share_").removeprefix("pct_").removesuffix("_share") for c in cols}
    long = compliance.rename(columns=names).melt(
        id_vars="participant_id", value_vars=list(names.values()), var_name="data", value_name="share"
    )
    ax = _axes(ax, (_WIDTH * 0.8, max(3.0, 0.22 * compliance["participant_id"].nunique() + 1.5)))
    sns.barplot(data=long, y="participant_id", x="share", hue="data", ax=ax)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of days in the window")
    ax.set_ylabel("")
    ax.legend(title="days with", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, frameon=False)
    ax.set_title("Tracking coverage", loc="left")
    return _tight(ax)


def compliance_heatmap(panel: pd.DataFrame, *, value: str = "mood", ax: Axes | None = None) -> Axes:
    """Participants by week: the share of each week's days with a ``value`` rating."""
    days = panel.assign(week=(panel["date"] - pd.to_timedelta(panel["date"].dt.dayofweek, unit="D")))
    grid = days.assign(rated=days[value].notna()).groupby(["participant_id", "week"])["rated"].mean().unstack("week")
    ax = _axes(ax, (_WIDTH, max(3.0, 0.22 * len(grid) + 1.5)))
    sns.heatmap(grid, ax=ax, cmap="viridis", vmin=0, vmax=1, cbar_kws={"label": f"share of days with {value}"})
    step = max(1, grid.shape[1] // 10)
    ax.set_xticks(
        np.arange(0, grid.shape[1], step) + 0.5,
        [f"{w:%Y-%m-%d}" for w in grid.columns[::step]],
        rotation=45,
        ha="right",
    )
    ax.grid(False)
    ax.set_xlabel("week starting")
    ax.set_ylabel("")
    ax.set_title("Rating compliance, participant by week", loc="left")
    return _tight(ax)


def estimate_vs_truth(effects: pd.DataFrame, truth: Mapping[str, float], *, ax: Axes | None = None) -> Axes:
    """Estimates with 95% intervals beside the simulation's true values (sample data)."""
    rows = effects[effects["term"].isin(truth)].reset_index(drop=True)
    ax = _axes(ax, (_WIDTH * 0.8, 0.6 * len(rows) + 1.5))
    ax.hlines(rows.index, rows["ci_low"], rows["ci_high"], color="grey", lw=2)
    ax.scatter(rows["estimate"], rows.index, color=RUN_COLOUR, zorder=3, label="estimate (95% interval)")
    ax.scatter([truth[t] for t in rows["term"]], rows.index, marker="x", color="black", zorder=4, label="truth")
    ax.set_yticks(rows.index, rows["term"])
    ax.axvline(0, color="grey", lw=1, ls="--")
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("Estimates against the simulation's truth", loc="left")
    return _tight(ax)
