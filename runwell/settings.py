"""The report's settings: command-line options and ``runwell.toml``, checked in one place.

The command line and a ``runwell.toml`` (next to the data, or given with ``--config``)
set the same options; the command line wins. Values are checked here, before any file is
read, and every message names the option as the user wrote it (``--mood-labels``).

``runwell.toml`` example::

    activities = "export_12345.zip"     # paths relative to this file
    mood = "daylio_export.csv"
    tz = "Europe/Berlin"
    mood-labels = "sad=2,average=3"     # or a table: [mood-labels] sad = 2
    default-sport = "running"
    start = "2026-01-01"
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from runwell.errors import InputError, UsageError
from runwell.tables import SPORTS
from runwell.timezones import zone

__all__ = ["Settings", "CONFIG_NAME", "parse_mood_labels", "read_participant_tz", "find_config", "read_config"]

#: The settings file looked for next to the data.
CONFIG_NAME = "runwell.toml"
_PATH_KEYS = ("activities", "mood", "sleep", "cohort", "participant_tz", "output", "tables", "store")


@dataclass
class Settings:
    """Everything a report run needs to know, by option name (``mood_labels`` is ``--mood-labels``)."""

    sample: bool = False
    cohort_sample: bool = False
    activities: Path | None = None
    mood: Path | None = None
    sleep: Path | None = None
    cohort: Path | None = None
    tz: str | None = None
    participant_tz: Path | None = None
    mood_format: str = "auto"
    sleep_format: str = "auto"
    mood_labels: dict[str, float] = field(default_factory=dict)
    mood_item: str | None = None
    default_sport: str | None = None
    start: str | None = None
    end: str | None = None
    cache: bool = False
    scheduler: str | None = None
    store: Path | None = None
    output: Path = Path("runwell-report.html")
    tables: Path | None = None
    open: bool = False

    def summary(self) -> dict[str, str]:
        """The analysis settings a reader of the report should know, as option -> value."""
        shown = (
            "tz",
            "participant_tz",
            "mood_format",
            "sleep_format",
            "mood_labels",
            "mood_item",
            "default_sport",
            "start",
            "end",
        )
        out = {}
        for name in shown:
            value = getattr(self, name)
            if value in (None, "auto", {}):
                continue
            if isinstance(value, dict):
                value = ",".join(f"{k}={v:g}" for k, v in value.items())
            out["--" + name.replace("_", "-")] = Path(value).name if isinstance(value, Path) else str(value)
        return out

    def merged(self, config: Mapping[str, Any], given: set[str]) -> Settings:
        """These settings with ``config`` filling every option not ``given`` on the command line."""
        names = {f.name for f in fields(self)}
        for key, value in config.items():
            name = key.replace("-", "_")
            if name not in names:
                raise UsageError(
                    f"{CONFIG_NAME}: unknown setting {key!r}; known: "
                    + ", ".join(sorted(n.replace("_", "-") for n in names))
                )
            if name not in given:
                setattr(self, name, _coerce(name, value))
        return self

    def check(self) -> Settings:
        """Check values and combinations before any work; raise :class:`UsageError` naming the option."""
        if self.sample and (self.activities or self.sleep or (self.mood and not self.cohort_sample)):
            raise UsageError(
                "--sample uses the bundled data: leave out --activities, --mood and --sleep, or drop --sample"
            )
        if self.sample and self.cohort is not None:
            raise UsageError(
                "--sample uses the bundled data: give --cohort without a folder for the sample cohort, or drop --sample"
            )
        if self.cohort is None and not self.sample and (self.activities is None or self.mood is None):
            raise UsageError("give --activities EXPORT and --mood LOG (or --sample, or --cohort DIR)")
        if self.tz is not None and zone(self.tz) is None:
            raise UsageError(f'--tz: unknown time zone {self.tz!r}; give an IANA name such as "Europe/Berlin"')
        if self.default_sport is not None and self.default_sport not in SPORTS:
            raise UsageError(f"--default-sport: unknown sport {self.default_sport!r}; one of: {', '.join(SPORTS)}")
        if self.participant_tz is not None and self.cohort is None and not self.cohort_sample:
            raise UsageError("--participant-tz goes with --cohort (one zone per participant of a study)")
        for name, value in (("--scheduler", self.scheduler), ("--store", self.store)):
            if value is not None and self.cohort is None and not self.cohort_sample:
                raise UsageError(f"{name} goes with --cohort (it loads the participants of a study)")
        if self.output.is_dir():
            raise UsageError(
                f"-o/--output {self.output} is a folder; give a file name such as {self.output / 'report.html'}"
            )
        return self


def _coerce(name: str, value: Any) -> Any:
    if name in _PATH_KEYS and value is not None:
        return Path(value)
    if name == "mood_labels" and isinstance(value, str):
        return parse_mood_labels(value)
    if name == "mood_labels" and isinstance(value, Mapping):
        return {str(k): _label_value(str(k), v) for k, v in value.items()}
    return value


def _label_value(label: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise UsageError(
            f"--mood-labels: the value of {label!r} is {value!r}, not a number; "
            'write e.g. --mood-labels "sad=2,average=3"'
        ) from err


def parse_mood_labels(text: str) -> dict[str, float]:
    """``"sad=2,average=3"`` -> ``{"sad": 2.0, "average": 3.0}`` (``--mood-labels``).

    Examples
    --------
    >>> parse_mood_labels("sad=2, super happy = 5")
    {'sad': 2.0, 'super happy': 5.0}
    """
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        label, sep, value = part.rpartition("=")
        if not sep or not label.strip():
            raise UsageError(f'--mood-labels: {part!r} is not LABEL=VALUE; write e.g. --mood-labels "sad=2,average=3"')
        out[label.strip()] = _label_value(label.strip(), value.strip())
    if not out:
        raise UsageError('--mood-labels is empty; write e.g. --mood-labels "sad=2,average=3"')
    return out


def read_participant_tz(path: Path) -> dict[str, str]:
    """The ``--participant-tz`` file: a CSV with columns ``participant_id,tz``.

    Raises
    ------
    InputError
        Missing columns, or a zone that is not an IANA name (naming the row).
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(path, f"cannot read the --participant-tz file ({err})") from err
    if not rows or not {"participant_id", "tz"} <= set(rows[0]):
        raise InputError(
            path,
            "the --participant-tz file needs the columns participant_id,tz",
            fix="write a header line participant_id,tz and one line per participant",
        )
    out = {}
    for number, row in enumerate(rows, start=2):
        pid, tz = (row.get("participant_id") or "").strip(), (row.get("tz") or "").strip()
        if not pid or zone(tz) is None:
            raise InputError(
                path,
                "not a participant and an IANA time zone",
                row=number,
                field="tz",
                value=tz,
                fix="write e.g. p01,Europe/Berlin",
            )
        out[pid] = tz
    return out


def find_config(*near: Path | None) -> Path | None:
    """The first ``runwell.toml`` in the folders of the given inputs (or the inputs themselves)."""
    for path in filter(None, near):
        folder = path if path.is_dir() else path.parent
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def read_config(path: Path) -> dict[str, Any]:
    """Read a ``runwell.toml``; its relative paths are taken relative to its folder."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{path}: not a readable runwell.toml ({err})") from err
    for key in list(data):
        if key.replace("-", "_") in _PATH_KEYS and isinstance(data[key], str):
            data[key] = str((path.parent / data[key]).resolve())
    return data
