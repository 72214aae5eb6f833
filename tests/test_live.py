"""The page's live figure (docs/live.js), driven in a real Chromium: its log matches the
lesson's Python digit for digit (numpy's pairwise sums, Python's float repr), on the post's
data and on others, up to and including a run that diverges; a learner can drive it from the
keyboard and the mouse; axe-core finds nothing serious; it fits a phone and a desktop; the
Spanish page writes its numbers in Spanish and its log as Python prints it."""

import contextlib
import io
import os
import re
import sys

import numpy as np
import pytest
from conftest import BROWSER_ARGS, CHROMIUM, POST_LOG, ROOT, needs_chromium

import regression_gd as rg

sys.path.insert(0, os.path.join(ROOT, "docs"))
import page

LIVE_JS = os.path.join(ROOT, "docs", "live.js")
AXE = os.environ.get("AXE_CORE_JS", "/tmp/axe/node_modules/axe-core/axe.min.js")
A0 = rg.random_start(45)
POST = {"x": rg.POST_X.tolist(), "z": rg.POST_Z.tolist(), "a": A0, "lr": 0.001}
SPANISH = page.WORDS["es"]["live"]  # the words the Spanish page passes


def post_lines():
    """The post's log: the lines at i = 10, 20, ..., 100."""
    with open(POST_LOG) as file:
        return file.read().splitlines()


def python_log(a, x, z, lr, steps):
    """The lines the lesson's train() prints, one a step, and whether its loss blew up."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history = rg.train(a, np.asarray(x, float), np.asarray(z, float), lr, steps, every=1)
    return out.getvalue().splitlines(), rg.blew_up(history.losses[-1], history.losses[0])


def page_html(data, language="en"):
    """A page as the lesson's: its style, a main column, and the live figure as the page's
    builder writes it (its words, for "es", the Spanish page's)."""
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>live figure</title><style>{page.STYLE}</style></head><body>"
            '<div class="page"><nav class="toc" aria-label="Contents"><strong>Contents'
            '</strong><ol><li><a href="#live-figure">The live figure</a></li></ol></nav>'
            '<main><h1>One neuron learns a line</h1><p>Some prose.</p>'
            f"{page.live_figure(data, language)}<p>More prose.</p></main></div></body></html>\n")


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module's tests."""
    sync_playwright = pytest.importorskip("playwright.sync_api",
                                          reason="needs pip install playwright").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, tmp_path):
    """open_page(data, width, language): a tab showing the live figure from disk; at
    the end, no script error and nothing requested but the file itself."""
    tabs = []

    def opened(data=POST, width=1280, language="en"):
        path = tmp_path / f"live-{len(tabs)}.html"
        path.write_text(page_html(data, language), encoding="utf-8")
        tab = browser.new_page(viewport={"width": width, "height": 1000})
        tab.errors, tab.requests = [], []
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        tab.on("console", lambda message: message.type == "error"
               and tab.errors.append(message.text))
        tab.on("request", lambda request: tab.requests.append(request.url))
        tab.goto(f"file://{path}")
        tab.wait_for_function("window.liveFigure !== undefined", timeout=5000)
        tabs.append(tab)
        return tab

    yield opened
    for tab in tabs:
        assert tab.errors == []
        assert all(url.startswith("file:") for url in tab.requests), tab.requests
        tab.close()


def log_lines(tab):
    """The log as the page shows it, line by line."""
    return tab.evaluate("Array.from(document.querySelectorAll('#live-figure pre span'), "
                        "s => s.textContent)")


def readout(tab):
    """The readout's text."""
    return tab.inner_text("#live-figure .live-readout")


def shoot(tab, name, tmp_path):
    """A screenshot of the page into tmp_path (run with --basetemp to keep and look at it)."""
    tab.screenshot(path=os.path.join(tmp_path, name), full_page=True)


# Without a browser: what live.js is made of

def test_live_js_is_plain_small_and_documents_its_words():
    with open(LIVE_JS, encoding="utf-8") as file:
        text = file.read()
    assert len(text.splitlines()) <= 360  # readable, and about 350 lines
    assert "</script" not in text.lower() and "<!--" not in text  # it is inlined in a page
    assert not re.search(r"^\s*(import|export)\b|\brequire\(|fetch\(|XMLHttpRequest|"
                         r"\.src\s*=|<link|https?://(?!www\.w3\.org/2000/svg)", text, re.M)
    defaults = re.search(r"const WORDS = \{(.*?)\};", text, re.S)[1]
    keys = set(re.findall(r"(\w+):", re.sub(r'"[^"]*"', '""', defaults)))
    used = set(re.findall(r"\b(?:S\.words|w)\.(\w+)", text)) | {"points", "bowl"}
    header = text.split("*/", 1)[0]
    assert used <= keys and keys == set(SPANISH)
    assert all(re.search(rf"\b{key}\b", header) for key in keys), keys


# In Chromium

@pytest.mark.slow
@needs_chromium
def test_ten_steps_by_click_give_the_posts_log(open_page):
    tab = open_page()
    button = tab.get_by_role("button", name="10 steps", exact=True)
    button.click()
    assert log_lines(tab)[-1] == post_lines()[0]
    for _ in range(9):
        button.click()
    lines = log_lines(tab)
    assert len(lines) == 100 and lines[9::10] == post_lines()
    assert lines == tab.evaluate("liveFigure.state().log")


def other_data():
    """Two other data sets: 128 noisy points off the origin at another scale, and 7 points;
    each with its own start and learning rate, just below the threshold N/Σx²."""
    rng = np.random.default_rng(2024)
    x1 = rng.uniform(-40.0, 260.0, 128)
    z1 = 3.7 * x1 + 55.0 + rng.normal(0.0, 30.0, 128)
    x2 = rng.normal(0.0, 0.02, 7)
    z2 = -1.3 * x2 + rng.normal(0.0, 0.004, 7)
    return [(x1, z1, rg.random_start(3), 0.93 * rg.stability_bound(x1), 150),
            (x2, z2, rg.random_start(11), 0.4 * rg.stability_bound(x2), 60)]


RUNS = [(rg.POST_X, rg.POST_Z, A0, 0.001, 100), *other_data(),
        (rg.POST_X, rg.POST_Z, A0, 0.05, 100),  # diverges: the loss passes 1000× its start
        (rg.POST_X, rg.POST_Z, 1.3, 0.03, 200),  # just past N/Σx²: swings grow slowly
        (np.array([1e100, 2e100, 3e100]), np.array([1.5e100, 3e100, 4e100]), A0, 1.0, 5)]


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("run", range(len(RUNS)))
def test_every_line_matches_pythons_digit_for_digit(open_page, run, tmp_path):
    x, z, a, lr, steps = RUNS[run]
    expected, stopped = python_log(a, x, z, lr, steps)
    tab = open_page()
    state = tab.evaluate("([d, n]) => { liveFigure.load(d); liveFigure.step(n); "
                         "return liveFigure.state(); }",
                         [{"x": x.tolist(), "z": z.tolist(), "a": a, "lr": lr}, steps])
    log = state["log"]
    shoot(tab, f"run-{run}-1280.png", tmp_path)
    assert log_lines(tab) == log and log[:len(expected)] == expected
    if stopped:
        assert len(log) == len(expected) + 1
        step = len(expected)
        loss = float(expected[-1].split("error=")[1].split(",")[0])
        why = "grew past 1000 times its start" if np.isfinite(loss) else "overflowed to infinity"
        assert log[-1].startswith(f"training diverged at step {step}: the loss {why}.")
        tab.evaluate("liveFigure.step(10)")
        assert tab.evaluate("liveFigure.state().log") == log  # refused until a reset
    else:
        assert len(log) == steps
        a = float(state["a"])
        assert float(state["loss"]) == rg.loss(rg.predict(a, x), z)
        assert float(state["gradient"]) == rg.gradient(a, x, z)
    tab.evaluate("liveFigure.reset()")
    assert tab.evaluate("liveFigure.state()")["log"] == [] and log_lines(tab) == []


@pytest.mark.slow
@needs_chromium
def test_its_sums_and_reprs_are_numpys_and_pythons(open_page):
    rng = np.random.default_rng(5)
    arrays = []
    for n in [*range(1, 129), *rng.integers(129, 400, 20)]:
        values = rng.normal(size=n) * 10.0 ** rng.integers(-8, 9, size=n)
        arrays.append(values ** 2 if n % 3 == 0 else values)
    sums = [float(values.sum()) for values in arrays]
    tab = open_page()
    tab_sums = tab.evaluate("arrays => arrays.map(liveFigure.npSum)",
                            [values.tolist() for values in arrays])
    assert [float(value) for value in tab_sums] == sums  # a whole float comes back an int
    floats = [0.0, 2.0, -2.0, 1e-05, 0.0001, 0.00012, 1e16, 1.5e16, 1e15, 123456789012345.6,
              9999999999999998.0, 1e22, 1e100, 5e-324, 1.7976931348623157e308, 0.1 + 0.2,
              -61.98100236918255, 1 / 3, 1e21, 1e-7, 100.0, 2.5e-05]
    floats += (rng.normal(size=3000) * 10.0 ** rng.integers(-30, 30, size=3000)).tolist()
    floats += rng.integers(-10**17, 10**17, size=200).astype(float).tolist()
    floats += np.frombuffer(rng.bytes(8 * 500), dtype=np.float64).tolist()
    floats = [value for value in floats if np.isfinite(value)]
    reprs = tab.evaluate("values => values.map(liveFigure.pyRepr)", floats)
    assert reprs == [repr(value) for value in floats]
    assert tab.evaluate("[-0, Infinity, -Infinity, NaN].map(liveFigure.pyRepr)") == [
        "-0.0", "inf", "-inf", "nan"]


@pytest.mark.slow
@needs_chromium
def test_a_learner_drives_it_with_keys_and_clicks(open_page, tmp_path):
    tab = open_page(width=1280)
    before = tab.inner_html("#live-figure svg")
    assert "a = 0.2719" in readout(tab) and "loss = 103.7" in readout(tab)
    assert "gradient = \u2212116.6" in readout(tab)
    slider = tab.get_by_role("slider", name="weight a")
    slider.focus()
    for _ in range(5):
        tab.keyboard.press("ArrowRight")
    a = float(tab.evaluate("liveFigure.state().a"))
    shown = float(re.search(r"a = ([\d.]+)", readout(tab))[1])
    assert a > A0 and shown == pytest.approx(a, rel=1e-3) and "loss = 103.7" not in readout(tab)
    assert tab.inner_html("#live-figure svg") != before
    tab.keyboard.press("Tab")  # to "step"
    tab.keyboard.press("Enter")
    tab.keyboard.press("Space")
    expected, _ = python_log(a, rg.POST_X, rg.POST_Z, 0.001, 2)
    assert log_lines(tab) == expected
    tab.get_by_role("button", name="reset").click()
    assert float(tab.evaluate("liveFigure.state()")["a"]) == A0 and log_lines(tab) == []
    tab.get_by_label("learning rate").select_option("0.01")
    tab.get_by_role("button", name="step", exact=True).click()
    assert log_lines(tab) == python_log(A0, rg.POST_X, rg.POST_Z, 0.01, 1)[0]
    tab.get_by_label("learning rate").select_option("0.05")  # diverges at step 4
    tab.get_by_role("button", name="reset").click()
    tab.get_by_role("button", name="10 steps").click()
    lines = log_lines(tab)
    assert lines[-1].startswith("training diverged at step 4: the loss grew past 1000")
    assert tab.get_by_role("button", name="step", exact=True).get_attribute(
        "aria-disabled") == "true"
    tab.get_by_role("button", name="step", exact=True).click(force=True)  # aria-disabled
    assert log_lines(tab) == lines  # refused
    shoot(tab, "diverged-1280.png", tmp_path)
    slider.focus()
    tab.keyboard.press("ArrowRight")  # a new drag starts a new run
    assert log_lines(tab) == [] and not tab.evaluate("liveFigure.state().stopped")
    box, before = slider.bounding_box(), tab.inner_html("#live-figure svg")
    tab.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + box["height"] / 2)
    tab.mouse.down()
    tab.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + box["height"] / 2, steps=5)
    tab.mouse.up()  # dragged to 60% of the range: right of the bowl's bottom
    a = float(tab.evaluate("liveFigure.state().a"))
    assert a > rg.best_a(rg.POST_X, rg.POST_Z) and tab.inner_html("#live-figure svg") != before
    assert "gradient = " in readout(tab) and "\u2212" not in readout(tab)  # uphill: positive


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_nothing_serious(open_page, language):
    if not os.path.exists(AXE):
        pytest.skip(f"axe-core is not at {AXE}")
    tab = open_page(width=390, language=language)
    tab.add_script_tag(path=AXE)
    serious = ("axe.run(document).then(r => r.violations.filter(v => ['serious', 'critical']"
               ".includes(v.impact)).map(v => [v.id, v.nodes.map(n => n.target.join(' '))]))")
    assert tab.evaluate(serious) == []
    tab.evaluate("liveFigure.setRate(0.05); liveFigure.step(10)")  # diverged: buttons refuse
    assert tab.evaluate("liveFigure.state().stopped") and tab.evaluate(serious) == []


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("width", [390, 1280])
def test_it_fits_a_phone_and_a_desktop(open_page, width, tmp_path):
    tab = open_page(width=width)
    column = 358 if width == 390 else 800
    shoot(tab, f"start-{width}.png", tmp_path)
    tab.get_by_role("button", name="10 steps").click()
    tab.get_by_role("button", name="10 steps").click()
    shoot(tab, f"twenty-steps-{width}.png", tmp_path)
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    boxes = tab.evaluate("Array.from(document.querySelectorAll('#live-figure *'), e => "
                         "e.getBoundingClientRect()).filter(b => b.width).map(b => b.right)")
    figure = tab.evaluate("document.getElementById('live-figure').getBoundingClientRect()"
                          ".toJSON()")
    assert figure["width"] <= column and max(boxes) <= figure["right"] + 0.5
    panels = tab.evaluate("Array.from(document.querySelectorAll('#live-figure svg'), "
                          "s => s.getBoundingClientRect().toJSON())")
    stacked = panels[1]["top"] >= panels[0]["bottom"]
    assert stacked == (width == 390) and all(p["width"] >= 300 for p in panels)


@pytest.mark.slow
@needs_chromium
def test_the_spanish_page_writes_spanish_numbers_and_pythons_log(open_page, tmp_path):
    tab = open_page(width=390, language="es")
    text = readout(tab)
    assert "a = 0,2719" in text and "pérdida = 103,7" in text
    assert "gradiente = \u2212116,6" in text
    tab.get_by_role("button", name="10 pasos").click()
    assert log_lines(tab)[-1] == post_lines()[0]  # the log stays as Python prints it
    assert "a = 1,139" in readout(tab)
    assert tab.get_by_label("tasa de aprendizaje").locator("option").all_inner_texts()[:3] == [
        "0,0001", "0,0003", "0,001"]
    tab.get_by_label("tasa de aprendizaje").select_option("0.05")
    tab.get_by_role("button", name="reiniciar").click()
    tab.get_by_role("button", name="10 pasos").click()
    assert log_lines(tab)[-1] == (SPANISH["diverged"].format(step=4, why=SPANISH["grew"])
                                  + " " + SPANISH["again"])
    assert "pérdida = 107\u00a0000" in readout(tab)  # a no-break space, as in the pictures
    shoot(tab, "spanish-diverged-390.png", tmp_path)
