"""Garmin Connect account export: ``DI_CONNECT/DI-Connect-Fitness/*_summarizedActivities.json``.

Certainty (per FORMATS.md section 1): layout, units and the time rule **[seen]/[doc]**
(independent importers, two checked against FIT files); multisport parent rows and
overlapping part files **[doc]** (one fixture each). Tested on constructed files only.

Where the user finds it: garmin.com account -> Data Management -> Export Your Data;
Garmin e-mails a link to one zip. Pass that zip (or its folder) to ``load_activities``:
the FIT uploads in ``DI-Connect-Uploaded-Files`` and these summaries are read together.

Why it is read
    The summaries are the only record of manual entries and of activities whose FIT was
    never uploaded. An activity that has a FIT file appears in both; the FIT copy is kept
    and the summary is reported as its ``duplicate`` (same start within seconds, see
    :mod:`runwell.activities.dedupe`).
Layout and units
    ``[{"summarizedActivitiesExport": [{...}, ...]}]``, numbers often as floats.
    ``distance`` and ``elevationGain`` in centimetres; ``duration`` (timer time, runwell's
    ``moving_s``) and ``elapsedDuration`` (wall-clock time, ``elapsed_s``) in
    milliseconds. ``startTimeGmt`` (else ``beginTimestamp``) is the UTC start in epoch
    ms; ``startTimeLocal`` is the local wall time written *as if it were UTC*, so
    ``startTimeLocal - startTimeGmt`` is the UTC offset (with ``startLatitude/Longitude``
    it names the IANA zone). Sport from ``activityType`` (``treadmill_running``,
    ``lap_swimming``, ...), else ``sportType``.
Quirks
    A multisport activity is a ``"parent": true`` row (the sum of its legs) plus one row
    per leg (``"parentId"``): the legs are loaded and the parent reported as ``skipped``
    (it is kept when none of its legs is in the export). The summaries may be split over
    several part files that overlap: an ``activityId`` seen before is a ``duplicate``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp
from runwell.activities._session import Session, positive_or_nan
from runwell.activities.sports import normalise_sport
from runwell.activities.summary import ExportPeek, SummaryRead, SummaryRow, number, zone_hint
from runwell.errors import InputError
from runwell.timezones import MAX_OFFSET_S

__all__ = ["read_garmin_summaries", "sniff_garmin_summaries", "GARMIN_SUB_SPORTS"]

#: Garmin ``activityType`` keys whose FIT sport and sub-sport say more than the key's words.
GARMIN_SUB_SPORTS: dict[str, tuple[str, str]] = {
    "treadmill_running": ("running", "treadmill"),
    "indoor_running": ("running", "indoor_running"),
    "trail_running": ("running", "trail"),
    "virtual_run": ("running", "virtual_activity"),
    "indoor_cycling": ("cycling", "indoor_cycling"),
    "virtual_ride": ("cycling", "virtual_activity"),
    "road_biking": ("cycling", "road"),
    "mountain_biking": ("cycling", "mountain"),
    "lap_swimming": ("swimming", "lap_swimming"),
    "open_water_swimming": ("swimming", "open_water"),
}


def sniff_garmin_summaries(peek: ExportPeek) -> bool:
    """True for ``*_summarizedActivities.json`` (by name, or by its wrapper key)."""
    if peek.filename.endswith("summarizedactivities.json"):
        return True
    return peek.filename.endswith(".json") and '"summarizedActivitiesExport"' in peek.head[:2000]


def _activities(data: Any) -> list[Any]:
    """The activity objects inside the export's wrapper(s)."""
    items = data if isinstance(data, list) else [data]
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict) and "summarizedActivitiesExport" in item:
            inner = item["summarizedActivitiesExport"]
            out += inner if isinstance(inner, list) else [inner]
        else:
            out.append(item)
    return out


def _ident(value: Any) -> str | None:
    """An id as text (``1787803056.0`` -> ``"1787803056"``), or ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _sport(rec: dict[str, Any]) -> tuple[str, str, bool, str]:
    """Normalised sport, sub-sport, indoor-by-sport and the sport as written."""
    kind = rec.get("activityType")
    if isinstance(kind, dict):
        kind = kind.get("typeKey")
    key = str(kind or "").strip()
    sport_type = str(rec.get("sportType") or "").strip()
    if key in GARMIN_SUB_SPORTS:
        sport, sub, indoor = normalise_sport(*GARMIN_SUB_SPORTS[key])
    else:
        sport, sub, indoor = normalise_sport(key)
        if sport == "other" and sport_type:
            sport, sub, indoor = normalise_sport(sport_type.lower())
    written = key or sport_type
    return sport, sub, indoor, f"{written} ({sport_type})" if key and sport_type else written


def _start(rec: dict[str, Any]) -> tuple[pd.Timestamp, float | None]:
    """UTC start and UTC offset (s) of an activity; ``ValueError`` without a start."""
    gmt = number(rec.get("startTimeGmt"))
    if math.isnan(gmt):
        gmt = number(rec.get("beginTimestamp"))
    if math.isnan(gmt):
        raise ValueError("no startTimeGmt or beginTimestamp")
    local = number(rec.get("startTimeLocal"))
    offset = None if math.isnan(local) else (local - gmt) / 1000
    if offset is not None and abs(offset) > MAX_OFFSET_S:
        offset = None
    return parse_stamp(gmt, unit="ms").tz_localize("UTC"), offset


def _session(rec: dict[str, Any], ident: str) -> Session:
    """One activity's session from its summary."""
    start, offset = _start(rec)
    sport, sub, indoor_sport, written = _sport(rec)
    lat, lon = number(rec.get("startLatitude")), number(rec.get("startLongitude"))
    fix = None if math.isnan(lat) or math.isnan(lon) else (lat, lon)
    timer = number(rec.get("duration"), 0.001)
    elapsed = number(rec.get("elapsedDuration"), 0.001)
    manufacturer = rec.get("manufacturer")
    return Session(
        sport=sport,
        sub_sport=sub,
        sport_original=written,
        indoor=True if indoor_sport else (False if fix else None),  # type: ignore[arg-type]
        start_utc=start,
        elapsed_s=elapsed if not math.isnan(elapsed) else timer,
        moving_s=timer,
        distance_m=positive_or_nan(number(rec.get("distance"), 0.01)),
        avg_hr=positive_or_nan(rec.get("avgHr")),
        max_hr=positive_or_nan(rec.get("maxHr")),
        elevation_gain_m=number(rec.get("elevationGain"), 0.01),
        device=str(manufacturer).lower() if manufacturer else None,
        has_gps=fix is not None,
        tz_hint=None if offset is None else zone_hint(start, offset, None if sub == "virtual_activity" else fix),
        native_id=ident,
    )


def read_garmin_summaries(data: bytes, *, path: str) -> SummaryRead:
    """Read one ``*_summarizedActivities.json`` ([seen]/[doc]; see the module docstring).

    Parameters
    ----------
    data
        The file's bytes.
    path
        Shown in messages.

    Returns
    -------
    SummaryRead
        One row per activity (multisport parents flagged; they are resolved across files
        by the load), rows without a start as problems.

    Raises
    ------
    InputError
        When the file is not JSON.
    """
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(path, f"not valid JSON ({err})", fix="download the Garmin export again") from err
    out = SummaryRead()
    for pos, rec in enumerate(_activities(parsed), start=1):
        if not isinstance(rec, dict):
            out.problems.append((pos, "activity is not a JSON object"))
            continue
        ident = _ident(rec.get("activityId")) or f"garmin-{pos}"
        try:
            session = _session(rec, ident)
        except ValueError as err:
            out.problems.append((pos, f"activity {ident}: {err}; cannot place it in time"))
            continue
        out.rows.append(
            SummaryRow(
                row=pos,
                session=session,
                parent_id=_ident(rec.get("parentId")),
                is_parent=rec.get("parent") is True,
            )
        )
    return out
