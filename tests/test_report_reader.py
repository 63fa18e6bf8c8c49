"""The reports as a reader gets them (issue 15), rendered in headless Chromium.

Checked on both sample reports: the headline block comes before the first figure and
holds the estimate, its interval and the scale; forest plots are there; the CSV links
decode to the same rows as ``build_daily_panel``; every image has alt text; nothing
loads from the network; the page fits 1,200 px.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import runwell
from runwell.sample import sample_path
from runwell.study import load_person, load_study

pytestmark = pytest.mark.slow
NETWORK = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)
PROBE = """<script>
(function () {
  var head = document.querySelector('.runwell-headline');
  var img = document.querySelector('img');
  var top = function (el) { return el ? el.getBoundingClientRect().top + window.scrollY : null; };
  document.title = 'RUNWELL' + JSON.stringify({
    width: document.documentElement.scrollWidth, headline: top(head), first_img: top(img),
    imgs: document.images.length
  });
})();
</script></body>"""


class _Page(HTMLParser):
    """Images (with alt) and download links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))
        elif tag == "a" and any(k == "download" for k, _ in attrs):
            self.links.append(dict(attrs))


@pytest.fixture(scope="module")
def reports(sample_reports) -> dict[str, Path]:
    return sample_reports


def _browser() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium not installed (Debian package 'chromium'; .ci/run installs it)")
    return browser


def _layout(html_path: Path, tmp_path: Path) -> dict[str, float]:
    probed = tmp_path / "probed.html"
    probed.write_text(html_path.read_text(encoding="utf-8").replace("</body>", PROBE, 1), encoding="utf-8")
    done = subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,900",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probed.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    found = re.search(r"<title>RUNWELL(.*?)</title>", done.stdout, re.S)
    assert found, "the probe did not run"
    return json.loads(found.group(1).replace("&quot;", '"'))


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.mark.parametrize("name", ["individual", "cohort"])
def test_headline_first_then_figures_and_page_fits_1200px(reports, tmp_path, name):
    layout = _layout(reports[name], tmp_path)
    assert layout["headline"] is not None and layout["first_img"] is not None
    assert layout["headline"] < layout["first_img"]
    assert layout["width"] <= 1200


@pytest.mark.parametrize("name, who", [("individual", "you ran"), ("cohort", "participants ran")])
def test_headline_states_estimate_interval_and_scale(reports, name, who):
    html = reports[name].read_text(encoding="utf-8")
    block = html.split('class="runwell-headline"', 1)[1].split("</div>", 1)[0]
    assert who in block
    assert re.search(
        r"\d\.\d+ points (higher|lower) on (your Daylio log's 1-5|the log's 0-10) scale "
        r"\(95% CI -?\d\.\d+ to -?\d\.\d+\)",
        block,
    ), block


@pytest.mark.parametrize("name", ["individual", "cohort"])
def test_every_image_has_alt_text_and_nothing_loads_from_the_network(reports, name):
    html = reports[name].read_text(encoding="utf-8")
    assert not NETWORK.search(html), NETWORK.search(html)
    images = _page(reports[name]).images
    assert len(images) >= 4
    assert all((img.get("alt") or "").strip() for img in images), [i.get("alt") for i in images]
    assert sum("Forest plot" in (img.get("alt") or "") for img in images) >= 1
    assert len(html.encode()) < 3_000_000


def _daily_csv(page: _Page) -> pd.DataFrame:
    link = next(a for a in page.links if a.get("download") == "runwell-daily.csv")
    data = base64.b64decode(str(link["href"]).split("base64,", 1)[1])
    return pd.read_csv(io.BytesIO(data))


def test_individual_csv_link_is_the_daily_panel(reports):
    base = sample_path("individual")
    inputs = load_person(
        base / "strava_export", base / "daylio_export.csv", base / "plees-tracker.csv", tz="Europe/Berlin"
    ).with_window()
    first, last = inputs.window_bounds()
    panel = runwell.build_daily_panel(
        inputs.activities, inputs.mood, inputs.sleep, value="value", start=first, end=last
    )
    downloaded = _daily_csv(_page(reports["individual"]))
    expected = pd.read_csv(io.StringIO(panel.to_csv(index=False)))
    pd.testing.assert_frame_equal(downloaded, expected)


def test_cohort_csv_link_is_the_daily_panel(reports):
    inputs = load_study(sample_path("cohort")).with_window()
    first, last = inputs.window_bounds()
    panel = runwell.build_daily_panel(
        inputs.activities, inputs.mood, inputs.sleep, value="value", start=first, end=last
    )
    downloaded = _daily_csv(_page(reports["cohort"]))
    assert len(downloaded) == len(panel)
    pd.testing.assert_frame_equal(downloaded, pd.read_csv(io.StringIO(panel.to_csv(index=False))))


@pytest.mark.parametrize("name", ["individual", "cohort"])
def test_footer_stamp_and_p_values(reports, name):
    html = reports[name].read_text(encoding="utf-8")
    stamp = html.split('class="runwell-stamp"', 1)[1]
    assert f"runwell {runwell.__version__}" in stamp and "Analysis window" in stamp and "Inputs:" in stamp
    assert "0.000<" not in html and ">0.000<" not in html
