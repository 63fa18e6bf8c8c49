"""The check that makes grouping points by shape exact: every byte outside the values.

:mod:`._pointgroups` groups points by their tags (their number and the first bytes of
their names). That alone would let anything else differ unseen: a digit in a tag or
attribute name (``<ele1>``, ``</1trkpt>``, ``xmlns:ns31``), spacing, an attribute. Here
every point is compared, byte for byte, with the first point of its shape everywhere
except where values may differ:
the text of its leaf elements and the values of the point element's own attributes.
Between two such values the text is the same in every point of a shape, so each stretch
is compared for all points at once (their bytes gathered as one fixed-width row each).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from runwell.activities._pointscan import _ATTR, _TOKEN

__all__ = ["Marks", "same_outside_values", "template"]

#: An element or attribute name (ASCII; others are left to the XML parser), maybe prefixed.
_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_.\-]*(?::[A-Za-z_][A-Za-z0-9_.\-]*)?")
#: A tag's attributes, every one quoted.
_ATTRIBUTES = re.compile(
    rb"""(?:\s+[A-Za-z_][A-Za-z0-9_.\-]*(?::[A-Za-z_][A-Za-z0-9_.\-]*)?\s*=\s*(?:"[^"<&]*"|'[^'<&]*'))*\s*"""
)
_ATTRIBUTE_NAME = re.compile(rb"""([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')""")

#: One stretch of fixed text: after which value it starts (-1: at the point's start), and
#: its bytes. A value is ``("quote", k)``, the point attribute value closed by the point's
#: quote ``k``, or ``("tag", i)``, the text of a leaf element ended by the point's tag ``i``.
Stretch = tuple[tuple[str, int] | None, bytes]


def template(text: bytes) -> list[Stretch] | None:
    """The fixed stretches of a point's text, in order (None if it is not plain nested
    elements, which the caller has checked already).

    Examples
    --------
    >>> template(b'<pt a="1"><v>2</v></pt>')
    [(None, b'<pt a="'), (('quote', 1), b'"><v>'), (('tag', 2), b'</v></pt>')]
    """
    tokens = list(_TOKEN.finditer(text))
    if not tokens or not all(_well_formed(token.group(2), token.group(3)) for token in tokens):
        return None
    values: list[tuple[int, int, tuple[str, int]]] = []
    head = tokens[0]
    for number, attr in enumerate(_ATTR.finditer(text, head.start(3), head.end(3))):
        values.append((attr.start(3), attr.end(3), ("quote", 2 * number + 1)))
    for index, token in enumerate(tokens[:-1]):
        end, name, _attrs, closed, _after = token.groups()
        following = tokens[index + 1]
        if not end and not closed and following.group(1) and following.group(2) == name:
            values.append((token.start(5), token.end(5), ("tag", index + 1)))
    values.sort()
    out: list[Stretch] = []
    pos, anchor = 0, None
    for start, stop, after in values:
        out.append((anchor, text[pos:start]))
        pos, anchor = stop, after
    out.append((anchor, text[pos:]))
    return out


def _well_formed(name: bytes, attrs: bytes) -> bool:
    """Whether a tag's name and attributes are written as XML requires (ASCII names):
    every attribute quoted, once, its value without ``<`` or ``&``."""
    if not _NAME.fullmatch(name.lstrip(b"/")) or not _ATTRIBUTES.fullmatch(attrs):
        return False
    names = _ATTRIBUTE_NAME.findall(attrs)
    return len(set(names)) == len(names)


def _rows_equal(arr: np.ndarray, begin: np.ndarray, expected: bytes) -> bool:
    """Whether ``expected`` is written at every offset in ``begin``."""
    width = len(expected)
    if not width or not len(begin):
        return True
    if int(begin.min()) < 0 or int(begin.max()) > len(arr) - width:
        return False
    records = np.ndarray((len(arr) - width + 1,), dtype=f"V{width}", buffer=arr, strides=(1,))
    rows = records[begin].view(np.uint8).reshape(len(begin), width)
    return bool((rows == np.frombuffer(expected, dtype=np.uint8)).all())


@dataclass(frozen=True)
class Marks:
    """Where the points of a text are, for the check here and for cutting out values.

    Parameters
    ----------
    arr
        The points' text as bytes.
    all_tags
        Where every ``<`` is.
    first_tag
        Each point's first tag (an index into ``all_tags``), and the total at the end.
    ids
        Each point's shape (0 .. ``shapes`` - 1).
    shapes
        How many shapes there are.
    quotes, first_quote
        Where the quotes of the kind the points' attributes use are, and each point's
        first one (and the total at the end); None when the points have no attributes.
    """

    arr: np.ndarray
    all_tags: np.ndarray
    first_tag: np.ndarray
    ids: np.ndarray
    shapes: int
    quotes: np.ndarray | None = None
    first_quote: np.ndarray | None = None

    def shape(self, number: int) -> tuple[np.ndarray | None, np.ndarray, np.ndarray | None]:
        """The points of one shape (None: all of them, the only shape), their first tags
        and their first quotes (None without attributes)."""
        rows = None if self.shapes == 1 else np.flatnonzero(self.ids == number)
        tag0 = self.first_tag[:-1] if rows is None else self.first_tag[rows]
        if self.first_quote is None:
            return rows, tag0, None
        return rows, tag0, self.first_quote[:-1] if rows is None else self.first_quote[rows]


def same_outside_values(marks: Marks, texts: list[bytes]) -> np.ndarray | None:
    """Where each point ends, if every point is written like the first point of its
    shape outside its values (else None).

    Parameters
    ----------
    marks
        Where the points are.
    texts
        The first point of each shape.

    Returns
    -------
    numpy.ndarray or None
        The offset just past each point's text (its last stretch), or None.
    """
    ends = np.zeros(len(marks.ids), dtype=np.int64)
    for number, text in enumerate(texts):
        stretches = template(text)
        if stretches is None:
            return None
        rows, tag0, quote0 = marks.shape(number)
        begin = marks.all_tags[tag0]
        for anchor, expected in stretches:
            if anchor is None:
                begin = marks.all_tags[tag0]
            elif anchor[0] == "tag":
                begin = marks.all_tags[tag0 + anchor[1]]
            elif marks.quotes is not None and quote0 is not None:
                begin = marks.quotes[quote0 + anchor[1]]
            else:
                return None
            if not _rows_equal(marks.arr, begin, expected):
                return None
        if rows is None:
            ends = begin + len(stretches[-1][1])
        else:
            ends[rows] = begin + len(stretches[-1][1])
    return ends
