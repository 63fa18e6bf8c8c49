"""Row bookkeeping of one log file: which input rows were read, rejected or noted.

Every reader in :mod:`runwell.logs` numbers its input rows (CSV lines, JSON list
positions, XML record ordinals) and tells a :class:`RowLog` about each one it reads,
rejects or loads with a note. The log keeps the counts that
:class:`~runwell.logs.results.MoodResult` and :class:`~runwell.logs.results.SleepResult`
reconcile, and writes the load report through :class:`runwell.loadreport.ReportBook`,
so the error policy is loadreport's one rule (:func:`runwell.loadreport.raises_under_strict`):
under ``strict=True`` an ``error`` or ``partial`` row and a ``skipped`` whole file raise;
duplicates, warnings and skipped rows never do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from runwell.errors import InputError, RunwellError
from runwell.loadreport import ReportBook, report_frame

__all__ = ["RowLog", "PathLike", "ZONE_FIX"]

PathLike = str | Path

#: The fix for rows whose time cannot be placed without a zone, in the words of both
#: interfaces (a load report is read by Python and command-line users alike).
ZONE_FIX = (
    "give the zone the participant lived in: tz='Europe/Berlin' in Python, --tz Europe/Berlin on the command line"
)


class RowLog:
    """Bookkeeping of one file's rows: the load report, the error policy and the counts.

    Parameters
    ----------
    path
        The file being read (named in every report row and error).
    strict
        Raise :class:`~runwell.errors.InputError` where
        :func:`~runwell.loadreport.raises_under_strict` says so, instead of reporting.
    participant_id
        Written into report rows.

    Examples
    --------
    >>> log = RowLog("a.csv")
    >>> log.read(3)
    >>> log.reject(2, "not a number", field="mood", value="x")
    >>> log.note(3, "local time moved out of a DST gap")
    >>> log.frame()[["row", "kind", "reason"]].to_dict("records")[0]
    {'row': 2, 'kind': 'error', 'reason': "mood: not a number (value 'x')"}
    >>> log.rows_read, log.rows_reported, log.frame()["kind"].tolist()
    (3, 1, ['error', 'warning'])
    """

    def __init__(self, path: PathLike, *, strict: bool = False, participant_id: str | None = None) -> None:
        self.path = str(path)
        self.book = ReportBook(strict=strict, participant_id=participant_id)
        self.rows_read = 0
        self.rejected: set[Any] = set()

    @property
    def strict(self) -> bool:
        """Whether problems that lose data raise instead of being reported."""
        return self.book.strict

    @property
    def participant_id(self) -> str | None:
        """The participant written into report rows (``None`` when not given)."""
        return self.book.participant_id

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The report rows so far, in the order they were added (mutable)."""
        return self.book.rows

    def read(self, n: int = 1, *, empty: str | None = None) -> None:
        """Count ``n`` more input rows as read.

        Parameters
        ----------
        n
            How many rows were read.
        empty
            When given and ``n`` is 0, recorded as a ``skipped`` file note (see
            :meth:`file_note`), e.g. ``"empty Oura export: no rows"``.
        """
        self.rows_read += n
        if empty is not None and n == 0:
            self.file_note(empty)

    def reject(
        self,
        row: int | None,
        reason: str,
        *,
        kind: str = "error",
        field: str | None = None,
        value: object = None,
        fix: str | None = None,
    ) -> None:
        """Report a row that will not be loaded (or raise, under the strict policy).

        Parameters
        ----------
        row
            The row's number in the file.
        reason
            What is wrong, in plain words.
        kind
            ``"error"`` (bad content), ``"duplicate"`` or ``"skipped"`` (a row that is
            fine but is not a rating or sleep period, e.g. an unanswered prompt).
        field, value, fix
            The field, offending value and fix; written into the report's reason and
            the error raised under strict.
        """
        error = InputError(self.path, reason, row=row, field=field, value=value, fix=fix) if self.strict else None
        self.book.add(
            self.path,
            kind,
            describe(reason, field, value, fix),
            row=row,
            field=field,
            value=value,
            fix=fix,
            error=error,
        )
        self.rejected.add(row)

    def note(self, row: int | None, reason: str) -> None:
        """Add a ``warning`` about a row that was loaded whole (e.g. a time moved out of a DST gap)."""
        self.book.add(self.path, "warning", reason, row=row)

    def file_note(self, reason: str, kind: str = "skipped") -> None:
        """Report something about the whole file (no row), e.g. "no sleep records"."""
        error = InputError(self.path, reason) if self.strict else None
        self.book.add(self.path, kind, reason, error=error)

    @contextmanager
    def guard(self, row: int | None) -> Iterator[None]:
        """Reject ``row`` when reading it raises an error the reader did not foresee.

        For records of loosely typed files (JSON): a field holding an object where a
        string was expected must cost that row, not the file. The exception is
        suppressed after the rejection (which raises under ``strict``); the caller
        finds its result variable unset.

        Examples
        --------
        >>> log = RowLog("a.json")
        >>> with log.guard(3):
        ...     {}["startTime"]
        >>> log.frame()["reason"].tolist()
        ["unreadable record (KeyError: 'startTime')"]
        """
        try:
            yield
        except RunwellError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as err:
            self.reject(row, f"unreadable record ({type(err).__name__}: {' '.join(str(err).split())[:160]})")

    def is_rejected(self, row: int | None) -> bool:
        """True when ``row`` has been reported as not loadable."""
        return row in self.rejected

    @property
    def rows_reported(self) -> int:
        """Input rows that were rejected (loaded nowhere)."""
        return len({r for r in self.rejected if r is not None})

    def settle(self, loaded: set[Any]) -> int:
        """Close the books once the table is built; return the rows loaded nowhere.

        A row that was reported (``error`` or ``skipped``) but still gave some table rows
        lost only part of its data: its entries become ``partial``.

        Parameters
        ----------
        loaded
            The input rows that gave at least one table row.

        Returns
        -------
        int
            Rejected rows that are not in ``loaded``.
        """
        for entry in self.entries:
            if entry["row"] in loaded and entry["kind"] in ("error", "skipped"):
                entry["kind"] = "partial"
        return len({r for r in self.rejected if r is not None and r not in loaded})

    def frame(self) -> pd.DataFrame:
        """The load report as the canonical table, ordered by row (file notes first)."""
        rows = self.entries
        order = sorted(range(len(rows)), key=lambda i: (rows[i]["row"] or 0, i))
        return report_frame(rows[i] for i in order)


def describe(reason: str, field: str | None = None, value: object = None, fix: str | None = None) -> str:
    """One report reason naming the field, the offending value and the fix.

    Examples
    --------
    >>> describe("not a number", "mood", "x", "correct the cell")
    "mood: not a number (value 'x'). Fix: correct the cell"
    """
    text = reason if field is None else f"{field}: {reason}"
    if value is not None:
        text += f" (value {value!r})"
    if fix:
        text += f". Fix: {fix}"
    return text
