"""Build step: copy the report notebooks and the sample data into the package.

A regular install (``pip install .``) has no repository beside it, so the wheel carries
``notebooks/*.py`` and ``data/sample/`` as ``runwell/_bundled/`` (see runwell/resources.py).
Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithBundle(build_py):
    """``build_py`` that also copies the notebooks and the sample data into the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the clone
            return
        target = Path(self.build_lib) / "runwell" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)
        (target / "notebooks").mkdir(parents=True)
        for source in sorted((ROOT / "notebooks").glob("*.py")):
            shutil.copy2(source, target / "notebooks" / source.name)
        shutil.copytree(ROOT / "data" / "sample", target / "sample")


setup(cmdclass={"build_py": BuildWithBundle})
