"""The lesson's exercises: each write-it-yourself check says "right" for the right answer and
the matching hint for each typical mistake, and nothing in a script while unwritten; each
try-it question's hidden answer is what its command shows."""

import os
import re

import pytest
from conftest import ROOT, run, write_points

import exercises
import program
import regression_gd as rg

X, Z = rg.POST_X, rg.POST_Z


@pytest.fixture
def said(capsys):
    """The notes a check printed (on stderr, as in a script run)."""
    program.speak("en")
    return lambda: [line.removeprefix("note: exercise ") for line in
                    capsys.readouterr().err.splitlines()]


GRADIENTS = {  # a learner's attempt -> the hint it gets
    "right!": lambda a, x, z: 2 * ((a * x - z) * x).sum() / len(z),
    "off by a factor of N": lambda a, x, z: 2 * ((a * x - z) * x).sum(),
    "half the answer": lambda a, x, z: ((a * x - z) * x).sum() / len(z),
    "the sign is reversed": lambda a, x, z: 2 * ((z - a * x) * x).sum() / len(z),
    "missing the ·x": lambda a, x, z: 2 * (a * x - z).sum() / len(z),
    "it returns a number for each point": lambda a, x, z: 2 * ((a * x - z) * x) / len(z),
    "not yet: `my_gradient(1.0, np.full(4, 2.0), np.zeros(4))` gives 1, and should give 8":
        lambda a, x, z: 1.0}


@pytest.mark.parametrize("hint", GRADIENTS)
def test_the_gradients_check_names_each_mistake(hint, said):
    exercises.check_gradient(GRADIENTS[hint], rg.gradient, X, Z)
    assert said()[0].startswith(f"1: {hint}")


SLOPES_B = {
    "right!": lambda a, b, x, z: 2 * (a * x + b - z).sum() / len(z),
    "off by a factor of N": lambda a, b, x, z: 2 * (a * x + b - z).sum(),
    "half the answer": lambda a, b, x, z: (a * x + b - z).sum() / len(z),
    "the sign is reversed": lambda a, b, x, z: 2 * (z - a * x - b).sum() / len(z),
    "that is ∂loss/∂a": lambda a, b, x, z: 2 * ((a * x + b - z) * x).sum() / len(z)}


@pytest.mark.parametrize("hint", SLOPES_B)
def test_the_offsets_check_names_each_mistake(hint, said):
    exercises.check_offset_slope(SLOPES_B[hint], rg.gradients, rg.means_of)
    assert said()[0].startswith(f"2: {hint}")


MOMENTUM = {
    "right!": lambda a, v, g, lr, beta: (a + (beta * v - lr * g), beta * v - lr * g),
    "the gradient pushes the wrong way": lambda a, v, g, lr, beta: (a + beta * v + lr * g,
                                                                    beta * v + lr * g),
    "the velocity keeps nothing of the last move": lambda a, v, g, lr, beta: (a - lr * g, -lr * g),
    "a moves by the old velocity": lambda a, v, g, lr, beta: (a + v, beta * v - lr * g),
    "return both, the new a and the new velocity": lambda a, v, g, lr, beta: a + beta * v - lr * g,
    "not yet: `momentum_step(1.0, 0.5, 2.0, 0.1, 0.9)` gives (1.05, 0.05), and should give "
    "(1.25, 0.25)": lambda a, v, g, lr, beta: (a + 0.5 * v - lr * g, 0.5 * v - lr * g)}


@pytest.mark.parametrize("hint", MOMENTUM)
def test_the_momentum_check_names_each_mistake(hint, said):
    exercises.check_momentum(MOMENTUM[hint])
    assert said()[0].startswith(f"3: {hint}")


def test_unwritten_a_check_says_nothing_in_a_script(said):
    for check, args in ((exercises.check_gradient, (rg.gradient, X, Z)),
                        (exercises.check_offset_slope, (rg.gradients, rg.means_of)),
                        (exercises.check_momentum, ())):
        check(lambda *given: None, *args)
    assert said() == []


def test_the_lessons_solutions_are_right(said):
    text = open(os.path.join(ROOT, "regression_gd.py"), encoding="utf-8").read()
    solutions = re.findall(r"<summary>A solution</summary>\n#\n# `([^`]+)`", text)
    assert solutions[0] == "return 2 * ((a * x - z) * x).sum() / len(z)"
    assert solutions[1] == "return 2 * (a * x + b - z).sum() / len(z)"
    exercises.check_gradient(lambda a, x, z: 2 * ((a * x - z) * x).sum() / len(z),
                             rg.gradient, X, Z)
    exercises.check_offset_slope(lambda a, b, x, z: 2 * (a * x + b - z).sum() / len(z),
                                 rg.gradients, rg.means_of)
    assert said() == ["1: right!", "2: right!"]


def last_line(result, prefix):
    return [line for line in result.stdout.splitlines() if line.startswith(prefix)][-1]


@pytest.mark.slow
@pytest.mark.parametrize("number", range(1, 8))
def test_each_try_it_answer_is_what_its_command_shows(number, tmp_path):
    """The seven answers in "Try it yourself", against their commands' runs."""
    out = ["--out", str(tmp_path / "f"), "--no-gif"]
    if number == 1:
        result = run("--lr", "1e-5", *out)
        assert last_line(result, "i=100").endswith("a=0.38465842568549874")
        assert "Barely moving" in open(tmp_path / "f" / "learning_curve.png", "rb").read(
            ).decode("latin-1")
    elif number == 2:
        weights = rg.train(rg.random_start(45), X, Z, 0.02, 40).weights
        assert weights[1] > 1.9914 > weights[2] and weights[40] == rg.best_a(X, Z)
    elif number == 3:
        result = run("--lr", "0.03", *out)
        line = last_line(result, "i=100")
        assert float(line.split("a=")[1]) == pytest.approx(-49, abs=0.5)
        assert float(line.split("error=")[1].split(",")[0]) > 88_000
        failed = run("--lr", "0.05", *out)
        assert failed.returncode == 1 and "diverged at step 4" in failed.stderr
    elif number == 4:
        result = run("--lr", "0.0147457627", "--steps", "3", "--every", "1", *out)
        assert result.stdout.splitlines()[0].split("a=")[1].startswith("1.99141200")
    elif number == 5:
        result = run("--seed", "7", *out)
        start, end = rg.random_start(7), float(last_line(result, "i=100").split("a=")[1])
        assert round(start, 4) == 0.3238
        assert abs(end - rg.best_a(X, Z)) < 0.01 * abs(start - rg.best_a(X, Z))
    elif number == 6:
        result = run("--steps", "1000", "--every", "100", *out)
        assert "it would have stopped at step 99, at a = 1.98977, 0.00164 from a*" in (
            result.stderr)
    else:
        path = write_points(str(tmp_path), "offset.csv", range(5), [10, 12, 14, 16, 18])
        result = run("--data", path, *out)
        assert "lie off the origin" in result.stderr
        assert "a = 3.55468, b = 1.69599; exact a* = 2, b* = 10" in result.stderr
        longer = run("--data", path, "--lr", "0.1", "--steps", "300", *out)
        assert "a = 2, b = 10; exact a* = 2, b* = 10" in longer.stderr
