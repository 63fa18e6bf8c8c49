"""The fuzz harness (tests/fuzzing) and a fixed-seed fuzz slice of runwell's readers (issue 12).

* mutators: deterministic from their seed, and they change the bytes;
* the classifier: a child that segfaults is CRASH, one that sleeps is HANG, one that
  allocates 3 GB is MEMORY, one that raises ValueError is UNCLEAN, ...;
* the slice: ~200 inputs from small seeds, none may CRASH, HANG, run out of MEMORY or
  end UNCLEAN (a child that opens a socket is UNCLEAN too);
* the saved failing recipes (tests/data/fuzz/recipes.json), one per signature: every
  crash the fuzzer ever found stays fixed.
"""

from __future__ import annotations

import ctypes
import gzip
import io
import socket
import struct
import time
import zipfile
from pathlib import Path

import pytest
from fuzzing import campaign
from fuzzing.fitmut import FAR_DATES, crc16, fix_crcs, walk
from fuzzing.mutators import MUTATORS, applicable, file_format, mutate
from fuzzing.runner import FAILURES, Result, run_call

from runwell.errors import InputError

DATA = Path(__file__).parent / "data"
RECIPES = DATA / "fuzz" / "recipes.json"
SLICE_N, SLICE_SEED, SLICE_MAX_BYTES = 200, 12, 100_000


def tiny_fit() -> bytes:
    """A small valid FIT activity made by hand: file_id, then 5 records with timestamps."""
    recs = bytearray()
    recs += bytes([0x40, 0, 0]) + struct.pack("<HB", 0, 2) + bytes([0, 1, 0x00, 4, 4, 0x86])  # def file_id
    recs += bytes([0x00, 4]) + struct.pack("<I", 1_000_000_000)
    recs += bytes([0x41, 0, 0]) + struct.pack("<HB", 20, 2) + bytes([253, 4, 0x86, 3, 1, 0x02])  # def record
    for i in range(5):
        recs += bytes([0x01]) + struct.pack("<IB", 1_000_000_000 + i, 120 + i)
    header = bytearray(struct.pack("<BBHI4sH", 14, 0x20, 2132, len(recs), b".FIT", 0))
    buf = header + recs + b"\0\0"
    fix_crcs(buf)
    return bytes(buf)


def _seed_files() -> dict[str, tuple[bytes, str]]:
    """One small seed of every payload format, from tests/data (FIT made here)."""
    pick = {
        "gpx": "activities/route_without_times.gpx",
        "tcx": "activities/truncated_after_first_activity.tcx",
        "xml": "logs/apple_sleep.xml",
        "csv": "logs/sleep_as_android_dst.csv",
        "json": "logs/fitbit_sleep-2020-03-22.json",
    }
    out = {fmt: ((DATA / rel).read_bytes(), Path(rel).name) for fmt, rel in pick.items()}
    out["fit"] = (tiny_fit(), "tiny.fit")
    return out


SEEDS = _seed_files()
CASES = [(fmt, name) for fmt, (data, fname) in SEEDS.items() for name in applicable(data, fname)]


# ------------------------------------------------------------------ mutators


def test_tiny_fit_is_walkable() -> None:
    layout = walk(tiny_fit())
    assert len(layout.defs) == 2 and len(layout.data) == 6
    assert crc16(tiny_fit()) == 0  # a FIT file with its CRC appended checks to 0


def test_every_family_has_mutators() -> None:
    families = {m.family for m in MUTATORS.values()}
    assert families >= {"generic", "fit", "xml", "csv", "json", "container"}
    assert len(MUTATORS) >= 40


@pytest.mark.parametrize(("fmt", "name"), CASES, ids=[f"{f}-{n}" for f, n in CASES])
def test_mutator_is_deterministic_and_changes_bytes(fmt: str, name: str) -> None:
    data, fname = SEEDS[fmt]
    first = mutate(name, data, fname, 7)
    assert first == mutate(name, data, fname, 7)
    assert first[0] != data
    assert file_format(first[1]) != "other"
    others = {mutate(name, data, fname, s)[0] for s in range(8)}
    assert len(others) > 1 or MUTATORS[name].family == "container"


def test_fit_mutators_hit_the_structure() -> None:
    data = tiny_fit()
    layout = walk(data)
    dated = mutate("fit_date", data, "t.fit", 3)[0]
    assert any(struct.pack("<I", v) in dated for v in FAR_DATES)
    compressed = mutate("fit_compressed_ts", data, "t.fit", 2)[0]
    assert any(compressed[pos] & 0x80 for pos, _ in layout.data)
    arch = mutate("fit_def_arch", data, "t.fit", 1)[0]
    assert any(arch[d.offset + 2] != data[d.offset + 2] for d in layout.defs)


def test_gz_and_zip_seeds_are_mutated_inside() -> None:
    fit = tiny_fit()
    out, name = mutate("fit_data_size", gzip.compress(fit, mtime=0), "t.fit.gz", 1)
    inner = gzip.decompress(out)
    assert name == "t.fit.gz" and inner != fit and inner[8:12] == b".FIT"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as zf:
        zf.writestr("in/tiny.fit", fit)
    out, name = mutate("fit_def_arch", packed.getvalue(), "t.zip", 1)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert name == "t.zip" and zf.namelist() == ["in/tiny.fit"] and zf.read("in/tiny.fit") != fit


# ------------------------------------------------------------------ classifier (children)


def toy_segfault() -> None:
    ctypes.string_at(0)


def toy_sleep() -> None:
    time.sleep(60)


def toy_spin() -> None:
    while True:
        pass


def toy_allocate() -> None:
    block = bytearray(3 << 30)
    block[-1] = 1


def toy_value_error() -> None:
    raise ValueError("plain")


def toy_clean(name: str) -> None:
    raise InputError(name, "bad content")


def toy_socket() -> list[str]:
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    except OSError:
        pass
    return []


def toy_check_failed() -> list[str]:
    return ["unaccounted: x.fit is nowhere"]


@pytest.mark.parametrize(
    ("func", "args", "outcome", "exc_type"),
    [
        (toy_segfault, (), "CRASH", "SIGSEGV"),
        (toy_sleep, (), "HANG", "timeout"),
        (toy_spin, (), "HANG", "timeout"),
        (toy_allocate, (), "MEMORY", "MemoryError"),
        (toy_value_error, (), "UNCLEAN", "ValueError"),
        (toy_clean, ("run.fit",), "CLEAN", "InputError"),
        (toy_clean, ("other.fit",), "UNCLEAN", "InputError (file not named)"),
        (toy_socket, (), "UNCLEAN", "NetworkAccess"),
        (toy_check_failed, (), "UNCLEAN", "CheckFailed[unaccounted]"),
        (list, (), "OK", ""),
    ],
    ids=lambda v: getattr(v, "__name__", None) if callable(v) else None,
)
def test_classifier(func, args, outcome: str, exc_type: str) -> None:  # type: ignore[no-untyped-def]
    res = run_call(func, args, name="run.fit", timeout=3.0, mem_limit=2 << 30)
    assert (res.outcome, res.exc_type) == (outcome, exc_type), res
    if outcome == "HANG":
        assert func.__name__ in res.last and res.seconds < 12  # a sleeper uses no CPU: waited 3x


def test_crash_names_the_frame() -> None:
    res = run_call(toy_segfault, timeout=5.0)
    assert res.outcome == "CRASH" and "string_at" in res.last
    assert "Segmentation fault" in res.message


# ------------------------------------------------------------------ campaign pieces


def test_plan_is_deterministic_and_recipes_regenerate() -> None:
    seeds, _ = campaign.discover_seeds(max_bytes=20_000)
    a, b = campaign.plan(30, 3, seeds), campaign.plan(30, 3, seeds)
    assert a == b and len({r.mutator for r in a}) > 5
    assert campaign.regenerate(a[0]) == campaign.regenerate(a[0])


def test_missing_shared_folder_is_skipped_with_a_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(campaign.ROOTS, "real", tmp_path / "absent")
    seeds, notes = campaign.discover_seeds()
    assert seeds and all(s.root == "repo" for s in seeds)
    assert any("not found" in n for n in notes)


def _assert_no_failures(results: list[tuple[campaign.Recipe, str, Result]]) -> None:
    """Fail with the outcome tables and signatures when any input failed."""
    bad = [r for r in results if r[2].outcome in FAILURES]
    assert not bad, "\n" + campaign.report(results)


def test_fuzz_slice() -> None:
    """200 fixed inputs from seeds up to 100 kB: no CRASH, HANG, MEMORY or UNCLEAN."""
    seeds, _ = campaign.discover_seeds(max_bytes=SLICE_MAX_BYTES)
    recipes = campaign.plan(SLICE_N, SLICE_SEED, seeds)
    results = campaign.run_campaign(recipes, jobs=1, timeout=6.0, mem_limit=1 << 30)
    print(campaign.report(results))
    _assert_no_failures(results)


def test_saved_failures_replay() -> None:
    """One saved recipe per failure signature (tests/data/fuzz/recipes.json) now passes."""
    if not RECIPES.is_file():
        pytest.skip("no saved recipes")
    saved, signatures = [], set()
    for recipe, entry in campaign.load_recipes(RECIPES):
        if entry["signature"] not in signatures and recipe.seed_file.path.is_file():
            signatures.add(entry["signature"])
            saved.append(recipe)
    if not saved:
        pytest.skip(f"seed files of the saved recipes not found (../shared/real-data: {campaign.ROOTS['real']})")
    results = campaign.run_campaign(saved, jobs=1, timeout=6.0, mem_limit=1 << 30)
    print(campaign.report(results))
    _assert_no_failures(results)
