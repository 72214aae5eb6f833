"""The lesson as a web page (docs/build_page.py), opened in a real headless Chromium at a
phone's width (390 px) and a desktop's (1280 px), as a reader would."""

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
AXE = os.environ.get("AXE_CORE_JS", "")  # axe.min.js from npm's axe-core; .ci/run sets it
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="needs Chromium: apt-get install -y chromium (and pip install playwright); "
           ".ci/run installs both")
SIZES = ([(640, 480)] * 3 + [(512, 384), (960, 480), (640, 480)]  # in story order
         + [(960, 480)] * 2)
HEADINGS = ["The knobs", "The measurements", "The neuron and a random start",
            "How wrong is it? The loss", "The loss for every a: a bowl, and its slope",
            "Gradient descent", "The training, animated", "The learning curve, predicted",
            "Choosing a rate by trying", "Two weights: a line with an offset",
            "The cure: scale the inputs", "Saving, and exploring live", "Try it yourself"]
WIDTHS = [390, 1280]


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


def test_offline_small_no_errors_and_every_picture_decoded(built, browser):
    assert built.stat().st_size <= 2_000_000
    tab, requests, messages = open_page(browser, built, 1280)
    assert requests == [built.as_uri()]  # nothing else is fetched
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
    logs = tab.evaluate("Array.from(document.querySelectorAll('pre.log')).map(p => "
                        "p.textContent)")
    with open(POST_LOG) as file:
        assert "\n".join(logs).splitlines() == file.read().splitlines()  # log boxes, whole
    body = tab.inner_text("main")
    position = 0
    with open(POST_LOG) as file:
        for line in file.read().splitlines():
            position = body.index(line, position)
    headings = tab.evaluate("Array.from(document.querySelectorAll('main h2')).map(h => "
                            "h.firstChild.textContent.trim())")
    assert headings == HEADINGS
    assert tab.title().startswith("One neuron learns a line")
    assert "python docs/build_page.py" in body and "computed by that run" in body
    links = tab.evaluate("Array.from(document.querySelectorAll("
                         "'.page > nav .downloads a[download]')).map(a => a.getAttribute('href'))")
    assert links == ["../regression_gd.py", "../regression_gd.ipynb"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contents_link_to_every_heading(built, browser, width):
    tab, _, _ = open_page(browser, built, width)
    toc = "main nav.toc" if width < 1088 else ".page > nav.toc"
    links = tab.evaluate(f"Array.from(document.querySelectorAll('{toc} ol a'))"
                         ".map(a => [a.textContent, a.getAttribute('href')])")
    assert [text for text, _ in links] == HEADINGS
    for text, target in links:
        tab.click(f"{toc} ol a[href='{target}']")
        top = tab.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top")
        at_end = tab.evaluate("window.scrollY + innerHeight >= "
                              "document.documentElement.scrollHeight - 1")
        # the heading is at the top of the screen (or the page is scrolled to its end)
        assert -2 <= top <= 40 or (at_end and 0 <= top <= 900), (text, top)
        assert tab.evaluate(f"document.querySelector('{target}').tagName") == "H2"
        anchor = tab.evaluate(f"document.querySelector('{target} a.anchor').hash")
        assert anchor == target


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_is_cut_or_split_and_the_page_never_scrolls_sideways(built, browser, width,
                                                                     tmp_path):
    tab, _, _ = open_page(browser, built, width)
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    # every box wider than the screen scrolls inside itself, and can be reached by keyboard
    unscrollable = tab.evaluate("""Array.from(document.querySelectorAll(
        'pre, .notes, figure .frame')).filter(box => box.scrollWidth > box.clientWidth &&
        !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)).length""")
    assert unscrollable == 0
    # log and code lines never wrap; in the notes, no number or command is split
    assert set(tab.evaluate("Array.from(document.querySelectorAll('pre')).map(p => "
                            "getComputedStyle(p).whiteSpace)")) == {"pre"}
    split = tab.evaluate(r"""(() => {
        const split = [];
        for (const note of document.querySelectorAll('.notes p')) {
          const walker = document.createTreeWalker(note, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const found of node.textContent.matchAll(/-?[0-9][0-9.,e+−-]*[0-9]/g)) {
              const range = document.createRange();
              range.setStart(node, found.index);
              range.setEnd(node, found.index + found[0].length);
              const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
              if (tops.size > 1) split.push(found[0]);
            }
          }
        }
        for (const code of document.querySelectorAll('.notes code')) {
          const tops = new Set(Array.from(code.getClientRects()).map(r => Math.round(r.top)));
          if (tops.size > 1) split.push(code.textContent);
        }
        return split;
    })()""")
    assert split == []
    # wide pictures keep a readable size on a phone: they scroll rather than shrink
    smallest = tab.evaluate("Math.min(...Array.from(document.querySelectorAll('img.wide'))"
                            ".map(i => i.getBoundingClientRect().width))")
    assert smallest >= min(600, 0.9 * 960)
    tab.screenshot(path=str(tmp_path / f"page-{width}.png"), full_page=False)


@pytest.mark.parametrize("width", WIDTHS)
def test_pictures_have_alt_texts_and_no_prompts_remain(built, browser, width):
    tab, _, _ = open_page(browser, built, width)
    alts = tab.evaluate("Array.from(document.images).map(i => i.alt)")
    assert len(alts) == len(SIZES) and all(alts)
    assert not any("No description" in alt for alt in alts)
    assert alts[0] == "The 30 measurements (x, z), and the origin"
    assert tab.evaluate("document.querySelectorAll('[class*=Prompt]').length") == 0
    assert "In [" not in tab.inner_text("body")
    notes = tab.evaluate("Array.from(document.querySelectorAll('.notes p.note')).length")
    assert notes >= 9  # notes look like notes
    assert tab.evaluate("document.querySelectorAll('.notes p.error').length") == 0


@pytest.mark.skipif(not os.path.exists(AXE), reason="needs axe-core: npm install axe-core, "
                    "and AXE_CORE_JS=<its axe.min.js>; .ci/run does both")
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_core_finds_nothing_serious(built, browser, width):
    tab, requests, _ = open_page(browser, built, width)
    tab.add_script_tag(path=AXE)
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [(violation["id"], violation["impact"], len(violation["nodes"]))
               for violation in result["violations"]
               if violation["impact"] in ("serious", "critical")]
    assert serious == []
    assert requests == [built.as_uri()]
