"""Restructuring leaves outputs unchanged: tables, model effects and claims on the sample
and on the real files equal the digests recorded in ``tests/snapshot/digests.json``.

A deliberate change of outputs rewrites that file (``python tests/snapshot/outputs.py
--write``) in the same commit, saying why. Error messages may be reworded; the error's type
and every table's digest may not change by accident.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "snapshot"))
import outputs

pytestmark = pytest.mark.slow


def _without_messages(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_messages(v) for k, v in node.items() if k != "message"}
    return node


@pytest.fixture(scope="module")
def digests() -> dict[str, Any]:
    return json.loads(json.dumps(outputs.compute(), default=str))


def test_sample_outputs_unchanged(digests: dict[str, Any]) -> None:
    recorded = json.loads(outputs.DIGESTS.read_text())
    assert _without_messages(digests["sample"]) == _without_messages(recorded["sample"])


def test_real_outputs_unchanged(digests: dict[str, Any]) -> None:
    if not outputs.REAL.exists():
        pytest.skip(f"real files absent: {outputs.REAL}")
    recorded = json.loads(outputs.DIGESTS.read_text())
    now, then = _without_messages(digests["real"]), _without_messages(recorded["real"])
    changed = sorted(k for k in then if now.get(k) != then[k])
    assert not changed, f"outputs changed for: {changed}"
