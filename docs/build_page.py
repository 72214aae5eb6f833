"""Build the lesson's notebook and its web page from regression_gd.py.

    python docs/build_page.py [--out docs/lesson.html]

It turns regression_gd.py into a notebook (jupytext) and writes it, without outputs, as
regression_gd.ipynb beside it, for Jupyter, VS Code or Colab without jupytext. Then it runs
that notebook in a fresh Python kernel (nbclient) inside a temporary folder, and renders the
result with nbconvert into a single HTML file: the prose, the code, the printed log and
every picture, embedded. The page loads nothing from the network. It needs the test tools:
pip install -r tests/requirements.txt
"""

import argparse
import os
import sys
import tempfile

import jupytext
import nbclient
import nbformat
from nbconvert import HTMLExporter

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
TITLE = "One neuron learns a line: gradient descent, step by step"
NOTE = ("*This page was built by `python docs/build_page.py`, which ran the lesson below "
        "(`regression_gd.py`, unchanged) in a fresh Python kernel: every number, log line "
        "and picture on it was computed by that run.*")


NOTEBOOK = os.path.join(ROOT, "regression_gd.ipynb")


def lesson_notebook():
    """regression_gd.py as a notebook, with no outputs: each `# %%` cell a notebook cell,
    numbered (so that the same lesson always gives the same file)."""
    notebook = jupytext.read(os.path.join(ROOT, "regression_gd.py"))
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    return notebook


def write_atomically(path, text):
    """Write a file under a temporary name, then rename it into place."""
    temporary = f"{path}.{os.getpid()}.part"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def executed_lesson(folder):
    """regression_gd.py as a notebook, run in a kernel whose working folder is `folder`."""
    notebook = lesson_notebook()
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": folder}})
    # The kernel imports the lesson's data.py from the repository, and writes its pictures
    # into `folder`, never into the repository's own figures/.
    env = {name: value for name, value in os.environ.items()
           if name not in ("MPLBACKEND", "DISPLAY")}  # Jupyter's own inline pictures
    client.execute(env={**env, "PYTHONPATH": ROOT})
    return notebook


def page(notebook):
    """The executed notebook as one self-contained HTML page, with a title and a note."""
    notebook = nbformat.from_dict(notebook)
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell(NOTE))
    notebook.metadata["title"] = TITLE
    exporter = HTMLExporter(template_name="page", extra_template_basedirs=[DOCS],
                            embed_images=True, exclude_anchor_links=True)
    html, _ = exporter.from_notebook_node(notebook)
    return html


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(DOCS, "lesson.html"),
                        help="where to write the page (default: docs/lesson.html)")
    args = parser.parse_args(argv)
    write_atomically(NOTEBOOK, jupytext.writes(lesson_notebook(), fmt="ipynb"))
    with tempfile.TemporaryDirectory() as folder:
        html = page(executed_lesson(folder))
    write_atomically(args.out, html)
    print(f"wrote {NOTEBOOK} and {args.out} ({len(html) / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
