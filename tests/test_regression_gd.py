"""Tests of the lesson's numbers, its log, its pictures and its command line."""

import ast
import builtins
import os
import re
import signal
import statistics
import subprocess
import symtable
import sys

import numpy as np
import pytest
from conftest import (
    PICTURES,
    PNGS,
    POST_LOG,
    ROOT,
    SCRIPT,
    WIDE,
    gif_frames,
    hashes,
    headless_env,
    run,
    title_of,
)
from PIL import Image

import animation
import regression_gd as rg
import safe_writing

X, Z = rg.POST_X, rg.POST_Z
A0 = 0.2718754143840908  # the post's random start


# %% The lesson's functions, on values checked by hand

def test_predict_multiplies_and_predict_with_offset_adds():
    assert list(rg.predict(2.0, np.array([0.0, 1.5, -3.0]))) == [0.0, 3.0, -6.0]
    assert list(rg.predict_with_offset(2.0, 1.0, np.array([0.0, 1.5]))) == [1.0, 4.0]


def test_loss_is_mean_squared_error():
    # gaps 1 and -2: (1 + 4) / 2
    assert rg.loss(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == 2.5


def test_gradient_by_hand():
    # a=1, x=[1,2], z=[0,0]: (2/2) * ((1-0)*1 + (2-0)*2) = 5
    assert rg.gradient(1.0, np.array([1.0, 2.0]), np.array([0.0, 0.0])) == 5.0


@pytest.mark.parametrize("a", [-3.0, A0, 1.0, 1.991412006340672, 4.0])
def test_gradient_matches_central_difference(a):
    numeric = rg.finite_difference(a, X, Z, h=1e-5)
    assert rg.gradient(a, X, Z) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_loss_curve_is_the_loss_at_every_a():
    a_values = np.linspace(-3, 5, 9)
    expected = [rg.loss(rg.predict(a, X), Z) for a in a_values]
    assert rg.loss_curve(a_values, X, Z) == pytest.approx(expected, rel=1e-12)


def test_step_moves_against_the_gradient():
    assert rg.step(1.0, 5.0, 0.1) == 0.5
    assert rg.step(1.0, -5.0, 0.1) == 1.5


def test_first_step_moves_a_by_lr_times_gradient():
    # the prose: the first step moves a by 0.1166, not by the learning rate 0.001
    weights = rg.train(A0, X, Z, 1e-3, 1).weights
    assert weights[0] == A0 and weights[1] - A0 == pytest.approx(0.1166, abs=5e-5)


def test_the_tangent_forecast_and_the_exact_change_of_the_first_step():
    # the prose: the tangent forecasts 90.124, the loss is 90.585; the exact formula adds
    # (Σx²/N)·(lr·g)²
    lr, g, start = 1e-3, rg.gradient(A0, X, Z), rg.loss(rg.predict(A0, X), Z)
    after = rg.train(A0, X, Z, lr, 1).losses[1]
    assert start - lr * g * g == pytest.approx(90.124, abs=5e-4)
    assert after == pytest.approx(90.585, abs=5e-4)
    assert after == pytest.approx(start - lr * g * g + np.mean(X * X) * (lr * g) ** 2,
                                  rel=1e-12)


def test_exact_minimum_has_zero_gradient_and_the_floor():
    a_star = rg.best_a(X, Z)
    assert a_star == pytest.approx(1.991412006340672, rel=1e-15)
    assert abs(rg.gradient(a_star, X, Z)) < 1e-9
    assert rg.loss(rg.predict(a_star, X), Z) == pytest.approx(3.463, abs=5e-4)


def test_random_start_is_the_posts():
    assert rg.random_start(45) == A0


def test_log_pairs_the_gradient_used_with_the_weight_after_it():
    # the prose: at i=10 the log shows -61.98, while the slope at the printed a is -57.78
    history = rg.train(A0, X, Z, 1e-3, 10)
    assert history.grads[-1] == pytest.approx(-61.98, abs=5e-3)
    assert rg.gradient(history.weights[-1], X, Z) == pytest.approx(-57.78, abs=5e-3)


def test_train_prints_every_few_steps_and_the_last(capsys):
    rg.train(A0, X, Z, 1e-3, 25, every=10)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["i=10", "i=20", "i=25"]
    with open(POST_LOG) as file:
        assert lines[:2] == file.read().splitlines()[:2]
    rg.train(A0, X, Z, 1e-3, 25)
    assert capsys.readouterr().out == ""  # every=None: the studies print nothing


def test_thresholds_of_the_post():
    assert rg.stability_bound(X) == pytest.approx(0.0295, abs=5e-5)
    assert rg.stability_bound(X) / 2 == pytest.approx(0.0147, abs=5e-5)
    assert rg.contraction(1e-3, X) == pytest.approx(0.932, abs=5e-4)
    assert rg.stability_bound(X * 20) == pytest.approx(7.4e-5, rel=0.01)  # x up to 200
    # "as the square of the scale"
    assert rg.stability_bound(X * 300) == pytest.approx(rg.stability_bound(X) / 300 ** 2)
    # "about 33 steps per factor of 10 closer"
    assert np.log(0.1) / np.log(rg.contraction(1e-3, X)) == pytest.approx(33, abs=0.5)


@pytest.mark.parametrize("share, behaviour", [
    (0.25, "approaches from one side"), (0.5, "lands in one step"),
    (0.75, "overshoots and converges"), (1.0, "bounces"), (1.02, "diverges")])
def test_every_step_multiplies_the_distance_by_c(share, behaviour):
    lr = share * rg.stability_bound(X)
    a_star, c = rg.best_a(X, Z), rg.contraction(lr, X)
    distance = rg.train(A0, X, Z, lr, 40).weights - a_star
    predicted = (A0 - a_star) * c ** np.arange(41)
    assert distance == pytest.approx(predicted, rel=1e-6, abs=1e-9)
    if behaviour == "approaches from one side":
        assert np.all(distance < 0)
    elif behaviour == "lands in one step":
        assert abs(distance[1]) < 1e-9
    elif behaviour == "overshoots and converges":
        assert np.all(np.sign(distance[:6]) == [-1, 1, -1, 1, -1, 1])
        assert abs(distance[-1]) < 1e-6
    elif behaviour == "bounces":
        assert abs(distance[-1]) == pytest.approx(abs(distance[0]), rel=1e-9)
    else:
        assert abs(distance[-1]) > 2 * abs(distance[0])


def test_run_kinds():
    a_star = rg.best_a(X, Z)

    def kind(lr, steps=100):
        return rg.run_kind(lr, X, A0, rg.train(A0, X, Z, lr, steps).weights[-1], a_star)
    assert kind(1e-6) == "barely moving"
    assert kind(1e-3) == "converging"
    assert kind(0.02) == "overshooting but converging"
    assert kind(0.03) == "diverging"
    assert kind(rg.stability_bound(X)) == "bouncing"


def test_train_stops_where_the_loss_blows_up():
    lr, weights, losses, grads = rg.train(A0, X, Z, 0.05, 100)
    start = rg.loss(rg.predict(A0, X), Z)
    assert lr == 0.05 and len(weights) == 5 == len(losses) == len(grads) + 1
    assert losses[-1] > rg.BLOWUP * start and np.all(losses[:-1] <= rg.BLOWUP * start)


def test_state_is_the_lessons_numbers():
    a = 0.7
    state = rg.state(a, X, Z, 0.002)
    assert list(state.fitted) == list(rg.predict(a, X))
    assert state.loss == rg.loss(rg.predict(a, X), Z)
    assert state.gradient == rg.gradient(a, X, Z)
    assert state.move == -0.002 * rg.gradient(a, X, Z)


def test_safe_rate_and_steps_needed():
    half = rg.stability_bound(X) / 2
    assert rg.safe_rate(half) == pytest.approx(0.01) and rg.safe_rate(half) < half
    assert rg.safe_rate(2 / rg.curvatures(X)[-1]) == pytest.approx(0.02)
    a_star = rg.best_a(X, Z)
    distance = abs(A0 - a_star)
    close = 0.01 * distance  # the lesson's yardstick: 1% of the start's distance
    for lr in (1e-6, 1e-3, 0.01, 0.02):
        needed = rg.steps_needed(rg.contraction(lr, X), distance, close)
        weights = rg.train(A0, X, Z, lr, needed).weights
        assert abs(weights[-1] - a_star) <= close  # enough steps,
        assert needed == 1 or abs(weights[-2] - a_star) > close  # and no more than needed
    assert rg.steps_needed(rg.contraction(rg.stability_bound(X), X), distance, close) is None


def test_enough_steps_are_enough_and_descend_counts_the_real_steps():
    for lr in (1e-3, 0.01, 0.02, 0.028):
        descent = rg.descend(X, Z, A0, lr, rg.enough_steps(lr, X))
        if rg.enough_steps(lr, X) < rg.STUDY_STEPS:
            assert descent.reached is not None
        if descent.reached is not None:
            gaps = np.hypot(*(descent.path - descent.best).T)
            assert gaps[descent.reached] <= 0.01 * gaps[0] < gaps[descent.reached - 1]


# %% The learning curve predicts itself

def test_excess_loss_follows_c_squared_per_step():
    history = rg.train(A0, X, Z, 1e-3, 100)
    floor = rg.loss(rg.predict(rg.best_a(X, Z), X), Z)
    excess = history.losses - floor
    predicted = excess[0] * rg.contraction(1e-3, X) ** (2.0 * np.arange(101))
    assert excess == pytest.approx(predicted, rel=1e-8)


# %% Two weights

@pytest.mark.parametrize("a, b", [(A0, 0.0), (1.0, -2.0), (2.5, 3.0)])
def test_two_weight_gradients_match_central_differences(a, b):
    h = 1e-6

    def loss_at(a_, b_):
        return rg.loss(rg.predict_with_offset(a_, b_, X), Z)
    along_a = (loss_at(a + h, b) - loss_at(a - h, b)) / (2 * h)
    along_b = (loss_at(a, b + h) - loss_at(a, b - h)) / (2 * h)
    means = np.mean(X * X), np.mean(X), np.mean(X * Z), np.mean(Z)  # as train_two_weights
    assert rg.gradients(a, b, means) == pytest.approx((along_a, along_b), rel=1e-6, abs=1e-6)
    errors = rg.predict_with_offset(a, b, X) - Z  # the sums before they are multiplied out
    direct = 2 * np.mean(errors * X), 2 * np.mean(errors)
    assert rg.gradients(a, b, means) == pytest.approx(direct, rel=1e-12, abs=1e-12)


def test_loss_surface_is_the_loss_at_every_a_and_b():
    a, b = np.meshgrid(np.linspace(-1, 4, 5), np.linspace(-3, 3, 4))
    expected = [[rg.loss(rg.predict_with_offset(p, q, X), Z) for p, q in zip(ra, rb, strict=True)]
                for ra, rb in zip(a, b, strict=True)]
    assert rg.loss_surface(a, b, X, Z) == pytest.approx(np.array(expected), rel=1e-10)


def test_normal_equations_match_least_squares():
    expected = np.linalg.lstsq(np.column_stack([X, np.ones_like(X)]), Z, rcond=None)[0]
    assert rg.best_line(X, Z) == pytest.approx(tuple(expected), rel=1e-12)
    assert rg.best_line(np.ones(5), np.arange(5.0)) is None  # every x the same


def test_two_weight_bound_for_the_post_and_never_above_one_weight():
    assert 2 / rg.curvatures(X)[-1] == pytest.approx(0.02886, abs=5e-6)
    for x in (X, X / 1000, X * 1000 + 5, np.array([1.0, 2.0])):
        assert 2 / rg.curvatures(x)[-1] <= rg.stability_bound(x)


def test_two_weight_loss_never_rises_below_its_bound_and_diverges_above():
    bound = 2 / rg.curvatures(X)[-1]
    path = rg.train_two_weights(A0, 0.0, X, Z, 0.99 * bound, 2000)
    losses = rg.loss_surface(path[:, 0], path[:, 1], X, Z)
    assert np.all(np.diff(losses) <= 1e-12 * losses[:-1])
    assert path[-1] == pytest.approx(rg.best_line(X, Z), rel=1e-3)
    above = rg.train_two_weights(A0, 0.0, X, Z, 1.05 * bound, 300)
    assert rg.loss_surface(above[-1, 0], above[-1, 1], X, Z) > 1e3 * losses[0]


def test_standardised_x_has_mean_0_and_spread_1():
    scaled = rg.standardised(X)
    assert np.mean(scaled) == pytest.approx(0, abs=1e-12)
    assert np.std(scaled) == pytest.approx(1)


# %% How the file is written

MODULES = ["regression_gd.py", "command_line.py", "safe_writing.py", "pictures.py",
           "animation.py", "explorer.py", "data.py", "translation.py"]


def tree_of(name):
    with open(os.path.join(ROOT, name)) as file:
        return ast.parse(file.read())


def lesson_tree():
    return tree_of("regression_gd.py")


def lesson_text():
    with open(SCRIPT) as file:
        return file.read()


def imported_by(name):
    """The top-level names of the modules a file imports."""
    found = set()
    for node in ast.walk(tree_of(name)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module.split(".")[0])
    return found


def code_cells():
    """The lesson's code cells, each as its lines without the `# %%` line."""
    cells = re.split(r"^# %%", lesson_text(), flags=re.M)[1:]
    return [cell.splitlines()[1:] for cell in cells if not cell.startswith(" [markdown]")]


def test_the_lesson_file_holds_the_lesson_and_nothing_else():
    text = lesson_text()
    lines = text.splitlines()
    cells = re.split(r"^# %%", text, flags=re.M)
    prose = sum(cell.count("\n") for cell in cells if cell.startswith(" [markdown]"))
    assert len(lines) <= 750 and prose >= len(lines) / 3
    assert next(number for number, line in enumerate(lines, 1) if "0.34482759" in line) <= 100
    assert max(len(line) for line in lines) <= 88  # the page's code column fits 88
    assert imported_by("regression_gd.py") <= {  # sys and IPython: a notebook alone
        "random", "typing", "numpy", "command_line", "animation", "explorer", "pictures",
        "sys", "IPython"}
    code = "\n".join(line.split("#")[0] for line in lines)
    for machinery in ("argparse", "multiprocessing", "atexit", "signal", "PIL", "Slider",
                      "blit", "palette", "canvas", "Figure", "plt.", "__name__",
                      "SimpleNamespace", "partial", "lambda", "np.r_"):
        assert machinery not in code, machinery
    classes = [node for node in ast.walk(lesson_tree()) if isinstance(node, ast.ClassDef)]
    assert all([base.id for base in node.bases] == ["NamedTuple"] for node in classes)
    for name in ("loss", "gradient", "step", "train"):
        assert f"\ndef {name}(" in text
    assert 'print(f"i={i}: error={losses[-1]}, gradiente={grads[-1]}, a={a}")' in text


def test_no_star_unpacking_in_calls():
    for node in ast.walk(lesson_tree()):
        if isinstance(node, ast.Call):
            assert not any(isinstance(arg, ast.Starred) for arg in node.args), ast.unparse(node)
            assert all(keyword.arg is not None for keyword in node.keywords)


def test_cells_are_short_one_idea_each():
    sizes = [sum(1 for line in cell if line.strip()) for cell in code_cells()]
    assert statistics.median(sizes) <= 6 and max(sizes) <= 25, sorted(sizes)
    for cell in code_cells():  # a function with its docstring is a cell of its own
        tree = ast.parse("\n".join(cell))
        functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        assert len(functions) <= 1 or len(functions) == len(tree.body), cell[:2]


def test_each_picture_is_one_call_with_at_most_five_arguments():
    """The animation takes five: the points, the run, and the lesson's state and bowl."""
    calls = [node for node in ast.walk(lesson_tree()) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
             and node.func.value.id in ("pictures", "animation")
             and node.func.attr != "curve_title"]
    assert len(calls) >= 8
    for call in calls:
        assert len(call.args) + len(call.keywords) <= 5, ast.unparse(call)


def test_arrows_point_one_way():
    """The helpers never import the lesson; each opens with a docstring saying its job."""
    for name in MODULES[1:]:
        assert "regression_gd" not in imported_by(name), name
        assert ast.get_docstring(tree_of(name)), name


def module_level_names(table):
    """The names a module binds that a function may read: constants (UPPER_CASE),
    functions, classes and modules."""
    allowed = set()
    for symbol in table.get_symbols():
        name = symbol.get_name()
        if symbol.is_imported() or name.isupper() or (
                symbol.is_namespace() and symbol.is_assigned() is False):
            allowed.add(name)
    for child in table.get_children():  # def and class statements
        allowed.add(child.get_name())
    return allowed


COMPREHENSIONS = ("listcomp", "dictcomp", "setcomp", "genexpr")


def global_reads(table, inside=None):
    """(function, name) for every module-level name a function reads, in its own body or
    in a comprehension or class within it; a comprehension at the top level is not a
    function."""
    found = []
    for child in table.get_children():
        function = inside or (child.get_type() == "function"
                              and child.get_name() not in COMPREHENSIONS and child.get_name())
        if function:
            found += [(function, name) for name in child.get_globals()]
        found += global_reads(child, function)
    return found


@pytest.mark.parametrize("name", MODULES)
def test_no_function_reads_a_module_level_variable(name):
    """No function reads a module-level variable other than a constant, a function, a
    class or a module: a top-level x can never stand in for a forgotten parameter."""
    with open(os.path.join(ROOT, name)) as file:
        table = symtable.symtable(file.read(), name, "exec")
    allowed = module_level_names(table) | set(dir(builtins))
    bound = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_assigned()
             or symbol.is_imported()}
    wrong = [(function, read) for function, read in global_reads(table)
             if read in bound and read not in allowed]
    assert wrong == []


def test_the_rule_catches_a_forgotten_parameter():
    code = "x = 1\n\ndef f(a):\n    return a * x\n"
    table = symtable.symtable(code, "probe", "exec")
    assert ("f", "x") in global_reads(table) and "x" not in module_level_names(table)


@pytest.mark.parametrize("name", MODULES)
def test_functions_are_short(name):
    long = [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree_of(name))
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 40]
    assert long == []


def test_prose_is_markdown_cells():
    text = lesson_text()
    assert text.count("# %% [markdown]") >= 12
    for heading in ("## The measurements", "## The neuron and a random start",
                    "## How wrong is it? The loss", "## Gradient descent",
                    "## Two weights", "## Try it yourself"):
        assert f"# {heading}" in text


def test_tests_load_the_definitions_without_the_story():
    """conftest's loader runs only imports, functions, classes and constants."""
    assert not hasattr(rg, "history") and not hasattr(rg, "x") and hasattr(rg, "train")
    assert rg.STUDY_STEPS == 5000 and rg.POST_X.shape == (30,)


# %% The log on stdout

def test_log_matches_the_post_byte_for_byte(default_run):
    result, _ = default_run
    with open(POST_LOG) as file:
        assert result.stdout == file.read()


def test_notes_go_to_stderr(default_run):
    result, _ = default_run
    assert "1.991412006340672" in result.stderr  # the exact answer
    assert "gradient check" in result.stderr and "relative difference" in result.stderr
    assert "N/Σx² = 0.02949" in result.stderr and "c = 1 − lr·2Σx²/N = 0.9322" in result.stderr
    assert "b* = -0.486126" in result.stderr and "--lr 0.02 --steps 358" in result.stderr
    assert "at the random start a = 0.2718754143840908 the loss is 103.72263739946467" in (
        result.stderr)  # the start's a and loss, which stdout no longer carries
    for quiet in ("Traceback", "Warning", "warning", "still"):
        assert quiet not in result.stderr
    assert len(result.stderr.splitlines()) <= 8  # the notes fit one screen


def test_every_and_steps_shape_the_log(tmp_path):
    result = run("--steps", "25", "--every", "10", "--no-gif", "--out", str(tmp_path))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["i=10", "i=20", "i=25"]
    with open(POST_LOG) as file:
        assert lines[:2] == file.read().splitlines()[:2]


# %% The pictures

def test_every_picture_is_saved_with_its_size(default_run):
    _, out = default_run
    assert sorted(os.listdir(out)) == sorted(PICTURES)  # and no stray temporary file
    for name in PNGS:
        with Image.open(os.path.join(out, name)) as picture:
            wide = name in WIDE
            assert picture.format == "PNG" and picture.size == ((960 if wide else 640), 480)


def test_default_titles_describe_the_run(default_run):
    _, out = default_run
    titles = {name: title_of(os.path.join(out, name)) for name in PNGS}
    assert titles["measurements.png"] == "The 30 measurements (x, z), and the origin"
    assert titles["learning_curve.png"].startswith("Converging")
    assert "0.869" in titles["learning_curve.png"]  # c² for lr = 0.001
    assert titles["learning_rates.png"].startswith("4 rates tried √10 apart: keep 0.01")


def test_training_gif_frames_timing_and_loop(default_run):
    _, out = default_run
    frames, durations = gif_frames(os.path.join(out, "training.gif"))
    # at most FRAMES = 100 frames, the start included: every number changes at every step
    assert len(frames) == 100 and frames[0].shape == (384, 512, 3)
    assert durations == [200] * 99 + [2000]  # the last frame is held for two seconds
    with Image.open(os.path.join(out, "training.gif")) as gif:
        assert gif.info["loop"] == 0
    assert tuple(frames[0][2, 2]) == (255, 255, 255)
    assert all(np.abs(a - b).sum() > 0 for a, b in zip(frames[:-1], frames[1:], strict=True))


@pytest.mark.slow
def test_frames_option_caps_long_runs(tmp_path):
    result = run("--steps", "1000", "--frames", "20", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert len(gif_frames(tmp_path / "training.gif")[0]) <= 21  # the start and 20 steps


@pytest.mark.slow
def test_no_gif_skips_the_animation(tmp_path):
    result = run("--no-gif", "--out", str(tmp_path))
    assert result.returncode == 0
    assert sorted(os.listdir(tmp_path)) == sorted(PNGS)


@pytest.mark.slow
def test_show_without_a_display_only_warns(tmp_path):
    result = run("--show", "--no-gif", "--out", str(tmp_path))
    assert result.returncode == 0
    assert "warning: --show" in result.stderr and "no display" in result.stderr


# %% Bad input: one clear line, exit status 2, nothing touched

BAD_ARGUMENTS = [
    (["--lr", "0"], "--lr"), (["--lr", "-1"], "--lr"), (["--lr", "nan"], "--lr"),
    (["--lr", "inf"], "--lr"), (["--lr", "abc"], "--lr"),
    (["--steps", "0"], "--steps"), (["--steps", "2.5"], "--steps"), (["--steps", "x"], "--steps"),
    (["--steps", "1000001"], "--steps"),
    (["--every", "0"], "--every"), (["--every", "ten"], "--every"),
    (["--seed", "1.5"], "--seed"), (["--seed", "abc"], "--seed"),
    (["--frames", "1"], "--frames"), (["--frames", "301"], "--frames"),
    (["--seed", "-1"], "--seed"), (["--seed", "9" * 4301], "--seed"), (["--bogus"], "--bogus"),
    (["--explore"], "--explore"),
]


@pytest.mark.parametrize("arguments, named", BAD_ARGUMENTS)
def test_bad_values_exit_2_with_a_message(arguments, named, good_folder):
    before = hashes(good_folder)
    result = run(*arguments, "--out", good_folder)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and named in lines[0]  # one line
    assert hashes(good_folder) == before


def test_explore_without_a_display_says_what_to_do(good_folder):
    result = run("--explore", "--out", good_folder)
    assert result.returncode == 2 and "no display" in result.stderr
    assert "desktop" in result.stderr and "ipympl" in result.stderr


def test_out_that_is_a_file(tmp_path):
    target = tmp_path / "figures"
    target.write_text("not a folder")
    result = run("--out", str(target))
    assert result.returncode == 2 and "is a file" in result.stderr
    assert "Traceback" not in result.stderr and target.read_text() == "not a folder"


@pytest.mark.parametrize("where", ["under-a-file", "read-only"])
def test_out_that_cannot_be_written(where, tmp_path):
    if where == "under-a-file":
        (tmp_path / "file").write_text("x")
        target = str(tmp_path / "file" / "figures")
    else:
        target = "/proc/regression-gd-figures"  # no one, not even root, can create this
    result = run("--out", target)
    assert result.returncode == 2
    assert "cannot write pictures" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_too_old_a_python_gets_one_line(tmp_path):
    code = ("import sys; sys.version_info = (3, 9, 18, 'final', 0); sys.argv = [sys.argv[1]]; "
            f"sys.path.insert(0, {ROOT!r}); "
            "exec(compile(open(sys.argv[0]).read(), sys.argv[0], 'exec'), "
            "{'__name__': '__main__'})")
    result = subprocess.run([sys.executable, "-c", code, SCRIPT, "--out", str(tmp_path)],
                            capture_output=True, text=True, env=headless_env(), timeout=60)
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: this lesson needs Python 3.10 or newer, and this is Python 3.9; make its "
        "virtual environment with a newer Python (see the README)"]


@pytest.mark.parametrize("package", ["numpy", "matplotlib", "PIL"])
def test_a_missing_package_gets_one_line(package, tmp_path):
    code = (f"import sys; sys.modules[{package!r}] = None; sys.argv = [sys.argv[1]]; "
            f"sys.path.insert(0, {ROOT!r}); "  # as `python regression_gd.py` does
            "exec(compile(open(sys.argv[0]).read(), sys.argv[0], 'exec'), "
            "{'__name__': '__main__'})")
    result = subprocess.run([sys.executable, "-c", code, SCRIPT], cwd=tmp_path,
                            capture_output=True, text=True, env=headless_env(), timeout=60)
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(lines) == 1
    assert f"package {package!r} is not installed" in lines[0]
    assert "pip install -r requirements.txt" in lines[0]


# %% Divergence

def test_divergence_stops_exits_1_and_writes_nothing(good_folder):
    before = hashes(good_folder)
    result = run("--lr", "0.05", "--out", good_folder)
    assert result.returncode == 1
    assert "diverged at step 4" in result.stderr and "0.02949" in result.stderr
    assert "--lr 0.01" in result.stderr  # what to try instead
    everything = result.stdout + result.stderr
    for bad in ("nan", "inf ", "Warning", "overflow", "Traceback"):
        assert bad not in everything
    # the log shows the step where the loss blew up, then stops
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["i=4"]
    assert hashes(good_folder) == before


def test_huge_learning_rate_overflows_quietly(tmp_path):
    result = run("--lr", "1e300", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "diverged at step 1" in result.stderr and "infinity" in result.stderr
    assert "Warning" not in result.stderr and "nan" not in result.stdout
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["i=1"]
    assert os.listdir(tmp_path) == []


# %% Ctrl-C and atomic writes

def interrupt_after(marker, arguments, folder, pause=0.0):
    """Start a run, wait until stderr shows `marker`, then press Ctrl-C; (status, stderr)."""
    import time
    process = subprocess.Popen([sys.executable, SCRIPT, *arguments, "--out", folder],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=headless_env())
    seen = []
    for line in process.stderr:
        seen.append(line)
        if marker in line:
            break
    time.sleep(pause)
    process.send_signal(signal.SIGINT)
    rest = process.communicate(timeout=60)[1]
    return process.returncode, "".join(seen) + rest


@pytest.mark.parametrize("moment, arguments, marker, pause", [
    ("training", ["--steps", "1000000", "--lr", "1e-7"], "gradient check", 0.5),
    ("the animation", ["--steps", "300", "--frames", "300", "--lr", "1e-6"], "threshold",
     0.8)])
@pytest.mark.slow
def test_ctrl_c_leaves_the_folder_as_it_was(moment, arguments, marker, pause, good_folder):
    before = hashes(good_folder)
    status, stderr = interrupt_after(marker, arguments, good_folder, pause)
    assert status == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted")
    assert "Traceback" not in stderr and "saved in" not in stderr
    assert hashes(good_folder) == before  # nothing changed, no temporary file left


def test_pictures_discards_what_it_did_not_write(tmp_path):
    (tmp_path / "training.gif").write_bytes(b"old")
    pictures = safe_writing.Pictures(str(tmp_path))
    with open(pictures.temporary("training.gif"), "wb") as file:
        file.write(b"half")
    pictures.discard()
    assert os.listdir(tmp_path) == ["training.gif"]
    assert (tmp_path / "training.gif").read_bytes() == b"old"


@pytest.mark.slow
@pytest.mark.parametrize("fork", [True, False])
def test_a_worker_process_writes_the_same_gif(fork, tmp_path, monkeypatch):
    """By fork, a worker draws the GIF; where there is no fork (spawn would re-run the
    lesson in a fresh interpreter), it is drawn in the main process, the same bytes."""
    arguments = (animation.Run(X, Z, None, rg.train(A0, X, Z, 1e-3, 20), rg.state,
                                 rg.loss_curve), 20)
    animation.write_training_gif(str(tmp_path / "here.gif"), *arguments)
    if not fork:
        monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    folder = tmp_path / "out"
    folder.mkdir()
    pictures = safe_writing.Pictures(str(folder), background=True)
    assert pictures.background == fork
    pictures.add_file("training.gif", animation.write_training_gif, *arguments)
    assert len(pictures.workers) == (1 if fork else 0)
    pictures.save_all()
    assert (folder / "training.gif").read_bytes() == (tmp_path / "here.gif").read_bytes()
    assert [name for name in os.listdir(folder) if not name.startswith(".")] == [
        "training.gif"]


# %% The command line

def test_help_explains_every_option():
    result = run("--help")
    assert result.returncode == 0
    words = " ".join(result.stdout.split())
    for option in ("--lr", "--steps", "--seed", "--every", "--frames", "--data", "--out",
                   "--no-gif", "--show", "--explore", "1,000,000",
                   "the start included, from 2 to 300"):
        assert option in words


@pytest.mark.slow
def test_a_closed_pipe_is_not_an_error(tmp_path):
    command = f'"{sys.executable}" "{SCRIPT}" --no-gif --out "{tmp_path}" | head -1'
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], env=headless_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("i=10: ")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert "learning_rates.png" in os.listdir(tmp_path)


# %% A full disk

@pytest.fixture
def small_disk(tmp_path):
    """A mount point for a tiny tmpfs (root only): mount(size) gives a folder on it."""
    mounted = []

    def mount(size):
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


@pytest.mark.slow
@pytest.mark.parametrize("size", ["200k", "480k", "540k", "650k", "2m"])
def test_a_full_disk_is_one_line_and_leaves_nothing(size, small_disk):
    folder = small_disk(size) / "figures"
    result = run("--out", str(folder))
    lines = [line for line in result.stderr.splitlines() if not line.startswith("note:")]
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    if result.returncode == 0:
        assert sorted(os.listdir(folder)) == sorted(PICTURES)
    else:
        assert result.returncode == 1 and "No space left on device" in lines[0]
        assert os.listdir(folder) == []  # no picture, and no temporary file


# %% Smaller messages

def test_a_display_that_cannot_be_reached_is_named(good_folder):
    """With Tk installed, a dead display is not "install Tk": it is the display."""
    pytest.importorskip("tkinter")
    before = hashes(good_folder)
    result = run("--explore", "--out", good_folder, env={**headless_env(), "DISPLAY": ":55"})
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert "the display ':55' cannot be reached" in lines[0] and "Tk" not in lines[0]
    assert hashes(good_folder) == before


def test_out_that_is_a_link_to_nothing(tmp_path):
    (tmp_path / "figures").symlink_to(tmp_path / "gone")
    result = run("--out", str(tmp_path / "figures"))
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert "is a link to nothing, not a folder" in lines[0] and "File exists" not in lines[0]


def test_a_quick_ending_still_cleans_up(tmp_path):
    """A saved run ends at once (os._exit, skipping the slow shutdown), but only after the
    clean-ups atexit does: matplotlib's temporary configuration folder is removed, the
    log is whole, and the status is 0."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**headless_env(), "MPLCONFIGDIR": "/proc/unwritable", "TMPDIR": str(temporary)}
    result = run("--no-gif", "--out", str(tmp_path / "figures"), env=env)
    assert result.returncode == 0, result.stderr
    with open(POST_LOG) as file:
        assert result.stdout == file.read()
    assert "saved in" in result.stderr.splitlines()[-1]
    assert os.listdir(temporary) == []  # matplotlib's /tmp/matplotlib-XXXX is gone


@pytest.mark.parametrize("rows", ["1e-9,2e-9\n2e-9,4.1e-9\n3e-9,6e-9\n", "1,0\n2,0\n"])
def test_x_far_from_1_or_every_z_zero_runs_to_the_end(rows, tmp_path):
    """Issue 24's reproductions 5 and 6: tiny x (the valley too narrow to cross), and
    every z zero (the answer at the origin): the notes say so, no traceback."""
    (tmp_path / "points.csv").write_text("x,z\n" + rows)
    result = run("--data", "points.csv", "--no-gif", "--out", str(tmp_path / "figures"),
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    assert "two weights after 100 steps" in result.stderr
