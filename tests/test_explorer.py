"""The live explorer: every control driven on the Agg canvas, then in a real Tk window on a
virtual screen (Xvfb, xdotool, ImageMagick's import), then inside a real JupyterLab driven
by Chromium; what a learner would see is asserted, and the screenshots kept in tmp_path."""

import argparse
import importlib.util
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.request

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import (
    BROWSER_ARGS,
    CHROMIUM,
    PICTURES,
    ROOT,
    SCRIPT,
    headless_env,
    needs_chromium,
)
from matplotlib.backend_bases import KeyEvent
from PIL import Image

import pictures
import program
import regression_gd as rg

X, Z = rg.POST_X, rg.POST_Z
A0 = rg.random_start(45)


@pytest.fixture
def explorer(tmp_path):
    program.Run.start(argparse.Namespace(out=str(tmp_path), narrow=False, show=False))
    fig = plt.figure(figsize=(10, 6.4), dpi=100)
    lesson = types.SimpleNamespace(x=X, z=Z, bound=rg.stability_bound(X), state=rg.state,
                                   loss_curve=rg.loss_curve, train=rg.train)
    explorer = pictures.Explorer(fig, lesson, rg.train(A0, X, Z, 1e-3, 100))
    fig.canvas.draw()
    yield explorer
    plt.close(fig)


def shows(explorer, a):
    """The line, the errors, the point, the tangent and the numbers all show the weight a."""
    scene = explorer.scene
    assert np.asarray(scene.line.get_ydata()) == pytest.approx(a * np.array([0.0, 10.0]))
    segments = np.array(scene.errors.get_segments())
    assert segments[:, 1, 1] == pytest.approx(a * X)
    (pa,), (pl,) = scene.point.get_data()
    assert pa == pytest.approx(a) and pl == pytest.approx(rg.loss(rg.predict(a, X), Z))
    tx, ty = (np.asarray(values) for values in scene.tangent.get_data())
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(rg.gradient(a, X, Z))
    assert f"a = {a:.4g}" in explorer.words.get_text()


def test_it_opens_at_the_start_and_dragging_a_moves_everything(explorer):
    shows(explorer, A0)
    assert explorer.words.get_text().startswith("step 0 of 100")
    for a in (0.5, 1.991412006340672, 3.7):
        explorer.sliders[0].set_val(a)
        shows(explorer, a)
        assert explorer.words.get_text().startswith("a set by hand")


def test_the_step_slider_and_the_keys_give_the_weights_of_train(explorer):
    weights = rg.train(A0, X, Z, 1e-3, 100).weights
    for step in (1, 10, 57, 100):
        explorer.sliders[1].set_val(step)
        shows(explorer, weights[step])
    for key, step in (("left", 99), ("r", 0), ("right", 1)):
        explorer.press(KeyEvent("key_press_event", explorer.fig.canvas, key))
        shows(explorer, weights[step])


def test_its_keys_are_its_own_not_the_toolbars(explorer):
    """← steps back, and does not also take a zoomed panel back to its earlier view (the
    toolbar's way with ←, →, r in other matplotlib windows)."""
    from matplotlib.backend_bases import NavigationToolbar2
    canvas, bowl = explorer.fig.canvas, explorer.scene.point.axes
    toolbar = NavigationToolbar2(canvas)
    toolbar.push_current()
    bowl.set_xlim(1.5, 2.5)  # a zoom
    toolbar.push_current()
    explorer.sliders[1].set_val(10)
    canvas.callbacks.process("key_press_event", KeyEvent("key_press_event", canvas, "left"))
    assert explorer.step == 9 and bowl.get_xlim() == (1.5, 2.5)


def test_its_tick_labels_speak_the_lessons_language(tmp_path):
    program.speak("es")
    try:
        program.Run.start(argparse.Namespace(out=str(tmp_path), narrow=False, show=False))
        fig = plt.figure(figsize=(10, 6.4), dpi=100)
        lesson = types.SimpleNamespace(x=X, z=Z, bound=rg.stability_bound(X), state=rg.state,
                                       loss_curve=rg.loss_curve, train=rg.train)
        explorer = pictures.Explorer(fig, lesson, rg.train(A0, X, Z, 1e-3, 100))
        bowl = explorer.scene.point.axes
        assert bowl.xaxis.get_major_formatter()(2.5) == "2,5"
        assert fig.axes[0].yaxis.get_major_formatter()(0.25) == "0,25"
        explorer.sliders[0].set_val(0.5)  # the readout says the values, not the sliders
        assert [slider.valtext.get_text() for slider in explorer.sliders] == ["", "", ""]
        assert "a = 0,5" in explorer.words.get_text()
    finally:
        program.speak("en")
        plt.close("all")


def test_a_new_rate_retrains_and_a_diverging_one_stops_in_view(explorer):
    explorer.sliders[1].set_val(30)
    explorer.sliders[2].set_val(np.log10(0.01))
    shows(explorer, rg.train(A0, X, Z, 0.01, 30).weights[30])
    explorer.sliders[2].set_val(np.log10(0.05))  # blows up at step 4
    explorer.sliders[1].set_val(100)
    last = rg.train(A0, X, Z, 0.05, 100).weights[-1]
    assert explorer.step == 4 and explorer.limits[0] <= last <= explorer.limits[1]
    assert "diverging" in explorer.words.get_text()


def test_a_move_redraws_only_what_moves(explorer, monkeypatch):
    drawn = []
    monkeypatch.setattr(explorer.fig, "draw_artist", drawn.append)
    monkeypatch.setattr(explorer.fig.canvas, "draw", lambda: pytest.fail("a full redraw"))
    explorer.sliders[0].set_val(1.2)
    assert set(drawn) == set(explorer.moving)


def test_not_asked_in_a_script_the_explorer_says_nothing(tmp_path, capsys):
    program.Run.start(argparse.Namespace(out=str(tmp_path), explore=False, narrow=False))
    assert pictures.explore(X, Z, rg.train(A0, X, Z, 1e-3, 5), rg.state, rg.loss_curve,
                            rg.train, 0.0295) is None
    assert capsys.readouterr() == ("", "")


# In a real window

WINDOW_TOOLS = ("Xvfb", "xdotool", "import")


def on_a_screen(test):
    """A test in a real window: slow, and skipped without Xvfb and its tools, or Tk."""
    for mark in (pytest.mark.slow,
                 pytest.mark.skipif(not all(shutil.which(tool) for tool in WINDOW_TOOLS),
                                    reason="needs a virtual screen: apt-get install -y xvfb "
                                    "xdotool imagemagick (.ci/run installs them)"),
                 pytest.mark.skipif(importlib.util.find_spec("tkinter") is None,
                                    reason="needs Tk: apt-get install -y python3-tk")):
        test = mark(test)
    return test


@pytest.fixture
def window(tmp_path):
    """A default run with --explore on a virtual screen: (environment, window id, geometry,
    the lesson's process)."""
    screen = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)  # a free display: its own
    number = screen.stdout.readline().strip()  # written once it takes connections
    assert number, "Xvfb did not start"
    env, deadline = {**headless_env(), "DISPLAY": f":{number}"}, time.monotonic() + 30
    lesson = subprocess.Popen([sys.executable, SCRIPT, "--explore", "--out",
                               str(tmp_path / "figures")], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        while not (found := subprocess.run(["xdotool", "search", "--name", "One neuron"], env=env,
                                           capture_output=True, text=True).stdout.split()):
            assert lesson.poll() is None, lesson.communicate()
            assert time.monotonic() < deadline + 90, "no window appeared"
            time.sleep(0.2)
        time.sleep(2)  # Tk settles the window's size, and the figure is drawn in full
        shape = subprocess.run(["xdotool", "getwindowgeometry", "--shell", found[0]], env=env,
                               capture_output=True, text=True, check=True).stdout
        geometry = {key: int(value) for key, value in (line.split("=") for line in
                                                        shape.split()) if key != "WINDOW"}
        yield env, found[0], geometry, lesson
    finally:
        lesson.kill()
        screen.terminate()
        lesson.wait()
        screen.wait()


def screenshot(env, path):
    """The screen, saved at path, as an RGB array."""
    data = subprocess.run(["import", "-window", "root", "png:-"], env=env, capture_output=True,
                          check=True).stdout
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image.save(path)
    return np.asarray(image, dtype=int)


def at(geometry, fx, fy):
    """The screen pixel of a point given as shares of the figure (fy from its bottom)."""
    width = geometry["WIDTH"]
    return (round(geometry["X"] + fx * width),
            round(geometry["Y"] + (1 - fy) * width * 0.64))


def high_line_pixels(pixels, geometry):
    """Near-black pixels in the upper half of the fit panel."""
    left, top = at(geometry, 0.09, 0.87)
    right, bottom = at(geometry, 0.44, 0.66)
    return int((pixels[top:bottom, left:right].max(axis=2) < 60).sum())


@on_a_screen
def test_in_a_window_drag_a_and_step_with_the_keyboard(window, tmp_path):
    env, window_id, geometry, lesson = window
    assert sorted(os.listdir(tmp_path / "figures")) == sorted(PICTURES)
    before = screenshot(env, tmp_path / "1-start.png")
    assert high_line_pixels(before, geometry) < 20  # a = 0.27: the line stays low
    start, end = at(geometry, 0.15 + 0.6 * A0 / 4, 0.235), at(geometry, 0.15 + 0.6 * 3 / 4,
                                                                0.235)
    subprocess.run(["xdotool", "mousemove", *map(str, start), "mousedown", "1", "mousemove",
                    str(start[0] + 30), str(start[1]), "mousemove", *map(str, end), "mouseup",
                    "1"], env=env, check=True)
    time.sleep(1)
    dragged = screenshot(env, tmp_path / "2-dragged-to-3.png")
    assert high_line_pixels(dragged, geometry) > 100  # a = 3: the line rises to z = 30
    subprocess.run(["xdotool", "windowfocus", "--sync", window_id, "key", "Right"], env=env,
                   check=True)
    time.sleep(1)
    stepped = screenshot(env, tmp_path / "3-step-1.png")
    assert high_line_pixels(stepped, geometry) < 20  # step 1: a = 0.39
    subprocess.run(["xdotool", "key", "q"], env=env, check=True)
    assert lesson.wait(timeout=30) == 0 and "Traceback" not in lesson.stderr.read()


@on_a_screen
def test_ctrl_c_with_the_window_open_is_one_line_and_130(window, tmp_path):
    lesson = window[3]
    lesson.send_signal(signal.SIGINT)
    assert lesson.wait(timeout=30) == 130
    lines = lesson.stderr.read().strip().splitlines()
    assert lines[-1] == "stopped by Ctrl-C; the pictures were saved before"
    assert sorted(os.listdir(tmp_path / "figures")) == sorted(PICTURES)


# Inside JupyterLab

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
@needs_chromium
@pytest.mark.skipif(shutil.which("jupyter-lab", path=os.path.dirname(sys.executable)) is None,
                    reason="needs JupyterLab: pip install -r tests/requirements.txt")
def test_the_explorer_works_in_jupyterlab(tmp_path):
    folder, home = tmp_path / "lab", tmp_path / "home"
    folder.mkdir()
    with open(os.path.join(ROOT, "regression_gd.ipynb"), encoding="utf-8") as file:
        notebook = json.load(file)  # alone in its folder, as downloaded from the page
    for cell in notebook["cells"]:
        cell["source"] = "".join(cell["source"]).replace("EXPLORE = False", "EXPLORE = True")
    (folder / "lesson.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    env = {**headless_env(), "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "c"),
           "JUPYTER_DATA_DIR": str(home / "d"), "JUPYTER_RUNTIME_DIR": str(home / "r"),
           "IPYTHONDIR": str(home / "i"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "w"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "s")}
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "jupyter-lab"), "--no-browser",
         f"--port={port}", "--ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=", "--allow-root"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no JupyterLab"
                time.sleep(0.5)
        drive_jupyterlab(url, tmp_path)
    finally:
        server.terminate()
        server.wait(timeout=30)


def drive_jupyterlab(url, tmp_path):
    """Run all cells, then drag the a slider and press → in the ipympl figure."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(f"{url}/lab/tree/lesson.ipynb")
        tab.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                              timeout=120_000)
        time.sleep(2)
        tab.click(".lm-MenuBar-itemLabel:text-is('Run')")
        tab.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        tab.wait_for_selector(".jupyter-matplotlib-canvas-div canvas", state="attached",
                              timeout=300_000)
        canvas = tab.locator(".jupyter-matplotlib-canvas-div canvas").first
        canvas.scroll_into_view_if_needed()
        time.sleep(3)

        def seen(name):
            tab.screenshot(path=str(tmp_path / name))
            return np.asarray(Image.open(io.BytesIO(canvas.screenshot())), dtype=int)
        before, box = seen("1-explorer.png"), canvas.bounding_box()
        start = (box["x"] + (0.15 + 0.6 * A0 / 4) * box["width"],
                 box["y"] + (1 - 0.235) * box["height"])
        tab.mouse.move(*start)
        tab.mouse.down()
        tab.mouse.move(start[0] + 0.3 * box["width"], start[1], steps=8)
        tab.mouse.up()
        time.sleep(2)
        dragged = seen("2-dragged.png")
        assert np.abs(dragged - before).sum() > 0, "dragging the a slider changed nothing"
        tab.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.6 * box["height"])
        tab.keyboard.press("ArrowRight")
        time.sleep(2)
        assert np.abs(seen("3-stepped.png") - dragged).sum() > 0, "→ changed nothing"
        errors = tab.evaluate("Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                              ".map(o => o.textContent).filter(t => t.includes('Traceback'))")
        assert errors == []
        browser.close()
