"""The lesson's "Try it yourself" exercises: every command it suggests is run, and what the
exercise promises is checked."""

import os
import re

import pytest
from conftest import SCRIPT, run, title_of

import regression_gd as rg

A_STAR = 1.991412006340672


def exercise_text():
    with open(SCRIPT) as file:
        text = file.read()
    return text[text.index("## Try it yourself"):]


def commands():
    return re.findall(r"`python regression_gd\.py([^`]*)`", exercise_text())


def weights(stdout):
    """The a of each progress line."""
    return [float(line.rsplit("a=", 1)[1]) for line in stdout.splitlines()]


def start_a(stderr):
    """The random start, from its note (the log starts after the first step)."""
    return float(re.search(r"at the random start a = (\S+) ", stderr).group(1))


def timid(result, out):
    assert result.returncode == 0 and "still" in result.stderr and "try `" in result.stderr
    assert start_a(result.stderr) == pytest.approx(0.27, abs=5e-3)
    assert weights(result.stdout)[-1] == pytest.approx(0.385, abs=5e-4)
    assert title_of(os.path.join(out, "learning_curve.png")).startswith("Barely moving")


def overshooting(result, out):
    a = weights(result.stdout)  # a[0] is after step 1
    assert a[0] > A_STAR and a[1] < A_STAR and a[2] > A_STAR
    assert abs(a[0] - A_STAR) > abs(a[1] - A_STAR) > abs(a[2] - A_STAR)
    assert a[39] == A_STAR


def past_the_threshold(result, out):
    assert result.returncode == 0 and "warning: lr=0.03 is at or above the threshold" in (
        result.stderr)
    assert weights(result.stdout)[-1] == pytest.approx(-49, abs=0.5)
    assert float(result.stdout.splitlines()[-1].split("error=")[1].split(",")[0]) > 88_000
    blow_up = run("--lr", "0.05", "--out", out)
    assert blow_up.returncode == 1 and "diverged at step 4" in blow_up.stderr
    assert "saved in" not in blow_up.stderr


def one_step(result, out):
    assert f"{weights(result.stdout)[0]:.8f}".startswith("1.99141200")


def another_start(result, out):
    start, end = start_a(result.stderr), weights(result.stdout)[-1]
    assert start == pytest.approx(0.324, abs=5e-4)
    assert abs(end - A_STAR) <= 0.01 * abs(start - A_STAR)


def stopping(result, out):
    assert ("it would have stopped after 99 steps, at a = 1.98977, 0.00164 from a*"
            in result.stderr)
    # the other 901 steps close nearly all of the 0.00164 left at step 99
    at_99 = rg.train(start_a(result.stderr), rg.POST_X, rg.POST_Z, 1e-3, 99).weights[-1]
    moved, left = abs(weights(result.stdout)[-1] - at_99), abs(at_99 - A_STAR)
    assert left == pytest.approx(0.00164, abs=5e-6) and 0.999 * left < moved <= left


def off_the_origin(result, out):
    assert "forced through (0, 0)" in result.stderr
    assert "the best loss with one weight is 33.33" in result.stderr
    assert "exact minimum a* = Σxz/Σx² = 5.333333333333333 with loss 33.333333333333336" \
        in result.stderr
    assert "exact a* = 2, b* = 10" in result.stderr
    assert "after 100 steps at lr = 0.001: a = 3.55468, b = 1.69599" in result.stderr


def off_the_origin_reached(result, out):
    assert "two weights after 300 steps at lr = 0.1: a = 2, b = 10;" in result.stderr


PROMISES = {
    " --lr 1e-5": timid,
    " --lr 0.02 --every 1": overshooting,
    " --lr 0.03": past_the_threshold,
    " --lr 0.0147457627 --steps 3 --every 1": one_step,
    " --seed 7": another_start,
    " --steps 1000 --every 100": stopping,
    " --data offset.csv": off_the_origin,
    " --data offset.csv --lr 0.1 --steps 300": off_the_origin_reached,
}
OPTIONS = {"LEARNING_RATE": "--lr", "STEPS": "--steps", "SEED": "--seed", "EVERY": "--every",
           "DATA": "--data"}


def test_every_suggested_command_is_checked():
    assert commands() == list(PROMISES)


def test_each_exercise_gives_the_knobs_for_its_command():
    """In a notebook, the knobs named in an exercise do what its command does."""
    items = re.split(r"\n# \d\. ", re.sub(r"\n#    ", " ", exercise_text()))[1:]
    assert len(items) == 7
    for item in items:
        knobs = re.findall(r"`([A-Z_]+) = ([^`]+)`", item)
        assert knobs, item[:60]
        words = " ".join(re.findall(r"`(?:python regression_gd\.py)?( --[^`]*)`", item))
        for knob, value in knobs:
            assert f"{OPTIONS[knob]} {value.strip(chr(34))}" in words, (knob, item[:60])


def offset_file(folder):
    """Run the exercise's own line of code that writes offset.csv, in `folder`."""
    code = re.search(r'`(open\("offset\.csv".*?)`\.', exercise_text()).group(1)
    here = os.getcwd()
    os.chdir(folder)
    try:
        exec(code)
    finally:
        os.chdir(here)


@pytest.mark.slow
@pytest.mark.parametrize("command", PROMISES)
def test_the_exercise_shows_what_it_promises(command, tmp_path):
    if "offset.csv" in command:
        offset_file(tmp_path)
        assert (tmp_path / "offset.csv").read_text().splitlines()[:2] == ["x,z", "0,10"]
    out = str(tmp_path / "figures")
    result = run(*command.split(), "--no-gif", "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    PROMISES[command](result, out)
