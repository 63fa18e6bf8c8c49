"""FIT, GPX and TCX are registered once; names, ids and messages come from the registry."""

from __future__ import annotations

import pytest

from runwell.activities.formats import (
    EXPORT_FORMATS,
    FORMATS,
    activity_format,
    known_formats,
    require_activity_format,
)
from runwell.activities.rows import base_id
from runwell.errors import UnsupportedFormatError
from runwell.registry import REGISTRY


def test_activity_formats_are_in_the_registry():
    summaries = ["garmin_summaries", "polar", "samsung", "whoop", "fitbit_exercises"]
    assert list(REGISTRY.formats("activities")) == ["fit", "gpx", "tcx", *summaries]
    assert {f.name for f in FORMATS} == {"fit", "gpx", "tcx"}
    assert [f.name for f in EXPORT_FORMATS] == summaries
    assert all(not f.suffixes and f.detect is not None for f in EXPORT_FORMATS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a/1.fit", ("fit", False)),
        ("1.FIT.GZ", ("fit", True)),
        ("x.gpx.gz", ("gpx", True)),
        ("x.Tcx", ("tcx", False)),
        ("x.fit.zip", None),
        ("activities.csv", None),
    ],
)
def test_activity_format(name, expected):
    assert activity_format(name) == expected


def test_base_id_strips_the_registered_suffix():
    assert base_id("DI_CONNECT/123_ACTIVITY.fit") == "123_ACTIVITY"
    assert base_id("a/b/Morning Run.tcx.gz") == "Morning Run"
    assert base_id("notes.txt") == "notes.txt"


def test_unknown_suffix_message_lists_every_registered_format():
    with pytest.raises(UnsupportedFormatError) as err:
        require_activity_format("route.kml", "export.zip!route.kml")
    message = str(err.value)
    assert message.startswith("export.zip!route.kml: runwell does not read this kind of file.")
    for fmt in FORMATS:
        assert fmt.label() in message
    assert "Strava" in message and known_formats() in message
