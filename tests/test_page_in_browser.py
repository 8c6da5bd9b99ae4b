"""The page at `/` and the standalone HTML report, driven in headless Chromium (Debian's `chromium`,
installed by .ci/run) with the shipped model: a known denial is shaded as denial, its source is in
the side panel, the denial filter hides the rest. Screenshots go to tests/output/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from service_server import running

import newsstance

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).parent / "output"
EXAMPLE = (Path(__file__).parent.parent / "examples" / "article.txt").read_text(encoding="utf-8")
DENIAL = "dismissed a newspaper report"  # "The Foreign Ministry on Wednesday dismissed a newspaper report ..."
# Flags a root, offline machine needs: no sandbox for root, no background calls to services it cannot reach.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shipped_service():
    with running(newsstance.load(), name="default") as (url, _):
        yield url


def check_the_reading(page, name: str) -> None:
    page.wait_for_selector(".sentence")
    denial = page.locator(".sentence", has_text=DENIAL)
    assert denial.get_attribute("data-label") == "denial"
    assert page.locator("aside.sources .name", has_text="Foreign Ministry").count() == 1
    denial.focus()  # scores on focus, for keyboard users
    assert page.locator("#tip").is_visible() and "denial" in page.locator("#tip").inner_text()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    total = page.locator(".sentence").count()
    page.select_option("#filter", "denial")
    visible = page.locator(".sentence:visible")
    assert 0 < visible.count() < total
    assert all(label == "denial" for label in visible.evaluate_all("nodes => nodes.map(n => n.dataset.label)"))
    page.select_option("#filter", "all")
    assert page.locator(".sentence:visible").count() == total


def test_the_page_reads_an_article(browser, shipped_service):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(shipped_service)
    page.fill("#article", EXAMPLE)
    page.click("#analyze")
    check_the_reading(page, "page")
    # Phone width: the side panel moves under the article.
    page.set_viewport_size({"width": 390, "height": 800})
    article, panel = page.locator("article.doc").bounding_box(), page.locator("aside.sources").bounding_box()
    assert panel["y"] >= article["y"] + article["height"] - 1
    page.close()


def test_the_standalone_report_reads_the_same(browser, tmp_path):
    report = tmp_path / "report.html"
    out = subprocess.run([sys.executable, "-m", "newsstance.cli", "predict", "-", "--format", "html"],
                         input=EXAMPLE.encode(), capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr.decode()
    report.write_bytes(out.stdout)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(report.as_uri())
    assert page.locator("#input").is_hidden()  # a report has nothing to send
    check_the_reading(page, "report")
    page.close()
