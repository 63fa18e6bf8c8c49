"""The first pass of the bulk FIT decoder: where every message is, without decoding it.

:func:`scan` walks the record headers of a FIT file (all chained files in it) and returns a
:class:`Layout`: the distinct definitions, and for every data message, in file order, the
offset of its content and its definition. The walk is a tight Python loop over
definitions and messages, except that a run of data messages with the same header byte
(records, one after another) is measured in one numpy step: each is ``size + 1`` bytes
long, so their header bytes sit at a fixed stride.

It reads the file as fitparse (the reference decoder) does, so that both see the same
messages:

* a message that starts before the end given by the file header is read whole; the CRC
  follows the last message; more bytes after it are the next chained file;
* a file that ends early keeps every complete message, and :attr:`Layout.truncated`
  says where reading stopped, in fitparse's words;
* a CRC mismatch is noted (:attr:`Layout.crc_mismatch`), not fatal;
* a field whose size is not a multiple of its type's is read as bytes, as the FIT SDK
  does and as :mod:`.repair` makes fitparse do (:attr:`Layout.misaligned`);
* developer fields take their names and types from the file's ``field_description``
  messages read so far.

Whatever fitparse would reject or read differently (a data message before its
definition, a field of size 0, a developer field nobody described, a bad chained
header) raises :class:`NeedsReference`: the caller hands the file to the reference.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from runwell.activities.fit.profile import BASE_TYPES, BaseType, base_type, message_fields, parse_string
from runwell.activities.fit.protocol import HEADER_MAGIC, crc16, definition_length, header_run

__all__ = ["NeedsReference", "FieldLayout", "DevFieldLayout", "Definition", "Layout", "scan"]

_FIELD_DESCRIPTION, _DEVELOPER_DATA_ID = 206, 207
#: Definitions without developer fields, by their bytes (less the local number), shared by
#: every file read in this process: ``(definition, restarted components, misaligned)``.
_SHARED_DEFINITIONS: dict[bytes, tuple[Definition, tuple[int, ...], int]] = {}
_SHARED_LIMIT = 4096


class NeedsReference(Exception):
    """The bulk decoder cannot read this file as fitparse would; the reason is the message."""


class _EndOfFile(Exception):
    """The file ends inside a read (the message is fitparse's)."""


@dataclass(frozen=True)
class FieldLayout:
    """One field of a definition: its number, size, the type it is read as, its offset."""

    num: int
    size: int
    base: BaseType
    offset: int


@dataclass(frozen=True)
class DevFieldLayout:
    """One developer field of a definition, with the name and type its description gave."""

    num: int
    size: int
    index: int
    base: BaseType
    name: str
    offset: int


@dataclass(frozen=True)
class Definition:
    """A definition message: the global message number, byte order and field layout."""

    global_num: int
    endian: str
    fields: tuple[FieldLayout, ...]
    dev_fields: tuple[DevFieldLayout, ...]
    size: int
    broken: str | None = None  # why a data message of this definition needs the reference


@dataclass
class Layout:
    """Where the messages of a FIT file are.

    Attributes
    ----------
    data
        The file's bytes.
    definitions
        The distinct definitions (identical ones are shared).
    positions
        Offset of each data message's content (after its header byte), in file order.
    def_ids
        Each data message's definition (an index into ``definitions``).
    segment_starts
        Index of the first data message of each chained file.
    resets
        ``(message index, global number, component numbers)`` for each definition
        message that restarts accumulated components (fitparse restarts them at 0).
    truncated
        Why reading stopped early (fitparse's message), or None.
    crc_mismatch
        A CRC did not match (fitparse would read the file again without the check).
    misaligned
        Field definitions read as bytes because of their size.
    """

    data: bytes
    definitions: list[Definition]
    positions: np.ndarray
    def_ids: np.ndarray
    segment_starts: list[int]
    resets: list[tuple[int, int, tuple[int, ...]]]
    truncated: str | None = None
    crc_mismatch: bool = False
    misaligned: int = 0
    message_globals: np.ndarray | None = None  # each message's global number, when first asked

    def messages_of(self, global_num: int) -> np.ndarray:
        """The indices of the data messages with this global message number, in order."""
        if self.message_globals is None:
            numbers = np.array([d.global_num for d in self.definitions] + [-1], dtype=np.int64)
            self.message_globals = numbers[self.def_ids]
        return np.flatnonzero(self.message_globals == global_num)

    def count(self, global_num: int) -> int:
        """How many data messages have this global message number."""
        return len(self.messages_of(global_num))


@dataclass
class _Walker:
    data: bytes
    arr: np.ndarray
    definitions: list[Definition] = field(default_factory=list)
    def_cache: dict[tuple[bytes, int], tuple[tuple[int, int, bool, str | None], int, tuple[int, ...], int]] = field(
        default_factory=dict
    )
    singles: list[int] = field(default_factory=list)  # content offsets found one by one
    runs: list[np.ndarray] = field(default_factory=list)  # and found a run at a time
    run_total: int = 0
    def_events: list[tuple[int, int, int]] = field(default_factory=list)  # (messages before, local, def)
    segment_starts: list[int] = field(default_factory=list)
    resets: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)
    dev_types: dict[int, dict[int, tuple[str, BaseType]]] = field(default_factory=dict)
    dev_version: int = 0
    first_issue: str | None = None  # "crc" or "misaligned", whichever fitparse meets first
    misaligned: int = 0
    segment_overrun: bool = False

    @property
    def count(self) -> int:
        """Data messages found so far."""
        return len(self.singles) + self.run_total

    def need(self, at: int, size: int) -> None:
        """Raise as fitparse does when fewer than ``size`` bytes are left at ``at``."""
        if at + size > len(self.data):
            got = max(0, len(self.data) - at)
            raise _EndOfFile(f"Tried to read {size} bytes from .FIT file but got {got}")

    def crc_problem(self) -> None:
        if self.first_issue is None:
            self.first_issue = "crc"

    def header(self, start: int) -> tuple[int, int]:
        """Read a file header at ``start``: (offset of the first record, end of the records)."""
        self.need(start, 12)
        data = self.data
        if data[start + 8 : start + 12] != HEADER_MAGIC:
            raise NeedsReference("not a FIT file header")
        header_size = data[start]
        (data_size,) = struct.unpack_from("<I", data, start + 4)
        pos = start + 12
        if header_size > 12:
            if header_size < 14:
                raise NeedsReference("irregular file header size")
            self.need(pos, 2)
            stored = data[pos] | data[pos + 1] << 8
            if stored and crc16(data[start : pos + 2]) != 0 and self.first_issue is None:
                self.crc_problem()
            pos += 2
            if header_size > 14:
                self.need(pos, header_size - 14)
                pos += header_size - 14
        return pos, pos + data_size

    def run(self) -> None:
        start = 0
        while True:
            pos, end = self.header(start)
            self.segment_starts.append(self.count)
            pos = self.records(pos, end)
            self.segment_overrun |= pos != end
            self.need(pos, 2)
            if self.first_issue is None and crc16(self.data[start : pos + 2]) != 0:
                self.crc_problem()
            start = pos + 2
            if start >= len(self.data):
                return

    def records(self, pos: int, end: int) -> int:
        """Walk the messages of one file from ``pos``; return the offset after the last.

        The loop looks each header byte up in ``steps`` (the message length of the local
        definition it names, 0 for anything that needs a closer look).
        """
        data, n = self.data, len(self.data)
        steps = [0] * 256
        entries: dict[int, tuple[int, int, bool, str | None]] = {}
        add = self.singles.append
        try:
            while pos < end:
                h = data[pos]
                s = steps[h]
                if s:
                    nxt = pos + s
                    if nxt > n:
                        self.data_end_of_file(pos, entries[(h >> 5) & 3 if h & 0x80 else h & 0x0F][0])
                    if nxt + s < end and nxt + s < n and data[nxt] == h and data[nxt + s] == h:
                        k = header_run(self.arr, pos, s, min(end, n - s + 1), h)
                        self.runs.append(np.arange(pos + 1, pos + 1 + k * s, s, dtype=np.int64))
                        self.run_total += k
                        pos += k * s
                    else:
                        add(pos + 1)
                        pos = nxt
                elif h & 0xC0 == 0x40:
                    pos = self.local_definition(pos, steps, entries)
                else:
                    pos = self.odd_data_message(pos, entries)
        except IndexError:
            if pos < n:
                raise
            raise _EndOfFile("Tried to read 1 bytes from .FIT file but got 0") from None
        return pos

    def local_definition(
        self, pos: int, steps: list[int], entries: dict[int, tuple[int, int, bool, str | None]]
    ) -> int:
        """Read a definition message and point its local number's header bytes at it."""
        local = self.data[pos] & 0x0F
        entry, pos = self.definition(pos)
        entries[local] = entry
        self.def_events.append((self.count, local, entry[0]))
        step = 0 if entry[2] or entry[3] else entry[1] + 1
        for h in (local, local | 0x10, local | 0x20, local | 0x30):
            steps[h] = step
        if local < 4:
            steps[0x80 | local << 5 : 0xA0 | local << 5] = [step] * 32
        return pos

    def odd_data_message(self, pos: int, entries: dict[int, tuple[int, int, bool, str | None]]) -> int:
        """A data message the fast loop leaves alone: undefined, broken or developer data."""
        h = self.data[pos]
        entry = entries.get((h >> 5) & 0x03 if h & 0x80 else h & 0x0F)
        if entry is None:
            raise NeedsReference("a data message before its definition")
        def_id, size, _, broken = entry
        if broken:
            raise NeedsReference(broken)
        if pos + size + 1 > len(self.data):
            self.data_end_of_file(pos, def_id)
        self.developer_message(pos + 1, self.definitions[def_id])
        self.singles.append(pos + 1)
        return pos + size + 1

    def data_end_of_file(self, pos: int, def_id: int) -> None:
        """Raise fitparse's message for a data message cut by the end of the file."""
        offset = pos + 1
        definition = self.definitions[def_id]
        sizes = [f.size for f in definition.fields] + [f.size for f in definition.dev_fields]
        for size in sizes:
            self.need(offset, size)
            offset += size
        raise AssertionError("unreachable: the message fits")  # pragma: no cover

    def definition(self, pos: int) -> tuple[tuple[int, int, bool, str | None], int]:
        """Read a definition message at ``pos``; return its local entry and the next offset.

        Devices repeat the same definitions: one seen before (byte for byte, whatever its
        local number, with the same developer descriptions known) is not parsed again,
        and one without developer fields is shared by all files read in this process.
        """
        data = self.data
        length = definition_length(data, pos)
        if not length:
            self.read_definition(pos)  # it ends early: this raises as fitparse does
            raise AssertionError("unreachable")  # pragma: no cover
        dev = data[pos] & 0x20
        key = (bytes((dev,)) + data[pos + 1 : pos + length], self.dev_version if dev else 0)
        cached = self.def_cache.get(key)
        if cached is None:
            shared = None if dev else _SHARED_DEFINITIONS.get(key[0])
            if shared is None:
                before = self.misaligned
                definition, _, restart = self.read_definition(pos)
                shared = (definition, restart, self.misaligned - before)
                if not dev:
                    if len(_SHARED_DEFINITIONS) > _SHARED_LIMIT:
                        _SHARED_DEFINITIONS.clear()
                    _SHARED_DEFINITIONS[key[0]] = shared
            else:
                for _ in range(shared[2]):
                    self.misaligned_field()
            definition, restart, misaligned = shared
            self.definitions.append(definition)
            inspect = definition.global_num in (_FIELD_DESCRIPTION, _DEVELOPER_DATA_ID)
            entry = (len(self.definitions) - 1, definition.size, inspect, definition.broken)
            cached = self.def_cache[key] = (entry, definition.global_num, restart, misaligned)
        else:
            for _ in range(cached[3]):
                self.misaligned_field()
        entry, global_num, restart, _ = cached
        if restart:
            self.resets.append((self.count, global_num, restart))
        return entry, pos + length

    def read_definition(self, pos: int) -> tuple[Definition, int, tuple[int, ...]]:
        """Read a definition message field by field (as fitparse does, to the byte it ends
        at): the definition, the next offset and the accumulated components it restarts."""
        data = self.data
        h = data[pos]
        self.need(pos + 1, 2)
        endian = ">" if data[pos + 2] else "<"
        self.need(pos + 3, 3)
        (global_num,) = struct.unpack_from(endian + "H", data, pos + 3)
        n_fields = data[pos + 5]
        pos += 6
        profile = message_fields(global_num)
        fields, offset, broken, restart = [], 0, None, []
        for _ in range(n_fields):
            self.need(pos, 3)
            num, size, number = data[pos], data[pos + 1], data[pos + 2]
            base, misaligned = base_type(number, size)
            if misaligned:
                self.misaligned_field()
            if size == 0:
                broken = "a field of size 0"
            known = profile.get(num)
            restart += [c.def_num for c in (known.components or []) if c.accumulate] if known else []
            fields.append(FieldLayout(num, size, base, offset))
            offset += size
            pos += 3
        dev_fields: list[DevFieldLayout] = []
        if h & 0x20:
            dev_fields, offset, pos, dev_broken = self.dev_definitions(pos, offset)
            broken = broken or dev_broken
        definition = Definition(global_num, endian, tuple(fields), tuple(dev_fields), offset, broken)
        return definition, pos, tuple(restart)

    def misaligned_field(self) -> None:
        if self.first_issue == "crc":
            raise NeedsReference("a misaligned field size after a CRC mismatch")
        self.first_issue = "misaligned"
        self.misaligned += 1

    def dev_definitions(self, pos: int, offset: int) -> tuple[list[DevFieldLayout], int, int, str | None]:
        """Read the developer fields of a definition; they need a description read before."""
        data = self.data
        self.need(pos, 1)
        n_dev = data[pos]
        pos += 1
        out, broken = [], None
        for _ in range(n_dev):
            self.need(pos, 3)
            num, size, index = data[pos], data[pos + 1], data[pos + 2]
            described = self.dev_types.get(index, {}).get(num)
            if described is None:
                raise NeedsReference("a developer field without a description in the file")
            name, base = described
            if size == 0 or size % base.size:
                broken = "a developer field whose size does not fit its type"
            out.append(DevFieldLayout(num, size, index, base, name, offset))
            offset += size
            pos += 3
        return out, offset, pos, broken

    def developer_message(self, pos: int, definition: Definition) -> None:
        """Note a developer_data_id or field_description message as fitparse does."""
        values: dict[int, object] = {}
        for f in definition.fields:
            if f.num in values:
                continue
            raw = self.data[pos + f.offset : pos + f.offset + f.size]
            if f.base.code == "S":
                values[f.num] = parse_string(raw)
            elif f.size == f.base.size and f.base.code[0] in "ui":
                value = int.from_bytes(
                    raw, "big" if definition.endian == ">" else "little", signed=f.base.code[0] == "i"
                )
                values[f.num] = None if value == f.base.invalid else value
            else:
                values[f.num] = raw
        if definition.global_num == _DEVELOPER_DATA_ID:
            index = values.get(3)
            if not isinstance(index, int):
                raise NeedsReference("a developer_data_id without its index")
            self.dev_types[index] = {}
            self.dev_version += 1
            return
        index, num, type_id = values.get(0), values.get(1), values.get(2)
        if not (isinstance(index, int) and isinstance(num, int) and isinstance(type_id, int)):
            raise NeedsReference("a field_description without its index, number or type")
        if index not in self.dev_types or type_id not in BASE_TYPES:
            raise NeedsReference("a field_description of an unknown developer or type")
        name = values.get(3) or f"unnamed_dev_field_{num}"
        self.dev_types[index][num] = (str(name), BASE_TYPES[type_id])
        self.dev_version += 1


def _message_table(walker: _Walker) -> tuple[np.ndarray, np.ndarray]:
    """Every data message's content offset, in file order, and its definition."""
    positions = np.concatenate([np.array(walker.singles, dtype=np.int64), *walker.runs])
    positions.sort()
    def_ids = np.zeros(len(positions), dtype=np.int32)
    if not len(positions):
        return positions, def_ids
    headers = walker.arr[positions - 1]
    local = np.where(headers & 0x80, (headers >> 5) & 0x03, headers & 0x0F)
    events = np.array(walker.def_events, dtype=np.int64).reshape(-1, 3)
    index = np.arange(len(positions))
    for number in {local for _, local, _ in walker.def_events}:
        mine = events[events[:, 1] == number]
        here = local == number
        def_ids[here] = mine[np.searchsorted(mine[:, 0], index[here], side="right") - 1, 2]
    return positions, def_ids


def scan(data: bytes) -> Layout:
    """Find every message of a FIT file (all chained files in it).

    Parameters
    ----------
    data
        The FIT bytes.

    Returns
    -------
    Layout

    Raises
    ------
    NeedsReference
        The file needs the reference decoder (the reason in the message).
    """
    walker = _Walker(data, np.frombuffer(data, dtype=np.uint8))
    truncated = None
    try:
        walker.run()
    except _EndOfFile as err:
        if not walker.segment_starts:
            raise NeedsReference(f"the file ends inside its header ({err})") from err
        truncated = str(err)
    if walker.first_issue == "misaligned" and walker.segment_overrun:
        raise NeedsReference("misaligned field sizes in a file whose records overrun their length")
    positions, def_ids = _message_table(walker)
    return Layout(
        data=data,
        definitions=walker.definitions,
        positions=positions,
        def_ids=def_ids,
        segment_starts=walker.segment_starts,
        resets=walker.resets,
        truncated=truncated,
        crc_mismatch=walker.first_issue == "crc",
        misaligned=walker.misaligned,
    )
