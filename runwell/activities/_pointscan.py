"""Fast reading of the repeated point elements of GPX and TCX files.

A one-hour GPX or TCX file holds thousands of point elements (``<trkpt>``,
``<Trackpoint>``) that all look alike. Building an XML tree of them costs about 20 ms
per file, most of the cold-load time of a Strava export. Here the points are read with
one regular expression built from the shape of the file's own points, and the rest of
the document (metadata, laps, sport), with the point containers emptied, is still
parsed by the XML parser.

The fast path is exact or it is not taken:

* the expression is built from a point of the file itself; every child element is
  optional but their order is fixed, and each match runs from ``<point`` to
  ``</point>``. Only when the number of matches equals the number of ``<point``
  tags has every point been read whole, so no value can slip to a neighbour;
* a comment, CDATA section or mixed content among the points, a value that does not
  convert, a namespace prefix the expression cannot vouch for, or a point left in
  the emptied document all make the caller read the file with ElementTree instead.

Callers (:mod:`.gpx`, :mod:`.tcx`) describe their points with a *column rule*: a
function from an element path inside the point (local names as written, attributes as
``"@name"``) to a column name, ``None`` to ignore the element, or :data:`ABORT` to give
up on the fast path. The tests read every real GPX and TCX file both ways and compare.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["ABORT", "cut_containers", "scan_points", "to_floats", "to_times"]

#: Returned by a column rule to refuse the fast path for this file.
ABORT = "<abort>"
#: Points looked at to find the shape of a file's points (the fullest one is used).
SAMPLE_POINTS = 16

ColumnRule = Callable[[tuple[str, ...]], "str | None"]

_WS = b" \t\r\n"
_TOKEN = re.compile(rb"<(/?)([^\s/>!?]+)((?:\s[^>]*?)?)(/?)>([^<]*)")
_ATTR = re.compile(rb"""([^\s=]+)\s*=\s*(["'])(.*?)\2""", re.S)
_UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z")


def cut_containers(data: bytes, container: bytes) -> tuple[bytes, list[bytes]] | None:
    """Empty every ``<container>`` element of an XML document.

    Parameters
    ----------
    data
        The document's bytes.
    container
        The tag whose content is cut out (``b"trkseg"``, ``b"Track"``), as written in
        the file (no namespace prefix).

    Returns
    -------
    tuple of bytes and list of bytes, or None
        The document with each container's content removed (the containers stay, empty)
        and the removed contents in document order (``b""`` for ``<container/>``);
        ``None`` when a container is not closed.

    Examples
    --------
    >>> cut_containers(b"<a><s><p/><p/></s><s/></a>", b"s")
    (b'<a><s></s><s/></a>', [b'<p/><p/>', b''])
    """
    opening, closing = b"<" + container, b"</" + container + b">"
    pieces: list[bytes] = []
    bodies: list[bytes] = []
    pos = 0
    while (start := data.find(opening, pos)) >= 0:
        after = start + len(opening)
        if data[after:after + 1] not in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
            pieces.append(data[pos:after])  # a longer tag name, e.g. <Trackpoint for <Track
            pos = after
            continue
        gt = data.find(b">", after)
        if gt < 0:
            return None
        if data[gt - 1:gt] == b"/":
            pieces.append(data[pos:gt + 1])
            bodies.append(b"")
            pos = gt + 1
            continue
        end = data.find(closing, gt)
        if end < 0:
            return None
        pieces.append(data[pos:gt + 1])
        bodies.append(data[gt + 1:end])
        pos = end
    pieces.append(data[pos:])
    return b"".join(pieces), bodies


@dataclass
class _Shape:
    """The shape of a point element: which children it may have, in which order."""

    name: bytes
    attrs: tuple[bytes, ...] = ()  # attribute names, in order (the point element only)
    closed: bool = False  # seen written <name/>
    leaf: bool = False  # seen holding text
    children: list[_Shape] = field(default_factory=list)


def _parse_point(text: bytes) -> _Shape | None:
    """The shape of one point element's text; None unless it is plain nested elements."""
    stack: list[_Shape] = []
    root: _Shape | None = None
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            return None
        pos = match.end()
        end, name, attrs, closed, after = match.groups()
        if end:
            if not stack or stack[-1].name != name:
                return None
            node = stack.pop()
            if stack and after.strip(_WS):
                return None  # text between elements: mixed content
            continue
        node = _Shape(name, tuple(a for a, _q, _v in _ATTR.findall(attrs)) if root is None else ())
        if stack:
            stack[-1].children.append(node)
            if stack[-1].leaf:
                return None
        elif root is None:
            root = node
        else:
            return None
        if closed:
            node.closed = True
            if stack and after.strip(_WS):
                return None
        else:
            node.leaf = bool(after.strip(_WS))
            stack.append(node)
    return root if root is not None and not stack and pos == len(text) else None


def _merge(a: _Shape, b: _Shape) -> _Shape | None:
    """One shape admitting both (None when they conflict: another order, text and
    children in one element, repeated siblings)."""
    if a.name != b.name or a.attrs != b.attrs:
        return None
    children = _merge_children(a.children, b.children)
    if children is None:
        return None
    merged = _Shape(a.name, a.attrs, a.closed or b.closed, a.leaf or b.leaf, children)
    return None if merged.leaf and merged.children else merged


def _merge_children(a: list[_Shape], b: list[_Shape]) -> list[_Shape] | None:
    names = [child.name for child in a]
    if len(set(names)) != len(names) or len({child.name for child in b}) != len(b):
        return None
    result = list(a)
    last = -1
    for child in b:
        if child.name in names:
            index = names.index(child.name)
            if index <= last:
                return None  # the two points order their children differently
            merged = _merge(result[index], child)
            if merged is None:
                return None
            result[index] = merged
            last = index
        else:
            last += 1
            result.insert(last, child)
            names.insert(last, child.name)
    return result


def _element_pattern(node: _Shape, path: tuple[str, ...], rule: ColumnRule, groups: list[str]) -> bytes | None:
    """An optional sub-pattern for a child element of the point (see module docs)."""
    here = path + (node.name.decode("ascii", "replace"),)
    column = rule(here)
    if column == ABORT:
        return None
    name = re.escape(node.name)
    forms = [b"/>"] if node.closed else []
    if node.children:
        inner = []
        for child in node.children:
            part = _element_pattern(child, here, rule, groups)
            if part is None:
                return None
            inner.append(part)
        forms.append(rb">\s*" + b"".join(inner) + b"</" + name + b">")
    elif node.leaf or not node.closed:
        if column:
            groups.append(column)
        forms.append(b">" + (rb"([^<]*)" if column else rb"[^<]*") + b"</" + name + b">")
    return rb"(?:<" + name + rb"(?:\s[^>]*)?(?:" + b"|".join(forms) + rb")\s*)?"


def _point_pattern(point: _Shape, rule: ColumnRule) -> tuple[bytes, list[str]] | None:
    """The whole-point expression and the column of each of its groups."""
    groups: list[str] = []
    head = b"<" + re.escape(point.name)
    for attr_name in point.attrs:
        column = rule(("@" + attr_name.decode("ascii", "replace"),))
        if column == ABORT:
            return None
        quote = len(groups) + 1  # the value must close with the quote it opened with
        groups.append("<quote>")
        if column:
            groups.append(column)
        value = (rb"""(["'])([^"'<>]*)\%d""" if column else rb"""(["'])[^"'<>]*\%d""") % quote
        head += rb"\s+" + re.escape(attr_name) + rb"\s*=\s*" + value
    children = []
    for child in point.children:
        part = _element_pattern(child, (), rule, groups)
        if part is None:
            return None
        children.append(part)
    if point.leaf:
        return None
    body = rb">\s*" + b"".join(children) + b"</" + re.escape(point.name) + b">"
    # a point may also be written empty, <point .../>
    return head + rb"\s*(?:/>|" + body + b")", groups


def _point_texts(region: bytes, opening: bytes, closing: bytes, first: int) -> list[bytes]:
    """The texts of the first few point elements of a region, and of its last one."""
    texts: list[bytes] = []
    starts = []
    pos = 0
    while len(starts) < first and (start := region.find(opening, pos)) >= 0:
        starts.append(start)
        pos = start + 1
    last = region.rfind(opening)
    if last >= 0 and last not in starts:
        starts.append(last)
    for start in starts:
        gt = region.find(b">", start)
        if gt < 0:
            continue
        if region[gt - 1:gt] == b"/":
            texts.append(region[start:gt + 1])
            continue
        end = region.find(closing, gt)
        if end >= 0:
            texts.append(region[start:end + len(closing)])
    return texts


#: Rounds of widening the shape with points the expression did not match.
SHAPE_ROUNDS = 3


def scan_points(bodies: Sequence[bytes], point: bytes, rule: ColumnRule) -> tuple[dict[str, tuple[bytes, ...]], list[int]] | None:
    """Read every ``<point>`` element of some container bodies with one expression.

    The shape comes from the first points and the last point of each body, merged;
    points the expression then misses widen it (up to :data:`SHAPE_ROUNDS` times).

    Parameters
    ----------
    bodies
        Container contents from :func:`cut_containers`.
    point
        The point tag as written (``b"trkpt"``, ``b"Trackpoint"``).
    rule
        The column rule (see the module docs).

    Returns
    -------
    tuple of dict and list, or None
        The raw bytes of each column, one entry per point in document order (``b""``
        where a point lacks the element), and the number of points in each body;
        ``None`` when the fast path cannot vouch for the result.

    Examples
    --------
    >>> rule = lambda path: {("@lat",): "lat", ("ele",): "ele", ("time",): "time"}.get(path)
    >>> body = b"<pt lat='1'><ele>5</ele></pt><pt lat='2'/><pt lat='3'><time>t</time></pt>"
    >>> scan_points([body], b"pt", rule)
    ({'lat': (b'1', b'2', b'3'), 'time': (b'', b'', b't'), 'ele': (b'5', b'', b'')}, [3])
    """
    opening, closing = b"<" + point, b"</" + point + b">"
    counts = [body.count(opening) for body in bodies]
    n = sum(counts)
    if n == 0:
        return {}, counts
    region = bodies[0] if len(bodies) == 1 else b"".join(bodies)
    if b"<!--" in region or b"<![CDATA[" in region:
        return None
    texts = [text for body in bodies for text in _point_texts(body, opening, closing, SAMPLE_POINTS)]
    shape: _Shape | None = None
    for _round in range(SHAPE_ROUNDS):
        for text in texts:
            node = _parse_point(text)
            shape = node if shape is None or node is None else _merge(shape, node)
            if shape is None:
                return None
        built = _point_pattern(shape, rule) if shape is not None else None
        if built is None:
            return None
        pattern, groups = built
        columns = [g for g in groups if g != "<quote>"]
        if len(set(columns)) != len(columns):
            return None  # two elements of a point feed one column
        compiled = re.compile(pattern)
        matches = compiled.findall(region)
        if len(matches) == n:
            if not groups:
                return {}, counts
            values = zip(*matches) if len(groups) > 1 else [matches]
            return {name: column for name, column in zip(groups, values) if name != "<quote>"}, counts
        texts = _point_texts(compiled.sub(b"", region), opening, closing, SAMPLE_POINTS)
        if not texts:
            return None
    return None


def to_floats(values: Sequence[bytes]) -> np.ndarray:
    """Numbers from raw element texts; an empty text is missing (NaN).

    Raises
    ------
    ValueError
        A text is not a number (the caller then takes the XML parser's path).

    Examples
    --------
    >>> to_floats([b"1.5", b"", b" 2 "])
    array([1.5, nan, 2. ])
    """
    if b"" in values:
        values = [value or b"nan" for value in values]
    return np.array(values, dtype=float)


def to_times(values: Sequence[bytes]) -> np.ndarray:
    """UTC times (``datetime64[us]``, NaT where a text is empty) from ISO 8601 texts, as
    ``pandas.to_datetime(..., utc=True, format="ISO8601")`` reads them.

    The common case, every time written ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` with the same
    width (as devices and Strava write them), is converted by numpy without a Python
    loop; anything else goes through pandas.

    Raises
    ------
    ValueError
        A text is not an ISO 8601 time.

    Examples
    --------
    >>> to_times([b"2024-05-01T06:00:00Z", b"2024-05-01T06:00:01Z"])
    array(['2024-05-01T06:00:00.000000', '2024-05-01T06:00:01.000000'],
          dtype='datetime64[us]')
    >>> to_times([b" 2024-05-01T08:00:00+02:00 ", b""])
    array(['2024-05-01T06:00:00.000000',                        'NaT'],
          dtype='datetime64[us]')
    """
    n = len(values)
    width = len(values[0]) if n else 0
    if n and _UTC_ISO.fullmatch(values[0].decode("ascii", "replace")):
        joined = b"".join(values)
        if len(joined) == n * width:
            chars = np.frombuffer(joined, dtype=np.uint8).reshape(n, width)
            if (chars[:, -1] == ord("Z")).all():
                stamps = np.ascontiguousarray(chars[:, :-1]).view(f"S{width - 1}").ravel()
                return stamps.astype("datetime64[us]")
    texts = [value.strip(_WS).decode("ascii", "replace") or None for value in values]
    parsed = pd.DatetimeIndex(pd.to_datetime(texts, utc=True, format="ISO8601"))
    return parsed.tz_convert(None).to_numpy().astype("datetime64[us]")
