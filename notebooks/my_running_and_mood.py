# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Your running, mood and sleep
#
# This report puts your runs next to your mood and sleep logs and asks, honestly, whether
# your mood and sleep are different on days when you run, and by how much. Everything was
# computed on your own computer; nothing was uploaded.
#
# <div class="runwell-care"><strong>Please read this first.</strong> Running is not a
# substitute for professional care. These are associations in your own data, not proof
# that running changes your mood. If your mood has been low for a while, or you have
# thoughts of harming yourself, please talk to a doctor, a mental-health professional or
# a crisis line in your country.</div>

# %% tags=["parameters"]
# Paths to your files (the defaults use the bundled sample data).
activities = None  # a Strava/Garmin/Apple export (zip or folder), a folder or a file
mood = None  # a mood log: Daylio, Bearable, m-Path, Apple Health or a generic CSV
sleep = None  # optional sleep log
tz = None  # your time zone, e.g. "Europe/Berlin"; needed for logs written in local time
mood_format = "auto"
sleep_format = "auto"
truth_json = None  # sample data only: the simulation's true effects
inputs_dir = None  # inputs already loaded and saved by `runwell report` (then the paths above are not read)
settings = None  # the settings used, for the footer (a dict; `runwell report` passes them)
tables_dir = None  # a folder to write the daily and per-run tables to as CSV (`--tables`)

# %% tags=["remove-input"]
import json
import warnings
from pathlib import Path

from IPython.display import HTML, Markdown, display

import runwell
from runwell import plots
from runwell.inputs import load_saved
from runwell.presentation import csv_link, figure_html, headline, scale_text, stamp, table_html, verdict_word
from runwell.sample import sample_path
from runwell.sections import attempt
from runwell.study import load_person

warnings.filterwarnings("ignore", category=FutureWarning)
plots.set_theme()
if inputs_dir is not None:
    inputs = load_saved(inputs_dir)
else:
    if activities is None:
        base = sample_path("individual")
        activities, mood, sleep = base / "strava_export", base / "daylio_export.csv", base / "plees-tracker.csv"
        tz, truth_json = "Europe/Berlin", sample_path("truth.json")
    inputs = load_person(activities, mood, sleep, tz=tz, mood_format=mood_format, sleep_format=sleep_format)
    inputs.with_window()
mood_table, sleep_table = inputs.mood, inputs.sleep if inputs.has_sleep else None
first_day, last_day = inputs.window_bounds()
# ratings on the log's own scale (Daylio: 1 = awful ... 5 = rad), not rescaled
panel = runwell.build_daily_panel(
    inputs.activities, mood_table, sleep_table, value="value", start=first_day, end=last_day
)
run_panel = runwell.build_run_panel(inputs.activities, mood_table, value="value")
in_window = run_panel["start_local"].dt.normalize().between(min(first_day.values()), max(last_day.values()))
run_panel = run_panel[in_window.fillna(False)].reset_index(drop=True)
sleep_nights = int(panel["sleep_next_h"].notna().sum())
scale = scale_text(inputs.mood, inputs.formats.get("mood"))
fitted = attempt(runwell.fit_mood_model, panel, outcome="mood", scale=scale, subject="you", what="a model of your mood")
model = fitted.value
claims = attempt(runwell.check_claims, panel, run_panel, scale=scale, what="checking the claims")
paired = run_panel.dropna(subset=["mood_change"])
acute = attempt(
    runwell.fit_acute_model, run_panel, panel=panel, scale=scale, subject="you", what="a model of your mood around runs"
)
if tables_dir is not None:
    Path(tables_dir).mkdir(parents=True, exist_ok=True)
    panel.to_csv(Path(tables_dir) / "runwell-daily.csv", index=False)
    run_panel.to_csv(Path(tables_dir) / "runwell-runs.csv", index=False)

# %% tags=["remove-input"]
duration = model.effect("run_min", "within") if fitted.ok else None
sleep_row = None
if claims.ok:
    found = claims.value[claims.value["name"] == "better_sleep"]
    sleep_row = found.iloc[0] if len(found) else None
display(HTML(headline(duration, sleep_row, scale=scale, person=True)))

# %% [markdown]
# ## What was read

# %% tags=["remove-input"]
runs = inputs.runs
runs = runs[runs["start_local"].dt.normalize().between(min(first_day.values()), max(last_day.values()))]
display(
    Markdown(
        f"**{inputs.window_text()}**\n\n"
        f"- **Loaded:** {inputs.summary()}\n"
        + (
            f"- **Runs in the window:** {len(runs)} between {runs['start_local'].min():%d %b %Y} and "
            f"{runs['start_local'].max():%d %b %Y}, {runs['elapsed_s'].sum() / 3600:.0f} hours in all "
            f"({int(runs['indoor'].fillna(False).sum())} indoors).\n"
            if len(runs)
            else "- **Runs in the window:** none.\n"
        )
        + f"- **Mood:** {len(inputs.mood)} ratings read from a {inputs.formats['mood']} log; mood is measured in {scale}.\n"
        + (
            f"- **Sleep:** {len(inputs.sleep)} nights from a {inputs.formats['sleep']} log.\n"
            if inputs.has_sleep
            else ""
        )
        + f"- **Days in the window:** {len(panel)}, of which {int(panel['mood'].notna().sum())} have a mood rating."
    )
)
display(
    HTML(
        "<p>Take the data away: "
        + csv_link(panel, "runwell-daily.csv", "one row per day (CSV)")
        + " &middot; "
        + csv_link(run_panel, "runwell-runs.csv", "one row per run (CSV)")
        + "</p>"
    )
)
problems = inputs.report
if len(problems):
    display(Markdown("Files or rows that were not loaded whole, and why:"))
    shown = problems.assign(file=problems["path"].map(lambda p: Path(str(p).split("!")[-1]).name))
    display(HTML(table_html(shown, ["file", "kind", "row", "reason"])))

# %% [markdown]
# ## Day by day
#
# Your mood day by day on your log's own scale (purple is better, orange worse), with your
# run days marked. Up to about a year this is a calendar of weeks; longer windows show each
# week's mean mood as a line, with each run day as a tick.

# %% tags=["remove-input"]
display(
    HTML(
        figure_html(
            plots.calendar(panel),
            alt=(
                f"Calendar of your mood from {min(first_day.values()):%d %b %Y} to {max(last_day.values()):%d %b %Y}, "
                f"{int(panel['ran'].fillna(False).sum())} run days marked; mood is in {scale}."
            ),
        )
    )
)

# %% [markdown]
# ## Mood and run duration

# %% tags=["remove-input"]
display(
    HTML(
        figure_html(
            plots.mood_vs_duration(panel),
            alt=(
                f"Scatter of each day's mood ({scale}) against minutes run that day; rest days at zero. "
                f"{int((panel['run_min'] > 0).sum())} run days, {int((panel['run_min'] == 0).sum())} rest days."
            ),
        )
    )
)

# %% [markdown]
# ## Sleep after run days

# %% tags=["remove-input"]
if sleep_nights >= 5:
    display(
        HTML(
            figure_html(
                plots.sleep_after_runs(panel),
                alt=(
                    f"Hours asleep the night after run days and after rest days, each night a point, with means "
                    f"and 95% intervals; {sleep_nights} nights."
                ),
            )
        )
    )
elif not inputs.has_sleep:
    display(Markdown("No sleep log was given, so there is nothing to show here."))
else:
    nights = inputs.sleep["wake_date"]
    display(
        Markdown(
            f"Only {sleep_nights} night(s) of the sleep log fall in the analysis window (the log covers "
            f"{nights.min():%d %b %Y} to {nights.max():%d %b %Y}), too few to compare run days and rest days."
        )
    )

# %% [markdown]
# ## Before and after a run
#
# Where you rated your mood shortly before and after a run, this compares the two.

# %% tags=["remove-input"]
if len(paired) >= 3:
    display(
        HTML(
            figure_html(
                plots.mood_around_runs(run_panel),
                alt=(
                    f"Change in mood from before to after each of {len(paired)} runs against the hours between the run "
                    f"and the rating after it; {scale}."
                ),
            )
        )
    )
else:
    display(Markdown("Fewer than three runs have a rating before and after them."))
if len(paired) and acute.ok:
    display(
        Markdown(
            "\n".join(f"- {line}" for line in acute.value.readings)
            + f"\n\n*Method:* {acute.value.method.rstrip('.')}. *Runs used:* {acute.value.n_days}."
        )
    )
elif len(paired):
    display(Markdown(acute.note))

# %% [markdown]
# ## Popular claims, checked against your data
#
# Each row is a claim from running and mental-health articles. The verdict compares you
# with yourself on other days, corrects for testing several claims at once, and says
# *not enough data* rather than guessing. Each estimate is drawn on its own scale.

# %% tags=["remove-input"]
if claims.ok:
    table = claims.value.assign(verdict=claims.value["verdict"].map(verdict_word))
    tested = table[table["claim"] != 10]
    tested = tested.assign(label=tested["claim_text"], unit=tested["outcome_unit"] + ", " + tested["unit"])
    figure = plots.forest(tested, title="Claims: estimate and 95% interval")
    supported = ", ".join(str(c) for c in tested.loc[tested["verdict"] == "supported", "claim"]) or "none"
    display(
        HTML(
            figure_html(
                figure,
                alt=(
                    f"Forest plot of {len(tested)} claims, each estimate with its 95% interval on its own scale and a zero "
                    f"line; supported: claims {supported}."
                ),
            )
        )
    )
    display(HTML(table_html(table, ["claim_text", "verdict", "reading", "data_note"])))
else:
    display(Markdown(claims.note))

# %% [markdown]
# ## Your mood model
#
# One person's days are a time series, so this is a regression over your own days with
# errors that allow for one day resembling the next.

# %% tags=["remove-input"]
if fitted.ok:
    display(Markdown("\n".join(f"- {line}" for line in model.readings)))
    display(Markdown(f"Estimates are in {scale}. *Method:* {model.method.rstrip('.')}. *Days used:* {model.n_days}."))
    if model.diagnostics:
        display(Markdown("*Notes:* " + " ".join(model.diagnostics)))
    if model.missingness is not None and model.missingness.sensitivity is not None:
        display(
            HTML(
                table_html(
                    model.missingness.sensitivity,
                    ["term", "part", "estimate", "bound"],
                    labels={"bound": "if unrated days were lower"},
                )
            )
        )
else:
    display(Markdown(fitted.note))

# %% [markdown]
# ## What your data can and cannot say

# %% tags=["remove-input"]
days_rated = int(panel["mood"].notna().sum())
if fitted.ok:
    effect = model.effect("run_min", "within")
    width = effect["ci_high"] - effect["ci_low"]
    precision = (
        f"The 95% interval for the run-duration effect is {width:.2g} {scale} wide ({effect['ci_low']:.2g} to "
        f"{effect['ci_high']:.2g}, {effect['unit']}); quadrupling the number of rated days would roughly "
        "halve that width."
    )
else:
    precision = "That is too few for a model of your own days."
display(
    Markdown(
        f"- You have {days_rated} days with a mood rating in the analysis window. {precision}\n"
        "- These are associations. A busy, stressful week can mean both fewer runs and lower mood; "
        "the model compares you with yourself, which removes stable differences but not everything.\n"
        "- Days without a rating are left out, never filled in; the notes above say whether rating went with "
        "running or with your mood the day before."
    )
)
if truth_json:
    truth = json.loads(open(truth_json).read())["individual"]["truth"]
    display(
        Markdown(
            f"*Sample data:* this report ran on simulated data. The simulated person's true effect of 30 more "
            f"minutes of running on the day's mood is {truth['own_duration_slope_per_30min']} points on the "
            "1-5 scale (before Daylio's rounding to whole moods); the estimate above should cover it."
        )
    )

# %% tags=["remove-input"]
display(HTML(stamp(sources=inputs.sources, window=inputs.window_text(), settings=settings)))
