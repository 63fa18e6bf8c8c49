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

# %% tags=["remove-input"]
import json
import warnings

import pandas as pd
from IPython.display import Markdown, display

import runwell
from runwell import plots
from runwell.sample import sample_path
from runwell.inputs import load_saved
from runwell.sections import attempt
from runwell.study import load_person

warnings.filterwarnings("ignore", category=FutureWarning)
plots.set_theme()
pd.set_option("display.precision", 2)
pd.set_option("display.max_colwidth", None)
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
panel = runwell.build_daily_panel(inputs.activities, mood_table, sleep_table, value="value",
                                  start=first_day, end=last_day)
run_panel = runwell.build_run_panel(inputs.activities, mood_table, value="value")
in_window = run_panel["start_local"].dt.normalize().between(min(first_day.values()), max(last_day.values()))
run_panel = run_panel[in_window.fillna(False)].reset_index(drop=True)
sleep_nights = int(panel["sleep_next_h"].notna().sum())

# %% [markdown]
# ## What was read

# %% tags=["remove-input"]
runs = inputs.runs
runs = runs[runs["start_local"].dt.normalize().between(min(first_day.values()), max(last_day.values()))]
display(Markdown(
    f"**{inputs.window_text()}**\n\n"
    f"- **Loaded:** {inputs.summary()}\n"
    f"- **Runs in the window:** {len(runs)} between {runs['start_local'].min():%d %b %Y} and {runs['start_local'].max():%d %b %Y}, "
    f"{runs['elapsed_s'].sum() / 3600:.0f} hours in all ({int(runs['indoor'].fillna(False).sum())} indoors).\n"
    f"- **Mood:** {len(inputs.mood)} ratings read from a {inputs.formats['mood']} log.\n"
    + (f"- **Sleep:** {len(inputs.sleep)} nights from a {inputs.formats['sleep']} log.\n" if inputs.has_sleep else "")
    + f"- **Days in the window:** {len(panel)}, of which {int(panel['mood'].notna().sum())} have a mood rating."
))
problems = inputs.report
if len(problems):
    display(Markdown("Files or rows that were not loaded whole, and why:"))
    display(problems[["kind", "row", "reason"]].reset_index(drop=True))

# %% [markdown]
# ## Day by day
#
# Each square is a day, coloured by that day's mean mood on your log's own scale; a dot
# marks a day with a run. Blank squares have no rating.

# %% tags=["remove-input"]
ax = plots.calendar(panel)

# %% [markdown]
# ## Mood and run duration

# %% tags=["remove-input"]
ax = plots.mood_vs_duration(panel)

# %% [markdown]
# ## Sleep after run days

# %% tags=["remove-input"]
if sleep_nights >= 5:
    ax = plots.sleep_after_runs(panel)
elif not inputs.has_sleep:
    display(Markdown("No sleep log was given, so there is nothing to show here."))
else:
    nights = inputs.sleep["wake_date"]
    display(Markdown(
        f"Only {sleep_nights} night(s) of the sleep log fall in the analysis window (the log covers "
        f"{nights.min():%d %b %Y} to {nights.max():%d %b %Y}), too few to compare run days and rest days."))

# %% [markdown]
# ## Before and after a run
#
# Where you rated your mood shortly before and after a run, this compares the two.

# %% tags=["remove-input"]
paired = run_panel.dropna(subset=["mood_change"])
if len(paired) >= 3:
    ax = plots.mood_around_runs(run_panel)
else:
    display(Markdown("Fewer than three runs have a rating before and after them."))

# %% [markdown]
# ## Popular claims, checked against your data
#
# Each row is a claim from running and mental-health articles. The verdict compares you
# with yourself on other days, corrects for testing several claims at once, and says
# *not enough data* rather than guessing.

# %% tags=["remove-input"]
claims = attempt(runwell.check_claims, panel, run_panel, what="checking the claims")
if claims.ok:
    table = claims.value[["claim_text", "verdict", "reading", "data_note"]].fillna("")
    table.columns = ["claim", "verdict", "what your data say", "note"]
    display(table.style.hide(axis="index").set_properties(**{"text-align": "left", "vertical-align": "top"}))
else:
    display(Markdown(claims.note))

# %% [markdown]
# ## Your mood model
#
# One person's days are a time series, so this is a regression over your own days with
# errors that allow for one day resembling the next.

# %% tags=["remove-input"]
fitted = attempt(runwell.fit_mood_model, panel, outcome="mood", what="a mood model")
model = fitted.value
if fitted.ok:
    display(Markdown("\n".join(f"- {line}" for line in model.readings)))
    display(Markdown(f"*Method:* {model.method.rstrip('.')}. *Days used:* {model.n_days}."))
    if model.diagnostics:
        display(Markdown("*Notes:* " + " ".join(model.diagnostics)))
else:
    display(Markdown(fitted.note))

# %% [markdown]
# ## What your data can and cannot say

# %% tags=["remove-input"]
days_rated = int(panel["mood"].notna().sum())
if fitted.ok:
    effect = model.effect("run_min", "within")
    width = effect["ci_high"] - effect["ci_low"]
    precision = (f"The 95% interval for the run-duration effect is {width:.2g} wide ({effect['ci_low']:.2g} to "
                 f"{effect['ci_high']:.2g} {effect['unit']}); quadrupling the number of rated days would roughly "
                 "halve that width.")
else:
    precision = "That is too few for a model of your own days."
display(Markdown(
    f"- You have {days_rated} days with a mood rating in the analysis window. {precision}\n"
    "- These are associations. A busy, stressful week can mean both fewer runs and lower mood; "
    "the model compares you with yourself, which removes stable differences but not everything.\n"
    "- Days without a rating are left out, never filled in."
))
if truth_json:
    truth = json.loads(open(truth_json).read())["individual"]["truth"]
    display(Markdown(
        f"*Sample data:* this report ran on simulated data. The simulated person's true effect of 30 more "
        f"minutes of running on the day's mood is {truth['own_duration_slope_per_30min']} points on the "
        "1-5 scale (before Daylio's rounding to whole moods); the estimate above should cover it."
    ))
