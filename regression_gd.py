# %% [markdown]
# # One neuron learns a line: gradient descent, step by step
#
# A neural network learns by nudging its weights, over and over, in whichever direction
# makes its error smaller. Here is that on the smallest network there is: one neuron
# with one weight `a`, which turns an input `x` into `a·x`, its guess for a measured
# `z`. It gets 30 measured points, starts from a random `a`, and improves `a` step by
# step until its line fits, as the post this lesson follows does ("How Neural Networks
# Work: Linear Regression and Gradient Descent Step by Step"); its log is printed digit
# for digit.
#
# What carries over to large networks: a loss that measures the error, its derivative
# for each weight (the *gradient*), and the update that moves each weight a little
# against it. What comes later: activation functions, layers, and mini-batches (each
# step seeing a sample of the data).
#
# Run `python regression_gd.py` (`--help` lists its options), or open it as a notebook
# and run the cells in order; each section shows its result below it. The modules
# beside this file read the options and the data, print the notes and draw the pictures.

# %%
import random
from typing import NamedTuple

import program  # first: an old Python or a missing package is one line saying why
import numpy as np

import data
import pictures
from program import note

# %% [markdown]
# ## The knobs
#
# The values the post uses. Each one is also a command-line option (`--lr 0.01`,
# `--steps 500`, `--data offset.csv`, ...). In a notebook, change them here, run this
# cell, then run the cells after it again.

# %%
LEARNING_RATE = 1e-3  # each step moves a by LEARNING_RATE × gradient
STEPS = 100  # how many updates training makes
SEED = 45  # seed of Python's random generator, which picks the starting a
EVERY = 10  # a progress line every this many steps
FRAMES = 100  # at most this many frames in the training animation
DATA = None  # a CSV file of your own points (columns x,z), or None: the post's 30
OUT = "figures"  # the folder the pictures are written to
EXPLORE = False  # open the live explorer at the end (in Jupyter it needs ipympl)
LANGUAGE = "en"  # the language of the pictures, the errors and --help

# %%
settings = program.read_settings(LANGUAGE, lr=LEARNING_RATE, steps=STEPS, seed=SEED,
                                 every=EVERY, frames=FRAMES, data=DATA, out=OUT,
                                 explore=EXPLORE)
lr, steps, seed, every = settings.lr, settings.steps, settings.seed, settings.every

# %% [markdown]
# ## The measurements
#
# Thirty points (x, z) from some experiment. They lie close to a straight line through
# the origin (0, 0), just the kind of line `z = a·x` one neuron draws. Learning means
# finding the `a` whose line passes closest to them. With `DATA` (or `--data FILE`) the
# lesson uses your own points instead.

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

# %%
if settings.data is None:
    x, z = POST_X, POST_Z
else:
    x, z = data.read_points(settings.data)  # a file it cannot read: one line says why
pictures.measurements(x, z)

# %% [markdown]
# ## The neuron and a random start
#
# The neuron's whole computation is one multiplication, `z = a·x`. Like the weights
# of any network, `a` starts at a random value; seeding Python's generator makes it the
# same on every run, so your numbers match the post's. In the picture, the red segments
# are the errors: for each point, the gap between what the neuron says at that x and
# what was measured.

# %%
def predict(a, x):
    """The neuron's output for inputs x: a·x."""
    return a * x

# %%
def random_start(seed):
    """A starting weight drawn uniformly from [0, 1) by Python's seeded generator."""
    random.seed(seed)
    return random.random()

# %%
a = random_start(seed)
pictures.random_start(x, z, a, predict(a, x))
a

# %% [markdown]
# ## How wrong is it? The loss
#
# One number for how wrong the line is: the mean squared error. Square each point's
# error (so errors above and below the line both count, and big ones count a lot) and
# average them; only a line through every point would score 0.

# %%
def loss(z_pred, z):
    """Mean squared error: the squared errors added up (`.sum()`), over their count."""
    return float(((z_pred - z) ** 2).sum() / len(z))  # a Python float: quick to print

# %%
start_loss = loss(predict(a, x), z)
note(f"at the random start a = {a} the loss is {start_loss}")

# %% [markdown]
# ## The loss for every a: a bowl, and its slope
#
# With N points, and Σ for "add up over the points" (Σx² = x₁² + x₂² + … + x_N²),
# multiply out each square (a·x − z)² = a²x² − 2a·xz + z², and the loss is a parabola
# in `a`, a bowl:
#
#     loss(a) = (a²·Σx² − 2a·Σxz + Σz²) / N
#
# Its derivative with respect to `a`, the *gradient*, is the slope of the tangent to the
# bowl at `a`:
#
#     d loss / d a = (2a·Σx² − 2·Σxz) / N = (2/N) · Σ (a·x − z)·x
#
# The same comes one point at a time by the *chain rule*, the rule for the derivative
# of a function of a function: the square of an error e changes by 2e per unit of e,
# and the error e = a·x − z changes by x per unit of a, so (a·x − z)² changes by
# 2·(a·x − z)·x. Repeated through every layer of a network, that rule is
# *backpropagation*.

# %%
def gradient(a, x, z):
    """The derivative of the loss with respect to a, at a."""
    return float(2 * ((predict(a, x) - z) * x).sum() / len(z))

# %% [markdown]
# A formula for a derivative is easy to get wrong, so check it by measuring the slope:
# the loss a little to the right minus a little to the left, over the distance between
# them. Taking the two points either side of `a` (a *central finite difference*) makes
# the measurement far more accurate than one side alone. A right formula agrees with it
# to a relative difference of about 1e-6 or less; a formula missing its `·x` would be
# off by about 1.

# %%
def finite_difference(a, x, z, h=1e-6):
    """The slope of the loss at a, measured: (loss(a+h) − loss(a−h)) / 2h."""
    return (loss(predict(a + h, x), z) - loss(predict(a - h, x), z)) / (2 * h)

# %%
slope, measured = gradient(a, x, z), finite_difference(a, x, z)
gap = abs(slope - measured) / max(abs(slope), 1e-300)  # relative to the formula's
note(f"gradient check at the start: formula {slope:.10g}, finite difference "
     f"{measured:.10g} (relative difference {gap:.1e})")

# %% [markdown]
# The gradient is negative left of the bottom, positive right of it, and zero at it.
# Setting it to zero gives the minimum in closed form, `a* = Σxz / Σx²`. It is used here
# only to check training: networks that are not linear in their weights have no such
# formula, hence gradient descent. Here the slope, `(2Σx²/N)·(a − a*)`, grows with the
# distance from the minimum; in general a steep slope does not mean a long way to go.

# %%
def best_a(x, z):
    """The exact minimum of the loss over a: a* = Σxz / Σx²."""
    return (x * z).sum() / (x * x).sum()

# %%
a_star = best_a(x, z)
min_loss = loss(predict(a_star, x), z)
note(f"exact minimum a* = Σxz/Σx² = {a_star} with loss {min_loss}, the lowest a line "
     f"through the origin can reach")

# %% [markdown]
# For the picture of the bowl, the parabola's formula gives the loss at many `a` at
# once from three sums, one pass over the points however many `a` there are.

# %%
def loss_curve(a_values, x, z):
    """The loss at many a at once: (a²·Σx² − 2a·Σxz + Σz²) / N."""
    a_values = np.asarray(a_values)
    sums = (x * x).sum(), (x * z).sum(), (z * z).sum()
    return (a_values ** 2 * sums[0] - 2 * a_values * sums[1] + sums[2]) / len(z)

# %% [markdown]
# A picture shows a weight `a` as its `state`: its line, loss, gradient and next move.

# %%
class State(NamedTuple):
    """The neuron with weight a, as the pictures show it."""
    a: float
    fitted: np.ndarray  # the neuron's output a·x at every x: its line, and the errors
    loss: float
    gradient: float  # the slope of the tangent to the bowl at a
    move: float  # the next step's change of a, −lr·gradient

# %%
def state(a, x, z, lr):
    """The neuron with weight a, trained at rate lr, as the pictures show it."""
    fitted, slope = predict(a, x), gradient(a, x, z)
    return State(a, fitted, loss(fitted, z), slope, -lr * slope)

# %%
# the bowl, with tangents at the start, at the minimum (flat) and mirrored across it
tangents = [state(w, x, z, lr) for w in (a, a_star, 2 * a_star - a)]
pictures.loss_curve(x, z, tangents, loss_curve)

# %% [markdown]
# ## Gradient descent
#
# One step moves `a` against the slope: `a ← a − lr·gradient`, so `a` grows left of
# `a*` and shrinks right of it. The step is `lr × gradient`: at the post's start the
# gradient is −116.6, so with lr = 0.001 the first step moves `a` by 0.1166, not by
# 0.001.

# %%
def step(a, slope, lr):
    """One gradient-descent update of a weight."""
    return a - lr * slope

# %%
step(a, gradient(a, x, z), lr)

# %% [markdown]
# Why is that downhill, for any smooth loss? Near `a` the loss follows its tangent, so
# loss(a − lr·g) ≈ loss(a) − lr·g²: lower, if lr is small enough for the tangent to be a
# good guide. For our parabola the exact change adds one term,
# loss(a − lr·g) = loss(a) − lr·g² + (Σx²/N)·(lr·g)². At the post's start the tangent
# forecasts 90.124 after the first step and the loss is 90.585: the added term is the
# bowl curving up, and it stays smaller than lr·g² as long as lr is below N/Σx².
#
# How large may `lr` be? Put the slope `(2Σx²/N)·(a − a*)` into the update and every
# step turns out to multiply the signed distance `a − a*` by the same number,
#
#     c = 1 − lr·2Σx²/N
#
# - 0 < c < 1, for lr below N/(2Σx²) (0.0147 for the post's points): `a` walks towards
#   `a*` from one side; each step removes the same share 1 − c of what is left (here
#   about 33 steps per factor of 10 closer).
# - c = 0, at lr = N/(2Σx²): `a` lands on `a*` in a single step.
# - −1 < c < 0, for lr between N/(2Σx²) and N/Σx² (0.0295 here): every step overshoots,
#   landing on the other side of `a*`, and still converges, each swing smaller.
# - c = −1, at lr = N/Σx² exactly: `a` bounces between two values for ever.
# - c < −1, above N/Σx²: every swing is larger than the last; training diverges.

# %%
def stability_bound(x):
    """The threshold N/Σx²: below it gradient descent converges, above it diverges."""
    return len(x) / (x * x).sum()

# %%
def contraction(lr, x):
    """c = 1 − lr·2Σx²/N: each step multiplies the distance a − a* by c."""
    return 1 - lr * 2 * (x * x).sum() / len(x)

# %%
bound, c = stability_bound(x), contraction(lr, x)
note(f"threshold N/Σx² = {bound:.4g}; this run's c = 1 − lr·2Σx²/N = {c:.4g} (each "
     f"step multiplies a − a* by c)")

# %% [markdown]
# N/Σx² falls as the square of x's scale: the same points stretched from 0–10 to
# 0–200, 20× wider, have a threshold 400× smaller (7.4e-5), where lr = 0.001 diverges.
#
# Training repeats the step, and stops once the loss passes a thousand times its start
# (it has diverged). Every `every` steps it prints the post's line: the loss after the
# step (`error`), the gradient the step used, at the `a` before it (`gradiente`; at
# i=10, −61.98, while the slope at the printed `a` is −57.78), and the new `a`.

# %%
BLOWUP = 1000  # a loss past this many times its start means the run has diverged


def blew_up(value, start_loss):
    """Whether a loss means the run diverged: not finite, or past BLOWUP × the start."""
    return bool(not np.isfinite(value) or value > BLOWUP * start_loss)

# %%
class History(NamedTuple):
    """A run at rate lr: weights and losses from the start on; each step's gradient."""
    lr: float
    weights: np.ndarray
    losses: np.ndarray
    grads: np.ndarray

# %%
def train(a, x, z, lr, steps, every=None):
    """Up to `steps` updates from a, printing a line every `every` steps (None: never);
    it stops after the step where the loss blows up."""
    weights, losses, grads = [a], [loss(predict(a, x), z)], []
    with np.errstate(over="ignore", invalid="ignore"):  # blew_up catches an overflow
        for i in range(1, steps + 1):
            grads.append(gradient(a, x, z))
            a = step(a, grads[-1], lr)
            weights.append(a)
            losses.append(loss(predict(a, x), z))
            blown = blew_up(losses[-1], losses[0])
            if every and (i % every == 0 or i == steps or blown):
                print(f"i={i}: error={losses[-1]}, gradiente={grads[-1]}, a={a}")
            if blown:
                break
    return History(lr, np.array(weights), np.array(losses), np.array(grads))

# %%
history = train(a, x, z, lr, steps, every)

# %% [markdown]
# A run whose loss blew up stops the lesson here, with a rate to try instead: a safe
# one, 0.9 of N/(2Σx²) rounded down to one digit.

# %%
def safe_rate(limit):
    """A learning rate safely below `limit`: 0.9 of it, rounded down to one digit."""
    magnitude = 10.0 ** np.floor(np.log10(0.9 * limit))
    return float(np.floor(0.9 * limit / magnitude) * magnitude)

# %%
end_a, safe = history.weights[-1], safe_rate(bound / 2)
if blew_up(history.losses[-1], start_loss):  # one line, with the safe rate to try
    program.stop_diverged(len(history.grads), history.losses[-1], bound, safe)
if lr >= bound:
    note(f"lr = {lr:g} is at or above the threshold N/Σx² = {bound:.4g}: a swings "
         f"around a* without settling, as the pictures show")

# %% [markdown]
# A run that ended over 1% of its starting distance from `a*` gets a note on what
# would get there: the safe rate, or more steps at this rate, each counted from c.

# %%
def steps_needed(c, distance, close):
    """Steps, each multiplying the distance by c, from `distance` to within `close`."""
    if abs(c) >= 1:
        return None
    if c == 0 or distance <= close:
        return 1
    return int(np.ceil(np.log(close / distance) / np.log(abs(c))))

# %%
distance, close = abs(a - a_star), 0.01 * abs(a - a_star)  # 1% of the start's distance
if abs(end_a - a_star) > close:
    counts = [steps_needed(contraction(safe, x), distance, close),
              steps_needed(c, distance, close)]
    note(f"at step {len(history.grads)} a = {end_a:.6g} is still "
         f"{abs(end_a - a_star):.3g} from a* = {a_star:.6g}; try "
         f"{program.ideas(safe, counts, bound)}")

# %% [markdown]
# ## The training, animated
#
# Left: the points, the line and its errors. Right: the bowl, `a` on it and its tangent,
# whose slope ("slope here") is the gradient at the drawn `a`. The post draws each new
# `a` with the gradient of the step before, so its tangent cuts across the bowl.

# %%
pictures.training_gif(x, z, history, state, loss_curve)

# %% [markdown]
# ## The learning curve, predicted
#
# The loss cannot reach 0: its floor is loss(a*), 3.463 for the post's points. The
# *excess loss* above it, `loss(a) − loss(a*)`, equals `(Σx²/N)·(a − a*)²`, so every
# step multiplies it by c²: on a log scale, a straight line from the starting excess
# down. (A plain loss curve bends only because it nears the floor.) For this quadratic
# loss the agreement is exact: the dashed line checks the derivation, it forecasts
# nothing new. Squaring hides the sign of `a − a*`; the right panel shows it, swapping
# sides at every step when c < 0.

# %%
excess = history.losses - min_loss
with np.errstate(under="ignore"):  # c^(2·step) may fall below the smallest float: 0
    predicted = excess[0] * c ** (2.0 * np.arange(len(excess)))

# %%
def run_kind(lr, x, start_a, end_a, a_star):
    """How a run went, for the title: diverging, bouncing, barely moving, overshooting
    or converging."""
    bound = stability_bound(x)
    if lr >= bound:
        return "diverging" if lr > bound else "bouncing"
    if abs(end_a - a_star) > 0.9 * abs(start_a - a_star):
        return "barely moving"
    return "overshooting but converging" if lr > bound / 2 else "converging"

# %%
kind = run_kind(lr, x, a, end_a, a_star)
closed = 1 - abs(end_a - a_star) / max(distance, 1e-300)  # the share of the way covered
title = pictures.curve_title(kind, c, closed, len(history.grads))
pictures.learning_curve(excess, predicted, history.weights - a_star, title)

# %% [markdown]
# **When to stop?** Real training knows neither a* nor how many steps it needs. A common
# rule stops once the gradient's size falls below a tolerance (here a thousandth of its
# start), or after a maximum number of steps. Here the gradient is proportional to
# a − a*, so it stops a thousandth of the start's distance from a*; elsewhere a flat
# stretch can stop it early.

# %%
def stopping_step(grads, tolerance):
    """The steps a run takes by the rule "stop once |gradient| < tolerance" (None:
    all of them)."""
    small = np.flatnonzero(np.abs(grads) < tolerance)
    return int(small[0]) if small.size else None

# %%
stop = stopping_step(history.grads, 1e-3 * abs(history.grads[0]))
if stop is None:
    note(f"stopping rule (|gradient| below 1/1000 of its start): it would not have "
         f"stopped by step {len(history.grads)}")
else:
    gap = abs(history.weights[stop] - a_star)
    note(f"stopping rule (|gradient| below 1/1000 of its start): it would have stopped "
         f"at step {stop}, at a = {history.weights[stop]:.6g}, {gap:.3g} from a* "
         f"({100 * gap / max(distance, 1e-300):.2g}% of the start's distance)")

# %% [markdown]
# ## Choosing a rate by trying
#
# N/Σx² has a formula only because this loss is a parabola. For a real network you find
# a rate by trying: train briefly at rates a factor √10 ≈ 3.16 apart (0.001, 0.00316,
# ...) and watch the loss. A loss that ever rises means the rate is too large (or a
# bug); of the rest, keep the one with the lowest loss after the trial. Here: 10 steps
# each, from this run's rate up while the loss falls (or down until it does).

# %%
def loss_falls(a, x, z, lr, steps=10):
    """Whether the loss falls at each of `steps` steps at rate lr (rounding aside)."""
    losses = train(a, x, z, lr, steps).losses
    rises = np.diff(losses) > 1e-12 * losses[:-1]
    return len(losses) == steps + 1 and not bool(np.any(rises))

# %%
def rates_by_trying(a, x, z, lr):
    """{rate: whether the loss fell}, √10 apart from lr, up while it falls or down until
    it does, at most 30 rates."""
    tried = {lr: loss_falls(a, x, z, lr)}
    factor, rate = (np.sqrt(10) if tried[lr] else 1 / np.sqrt(10)), lr
    while tried[rate] == (factor > 1) and len(tried) < 30:  # up: fell; down: rose
        rate *= factor
        tried[rate] = loss_falls(a, x, z, rate)
    return tried

# %%
tried = rates_by_trying(a, x, z, lr)
fell = [rate for rate in tried if tried[rate]]
trial_loss = {rate: train(a, x, z, rate, 10).losses[-1] for rate in fell}
kept = min(fell, key=trial_loss.get) if fell else None
kept

# %% [markdown]
# Below, each rate tried trains as long as this run (at most 5,000 steps, fewer if it
# blows up); for this run's own rate, the run above is reused, cut to that length.

# %%
STUDY_STEPS = 5_000  # the side studies (other rates, two weights) train at most this
study_steps = min(steps, STUDY_STEPS)
runs = {}
for rate in tried:
    trial = history if rate == lr else train(a, x, z, rate, study_steps)
    losses, weights = trial.losses[:study_steps + 1], trial.weights[:study_steps + 1]
    runs[rate] = (losses, run_kind(rate, x, a, weights[-1], a_star),
                  blew_up(losses[-1], start_loss))
pictures.learning_rates(runs, kept, bound, min_loss)

# %% [markdown]
# ## Two weights: a line with an offset
#
# The post ends remarking that two weights would need a 3-D graph. Here it is: the
# line `z = a·x + b` adds an offset `b`, so it need not pass through the origin. The
# loss is a surface over the plane (a, b), with two *partial* derivatives (∂): each one
# the slope along one weight, the other held fixed; by the chain rule as before, with 1
# as the input that `b` multiplies:
#
#     ∂loss/∂a = (2/N)·Σ (a·x + b − z)·x
#     ∂loss/∂b = (2/N)·Σ (a·x + b − z)
#
# Multiplied out, the sums split into four means of the data alone (mean(x²) = Σx²/N,
# and so on), which no step changes: ∂loss/∂a = 2·(a·mean(x²) + b·mean(x) − mean(x·z))
# and ∂loss/∂b = 2·(a·mean(x) + b − mean(z)). Worked out once, they make each step below
# as cheap for a million points as for 30 (this loss allows it; a network's does not).
# One step updates both weights with one rate, from (a₀, 0): a₀ is the random start.

# %%
def predict_with_offset(a, b, x):
    """The output of a neuron with weight a and offset b: a·x + b."""
    return a * x + b

# %%
def gradients(a, b, means):
    """The derivatives of the loss with respect to a and to b, at (a, b), from the means
    of x², x, x·z and z."""
    mean_xx, mean_x, mean_xz, mean_z = means
    return 2 * (a * mean_xx + b * mean_x - mean_xz), 2 * (a * mean_x + b - mean_z)

# %%
def train_two_weights(a, b, x, z, lr, steps):
    """Gradient descent on a and b together; the path, one (a, b) row per step."""
    means = (x * x).mean(), x.mean(), (x * z).mean(), z.mean()  # worked out once
    path = np.empty((steps + 1, 2))
    path[0] = a, b
    for i in range(1, steps + 1):
        slope_a, slope_b = gradients(a, b, means)
        a, b = step(a, slope_a, lr), step(b, slope_b, lr)
        path[i] = a, b
    return path

# %% [markdown]
# Both derivatives are zero at the exact answer (a*, b*), which gives the two *normal
# equations*
#
#     a·Σx² + b·Σx = Σxz
#     a·Σx + b·N = Σz
#
# two equations in two unknowns. Divide the second by N: the best line passes through
# the means (x̄, z̄), b* = z̄ − a*·x̄. Put that into the first: a* is Σ(x − x̄)(z − z̄)
# over Σ(x − x̄)². There is no single answer when every x is the same: then many lines
# fit equally well.

# %%
def best_line(x, z):
    """(a*, b*) from the normal equations; None when every x is the same."""
    dx, dz = x - x.mean(), z - z.mean()  # each point's distance from the means
    if (dx * dx).sum() <= 1e-12 * (x * x).sum():
        return None
    a_star = (dx * dz).sum() / (dx * dx).sum()
    return a_star, z.mean() - a_star * x.mean()

# %% [markdown]
# Like the bowl, the surface is its floor plus a quadratic,
# `loss(a*, b*) + (Σx²·da² + 2Σx·da·db + N·db²)/N` with `da = a − a*` and
# `db = b − b*`: many (a, b) in one pass.

# %%
def loss_surface(a, b, x, z):
    """The loss at many (a, b) at once: its floor plus a quadratic."""
    (a_star, b_star), n = best_line(x, z), len(x)
    da, db = np.asarray(a) - a_star, np.asarray(b) - b_star
    quadratic = (x * x).sum() * da ** 2 + 2 * x.sum() * da * db + n * db ** 2
    return loss(predict_with_offset(a_star, b_star, x), z) + quadratic / n

# %% [markdown]
# Training is slower here, and the one-weight story says why. With two weights the
# bowl curves more in some directions than in others. Its second derivatives form
# H = (2/N)·[[Σx², Σx], [Σx, N]], whose two eigenvalues λ are its curvatures along its
# most and least curved directions (the *eigen-directions*). Along each, a step
# multiplies the distance by 1 − lr·λ, like c, so lr < 2/λmax (one weight has the one
# curvature 2Σx²/N, hence the first half's N/Σx²). Here the curvatures differ 135×,
# mostly as b's input is always 1 while x averages 5: a rate safe across the narrow
# valley crawls along it. (A rate above 0.9 of the two weights' bound is cut to that.)

# %%
def curvatures(x):
    """The eigenvalues (λmin, λmax) of H = (2/N)·[[Σx², Σx], [Σx, N]]."""
    return np.linalg.eigvalsh((2 / len(x)) * np.array([[(x * x).sum(), x.sum()],
                                                       [x.sum(), len(x)]]))

# %%
def two_weight_contraction(lr, x):
    """The most of the distance to (a*, b*) a step leaves: the largest |1 − lr·λ|."""
    return np.abs(1 - lr * curvatures(x)).max()

# %%
class Descent(NamedTuple):
    """Gradient descent on (a, b) at rate lr towards best = (a*, b*)."""
    path: np.ndarray  # one (a, b) row per step, from the start
    best: tuple
    lr: float
    ratio: float  # λmax / λmin: the valley is √ratio times longer than wide
    reached: int | None  # steps to within 1% of the starting distance (None: not yet)

# %%
def descend(x, z, start_a, lr, steps):
    """Train a and b from (start_a, 0) for `steps` steps at rate lr; its Descent."""
    best, (low, high) = best_line(x, z), curvatures(x)
    path = train_two_weights(start_a, 0.0, x, z, lr, steps)
    gaps = np.hypot(path[:, 0] - best[0], path[:, 1] - best[1])
    within = np.flatnonzero(gaps <= 0.01 * gaps[0])
    return Descent(path, best, lr, high / low, int(within[0]) if within.size else None)

# %%
def enough_steps(lr, x):
    """Steps that surely bring a two-weight run at rate lr within 1% of its starting
    distance, by the largest |1 − lr·λ|; at most STUDY_STEPS."""
    needed = steps_needed(two_weight_contraction(lr, x), 1.0, 0.01)
    return STUDY_STEPS if needed is None else min(needed, STUDY_STEPS)

# %%
two_ok = best_line(x, z) is not None
if not two_ok:
    note("every x is the same, so a and b cannot be told apart (many lines fit equally "
         "well); the two-weights and scaling sections are skipped")

# %%
if two_ok:
    two_bound = 2 / curvatures(x)[-1]
    descent = descend(x, z, a, min(lr, 0.9 * two_bound), study_steps)
    pictures.two_weights(x, z, descent, loss_surface)
    if descent.lr != lr:
        note(f"lr = {lr:g} is above 0.9 of the two-weight threshold 2/λmax = "
             f"{two_bound:.4g}, so this section trains at 0.9 of it")

# %% [markdown]
# After 100 steps the path is in the valley; after 5,000 (`STEPS = 5000`), 3% of its
# starting distance is left (1% takes 7,178 steps). The note says where this run ended
# and, if it is still far, a rate and a step count that get within 1%: counted by
# training at that rate.

# %%
if two_ok:
    end, best = descent.path[-1], descent.best
    advice = ""  # still far: a rate safe for both weights, and the steps it needs
    if descent.reached is None:
        rate = safe_rate(two_bound)
        faster = descend(x, z, a, rate, enough_steps(rate, x))
        advice = program.two_weight_advice(faster, STUDY_STEPS)
    note(f"two weights at step {len(descent.path) - 1}, lr = {descent.lr:.4g}: "
         f"a = {end[0]:.6g}, b = {end[1]:.6g}; exact a* = {best[0]:.6g}, "
         f"b* = {best[1]:.6g}{advice}")

# %%
if two_ok and abs(best[1]) > 0.1 * np.abs(z).max():  # far off the origin: b helps
    two = loss_surface(best[0], best[1], x, z)
    note(f"these points lie off the origin: the best loss with one weight is "
         f"{min_loss:.4g}, with an offset b: {two:.4g}; the one-weight line z = a·x is "
         f"forced through (0, 0)")

# %% [markdown]
# ## The cure: scale the inputs
#
# The valley is narrow because x is unlike b's input 1: its mean is 5, its spread (its
# standard deviation) 2.98.
# *Centre* x (subtract the mean) and the curvatures differ 8.9×, not 135×; *standardise*
# it (also divide by the spread) and they are equal: a round bowl, one rate for both.

# %%
def standardised(x):
    """x shifted to mean 0 and scaled to spread (standard deviation) 1."""
    return (x - x.mean()) / x.std()

# %% [markdown]
# Each version of x trains at the rate 1/λmax, which crosses the valley's steepest
# direction in one step. The steps to within 1% of the starting distance fall from 496
# to 39 to 1.

# %%
if two_ok:
    versions = {"x as measured": x, "x − mean": x - x.mean(),
                "standardised x": standardised(x)}
    scaled = {}
    for name, inputs in versions.items():
        rate = 1 / curvatures(inputs)[-1]
        scaled[name] = descend(inputs, z, a, rate, enough_steps(rate, inputs))
    pictures.scaling([x, versions["standardised x"]], z,
                     [scaled["x as measured"], scaled["standardised x"]], loss_surface)

# %% [markdown]
# Weights learned on standardised x convert back: z = a'·(x − mean)/spread + b'
# means a = a'/spread and b = b' − a'·mean/spread, which is (a*, b*) again.

# %%
if two_ok:
    a_scaled, b_scaled = scaled["standardised x"].path[-1]
    spread, mean = x.std(), x.mean()
    raw, centred, standard = (scaled[name].reached or f"> {STUDY_STEPS}"
                              for name in scaled)
    note(f"scaling x, steps to within 1% at the rate 1/λmax: {raw} as measured, "
         f"{centred} centred, {standard} standardised; converted back: "
         f"a = {a_scaled / spread:.6g}, b = {b_scaled - a_scaled * mean / spread:.6g}")

# %% [markdown]
# The everyday fix: the threshold shrinks as the square of x's scale, so x in the
# thousands makes the default rate diverge; standardised, the same rates work in any
# units.
#
# ## Saving, and exploring live
#
# The pictures, kept under temporary names, now all take their names at once: a run
# that fails or is stopped leaves your earlier pictures as they were.

# %%
pictures.save()

# %% [markdown]
# `EXPLORE = True` (or `--explore`) opens a window to touch the model: drag **a**, and
# the line, its errors and the tangent follow; drag **step** to scrub through training,
# or the **learning rate** (N/Σx² in red) to rerun `train`; space plays, ← → step, `r`
# resets, `q` closes (in Jupyter: `pip install ipympl`).

# %%
explorer = pictures.explore(x, z, history, state, loss_curve, train, bound)

# %% [markdown]
# ## Try it yourself
#
# Each gives the knobs to set in a notebook, then the command for a terminal.
# 1. **A timid rate.** `LEARNING_RATE = 1e-5`; `python regression_gd.py --lr 1e-5`:
#    `a` creeps from 0.27 to only 0.385 in 100 steps; a note says how far it is from
#    a* and suggests a rate computed from the data; the learning curve says "Barely
#    moving".
# 2. **Overshooting**, between N/(2Σx²) and N/Σx². `LEARNING_RATE = 0.02`, `EVERY = 1`;
#    `python regression_gd.py --lr 0.02 --every 1`: after step 1 `a` is past a* (above
#    1.9914), after step 2 below it, each swing smaller; by step 40 it sits on
#    a* = 1.991412006340672 to every digit.
# 3. **Just past the threshold** N/Σx² = 0.0295. `LEARNING_RATE = 0.03`;
#    `python regression_gd.py --lr 0.03`: a warning, and every swing is larger than the
#    last: after 100 steps `a` is about −49 and the loss over 88,000. With 0.05 the loss
#    blows up at step 4: the lesson stops with an error and writes no pictures.
# 4. **One step.** `LEARNING_RATE = 0.0147457627`, `STEPS = 3`, `EVERY = 1`;
#    `python regression_gd.py --lr 0.0147457627 --steps 3 --every 1`: N/(2Σx²) makes
#    c = 0, so the line `i=1` already shows a = 1.99141200…
# 5. **Another start.** `SEED = 7`; `python regression_gd.py --seed 7`: it starts at
#    a = 0.324, and still ends within 1% of the start's distance from a*.
# 6. **When to stop.** `STEPS = 1000`, `EVERY = 100`;
#    `python regression_gd.py --steps 1000 --every 100`: the rule would have stopped
#    after 99 steps, 0.00164 from a*; the rest close a gap no plot of the line shows.
# 7. **Your own data, off the origin.** Points on z = 10 + 2·x, which a line through
#    (0, 0) cannot follow; this line of code writes them:
#    `open("offset.csv", "w").write("x,z\n0,10\n1,12\n2,14\n3,16\n4,18\n")`.
#    `DATA = "offset.csv"`; `python regression_gd.py --data offset.csv`: the notes say
#    the points lie off the origin (one weight's best loss is 33) and give a* = 2,
#    b* = 10; 100 steps end far off, at a = 3.55, b = 1.70. `LEARNING_RATE = 0.1`,
#    `STEPS = 300`; `python regression_gd.py --data offset.csv --lr 0.1 --steps 300`
#    gets there: a = 2, b = 10.
