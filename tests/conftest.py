"""Shared fixtures: the two sample reports, written once per test session (they take a minute)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# test helpers shared across folders (tests/fuzzing) import as top-level packages
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def sample_reports(tmp_path_factory) -> dict[str, Path]:
    """The individual and the cohort report on the bundled sample, as HTML files."""
    from runwell.report import write_report

    folder = tmp_path_factory.mktemp("sample-reports")
    return {name: write_report(name, folder / f"{name}.html") for name in ("individual", "cohort")}
