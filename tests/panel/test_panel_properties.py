"""Property tests of the panels: invariants checked against brute-force references."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from runwell import build_daily_panel, build_run_panel, conform
from runwell.tables import RUNNING_SPORTS

# Around both spring-forward days (US 2024-03-10, EU 2024-03-31).
BASE = pd.Timestamp("2024-03-01", tz="UTC")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC+02:00", "Pacific/Auckland")
RUN_SPORTS = RUNNING_SPORTS
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None)

minutes_in = st.integers(min_value=0, max_value=45 * 24 * 60)
durations = st.one_of(st.integers(1, 240).map(float), st.just(float("nan")))

activity_rows = st.fixed_dictionaries(
    {
        "pid": st.sampled_from(["a", "b", "c"]),
        "at": minutes_in,
        "minutes": durations,
        "km": st.one_of(st.floats(0, 40, allow_nan=False), st.just(float("nan"))),
        "tz": st.sampled_from(ZONES),
        "sport": st.sampled_from([*RUN_SPORTS, "cycling", "walking"]),
        "local_known": st.booleans(),
    }
)
rating_rows = st.fixed_dictionaries(
    {
        "pid": st.sampled_from(["a", "b", "c"]),
        "at": minutes_in,
        "item": st.sampled_from(["mood", "energy"]),
        "value": st.floats(0, 1, allow_nan=False),
        "tz": st.sampled_from(ZONES),
    }
)
sleep_rows = st.fixed_dictionaries(
    {
        "pid": st.sampled_from(["a", "b", "c"]),
        "at": minutes_in,
        "hours": st.floats(0.5, 11, allow_nan=False),
        "nap": st.booleans(),
        "tz": st.sampled_from(ZONES),
    }
)


def _local(utc: pd.Timestamp, tz: str) -> pd.Timestamp:
    """Independent reference: one instant's local wall time, row by row."""
    if tz.startswith("UTC"):
        sign = 1 if tz[3] == "+" else -1
        return (utc + sign * pd.Timedelta(hours=int(tz[4:6]), minutes=int(tz[7:9]))).tz_localize(None)
    return utc.tz_convert(tz).tz_localize(None)


def _activities(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        start = BASE + pd.Timedelta(minutes=r["at"])
        out.append(
            {
                "participant_id": r["pid"],
                "activity_id": str(i),
                "sport": r["sport"],
                "start_utc": start,
                "start_local": _local(start, r["tz"]) if r["local_known"] else None,
                "tz": r["tz"],
                "moving_s": r["minutes"] * 60,
                "elapsed_s": r["minutes"] * 60,
                "distance_m": r["km"] * 1000,
            }
        )
    return conform(out, "activities")


def _mood(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = []
    for r in rows:
        time = BASE + pd.Timedelta(minutes=r["at"])
        local = _local(time, r["tz"])
        out.append(
            {
                "participant_id": r["pid"],
                "time_utc": time,
                "time_local": local,
                "tz": r["tz"],
                "date": local.normalize(),
                "item": r["item"],
                "value_01": r["value"],
            }
        )
    return conform(out, "mood")


def _sleep(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = []
    for r in rows:
        end = BASE + pd.Timedelta(minutes=r["at"])
        out.append(
            {
                "participant_id": r["pid"],
                "wake_date": _local(end, r["tz"]).normalize(),
                "sleep_start": end - pd.Timedelta(hours=r["hours"]),
                "sleep_end": end,
                "tz": r["tz"],
                "asleep_h": r["hours"],
                "is_nap": r["nap"],
            }
        )
    return conform(out, "sleep")


def _reference_days(acts: list[dict[str, Any]]) -> pd.DataFrame:
    """Per (pid, local day) run totals computed row by row."""
    rows = []
    for r in acts:
        if r["sport"] not in RUN_SPORTS:
            continue
        start = BASE + pd.Timedelta(minutes=r["at"])
        rows.append((r["pid"], _local(start, r["tz"]).normalize(), r["minutes"]))
    frame = pd.DataFrame(rows, columns=["pid", "date", "minutes"])
    return frame


def _observation_days(acts, ratings, sleeps) -> dict[str, set[pd.Timestamp]]:
    days: dict[str, set[pd.Timestamp]] = {}
    for rows in (acts, ratings, sleeps):
        for r in rows:
            t = BASE + pd.Timedelta(minutes=r["at"])
            days.setdefault(r["pid"], set()).add(_local(t, r["tz"]).normalize())
    return days


inputs = st.tuples(
    st.lists(activity_rows, max_size=25),
    st.lists(rating_rows, max_size=25),
    st.lists(sleep_rows, max_size=8),
)


@PROPERTY_SETTINGS
@given(inputs)
def test_daily_panel_invariants(data: tuple[list, list, list]) -> None:
    act_rows, rating_rows_, sleep_rows_ = data
    panel = build_daily_panel(_activities(act_rows), _mood(rating_rows_), _sleep(sleep_rows_))

    # one row per participant-day, every day from first to last observation
    observed = _observation_days(act_rows, rating_rows_, sleep_rows_)
    assert not panel.duplicated(["participant_id", "date"]).any()
    assert set(panel["participant_id"]) == set(observed)
    for pid, group in panel.groupby("participant_id"):
        days = pd.date_range(min(observed[pid]), max(observed[pid]), freq="D")
        assert list(group["date"]) == list(days)
        assert group["has_data"].to_numpy().sum() == len(observed[pid])
        assert set(group.loc[group["has_data"], "date"]) == observed[pid]
        assert list(group["study_day"]) == list(range(len(days)))

    # run minutes per day are preserved (unknown durations stay unknown), none are invented
    ref = _reference_days(act_rows)
    keyed = panel.set_index(["participant_id", "date"])
    if not ref.empty:
        totals = ref.groupby(["pid", "date"])["minutes"].sum(min_count=1)
        unknown = ref.groupby(["pid", "date"])["minutes"].apply(lambda s: s.isna().any())
        for key, total in totals.items():
            got = keyed.loc[key, "run_min"]
            if unknown[key]:
                assert np.isnan(got)
            else:
                assert np.isclose(got, total)
        counts = ref.groupby(["pid", "date"]).size()
        assert int(panel["run_count"].sum()) == len(ref) == int(counts.sum())
    # the total over days whose minutes are known is the total of their runs
    if not ref.empty:
        known_days = totals[~unknown]
        known_panel = panel["run_min"].notna() & panel["ran"].fillna(False).astype(bool)
        assert np.isclose(panel.loc[known_panel, "run_min"].sum(), known_days.sum())
        assert known_panel.sum() == len(known_days)

    # no data is not no run
    assert (panel["ran"].isna() == ~panel["has_data"]).all()
    assert (panel["run_min"].isna() >= ~panel["has_data"]).all()
    assert np.allclose((panel["run_min_outdoor"] + panel["run_min_indoor"]).dropna(), panel["run_min"].dropna())

    # lags only across consecutive days: compare with the row of (pid, date - 1 day)
    prev = panel.set_index(["participant_id", "date"])
    for col in ("run_min", "mood", "energy", "sleep_prev_h"):
        if col not in panel:
            continue
        expected = [
            prev[col].get((pid, d - pd.Timedelta(days=1)), np.nan)
            for pid, d in zip(panel["participant_id"], panel["date"], strict=True)
        ]
        np.testing.assert_array_equal(panel[f"{col}_lag1"].to_numpy(), np.asarray(expected, float))
    first_rows = panel.groupby("participant_id").head(1)
    assert first_rows["run_min_lag1"].isna().all() and first_rows["ran_lag1"].isna().all()
    assert (
        panel.loc[
            ~panel["has_data"].shift(1, fill_value=False).astype(bool)
            & panel["participant_id"].eq(panel["participant_id"].shift(1)),
            "run_min_lag1",
        ]
        .isna()
        .all()
    )

    # mood_change is today's minus yesterday's mood, missing if either is missing
    np.testing.assert_allclose(panel["mood_change"], panel["mood"] - panel["mood_lag1"])

    # within + between add back to the raw value
    for var in ("ran", "run_min", "run_km", "runs_7d"):
        raw = panel[var].astype("float64")
        both = panel[f"{var}_within"] + panel[f"{var}_between"]
        assert (raw.isna() == panel[f"{var}_within"].isna()).all()
        np.testing.assert_allclose(both[raw.notna()], raw[raw.notna()], rtol=1e-9, atol=1e-9)
        means = raw.groupby(panel["participant_id"]).transform("mean")
        np.testing.assert_allclose(panel[f"{var}_between"], means, rtol=1e-9, atol=1e-12)

    # runs_7d counts the recorded runs of the previous 7 days, once history covers them,
    # and is unknown when any of those days has no data at all
    if not ref.empty:
        for pid, d, runs_7d in zip(panel["participant_id"], panel["date"], panel["runs_7d"], strict=True):
            previous = {d - pd.Timedelta(days=k) for k in range(1, 8)}
            if d - min(observed[pid]) < pd.Timedelta(days=7) or not previous <= observed[pid]:
                assert pd.isna(runs_7d)
                continue
            window = ref[(ref["pid"] == pid) & (ref["date"] >= d - pd.Timedelta(days=7)) & (ref["date"] < d)]
            assert runs_7d == len(window)

    # compliance agrees with the panel
    comp = panel.attrs["compliance"].set_index("participant_id")
    assert (comp["n_days"] == panel.groupby("participant_id").size()).all()
    assert (comp["days_data"] == panel.groupby("participant_id")["has_data"].sum()).all()


def _brute_force(
    runs: pd.DataFrame, ratings: pd.DataFrame, before: pd.Timedelta, after: pd.Timedelta
) -> tuple[list[float], list[float]]:
    pres, posts = [], []
    for _, r in runs.iterrows():
        mine = ratings[(ratings["participant_id"] == r["participant_id"]) & (ratings["item"] == "mood")]
        t = mine["time_utc"]
        pre = mine[(t <= r["start_utc"]) & (r["start_utc"] - t <= before)]
        post = mine[(t >= r["end_utc"]) & (t > r["start_utc"]) & (t - r["end_utc"] <= after)]
        pres.append(pre.sort_values("time_utc")["value_01"].iloc[-1] if len(pre) else np.nan)
        posts.append(post.sort_values("time_utc")["value_01"].iloc[0] if len(post) else np.nan)
    return pres, posts


@PROPERTY_SETTINGS
@given(
    st.lists(activity_rows, max_size=12),
    st.lists(rating_rows, max_size=25, unique_by=lambda r: (r["pid"], r["item"], r["at"])),
    st.integers(0, 300),
    st.integers(0, 300),
)
def test_run_panel_matches_brute_force(act_rows: list, rating_rows_: list, before: int, after: int) -> None:
    acts, ratings = _activities(act_rows), _mood(rating_rows_)
    before_td, after_td = pd.Timedelta(minutes=before), pd.Timedelta(minutes=after)
    runs = build_run_panel(acts, ratings, before=before_td, after=after_td)

    assert len(runs) == sum(r["sport"] in RUN_SPORTS for r in act_rows)
    assert runs.attrs["n_runs"] == len(runs)
    counts = runs.attrs
    assert counts["n_paired"] + counts["n_pre_only"] + counts["n_post_only"] + counts["n_unpaired"] == len(runs)

    pres, posts = _brute_force(runs, ratings, before_td, after_td)
    np.testing.assert_array_equal(runs["mood_pre"].to_numpy(), np.asarray(pres, float))
    np.testing.assert_array_equal(runs["mood_post"].to_numpy(), np.asarray(posts, float))
    np.testing.assert_allclose(runs["mood_change"], runs["mood_post"] - runs["mood_pre"])
    assert ((runs["minutes_pre"] >= 0) & (runs["minutes_pre"] <= before)).where(runs["mood_pre"].notna(), True).all()
    assert ((runs["minutes_post"] >= 0) & (runs["minutes_post"] <= after)).where(runs["mood_post"].notna(), True).all()
    assert (runs["minutes_pre"].isna() == runs["mood_pre"].isna()).all()


@PROPERTY_SETTINGS
@given(inputs, st.integers(-10, 50), st.integers(0, 30))
def test_window_only_clips(data: tuple[list, list, list], start_day: int, length: int) -> None:
    """start/end choose the rows; day values do not depend on the window."""
    acts, ratings, nights = _activities(data[0]), _mood(data[1]), _sleep(data[2])
    full = build_daily_panel(acts, ratings, nights)
    start = pd.Timestamp("2024-03-01") + pd.Timedelta(days=start_day)
    end = start + pd.Timedelta(days=length)
    clipped = build_daily_panel(acts, ratings, nights, start=start, end=end)

    pids = set(full["participant_id"])
    assert set(clipped["participant_id"]) == pids
    assert (clipped.groupby("participant_id").size() == length + 1).all()
    assert (clipped["date"] >= start).all() and (clipped["date"] <= end).all()
    assert (clipped["study_day"] == (clipped["date"] - start).dt.days).all()

    keys = ["participant_id", "date"]
    both = clipped.merge(full, on=keys, suffixes=("", "_full"))
    window_free = [
        "has_data", "ran", "run_count", "run_min", "runs_7d", "run_min_7d", "run_min_28d",
        "acwr", "days_since_run", "mood", "mood_change", "sleep_prev_h", "sleep_next_h",
        "run_min_lag1", "mood_lag1",
    ]  # fmt: skip
    for col in window_free:
        left, right = both[col], both[f"{col}_full"]
        assert (left.isna() == right.isna()).all(), col
        assert (left[left.notna()] == right[right.notna()]).all(), col
    outside = clipped[~clipped.set_index(keys).index.isin(full.set_index(keys).index)]
    assert not outside["has_data"].any()
