"""TCX quirks: whitespace before <?xml, several laps, several activities, truncation."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

import runwell
from runwell.errors import InputError


def test_laps_activities_and_dst_end_day(data):
    acts = runwell.read_activity(data / "strava_whitespace_two_laps_two_activities.tcx")
    run, ride = acts.iloc[0], acts.iloc[1]
    assert run["sport"] == "running" and ride["sport"] == "cycling"
    assert run["activity_id"] == "strava_whitespace_two_laps_two_activities#1"
    assert run["elapsed_s"] == 25 * 60  # first to last trackpoint
    assert run["moving_s"] == 1200  # the laps' timer time
    assert run["distance_m"] == 3500
    assert run["max_hr"] == 160 and run["device"] == "Forerunner 255"
    # 2023-10-29 00:30 UTC is 02:30 CEST, before Berlin falls back at 01:00 UTC
    assert run["tz"] == "Europe/Berlin" and run["start_local"] == pd.Timestamp("2023-10-29 02:30")
    # the ride has no GPS: indoor, placed in the zone of the participant's other activity
    assert ride["indoor"] and ride["tz_source"] == "fallback" and ride["tz"] == "Europe/Berlin"
    assert ride["start_local"] == pd.Timestamp("2023-10-29 10:00")  # CET after the change
    streams = runwell.read_streams(data / "strava_whitespace_two_laps_two_activities.tcx")
    assert streams["cadence"].iloc[0] == 82 and streams["speed_mps"].iloc[0] == 3.0


def test_truncated_tcx_keeps_complete_activities(data):
    result = runwell.load_activities(data / "truncated_after_first_activity.tcx")
    assert len(result.activities) == 1 and result.activities["partial"].all()
    assert result.report["kind"].tolist() == ["partial"]
    assert "kept the 1 complete activity" in result.report["reason"].iloc[0]


def test_real_tcx(real):
    tcx = real / "activities" / "tcx"
    multi = runwell.read_activity(tcx / "run_multi_session_165850259.tcx")
    assert multi["sport"].tolist() == ["running", "cycling", "running", "cycling"]
    garmin = runwell.read_activity(tcx / "run_garmin.tcx").iloc[0]
    assert garmin["sport"] == "running" and garmin["has_gps"]
    broken = tcx / "run_runpandas_malformed.tcx"
    with pytest.raises(ET.ParseError) as where:
        ET.fromstring(broken.read_bytes())
    # the line ElementTree names (an incremental parse closed after the break named another)
    with pytest.raises(InputError, match=rf"malformed.tcx: not well-formed TCX XML \({where.value}\)"):
        runwell.read_activity(broken)
    assert runwell.read_activity(tcx / "ride_mapmyride.tcx")["sport"].iloc[0] == "cycling"
    assert runwell.read_activity(tcx / "sup_paddle.tcx")["sport"].iloc[0] == "other"


_HEAD = '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ('<Activity Sport="Running"><Id>1</Id></Activity>\n<Activity Sport="Biking"><Id>2</Id><broken', 1),
        ('<Activity Sport="Running"><Id>1</Id><x:Bad/></Activity>\n</Activities>', 0),  # a break before any end
        ('<Activity Sport="Running"/>\n<x:Bad/>\n<Activity Sport="Biking"></Activity>', 1),  # an empty activity
        ('<t:Activity xmlns:t="urn:t" Sport="Running"/>\n&bad;\n<Activity Sport="Biking"/>', 1),
        ('<Activity Sport="Running"><Id>1</Id></Activity\r\n>\r<x:Bad/>\n<Activity Sport="Biking"/>', 1),
        ('<Activity Sport="Running"><Id>1</Id></Activity>\r<x:Bad/>\r<Activity Sport="Biking"/>\r<', 1),  # lone CRs
        ("<Activity><Id>1</Id><Id>2</Id></Activity>\n<Activity><", 1),
    ],
)
def test_a_broken_file_keeps_the_activities_ended_before_the_break(body, kept):
    """What a broken file keeps is what an incremental parse finds ended before the
    break (looked for only when something before the break's line could end one), with
    ElementTree's message for the break."""
    from runwell.activities import tcx

    text = _HEAD + body
    with pytest.raises(ET.ParseError) as expected:
        ET.fromstring(text)
    activities, error = tcx._complete_activities(text)
    assert error == str(expected.value)
    assert [a.get("Sport") for a in activities] == [a.get("Sport") for a in tcx._activities_before_break(text)]
    assert len(activities) == kept


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
def test_line_ends_counted_in_chunks(chunk, monkeypatch):
    from runwell.activities import tcx

    monkeypatch.setattr(tcx, "_CHUNK", chunk)
    text = "ab\n\ncd\r\nef\rg\n\n\nh"
    starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]
    for line in range(1, 10):
        expected = starts[line] if line < len(starts) else len(text)
        assert tcx._line_end(text, line) == expected, line
