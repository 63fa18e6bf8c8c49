"""Import-time benchmark: what ``import runwell`` costs, against importing pandas alone.

Usage::

    python benchmarks/import_time.py [--repeat 7]

Each measurement runs in a fresh interpreter (best of ``--repeat``), in this one run:

* ``import pandas`` (the reference: reading any file needs it);
* ``import runwell`` (the package face: errors and the version, nothing else);
* ``import runwell; runwell.read_activity`` (what reading files pulls in);
* ``import runwell; runwell.fit_mood_model`` (the model stack, for comparison).

Target (issue 11): ``import runwell`` to read files does not import statsmodels or
matplotlib, and ``import runwell`` itself takes under 0.4 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASES = {
    "import pandas (reference)": "import pandas",
    "import runwell": "import runwell",
    "runwell.read_activity": "import runwell; runwell.read_activity",
    "runwell.fit_mood_model": "import runwell; runwell.fit_mood_model",
}
PROBE = """
import json, sys, time
t = time.perf_counter()
{code}
took = time.perf_counter() - t
print(json.dumps({{"s": took, "statsmodels": "statsmodels" in sys.modules, "matplotlib": "matplotlib" in sys.modules}}))
"""


def measure(code: str, repeat: int) -> dict[str, float | bool]:
    """Best time of ``repeat`` fresh interpreters running ``code``, and what it imported."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["s"])
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    results = {name: measure(code, args.repeat) for name, code in CASES.items()}
    reference = float(results["import pandas (reference)"]["s"])
    print(f"{'what':28} {'seconds':>8} {'x pandas':>9}  statsmodels  matplotlib")
    for name, r in results.items():
        print(f"{name:28} {r['s']:8.3f} {float(r['s']) / reference:9.2f}  {r['statsmodels']!s:11}  {r['matplotlib']!s}")
    face = results["import runwell"]
    reading = results["runwell.read_activity"]
    ok = float(face["s"]) < 0.4 and not reading["statsmodels"] and not reading["matplotlib"]
    print(
        "target met" if ok else "target NOT met",
        "(import runwell < 0.4 s; reading files imports no statsmodels/matplotlib)",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
