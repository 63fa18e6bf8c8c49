"""How the report notebooks show results: headline, figures with alt text, tables, take-away data.

Everything here turns tables and model results into HTML fragments a notebook displays;
nothing reads files or fits anything. The pieces:

* :func:`headline` - the answer first, in the reader's own units, with its interval;
* :func:`figure_html` - a matplotlib figure as an embedded PNG with alt text saying
  what it shows (every image in a report has one);
* :func:`table_html` - a table with human column names and p-values as ``< 0.001``;
* :func:`csv_link` - a table as a CSV the reader can download from the page itself;
* :func:`stamp` - the footer: runwell version, when, from which files, the window and
  the settings used.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from runwell._version import __version__

__all__ = [
    "COLUMN_LABELS",
    "VERDICT_WORDS",
    "APP_NAMES",
    "format_p",
    "format_interval",
    "scale_text",
    "verdict_word",
    "headline",
    "figure_html",
    "table_html",
    "csv_link",
    "stamp",
]

#: Human names of the columns the reports show.
COLUMN_LABELS: dict[str, str] = {
    "participant_id": "participant",
    "term": "predictor",
    "part": "comparison",
    "estimate": "estimate",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
    "p_value": "p",
    "q_value": "q (FDR)",
    "unit": "per",
    "outcome_unit": "scale of the estimate",
    "claim_text": "claim",
    "verdict": "verdict",
    "reading": "what the data say",
    "data_note": "note",
    "first_date": "first day",
    "last_date": "last day",
    "n_days": "days",
    "days_run": "days with a run",
    "share_mood": "days with mood",
    "share_sleep": "days with sleep",
    "share_activity": "days with activity data",
    "kind": "what happened",
    "row": "row",
    "reason": "why",
    "file": "file",
}

#: How the reports name the apps whose logs they read (by format name).
APP_NAMES: dict[str, str] = {
    "daylio": "Daylio",
    "bearable": "Bearable",
    "mpath": "m-Path",
    "apple_health": "Apple Health",
    "generic": "",
}

#: Short verdict words a reader can scan, by the claims table's verdicts.
VERDICT_WORDS: dict[str, str] = {
    "supported": "supported",
    "opposite": "opposite",
    "not supported": "inconclusive",
    "inconclusive": "inconclusive",
    "not enough data": "not enough data",
    "no flag": "no flag",
    "flag": "flag",
}


def verdict_word(verdict: object) -> str:
    """The short word for a verdict (``"not supported"`` reads ``"inconclusive"``)."""
    text = str(verdict)
    return VERDICT_WORDS.get(text, text)


def format_p(p: object) -> str:
    """A p-value as people print it: ``< 0.001`` below 0.001, else three decimals.

    Examples
    --------
    >>> format_p(0.0004), format_p(0.0312), format_p(float("nan"))
    ('< 0.001', '0.031', '')
    """
    try:
        value = float(p)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if not np.isfinite(value):
        return ""
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _decimals(*values: float) -> int:
    spread = max((abs(v) for v in values if np.isfinite(v)), default=1.0)
    return 2 if spread >= 0.1 else 3


def format_interval(low: float, high: float) -> str:
    """``"95% CI 0.18 to 0.66"``.

    Examples
    --------
    >>> format_interval(0.1832, 0.6563)
    '95% CI 0.18 to 0.66'
    """
    d = _decimals(low, high)
    return f"95% CI {low:.{d}f} to {high:.{d}f}"


def scale_text(mood: pd.DataFrame, source: str | None, *, item: str = "mood", value: str = "value") -> str:
    """Name the scale of the ratings the report analyses, e.g. ``"points on your daylio 1-5 scale"``.

    Parameters
    ----------
    mood
        The canonical mood table.
    source
        The log's format, named in the text when known.
    item
        The item analysed.
    value
        ``"value"`` (the log's own scale) or ``"value_01"`` (rescaled 0-1).
    """
    if value == "value_01":
        return "points on a 0-1 scale (ratings rescaled)"
    rows = mood[mood["item"] == item]
    low, high = rows["scale_min"].dropna(), rows["scale_max"].dropna()
    if low.empty or high.empty:
        return "points on the log's own scale"
    name = APP_NAMES.get(source or "", source)
    where = f"your {name} log's" if name else "the log's"
    return f"points on {where} {low.min():g}-{high.max():g} scale"


def headline(
    model_effect: Mapping[str, Any] | None, sleep_claim: Mapping[str, Any] | None, *, scale: str, person: bool = True
) -> str:
    """The answer first: one or two plain sentences in the reader's units, and how sure.

    Parameters
    ----------
    model_effect
        The within-person run-duration effect (a row of the model's effects table), or
        ``None`` when no model could be fitted.
    sleep_claim
        The claims table's row on sleep after run days, or ``None``.
    scale
        What the mood estimate is measured in (:func:`scale_text`).
    person
        Address the reader as "you" (individual report) or speak of participants (cohort).

    Returns
    -------
    str
        An HTML ``<div class="runwell-headline">``.
    """
    subject, their = ("you", "your") if person else ("participants", "their")
    parts = []
    if model_effect is None or not np.isfinite(float(model_effect.get("estimate", np.nan))):
        parts.append(
            f"There are not yet enough days with both runs and mood ratings to say how running goes with {their} mood."
        )
    else:
        parts.append(_mood_sentence(model_effect, scale, subject, their))
    if sleep_claim is not None and np.isfinite(float(sleep_claim.get("estimate", np.nan))):
        parts.append(_sleep_sentence(sleep_claim, their))
    body = " ".join(f"<p>{html.escape(p)}</p>" for p in parts)
    return f'<div class="runwell-headline"><h2>The answer in short</h2>{body}</div>'


def _how_sure(low: float, high: float) -> str:
    if low > 0 or high < 0:
        return "The interval does not include zero, so this is unlikely to be chance alone; it is still an association, not proof that running caused it."
    return "The interval includes zero, so the data cannot yet tell this apart from no difference."


def _mood_sentence(effect: Mapping[str, Any], scale: str, subject: str, their: str) -> str:
    est, low, high = float(effect["estimate"]), float(effect["ci_low"]), float(effect["ci_high"])
    d = _decimals(est, low, high)
    direction = "higher" if est >= 0 else "lower"
    days = "On days you ran" if subject == "you" else "On days participants ran"
    unit, _, where = scale.partition(" on ")
    place = f" on {where}" if where else ""
    return (
        f"{days} 30 minutes more than usual, {their} mood was {abs(est):.{d}f} {unit} {direction}{place} "
        f"({format_interval(low, high)}). {_how_sure(low, high)}"
    )


def _sleep_sentence(claim: Mapping[str, Any], their: str) -> str:
    est, low, high = float(claim["estimate"]), float(claim["ci_low"]), float(claim["ci_high"])
    minutes = abs(est) * 60
    direction = "more" if est >= 0 else "less"
    return (
        f"After run days {their} nights had {minutes:.0f} minutes {direction} sleep than after rest days "
        f"(95% CI {low * 60:.0f} to {high * 60:.0f} minutes). {_how_sure(low, high)}"
    )


def figure_html(figure: Any, alt: str, *, dpi: int = 110) -> str:
    """A matplotlib figure (or axes) as an embedded PNG ``<img>`` with alt text; the figure is closed.

    Parameters
    ----------
    figure
        A ``Figure`` or an ``Axes`` (its figure is used).
    alt
        What the figure shows, for readers who cannot see it.
    dpi
        Resolution; figures are drawn at most 10.9 inches wide, so they fit 1,200 px.
    """
    import matplotlib.pyplot as plt

    fig = getattr(figure, "figure", figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<img class="runwell-figure" alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{data}" style="max-width:100%;height:auto">'
    )


def _cell(column: str, value: Any) -> str:
    if column in ("p_value", "q_value"):
        return format_p(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{number:.3g}" if abs(number) < 1000 else f"{number:,.0f}"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)


def table_html(
    frame: pd.DataFrame, columns: Iterable[str] | None = None, *, labels: Mapping[str, str] | None = None
) -> str:
    """A table with human column names, p-values as ``< 0.001`` and numbers to 3 figures."""
    cols = list(columns) if columns is not None else list(frame.columns)
    names = {**COLUMN_LABELS, **dict(labels or {})}
    head = "".join(f"<th>{html.escape(names.get(c, c.replace('_', ' ')))}</th>" for c in cols)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(c, row[c]))}</td>" for c in cols) + "</tr>"
        for _, row in frame.iterrows()
    )
    return f'<table class="runwell-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def csv_link(frame: pd.DataFrame, filename: str, label: str) -> str:
    """A link that downloads ``frame`` as CSV from the page itself (a ``data:`` URI, no network).

    Examples
    --------
    >>> csv_link(pd.DataFrame({"a": [1]}), "x.csv", "the table")[:40]
    '<a class="runwell-download" download="x.'
    """
    data = base64.b64encode(frame.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (
        f'<a class="runwell-download" download="{html.escape(filename, quote=True)}" '
        f'href="data:text/csv;charset=utf-8;base64,{data}">{html.escape(label)}</a>'
    )


def stamp(
    *,
    sources: Mapping[str, list[str]],
    window: str,
    settings: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> str:
    """The footer: runwell version, date and time, input file names (no paths), window, settings."""
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    files = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in sources.items()) or "none"
    used = ", ".join(f"{k}={v}" for k, v in (settings or {}).items() if v not in (None, False, "", {})) or "defaults"
    items = [f"runwell {__version__}, {when}", f"Inputs: {files}", window, f"Settings: {used}"]
    body = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return f'<footer class="runwell-stamp"><ul>{body}</ul></footer>'
