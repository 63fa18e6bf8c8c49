"""Seeds, recipes and campaigns: what to fuzz, how to rebuild an input, and the tables.

A *recipe* names an input without storing it: the seed file (``real`` =
``../shared/real-data``, ``repo`` = ``tests/data``), the mutator, the RNG seed and the
target. :func:`regenerate` rebuilds its bytes, so saved failures never copy shared files.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fuzzing.mutators import MUTATORS, applicable, file_format, mutate
from fuzzing.runner import FAILURES, OUTCOMES, Result, run_call

__all__ = ["Recipe", "Seed", "discover_seeds", "plan", "regenerate", "run_campaign", "run_recipe"]

REPO = Path(__file__).resolve().parents[2]
ROOTS = {"real": REPO.parent / "shared" / "real-data", "repo": REPO / "tests" / "data"}
STRAVA = "activities/strava/export_sample"
#: Known-good files put beside the fuzzed one in ``batch`` loads (those present are used).
GOOD = [
    ("real", "activities/fit/run_fenix5_tiny_57s.fit"),
    ("repo", "activities/strava_whitespace_two_laps_two_activities.tcx"),
]
_SLEEP_WORDS, _MOOD_WORDS = ("sleep", "plees", "oura"), ("daylio", "bearable", "mpath", "mood", "generic_")
#: Chance of each mutator family when the seed has format-aware mutators.
FAMILY_WEIGHTS = {"generic": 0.35, "specific": 0.45, "container": 0.20}


@dataclass(frozen=True)
class Seed:
    """One seed file: ``root`` (``real`` or ``repo``) and path ``rel`` below it."""

    root: str
    rel: str

    @property
    def path(self) -> Path:
        """The file on disk."""
        return ROOTS[self.root] / self.rel

    @property
    def kind(self) -> str:
        """``activity``, ``log`` or ``strava`` (a file of the Strava export sample)."""
        fmt = file_format(self.rel[:-3] if self.rel.lower().endswith(".gz") else self.rel)
        if self.rel.startswith(STRAVA + "/") and not self.rel.startswith(STRAVA + "/activities/"):
            return "strava"
        if self.rel.startswith("logs/") and fmt not in ("fit", "gpx", "tcx"):
            return "log"
        return "activity"

    @property
    def group(self) -> str:
        """The format row of the tables (``strava`` for export files)."""
        return "strava" if self.kind == "strava" else file_format(self.rel)

    def targets(self) -> list[str]:
        """The targets this seed's inputs are fed to."""
        if self.kind == "activity":
            return ["read_activity", "read_streams", "load_activities", "batch"]
        if self.kind == "strava":
            return ["strava_export"]
        name = self.rel.lower()
        sleep, mood = any(w in name for w in _SLEEP_WORDS), any(w in name for w in _MOOD_WORDS)
        return ["read_mood"] * (mood or not sleep) + ["read_sleep"] * (sleep or not mood)


@dataclass(frozen=True)
class Recipe:
    """Everything needed to rebuild and rerun one input."""

    root: str
    seed: str
    mutator: str
    rng: int
    target: str

    @property
    def seed_file(self) -> Seed:
        """The seed as a :class:`Seed`."""
        return Seed(self.root, self.seed)


def discover_seeds(max_bytes: int | None = None) -> tuple[list[Seed], list[str]]:
    """Every seed file under ``../shared/real-data`` and ``tests/data``.

    Parameters
    ----------
    max_bytes
        Leave out larger files (the test slice keeps to small, fast seeds).

    Returns
    -------
    tuple of (list of Seed, list of str)
        The seeds, and notes on what was skipped and why.
    """
    seeds, notes = [], []
    for root, base in ROOTS.items():
        if not base.is_dir():
            notes.append(f"{root} seeds skipped: {base} not found (it sits beside the repository)")
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            rel = path.relative_to(base).as_posix()
            if rel.startswith("fuzz/") or path.suffix.lower() == ".md":
                continue
            if max_bytes is not None and path.stat().st_size > max_bytes:
                notes.append(f"{root}:{rel} skipped: larger than {max_bytes} bytes")
                continue
            seeds.append(Seed(root, rel))
    return seeds, notes


def _pick_mutator(rng: random.Random, names: list[str]) -> str:
    """A family by :data:`FAMILY_WEIGHTS`, then a mutator of it."""
    by_family: dict[str, list[str]] = defaultdict(list)
    for n in names:
        fam = MUTATORS[n].family
        by_family[fam if fam in ("generic", "container") else "specific"].append(n)
    fams = [f for f in FAMILY_WEIGHTS if by_family[f]]
    fam = rng.choices(fams, [FAMILY_WEIGHTS[f] for f in fams])[0]
    return rng.choice(by_family[fam])


def plan(n: int, seed: int, seeds: Sequence[Seed]) -> list[Recipe]:
    """``n`` recipes, deterministic from ``seed``: format groups in turn, then seed, mutator, target.

    Parameters
    ----------
    n
        Number of inputs.
    seed
        Campaign seed.
    seeds
        Seed files to draw from.

    Returns
    -------
    list of Recipe
    """
    rng = random.Random(f"runwell-fuzz:{seed}")
    groups: dict[str, list[Seed]] = defaultdict(list)
    for s in seeds:
        groups[s.group].append(s)
    order = sorted(groups)
    names = {s: applicable(s.path.read_bytes(), s.path.name) for s in seeds}
    out = []
    for i in range(n):
        s = rng.choice(groups[order[i % len(order)]])
        out.append(Recipe(s.root, s.rel, _pick_mutator(rng, names[s]), rng.getrandbits(32), rng.choice(s.targets())))
    return out


def regenerate(recipe: Recipe) -> tuple[bytes, str]:
    """The input's bytes and file name, rebuilt from its seed file."""
    path = recipe.seed_file.path
    return mutate(recipe.mutator, path.read_bytes(), path.name, recipe.rng)


def _stage(recipe: Recipe, work: Path) -> tuple[tuple[Any, ...], str]:
    """Write the input (and its batch folder) into ``work``; return target args and its name."""
    data, name = regenerate(recipe)
    if recipe.target == "strava_export":
        folder = work / "export"
        shutil.copytree(ROOTS["real"] / STRAVA, folder)
        rel = Path(recipe.seed).relative_to(STRAVA)
        (folder / rel).unlink()
        (folder / rel.parent / name).write_bytes(data)
        good = [p.name for p in (folder / "activities").glob("*.fit.gz")]
        return (str(folder), good, name), name
    if recipe.target == "batch":
        folder = work / "batch"
        folder.mkdir()
        good = []
        for root, good_rel in GOOD:
            if (ROOTS[root] / good_rel).is_file():
                shutil.copy(ROOTS[root] / good_rel, folder / ("good_" + Path(good_rel).name))
                good.append("good_" + Path(good_rel).name)
        (folder / name).write_bytes(data)
        return (str(folder), good, name), name
    (work / name).write_bytes(data)
    return (str(work / name),), name


def _escaped(work: Path) -> list[Path]:
    """Files a zip-slip member managed to write outside the input's folder."""
    places = [work.parent, work.parent.parent, Path("/tmp"), Path(tempfile.gettempdir())]
    return sorted({p for d in places if d.is_dir() for p in d.glob("runwell_fuzz_escape*")})


def run_recipe(recipe: Recipe, *, timeout: float = 10.0, mem_limit: int = 2 << 30) -> tuple[str, Result]:
    """Rebuild one input, run its target in a child, and classify it.

    Returns
    -------
    tuple of (str, Result)
        The format row (:attr:`Seed.group`, or the container the mutator made) and the result.
    """
    from fuzzing.targets import TARGETS

    base = Path(tempfile.mkdtemp(prefix="rwfuzz-"))
    work = base / "in"
    work.mkdir()
    try:
        args, name = _stage(recipe, work)
        clean_ok = recipe.target not in ("batch", "strava_export")
        res = run_call(TARGETS[recipe.target], args, name=name, clean_ok=clean_ok, timeout=timeout, mem_limit=mem_limit)
        escaped = _escaped(work)
        if escaped:
            for p in escaped:
                p.unlink()
            res = Result("UNCLEAN", "ZipSlip", f"wrote {[str(p) for p in escaped]}", res.frame, res.last, res.seconds)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    seed = recipe.seed_file
    fmt = "strava" if seed.kind == "strava" else file_format(name)
    return fmt, res


def run_campaign(
    recipes: Sequence[Recipe],
    *,
    jobs: int = 1,
    timeout: float = 10.0,
    mem_limit: int = 2 << 30,
    progress: Callable[[int, Recipe, str, Result], None] | None = None,
) -> list[tuple[Recipe, str, Result]]:
    """Run every recipe, ``jobs`` children at a time; results in recipe order."""

    def one(item: tuple[int, Recipe]) -> tuple[Recipe, str, Result]:
        i, recipe = item
        fmt, res = run_recipe(recipe, timeout=timeout, mem_limit=mem_limit)
        if progress is not None:
            progress(i, recipe, fmt, res)
        return recipe, fmt, res

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, enumerate(recipes)))


def outcome_table(rows: Iterable[tuple[str, str]], label: str = "format") -> str:
    """A text table of counts: one line per key (format or target), a column per outcome."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for key, outcome in rows:
        counts[key][outcome] += 1
        counts["TOTAL"][outcome] += 1
    head = f"{label:<16}" + "".join(f"{o:>9}" for o in OUTCOMES) + f"{'n':>7}"
    lines = [head, "-" * len(head)]
    for key in [*sorted(k for k in counts if k != "TOTAL"), "TOTAL"]:
        c = counts[key]
        lines.append(f"{key:<16}" + "".join(f"{c[o]:>9}" for o in OUTCOMES) + f"{sum(c.values()):>7}")
    return "\n".join(lines)


def failure_signatures(results: Sequence[tuple[Recipe, str, Result]], top: int | None = None) -> str:
    """Distinct failure signatures, most frequent first, each with one example recipe."""
    groups: dict[str, list[tuple[Recipe, str, Result]]] = defaultdict(list)
    for item in results:
        if item[2].outcome in FAILURES:
            groups[item[2].signature].append(item)
    lines = []
    for k, (sig, items) in enumerate(sorted(groups.items(), key=lambda kv: -len(kv[1]))[:top]):
        recipe, fmt, res = items[0]
        lines.append(f"{k + 1:>2}. [{len(items)}x] {sig}")
        lines.append(
            f"      e.g. {fmt} {recipe.root}:{recipe.seed} | {recipe.mutator} rng={recipe.rng} -> {recipe.target}"
        )
        lines.append(f"      {res.frame or res.last or ''} :: {' '.join(res.message.split())[:160]}")
    return "\n".join(lines) or "(no failures)"


def report(results: Sequence[tuple[Recipe, str, Result]], top: int | None = None) -> str:
    """Both outcome tables and the failure signatures, as printed by the command line."""
    return "\n\n".join(
        [
            outcome_table((fmt, res.outcome) for _, fmt, res in results),
            outcome_table(((r.target, res.outcome) for r, _, res in results), label="target"),
            "Failure signatures (exception type @ last runwell frame):\n" + failure_signatures(results, top),
        ]
    )


def save_failures(results: Sequence[tuple[Recipe, str, Result]], folder: Path) -> Path:
    """Add the failing recipes to ``folder/recipes.json`` (merged, no duplicates); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "recipes.json"
    old = json.loads(path.read_text()) if path.is_file() else []
    seen = {json.dumps(e["recipe"], sort_keys=True) for e in old}
    for recipe, fmt, res in results:
        key = json.dumps(asdict(recipe), sort_keys=True)
        if res.outcome in FAILURES and key not in seen:
            seen.add(key)
            old.append({"recipe": asdict(recipe), "format": fmt, "outcome": res.outcome, "signature": res.signature})
    path.write_text(json.dumps(old, indent=1) + "\n")
    return path


def load_recipes(path: Path) -> list[tuple[Recipe, dict[str, Any]]]:
    """Recipes saved by :func:`save_failures`, with what was recorded about each."""
    return [(Recipe(**e["recipe"]), e) for e in json.loads(path.read_text())]
