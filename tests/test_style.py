"""ruff (lint and format) and mypy keep the style and the types honest, in the test suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["runwell", "tests", "benchmarks", "notebooks"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    for tool in ("ruff", "mypy"):
        if shutil.which(tool) is None and _run(tool, "--version").returncode != 0:
            pytest.fail(f"{tool} is not installed; it is in the test extra: pip install -e '.[test]'")


def test_ruff_lint() -> None:
    done = _run("ruff", "check", "--output-format", "concise", *PATHS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    done = _run("ruff", "format", "--check", *PATHS)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy() -> None:
    done = _run("mypy")
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr
