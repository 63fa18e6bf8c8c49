"""The mood and sleep log formats runwell reads, declared once on :data:`runwell.registry.REGISTRY`.

Each format is registered under kind ``"mood"`` or ``"sleep"`` with its description,
its reader and a sniffer that recognises it from a :class:`~runwell.logs.peek.Peek`.
They are registered in the order :func:`~runwell.logs.dispatch.detect_format` tries
them: the app formats first, the generic table last. :data:`MOOD_FORMATS` and
:data:`SLEEP_FORMATS` are live read-only views of the registry's two kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from runwell.logs.apple_health import read_apple_health_mood, read_apple_health_sleep, sniff_apple_health
from runwell.logs.bearable import read_bearable, sniff_bearable
from runwell.logs.daylio import read_daylio, sniff_daylio
from runwell.logs.files import member_named
from runwell.logs.fitbit import read_fitbit, sniff_fitbit
from runwell.logs.garmin import read_garmin, sniff_garmin
from runwell.logs.generic import read_generic_mood, read_generic_sleep, sniff_generic_mood, sniff_generic_sleep
from runwell.logs.mpath import read_mpath, sniff_mpath
from runwell.logs.oura import read_oura, sniff_oura
from runwell.logs.peek import Peek
from runwell.logs.plees import read_plees, sniff_plees
from runwell.logs.sleep_as_android import MEMBER, read_sleep_as_android, sniff_sleep_as_android
from runwell.registry import REGISTRY, Format

__all__ = ["LOG_KINDS", "LOG_FORMATS", "MOOD_FORMATS", "SLEEP_FORMATS", "FormatsView"]

#: The kinds of data :mod:`runwell.logs` reads.
LOG_KINDS: tuple[str, ...] = ("mood", "sleep")


class FormatsView(Mapping[str, Format]):
    """The registered formats of one kind, by name, in the order they are tried (read-only, live).

    Parameters
    ----------
    kind
        ``"mood"`` or ``"sleep"``.
    """

    def __init__(self, kind: str) -> None:
        self.kind = REGISTRY.check_kind(kind)

    def __getitem__(self, name: str) -> Format:
        """The format called ``name`` (``KeyError`` when there is none)."""
        return REGISTRY.formats(self.kind)[name]

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY.formats(self.kind))

    def __len__(self) -> int:
        return len(REGISTRY.formats(self.kind))

    def __repr__(self) -> str:
        return f"FormatsView({self.kind!r}: {', '.join(self)})"


def _table(test: Callable[[list[str]], bool]) -> Callable[[Peek], bool]:
    """A sniffer asking ``test`` about the header of a table (never of an archive)."""

    def detect(p: Peek) -> bool:
        return p.is_table and test(p.header)

    return detect


def _mpath(p: Peek) -> bool:
    """An m-Path ``basic.csv``: its header, separated by semicolons."""
    return p.is_table and sniff_mpath(p.header, p.delimiter)


def _apple_health(p: Peek) -> bool:
    """An Apple Health ``export.xml``, or a zip holding one."""
    return sniff_apple_health(p.head, p.zip_names)


def _sleep_as_android(p: Peek) -> bool:
    """A Sleep as Android export, or a backup zip holding one."""
    return sniff_sleep_as_android(p.first_line) or member_named(p.zip_names or [], MEMBER) is not None


def _json(test: Callable[[str], bool]) -> Callable[[Peek], bool]:
    """A sniffer asking ``test`` about the start of a JSON file."""

    def detect(p: Peek) -> bool:
        return test(p.head)

    return detect


#: The log formats, in the order they are tried within each kind.
LOG_FORMATS: tuple[Format, ...] = (
    Format("daylio", "mood", "Daylio CSV export", read_daylio, _table(sniff_daylio)),
    Format("bearable", "mood", "Bearable CSV export", read_bearable, _table(sniff_bearable)),
    Format("mpath", "mood", "m-Path EMA basic.csv", read_mpath, _mpath),
    Format(
        "apple_health",
        "mood",
        "Apple Health export.xml/export.zip (State of Mind)",
        read_apple_health_mood,
        _apple_health,
    ),
    Format(
        "generic",
        "mood",
        "any CSV/parquet table, columns mapped with time=, items=, ...",
        read_generic_mood,
        _table(sniff_generic_mood),
    ),
    Format(
        "sleep_as_android",
        "sleep",
        "Sleep as Android sleep-export.csv or backup zip",
        read_sleep_as_android,
        _sleep_as_android,
    ),
    Format("plees", "sleep", "Plees Tracker CSV (sid,start,stop,rating)", read_plees, _table(sniff_plees)),
    Format("oura", "sleep", "Oura CSV export (Bedtime Start/End)", read_oura, _table(sniff_oura)),
    Format("fitbit", "sleep", "Fitbit sleep-YYYY-MM-DD.json", read_fitbit, _json(sniff_fitbit)),
    Format("garmin", "sleep", "Garmin Connect *_sleepData.json", read_garmin, _json(sniff_garmin)),
    Format(
        "apple_health",
        "sleep",
        "Apple Health export.xml/export.zip (SleepAnalysis)",
        read_apple_health_sleep,
        _apple_health,
    ),
    Format(
        "generic",
        "sleep",
        "any CSV/parquet table with sleep start/end columns (start=, end=)",
        read_generic_sleep,
        _table(sniff_generic_sleep),
    ),
)

for _fmt in LOG_FORMATS:
    REGISTRY.register(_fmt)

#: The mood formats by name (a view of :data:`runwell.registry.REGISTRY`).
MOOD_FORMATS = FormatsView("mood")
#: The sleep formats by name (a view of :data:`runwell.registry.REGISTRY`).
SLEEP_FORMATS = FormatsView("sleep")
