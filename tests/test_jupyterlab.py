"""The explorer inside a real JupyterLab, driven by Chromium as a learner would: open the
lesson's notebook with EXPLORE = True, in the folder the page's zip unpacks into, run all
cells from the menu, wait for the ipympl figure, drag the a slider and press →, and see the
figure change, with no cell failing."""

import io
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import numpy as np
import pytest
from conftest import ROOT, headless_env
from PIL import Image

sys.path.insert(0, os.path.join(ROOT, "docs"))
from build_page import lesson_zip, notebook_text, unpack  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason="needs Chromium: apt-get install -y chromium (.ci/run does)"),
    pytest.mark.skipif(shutil.which("jupyter-lab", path=os.path.dirname(sys.executable)) is None,
                       reason="needs JupyterLab: pip install -r tests/requirements.txt"),
]
A_SLIDER = (0.14, 0.235)  # the a slider's left end and middle height, as shares of the figure


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab on a local port, serving a folder that holds the lesson's notebook with
    EXPLORE = True; every file Jupyter writes goes into temporary folders."""
    # the lesson's folder as the page's zip gives it, with the notebook as the lesson is now
    folder = pathlib.Path(unpack(lesson_zip(), tmp_path_factory.mktemp("lab")))
    notebook = nbformat.reads(notebook_text(), as_version=4)
    knobs = next(cell for cell in notebook.cells if "EXPLORE = False" in cell.source)
    knobs.source = knobs.source.replace("EXPLORE = False", "EXPLORE = True")
    nbformat.write(notebook, folder / "lesson.ipynb")
    home = tmp_path_factory.mktemp("jupyter-home")
    env = {**headless_env(), "PYTHONPATH": "", "HOME": str(home),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings")}
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "jupyter-lab"), "--no-browser",
         f"--port={port}", "--ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=", "--allow-root"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api", timeout=2)
            break
        except OSError:
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.5)
    yield url, folder
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def picture(element):
    """What an element shows on the screen, as an RGB array."""
    return np.asarray(Image.open(io.BytesIO(element.screenshot())).convert("RGB"), dtype=int)


def test_the_explorer_works_in_jupyterlab(lab, browser, tmp_path):
    url, _ = lab
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(f"{url}/lab/tree/lesson.ipynb")
    tab.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    tab.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                          timeout=120_000)
    time.sleep(2)  # the notebook settles after the kernel's start
    tab.click(".lm-MenuBar-itemLabel:text-is('Run')")  # the menu bar's Run menu
    tab.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    try:
        tab.wait_for_selector(".jupyter-matplotlib-canvas-div canvas", state="attached",
                              timeout=300_000)
    except Exception:
        tab.screenshot(path=str(tmp_path / "0-no-explorer.png"))
        raise AssertionError(f"no explorer appeared; cells said: {cell_errors(tab)}") from None
    canvas = tab.locator(".jupyter-matplotlib-canvas-div canvas").first
    canvas.scroll_into_view_if_needed()
    time.sleep(3)  # the figure draws itself in full once
    before = picture(canvas)
    tab.screenshot(path=str(tmp_path / "1-explorer.png"))

    box = canvas.bounding_box()
    start = (box["x"] + (A_SLIDER[0] + 0.6 * 0.068) * box["width"],  # a = 0.27 of 0…4
             box["y"] + (1 - A_SLIDER[1]) * box["height"])
    tab.mouse.move(*start)
    tab.mouse.down()
    tab.mouse.move(start[0] + 0.3 * box["width"], start[1], steps=8)
    tab.mouse.up()
    time.sleep(2)
    dragged = picture(canvas)
    tab.screenshot(path=str(tmp_path / "2-dragged.png"))
    assert np.abs(dragged - before).sum() > 0, "dragging the a slider changed nothing"

    tab.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.6 * box["height"])
    tab.keyboard.press("ArrowRight")
    time.sleep(2)
    stepped = picture(canvas)
    tab.screenshot(path=str(tmp_path / "3-stepped.png"))
    assert np.abs(stepped - dragged).sum() > 0, "→ changed nothing"

    assert cell_errors(tab) == []


def cell_errors(tab):
    """The outputs of the notebook's cells that show an error."""
    return tab.evaluate("Array.from(document.querySelectorAll("
                        "'.jp-OutputArea-output')).map(o => o.textContent)"
                        ".filter(t => t.includes('Traceback') || t.includes('Error'))")
