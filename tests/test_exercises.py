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
    return [float(line.rsplit("a=", 1)[1]) for line in stdout.splitlines()]


def timid(result, out):
    assert result.returncode == 0 and "still" in result.stderr and "try `" in result.stderr
    assert weights(result.stdout)[0] == pytest.approx(0.27, abs=5e-3)
    assert weights(result.stdout)[-1] == pytest.approx(0.385, abs=5e-4)
    assert title_of(os.path.join(out, "learning_curve.png")).startswith("Barely moving")


def overshooting(result, out):
    a = weights(result.stdout)
    assert a[1] > A_STAR and a[2] < A_STAR and a[3] > A_STAR
    assert abs(a[1] - A_STAR) > abs(a[2] - A_STAR) > abs(a[3] - A_STAR)
    assert a[40] == A_STAR


def past_the_threshold(result, out):
    assert result.returncode == 0 and "warning: lr=0.03 is above the threshold" in result.stderr
    assert weights(result.stdout)[-1] == pytest.approx(-49, abs=0.5)
    assert float(result.stdout.splitlines()[-1].split("error=")[1].split(",")[0]) > 88_000
    blow_up = run("--lr", "0.05", "--out", out)
    assert blow_up.returncode == 1 and "diverged at step 4" in blow_up.stderr
    assert "saved in" not in blow_up.stderr


def one_step(result, out):
    assert f"{weights(result.stdout)[1]:.8f}".startswith("1.99141200")


def another_start(result, out):
    a = weights(result.stdout)
    assert a[0] == pytest.approx(0.324, abs=5e-4)
    assert a[-1] == pytest.approx(A_STAR, rel=0.01)


def stopping(result, out):
    assert ("it would have stopped after 99 steps, at a = 1.98977, 0.00164 from a*"
            in result.stderr)
    # the other 901 steps move a by less than the distance left at step 99
    start = float(result.stdout.splitlines()[0].rsplit("a=", 1)[1])
    at_99 = rg.train(start, rg.POST_X, rg.POST_Z, 1e-3, 99).weights[-1]
    assert abs(weights(result.stdout)[-1] - at_99) < abs(at_99 - A_STAR)


def off_the_origin(result, out):
    assert "forced through (0, 0)" in result.stderr
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


def test_every_suggested_command_is_checked():
    assert commands() == list(PROMISES)


@pytest.mark.parametrize("command", PROMISES)
def test_the_exercise_shows_what_it_promises(command, tmp_path):
    if "offset.csv" in command:
        lines = re.search(r"Save the lines (.*?) \(one a line\) as `offset\.csv`",
                          exercise_text().replace("\n#   ", "")).group(1)
        (tmp_path / "offset.csv").write_text("".join(
            row + "\n" for row in re.findall(r"`([^`]*)`", lines)))
    out = str(tmp_path / "figures")
    result = run(*command.split(), "--no-gif", "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    PROMISES[command](result, out)
