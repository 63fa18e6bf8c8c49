"""Text-format mutators: XML (GPX, TCX, Apple Health), CSV and JSON.

The text is handled as Latin-1 so that every byte survives a round trip whatever the
file's real encoding; the patterns looked for (tags, timestamps, numbers, delimiters)
are ASCII.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Callable, Iterator
from typing import Any

from fuzzing.mutators import register

__all__ = ["billion_laughs", "deep_json"]

XML = ("gpx", "tcx", "xml")
_TS = re.compile(rb"(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})")
_CLOSE = re.compile(rb"</[A-Za-z_][\w:.-]*>")
_ROOT = re.compile(rb"<([A-Za-z_][\w:.-]*)[^>]*?>")
_NUM_TEXT = re.compile(rb"(>|=\")(-?\d+(?:\.\d+)?)(<|\")")
_DECL = re.compile(rb"<\?xml[^>]*\?>")


def _root_start(data: bytes) -> re.Match[bytes] | None:
    """The root element's start tag (the first tag that is not ``<?`` or ``<!``)."""
    decl = _DECL.search(data)
    return _ROOT.search(data, decl.end() if decl else 0)


def _insert_after_root(data: bytes, text: bytes) -> bytes:
    """Insert ``text`` right after the root element's start tag."""
    m = _root_start(data)
    at = m.end() if m else len(data)
    return data[:at] + text + data[at:]


def _with_doctype(data: bytes, doctype: bytes, ref: bytes) -> bytes:
    """Put a DOCTYPE before the root and an entity reference right inside it."""
    m = _root_start(data)
    if m is None:
        return doctype + b"<root>" + ref + b"</root>"
    root = m.group(1)
    dt = b"<!DOCTYPE " + root + b" [" + doctype + b"]>\n"
    return data[: m.start()] + dt + data[m.start() : m.end()] + ref + data[m.end() :]


def billion_laughs(levels: int = 10) -> bytes:
    """Entity declarations of the "billion laughs" attack; ``&lol{levels-1};`` expands 10**levels-fold."""
    decls = [b'<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        decls.append(b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))))
    return b"\n".join(decls)


@register("xml", *XML)
def m_xml_unclosed(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Drop a closing tag, the root's closing tag, or cut the file inside a tag."""
    closes = list(_CLOSE.finditer(data))
    what = rng.randrange(3)
    if closes and what == 0:
        m = rng.choice(closes)
    elif closes and what == 1:
        m = closes[-1]
    else:
        lt = [m.start() for m in itertools.islice(re.finditer(rb"<", data), 5000)] or [len(data) // 2]
        cut = rng.choice(lt) + rng.randrange(1, 6)
        return data[:cut], name
    return data[: m.start()] + data[m.end() :], name


@register("xml", *XML)
def m_xml_bad_encoding(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Declare an unknown or wrong encoding (``x-unknown``, UTF-16 over UTF-8 bytes...)."""
    enc = rng.choice([b"x-unknown", b"x-unknown", b"UTF-16", b"ebcdic-cp-us", b""])
    decl = b'<?xml version="1.0" encoding="' + enc + b'"?>'
    m = _DECL.search(data[:200])
    body = data[m.end() :] if m else data.removeprefix(b"\xef\xbb\xbf")
    return decl + body, name


@register("xml", *XML)
def m_xml_billion_laughs(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Declare the billion-laughs entities and use the top one inside the root element."""
    levels = rng.choice([5, 9, 10])
    return _with_doctype(data, billion_laughs(levels), b"&lol%d;" % (levels - 1)), name


@register("xml", *XML)
def m_xml_external_entity(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Declare an external entity (a local file, or a URL on the network) and use it."""
    target = rng.choice([b"file:///etc/passwd", b"http://127.0.0.1:9/runwell-fuzz", b"http://example.invalid/x.dtd"])
    if rng.random() < 0.5:
        return _with_doctype(data, b'<!ENTITY xxe SYSTEM "' + target + b'">', b"&xxe;"), name
    return _with_doctype(data, b'<!ENTITY % remote SYSTEM "' + target + b'"> %remote;', b""), name


@register("xml", *XML)
def m_xml_deep_nesting(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Nest 1,000 to 100,000 elements inside the root."""
    depth = rng.choice([1_000, 10_000, 100_000])
    return _insert_after_root(data, b"<a>" * depth + b"</a>" * depth), name


def _sub_timestamps(data: bytes, rng: random.Random, repl: Callable[[re.Match[bytes]], bytes]) -> bytes:
    """Apply ``repl`` to one timestamp, or to all of them."""
    matches = list(_TS.finditer(data))
    if not matches:
        return data
    chosen = matches if rng.random() < 0.4 else [rng.choice(matches)]
    out, last = [], 0
    for m in chosen:
        out += [data[last : m.start()], repl(m)]
        last = m.end()
    return b"".join([*out, data[last:]])


@register("xml", *XML)
def m_xml_time_range(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Move timestamps before 1677 or after 2262 (outside pandas' nanosecond range)."""
    year = rng.choice([b"1600", b"1066", b"0001", b"1676", b"2263", b"2300", b"9999"])
    return _sub_timestamps(data, rng, lambda m: year + m.group(0)[4:]), name


@register("xml", *XML)
def m_xml_month13(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Make timestamps impossible: month 13 (or 00), day 32, hour 25."""
    which = rng.choice([(5, b"13"), (5, b"13"), (5, b"00"), (8, b"32"), (11, b"25")])
    return _sub_timestamps(data, rng, lambda m: m.group(0)[: which[0]] + which[1] + m.group(0)[which[0] + 2 :]), name


@register("xml", *XML)
def m_xml_huge_number(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Replace numbers (text or attribute) with 1e400, 10**26, NaN, inf, -1e400, hex."""
    value = rng.choice([b"1e400", b"-1e400", b"99999999999999999999999999", b"NaN", b"inf", b"1e-400", b"0x10"])
    matches = list(_NUM_TEXT.finditer(data))
    if not matches:
        return data, name
    chosen = matches if rng.random() < 0.3 else [rng.choice(matches)]
    out, last = [], 0
    for m in chosen:
        out += [data[last : m.start(2)], value]
        last = m.end(2)
    return b"".join([*out, data[last:]]), name


# --------------------------------------------------------------------------- CSV


def _lines(data: bytes) -> list[bytes]:
    """Split on LF (a CR stays with its line)."""
    return data.split(b"\n")


def _delimiter(header: bytes) -> bytes:
    """The likeliest delimiter of a header line."""
    counts = {d: header.count(d) for d in (b",", b";", b"\t")}
    return max(counts, key=lambda d: counts[d])


@register("csv", "csv")
def m_csv_ragged(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Give some rows extra fields and others too few."""
    lines = _lines(data)
    delim = _delimiter(lines[0])
    for _ in range(rng.choice([1, 3, 20])):
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines[i] += delim * rng.choice([1, 5, 300]) + b"extra"
        else:
            lines[i] = delim.join(lines[i].split(delim)[: rng.randrange(1, 3)])
    return b"\n".join(lines), name


@register("csv", "csv")
def m_csv_non_utf8(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Insert bytes that are not UTF-8, or re-encode the file as UTF-16 or cp1252."""
    what = rng.randrange(3)
    if what == 0:
        return data.decode("utf-8", "replace").encode(rng.choice(["utf-16", "utf-16-le"])), name
    if what == 1:
        return data.decode("utf-8", "replace").encode("cp1252", "replace").replace(b"a", b"\xe4", 3), name
    buf = bytearray(data)
    for _ in range(rng.choice([1, 5])):
        at = rng.randrange(len(buf) + 1)
        buf[at:at] = rng.choice([b"\xff\xfe", b"\x80", b"\xc3\x28", b"\xed\xa0\x80", b"\x00"])
    return bytes(buf), name


@register("csv", "csv")
def m_csv_huge_field(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Put a 200,000-character field (quoted or not) into a row."""
    lines = _lines(data)
    delim = _delimiter(lines[0])
    i = rng.randrange(len(lines))
    cells = lines[i].split(delim)
    big = rng.choice([b"x", b"9", b"\xc3\xa9"]) * 200_000
    cells[rng.randrange(len(cells))] = b'"' + big + b'"' if rng.random() < 0.5 else big
    lines[i] = delim.join(cells)
    return b"\n".join(lines), name


@register("csv", "csv")
def m_csv_repeat_rows(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Repeat a data row (or the header) 2 to 20,000 times."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i:i] = [lines[i]] * rng.choice([1, 100, 20_000])
    return b"\n".join(lines), name


@register("csv", "csv")
def m_csv_wide_header(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Give the header 100,000 columns (named, blank, or repeated)."""
    lines = _lines(data)
    delim = _delimiter(lines[0])
    style = rng.randrange(3)
    cols = [b"c%d" % i if style == 0 else b"" if style == 1 else b"mood" for i in range(100_000)]
    lines[0] = lines[0].rstrip(b"\r") + delim + delim.join(cols)
    return b"\n".join(lines), name


@register("csv", "csv")
def m_csv_epoch_swap(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Swap epoch seconds and milliseconds, or replace ISO dates by epoch numbers."""
    ten, thirteen = re.compile(rb"(?<!\d)(\d{10})(?!\d)"), re.compile(rb"(?<!\d)(\d{13})(?!\d)")
    if thirteen.search(data) and rng.random() < 0.5:
        return thirteen.sub(lambda m: m.group(1)[:10], data, count=rng.choice([1, 0])), name
    if ten.search(data):
        return ten.sub(lambda m: m.group(1) + b"000", data, count=rng.choice([1, 0])), name
    epoch = rng.choice([b"1606907034", b"1606907034000", b"-1", b"99999999999999"])
    return _sub_timestamps(data, rng, lambda m: epoch), name


@register("csv", "csv")
def m_csv_empty(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """An empty file, a BOM only, blank lines, or the header alone."""
    header = _lines(data)[0]
    return rng.choice([b"", b"\xef\xbb\xbf", b"\n\n\n", b"  \r\n", header, header + b"\n"]), name


# --------------------------------------------------------------------------- JSON

_SENTINEL = "\x00fuzz\x00"


def _leaves(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every value in a parsed JSON document (containers included)."""
    yield path
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        yield from _leaves(v, (*path, k))


def _replace_at(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    """Set the value at ``path`` (the root when empty); return the document."""
    if not path:
        return value
    obj[path[0]] = _replace_at(obj[path[0]], path[1:], value)
    return obj


def _splice(data: bytes, rng: random.Random, token: Callable[[Any], str], numbers_only: bool = False) -> bytes | None:
    """Replace one value of a JSON document by raw text ``token(old_value)``."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    paths = list(_leaves(doc))
    if numbers_only:
        nums = [p for p in paths if _get(doc, p).__class__ in (int, float)]
        paths = nums or paths
    path = rng.choice(paths)
    old = _get(doc, path)
    text = json.dumps(_replace_at(doc, path, _SENTINEL))
    return text.replace(json.dumps(_SENTINEL), token(old), 1).encode()


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path``."""
    for k in path:
        obj = obj[k]
    return obj


def deep_json(depth: int, inner: str = "1") -> str:
    """``inner`` inside ``depth`` nested lists or objects."""
    return "[" * depth + inner + "]" * depth


@register("json", "json")
def m_json_nan(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Replace a number with a ``NaN``, ``Infinity`` or ``-Infinity`` token."""
    tok = rng.choice(["NaN", "Infinity", "-Infinity", "1e999"])
    return _splice(data, rng, lambda old: tok, numbers_only=True) or data + b"NaN", name


@register("json", "json")
def m_json_deep(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Nest a value (or the whole document) 10,000 levels deep."""
    if rng.random() < 0.3:
        return deep_json(10_000, data.decode("utf-8", "replace")).encode(), name
    obj = rng.random() < 0.5
    token = (
        (lambda old: '{"a":' * 10_000 + json.dumps(old) + "}" * 10_000)
        if obj
        else (lambda old: deep_json(10_000, json.dumps(old)))
    )
    return _splice(data, rng, token) or deep_json(10_000).encode(), name


def _wrong(old: Any, rng: random.Random) -> str:
    """JSON text of a value of another type than ``old``."""
    if isinstance(old, bool) or old is None:
        return rng.choice(['"true"', "{}", "[]"])
    if isinstance(old, (int, float)):
        return rng.choice(['{"value": 1}', "[1, 2]", '"12"', "null", "true", '""'])
    if isinstance(old, str):
        return rng.choice(["123", "{}", "[]", "null", "1e308"])
    return rng.choice(["null", "0", '"x"', "[]" if isinstance(old, dict) else "{}"])


@register("json", "json")
def m_json_wrong_types(data: bytes, rng: random.Random, name: str) -> tuple[bytes, str]:
    """Put a value of the wrong type somewhere (an object where a number was, ...)."""
    out = data
    for _ in range(rng.choice([1, 3])):
        out = _splice(out, rng, lambda old: _wrong(old, rng), numbers_only=rng.random() < 0.5) or out
    return out, name
