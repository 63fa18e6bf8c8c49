"""Fuzz campaign against runwell's readers (issue 12: one bad file never stops a load).

Usage::

    python benchmarks/fuzz.py --n 300 --seed 1 --jobs 2
    python benchmarks/fuzz.py --n 10000 --seed 1 --jobs 2 --save-crashes tests/data/fuzz
    python benchmarks/fuzz.py --replay tests/data/fuzz/recipes.json [--write-inputs /tmp/fuzz-inputs]

Seeds are every file in ``../shared/real-data`` (skipped, with a note, when absent) and
in ``tests/data``. Each input is a seed damaged by one mutator (generic bytes, FIT
structure, XML, CSV, JSON, zip/gzip containers; see ``tests/fuzzing``) and fed to a
public reader chosen by the seed's kind, in its own child process with a wall-time and an
address-space limit. The output is two tables (inputs per format and per target by
outcome: OK, CLEAN, UNCLEAN, CRASH, HANG, MEMORY) and the distinct failure signatures
(exception type and last runwell frame) with one example recipe each.

``--save-crashes DIR`` adds the failing inputs to ``DIR/recipes.json`` as *recipes*
(seed file, mutator, RNG seed, target), never as copies of the shared files;
``tests/fuzzing/campaign.regenerate`` rebuilds the bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzzing.campaign import (
    Recipe,
    discover_seeds,
    load_recipes,
    plan,
    regenerate,
    report,
    run_campaign,
    save_failures,
)
from fuzzing.runner import FAILURES, Result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=300, help="number of inputs (default 300)")
    p.add_argument("--seed", type=int, default=1, help="campaign seed (default 1)")
    p.add_argument("--jobs", type=int, default=1, help="children run at once (default 1)")
    p.add_argument("--timeout", type=float, default=10.0, help="wall-time limit per input, s (default 10)")
    p.add_argument("--mem-gb", type=float, default=2.0, help="address-space limit per input, GB (default 2)")
    p.add_argument("--max-seed-kb", type=int, default=None, help="leave out seed files larger than this")
    p.add_argument(
        "--save-crashes", type=Path, default=None, metavar="DIR", help="add failing recipes to DIR/recipes.json"
    )
    p.add_argument(
        "--replay", type=Path, default=None, metavar="JSON", help="rerun the recipes saved in a recipes.json"
    )
    p.add_argument("--top", type=int, default=None, help="show only this many failure signatures")
    p.add_argument(
        "--write-inputs", type=Path, default=None, metavar="DIR", help="also write each input's bytes to DIR (to debug)"
    )
    p.add_argument("--quiet", action="store_true", help="no per-input progress line")
    return p.parse_args(argv)


def write_inputs(recipes: list[Recipe], folder: Path) -> None:
    """Write the bytes of each recipe as ``folder/<index>-<target>-<name>`` (for a debugger)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, recipe in enumerate(recipes):
        data, name = regenerate(recipe)
        (folder / f"{i:04d}-{recipe.target}-{name}").write_bytes(data)
    print(f"{len(recipes)} inputs written to {folder}")


def main(argv: list[str] | None = None) -> int:
    """Run a campaign (or a replay), print the tables; exit 1 when any input failed."""
    args = parse_args(argv)
    if args.replay:
        recipes = [r for r, _ in load_recipes(args.replay)]
        if args.write_inputs:
            write_inputs(recipes, args.write_inputs)
    else:
        seeds, notes = discover_seeds(None if args.max_seed_kb is None else args.max_seed_kb * 1024)
        for note in notes:
            print("note:", note)
        if not seeds:
            print("no seed files found")
            return 2
        recipes = plan(args.n, args.seed, seeds)
        print(f"{len(seeds)} seed files, {args.n} inputs, seed {args.seed}, {args.jobs} job(s)")

    def progress(i: int, recipe: object, fmt: str, res: Result) -> None:
        if not args.quiet and (res.outcome in FAILURES or i % 25 == 0):
            print(f"[{i + 1}/{len(recipes)}] {res.outcome:<8}{res.seconds:6.1f}s {fmt:<7}{res.signature}", flush=True)

    start = time.monotonic()
    results = run_campaign(
        recipes, jobs=args.jobs, timeout=args.timeout, mem_limit=int(args.mem_gb * 2**30), progress=progress
    )
    from fuzzing.targets import runwell_location

    print(f"\n{len(results)} inputs in {time.monotonic() - start:.0f} s against {runwell_location()}\n")
    print(report(results, args.top))
    if args.save_crashes:
        print(f"\nfailing recipes saved to {save_failures(results, args.save_crashes)}")
    return int(any(res.outcome in FAILURES for _, _, res in results))


if __name__ == "__main__":
    sys.exit(main())
