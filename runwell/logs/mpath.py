"""m-Path EMA exports (``basic.csv``).

Layout: semicolon-separated, UTF-8 with a byte-order mark, one row per prompt (beep).
Time columns hold unix seconds (``timeStampSent``, ``timeStampStart``,
``timeStampStop``) and ``timeZoneOffset`` holds the phone's offset from UTC in seconds
(runwell reads it as *local = UTC + offset*). Answer columns are named
``<item>_<type>[_<sub>]``, e.g. ``happy_sliderNegPos`` or ``stress_sliderPos``.

* Slider answers (any type starting with ``slider``) are 0..100. Other numeric answer
  types are read only when the caller declares their scale,
  ``scales={"tired": (1, 7)}``; open text, multiple choice labels and the like are not
  ratings and are left out.
* A prompt with empty start and stop was not answered: it counts toward compliance
  (:attr:`MoodResult.compliance`) and goes to the report as ``skipped``.
* The participant is taken from the first of ``alias``, ``code``, ``participant``,
  ``legacyCode``, ``accountCode`` present, unless ``participant_id`` is given.
* A rating's time is ``timeStampStart`` (when answering began). Its local time uses
  ``tz`` when given, else the row's offset (``tz`` column ``"UTC+hh:mm"``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.errors import InputError
from runwell.guard import guarded
from runwell.logs.files import first_present, read_csv_log
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz
from runwell.logs.results import MoodResult, compliance_frame, finish_mood
from runwell.logs.rows import ZONE_FIX, RowLog
from runwell.logs.values import check_value, merge_scales, normalise_item
from runwell.timezones import offset_name

__all__ = ["read_mpath", "sniff_mpath", "mpath_items"]

NAME = "mpath"

_PARTICIPANT = ("alias", "code", "participant", "participant_id", "legacyCode", "accountCode")
_START = ("timeStampStart", "timestamp_start", "start")
_STOP = ("timeStampStop", "timestamp_stop", "stop")
_NUMERIC_TYPES = ("likert", "number", "numeric", "scale", "multiplechoice")
_TYPE_RE = re.compile(
    r"^(slider\w*|likert\w*|number\w*|numeric\w*|scale\w*|multipleChoice\w*|"
    r"yesno\w*|open\w*|text\w*|basic\w*|image\w*|date\w*|time\w*)$",
    re.IGNORECASE,
)


def sniff_mpath(header: list[str], delimiter: str) -> bool:
    """True when a header looks like an m-Path ``basic.csv``."""
    cols = {c.strip().lower() for c in header}
    return delimiter == ";" and "timezoneoffset" in cols and ("timestampstart" in cols or "timestampstop" in cols)


def mpath_items(header: list[str]) -> dict[str, tuple[str, str]]:
    """Map answer columns to ``(item, answer type)``.

    Examples
    --------
    >>> items = mpath_items(["alias", "happy_sliderNegPos", "wake_time_sliderPos_1", "note_open"])
    >>> items["happy_sliderNegPos"], items["wake_time_sliderPos_1"], items["note_open"]
    (('happy', 'sliderNegPos'), ('wake_time', 'sliderPos'), ('note', 'open'))
    >>> "alias" in items
    False
    """
    out: dict[str, tuple[str, str]] = {}
    for col in header:
        parts = col.split("_")
        # the type is the last part, or the one before an optional sub-part
        for i in (len(parts) - 1, len(parts) - 2):
            if i >= 1 and _TYPE_RE.match(parts[i]):
                out[col] = ("_".join(parts[:i]), parts[i])
                break
    return out


@guarded("read_mpath")
def read_mpath(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    scales: dict[str, tuple[float, float]] | None = None,
) -> MoodResult:
    """Read an m-Path ``basic.csv`` into the canonical mood table.

    Parameters
    ----------
    path
        The ``basic.csv`` file.
    participant_id
        Overrides the participant column for every row.
    tz
        Optional IANA zone for local times (else each row's ``timeZoneOffset``).
    strict
        Raise on the first bad row instead of reporting it.
    scales
        Scales of non-slider numeric items (``{"item": (min, max)}``), and overrides for
        sliders (default 0..100).

    Returns
    -------
    MoodResult
        With ``context="ema"`` and :attr:`MoodResult.compliance` per participant.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    header, records = read_csv_log(path, log, delimiter=";", empty="empty m-Path export: no prompts")
    start_col, stop_col = first_present(header, _START), first_present(header, _STOP)
    if start_col is None and stop_col is None:
        raise InputError(
            path,
            "no timeStampStart/timeStampStop column: not an m-Path basic.csv",
            fix="export the 'basic' data from the m-Path dashboard",
        )
    pid_col = first_present(header, _PARTICIPANT)
    off_col = first_present(header, ("timeZoneOffset",))
    items = _rated_items(mpath_items(header), scales)
    rows: list[dict[str, Any]] = []
    prompts: list[tuple[str | None, bool]] = []
    for line, rec in records:
        pid = participant_id or (rec.get(pid_col, "").strip() if pid_col else None) or None
        started = (rec.get(start_col, "") if start_col else "").strip()
        stopped = (rec.get(stop_col, "") if stop_col else "").strip()
        answered = bool(started or stopped)
        prompts.append((pid, answered))
        if not answered:
            log.reject(line, "prompt not answered (counts toward compliance, not mood)", kind="skipped")
            continue
        rows.extend(_ratings(line, rec, pid, started or stopped, off_col, items, tz, log))
    mood = mood_frame(rows, NAME, path, tz, log=log)
    return finish_mood(log, mood, NAME, compliance=compliance_frame(prompts))


def _rated_items(
    columns: dict[str, tuple[str, str]], scales: dict[str, tuple[float, float]] | None
) -> dict[str, tuple[str, tuple[float, float]]]:
    """The answer columns read as ratings, with item name and scale."""
    declared = merge_scales({}, scales)
    out = {}
    for col, (item, kind) in columns.items():
        name = normalise_item(item)
        if name in declared:
            out[col] = (name, declared[name])
        elif kind.lower().startswith("slider"):
            out[col] = (name, (0.0, 100.0))
    return out


def _ratings(
    line: int,
    rec: dict[str, str],
    pid: str | None,
    stamp: str,
    off_col: str | None,
    items: dict[str, tuple[str, tuple[float, float]]],
    tz: str | None,
    log: RowLog,
) -> list[dict[str, Any]]:
    """The ratings of one answered prompt; bad values are reported."""
    try:
        utc = pd.Timestamp(float(stamp), unit="s", tz="UTC")
    except ValueError:
        log.reject(
            line,
            "not a unix time in seconds",
            field="timeStampStart",
            value=stamp,
            fix="re-export basic.csv from m-Path",
        )
        return []
    zone = tz
    if zone is None:
        offset = (rec.get(off_col, "") if off_col else "").strip()
        try:
            zone = offset_name(float(offset))
        except ValueError:
            log.reject(
                line,
                "no usable timeZoneOffset and no tz given",
                field="timeZoneOffset",
                value=offset,
                fix=ZONE_FIX,
            )
            return []
    out = []
    for col, (item, scale) in items.items():
        value = check_value(log, line, rec.get(col, ""), scale, col)
        if value is None:
            continue
        out.append(
            {
                "participant_id": pid,
                "time_utc": utc,
                "tz": zone,
                "item": item,
                "value": value,
                "scale_min": scale[0],
                "scale_max": scale[1],
                "context": "ema",
                "source_row": line,
            }
        )
    if not out:
        log.reject(line, "answered prompt without any rating", kind="skipped")
    return out
