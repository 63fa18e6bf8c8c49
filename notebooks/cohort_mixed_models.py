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
mood_columns = {
    "item": "item",
    "value": "value",
    "scale_min": "scale_min",
    "scale_max": "scale_max",
    "context": "context",
}  # columns of the long-format mood.csv
inputs_dir = None  # inputs already loaded and saved by `runwell report` (then cohort_dir is not read)
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
from runwell.study import load_study

warnings.filterwarnings("ignore", category=FutureWarning)
plots.set_theme()
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
scale = scale_text(mood_table, None)
fitted = attempt(runwell.fit_mood_model, panel, outcome="mood", scale=scale, what="the mixed model")
model = fitted.value
claims = attempt(runwell.check_claims, panel, run_panel, scale=scale, what="checking the claims")
paired = run_panel.dropna(subset=["mood_change"])
acute = attempt(runwell.fit_acute_model, run_panel, panel=panel, scale=scale, what="the model of mood around runs")
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
display(HTML(headline(duration, sleep_row, scale=scale, person=False)))

# %% [markdown]
# ## The data

# %% tags=["remove-input"]
runs = inputs.runs
display(
    Markdown(
        f"**{inputs.window_text()}**\n\n"
        f"- **Participants:** {panel['participant_id'].nunique()}, {len(panel)} participant-days.\n"
        f"- **Runs:** {len(runs)} ({runs['elapsed_s'].sum() / 3600:.0f} hours; "
        f"{int(runs['indoor'].fillna(False).sum())} indoors).\n"
        f"- **Mood ratings:** {len(mood_table)}, in {scale}; days with a rating: {int(panel['mood'].notna().sum())}.\n"
        f"- **Not loaded whole:** {len(problems)} file(s) or row(s)"
        + (" (listed at the end)." if len(problems) else ".")
    )
)
display(
    HTML(
        "<p>Take the data away: "
        + csv_link(panel, "runwell-daily.csv", "one row per participant-day (CSV)")
        + " &middot; "
        + csv_link(run_panel, "runwell-runs.csv", "one row per run (CSV)")
        + "</p>"
    )
)

# %% [markdown]
# ### Compliance
#
# Share of each participant's days with a mood rating, a sleep record and any activity.
# A day with no activity is *not* a rest day unless the person was tracking that day.

# %% tags=["remove-input"]
comp = runwell.compliance(panel)
display(
    HTML(
        table_html(
            comp,
            [
                "participant_id",
                "first_date",
                "last_date",
                "n_days",
                "days_run",
                "share_mood",
                "share_sleep",
                "share_activity",
            ],
        )
    )
)
display(
    HTML(
        figure_html(
            plots.compliance_heatmap(panel),
            alt=(
                f"Heat map of the share of days with a mood rating, {comp['participant_id'].nunique()} participants by week; "
                f"median share of days with mood {comp['share_mood'].median():.0%}."
            ),
        )
    )
)

# %% [markdown]
# ## The mixed model
#
# Mood on each day against that day's run minutes and the runs of the previous 7 days,
# each split into the person's own mean (between) and the day's deviation from it
# (within); random intercept and random within-person duration slope per participant;
# weekday and study-day trend as covariates. The intervals are cluster-robust by
# participant, so they allow for one day's mood resembling the next.

# %% tags=["remove-input"]
if fitted.ok:
    display(Markdown("\n".join(f"- {line}" for line in model.readings)))
    effects = model.effects.assign(
        label=model.effects["term"] + " (" + model.effects["part"] + ")", unit=scale + ", " + model.effects["unit"]
    )
    display(
        HTML(
            figure_html(
                plots.forest(effects.assign(verdict="inconclusive"), title="Main effects (95% intervals)"),
                alt=f"Forest plot of the model's {len(effects)} effects with 95% intervals, in {scale}.",
            )
        )
    )
    display(
        HTML(
            table_html(
                model.effects, ["term", "part", "estimate", "ci_low", "ci_high", "p_value", "unit", "outcome_unit"]
            )
        )
    )
    display(
        Markdown(
            f"Estimates are in {scale}. *Method:* {model.method.rstrip('.')}. *Sample:* {model.n_participants} "
            f"participants, {model.n_days} days.\n\n"
            + "".join(f"*Random effects:* {line}\n\n" for line in model.random_effects_lines())
            + "*Diagnostics:* "
            + " ".join(model.diagnostics)
        )
    )
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

# %% tags=["remove-input"]
if fitted.ok and model.person_slopes is not None:
    slopes = model.person_slopes
    display(
        HTML(
            figure_html(
                plots.participant_slopes(slopes, label=f"own effect of 30 more minutes ({scale})"),
                alt=(
                    f"Caterpillar plot of {len(slopes)} participants' own effects of 30 more minutes of running on mood, "
                    f"sorted, each with its 95% interval; {int((slopes['lower'] > 0).sum())} intervals lie above zero and "
                    f"{int((slopes['upper'] < 0).sum())} below."
                ),
            )
        )
    )

# %% [markdown]
# ### Robustness check
#
# The same within-person effects from a different model: a fixed effect per person
# instead of random effects, with standard errors clustered by participant.

# %% tags=["remove-input"]
if fitted.ok and model.robust is not None:
    display(HTML(table_html(model.robust, ["term", "part", "estimate", "ci_low", "ci_high", "p_value", "unit"])))
else:
    display(Markdown("No robust check was possible for this model."))

# %% [markdown]
# ### Mood around runs
#
# Where participants rated their mood shortly before and after a run: the change, for a
# 30-minute run, by extra run length and by the week's running frequency.

# %% tags=["remove-input"]
if len(paired) and acute.ok:
    display(
        Markdown(
            "\n".join(f"- {line}" for line in acute.value.readings)
            + f"\n\n*Method:* {acute.value.method.rstrip('.')}. *Runs used:* {acute.value.n_days} "
            f"of {acute.value.n_participants} participants."
        )
    )
elif len(paired):
    display(Markdown(acute.note))
else:
    display(Markdown("No run has a mood rating both before and after it."))

# %% [markdown]
# ### Next-day mood
#
# Does today's running go with tomorrow's mood, allowing for today's mood? (Lags only
# across consecutive days.)

# %% tags=["remove-input"]
lagged = attempt(
    runwell.fit_mood_model,
    panel,
    outcome="mood",
    lagged=True,
    scale=scale,
    slope_interval=False,
    check_missing=False,
    what="the next-day model",
)
display(Markdown("\n".join(f"- {line}" for line in lagged.value.readings) if lagged.ok else lagged.note))

# %% [markdown]
# ## Popular claims, with a false-discovery-rate correction

# %% tags=["remove-input"]
if claims.ok:
    table = claims.value.assign(verdict=claims.value["verdict"].map(verdict_word))
    tested = table[table["claim"] != 10]
    tested = tested.assign(label=tested["claim_text"], unit=tested["outcome_unit"] + ", " + tested["unit"])
    display(
        HTML(
            figure_html(
                plots.forest(tested, title="Claims: estimate and 95% interval"),
                alt=f"Forest plot of {len(tested)} claims, each estimate with its 95% interval on its "
                "own scale and a zero line; colour shows the verdict.",
            )
        )
    )
    display(HTML(table_html(table, ["claim_text", "verdict", "estimate", "ci_low", "ci_high", "q_value", "reading"])))
else:
    display(Markdown(claims.note))

# %% tags=["remove-input"]
if truth_json and fitted.ok:
    truth = json.loads(Path(truth_json).read_text())["cohort"]["truth"]
    known = {
        "run_min (within)": truth["beta_duration_within_per_30min"],
        "run_min (between)": truth["beta_duration_between_per_30min"],
        "runs_7d (within)": truth["beta_frequency_within_per_run_a_week"],
    }
    effects = model.effects.assign(term=lambda d: d["term"] + " (" + d["part"] + ")")
    display(
        Markdown(
            "## Sample data: estimates beside the truth\n\nThe sample cohort is simulated; "
            "crosses mark the effects it was drawn from (mood points on the 0-10 scale)."
        )
    )
    display(
        HTML(
            figure_html(
                plots.estimate_vs_truth(effects, known),
                alt=(
                    "Estimates with 95% intervals beside the simulation's true effects (crosses), mood points on the "
                    "0-10 scale."
                ),
            )
        )
    )

# %% [markdown]
# ## Files and rows not loaded whole

# %% tags=["remove-input"]
if len(problems):
    shown = problems.assign(file=problems["path"].map(lambda p: Path(str(p).split("!")[-1]).name))
    display(HTML(table_html(shown, ["participant_id", "file", "kind", "row", "reason"])))
else:
    display(Markdown("None: every file and row was loaded."))

# %% tags=["remove-input"]
display(HTML(stamp(sources=inputs.sources, window=inputs.window_text(), settings=settings)))
