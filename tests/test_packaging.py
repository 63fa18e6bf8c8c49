"""pyproject.toml and environment.yml name the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge spells a few packages differently from PyPI.
CONDA_NAMES = {"pyyaml": "pyyaml"}


def _name(requirement: str) -> str:
    name = re.split(r"[\s<>=!~\[;]", requirement.strip(), maxsplit=1)[0]
    return CONDA_NAMES.get(name.lower(), name.lower()).replace("_", "-")


def _pyproject_packages() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in meta["dependencies"]}
    for extra in meta["optional-dependencies"].values():
        names |= {_name(r) for r in extra if not r.startswith("runwell")}
    return names


def _environment_packages() -> tuple[set[str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = set(), []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
        else:
            conda.add(_name(dep))
    names = conda | {_name(p) for p in pip if not p.startswith("-e")}
    return names - {"python", "pip"}, pip


def test_environment_matches_pyproject() -> None:
    pyproject = _pyproject_packages()
    environment, _ = _environment_packages()
    assert environment == pyproject, (
        f"only in environment.yml: {sorted(environment - pyproject)}; "
        f"only in pyproject.toml: {sorted(pyproject - environment)}"
    )


def test_environment_installs_project_editable() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    assert "pip" in env["dependencies"]
    _, pip = _environment_packages()
    assert "-e ." in pip


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pytest" in readme
    assert ci.strip().splitlines()[-1].strip() == "python -m pytest"
