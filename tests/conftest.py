"""Shared helpers: run the script as a learner would, one default run for many tests, and
the checks a learner's eye makes on a picture."""

import ast
import hashlib
import os
import shutil
import subprocess
import sys
import types

import numpy as np
import pytest
from PIL import Image, ImageSequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "regression_gd.py")
POST_LOG = os.path.join(ROOT, "tests", "post_log.txt")
sys.path.insert(0, ROOT)
sys.dont_write_bytecode = True  # no __pycache__ in the repository from the tests' imports


def is_definition(node):
    """Whether a top-level statement of the lesson only defines: an import, a function, a
    class, or a constant (an UPPER_CASE name)."""
    if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
        return True
    return isinstance(node, ast.Assign) and all(
        isinstance(target, ast.Name) and target.id.isupper() for target in node.targets)


def lesson_definitions():
    """The lesson's definitions as a module, without running its story: only its imports,
    functions, classes and constants are executed. Registered as `regression_gd`, so that
    the tests' `import regression_gd` gets this."""
    with open(SCRIPT) as file:
        tree = ast.parse(file.read(), SCRIPT)
    tree.body = [node for node in tree.body if is_definition(node)]
    module = types.ModuleType("regression_gd")
    module.__file__ = SCRIPT
    sys.modules["regression_gd"] = module  # before running: NamedTuple looks itself up
    exec(compile(tree, SCRIPT, "exec"), module.__dict__)
    return module


lesson_definitions()

PNGS = ["measurements.png", "random_start.png", "loss_curve.png", "learning_curve.png",
        "learning_rates.png", "two_weights.png", "scaling.png"]
WIDE = ["learning_curve.png", "two_weights.png", "scaling.png"]  # 960 pixels wide
PICTURES = PNGS + ["training.gif"]


def outputs_by_section(notebook):
    """{section heading: [outputs of the code cells under it]} of a run notebook."""
    found, heading = {}, "top"
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = next((line[3:] for line in cell.source.splitlines()
                            if line.startswith("## ")), heading)
        else:
            found.setdefault(heading, []).extend(cell.get("outputs", []))
    return found


def headless_env():
    """The environment without a display or a chosen backend, as on a server."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1"}


def run(*args, cwd=ROOT, env=None, timeout=300, **kwargs):
    """Run regression_gd.py headless and capture its output."""
    return subprocess.run([sys.executable, SCRIPT, *args], cwd=cwd, env=env or headless_env(),
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def hashes(folder):
    """File name -> sha256 of every file in a folder, hidden ones included."""
    return {name: hashlib.sha256(open(os.path.join(folder, name), "rb").read()).hexdigest()
            for name in sorted(os.listdir(folder))}


def title_of(path):
    """The titles a saved PNG carries in its metadata."""
    with Image.open(path) as picture:
        return picture.text.get("Title", "")


def touched_edges(image):
    """The sides of a picture that something other than the background touches (clipped)."""
    pixels = np.asarray(image.convert("L")).astype(int)
    background = np.median(np.r_[pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    edges = {"top": pixels[:2], "bottom": pixels[-2:], "left": pixels[:, :2],
             "right": pixels[:, -2:]}
    return [side for side, edge in edges.items() if (np.abs(edge - background) > 60).sum() > 3]


def gif_frames(path):
    """All frames of a GIF as RGB arrays, and their durations in ms."""
    with Image.open(path) as gif:
        frames = [(np.asarray(frame.convert("RGB"), dtype=int), frame.info["duration"])
                  for frame in ImageSequence.Iterator(gif)]
    return [frame for frame, _ in frames], [duration for _, duration in frames]


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """One default run into a fresh folder: (completed process, folder)."""
    out = tmp_path_factory.mktemp("default") / "figures"
    result = run("--out", str(out))
    assert result.returncode == 0, result.stderr
    return result, str(out)


@pytest.fixture
def good_folder(default_run, tmp_path):
    """A copy of the default run's pictures, to check that a failing run leaves them alone."""
    folder = tmp_path / "figures"
    shutil.copytree(default_run[1], folder)
    return str(folder)
