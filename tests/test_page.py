"""The lesson as a web page (docs/build_page.py): the committed page is the lesson as it is
now, its downloads hold the whole folder and run, two builds give the same bytes, and in a
real headless Chromium at a phone's width (390 px) and a desktop's (1280 px) it reads as a
learner needs: nothing cut, no code scrolling sideways on a desktop, no command split."""

import base64
import functools
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import POST_LOG, ROOT, headless_env
from PIL import Image
from test_notebook import executed_once

sys.path.insert(0, os.path.join(ROOT, "docs"))
import build_page  # noqa: E402
from build_page import (  # noqa: E402
    FOLDER,
    LESSON,
    PAGE,
    TEXTS,
    code_block,
    downloads,
    lesson_files,
    lesson_notebook,
    lesson_zip,
    notebook_text,
    page,
    prose,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_DEFAULT = "/tmp/axe/node_modules/axe-core/axe.min.js"  # where the README installs it
AXE = os.environ.get("AXE_CORE_JS", AXE_DEFAULT)
AXE_HOW = ("needs axe-core: npm install --prefix /tmp/axe axe-core@4 (or set AXE_CORE_JS to "
           "an axe.min.js); .ci/run does this")
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="needs Chromium: apt-get install -y chromium (and pip install playwright); "
           ".ci/run installs both")


def in_a_browser(test):
    """A test that opens the page in Chromium: slow (left out of the quick run)."""
    return pytest.mark.slow(needs_chromium(test))


WIDTHS = [390, 1280]
SIDEBAR = 1120  # from this width on, the contents are beside the text (70rem)
STALE = "docs/lesson.html is not the lesson as it is; rebuild it: python docs/build_page.py"


@functools.cache
def current():
    """The lesson as it is now: its notebook, the notebook's file, and the page's zip."""
    text = notebook_text()
    return lesson_notebook(), text, lesson_zip(notebook=text)


def headings():
    """The lesson's section headings, in order."""
    return [line[3:] for cell in current()[0].cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("## ")]


def embedded(text):
    """{file name: bytes} of the downloads embedded in a page's HTML."""
    return {name: base64.b64decode(data) for data, name in re.findall(
        r'href="data:[^"]*?;base64,([^"]*)" download="([^"]+)"', text)}


# Without a browser: the committed page is up to date, the zip is complete and the same

def test_the_committed_page_is_the_lesson_as_it_is():
    """Its prose and code are regression_gd.py's, and its downloads the files as they are
    now: a change to the lesson, a module or the README without a rebuild fails here."""
    with open(PAGE, encoding="utf-8") as file:
        text = file.read()
    notebook, notebook_file, archive = current()
    for cell in notebook.cells:
        html = (prose(cell, [], TEXTS["en"]) if cell.cell_type == "markdown"
                else code_block(cell))
        assert html in text, f"{STALE}\n(not on the page: {cell.source[:200]!r})"
    files = embedded(text)
    with open(LESSON, "rb") as file:
        assert files["regression_gd.py"] == file.read(), STALE
    assert files["regression_gd.ipynb"] == notebook_file.encode("utf-8"), STALE
    assert files[f"{FOLDER}.zip"] == archive, STALE


def test_the_zip_holds_the_lesson_its_notebook_and_every_module_it_imports():
    _, notebook_file, first = current()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = archive.namelist()
        assert {entry.date_time for entry in archive.infolist()} == {build_page.ZIP_TIME}
    expected = ["regression_gd.py", "regression_gd.ipynb", "command_line.py",
                "safe_writing.py", "pictures.py", "animation.py", "explorer.py", "data.py",
                "requirements.txt", "README.md", "tests/post_log.txt"]
    assert all(name.startswith(f"{FOLDER}/") for name in names)
    assert set(expected) <= {name.split("/", 1)[1] for name in names}
    assert names[:2] == [f"{FOLDER}/regression_gd.py", f"{FOLDER}/regression_gd.ipynb"]
    assert lesson_zip(notebook=notebook_file) == first  # the same files, the same bytes


def test_a_module_the_lesson_imports_later_is_in_the_zip(tmp_path):
    (tmp_path / "lesson.py").write_text("import helper\nimport os\nfrom other import x\n")
    (tmp_path / "helper.py").write_text("import deeper\n")
    (tmp_path / "deeper.py").write_text("")
    (tmp_path / "other.py").write_text("x = 1\n")
    (tmp_path / "unused.py").write_text("")
    assert [name for name, _ in lesson_files(str(tmp_path / "lesson.py"))] == [
        "lesson.py", "helper.py", "other.py", "deeper.py"]


# The page built now, shared by the tests below

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The page, built from the lesson run once (shared with the notebook's tests)."""
    notebook, run_folder = executed_once()
    path = tmp_path_factory.mktemp("page") / "lesson.html"
    path.write_text(page(notebook, downloads()), encoding="utf-8", newline="\n")
    return path


@pytest.mark.slow
def test_two_builds_give_the_same_bytes(built, tmp_path):
    """A second build, with its own run of the lesson, writes the same page and notebook."""
    build_page.build(LESSON, str(tmp_path / "again.html"), "en", str(tmp_path / "again.ipynb"))
    assert (tmp_path / "again.html").read_bytes() == built.read_bytes()
    assert (tmp_path / "again.ipynb").read_bytes() == notebook_text().encode("utf-8")


# In a browser

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


@in_a_browser
@pytest.mark.parametrize("width", WIDTHS)
def test_offline_small_no_errors_and_every_picture_decoded(built, browser, width):
    assert built.stat().st_size <= 2_000_000
    tab, requests, messages = open_page(browser, built, width)
    assert requests == [built.as_uri()]  # nothing else is fetched
    assert [kind for kind, _ in messages if kind == "error"] == []
    sizes = tab.evaluate("Array.from(document.images).map(i => [i.naturalWidth, "
                         "i.naturalHeight, i.complete, i.width > 0])")
    _, folder = executed_once()
    saved = sorted(Image.open(path).size for path in (folder / "figures").iterdir())
    assert all(size[2] and size[3] for size in sizes)  # each shown, at its own size
    assert sorted(tuple(size[:2]) for size in sizes) == saved
    srcs = tab.evaluate("Array.from(document.images).map(i => i.src.slice(0, 22))")
    assert srcs.count("data:image/gif;base64,") == 1


@in_a_browser
def test_the_log_and_the_story_in_order(built, browser):
    tab, _, _ = open_page(browser, built, 1280)
    logs = tab.evaluate("Array.from(document.querySelectorAll('pre.log')).map(p => "
                        "p.textContent)")
    with open(POST_LOG) as file:
        post = file.read().splitlines()
    assert "\n".join(logs).splitlines() == post  # log boxes, whole
    body = tab.inner_text("main")
    position = 0
    for line in post:
        position = body.index(line, position)
    shown = tab.evaluate("Array.from(document.querySelectorAll('main h2')).map(h => "
                         "h.firstChild.textContent.trim())")
    assert shown == headings()
    assert tab.title().startswith("One neuron learns a line")
    assert "python docs/build_page.py" in body and "computed by that run" in body
    links = tab.evaluate("Array.from(document.querySelectorAll('a[download]')).map(a => "
                         "[a.getAttribute('download'), a.href.slice(0, 5)])")
    assert links == [[f"{FOLDER}.zip", "data:"], ["regression_gd.py", "data:"],
                     ["regression_gd.ipynb", "data:"]]
    assert tab.evaluate("document.querySelectorAll('a[download]:not(#downloads a)').length") \
        == 0  # each download is embedded once


@in_a_browser
def test_the_zip_download_runs_the_lesson_in_an_empty_folder(built, browser, tmp_path):
    """Downloaded from the page as a learner would, unpacked into an empty folder: the
    lesson runs there, with exit status 0 and the post's log; the script and the notebook
    downloaded alone are the files in the zip."""
    tab, _, _ = open_page(browser, built, 1280)
    with tab.expect_download() as download:
        tab.click(f"#downloads a[download='{FOLDER}.zip']")
    download.value.save_as(tmp_path / "lesson.zip")
    empty = tmp_path / "empty"
    empty.mkdir()
    with zipfile.ZipFile(tmp_path / "lesson.zip") as archive:
        archive.extractall(empty)
        inside = {name: archive.read(name) for name in archive.namelist()}
    folder = empty / FOLDER
    result = subprocess.run([sys.executable, "regression_gd.py"], cwd=folder,
                            env={**headless_env(), "PYTHONPATH": ""}, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with open(POST_LOG) as file:
        assert result.stdout == file.read()
    assert sorted(os.listdir(folder / "figures"))  # its pictures, in its own folder
    alone = embedded(built.read_text(encoding="utf-8"))
    for name in ("regression_gd.py", "regression_gd.ipynb"):
        assert alone[name] == inside[f"{FOLDER}/{name}"]


@in_a_browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_contents_link_to_every_heading(built, browser, width):
    tab, _, _ = open_page(browser, built, width)
    toc = "main nav.toc" if width < SIDEBAR else ".page > nav.toc"
    links = tab.evaluate(f"Array.from(document.querySelectorAll('{toc} ol a'))"
                         ".map(a => [a.textContent, a.getAttribute('href')])")
    assert [text for text, _ in links] == headings()
    beside = [("Downloads", "#downloads")] if width >= SIDEBAR else []  # on a phone: below
    for text, target in links + beside:
        tab.click(f"{toc} a[href='{target}']")
        top = tab.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top")
        at_end = tab.evaluate("window.scrollY + innerHeight >= "
                              "document.documentElement.scrollHeight - 1")
        # the heading is at the top of the screen (or the page is scrolled to its end)
        assert -2 <= top <= 40 or (at_end and 0 <= top <= 900), (text, top)
        if target != "#downloads":
            assert tab.evaluate(f"document.querySelector('{target}').tagName") == "H2"
            anchor = tab.evaluate(f"document.querySelector('{target} a.anchor').hash")
            assert anchor == target


# Every word of inline code (a command's option with its value, its program with its file),
# and every number in the notes: the lines its text covers on the screen.
SPLIT = r"""(() => {
  const split = [];
  const lines = range => new Set(Array.from(range.getClientRects())
    .filter(r => r.width > 0).map(r => Math.round(r.top / 5))).size;
  const check = (element, pattern) => {
    const nodes = [];
    let text = '';
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push([node, text.length]);
      text += node.textContent;
    }
    const place = (offset, end) => {
      const [node, start] = nodes.find(([node, start]) => end
        ? offset > start && offset <= start + node.length
        : offset >= start && offset < start + node.length);
      return [node, offset - start];
    };
    for (const found of text.matchAll(pattern)) {
      const range = document.createRange();
      range.setStart(...place(found.index, false));
      range.setEnd(...place(found.index + found[0].length, true));
      if (lines(range) > 1) split.push(found[0]);
    }
  };
  for (const code of document.querySelectorAll('code')) {
    if (!code.closest('pre')) {
      // a longer word is a line of code: it may break after a comma or before a dot
      check(code, /--?[A-Za-z][\w-]*(?: (?!-)\S+)?|python3? \S+|(?<!\S)\S{1,24}(?!\S)/g);
    }
  }
  for (const note of document.querySelectorAll('.notes p')) {
    check(note, /-?[0-9][0-9.,e+−-]*[0-9]/g);
  }
  return split;
})()"""


@in_a_browser
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
    # code and log lines never wrap
    assert set(tab.evaluate("Array.from(document.querySelectorAll('pre.highlight, pre.log'))"
                            ".map(p => getComputedStyle(p).whiteSpace)")) == {"pre"}
    # no command is split inside an option (`--` on one line, `lr` on the next), nor a word
    # of inline code, nor a number in the notes
    assert tab.evaluate(SPLIT) == []
    assert tab.evaluate("document.body.innerText.includes('--lr')")
    # wide pictures keep a readable size on a phone: they scroll rather than shrink
    smallest = tab.evaluate("Math.min(...Array.from(document.querySelectorAll('img.wide'))"
                            ".map(i => i.getBoundingClientRect().width))")
    assert smallest >= min(600, 0.9 * 960)
    tab.screenshot(path=str(tmp_path / f"page-{width}.png"), full_page=False)


@in_a_browser
def test_on_a_desktop_no_code_block_scrolls_sideways(built, browser):
    """At 1280 px the code column holds 88 characters (the lesson's code is wrapped at 88),
    so every code block shows its lines whole."""
    tab, _, _ = open_page(browser, built, 1280)
    wide = tab.evaluate("""Array.from(document.querySelectorAll('pre.highlight'))
        .filter(p => p.scrollWidth > p.clientWidth).map(p => p.textContent.slice(0, 60))""")
    assert wide == []
    fits = tab.evaluate("""(() => {
        const probe = document.createElement('pre');
        probe.className = 'highlight';
        probe.textContent = 'x'.repeat(88);
        document.querySelector('main').appendChild(probe);
        const fits = probe.scrollWidth <= probe.clientWidth;
        probe.remove();
        return fits; })()""")
    assert fits


@in_a_browser
def test_on_a_phone_no_formula_hides_part_of_itself(built, browser, tmp_path):
    """At 390 px each formula of the prose is whole on the screen: every character of it
    lies inside its box, which lies inside the screen."""
    tab, _, _ = open_page(browser, built, 390)
    hidden = tab.evaluate(r"""(() => {
      const hidden = [];
      for (const box of document.querySelectorAll('main pre:not(.highlight):not(.log)')) {
        if (box.closest('figure') || box.matches('.result, .error')) continue;
        const edge = box.getBoundingClientRect();
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const r of range.getClientRects()) {
            if (r.width > 0 && (r.left < edge.left - 1 || r.right > edge.right + 1 ||
                                r.right > innerWidth)) hidden.push(node.textContent);
          }
        }
      }
      return hidden;
    })()""")
    assert hidden == []
    formulas = tab.locator("main pre:has-text('∂loss/∂b')")
    if formulas.count():
        formulas.first.scroll_into_view_if_needed()
        tab.screenshot(path=str(tmp_path / "formula-390.png"))


@in_a_browser
@pytest.mark.parametrize("width", WIDTHS)
def test_pictures_have_alt_texts_and_no_prompts_remain(built, browser, width):
    tab, _, _ = open_page(browser, built, width)
    alts = tab.evaluate("Array.from(document.images).map(i => i.alt)")
    assert alts and all(alts)
    assert not any("No description" in alt for alt in alts)
    assert alts[0] == "The 30 measurements (x, z), and the origin"
    assert tab.evaluate("document.querySelectorAll('[class*=Prompt]').length") == 0
    assert "In [" not in tab.inner_text("body")
    notes = tab.evaluate("Array.from(document.querySelectorAll('.notes p')).length")
    assert notes >= 5  # notes look like notes
    assert tab.evaluate("document.querySelectorAll('.notes p.error, pre.error').length") == 0


@in_a_browser
@pytest.mark.skipif(not os.path.exists(AXE), reason=AXE_HOW)
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

