"""Build the lesson's notebook and its web page from regression_gd.py.

    python docs/build_page.py [--out docs/lesson.html] [--notebook regression_gd.ipynb]

It turns regression_gd.py into a notebook (jupytext) and writes it, without outputs, as
regression_gd.ipynb beside it, for Jupyter, VS Code or Colab without jupytext. Then it
unpacks the lesson's folder (the lesson, the notebook, the modules the lesson imports, the
requirements and the README) into a temporary folder, runs the notebook there in a fresh
Python kernel (nbclient), and renders the result as one self-contained page: a table of
contents, linkable headings, the prose, the code, the log in its own scrolling box, the
notes, every picture embedded as a figure with its title as caption and alt text, and the
lesson's folder, script and notebook as downloads embedded in the page. It loads nothing
from the network, and two builds on one machine give the same bytes. It needs the test
tools: pip install -r tests/requirements.txt

The page's own words are in TEXTS, one entry per language; `build(lesson, page, language)`
builds one page.
"""

import argparse
import ast
import base64
import glob
import html
import io
import os
import re
import struct
import sys
import tempfile
import zipfile

import jupytext
import nbclient
import numpy as np
from nbconvert.filters import markdown2html
from PIL import Image
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
LESSON = os.path.join(ROOT, "regression_gd.py")
NOTEBOOK = os.path.join(ROOT, "regression_gd.ipynb")
PAGE = os.path.join(DOCS, "lesson.html")
FOLDER = "regression_gd"  # the folder the zip unpacks into
# Beside the lesson and the modules it imports, the zip holds these (if they exist): what
# the README's first steps use, the pages it links to, and the lesson's translations.
EXTRAS = ["requirements.txt", "README.md", "README.es.md", "tests/post_log.txt", "docs/*.md",
          "locale/*/LC_MESSAGES/*.mo"]  # the compiled catalogs, for other languages
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: every build the same bytes
LOG_LINE = re.compile(r"i=\d+: ")  # the training log's lines (the post's format)
LONG_WORD = 24  # characters: a longer word of inline code may break (see whole)

TEXTS = {
    "en": {
        "title": "One neuron learns a line: gradient descent, step by step",
        "note": "This page was built by <code>python docs/build_page.py</code>, which ran the "
                "lesson (<code>regression_gd.py</code>, unchanged) in a fresh Python kernel: "
                "every number, log line and picture on it was computed by that run.",
        "contents": "Contents",
        "download_link": "Downloads",
        "downloads": "Download the lesson: {zip} (unzip it, then run "
                     "<code>python regression_gd.py</code> in the folder, or open the "
                     "notebook in it), or only {py} (the script) or {ipynb} (the notebook), "
                     "which need the modules that the folder holds beside them. "
                     '<a href="leccion.html" hreflang="es" lang="es">Esta lección en '
                     "español</a>.",
        "zip": "the whole folder as a zip",
        "anchor": "link to this section",
        "log": "training log",
        "gif": "The training, animated: the neuron's line and its errors (left), the loss "
               "bowl with the tangent at the current a (right), step by step",
    },
    "es": {
        "title": "Una neurona aprende una recta: el descenso del gradiente, paso a paso",
        "note": "Esta página la ha creado <code>python docs/build_page.py</code>, que ejecutó "
                "la lección (<code>regression_gd_es.py</code>, escrita por "
                "<code>docs/spanish.py</code> a partir de <code>regression_gd.py</code>) en "
                "un núcleo de Python nuevo: cada número, cada línea del registro y cada "
                "gráfica salen de esa ejecución.",
        "contents": "Contenido",
        "download_link": "Descargas",
        "downloads": "Descarga la lección: {zip} (descomprímela y ejecuta "
                     "<code>python regression_gd_es.py</code> en la carpeta, o abre el "
                     "cuaderno que contiene), o solo {py} (el script) o {ipynb} (el "
                     "cuaderno), que necesitan los módulos que la carpeta tiene al lado. "
                     '<a href="lesson.html" hreflang="en" lang="en">This lesson in '
                     "English</a>.",
        "zip": "la carpeta entera en un zip",
        "anchor": "enlace a esta sección",
        "log": "registro del entrenamiento",
        "gif": "El entrenamiento, animado: la recta de la neurona y sus errores (izquierda), "
               "el cuenco de la pérdida con la tangente en el a actual (derecha), paso a paso",
    },
}
STYLE = """
:root { --text: #1f2328; --muted: #57606a; --box: #f6f8fa; --line: #d0d7de; }
* { box-sizing: border-box; }
html { scroll-padding-top: 0.5rem; }
body { margin: 0; color: var(--text); background: #fff;
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.page { max-width: 76rem; margin: 0 auto; padding: 0 1rem;
        display: grid; grid-template-columns: minmax(0, 1fr); gap: 2rem; }
main { min-width: 0; max-width: 50rem; }
nav.toc { font-size: 0.95rem; }
nav.toc ol { padding-left: 2rem; margin: 0.3rem 0; }
nav.toc p { margin: 0.6rem 0; }
nav.toc a, .downloads a { color: #0550ae; }
@media (min-width: 70rem) {
  .page { grid-template-columns: 15rem minmax(0, 50rem); }
  nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh;
            overflow-y: auto; padding-top: 2rem; }
  main > nav.toc { display: none; }
}
@media (max-width: 69.99rem) { .page > nav.toc { display: none; } }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 1.5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 0.6rem; border-top: 1px solid var(--line);
     padding-top: 1.2rem; }
a.anchor { color: var(--muted); text-decoration: none; margin-left: 0.4rem;
           font-weight: normal; }
a.anchor:focus, h2:hover a.anchor, h1:hover a.anchor { text-decoration: underline; }
p code, li code, .notes code { background: var(--box); padding: 0.05rem 0.25rem;
                               border-radius: 4px; font-size: 0.9em; }
code .w { white-space: nowrap; }
pre { margin: 0.6rem 0; padding: 0.7rem 0.9rem; overflow-x: auto; white-space: pre;
      background: var(--box); border: 1px solid var(--line); border-radius: 6px;
      font: 14px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre:focus { outline: 2px solid #0969da; }
pre.formula { white-space: normal; overflow-x: visible; }
pre.formula .line { display: block; padding-left: 2ch; text-indent: -2ch; }
pre.formula .part { white-space: pre; }
.log { background: #fff; border-left: 4px solid #1f6feb; }
.notes { margin: 0.6rem 0; padding: 0.5rem 0.9rem; background: #eef6ff;
         border: 1px solid #b6d4fe; border-radius: 6px; overflow-x: auto; font-size: 0.92rem; }
.notes p { margin: 0.25rem 0; overflow-wrap: normal; word-break: normal; }
.notes .warning { color: #7d4e00; }
.notes .error { color: #a40e26; }
.nowrap { white-space: nowrap; }
.label { font-weight: 600; }
figure { margin: 1rem 0; }
figure .frame { overflow-x: auto; }
figure img { display: block; max-width: 100%; height: auto; }
figure img.wide { min-width: 38rem; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.3rem; }
.built, .downloads { color: var(--muted); font-size: 0.95rem; }
"""


# The lesson's files: the notebook, the folder, the downloads

def lesson_notebook(lesson=LESSON):
    """The lesson as a notebook, with no outputs: each `# %%` cell a notebook cell,
    numbered (so that the same lesson always gives the same file)."""
    notebook = jupytext.read(lesson)
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    # Jupyter, VS Code and Colab open it with Python 3 at once, without asking
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3 (ipykernel)"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def notebook_text(lesson=LESSON):
    """The notebook's file, as text: what regression_gd.ipynb must hold."""
    return jupytext.writes(lesson_notebook(lesson), fmt="ipynb")


def local_imports(path):
    """The modules beside `path` that it imports, and the ones they import, in the order
    they are first imported."""
    folder, found, waiting = os.path.dirname(path), [], [path]
    while waiting:
        with open(waiting.pop(0), encoding="utf-8") as file:
            tree = ast.parse(file.read())
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            for name in names:
                module = os.path.join(folder, f"{name.split('.')[0]}.py")
                if os.path.isfile(module) and module != path and module not in found:
                    found.append(module)
                    waiting.append(module)
    return found


def lesson_files(lesson=LESSON):
    """[(name in the lesson's folder, path)] of the files a learner needs beside the
    notebook: the lesson, the modules it imports, and EXTRAS."""
    folder = os.path.dirname(lesson)
    files = [lesson] + local_imports(lesson)
    for pattern in EXTRAS:
        files += sorted(glob.glob(os.path.join(folder, pattern)))
    return [(os.path.relpath(path, folder).replace(os.sep, "/"), path) for path in files]


def lesson_zip(lesson=LESSON, notebook=None):
    """The lesson's folder as the bytes of a zip file that unpacks into FOLDER/: the same
    bytes for the same files (fixed times and permissions)."""
    notebook = notebook_text(lesson) if notebook is None else notebook
    base = os.path.splitext(os.path.basename(lesson))[0]
    entries = []
    for name, path in lesson_files(lesson):
        with open(path, "rb") as file:
            entries.append((name, file.read()))
    entries.insert(1, (f"{base}.ipynb", notebook.encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            entry = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=ZIP_TIME)
            entry.create_system = 3  # Unix, so that the permissions below are read
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data, compresslevel=9)
    return buffer.getvalue()


def unpack(archive, folder):
    """Unpack a lesson zip into `folder`; return the lesson's folder inside it."""
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        files.extractall(folder)
    return os.path.join(folder, FOLDER)


def downloads(lesson=LESSON, notebook=None):
    """{"zip" | "py" | "ipynb": (file name, data: URL)}: the page's downloads."""
    notebook = notebook_text(lesson) if notebook is None else notebook
    base = os.path.splitext(os.path.basename(lesson))[0]
    with open(lesson, "rb") as file:
        script = file.read()

    def url(kind, data):
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return {"zip": (f"{FOLDER}.zip", url("application/zip", lesson_zip(lesson, notebook))),
            "py": (f"{base}.py", url("text/x-python;charset=utf-8", script)),
            "ipynb": (f"{base}.ipynb", url("application/x-ipynb+json;charset=utf-8",
                                           notebook.encode("utf-8")))}


# Running the lesson

def executed_lesson(folder, lesson=LESSON):
    """The lesson as a notebook, run in a kernel inside `folder`, which holds the unpacked
    lesson folder (as a learner's download would): the pictures go there too."""
    home = unpack(lesson_zip(lesson), folder)
    notebook = lesson_notebook(lesson)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": home}})
    env = {name: value for name, value in os.environ.items()  # Jupyter's own pictures,
           if name not in ("MPLBACKEND", "DISPLAY", "PYTHONPATH")}  # the folder's modules
    client.execute(env=env)
    notebook.metadata["picture_titles"] = picture_titles(notebook, home)
    return notebook


def picture_titles(notebook, folder):
    """The titles of the PNG pictures the run showed, in the order it showed them: each
    read from the metadata of the saved file with the same pixels (in figures/)."""
    saved = []
    for path in sorted(glob.glob(os.path.join(folder, "figures", "*.png"))):
        with Image.open(path) as picture:
            saved.append((np.asarray(picture.convert("RGB")), picture.text.get("Title", "")))
    titles = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}) and "image/gif" not in output["data"]:
                data = base64.b64decode(output["data"]["image/png"])
                shown = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
                titles.append(next((title for pixels, title in saved
                                    if pixels.shape == shown.shape
                                    and np.array_equal(pixels, shown)), ""))
    return titles


def plain_png(data):
    """A PNG without its text and time chunks (matplotlib's version, say): the same
    picture gives the same bytes."""
    chunks, position = [data[:8]], 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if kind not in (b"tEXt", b"zTXt", b"iTXt", b"tIME"):
            chunks.append(data[position:end])
        position = end
    return b"".join(chunks)


# The page

def slug(text):
    """A heading's anchor: its words, lower case, joined by hyphens."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


def headed(markdown_html, toc, words):
    """Markdown's HTML with an id and a link to itself on every h1 and h2; h2s join `toc`."""
    markdown_html = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", markdown_html)

    def anchor(found):
        level, text = found.group(1), re.sub(r"<[^>]+>", "", found.group(2))
        name = slug(html.unescape(text))
        if level == "2":
            toc.append((name, text))
        return (f'<h{level} id="{name}">{found.group(2)}<a class="anchor" href="#{name}" '
                f'aria-label="{words["anchor"]}">#</a></h{level}>')
    return re.sub(r"<h([12])[^>]*>(.*?)</h\1>", anchor, markdown_html, flags=re.S)


def command_words(code):
    """Inline code (escaped HTML, no tags) with its words kept whole: a line may break
    between words, never inside one (not at a hyphen), and a command's option stays with
    its value (`--lr 0.1`), its program with its file (`python regression_gd.py`)."""
    groups = []
    for word in code.split(" "):
        option = re.match(r"--?[A-Za-z]", word)
        if groups and not option and (
                (groups[-1][0].startswith("-") and len(groups[-1]) == 1)
                or (len(groups) == 1 and groups[0][0] in ("python", "python3", "pip"))):
            groups[-1].append(word)
        else:
            groups.append([word])
    return " ".join(whole(" ".join(group)) for group in groups)


def whole(word):
    """A word of inline code that never breaks; a long one (a line of code) only after a
    comma or an opening parenthesis, or before a method's dot, so that it fits a phone."""
    if len(html.unescape(word)) <= LONG_WORD:
        return f'<span class="w">{word}</span>'
    return "<wbr>".join(f'<span class="w">{piece}</span>' for piece in
                        re.split(r"(?<=[,(])|(?=\.\w+\()", word) if piece)


def inline_code(fragment):
    """Every <code> outside a <pre> with its words kept whole (see command_words)."""
    return re.sub(r"(?<!<pre>)<code>([^<]*)</code>",
                  lambda found: f"<code>{command_words(found.group(1))}</code>", fragment)


def formulas(fragment):
    """The prose's indented blocks (its formulas) so that none hides part of itself on a
    narrow screen: two formulas on one line become two lines, and a long one wraps only
    before an `=`, its next lines indented."""
    def block(found):
        lines = []
        for line in found.group(1).split("\n"):
            for formula in re.split(r"(?<=\S) {4,}(?=\S)", line):
                parts = re.split(r" (?==)", formula)
                lines.append('<span class="line">' + " ".join(
                    f'<span class="part">{part}</span>' for part in parts) + "</span>")
        return f'<pre class="formula" tabindex="0">{"".join(lines)}</pre>'
    return re.sub(r"<pre><code>(.*?)</code></pre>", block, fragment, flags=re.S)


def prose(cell, toc, words):
    """A markdown cell as the page's HTML."""
    return headed(inline_code(formulas(markdown2html(cell.source))), toc, words)


def code_block(cell):
    """A code cell's code as the page's HTML, highlighted."""
    code = highlight(cell.source, PythonLexer(), HtmlFormatter(nowrap=True))
    return f'<pre class="highlight" tabindex="0">{code}</pre>'


def notes(text):
    """Lines of notes: a paragraph a line, commands in backticks kept whole."""
    lines = []
    for line in text.rstrip("\n").splitlines():
        kind = "warning" if line.startswith("warning") else (
            "error" if "error" in line.split(":")[0] else "note")
        body = re.sub(r"`([^`]+)`", lambda found: f"<code>{command_words(found.group(1))}"
                      "</code>", html.escape(line, quote=False))
        body = re.sub(r"^(\w[\w ]*:)", r'<span class="label">\1</span>', body)
        lines.append(f'<p class="{kind}">{body}</p>')
    return f'<div class="notes" role="note" tabindex="0">{"".join(lines)}</div>'


def log(lines, words):
    return (f'<pre class="log" tabindex="0" aria-label="{words["log"]}">'
            f'{html.escape(chr(10).join(lines))}</pre>')


def printed(text, words):
    """What a cell printed: the training log's lines in log boxes, the rest as notes."""
    parts, run = [], []
    for line in text.rstrip("\n").splitlines():
        if run and bool(LOG_LINE.match(line)) != bool(LOG_LINE.match(run[0])):
            parts.append(log(run, words) if LOG_LINE.match(run[0]) else notes("\n".join(run)))
            run = []
        run.append(line)
    if run:
        parts.append(log(run, words) if LOG_LINE.match(run[0]) else notes("\n".join(run)))
    return "".join(parts)


def figure(data, kind, title):
    """A picture as a figure: its title as alt text and caption; wide ones scroll on phones."""
    raw = base64.b64decode(data)
    if kind == "image/png":
        raw = plain_png(raw)
    width, height = Image.open(io.BytesIO(raw)).size
    wide = ' class="wide"' if width > 700 else ""
    return (f'<figure><div class="frame" tabindex="0"><img src="data:{kind};base64,'
            f'{base64.b64encode(raw).decode("ascii")}" alt="{html.escape(title)}" '
            f'width="{width}" height="{height}"{wide}></div>'
            f"<figcaption>{html.escape(title)}</figcaption></figure>")


def outputs(cell, titles, words):
    """A code cell's outputs as HTML: the log, the notes, results, the pictures (titles
    consumed)."""
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(printed(output.text, words))
        elif output.output_type == "stream":
            parts.append(notes(output.text))
        elif "image/gif" in data:
            parts.append(figure(data["image/gif"], "image/gif", words["gif"]))
        elif "image/png" in data:
            parts.append(figure(data["image/png"], "image/png", titles.pop(0)))
        elif "text/plain" in data:
            parts.append(f'<pre class="result" tabindex="0">'
                         f'{html.escape(data["text/plain"])}</pre>')
        elif output.output_type == "error":
            parts.append(f'<pre class="error">{html.escape(output.ename)}: '
                         f"{html.escape(output.evalue)}</pre>")
    return "".join(parts)


def page(notebook, files, language="en"):
    """The executed notebook as one self-contained HTML page, with `files` (downloads())
    embedded as its downloads."""
    words = TEXTS[language]
    titles, toc, body = list(notebook.metadata["picture_titles"]), [], []
    code_style = HtmlFormatter(style="default").get_style_defs(".highlight")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            body.append(prose(cell, toc, words))
            if cell.source.startswith("# "):  # after the title: the contents, on a phone
                body.append("<!--toc-->")
        elif cell.source.strip():
            body.append(code_block(cell) + outputs(cell, titles, words))
    links = {kind: f'<a href="{url}" download="{name}">{words.get(kind, name)}</a>'
             for kind, (name, url) in files.items()}
    contents = (f'<nav class="toc" aria-label="{words["contents"]}">'
                f'<strong>{words["contents"]}</strong><ol>'
                + "".join(f'<li><a href="#{name}">{text}</a></li>' for name, text in toc)
                + "</ol><!--link--></nav>")
    download = f'<p class="downloads" id="downloads">{words["downloads"].format(**links)}</p>'
    beside = contents.replace(
        "<!--link-->", f'<p><a href="#downloads">{words["download_link"]}</a></p>')
    # on a phone the contents come just before the downloads, so they need no link to them
    main = inline_code("".join(body).replace("<!--toc-->", contents.replace("<!--link-->", "")
                       + download, 1)
                       + f'<footer><p class="built">{words["note"]}</p></footer>')
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(words["title"])}</title>'
            f"<style>{STYLE}{code_style}</style></head>"
            f'<body><div class="page">{beside}<main>{main}</main></div></body></html>\n')


def write_atomically(path, text):
    """Write a file under a temporary name, then rename it into place."""
    temporary = f"{path}.{os.getpid()}.part"
    with open(temporary, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
    os.replace(temporary, path)


def build(lesson=LESSON, page_path=PAGE, language="en", notebook_path=None):
    """Write the lesson's notebook (beside the lesson, or at notebook_path) and its page in
    `language`; return the page's size in bytes."""
    if notebook_path is None:
        notebook_path = os.path.splitext(lesson)[0] + ".ipynb"
    text = notebook_text(lesson)
    write_atomically(notebook_path, text)
    with tempfile.TemporaryDirectory() as folder:
        html_page = page(executed_lesson(folder, lesson), downloads(lesson, text), language)
    write_atomically(page_path, html_page)
    return len(html_page.encode("utf-8"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=PAGE,
                        help="where to write the page (default: docs/lesson.html)")
    parser.add_argument("--notebook", default=NOTEBOOK,
                        help="where to write the notebook (default: regression_gd.ipynb)")
    args = parser.parse_args(argv)
    size = build(LESSON, args.out, "en", args.notebook)
    print(f"wrote {args.notebook} and {args.out} ({size / 1e6:.2f} MB)", file=sys.stderr)
    import spanish  # the Spanish lesson, its notebook and catalogs (docs/spanish.py), its page
    spanish.build()
    size = build(spanish.SPANISH_LESSON, spanish.SPANISH_PAGE, "es", spanish.SPANISH_NOTEBOOK)
    print(f"wrote {spanish.SPANISH_NOTEBOOK} and {spanish.SPANISH_PAGE} ({size / 1e6:.2f} MB)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
