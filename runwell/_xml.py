"""XML helpers shared by the readers: namespace-free tag names, tolerant decoding, and
bounded-memory streaming of Apple Health's export.xml."""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO

from runwell.errors import InputError, RunwellError

__all__ = ["local_name", "namespace", "decode_xml_text", "iter_health_elements"]


def local_name(tag: str) -> str:
    """A tag without its namespace: ``{http://...}trkpt -> trkpt``."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    """The namespace part of a tag, braces included (``""`` for none), to build sibling
    tags: ``{http://...}gpx -> {http://...}``."""
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


#: The encoding an XML declaration names.
_DECLARED = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")


def decode_xml_text(data: bytes, path: str) -> str:
    """Decode XML bytes, dropping a byte-order mark and whitespace before ``<?xml``.

    The text is read as UTF-8 (else Latin-1), as gpxpy and most readers do, whatever the
    declaration says; a declared encoding that Python does not know at all is an error,
    since the file then cannot be what it claims.

    Raises
    ------
    InputError
        The file is empty, or declares an unknown encoding.
    """
    declared = _DECLARED.match(data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200])
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace")
        try:
            codecs.lookup(name)
        except LookupError:
            raise InputError(
                path,
                f"declares the text encoding {name!r}, which is not a known encoding",
                fix="re-export the file, or change encoding= in its first line to UTF-8",
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    text = text.lstrip("\ufeff \t\r\n")
    if not text:
        raise InputError(path, "the file is empty", fix="re-export the activity")
    return text


def iter_health_elements(handle: IO[bytes], path: str, tags: set[str]) -> Iterator[ET.Element]:
    """Stream the complete children of ``<HealthData>`` whose tag is in ``tags``.

    Exports reach several GB: every top-level element is cleared once the caller has
    handled it, so memory stays bounded by one element, not the file. Consume each
    element before asking for the next.

    Raises
    ------
    InputError
        When the XML is broken or names an encoding Python does not know (the elements
        before the break have been yielded).
    """
    depth = 0
    root = None
    try:
        for event, element in ET.iterparse(handle, events=("start", "end")):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                continue
            depth -= 1
            if depth != 1:  # only children of <HealthData>
                continue
            if element.tag in tags:
                yield element
            root.clear()  # type: ignore[union-attr]
    except RunwellError:
        raise
    except ET.ParseError as err:
        raise InputError(
            path,
            f"export.xml is not well-formed XML ({err})",
            fix="export the Health data again; the file may be truncated",
        ) from err
    except (LookupError, ValueError) as err:  # an unknown or unsupported encoding= name
        raise InputError(
            path, f"export.xml cannot be decoded ({err})", fix="export the Health data again; the file may be damaged"
        ) from err
