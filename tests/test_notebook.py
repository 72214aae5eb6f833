"""The notebook, as a learner opens it from a link or in Colab: alone in an empty folder, in
a fresh kernel working in another one. It writes its helpers there and runs top to bottom,
each section showing its result, the GIF inline; then cells are run again as a learner
would (a knob changed, the saving cell twice, the GIF cell again), and bad knobs each get
one line naming the knob."""

import base64
import json
import os
import re
import shutil

import nbclient
import nbformat
import pytest
from conftest import POST_LOG, ROOT, headless_env

pytestmark = pytest.mark.slow
AGAIN = [  # cells a learner runs again after Run All: (what to replace, its replacement)
    ("# %% the saving cell", None), ("# %% the saving cell", None),
    ("# %% the GIF cell", None), ("# %% the saving cell", None),
    ("# %% the knobs", "STEPS = 30"), ("# %% the settings cell", None),
    ("# %% the random start cell", None), ("# %% the saving cell", None)]
BAD_KNOBS = ["STEPS = None", "OUT = None", "STEPS = True", 'LEARNING_RATE = "0.01"',
             "EXPLORE = 'yes'", "FRAMES = 1"]


def find(notebook, words):
    """The source of the first code cell holding `words`."""
    return next(cell.source for cell in notebook.cells
                if cell.cell_type == "code" and words in cell.source)


def executed(tmp_path_factory, name="regression_gd.ipynb"):
    """The notebook copied alone into an empty folder and run by a kernel working in
    another, with cells run again and bad knobs tried at its end: (notebook, the kernel's
    folder, the number of its own cells)."""
    home, work = tmp_path_factory.mktemp("download"), tmp_path_factory.mktemp("kernel")
    shutil.copy(os.path.join(ROOT, name), home)
    notebook = nbformat.read(str(home / name), as_version=4)
    own = len(notebook.cells)
    sources = {"# %% the saving cell": find(notebook, "pictures.save()"),
               "# %% the GIF cell": find(notebook, "pictures.training_gif("),
               "# %% the knobs": find(notebook, "STEPS = 100"),
               "# %% the settings cell": find(notebook, "program.read_settings("),
               "# %% the random start cell": find(notebook, "pictures.random_start(")}
    for key, change in AGAIN:
        source = sources[key] if change is None else sources[key].replace("STEPS = 100", change)
        notebook.cells.append(nbformat.v4.new_code_cell(source))
    for knob in BAD_KNOBS:
        notebook.cells.append(nbformat.v4.new_code_cell(  # the knobs, one of them wrong
            f"{sources['# %% the knobs']}\n{knob}\n{sources['# %% the settings cell']}"))
    env = {k: v for k, v in headless_env().items() if k != "PYTHONPATH"}
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(work)}}).execute(env=env)
    return notebook, work, own


@pytest.fixture(scope="module")
def run_alone(tmp_path_factory):
    return executed(tmp_path_factory)


def outputs(cell):
    return cell.get("outputs", [])


def test_it_runs_alone_with_its_helpers_written_beside_the_kernel(run_alone):
    notebook, work, own = run_alone
    assert notebook.cells[0].metadata["tags"] == ["bootstrap"]
    assert notebook.cells[0].metadata["jupyter"]["source_hidden"] is True
    assert notebook.cells[0].metadata["cellView"] == "form"
    errors = [cell.source[:80] for cell in notebook.cells[:own]
              if any(o.output_type == "error" for o in outputs(cell))]
    assert errors == []
    assert {"program.py", "pictures.py", "data.py", "figures"} <= set(os.listdir(work))


def test_each_section_shows_its_picture_and_the_gif_inline(run_alone):
    notebook, _, own = run_alone
    shown = [o.metadata["picture"] for cell in notebook.cells[:own]
             for o in outputs(cell) if o.get("metadata", {}).get("picture")]
    assert [picture["name"] for picture in shown] == [
        "measurements.png", "random_start.png", "", "loss_curve.png", "training.gif",
        "learning_curve.png", "learning_rates.png", "two_weights.png", "scaling.png"]
    assert shown[2]["title"] == "Your guess a = 1: loss 36.79"  # shown, never saved
    gif = next(o for cell in notebook.cells[:own] for o in outputs(cell)
               if "image/gif" in o.get("data", {}))
    assert base64.b64decode(gif.data["image/gif"])[:6] == b"GIF89a"


def test_the_log_is_the_posts_and_printed_by_training(run_alone):
    notebook, _, own = run_alone
    printed = "".join(o.text for cell in notebook.cells[:own] for o in outputs(cell)
                      if o.output_type == "stream" and o.name == "stdout")
    log = "".join(line + "\n" for line in printed.splitlines() if re.match(r"i=\d+: ", line))
    with open(POST_LOG) as file:
        assert log == file.read()


def test_cells_run_again_work(run_alone):
    notebook, work, own = run_alone
    again = notebook.cells[own:own + len(AGAIN)]
    assert [o.output_type for cell in again for o in outputs(cell)
            if o.output_type == "error"] == []
    said = [o.text for cell in again for o in outputs(cell) if o.output_type == "stream"]
    assert any(text.startswith("nothing new to save") for text in said)
    assert any(text.startswith("saved in figures/: training.gif") for text in said)
    assert any("saved in figures/: random_start.png" in text for text in said)
    assert not [name for name in os.listdir(work / "figures") if name.startswith(".")]


def test_a_bad_knob_is_one_line_naming_it(run_alone):
    notebook, _, own = run_alone
    for cell, knob in zip(notebook.cells[own + len(AGAIN):], BAD_KNOBS, strict=True):
        error = next(o for o in outputs(cell) if o.output_type == "error")
        assert len(error.traceback) == 1, error.traceback
        assert error.traceback[0].startswith(f"error: {knob.split()[0]}: "), error.traceback


def test_the_shipped_notebooks_are_the_lessons_with_their_bootstrap():
    for name in ("regression_gd.ipynb", "regression_gd_es.ipynb"):
        with open(os.path.join(ROOT, name), encoding="utf-8") as file:
            notebook = json.load(file)
        assert notebook["cells"][0]["id"] == "bootstrap"
        assert all(cell.get("outputs", []) == [] for cell in notebook["cells"])
        assert os.path.getsize(os.path.join(ROOT, name)) < 300_000
