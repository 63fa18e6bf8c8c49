"""Notebooks and the HTML reports: executed on the sample, offline, readable, private."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from runwell.errors import RunwellError
from runwell.report import NOTEBOOKS, inject_parameters, notebook_to_html, run_notebook
from runwell.resources import REPO_ROOT

NB_DIR = REPO_ROOT / "notebooks"
NETWORK = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS.values()))
def test_ipynb_is_the_py_source_without_outputs(name):
    import jupytext

    py = jupytext.read(NB_DIR / f"{name}.py")
    ipynb = json.loads((NB_DIR / f"{name}.ipynb").read_text())
    assert [c.source for c in py.cells] == ["".join(c["source"]) for c in ipynb["cells"]], (
        f"{name}.ipynb is out of date: run `jupytext --sync notebooks/{name}.py`"
    )
    for cell in ipynb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell["outputs"] and cell["execution_count"] is None
    tags = [c.metadata.get("tags", []) for c in py.cells]
    assert sum("parameters" in t for t in tags) == 1


def test_unknown_parameter_is_refused():
    import jupytext

    nb = jupytext.read(NB_DIR / "my_running_and_mood.py")
    with pytest.raises(RunwellError, match="unknown notebook parameter"):
        inject_parameters(nb, {"activites": "typo"})


@pytest.fixture(scope="module")
def individual_html(sample_reports) -> Path:
    return sample_reports["individual"]


def test_individual_report_is_offline_and_private(individual_html):
    html = individual_html.read_text()
    assert not NETWORK.search(html), NETWORK.search(html)
    assert "not a substitute for professional care" in " ".join(html.split())
    assert html.count("data:image/png;base64") >= 4
    assert "<pre" not in html.split("</style>")[-1] or "Traceback" not in html
    assert "import runwell" not in html  # code is hidden
    # no raw positions: the sample's runs start near 52.5145 N, 13.3501 E
    assert not re.search(r"52\.51\d|13\.35\d", html)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_individual_report_renders_in_chromium(individual_html, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("headless Chromium not installed (Debian package 'chromium'; .ci/run installs it)")
    from PIL import Image

    png = tmp_path / "report.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--hide-scrollbars",
            "--window-size=1100,5000",
            f"--screenshot={png}",
            individual_html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rgb = np.asarray(Image.open(png).convert("RGB"), dtype=float)
    assert rgb.shape == (5000, 1100, 3)
    assert rgb.mean(axis=2).std() > 20, "the rendered page is blank"
    # text is black on white; the figures are in colour (the calendar's greens and reds,
    # the run-day green): a page showing its figures has many saturated pixels
    saturation = rgb.max(axis=2) - rgb.min(axis=2)
    coloured = (saturation > 60).mean()
    # text is black or grey: a page without its figures has almost no saturated pixels
    assert coloured > 0.005, f"only {coloured:.1%} of the page is in colour: figures missing?"


def test_cohort_report(sample_reports):
    html = sample_reports["cohort"].read_text()
    assert not NETWORK.search(html)
    assert "Robustness check" in html and "false-discovery-rate" in html
    assert html.count("data:image/png;base64") >= 3


def test_failing_cell_raises_with_its_error(tmp_path):
    source = tmp_path / "broken.py"
    source.write_text('# %% tags=["parameters"]\nx = 1\n\n# %%\nraise ValueError("boom " + str(x))\n')
    with pytest.raises(RunwellError, match="boom 2"):
        run_notebook(source, {"x": 2})


def test_network_reference_is_refused():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('<img src="https://example.org/x.png">')])
    with pytest.raises(RunwellError, match="network"):
        notebook_to_html(nb, title="t")
