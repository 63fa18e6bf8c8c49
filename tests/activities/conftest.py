"""Fixtures for the activity readers: real files from ../shared and FIT files made here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "real-data"
DATA = ROOT / "tests" / "data" / "activities"

# FIT epoch (1989-12-31 UTC) in unix seconds.
FIT_EPOCH_S = 631065600


@pytest.fixture
def real() -> Path:
    """The real device exports (../shared/real-data); skip when absent."""
    if not (REAL / "activities").is_dir():
        pytest.skip(f"real-data folder not found at {REAL} (it sits beside the repository in CI)")
    return REAL


def make_fit(
    *,
    start: dt.datetime,
    seconds: int = 600,
    sport: str = "RUNNING",
    sub_sport: str = "GENERIC",
    utc_offset_s: int | None = 3600,
    position: tuple[float, float] | None = (52.52, 13.40),
    file_type: str = "ACTIVITY",
    sessions: Sequence[tuple[str, str, int]] | None = None,
    distance_per_s: float = 3.0,
) -> bytes:
    """Build a small FIT activity with fit-tool (a FIT writer used only by the tests).

    Parameters
    ----------
    start
        Start instant (aware UTC).
    seconds
        Duration, one record every 10 s.
    sport, sub_sport
        fit-tool enum names.
    utc_offset_s
        Written as activity.local_timestamp - timestamp; None writes no local time.
    position
        Start position; None writes no GPS.
    file_type
        ``"ACTIVITY"`` or e.g. ``"MONITORING_A"``/``"SETTINGS"`` for non-activity files.
    sessions
        For multisport: ``(sport, sub_sport, seconds)`` per session, back to back.
    """
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

    t0 = int(start.timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True)
    fid = FileIdMessage()
    fid.type = getattr(FileType, file_type)
    fid.manufacturer = Manufacturer.GARMIN.value
    fid.product = 1
    fid.time_created = t0
    builder.add(fid)
    if file_type != "ACTIVITY":
        return builder.build().to_bytes()
    plan = list(sessions) if sessions else [(sport, sub_sport, seconds)]
    offset = 0
    for sp, sub, dur in plan:
        for i in range(0, dur + 1, 10):
            rec = RecordMessage()
            rec.timestamp = t0 + (offset + i) * 1000
            if position is not None:
                rec.position_lat = position[0] + i * 1e-5
                rec.position_long = position[1]
            rec.heart_rate = 140
            rec.distance = i * distance_per_s
            rec.altitude = 40.0 + (i % 100)
            builder.add(rec)
        ses = SessionMessage()
        ses.start_time = t0 + offset * 1000
        ses.timestamp = t0 + (offset + dur) * 1000
        ses.total_elapsed_time = float(dur)
        ses.total_timer_time = float(dur) - 5
        ses.total_distance = dur * distance_per_s
        ses.sport = getattr(Sport, sp)
        ses.sub_sport = getattr(SubSport, sub)
        ses.avg_heart_rate = 140
        builder.add(ses)
        offset += dur
    act = ActivityMessage()
    act.timestamp = t0 + offset * 1000
    if utc_offset_s is not None:
        act.local_timestamp = (t0 // 1000) + offset + utc_offset_s - FIT_EPOCH_S
    act.num_sessions = len(plan)
    builder.add(act)
    return builder.build().to_bytes()


@pytest.fixture
def fit_bytes():
    """The :func:`make_fit` builder."""
    return make_fit


@pytest.fixture
def data() -> Path:
    """tests/data/activities: small edge-case files, one quirk each."""
    return DATA
