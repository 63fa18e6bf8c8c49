"""Strava bulk exports: ``activities.csv`` and the files it links.

``activities.csv`` has one row per activity. ``Filename`` links a row to its file
(``activities/<n>.fit.gz``, ``.gpx``, ``.gpx.gz``, ``.tcx.gz``; ``<n>`` is not the
Activity ID) and is empty for manual entries, which still count as activities, built
from the CSV summary. ``Activity Date`` is UTC. Five names appear twice: the first
``Distance`` is in the account's display unit (km or mi), the second in metres; the
first ``Elapsed Time`` is whole seconds. Headers follow the account language; English
and German are read, any other language fails naming the file and the headers found.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass

import pandas as pd

from runwell.activities._session import Session, positive_or_nan
from runwell.activities.sports import normalise_sport
from runwell.errors import InputError

__all__ = ["StravaRow", "read_strava_csv", "is_strava_csv", "session_from_row"]

# canonical key -> header per language; (name, occurrence) where a name appears twice.
_HEADERS: dict[str, dict[str, tuple[str, int]]] = {
    "en": {
        "id": ("Activity ID", 0),
        "date": ("Activity Date", 0),
        "name": ("Activity Name", 0),
        "type": ("Activity Type", 0),
        "elapsed": ("Elapsed Time", 0),
        "distance_display": ("Distance", 0),
        "distance_m": ("Distance", 1),
        "moving": ("Moving Time", 0),
        "max_hr": ("Max Heart Rate", 0),
        "avg_hr": ("Average Heart Rate", 0),
        "gain": ("Elevation Gain", 0),
        "filename": ("Filename", 0),
    },
    "de": {
        "id": ("Aktivitäts-ID", 0),
        "date": ("Aktivitätsdatum", 0),
        "name": ("Name der Aktivität", 0),
        "type": ("Aktivitätsart", 0),
        "elapsed": ("Verstrichene Zeit", 0),
        "distance_display": ("Distanz", 0),
        "distance_m": ("Distanz", 1),
        "moving": ("Bewegungszeit", 0),
        "max_hr": ("Max. Herzfrequenz", 0),
        "avg_hr": ("Durchschnittliche Herzfrequenz", 0),
        "gain": ("Höhenzunahme", 0),
        "filename": ("Dateiname", 0),
    },
}

_GERMAN_MONTHS = {
    "januar": 1,
    "jan": 1,
    "februar": 2,
    "feb": 2,
    "märz": 3,
    "mär": 3,
    "maerz": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
}


@dataclass
class StravaRow:
    """One row of activities.csv, with the fields runwell uses."""

    row: int  # 1-based data row (the header is row 0)
    activity_id: str
    start_utc: pd.Timestamp
    sport_original: str
    elapsed_s: float
    moving_s: float
    distance_m: float
    max_hr: float
    avg_hr: float
    elevation_gain_m: float
    filename: str | None


def is_strava_csv(header: list[str]) -> bool:
    """Whether a CSV header is Strava's activities.csv in a language runwell reads."""
    return any(spec["id"][0] in header and spec["filename"][0] in header for spec in _HEADERS.values())


def _language(header: list[str], path: str) -> str:
    for lang, spec in _HEADERS.items():
        if spec["id"][0] in header and spec["date"][0] in header:
            return lang
    raise InputError(
        path,
        "activities.csv headers are in a language runwell does not read (English and German are supported); "
        f"headers found: {', '.join(header[:12])}{' ...' if len(header) > 12 else ''}",
        fix="switch the Strava account language to English or German and request the export again",
    )


def _positions(header: list[str]) -> dict[tuple[str, int], int]:
    seen: dict[str, int] = {}
    out = {}
    for index, name in enumerate(header):
        k = seen.get(name, 0)
        out[(name, k)] = index
        seen[name] = k + 1
    return out


def parse_strava_date(text: str, *, path: str, row: int) -> pd.Timestamp:
    """Parse ``Activity Date`` (UTC) as English or German Strava writes it.

    Examples
    --------
    >>> parse_strava_date("May 29, 2022, 3:53:35 PM", path="a.csv", row=1)
    Timestamp('2022-05-29 15:53:35+0000', tz='UTC')
    >>> parse_strava_date("29.05.2022, 15:53:35", path="a.csv", row=1)
    Timestamp('2022-05-29 15:53:35+0000', tz='UTC')
    >>> parse_strava_date("29. Mai 2022, 15:53:35", path="a.csv", row=1)
    Timestamp('2022-05-29 15:53:35+0000', tz='UTC')
    """
    value = text.strip()
    for fmt in ("%b %d, %Y, %I:%M:%S %p", "%d.%m.%Y, %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return pd.Timestamp(dt.datetime.strptime(value, fmt), tz="UTC")
        except ValueError:
            pass
    match = re.match(r"^(\d{1,2})\.\s*([A-Za-zäÄ]+)\.?\s+(\d{4}),?\s+(\d{1,2}):(\d\d):(\d\d)$", value)
    if match and match.group(2).lower() in _GERMAN_MONTHS:
        day, _, year, hh, mm, ss = match.groups()
        month = _GERMAN_MONTHS[match.group(2).lower()]
        return pd.Timestamp(int(year), month, int(day), int(hh), int(mm), int(ss), tz="UTC")
    raise InputError(
        path,
        "cannot read the activity date",
        row=row,
        field="Activity Date",
        value=text,
        fix='expected e.g. "May 29, 2022, 3:53:35 PM" or "29.05.2022, 15:53:35"',
    )


def _number(value: str) -> float:
    """A number as Strava writes it ("3.32"; German exports may write "3,32")."""
    value = (value or "").strip()
    if not value:
        return math.nan
    for candidate in (value, value.replace(".", "").replace(",", ".")):
        try:
            return float(candidate)
        except ValueError:
            continue
    return math.nan


def read_strava_csv(data: bytes, path: str) -> tuple[list[StravaRow], list[tuple[int, str]]]:
    """Read activities.csv.

    Parameters
    ----------
    data
        The CSV bytes.
    path
        Shown in messages.

    Returns
    -------
    rows, problems
        The readable rows, and ``(row, reason)`` for each row that could not be read.

    Raises
    ------
    InputError
        Headers in an unsupported language, no header at all, or a line the csv module
        cannot split (a field over its 131,072-character limit).
    """
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as err:
        raise InputError(
            path,
            f"activities.csv cannot be read from here on ({err})",
            row=reader.line_num,
            fix="request the export again",
        ) from err
    if not records:
        raise InputError(path, "activities.csv is empty", fix="request the Strava export again")
    header = [h.strip() for h in records[0]]
    spec = _HEADERS[_language(header, path)]
    pos = _positions(header)

    def get(record: list[str], key: str) -> str:
        index = pos.get(spec[key])
        if index is None and spec[key][1] == 1:  # older exports lack the metric duplicate
            return ""
        return record[index] if index is not None and index < len(record) else ""

    rows, problems = [], []
    for number, record in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in record):
            continue
        try:
            start = parse_strava_date(get(record, "date"), path=path, row=number)
        except InputError as err:
            problems.append((number, err.reason + f" (value {get(record, 'date')!r})"))
            continue
        distance_m = _number(get(record, "distance_m"))
        rows.append(
            StravaRow(
                row=number,
                activity_id=get(record, "id").strip(),
                start_utc=start,
                sport_original=get(record, "type").strip(),
                elapsed_s=_number(get(record, "elapsed")),
                moving_s=_number(get(record, "moving")),
                distance_m=distance_m,
                max_hr=positive_or_nan(_number(get(record, "max_hr"))),
                avg_hr=positive_or_nan(_number(get(record, "avg_hr"))),
                elevation_gain_m=_number(get(record, "gain")),
                filename=get(record, "filename").strip() or None,
            )
        )
    return rows, problems


def session_from_row(row: StravaRow) -> Session:
    """An activity from the CSV summary alone (manual entries, or a missing file).

    Whether it was indoors is unknown unless the type says so (``Virtual Run``).
    """
    sport, sub, indoor_sub = normalise_sport(row.sport_original)
    return Session(
        sport=sport,
        sub_sport=sub,
        sport_original=row.sport_original,
        indoor=True if indoor_sub else None,  # type: ignore[arg-type]
        start_utc=row.start_utc,
        elapsed_s=row.elapsed_s,
        moving_s=row.moving_s,
        distance_m=positive_or_nan(row.distance_m),
        avg_hr=row.avg_hr,
        max_hr=row.max_hr,
        elevation_gain_m=row.elevation_gain_m,
        device=None,
        has_gps=False,
        native_id=row.activity_id,
    )
