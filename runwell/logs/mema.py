"""mEMA (ilumivu) survey exports: the "Flat Data Table/File", all participants in one CSV.

Certainty (per FORMATS.md section 9): column *positions* and the zones **[doc]** (ilumivu
knowledge base); header names and the timestamp format **[U]**, inferred at best. This
reader follows the documented positions, offers a column mapping for other layouts, and
is tested on constructed files only.

Where the researcher finds it: mEMA Survey Editor -> Flat Data Table/File, with the
option "local TS" for the phone's local time.

Layout (as documented)
    Column 1 the participant code (ilumivu names it ``mbl_cod``; also ``sbj_id``,
    ``rsp_id``), column 2 the survey instance's time in **UTC** (when the alert first
    sounded; for on-demand surveys when the user opened it; a survey finished early is
    still logged at its scheduled time), column 3, when "local TS" was selected, the
    phone's local time; the answers follow. Only files whose first column has one of
    ilumivu's participant names are recognised by ``format="auto"``; name the format
    (``format="mema"``) and the columns (``participant=``, ``time_utc=``,
    ``time_local=``) for other layouts.
Ratings
    The instant is the UTC column; the local time and day come from "local TS" (its
    difference from UTC is the row's offset), so no ``tz`` is needed when the file has
    it; without it ``tz`` is required. Answer types are not in the file, so the scale
    of every rated item must be declared: ``scales={"happy": (0, 100)}``, or
    ``scale=(1, 7)`` for all numeric answer columns. A row without any answer was not
    answered: it counts toward compliance and is reported as ``skipped``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from runwell._exportfiles import parse_stamp
from runwell.errors import InputError
from runwell.logs.files import read_csv_log
from runwell.logs.frames import mood_frame
from runwell.logs.instants import given_tz, require_tz
from runwell.logs.results import MoodResult, compliance_frame, finish_mood
from runwell.logs.rows import RowLog
from runwell.logs.values import check_value, merge_scales, normalise_item, optional_float, parse_scale
from runwell.timezones import localize, offset_name

__all__ = ["read_mema", "sniff_mema", "PARTICIPANT_NAMES"]

NAME = "mema"

#: ilumivu's names of the participant code column.
PARTICIPANT_NAMES = ("mbl_cod", "sbj_id", "rsp_id")


def sniff_mema(header: list[str]) -> bool:
    """True when a CSV's first column has one of ilumivu's participant names."""
    return bool(header) and header[0].strip().lower() in PARTICIPANT_NAMES and len(header) >= 3


def _instant(text: str) -> pd.Timestamp | None:
    """A time as written (ISO text, or epoch seconds/milliseconds), or ``None`` when unreadable."""
    text = text.strip()
    number = optional_float(text)
    try:
        if number is not None:
            return parse_stamp(number, unit="ms" if abs(number) > 1e11 else "s")
        return parse_stamp(text)
    except ValueError:
        return None


def _is_time_column(col: str, records: list[tuple[int, dict[str, str]]]) -> bool:
    """Whether every filled cell of ``col`` is a date/time (text, not a bare number)."""
    cells = [rec.get(col, "").strip() for _, rec in records]
    filled = [c for c in cells if c]
    return bool(filled) and all(optional_float(c) is None and _instant(c) is not None for c in filled)


def _layout(
    header: list[str],
    records: list[tuple[int, dict[str, str]]],
    participant: str | None,
    time_utc: str | None,
    time_local: str | bool | None,
) -> tuple[str, str, str | None]:
    """The participant, UTC and local-time columns (the documented positions by default)."""
    participant = participant or header[0]
    time_utc = time_utc or header[1]
    if isinstance(time_local, str):
        local: str | None = time_local
    elif time_local is False:
        local = None
    else:
        third = header[2] if len(header) > 2 else None
        local = third if third and third not in (participant, time_utc) and _is_time_column(third, records) else None
    return participant, time_utc, local


def _rated(
    path: Path,
    answers: list[str],
    records: list[tuple[int, dict[str, str]]],
    scales: dict[str, tuple[float, float]] | None,
    scale: tuple[float, float] | None,
) -> dict[str, tuple[str, tuple[float, float]]]:
    """Answer columns read as ratings, with item name and scale; raise when none is declared."""
    declared = merge_scales({}, scales)
    common = None if scale is None else parse_scale(scale, "scale")
    out = {}
    numeric = []
    for col in answers:
        cells = [rec.get(col, "").strip() for _, rec in records]
        if not any(cells) or any(c and optional_float(c) is None for c in cells):
            continue
        numeric.append(col)
        name = normalise_item(col)
        if name in declared:
            out[col] = (name, declared[name])
        elif common is not None:
            out[col] = (name, common)
    if not out:
        example = ", ".join(f'"{normalise_item(c)}": (min, max)' for c in numeric[:4]) or '"item": (min, max)'
        raise InputError(
            path,
            f"mEMA files do not say the scale of an answer; numeric answer columns: {numeric or 'none'}",
            field="scales",
            fix=f"pass scales={{{example}}}, or scale=(min, max) for all of them",
        )
    return out


def read_mema(
    path: str | Path,
    *,
    participant_id: str | None = None,
    tz: str | None = None,
    strict: bool = False,
    scales: dict[str, tuple[float, float]] | None = None,
    scale: tuple[float, float] | None = None,
    participant: str | None = None,
    time_utc: str | None = None,
    time_local: str | bool | None = None,
) -> MoodResult:
    """Read an mEMA flat data file into the canonical mood table ([doc] positions; see module).

    Parameters
    ----------
    path
        The flat data file (CSV, all participants).
    participant_id
        Overrides the participant column for every row.
    tz
        IANA zone: required when the file has no "local TS" column; else optional (the
        zone to show local times in).
    strict
        Raise on the first bad row instead of reporting it.
    scales, scale
        The scale of each rated item (``{"item": (min, max)}``), or one scale for every
        numeric answer column. At least one must be given.
    participant, time_utc, time_local
        Column names, when the file does not follow the documented positions;
        ``time_local=False`` says there is no local-time column.

    Returns
    -------
    MoodResult
        With ``context="ema"`` and :attr:`MoodResult.compliance` per participant.
    """
    path = Path(path)
    tz = given_tz(tz)
    log = RowLog(path, strict=strict, participant_id=participant_id)
    header, records = read_csv_log(path, log, empty="empty mEMA file: no surveys")
    if len(header) < 3:
        raise InputError(path, f"too few columns for an mEMA flat file: {header}", fix="export the Flat Data File")
    pid_col, utc_col, local_col = _layout(header, records, participant, time_utc, time_local)
    if local_col is None:
        tz = require_tz(tz, path, "mEMA", why="this mEMA file has no local-time column ('local TS')")
    answers = [h for h in header if h not in (pid_col, utc_col, local_col)]
    items = _rated(path, answers, records, scales, scale)
    rows: list[dict[str, Any]] = []
    prompts: list[tuple[str | None, bool]] = []
    for line, rec in records:
        pid = participant_id or rec.get(pid_col, "").strip() or None
        done = any(rec.get(col, "").strip() for col in answers)
        prompts.append((pid, done))
        if not done:
            log.reject(line, "survey not answered (counts toward compliance, not mood)", kind="skipped")
            continue
        rows.extend(_ratings(line, rec, pid, (utc_col, local_col), items, tz, log))
    return finish_mood(log, mood_frame(rows, NAME, path, tz), NAME, compliance=compliance_frame(prompts))


def _ratings(
    line: int,
    rec: dict[str, str],
    pid: str | None,
    columns: tuple[str, str | None],
    items: dict[str, tuple[str, tuple[float, float]]],
    tz: str | None,
    log: RowLog,
) -> list[dict[str, Any]]:
    """The ratings of one answered survey; bad times and values are reported."""
    utc_col, local_col = columns
    utc = _instant(rec.get(utc_col, ""))
    local = _instant(rec.get(local_col, "")) if local_col else None
    if utc is None and (local is None or tz is None):
        log.reject(line, "no readable UTC time", field=utc_col, value=rec.get(utc_col), fix="correct the time")
        return []
    if utc is None:
        assert local is not None and tz is not None
        instant = localize(local.tz_localize(None) if local.tzinfo else local, tz)
    else:
        instant = utc.tz_localize("UTC") if utc.tzinfo is None else utc.tz_convert("UTC")
    zone = tz
    if zone is None and local is not None:
        wall = local.tz_localize(None) if local.tzinfo is not None else local
        zone = offset_name(round((wall - instant.tz_localize(None)).total_seconds() / 900) * 900)
    out = []
    for col, (item, scale) in items.items():
        value = check_value(log, line, rec.get(col, ""), scale, col)
        if value is not None:
            out.append(
                {
                    "participant_id": pid,
                    "time_utc": instant,
                    "tz": zone or "UTC",
                    "item": item,
                    "value": value,
                    "scale_min": scale[0],
                    "scale_max": scale[1],
                    "context": "ema",
                    "source_row": line,
                }
            )
    if not out:
        log.reject(line, "answered survey without any rating of a declared item", kind="skipped")
    return out
