"""The Examples in runwell.logs docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["common", "daylio", "bearable", "mpath", "generic", "apple_health", "fitbit",
           "garmin", "oura", "sleep_as_android", "plees", "dispatch"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"runwell.logs.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
