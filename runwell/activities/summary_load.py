"""Loading the summary exports of a load: find them, read them, keep each activity once.

The files are recognised by content (:func:`runwell.activities.formats.export_format`)
among the files that are not activity files, read with their format's reader, and their
activities added to the load with ``source`` = the format's name and ``source_file`` =
``<file>#row<n>``. Before that, across every summary file of the load:

* an id seen before in the same format (overlapping Garmin part files, a file given
  twice) is reported as ``duplicate`` of the first;
* a multisport total (Garmin ``"parent": true``) whose legs are loaded is reported as
  ``skipped``: the legs are the activities (as a multisport FIT file gives them).

The same activity from a summary and an activity file (a FIT upload) is left to
:mod:`runwell.activities.dedupe`, which keeps the FIT copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from runwell.activities._session import Parsed
from runwell.activities._sources import Member
from runwell.activities.batch import Batch
from runwell.activities.formats import export_format
from runwell.activities.rows import rows_for
from runwell.activities.summary import ExportPeek, SummaryRead, SummaryRow
from runwell.errors import InputError
from runwell.guard import reading
from runwell.registry import Format

__all__ = ["find_summaries", "load_summaries"]


@dataclass
class _Read:
    """One summary file, read."""

    fmt: Format
    member: Member
    read: SummaryRead


def find_summaries(members: list[Member]) -> tuple[list[tuple[Format, Member]], list[tuple[Member, InputError]]]:
    """The summary exports among a load's files that are not activity files.

    Parameters
    ----------
    members
        The load's files.

    Returns
    -------
    found : list of (Format, Member)
        The summary exports, with their format.
    damaged : list of (Member, InputError)
        Files whose head could not be read to tell what they are (a damaged archive
        member): reported as errors, never silently ignored.
    """
    found, damaged = [], []
    for member in members:
        if member.format is not None:
            continue
        try:
            with reading(member.display, "file"):
                fmt = export_format(ExportPeek(member.name, member.open))
        except InputError as err:
            damaged.append((member, err))
            continue
        if fmt is not None:
            found.append((fmt, member))
    return found, damaged


def _read_all(batch: Batch, found: list[tuple[Format, Member]]) -> list[_Read]:
    """Read each file; one that cannot be read (damaged, nested too deeply, ...) is an ``error`` of its own."""
    out = []
    for fmt, member in sorted(found, key=lambda pair: pair[1].display):
        try:
            with reading(member.display, f"{fmt.name} export"):
                read = fmt.reader(member.read(), path=member.display)
        except InputError as err:
            batch.status(member.display, "error")
            batch.note(member.display, "error", err.reason, error=err)
            continue
        out.append(_Read(fmt, member, read))
    return out


def _unique(batch: Batch, files: list[_Read]) -> dict[int, list[SummaryRow]]:
    """Each file's rows whose id was not seen before (the others reported as duplicates)."""
    first: dict[tuple[str, str], str] = {}
    kept: dict[int, list[SummaryRow]] = {}
    for index, item in enumerate(files):
        kept[index] = []
        for row in item.read.rows:
            ident = row.session.native_id
            key = (item.fmt.name, ident) if ident else None
            if key is not None and key in first:
                batch.note(
                    item.member.display,
                    "duplicate",
                    f"activity {ident} is already loaded from {first[key]}",
                    row=row.row,
                )
                continue
            if key is not None:
                first[key] = f"{item.member.display} row {row.row}"
            kept[index].append(row)
    return kept


def load_summaries(batch: Batch, found: list[tuple[Format, Member]]) -> set[str]:
    """Read the summary exports and add their activities to the load.

    Parameters
    ----------
    batch
        The load's bookkeeping.
    found
        From :func:`find_summaries`.

    Returns
    -------
    set of str
        The names of the files read (not to be loaded as anything else).
    """
    files = _read_all(batch, found)
    kept = _unique(batch, files)
    legs = {r.parent_id for rows in kept.values() for r in rows if r.parent_id}
    for index, item in enumerate(files):
        display = item.member.display
        for kind, entries in (
            ("error", item.read.problems),
            ("skipped", item.read.skipped),
            ("duplicate", item.read.duplicates),
        ):
            for line, reason in entries:
                batch.note(display, kind, reason, row=line)
        n = 0
        for row in kept[index]:
            if row.is_parent and row.session.native_id in legs:
                batch.note(display, "skipped", "multisport total: its legs are loaded as activities", row=row.row)
                continue
            new = rows_for(
                Parsed(item.fmt.name, [row.session]),
                source_file=f"{display}#row{row.row}",
                default_id=row.session.native_id or f"{item.fmt.name}-{row.row}",
                participant_id=batch.pid,
                tz=batch.tz,
            )
            batch.rows += new
            n += len(new)
        _file_status(batch, display, n)
    return {m.name for _, m in found}


def _file_status(batch: Batch, display: str, n: int) -> None:
    """The file's status: loaded, or why it gave nothing (the report already says it, else a note)."""
    if n:
        batch.status(display, "loaded", n)
        return
    kinds = {entry["kind"] for entry in batch.book.rows if entry["path"] == display}
    for kind in ("error", "skipped", "duplicate"):
        if kind in kinds:
            batch.status(display, kind)
            return
    batch.status(display, "skipped")
    batch.note(display, "skipped", "no activities in this file")
