"""The 2026 log exports (issue 17): Whoop, Samsung, Oura's zip, Polar, SEMA3, mEMA, State of Mind, old Daylio.

No licensed real sample of these exists in ../shared/real-data; every file here is
constructed from FORMATS.md (see tests/data/logs/README.md), one quirk each.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import runwell
from runwell import InputError, read_mood, read_sleep
from runwell.errors import UnsupportedFormatError
from runwell.logs import detect_format


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def _zip(folder: Path, target: Path, inside: str = "") -> Path:
    """Zip a folder's files (under ``inside/``), with a macOS resource fork as Mac zips have."""
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{inside}{path.relative_to(folder).as_posix()}")
        zf.writestr(f"__MACOSX/{inside}._sleeps.csv", b"\x00\x05junk")
    return target


NEW_READERS = [
    "read_sema3",
    "read_mema",
    "read_mydatahelps",
    "read_whoop_journal",
    "read_health_auto_export",
    "read_whoop_sleep",
    "read_samsung_sleep",
    "read_oura_export",
    "read_polar_sleep",
]


def test_new_readers_are_public_and_state_their_certainty() -> None:
    for name in NEW_READERS:
        assert name in runwell.logs.__all__ and f":func:`{name}`" in (runwell.logs.__doc__ or "")
        module = getattr(runwell.logs, name).__module__
        doc = __import__(module, fromlist=["_"]).__doc__ or ""
        assert "Certainty" in doc and ("[seen]" in doc or "[doc]" in doc), module
        assert "Where the" in doc, module  # where the user finds the export


@pytest.mark.parametrize(
    ("relative", "kind", "name"),
    [
        ("whoop_export/sleeps.csv", "sleep", "whoop"),
        ("whoop_es/sueño.csv", "sleep", "whoop"),
        ("whoop_export/journal_entries.csv", "mood", "whoop_journal"),
        ("samsung_export/com.samsung.shealth.sleep.20260723144996.csv", "sleep", "samsung"),
        ("oura_export/sleepmodel.csv", "sleep", "oura_export"),
        ("oura_export_comma/sleepmodel.csv", "sleep", "oura_export"),
        ("oura_trends.csv", "sleep", "oura"),  # the older export still goes to its own reader
        ("polar_export/sleep_result_7a1b2c.json", "sleep", "polar"),
        ("sema3_export.csv", "mood", "sema3"),
        ("mema_flat.csv", "mood", "mema"),
        ("daylio_pre2019.csv", "mood", "daylio"),
        ("mydatahelps/HealthKitV2StateOfMind_20260101-20260131.csv", "mood", "mydatahelps"),
        ("health_auto_export.json", "mood", "health_auto_export"),
    ],
)
def test_recognised_by_content(data, relative, kind, name) -> None:
    assert detect_format(data / relative, kind) == name


# ------------------------------------------------------------------------------- Whoop


def test_whoop_sleep_naps_flagged_and_nights_to_the_wake_date(data, check) -> None:
    res = read_sleep(data / "whoop_export" / "sleeps.csv")
    check(res, "sleep")
    night, nap, lone_nap = (res.sleep.iloc[i] for i in range(3))
    assert night["in_bed_start"] == _utc("2026-01-02 22:10") and night["sleep_end"] == _utc("2026-01-03 06:00")
    assert night["wake_date"] == pd.Timestamp("2026-01-03") and night["tz"] == "UTC+01:00"
    assert night["asleep_h"] == pytest.approx(430 / 60) and night["in_bed_h"] == pytest.approx(470 / 60)
    assert (night["deep_h"], night["rem_h"], night["awake_h"]) == pytest.approx((100 / 60, 110 / 60, 40 / 60))
    assert (night["efficiency"], night["quality_01"]) == pytest.approx((0.91, 0.85))
    assert not night["is_nap"] and nap["is_nap"] and nap["wake_date"] == night["wake_date"]
    # a nap on a day without a main sleep stays a nap: Whoop says so
    assert lone_nap["is_nap"] and lone_nap["wake_date"] == pd.Timestamp("2026-01-05")
    assert res.report[["row", "kind"]].values.tolist() == [[4, "skipped"]]  # a cycle without sleep


def test_whoop_spanish_export_and_tz_for_display(data, check) -> None:
    res = read_sleep(data / "whoop_es" / "sueño.csv", tz="America/Bogota")
    check(res, "sleep")
    night = res.sleep.iloc[0]
    assert night["in_bed_start"] == _utc("2026-09-02 03:40")  # 22:40 at UTC-05:00
    assert night["wake_date"] == pd.Timestamp("2026-09-02") and night["tz"] == "America/Bogota"


def test_whoop_journal_yes_no_items(data, check) -> None:
    res = read_mood(data / "whoop_export" / "journal_entries.csv")
    check(res, "mood")
    mood = res.mood.set_index("source_row")
    assert mood.loc[2, "item"] == "consumed_caffeine" and mood.loc[2, "value"] == 1  # note with comma and newline
    assert mood.loc[4, "item"] == "have_any_alcoholic_drinks" and mood.loc[4, "value"] == 0
    assert set(res.mood["scale_min"]) == {0} and set(res.mood["scale_max"]) == {1}
    assert (res.mood["value_01"] == res.mood["value"]).all()
    # answers have no time of day; the cycle starting 23:10 is the next day's
    assert res.mood["time_utc"].isna().all()
    assert mood.loc[2, "date"] == pd.Timestamp("2026-01-03") and mood.loc[5, "date"] == pd.Timestamp("2026-01-05")


def test_whoop_zip_read_whole_by_every_loader(data, tmp_path) -> None:
    archive = _zip(data / "whoop_export", tmp_path / "whoop.zip", inside="my_whoop_data_2026_01_06/")
    sleep = read_sleep(archive)
    assert sleep.format == "whoop" and len(sleep.sleep) == 3 and sleep.reconciles
    assert sleep.sleep["source_file"].iloc[0] == f"{archive}!my_whoop_data_2026_01_06/sleeps.csv"
    skipped = sleep.report[sleep.report["kind"] == "skipped"]
    reasons = dict(zip(skipped["path"].str.rsplit("/", n=1).str[-1], skipped["reason"], strict=True))
    assert "mood log: whoop_journal" in reasons["journal_entries.csv"]
    assert "physiological_cycles.csv" in reasons  # nights come from sleeps.csv only
    mood = read_mood(archive)
    assert mood.format == "whoop_journal" and len(mood.mood) == 3
    acts = runwell.load_activities(archive, workers=1)
    assert acts.activities["source"].tolist() == ["whoop", "whoop"] and acts.reconciles


def test_whoop_rows_without_zone_need_tz(tmp_path, check) -> None:
    path = tmp_path / "sleeps.csv"
    header = (Path(__file__).parents[1] / "data" / "logs" / "whoop_export" / "sleeps.csv").read_text().splitlines()[0]
    path.write_text(header + "\n2026-01-02 23:10:00,,,2026-01-02 23:10:00,2026-01-03 07:00:00" + "," * 13 + "false\n")
    res = read_sleep(path)
    check(res, "sleep")
    # the fix in both interfaces' words: the load report is shown to command-line users too
    assert res.sleep.empty and "tz='Europe/Berlin' in Python, --tz Europe/Berlin" in res.report["reason"].iloc[0]
    assert read_sleep(path, tz="Europe/Paris").sleep["in_bed_start"].iloc[0] == _utc("2026-01-02 22:10")


# ----------------------------------------------------------------------------- Samsung


def test_samsung_fragments_of_one_night_joined(data, check) -> None:
    path = data / "samsung_export" / "com.samsung.shealth.sleep.20260723144996.csv"
    res = read_sleep(path)
    check(res, "sleep")
    assert (res.rows_read, res.rows_loaded, len(res.sleep)) == (3, 3, 2)
    night = res.sleep.iloc[0]
    assert night["in_bed_start"] == _utc("2026-07-20 21:10") and night["in_bed_end"] == _utc("2026-07-21 04:50")
    assert night["wake_date"] == pd.Timestamp("2026-07-21") and night["tz"] == "UTC+02:00"  # UTC times + offset
    assert night["asleep_h"] == pytest.approx(4.5 * 0.92 + 2.75 * 0.90)
    assert night["quality_01"] == 0.78 and not night["is_nap"]
    apart = read_sleep(path, gap_h=0.25)  # fragments 25 min apart stay apart
    assert len(apart.sleep) == 3 and apart.sleep["is_nap"].sum() == 1


def test_samsung_oldest_layout_local_times_offset_in_ms(tmp_path) -> None:
    path = tmp_path / "com.samsung.health.sleep.201603.csv"
    path.write_text(
        "com.samsung.health.sleep,1,1\n"
        "com.samsung.health.sleep.start_time,com.samsung.health.sleep.end_time,"
        "com.samsung.health.sleep.time_offset,com.samsung.health.sleep.datauuid,\n"
        "2016-03-01 23:00:00.000,2016-03-02 07:00:00.000,3600000,u1,\n"
    )
    night = read_sleep(path).sleep.iloc[0]
    assert night["in_bed_start"] == _utc("2016-03-01 22:00") and night["tz"] == "UTC+01:00"


def test_samsung_export_folder(data) -> None:
    res = read_sleep(data / "samsung_export", strict=False)
    assert res.format == "samsung" and len(res.sleep) == 2
    skipped = res.report["path"].str.rsplit("/", n=1).str[-1].tolist()
    assert any("sleep_stage" in name for name in skipped)  # stages are not sleeps


# -------------------------------------------------------------------------------- Oura


def test_oura_export_semicolons_json_cells_wake_day_scores(data, check) -> None:
    res = read_sleep(data / "oura_export" / "sleepmodel.csv")
    check(res, "sleep")
    main, nap = res.sleep.iloc[0], res.sleep.iloc[1]
    assert main["in_bed_start"] == _utc("2025-12-03 22:37") and main["in_bed_end"] == _utc("2025-12-04 06:24")
    assert main["sleep_start"] == _utc("2025-12-03 22:47")  # + latency 600 s
    assert main["wake_date"] == pd.Timestamp("2025-12-04") and main["tz"] == "UTC+01:00"
    assert (main["asleep_h"], main["deep_h"], main["efficiency"]) == pytest.approx((7.0, 1.5, 0.9))
    assert main["quality_01"] == 0.71  # dailysleep.csv score of that day
    assert nap["is_nap"] and pd.isna(nap["quality_01"]) and not main["is_nap"]


def test_oura_export_comma_variant(data, check) -> None:
    res = read_sleep(data / "oura_export_comma" / "sleepmodel.csv")
    check(res, "sleep")
    night = res.sleep.iloc[0]
    assert night["in_bed_start"] == _utc("2025-12-06 03:55") and night["tz"] == "UTC-05:00"
    assert night["asleep_h"] == pytest.approx(24900 / 3600)


def test_oura_zip_reads_sleepmodel_and_not_its_companion(data, tmp_path) -> None:
    archive = _zip(data / "oura_export", tmp_path / "oura.zip", inside="oura_export_2025-12-05/")
    res = read_sleep(archive)
    assert res.format == "oura_export" and res.sleep["quality_01"].iloc[0] == 0.71
    reported = res.report["path"].tolist()
    assert not any(p.endswith("dailysleep.csv") for p in reported)  # read with sleepmodel.csv
    assert any(p.endswith("heartrate.csv") for p in reported)


# ------------------------------------------------------------------------------- Polar


def test_polar_sleep_array_iso_durations_local_times(data, check) -> None:
    path = data / "polar_export" / "sleep_result_7a1b2c.json"
    with pytest.raises(InputError, match="tz="):
        read_sleep(path)
    res = read_sleep(path, tz="Europe/Helsinki")
    check(res, "sleep")
    night = res.sleep.iloc[0]
    assert night["in_bed_start"] == _utc("2026-03-01 21:12") and night["wake_date"] == pd.Timestamp("2026-03-02")
    assert night["asleep_h"] == pytest.approx(7 + 14 / 60) and night["awake_h"] == pytest.approx(34 / 60)
    assert night["efficiency"] == pytest.approx(0.928)
    assert res.report[["row", "kind"]].values.tolist() == [[2, "skipped"]]  # battery ran out: no window


def test_polar_sleep_with_offsets_needs_no_tz(tmp_path) -> None:
    path = tmp_path / "sleep_result_1.json"
    path.write_text(
        '[{"night": "2026-03-01", "evaluation": {"asleepDuration": "PT6H"}, "sleepResult": {"hypnogram": '
        '{"sleepStart": "2026-03-01T23:00:00+02:00", "sleepEnd": "2026-03-02T06:30:00+02:00", "rating": NaN}}}]'
    )
    night = read_sleep(path).sleep.iloc[0]
    assert night["in_bed_start"] == _utc("2026-03-01 21:00") and night["tz"] == "UTC+02:00"
    assert night["wake_date"] == pd.Timestamp("2026-03-02") and night["asleep_h"] == 6


# ---------------------------------------------------------------------------- SEMA3, mEMA


def test_sema3_many_participants_utc_columns(data, check) -> None:
    res = read_mood(data / "sema3_export.csv")  # no tz needed
    check(res, "mood")
    first = res.mood.iloc[0]
    assert first["participant_id"] == "p01" and first["time_utc"] == _utc("2019-06-23 23:08")
    assert first["time_local"] == pd.Timestamp("2019-06-24 09:08") and first["date"] == pd.Timestamp("2019-06-24")
    assert first["tz"] == "UTC+10:00" and first["context"] == "ema"
    assert set(res.mood["item"]) == {"happy", "sadness"}  # reaction times and the text item are not ratings
    assert res.compliance is not None
    assert res.compliance.set_index("participant_id")["compliance"].to_dict() == {"p01": 0.5, "p02": 1.0}
    kinds = res.report.set_index("row")["kind"]
    assert kinds.loc[3] == "skipped" and kinds.loc[4] == "partial"  # expired survey; Sad 130 off the slider
    assert "'Where'" in res.report["reason"].iloc[0]


def test_sema3_column_spelling_is_not_known(tmp_path) -> None:
    path = tmp_path / "sema3.csv"
    path.write_text(
        "PARTICIPANT_ID,STARTED_TS,STARTED_UTC_TS,COMPLETED_TS,COMPLETED_UTC_TS,HAPPY,HAPPY_RT\n"
        "p9,2019-06-24 09:08:00,2019-06-23 23:08:00,2019-06-24 09:09:00,2019-06-23 23:09:00,40,1200\n"
    )
    res = read_mood(path)
    assert res.format == "sema3" and res.mood["item"].tolist() == ["happy"]


def test_sema3_study_wide_mood_file_in_load_study(data, tmp_path) -> None:
    study = tmp_path / "study"
    for pid in ("p01", "p02"):
        (study / pid / "activities").mkdir(parents=True)
        shutil.copy(
            data / "samsung_export" / "com.samsung.shealth.exercise.20260723144996.csv", study / pid / "activities"
        )
    inputs = runwell.load_study(study, mood=data / "sema3_export.csv", mood_item="happy")
    assert set(inputs.mood["participant_id"]) == {"p01", "p02"} and len(inputs.activities) == 4


def test_mema_documented_positions(data, check) -> None:
    with pytest.raises(InputError, match="scales="):
        read_mood(data / "mema_flat.csv")
    res = read_mood(data / "mema_flat.csv", scales={"happy": (0, 100), "stressed": (0, 100)})
    check(res, "mood")
    late = res.mood[res.mood["participant_id"] == "M002"].iloc[0]
    assert late["time_utc"] == _utc("2026-02-10 23:30") and late["date"] == pd.Timestamp("2026-02-11")
    assert res.compliance is not None and res.compliance["answered"].tolist() == [1, 1]


def test_mema_without_local_ts_needs_tz(tmp_path) -> None:
    path = tmp_path / "mema.csv"
    path.write_text("mbl_cod,instance_utc,happy\nM1,2026-02-10 23:30:00,3\n")
    with pytest.raises(InputError, match="local TS"):
        read_mood(path, scale=(1, 5))
    res = read_mood(path, scale=(1, 5), tz="Europe/Berlin")
    assert res.mood["date"].iloc[0] == pd.Timestamp("2026-02-11") and res.mood["value_01"].iloc[0] == 0.5


# ------------------------------------------------------------------------------- Daylio


def test_daylio_pre2019_layout(data, check) -> None:
    res = read_mood(data / "daylio_pre2019.csv", tz="Europe/London", moods={"happy": 5, "average": 3, "horrible": 1})
    check(res, "mood")
    mood = res.mood.set_index("source_row")
    assert mood.loc[2, "time_local"] == pd.Timestamp("2018-05-18 23:54")
    assert mood.loc[3, "tags"] == "cook | stressed"  # stray space dropped
    assert mood.loc[5, "date"] == pd.Timestamp("2017-12-31")  # the year column, not the newest row's


def test_daylio_pre2019_month_in_another_language(tmp_path) -> None:
    path = tmp_path / "daylio.csv"
    path.write_text("year,date,weekday,time,mood,activities,note\n2018,18 mai,vendredi,11:54 pm,rad,,\n")
    res = read_mood(path, tz="Europe/Paris")
    assert res.mood.empty and "month names are read in English" in res.report["reason"].iloc[0]


# ------------------------------------------------------------------------ State of Mind


def test_mydatahelps_state_of_mind_duplicates_deleted_labels(data, check) -> None:
    res = read_mood(data / "mydatahelps" / "HealthKitV2StateOfMind_20260101-20260131.csv")
    check(res, "mood")
    first, second = res.mood.iloc[0], res.mood.iloc[1]
    assert (first["item"], first["value"], first["scale_min"], first["scale_max"]) == ("mood", 0.42, -1, 1)
    assert first["value_01"] == pytest.approx(0.71) and first["context"] == "momentary"
    assert first["tags"] == "Calm | Content | Fitness" and second["tags"] == "Stressed | Work"
    assert first["participant_id"] == "MDH-0001" and first["time_utc"] == _utc("2026-01-05 13:15")
    kinds = res.report.set_index("row")["kind"].to_dict()
    assert kinds == {4: "duplicate", 5: "skipped"}  # exported twice; deleted by the participant


def test_mydatahelps_folder_reads_side_files_once(data) -> None:
    res = read_mood(data / "mydatahelps", strict=True)  # the side files are not "unknown files"
    assert len(res.mood) == 2


def test_health_auto_export_state_of_mind(data, check) -> None:
    res = read_mood(data / "health_auto_export.json")
    check(res, "mood")
    first = res.mood.iloc[0]
    assert first["time_utc"] == _utc("2024-02-06 22:00") and first["tz"] == "UTC-08:00"
    assert first["tags"] == "happy | grateful | family" and res.mood["context"].tolist() == ["momentary", "daily"]
    assert res.report.set_index("row")["kind"].to_dict() == {3: "duplicate", 4: "error"}  # valence 1.4


def test_health_auto_export_without_state_of_mind(tmp_path) -> None:
    path = tmp_path / "HealthAutoExport-2024-02-06.json"
    path.write_text('{"data": {"metrics": [{"name": "step_count", "units": "count", "data": []}]}}')
    res = read_mood(path)
    assert res.mood.empty and res.report["reason"].tolist() == ["no State of Mind entries in this export"]
    with pytest.raises(UnsupportedFormatError):
        read_sleep(path)


# ------------------------------------------------------------------------- load_person


def test_load_person_from_whole_exports(data, tmp_path) -> None:
    whoop = _zip(data / "whoop_export", tmp_path / "whoop.zip")
    person = runwell.load_person(whoop, whoop, whoop, mood_item="have_any_alcoholic_drinks")
    assert len(person.activities) == 2 and len(person.sleep) == 3 and len(person.mood) == 3
    assert person.formats == {"mood": "whoop_journal", "sleep": "whoop"}


# ------------------------------------------------------------------------------ archives


def test_zip_member_names_never_leave_the_folder(data, tmp_path) -> None:
    archive = tmp_path / "export.zip"
    sleeps = (data / "whoop_export" / "sleeps.csv").read_bytes()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escaped.csv", sleeps)
        zf.writestr("ok/sleeps.csv", sleeps)
        zf.writestr("ok/photo.jpg", b"\xff\xd8")
    res = read_sleep(archive)
    assert len(res.sleep) == 3 and not (tmp_path / "escaped.csv").exists()
    assert res.report["path"].str.endswith("ok/photo.jpg").any()  # not a log: listed, not unpacked


def test_zip_inside_a_folder_is_read(data, tmp_path) -> None:
    person = tmp_path / "person"
    person.mkdir()
    _zip(data / "whoop_export", person / "whoop.zip")
    shutil.copy(data / "oura_export_comma" / "sleepmodel.csv", person / "sleepmodel.csv")
    res = read_sleep(person)
    assert res.format == "oura_export+whoop" and len(res.sleep) == 4 and res.reconciles
