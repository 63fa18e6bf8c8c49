"""Large GPX files read as a stream, so that memory follows the track, not the file.

A GPX of five million points is half a gigabyte of text; read whole, with its arrays and
the document cut up around it, it took several gigabytes. :func:`parse_gpx_stream`
reads such a file block by block (:data:`BLOCK` bytes): the point containers'
(``<trkseg>``) contents are handed to the point scanner (:mod:`._pointscan`) a block's
worth of whole points at a time and only their columns are kept; the rest of the
document (metadata, track type, creator), without the points, is parsed by ElementTree
at the end, exactly as :func:`._pointscan.parse_skeleton` does for a whole file. The
points go through the same tiers as a whole file's (:func:`._pointgroups.read_points`),
so every byte outside their values is compared there too.

Whenever the scanner cannot vouch for a block (an odd point shape, a value that does not
convert, a ``<trkpt>`` outside a segment, points that never close), the stream gives up
(``None``) and the caller reads the file whole as usual: same result, more memory.
:func:`runwell.activities.checked.parse_checked` streams GPX files whose stored size
exceeds :data:`STREAM_BYTES` (:data:`STREAM_GZ_BYTES` gzipped).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from runwell._xml import namespace
from runwell.activities._pointcolumns import PointColumns
from runwell.activities._pointgroups import read_points
from runwell.activities._session import Parsed
from runwell.activities.gpx import POINT_COLUMNS, TIME_COLUMNS, gpx_from_points, point_rule, track_meta
from runwell.limits import check_points

__all__ = ["parse_gpx_stream", "STREAM_BYTES", "STREAM_GZ_BYTES", "BLOCK"]

#: Plain GPX files larger than this are streamed.
STREAM_BYTES = 64 << 20
#: Gzipped GPX files larger than this (compressed) are streamed.
STREAM_GZ_BYTES = 8 << 20
#: Bytes read per step.
BLOCK = 16 << 20
#: Most bytes of the document outside the points kept for ElementTree (metadata, waypoints).
MAX_SKELETON = 64 << 20
#: Columns a summary needs; streams need them all.
SUMMARY_COLUMNS = ("time_utc", "lat", "lon", "altitude_m", "heart_rate")
_OPEN, _CLOSE, _POINT_END = b"<trkseg", b"</trkseg>", b"</trkpt>"
_AFTER_NAME = (b" ", b"\t", b"\r", b"\n", b">", b"/")


class _GiveUp(Exception):
    """The stream cannot vouch for the file; read it whole instead."""


@dataclass
class _State:
    """What the stream has gathered so far."""

    names: tuple[str, ...]
    path: str
    skeleton: bytearray = field(default_factory=bytearray)
    columns: dict[str, list[np.ndarray]] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)
    inside: bool = False
    total: int = 0

    def keep(self, text: bytes) -> None:
        """Add document text outside the points to the skeleton."""
        self.skeleton += text
        if len(self.skeleton) > MAX_SKELETON:
            raise _GiveUp

    def points(self, body: bytes) -> None:
        """Scan whole points of the current segment and keep their columns."""
        if not body.strip():
            return
        scanned = read_points([body], b"trkpt", point_rule, times=TIME_COLUMNS)
        if scanned is None:
            raise _GiveUp
        found, (n,) = scanned
        if n == 0:
            if b"<trkpt" in body:
                raise _GiveUp
            return
        found.load(self.names)
        for name in self.names:
            self.columns.setdefault(name, []).append(found.column(name))
        self.counts[-1] += n
        self.total += n
        check_points(self.total, self.path)


def _open_at(buf: bytes, pos: int) -> int:
    """Where the next ``<trkseg`` tag (not a longer name) starts in ``buf``, or -1."""
    start = buf.find(_OPEN, pos)
    while start >= 0 and buf[start + len(_OPEN) : start + len(_OPEN) + 1] not in _AFTER_NAME:
        start = buf.find(_OPEN, start + 1)
    return start


def _consume(buf: bytes, pos: int, state: _State, eof: bool) -> int:
    """Take what ``buf`` holds from ``pos`` on; return where the unread rest starts.

    Outside a segment the text goes to the skeleton up to and including the next
    ``<trkseg ...>``; inside one, whole points go to the scanner up to ``</trkseg>``.
    What may continue in the next block (a tag cut in two, a point not yet closed) is
    left unread.
    """
    while True:
        if state.inside:
            end = buf.find(_CLOSE, pos)
            if end >= 0:
                state.points(buf[pos:end])
                state.inside, pos = False, end
                continue
            last = buf.rfind(_POINT_END, pos)
            if eof or (last < 0 and len(buf) - pos > 4 * BLOCK):
                raise _GiveUp  # a segment never closed, or points that never end
            if last >= 0:
                state.points(buf[pos : last + len(_POINT_END)])
                pos = last + len(_POINT_END)
            return pos
        start = _open_at(buf, pos)
        if start < 0:
            keep_to = len(buf) if eof else max(pos, len(buf) - len(_OPEN) - 1)
            state.keep(buf[pos:keep_to])
            return keep_to
        gt = buf.find(b">", start)
        if gt < 0:
            if eof:
                raise _GiveUp
            state.keep(buf[pos:start])
            return start
        state.keep(buf[pos : gt + 1])
        state.counts.append(0)
        state.inside, pos = buf[gt - 1 : gt] != b"/", gt + 1


def _walk(handle: IO[bytes], state: _State) -> None:
    """Read the stream to its end, splitting it into skeleton and points."""
    buf = handle.read(BLOCK)
    pos = 3 if buf.startswith(b"\xef\xbb\xbf") else 0  # as cut_containers: a byte-order mark
    while buf[pos : pos + 1] in (b" ", b"\t", b"\r", b"\n"):  # and whitespace before <?xml
        pos += 1
    eof = not buf
    while True:
        pos = _consume(buf, pos, state, eof)
        if eof:
            return
        chunk = handle.read(BLOCK)
        eof = not chunk
        buf = buf[pos:] + chunk
        pos = 0


def _finish(state: _State) -> tuple[PointColumns, np.ndarray, str | None, str | None]:
    """Parse the skeleton and join the columns; give up where :func:`parse_skeleton` would."""
    try:
        root = ET.fromstring(bytes(state.skeleton))
    except (ET.ParseError, LookupError, ValueError) as err:
        raise _GiveUp from err
    ns = namespace(root.tag)
    if len(list(root.iter(ns + "trkseg"))) != len(state.counts) or next(root.iter(ns + "trkpt"), None) is not None:
        raise _GiveUp
    if not state.total:
        raise _GiveUp
    values = {}
    for name in state.names:
        parts = state.columns.pop(name)
        values[name] = np.concatenate(parts)
        parts.clear()
    points = PointColumns(state.total, values=values, times=TIME_COLUMNS)
    segment = np.repeat(np.arange(len(state.counts)), state.counts)
    return points, segment, *track_meta(root, ns)


def parse_gpx_stream(handle: IO[bytes], *, path: str, streams: bool = False) -> Parsed | None:
    """Read a GPX file from a stream, or None when the caller should read it whole.

    Parameters
    ----------
    handle
        The (decompressed) GPX bytes as a binary stream.
    path
        Shown in messages.
    streams
        Also return the track points.

    Returns
    -------
    Parsed or None
        As :func:`runwell.activities.gpx.parse_gpx` gives it; None when the stream cannot
        vouch for the result.

    Raises
    ------
    NotAnActivityError, InputError
        As :func:`runwell.activities.gpx.parse_gpx`; :class:`~runwell.errors.LimitError`
        past ``max_points``.
    """
    names = POINT_COLUMNS if streams else SUMMARY_COLUMNS
    state = _State(names=names, path=path)
    try:
        _walk(handle, state)
        read = _finish(state)
    except _GiveUp:
        return None
    return gpx_from_points(*read, path=path, streams=streams)
