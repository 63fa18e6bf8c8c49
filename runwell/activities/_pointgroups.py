"""Points of a few shapes, read with array arithmetic: the first tier of the point scanner.

:mod:`._pointscan` reads a file's points with array arithmetic only when every point is
written like the first; otherwise it builds one regular expression, which costs about
as much as parsing the file. Real files mix a few shapes: TCX trackpoints without a
position while the watch waits for satellites, or without heart rate for a moment; GPX
points with or without extensions. Here each point is put in the group of its *shape*,
told by its tags alone (:func:`_shapes`): how many there are and the first bytes of
their names, found with one search for ``<`` and a few gathers, never a pass over the
whole text. Within a group the values sit between the same tags, so one layout per
group (:func:`._pointscan._layout`, learned from the group's first point, which must be
plain nested elements) places every value; the columns are then assembled in document
order, empty (NaN, NaT) where a point's shape lacks the element.

What makes this exact is the check that follows (:mod:`._pointcheck`): every point is
compared, byte for byte, with the first point of its group outside its values, and the
text between points must be whitespace. A group that mixes two ways of writing a point
(which the tags alone could not tell apart) fails the check. Anything the groups cannot
vouch for (that, a point tag not closed, a body boundary inside a point, a character
reference, a control or non-ASCII character, a value that does not convert) returns
``None``, and the caller goes on to :func:`._pointscan.scan_points`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from runwell.activities._isotimes import span_times
from runwell.activities._pointcheck import Marks, same_outside_values
from runwell.activities._pointcolumns import PointColumns
from runwell.activities._pointscan import (
    _WS,
    ColumnRule,
    _Layout,
    _layout,
    plain_text,
    scan_points,
)

__all__ = ["read_points", "scan_grouped"]

#: Bytes that may follow a point's tag name, by byte value.
_AFTER_NAME = np.zeros(256, dtype=bool)
_AFTER_NAME[list(b" \t\r\n>/")] = True
#: Whitespace, by byte value.
_BLANK = np.zeros(256, dtype=bool)
_BLANK[list(_WS)] = True
#: Text between points longer than this is looked at one gap at a time.
_WIDEST_GAP = 256


def read_points(
    bodies: Sequence[bytes], point: bytes, rule: ColumnRule, times: frozenset[str] = frozenset()
) -> tuple[PointColumns, list[int]] | None:
    """Read every ``<point>`` of some container bodies: :func:`scan_grouped`, else the
    expression tier, :func:`._pointscan.scan_points` (same parameters and result)."""
    try:
        grouped = scan_grouped(bodies, point, rule, times)
    except ValueError:
        grouped = None
    return grouped if grouped is not None else scan_points(bodies, point, rule, times)


def _point_tags(arr: np.ndarray, names: np.ndarray, first: np.ndarray, point: bytes) -> np.ndarray:
    """Which tags open a ``<point>`` (indices into ``names``, the offsets of the tags'
    names; ``first``, their first bytes): the name, then a byte that may follow it."""
    width = len(point)
    after = np.flatnonzero(first == point[0])
    after = after[names[after] + width < len(arr)]
    records = np.ndarray((len(arr) - width + 1,), dtype=f"V{width}", buffer=arr, strides=(1,))
    named = records[names[after]] == np.frombuffer(point, dtype=f"V{width}")[0]
    return after[named & _AFTER_NAME[arr[names[after] + width]]]


def _tag_keys(arr: np.ndarray, names: np.ndarray) -> np.ndarray:
    """A number for each tag from its name's first, second and eighth bytes (the last
    set to zero when it is one of a number or time, ``+`` to ``:``, as it may be a value
    after a short name): a prefix such as ``gpxtpx:`` then still leaves a byte of the
    local name. Bytes past the end count as zero."""
    if len(names) and int(names[-1]) + 7 >= len(arr):
        arr = np.concatenate([arr, np.zeros(8, dtype=np.uint8)])
    eighth = arr[7:][names]
    eighth[eighth - np.uint8(0x2B) <= 0x3A - 0x2B] = 0
    keys = arr[names].astype(np.uint32)
    keys |= arr[1:][names].astype(np.uint32) << 8
    keys |= eighth.astype(np.uint32) << 16
    return keys


def _shapes(arr: np.ndarray, all_tags: np.ndarray, point: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each point's first tag (with the number of tags at the end), its shape number,
    and each shape's first point.

    A point's shape is told by its tags: their number and the names they start with
    (:func:`_tag_keys`, summed), so no pass over the text is needed beyond finding the
    tags. Points of one shape are then compared byte for byte outside their values
    (:func:`._pointcheck.same_outside_values`); a shape that mixes two ways of writing
    a point fails that comparison, and the file goes to the slower tiers.
    """
    names = all_tags + 1
    if names[-1] >= len(arr):
        return None  # the text ends in '<'
    starts = _point_tags(arr, names, arr[names], point)
    if not len(starts) or starts[0] != 0:
        return None  # a tag before the first point
    first_tag = np.append(starts, len(all_tags))
    counts = np.diff(first_tag)
    keys = np.add.reduceat(_tag_keys(arr, names), starts, dtype=np.uint64) ^ (counts.astype(np.uint64) << np.uint64(40))
    _distinct, firsts, ids = np.unique(keys, return_index=True, return_inverse=True)
    return first_tag, ids.reshape(-1), firsts


def _blank_between(region: bytes, arr: np.ndarray, ends: np.ndarray, starts: np.ndarray) -> bool:
    """Whether only whitespace follows each point, up to the next one (or the end)."""
    following = np.append(starts[1:], len(arr))
    width = following - ends
    if (width < 0).any():
        return False  # points overlap: a point's text is not what its tags say
    widest = int(width.max()) if len(width) else 0
    if widest > _WIDEST_GAP:
        return not any(region[a:b].strip(_WS) for a, b in zip(ends.tolist(), following.tolist(), strict=True))
    index = np.minimum(ends[:, None] + np.arange(widest), len(arr) - 1)
    inside = np.arange(widest) < width[:, None]
    return bool((_BLANK[arr[index]] | ~inside).all())


def _group_layouts(
    region: bytes, tags_of: np.ndarray, firsts: np.ndarray, starts: np.ndarray, point: bytes, rule: ColumnRule
) -> tuple[list[_Layout], list[bytes]] | None:
    """One layout per shape, from the shape's first point, and that point's text (None
    if one cannot serve)."""
    closing = b"</" + point + b">"
    layouts = []
    texts = []
    for tags, first in zip(tags_of.tolist(), firsts.tolist(), strict=True):
        begin = int(starts[first])
        stop = int(starts[first + 1]) if first + 1 < len(starts) else len(region)
        text = region[begin:stop].rstrip(_WS)
        if not (text.endswith(closing) or (text.endswith(b"/>") and text.count(b"<") == 1)):
            return None  # text after the point, or a point that does not close itself
        layout = _layout(text, rule)
        if layout is None or layout.tags != tags:
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
        convert raises :class:`._pointcolumns.UnreadableValue` then) and the points in
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
    if b"&" in region or len(region) < 16:
        return None  # a character or entity reference: left to the XML parser
    arr = np.frombuffer(region, dtype=np.uint8)
    if not plain_text(region, arr):
        return None
    all_tags = np.flatnonzero(arr == 60)
    if region[: int(all_tags[0])].strip(_WS):
        return None  # something other than points before the first point
    found = _shapes(arr, all_tags, point)
    if found is None:
        return None
    first_tag, ids, firsts = found
    starts = all_tags[first_tag[:-1]]
    grouped = _group_layouts(region, np.diff(first_tag)[firsts], firsts, starts, point, rule)
    counts = _body_counts(bodies, all_tags, first_tag)
    if grouped is None or counts is None:
        return None
    layouts, texts = grouped
    quoting = _quoting(arr, ids, layouts, texts)
    if quoting is None:
        return None
    marks = Marks(arr, all_tags, first_tag, ids, len(layouts), *quoting)
    ends = same_outside_values(marks, texts)
    if ends is None or not _blank_between(region, arr, ends, starts):
        return None
    spans = _spans(marks, layouts)
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


def _spans(marks: Marks, layouts: list[_Layout]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Where each column's value is written in every point (empty where a shape lacks it)."""
    n = len(marks.ids)
    tags, quotes = marks.all_tags, marks.quotes
    spans: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for number, layout in enumerate(layouts):
        rows, tag0, quote0 = marks.shape(number)
        for column, index, name in layout.leaves:
            begin = tags[tag0 + index] + len(name) + 2  # checked by same_outside_values
            _put(spans, column, n, rows, begin, tags[tag0 + index + 1])
        if layout.attrs and quotes is not None and quote0 is not None:
            for column, index in layout.attrs:
                _put(spans, column, n, rows, quotes[quote0 + index] + 1, quotes[quote0 + index + 1])
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
