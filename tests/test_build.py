"""Everything generated comes from one command, `python docs/build.py`, and is current; the
pages' zips hold what their READMEs link to and run alone; the pages stay small, load
nothing from the network, and read right in a real Chromium at a phone's and a desktop's
width (axe-core finds nothing serious)."""

import base64
import io
import os
import re
import subprocess
import sys
import zipfile

import pytest
from conftest import (
    BROWSER_ARGS,
    CHROMIUM,
    PICTURES,
    POST_LOG,
    ROOT,
    headless_env,
    needs_chromium,
)

sys.path.insert(0, os.path.join(ROOT, "docs"))
import build
import page

STALE = "out of date: rebuild everything generated with  python docs/build.py"
PAGES = {"en": os.path.join(ROOT, "docs", "lesson.html"),
         "es": os.path.join(ROOT, "docs", "leccion.html")}
AXE = os.environ.get("AXE_CORE_JS", "/tmp/axe/node_modules/axe-core/axe.min.js")


def test_every_generated_file_is_current():
    for path, data in build.generated().items():
        with open(path, "rb") as file:
            assert file.read() == data, f"{os.path.relpath(path, ROOT)} is {STALE}"
    with open(os.path.join(ROOT, "docs", "sources.txt"), encoding="utf-8") as file:
        assert file.read() == build.sources(), f"the pictures in docs/ and the pages are {STALE}"


def test_a_rewrapped_paragraph_keeps_its_id():
    text = "A first line\nof one paragraph.\n\n- an item\n  going on\n- another"
    rewrapped = "A first line of\none paragraph.\n\n- an item going\n  on\n- another"
    assert build.blocks(text) == build.blocks(rewrapped) == [
        "A first line of one paragraph.", "- an item going on\n- another"]


def downloads(language):
    """{file name: bytes} of the downloads embedded in a page."""
    with open(PAGES[language], encoding="utf-8") as file:
        text = file.read()
    return {name: base64.b64decode(data) for data, name in re.findall(
        r'href="data:[^"]*?;base64,([^"]*)" download="([^"]+)"', text)}


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_page_is_small_and_its_zip_holds_what_its_readme_links_to(language):
    assert os.path.getsize(PAGES[language]) <= 2_000_000
    files = downloads(language)
    base = page.LESSONS[language][0]
    assert set(files) == {f"{base}.zip", f"{base}.ipynb"}
    with zipfile.ZipFile(io.BytesIO(files[f"{base}.zip"])) as archive:
        names = [name.split("/", 1)[1] for name in archive.namelist()]
        readme = archive.read(f"{base}/{'README.md' if language == 'en' else 'README.es.md'}")
    assert {f"{base}.py", f"{base}.ipynb", "program.py", "pictures.py", "data.py",
            "requirements.txt"} <= set(names)
    if language == "es":
        assert "locale/es/LC_MESSAGES/program.mo" in names and "regression_gd.py" not in names
    for target in re.findall(r"\]\(([^)\s]+)\)", readme.decode()):
        assert re.match(r"[a-z]+:|#", target) or target in names, target


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_zip_runs_the_lesson_in_an_empty_folder(language, tmp_path):
    base = page.LESSONS[language][0]
    with zipfile.ZipFile(io.BytesIO(downloads(language)[f"{base}.zip"])) as archive:
        archive.extractall(tmp_path)
    result = subprocess.run([sys.executable, f"{base}.py", "--no-gif"], cwd=tmp_path / base,
                            capture_output=True, text=True, env=headless_env())
    with open(POST_LOG) as file:
        assert result.returncode == 0 and result.stdout == file.read(), result.stderr


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_reads_right_in_chromium(language, width, tmp_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        tab = browser.new_page(viewport={"width": width, "height": 900})
        requests, errors = [], []
        tab.on("request", lambda request: requests.append(request.url))
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(f"file://{PAGES[language]}")
        tab.screenshot(path=str(tmp_path / f"top-{width}.png"))
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        images = tab.evaluate("Array.from(document.images).map(i => [i.naturalWidth, "
                              "i.getBoundingClientRect().width, i.alt])")
        assert len(images) >= len(PICTURES) and all(natural > 0 and shown <= width and alt
                                        for natural, shown, alt in images), images
        assert errors == [] and all(url.startswith(("file:", "data:")) for url in requests)
        gif = tab.evaluate("Array.from(document.images).filter(i => i.src.startsWith("
                           "'data:image/gif')).map(i => [i.naturalWidth, i.naturalHeight])")
        assert gif == [[480, 840] if width == 390 else [512, 384]]  # a phone's: panels stacked
        if os.path.exists(AXE):
            tab.add_script_tag(path=AXE)
            found = tab.evaluate("axe.run().then(r => r.violations.filter(v => ['serious', "
                                 "'critical'].includes(v.impact)).map(v => v.id))")
            assert found == []
        browser.close()
