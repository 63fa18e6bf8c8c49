"""A study's loaded participants as a parquet dataset, so that a rerun skips done work.

Each participant's tables are stored under a *key*: the hash of the content of every input
file of that participant (each file's bytes and its path inside the participant's export),
of the options that change what is loaded (zone, mood columns and item, default sport) and
of runwell's version. A rerun whose key is stored reads the tables back instead of
parsing; a changed file, option or version loads the participant again. Nothing is keyed
by modification time.

Layout (one partition per participant and table; ``<id>`` is the participant id,
percent-encoded)::

    <store>/activities/<id>/<key>.parquet
    <store>/mood/<id>/<key>.parquet
    <store>/sleep/<id>/<key>.parquet
    <store>/report/<id>/<key>.parquet
    <store>/meta/<id>/<key>.json        written last: a partition is complete once it exists

so ``pandas.read_parquet("<store>/activities")`` (or ``dask.dataframe.read_parquet``) reads
everyone's activities. Each file is written under a temporary name and renamed, so that
several processes (or machines sharing the folder) may write to one store; a participant's
older keys are deleted when a new one is written.

The store holds what the tables hold (no GPS tracks): as private as the inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from runwell._version import __version__
from runwell.activities.cache import default_cache_dir
from runwell.inputs import Inputs
from runwell.tables import conform

__all__ = ["StudyStore", "STORE_TABLES", "content_key", "default_store"]

PathLike = str | os.PathLike[str]

#: The tables stored per participant, with their schema in :mod:`runwell.tables`.
STORE_TABLES: dict[str, str] = {"activities": "activities", "mood": "mood", "sleep": "sleep", "report": "load_report"}
_CHUNK = 1 << 20


def _files(path: Path) -> Iterable[tuple[str, Path]]:
    """``(relative name, file)`` for a file, or for every file under a folder, in a stable order."""
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            yield item.relative_to(path).as_posix(), item
    else:
        yield path.name, path


def content_key(paths: Iterable[Path | None], options: Mapping[str, Any], extra: bytes = b"") -> str:
    """The key of one participant's inputs: file contents, options and runwell's version.

    Parameters
    ----------
    paths
        The participant's inputs (files or folders); ``None`` entries stand for an absent
        input and count as such.
    options
        Everything else that changes what is loaded (JSON-serialisable).
    extra
        Further bytes to hash, e.g. the participant's rows of a study-wide mood file.

    Returns
    -------
    str
        32 hex digits (SHA-256, truncated).
    """
    digest = hashlib.sha256(f"runwell {__version__}\0".encode())
    digest.update(json.dumps(dict(options), sort_keys=True, default=str).encode())
    for slot, path in enumerate(paths):
        digest.update(f"\0input {slot}\0".encode())
        if path is None:
            digest.update(b"absent")
            continue
        for name, item in _files(Path(path)):
            digest.update(f"\0{name}\0{item.stat().st_size}\0".encode())
            with open(item, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
    digest.update(extra)
    return digest.hexdigest()[:32]


def default_store(study: PathLike) -> Path:
    """Where a study's store goes by default: beside runwell's parse cache, one folder per study.

    ``<cache dir>/studies/<study folder name>-<hash of its absolute path>`` (the cache dir
    of :func:`runwell.activities.cache.default_cache_dir`). On several machines, give a
    folder they all reach instead.
    """
    folder = Path(study).resolve()
    tag = hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    return default_cache_dir() / "studies" / f"{folder.name}-{tag}"


def _write_atomic(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


class StudyStore:
    """A parquet dataset of loaded participants (see the module docstring for its layout).

    Parameters
    ----------
    root
        The store's folder (created when first written).
    """

    def __init__(self, root: PathLike) -> None:
        self.root = Path(root)

    def _part(self, table: str, participant_id: str) -> Path:
        return self.root / table / quote(participant_id, safe="")

    def path(self, table: str, participant_id: str, key: str) -> Path:
        """The file of one table (or ``meta``) of one participant under one key."""
        suffix = ".json" if table == "meta" else ".parquet"
        return self._part(table, participant_id) / f"{key}{suffix}"

    def has(self, participant_id: str, key: str) -> bool:
        """Whether this participant's tables are stored under ``key``."""
        return self.path("meta", participant_id, key).is_file()

    def meta(self, participant_id: str, key: str) -> dict[str, Any]:
        """The stored metadata of one participant (see :meth:`put`)."""
        return dict(json.loads(self.path("meta", participant_id, key).read_text(encoding="utf-8")))

    def read_table(self, table: str, participant_id: str, key: str) -> pd.DataFrame:
        """One stored table of one participant, with its canonical columns and dtypes."""
        frame = pd.read_parquet(self.path(table, participant_id, key))
        return conform(frame, STORE_TABLES[table], extra=True)

    def get(self, participant_id: str, key: str) -> Inputs:
        """One participant's stored inputs.

        Raises
        ------
        FileNotFoundError
            When nothing is stored under ``key``.
        """
        meta = self.meta(participant_id, key)
        tables = {name: self.read_table(name, participant_id, key) for name in STORE_TABLES}
        return Inputs(
            activities=tables["activities"],
            mood=tables["mood"],
            sleep=tables["sleep"],
            report=tables["report"],
            participants=list(meta["participants"]),
            sources=dict(meta["sources"]),
            formats=dict(meta["formats"]),
            reconciled=bool(meta["reconciled"]),
            has_sleep=bool(meta["has_sleep"]),
        )

    def put(self, participant_id: str, key: str, inputs: Inputs, **info: Any) -> None:
        """Store one participant's inputs under ``key`` (``info``: more metadata), dropping older keys."""
        for name in STORE_TABLES:
            frame = getattr(inputs, name)
            _write_atomic(self.path(name, participant_id, key), lambda p, f=frame: f.to_parquet(p, index=False))
        meta = {
            "participants": inputs.participants,
            "sources": inputs.sources,
            "formats": inputs.formats,
            "reconciled": inputs.reconciled,
            "has_sleep": inputs.has_sleep,
            "runwell": __version__,
            **info,
        }
        text = json.dumps(meta, indent=1, default=str)
        _write_atomic(self.path("meta", participant_id, key), lambda p: p.write_text(text, encoding="utf-8"))
        self._drop_others(participant_id, key)

    def _drop_others(self, participant_id: str, key: str) -> None:
        """Delete this participant's partitions under other keys (meta first: they stop counting)."""
        for table in ("meta", *STORE_TABLES):
            folder = self._part(table, participant_id)
            for old in folder.glob("*.*"):
                if old.stem != key and not old.name.startswith("."):
                    old.unlink(missing_ok=True)
