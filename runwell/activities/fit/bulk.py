"""The bulk FIT decoder: every message of a kind decoded at once into numpy arrays.

After the first pass (:func:`.scan.scan`) has found every message, :func:`decode` takes
one global message type (``record``, ``session``, ...) and, for each distinct definition
of it, gathers the content of all its data messages into one ``(n, size)`` byte array and
views each field as a numpy array of its base type in the definition's byte order. The
profile (fitparse's, :mod:`.profile`) is then applied to whole arrays:

* invalid values become missing; misaligned and unknown types are read as bytes;
* sub-fields: which sub-field a message uses is decided per message from the reference
  field's value, so a name can differ between messages of one definition;
* components (``speed`` -> ``enhanced_speed``, ``compressed_speed_distance`` ->
  ``speed`` and ``distance``) are cut out of their field with shifts and masks;
  accumulated ones are unwrapped over all messages of the type in file order, restarting
  where fitparse restarts them;
* compressed-timestamp headers: the time offsets are unwrapped against the last full
  ``timestamp`` of any message, in file order;
* developer fields, with the names and types of their descriptions.

The result is a :class:`MessageTable`: for each name, the values of all messages of that
type in file order, where the last field of a message to write a name wins, as in
fitparse's ``get_values()`` (so ``enhanced_speed`` from ``speed``'s component is
replaced by a native ``enhanced_speed`` written after it, but not by one written before).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from runwell.activities.fit.profile import BASE_TYPES, TIMESTAMP_FIELD, TIMESTAMP_NUM, BaseType, message_fields
from runwell.activities.fit.scan import Definition, DevFieldLayout, FieldLayout, Layout, NeedsReference
from runwell.activities.fit.values import FieldValues, Rule

__all__ = ["MessageTable", "decode"]


@dataclass
class MessageTable:
    """The decoded messages of one global type, in file order.

    Attributes
    ----------
    n
        Number of messages.
    filled
        Which messages have any field at all (whether or not its name was asked for).
    groups
        ``(row numbers, writers)`` per definition: the messages' rows in this table and
        the values written into them, in the order fitparse writes them.
    """

    n: int
    groups: list[tuple[np.ndarray, list[FieldValues]]] = field(default_factory=list)
    filled: np.ndarray | None = None

    def first_filled(self) -> dict[str, Any]:
        """The first message with any field (decoded or not), as :meth:`rows` gives it;
        ``{}`` when there is none (the reference keeps the first non-empty one)."""
        hits = np.flatnonzero(self.filled) if self.filled is not None else np.zeros(0, dtype=np.int64)
        return self.rows()[int(hits[0])] if hits.size else {}

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(floats, notnone, is_time)`` of one name over all messages.

        ``floats`` is NaN where the value is missing or not a number; ``notnone`` says
        where fitparse's ``get_values().get(name)`` is not None; ``is_time`` where it is
        a ``datetime`` (``floats`` then holds FIT seconds).
        """
        values = np.full(self.n, np.nan)
        notnone = np.zeros(self.n, dtype=bool)
        is_time = np.zeros(self.n, dtype=bool)
        for rows, writers in self.groups:
            mine = [w for w in writers if w.rule.name == name]
            if len(mine) == 1 and mine[0].present is None:  # the usual case: one writer
                values[rows], notnone[rows], is_time[rows] = mine[0].floats(), mine[0].notnone, mine[0].times()
                continue
            if not mine:
                continue
            v, nn, t = values[rows], notnone[rows], is_time[rows]
            for w in mine:
                here = np.ones(len(rows), dtype=bool) if w.present is None else w.present
                v = np.where(here, w.floats(), v)
                nn = np.where(here, w.notnone, nn)
                t = np.where(here, w.times(), t)
            values[rows], notnone[rows], is_time[rows] = v, nn, t
        return values, notnone, is_time

    def rows(self) -> list[dict[str, Any]]:
        """Each message as fitparse's ``DataMessage.get_values()`` gives it."""
        out: list[dict[str, Any]] = [{} for _ in range(self.n)]
        for rows, writers in self.groups:
            targets = rows.tolist()
            for w in writers:
                objects = w.objects()
                name = w.rule.name
                which = range(len(targets)) if w.present is None else np.flatnonzero(w.present).tolist()
                for i in which:
                    out[targets[i]][name] = objects[i]
        return out


@dataclass
class _Raw:
    """One field of every message of a definition, before the profile is applied."""

    raw: np.ndarray
    form: str
    notnone: np.ndarray
    element_ok: np.ndarray | None = None


def _gather(arr: np.ndarray, positions: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` bytes at each position, as a C-contiguous ``(n, size)`` array: rows of
    a sliding-window view of the file, copied row by row (several times faster than
    gathering every byte by its index)."""
    if not size or len(arr) < size:
        return np.zeros((len(positions), size), dtype=np.uint8)
    if len(positions) < 32:  # a few messages: the view costs more than it saves
        return arr[positions[:, None] + np.arange(size)]
    return np.lib.stride_tricks.sliding_window_view(arr, size)[positions]


@functools.cache
def _field_dtype(number: int, endian: str, count: int, offset: int, itemsize: int) -> np.dtype[Any]:
    """A structured dtype with one field ``v``: ``count`` values of a base type at ``offset``."""
    base = BASE_TYPES[number].dtype(endian)
    return np.dtype(
        {
            "names": ["v"],
            "formats": [base if count == 1 else (base, (count,))],
            "offsets": [offset],
            "itemsize": itemsize,
        }
    )


def _read_field(block: np.ndarray, offset: int, size: int, base: BaseType, endian: str) -> _Raw:
    """View bytes ``offset:offset+size`` of every message (a row of ``block``) as the
    field's base type, through a structured dtype (no copy)."""
    if base.name == "byte" or base.code == "S":
        chunk = block[:, offset : offset + size]
        if base.name == "byte":
            return _Raw(chunk, "bytes", ~(chunk == 0xFF).all(axis=1))
        return _Raw(chunk, "str", chunk[:, 0] != 0 if size else np.zeros(len(chunk), dtype=bool))
    count = size // base.size
    values = block.view(_field_dtype(base.number, endian, count, offset, block.shape[1])).reshape(-1)["v"]
    ok = ~np.isnan(values) if base.is_float else values != base.invalid
    if count == 1:
        return _Raw(values, "num", ok)
    return _Raw(values, "array", np.ones(len(values), dtype=bool), ok)


def _subfield_choice(spec: Any, definition: Definition, raws: Sequence[_Raw], n: int) -> np.ndarray:
    """Per message, the index of the sub-field fitparse resolves ``spec`` to (-1: none)."""
    choice = np.full(n, -1)
    for i, sub in enumerate(spec.subfields or []):
        for ref in sub.ref_fields:
            for j, f in enumerate(definition.fields):
                if f.num == ref.def_num and raws[j].form == "num":
                    raw = raws[j]
                    hit = raw.notnone & (raw.raw == ref.raw_value) & (choice == -1)
                    choice[hit] = i
    return choice


def _resolutions(
    spec: Any, definition: Definition, raws: Sequence[_Raw], n: int
) -> list[tuple[Any, np.ndarray | None]]:
    """The (sub-)fields ``spec`` resolves to, each with the messages that use it."""
    if not spec.subfields:
        return [(spec, None)]
    choice = _subfield_choice(spec, definition, raws, n)
    out: list[tuple[Any, np.ndarray | None]] = []
    for i, sub in enumerate(spec.subfields):
        if (choice == i).any():
            out.append((sub, choice == i))
    if (choice == -1).any():
        out.append((spec, choice == -1))
    return out


@functools.cache
def _rule(spec: Any, *, scale_from: Any = None) -> Rule:
    """The rule of a profile field (a component's scale and offset when given); profile
    objects live as long as the process, so the rules are kept."""
    source = scale_from if scale_from is not None else spec
    return Rule(
        name=spec.name,
        type_name=spec.type.name,
        values=getattr(spec.type, "values", None) or None,
        scale=source.scale,
        offset=source.offset,
        scale_first=scale_from is not None,
    )


def _component_raw(component: Any, raw: _Raw) -> _Raw | None:
    """A component's raw numbers cut out of its field (None: fitparse skips it)."""
    mask = (1 << component.bits) - 1
    if raw.form == "num":
        if raw.raw.dtype.kind == "f":
            return _Raw(raw.raw, "num", raw.notnone)
        values = (raw.raw.astype(np.int64) >> component.bit_offset) & mask
        return _Raw(values, "num", raw.notnone)
    if raw.form not in ("bytes", "array"):
        raise NeedsReference("a component of a text field")
    width = raw.raw.shape[1]
    if component.bit_offset and component.bit_offset >= width << 3:
        return None
    if raw.form == "array" and (raw.element_ok is None or not raw.element_ok.all()):
        raise NeedsReference("a component of an array with missing elements")
    if width > 7 or (raw.form == "array" and raw.raw.dtype.itemsize > 1):
        raise NeedsReference("a component of a wide array")
    weights = np.left_shift(np.int64(1), 8 * np.arange(width, dtype=np.int64))
    packed = (raw.raw.astype(np.int64) * weights).sum(axis=1)
    return _Raw((packed >> component.bit_offset) & mask, "num", raw.notnone)


@dataclass
class _Accumulation:
    """Accumulated components waiting for the file-order unwrap: ``(global, component)``
    -> list of (message indices, raw values, the FieldValues to fill in)."""

    pending: dict[tuple[int, int, int], list[tuple[np.ndarray, FieldValues]]] = field(default_factory=dict)

    def add(self, key: tuple[int, int, int], messages: np.ndarray, values: FieldValues) -> None:
        self.pending.setdefault(key, []).append((messages, values))

    def solve(self, layout: Layout) -> None:
        """Unwrap each accumulated component as fitparse does, message after message."""
        for (global_num, number, bits), parts in self.pending.items():
            used = [v.notnone if v.present is None else v.notnone & v.present for _, v in parts]
            messages = np.concatenate([m[u] for (m, _), u in zip(parts, used, strict=True)])
            raws = np.concatenate([v.raw[u] for (_, v), u in zip(parts, used, strict=True)]).astype(np.int64)
            order = np.argsort(messages, kind="stable")
            if len(np.unique(messages)) != len(messages):
                raise NeedsReference("two accumulated fields of one kind in a message")
            restarts = sorted(
                [i for i, g, nums in layout.resets if g == global_num and number in nums] + layout.segment_starts
            )
            group = np.searchsorted(np.array(restarts, dtype=np.int64), messages[order], side="right")
            sorted_raw = raws[order]
            previous = np.zeros_like(sorted_raw)
            previous[1:] = sorted_raw[:-1]
            first = np.ones(len(group), dtype=bool)
            first[1:] = group[1:] != group[:-1]
            previous[first] = 0
            steps = (sorted_raw - previous) & ((1 << bits) - 1)
            total = np.cumsum(steps)
            starts = np.flatnonzero(first)
            acc = total - (total - steps)[starts][np.cumsum(first) - 1]
            unwrapped = np.empty_like(acc)
            unwrapped[order] = acc
            at = 0
            for (_, values), u in zip(parts, used, strict=True):
                k = int(u.sum())
                filled = values.raw.astype(np.int64)
                filled[u] = unwrapped[at : at + k]
                values.raw = filled
                at += k


def _field_writers(
    spec: Any, raw: _Raw, definition: Definition, raws: Sequence[_Raw], messages: np.ndarray, acc: _Accumulation
) -> list[FieldValues]:
    """What one field writes: its components, then itself, per sub-field resolution."""
    out = []
    profile = message_fields(definition.global_num)
    for resolved, present in _resolutions(spec, definition, raws, len(raw.notnone)):
        for component in resolved.components or []:
            cut = _component_raw(component, raw)
            if cut is None:
                continue
            target = profile.get(component.def_num)
            if target is None:
                raise NeedsReference("a component of an unknown field")
            for target_resolved, target_present in _resolutions(target, definition, raws, len(raw.notnone)):
                both = _and(present, target_present)
                values = FieldValues(_rule(target_resolved, scale_from=component), cut.raw, "num", cut.notnone, both)
                if component.accumulate:
                    key = (definition.global_num, component.def_num, component.bits)
                    acc.add(key, messages, values)
                out.append(values)
        out.append(FieldValues(_rule(resolved), raw.raw, raw.form, raw.notnone, present, raw.element_ok))
    return out


def _and(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    return a if b is None else a & b


@functools.cache
def _possible_names(global_num: int, num: int) -> frozenset[str]:
    """Every name a field can write: its own, its sub-fields' and its components'."""
    profile = message_fields(global_num)
    spec = profile.get(num)
    if spec is None:
        return frozenset({f"unknown_{num}"})
    names = set()
    for resolved in [spec, *(spec.subfields or [])]:
        names.add(resolved.name)
        for component in resolved.components or []:
            target = profile.get(component.def_num)
            if target is not None:
                names |= {target.name, *(sub.name for sub in target.subfields or [])}
    return frozenset(names)


class _LazyFields(Sequence[_Raw]):
    """The fields of a definition's messages, each read when first asked for."""

    def __init__(self, block: np.ndarray, definition: Definition) -> None:
        self.block, self.definition = block, definition
        self.cache: dict[int, _Raw] = {}

    def __len__(self) -> int:
        return len(self.definition.fields)

    @overload
    def __getitem__(self, index: int) -> _Raw: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[_Raw]: ...
    def __getitem__(self, index: int | slice) -> _Raw | Sequence[_Raw]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index not in self.cache:
            f = self.definition.fields[index]
            self.cache[index] = _read_field(self.block, f.offset, f.size, f.base, self.definition.endian)
        return self.cache[index]


def _group(
    layout: Layout, def_id: int, messages: np.ndarray, names: Collection[str] | None, acc: _Accumulation
) -> list[FieldValues]:
    """Decode every message of one definition (``messages``: their indices in the file)."""
    definition = layout.definitions[def_id]
    arr = np.frombuffer(layout.data, dtype=np.uint8)
    positions = layout.positions[messages]
    block = _gather(arr, positions, definition.size)
    raws = _LazyFields(block, definition)
    profile = message_fields(definition.global_num)
    writers: list[FieldValues] = []
    for index, f in enumerate(definition.fields):
        if names is not None and not _possible_names(definition.global_num, f.num) & set(names):
            continue
        raw = raws[index]
        spec = profile.get(f.num)
        if spec is None:
            rule = Rule(f"unknown_{f.num}", f.base.name)
            writers.append(FieldValues(rule, raw.raw, raw.form, raw.notnone, None, raw.element_ok))
        else:
            writers += _field_writers(spec, raw, definition, raws, messages, acc)
    for d in definition.dev_fields:
        if names is not None and d.name not in names:
            continue
        dev = _read_field(block, d.offset, d.size, d.base, definition.endian)
        writers.append(FieldValues(Rule(d.name, d.base.name), dev.raw, dev.form, dev.notnone, None, dev.element_ok))
    return [w for w in writers if names is None or w.rule.name in names]


def compressed_timestamps(layout: Layout) -> np.ndarray | None:
    """The time stamp of every data message with a compressed-timestamp header (-1 for
    the others), or None when the file has none: fitparse's rule, unwrapped at once.

    Each message with a ``timestamp`` field (any message type) sets the running time;
    a compressed header's 5-bit offset then advances it to the next value with those low
    bits. The running time restarts at 0 in each chained file.
    """
    arr = np.frombuffer(layout.data, dtype=np.uint8)
    headers = arr[layout.positions - 1] if len(layout.positions) else np.zeros(0, dtype=np.uint8)
    compressed = (headers & 0x80) != 0
    if not compressed.any():
        return None
    n = len(headers)
    has_set, set_to = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
    for def_id, definition in enumerate(layout.definitions):
        every: tuple[FieldLayout | DevFieldLayout, ...] = (*definition.fields, *definition.dev_fields)
        stamps = [f for f in every if f.num == TIMESTAMP_NUM]
        if not stamps:
            continue
        messages = np.flatnonzero(layout.def_ids == def_id)
        for f in stamps:
            if f.base.code[0] not in "ui" or f.size != f.base.size:
                raise NeedsReference("a timestamp field that is not one integer")
            offsets = layout.positions[messages][:, None] + f.offset + np.arange(f.size)
            raw = _read_field(arr[offsets], 0, f.size, f.base, definition.endian)
            has_set[messages[raw.notnone]] = True
            set_to[messages[raw.notnone]] = raw.raw[raw.notnone]
    start = has_set.copy()
    start[[s for s in layout.segment_starts if s < n]] = True
    group = np.cumsum(start) - 1
    base = np.where(has_set, set_to, 0)[np.flatnonzero(start)]
    where = np.flatnonzero(compressed)
    g, offset = group[where], (headers[where] & 0x1F).astype(np.int64)
    first = np.ones(len(where), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    previous = np.empty_like(offset)
    previous[1:] = offset[:-1]
    previous[first] = base[g[first]] & 0x1F
    steps = (offset - previous) & 0x1F
    total = np.cumsum(steps)
    out = np.full(n, -1, dtype=np.int64)
    out[where] = base[g] + total - (total - steps)[np.flatnonzero(first)][np.cumsum(first) - 1]
    return out


def decode(
    layout: Layout, global_num: int, names: Collection[str] | None = None, *, times: np.ndarray | None = None
) -> MessageTable:
    """Decode every data message of one global type.

    Parameters
    ----------
    layout
        The file's messages (:func:`.scan.scan`).
    global_num
        The message type (20 ``record``, 18 ``session``, ...).
    names
        Decode only the values with these names (None: all).
    times
        :func:`compressed_timestamps` of the file, when it has compressed headers.

    Returns
    -------
    MessageTable

    Raises
    ------
    NeedsReference
        A field fitparse would read in a way this decoder does not copy.
    """
    ids = [i for i, d in enumerate(layout.definitions) if d.global_num == global_num]
    mine = layout.messages_of(global_num)
    filled = np.zeros(len(mine), dtype=bool)
    table = MessageTable(len(mine), filled=filled)
    acc = _Accumulation()
    row_of = np.full(len(layout.def_ids), -1)
    row_of[mine] = np.arange(len(mine))
    for def_id in ids:
        messages = mine[layout.def_ids[mine] == def_id]
        if not len(messages):
            continue
        writers = _group(layout, def_id, messages, names, acc)
        definition = layout.definitions[def_id]
        filled[row_of[messages]] = bool(definition.fields or definition.dev_fields)
        if times is not None:
            filled[row_of[messages]] |= times[messages] >= 0
        if times is not None and (times[messages] >= 0).any() and (names is None or "timestamp" in names):
            stamped = times[messages] >= 0
            rule = Rule(TIMESTAMP_FIELD.name, TIMESTAMP_FIELD.type.name)
            writers.append(FieldValues(rule, np.maximum(times[messages], 0), "num", stamped, stamped))
        table.groups.append((row_of[messages], writers))
    acc.solve(layout)
    return table
