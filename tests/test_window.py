"""The explorer in a real window: Xvfb for a screen, Tk for the window, xdotool for the mouse
and keyboard, ImageMagick's import for screenshots. Skipped where they are missing."""

import importlib.util
import io
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import PICTURES, SCRIPT, headless_env
from PIL import Image

import explorer as live
import regression_gd as rg

TOOLS = ("Xvfb", "xdotool", "import")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not all(shutil.which(tool) for tool in TOOLS),
                       reason="needs a virtual screen: apt-get install -y xvfb xdotool "
                              "imagemagick (.ci/run installs them)"),
    pytest.mark.skipif(importlib.util.find_spec("tkinter") is None,
                       reason="needs Tk for this Python, for matplotlib's windows: "
                              "apt-get install -y python3-tk"),
]


USED_DISPLAYS = set()  # never the number of a server this run just ended: it may linger


def free_display():
    """A display number no X server holds (no lock file, no socket in /tmp) and that no
    earlier test used, as ":N"."""
    number = next(number for number in range(97, 400) if number not in USED_DISPLAYS
                  and not os.path.exists(f"/tmp/.X{number}-lock")
                  and not os.path.exists(f"/tmp/.X11-unix/X{number}"))
    USED_DISPLAYS.add(number)
    return f":{number}"
FIT = live.FIT_PANEL  # the fit panel's rectangle in the explorer's figure
A_SLIDER_Y = 0.235  # the a slider's middle, from the figure's bottom


@pytest.fixture
def window(tmp_path, request):
    """The explorer of a default run, open on a virtual screen: (environment, window id,
    geometry, the lesson's process). Tests marked `closing` may end the lesson."""
    closing = request.node.get_closest_marker("closing") is not None
    display = free_display()
    screen = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    env = {**headless_env(), "DISPLAY": display}
    deadline = time.monotonic() + 30
    while subprocess.run(["xdotool", "getdisplaygeometry"], env=env,
                         capture_output=True).returncode != 0:
        assert screen.poll() is None, f"Xvfb did not start: {screen.stderr.read()}"
        assert time.monotonic() < deadline, "Xvfb did not answer within 30 s"
        time.sleep(0.1)
    lesson = subprocess.Popen([sys.executable, SCRIPT, "--explore", "--out",
                               str(tmp_path / "figures")], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        window_id = wait_for_window(lesson, env)
        time.sleep(2)  # Tk settles the window's size, and the figure is drawn in full
        shape = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window_id], env=env,
                               capture_output=True, text=True, check=True).stdout
        geometry = dict(line.split("=") for line in shape.split())
        yield env, window_id, {key: int(value) for key, value in geometry.items()
                               if key != "WINDOW"}, lesson
        if not closing:
            assert lesson.poll() is None, lesson.stderr.read()  # still open, never crashed
    finally:
        lesson.kill()
        screen.terminate()  # not kill: Xvfb removes its lock file when it ends
        lesson.wait()
        screen.wait()


def wait_for_window(lesson, env, seconds=120):
    """The explorer window's id, once it is there; fails at once if the lesson stopped."""
    deadline = time.monotonic() + seconds
    while True:
        found = subprocess.run(["xdotool", "search", "--name", "One neuron, live"], env=env,
                               capture_output=True, text=True).stdout.split()
        if found:
            return found[0]
        assert lesson.poll() is None, lesson.communicate()
        assert time.monotonic() < deadline, "the explorer window never appeared"
        time.sleep(0.2)


def screenshot(env, path):
    picture = subprocess.run(["import", "-window", "root", "png:-"], env=env,
                             capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(picture)).convert("RGB")
    image.save(path)
    return np.asarray(image, dtype=int)


def canvas_point(geometry, fx, fy):
    """Screen pixel of a point given as fractions of the figure (fy from the bottom)."""
    width = geometry["WIDTH"]
    height = width * live.EXPLORER_SIZE[1] / live.EXPLORER_SIZE[0]  # the canvas above the toolbar
    return round(geometry["X"] + fx * width), round(geometry["Y"] + (1 - fy) * height)


def line_pixels_high_in_the_fit_panel(pixels, geometry):
    """Near-black pixels in the upper half of the fit panel, inside its frame."""
    left, top = canvas_point(geometry, FIT[0], FIT[1] + FIT[3])
    right, bottom = canvas_point(geometry, FIT[0] + FIT[2], FIT[1] + FIT[3] / 2)
    inside = pixels[top + 4:bottom, left + 4:right - 4]
    return int((inside.max(axis=2) < 60).sum())


def slider_x(value, low=0.0, high=4.0):
    return 0.14 + 0.6 * (value - low) / (high - low)


def test_drag_a_and_step_with_the_keyboard(window, tmp_path):
    env, window_id, geometry, _ = window
    # The run wrote every picture before the window opened.
    assert sorted(os.listdir(tmp_path / "figures")) == sorted(PICTURES)
    before = screenshot(env, tmp_path / "1-start.png")
    # At the start (a = 0.27) the neuron's line stays in the panel's lower part.
    assert line_pixels_high_in_the_fit_panel(before, geometry) < 20

    start = canvas_point(geometry, slider_x(rg.random_start(45)), A_SLIDER_Y)
    end = canvas_point(geometry, slider_x(3.0), A_SLIDER_Y)
    subprocess.run(["xdotool", "mousemove", *map(str, start), "mousedown", "1",
                    "mousemove", str(start[0] + 40), str(start[1]), "mousemove", *map(str, end),
                    "mouseup", "1"], env=env, check=True)
    time.sleep(1)
    dragged = screenshot(env, tmp_path / "2-dragged-to-3.png")
    # Dragged to a = 3, the line rises to z = 30 at x = 10: it crosses the upper half.
    assert line_pixels_high_in_the_fit_panel(dragged, geometry) > 100
    assert np.abs(dragged - before).sum() > 0

    subprocess.run(["xdotool", "windowfocus", "--sync", window_id], env=env, check=True)
    subprocess.run(["xdotool", "key", "Right"], env=env, check=True)
    time.sleep(1)
    stepped = screenshot(env, tmp_path / "3-step-1.png")
    # One step of training (a = 0.39) brings the line back down.
    assert line_pixels_high_in_the_fit_panel(stepped, geometry) < 20
    assert np.abs(stepped - dragged).sum() > 0


@pytest.mark.closing
def test_q_closes_the_window_and_the_run_ends(window):
    env, window_id, _, lesson = window
    subprocess.run(["xdotool", "windowfocus", "--sync", window_id], env=env, check=True)
    subprocess.run(["xdotool", "key", "q"], env=env, check=True)
    assert lesson.wait(timeout=30) == 0
    assert "Traceback" not in lesson.stderr.read()


@pytest.mark.closing
def test_ctrl_c_with_the_window_open_says_the_pictures_were_saved(window, tmp_path):
    _, _, _, lesson = window
    lesson.send_signal(signal.SIGINT)
    assert lesson.wait(timeout=30) == 130
    lines = lesson.stderr.read().strip().splitlines()
    folder = tmp_path / "figures"
    assert lines[-1] == (f"interrupted: stopped by Ctrl-C; the pictures had already been "
                         f"saved in {folder}/.")
    assert lines[-2].startswith(f"saved in {folder}/")
    assert sorted(os.listdir(folder)) == sorted(PICTURES)
