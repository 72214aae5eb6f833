"""The lesson run cell by cell in a real kernel, as VS Code and JupyterLab users run it: a
knob changed and single cells re-run, bad knobs, a diverging rate; each says what happened
in one line, never with a traceback about internal state."""

import importlib.util
import os
import shutil

import jupytext
import nbclient
import pytest
from conftest import POST_LOG, ROOT

LESSON_FILES = ["regression_gd.py", "command_line.py", "safe_writing.py", "pictures.py",
                "animation.py", "explorer.py", "data.py", "translation.py"]


@pytest.fixture
def kernel(tmp_path):
    """(client, notebook): a kernel started in a copy of the lesson folder, nothing run."""
    for name in LESSON_FILES:
        shutil.copy(os.path.join(ROOT, name), tmp_path)
    notebook = jupytext.read(os.path.join(ROOT, "regression_gd.py"))
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     allow_errors=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    env = {name: value for name, value in os.environ.items()
           if name not in ("MPLBACKEND", "DISPLAY", "PYTHONPATH")}
    client.km = client.create_kernel_manager()
    client.start_new_kernel(env=env)
    client.start_new_kernel_client()
    yield client, notebook
    client._cleanup_kernel()  # noqa: SLF001 (nbclient's own way to stop what it started)


def run_cell(client, notebook, index, source=None):
    """Run one code cell (with `source` in place of its code, if given); its outputs."""
    cell = notebook.cells[index]
    if source is not None:
        cell.source = source
    client.execute_cell(cell, index, store_history=False)
    return cell.outputs


def code_cell(notebook, text):
    """The index of the first code cell whose code contains `text`."""
    return next(index for index, cell in enumerate(notebook.cells)
                if cell.cell_type == "code" and text in cell.source)


def errors(outputs):
    return [output for output in outputs if output.output_type == "error"]


def stdout(outputs):
    return "".join(output.get("text", "") for output in outputs
                   if output.output_type == "stream" and output.name == "stdout")


def run_all(client, notebook):
    """Run every code cell in order; the outputs of each, by index."""
    return {index: run_cell(client, notebook, index) for index, cell
            in enumerate(notebook.cells) if cell.cell_type == "code"}


@pytest.mark.slow
def test_a_knob_changed_then_single_cells_rerun(kernel):
    client, notebook = kernel
    outputs = run_all(client, notebook)
    assert [index for index, found in outputs.items() if errors(found)] == []
    assert not any(output.get("name") == "stderr" for found in outputs.values()
                   for output in found)  # notes are ordinary output, not on red
    training = code_cell(notebook, "history = train(")
    with open(POST_LOG) as file:
        assert stdout(outputs[training]) == file.read()
    knobs = code_cell(notebook, "LEARNING_RATE = 1e-3")
    run_cell(client, notebook, knobs,
             notebook.cells[knobs].source.replace("LEARNING_RATE = 1e-3", "LEARNING_RATE = 0.02"))
    run_cell(client, notebook, code_cell(notebook, "settings = cli.read_settings("))
    later = [index for index in outputs if index > knobs + 1]
    for index in [training] + later[::-1]:  # the training cell, then the rest backwards
        found = run_cell(client, notebook, index)
        assert errors(found) == [], (notebook.cells[index].source[:80], errors(found))
    rerun = stdout(run_cell(client, notebook, training))  # the new rate, not the post's
    assert rerun.startswith("i=10: ") and rerun != stdout(outputs[training])


def one_line_error(outputs):
    """The error a cell shows: exactly one line, no traceback."""
    found = errors(outputs)
    assert len(found) == 1
    lines = "\n".join(found[0].traceback).splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0] and "SystemExit" not in lines[0]
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("knob, value, named", [
    ("LEARNING_RATE = 1e-3", "LEARNING_RATE = -0.02", "LEARNING_RATE"),
    ("STEPS = 100", "STEPS = 0", "STEPS"),
    ("EVERY = 10", "EVERY = 'ten'", "EVERY"),
    ("DATA = None", "DATA = 'no such file.csv'", "no such file.csv")])
def test_a_bad_knob_is_one_line_naming_it(kernel, knob, value, named):
    client, notebook = kernel
    run_cell(client, notebook, 1)  # the imports
    knobs = code_cell(notebook, knob)
    run_cell(client, notebook, knobs, notebook.cells[knobs].source.replace(knob, value))
    found = run_cell(client, notebook, knobs + 1)  # the settings: DATA's file is read there
    line = one_line_error(found)
    assert named in line and "ipykernel" not in line and "python regression_gd.py" not in line


@pytest.mark.slow
def test_a_diverging_rate_stops_with_the_knob_to_set(kernel):
    client, notebook = kernel
    knobs = code_cell(notebook, "LEARNING_RATE = 1e-3")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        source = cell.source.replace("LEARNING_RATE = 1e-3", "LEARNING_RATE = 0.05") if (
            index == knobs) else None
        found = run_cell(client, notebook, index, source)
        if errors(found):
            break
    assert "end_a, safe = " in notebook.cells[index].source  # stopped after training
    line = one_line_error(found)
    assert "diverged at step 4" in line and "LEARNING_RATE = 0.01" in line


def pictures_shown(outputs):
    """How many outputs are still pictures (PNG), and how many are interactive widgets."""
    found = [output for cell in outputs.values() for output in cell
             if output.output_type in ("display_data", "execute_result")]
    widgets = sum("application/vnd.jupyter.widget-view+json" in output.get("data", {})
                  for output in found)
    return sum("image/png" in output.get("data", {}) for output in found), widgets


@pytest.mark.slow
@pytest.mark.parametrize("explore", [False, True])
def test_a_second_run_all_still_shows_pictures(kernel, explore):
    """With ipympl installed, the explorer's cell (offered, or opened) must not leave the
    widget backend on: the next Run All in the same kernel shows its pictures as images."""
    if importlib.util.find_spec("ipympl") is None:  # importing it would switch this
        pytest.skip("ipympl is not installed")  # process's own backend to ipympl
    client, notebook = kernel
    if explore:
        knobs = code_cell(notebook, "EXPLORE = False")
        notebook.cells[knobs].source = notebook.cells[knobs].source.replace(
            "EXPLORE = False", "EXPLORE = True")
    first = pictures_shown(run_all(client, notebook))
    second = pictures_shown(run_all(client, notebook))
    assert first[0] >= 7 and second[0] == first[0], (first, second)
    assert second[1] == first[1] == (1 if explore else 0)
