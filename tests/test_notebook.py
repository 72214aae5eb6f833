"""The script is also a notebook: convert it with jupytext and run it in a real kernel."""

import os

import jupytext
import nbclient
from conftest import ROOT


def test_runs_as_a_notebook_with_log_and_pictures_inline():
    notebook = jupytext.read(os.path.join(ROOT, "regression_gd.py"))
    assert sum(cell.cell_type == "code" for cell in notebook.cells) >= 8  # one per section
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": ROOT}})
    client.execute()  # the kernel starts in ROOT; pictures land in ROOT/figures, as a run's do
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    errors = [output for output in outputs if output.output_type == "error"]
    assert not errors, errors
    stdout = "".join(output.get("text", "") for output in outputs
                     if output.output_type == "stream" and output.name == "stdout")
    with open(os.path.join(ROOT, "tests", "post_log.txt")) as file:
        assert stdout == file.read()
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    gifs = [output for output in outputs if "image/gif" in output.get("data", {})]
    assert len(images) == 5 and len(gifs) == 1
