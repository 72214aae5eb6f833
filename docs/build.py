"""Build everything generated from the lesson, in one command:

    python docs/build.py

1. The catalogs (locale/es/LC_MESSAGES): lesson.po gets the lesson's new English texts
   (its prose paragraphs, comments, docstrings and notes) and program.po the helpers' new
   words; new entries go at the end, empty, so that no other entry moves; texts gone are
   dropped. program.po is compiled to program.mo (the lesson's Spanish is written into
   regression_gd_es.py itself).
2. The Spanish lesson, regression_gd_es.py: the English lesson with each text replaced by
   its Spanish and LANGUAGE = "es"; its prose re-wrapped, so that re-wrapping the English
   changes nothing (a message id is a whole paragraph, its lines joined).
3. The picture tables of README.md and README.es.md, from the pictures' registry and the
   Spanish catalog: a new picture gets its row.
4. Both notebooks, without outputs, each opening with a collapsed `bootstrap` cell that
   writes the helper modules (and the Spanish catalog) beside the kernel when they are
   missing, so that a notebook runs alone, as in Colab.
5. The pictures in docs/ (a default run), and the two pages, docs/lesson.html and
   docs/leccion.html: each notebook run in a fresh kernel and shown as one self-contained
   page, with the lesson's folder as a zip and the notebook as downloads.
6. docs/sources.txt: the digest of every file these come from; a test compares it with
   the files as they are, and names this command when one has changed.

Two builds of the same files give the same bytes, but for the pictures. It needs the test
tools: pip install -r tests/requirements.txt
"""

import ast
import base64
import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import zlib

from babel.messages import pofile
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
LESSON = os.path.join(ROOT, "regression_gd.py")
SPANISH = os.path.join(ROOT, "regression_gd_es.py")
CATALOGS = os.path.join(ROOT, "locale", "es", "LC_MESSAGES")
HELPERS = ["program.py", "pictures.py", "data.py", "exercises.py"]  # beside the lesson
NOTED = ("note",)  # the lesson's calls whose strings are its notes
WIDTH = 88  # the lesson's lines fit the page's code column
FIXED = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)  # the catalogs' dates: no build's
ARGPARSE = ["usage: ", "options", "show this help message and exit",
            "argument %(argument_name)s: %(message)s", "expected one argument",
            "unrecognized arguments: %s", "ambiguous option: %(option)s could match %(matches)s",
            "invalid choice: %(value)r (choose from %(choices)s)",
            "the following arguments are required: %s", "%(prog)s: error: %(message)s\n",
            "ignored explicit argument %r"]  # argparse's own words a run can show


# The English texts: the catalogs' message ids

def cells(source):
    """The lesson's cells: [(number of the `# %%` line, "markdown" or "code", lines)]."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith("# %%"):
            found.append((number, "markdown" if "[markdown]" in line else "code", []))
        elif found:
            found[-1][2].append(line)
    return found


def blocks(text):
    """A markdown text's blocks, each one message id: a paragraph's lines joined; a list's
    items each joined, one a line; an indented block (a formula) as it is."""
    found = []
    text = re.sub(r"\n(?=<details>)|(?<=\n)(?=</details>)", "\n\n", text)  # their own blocks
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        if all(line.startswith(">") for line in lines):  # a quote: its own blocks, marked
            inner = "\n".join(line[2:] if line.startswith("> ") else "" for line in lines)
            found += ["> " + part for part in blocks(inner)]
        elif all(line.startswith("    ") for line in lines) or block.startswith("#"):
            found.append(block)
        elif re.match(r"(- |\d+\. )", block):
            items = re.split(r"\n(?=- |\d+\. )", block)
            found.append("\n".join(" ".join(part.strip() for part in item.split("\n"))
                                   for item in items))
        else:
            found.append(" ".join(line.strip() for line in lines))
    return found


def markdown_text(lines):
    """A markdown cell's text: its comment lines without their `# `."""
    return "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in lines
                     if line.startswith("#"))


def comments(source):
    """The comments of the lesson's code cells: [(line, column, text without `# `)]."""
    import tokenize
    prose = {number + offset for number, kind, lines in cells(source) if kind == "markdown"
             for offset in range(len(lines) + 1)}
    return [(token.start[0], token.start[1], token.string[1:].strip())
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT and token.start[0] not in prose
            and not token.string.startswith("# %%") and "noqa" not in token.string]


def docstrings(tree):
    """[(the docstring's node, its text as one paragraph)] of the lesson's functions and
    classes."""
    return [(node.body[0].value, " ".join(ast.get_docstring(node).split()))
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)
            and ast.get_docstring(node)]


def notes(source, tree):
    """[(the string's node, its text, whether an f-string)] of the lesson's notes."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in NOTED
                and node.args and isinstance(node.args[0], ast.JoinedStr | ast.Constant)):
            segment = ast.get_source_segment(source, node.args[0])
            parts = re.findall(r'(f?)"((?:[^"\\]|\\.)*)"', segment)
            found.append((node.args[0], "".join(text for _f, text in parts),
                          any(prefix for prefix, _text in parts)))
    return found


def lesson_texts(source):
    """The lesson's texts, in the file's order, each once: prose blocks, comments,
    docstrings and notes."""
    tree = ast.parse(source)
    found = [(number, text) for number, kind, lines in cells(source) if kind == "markdown"
             for text in blocks(markdown_text(lines))]
    found += [(line, text) for line, _column, text in comments(source)]
    found += [(node.lineno, text) for node, text in docstrings(tree)]
    found += [(node.lineno, text) for node, text, _f in notes(source, tree)]
    return list(dict.fromkeys(text for _line, text in sorted(found, key=lambda item: item[0])
                              if re.search(r"[A-Za-z]{2}", text)))


def helper_texts():
    """The helpers' words: every `_("...")`, `N_("...")` and picture caption, and
    argparse's own words."""
    found = []
    for name in HELPERS:
        with open(os.path.join(ROOT, name), encoding="utf-8") as file:
            tree = ast.parse(file.read())
        for node in ast.walk(tree):
            called = getattr(node, "func", None)
            name_called = getattr(called, "id", None) or getattr(called, "attr", None)
            if isinstance(node, ast.Call) and name_called in ("_", "N_", "picture"):
                argument = node.args[0 if name_called in ("_", "N_") else 1]
                found += [(part.lineno, part.col_offset, part.value)
                          for part in ast.walk(argument)
                          if isinstance(part, ast.Constant) and isinstance(part.value, str)]
    texts = [text for *_where, text in sorted(found)]
    return list(dict.fromkeys(texts + ARGPARSE))


# The catalogs

def read_catalog(path):
    """The .po file at `path` as a babel Catalog (an empty one if there is none yet)."""
    if not os.path.exists(path):
        return Catalog(locale="es")
    with open(path, "rb") as file:
        return pofile.read_po(file)


def updated_catalog(path, domain, english):
    """The .po file's text with the message ids `english`: the ones it has keep their
    place and Spanish, new ones are added at the end, empty, and the ones gone dropped."""
    old = read_catalog(path)
    header = old.header_comment if old.header_comment.startswith("# Spanish") else (
        "# Spanish translation of the lesson regression_gd.py.")
    catalog = Catalog(locale="es", domain=domain, project="regression_gd", version="1",
                      header_comment=header, creation_date=FIXED, revision_date=FIXED,
                      last_translator="the lesson's authors", language_team="Spanish",
                      fuzzy=False)
    wanted = set(english)
    for message in old:
        if message.id and message.id in wanted:
            catalog.add(message.id, message.string, flags=message.flags)
    for text in english:
        if text not in catalog:
            catalog.add(text, "")
    buffer = io.BytesIO()
    pofile.write_po(buffer, catalog, width=88, no_location=True, omit_header=False)
    return buffer.getvalue()


def compiled(po_bytes):
    """The .mo file of a .po file's bytes (untranslated and fuzzy entries left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, pofile.read_po(io.BytesIO(po_bytes)), use_fuzzy=False)
    return buffer.getvalue()


# The Spanish lesson

def translations(po_bytes):
    """{English: Spanish} of a catalog's translated entries."""
    return {message.id: message.string for message in pofile.read_po(io.BytesIO(po_bytes))
            if message.id and message.string and not message.fuzzy}


def wrapped_block(text, width):
    """A markdown block, re-wrapped to `width`: paragraphs filled, list items hanging, a
    quote's lines marked."""
    if text.startswith("> "):
        return "\n".join(f"> {line}" for line in wrapped_block(text[2:], width - 2).split("\n"))
    if text.startswith(("#", "    ")) or "\n" not in text and len(text) <= width:
        return text
    lines = []
    for item in text.split("\n"):
        marker = re.match(r"(- |\d+\. )", item)
        indent = " " * len(marker.group(0)) if marker else ""
        lines += textwrap.wrap(kept_whole(item), width, subsequent_indent=indent,
                               break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines).replace("\0", " ")


def kept_whole(text):
    """`text` with the spaces that must not break a line marked \\0: in `code`, in 6 %, and
    before what markdown would read at a line's start (+ - * > # or 1. then a space)."""
    text = re.sub(r"`[^`]*`", lambda code: code[0].replace(" ", "\0"), text)
    return re.sub(r"(\d) %| ([-+*>#]|\d+\.)(?= )", lambda found: (
        f"{found[1]}\0%" if found[1] else f"\0{found[2]}"), text)


def markdown(blocks_of_a_cell):
    """A cell's markdown from its blocks, each re-wrapped; a quote's blocks joined by `>`,
    and a fold's first and last lines (<details>, </details>) without a blank line."""
    text = ""
    for block in blocks_of_a_cell:
        wrapped = wrapped_block(block, WIDTH - 2)
        quoted = block.startswith("> ") and text.rsplit("\n", 1)[-1].startswith(">")
        tight = block.startswith(("<details>", "</details>"))  # no blank line before these
        text += ("\n>\n" if quoted else "\n" if tight else "\n\n" if text else "") + wrapped
    return text


def string_lines(text, is_f, first, width):
    """A note's text as Python string literals, one a line, each line at most `width` long
    with the indent `first`; a line breaks only at a space outside {fields}."""
    words, depth = [""], 0
    for character in text:
        words[-1] += character
        depth += {"{": 1, "}": -1}.get(character, 0)
        if character == " " and depth == 0:
            words.append("")
    pieces = [""]
    for word in words:
        if pieces[-1] and first + len(pieces[-1] + word) + 4 > width:
            pieces.append("")
        pieces[-1] += word
    prefix = "f" if is_f else ""
    return f"\n{' ' * first}".join(f'{prefix}"{piece}"' for piece in pieces if piece)


def spanish_source(source, spanish):
    """The Spanish lesson: `source` with its texts replaced by their translations in
    `spanish` ({English: Spanish}; a text without one stays English, and a test fails)."""
    def to(text):
        return spanish.get(text, text)
    lines, tree, edits = source.splitlines(), ast.parse(source), []

    def column(line, offset):  # ast counts UTF-8 bytes; str, characters
        return len(lines[line - 1].encode()[:offset].decode())
    for number, kind, cell_lines in cells(source):
        if kind == "markdown" and cell_lines:
            text = markdown(to(block) for block in blocks(markdown_text(cell_lines)))
            body = [f"# {line}" if line else "#" for line in text.split("\n")]
            last = number + max(index for index, line in enumerate(cell_lines, 1)
                                if line.startswith("#"))
            edits.append((number + 1, 0, last, len(lines[last - 1]), "\n".join(body)))
    for line, start, text in comments(source):
        edits.append((line, start, line, len(lines[line - 1]), f"# {to(text)}"))
    for node, text in docstrings(tree):
        indent = " " * node.col_offset
        body = textwrap.fill(kept_whole(to(text)), WIDTH - node.col_offset,
                             initial_indent=indent + '"""', subsequent_indent=indent,
                             break_long_words=False).replace("\0", " ")
        edits.append((node.lineno, column(node.lineno, node.col_offset), node.end_lineno,
                      column(node.end_lineno, node.end_col_offset), body.lstrip() + '"""'))
    for node, text, is_f in notes(source, tree):
        start = column(node.lineno, node.col_offset)
        edits.append((node.lineno, start, node.end_lineno,
                      column(node.end_lineno, node.end_col_offset),
                      string_lines(to(text), is_f, start, 100)))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LANGUAGE":
            edits.append((node.lineno, column(node.lineno, node.value.col_offset), node.lineno,
                          column(node.lineno, node.value.end_col_offset), '"es"'))
    for line, start, end_line, end, new in sorted(edits, reverse=True):
        text = lines[line - 1][:start] + new + lines[end_line - 1][end:]
        lines[line - 1:end_line] = text.split("\n")
    return "\n".join(lines) + "\n"


# The notebooks

def bootstrap_cell(catalog):
    """The notebook's first cell: it writes the helper modules (and the Spanish `catalog`,
    the .mo file's bytes, or None) beside the kernel where they are missing; collapsed in
    JupyterLab and Colab."""
    files, language = {}, "es" if catalog else "en"
    for name in HELPERS:
        with open(os.path.join(ROOT, name), "rb") as file:
            files[name] = base64.b64encode(zlib.compress(file.read(), 9)).decode("ascii")
    if catalog:
        files["locale/es/LC_MESSAGES/program.mo"] = base64.b64encode(
            zlib.compress(catalog, 9)).decode("ascii")
    title = {"en": "The lesson's helper modules: written beside this notebook where missing",
             "es": "Los módulos auxiliares de la lección: se escriben junto a este cuaderno "
                   "si faltan"}[language]
    source = (f"# @title {title}\n"
              "import base64, os, sys, zlib  # noqa: E401\n"
              f"FILES = {json.dumps(files, indent=0)}\n"
              "for name, data in FILES.items():\n"
              "    if not os.path.exists(name):\n"
              "        os.makedirs(os.path.dirname(name) or '.', exist_ok=True)\n"
              "        with open(name, 'wb') as file:\n"
              "            file.write(zlib.decompress(base64.b64decode(data)))\n"
              "if os.getcwd() not in sys.path:\n"
              "    sys.path.insert(0, os.getcwd())")
    return {"cell_type": "code", "execution_count": None, "id": "bootstrap", "outputs": [],
            "source": source, "metadata": {"tags": ["bootstrap"], "cellView": "form",
                                           "jupyter": {"source_hidden": True}}}


def notebook_text(source, catalog=None):
    """The lesson as a notebook without outputs: its bootstrap cell (see bootstrap_cell),
    then a cell for each `# %%` cell, numbered (the same lesson gives the same file)."""
    import jupytext
    notebook = jupytext.reads(source, fmt="py:percent")
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    notebook.metadata = {"kernelspec": {"name": "python3", "language": "python",
                                        "display_name": "Python 3 (ipykernel)"},
                         "language_info": {"name": "python"}}
    text = json.loads(jupytext.writes(notebook, fmt="ipynb"))
    text["cells"].insert(0, bootstrap_cell(catalog))
    return json.dumps(text, indent=1, ensure_ascii=False) + "\n"


# Everything, written

def generated():
    """{path: bytes} of every generated text file, as the sources make them now."""
    with open(LESSON, encoding="utf-8") as file:
        english = file.read()
    out = {}
    for domain, texts in (("lesson", lesson_texts(english)), ("program", helper_texts())):
        po = updated_catalog(os.path.join(CATALOGS, f"{domain}.po"), domain, texts)
        out[os.path.join(CATALOGS, f"{domain}.po")] = po
        if domain == "program":
            out[os.path.join(CATALOGS, "program.mo")] = compiled(po)
    spanish = spanish_source(english, translations(out[os.path.join(CATALOGS, "lesson.po")]))
    out[SPANISH] = spanish.encode()
    out[os.path.join(ROOT, "regression_gd.ipynb")] = notebook_text(english).encode()
    out[os.path.join(ROOT, "regression_gd_es.ipynb")] = notebook_text(
        spanish, out[os.path.join(CATALOGS, "program.mo")]).encode()
    sys.path.insert(0, ROOT)
    import pictures  # its registry: each picture's file and caption
    words = translations(out[os.path.join(CATALOGS, "program.po")])
    for name, language in (("README.md", {}), ("README.es.md", words)):
        out[os.path.join(ROOT, name)] = readme(os.path.join(ROOT, name), {
            file: language.get(caption, caption) for file, caption in pictures.PICTURES.items()})
    return out


def readme(path, captions):
    """The README at `path` with its table of pictures written from `captions` ({file:
    caption}, the registry's): one row `| `file` | caption |` each, in the lesson's order."""
    with open(path, encoding="utf-8") as file:
        lines = file.read().split("\n")
    rows = [number for number, line in enumerate(lines)
            if re.match(r"\| `\w+\.(png|gif)` \|", line)]
    table = [f"| `{name}` | {caption} |" for name, caption in captions.items()]
    return "\n".join(lines[:rows[0]] + table + lines[rows[-1] + 1:]).encode()


def write_if_changed(path, data):
    """Write `data` at `path` (under a temporary name, then renamed), unless it holds it."""
    if os.path.exists(path):
        with open(path, "rb") as file:
            if file.read() == data:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(f"{path}.part", "wb") as file:
        file.write(data)
    os.replace(f"{path}.part", path)


def sources():
    """The digest of every file the generated ones come from, one `digest  path` a line."""
    names = ["regression_gd.py", *HELPERS, "README.md", "README.es.md", "requirements.txt",
             "locale/es/LC_MESSAGES/lesson.po", "locale/es/LC_MESSAGES/program.po",
             "docs/build.py", "docs/page.py", "docs/live.js",  # inlined in the pages
             *sorted(f"docs/{name}" for name in os.listdir(DOCS) if name.endswith(".md"))]
    # (the docs' texts too: the pages' zips hold them)
    digests = []
    for name in names:
        with open(os.path.join(ROOT, name), "rb") as file:
            digests.append(f"{hashlib.sha256(file.read()).hexdigest()}  {name}")
    return "\n".join(digests) + "\n"


def main():
    for path, data in generated().items():
        write_if_changed(path, data)
        print(f"wrote {os.path.relpath(path, ROOT)}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, LESSON, "--out", folder], check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "MPLBACKEND": "agg"})
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as file:
                write_if_changed(os.path.join(DOCS, name), file.read())
    sys.path.insert(0, DOCS)
    import page
    for language in ("en", "es"):
        path, size = page.build(language)
        print(f"wrote {os.path.relpath(path, ROOT)} ({size / 1e6:.2f} MB)", file=sys.stderr)
    write_if_changed(os.path.join(DOCS, "sources.txt"), sources().encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
