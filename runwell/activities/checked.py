"""Reading one activity file with its format's reader, guarded and checked.

:func:`parse_checked` is what :func:`runwell.activities.read.parse_member` calls: the
member is read through the limits of :mod:`runwell.limits` (large GPX files are streamed,
see :mod:`.gpxstream`), the reader runs inside :func:`runwell.safeio.reading` (whatever
it did not foresee becomes an :class:`~runwell.errors.InputError` naming the file) and
its result is checked for impossible values (:mod:`.plausible`).
"""

from __future__ import annotations

from collections.abc import Iterable

from runwell.activities._session import Parsed
from runwell.activities._sources import Member
from runwell.activities.formats import parse_activity
from runwell.activities.gpxstream import STREAM_BYTES, STREAM_GZ_BYTES, parse_gpx_stream
from runwell.activities.plausible import vet
from runwell.guard import reading
from runwell.safeio import refusal

__all__ = ["parse_checked", "raise_problems"]


def raise_problems(members: Iterable[Member]) -> None:
    """Raise :class:`InputError` for the first file that cannot be read at all.

    Single-file readers have no report to put it in, so a damaged archive, an encrypted
    or hostile member or a link out of the folder is an error for them.
    """
    for member in members:
        if member.problem:
            raise refusal(member.display, member.problem)


def parse_checked(member: Member, fmt: str, *, streams: bool = False) -> Parsed:
    """Read one activity file of format ``fmt``: guarded, limited and checked.

    Parameters
    ----------
    member
        The file (gunzipped here when its name says so).
    fmt
        Its registered format name.
    streams
        Also return the samples.

    Returns
    -------
    Parsed

    Raises
    ------
    NotAnActivityError, InputError
        As the reader raises them, and for anything else that goes wrong reading it.
    """
    with reading(member.display, f"{fmt.upper()} file"):
        parsed = _streamed(member, streams) if fmt == "gpx" and _large(member) else None
        if parsed is None:
            parsed = parse_activity(member.read(), fmt=fmt, path=member.display, streams=streams)
        return vet(parsed, member.display)


def _large(member: Member) -> bool:
    """Whether a file is large enough to be read as a stream (see :mod:`.gpxstream`)."""
    limit = STREAM_GZ_BYTES if member.gzipped else STREAM_BYTES
    return member.stored is not None and member.stored > limit


def _streamed(member: Member, streams: bool) -> Parsed | None:
    """A large GPX read as a stream, or None when it must be read whole."""
    with member.stream() as handle:
        return parse_gpx_stream(handle, path=member.display, streams=streams)
