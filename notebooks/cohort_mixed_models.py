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
# # Running, mood and sleep in a cohort
#
# Mixed models of daily mood against run duration and run frequency, separating
# **within-person** effects (a person on days they run more than usual) from
# **between-person** differences (people who run more than others), with a random slope
# for each person's own duration effect. Every number comes with its 95% interval; all of
# them are associations, not proof that running causes the change.
#
# <div class="runwell-care">Running is not a substitute for professional care. Nothing in
# this report is a diagnosis of anyone.</div>

# %% tags=["parameters"]
cohort_dir = None  # one sub-folder per participant: activities (folder or .zip), mood.csv, sleep.csv
truth_json = None  # sample data only: the simulation's true effects
mood_columns = {"item": "item", "value": "value", "scale_min": "scale_min", "scale_max": "scale_max",
                "context": "context"}  # columns of the long-format mood.csv
inputs_dir = None  # inputs already loaded and saved by `runwell report` (then cohort_dir is not read)

# %% tags=["remove-input"]
import json
import warnings
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

import runwell
from runwell import plots
from runwell.sample import sample_path
from runwell.inputs import load_saved
from runwell.sections import attempt
from runwell.study import load_study

warnings.filterwarnings("ignore", category=FutureWarning)
plots.set_theme()
pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", None)
if inputs_dir is not None:
    inputs = load_saved(inputs_dir)
else:
    if cohort_dir is None:
        cohort_dir, truth_json = sample_path("cohort"), sample_path("truth.json")
    inputs = load_study(cohort_dir, mood_columns=mood_columns)
    inputs.with_window()
acts, mood_table, problems = inputs.activities, inputs.mood, inputs.report
sleep_table = inputs.sleep if inputs.has_sleep else None
first_day, last_day = inputs.window_bounds()
panel = runwell.build_daily_panel(acts, mood_table, sleep_table, value="value", start=first_day, end=last_day)
run_panel = runwell.build_run_panel(acts, mood_table, value="value")

# %% [markdown]
# ## The data

# %% tags=["remove-input"]
runs = inputs.runs
display(Markdown(
    f"**{inputs.window_text()}**\n\n"
    f"- **Participants:** {panel['participant_id'].nunique()}, {len(panel)} participant-days.\n"
    f"- **Runs:** {len(runs)} ({runs['elapsed_s'].sum() / 3600:.0f} hours; "
    f"{int(runs['indoor'].fillna(False).sum())} indoors).\n"
    f"- **Mood ratings:** {len(mood_table)}; days with a rating: {int(panel['mood'].notna().sum())}.\n"
    f"- **Not loaded whole:** {len(problems)} file(s) or row(s)"
    + (" (listed at the end)." if len(problems) else ".")
))

# %% [markdown]
# ### Compliance
#
# Share of each participant's days with a mood rating, a sleep record and any activity.
# A day with no activity is *not* a rest day unless the person was tracking that day.

# %% tags=["remove-input"]
comp = runwell.compliance(panel)
shown = comp[["participant_id", "first_date", "last_date", "n_days", "days_run", "share_mood", "share_sleep",
              "share_activity"]]
display(shown.style.hide(axis="index").format({"first_date": "{:%Y-%m-%d}", "last_date": "{:%Y-%m-%d}"},
                                               precision=2))
ax = plots.compliance_bars(comp[["participant_id", "share_mood", "share_sleep", "share_activity"]])

# %% [markdown]
# ### Panel summary

# %% tags=["remove-input"]
summary = panel[["run_min", "runs_7d", "mood", "mood_change", "sleep_next_h"]].describe().T
display(summary[["count", "mean", "std", "min", "50%", "max"]])

# %% [markdown]
# ## The mixed model
#
# Mood on each day against that day's run minutes and the runs of the previous 7 days,
# each split into the person's own mean (between) and the day's deviation from it
# (within); random intercept and random within-person duration slope per participant;
# weekday and study-day trend as covariates.

# %% tags=["remove-input"]
fitted = attempt(runwell.fit_mood_model, panel, outcome="mood", what="the mixed model")
model = fitted.value
cols = ["term", "part", "estimate", "ci_low", "ci_high", "p_value", "unit"]
if fitted.ok:
    display(Markdown("\n".join(f"- {line}" for line in model.readings)))
    display(model.effects[cols].style.hide(axis="index").format(precision=3))
    display(Markdown(
        f"*Method:* {model.method.rstrip('.')}. *Sample:* {model.n_participants} participants, {model.n_days} days.\n\n"
        + (f"*Own duration slopes:* {model.share_positive_slope:.0%} of participants have a positive own effect "
           f"(the fitted distribution implies {model.share_positive_slope_model:.0%}).\n\n"
           if model.share_positive_slope is not None else "")
        + "*Diagnostics:* " + " ".join(model.diagnostics)
    ))
else:
    display(Markdown(fitted.note))

# %% tags=["remove-input"]
if fitted.ok and model.person_slopes is not None:
    ax = plots.participant_slopes(model.person_slopes, label="own effect of 30 more minutes (mood points)")

# %% [markdown]
# ### Robustness check
#
# Daily moods are autocorrelated, which the mixed model's independent residuals do not
# allow for. The same within-person effects from a model with a fixed effect per person
# and standard errors clustered by participant:

# %% tags=["remove-input"]
if fitted.ok and model.robust is not None:
    display(model.robust[cols].style.hide(axis="index").format(precision=3))
else:
    display(Markdown("No robust check was possible for this model."))

# %% [markdown]
# ### Next-day mood
#
# Does today's running go with tomorrow's mood, allowing for today's mood? (Lags only
# across consecutive days.)

# %% tags=["remove-input"]
lagged = attempt(runwell.fit_mood_model, panel, outcome="mood", lagged=True, what="the next-day model")
display(Markdown("\n".join(f"- {line}" for line in lagged.value.readings) if lagged.ok else lagged.note))

# %% [markdown]
# ## Popular claims, with a false-discovery-rate correction

# %% tags=["remove-input"]
claims = attempt(runwell.check_claims, panel, run_panel, what="checking the claims")
if claims.ok:
    table = claims.value[["claim_text", "verdict", "estimate", "ci_low", "ci_high", "q_value", "reading"]]
    display(table.style.hide(axis="index").format(precision=3, na_rep="").set_properties(**{"text-align": "left"}))
else:
    display(Markdown(claims.note))

# %% tags=["remove-input"]
if truth_json and fitted.ok:
    truth = json.loads(Path(truth_json).read_text())["cohort"]["truth"]
    known = {"run_min (within)": truth["beta_duration_within_per_30min"],
             "run_min (between)": truth["beta_duration_between_per_30min"],
             "runs_7d (within)": truth["beta_frequency_within_per_run_a_week"]}
    effects = model.effects.assign(term=lambda d: d["term"] + " (" + d["part"] + ")")
    display(Markdown("## Sample data: estimates beside the truth\n\nThe sample cohort is simulated; "
                     "crosses mark the effects it was drawn from (mood points on the 0-10 scale)."))
    ax = plots.estimate_vs_truth(effects, known)

# %% [markdown]
# ## Files and rows not loaded whole

# %% tags=["remove-input"]
if len(problems):
    display(problems[["participant_id", "kind", "row", "reason"]])
else:
    display(Markdown("None: every file and row was loaded."))
