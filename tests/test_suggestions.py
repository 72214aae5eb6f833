"""Every command a note or an error suggests works when run: from a matrix of runs (the
post's data at three rates, x in the thousands), each suggestion is run and does what the
note promised: it exits 0, and the distance the note named is closed."""

import re

import numpy as np
import pytest
from conftest import run

SUGGESTION = re.compile(r"`python regression_gd\.py([^`]*)`")
STILL_FAR = "is still"  # the one-weight note of a run that ended far from a*
TWO_FAR = "gets within 1% of the start's distance"  # the two-weights advice


def thousands(folder):
    """30 points with x from 0 to 3,000 and z about 2·x, as a learner's own file."""
    x = np.linspace(0, 3000, 30)
    z = 2 * x + np.random.default_rng(3).normal(0, 50, 30)
    path = folder / "thousands.csv"
    path.write_text("x,z\n" + "".join(f"{p},{q}\n" for p, q in zip(x, z, strict=True)))
    return ["--data", "thousands.csv"]


def suggestions(stderr):
    """(what kind of advice, the suggested options) for each command a run suggests."""
    found = []
    for line in stderr.splitlines():
        kind = ("diverged" if "diverged" in line else "two weights" if TWO_FAR in line
                else "one weight" if STILL_FAR in line else None)
        found += [(kind, words.split()) for words in SUGGESTION.findall(line)]
    return found


def check(kind, result):
    """What the suggestion promised, in the run it gave."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if kind == "one weight":
        assert STILL_FAR not in result.stderr
    if kind == "two weights":
        assert TWO_FAR not in result.stderr and "two weights after" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("options", [["--lr", "1e-5"], ["--lr", "0.02"], ["--lr", "0.03"],
                                     "thousands"])
def test_every_suggested_command_works(options, tmp_path):
    if options == "thousands":
        options = thousands(tmp_path)
    first = run(*options, "--no-gif", "--out", str(tmp_path / "first"), cwd=tmp_path)
    advice = suggestions(first.stderr)
    assert advice, first.stderr  # each of these runs suggests something
    seen = set()
    while advice:  # a suggested run may suggest more: follow each once
        kind, words = advice.pop(0)
        if tuple(words) in seen:
            continue
        seen.add(tuple(words))
        result = run(*words, "--no-gif", "--out", str(tmp_path / f"run{len(seen)}"),
                     cwd=tmp_path)
        check(kind, result)
        advice += suggestions(result.stderr)
    assert len(seen) <= 6
