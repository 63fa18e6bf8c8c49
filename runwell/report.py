"""Running the notebooks and turning them into offline HTML reports.

The notebooks under ``notebooks/`` are jupytext percent-format ``.py`` files (the
source of truth). :func:`run_notebook` reads one, injects parameters after the cell
tagged ``parameters`` (papermill's convention), executes it with nbclient and returns
the executed notebook; :func:`notebook_to_html` exports it with code hidden, figures
embedded and nothing loaded from the network (see ``templates/runwell_report``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from runwell import errors
from runwell.errors import RunwellError
from runwell.resources import resource_dir

__all__ = [
    "NOTEBOOKS",
    "notebook_source",
    "inject_parameters",
    "run_notebook",
    "notebook_to_html",
    "write_report",
]

#: The notebooks runwell runs, by name.
NOTEBOOKS = {
    "individual": "my_running_and_mood",
    "cohort": "cohort_mixed_models",
}
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_NETWORK_REF = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)


def notebook_source(name: str) -> Path:
    """Path of a notebook's jupytext source (``notebooks/<name>.py``).

    Raises
    ------
    RunwellError
        When the notebooks folder is not there (runwell installed without its repository).
    """
    path = resource_dir("notebooks") / f"{NOTEBOOKS.get(name, name)}.py"
    if not path.is_file():
        raise RunwellError(
            f"notebook {path} not found: this runwell installation is incomplete. "
            "Reinstall it from a clone of the repository with `pip install .`."
        )
    return path


def inject_parameters(nb: Any, parameters: Mapping[str, Any]) -> Any:
    """Insert a cell assigning ``parameters`` after the cell tagged ``parameters``.

    Parameters
    ----------
    nb
        An ``nbformat`` notebook (modified in place and returned).
    parameters
        Names and values; values are written with ``repr`` so they must be literals
        (strings, numbers, booleans, None, lists, dicts).

    Raises
    ------
    RunwellError
        When a parameter name is not assigned in the parameters cell (a typo would
        otherwise be ignored silently).
    """
    import nbformat

    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if index is None:
        raise RunwellError("the notebook has no cell tagged 'parameters'")
    declared = set(re.findall(r"^(\w+)\s*(?::[^=]*)?=", nb.cells[index].source, flags=re.M))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise RunwellError(f"unknown notebook parameter(s) {unknown}; the notebook declares {sorted(declared)}")
    lines = ["# Parameters injected by runwell"] + [f"{k} = {v!r}" for k, v in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(index + 1, cell)
    return nb


def _sections(nb: Any) -> dict[int, str]:
    """Cell index -> the heading of the section it opens (a markdown cell's first ``#`` line)."""
    out = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            heading = next((ln.lstrip("#").strip() for ln in cell.source.splitlines() if ln.startswith("#")), None)
            if heading:
                out[index] = heading
    return out


def _progress_hook(nb: Any, on_section: Callable[[str], None]) -> Callable[..., None]:
    """An nbclient ``on_cell_start`` hook calling ``on_section`` as each section begins."""
    sections = _sections(nb)
    total = len(sections)
    order = {index: n for n, index in enumerate(sorted(sections), start=1)}

    announced: list[int] = []

    def hook(cell: Any, cell_index: int) -> None:
        opened = max((i for i in sections if i < cell_index), default=None)
        if opened is not None and opened not in announced:
            announced.append(opened)
            on_section(f"[{order[opened]}/{total}] {sections[opened]}")

    return hook


def _cell_error(err: Any) -> str:
    """One line for a failed cell: the error's message, and its type unless it is runwell's own."""
    ename, evalue = getattr(err, "ename", type(err).__name__), getattr(err, "evalue", str(err))
    evalue = " ".join(_ANSI.sub("", str(evalue)).split())
    return evalue if ename in errors.__all__ else f"{ename}: {evalue}"


def run_notebook(
    source: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    cwd: str | os.PathLike[str] | None = None,
    timeout: int = 1200,
    on_section: Callable[[str], None] | None = None,
) -> Any:
    """Execute a jupytext notebook with parameters and return the executed notebook.

    Parameters
    ----------
    source
        A ``.py`` (percent format) or ``.ipynb`` notebook.
    parameters
        Values for the names of the ``parameters`` cell.
    cwd
        Working directory of the kernel (default: the notebook's folder).
    timeout
        Seconds allowed per cell.
    on_section
        Called with ``"[2/7] Day by day"`` as each section of the notebook starts.

    Raises
    ------
    RunwellError
        When a cell fails; the message carries the cell's error type and message.
    """
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = Path(source)
    nb = jupytext.read(source)
    if parameters:
        inject_parameters(nb, parameters)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd or source.parent)}},
        on_cell_start=_progress_hook(nb, on_section) if on_section else None,
    )
    try:
        # the kernel's own log (e.g. ipykernel's note about unencrypted local TCP) is not
        # for the reader; cell errors still arrive through the messages
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as err:
        raise RunwellError(f"the report notebook {source.name} failed: {_cell_error(err)}") from err
    return nb


def notebook_to_html(nb: Any, *, title: str) -> str:
    """Export an executed notebook to self-contained HTML with the code hidden.

    Raises
    ------
    RunwellError
        If the page would load anything from the network.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="runwell_report",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    nb.metadata["title"] = title
    html, _resources = exporter.from_notebook_node(nb)
    match = _NETWORK_REF.search(html)
    if match:
        raise RunwellError(f"the report would load from the network: {html[match.start() : match.start() + 120]!r}")
    return html


def write_report(
    name: str,
    output: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    title: str | None = None,
    on_section: Callable[[str], None] | None = None,
) -> Path:
    """Run notebook ``name`` (``"individual"`` or ``"cohort"``) and write its HTML report.

    Parameters
    ----------
    name
        Which report.
    output
        The HTML file to write.
    parameters
        Values for the notebook's ``parameters`` cell.
    title
        The page title.
    on_section
        Progress callback (see :func:`run_notebook`).

    Returns
    -------
    pathlib.Path
        The report written.
    """
    nb = run_notebook(notebook_source(name), parameters, on_section=on_section)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(notebook_to_html(nb, title=title or "runwell report"), encoding="utf-8")
    return output
