"""Where runwell's bundled files are: the report notebooks and the sample data.

In a clone of the repository (including editable installs) they are the repository's own
``notebooks/`` and ``data/sample/``. A regular install (``pip install .``) carries copies
inside the package, under ``runwell/_bundled/`` (put there by ``setup.py``'s build step),
so that ``runwell report --sample`` works without the repository.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["REPO_ROOT", "BUNDLED", "resource_dir"]

#: The repository root, when runwell runs from a clone.
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The copies a regular install carries.
BUNDLED = Path(__file__).resolve().parent / "_bundled"

#: Resource name -> (path in the repository, a file that marks it as runwell's).
_IN_REPO = {
    "notebooks": (REPO_ROOT / "notebooks", "my_running_and_mood.py"),
    "sample": (REPO_ROOT / "data" / "sample", "truth.json"),
}


def resource_dir(name: str) -> Path:
    """The folder of a bundled resource: ``"notebooks"`` or ``"sample"``.

    The repository's copy when runwell runs from a clone, else the installed copy. The
    path is returned even when neither exists; callers say what is missing.

    Examples
    --------
    >>> resource_dir("sample").name
    'sample'
    """
    repo, marker = _IN_REPO[name]
    if (repo / marker).is_file():
        return repo
    return BUNDLED / name
