"""The lesson's web pages, docs/lesson.html and docs/leccion.html (built by docs/build.py).

`build(language)` copies the notebook alone into an empty folder, runs it there in a fresh
kernel (it writes its own helper modules, as in Colab), and shows the result as one
self-contained page: a table of contents, the prose, the code, the log and the notes, each
picture with its caption (from pictures.PICTURES), the live figure (docs/live.js), and the
lesson's folder as a zip and the notebook as downloads. It loads nothing from the network.
"""

import base64
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import nbclient
import nbformat
from nbconvert.filters import markdown2html
from PIL import Image
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: every build the same bytes
LOG_LINE = re.compile(r"i=\d+: ")  # the training log's lines (the post's format)
LESSONS = {  # language: the lesson, the page, the zip's files beside the lesson and notebook
    "en": ("regression_gd", "lesson.html",
           ["program.py", "pictures.py", "data.py", "exercises.py", "requirements.txt",
            "README.md",
            "tests/post_log.txt", "docs/options.md", "docs/nothing_lost.md", "docs/files.md",
            "docs/explorer.md", "docs/speed.md", "docs/loss_curve.png", "docs/training.gif"]),
    "es": ("regression_gd_es", "leccion.html",
           ["program.py", "pictures.py", "data.py", "exercises.py", "requirements.txt",
            "README.es.md",
            "tests/post_log.txt", "locale/es/LC_MESSAGES/program.mo", "docs/loss_curve.png",
            "docs/training.gif"]),
}
WORDS = {
    "en": {"title": "One neuron learns a line: gradient descent, step by step",
           "contents": "Contents", "log": "training log",
           "downloads": "Download the lesson: {zip} (unzip it, then run "
                        "<code>python regression_gd.py</code> in the folder), or only {ipynb}, "
                        "which runs alone, as in Colab. "
                        '<a href="leccion.html" hreflang="es" lang="es">Esta lección en '
                        "español</a>.",
           "zip": "the whole folder as a zip", "ipynb": "the notebook",
           "built": "This page was built by <code>python docs/build.py</code>, which ran the "
                    "notebook alone in a fresh Python kernel: every number, log line and "
                    "picture on it comes from that run.",
           "gif": "the training, animated"},
    "es": {"title": "Una neurona aprende una recta: el descenso del gradiente paso a paso",
           "contents": "Contenido", "log": "registro del entrenamiento",
           "downloads": "Descarga la lección: {zip} (descomprímela y ejecuta "
                        "<code>python regression_gd_es.py</code> en la carpeta) o solo "
                        "{ipynb}, que funciona por sí solo, incluso en Colab. "
                        '<a href="lesson.html" hreflang="en">Versión en inglés</a>.',
           "zip": "la carpeta entera en un zip", "ipynb": "el cuaderno",
           "built": "Esta página la ha creado <code>python docs/build.py</code>, que ejecutó "
                    "el cuaderno de principio a fin, por sí solo, en un núcleo de Python "
                    "nuevo: cada número, cada línea del registro y cada gráfica salen de esa "
                    "ejecución.",
           "gif": "la animación del entrenamiento",
           "live": {  # the live figure's words (docs/live.js has the English ones)
               "weight": "peso a", "loss": "pérdida", "gradient": "gradiente",
               "rate": "tasa de aprendizaje", "step": "un paso", "steps": "10 pasos",
               "reset": "reiniciar",
               "log": "Registro del entrenamiento, tal como lo imprime la lección (error: la "
                      "pérdida tras el paso i; gradiente: el gradiente que usó ese paso; a: el "
                      "nuevo valor de a)",
               "points": "Los puntos (azul), la recta de la neurona z = a·x (negro) y el "
                         "error de cada punto (rojo).",
               "bowl": "La pérdida para cada valor del peso a: un cuenco. El punto marca el "
                       "valor actual de a; la pendiente de su tangente (naranja) es el "
                       "gradiente.",
               "diverged": "El entrenamiento ha divergido en el paso {step}: la pérdida {why}.",
               "grew": "ya es más de 1000 veces la inicial",
               "overflowed": "se ha desbordado (infinito)",
               "again": "Pulsa «reiniciar» o mueve el peso a para empezar de nuevo."}},
}
LIVE_DATA = ("import json\nprint(json.dumps({'x': x.tolist(), 'z': z.tolist(), 'a': a, "
             "'lr': lr}))")  # a cell run after the lesson: its own points, start and rate
STYLE = """
:root { --text: #1f2328; --muted: #57606a; --box: #f6f8fa; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--text); background: #fff;
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.page { max-width: 76rem; margin: 0 auto; padding: 0 1rem; display: grid;
        grid-template-columns: minmax(0, 1fr); gap: 2rem; }
main { min-width: 0; max-width: 50rem; }
nav.toc ol { padding-left: 2rem; margin: 0.3rem 0; }
nav.toc a, .downloads a { color: #0550ae; }
@media (min-width: 70rem) {
  .page { grid-template-columns: 15rem minmax(0, 50rem); }
  nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
            padding-top: 2rem; }
}
h1 { font-size: 1.9rem; line-height: 1.25; margin: 1.5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 0.6rem; border-top: 1px solid var(--line);
     padding-top: 1.2rem; }
p code, li code, .notes code { background: var(--box); padding: 0.05rem 0.25rem;
                               border-radius: 4px; font-size: 0.9em; overflow-wrap: anywhere; }
pre { margin: 0.6rem 0; padding: 0.7rem 0.9rem; overflow-x: auto; white-space: pre-wrap;
      overflow-wrap: anywhere; background: var(--box); border: 1px solid var(--line);
      border-radius: 6px; font: 14px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
pre:focus { outline: 2px solid #0969da; }
.log { background: #fff; border-left: 4px solid #1f6feb; white-space: pre; }
.notes { margin: 0.6rem 0; padding: 0.5rem 0.9rem; background: #eef6ff;
         border: 1px solid #b6d4fe; border-radius: 6px; font-size: 0.92rem; }
.notes p { margin: 0.25rem 0; }
details { margin: 0.8rem 0; padding: 0.4rem 0.9rem; border: 1px solid var(--line);
          border-radius: 6px; background: #fffdf5; }
summary { cursor: pointer; font-weight: 600; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption, .built, .downloads { color: var(--muted); font-size: 0.92rem; }
.nowrap { white-space: nowrap; }
"""


# The lesson's files: the zip and the notebook

def zipped_readme(text, names):
    """A README for the zip: each link to a file the zip does not hold becomes its words,
    with "(in the repository)"; a picture it does not hold goes."""
    def link(found):
        image, words, target = found.groups()
        if re.match(r"[a-z]+:|#", target) or target in names:
            return found[0]
        return "" if image else f"{words} ({os.path.basename(target)}, in the repository)"
    return re.sub(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)", link, text)


def lesson_zip(language):
    """The lesson's folder as the bytes of a zip that unpacks into its own folder: the same
    bytes for the same files."""
    base, _page, extras = LESSONS[language]
    names = [f"{base}.py", f"{base}.ipynb", *extras]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            with open(os.path.join(ROOT, name), "rb") as file:
                data = file.read()
            if name.startswith("README"):
                data = zipped_readme(data.decode(), names).encode()
            entry = zipfile.ZipInfo(f"{base}/{name}", date_time=ZIP_TIME)
            entry.external_attr, entry.compress_type = 0o644 << 16, zipfile.ZIP_DEFLATED
            archive.writestr(entry, data, compresslevel=9)
    return buffer.getvalue()


def run_alone(language, folder):
    """The lesson's notebook, run alone in `folder` in a fresh kernel."""
    base = LESSONS[language][0]
    shutil.copy(os.path.join(ROOT, f"{base}.ipynb"), folder)
    notebook = nbformat.read(os.path.join(folder, f"{base}.ipynb"), as_version=4)
    env = {name: value for name, value in os.environ.items()
           if name not in ("MPLBACKEND", "DISPLAY", "PYTHONPATH")}
    notebook.cells.append(nbformat.v4.new_code_cell(LIVE_DATA, metadata={"tags": ["live"]}))
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": folder}}).execute(env=env)
    return notebook


# The page

def slug(text):
    """A heading's anchor: its words, lower case, joined by hyphens."""
    return re.sub(r"[^\w]+", "-", html.unescape(re.sub(r"<[^>]+>", "", text)).lower()).strip("-")


def prose(source, toc):
    """A markdown cell as HTML: headings get ids, and the h2s join the contents."""
    def heading(found):
        level, text = found.groups()
        if level == "2":
            toc.append((slug(text), text))
        return f'<h{level} id="{slug(text)}">{text}</h{level}>'
    converted = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", markdown2html(source))
    converted = re.sub(r"<h([12])[^>]*>(.*?)</h\1>", heading, converted, flags=re.S)
    converted = re.sub(r"\(0, 0\)", '<span class="nowrap">(0, 0)</span>', converted)
    return re.sub(r"(?<!<pre>)<code>([^<]*)</code>", lambda found: "<code>" + " ".join(
        f'<span class="nowrap">{word}</span>' if len(word) <= 24 else word
        for word in found[1].split(" ")) + "</code>", converted)  # no break at a hyphen


def printed(text, words):
    """What a cell printed: the training log's lines in a log box, the rest as notes."""
    parts = []
    for is_log, run in grouped(text.rstrip("\n").splitlines()):
        if is_log:
            parts.append(f'<pre class="log" tabindex="0" aria-label="{words["log"]}">'
                         f'{html.escape(chr(10).join(run))}</pre>')
        else:
            lines = [re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(line)) for line in run]
            parts.append('<div class="notes" role="note"><p>' + "</p><p>".join(lines)
                         + "</p></div>")
    return "".join(parts)


def grouped(lines):
    """[(whether log lines, consecutive lines of that kind)]."""
    groups = []
    for line in lines:
        is_log = bool(LOG_LINE.match(line))
        if groups and groups[-1][0] == is_log:
            groups[-1][1].append(line)
        else:
            groups.append((is_log, [line]))
    return groups


def smaller(png):
    """A PNG (base64) with its colours in a palette: a third of the bytes, the same look."""
    picture = Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")
    buffer = io.BytesIO()
    picture.quantize(256, method=Image.Quantize.MEDIANCUT).save(buffer, "png", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figure(data, kind, alt, caption, phone=None):
    """A picture, embedded, with its alt text and caption; on a narrow screen, its version
    drawn for a phone (`phone`, where there is one)."""
    data, phone = (smaller(data), phone and smaller(phone)) if kind == "image/png" else (
        data.strip(), phone)
    source = (f'<source media="(max-width: 40rem)" srcset="data:{kind};base64,{phone}">'
              if phone else "")
    return (f'<figure><picture>{source}<img src="data:{kind};base64,{data}" '
            f'alt="{html.escape(alt)}"></picture>'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def phone_pictures(language, folder):
    """{name: base64} of the lesson's pictures drawn for a phone (--narrow), the GIF in
    60 frames: the page stays within 2 MB."""
    subprocess.run([sys.executable, os.path.join(ROOT, f"{LESSONS[language][0]}.py"),
                    "--narrow", "--frames", "60", "--out", folder], check=True,
                   capture_output=True, env={**os.environ, "MPLBACKEND": "agg"})
    return {name: base64.b64encode(open(os.path.join(folder, name), "rb").read()).decode()
            for name in os.listdir(folder) if name.endswith((".png", ".gif"))}


def outputs(cell, words, captions, phone):
    """A code cell's outputs as HTML; the guess's picture becomes the live figure."""
    parts = []
    for output in cell.get("outputs", []):
        data, meta = output.get("data", {}), output.get("metadata", {})
        name = meta.get("picture", {}).get("name", "")
        if output.output_type == "stream":
            parts.append(printed(output.text, words))
        elif "image/gif" in data:
            parts.append(figure(data["image/gif"], "image/gif", words["gif"], words["gif"],
                                phone.get("training.gif")))
        elif "image/png" in data and not name:
            parts.append("<!--live-->")
        elif "image/png" in data:
            title = meta.get("picture", {}).get("title", "")
            parts.append(figure(data["image/png"], "image/png", title or name,
                                f"{name}: {captions.get(name, title)}", phone.get(name)))
        elif "text/plain" in data:
            parts.append(f'<pre tabindex="0">{html.escape(data["text/plain"])}</pre>')
        elif output.output_type == "error":
            parts.append(f'<pre class="notes">{html.escape(output.evalue)}</pre>')
    return "".join(parts)


def live_figure(data, language):
    """The live figure (docs/live.js, inline) on `data`, {"x", "z", "a", "lr"}: the lesson's
    own points, start and rate, in the page's language."""
    data = {**data, "language": language, "words": WORDS[language].get("live", {})}
    with open(os.path.join(DOCS, "live.js"), encoding="utf-8") as file:
        script = file.read()
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")  # stays in its script
    return ('<div class="live" id="live-figure"></div><script type="application/json" '
            f'id="live-data">{payload}</script><script>{script}</script>')


def page(notebook, language, captions, phone):
    """The run notebook as one self-contained HTML page with its downloads; `phone`: the
    pictures drawn for a phone."""
    words, (base, _name, _extras) = WORDS[language], LESSONS[language]
    toc, body = [], []
    *cells, data_cell = notebook.cells
    for cell in cells:
        if "bootstrap" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            body.append(prose(cell.source, toc))
        elif cell.source.strip():
            code = highlight(cell.source, PythonLexer(), HtmlFormatter(nowrap=True))
            body.append(f'<pre class="highlight" tabindex="0">{code}</pre>'
                        + outputs(cell, words, captions, phone))
    with open(os.path.join(ROOT, f"{base}.ipynb"), "rb") as file:
        notebook_file = file.read()
    links = {"zip": (f"{base}.zip", "application/zip", lesson_zip(language)),
             "ipynb": (f"{base}.ipynb", "application/x-ipynb+json", notebook_file)}
    anchors = {kind: f'<a href="data:{mime};base64,{base64.b64encode(data).decode()}" '
                     f'download="{name}">{words[kind]}</a>'
               for kind, (name, mime, data) in links.items()}
    contents = (f'<nav class="toc" aria-label="{words["contents"]}"><strong>'
                f'{words["contents"]}</strong><ol>' + "".join(
                    f'<li><a href="#{name}">{text}</a></li>' for name, text in toc)
                + "</ol></nav>")
    first = body[0] + f'<p class="downloads">{words["downloads"].format(**anchors)}</p>'
    body = [part.replace("<!--live-->", live_figure(json.loads(data_cell.outputs[0].text),
                                                                language)) for part in body]
    style = STYLE + HtmlFormatter().get_style_defs(".highlight")
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(words['title'])}</title><style>{style}</style></head>"
            f'<body><div class="page">{contents}<main>{first}{"".join(body[1:])}'
            f'<footer><p class="built">{words["built"]}</p></footer></main></div>'
            "</body></html>\n")


def build(language):
    """Run the notebook alone and write its page; (the page's path, its size in bytes)."""
    sys.path.insert(0, ROOT)
    import pictures
    import program
    program.speak(language)
    captions = {name: program._(caption) for name, caption in pictures.PICTURES.items()}
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as narrow:
        text = page(run_alone(language, folder), language, captions,
                    phone_pictures(language, narrow))
    path = os.path.join(DOCS, LESSONS[language][1])
    with open(f"{path}.part", "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
    os.replace(f"{path}.part", path)
    return path, len(text.encode())


if __name__ == "__main__":
    print(json.dumps([build(language) for language in sys.argv[1:] or ("en", "es")]))
