"""Shared helpers: run the script as a learner would, and one default run for many tests."""

import hashlib
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "regression_gd.py")
sys.path.insert(0, ROOT)

PICTURES = ["measurements.png", "random_start.png", "loss_curve.png", "learning_curve.png",
            "learning_rates.png", "training.gif"]


def run(*args, cwd=ROOT, **kwargs):
    """Run regression_gd.py headless (no display, no MPLBACKEND) and capture its output."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    return subprocess.run([sys.executable, SCRIPT, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, **kwargs)


def hashes(folder):
    """File name -> sha256 of every file in a folder, hidden ones included."""
    return {name: hashlib.sha256(open(os.path.join(folder, name), "rb").read()).hexdigest()
            for name in sorted(os.listdir(folder))}


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
    import shutil
    folder = tmp_path / "figures"
    shutil.copytree(default_run[1], folder)
    return str(folder)
