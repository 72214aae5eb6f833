# %% [markdown]
# # One neuron learns a line: gradient descent, step by step
#
# A neural network learns by nudging its weights, over and over, in whichever direction
# makes its error smaller. Here is that on the smallest network there is: one neuron with
# one weight `a`, which turns an input `x` into an output `z = a·x`. It gets 30 measured
# points, starts from a random `a`, and improves `a` step by step until its line fits.
#
# What carries over to large networks: a loss that measures the error, its derivative for
# each weight (the *gradient*, by the chain rule), and the update that moves each weight a
# little against it. What comes later: activation functions, layers, backpropagation (the
# chain rule through every layer) and mini-batches (each step seeing a sample of the data).
#
# Run `python regression_gd.py` (`--help` lists its options) or open it as a notebook; each
# section shows its result below it. Modules beside it run it and draw only what it computes.

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
# Thirty points (x, z) from some experiment. They lie close to a straight line through the
# origin (0, 0), just the kind of line `z = a·x` one neuron draws. Learning means finding
# the `a` whose line passes closest to them. With `--data FILE` the lesson uses your own
# points; if they miss the origin (marked +), the two-weights section says so.

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
# The neuron's whole computation is one multiplication, `z = a·x`. Like the weights of any
# network, `a` starts at a random value; seeding Python's generator makes it the same on
# every run, so your numbers match the post's. The red segments are the errors: for each
# point, the gap between what the neuron says at that x and what was measured.

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
# them; only a line through every point would score 0. The log's first line is this loss
# at the start, and the start: `i=0: error=103.72…, a=0.2718…` for the post's data.

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
# The loss for many values of `a` is a bowl (a parabola: the loss is quadratic in `a`) with
# the best `a` at the bottom, which gradient descent finds from the slope. By the chain
# rule, one squared error changes with `a` as
#
#     d/da (a·x − z)² = 2·(a·x − z) · d/da (a·x − z) = 2·(a·x − z)·x
#
# and averaging over the N points gives the gradient
#
#     d loss / d a = (2/N) · Σ (a·x − z)·x
#
# That chain rule is the seed of backpropagation. The gradient is the slope of the tangent
# to the bowl: negative left of the minimum, positive right, zero at it. Setting it to
# zero gives the minimum in closed form, `a* = Σxz / Σx²`, used here only to check
# training; networks not linear in their weights have no such formula, hence gradient
# descent. Here the slope, `(2Σx²/N)·(a − a*)`, grows with the distance from the minimum;
# in general a steep slope does not mean a long way to go.
#
# A note checks the formula by the central finite difference `(loss(a+h) − loss(a−h))/2h`,
# the slope from two nearby losses: a right formula agrees to a relative difference of
# about 1e-6 or less, a wrong one is off by about 1. Every picture draws what `state` returns.

# %%
def loss_curve(x, z, a_values):
    """The loss at many a at once: the parabola loss(a*) + (Σx²/N)·(a − a*)² (one pass)."""
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
# One step moves `a` against the slope: `a ← a − lr·gradient`, so `a` grows left of `a*`
# and shrinks right of it. The step is `lr × gradient`: at the post's start the gradient is
# −116.6, so with lr = 0.001 the first step moves `a` by 0.1166, not by 0.001. Why is it
# downhill, for any smooth loss? Near `a` the loss follows its tangent, so
# loss(a − lr·g) ≈ loss(a) − lr·g²: lower, if lr is small enough for the tangent to be a
# good guide. How small depends on how fast the slope changes; here it is exact.
#
# How large may `lr` be? Put the slope `(2Σx²/N)·(a − a*)` into the update and every step
# turns out to multiply the signed distance `a − a*` by the same number,
#
#     c = 1 − lr·2Σx²/N
#
# - 0 < c < 1, for lr below N/(2Σx²) (0.0147 for the post's points): `a` walks towards
#   `a*` from one side; the steps shrink, but each removes the same share 1 − c of what is
#   left (here about 33 steps per factor of 10 closer).
# - c = 0, at lr = N/(2Σx²): `a` lands on `a*` in a single step.
# - −1 < c < 0, for lr between N/(2Σx²) and N/Σx² (0.0295 here): every step overshoots,
#   landing on the other side of `a*`, and still converges, each swing smaller.
# - c = −1, at lr = N/Σx² exactly: `a` bounces between two values for ever.
# - c < −1, above N/Σx²: every swing is larger than the last; training diverges.
#
# So N/Σx² is the threshold, and it depends on the scale of x. The post's typical rates,
# 1e-3 to 1e-4, suit x from 0 to 10; the same points stretched to 0–200 have a threshold
# 400 times smaller (7.4e-5), and lr = 0.001 diverges on them.
#
# The log prints a line every 10 steps: the loss after the step, the gradient the step
# used (`gradiente`, the post's word) and the new `a`. That gradient was taken *before*
# the step: at i=10 it reads −61.98, while the slope at the printed `a` is −57.78.

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


def run_kind(lr, x, start_a, end_a, a_star):
    """How a run went: diverging, bouncing, barely moving, overshooting or converging."""
    bound = stability_bound(x)
    if lr >= bound:
        return "diverging" if lr > bound else "bouncing"
    if abs(end_a - a_star) > 0.9 * abs(start_a - a_star):
        return "barely moving"
    return "overshooting but converging" if lr > bound / 2 else "converging"


def safe_rate(limit):
    """A learning rate safely below `limit`: 0.9 of it, rounded down to one digit."""
    magnitude = 10.0 ** np.floor(np.log10(0.9 * limit))
    return float(np.floor(0.9 * limit / magnitude) * magnitude)


def steps_needed(c, distance, close):
    """Steps, each multiplying the distance by c or less, from `distance` to within `close`."""
    if abs(c) >= 1:
        return None
    if c == 0 or distance <= close:
        return 1
    return int(np.ceil(np.log(close / distance) / np.log(abs(c))))


if __name__ == "__main__":
    run.history = train(run.start_a, points.x, points.z, settings.lr, settings.steps)
    run.steps, run.bound = len(run.history.weights), stability_bound(points.x)
    if blew_up(run.history.losses[-1], run.start_loss):
        cli.say(cli.log_lines(run.history, settings.every, run.steps - 1))
        cli.fail_diverged(settings, run.steps, run.history.losses[-1], BLOWUP, run.bound,
                          safe_rate(run.bound / 2))
    cli.say(cli.log_lines(run.history, settings.every, run.steps))
    cli.note_run(settings, run.bound, (run.start_a, run.history.weights[-1], run.a_star),
                 safe_rate(run.bound / 2), partial(contraction, x=points.x), steps_needed)

# %% [markdown]
# ## The training, animated
#
# Left: the points, the line and its errors. Right: the bowl, `a` on it and the tangent,
# whose slope is the gradient. On top: the loss, the gradient and the next step
# `−lr·gradient`. The post draws each new `a` with the previous step's gradient, so its
# line cuts the curve; here the tangent is always the one at the drawn point.

# %%
if __name__ == "__main__" and not settings.no_gif:
    pictures.add_file("training.gif", animation.save_training_gif, animation.Run(
        *points, np.r_[run.start_a, run.history.weights], run.a_star, run.at, run.bowl),
        settings.frames)

# %% [markdown]
# ## The learning curve, predicted
#
# The loss cannot reach 0: its floor is loss(a*), 3.463 for the post's points. The
# *excess loss* above it, `loss(a) − loss(a*)`, equals `(Σx²/N)·(a − a*)²`, so every step
# multiplies it by c²: on a log scale, a straight line from the starting excess down. (A
# plain loss curve bends only because it nears the floor.) For this quadratic loss the
# agreement is exact: the dashed line checks the derivation, it forecasts nothing new.
# Squaring hides the sign of `a − a*`; the right panel shows it, swinging from side to
# side at every step when c < 0.
#
# **When to stop?** Real training knows neither a* nor how many steps it needs. A common
# rule stops once the gradient's size falls below a tolerance (here a thousandth of its
# start), or after a maximum number of steps. Here the gradient is proportional to
# a − a*, so it stops a thousandth of the start's distance from a*; elsewhere a flat
# stretch can stop it early. A note says where this run would have stopped.

# %%
def stopping_step(grads, tolerance):
    """The steps a run takes by the rule "stop once |gradient| < tolerance" (None: all)."""
    small = np.flatnonzero(np.abs(grads) < tolerance)
    return int(small[0]) if small.size else None


if __name__ == "__main__":
    run.c = contraction(settings.lr, points.x)
    run.weights = np.r_[run.start_a, run.history.weights]  # from the start, step by step
    run.excess = np.r_[run.start_loss, run.history.losses] - run.min_loss
    with np.errstate(under="ignore"):
        run.predicted = run.excess[0] * run.c ** (2.0 * np.arange(run.steps + 1))
    run.kind = run_kind(settings.lr, points.x, run.start_a, run.weights[-1], run.a_star)
    run.closed = 1 - abs(run.weights[-1] - run.a_star) / abs(run.start_a - run.a_star)
    pictures.add("learning_curve.png", draw.plot_learning_curve, run.excess, run.predicted,
                 run.weights - run.a_star, run.min_loss, run.c,
                 draw.curve_title(run.kind, run.c, run.closed, settings.steps))
    run.stop = stopping_step(run.history.grads, 1e-3 * abs(run.history.grads[0]))
    cli.note_stop(run.stop, run.weights, run.a_star)

# %% [markdown]
# ## Choosing a rate by trying
#
# N/Σx² has a formula only because this loss is a parabola. For a real network you find a
# rate by trying: train briefly at rates about 3 apart (0.001, 0.00316, 0.01, ...: each √10
# times the last) and keep the largest whose loss falls at every step; a loss that ever
# rises means the rate is too large (or a bug). Here the search starts at this run's rate,
# 10 steps each, going up while the loss falls (or down until it does). The picture shows
# each rate tried and marks the keeper: 0.01 for the post's points (the threshold: 0.0295).

# %%
STUDY_STEPS = 5_000  # the side studies (other rates, two weights) train at most this long


def loss_falls(x, z, start_a, rate, steps=10):
    """Whether the loss falls at each of `steps` steps at this rate (rounding noise aside)."""
    losses = np.r_[loss(predict(start_a, x), z), train(start_a, x, z, rate, steps).losses]
    return len(losses) == steps + 1 and bool(np.all(np.diff(losses) <= 1e-12 * losses[:-1]))


def rates_by_trying(x, z, start_a, lr):
    """{rate: whether the loss fell}, √10 apart from lr, up while it falls or down until it does."""
    tried = {lr: loss_falls(x, z, start_a, lr)}
    factor, rate = (np.sqrt(10) if tried[lr] else 1 / np.sqrt(10)), lr
    while tried[rate] == (factor > 1) and len(tried) < 50:
        rate *= factor
        tried[rate] = loss_falls(x, z, start_a, rate)
    return tried


def compare_rates(x, z, start_a, history, rates, steps):
    """Each rate's losses from the start, how it went and whether it blew up (rates[0]: history)."""
    start_loss, a_star, runs = loss(predict(start_a, x), z), best_a(x, z), {}
    for rate in rates:
        weights, losses, _ = (History(*(part[:steps] for part in history)) if rate == rates[0]
                              else train(start_a, x, z, rate, steps))
        runs[rate] = (np.r_[start_loss, losses], run_kind(rate, x, start_a, weights[-1], a_star),
                      blew_up(losses[-1], start_loss))
    return runs


if __name__ == "__main__":
    run.study_steps = min(settings.steps, STUDY_STEPS)
    run.tried = rates_by_trying(*points[:2], run.start_a, settings.lr)
    run.kept = max(candidate for candidate, fell in run.tried.items() if fell)
    pictures.add("learning_rates.png", draw.plot_learning_rates, compare_rates(
        *points[:2], run.start_a, run.history, list(run.tried), run.study_steps),
        settings.lr, run.kept, stability_bound(points.x), run.min_loss)

# %% [markdown]
# ## Two weights: a line with an offset
#
# The post ends remarking that two weights would need a 3-D graph. Here it is: the line
# `z = a·x + b` adds an offset `b`, so it need not pass through the origin. The loss is a
# surface over the plane (a, b), with two partial derivatives, one per weight:
#
#     ∂loss/∂a = (2/N)·Σ (a·x + b − z)·x        ∂loss/∂b = (2/N)·Σ (a·x + b − z)
#
# One step updates both with one rate, from (a₀, 0). Both derivatives are zero at the
# exact answer (a*, b*), which gives the two *normal equations*
#
#     a·Σx² + b·Σx = Σxz        a·Σx + b·N = Σz
#
# Training is slower here, and the one-weight story says why. The loss's second
# derivatives form H = (2/N)·[[Σx², Σx], [Σx, N]]. Its two *eigen-directions* are the
# directions in the (a, b) plane along which a step points straight at (a*, b*); its
# eigenvalues λ are the bowl's curvatures along them. Along each, a step multiplies the
# distance by 1 − lr·λ, like c, so lr < 2/λmax: the first half's rule, where N/Σx² is 2
# divided by the curvature 2Σx²/N (and N/(2Σx²) is 1 divided by it). The curvatures
# differ 135×: b's input is always 1 while x averages 5, so a and b pull on the same
# errors along a narrow valley, and a rate safe across it crawls along it. (A rate too
# large for two weights is replaced by 0.9 of their bound.) After 100 steps the path is in
# the valley; after 5,000, 3% of its starting distance is left (1% takes 7,200 steps).

# %%
def gradient_b(a, b, x, z):
    """The derivative of the loss with respect to the offset b."""
    return 2 * np.sum(predict(a, x, b) - z) / len(z)


def curvatures(x):
    """The eigenvalues (λmin, λmax) of H = (2/N)·[[Σx², Σx], [Σx, N]], the bowl's curvatures."""
    return np.linalg.eigvalsh((2 / len(x)) * np.array([[np.sum(x * x), np.sum(x)],
                                                       [np.sum(x), len(x)]]))


def two_weight_bound(x):
    """2/λmax: above this rate, gradient descent on a and b together diverges."""
    return 2 / curvatures(x)[-1]


def two_weight_contraction(lr, x):
    """The most of the distance to (a*, b*) a step leaves: the largest |1 − lr·λ|."""
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
    """(a*, b*) from the normal equations; None when every x is the same (no best line)."""
    n, sx, sz, sxx, sxz = len(x), np.sum(x), np.sum(z), np.sum(x * x), np.sum(x * z)
    det = n * sxx - sx * sx
    if det <= 1e-12 * n * sxx:
        return None
    return (n * sxz - sx * sz) / det, (sxx * sz - sx * sxz) / det


def loss_surface(x, z, a, b):
    """The loss at many (a, b) at once: like the bowl, its floor plus a quadratic (one pass)."""
    (a_star, b_star), n = best_line(x, z), len(x)
    da, db = np.asarray(a) - a_star, np.asarray(b) - b_star
    quadratic = np.sum(x * x) * da ** 2 + 2 * np.sum(x) * da * db + n * db ** 2
    return loss(predict(a_star, x, b_star), z) + quadratic / n


if __name__ == "__main__" and best_line(points.x, points.z) is None:
    cli.note("note: every x is the same, so a and b cannot be told apart (many lines fit "
             "equally well); the two-weights section is skipped")
elif __name__ == "__main__":
    run.best, run.two = best_line(points.x, points.z), two_weight_bound(points.x)
    run.rate_two = min(settings.lr, 0.9 * run.two)
    run.path = train_two_weights(run.start_a, 0.0, *points[:2], run.rate_two, run.study_steps)
    cli.note_two_weights(settings, run.rate_two, (run.path[0], run.path[-1], run.best),
                         (run.two, run.bound), safe_rate(run.two), STUDY_STEPS,
                         partial(two_weight_contraction, x=points.x), steps_needed)
    cli.note_offset(run.best[1], np.max(np.abs(points.z)), run.min_loss,
                    loss_surface(*points[:2], *run.best))
    run.ratio = np.divide(*curvatures(points.x)[::-1])  # λmax / λmin
    pictures.add("two_weights.png", draw.plot_two_weights, partial(loss_surface, *points[:2]),
                 run.path, run.best, draw.two_weight_title(run.ratio, run.rate_two, settings.lr),
                 worker=True)

# %% [markdown]
# ## The cure: scale the inputs
#
# The valley is narrow because x is unlike b's input 1: its mean is 5, its spread 2.98.
# *Centre* x (subtract the mean) and the curvatures differ 8.9×, not 135×; *standardise*
# it (also divide by the spread) and they are equal: a round bowl, one rate for both. At
# the rate 1/λmax, which crosses the steepest direction in one step, the steps to within
# 1% of (a*, b*) fall from 478 to 39 to 1. Weights learned on standardised x convert back:
# z = a'·(x − mean)/spread + b' means a = a'/spread, b = b' − a'·mean/spread: (a*, b*).
# The everyday fix: x in the thousands makes the threshold a million times smaller and
# the default rate diverges; standardised, the same rates work in any units.

# %%
def standardised(x):
    """x shifted to mean 0 and scaled to spread (standard deviation) 1; its mean and spread."""
    mean, spread = np.mean(x), np.std(x)
    return (x - mean) / spread, mean, spread


def crossing_rate(x):
    """The rate 1/λmax, which crosses the valley's steepest direction in one step."""
    return 1 / curvatures(x)[-1]


def steps_to_best(x, z, start_a, most):
    """Steps at the crossing rate from (a₀, 0) to within 1% of (a*, b*); None if over `most`."""
    best, rate = np.array(best_line(x, z)), crossing_rate(x)
    gap, close = np.hypot(start_a - best[0], best[1]), 0.01 * np.hypot(*best)
    enough = steps_needed(two_weight_contraction(rate, x), gap, close) or most  # never too few
    near = np.hypot(*(train_two_weights(start_a, 0.0, x, z, rate, min(enough, most)) - best).T)
    return int(np.argmax(near <= close)) if np.any(near <= close) else None


if __name__ == "__main__" and best_line(points.x, points.z) is not None:
    run.scaled, run.mean, run.spread = standardised(points.x)
    run.variants = {name: (np.divide(*curvatures(inputs)[::-1]),
                           steps_to_best(inputs, points.z, run.start_a, STUDY_STEPS))
                    for name, inputs in (("x as measured", points.x),
                                         ("x − mean", points.x - run.mean),
                                         ("standardised x", run.scaled))}
    run.panels = [(partial(loss_surface, inputs, points.z), train_two_weights(
        run.start_a, 0.0, inputs, points.z, crossing_rate(inputs), run.study_steps),
        best_line(inputs, points.z)) for inputs in (points.x, run.scaled)]
    run.a_scaled, run.b_scaled = run.panels[1][1][-1]  # on standardised x, converted back:
    run.back = run.a_scaled / run.spread, run.b_scaled - run.a_scaled * run.mean / run.spread
    cli.note_scaling(run.variants, run.back, run.best, STUDY_STEPS)
    pictures.add("scaling.png", draw.plot_scaling, run.panels, run.variants, STUDY_STEPS,
                 worker=True)

# %% [markdown]
# ## Saving, and exploring live
#
# The pictures, kept under temporary names, now all take their names at once: a run that
# fails or is stopped leaves your earlier pictures as they were. `--explore` opens a window
# to touch the model: drag **a**, and the line, its errors and the tangent follow; drag
# **step** to scrub through training, or the **learning rate** (N/Σx² in red) to rerun
# `train`; space plays, ← → step, `r` resets, `q` closes (Jupyter: `pip install ipympl`).

# %%
if __name__ == "__main__":
    cli.finish(settings, pictures)
    run.explorer = explorer.offer(settings.explore, cli.in_notebook(), explorer.Lesson(
        *points, run.start_a, run.a_star, stability_bound(points.x),
        partial(state, x=points.x, z=points.z), run.bowl,
        partial(train, run.start_a, points.x, points.z)), settings.lr, settings.steps)

# %% [markdown]
# ## Try it yourself
#
# 1. **A timid rate.** What does a rate far below the threshold do?
#    `python regression_gd.py --lr 1e-5`: `a` creeps from 0.27 to only 0.385 in 100
#    steps; a note says how far it is from a* and suggests a rate computed from the data,
#    and the learning curve says "Barely moving".
# 2. **Overshooting.** What happens between N/(2Σx²) and N/Σx²?
#    `python regression_gd.py --lr 0.02 --every 1`: after step 1 `a` is past a* (above
#    1.9914), after step 2 below it, each swing smaller; by step 40 it sits on
#    a* = 1.991412006340672 to every digit.
# 3. **Just past the threshold.** And just above N/Σx² = 0.0295?
#    `python regression_gd.py --lr 0.03`: a warning, and every swing is larger than the
#    last: after 100 steps `a` is about −49 and the loss over 88,000. With `--lr 0.05` the
#    loss blows up at step 4; the run stops with exit status 1 and writes no pictures.
# 4. **One step.** Which rate lands on a* in a single step?
#    `python regression_gd.py --lr 0.0147457627 --steps 3 --every 1`: N/(2Σx²) makes
#    c = 0, so the line `i=1` already shows a = 1.99141200…
# 5. **Another start.** Does the answer depend on where training starts?
#    `python regression_gd.py --seed 7`: it starts at a = 0.324, and still ends within 1% of a*.
# 6. **When to stop.** Would the stopping rule have saved steps?
#    `python regression_gd.py --steps 1000 --every 100`: its note says it would have
#    stopped after 99 steps, 0.00164 from a*; the other 901 steps move a by less than that.
# 7. **Your own data, off the origin.** Save the lines `x,z`, `0,10`, `1,12`, `2,14`,
#    `3,16`, `4,18` (one a line) as `offset.csv`: points on z = 10 + 2·x, where the
#    one-weight line must pass through (0, 0).
#    `python regression_gd.py --data offset.csv`: the notes say so (the best slope through
#    the origin is 5.33, with a loss of 33) and give the normal equations' exact answer
#    a* = 2, b* = 10; after 100 steps gradient descent is far from it, at a = 3.55,
#    b = 1.70. `python regression_gd.py --data offset.csv --lr 0.1 --steps 300`, at a rate
#    100 times larger, gets there: a = 2, b = 10.
