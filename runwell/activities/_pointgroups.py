"""Points of a few shapes, read with array arithmetic: the first tier of the point scanner.

:mod:`._pointscan` reads a file's points with array arithmetic only when every point is
written like the first; otherwise it builds one regular expression, which costs about
as much as parsing the file. Real files mix a few shapes: TCX trackpoints without a
position while the watch waits for satellites, or without heart rate for a moment; GPX
points with or without extensions. Here each point is put in the group of its *shape*:
its text once the characters of numbers and times (digits, ``.``, ``-``, ``+``, ``:``)
are set aside, the same test the uniform tier applies to all points at once. Within a
group the values sit between the same tags, so one layout per group
(:func:`._pointscan._layout`, learned from the group's first point, which must be plain
nested elements) places every value; the columns are then assembled in document order,
empty (NaN, NaT) where a point's shape lacks the element.

Anything the groups cannot vouch for (a point tag not closed, a body boundary inside a
point, a value whose tag is written with a prefix of another length, a value that does
not convert) returns ``None``, and the caller goes on to :func:`._pointscan.scan_points`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice, repeat

import numpy as np

from runwell.activities._isotimes import span_times
from runwell.activities._pointcheck import same_outside_values
from runwell.activities._pointscan import (
    _VALUE_CHARS,
    _WS,
    ColumnRule,
    PointColumns,
    _gathered_equal,
    _Layout,
    _layout,
    scan_points,
)

__all__ = ["read_points", "scan_grouped"]

#: Bytes that may follow a point's tag name.
_AFTER_NAME = np.frombuffer(b" \t\r\n>/", dtype=np.uint8)


def read_points(
    bodies: Sequence[bytes], point: bytes, rule: ColumnRule, times: frozenset[str] = frozenset()
) -> tuple[PointColumns, list[int]] | None:
    """Read every ``<point>`` of some container bodies: :func:`scan_grouped`, else the
    expression tier of :func:`._pointscan.scan_points` (same parameters and result).

    Files whose points are all alike are the grouped tier's too, which also compares
    every byte outside the values: what it refuses goes to the expression tier, never to
    the uniform tier.
    """
    try:
        grouped = scan_grouped(bodies, point, rule, times)
    except ValueError:
        grouped = None
    return grouped if grouped is not None else scan_points(bodies, point, rule, times, uniform=False)


def _shapes(markup: bytes, opening: bytes) -> tuple[list[bytes], np.ndarray, list[int]] | None:
    """The distinct point shapes, each point's shape number and each shape's first point.

    Points all written alike (most files) are recognised without splitting the text:
    the first point's shape and separator, repeated, must tile the text exactly.
    """
    first = markup.find(opening)
    if markup[:first].strip(_WS):
        return None  # something other than points before the first point
    second = markup.find(opening, first + 1)
    if second > 0:  # c copies of the first point and its separator, then a last point
        unit = markup[first:second]
        copies = markup.count(unit, first)
        stop = first + len(unit) * copies
        if len(markup) - stop < len(unit) and (last := markup[stop:].rstrip(_WS)) == unit.rstrip(_WS):
            return [last], np.zeros(copies + 1, dtype=np.int64), [0]
    pieces = markup.split(opening)
    keys = list(map(bytes.rstrip, islice(pieces, 1, None), repeat(_WS, len(pieces) - 1)))
    number = {key: index for index, key in enumerate(dict.fromkeys(keys))}  # in order of first use
    ids = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=len(keys))
    firsts = np.unique(ids, return_index=True)[1]
    return [opening + key for key in number], ids, firsts.tolist()


def _group_layouts(
    region: bytes, shapes: list[bytes], firsts: list[int], starts: np.ndarray, point: bytes, rule: ColumnRule
) -> tuple[list[_Layout], list[bytes]] | None:
    """One layout per shape, from the shape's first point, and that point's text (None
    if one cannot serve)."""
    closing = b"</" + point + b">"
    layouts = []
    texts = []
    for key, first in zip(shapes, firsts, strict=True):
        begin = int(starts[first])
        stop = int(starts[first + 1]) if first + 1 < len(starts) else len(region)
        text = region[begin:stop].rstrip(_WS)
        if not (text.endswith(closing) or (text.endswith(b"/>") and text.count(b"<") == 1)):
            return None  # text after the point, or a point that does not close itself
        layout = _layout(text, b"", rule)
        if layout is None or layout.tags != key.count(b"<"):
            return None
        layouts.append(layout)
        texts.append(text)
    return layouts, texts


def _quoting(
    arr: np.ndarray, ids: np.ndarray, layouts: list[_Layout], texts: list[bytes]
) -> tuple[np.ndarray | None, np.ndarray | None] | None:
    """Where the quotes of the points' own attributes are: every quote of the one kind
    they use and the index of each point's first one (None, None without attributes);
    None when shapes quote differently or the quotes do not add up."""
    kinds = {layout.quote for layout in layouts if layout.quote}
    if len(kinds) > 1:
        return None
    if not kinds:
        return None, None
    quote = kinds.pop()
    quotes = np.flatnonzero(arr == quote)
    per_shape = np.array([text.count(bytes([quote])) for text in texts], dtype=np.int64)
    first_quote = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(per_shape[ids], out=first_quote[1:])
    return (quotes, first_quote) if int(first_quote[-1]) == len(quotes) else None


def scan_grouped(
    bodies: Sequence[bytes], point: bytes, rule: ColumnRule, times: frozenset[str] = frozenset()
) -> tuple[PointColumns, list[int]] | None:
    """Read every ``<point>`` of some container bodies by grouping the points by shape.

    Parameters
    ----------
    bodies, point, rule, times
        As for :func:`._pointscan.scan_points`.

    Returns
    -------
    tuple of PointColumns and list of int, or None
        The columns (times converted, numbers when first used: one that does not
        convert raises :class:`._pointscan.UnreadableValue` then) and the points in
        each body; ``None`` when the groups cannot vouch for the result.

    Raises
    ------
    ValueError
        A time does not convert (the caller hands the file on).

    Examples
    --------
    >>> rule = lambda path: {("@lat",): "lat", ("ele",): "ele"}.get(path)
    >>> body = b'<pt lat="1"><ele>5</ele></pt> <pt lat="2"/> <pt lat="-3.5"><ele>7</ele></pt>'
    >>> columns, counts = scan_grouped([body], b"pt", rule)
    >>> columns["lat"], columns["ele"], counts
    (array([ 1. ,  2. , -3.5]), array([ 5., nan,  7.]), [3])
    """
    opening = b"<" + point
    region = bodies[0] if len(bodies) == 1 else b"".join(bodies)
    if opening not in region:
        return (PointColumns(0, times=times), [0] * len(bodies)) if not region.strip(_WS) else None
    found = _shapes(region.translate(None, _VALUE_CHARS), opening)
    if found is None:
        return None
    shapes, ids, firsts = found
    if any(b"&" in key for key in shapes):
        return None  # a character or entity reference: left to the XML parser
    arr = np.frombuffer(region, dtype=np.uint8)
    all_tags = np.flatnonzero(arr == 60)
    tags_of = np.array([key.count(b"<") for key in shapes], dtype=np.int64)
    first_tag = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(tags_of[ids], out=first_tag[1:])
    if int(first_tag[-1]) != len(all_tags):
        return None
    starts = all_tags[first_tag[:-1]]
    grouped = _group_layouts(region, shapes, firsts, starts, point, rule)
    if grouped is None or not _gathered_equal(arr, starts, opening):
        return None
    layouts, texts = grouped
    if not np.isin(arr[np.minimum(starts + len(opening), len(arr) - 1)], _AFTER_NAME).all():
        return None
    counts = _body_counts(bodies, all_tags, first_tag)
    if counts is None:
        return None
    quoting = _quoting(arr, ids, layouts, texts)
    if quoting is None or not same_outside_values(arr, all_tags, first_tag, ids, texts, *quoting):
        return None
    spans = _spans(arr, all_tags, first_tag, ids, layouts, *quoting)
    values = {name: span_times(region, arr, *spans.pop(name)) for name in times if name in spans}
    return PointColumns(len(ids), spans=spans, region=region, arr=arr, times=times, values=values), counts


def _body_counts(bodies: Sequence[bytes], all_tags: np.ndarray, first_tag: np.ndarray) -> list[int] | None:
    """Points per body; None when a body boundary falls inside a point."""
    if len(bodies) == 1:
        return [len(first_tag) - 1]
    offsets = np.cumsum([0] + [len(body) for body in bodies])
    bounds = np.searchsorted(all_tags, offsets)  # tag index where each body starts (and the end)
    at = np.searchsorted(first_tag, bounds)
    if not (first_tag[np.minimum(at, len(first_tag) - 1)] == bounds).all():
        return None
    return np.diff(at).tolist()


def _spans(
    arr: np.ndarray,
    all_tags: np.ndarray,
    first_tag: np.ndarray,
    ids: np.ndarray,
    layouts: list[_Layout],
    quotes: np.ndarray | None,
    first_quote: np.ndarray | None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Where each column's value is written in every point (empty where a shape lacks it)."""
    n = len(ids)
    spans: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    single = len(layouts) == 1
    for number, layout in enumerate(layouts):
        rows = None if single else np.flatnonzero(ids == number)
        tag0 = first_tag[:-1] if rows is None else first_tag[rows]
        for column, index, name in layout.leaves:
            begin = all_tags[tag0 + index] + len(name) + 2  # checked by same_outside_values
            _put(spans, column, n, rows, begin, all_tags[tag0 + index + 1])
        if layout.attrs and quotes is not None and first_quote is not None:
            q0 = first_quote[:-1] if rows is None else first_quote[rows]
            for column, index in layout.attrs:
                _put(spans, column, n, rows, quotes[q0 + index] + 1, quotes[q0 + index + 1])
    return spans


def _put(
    spans: dict[str, tuple[np.ndarray, np.ndarray]],
    column: str,
    n: int,
    rows: np.ndarray | None,
    begin: np.ndarray,
    end: np.ndarray,
) -> None:
    """Record one shape's spans of a column (all points' when ``rows`` is None)."""
    if rows is None:
        spans[column] = (begin, end)
        return
    if column not in spans:
        spans[column] = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))
    spans[column][0][rows] = begin
    spans[column][1][rows] = end
