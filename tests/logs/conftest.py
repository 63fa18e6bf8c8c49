"""Fixtures for the mood and sleep log readers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from runwell.tables import SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "real-data"
DATA = ROOT / "tests" / "data" / "logs"


@pytest.fixture
def data() -> Path:
    """runwell's own small log files, one or a few quirks each."""
    return DATA


@pytest.fixture
def real_logs() -> Path:
    """The real app exports (../shared/real-data/logs); skip when absent."""
    if not (REAL / "logs").is_dir():
        pytest.skip(f"real-data folder not found at {REAL} (it sits beside the repository in CI)")
    return REAL / "logs"


def assert_schema(df: pd.DataFrame, name: str) -> None:
    """The frame has exactly the canonical columns and dtypes of table ``name``."""
    schema = SCHEMAS[name]
    assert list(df.columns) == list(schema)
    for col, dtype in schema.items():
        assert str(df[col].dtype) == str(pd.Series(dtype=dtype).dtype), col


def assert_result(res: object, table: str) -> None:
    """Schema of the table and report, and counts that reconcile."""
    assert_schema(getattr(res, table), table)
    assert_schema(res.report, "load_report")
    assert res.reconciles, (res.rows_read, res.rows_loaded, res.rows_reported)
    assert res.rows_read == res.rows_loaded + res.rows_reported


@pytest.fixture
def check():
    """``check(result, "mood"|"sleep")``: schemas and reconciled counts."""
    return assert_result


@pytest.fixture
def schema():
    """``schema(frame, name)``: exact canonical columns and dtypes."""
    return assert_schema
