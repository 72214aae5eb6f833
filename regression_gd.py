"""One neuron learns a line: linear regression by gradient descent, step by step.

The smallest neural network there is: one neuron with one weight ``a``. It takes a number
``x`` and answers ``z = a * x``. We give it 30 measured points, start it at a random ``a``,
measure how wrong it is with the mean squared error, and let gradient descent walk ``a``
downhill until the line fits the points. Everything a real network does in training happens
here, small enough to see.

Run it:           python regression_gd.py            (the log on stdout, pictures in figures/)
Check the log:    python regression_gd.py | diff - tests/post_log.txt
Options:          python regression_gd.py --help

The file reads top to bottom as the lesson. Each ``# %%`` line starts a cell, so it also
opens as a Jupyter notebook (see the README).
"""

import argparse
import math
import os
import random
import sys
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter
from PIL import Image

from data import DataError, load_measurements

# The knobs, with the values the post uses. Each one is also a command-line option.
LEARNING_RATE = 1e-3  # how far a moves against the gradient in one step
STEPS = 100  # how many updates training makes
SEED = 45  # seed of Python's random generator, which picks the starting a
EVERY = 10  # print a progress line every this many steps
FRAMES = 100  # at most this many frames in the training GIF
OUT = "figures"  # folder the pictures are saved in

# %%
# The measurements
# ----------------
# Thirty points (x, z) measured in some experiment. Plotted, they lie roughly on a straight
# line through the origin, so one neuron that multiplies its input by a weight ``a`` should
# be able to describe them. Learning means finding the ``a`` that fits best.

x = np.array([0., 0.34482759, 0.68965517, 1.03448276, 1.37931034,
              1.72413793, 2.06896552, 2.4137931, 2.75862069, 3.10344828,
              3.44827586, 3.79310345, 4.13793103, 4.48275862, 4.82758621,
              5.17241379, 5.51724138, 5.86206897, 6.20689655, 6.55172414,
              6.89655172, 7.24137931, 7.5862069, 7.93103448, 8.27586207,
              8.62068966, 8.96551724, 9.31034483, 9.65517241, 10.])
z = np.array([-0.16281253, 1.88707606, 0.39649312, 0.03857752, 4.0148778,
              0.58866234, 3.35711859, 1.94314906, 6.96106424, 5.89792585,
              8.47226615, 3.67698542, 12.05958678, 9.85234481, 9.82181679,
              6.07652248, 14.17536744, 12.67825433, 12.97499286, 11.76098542,
              12.7843083, 16.42241036, 13.67913705, 15.55066478, 17.45979602,
              16.41982806, 17.01977617, 20.28151197, 19.38148414, 19.41029831])


# %%
# The neuron and a random start
# -----------------------------
# The neuron's whole computation is one multiplication. Before training we know nothing
# about ``a``, so, as with the millions of weights of a large network, we start it at a
# random value. Seeding the generator makes "random" the same on every run, so your
# numbers match the post's.

def predict(a, x):
    """The neuron's output for inputs x: z_p = a * x."""
    return a * x


def random_start(seed):
    """A starting weight drawn uniformly from [0, 1) by Python's seeded generator."""
    random.seed(seed)
    return random.random()


# %%
# How wrong is it? The loss
# -------------------------
# The mean squared error: for every point take the gap between prediction and measurement,
# square it (so gaps above and below the line both count, and big gaps count a lot), and
# average. A perfect line would score 0. We sum with numpy in this exact order so the
# floating-point results equal the post's to the last digit.

def loss(z_pred, z):
    """Mean squared error between predictions z_pred and measurements z."""
    return np.sum((z_pred - z) ** 2) / len(z)


# %%
# The loss over a range of a
# --------------------------
# Trying many values of ``a`` and plotting the loss of each draws a bowl (a parabola, since
# the loss is quadratic in ``a``). The best ``a`` sits at the bottom. With one weight we
# could just read it off the picture; with millions we cannot, so we need a rule that walks
# downhill by itself.
#
# For this one-weight model the bottom also has a closed form: setting the derivative below
# to zero gives a* = sum(x*z) / sum(x*x). We use it only to check how close training gets.

def best_a(x, z):
    """The exact minimum of the loss: a* = sum(x*z) / sum(x*x)."""
    return np.sum(x * z) / np.sum(x * x)


def loss_curve(x, z, a_values):
    """The loss for each candidate weight in a_values."""
    return np.array([loss(predict(a, x), z) for a in a_values])


# %%
# The derivative: which way is downhill
# -------------------------------------
# The derivative of the loss with respect to ``a`` is the slope of the tangent to the bowl
# at ``a``. Differentiating the mean of (a*x - z)**2 gives
#
#     d loss / d a = (2/N) * sum((a*x - z) * x)
#
# Left of the minimum the slope is negative, right of it positive, and at the minimum it is
# zero; the further from the minimum, the steeper. So the slope tells both the direction to
# move and roughly how far we are.

def gradient(a, x, z):
    """The derivative of the loss with respect to a, at a."""
    return 2 * np.sum((predict(a, x) - z) * x) / len(z)


def tangent(a, x, z, half_width):
    """The tangent to the loss curve at a, as a segment from a - half_width to a + half_width."""
    ends = np.array([a - half_width, a + half_width])
    return ends, loss(predict(a, x), z) + gradient(a, x, z) * (ends - a)


def finite_difference(a, x, z, h=1e-6):
    """The slope of the loss at a measured numerically: (loss(a+h) - loss(a-h)) / 2h."""
    return (loss(predict(a + h, x), z) - loss(predict(a - h, x), z)) / (2 * h)


# %%
# Gradient descent
# ----------------
# One step moves ``a`` against the slope: a <- a - lr * gradient. Where the slope is negative
# (left of the minimum) this makes ``a`` bigger, where it is positive smaller: always
# downhill. The learning rate ``lr`` sets the stride. Too small and training crawls; too big
# and every step overshoots the minimum. For this loss each step multiplies the distance to
# the minimum by (1 - lr * 2*sum(x*x)/N), so steps shrink it only while
# lr < N / sum(x*x): the stability bound. Above it the distance grows at every step.

def step(a, grad, lr):
    """One gradient-descent update of the weight a."""
    return a - lr * grad


def stability_bound(x):
    """The largest learning rate for which gradient descent still converges: N / sum(x*x)."""
    return len(x) / np.sum(x * x)


BLOWUP = 1000  # a run whose loss exceeds this many times its starting loss has diverged


def blew_up(value, start_loss):
    """Whether a loss means the run diverged: not finite, or past BLOWUP times the start."""
    return bool(not np.isfinite(value) or value > BLOWUP * start_loss)


def train(a, x, z, lr, steps):
    """Take up to `steps` updates from a; stop early if the loss blows up.

    Returns three arrays with one entry per step taken: the weight after the step, its loss,
    and the gradient that step used.
    """
    start_loss = loss(predict(a, x), z)
    weights, losses, grads = np.empty(steps), np.empty(steps), np.empty(steps)
    # A diverging run overflows to inf; we catch that below, so numpy need not warn about it.
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(steps):
            grads[i] = gradient(a, x, z)
            a = step(a, grads[i], lr)
            weights[i], losses[i] = a, loss(predict(a, x), z)
            if blew_up(losses[i], start_loss):
                return weights[:i + 1], losses[:i + 1], grads[:i + 1]
    return weights, losses, grads


def progress_lines(start_a, start_loss, weights, losses, grads, every):
    """The training log: the start, then every `every`-th step and the last one."""
    lines = [f"i=0: error={start_loss}, a={start_a}"]
    for i in range(len(weights)):
        if (i + 1) % every == 0 or i + 1 == len(weights):
            lines.append(f"i={i + 1}: error={losses[i]}, gradiente={grads[i]}, a={weights[i]}")
    return lines


# %%
# The pictures
# ------------
# Drawing is kept apart from the lesson above: these functions only look at numbers that
# were already computed. Static pictures are 640x480 pixels (6.4 x 4.8 inches at 100 dpi).

DPI = 100


def plot_measurements(x, z):
    """Scatter plot of the measurements."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=DPI)
    ax.scatter(x, z, label="measurements")
    ax.set(xlabel="x (input)", ylabel="z (measured output)",
           title=f"The {len(x)} measurements: roughly a line through the origin")
    return fig


def plot_random_start(x, z, a):
    """The measurements and the line the randomly started neuron draws."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=DPI)
    ax.scatter(x, z, label="measurements")
    ax.plot(x, predict(a, x), "k", label=f"neuron's line z = {a:.4g} x")
    ax.set(xlabel="x (input)", ylabel="z (output)",
           title="Random start: the neuron's line misses the points")
    ax.legend(loc="upper left")
    return fig


def plot_loss_curve(x, z, a_limits):
    """The loss as a function of a, with tangents left of, at and right of the minimum."""
    a_star = best_a(x, z)
    a_values = np.linspace(*a_limits, 200)
    curve = loss_curve(x, z, a_values)
    half_width = 0.15 * (a_limits[1] - a_limits[0])
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=DPI)
    ax.plot(a_values, curve, linewidth=3, label="loss(a)")
    left, right = (a_limits[0] + share * (a_limits[1] - a_limits[0]) for share in (0.1, 0.9))
    for a, color, label in (
            (left, "C2", f"tangent at a = {left:.3g}: slope {gradient(left, x, z):+.4g}"),
            (a_star, "C1", f"tangent at the minimum a* = {a_star:.4g}: flat, slope 0"),
            (right, "C3", f"tangent at a = {right:.3g}: slope {gradient(right, x, z):+.4g}")):
        ax.plot(*tangent(a, x, z, half_width), color=color, label=label)
        ax.plot(a, loss(predict(a, x), z), "o", color=color)
    ax.axvline(a_star, color="gray", linestyle=":")
    ax.set(xlim=a_limits, ylim=(0, 1.05 * curve.max()), xlabel="a (the neuron's weight)",
           ylabel="loss (mean squared error)",
           title="The loss is a bowl; its slope points away from the minimum")
    ax.legend(loc="upper center", fontsize="small")
    return fig


def log_scale(ax):
    """Put the y axis on a log scale, labelled with plain numbers: 1, 10, 100, 1000, ..."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def plot_learning_curve(start_loss, losses, min_loss):
    """The loss at every step of the run, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=DPI)
    ax.plot(np.arange(len(losses) + 1), np.r_[start_loss, losses], label="loss after each step")
    ax.axhline(min_loss, color="gray", linestyle=":",
               label=f"lowest possible loss {min_loss:.4g} (at a*)")
    log_scale(ax)
    ax.set(xlabel="step", ylabel="loss (log scale)",
           title="Learning curve: fast at first, then slower near the minimum")
    ax.legend()
    return fig


def plot_learning_rates(start_loss, runs, this_lr, bound, min_loss):
    """Loss per step for several learning rates; a run that blew up ends in a red cross."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=DPI)
    for lr, losses in runs:
        curve = np.r_[start_loss, losses]
        diverged = blew_up(losses[-1], start_loss)
        label = f"lr = {lr:.3g}" + (" (this run)" if lr == this_lr else "")
        if diverged:
            label += f": above the bound, diverged at step {len(losses)}"
        ax.plot(np.arange(len(curve)), curve, label=label)
        if diverged:
            ax.plot(len(losses), curve[-2] if not np.isfinite(curve[-1]) else curve[-1],
                    "x", color="red", markersize=12, markeredgewidth=3)
    ax.axhline(min_loss, color="gray", linestyle=":", label="lowest possible loss")
    log_scale(ax)
    ax.set(xlabel="step", ylabel="loss (log scale)",
           title=rf"Learning rates: above $N/\sum x^2$ = {bound:.3g} training diverges")
    ax.legend(fontsize="small")
    return fig


# %%
# The training animation
# ----------------------
# Left: the points and the neuron's current line. Right: the loss bowl, the current a on
# it, and the tangent there. Each frame shows the state after one step.
#
# The post draws the new a with the gradient of the step *before*, so its tangent misses
# the curve; here the tangent is always the one at the drawn point.


def training_figure(x, z, a_limits):
    """The animation's figure (512x384 pixels): static parts drawn, moving parts returned."""
    a_star = best_a(x, z)
    fig = Figure(figsize=(6.4, 4.8), dpi=80, layout="tight")
    FigureCanvasAgg(fig)
    ax_fit, ax_loss = fig.subplots(1, 2)

    ax_fit.scatter(x, z, s=12, label="measurements")
    x_line = np.array([x.min(), x.max()])
    ax_fit.plot(x_line, predict(a_star, x_line), color="gray", linestyle="--",
                label=f"best line, a* = {a_star:.4g}")
    # Freeze the limits fitted to the points, so the moving line never rescales the axes.
    ax_fit.set(xlim=ax_fit.get_xlim(), ylim=ax_fit.get_ylim())
    fit_line, = ax_fit.plot(x_line, predict(0, x_line), "k", linewidth=2, label="neuron's line")
    ax_fit.set(xlabel="x", ylabel="z")
    ax_fit.legend(loc="upper left", fontsize="x-small")

    a_values = np.linspace(*a_limits, 200)
    curve = loss_curve(x, z, a_values)
    ax_loss.plot(a_values, curve, linewidth=3, label="loss(a)")
    ax_loss.axvline(a_star, ymax=0.8, color="gray", linestyle=":", label="minimum a*")
    ax_loss.set(xlim=a_limits, ylim=(0, 1.05 * curve.max()), xlabel="a", ylabel="loss")
    tangent_line, = ax_loss.plot([], [], "C2", linewidth=2, label="tangent: slope = gradient")
    point, = ax_loss.plot([], [], "r*", markersize=12)
    ax_loss.legend(loc="upper center", bbox_to_anchor=(0.5, 0.84), fontsize="x-small")
    # Text in axes coordinates (0..1 across the panel) stays in place whatever the data.
    readout = ax_loss.text(0.5, 0.96, "", transform=ax_loss.transAxes, ha="center", va="top",
                           in_layout=False)
    title = fig.suptitle("step 0 of 0")  # a stand-in, so the layout leaves room for the title
    return fig, (fit_line, tangent_line, point, readout, title)


def show_step(moving, x, z, a_limits, a, step_number, steps):
    """Move the line, the point, the tangent and the texts to the state after one step."""
    fit_line, tangent_line, point, readout, title = moving
    fit_line.set_ydata(predict(a, fit_line.get_xdata()))
    tangent_line.set_data(*tangent(a, x, z, 0.15 * (a_limits[1] - a_limits[0])))
    current_loss = loss(predict(a, x), z)
    point.set_data([a], [current_loss])
    readout.set_text(f"a = {a:.4g}\nloss = {current_loss:.4g}")
    title.set_text(f"step {step_number} of {steps}")
    return moving


def frame_steps(steps, frames):
    """Which steps become frames: at most `frames`, evenly spread, first and last included."""
    return np.unique(np.linspace(1, steps, min(frames, steps)).round().astype(int))


def shared_palette(sample):
    """A palette of the sample's commonest colours, no two closer than Pillow can tell apart.

    Pillow matches pixels to a given palette coarsely, in cells 8 levels wide per channel:
    with two palette colours in one cell it may pick either (we saw white come out as
    251,252,253). Keeping only the commonest colour of each cell keeps white and the plot
    colours exact; a rare edge shade maps to a neighbour a few levels away.
    """
    chosen, cells = [], set()
    for _, (r, g, b) in sorted(sample.getcolors(sample.width * sample.height), reverse=True):
        if (r >> 3, g >> 3, b >> 3) not in cells:
            cells.add((r >> 3, g >> 3, b >> 3))
            chosen.extend((r, g, b))
        if len(cells) == 256:
            break
    palette = Image.new("P", (1, 1))
    palette.putpalette(chosen)
    return palette


class PalettePillowWriter(PillowWriter):
    """PillowWriter that takes the already-drawn canvas and maps it onto one shared palette."""

    def __init__(self, palette, fps):
        super().__init__(fps=fps)
        self.palette = palette

    def grab_frame(self, **savefig_kwargs):
        rgb = Image.frombuffer("RGBA", self.frame_size, self.fig.canvas.buffer_rgba(),
                               "raw", "RGBA", 0, 1).convert("RGB")
        self._frames.append(rgb.quantize(palette=self.palette, dither=Image.Dither.NONE))


def save_training_gif(path, x, z, a_limits, weights, frames):
    """Write the training animation, one frame per sampled step, 200 ms a frame, looping."""
    fig, moving = training_figure(x, z, a_limits)
    steps = len(weights)
    chosen = frame_steps(steps, frames)
    # Speed: redrawing the whole figure for every frame is what makes the straightforward
    # way slow. Instead we fit the layout once and freeze it, draw the still parts once,
    # keep that picture, and for each frame paste it back and draw only the few artists
    # that move ("blitting").
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    for artist in moving:
        artist.set_animated(True)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)

    def draw(step_number):
        fig.canvas.restore_region(background)
        show_step(moving, x, z, a_limits, weights[step_number - 1], step_number, steps)
        for artist in moving:
            fig.draw_artist(artist)

    # Speed, again: Pillow would pick a new 256-colour palette for every frame (the slowest
    # part of writing a GIF). The frames differ only in a few lines, so one palette serves
    # them all, made from the first and last frames.
    samples = []
    for step_number in (chosen[0], chosen[-1]):
        draw(step_number)
        samples.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
    palette = shared_palette(Image.fromarray(np.hstack(samples)))

    writer = PalettePillowWriter(palette, fps=5)  # 5 frames a second: 200 ms a frame
    with writer.saving(fig, path, dpi=80):
        for step_number in chosen:
            draw(step_number)
            writer.grab_frame()


# %%
# Saving and the command line
# ---------------------------
# The rest is plumbing: reading options, checking them, and writing files so that a
# failure never leaves a half-written picture behind.

@contextmanager
def written_atomically(path):
    """Yield a temporary name beside `path`; rename it onto `path` only if the block succeeds."""
    folder, name = os.path.split(path)
    stem, ext = os.path.splitext(name)
    temporary = os.path.join(folder, f".{stem}.{os.getpid()}.part{ext}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def save_figure(fig, path):
    """Save a static picture as PNG, atomically."""
    with written_atomically(path) as temporary:
        fig.savefig(temporary, format="png", dpi=DPI)


def a_limits_for(a_values, a_star):
    """Round limits for a that show 0, twice a* (so the bowl is whole) and every a visited."""
    lo = min(0.0, 2 * a_star, *a_values)
    hi = max(0.0, 2 * a_star, *a_values)
    ticks = MaxNLocator(nbins=5).tick_values(lo, hi)
    return float(ticks[0]), float(ticks[-1])


def learning_rates_to_compare(lr, bound):
    """The run's rate, ten times smaller and larger (if stable), and one just above the bound."""
    stable = [rate for rate in (lr / 10, lr, lr * 10) if rate < bound or rate == lr]
    return sorted(set(stable) | {1.05 * bound})


def finite_float(text):
    """argparse type: a finite number greater than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number greater than 0")
    return value


def whole_number(minimum=-math.inf, maximum=math.inf):
    """argparse type: an integer from minimum to maximum."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} must be at least {minimum}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{text} must be at most {maximum}")
        return value
    return parse


MAX_STEPS = 1_000_000  # a million steps take seconds; far beyond that a typo is likelier


def make_parser():
    """The command-line options; each defaults to the value the post uses."""
    parser = argparse.ArgumentParser(
        description="One neuron z = a*x learns its weight a by gradient descent. "
                    "Prints the training log on stdout and saves the pictures.")
    parser.add_argument("--lr", type=finite_float, default=LEARNING_RATE,
                        help="learning rate: how far each step moves a (default: %(default)g; "
                             "above the stability bound N/sum(x^2) training diverges)")
    parser.add_argument("--steps", type=whole_number(1, MAX_STEPS), default=STEPS,
                        help="number of gradient-descent steps (default: %(default)s)")
    parser.add_argument("--seed", type=whole_number(), default=SEED,
                        help="seed for the random starting a (default: %(default)s)")
    parser.add_argument("--every", type=whole_number(1), default=EVERY,
                        help="print a progress line every this many steps (default: %(default)s)")
    parser.add_argument("--frames", type=whole_number(2), default=FRAMES,
                        help="at most this many frames in the GIF, spread evenly over the steps "
                             "(default: %(default)s)")
    parser.add_argument("--data", metavar="FILE",
                        help="CSV file of your own measurements: two columns x,z, optional "
                             "header, '#' comments (default: the post's 30 points)")
    parser.add_argument("--out", default=OUT, metavar="FOLDER",
                        help="folder for the pictures, created if missing (default: %(default)s)")
    parser.add_argument("--no-gif", action="store_true",
                        help="skip the training animation")
    parser.add_argument("--show", action="store_true",
                        help="also open the pictures in windows, where a display exists")
    return parser


def prepare_folder(folder):
    """Create the output folder if needed and check a file can be written in it.

    Returns an error message, or None if the folder is usable.
    """
    if os.path.exists(folder) and not os.path.isdir(folder):
        return f"argument --out: {folder!r} is a file, not a folder; name a folder"
    probe = os.path.join(folder, f".write-test.{os.getpid()}")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as error:
        return (f"argument --out: cannot write pictures into {folder!r} "
                f"({error.strerror or error}); choose another folder")
    return None


def in_notebook():
    """Whether this file is running inside a Jupyter kernel."""
    return "ipykernel" in sys.modules


def main(argv=None):
    """Run the lesson from the command line; returns the exit status."""
    parser = make_parser()
    # Inside Jupyter, sys.argv holds the kernel's own arguments, not the learner's.
    args = parser.parse_args([] if argv is None and in_notebook() else argv)
    show = args.show or in_notebook()
    if not show:
        matplotlib.use("agg")  # files only: no window, no display needed

    points_x, points_z = x, z
    if args.data:
        try:
            points_x, points_z = load_measurements(args.data)
        except DataError as error:
            parser.exit(2, f"{parser.prog}: error: {error}\n")
    problem = prepare_folder(args.out)
    if problem:
        parser.error(problem)

    # The lesson: a random start, its loss, and training.
    start_a = random_start(args.seed)
    start_loss = loss(predict(start_a, points_x), points_z)
    weights, losses, grads = train(start_a, points_x, points_z, args.lr, args.steps)
    diverged = blew_up(losses[-1], start_loss)
    shown = len(weights) - 1 if diverged else len(weights)  # never print the blown-up step
    log = progress_lines(start_a, start_loss, weights[:shown], losses[:shown], grads[:shown],
                         args.every)
    try:
        print("\n".join(log), flush=True)
    except BrokenPipeError:
        # The reader of the log has gone (as with `| head`): keep going for the pictures.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    bound = stability_bound(points_x)
    a_star = best_a(points_x, points_z)
    min_loss = loss(predict(a_star, points_x), points_z)
    if diverged:
        why = (f"grew past {BLOWUP}x its starting value" if np.isfinite(losses[-1])
               else "overflowed to infinity")
        print(f"error: training diverged at step {len(weights)}: the loss {why}. "
              f"lr={args.lr:g} is above the stability bound "
              f"N/sum(x^2) = {bound:.4g}; try a smaller --lr. No pictures were written.",
              file=sys.stderr)
        return 1
    if args.lr >= bound:
        print(f"warning: lr={args.lr:g} is above the stability bound N/sum(x^2) = {bound:.4g}: "
              "each step overshoots the minimum further, and the pictures show it.",
              file=sys.stderr)
    print(f"note: exact minimum a* = sum(x*z)/sum(x*x) = {a_star} with loss {min_loss}; "
          f"after {len(weights)} steps a = {weights[-1]}", file=sys.stderr)
    numeric = finite_difference(start_a, points_x, points_z)
    analytic = gradient(start_a, points_x, points_z)
    print(f"note: gradient check at the start: analytic {analytic}, central finite difference "
          f"{numeric}, relative difference {abs(analytic - numeric) / abs(analytic):.1e}",
          file=sys.stderr)

    # The pictures, in the order of the story.
    a_limits = a_limits_for(np.r_[start_a, weights], a_star)
    runs = [(lr, train(start_a, points_x, points_z, lr, args.steps)[1])
            for lr in learning_rates_to_compare(args.lr, bound)]
    figures = {
        "measurements.png": plot_measurements(points_x, points_z),
        "random_start.png": plot_random_start(points_x, points_z, start_a),
        "loss_curve.png": plot_loss_curve(points_x, points_z, a_limits),
        "learning_curve.png": plot_learning_curve(start_loss, losses, min_loss),
        "learning_rates.png": plot_learning_rates(start_loss, runs, args.lr, bound, min_loss),
    }
    saved = []
    for name, fig in figures.items():
        save_figure(fig, os.path.join(args.out, name))
        saved.append(name)
    if not args.no_gif:
        gif = os.path.join(args.out, "training.gif")
        with written_atomically(gif) as temporary:
            save_training_gif(temporary, points_x, points_z, a_limits, weights, args.frames)
        saved.append("training.gif")
    print(f"saved in {args.out}/: {', '.join(saved)}", file=sys.stderr)

    if in_notebook() and not args.no_gif:
        from IPython.display import Image as Animation
        from IPython.display import display
        display(Animation(filename=os.path.join(args.out, "training.gif")))
    if show:
        if matplotlib.get_backend().lower() == "agg":
            print("warning: --show: no display found; the pictures are only saved.",
                  file=sys.stderr)
        plt.show()
    plt.close("all")
    return 0


if __name__ == "__main__":
    try:
        status = main()
    except KeyboardInterrupt:
        print("interrupted: pictures already saved are complete; the one being written "
              "was discarded.", file=sys.stderr)
        status = 130
    except OSError as error:
        print(f"error: could not write a picture: {error}", file=sys.stderr)
        status = 1
    if status:
        sys.exit(status)
