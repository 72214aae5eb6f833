"""The lesson as a web page (docs/build_page.py), opened in a real headless Chromium."""

import base64
import io
import os
import shutil
import sys

import pytest
from conftest import POST_LOG, ROOT
from PIL import Image

sys.path.insert(0, os.path.join(ROOT, "docs"))
from build_page import executed_lesson, page  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="needs Chromium: apt-get install -y chromium (and pip install playwright); "
           ".ci/run installs both")
SIZES = [(640, 480)] * 3 + [(512, 384)] + [(640, 480)] * 2 + [(960, 480)]  # in story order
HEADINGS = ["The knobs", "The measurements", "The neuron and a random start",
            "How wrong is it? The loss",
            "The loss for every a: a bowl, and its slope", "Gradient descent",
            "The training, animated", "The learning curve, predicted",
            "Learning rates side by side", "Two weights: a line with an offset",
            "Saving the pictures", "Explore it live", "Try it yourself"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    path = folder / "lesson.html"
    path.write_text(page(executed_lesson(str(folder))), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def open_page(browser, path, width, height=900):
    """Open the page; return it with every request and console message it made."""
    tab = browser.new_page(viewport={"width": width, "height": height})
    requests, messages = [], []
    tab.on("request", lambda request: requests.append(request.url))
    tab.on("console", lambda message: messages.append((message.type, message.text)))
    tab.goto(path.as_uri())
    tab.wait_for_load_state("load")
    return tab, requests, messages


def test_offline_no_errors_and_every_picture_decoded(built, browser):
    tab, requests, messages = open_page(browser, built, 1280)
    assert requests == [built.as_uri()]
    assert [kind for kind, _ in messages if kind == "error"] == []
    sizes = tab.evaluate("Array.from(document.images).map(i => [i.naturalWidth, "
                         "i.naturalHeight, i.complete])")
    assert [tuple(size[:2]) for size in sizes] == SIZES and all(size[2] for size in sizes)
    gif = tab.evaluate("Array.from(document.images).map(i => i.src)")[3]
    assert gif.startswith("data:image/gif;base64,")
    with Image.open(io.BytesIO(base64.b64decode(gif.split(",", 1)[1]))) as animation:
        assert animation.n_frames == 101


def test_the_log_and_the_story_in_order(built, browser):
    tab, _, _ = open_page(browser, built, 1280)
    body = tab.inner_text("body")
    position = 0
    with open(POST_LOG) as file:
        for line in file.read().splitlines():
            position = body.index(line, position)
    headings = tab.evaluate("Array.from(document.querySelectorAll('h2')).map(h => "
                            "h.textContent.trim())")
    assert headings == HEADINGS
    assert tab.title().startswith("One neuron learns a line")
    assert "python docs/build_page.py" in body and "computed by that run" in body


@pytest.mark.parametrize("width", [390, 1280])
def test_fits_a_phone_and_a_desktop(built, browser, width, tmp_path):
    tab, _, _ = open_page(browser, built, width)
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    widths = tab.evaluate("Array.from(document.images).map(i => i.getBoundingClientRect()"
                          ".right)")
    assert max(widths) <= width
    text_right = tab.evaluate("Math.max(...Array.from(document.querySelectorAll("
                              "'.jp-RenderedMarkdown p')).map(p => "
                              "p.getBoundingClientRect().right))")
    assert text_right <= width
    tab.screenshot(path=str(tmp_path / f"page-{width}.png"))
