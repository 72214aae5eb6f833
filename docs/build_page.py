"""Build the lesson's notebook and its web page from regression_gd.py.

    python docs/build_page.py [--out docs/lesson.html]

It turns regression_gd.py into a notebook (jupytext) and writes it, without outputs, as
regression_gd.ipynb beside it, for Jupyter, VS Code or Colab without jupytext. Then it runs
that notebook in a fresh Python kernel (nbclient) inside a temporary folder and renders the
result as one self-contained page (`page`): a table of contents, linkable headings, the
prose, the code, the log in its own scrolling box, the notes styled as notes, and every
picture embedded as a figure with its title as caption and alt text. It loads nothing from
the network. It needs the test tools: pip install -r tests/requirements.txt
"""

import argparse
import base64
import html
import io
import os
import re
import sys
import tempfile

import jupytext
import nbclient
from nbconvert.filters import markdown2html
from PIL import Image
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
NOTEBOOK = os.path.join(ROOT, "regression_gd.ipynb")
TITLE = "One neuron learns a line: gradient descent, step by step"
NOTE = ("This page was built by <code>python docs/build_page.py</code>, which ran the "
        "lesson (<code>regression_gd.py</code>, unchanged) in a fresh Python kernel: every "
        "number, log line and picture on it was computed by that run.")
DOWNLOADS = ('Download: <a href="../regression_gd.py" download>regression_gd.py</a> (the '
             'script) or <a href="../regression_gd.ipynb" download>regression_gd.ipynb</a> '
             '(the notebook); both need the modules beside them, from the '
             '<a href="../README.md">project</a>.')
STYLE = """
:root { --text: #1f2328; --muted: #57606a; --box: #f6f8fa; --line: #d0d7de; }
* { box-sizing: border-box; }
html { scroll-padding-top: 0.5rem; }
body { margin: 0; color: var(--text); background: #fff;
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.page { max-width: 76rem; margin: 0 auto; padding: 0 1rem;
        display: grid; grid-template-columns: minmax(0, 1fr); gap: 2rem; }
main { min-width: 0; max-width: 46rem; }
nav.toc { font-size: 0.95rem; }
nav.toc ol { padding-left: 2rem; margin: 0.3rem 0; }
nav.toc p { margin: 0.6rem 0; }
nav.toc a { color: #0550ae; }
@media (min-width: 68rem) {
  .page { grid-template-columns: 15rem minmax(0, 46rem); }
  nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh;
            overflow-y: auto; padding-top: 2rem; }
  main > nav.toc { display: none; }
}
@media (max-width: 67.99rem) { .page > nav.toc { display: none; } }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 1.5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 0.6rem; border-top: 1px solid var(--line);
     padding-top: 1.2rem; }
a.anchor { color: var(--muted); text-decoration: none; margin-left: 0.4rem;
           font-weight: normal; }
a.anchor:focus, h2:hover a.anchor, h1:hover a.anchor { text-decoration: underline; }
p code, li code, .notes code { background: var(--box); padding: 0.05rem 0.25rem;
                               border-radius: 4px; font-size: 0.9em; }
pre { margin: 0.6rem 0; padding: 0.7rem 0.9rem; overflow-x: auto; white-space: pre;
      background: var(--box); border: 1px solid var(--line); border-radius: 6px;
      font: 14px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre:focus { outline: 2px solid #0969da; }
.log { background: #fff; border-left: 4px solid #1f6feb; }
.notes { margin: 0.6rem 0; padding: 0.5rem 0.9rem; background: #eef6ff;
         border: 1px solid #b6d4fe; border-radius: 6px; overflow-x: auto; font-size: 0.92rem; }
.notes p { margin: 0.25rem 0; overflow-wrap: normal; word-break: normal; }
.notes .warning { color: #7d4e00; }
.notes .error { color: #a40e26; }
.notes code, .nowrap { white-space: nowrap; }
.label { font-weight: 600; }
figure { margin: 1rem 0; }
figure .frame { overflow-x: auto; }
figure img { display: block; max-width: 100%; height: auto; }
figure img.wide { min-width: 38rem; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.3rem; }
.built, .downloads { color: var(--muted); font-size: 0.95rem; }
"""


def lesson_notebook():
    """regression_gd.py as a notebook, with no outputs: each `# %%` cell a notebook cell,
    numbered (so that the same lesson always gives the same file)."""
    notebook = jupytext.read(os.path.join(ROOT, "regression_gd.py"))
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    # Jupyter, VS Code and Colab open it with Python 3 at once, without asking
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3 (ipykernel)"}
    notebook.metadata["language_info"] = {"name": "python"}
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
    # The kernel imports the lesson's modules from the repository, and writes its pictures
    # into `folder`, never into the repository's own figures/.
    env = {name: value for name, value in os.environ.items()
           if name not in ("MPLBACKEND", "DISPLAY")}  # Jupyter's own inline pictures
    client.execute(env={**env, "PYTHONPATH": ROOT})
    notebook.metadata["picture_titles"] = picture_titles(notebook, folder)
    return notebook


def picture_titles(notebook, folder):
    """The titles of the PNG pictures the run showed, in the order it showed them: read
    from the files it saved (their metadata), named in its "saved in" note."""
    saved = next(line for cell in notebook.cells for output in cell.get("outputs", [])
                 for line in output.get("text", "").splitlines() if line.startswith("saved in"))
    names = [name for name in saved.split(": ", 1)[1].split(", ") if name.endswith(".png")]
    titles = []
    for name in names:
        with Image.open(os.path.join(folder, "figures", name)) as picture:
            titles.append(picture.text.get("Title", name))
    return titles


def slug(text):
    """A heading's anchor: its words, lower case, joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def headed(markdown_html, toc):
    """Markdown's HTML with an id and a link to itself on every h1 and h2; h2s join `toc`."""
    markdown_html = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", markdown_html)

    def anchor(found):
        level, text = found.group(1), re.sub(r"<[^>]+>", "", found.group(2))
        name = slug(html.unescape(text))
        if level == "2":
            toc.append((name, text))
        return (f'<h{level} id="{name}">{found.group(2)}<a class="anchor" href="#{name}" '
                f'aria-label="link to this section">#</a></h{level}>')
    return re.sub(r"<h([12])[^>]*>(.*?)</h\1>", anchor, markdown_html, flags=re.S)


def notes(text):
    """stderr as notes: a paragraph a line, commands in backticks kept on one line."""
    lines = []
    for line in text.rstrip("\n").splitlines():
        kind = "warning" if line.startswith("warning") else (
            "error" if "error" in line.split(":")[0] else "note")
        body = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(line))
        body = re.sub(r"^(\w[\w ]*:)", r'<span class="label">\1</span>', body)
        lines.append(f'<p class="{kind}">{body}</p>')
    return f'<div class="notes" role="note" tabindex="0">{"".join(lines)}</div>'


def figure(data, kind, title):
    """A picture as a figure: its title as alt text and caption; wide ones scroll on phones."""
    width, height = Image.open(io.BytesIO(base64.b64decode(data))).size
    wide = ' class="wide"' if width > 700 else ""
    return (f'<figure><div class="frame" tabindex="0"><img src="data:{kind};base64,{data}" '
            f'alt="{html.escape(title)}" width="{width}" height="{height}"{wide}></div>'
            f"<figcaption>{html.escape(title)}</figcaption></figure>")


def outputs(cell, titles):
    """A code cell's outputs as HTML: the log, the notes, the pictures (titles consumed)."""
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(f'<pre class="log" tabindex="0" aria-label="training log">'
                         f"{html.escape(output.text.rstrip())}</pre>")
        elif output.output_type == "stream":
            parts.append(notes(output.text))
        elif "image/gif" in data:
            parts.append(figure(data["image/gif"], "image/gif", "The training, animated: the "
                                "neuron's line and its errors (left), the loss bowl with the "
                                "tangent at the current a (right), step by step"))
        elif "image/png" in data:
            parts.append(figure(data["image/png"], "image/png", titles.pop(0)))
        elif output.output_type == "error":
            parts.append(f'<pre class="error">{html.escape(output.ename)}: '
                         f"{html.escape(output.evalue)}</pre>")
    return "".join(parts)


def page(notebook):
    """The executed notebook as one self-contained HTML page."""
    titles, toc, body = list(notebook.metadata["picture_titles"]), [], []
    code_style = HtmlFormatter(style="default").get_style_defs(".highlight")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            prose = markdown2html(cell.source).replace("<pre>", '<pre tabindex="0">')
            body.append(headed(prose, toc))  # a formula too wide scrolls, also by keyboard
            if cell.source.startswith("# "):  # after the title: the contents, on a phone
                body.append("<!--toc-->")
        elif cell.source.strip():
            code = highlight(cell.source, PythonLexer(), HtmlFormatter(nowrap=True))
            body.append(f'<pre class="highlight" tabindex="0">{code}</pre>{outputs(cell, titles)}')
    contents = ('<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>'
                + "".join(f'<li><a href="#{name}">{text}</a></li>' for name, text in toc)
                + f'</ol><p class="downloads">{DOWNLOADS}</p></nav>')
    main = ("".join(body).replace("<!--toc-->", contents, 1)
            + f'<footer><p class="built">{NOTE}</p></footer>')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(TITLE)}</title><style>{STYLE}{code_style}</style></head>"
            f'<body><div class="page">{contents}<main>{main}</main></div></body></html>\n')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(DOCS, "lesson.html"),
                        help="where to write the page (default: docs/lesson.html)")
    args = parser.parse_args(argv)
    write_atomically(NOTEBOOK, jupytext.writes(lesson_notebook(), fmt="ipynb"))
    with tempfile.TemporaryDirectory() as folder:
        text = page(executed_lesson(folder))
    write_atomically(args.out, text)
    print(f"wrote {NOTEBOOK} and {args.out} ({len(text) / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
