"""The lesson as a notebook: converted with jupytext and run in a real kernel, each section
shows its own result under it, in the order of the story."""

import base64
import importlib.util
import io
import os
import sys

import pytest
from conftest import PICTURES, POST_LOG, ROOT
from PIL import Image

sys.path.insert(0, os.path.join(ROOT, "docs"))
import nbformat  # noqa: E402
from build_page import NOTEBOOK, executed_lesson, lesson_notebook  # noqa: E402


@pytest.fixture(scope="module")
def sections(tmp_path_factory):
    """{section heading: [outputs of the code cells under it]}, and the kernel's folder."""
    folder = tmp_path_factory.mktemp("notebook")
    notebook = executed_lesson(str(folder))
    found, heading = {}, "top"
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = next((line[3:] for line in cell.source.splitlines()
                            if line.startswith("## ")), heading)
        else:
            found.setdefault(heading, []).extend(cell.get("outputs", []))
    return found, folder


def text(outputs, stream):
    return "".join(output.get("text", "") for output in outputs
                   if output.output_type == "stream" and output.name == stream)


def pictures(outputs, kind="image/png"):
    return [Image.open(io.BytesIO(base64.b64decode(output["data"][kind])))
            for output in outputs if kind in output.get("data", {})]


def test_no_cell_fails(sections):
    found, _ = sections
    errors = [output for outputs in found.values() for output in outputs
              if output.output_type == "error"]
    assert errors == []


def test_each_section_shows_its_own_result(sections):
    found, _ = sections
    with open(POST_LOG) as file:
        log = file.read().splitlines()
    assert [picture.size for picture in pictures(found["The measurements"])] == [(640, 480)]
    assert len(pictures(found["The neuron and a random start"])) == 1
    assert text(found["How wrong is it? The loss"], "stdout").splitlines() == log[:1]
    assert len(pictures(found["The loss for every a: a bowl, and its slope"])) == 1
    assert "gradient check" in text(found["The loss for every a: a bowl, and its slope"],
                                    "stderr")
    assert text(found["Gradient descent"], "stdout").splitlines() == log[1:]
    assert [p.size for p in pictures(found["The learning curve, predicted"])] == [(960, 480)]
    assert "stopping rule" in text(found["The learning curve, predicted"], "stderr")
    assert len(pictures(found["Choosing a rate by trying"])) == 1
    gifs = pictures(found["The training, animated"], "image/gif")
    assert len(gifs) == 1 and gifs[0].n_frames == 101
    assert [picture.size for picture in pictures(found["Two weights: a line with an offset"])] \
        == [(960, 480)]
    assert [p.size for p in pictures(found["The cure: scale the inputs"])] == [(960, 480)]
    assert "converted back" in text(found["The cure: scale the inputs"], "stderr")
    for quiet in ("The knobs",):
        assert pictures(found.get(quiet, [])) == [] and text(found.get(quiet, []), "stdout") == ""


def test_stdout_is_the_posts_log_and_nothing_else(sections):
    found, _ = sections
    with open(POST_LOG) as file:
        assert "".join(text(outputs, "stdout") for outputs in found.values()) == file.read()


def test_the_kernel_wrote_the_pictures_in_its_own_folder(sections):
    _, folder = sections
    assert sorted(os.listdir(folder / "figures")) == sorted(PICTURES)


def test_the_last_cell_says_how_to_explore_in_jupyter(sections):
    found, _ = sections
    hint = text(found["Saving, and exploring live"], "stderr")
    assert "set EXPLORE = True" in hint
    # ipympl is installed with the test tools, so the hint does not ask to install it
    assert importlib.util.find_spec("ipympl") and "pip install ipympl" not in hint


def test_the_shipped_notebook_is_the_lesson_without_outputs():
    """regression_gd.ipynb (built by docs/build_page.py) has the cells of regression_gd.py."""
    shipped = nbformat.read(NOTEBOOK, as_version=4)
    expected = lesson_notebook()
    assert [(cell.cell_type, cell.source) for cell in shipped.cells] == [
        (cell.cell_type, cell.source) for cell in expected.cells]
    for cell in shipped.cells:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
