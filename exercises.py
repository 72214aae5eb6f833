"""The checks of the lesson's three write-it-yourself exercises: the gradient, the offset's
slope ∂loss/∂b, and one momentum step.

Each check calls the learner's function on a few inputs and compares it with the answer:
the lesson's own function where the lesson has one, handed in. It says in one line that
the function is right, or what is wrong, with a hint from the typical mistakes (a factor
of N, the 2, the sign, the ·x). A function left unwritten (its body still `...`, so it
returns None) gets one line in a notebook, and nothing in a script run.
"""

import numpy as np

import program
from program import _

PROBES = [(1.0, 0.5, np.full(4, c), np.zeros(4)) for c in (2.0, 5.0)]  # a, b, x, z: four
# equal x's, so that each typical mistake gives its own answers (a missing ·x: 1/x of it)
FIRST = "1.0, np.full(4, 2.0), np.zeros(4)"  # the first probe's a, x and z, as typed


def verdict(exercise, mine, right, mistakes, call):
    """Say whether the learner's return values `mine` are the `right` ones, else which of
    the `mistakes` ({hint: the first values that mistake gives}) they match, else how the
    first, from `call`, differs."""
    if any(value is None for value in mine):
        words = (_("not written yet: replace the ... with your code and run the cell again "
                   "(if you did, does it end with return?)") if program.in_notebook() else None)
    elif list(map(np.shape, mine)) != list(map(np.shape, right)):
        words = (_("return both, the new a and the new velocity: return a, velocity")
                 if np.ndim(right[0]) else _("it returns a number for each point, not one "
                                             "number: did you forget the .sum()?"))
    else:
        words = next((hint for hint, wrong in {_("right!"): right, **mistakes}.items()
                      if np.allclose(mine[:len(wrong)], wrong, rtol=1e-9, atol=1e-12)),
                     _("not yet: {call} gives {mine}, and should give {right}").format(
                         call=call, mine=shown(mine[0]), right=shown(right[0])))
    if words:
        program.note(_("exercise {exercise}: {words}").format(exercise=exercise, words=words))


def shown(value):
    """A return value in the language spoken: "4" or "(1.3, 0.75)"."""
    numbers = [program.number_text(number, ".6g") for number in np.ravel(value)]
    comma = "; " if program.Words.language == "es" else ", "  # Spanish decimals use commas
    return numbers[0] if np.ndim(value) == 0 else f"({comma.join(numbers)})"


def common(right):
    """The hints for the mistakes every derivative here invites, with their answers (from
    the `right` answers, an array)."""
    return {_("off by a factor of N: did you divide by the number of points?"): right * 4,
            _("half the answer: the derivative of a square brings down a 2"): right / 2}


def check_gradient(mine, gradient, x, z):
    """Exercise 1: the learner's gradient(a, x, z) against the lesson's `gradient`, on the
    probes and at two a on the points (x, z)."""
    inputs = [(a, px, pz) for a, _b, px, pz in PROBES] + [(a, x, z) for a in (-1.0, 3.0)]
    right = np.array([gradient(*given) for given in inputs])
    verdict(1, [mine(*given) for given in inputs], right, {**common(right[:2]), **{
        _("the sign is reversed: the error is a·x − z, not z − a·x"): -right[:2],
        _("missing the ·x: by the chain rule, the error a·x − z changes by x per unit of a"):
            right[:2] / [2, 5]}}, f"`my_gradient({FIRST})`")  # the probes' x: 2 and 5


def check_offset_slope(mine, gradients, means_of):
    """Exercise 2: the learner's slope_b(a, b, x, z) against the lesson's
    `gradients(a, b, means_of(x, z))[1]`, on the probes."""
    slope_a, right = np.array([gradients(a, b, means_of(x, z)) for a, b, x, z in PROBES]).T
    verdict(2, [mine(*given) for given in PROBES], right, {**common(right), **{
        _("the sign is reversed: the error is a·x + b − z"): -right,
        _("that is ∂loss/∂a: b's input is 1, so there is no ·x"): slope_a}},
        f"`my_slope_b(1.0, 0.5, {FIRST[5:]})`")


def check_momentum(mine):
    """Exercise 3: the learner's momentum_step(a, velocity, slope, lr, beta), against the
    answer velocity ← beta·velocity − lr·slope, then a ← a + velocity: from a = 1,
    velocity 0.5, slope 2, lr 0.1 and beta 0.9, a = 1.25 and velocity 0.25."""
    verdict(3, [mine(1.0, 0.5, 2.0, 0.1, 0.9)], [(1.25, 0.25)], {
        _("the gradient pushes the wrong way: subtract lr·slope"): [(1.65, 0.65)],
        _("the velocity keeps nothing of the last move: keep beta·velocity"): [(0.8, -0.2)],
        _("a moves by the old velocity: update the velocity first"): [(1.5, 0.25)]},
        "`momentum_step(1.0, 0.5, 2.0, 0.1, 0.9)`")
