"""The lesson as a notebook: converted with jupytext and run in a real kernel, inside the
folder the page's zip unpacks into, each section shows its own result under it, in the order
of the story. The run is shared with the page's tests (`executed_once`)."""

import atexit
import base64
import functools
import importlib.util
import io
import os
import pathlib
import shutil
import sys
import tempfile

import pytest
from conftest import PICTURES, POST_LOG, ROOT, outputs_by_section
from PIL import Image

sys.path.insert(0, os.path.join(ROOT, "docs"))
from build_page import FOLDER, LOG_LINE, NOTEBOOK, executed_lesson, notebook_text  # noqa: E402


@functools.cache
def executed_once():
    """The lesson run once as a notebook, for every test that needs it: (the notebook with
    its outputs, the folder it ran in)."""
    folder = tempfile.mkdtemp(prefix="lesson-notebook-")
    atexit.register(shutil.rmtree, folder, True)
    return executed_lesson(folder), pathlib.Path(folder) / FOLDER


@pytest.fixture(scope="module")
def sections():
    """{section heading: [outputs of the code cells under it]}, and the kernel's folder."""
    notebook, folder = executed_once()
    return outputs_by_section(notebook), folder


def text(outputs, stream):
    return "".join(output.get("text", "") for output in outputs
                   if output.output_type == "stream" and output.name == stream)


def log(outputs):
    """The training log's lines among what the cells printed."""
    return [line for line in text(outputs, "stdout").splitlines() if LOG_LINE.match(line)]


def notes(outputs):
    """Everything else the cells printed or showed as text: the notes (ordinary output in a
    notebook, or stderr), and the values of their last lines."""
    printed = [line for line in text(outputs, "stdout").splitlines()
               if not LOG_LINE.match(line)]
    results = [output["data"]["text/plain"] for output in outputs
               if "text/plain" in output.get("data", {})
               and not {"image/png", "image/gif"} & set(output["data"])]
    return "\n".join(printed + [text(outputs, "stderr")] + results)


def pictures(outputs, kind="image/png"):
    return [Image.open(io.BytesIO(base64.b64decode(output["data"][kind])))
            for output in outputs if kind in output.get("data", {})]


@pytest.mark.slow
def test_no_cell_fails(sections):
    found, _ = sections
    errors = [output for outputs in found.values() for output in outputs
              if output.output_type == "error"]
    assert errors == []


@pytest.mark.slow
def test_each_section_shows_its_own_result(sections):
    found, _ = sections
    with open(POST_LOG) as file:
        post = file.read().splitlines()
    assert [picture.size for picture in pictures(found["The measurements"])] == [(640, 480)]
    assert len(pictures(found["The neuron and a random start"])) == 1
    assert len(pictures(found["The loss for every a: a bowl, and its slope"])) == 1
    assert "gradient check" in notes(found["The loss for every a: a bowl, and its slope"])
    assert log(found["Gradient descent"]) == [line for line in post  # the steps' lines
                                              if not line.startswith("i=0:")]
    assert [p.size for p in pictures(found["The learning curve, predicted"])] == [(960, 480)]
    assert "stopping rule" in notes(found["The learning curve, predicted"])
    assert len(pictures(found["Choosing a rate by trying"])) == 1
    gifs = pictures(found["The training, animated"], "image/gif")
    assert len(gifs) == 1 and gifs[0].n_frames > 2
    assert [picture.size for picture in pictures(found["Two weights: a line with an offset"])] \
        == [(960, 480)]
    assert [p.size for p in pictures(found["The cure: scale the inputs"])] == [(960, 480)]
    assert "converted back" in notes(found["The cure: scale the inputs"])
    for quiet in ("The knobs",):
        assert pictures(found.get(quiet, [])) == [] and log(found.get(quiet, [])) == []


@pytest.mark.slow
def test_the_log_is_the_posts_log_and_only_in_gradient_descent(sections):
    found, _ = sections
    with open(POST_LOG) as file:
        assert [line for outputs in found.values() for line in log(outputs)] \
            == file.read().splitlines()


@pytest.mark.slow
def test_the_kernel_wrote_the_pictures_in_its_own_folder(sections):
    _, folder = sections
    assert sorted(os.listdir(folder / "figures")) == sorted(PICTURES)


@pytest.mark.slow
def test_the_last_cell_says_how_to_explore_in_jupyter(sections):
    found, _ = sections
    hint = notes(found["Saving, and exploring live"])
    assert "EXPLORE = True" in hint
    # ipympl is installed with the test tools, so the hint does not ask to install it
    assert importlib.util.find_spec("ipympl") and "pip install ipympl" not in hint


def test_the_shipped_notebook_is_the_lesson_as_it_is():
    """regression_gd.ipynb is what docs/build_page.py writes from regression_gd.py now: the
    same cells, without outputs, byte for byte (a changed lesson needs a rebuild)."""
    with open(NOTEBOOK, encoding="utf-8") as file:
        shipped = file.read()
    assert shipped == notebook_text(), ("regression_gd.ipynb is not the lesson as it is; "
                                        "rebuild it: python docs/build_page.py")


@pytest.mark.parametrize("name", ["regression_gd.ipynb", "regression_gd_es.ipynb"])
def test_a_notebook_alone_says_in_one_line_what_it_needs_and_stops(name, tmp_path):
    """Downloaded alone (as from a blog, or opened in Colab), the notebook's first code cell
    prints one line of ordinary output saying what it needs and where to get it, with no
    traceback, and Run All stops there: no NameError in the cells after it."""
    import nbclient
    import nbformat
    notebook = nbformat.read(os.path.join(ROOT, name), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    with pytest.raises(nbclient.exceptions.CellExecutionError):
        client.execute(env=env)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.get("execution_count") is not None for cell in code[:2]] == [True, False]
    assert not any(cell.get("outputs") for cell in code[1:])
    (output,) = code[0].outputs
    assert output.output_type == "stream" and output.text.count("\n") == 1, output
    assert "Traceback" not in output.text and "SystemExit" not in output.text
    assert "zip" in output.text and "clone the repository" in output.text
    assert os.listdir(tmp_path) == []  # nothing written beside it
