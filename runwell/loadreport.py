"""One bookkeeping for every loader: report kinds, the error policy, results that reconcile.

Every reader of activities, mood and sleep accounts for its input the same way: each input
file or row either reaches a canonical table or gets a row in the *load report* (the
``load_report`` table of :mod:`runwell.tables`) saying what happened and why.

Report kinds
------------
``error``
    Bad content: the file or row could not be read (nothing of it was loaded).
``partial``
    Loaded in part: some of the file or row was lost (a truncated file, a row with one
    bad field). Data is missing.
``skipped``
    Readable, but not data of the kind asked for (a FIT monitoring file, an unanswered
    prompt, an empty file). Nothing of it was loaded.
``duplicate``
    The same activity or rating as another input; it is kept once, from the richer copy.
``warning``
    Loaded whole, with a note the user should know (a zone assumed, a DST-gap time
    moved, a CRC mismatch read anyway).

Error policy
------------
Loaders take ``strict``. Lenient (the default) records every problem in the report and
carries on; a batch always finishes. ``strict=True`` raises :class:`~runwell.errors.InputError`
at the first problem that loses data: any ``error`` or ``partial`` row, and a ``skipped``
*file* (``row`` is ``None``: a whole input gave nothing). Duplicates, warnings and skipped
rows never raise: nothing the user gave is lost by them. :data:`STRICT_KINDS` and
:func:`raises_under_strict` are the one statement of this rule.

Results
-------
Every loader's result follows :class:`LoadResult`: ``.report`` (the table),
``.reconciles`` (every input is in a table or in the report, and the counts agree) and
``.summary()`` (a few lines a person can read); its ``repr`` is the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from runwell.errors import InputError, RunwellError
from runwell.tables import REPORT_KINDS, conform, empty_table

__all__ = [
    "REPORT_KINDS",
    "STRICT_KINDS",
    "LoadResult",
    "SummaryRepr",
    "ReportBook",
    "raises_under_strict",
    "report_row",
    "report_frame",
    "kind_counts",
]

#: Kinds that ``strict=True`` raises on wherever they occur (data was lost).
STRICT_KINDS: frozenset[str] = frozenset({"error", "partial"})


def raises_under_strict(kind: str, row: int | None) -> bool:
    """Whether a report entry of this kind stops a strict load.

    Parameters
    ----------
    kind
        One of :data:`REPORT_KINDS`.
    row
        The entry's row, or ``None`` when it concerns a whole file.

    Returns
    -------
    bool
        True for ``error`` and ``partial`` anywhere, and for a ``skipped`` whole file.

    Examples
    --------
    >>> raises_under_strict("skipped", None), raises_under_strict("skipped", 4)
    (True, False)
    >>> raises_under_strict("duplicate", None)
    False
    """
    return kind in STRICT_KINDS or (kind == "skipped" and row is None)


def report_row(
    path: object,
    kind: str,
    reason: str,
    *,
    row: int | None = None,
    participant_id: str | None = None,
) -> dict[str, Any]:
    """Build one load-report row, checking its kind.

    Parameters
    ----------
    path
        The input file (a ``Path`` or string; inside an archive ``"archive.zip!member"``).
    kind
        One of :data:`REPORT_KINDS`.
    reason
        A one-line reason a user can act on.
    row
        1-based row number within the file, when the problem is one row.
    participant_id
        Whose data it is, when known.

    Returns
    -------
    dict
        A mapping with the load-report columns.

    Examples
    --------
    >>> report_row("a.csv", "error", "bad  date", row=3)["reason"]
    'bad date'
    """
    if kind not in REPORT_KINDS:
        raise ValueError(f"report kind must be one of {REPORT_KINDS}, got {kind!r}")
    return {
        "participant_id": participant_id,
        "path": str(path),
        "row": row,
        "kind": kind,
        "reason": " ".join(str(reason).split()),
    }


def report_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Turn load-report rows (from :func:`report_row`) into the canonical table."""
    rows = list(rows)
    return conform(rows, "load_report") if rows else empty_table("load_report")


def kind_counts(report: pd.DataFrame) -> dict[str, int]:
    """Report rows by kind, in the order of :data:`REPORT_KINDS`, zeros left out.

    Examples
    --------
    >>> kind_counts(report_frame([report_row("a", "error", "x"), report_row("b", "error", "y")]))
    {'error': 2}
    """
    if not len(report):
        return {}
    counts = report["kind"].value_counts()
    return {k: int(counts[k]) for k in REPORT_KINDS if counts.get(k, 0)}


class ReportBook:
    """The load report of one load, kept under the error policy.

    Parameters
    ----------
    strict
        Raise at the first entry that :func:`raises_under_strict`.
    participant_id
        Written into every row.

    Examples
    --------
    >>> book = ReportBook()
    >>> book.add("a.fit", "skipped", "a monitoring file, not an activity")
    >>> book.frame()[["path", "kind"]].to_dict("records")
    [{'path': 'a.fit', 'kind': 'skipped'}]
    """

    def __init__(self, *, strict: bool = False, participant_id: str | None = None) -> None:
        self.strict = strict
        self.participant_id = participant_id
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        path: object,
        kind: str,
        reason: str,
        *,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        fix: str | None = None,
        error: BaseException | None = None,
    ) -> None:
        """Record one entry; under ``strict``, raise instead when the policy says so.

        Parameters
        ----------
        path, kind, reason, row
            As in :func:`report_row`.
        field, value, fix
            The field, offending value and fix, named in the error raised under strict
            (the report's reason should already say them).
        error
            The error behind the entry: re-raised as it is under strict when it is a
            :class:`~runwell.errors.RunwellError`, else chained.
        """
        if self.strict and raises_under_strict(kind, row):
            if isinstance(error, RunwellError):
                raise error
            raise InputError(
                str(path),
                reason if kind == "error" else f"{kind}: {reason}",
                row=row,
                field=field,
                value=value,
                fix=fix,
            ) from error
        self.rows.append(report_row(path, kind, reason, row=row, participant_id=self.participant_id))

    def frame(self) -> pd.DataFrame:
        """The entries as the canonical ``load_report`` table."""
        return report_frame(self.rows)


@runtime_checkable
class LoadResult(Protocol):
    """What every loader returns: the report, whether counts reconcile, a summary."""

    report: pd.DataFrame

    @property
    def reconciles(self) -> bool:
        """Every input reached a table or the report, and the counts agree."""
        ...

    def summary(self) -> str:
        """A few lines a person can read: what was loaded, what was not, and why."""
        ...


class SummaryRepr:
    """Mixin: a result's ``repr`` is its class name and :meth:`summary`."""

    def summary(self) -> str:  # pragma: no cover - every user defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.summary()})"
