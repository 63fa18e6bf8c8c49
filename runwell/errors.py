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
    "LimitError",
    "MissingInputError",
    "InsufficientDataError",
    "UsageError",
    "OptionError",
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
        What the user can do about it, in the library's words (``pass moods={...}``).
    option, suggestion
        The keyword argument that fixes it (``"moods"``, ``"tz"``) and a suggested value,
        so that another interface can word the fix its own way: the command line says
        ``--mood-labels "sad=?,average=?"`` (see :meth:`message_with_fix`).
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
        option: str | None = None,
        suggestion: object = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.reason = reason
        self.row = row
        self.field = field
        self.value = value
        self.fix = fix
        self.option = option
        self.suggestion = suggestion
        super().__init__(self._message())

    def message_with_fix(self, fix: str | None) -> str:
        """The same message with another wording of the fix (or none)."""
        return self._message(fix)

    def _message(self, fix: str | None = None) -> str:
        where = [self.path] if self.path else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        msg = f"{', '.join(where)}: {self.reason}" if where else self.reason
        if self.value is not None:
            msg += f" (value {self.value!r})"
        fix = self.fix if fix is None else fix
        if fix:
            msg += f". Fix: {fix}"
        return msg


class NotAnActivityError(InputError):
    """A readable file that holds no activity (a FIT monitoring or settings file, a
    GPX with no timed track). Batch loads record it as *skipped*."""


class LimitError(InputError):
    """An input that breaks one of the limits of :mod:`runwell.limits` (a decompression
    bomb, zips nested too deep, a file too large to read whole). The message names the
    limit and how to raise it; batch loads report the file as an ``error`` and go on."""


class MissingInputError(InputError, FileNotFoundError):
    """A path that does not exist (also a :class:`FileNotFoundError`, as before)."""


class InsufficientDataError(RunwellError, ValueError):
    """Too little data for the requested analysis (says how much more is needed)."""


class UsageError(RunwellError, ValueError):
    """Options that are malformed or contradict each other (the command line exits 2)."""


class OptionError(UsageError, TypeError):
    """A keyword option a reader does not take, naming it and the options it does take
    (also a :class:`TypeError`, what Python raises for an unknown keyword argument)."""

    def __init__(self, message: str, *, option: str | None = None) -> None:
        self.option = option
        super().__init__(message)
