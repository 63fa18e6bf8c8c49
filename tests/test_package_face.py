"""The package face: public names import lazily; reading files needs no model or plot stack."""

from __future__ import annotations

import subprocess
import sys

import pytest

import runwell


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_reading_files_imports_no_statsmodels_or_matplotlib() -> None:
    loaded = _modules_after("import runwell; runwell.read_activity; runwell.read_mood; runwell.load_activities")
    assert "statsmodels" not in loaded and "matplotlib" not in loaded and "scipy" not in loaded


def test_import_runwell_imports_only_errors_and_version() -> None:
    loaded = _modules_after("import runwell")
    assert "pandas" not in loaded and {"runwell.errors", "runwell._version"} <= loaded


@pytest.mark.parametrize("name", runwell.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(runwell, name) is not None
    assert name in dir(runwell)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        runwell.nope  # noqa: B018
