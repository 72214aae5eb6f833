# %% [markdown]
# # One neuron learns a line: gradient descent, step by step
#
# A neural network learns by nudging its weights, over and over, in whichever direction
# makes its error smaller. Here is that on the smallest network there is: one neuron
# with one weight `a`, which turns an input `x` into `a·x`, its guess for a measured
# `z`. Starting from a random `a`, it learns from 30 measured points. It follows a blog
# post written in Spanish ("How Neural Networks Work: Linear Regression and Gradient
# Descent Step by Step"), and prints its training log digit for digit.
#
# What carries over to large networks: a loss that measures the error, its derivative
# for each weight (the *gradient*), and the update that moves each weight a little
# against it. What comes later: activation functions, layers, and mini-batches.
#
# Run `python regression_gd.py` (`--help` lists its options), or open it as a notebook
# and run the cells in order.

# %%
import random
from typing import NamedTuple

import program  # first: an old Python or a missing package is one line saying why
import numpy as np

import data
import exercises
import pictures
from program import note

# %% [markdown]
# ## The knobs
#
# The values the post uses, each but LANGUAGE also a command-line option (`--lr 0.01`,
# `--steps 500`, `--data offset.csv`). In a notebook, change them here, then run this
# cell and those after it.

# %%
LEARNING_RATE = 1e-3  # each step changes a by −LEARNING_RATE × gradient
STEPS = 100  # how many updates training makes
SEED = 45  # seed of Python's random generator, which picks the starting a
EVERY = 10  # a progress line every this many steps
FRAMES = 100  # at most this many frames in the training animation
GUESS = 1.0  # your own guess for a, before any training (see "Your turn" below)
DATA = None  # a CSV file of your own points (columns x,z), or None: the post's 30
OUT = "figures"  # the folder the pictures are written to
EXPLORE = False  # open the live explorer at the end (in Jupyter it needs ipympl)
LANGUAGE = "en"  # this file's language: its pictures, errors and --help speak it

# %%
settings = program.read_settings(LANGUAGE, lr=LEARNING_RATE, steps=STEPS, seed=SEED,
                                 every=EVERY, frames=FRAMES, guess=GUESS, data=DATA,
                                 out=OUT, explore=EXPLORE)
lr, steps, seed, every = settings.lr, settings.steps, settings.seed, settings.every

# %% [markdown]
# **Predict, then run.** x runs from 0 to 10 and z from about 0 to 20: roughly what
# slope `a` would a line through the origin need?
# <details><summary>Answer</summary>
#
# About 2: z grows by about 20 while x grows by 10. The best value comes later: 1.9914.
# </details>

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
# **Predict, then run.** The random start below is between 0 and 1. Will its line pass
# above or below most of the points?
# <details><summary>Answer</summary>
#
# Below: it reaches at most 10 at x = 10, where the points are near 20.
# </details>

# %% [markdown]
# ## The neuron and a random start
#
# The neuron's whole computation is one multiplication, `z = a·x`. Like the weights of
# any network, `a` starts at a random value; seeding Python's generator makes it the
# same on every run, so your numbers match the post's. In the picture, the red segments
# are the errors: for each point, the gap between what the neuron says at that x and
# what was measured.

# %%
def predict(a, x):
    """The neuron's output for inputs x: a·x."""
    return a * x


def random_start(seed):
    """A starting weight drawn uniformly from [0, 1) by Python's seeded generator."""
    random.seed(seed)
    return random.random()

# %%
a = random_start(seed)
pictures.random_start(x, z, a, predict(a, x))
a

# %% [markdown]
# **Predict, then run.** The next section squares each error. Which errors will count
# most: near x = 0, or near x = 10?
# <details><summary>Answer</summary>
#
# Near x = 10: a gap of about 17 there (19.4 measured, 2.7 on the line) squares to 280.
# </details>

# %% [markdown]
# ## How wrong is it? The loss
#
# One number for how wrong the line is: the mean squared error. Square each point's
# error (so errors above and below the line both count, and big ones count a lot) and
# average them; only a line through every point would score 0. Such a score is called
# the *loss function*, or the loss: learning means making it small.

# %%
def loss(z_pred, z):
    """Mean squared error: the squared errors added up (`.sum()`), over their count."""
    return float(((z_pred - z) ** 2).sum() / len(z))  # a Python float: prints plainly

# %%
start_loss = loss(predict(a, x), z)
note(f"at the random start a = {a} the loss is {start_loss}")

# %% [markdown]
# ### Your turn: fit it by hand
#
# Before the computer learns `a`, find it yourself: set `GUESS` in the knobs, run the
# cells from there down to the next one, and read your line's loss in the picture's
# title. How low can you get it? From a terminal, `python regression_gd.py --guess 1.5`
# prints it in a note a little further on, which also says how close you came once the
# best `a` is known. The lesson's web page (`docs/lesson.html`) has a live figure here
# instead: drag `a` in it.

# %%
guess_loss = loss(predict(settings.guess, x), z)
pictures.guess(x, z, settings.guess, predict(settings.guess, x), guess_loss)

# %% [markdown]
# **Predict, then run.** The gradient is the slope of the loss. At the random start, is
# it positive or negative, and why?
# <details><summary>Answer</summary>
#
# Negative: at 0.27, well below the best `a` (about 2), the loss falls as `a` grows. The
# formula below gives −116.6.
# </details>

# %% [markdown]
# ## The loss for every a: a bowl, and its slope
#
# With N points, and Σ for "add up over the points" (Σx² = x₁² + x₂² + … + x_N²),
# multiply out each square (a·x − z)² = a²x² − 2a·xz + z², and the loss is a parabola in
# `a`, a bowl:
#
#     loss(a) = (a²·Σx² − 2a·Σxz + Σz²) / N
#
# Its derivative with respect to `a`, the *gradient*, is the slope of the tangent to the
# bowl at `a`. The rules it needs: the derivative of a² is 2a, of a is 1, and of a
# number alone is 0. So a²·Σx² gives 2a·Σx², −2a·Σxz gives −2·Σxz, and Σz² gives 0:
#
#     d loss / d a = (2a·Σx² − 2·Σxz) / N = (2/N) · Σ (a·x − z)·x
#
# (The last form puts the sums back together, since a·x·x − z·x = (a·x − z)·x.)
#
# The same comes one point at a time by the *chain rule*, the rule for the derivative of
# a function of a function: the square of an error e changes by 2e per unit of e, and
# the error e = a·x − z changes by x per unit of a, so (a·x − z)² changes by 2·(a·x −
# z)·x. Repeated through every layer of a network, that rule is *backpropagation*.
#
# ### Your turn (exercise 1): write the gradient
#
# Before reading the lesson's version, write `my_gradient` in place of the `...`
# (`a * x - z` holds every point's error, `.sum()` adds up an array, `len(z)` is N). The
# cell after the lesson's version checks it.
# <details><summary>A solution</summary>
#
# `return 2 * ((a * x - z) * x).sum() / len(z)`, the lesson's own line below.
# </details>

# %%
def my_gradient(a, x, z):
    """Your gradient of the loss with respect to a, at a."""
    ...  # your code here

# %%
def gradient(a, x, z):
    """The derivative of the loss with respect to a, at a."""
    return float(2 * ((predict(a, x) - z) * x).sum() / len(z))

# %%
exercises.check_gradient(my_gradient, gradient, x, z)

# %% [markdown]
# A formula for a derivative is easy to get wrong, so measure the slope too: the loss a
# little to the right of `a` minus a little to the left, over the distance between them
# (a *central finite difference*). A right formula agrees with it to a relative
# difference of about 1e-6 or less; one missing its `·x` would be off by several times
# its own value (about 6 here, at the random start).

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
# Setting it to zero gives the minimum, `a* = Σxz / Σx²`, used here only to check
# training: networks that are not linear in their weights have no such formula, hence
# gradient descent. (Here the slope, `(2Σx²/N)·(a − a*)`, grows with the distance to the
# minimum; in general a steep slope does not mean a long way to go.)

# %%
def best_a(x, z):
    """The exact minimum of the loss over a: a* = Σxz / Σx²."""
    return (x * z).sum() / (x * x).sum()

# %%
a_star = best_a(x, z)
min_loss = loss(predict(a_star, x), z)
note(f"exact minimum a* = Σxz/Σx² = {a_star} with loss {min_loss}, the lowest a line "
     f"through the origin can reach")
guess = settings.guess
note(f"your guess a = {guess:g} is {abs(guess - a_star):.3g} from a*; its loss is "
     f"{guess_loss:.4g}")

# %%
def loss_curve(a_values, x, z):
    """The loss at many a at once, for the picture of the bowl: the parabola's formula
    (a²·Σx² − 2a·Σxz + Σz²) / N, from three sums, one pass over the points."""
    a_values = np.asarray(a_values)
    sums = (x * x).sum(), (x * z).sum(), (z * z).sum()
    return (a_values ** 2 * sums[0] - 2 * a_values * sums[1] + sums[2]) / len(z)

# %%
class State(NamedTuple):
    """The neuron with weight a, as the pictures show it: its line, loss, gradient and
    next move."""
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
# **Predict, then run.** The next section moves `a` by the rate times the gradient. With
# lr = 0.001, does the first step move `a` by 0.001, or by more?
# <details><summary>Answer</summary>
#
# By 0.001 × 116.6 = 0.1166, from 0.2719 to 0.3885: the rate times the slope.
# </details>

# %% [markdown]
# ## Gradient descent
#
# One step moves `a` against the slope: `a ← a − lr·gradient`, so `a` grows left of `a*`
# and shrinks right of it, by the rate times the slope.

# %%
def step(a, slope, lr):
    """One gradient-descent update of a weight."""
    return a - lr * slope

# %%
step(a, gradient(a, x, z), lr)

# %% [markdown]
# Why downhill? Write g for the gradient. Near `a` the loss follows its tangent: moving
# `a` by a small d changes the loss by about g·d. A step moves it by d = −lr·g, so the
# loss changes by about −lr·g², a fall if lr is small enough. (At the post's start the
# tangent forecasts 90.124 after the first step; the bowl's curving up makes it 90.585.)
#
# How large may `lr` be? Since Σxz = a*·Σx², the gradient is `(2Σx²/N)·(a − a*)`. Put it
# into the update and subtract `a*` from both sides: the new `a − a*` is
# `(a − a*) − lr·(2Σx²/N)·(a − a*)`, that is c·(a − a*) with c = 1 − lr·2Σx²/N. Every
# step multiplies the distance to `a*` by the same number c.
#
# - 0 < c < 1, below lr = N/(2Σx²) (0.0147 here): `a` walks towards `a*` from one side,
#   each step removing the same share 1 − c of what is left.
# - c = 0, at lr = N/(2Σx²): `a` lands on `a*` in a single step.
# - −1 < c < 0, up to N/Σx² (0.0295 here): every step overshoots, and still converges.
# - c = −1, at lr = N/Σx²: `a` bounces between the same two points for ever.
# - c < −1, above N/Σx²: each swing is larger than the last: it diverges.

# %%
def stability_bound(x):
    """The threshold N/Σx²: below it gradient descent converges, above it diverges."""
    return len(x) / (x * x).sum()


def contraction(lr, x):
    """c = 1 − lr·2Σx²/N: each step multiplies the distance a − a* by c."""
    return 1 - lr * 2 * (x * x).sum() / len(x)

# %%
bound, c = stability_bound(x), contraction(lr, x)
note(f"threshold N/Σx² = {bound:.4g}; this run's c = 1 − lr·2Σx²/N = {c:.4g} (each "
     f"step multiplies a − a* by c)")

# %% [markdown]
# Training repeats the step, and stops once the loss passes a thousand times its start
# (it has diverged). Every `every` steps it prints the post's line: the loss after the
# step (the post calls it `error`), the gradient the step used, at the `a` before it
# (`gradiente`), and the new `a`.

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
# > **Common mistakes, and how the log shows them**
# >
# > - *The update's sign.* `a + lr·gradient` climbs the bowl: the loss (`error`) grows
# >   at every line of the log, and `a` runs away from the points' slope.
# > - *Forgetting to divide by N.* The gradient comes out N times too large, and so does
# >   every step. That is why the loss is a mean: without the division, the usable rate
# >   would depend on how many points there are. With the post's 30 points, lr = 0.001
# >   then acts like 0.03, just past the threshold above: training diverges.
# > - *A rate too large.* The error grows, and `a` lands on alternate sides of `a*`,
# >   further each time (with `--every 1`, `gradiente` changes sign at every line); past
# >   1000 times its start, the run stops with one line and a rate to try.

# %%
def safe_rate(limit):
    """A learning rate safely below `limit`, to try where a run blew up: 0.9 of it,
    rounded down to one digit."""
    magnitude = 10.0 ** np.floor(np.log10(0.9 * limit))
    return float(np.floor(0.9 * limit / magnitude) * magnitude)

# %%
end_a, safe = history.weights[-1], safe_rate(bound / 2)
if blew_up(history.losses[-1], start_loss):  # one line, with the safe rate to try
    program.stop_diverged(len(history.grads), history.losses[-1], bound, safe)
if lr >= bound:
    note(f"lr = {lr:g} is at or above the threshold N/Σx² = {bound:.4g}: a jumps from "
         f"side to side of a* and never gets closer (above it, further away each step)")

# %%
def steps_needed(c, distance, close):
    """Steps, each multiplying the distance by c, from `distance` to within `close`: for
    a run that ended over 1% of its starting distance from a*, what would get there."""
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
# **Predict, then run.** The next section animates these 100 steps. As `a` nears the
# bottom of the bowl, do its steps get longer, shorter, or stay the same, and why?
# <details><summary>Answer</summary>
#
# Shorter: a step is the rate times the slope, and the slope shrinks near the bottom.
# Each step is c = 0.932 times the last: 0.1166 the first, 0.00011 the hundredth.
# </details>

# %% [markdown]
# ## The training, animated
#
# Left: the points, the line and its errors. Right: the bowl, `a` on it and its tangent,
# whose slope ("slope here") is the gradient at the drawn `a`.

# %%
pictures.training_gif(x, z, history, state, loss_curve)

# %% [markdown]
# **Predict, then run.** The next picture plots how far the loss is above its lowest
# value, step by step, on a log scale (1, 10, 100 equally spaced). What shape will it
# draw?
# <details><summary>Answer</summary>
#
# A straight line down: every step multiplies that distance by the same c² = 0.869.
# </details>

# %% [markdown]
# ## The learning curve, predicted
#
# The loss cannot reach 0: its floor is loss(a*), 3.463 for the post's points. The
# *excess loss* above it, `loss(a) − loss(a*)`, equals `(Σx²/N)·(a − a*)²`, so every
# step multiplies it by c²: a straight line on a log scale. For this loss the dashed
# line agrees exactly: it checks the derivation, it forecasts nothing new. Squaring
# hides the sign of `a − a*`; the right panel shows it, swapping sides when c < 0.

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
pictures.learning_curve(excess, predicted, history.weights - a_star, (kind, c, closed))

# %% [markdown]
# **When to stop?** Real training knows neither a* nor how many steps it needs. A common
# rule stops once the gradient's size falls below a tolerance (here a thousandth of its
# start). Here the gradient is proportional to a − a*, so that is a thousandth of the
# start's distance from a*; elsewhere a flat stretch can stop it early.

# %%
def stopping_step(grads, tolerance):
    """The steps a run takes by the rule "stop once |gradient| < tolerance" (None:
    all of them)."""
    small = np.flatnonzero(np.abs(grads) < tolerance)
    return int(small[0]) if small.size else None

# %%
stop = stopping_step(history.grads, 1e-3 * abs(history.grads[0]))
if stop is not None:  # (None: the rule would not have stopped this run)
    gap = abs(history.weights[stop] - a_star)
    note(f"stopping rule (|gradient| below 1/1000 of its start): it would have stopped "
         f"at step {stop}, at a = {history.weights[stop]:.6g}, {gap:.3g} from a* "
         f"({100 * gap / max(distance, 1e-300):.2g}% of the start's distance)")

# %% [markdown]
# **Predict, then run.** The next section trains 10 steps at each of 0.001, 0.00316,
# 0.01 and 0.0316 and keeps the lowest loss that never rose. Which rate will it keep?
# <details><summary>Answer</summary>
#
# 0.01: 0.0316 is past the threshold 0.0295, so its loss rises; of the other three, the
# largest steps get lowest.
# </details>

# %% [markdown]
# ## Choosing a rate by trying
#
# N/Σx² has a formula only because this loss is a parabola. For a real network you find
# a rate by trying: train briefly at rates √10 ≈ 3.16 apart and watch the loss. A loss
# that ever rises means the rate is too large (or a bug); of the rest, keep the lowest.
# Here: 10 steps each, from this run's rate up while the loss falls, or down until it
# does.

# %%
def loss_falls(a, x, z, lr, steps=10):
    """Whether the loss falls at each of `steps` steps at rate lr (rounding aside)."""
    losses = train(a, x, z, lr, steps).losses
    rises = np.diff(losses) > 1e-12 * losses[:-1]
    return len(losses) == steps + 1 and not bool(np.any(rises))


def rates_by_trying(a, x, z, lr):
    """{rate: whether the loss fell}, √10 apart from lr, up while it falls or down until
    it does, at most 30 rates."""
    tried = {lr: loss_falls(a, x, z, lr)}
    factor, rate = (10 ** 0.5 if tried[lr] else 10 ** -0.5), lr  # plain Python floats
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

# %%
# each rate is tried as long as this run (at most STUDY_STEPS); this run's own is reused
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
# **Predict, then run.** The next section adds a second weight, an offset `b`, trained
# at the same rate. Will 100 steps get as close as they did with one weight?
# <details><summary>Answer</summary>
#
# No: `a` = 1.958 and `b` = 0.213, far from the best line with an offset, `a*` = 2.063
# and `b*` = −0.486 (not the one-weight 1.9914). `b` even moves away from `b*` at first:
# the line starts below most of the points, and lifting it helps.
# </details>

# %% [markdown]
# ## Two weights: a line with an offset
#
# The post ends remarking that two weights would need a 3-D graph. Here it is: the line
# `z = a·x + b` adds an offset `b`, so it need not pass through the origin. The loss is
# a surface over the plane (a, b), with two *partial* derivatives (∂): each one the
# slope along one weight, the other held fixed; by the chain rule as before, with 1 as
# the input that `b` multiplies:
#
#     ∂loss/∂a = (2/N)·Σ (a·x + b − z)·x
#     ∂loss/∂b = (2/N)·Σ (a·x + b − z)
#
# ### Your turn (exercise 2): the offset's slope
#
# Write `my_slope_b`, the derivative ∂loss/∂b above, in place of the `...`; the check
# after the lesson's version says if it is right.
# <details><summary>A solution</summary>
#
# `return 2 * (a * x + b - z).sum() / len(z)`: as in `gradient`, with `b` added to each
# prediction and no `* x`, since `b`'s input is 1.
# </details>

# %%
def my_slope_b(a, b, x, z):
    """Your derivative of the loss with respect to b, at (a, b)."""
    ...  # your code here

# %% [markdown]
# Multiplied out, the sums split into four means of the data alone, such as mean(x²) =
# Σx²/N, which no step changes. Worked out once, they make a step as cheap for a million
# points as for 30. A step updates both weights at one rate, from (a₀, 0): a₀ is the
# random start.

# %%
def predict_with_offset(a, b, x):
    """The output of a neuron with weight a and offset b: a·x + b."""
    return a * x + b


def means_of(x, z):
    """The four means of the data alone: mean(x²), mean(x), mean(x·z), mean(z)."""
    return (x * x).mean(), x.mean(), (x * z).mean(), z.mean()

# %%
def gradients(a, b, means):
    """The derivatives of the loss with respect to a and to b, at (a, b), from the means
    of x², x, x·z and z."""
    mean_xx, mean_x, mean_xz, mean_z = means
    return 2 * (a * mean_xx + b * mean_x - mean_xz), 2 * (a * mean_x + b - mean_z)

# %%
exercises.check_offset_slope(my_slope_b, gradients, means_of)

# %%
def train_two_weights(a, b, x, z, lr, steps):
    """Gradient descent on a and b together; the path, one (a, b) row per step."""
    means = means_of(x, z)  # worked out once
    path = np.empty((steps + 1, 2))
    path[0] = a, b
    for i in range(1, steps + 1):
        slope_a, slope_b = gradients(a, b, means)
        a, b = step(a, slope_a, lr), step(b, slope_b, lr)
        path[i] = a, b
    return path

# %% [markdown]
# Both derivatives are zero at the exact answer (a*, b*). Set to zero, they give two
# equations, called the *normal equations*:
#
#     a·Σx² + b·Σx = Σxz
#     a·Σx + b·N = Σz
#
# The second says the best line passes through the means x̄ and z̄ ("x bar", the mean of
# x): b* = z̄ − a*·x̄; put into the first, a* = Σ(x − x̄)(z − z̄) / Σ(x − x̄)². If every
# x is the same, many lines fit equally well.

# %%
def best_line(x, z):
    """(a*, b*) from the normal equations; None when every x is the same."""
    dx, dz = x - x.mean(), z - z.mean()  # each point's distance from the means
    if (dx * dx).sum() <= 1e-12 * (x * x).sum():
        return None
    a_star = (dx * dz).sum() / (dx * dx).sum()
    return a_star, z.mean() - a_star * x.mean()

# %%
def loss_surface(a, b, x, z):
    """The loss at many (a, b) at once, for the pictures: like the bowl, its floor plus
    a quadratic, loss(a*, b*) + (Σx²·da² + 2Σx·da·db + N·db²)/N, with da = a − a* and
    db = b − b*."""
    (a_star, b_star), n = best_line(x, z), len(x)
    da, db = np.asarray(a) - a_star, np.asarray(b) - b_star
    quadratic = (x * x).sum() * da ** 2 + 2 * x.sum() * da * db + n * db ** 2
    return loss(predict_with_offset(a_star, b_star, x), z) + quadratic / n

# %% [markdown]
# Training is slower here, and the picture below shows why: the loss is a long, narrow
# valley, steep across and nearly flat along. One rate must serve both directions: small
# enough not to overshoot across the steep walls, it crawls along the flat floor.
#
# A direction's *curvature* is how fast the slope grows along it: 2Σx²/N for one weight.
# With two there is a most curved direction (across the valley) and a least curved one
# (along it), their curvatures written λmax and λmin (λ, "lambda", is the usual letter).
# Along each, a step multiplies the distance to (a*, b*) by 1 − lr·λ, as c did, so the
# rate must stay below 2/λmax (for one weight, 2/λ is the N/Σx² from before). Here λmax
# is 135 times λmin, mostly because b's input is always 1 while x averages 5: the valley
# is √135 ≈ 11.6 times longer than wide. The picture draws it as *contours*, lines of
# equal loss, as on a hiking map.
#
# Where the two numbers come from: the second derivatives of the loss (how each slope
# changes with each weight) form a 2×2 table, the *Hessian matrix* H = (2/N)·[[Σx², Σx],
# [Σx, N]]. λmin and λmax, the curvatures along those two special directions, are its
# *eigenvalues*, which `np.linalg.eigvalsh` computes.

# %%
def curvatures(x):
    """The curvatures (λmin, λmax) along the flattest and the steepest direction: the
    eigenvalues of H = (2/N)·[[Σx², Σx], [Σx, N]]."""
    return np.linalg.eigvalsh((2 / len(x)) * np.array([[(x * x).sum(), x.sum()],
                                                       [x.sum(), len(x)]]))

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
    needed = steps_needed(np.abs(1 - lr * curvatures(x)).max(), 1.0, 0.01)
    return STUDY_STEPS if needed is None else min(needed, STUDY_STEPS)

# %%
two_ok = best_line(x, z) is not None
if not two_ok:
    note("every x is the same, so a and b cannot be told apart (many lines fit equally "
         "well); the two-weights and scaling sections are skipped")
else:
    two_bound = 2 / curvatures(x)[-1]
    descent = descend(x, z, a, min(lr, 0.9 * two_bound), study_steps)
    pictures.two_weights(x, z, descent, loss_surface)
    if descent.lr != lr:
        note(f"lr = {lr:g} is above 0.9 of the two-weight threshold 2/λmax = "
             f"{two_bound:.4g}, so this section trains at 0.9 of it")

# %%
# where the run ended: still far in this narrow valley (with --steps 5000, 3% is left)
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
# ### Your turn (exercise 3): one step with momentum
#
# One cure for the crawl keeps a *velocity*, as a ball rolling along the valley floor
# keeps its speed: each step, `velocity ← beta·velocity − lr·slope`, then
# `a ← a + velocity`, where `beta`, such as 0.9, is the share of the last move kept.
# Write one such step for one weight.
# <details><summary>A solution</summary>
#
# `velocity = beta * velocity - lr * slope`, then `return a + velocity, velocity`. With
# `beta = 0` it is the lesson's `step`.
# </details>

# %%
def momentum_step(a, velocity, slope, lr, beta):
    """One step with momentum: the new (a, velocity)."""
    ...  # your code here

# %%
exercises.check_momentum(momentum_step)

# %% [markdown]
# **Predict, then run.** The next section *centres* x: it subtracts x's mean, 5, so that
# x runs from −5 to 5. Will the valley get rounder?
# <details><summary>Answer</summary>
#
# Yes: the curvatures then differ 8.9×, not 135×, and the steps to within 1% (each at
# its own rate 1/λmax) fall from 496 to 39.
# </details>

# %% [markdown]
# ## The cure: scale the inputs
#
# The valley is narrow because x is unlike b's input 1: its mean is 5, its spread (its
# standard deviation) 2.98. *Centre* x (subtract the mean) and the curvatures differ
# 8.9×, not 135×; *standardise* it (also divide by the spread) and they are equal: a
# round bowl, one rate for both.

# %%
def standardised(x):
    """x shifted to mean 0 and scaled to spread (standard deviation) 1."""
    return (x - x.mean()) / x.std()

# %%
# at its rate 1/λmax, which crosses the valley in one step: 496, 39 and 1 steps to 1%
if two_ok:
    versions = {"x as measured": x, "x − mean": x - x.mean(),
                "standardised x": standardised(x)}
    scaled = {}
    for name, inputs in versions.items():
        rate = 1 / curvatures(inputs)[-1]
        scaled[name] = descend(inputs, z, a, rate, enough_steps(rate, inputs))
    pictures.scaling([x, versions["standardised x"]], z,
                     [scaled["x as measured"], scaled["standardised x"]], loss_surface)

# %%
# back from standardised x: a = a'/spread and b = b' − a'·mean/spread, (a*, b*) again
if two_ok:
    a_scaled, b_scaled = scaled["standardised x"].path[-1]
    spread, mean = x.std(), x.mean()
    raw, centred, standard = (f"> {STUDY_STEPS}" if run.reached is None else run.reached
                              for run in scaled.values())  # steps, in versions' order
    note(f"scaling x, steps to within 1% at the rate 1/λmax: {raw} as measured, "
         f"{centred} centred, {standard} standardised; converted back: "
         f"a = {a_scaled / spread:.6g}, b = {b_scaled - a_scaled * mean / spread:.6g}")

# %% [markdown]
# **Predict.** With x in millimetres instead of metres (numbers 1000 times larger), what
# would happen to the threshold N/Σx², and to a run at lr = 0.001?
# <details><summary>Answer</summary>
#
# The threshold would shrink a million times, to 2.9e-8: lr = 0.001 would diverge.
# Standardised x would not notice the change of units.
# </details>

# %% [markdown]
# ## Saving, and exploring live
#
# The pictures, kept under temporary names, now take their names all at once: a run that
# fails or is stopped leaves your earlier pictures as they were.

# %%
pictures.save()

# %% [markdown]
# `EXPLORE = True` (or `--explore`) opens a window to touch the model: drag **a**,
# **step** or the **learning rate** (N/Σx² in red), and everything follows; space plays,
# ← → step, `r` goes back to the start, `q` closes (in Jupyter: `pip install ipympl`).
#
# **Predict, then run.** In the explorer, drag `a` to the bottom of the bowl. What do
# the tangent and the next step do?
# <details><summary>Answer</summary>
#
# The tangent lies flat: the slope there is 0, so the next step, −lr × 0, is nothing.
# </details>

# %%
explorer = pictures.explore(x, z, history, state, loss_curve, train, bound)

# %% [markdown]
# ## Try it yourself
#
# Each question gives the command for a terminal and, in brackets, the knobs to set in a
# notebook. Predict what you will see, run it, then open the answers.
#
# 1. **A timid rate:** how far does `a` get in 100 steps?
#    `python regression_gd.py --lr 1e-5` (`LEARNING_RATE = 1e-5`).
# 2. **Overshooting:** which side of `a*` is `a` on after each step?
#    `python regression_gd.py --lr 0.02 --every 1` (`LEARNING_RATE = 0.02`,
#    `EVERY = 1`).
# 3. **Just past the threshold** N/Σx² = 0.0295: what happens at 0.03, and at 0.05?
#    `python regression_gd.py --lr 0.03` (`LEARNING_RATE = 0.03`).
# 4. **One step:** what does lr = N/(2Σx²) do?
#    `python regression_gd.py --lr 0.0147457627 --steps 3 --every 1` (the same three
#    knobs).
# 5. **Another start:** does the end depend on the start?
#    `python regression_gd.py --seed 7` (`SEED = 7`).
# 6. **When to stop:** how much of a long run does the stopping rule keep?
#    `python regression_gd.py --steps 1000 --every 100` (`STEPS`, `EVERY`).
# 7. **Your own data, off the origin:** points on z = 10 + 2·x, which a line through (0,
#    0) cannot follow. Write them with
#    `open("offset.csv", "w").write("x,z\n0,10\n1,12\n2,14\n3,16\n4,18\n")`, then
#    `python regression_gd.py --data offset.csv` (`DATA = "offset.csv"`), and again with
#    `--lr 0.1 --steps 300`: can two weights find the line?
# <details><summary>What you should see</summary>
#
# 1. `a` creeps from 0.27 to only 0.385; a note says how far it still is from `a*` and
#    suggests a rate computed from the data; the learning curve says "Barely moving".
# 2. After step 1 `a` is above `a*` = 1.9914, after step 2 below, each swing smaller; by
#    step 40 it sits on a* = 1.991412006340672 to every digit.
# 3. Each swing is larger than the last: after 100 steps `a` is about −49 and the loss
#    over 88,000. At 0.05 the loss blows up at step 4: one line, a rate to try.
# 4. It makes c = 0: the first line, `i=1`, already shows a = 1.99141200…
# 5. It starts at a = 0.3238, and ends as close to the same `a*`: the bowl has one
#    bottom.
# 6. The rule stops at step 99, 0.00164 from `a*`: the 901 steps after it close a gap no
#    picture of the line shows.
# 7. The notes say the points lie off the origin and give a* = 2, b* = 10; 100 steps at
#    lr = 0.001 end at a = 3.55, b = 1.70; at 0.1 for 300 steps, a = 2, b = 10.
# </details>
