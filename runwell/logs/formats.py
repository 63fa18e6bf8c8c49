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
from runwell.logs.health_auto_export import read_health_auto_export, sniff_health_auto_export
from runwell.logs.mema import read_mema, sniff_mema
from runwell.logs.mpath import read_mpath, sniff_mpath
from runwell.logs.mydatahelps import SIDE_FILES as MYDATAHELPS_SIDE_FILES
from runwell.logs.mydatahelps import read_mydatahelps, sniff_mydatahelps
from runwell.logs.oura import read_oura, sniff_oura
from runwell.logs.oura_export import read_oura_export, sniff_oura_export
from runwell.logs.peek import Peek
from runwell.logs.plees import read_plees, sniff_plees
from runwell.logs.polar import read_polar_sleep, sniff_polar_sleep
from runwell.logs.samsung import read_samsung_sleep, sniff_samsung_sleep
from runwell.logs.sema3 import read_sema3, sniff_sema3
from runwell.logs.sleep_as_android import MEMBER, read_sleep_as_android, sniff_sleep_as_android
from runwell.logs.whoop import read_whoop_journal, read_whoop_sleep, sniff_whoop_journal, sniff_whoop_sleep
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


def _samsung_sleep(p: Peek) -> bool:
    """Samsung Health's sleep table: its first line is the table's metadata line."""
    return p.zip_names is None and sniff_samsung_sleep(p.first_line)


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
        "sema3", "mood", "SEMA3 survey export (all participants; ...UtcTs columns)", read_sema3, _table(sniff_sema3)
    ),
    Format(
        "mema", "mood", "mEMA (ilumivu) flat data file (mbl_cod, UTC time, local TS)", read_mema, _table(sniff_mema)
    ),
    Format(
        "mydatahelps",
        "mood",
        "MyDataHelps HealthKitV2StateOfMind_*.csv (Apple State of Mind)",
        read_mydatahelps,
        _table(sniff_mydatahelps),
        companions=MYDATAHELPS_SIDE_FILES,
    ),
    Format(
        "whoop_journal",
        "mood",
        "Whoop journal_entries.csv (yes/no answers)",
        read_whoop_journal,
        _table(sniff_whoop_journal),
    ),
    Format(
        "health_auto_export",
        "mood",
        "Health Auto Export JSON (Apple State of Mind)",
        read_health_auto_export,
        _json(sniff_health_auto_export),
    ),
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
    Format("whoop", "sleep", "Whoop sleeps.csv (English or Spanish)", read_whoop_sleep, _table(sniff_whoop_sleep)),
    Format(
        "samsung",
        "sleep",
        "Samsung Health com.samsung.shealth.sleep.<timestamp>.csv",
        read_samsung_sleep,
        _samsung_sleep,
    ),
    Format(
        "oura_export",
        "sleep",
        "Oura membership export sleepmodel.csv (with dailysleep.csv)",
        read_oura_export,
        _table(sniff_oura_export),
        companions=("dailysleep*.csv",),
    ),
    Format("oura", "sleep", "Oura trends CSV (Bedtime Start/End)", read_oura, _table(sniff_oura)),
    Format("polar", "sleep", "Polar Flow sleep_result_*.json", read_polar_sleep, _json(sniff_polar_sleep)),
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
