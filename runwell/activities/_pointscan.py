"""Fast reading of the repeated point elements of GPX and TCX files.

A one-hour GPX or TCX file holds thousands of point elements (``<trkpt>``,
``<Trackpoint>``) that nearly always look alike. Building an XML tree of them costs
about 20 ms per file, most of the cold-load time of a Strava export. Here the point
containers (``<trkseg>``, ``<Track>``) are cut out of the document
(:func:`cut_containers`), the rest (metadata, laps, sport) is still parsed by the XML
parser, and the points are read by the readers' first tier, points grouped by shape
(:mod:`._pointgroups`, whose layouts :func:`_layout` learns), or else by the second tier
here, :func:`scan_points`: a regular expression built from the shapes of the file's own
points (every child optional, their order fixed). Only when the number of matches
equals the number of ``<point`` tags and nothing but whitespace lies between them has
every point been read whole, so no value can slip to a neighbour. Both tiers are exact
or not taken.

A comment, CDATA section or processing instruction among the points, mixed content, a
value that does not convert, a namespace prefix the rules cannot vouch for, or a point
left in the cut-out document all make the caller read the file with ElementTree
instead. Numbers are converted when a column is first used; one that does not convert
then raises :class:`._pointcolumns.UnreadableValue`, and the reader starts again with
ElementTree.

Callers (:mod:`.gpx`, :mod:`.tcx`) describe their points with a *column rule*: a
function from an element path inside the point (names as written, attributes as
``"@name"``) to a column name, ``None`` to ignore the element, or :data:`ABORT` to give
up on the fast path. The tests read every real GPX and TCX file both ways and compare.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from runwell._xml import namespace
from runwell.activities._isotimes import to_times
from runwell.activities._pointcolumns import PointColumns

__all__ = [
    "ABORT",
    "cut_containers",
    "parse_skeleton",
    "plain_text",
    "scan_points",
    "to_floats",
    "to_times",
]

#: Returned by a column rule to refuse the fast path for this file.
ABORT = "<abort>"
#: Points looked at to find the shape of a file's points (the fullest one is used).
SAMPLE_POINTS = 16

ColumnRule = Callable[[tuple[str, ...]], "str | None"]

_WS = b" \t\r\n"
_TOKEN = re.compile(rb"<(/?)([^\s/>!?]+)((?:\s[^>]*?)?)(/?)>([^<]*)")
#: An attribute; its name must follow whitespace (as XML requires), so that a long run of
#: junk is not tried from every position inside it (quadratic time on damaged files).
_ATTR = re.compile(rb"""(?<=\s)([^\s=]+)\s*=\s*(["'])(.*?)\2""", re.S)


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
        The document (from its first ``<``, past a byte-order mark and whitespace) with
        each container's content removed (the containers stay, empty)
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
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # a byte-order mark and
    while data[pos : pos + 1] in (b" ", b"\t", b"\r", b"\n"):  # whitespace before <?xml are left out
        pos += 1
    while (start := data.find(opening, pos)) >= 0:
        after = start + len(opening)
        if data[after : after + 1] not in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
            pieces.append(data[pos:after])  # a longer tag name, e.g. <Trackpoint for <Track
            pos = after
            continue
        gt = data.find(b">", after)
        if gt < 0:
            return None
        if data[gt - 1 : gt] == b"/":
            pieces.append(data[pos : gt + 1])
            bodies.append(b"")
            pos = gt + 1
            continue
        end = data.find(closing, gt)
        if end < 0:
            return None
        pieces.append(data[pos : gt + 1])
        bodies.append(data[gt + 1 : end])
        pos = end
    pieces.append(data[pos:])
    return b"".join(pieces), bodies


def plain_text(region: bytes, arr: np.ndarray | None = None) -> bool:
    """Whether points' text holds only ASCII characters XML allows (no control character
    but tab, newline and carriage return), so that a value never converted (an element
    the readers ignore) cannot hide what the XML parser would refuse.

    Examples
    --------
    >>> plain_text(b"<a>1</a>\\n"), plain_text(b"<a>1\\x00</a>"), plain_text("<a>é</a>".encode())
    (True, False, False)
    >>> plain_text(b"<a>\\t1\\r\\n</a>"), plain_text(b"<a>\\t1\\r\\n\\x0b</a>")
    (True, False)
    """
    if not region.isascii():
        return False
    arr = np.frombuffer(region, dtype=np.uint8) if arr is None else arr
    controls = int(np.count_nonzero(arr < 32))
    for allowed in b"\n\r\t":  # counted with numpy: bytes.count is several times slower
        if not controls:
            return True
        controls -= int(np.count_nonzero(arr == allowed))
    return not controls


def parse_skeleton(
    data: bytes, container: bytes, point: bytes
) -> tuple[ET.Element, list[tuple[ET.Element, bytes]]] | None:
    """Parse a document with its point containers emptied (:func:`cut_containers`).

    Returns
    -------
    tuple or None
        The root element and each container element with its cut-out content, in
        document order; ``None`` when a container is not closed, the rest is not
        well-formed, or a ``<point>`` is left outside the containers (in another
        namespace prefix, say): the caller then reads the whole file with ElementTree.
    """
    cut = cut_containers(data, container)
    if cut is None:
        return None
    skeleton, bodies = cut
    try:
        root = ET.fromstring(skeleton)
    except (ET.ParseError, LookupError):  # broken, or an encoding Python does not know
        return None
    ns = namespace(root.tag)
    elements = list(root.iter(ns + container.decode()))
    if len(elements) != len(bodies) or next(root.iter(ns + point.decode()), None) is not None:
        return None
    return root, list(zip(elements, bodies, strict=True))


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
    starts: list[int] = []
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
        if region[gt - 1 : gt] == b"/":
            texts.append(region[start : gt + 1])
            continue
        end = region.find(closing, gt)
        if end >= 0:
            texts.append(region[start : end + len(closing)])
    return texts


#: Rounds of widening the shape with points the expression did not match.
SHAPE_ROUNDS = 3


@dataclass(frozen=True)
class _Layout:
    """Where the points of one shape keep their values, learned from the first of them."""

    tags: int  # tags per point
    quote: int  # quote byte of the point's attributes (0 if none)
    attrs: tuple[tuple[str, int], ...]  # (column, index of the opening quote)
    leaves: tuple[tuple[str, int, bytes], ...]  # (column, tag index of the leaf, its name)


def _layout(first: bytes, rule: ColumnRule) -> _Layout | None:
    """The layout of a shape's first point, or None if it cannot serve (not plain nested
    elements, a column the rule refuses, a leaf with attributes, two quote kinds, one
    column fed twice)."""
    if _parse_point(first) is None:
        return None
    tokens = [m.groups() for m in _TOKEN.finditer(first)]
    leaves = []
    path: list[str] = []  # open elements inside the point
    for index, (end, name, attrs, closed, _after) in enumerate(tokens[1:-1], start=1):
        if end:
            path.pop()
            continue
        here = (*path, name.decode("ascii", "replace"))
        column = rule(here)
        if column == ABORT:
            return None
        if not closed:
            path.append(here[-1])
            if column and tokens[index + 1][0] and tokens[index + 1][1] == name:
                if attrs:
                    return None  # values are cut after a bare <name>
                leaves.append((column, index, name))
    attrs = []
    quote_bytes = set()
    for number, match in enumerate(_ATTR.finditer(tokens[0][2])):
        column = rule(("@" + match.group(1).decode("ascii", "replace"),))
        if column == ABORT:
            return None
        quote_bytes.add(match.group(2))
        if column:
            attrs.append((column, 2 * number))
    if len(quote_bytes) > 1:
        return None
    quote = ord(quote_bytes.pop()) if quote_bytes else 0
    columns = [c for c, _ in attrs] + [c for c, _, _ in leaves]
    if len(set(columns)) != len(columns):
        return None
    return _Layout(tags=len(tokens), quote=quote, attrs=tuple(attrs), leaves=tuple(leaves))


def scan_points(
    bodies: Sequence[bytes], point: bytes, rule: ColumnRule, times: frozenset[str] = frozenset()
) -> tuple[PointColumns, list[int]] | None:
    """Read every ``<point>`` element of some container bodies with one expression: the
    readers' second tier, for points the grouped tier (:mod:`._pointgroups`) refused.

    The expression is built from the shape of the first points and the last point of
    each body, merged, and points it misses widen it (up to :data:`SHAPE_ROUNDS` times).

    Parameters
    ----------
    bodies
        Container contents from :func:`cut_containers`.
    point
        The point tag as written (``b"trkpt"``, ``b"Trackpoint"``).
    rule
        The column rule (see the module docs).
    times
        Columns holding ISO 8601 times; the others hold numbers.

    Returns
    -------
    tuple of dict and list, or None
        Each column found, one value per point in document order (NaN or NaT where a
        point lacks it), and the number of points in each body; ``None`` when the fast
        path cannot vouch for the result (an odd shape, or a value that does not convert).

    Examples
    --------
    >>> rule = lambda path: {("@lat",): "lat", ("ele",): "ele", ("time",): "time"}.get(path)
    >>> body = b"<pt lat='1'><ele>5</ele></pt><pt lat='2'/><pt lat='-3.5'><time>2024-05-01</time></pt>"
    >>> columns, counts = scan_points([body], b"pt", rule, times=frozenset({"time"}))
    >>> columns["lat"], columns["ele"], columns["time"][2], counts
    (array([ 1. ,  2. , -3.5]), array([ 5., nan, nan]), np.datetime64('2024-05-01T00:00:00.000000'), [3])
    """
    try:
        opening, closing = b"<" + point, b"</" + point + b">"
        counts = [body.count(opening) for body in bodies]
        n = sum(counts)
        if n == 0:
            return PointColumns(0, times=times), counts
        region = bodies[0] if len(bodies) == 1 else b"".join(bodies)
        if b"<!--" in region or b"<![CDATA[" in region or b"<?" in region or not plain_text(region):
            return None
        raw = _scan_expression(region, n, opening, closing, bodies, rule)
        if raw is None:
            return None
        values = {name: to_times(values) if name in times else to_floats(values) for name, values in raw.items()}
        return PointColumns(n, values=values, times=times), counts
    except ValueError:
        return None


def _scan_expression(
    region: bytes, n: int, opening: bytes, closing: bytes, bodies: Sequence[bytes], rule: ColumnRule
) -> dict[str, Sequence[bytes]] | None:
    """:func:`scan_points`' expression: the raw text of each column."""
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
            if compiled.sub(b"", region).strip(_WS):
                return None  # text between the points that none of them holds (a damaged tag, say)
            if not groups:
                return {}
            values = zip(*matches, strict=True) if len(groups) > 1 else [matches]
            return {name: column for name, column in zip(groups, values, strict=True) if name != "<quote>"}
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
