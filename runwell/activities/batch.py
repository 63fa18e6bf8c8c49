"""The bookkeeping of one :func:`~runwell.activities.load.load_activities` call.

A :class:`Batch` collects what a load produces: the rows on their way to the
``activities`` table, the load report (kept by a :class:`runwell.loadreport.ReportBook`,
so ``strict`` follows the one policy of :mod:`runwell.loadreport`) and one status per
input file. Every input file ends up with a status (``loaded``, ``partial``, ``skipped``,
``error``, later ``duplicate`` or ``filtered``) and every problem with a report row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from runwell.activities._session import Parsed
from runwell.activities._sources import Member
from runwell.activities.cache import Failure
from runwell.activities.parallel import Outcome, parse_outcome
from runwell.activities.rows import ActivityRow, base_id, rows_for
from runwell.errors import InputError
from runwell.loadreport import ReportBook

__all__ = ["Batch", "FILE_COLUMNS"]

#: Columns of :attr:`runwell.activities.load.ActivityLoad.files`.
FILE_COLUMNS = ["path", "status", "n_activities"]


class Batch:
    """Rows, report entries and per-file status of one load.

    Parameters
    ----------
    participant_id
        Whose activities these are (written into every row and report entry).
    tz
        The zone given by the caller, or None.
    strict
        Raise at the first report entry the strict policy stops at.

    Attributes
    ----------
    rows
        Placed rows, in the order files were read.
    files
        Status of each input file by display path: ``path``, ``status``, ``n_activities``.
    ignored
        Files that are not activity files, by display path.
    parsed
        Outcomes parsed ahead (by :func:`runwell.activities.parallel.parse_all`), taken
        out as each file is loaded.
    """

    def __init__(self, participant_id: str, tz: str | None, strict: bool) -> None:
        self.pid = participant_id
        self.tz = tz
        self.book = ReportBook(strict=strict, participant_id=participant_id)
        self.rows: list[ActivityRow] = []
        self.files: dict[str, dict[str, Any]] = {}
        self.ignored: list[str] = []
        self.parsed: dict[str, Outcome] = {}

    # -- bookkeeping
    def note(
        self, path: str, kind: str, reason: str, *, row: int | None = None, error: BaseException | None = None
    ) -> None:
        """Add a report entry (under ``strict``, raise instead when the policy says so)."""
        self.book.add(path, kind, reason, row=row, error=error)

    def status(self, path: str, status: str, n: int = 0) -> None:
        """Set an input file's status and how many activities it gave."""
        self.files[path] = {"path": path, "status": status, "n_activities": n}

    def report(self) -> pd.DataFrame:
        """The load report so far, as the canonical ``load_report`` table."""
        return self.book.frame()

    def files_frame(self) -> pd.DataFrame:
        """One row per input file: ``path``, ``status``, ``n_activities``."""
        return pd.DataFrame(list(self.files.values()), columns=FILE_COLUMNS)

    # -- one file
    def result_for(self, member: Member) -> Outcome:
        """The member's outcome: parsed ahead, else parsed now."""
        found = self.parsed.pop(member.display, None)
        if found is None:
            try:
                raw = member.read_raw()
            except InputError as err:
                return Failure("error", err.reason)
            found = parse_outcome(member.display, member.name, raw)
        return found

    def add_parsed(self, member: Member, parsed: Parsed) -> list[ActivityRow]:
        """Add a parsed file's rows, note its warnings and partial reading, set its status."""
        rows = rows_for(
            parsed,
            source_file=member.display,
            default_id=base_id(member.name),
            participant_id=self.pid,
            tz=self.tz,
        )
        for warning in parsed.warnings:
            self.note(member.display, "warning", warning)
        if parsed.partial:
            self.note(member.display, "partial", parsed.partial)
        self.rows += rows
        self.status(member.display, "partial" if parsed.partial else "loaded", len(rows))
        return rows

    def fail(self, member: Member, failure: Failure) -> None:
        """Record a file that gave nothing: its status and report entry."""
        self.status(member.display, failure.kind)
        self.note(member.display, failure.kind, failure.reason)

    def refuse(self, member: Member) -> None:
        """Record a file that cannot be read at all (see :attr:`Member.problem`), usually as an ``error``."""
        self.fail(member, Failure(member.problem_kind, member.problem or "cannot be read"))

    def load_file(self, member: Member) -> list[ActivityRow]:
        """Load one plain activity file (not part of an export)."""
        result = self.result_for(member)
        if isinstance(result, Failure):
            self.fail(member, result)
            return []
        return self.add_parsed(member, result)
