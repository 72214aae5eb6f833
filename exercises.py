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


def verdict(exercise, mine, right, mistakes):
    """Say whether the learner's answers `mine` are the `right` ones (lists of numbers), or
    which of the `mistakes` ({hint: the first answers that mistake gives}) they match, or
    where they differ."""
    if any(value is None for value in mine):
        words = (_("not written yet: replace the ... with your code, then run the cell "
                   "again") if program.in_notebook() else None)
    elif any(np.ndim(value) for value in mine):
        words = _("it returns {count} numbers, not one: did you forget the .sum()?").format(
            count=np.size(mine[0]))
    elif np.allclose(mine, right, rtol=1e-9, atol=1e-12):
        words = _("right!")
    else:
        words = next((hint for hint, wrong in mistakes.items()
                      if np.allclose(mine[:len(wrong)], wrong, rtol=1e-9, atol=1e-12)),
                     _("not yet: for the first input yours gives {mine}, the answer is {right}")
                     .format(mine=program.number_text(mine[0], ".6g"),
                             right=program.number_text(right[0], ".6g")))
    if words:
        program.note(_("exercise {exercise}: {words}").format(exercise=exercise, words=words))
    return words == _("right!")


def common(right):
    """The hints for the mistakes every derivative here invites, with their answers."""
    return {_("off by a factor of N: did you divide by the number of points?"):
            [value * 4 for value in right],
            _("half the answer: the derivative of a square brings down a 2"):
            [value / 2 for value in right]}


def check_gradient(mine, gradient, x, z):
    """Exercise 1: the learner's gradient(a, x, z) against the lesson's `gradient`, on the
    probes and at two a on the points (x, z)."""
    inputs = [(a, px, pz) for a, _b, px, pz in PROBES] + [(a, x, z) for a in (-1.0, 3.0)]
    right = [gradient(*given) for given in inputs]
    return verdict(1, [mine(*given) for given in inputs], right, {**common(right[:2]), **{
        _("the sign is reversed: the error is a·x − z, not z − a·x"):
            [-value for value in right[:2]],
        _("missing the ·x: by the chain rule, the error a·x − z changes by x per unit of a"):
            [right[0] / 2, right[1] / 5]}})


def check_offset_slope(mine, gradients, means_of):
    """Exercise 2: the learner's slope_b(a, b, x, z) against the lesson's
    `gradients(a, b, means_of(x, z))[1]`, on the probes."""
    both = [gradients(a, b, means_of(x, z)) for a, b, x, z in PROBES]
    right = [slope_b for _slope_a, slope_b in both]
    return verdict(2, [mine(*given) for given in PROBES], right, {**common(right), **{
        _("the sign is reversed: the error is a·x + b − z"): [-value for value in right],
        _("that is ∂loss/∂a: b's input is 1, so there is no ·x"):
            [slope_a for slope_a, _slope_b in both]}})


def check_momentum(mine):
    """Exercise 3: the learner's momentum_step(a, velocity, slope, lr, beta), against the
    answer velocity ← beta·velocity − lr·slope, then a ← a + velocity: from a = 1,
    velocity 0.5, slope 2, lr 0.1 and beta 0.9, a = 1.25 and velocity 0.25."""
    answer = mine(1.0, 0.5, 2.0, 0.1, 0.9)
    return verdict(3, [None] if answer is None else list(answer), [1.25, 0.25], {
        _("the gradient pushes the wrong way: subtract lr·slope"): [1.65, 0.65],
        _("the velocity forgets itself: keep beta·velocity"): [0.8, -0.2],
        _("a moves by the old velocity: update the velocity first"): [1.5, 0.25]})
