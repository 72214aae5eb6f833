"""The lesson in Spanish: both catalogs complete (nothing fuzzy or empty, the same fields),
one glossary used throughout, the Spanish script the English code with Spanish words, and
everything a Spanish run shows (notes, help, errors, pictures, the GIF's readout, the
exercises' hints, the page) in Spanish, its numbers written the Spanish way except the
post's own log and what the learner types."""

import ast
import html
import os
import re
import string
import sys

import matplotlib

matplotlib.use("agg")
import pytest
from babel.messages import pofile
from conftest import (
    PNGS,
    POST_LOG,
    ROOT,
    SCRIPT,
    SPANISH_SCRIPT,
    one_line_error,
    run,
    title_of,
    touched_edges,
)
from matplotlib.text import Text
from PIL import Image

import exercises
import pictures
import program
import regression_gd as rg

sys.path.insert(0, os.path.join(ROOT, "docs"))
import build

CATALOGS = {domain: os.path.join(build.CATALOGS, f"{domain}.po") for domain in
            ("lesson", "program")}
GLOSSARY = ["función de pérdida", "exceso de pérdida", "tasa de aprendizaje",
            "descenso del gradiente", "término independiente", "matriz hessiana"]
ENGLISH = re.compile(  # words that would show English left in a Spanish text
    r"\b(the|and|of|is|are|to|with|from|for|at|by|on|in|this|that|its|it|step|steps|loss|"
    r"rates?|run|saved|note|weights?|slope|line|points?|start|minimum|threshold|pictures?|"
    r"try|above|below|between|would|should|must|could|not|yes|guess|curvatures?|valley|"
    r"bowl|after|found|expected|file|folder|number|whole|usage|options|help|show|message|"
    r"exit|argument|invalid|choice|play|pause|keys|closes|live|tangent|errors|measured|"
    r"measurements|input|output|offset|descent|path|kept|keep|tried|surface|contours|seen|"
    r"scaling|converging|diverging|bouncing|current|predicted|here|next|right|wrong|"
    r"missing|half|sign|reversed|exercise|written|yet)\b", re.I)
TYPED = re.compile(  # what the learner types, or the post prints: it stays as it is
    r"`[^`]*`|--[\w-]+|\b[A-Z_]{2,}\b|\S+\.(?:py|png|gif|csv|txt|md|html|mo)\b|"
    r"\bi=\d+: .*|pip install \S+|return a, velocity|\w+\([^)]*\)|\S*/\S*|"
    r"por\s+defecto:\s*[^)]*|\blr = \S+|-?\d[\d.]{15,}|\{[^}]*\}")
DECIMAL_POINT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[+-]?\d+)?\b|(?<!\w)-\d")  # 0.5, -3


def source(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def catalog(domain):
    with open(CATALOGS[domain], "rb") as file:
        return pofile.read_po(file)


def english_texts(domain):
    return (build.lesson_texts(source(SCRIPT)) if domain == "lesson" else build.helper_texts())


def shown_words(text):
    """A Spanish text as the learner reads it, without what keeps its typed or printed form."""
    return TYPED.sub(" ", text)


def spanish_problems(text):
    """English words, and numbers written the English way, in a text a learner sees."""
    words = shown_words(text)
    return ENGLISH.findall(words) + DECIMAL_POINT.findall(words) + re.findall(r"\d%", words)


# The catalogs

@pytest.mark.parametrize("domain", CATALOGS)
def test_every_english_text_has_a_spanish_translation_neither_fuzzy_nor_empty(domain):
    found = {message.id: message for message in catalog(domain) if message.id}
    assert set(found) == set(english_texts(domain)), "rebuild: python docs/build.py"
    assert [text for text, message in found.items() if not message.string] == []
    assert [text for text, message in found.items() if message.fuzzy] == []


def fields(text):
    """The {fields} (with their formats) and %(fields)s of a message."""
    braces = sorted((name, spec) for _text, name, spec, _conversion
                    in string.Formatter().parse(text) if name is not None)
    return braces, sorted(re.findall(r"%\(\w+\)\w|%[rsd]", text))


def test_a_translation_keeps_its_messages_fields():
    notes = {text for _node, text, _f in build.notes(source(SCRIPT), ast.parse(source(SCRIPT)))}
    messages = [message for message in catalog("program") if message.id]
    messages += [message for message in catalog("lesson") if message.id in notes]
    assert len(messages) > 190
    for message in messages:
        assert fields(message.string) == fields(message.id), message.id


def test_the_glossary_is_in_the_headers_and_used_in_the_prose():
    prose = source(SPANISH_SCRIPT)
    for domain in CATALOGS:
        header = catalog(domain).header_comment
        for term in GLOSSARY:
            assert re.search(rf"^# .+ {term}\b", header, re.M), (domain, term)
    for term in GLOSSARY:
        assert term in prose, term
    for avoided in ("sesgo", "usted", "pérdida sobrante", "learning rate", "offset"):
        assert avoided not in shown_words(prose).lower(), avoided


def test_the_spanish_prose_writes_its_numbers_the_spanish_way():
    for message in catalog("lesson"):
        if message.id:
            lines = [line for line in message.string.split("\n") if not line.startswith("    ")]
            assert DECIMAL_POINT.findall(shown_words(" ".join(lines))) == [], message.string


# The Spanish script: the English code, with Spanish words

def code_of(text):
    """The lesson's syntax tree without docstrings, the LANGUAGE knob's value blanked."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value,
                                                                            str)):
            node.body = body[1:] or [ast.Pass()]
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LANGUAGE":
            node.value = ast.Constant(None)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "note":
            node.args = []  # a note's words
    return ast.dump(tree)


def test_the_spanish_script_is_the_english_code_with_spanish_words():
    english, spanish = source(SCRIPT), source(SPANISH_SCRIPT)
    assert code_of(english) == code_of(spanish)
    assert re.findall(r'^LANGUAGE = "(\w+)"', spanish, re.M) == ["es"]
    texts = build.lesson_texts(spanish)  # its prose, comments, docstrings and notes
    assert len(texts) == len(english_texts("lesson"))
    assert [(text, spanish_problems(text)) for text in texts if spanish_problems(text)] == []


# What a Spanish run shows

@pytest.fixture(scope="module")
def spanish_run(tmp_path_factory):
    """A default run of the Spanish script: (completed process, its pictures' folder)."""
    out = tmp_path_factory.mktemp("es") / "figures"
    result = run("--out", str(out), script=SPANISH_SCRIPT)
    assert result.returncode == 0, result.stderr
    return result, str(out)


def test_a_spanish_run_prints_the_posts_log_and_spanish_notes(spanish_run):
    result, _folder = spanish_run
    assert result.stdout == source(POST_LOG)
    lines = result.stderr.splitlines()
    assert len(lines) <= 10 and lines[-1].startswith("gráficas guardadas en ")
    assert all(line.startswith("nota: ") for line in lines[:-1])
    assert spanish_problems(result.stderr) == []
    # the post's own numbers keep Python's form, the lesson's are Spanish
    assert "a = 0.2718754143840908, la pérdida es 103.72263739946467" in result.stderr
    assert "fórmula −116,6122516" in result.stderr and "umbral N/Σx² = 0,02949" in result.stderr


def test_the_spanish_pictures_have_spanish_titles(spanish_run, default_run):
    _result, folder = spanish_run
    for name in PNGS:
        title = title_of(os.path.join(folder, name))
        assert title and title != title_of(os.path.join(default_run[1], name)), name
        assert spanish_problems(title) == [], (name, title)
        with Image.open(os.path.join(folder, name)) as picture:  # longer words, still whole
            assert touched_edges(picture) == [], name


def test_every_text_in_every_spanish_picture_is_spanish(tmp_path, monkeypatch):
    import test_pictures
    start = test_pictures.start
    monkeypatch.setattr(test_pictures, "start", lambda *args, **settings: (
        start(*args, **settings), program.speak("es")))
    try:
        figures = test_pictures.every_picture(tmp_path, lr=0.03)
        found = {}
        for name, fig in figures.items():
            fig.canvas.draw()  # the tick labels are written when drawn
            found[name] = [text.get_text() for text in fig.findobj(Text) if text.get_text()]
        state = rg.state(rg.random_start(45), rg.POST_X, rg.POST_Z, 1e-3)
        readout = pictures.readout(state, 100, 100)
    finally:
        program.speak("en")
    for name, words in found.items():
        assert len(words) > 10 and spanish_problems("\n".join(words)) == [], name
    assert "−116,6" in readout[1] and spanish_problems(" ".join(readout)) == []


def test_the_spanish_help_is_spanish_throughout():
    result = run("--help", script=SPANISH_SCRIPT)
    assert result.returncode == 0 and result.stdout.startswith("uso: regression_gd_es.py")
    assert "opciones:" in result.stdout and "(por defecto: 0.001)" in result.stdout
    assert set(re.findall(r"--\w+ ([A-ZÁÉÍÓÚ]+)", result.stdout)) == {"NÚMERO", "ARCHIVO",
                                                                      "CARPETA"}
    assert spanish_problems(result.stdout) == []


@pytest.mark.parametrize("args, status, words", [
    (["--lr", "x"], 2, "argumento --lr: 'x' debe ser un número (consulta --help)"),
    (["--steps"], 2, "argumento --steps: falta su valor"),
    (["--steps", "0"], 2, "está fuera del rango permitido: 1…1000000"),
    (["--bogus"], 2, "argumentos no reconocidos: --bogus"),
    (["--data", "missing.csv"], 2, "no se puede leer el archivo de datos (no existe el "
                                   "archivo o la carpeta)"),
    (["--data", "tests"], 2, "(es una carpeta, no un archivo)"),
    (["--lr", "0.05", "--no-gif"], 1, "el entrenamiento ha divergido en el paso 4")])
def test_errors_are_one_spanish_line(args, status, words, tmp_path):
    result = run(*args, "--out", str(tmp_path), script=SPANISH_SCRIPT)
    line = one_line_error(result, status, words)
    assert line.startswith("regression_gd_es.py: error: ")
    assert spanish_problems(line.split("error: ", 1)[1]) == []


def test_the_exercises_hints_are_spanish(capsys):
    program.speak("es")
    try:
        exercises.check_gradient(lambda a, x, z: 2 * ((a * x - z) * x).sum(), rg.gradient,
                                 rg.POST_X, rg.POST_Z)
        exercises.check_gradient(lambda a, x, z: 0.5, rg.gradient, rg.POST_X, rg.POST_Z)
        exercises.check_offset_slope(lambda a, b, x, z: 2 * ((a * x + b - z) * x).mean(),
                                     rg.gradients, rg.means_of)
        exercises.check_momentum(lambda a, v, g, lr, beta: (a + 0.5 * v - lr * g, 0.5 * v))
        exercises.check_momentum(lambda a, v, g, lr, beta: a)
    finally:
        program.speak("en")
    hints = capsys.readouterr().err.splitlines()
    assert hints[0] == "nota: ejercicio 1: sale N veces mayor: ¿has dividido entre el número " \
                       "de puntos?"
    assert "`my_gradient(1.0, np.full(4, 2.0), np.zeros(4))` da 0,5 y debería dar 8" in hints[1]
    assert "(1,25; 0,25)" in hints[3]
    assert len(hints) == 5 and spanish_problems("\n".join(hints)) == []


def test_the_spanish_page_reads_spanish():
    text = source(os.path.join(ROOT, "docs", "leccion.html"))
    body = re.sub(r"<(script|style|pre)\b.*?</\1>|<code>.*?</code>|<a [^>]*lang=\"en\".*?</a>|"
                  r"<[^>]+>", " ", text, flags=re.S)  # the link to the English page says so
    assert spanish_problems(html.unescape(body)) == []
    for term in GLOSSARY:
        assert term in body, term
    assert "con <code>LEARNING_RATE = 0.02</code> y <code>STEPS = 358</code>" in text  # typed


def test_spanish_numbers_never_break_inside_a_number():
    program.speak("es")
    try:
        assert program.spanish_numbers("12345 pasos, 6.6%, -0.5, `--lr 0.001`") == (
            "12\u00a0345 pasos, 6,6\u00a0%, −0,5, `--lr 0.001`")
        spanish = [message.string for domain in CATALOGS for message in catalog(domain)]
        assert not [text for text in spanish if re.search(r"[\d}] %|\d \d{3}\b", text)]
    finally:
        program.speak("en")
