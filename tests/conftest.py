"""Shared helpers: run the lesson as a learner would, one default run for many tests, the
lesson's definitions without its story, and the checks a learner's eye makes on a picture."""

import ast
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
SPANISH_SCRIPT = os.path.join(ROOT, "regression_gd_es.py")
POST_LOG = os.path.join(ROOT, "tests", "post_log.txt")
sys.path.insert(0, ROOT)
sys.dont_write_bytecode = True  # no __pycache__ in the repository from the tests' imports
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs Chromium: apt-get install -y chromium "
    "(and pip install playwright); .ci/run installs both")


def is_definition(node):
    """Whether a top-level statement of the lesson only defines: an import, a function, a
    class, or a constant (an UPPER_CASE name)."""
    if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
        return True
    return isinstance(node, ast.Assign) and all(
        isinstance(target, ast.Name) and target.id.isupper() for target in node.targets)


def lesson_definitions(path=SCRIPT, name="regression_gd"):
    """The lesson's definitions as a module, without running its story: only its imports,
    functions, classes and constants are executed."""
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), path)
    tree.body = [node for node in tree.body if is_definition(node)]
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module  # before running: NamedTuple looks itself up
    exec(compile(tree, path, "exec"), module.__dict__)
    return module


lesson_definitions()
import pictures  # noqa: E402  (after the lesson's own imports, as the lesson does)

PICTURES = list(pictures.PICTURES)  # every picture's file name, in the lesson's order
PNGS = [name for name in PICTURES if name.endswith(".png")]


def headless_env(**extra):
    """The environment without a display or a chosen backend, as on a server."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def run(*args, script=SCRIPT, cwd=ROOT, env=None, timeout=300, **kwargs):
    """Run a lesson script headless and capture its output."""
    return subprocess.run([sys.executable, script, *args], cwd=cwd, env=env or headless_env(),
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def one_line_error(result, status=2, *words):
    """The run failed with exit `status`, no traceback, and one error line, the last on
    stderr, that contains every word given (the notes of a run that failed midway come
    before it); an option or a knob that is refused gets that line alone."""
    assert result.returncode == status, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr and lines, result.stderr
    assert [line for line in lines if "error:" in line] == lines[-1:], result.stderr
    if status == 2:
        assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[-1], (word, lines[-1])
    return lines[-1]


def title_of(path):
    """The title a saved PNG carries in its metadata."""
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


def write_points(folder, name, x, z, header="x,z"):
    """A CSV file of points, as a learner's spreadsheet would export it; its path."""
    path = os.path.join(folder, name)
    with open(path, "w") as file:
        file.write(header + "\n" + "".join(f"{float(p)!r},{float(q)!r}\n"
                                            for p, q in zip(x, z, strict=True)))
    return path
