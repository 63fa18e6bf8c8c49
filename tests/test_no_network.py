"""No reader opens a network connection (issue 12).

``socket.socket``, ``socket.create_connection``, ``socket.getaddrinfo`` and
``socket.socketpair`` are replaced in this process by functions that record the call
and raise; then every reader runs over every real file (``tests/data`` and, when
present, ``../shared/real-data``), over folders of them, and over the fuzz inputs that
name a URL (external entities, remote DTDs). Any attempt fails the test. The fuzz slice
(``tests/test_fuzz.py``) runs its children under the same guard, so every input of the
slice is checked too.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fuzzing import campaign
from fuzzing.mutators import mutate

import runwell
from runwell.errors import RunwellError

DATA = Path(__file__).parent / "data"
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data"
ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".gz", ".zip")


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every way of opening a socket raise; the list records attempts."""
    tried: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            tried.append(f"{name}{args[:2]!r}")
            raise PermissionError(f"test: network access refused ({name})")

        return call

    for name in ("socket", "create_connection", "getaddrinfo", "socketpair"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    return tried


def _files() -> list[Path]:
    roots = [DATA] + ([REAL] if REAL.is_dir() else [])
    return sorted(p for root in roots for p in root.rglob("*") if p.is_file() and "fuzz" not in p.parts)


def _quietly(call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run a reader; a RunwellError (a file of another kind, damage) is fine here."""
    try:
        call(*args, **kwargs)
    except RunwellError:
        pass


def test_readers_open_no_socket_on_real_files(no_sockets: list[str]) -> None:
    files = _files()
    assert files
    smallest: dict[str, Path] = {}
    for path in files:
        if path.name.lower().endswith(ACTIVITY_SUFFIXES):
            _quietly(runwell.read_activity, path)
            suffix = "".join(path.suffixes[-2:]).lower()
            if suffix not in smallest or path.stat().st_size < smallest[suffix].stat().st_size:
                smallest[suffix] = path
        if "logs" in path.parts and path.suffix.lower() in (".csv", ".json", ".xml", ".zip"):
            _quietly(runwell.read_mood, path, tz="UTC")
            _quietly(runwell.read_sleep, path, tz="UTC")
    for path in smallest.values():  # samples decode every record: one file of each kind
        _quietly(runwell.read_streams, path)
    for root in (DATA, REAL):
        if root.is_dir():
            assert runwell.load_activities(root, workers=1).reconciles
    assert not no_sockets, no_sockets


def test_entities_naming_urls_open_no_socket(no_sockets: list[str], tmp_path: Path) -> None:
    seeds = [s for s in campaign.discover_seeds(max_bytes=100_000)[0] if s.path.suffix in (".gpx", ".tcx", ".xml")]
    assert seeds
    for seed in seeds:
        for rng in range(6):
            data, name = mutate("xml_external_entity", seed.path.read_bytes(), seed.path.name, rng)
            path = tmp_path / f"{rng}-{name}"
            path.write_bytes(data)
            if seed.kind == "activity":
                _quietly(runwell.read_activity, path)
            else:
                _quietly(runwell.read_sleep, path, tz="UTC")
                _quietly(runwell.read_mood, path, tz="UTC")
    assert runwell.load_activities(tmp_path, workers=1).reconciles
    assert not no_sockets, no_sockets
