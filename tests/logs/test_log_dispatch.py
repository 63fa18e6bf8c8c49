"""read_mood / read_sleep: format detection, unknown layouts, empty files, options."""

from __future__ import annotations

import pytest

import runwell
import runwell.logs
from runwell import InputError, UnsupportedFormatError, read_mood, read_sleep
from runwell.logs import MOOD_FORMATS, SLEEP_FORMATS, detect_format
from runwell.registry import REGISTRY

MOOD_FILES = {
    "daylio_bom_mixed_clock.csv": "daylio",
    "daylio_old_7col.csv": "daylio",
    "daylio_with_scales.csv": "daylio",
    "bearable.csv": "bearable",
    "mpath_basic.csv": "mpath",
    "apple_state_of_mind.xml": "apple_health",
    "generic_long.csv": "generic",
    "generic_daily.csv": "generic",
}
SLEEP_FILES = {
    "apple_sleep.xml": "apple_health",
    "fitbit_sleep-2020-03-22.json": "fitbit",
    "garmin_2021_sleepData.json": "garmin",
    "oura_trends.csv": "oura",
    "sleep_as_android_dst.csv": "sleep_as_android",
    "plees_small.csv": "plees",
    "generic_sleep.csv": "generic",
}


@pytest.mark.parametrize(("name", "fmt"), MOOD_FILES.items())
def test_detects_mood_formats(data, name: str, fmt: str) -> None:
    assert detect_format(data / name, "mood") == fmt


@pytest.mark.parametrize(("name", "fmt"), SLEEP_FILES.items())
def test_detects_sleep_formats(data, name: str, fmt: str) -> None:
    assert detect_format(data / name, "sleep") == fmt


def test_public_api() -> None:
    assert runwell.read_mood is read_mood and runwell.read_sleep is read_sleep
    assert {"read_mood", "read_sleep", "MoodResult", "SleepResult"} <= set(runwell.__all__)
    assert list(MOOD_FORMATS) == [
        "daylio",
        "bearable",
        "mpath",
        "sema3",
        "mema",
        "mydatahelps",
        "whoop_journal",
        "health_auto_export",
        "apple_health",
        "generic",
    ]
    assert list(SLEEP_FORMATS) == [
        "sleep_as_android",
        "plees",
        "whoop",
        "samsung",
        "oura_export",  # before the trends reader: sleepmodel.csv also has bedtime_start/end
        "oura",
        "polar",
        "fitbit",
        "garmin",
        "apple_health",
        "generic",
    ]


def test_unknown_layout_lists_formats_and_columns(tmp_path) -> None:
    path = tmp_path / "weird.csv"
    path.write_text("alpha,beta,gamma\n1,2,3\n")
    with pytest.raises(UnsupportedFormatError) as err:
        read_mood(path)
    msg = str(err.value)
    assert "weird.csv" in msg and "['alpha', 'beta', 'gamma']" in msg
    for name in MOOD_FORMATS:
        assert name in msg
    with pytest.raises(UnsupportedFormatError, match="sleep_as_android"):
        read_sleep(path)


def test_mood_file_is_not_a_sleep_log(data) -> None:
    with pytest.raises(UnsupportedFormatError, match="full_date"):
        read_sleep(data / "daylio_old_7col.csv")


def test_unknown_format_name(data) -> None:
    with pytest.raises(UnsupportedFormatError, match="Known mood formats") as err:
        read_mood(data / "bearable.csv", format="moodpanda")
    assert REGISTRY.known("mood") in str(err.value) and "format='auto'" in str(err.value)


def test_unknown_kind_names_the_kinds(data) -> None:
    with pytest.raises(UnsupportedFormatError, match="unknown kind of data 'moood'.*activities, mood, sleep"):
        detect_format(data / "bearable.csv", "moood")
    with pytest.raises(UnsupportedFormatError, match="read_activity"):
        detect_format(data / "bearable.csv", "activities")


def test_formats_are_registered_and_viewed() -> None:
    assert list(MOOD_FORMATS) == list(REGISTRY.formats("mood"))
    assert list(SLEEP_FORMATS)[-1] == "generic"  # tried last
    fmt = MOOD_FORMATS["daylio"]
    assert (fmt.kind, fmt.reader) == ("mood", runwell.logs.read_daylio)
    assert SLEEP_FORMATS["apple_health"].reader is runwell.logs.read_apple_health_sleep
    assert "moodpanda" not in MOOD_FORMATS and len(SLEEP_FORMATS) == 11


READERS = [
    "read_daylio",
    "read_bearable",
    "read_mpath",
    "read_apple_health_mood",
    "read_generic_mood",
    "read_apple_health_sleep",
    "read_generic_sleep",
    "read_sleep_as_android",
    "read_plees",
    "read_oura",
    "read_fitbit",
    "read_garmin",
]


def test_per_app_readers_are_public() -> None:
    assert set(READERS) <= set(runwell.logs.__all__)
    for name in READERS:
        assert f":func:`{name}`" in runwell.logs.__doc__
        assert callable(getattr(runwell.logs, name))


def test_per_app_reader_called_directly(data, check) -> None:
    res = runwell.logs.read_plees(data / "plees_small.csv", tz="Europe/Berlin")
    check(res, "sleep")
    assert res.format == "plees" and res.summary().startswith(f"{len(res.sleep)} sleep periods")
    with pytest.raises(InputError, match="unknown time zone"):
        runwell.logs.read_oura(data / "oura_trends.csv", tz="Mars/Olympus")


def test_explicit_format_and_option_check(data) -> None:
    res = read_mood(data / "bearable.csv", format="bearable", tz="UTC")
    assert res.format == "bearable"
    with pytest.raises(TypeError, match=r"does not take option\(s\) \['moods'\]"):
        read_mood(data / "bearable.csv", tz="UTC", moods={"x": 1})


def test_generic_options_make_an_unrecognised_table_generic(tmp_path) -> None:
    path = tmp_path / "diary.csv"
    path.write_text("when,happiness_score\n2024-01-01T08:00Z,3\n")
    res = read_mood(path, time="when", items={"happiness_score": ("mood", 1, 5)})
    assert res.format == "generic" and res.mood["value_01"].tolist() == [0.5]


@pytest.mark.parametrize("reader", [read_mood, read_sleep])
def test_empty_file_lenient_and_strict(tmp_path, reader, check) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    res = reader(path)
    check(res, "mood" if reader is read_mood else "sleep")
    assert res.format == "empty" and res.rows_read == 0
    assert "empty file" in res.report["reason"].iloc[0]
    with pytest.raises(InputError, match="empty file"):
        reader(path, strict=True)


def test_header_only_files(tmp_path, check) -> None:
    path = tmp_path / "daylio.csv"
    path.write_text("\ufefffull_date,date,weekday,time,mood,activities,note_title,note\n")
    res = read_mood(path, tz="UTC")
    check(res, "mood")
    assert res.mood.empty and "no entries" in res.report["reason"].iloc[0]
    path = tmp_path / "plees.csv"
    path.write_text("sid,start,stop,rating\n")
    res = read_sleep(path, tz="UTC")
    check(res, "sleep")
    assert res.sleep.empty
    with pytest.raises(InputError, match="no sleeps"):  # a skipped whole file stops a strict load
        read_sleep(path, tz="UTC", strict=True)


def test_missing_file_and_bad_tz(data, tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        read_mood(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="unknown time zone"):
        read_mood(data / "bearable.csv", tz="Europe/Atlantis")


def test_folder_of_sleep_logs(data, tmp_path, check) -> None:
    import shutil

    folder = tmp_path / "Takeout" / "Fitbit" / "Global Export Data"
    folder.mkdir(parents=True)
    shutil.copy(data / "fitbit_sleep-2020-03-22.json", folder / "sleep-2020-03-22.json")
    (folder / "sleep-2020-04-21.json").write_text(
        '[{"logId": 7, "dateOfSleep": "2020-04-22", "startTime": "2020-04-21T23:00:00.000",'
        ' "endTime": "2020-04-22T07:00:00.000", "minutesAsleep": 450, "timeInBed": 480}]'
    )
    (folder / "heart_rate-2020-03-22.json").write_text('[{"dateTime": "x", "value": {}}]')
    res = read_sleep(tmp_path / "Takeout", tz="Europe/London")
    check(res, "sleep")
    assert res.format == "fitbit" and len(res.sleep) == 3
    assert (res.rows_read, res.rows_loaded, res.rows_reported) == (5, 3, 2)
    skipped = res.report[res.report["kind"] == "skipped"]
    assert skipped["path"].str.endswith("heart_rate-2020-03-22.json").tolist() == [True]
    with pytest.raises(UnsupportedFormatError, match="holds no mood log"):
        read_mood(tmp_path / "Takeout")
    with pytest.raises(InputError, match="heart_rate-2020-03-22.json: skipped: not a sleep log"):
        read_sleep(tmp_path / "Takeout", tz="Europe/London", strict=True)


def test_folder_of_mood_logs_mixed_formats(data, tmp_path, check) -> None:
    import shutil

    for name in ("mpath_basic.csv", "apple_state_of_mind.xml"):
        shutil.copy(data / name, tmp_path / name)
    res = read_mood(tmp_path)
    check(res, "mood")
    assert res.format == "apple_health+mpath"
    assert len(res.mood) == 5 and res.compliance is not None
    res = read_mood(tmp_path, format="mpath")
    assert res.format == "mpath" and "not mpath" in res.report["reason"].iloc[-1]
