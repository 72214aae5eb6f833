"""Build the Spanish lesson from the English one and the catalogs in locale/es/LC_MESSAGES.

    python docs/spanish.py [--update-catalogs]

regression_gd.py stays the source. Its prose cells, comments and docstrings are the message
ids of the lesson's catalog (lesson.po); the program's messages (the lesson's note and
warning templates, every `_("...")` of the modules beside it, and argparse's own words)
are the ids of the program's catalog (regression_gd.po). This script compiles both
catalogs to .mo files (committed, so that a fresh clone speaks Spanish without any tool),
and writes regression_gd_es.py: the same percent-format script, the same code, with the
Spanish prose, comments and docstrings and LANGUAGE = "es"; then regression_gd_es.ipynb
from it, without outputs, as docs/build_page.py writes the English notebook. With
--update-catalogs it first adds the English texts new to the catalogs and drops the ones
that are gone; a changed text gets the Spanish of the text it replaced, marked fuzzy, to
be checked (as msgmerge does). Two builds give the same bytes. It needs Babel and the test
tools: pip install -r tests/requirements.txt
"""

import argparse
import ast
import datetime
import difflib
import io
import os
import sys
import tokenize

from babel.messages import pofile
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
sys.path.insert(0, DOCS)
sys.path.insert(0, ROOT)

import build_page  # noqa: E402

import translation  # noqa: E402

LESSON = os.path.join(ROOT, "regression_gd.py")
SPANISH_LESSON = os.path.join(ROOT, "regression_gd_es.py")
SPANISH_NOTEBOOK = os.path.join(ROOT, "regression_gd_es.ipynb")
SPANISH_PAGE = os.path.join(DOCS, "leccion.html")
CATALOGS = os.path.join(translation.LOCALE, "es", "LC_MESSAGES")
PROGRAM_PO = os.path.join(CATALOGS, f"{translation.DOMAIN}.po")
LESSON_PO = os.path.join(CATALOGS, f"{translation.LESSON_DOMAIN}.po")
MODULES = ["command_line.py", "safe_writing.py", "data.py", "pictures.py", "animation.py",
           "explorer.py", "translation.py"]  # the program's messages: their `_("...")`
LESSON_CALLS = ("note", "warn")  # cli.note("template", ...) and cli.warn(...) in the lesson
TITLED = ("run_kind",)  # the lesson's functions whose returned words the pictures show
# argparse's own words that the lesson's command line can show (Python 3.10 to 3.14)
ARGPARSE = ["usage: ", "options", "positional arguments", "show this help message and exit",
            "argument %(argument_name)s: %(message)s",
            "ambiguous option: %(option)s could match %(matches)s",
            "expected one argument", "expected at most one argument",
            "expected at least one argument", "ignored explicit argument %r",
            "invalid choice: %(value)r (choose from %(choices)s)",
            "invalid %(type)s value: %(value)r", "unrecognized arguments: %s",
            "the following arguments are required: %s", "not allowed with argument %s",
            "%(prog)s: error: %(message)s\n"]
FIXED_DATE = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)  # no build date
# the readouts' labels (pictures.py, animation.py, explorer.py), which add_readout translates
# as `_(label)`, keyed by the English
READOUT = ["step", "a =", "loss =", "lr =", "slope here =", "next step −lr·slope ="]
KNOB = "LANGUAGE"  # the lesson's language knob: None in English, "es" in Spanish
CELL = "# %%"


# The English texts: the catalogs' message ids

def cells(source):
    """The lesson's cells: [(first line number, kind, lines)], kind "markdown" or "code";
    the lines after the cell's `# %%` line, up to the next one."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith(CELL):
            found.append((number, "markdown" if "[markdown]" in line else "code", []))
        elif found:
            found[-1][2].append(line)
    return found


def markdown_text(lines):
    """A markdown cell's text: its comment lines without their `# `."""
    text = [line[2:] if line.startswith("# ") else line[1:] for line in lines if line]
    return "\n".join(text).strip("\n")


def markdown_lines(text):
    """A markdown text as the comment lines of a percent-format cell."""
    return [f"# {line}" if line else "#" for line in text.split("\n")]


def comments(source):
    """The comments of the lesson's code cells: [(line, column, text without `# `)]."""
    markdown = {number + index for number, kind, lines in cells(source) if kind == "markdown"
                for index in range(len(lines) + 1)}
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        line, column = token.start
        if (token.type == tokenize.COMMENT and line not in markdown
                and not token.string.startswith(CELL)):
            found.append((line, column, token.string[1:].strip()))
    return found


def docstrings(tree):
    """The docstrings of the lesson's functions and classes: [(node, cleaned text)]."""
    return [(node.body[0].value, ast.get_docstring(node)) for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and ast.get_docstring(node)]


def lesson_texts(source):
    """The lesson's prose cells, comments and docstrings, in the file's order, each once."""
    tree = ast.parse(source)
    found = [(number, markdown_text(lines)) for number, kind, lines in cells(source)
             if kind == "markdown"]
    found += [(line, text) for line, _column, text in comments(source)]
    found += [(node.lineno, text) for node, text in docstrings(tree)]
    return list(dict.fromkeys(text for _line, text in sorted(found)))


def called_texts(tree, names):
    """The strings that calls to `names` (a plain name or an attribute, as `_("...")` or
    `cli.note("...")`) get as their first argument: a string, the strings of an expression
    that chooses one (`_({...}[kind])`), or a module's constant string (`_(KEYS)`)."""
    constants = {target.id: node.value.value for node in tree.body
                 if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                 and isinstance(node.value.value, str) for target in node.targets
                 if isinstance(target, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in names:
                continue
            for part in ast.walk(node.args[0]):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((part.lineno, part.col_offset, part.value))
                elif isinstance(part, ast.Name) and part.id in constants:
                    found.append((part.lineno, part.col_offset, constants[part.id]))
    return [text for *_where, text in sorted(found)]


def returned_words(tree, functions):
    """The string constants that `functions` of the lesson return (the run kinds)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    found += [(part.lineno, part.col_offset, part.value)
                              for part in ast.walk(inner.value)
                              if isinstance(part, ast.Constant) and isinstance(part.value, str)]
    return [text for *_where, text in sorted(found)]


def program_messages(lesson=LESSON):
    """The program's messages: the lesson's note and warning templates and run kinds, every
    `_("...")` of the modules, and argparse's words; in that order, each once."""
    with open(lesson, encoding="utf-8") as file:
        tree = ast.parse(file.read())
    found = called_texts(tree, LESSON_CALLS) + returned_words(tree, TITLED)
    for name in MODULES:
        path = os.path.join(ROOT, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as file:
                found += called_texts(ast.parse(file.read()), ("_",))
    return list(dict.fromkeys(found + READOUT + ARGPARSE))


# The catalogs

def read_catalog(path):
    """{English: (Spanish, fuzzy)} of a .po file ({} if there is none yet)."""
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as file:
        catalog = pofile.read_po(file)
    return {message.id: (message.string, message.fuzzy) for message in catalog if message.id}


def catalog_header(path):
    """The header comment of a .po file: its glossary and conventions."""
    if not os.path.exists(path):
        return "# Spanish translation of the lesson regression_gd.py."
    with open(path, encoding="utf-8") as file:
        lines = file.read().split("\nmsgid ")[0].splitlines()
    return "\n".join(line for line in lines if line.startswith("#") and not
                     line.startswith("#,"))


def update_catalog(path, domain, english):
    """Rewrite the .po at `path` with the message ids `english`, in order: the Spanish of
    those it has kept, the new ones empty; the ones gone dropped."""
    known = read_catalog(path)
    gone = [text for text in known if text not in english and known[text][0]]
    catalog = Catalog(locale="es", domain=domain, project="regression_gd", version="1",
                      header_comment=catalog_header(path), fuzzy=False,
                      creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                      last_translator="the lesson's authors", language_team="Spanish")
    for text in english:
        string, fuzzy = known.get(text, ("", False))
        if text not in known:  # a changed text: the Spanish of the closest one gone, fuzzy
            close = difflib.get_close_matches(text, gone, n=1, cutoff=0.6)
            string, fuzzy = (known[close[0]][0], True) if close else ("", False)
        catalog.add(text, string, flags=("fuzzy",) if fuzzy else ())
    buffer = io.BytesIO()
    pofile.write_po(buffer, catalog, width=88, no_location=True, omit_header=False)
    write_if_changed(path, buffer.getvalue())


def compiled(path):
    """The bytes of the .mo file compiled from the .po at `path` (fuzzy ones left out)."""
    with open(path, "rb") as file:
        catalog = pofile.read_po(file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


# The Spanish lesson

def spanish_source(source, lesson_catalog):
    """The Spanish lesson's text: `source` with each prose cell, comment and docstring
    replaced by its translation, and the language knob set to "es". An English text with
    no translation stays English (the tests fail on it)."""
    def spanish(text):
        string, fuzzy = lesson_catalog.get(text, ("", False))
        return string if string and not fuzzy else text

    lines = source.splitlines()

    def characters(line, offset):  # ast counts UTF-8 bytes; tokenize and str, characters
        return len(lines[line - 1].encode()[:offset].decode())
    edits = []  # (line, column, end line, end column, new text), 1-based, in characters
    for number, kind, cell_lines in cells(source):
        if kind == "markdown":
            body = [index for index, line in enumerate(cell_lines) if line.startswith("#")]
            if body:
                first, last = number + 1 + body[0], number + 1 + body[-1]
                new = "\n".join(markdown_lines(spanish(markdown_text(cell_lines))))
                edits.append((first, 0, last, len(lines[last - 1]), new))
    for line, column, text in comments(source):
        edits.append((line, column, line, len(lines[line - 1]), f"# {spanish(text)}"))
    tree = ast.parse(source)
    for node, text in docstrings(tree):
        indent = " " * node.col_offset
        new = f"\n{indent}".join(spanish(text).split("\n"))
        edits.append((node.lineno, characters(node.lineno, node.col_offset), node.end_lineno,
                      characters(node.end_lineno, node.end_col_offset), f'"""{new}"""'))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == KNOB):
            value = node.value
            edits.append((value.lineno, characters(value.lineno, value.col_offset),
                          value.end_lineno, characters(value.end_lineno, value.end_col_offset),
                          '"es"'))
    for line, start, end_line, end, new in sorted(edits, reverse=True):
        text = lines[line - 1][:start] + new + lines[end_line - 1][end:]
        lines[line - 1:end_line] = text.split("\n")
    return "\n".join(lines) + "\n"


def build(update=False):
    """Update the catalogs (with `update`), compile them, and write the Spanish script and
    notebook; return the paths written or found up to date."""
    with open(LESSON, encoding="utf-8") as file:
        source = file.read()
    if update:
        update_catalog(LESSON_PO, translation.LESSON_DOMAIN, lesson_texts(source))
        update_catalog(PROGRAM_PO, translation.DOMAIN, program_messages())
    written = []
    for po in (PROGRAM_PO, LESSON_PO):
        mo = os.path.splitext(po)[0] + ".mo"
        write_if_changed(mo, compiled(po))
        written.append(mo)
    write_if_changed(SPANISH_LESSON, spanish_source(source, read_catalog(LESSON_PO)).encode())
    write_if_changed(SPANISH_NOTEBOOK, build_page.notebook_text(SPANISH_LESSON).encode())
    return written + [SPANISH_LESSON, SPANISH_NOTEBOOK]


def write_if_changed(path, data):
    """Write `data` at `path` (under a temporary name, then renamed), unless it holds it."""
    if os.path.exists(path):
        with open(path, "rb") as file:
            if file.read() == data:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.part"
    with open(temporary, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update-catalogs", action="store_true",
                        help="add the lesson's new English texts to the .po files first")
    args = parser.parse_args(argv)
    for path in build(args.update_catalogs):
        print(f"wrote {os.path.relpath(path, ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
