"""Assembling bulk exports: which files of a folder or archive belong together, and how.

Strava
    ``activities.csv`` (any folder depth) with the ``activities/`` files its rows link.
    A linked file gives the activity (the CSV fills what the file lacks, and its sport
    wins unless both say running); a row without a file, or whose file cannot be read,
    is loaded from the CSV summary with a warning. A row repeating an earlier row's
    Activity ID is reported as a ``duplicate`` and loaded once; a row whose values cannot
    be true (see :mod:`.plausible`) is reported. An ``activities.csv`` beside an
    ``activities/`` folder whose headers runwell cannot read is an error naming them;
    the folder's files are still read on their own.
Apple Health
    ``export.xml``, streamed workout by workout; each workout's route GPX
    (``workout-routes/``) is read only to place it in a time zone, never as an activity.
Garmin Connect
    FIT files in nested zips (``DI_CONNECT/.../*.zip``), found by
    :func:`runwell.activities._sources.iter_members` and loaded as plain files; the
    ``*_summarizedActivities.json`` beside them are a summary export (below).
Summary exports
    Garmin's summaries, Polar, Samsung Health, Whoop and Fitbit (Google format) hold one
    summary per activity and no track: recognised by content and read by
    :mod:`runwell.activities.summary_load`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from runwell.activities._session import Parsed, Session
from runwell.activities._sources import Member
from runwell.activities.apple import AppleWorkout, iter_workouts
from runwell.activities.batch import Batch
from runwell.activities.cache import Failure
from runwell.activities.gpx import parse_gpx
from runwell.activities.plausible import vet_session
from runwell.activities.rows import rows_for
from runwell.activities.sports import is_running, normalise_sport
from runwell.activities.strava import StravaRow, is_strava_csv, read_strava_csv, session_from_row
from runwell.activities.summary_load import find_summaries, load_summaries
from runwell.errors import InputError, RunwellError
from runwell.registry import Format

__all__ = ["Exports", "find_exports", "report_unreadable", "load_exports"]


@dataclass
class Exports:
    """The bulk exports among the files of a load.

    Attributes
    ----------
    strava
        Strava ``activities.csv`` files in a language runwell reads.
    apple
        Apple Health ``export.xml`` files.
    unreadable
        ``activities.csv`` files beside an ``activities/`` folder whose headers runwell
        does not read (another account language).
    routes
        Names of Apple workout-route files: read by their export, not as activities.
    summaries
        Summary exports (Garmin summaries, Polar, Samsung, Whoop, Fitbit) with their format.
    damaged
        Other files whose head could not be read (a damaged archive member), with the error.
    """

    strava: list[Member] = field(default_factory=list)
    apple: list[Member] = field(default_factory=list)
    unreadable: list[Member] = field(default_factory=list)
    routes: set[str] = field(default_factory=set)
    summaries: list[tuple[Format, Member]] = field(default_factory=list)
    damaged: list[tuple[Member, InputError]] = field(default_factory=list)


def _header_of(member: Member) -> list[str] | None:
    """The header of a CSV file, or None when it cannot be read (damaged)."""
    try:
        with member.open() as handle:
            first = handle.readline(65536).decode("utf-8-sig", errors="replace")
    except InputError:
        return None
    return [h.strip().strip('"') for h in first.rstrip("\r\n").split(",")]


def _beside_activity_folder(csv_member: Member, members: list[Member]) -> bool:
    """Whether an activities.csv sits beside an ``activities/`` folder of activity files."""
    folder = (PurePosixPath(csv_member.name).parent / "activities").as_posix() + "/"
    return any(m.name.startswith(folder) and m.format is not None for m in members)


def find_exports(members: list[Member]) -> Exports:
    """Find the bulk exports among a load's files (by name and header; summaries by content)."""
    found = Exports()
    for member in members:
        name = PurePosixPath(member.name).name.lower()
        if name == "activities.csv":
            header = _header_of(member)
            if header is not None and is_strava_csv(header):
                found.strava.append(member)
            elif header is None or _beside_activity_folder(member, members):
                found.unreadable.append(member)
        elif name == "export.xml":
            found.apple.append(member)
    if found.apple:
        found.routes = {m.name for m in members if "workout-routes/" in m.name}
    taken = {m.name for m in found.strava + found.apple + found.unreadable}
    found.summaries, found.damaged = find_summaries([m for m in members if m.name not in taken])
    return found


def report_unreadable(batch: Batch, exports: Exports) -> set[str]:
    """Report each unreadable Strava ``activities.csv`` as an error naming its headers.

    Files that could not be read to tell what they are (:attr:`Exports.damaged`) are
    reported as errors too.

    Returns
    -------
    set of str
        Their names (they are not loaded as anything else).
    """
    for csv_member in exports.unreadable:
        error: InputError | None
        try:
            read_strava_csv(csv_member.read(), csv_member.display)
        except InputError as err:
            reason, error = err.reason, err
        else:  # a language runwell reads, but no Filename column (a damaged or edited header)
            header = _header_of(csv_member) or []
            reason = (
                "activities.csv lacks the Activity ID or Filename column, so its rows cannot be linked "
                f"to the files of activities/; headers found: {', '.join(header[:12])}"
            )
            error = None
        batch.status(csv_member.display, "error")
        batch.note(csv_member.display, "error", reason, error=error)
    for member, damage in exports.damaged:
        batch.status(member.display, "error")
        batch.note(member.display, "error", damage.reason, error=damage)
    return {m.name for m in exports.unreadable} | {m.name for m, _ in exports.damaged}


def load_exports(batch: Batch, exports: Exports, by_name: dict[str, Member]) -> set[str]:
    """Load the Strava exports, then the Apple Health exports, then the summary exports.

    Parameters
    ----------
    batch
        The load's bookkeeping (its outcomes parsed ahead are used for linked files).
    exports
        From :func:`find_exports`.
    by_name
        Every file of the load by its name, to find linked files.

    Returns
    -------
    set of str
        The names of the files the exports consumed (their CSV and XML files, the
        activity files linked and the route files used): not to be loaded again.
    """
    consumed: set[str] = set()
    for member in exports.strava:
        consumed |= _load_strava(batch, member, by_name)
    for member in exports.apple:
        consumed |= _load_apple(batch, member, by_name)
    consumed |= load_summaries(batch, exports.summaries)
    return consumed | {m.name for m in exports.strava + exports.apple}


# ------------------------------------------------------------------------------ Strava


def _load_strava(batch: Batch, csv_member: Member, by_name: dict[str, Member]) -> set[str]:
    """Load an activities.csv and the files it links; return the linked names."""
    root = PurePosixPath(csv_member.name).parent
    try:
        rows, problems = read_strava_csv(csv_member.read(), csv_member.display)
    except InputError as err:  # its linked files are then loaded as plain files
        batch.status(csv_member.display, "error")
        batch.note(csv_member.display, "error", err.reason, row=err.row, error=err)
        return set()
    batch.status(csv_member.display, "loaded")
    for number, reason in problems:
        batch.note(csv_member.display, "error", reason, row=number)
    linked: set[str] = set()
    for row in _once(batch, rows, csv_member.display):
        member = by_name.get((root / row.filename).as_posix()) if row.filename else None
        if member is not None:
            linked.add(member.name)
            _load_strava_file(batch, row, member, csv_member)
            continue
        if row.filename:
            batch.note(
                csv_member.display,
                "warning",
                f"activity {row.activity_id} names {row.filename}, which is not in the export; "
                "loaded from the CSV summary",
                row=row.row,
            )
        _add_csv_row(batch, row, csv_member)
    return linked


def _once(batch: Batch, rows: list[StravaRow], display: str) -> list[StravaRow]:
    """The rows with each activity once: a repeated Activity ID (or a repeated row) is a ``duplicate``."""
    first: dict[str, int] = {}
    kept = []
    for row in rows:
        key = row.activity_id or repr((*vars(row).values(),)[1:])
        if key in first:
            what = f"activity {row.activity_id}" if row.activity_id else "the same activity"
            batch.note(display, "duplicate", f"{what} repeats row {first[key]}; loaded once", row=row.row)
            continue
        first[key] = row.row
        kept.append(row)
    return kept


def _add_csv_row(batch: Batch, row: StravaRow, csv_member: Member) -> None:
    """An activity from its CSV summary alone (checked by :mod:`.plausible`); it counts
    towards the CSV file."""
    session = session_from_row(row)
    fatal, notes = vet_session(session)
    if fatal:
        batch.note(csv_member.display, "error", f"activity {row.activity_id} {fatal}; not loaded", row=row.row)
        return
    for note in notes:
        batch.note(csv_member.display, "partial", f"activity {row.activity_id}: {note}", row=row.row)
    parsed = Parsed(source="strava_csv", sessions=[session])
    new = rows_for(
        parsed,
        source_file=f"{csv_member.display}#row{row.row}",
        default_id=row.activity_id,
        participant_id=batch.pid,
        tz=batch.tz,
    )
    batch.rows += new
    info = batch.files.setdefault(
        csv_member.display, {"path": csv_member.display, "status": "loaded", "n_activities": 0}
    )
    info["n_activities"] += len(new)


def _load_strava_file(batch: Batch, row: StravaRow, member: Member, csv_member: Member) -> None:
    """A linked file, merged with its CSV row; the CSV summary when the file fails."""
    parsed = batch.result_for(member)
    if isinstance(parsed, Failure):
        batch.fail(member, parsed)
        batch.note(
            csv_member.display,
            "warning",
            f"activity {row.activity_id}: its file could not be read; loaded from the CSV summary",
            row=row.row,
        )
        _add_csv_row(batch, row, csv_member)
        return
    if len(parsed.sessions) == 1:
        _merge_csv_into(parsed.sessions[0], row)
    for session in parsed.sessions:
        session.native_id = row.activity_id
    batch.add_parsed(member, parsed)


def _merge_csv_into(session: Session, row: StravaRow) -> None:
    """Fill what the file lacks from the CSV summary; the CSV's sport wins unless both run."""
    csv_sport, csv_sub, csv_indoor = normalise_sport(row.sport_original)
    if row.sport_original and not (is_running(csv_sport) and is_running(session.sport)) and csv_sport != session.sport:
        session.sport, session.sub_sport = csv_sport, csv_sub
        session.sport_original = f"{session.sport_original} (Strava: {row.sport_original})"
        session.indoor = session.indoor or csv_indoor
    for attr in ("distance_m", "avg_hr", "max_hr", "elevation_gain_m", "moving_s"):
        if math.isnan(getattr(session, attr)) and not math.isnan(getattr(row, attr)):
            setattr(session, attr, getattr(row, attr))


# ------------------------------------------------------------------------ Apple Health


def _load_apple(batch: Batch, export: Member, by_name: dict[str, Member]) -> set[str]:
    """Load the workouts of an Apple Health export.xml; return the route files used."""
    root = PurePosixPath(export.name).parent
    used: set[str] = set()
    n = 0
    try:
        handle = export.open()
    except InputError as err:
        batch.status(export.display, "error")
        batch.note(export.display, "error", err.reason, error=err)
        return used
    with handle:
        try:
            for item in iter_workouts(handle, export.display):
                if isinstance(item, InputError):
                    batch.note(export.display, "error", item.reason)
                    continue
                fatal, notes = vet_session(item.session)
                if fatal:
                    batch.note(export.display, "error", f"workout {item.session.native_id} {fatal}; not loaded")
                    continue
                for note in notes:
                    batch.note(export.display, "partial", f"workout {item.session.native_id}: {note}")
                route = _route_member(item, root, by_name)
                if route is not None:
                    used.add(route.name)
                    _fill_fix_from_route(item, route)
                rows = rows_for(
                    Parsed("apple_health", [item.session]),
                    source_file=export.display,
                    default_id=item.session.native_id or "apple",
                    participant_id=batch.pid,
                    tz=batch.tz,
                )
                batch.rows += rows
                n += len(rows)
        except InputError as err:
            batch.status(export.display, "partial", n)
            batch.note(export.display, "partial", err.reason, error=err)
            return used
    batch.status(export.display, "loaded", n)
    return used


def _route_member(workout: AppleWorkout, root: PurePosixPath, by_name: dict[str, Member]) -> Member | None:
    if not workout.route_path:
        return None
    return by_name.get((root / workout.route_path.lstrip("/")).as_posix())


def _fill_fix_from_route(workout: AppleWorkout, route: Member) -> None:
    """Give a workout without a zone of its own the first position of its route."""
    if workout.session.tz_hint:
        return
    try:
        parsed = parse_gpx(route.read(), path=route.display)
    except RunwellError:
        return
    workout.session.first_fix = parsed.sessions[0].first_fix
