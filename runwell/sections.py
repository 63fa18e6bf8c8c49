"""What a report section does when the data are too thin for it: say so, and go on.

The report notebooks call each analysis through :func:`attempt`. An analysis that cannot
run on these data raises a :class:`~runwell.errors.RunwellError` (too few rated days, no
sleep overlapping the runs, one participant in a cohort model); the section then shows
that sentence instead of a result, and the rest of the report is still written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from runwell.errors import RunwellError

__all__ = ["attempt", "Outcome"]

T = TypeVar("T")


class Outcome:
    """The result of one section's analysis, or why there is none.

    Attributes
    ----------
    value
        The analysis' result, or ``None``.
    note
        ``None`` when it ran; else one plain sentence for the reader.
    """

    def __init__(self, value: Any = None, note: str | None = None) -> None:
        self.value = value
        self.note = note

    @property
    def ok(self) -> bool:
        """Whether the analysis ran."""
        return self.note is None


def attempt(analysis: Callable[..., T], *args: Any, what: str, **kwargs: Any) -> Outcome:
    """Run ``analysis``; on a :class:`RunwellError`, keep its message as the section's note.

    Parameters
    ----------
    analysis
        The function to call with ``*args`` and ``**kwargs``.
    what
        What the section shows, for the note ("the claims").

    Examples
    --------
    >>> from runwell.errors import InsufficientDataError
    >>> def needs_more():
    ...     raise InsufficientDataError("needs at least 14 rated days; there are 5")
    >>> attempt(needs_more, what="the claims").note
    'Not enough data for the claims: needs at least 14 rated days; there are 5.'
    >>> attempt(len, [1, 2], what="a count").value
    2
    """
    try:
        return Outcome(analysis(*args, **kwargs))
    except RunwellError as err:
        message = " ".join(str(err).split()).rstrip(".")
        return Outcome(note=f"Not enough data for {what}: {message}.")
