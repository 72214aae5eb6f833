"""The lesson in Spanish, from one source: every English text has a Spanish translation, the
Spanish script and notebook are the English code with Spanish prose, comments and
docstrings, the generated files are up to date, and a Spanish run prints the same log with
Spanish notes, help, errors and pictures."""

import ast
import base64
import gettext
import importlib.util
import os
import pathlib
import re
import shutil
import string
import sys

import pytest
from conftest import PNGS, POST_LOG, ROOT, headless_env, outputs_by_section, run, title_of

sys.path.insert(0, os.path.join(ROOT, "docs"))
import spanish  # noqa: E402

import translation  # noqa: E402

LESSON_FILES = ["command_line.py", "safe_writing.py", "pictures.py", "animation.py",
                "explorer.py", "data.py", "translation.py"]


def source(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def spanish_env(**extra):
    """A headless environment whose locale is Spanish (LANG), and nothing else chosen."""
    env = {name: value for name, value in headless_env().items()
           if name not in translation.ENVIRONMENT}
    return {**env, "LANG": "es_ES.UTF-8", **extra}


def english_env(**extra):
    env = {name: value for name, value in headless_env().items()
           if name not in translation.ENVIRONMENT}
    return {**env, "LANG": "C.UTF-8", **extra}


# %% The catalogs: complete, not fuzzy, the same fields

@pytest.mark.parametrize("path, english", [
    (spanish.LESSON_PO, lambda: spanish.lesson_texts(source(spanish.LESSON))),
    (spanish.PROGRAM_PO, spanish.program_messages)], ids=["lesson", "program"])
def test_every_english_text_has_a_spanish_translation(path, english):
    catalog = spanish.read_catalog(path)
    missing = [text for text in english() if not catalog.get(text, ("", False))[0]]
    fuzzy = [text for text in english() if catalog.get(text, ("", False))[1]]
    assert missing == [] and fuzzy == [], "run python docs/spanish.py --update-catalogs"
    assert set(catalog) == set(english()), "the catalog holds texts the lesson no longer has"


def fields(text):
    """The {fields} (with their formats) and %(fields)s of a message."""
    braces = sorted((name, spec) for _text, name, spec, _conversion
                    in string.Formatter().parse(text) if name is not None)
    return braces, sorted(re.findall(r"%\(\w+\)\w|%[rsd]", text))


def test_a_translation_has_the_same_fields_as_its_message():
    for text, (spanish_text, _fuzzy) in spanish.read_catalog(spanish.PROGRAM_PO).items():
        english_fields, spanish_fields = fields(text), fields(spanish_text)
        # a thousands comma (5,000) is no Spanish convention: the Spanish may drop it
        plain = [(name, spec.replace(",", "")) for name, spec in english_fields[0]]
        assert spanish_fields in (english_fields, (plain, english_fields[1])), text


def test_the_compiled_catalogs_are_the_po_files_as_they_are():
    for po in (spanish.PROGRAM_PO, spanish.LESSON_PO):
        with open(os.path.splitext(po)[0] + ".mo", "rb") as file:
            assert file.read() == spanish.compiled(po), "rebuild: python docs/spanish.py"


def test_the_glossary_is_in_the_header_and_used():
    header = spanish.catalog_header(spanish.LESSON_PO)
    prose = " ".join(string for string, _fuzzy in spanish.read_catalog(spanish.LESSON_PO)
                     .values())
    for term in ("tasa de aprendizaje", "función de pérdida", "descenso del gradiente",
                 "pendiente", "derivada", "error cuadrático medio", "mínimo", "paso", "peso",
                 "término independiente"):
        assert term in header, term
        assert term in prose or term == "función de pérdida", term
    for avoided in ("sesgo", "usted", "offset b", "learning rate"):
        assert avoided not in prose.lower(), avoided


def test_spanish_prose_writes_decimals_with_a_comma():
    """Outside code (backticks, formulas indented as code), a decimal number in the prose
    has a comma: 0,001, not 0.001."""
    for text, (prose, _fuzzy) in spanish.read_catalog(spanish.LESSON_PO).items():
        if "\n" not in text and not text.startswith("#"):
            continue  # a comment or a one-line docstring: beside code, as code writes it
        lines = [line for line in prose.split("\n") if not line.startswith("    ")]
        words = re.sub(r"`[^`]*`", "", " ".join(lines))
        assert not re.search(r"\d\.\d", words), (text[:60], re.findall(r"\S*\d\.\d\S*", words))


# %% The Spanish lesson: the same code, Spanish words, up to date

def without_docstrings(tree):
    """The syntax tree without its docstrings, the language knob's value set to None."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module) and node.body
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
                and isinstance(node.body[0].value.value, str)):
            node.body = node.body[1:]
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == spanish.KNOB):
            node.value = ast.Constant(None)
    return ast.dump(tree)


def test_the_spanish_script_is_the_english_code():
    english, spanish_text = source(spanish.LESSON), source(spanish.SPANISH_LESSON)
    assert without_docstrings(ast.parse(english)) == without_docstrings(ast.parse(spanish_text))
    knob = re.compile(rf"^{spanish.KNOB} = (.*?)  #", re.M)
    assert knob.findall(english) == ["None"] and knob.findall(spanish_text) == ['"es"']
    assert english != spanish_text


def test_the_spanish_notebook_cells_are_the_english_code_cells():
    english = [cell for cell in spanish.build_page.lesson_notebook(spanish.LESSON).cells]
    translated = [cell for cell in spanish.build_page.lesson_notebook(spanish.SPANISH_LESSON)
                  .cells]
    assert [cell.cell_type for cell in english] == [cell.cell_type for cell in translated]
    for mine, theirs in zip(english, translated, strict=True):
        if mine.cell_type == "code":
            assert without_docstrings(ast.parse(mine.source)) == \
                without_docstrings(ast.parse(theirs.source)), mine.source[:200]
        else:
            assert mine.source != theirs.source


def comments_and_docstrings(text):
    """The comments of the code cells and the docstrings, in the file's order."""
    found = [(line, "#", words) for line, _column, words in spanish.comments(text)]
    found += [(node.lineno, '"""', words) for node, words in
              spanish.docstrings(ast.parse(text))]
    found.sort()
    return [kind for _line, kind, _words in found], [words for _line, _kind, words in found]


def test_every_comment_and_docstring_has_a_spanish_version():
    english_kinds, english = comments_and_docstrings(source(spanish.LESSON))
    spanish_kinds, translated = comments_and_docstrings(source(spanish.SPANISH_LESSON))
    assert english_kinds == spanish_kinds
    catalog = spanish.read_catalog(spanish.LESSON_PO)
    for words, spanish_words in zip(english, translated, strict=True):
        assert spanish_words == catalog[words][0] != words


def test_every_prose_cell_is_spanish():
    english = [spanish.markdown_text(lines) for _number, kind, lines
               in spanish.cells(source(spanish.LESSON)) if kind == "markdown"]
    translated = [spanish.markdown_text(lines) for _number, kind, lines
                  in spanish.cells(source(spanish.SPANISH_LESSON)) if kind == "markdown"]
    catalog = spanish.read_catalog(spanish.LESSON_PO)
    assert translated == [catalog[text][0] for text in english]
    headings = [line for text in translated for line in text.split("\n")
                if line.startswith("#")]
    assert len(headings) == len([line for text in english for line in text.split("\n")
                                 if line.startswith("#")])


def test_the_generated_spanish_files_are_not_stale():
    english = source(spanish.LESSON)
    assert source(spanish.SPANISH_LESSON) == spanish.spanish_source(
        english, spanish.read_catalog(spanish.LESSON_PO)), "rebuild: python docs/spanish.py"
    assert source(spanish.SPANISH_NOTEBOOK) == spanish.build_page.notebook_text(
        spanish.SPANISH_LESSON), "rebuild: python docs/spanish.py"


def test_the_spanish_script_fits_the_pages_code_column():
    lines = source(spanish.SPANISH_LESSON).splitlines()
    assert max(len(line) for line in lines) <= 88


def test_two_builds_give_the_same_bytes(tmp_path):
    english = source(spanish.LESSON)
    catalog = spanish.read_catalog(spanish.LESSON_PO)
    assert spanish.spanish_source(english, catalog) == spanish.spanish_source(english, catalog)
    assert spanish.compiled(spanish.PROGRAM_PO) == spanish.compiled(spanish.PROGRAM_PO)


# %% Which language: the option, the knob, the environment, the locale

@pytest.mark.parametrize("variables, expected", [
    ({"LANG": "es_ES.UTF-8"}, "es"), ({"LANG": "es_MX"}, "es"), ({"LANG": "C.UTF-8"}, "en"),
    ({"LANGUAGE": "es:en", "LANG": "C"}, "es"), ({"LC_ALL": "es_AR.UTF-8"}, "es"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "es_ES"}, "en"), ({"LC_MESSAGES": "es_CL"}, "es"),
    ({"LANG": "estonian"}, "es")])  # (a name beginning with "es" is taken as Spanish)
def test_the_language_comes_from_the_environment(monkeypatch, variables, expected):
    for name in translation.ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert translation.system_language() == expected


@pytest.mark.parametrize("name, expected", [("es_ES", "es"), ("Spanish_Spain", "es"),
                                            ("en_US", "en"), (None, "en")])
def test_without_variables_the_locale_decides(monkeypatch, name, expected):
    for variable in translation.ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(translation.locale, "getlocale", lambda: (name, "UTF-8"))
    assert translation.system_language() == expected


def test_spanish_from_the_catalog_and_english_where_there_is_none(monkeypatch):
    monkeypatch.setattr(translation.Speaking, "translation", None)
    monkeypatch.setenv("LANGUAGE", "")
    assert translation.use("es") == "es"
    assert translation._("note") == "nota"
    assert translation._("a message no catalog has") == "a message no catalog has"
    assert gettext.gettext("usage: ") == "uso: "  # argparse's words, through gettext
    assert translation.use("en") == "en"
    assert translation._("note") == "note" and gettext.gettext("usage: ") == "usage: "


# %% A Spanish run: the same log, Spanish notes, help, errors and pictures

ENGLISH = re.compile(r"\b(note|warning|the loss|gradient check|exact minimum|threshold|"
                     r"stopping rule|two weights|scaling x|saved in|(?<!-)steps|error: argument|"
                     r"invalid choice|usage|options|show this help)\b")


def english_words(text):
    """The English notes' and help's words still in a text."""
    return ENGLISH.findall(text)


@pytest.fixture(scope="module")
def spanish_run(tmp_path_factory):
    """A default run with a Spanish locale: (completed process, its pictures' folder)."""
    out = tmp_path_factory.mktemp("es") / "figures"
    result = run("--out", str(out), env=spanish_env())
    assert result.returncode == 0, result.stderr
    return result, str(out)


@pytest.mark.slow
def test_a_spanish_default_run_prints_the_posts_log_and_spanish_notes(spanish_run):
    result, _ = spanish_run
    with open(POST_LOG) as file:
        assert result.stdout == file.read()
    notes = result.stderr.splitlines()
    assert notes and all(line.startswith(("nota: ", "guardadas en ")) for line in notes)
    assert english_words(result.stderr) == []
    assert "mínimo exacto a* = Σxz/Σx² = 1.991412006340672" in result.stderr


@pytest.mark.slow
def test_lang_overrides_the_locale(tmp_path):
    with open(POST_LOG) as file:
        log = file.read()
    spanish_result = run("--lang", "es", "--no-gif", "--out", str(tmp_path / "es"),
                         env=english_env())
    assert spanish_result.stdout == log and spanish_result.returncode == 0
    assert spanish_result.stderr.startswith("nota: ") and not english_words(
        spanish_result.stderr)
    english_result = run("--lang=en", "--no-gif", "--out", str(tmp_path / "en"),
                         env=spanish_env())
    assert english_result.stdout == log and english_result.stderr.startswith("note: ")


@pytest.mark.slow
def test_the_spanish_script_speaks_spanish_anywhere(tmp_path):
    result = subprocess_run(spanish.SPANISH_LESSON, "--no-gif", "--out", str(tmp_path),
                            env=english_env())
    with open(POST_LOG) as file:
        assert result.stdout == file.read()
    assert result.stderr.startswith("nota: ") and not english_words(result.stderr)


def subprocess_run(script, *args, env):
    import subprocess
    return subprocess.run([sys.executable, script, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("env", [spanish_env(), {**english_env(), "LANGUAGE": "es"}],
                         ids=["LANG", "LANGUAGE"])
def test_help_in_spanish(env):
    result = run("--help", env=env)
    assert result.returncode == 0
    for words in ("uso: regression_gd.py", "opciones:", "muestra este mensaje de ayuda",
                  "tasa de aprendizaje", "por defecto: 0.001", "--data ARCHIVO"):
        assert words in result.stdout, words
    assert english_words(result.stdout) == []


def test_help_in_spanish_from_the_option():
    result = run("--help", "--lang", "es", env=english_env())
    assert "uso: " in result.stdout and "opciones:" in result.stdout
    assert "usage:" in run("--lang", "en", "--help", env=spanish_env()).stdout


@pytest.mark.parametrize("args, expected", [
    (["--lr", "x"], "argumento --lr: 'x' no es un número (mira --help)"),
    (["--steps"], "argumento --steps: se esperaba un valor (mira --help)"),
    (["--steps", "0"], "argumento --steps: 0 debe ser como mínimo 1 (mira --help)"),
    (["--bogus"], "argumentos no reconocidos: --bogus (mira --help)"),
    (["--lang", "fr"], "argumento --lang: opción no válida: 'fr' (elige entre 'en', 'es')"),
    (["--data", "missing.csv"], "missing.csv: no se puede leer el archivo de datos"),
    (["--data", ""], "argumento --data: el nombre del archivo está vacío")])
def test_one_line_errors_in_spanish(args, expected):
    result = run(*args, env=spanish_env())
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("regression_gd.py: error: ") and expected in result.stderr


def test_a_bad_data_file_in_spanish(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,z\n1,2\n3,tres\n")
    result = run("--data", str(bad), "--out", str(tmp_path / "out"), env=spanish_env())
    assert result.returncode == 2
    assert f"{bad}, línea 3: 'tres' no es un número" in result.stderr


# %% The Spanish notebook, run in a real kernel

@pytest.mark.slow
def test_the_spanish_notebook_runs_with_each_output_under_its_heading(tmp_path):
    import nbclient
    for name in LESSON_FILES:
        shutil.copy(os.path.join(ROOT, name), tmp_path)
    shutil.copytree(translation.LOCALE, tmp_path / "locale")
    notebook = spanish.build_page.lesson_notebook(spanish.SPANISH_LESSON)
    env = {name: value for name, value in english_env().items()
           if name not in ("MPLBACKEND", "DISPLAY", "PYTHONPATH")}
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)
    found = outputs_by_section(notebook)

    def printed(section):
        return "".join(output.get("text", "") for output in found[section]
                       if output.output_type == "stream")

    def images(section, kind="image/png"):
        return sum(kind in output.get("data", {}) for output in found[section])

    with open(POST_LOG) as file:
        assert [line for line in printed("El descenso del gradiente").splitlines()
                if spanish.build_page.LOG_LINE.match(line)] == file.read().splitlines()
    assert "umbral N/Σx² = 0.02949" in printed("El descenso del gradiente")
    assert images("Las medidas") == 1 and images("La neurona y un comienzo al azar") == 1
    assert images("La pérdida para cada a: un cuenco, y su pendiente") == 1
    assert "comprobación del gradiente" in printed(
        "La pérdida para cada a: un cuenco, y su pendiente")
    assert "regla de parada" in printed("La curva de aprendizaje, predicha")
    assert images("La curva de aprendizaje, predicha") == 1
    assert images("Elegir una tasa probando") == 1
    assert images("El entrenamiento, animado", "image/gif") == 1
    assert images("Dos pesos: una recta con término independiente") == 1
    assert images("El remedio: escalar las entradas") == 1
    assert "deshecho el cambio" in printed("El remedio: escalar las entradas")
    assert "guardadas en figures/" in printed("Guardar, y explorar en directo")
    assert not any(output.output_type == "error" for outputs in found.values()
                   for output in outputs)
    everything = "".join(printed(section) for section in found)
    assert english_words(everything.replace("gradiente=", "")) == []


# %% The pictures of a Spanish run: Spanish titles, labels, legends and readouts

PICTURE_ENGLISH = re.compile(
    r"\b(loss|steps?|measurements?|measured|tangent|slope|errors|origin|minimum|start|"
    r"rates?|curvatures|above|below|after|weights?|neuron's|input|output|offset|valley|bowl|"
    r"descent|path|kept|keep|tried|surface|contours|seen|scaling|converging|diverging|"
    r"bouncing|exactly|current|predicted|run|of|the|here|next|play|pause|keys)\b")


@pytest.mark.slow
def test_a_spanish_runs_saved_pictures_carry_no_english_title(spanish_run, default_run):
    _, folder = spanish_run
    _, english_folder = default_run
    for name in PNGS:
        title, english = (title_of(os.path.join(place, name))
                          for place in (folder, english_folder))
        assert title and title != english, name
        assert PICTURE_ENGLISH.findall(title) == [], (name, title)


def test_every_text_of_every_picture_is_spanish(monkeypatch):
    """Each picture drawn as the lesson draws it, in Spanish: no title, axis label, legend
    entry or readout of any of them has an English word (the readout's labels included)."""
    import matplotlib
    matplotlib.use("agg")
    from test_pictures import every_picture, texts
    monkeypatch.setattr(translation.Speaking, "translation", None)
    monkeypatch.setenv("LANGUAGE", "")
    translation.use("es")
    try:
        found = {name: [text.get_text() for text in texts(fig)]
                 for name, fig in every_picture().items()}
    finally:
        translation.use("en")
    for name, words in found.items():
        english = [word for word in words if PICTURE_ENGLISH.findall(word)
                   and word != "Converging"]  # the title the test hands the curve
        assert english == [], name
    assert "pendiente aquí = " in found["training.gif"]  # the readout's label


# %% The Spanish page: up to date, and every browser check of the English page

def test_the_committed_spanish_page_is_the_spanish_lesson_as_it_is():
    build_page = spanish.build_page
    with open(spanish.SPANISH_PAGE, encoding="utf-8") as file:
        text = file.read()
    assert '<html lang="es">' in text and 'href="lesson.html"' in text
    words = build_page.TEXTS["es"]
    for cell in build_page.lesson_notebook(spanish.SPANISH_LESSON).cells:
        html = (build_page.prose(cell, [], words) if cell.cell_type == "markdown"
                else build_page.code_block(cell))
        assert html in text, f"rebuild: python docs/build_page.py ({cell.source[:80]!r})"
    files = {name: base64.b64decode(data) for data, name in re.findall(
        r'href="data:[^"]*?;base64,([^"]*)" download="([^"]+)"', text)}
    with open(spanish.SPANISH_LESSON, "rb") as file:
        assert files["regression_gd_es.py"] == file.read()
    assert files["regression_gd_es.ipynb"] == build_page.notebook_text(
        spanish.SPANISH_LESSON).encode("utf-8")
    assert files[f"{build_page.FOLDER}.zip"] == build_page.lesson_zip(spanish.SPANISH_LESSON)
    assert 'href="leccion.html"' in build_page.TEXTS["en"]["downloads"]  # and back


def test_the_spanish_zip_holds_the_catalogs():
    names = [name for name, _path in spanish.build_page.lesson_files(spanish.SPANISH_LESSON)]
    assert names[0] == "regression_gd_es.py"
    assert {"translation.py", "locale/es/LC_MESSAGES/regression_gd.mo",
            "locale/es/LC_MESSAGES/lesson.mo"} <= set(names)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = os.environ.get("AXE_CORE_JS", "/tmp/axe/node_modules/axe-core/axe.min.js")


def in_a_browser(test):
    needs = pytest.mark.skipif(not os.path.exists(CHROMIUM) or importlib.util.find_spec(
        "playwright") is None, reason="needs Chromium and playwright (see test_page.py)")
    return pytest.mark.slow(needs(test))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def open_page(browser, width):
    tab = browser.new_page(viewport={"width": width, "height": 900})
    requests, messages = [], []
    tab.on("request", lambda request: requests.append(request.url))
    tab.on("console", lambda message: messages.append(message.type))
    page = pathlib.Path(spanish.SPANISH_PAGE)
    tab.goto(page.as_uri())
    tab.wait_for_load_state("load")
    return tab, requests, messages, page.as_uri()


def spanish_headings():
    return [line[3:] for cell in spanish.build_page.lesson_notebook(spanish.SPANISH_LESSON)
            .cells if cell.cell_type == "markdown" for line in cell.source.splitlines()
            if line.startswith("## ")]


@in_a_browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_spanish_page_in_a_browser(browser, width):
    tab, requests, messages, uri = open_page(browser, width)
    assert requests == [uri] and "error" not in messages  # offline, no errors
    assert tab.evaluate("document.documentElement.lang") == "es"
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    assert tab.evaluate("Array.from(document.images).every(i => i.complete && "
                        "i.naturalWidth > 0)")
    alts = tab.evaluate("Array.from(document.images).map(i => i.alt)")
    assert alts[0] == "Las 30 medidas (x, z), y el origen" and all(alts)
    assert not ENGLISH.findall(" ".join(alts))
    logs = tab.evaluate("Array.from(document.querySelectorAll('pre.log')).map(p => "
                        "p.textContent)")
    with open(POST_LOG) as file:
        assert "\n".join(logs).splitlines() == file.read().splitlines()
    toc = "main nav.toc" if width < 1120 else ".page > nav.toc"
    links = tab.evaluate(f"Array.from(document.querySelectorAll('{toc} ol a'))"
                         ".map(a => [a.textContent, a.getAttribute('href')])")
    assert [text for text, _ in links] == spanish_headings()
    for _text, target in links:
        assert tab.evaluate(f"document.querySelector('{target}').tagName") == "H2"
    assert tab.evaluate("document.querySelectorAll('[class*=Prompt], pre.error, "
                        ".notes p.error').length") == 0
    notes = tab.evaluate("Array.from(document.querySelectorAll('.notes p'))"
                         ".map(p => p.textContent)")
    assert len(notes) >= 5 and not ENGLISH.findall(" ".join(notes).replace("--steps", ""))
    if width == 1280:  # the code column holds the lesson's 88 characters
        assert tab.evaluate("Array.from(document.querySelectorAll('pre.highlight'))"
                            ".filter(p => p.scrollWidth > p.clientWidth).length") == 0
    if os.path.exists(AXE):
        tab.add_script_tag(path=AXE)
        result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert [violation["id"] for violation in result["violations"]
                if violation["impact"] in ("serious", "critical")] == []
