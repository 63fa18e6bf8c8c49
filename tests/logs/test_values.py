"""Values in log cells (runwell.logs.values): items, scales, numbers and durations."""

from __future__ import annotations

import math

import pytest

from runwell.errors import InputError
from runwell.logs.rows import RowLog
from runwell.logs.values import (
    check_value,
    merge_scales,
    normalise_item,
    optional_float,
    parse_scale,
    rescale,
    to_hours,
)


@pytest.mark.parametrize(
    ("raw", "item"),
    [
        ("Mood", "mood"),
        (" Sleep quality ", "sleep_quality"),
        ("sleep-quality", "sleep_quality"),
        ("SleepQuality", "sleep_quality"),
        ("Stressed", "stress"),
        ("anxious", "anxiety"),
        ("Energy level", "energy"),
        ("Focus", "focus"),
    ],
)
def test_normalise_item(raw: str, item: str) -> None:
    assert normalise_item(raw) == item


def test_rescale() -> None:
    assert rescale(1, 1, 5) == 0.0
    assert rescale(5, 1, 5) == 1.0
    assert rescale(0, -1, 1) == 0.5


def test_parse_scale_and_merge_scales() -> None:
    assert parse_scale([0, "10"], "x") == (0.0, 10.0)
    with pytest.raises(ValueError, match="max > min"):
        parse_scale((5, 1), "mood")
    with pytest.raises(ValueError, match=r"\(min, max\)"):
        parse_scale(7, "mood")
    assert merge_scales({"mood": (1, 5)}, {"Mood": (1, 7)}) == {"mood": (1.0, 7.0)}
    assert merge_scales({"mood": (1, 5)}, None) == {"mood": (1, 5)}


def test_check_value_reports_and_raises_under_strict() -> None:
    log = RowLog("f.csv")
    assert check_value(log, 2, " 3,5 ", (1, 5), "mood") == 3.5
    assert check_value(log, 3, "", (1, 5), "mood") is None
    assert check_value(log, 3, math.nan, (1, 5), "mood") is None
    assert check_value(log, 4, "six", (1, 5), "mood") is None
    assert check_value(log, 5, "6", (1, 5), "mood", option="quality_scale=") is None
    reasons = log.frame()["reason"].tolist()
    assert "not a number" in reasons[0] and "quality_scale=" in reasons[1]
    assert log.rows_reported == 2
    with pytest.raises(InputError, match="outside the declared scale 1..5"):
        check_value(RowLog("f.csv", strict=True), 5, "6", (1, 5), "mood")


@pytest.mark.parametrize(
    ("value", "number"),
    [("7.5", 7.5), (" 8 ", 8.0), (480, 480.0), ("", None), ("n/a", None), (None, None), ({"value": 3}, None)],
)
def test_optional_float(value: object, number: float | None) -> None:
    assert optional_float(value) == number


def test_to_hours_from_seconds_and_minutes() -> None:
    assert to_hours(27000, "s") == 7.5
    assert to_hours(450, "min") == 7.5
    assert to_hours(None, "min") is None
