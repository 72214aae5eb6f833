# %% [markdown]
# # One neuron learns a line: gradient descent, step by step
#
# A neural network learns by nudging its weights, over and over, in whichever direction
# makes its error smaller. This lesson shows that on the smallest network there is: one
# neuron with one weight `a`, which turns an input `x` into an output `z = a·x`. It gets
# 30 measured points, starts from a random `a`, and improves `a` step by step until its
# line fits the points.
#
# What carries over to large networks: a loss that measures the error, the loss's
# derivative with respect to a weight (the *gradient*, found with the chain rule), and the
# update that moves each weight a little against its gradient. What comes later and is not
# here: a bias (the last section adds one), activation functions that bend a neuron's
# output, many neurons in layers, backpropagation (the chain rule applied layer after
# layer), and mini-batches (each step looking at a sample of the data, not all of it).
#
# Run it with `python regression_gd.py`: the log goes to the terminal, the pictures into
# `figures/`; `--help` lists the options. As a notebook, each section shows its result
# below it. The drawing, the animation, the explorer and the command line live in modules
# beside this file, and show only what is computed here.

# %%
import command_line as cli  # first: it checks this Python and its packages, and quiets Ctrl-C

# isort: split
import random
from functools import partial
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np

import animation
import explorer
import pictures as draw
from data import DataError, Measurements, load_measurements

# %% [markdown]
# ## The knobs
#
# The values the post uses. Each one is also a command-line option (`--lr 0.01`,
# `--steps 500`, ...); in a notebook, change them here and run the cells again.

# %%
LEARNING_RATE = 1e-3  # each step moves a by LEARNING_RATE × gradient
STEPS = 100  # how many updates training makes
SEED = 45  # seed of Python's random generator, which picks the starting a
EVERY = 10  # a progress line every this many steps
FRAMES = 100  # at most this many frames in the training animation
OUT = "figures"  # the folder the pictures are written to
EXPLORE = False  # open the live explorer at the end (a window; in Jupyter it needs ipympl)

if __name__ == "__main__":
    settings, pictures = cli.read_settings(dict(
        lr=LEARNING_RATE, steps=STEPS, seed=SEED, every=EVERY, frames=FRAMES, out=OUT,
        explore=EXPLORE))
    run = SimpleNamespace()  # what the run computes, section by section

# %% [markdown]
# ## The measurements
#
# Thirty points (x, z) measured in some experiment. Plotted, they lie close to a straight
# line through the origin (0, 0), which is exactly the kind of line `z = a·x` one neuron
# can draw. Learning means finding the `a` whose line passes closest to the points.
#
# With `--data FILE` the lesson uses your own points. If they do not pass near the origin
# (marked +), no line `z = a·x` fits them well; the two-weights section says so, and fits
# a line with an offset instead.

# %%
POST_X = np.array([0., 0.34482759, 0.68965517, 1.03448276, 1.37931034,
                   1.72413793, 2.06896552, 2.4137931, 2.75862069, 3.10344828,
                   3.44827586, 3.79310345, 4.13793103, 4.48275862, 4.82758621,
                   5.17241379, 5.51724138, 5.86206897, 6.20689655, 6.55172414,
                   6.89655172, 7.24137931, 7.5862069, 7.93103448, 8.27586207,
                   8.62068966, 8.96551724, 9.31034483, 9.65517241, 10.])
POST_Z = np.array([-0.16281253, 1.88707606, 0.39649312, 0.03857752, 4.0148778,
                   0.58866234, 3.35711859, 1.94314906, 6.96106424, 5.89792585,
                   8.47226615, 3.67698542, 12.05958678, 9.85234481, 9.82181679,
                   6.07652248, 14.17536744, 12.67825433, 12.97499286, 11.76098542,
                   12.7843083, 16.42241036, 13.67913705, 15.55066478, 17.45979602,
                   16.41982806, 17.01977617, 20.28151197, 19.38148414, 19.41029831])


if __name__ == "__main__":
    try:
        points = load_measurements(settings.data) if settings.data else Measurements(
            POST_X, POST_Z, None)
    except DataError as error:
        cli.fail(error, 2)
    pictures.add("measurements.png", draw.plot_measurements, *points)

# %% [markdown]
# ## The neuron and a random start
#
# The neuron's whole computation is one multiplication, `z = a·x`. Before training we know
# nothing about `a`, so, like the weights of any network, it starts at a random value.
# Seeding Python's generator makes "random" the same on every run, so your numbers match
# the post's. The red segments in the picture are the errors: for each point, the gap
# between what the neuron says at that x and what was measured.

# %%
def predict(a, x, b=None):
    """The neuron's output for inputs x: a·x (plus an offset b, in the two-weights section)."""
    return a * x if b is None else a * x + b


def random_start(seed):
    """A starting weight drawn uniformly from [0, 1) by Python's seeded generator."""
    random.seed(seed)
    return random.random()


if __name__ == "__main__":
    run.start_a = random_start(settings.seed)
    pictures.add("random_start.png", draw.plot_random_start, *points, run.start_a,
                 predict(run.start_a, points.x))

# %% [markdown]
# ## How wrong is it? The loss
#
# One number for how wrong the line is: the mean squared error. Square each point's error
# (so errors above and below the line both count, and big ones count a lot) and average
# them. Only a line through every point would score 0. The sum runs through numpy in this
# exact order, so every digit matches the post's.
#
# The log's first line is this loss at the random start, and the start itself:
# `i=0: error=103.72…, a=0.2718…` for the post's data.

# %%
def loss(z_pred, z):
    """Mean squared error between predictions z_pred and measurements z (along the last axis)."""
    return np.sum((z_pred - z) ** 2, axis=-1) / z.shape[-1]


if __name__ == "__main__":
    run.start_loss = loss(predict(run.start_a, points.x), points.z)
    cli.say([f"i=0: error={run.start_loss}, a={run.start_a}"])

# %% [markdown]
# ## The loss for every a: a bowl, and its slope
#
# Compute the loss for many values of `a` and plot them: a bowl (a parabola, since the loss
# is quadratic in `a`) with the best `a` at the bottom. Gradient descent finds the bottom
# from its slope. Differentiating one squared error with the chain rule,
#
#     d/da (a·x − z)² = 2·(a·x − z) · d/da (a·x − z) = 2·(a·x − z)·x
#
# and averaging over the N points gives the gradient
#
#     d loss / d a = (2/N) · Σ (a·x − z)·x
#
# That two-line chain rule is the seed of backpropagation, which repeats it through every
# layer of a deep network. The gradient is the slope of the tangent to the bowl at `a`:
# negative left of the minimum, positive right of it, zero at it. Setting it to zero gives
# the minimum in closed form (a formula, no search), `a* = Σxz / Σx²`, which we use only to
# check how close training gets. Real networks are not linear in their weights, so they
# have no such formula: gradient descent is how they are trained.
#
# For this loss the slope is `(2Σx²/N)·(a − a*)`: exactly proportional to the distance from
# the minimum, so here the gradient tells how far away `a*` is. That is special to
# quadratic losses; in general a steep slope does not mean a long way to go.
#
# The notes also check the formula numerically: the central finite difference
# `(loss(a+h) − loss(a−h)) / 2h` measures the slope from two nearby losses, with no
# calculus at all. A right formula agrees to about 1e-6 or better (relative difference);
# a wrong one is off by a relative difference near 1.
#
# Every picture draws what `state` below returns for the weight it shows: the line, the
# loss, the gradient and the next step, all from these functions.

# %%
def loss_curve(x, z, a_values):
    """The loss at many weights a at once. It is a parabola with its floor at a*, so it is
    loss(a*) + (Σx²/N)·(a − a*)²: one pass over the data, however many a."""
    a_star = best_a(x, z)
    return loss(predict(a_star, x), z) + np.sum(x * x) / len(x) * (a_values - a_star) ** 2


def gradient(a, x, z, b=None):
    """The derivative of the loss with respect to a, at a (and at the offset b)."""
    return 2 * np.sum((predict(a, x, b) - z) * x) / len(z)


def best_a(x, z):
    """The exact minimum of the loss over a: a* = Σxz / Σx²."""
    return np.sum(x * z) / np.sum(x * x)


def finite_difference(a, x, z, h=1e-6):
    """The slope of the loss at a, measured numerically: (loss(a+h) − loss(a−h)) / 2h."""
    return (loss(predict(a + h, x), z) - loss(predict(a - h, x), z)) / (2 * h)


class State(NamedTuple):
    """What the pictures show for one weight a."""
    a: float
    fitted: np.ndarray  # the neuron's output a·x at every x: its line, and the errors
    loss: float
    gradient: float  # the slope of the tangent to the bowl at a
    move: float  # the next step's change of a, −lr·gradient (next section)


def state(a, x, z, lr):
    """The neuron with weight a, as the pictures show it, for training at rate lr."""
    fitted, grad = predict(a, x), gradient(a, x, z)
    return State(a, fitted, loss(fitted, z), grad, -lr * grad)


if __name__ == "__main__":
    run.a_star = best_a(points.x, points.z)
    run.min_loss = loss(predict(run.a_star, points.x), points.z)
    run.at, run.bowl = (partial(state, x=points.x, z=points.z, lr=settings.lr),
                        partial(loss_curve, points.x, points.z))
    pictures.add("loss_curve.png", draw.plot_loss_curve, run.bowl, run.at, run.a_star,
                 draw.bowl_limits(run.a_star, run.start_a))
    cli.note_minimum(run.a_star, run.min_loss, gradient(run.start_a, *points[:2]),
                     finite_difference(run.start_a, *points[:2]))

# %% [markdown]
# ## Gradient descent
#
# One step moves `a` against the slope: `a ← a − lr·gradient`. Where the slope is negative
# (left of `a*`) `a` grows, where it is positive `a` shrinks: always downhill. The learning
# rate `lr` scales the step, which is `lr × gradient`: at the post's start the gradient is
# −116.6, so with lr = 0.001 the first step moves `a` by 0.1166, not by 0.001.
#
# How large may `lr` be? Put the slope `(2Σx²/N)·(a − a*)` into the update and every step
# turns out to multiply the signed distance `a − a*` by the same number,
#
#     c = 1 − lr·2Σx²/N
#
# - 0 < c < 1, for lr below N/(2Σx²) (0.0147 for the post's points): `a` walks towards
#   `a*` from one side. The steps shrink, but each removes the same share 1 − c of what is
#   left: here about 33 steps per factor of 10 closer.
# - c = 0, at lr = N/(2Σx²): `a` lands on `a*` in a single step.
# - −1 < c < 0, for lr between N/(2Σx²) and N/Σx² (0.0295 here): every step overshoots,
#   landing on the other side of `a*`, and still converges, each swing smaller.
# - c = −1, at lr = N/Σx² exactly: `a` bounces between two values for ever.
# - c < −1, above N/Σx²: every swing is larger than the last; training diverges.
#
# So N/Σx² is the threshold between converging and diverging, and it depends on the
# scale of x. The post calls 1e-3 to 1e-4 typical rates; that holds for points like these,
# with x from 0 to 10. The same points stretched to x from 0 to 200 have a threshold 400
# times smaller (7.4e-5), and lr = 0.001 diverges on them.
#
# The log prints a line every 10 steps: the loss after the step, the gradient the step
# used (`gradiente`, the post's word, kept so the lines diff clean) and the new `a`. That
# gradient was taken at the weight *before* the step, so it is not the slope at the
# printed `a`: at i=10 it reads −61.98, while the slope at the printed `a` is −57.78.

# %%
def step(a, grad, lr):
    """One gradient-descent update of a weight."""
    return a - lr * grad


def stability_bound(x):
    """The threshold N/Σx²: below it gradient descent converges, above it it diverges."""
    return len(x) / np.sum(x * x)


def contraction(lr, x):
    """c = 1 − lr·2Σx²/N: each step multiplies the distance a − a* by c."""
    return 1 - lr * 2 * np.sum(x * x) / len(x)


BLOWUP = 1000  # a run whose loss exceeds this many times its starting loss has diverged


def blew_up(value, start_loss):
    """Whether a loss means the run diverged: not finite, or past BLOWUP times the start."""
    return bool(not np.isfinite(value) or value > BLOWUP * start_loss)


class History(NamedTuple):
    """A training run, one entry per step: the weight after it, its loss, the gradient used."""
    weights: np.ndarray
    losses: np.ndarray
    grads: np.ndarray


def train(a, x, z, lr, steps):
    """Take up to `steps` updates from a; stop early, after the step, if the loss blows up."""
    start_loss = loss(predict(a, x), z)
    weights, losses, grads = np.empty(steps), np.empty(steps), np.empty(steps)
    # A diverging run overflows to inf; blew_up catches that, so numpy need not warn.
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(steps):
            grads[i] = gradient(a, x, z)
            a = step(a, grads[i], lr)
            weights[i], losses[i] = a, loss(predict(a, x), z)
            if blew_up(losses[i], start_loss):
                return History(weights[:i + 1], losses[:i + 1], grads[:i + 1])
    return History(weights, losses, grads)


def progress_lines(history, every, last):
    """The log after the start: every `every`-th step up to step `last`, and that one."""
    shown = list(range(every, last + 1, every)) + ([last] if last % every else [])
    weights, losses, grads = (part[np.array(shown, dtype=int) - 1].tolist() for part in history)
    return [f"i={i}: error={error}, gradiente={grad}, a={a}"
            for i, error, grad, a in zip(shown, losses, grads, weights, strict=True)]


def run_kind(lr, x, start_a, end_a, a_star):
    """How a run went: diverging, bouncing, barely moving, overshooting or converging."""
    bound = stability_bound(x)
    if lr > bound:
        return "diverging"
    if lr == bound:
        return "bouncing"
    if abs(end_a - a_star) > 0.9 * abs(start_a - a_star):
        return "barely moving"
    return "overshooting but converging" if lr > bound / 2 else "converging"


def safe_rate(limit):
    """A learning rate safely below `limit`: 0.9 of it, rounded down to one digit."""
    magnitude = 10.0 ** np.floor(np.log10(0.9 * limit))
    return float(np.floor(0.9 * limit / magnitude) * magnitude)


def steps_needed(c, distance, close):
    """How many steps, each multiplying the distance to the minimum by c (or less), bring it
    from `distance` to within `close`; None if it never gets there (|c| ≥ 1)."""
    if abs(c) >= 1:
        return None
    if c == 0 or distance <= close:
        return 1
    return int(np.ceil(np.log(close / distance) / np.log(abs(c))))


if __name__ == "__main__":
    run.history = train(run.start_a, points.x, points.z, settings.lr, settings.steps)
    run.steps = len(run.history.weights)
    if blew_up(run.history.losses[-1], run.start_loss):
        cli.say(progress_lines(run.history, settings.every, run.steps - 1))
        cli.fail_diverged(settings, run.steps, run.history.losses[-1], BLOWUP,
                          stability_bound(points.x), safe_rate(stability_bound(points.x) / 2))
    cli.say(progress_lines(run.history, settings.every, run.steps))
    cli.note_run(settings, stability_bound(points.x), (run.start_a, run.history.weights[-1],
                 run.a_star), safe_rate(stability_bound(points.x) / 2),
                 partial(contraction, x=points.x), steps_needed)

# %% [markdown]
# ## The training, animated
#
# Left: the points, the neuron's line and its errors (the red segments, whose squares the
# loss averages). Right: the bowl, the current `a` on it and the tangent there, whose
# slope is the gradient. On top: the loss, the gradient, and the next step `−lr·gradient`,
# which shrinks as the slope flattens. Long runs keep the frames where `a` still visibly
# moves; the last frame is held for two seconds. The post draws each new `a` with the
# gradient of the step before, so its line passes through the point with the wrong slope
# and cuts the curve; here the tangent is always the one at the drawn point.

# %%
if __name__ == "__main__" and not settings.no_gif:
    pictures.add_file("training.gif", animation.save_training_gif, animation.Run(
        *points, np.r_[run.start_a, run.history.weights], run.a_star, run.at, run.bowl),
        settings.frames)

# %% [markdown]
# ## The learning curve, predicted
#
# The loss cannot reach 0: no line through the origin passes through every noisy point.
# Its floor is loss(a*), 3.463 for the post's points. What is left above the floor, the
# *excess loss* `loss(a) − loss(a*)`, equals `(Σx²/N)·(a − a*)²`; since every step
# multiplies `a − a*` by c, every step multiplies the excess loss by c². On a log scale
# that is a straight line, from the starting excess loss down with slope c² per step. (A
# plain curve of the loss bends and flattens only because it nears the floor.) For this
# quadratic loss the agreement is exact, so the dashed line checks the derivation above
# rather than forecasting anything new.

# %%
if __name__ == "__main__":
    run.c = contraction(settings.lr, points.x)
    run.excess = np.r_[run.start_loss, run.history.losses] - run.min_loss
    with np.errstate(under="ignore"):
        run.predicted = run.excess[0] * run.c ** (2.0 * np.arange(run.steps + 1))
    run.kind = run_kind(settings.lr, points.x, run.start_a, run.history.weights[-1],
                        run.a_star)
    run.closed = 1 - abs(run.history.weights[-1] - run.a_star) / abs(run.start_a - run.a_star)
    pictures.add("learning_curve.png", draw.plot_learning_curve, run.excess, run.predicted,
                 run.min_loss, run.c,
                 draw.curve_title(run.kind, run.c, run.closed, settings.steps))

# %% [markdown]
# ## Learning rates side by side
#
# The same start trained with several rates: this run's, ten times smaller and larger
# (where that is below the threshold), one that overshoots and still converges (0.75 of
# N/Σx²), and one just above the threshold (1.05 of it), which diverges; a red cross marks
# where its loss blew up. Runs longer than 5,000 steps are compared over their first
# 5,000.

# %%
STUDY_STEPS = 5_000  # the side studies (other rates, two weights) train at most this long


def compare_rates(x, z, start_a, history, lr, steps):
    """Train from the same start at this run's rate, /10 and ×10 (if below the threshold),
    0.75 and 1.05 of the threshold: each rate's losses from the start, how its run went, and
    whether it blew up."""
    bound, a_star, start_loss = stability_bound(x), best_a(x, z), loss(predict(start_a, x), z)
    runs, rates = {}, {lr, lr / 10, 0.75 * bound, 1.05 * bound}
    for rate in rates | ({lr * 10} if lr * 10 < bound else set()):
        weights, losses, _ = (History(*(part[:steps] for part in history)) if rate == lr
                              else train(start_a, x, z, rate, steps))
        runs[rate] = (np.r_[start_loss, losses], run_kind(rate, x, start_a, weights[-1], a_star),
                      blew_up(losses[-1], start_loss))
    return runs


if __name__ == "__main__":
    run.study_steps = min(settings.steps, STUDY_STEPS)
    pictures.add("learning_rates.png", draw.plot_learning_rates, compare_rates(
        *points[:2], run.start_a, run.history, settings.lr, run.study_steps),
        settings.lr, stability_bound(points.x), run.min_loss)

# %% [markdown]
# ## Two weights: a line with an offset
#
# The post ends with one weight and a remark: with two weights we would need a 3-D graph
# to look for the minimum. Here it is. The line `z = a·x + b` adds an offset `b`, so it no
# longer has to pass through the origin. The loss is the same mean squared error, now a
# surface over the plane (a, b), and it has two partial derivatives, one per weight:
#
#     ∂loss/∂a = (2/N)·Σ (a·x + b − z)·x        ∂loss/∂b = (2/N)·Σ (a·x + b − z)
#
# One step updates both with the same learning rate, starting from (a₀, 0) with the same
# seeded a₀. The exact answer (a*, b*) is where both derivatives are zero, which gives
# the two *normal equations*
#
#     a·Σx² + b·Σx = Σxz        a·Σx + b·N = Σz
#
# Training is slower here: the surface is a long, narrow valley. One learning rate must
# serve every direction, and the steepest one limits it: the run diverges above 2/λmax,
# where λmax is the largest eigenvalue of the loss's matrix of second derivatives
# (2/N)·[[Σx², Σx], [Σx, N]]; that is never larger than the one-weight N/Σx². Along the
# valley's floor, the shallow direction, the same rate makes only tiny steps, so the path
# crawls. (If this run's rate is too large for two weights, this section trains at 0.9 of
# their bound, and says so.) In the post's 100 steps the path just reaches the valley;
# with `--steps 5000` it turns along the floor, and about 3% of its starting distance
# from (a*, b*) is still left at the end (1% takes about 7,200 steps).

# %%
def gradient_b(a, b, x, z):
    """The derivative of the loss with respect to the offset b."""
    return 2 * np.sum(predict(a, x, b) - z) / len(z)


def curvatures(x):
    """The eigenvalues (λmin, λmax) of the loss's second derivatives (2/N)·[[Σx², Σx], [Σx, N]]:
    how steeply the valley rises along its floor and across it."""
    return np.linalg.eigvalsh((2 / len(x)) * np.array([[np.sum(x * x), np.sum(x)],
                                                       [np.sum(x), len(x)]]))


def two_weight_bound(x):
    """2/λmax: above this rate, gradient descent on a and b together diverges."""
    return 2 / curvatures(x)[-1]


def two_weight_contraction(lr, x):
    """The most one step at rate lr leaves of the distance to (a*, b*): along each of the
    valley's two main directions it multiplies the distance by 1 − lr·λ."""
    return np.max(np.abs(1 - lr * curvatures(x)))


def train_two_weights(a, b, x, z, lr, steps):
    """Gradient descent on a and b together; returns the path, one (a, b) row per step."""
    path = np.empty((steps + 1, 2))
    path[0] = a, b
    for i in range(1, steps + 1):
        a, b = step(a, gradient(a, x, z, b), lr), step(b, gradient_b(a, b, x, z), lr)
        path[i] = a, b
    return path


def best_line(x, z):
    """The least-squares line z = a·x + b, from the normal equations: (a*, b*); None when
    every x is the same, as then no line is better than another."""
    n, sx, sz, sxx, sxz = len(x), np.sum(x), np.sum(z), np.sum(x * x), np.sum(x * z)
    det = n * sxx - sx * sx
    if det <= 1e-12 * n * sxx:
        return None
    return (n * sxz - sx * sz) / det, (sxx * sz - sx * sxz) / det


def clear_offset(x, z):
    """Whether the best line misses the origin: its offset b* is over 10% of the largest |z|."""
    line = best_line(x, z)
    return line is not None and abs(line[1]) > 0.1 * np.max(np.abs(z))


def loss_surface(x, z, a, b):
    """The loss for every pair of weights in the arrays a and b at once: like the bowl, its
    floor plus a quadratic in the distances from (a*, b*), here with the matrix above."""
    (a_star, b_star), n = best_line(x, z), len(x)
    da, db = np.asarray(a) - a_star, np.asarray(b) - b_star
    quadratic = np.sum(x * x) * da ** 2 + 2 * np.sum(x) * da * db + n * db ** 2
    return loss(predict(a_star, x, b_star), z) + quadratic / n


if __name__ == "__main__" and best_line(points.x, points.z) is None:
    cli.note("note: every x is the same, so a and b cannot be told apart (many lines fit "
             "equally well); the two-weights section is skipped")
elif __name__ == "__main__":
    run.best = best_line(points.x, points.z)
    run.rate_two = min(settings.lr, 0.9 * two_weight_bound(points.x))
    run.path = train_two_weights(run.start_a, 0.0, points.x, points.z, run.rate_two,
                                 run.study_steps)
    cli.note_two_weights(settings, run.rate_two, (run.path[0], run.path[-1], run.best),
                         (two_weight_bound(points.x), stability_bound(points.x)),
                         safe_rate(two_weight_bound(points.x)), STUDY_STEPS,
                         partial(two_weight_contraction, x=points.x), steps_needed)
    if clear_offset(points.x, points.z):
        cli.note_offset(run.min_loss, loss_surface(*points[:2], *run.best))
    pictures.add("two_weights.png", draw.plot_two_weights, partial(loss_surface, *points[:2]),
                 run.path, run.best, draw.two_weight_title(
                     np.divide(*curvatures(points.x)[::-1]), run.rate_two, settings.lr),
                 worker=True)

# %% [markdown]
# ## Saving the pictures
#
# Each picture above was kept under a temporary name; only now, the whole run done, do
# they all take their names at once. A run that fails or is stopped part way leaves your
# earlier pictures as they were. With `--show` they also open in windows.

# %%
if __name__ == "__main__":
    cli.finish(settings, pictures)

# %% [markdown]
# ## Explore it live
#
# `python regression_gd.py --explore` ends by opening a window to touch the model. Drag
# **a**: the line, its errors, the point on the bowl and the tangent follow. Drag **step**
# to scrub through training. Drag the **learning rate** (the threshold N/Σx² in red) and
# `train` reruns from the same start. **Play** or space runs the steps, ← and → move one,
# `r` resets, `q` closes. In Jupyter: `pip install ipympl`, set `EXPLORE = True`, run all.

# %%
if __name__ == "__main__":
    run.explorer = explorer.offer(settings.explore, cli.in_notebook(), explorer.Lesson(
        *points, run.start_a, run.a_star, stability_bound(points.x),
        partial(state, x=points.x, z=points.z), run.bowl,
        partial(train, run.start_a, points.x, points.z)), settings.lr, settings.steps)

# %% [markdown]
# ## Try it yourself
#
# Each exercise asks a question, gives the command, and says what you should see.
#
# 1. **A timid rate.** What does a learning rate far below the threshold do?
#
#        python regression_gd.py --lr 1e-5
#
#    `a` creeps from 0.27 to only 0.385 in 100 steps. A note says how far it still is from
#    a* and suggests a rate computed from the data; the learning curve says "Barely moving".
#
# 2. **Overshooting.** What happens between N/(2Σx²) and N/Σx²?
#
#        python regression_gd.py --lr 0.02 --every 1
#
#    After step 1 `a` is past a* (above 1.9914), after step 2 below it, each swing smaller;
#    by step 40 it sits on a* = 1.991412006340672 to every digit.
#
# 3. **Just past the threshold.** And just above N/Σx² = 0.0295?
#
#        python regression_gd.py --lr 0.03
#
#    A warning, and every swing is larger than the last: after 100 steps `a` is about −49
#    and the loss over 88,000. With `--lr 0.05` the loss blows up at step 4, and the run
#    stops with exit status 1 and writes no pictures.
#
# 4. **One step.** Which rate lands on a* in a single step?
#
#        python regression_gd.py --lr 0.0147457627 --steps 3 --every 1
#
#    The rate N/(2Σx²) makes c = 0, so the line `i=1` already shows a = 1.99141200…
#
# 5. **Another start.** Does the answer depend on where training starts?
#
#        python regression_gd.py --seed 7
#
#    The start is different (a = 0.324); the end is the same a* to within 1%.
#
# 6. **Your own data, off the origin.** Save these six lines as `offset.csv`:
#
#        x,z
#        0,10
#        1,12
#        2,14
#        3,16
#        4,18
#
#    The points lie on z = 10 + 2·x, but the one-weight line must pass through (0, 0).
#
#        python regression_gd.py --data offset.csv
#        python regression_gd.py --data offset.csv --lr 0.1 --steps 300
#
#    The first run's notes say so: the best slope through the origin is 5.33, with a loss
#    of 33, and the normal equations give the exact two-weight answer a* = 2, b* = 10.
#    Gradient descent is far from it after those 100 steps, at a = 3.55, b = 1.70. The
#    second run, at a rate 100 times larger, gets there: a = 2, b = 10.
