"""Exceptions raised by runwell.

Every error names what went wrong in words a user can act on: the file, the row or
field when there is one, the offending value, and the fix.
"""

from __future__ import annotations

from os import PathLike

__all__ = [
    "RunwellError",
    "UnsupportedFormatError",
    "InputError",
    "NotAnActivityError",
    "InsufficientDataError",
    "UsageError",
]


class RunwellError(Exception):
    """Base class of every error runwell raises on purpose."""


class UnsupportedFormatError(RunwellError, ValueError):
    """A file whose format runwell does not read (names the formats it knows)."""


class InputError(RunwellError, ValueError):
    """Bad content in an input file.

    Parameters
    ----------
    path
        The file the problem is in.
    reason
        What is wrong, in plain words.
    row
        1-based row (line or record) number, when the problem sits in one row.
    field
        The column or field name, when there is one.
    value
        The offending value, when there is one.
    fix
        What the user can do about it.
    """

    def __init__(
        self,
        path: str | PathLike[str] | None,
        reason: str,
        *,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        fix: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.reason = reason
        self.row = row
        self.field = field
        self.value = value
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = [self.path] if self.path else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        msg = f"{', '.join(where)}: {self.reason}" if where else self.reason
        if self.value is not None:
            msg += f" (value {self.value!r})"
        if self.fix:
            msg += f". Fix: {self.fix}"
        return msg


class NotAnActivityError(InputError):
    """A readable file that holds no activity (a FIT monitoring or settings file, a
    GPX with no timed track). Batch loads record it as *skipped*."""


class InsufficientDataError(RunwellError, ValueError):
    """Too little data for the requested analysis (says how much more is needed)."""


class UsageError(RunwellError, ValueError):
    """Options that are malformed or contradict each other (the command line exits 2)."""
