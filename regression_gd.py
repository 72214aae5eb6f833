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
# Run it with `python regression_gd.py`: the training log goes to the terminal, the
# pictures into `figures/`, and `--help` lists the options. Opened as a notebook (every
# `# %%` line starts a cell), each section shows its own result right below it.

# %%
"""One neuron z = a·x learns its weight a by gradient descent, told as a runnable lesson.

    python regression_gd.py                        the post's run: log on stdout, pictures
    python regression_gd.py --help                 every option
    python regression_gd.py | diff - tests/post_log.txt      the log, checked digit by digit
"""

import signal
import sys


def stop_on_ctrl_c(signum, frame):
    """Ctrl-C: say so in one line and exit with status 130, leaving no half-written file."""
    sys.stderr.write("interrupted: stopped by Ctrl-C; no picture was written or changed.\n")
    raise SystemExit(130)  # on the way out, temporary files are removed (see Pictures)


if __name__ == "__main__" and "ipykernel" not in sys.modules:
    signal.signal(signal.SIGINT, stop_on_ctrl_c)

if sys.version_info < (3, 10):
    sys.exit("error: this lesson needs Python 3.10 or newer, and this is Python "
             "{}.{}; make its virtual environment with a newer Python (see the README)"
             .format(*sys.version_info[:2]))

import argparse
import atexit
import base64
import math
import multiprocessing
import os
import random
import shlex
from types import SimpleNamespace
from typing import NamedTuple

try:
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image
except ModuleNotFoundError as missing:
    sys.exit(f"error: the package {missing.name!r} is not installed for this Python; activate "
             "the lesson's virtual environment or run: pip install -r requirements.txt")

from matplotlib.animation import PillowWriter
from matplotlib.backends import BackendFilter, backend_registry
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator
from matplotlib.widgets import Button, Slider

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

# %% [markdown]
# ## Plumbing: options, output and files (skip this on a first read)
#
# Run as a script, the options are read and checked here, before anything is printed or
# drawn; in a notebook the knobs above are used as they are. Each picture is drawn in the
# section that explains it; all of them are written together at the very end, each under a
# temporary name that is renamed into place, so a run that fails or is interrupted leaves
# the folder's earlier pictures exactly as they were.

# %%
MAX_STEPS = 1_000_000  # a million steps take about 20 s; far beyond, a typo is likelier
MAX_FRAMES = 300  # each GIF frame is held in memory (about 0.2 MB) until the file is written
STUDY_STEPS = 5_000  # the side studies (other rates, two weights) train at most this long
SIZE, WIDE, DPI = (6.4, 4.8), (9.6, 4.8), 100  # static pictures: 640x480 (960x480) pixels
GIF_SIZE, GIF_DPI = (6.4, 4.8), 80  # the animation: 512x384 pixels


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
        if not minimum <= value <= maximum:
            bound = f"at least {minimum}" if value < minimum else f"at most {maximum:,}"
            raise argparse.ArgumentTypeError(f"{text} must be {bound}")
        return value
    return parse


def make_parser():
    """The command-line options; each defaults to its knob."""
    parser = argparse.ArgumentParser(
        description="One neuron z = a·x learns its weight a by gradient descent. "
                    "Prints the training log on stdout and saves the pictures.")
    add = parser.add_argument
    add("--lr", type=finite_float, default=LEARNING_RATE,
        help="learning rate: each step moves a by lr × gradient (default: %(default)g; "
             "above N/Σx² training diverges)")
    add("--steps", type=whole_number(1, MAX_STEPS), default=STEPS,
        help=f"number of gradient-descent steps, at most {MAX_STEPS:,} (default: %(default)s)")
    add("--seed", type=whole_number(), default=SEED,
        help="seed for the random starting a (default: %(default)s)")
    add("--every", type=whole_number(1), default=EVERY,
        help="print a progress line every this many steps (default: %(default)s)")
    add("--frames", type=whole_number(2, MAX_FRAMES), default=FRAMES,
        help=f"at most this many GIF frames, from 2 to {MAX_FRAMES} (default: %(default)s)")
    add("--data", metavar="FILE",
        help="your own measurements: a CSV file with two columns x,z (comma, semicolon or "
             "tab separated; optional header; '#' comments) (default: the post's 30 points)")
    add("--out", default=OUT, metavar="FOLDER",
        help="folder for the pictures, created if missing (default: %(default)s)")
    add("--no-gif", action="store_true", help="skip the training animation")
    add("--show", action="store_true",
        help="also open the pictures in windows, where a display exists")
    add("--explore", action="store_true", default=EXPLORE,
        help="at the end, open one window to drag a, scrub the training and change the "
             "learning rate (needs a display)")
    return parser


def in_notebook():
    """Whether this file is running inside a Jupyter kernel."""
    return "ipykernel" in sys.modules


def window_problem():
    """Why no window can be opened here, or None if one can."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        return ("there is no display to open a window on; run it on a desktop, or in "
                "Jupyter with ipympl (%matplotlib widget)")
    if matplotlib.get_backend().lower() in backend_registry.list_builtin(
            BackendFilter.NON_INTERACTIVE):
        return ("matplotlib found no window toolkit; install Tk "
                "(on Debian/Ubuntu: sudo apt install python3-tk)")
    return None


def prepare_folder(folder):
    """Create the output folder if needed and check that it is writable; an error or None."""
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


def read_settings():
    """The run's settings: the command line's options (the knobs, in a notebook), checked."""
    parser = make_parser()
    # Inside Jupyter, sys.argv holds the kernel's own arguments, not the learner's.
    options = parser.parse_args([] if in_notebook() else None)
    problem = prepare_folder(options.out)
    if not problem and options.explore and not in_notebook():
        problem = window_problem()
        problem = problem and f"argument --explore: {problem}"
    if problem:
        parser.error(problem)
    if in_notebook():
        show_pictures_as_saved()
    elif not (options.show or options.explore):
        matplotlib.use("agg")  # files only: no window, no display needed
    return options


def show_pictures_as_saved():
    """In Jupyter, show each picture at the size it is saved, not trimmed to its content."""
    from IPython import get_ipython
    get_ipython().run_line_magic(
        "config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")


def fail(message, status):
    """Stop the run with one error line on stderr and an exit status."""
    print(f"{os.path.basename(sys.argv[0])}: error: {message}", file=sys.stderr)
    sys.exit(status)


def say(lines):
    """Print log lines on stdout; if the reader has gone (as with `| head`), carry on."""
    if not lines:
        return
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def note(text):
    """A note for the learner, on stderr, so that stdout stays the bare training log."""
    print(text, file=sys.stderr)


def write_quietly(write, path, *args):
    """A worker process's task: `write(path, *args)`, leaving Ctrl-C to the main process,
    which stops the worker and removes what it wrote. A failure is one line, not a trace."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        write(path, *args)
    except Exception as error:
        print(f"error: could not write {path}: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def save_figure(fig, path):
    """Write a figure as PNG, with its titles as metadata, for programs to read."""
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    fig.savefig(path, format="png", dpi=DPI,
                metadata={"Title": " | ".join(title for title in titles if title)})


def save_picture(path, plot, *args):
    """Draw a picture with `plot(*args)` and write it as PNG."""
    save_figure(plot(*args), path)


class Pictures:
    """The run's pictures: drawn section by section, written together once the run succeeds.

    Every file is written under a temporary name beside its final one, and `write_all`
    renames them into place at the very end. Whatever is still temporary when the program
    exits (a failure, Ctrl-C) is removed, so the folder keeps its earlier pictures intact.

    With `background` (a plain script run, where matplotlib draws only into files), the
    animation and the pictures asked for with `worker=True` are drawn and written by worker
    processes while the lesson goes on, so that the machine's cores share the work;
    `write_all` waits for them. Otherwise (a notebook, a window) everything is drawn right
    here, to be shown.
    """

    def __init__(self, folder, background=False, start_method=None):
        self.folder, self.background = folder, background
        self.figures, self.temporaries, self.workers = {}, {}, {}
        # "fork" starts a worker at once, sharing what is already imported; where there is
        # no fork (Windows), a fresh interpreter imports this file (and runs none of the lesson).
        forks = "fork" in multiprocessing.get_all_start_methods()
        self.processes = multiprocessing.get_context(start_method or ("fork" if forks else None))
        atexit.register(self.discard)

    def add(self, name, plot, *args, worker=False):
        """The picture `plot(*args)`, to be written as `name`: drawn here, or by a worker
        process where one is asked for and allowed."""
        if worker and self.background:
            self.write_in_background(name, save_picture, plot, *args)
        else:
            self.figures[name] = plot(*args)

    def temporary(self, name):
        """A temporary path in the folder for the file `name`, renamed into place at the end."""
        stem, ext = os.path.splitext(name)
        path = os.path.join(self.folder, f".{stem}.{os.getpid()}.part{ext}")
        self.temporaries[name] = path
        return path

    def write_in_background(self, name, write, *args):
        """Start `write(temporary path, *args)` in a worker process and return at once."""
        worker = self.processes.Process(target=write_quietly,
                                        args=(write, self.temporary(name), *args))
        worker.start()
        self.workers[name] = worker

    def write_all(self):
        """Write the figures drawn here, wait for the workers, then rename every file into
        place; return the names."""
        for name, fig in self.figures.items():
            save_figure(fig, self.temporary(name))
        for name, worker in self.workers.items():
            worker.join()
            if worker.exitcode != 0:
                raise OSError(f"the process writing {name} failed (status {worker.exitcode})")
        self.workers = {}
        for name, path in self.temporaries.items():
            os.replace(path, os.path.join(self.folder, name))
        names, self.temporaries = list(self.temporaries), {}
        return names

    def discard(self):
        """Stop the workers, and remove the temporary files not renamed into place."""
        for worker in self.workers.values():
            worker.terminate()
            worker.join()
        self.workers = {}
        for path in self.temporaries.values():
            if os.path.exists(path):
                os.remove(path)
        self.temporaries = {}


if __name__ == "__main__":
    settings = read_settings()
    # Workers only where matplotlib draws into files alone: a worker must not touch a window.
    pictures = Pictures(settings.out, background=matplotlib.get_backend().lower() == "agg")
    run = SimpleNamespace()  # what the run computes, section by section

# %% [markdown]
# ## The measurements
#
# Thirty points (x, z) measured in some experiment. Plotted, they lie close to a straight
# line through the origin (0, 0), which is exactly the kind of line `z = a·x` one neuron
# can draw. Learning means finding the `a` whose line passes closest to the points.
#
# With `--data FILE` the lesson uses your own points instead. Whether they pass near the
# origin is judged by the best straight line *with* an offset, `z = a·x + b` (its formula,
# the normal equations, comes back in the two-weights section): if its offset `b` is small
# next to the points' z values, a line through the origin can fit them.

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


def best_line(x, z):
    """The least-squares line z = a·x + b, from the normal equations: (a*, b*).

    None when every x is the same: then no line is better than another.
    """
    n, sx, sz, sxx, sxz = len(x), np.sum(x), np.sum(z), np.sum(x * x), np.sum(x * z)
    det = n * sxx - sx * sx
    if det <= 1e-12 * n * sxx:
        return None
    return (n * sxz - sx * sz) / det, (sxx * sz - sx * sxz) / det


def clear_offset(x, z):
    """Whether the best line misses the origin: its offset b* is over 10% of the largest |z|."""
    line = best_line(x, z)
    return line is not None and abs(line[1]) > 0.1 * np.max(np.abs(z))


def data_shape(x, z):
    """A few words on where the points' best straight line runs."""
    line = best_line(x, z)
    if line is None:
        return "every x is the same"
    if clear_offset(x, z):
        return f"their best straight line misses the origin (z = {line[1]:.3g} at x = 0)"
    return "their best straight line passes near the origin"


def axis_names(names):
    """The axis labels: the file's column names, or the lesson's own."""
    return names or ("x (input)", "z (measured output)")


def new_picture(size=SIZE):
    """An empty picture with a layout engine that keeps every label inside its border."""
    return plt.figure(figsize=size, dpi=DPI, layout="constrained")


def plot_measurements(x, z, names):
    """Scatter plot of the measurements, with the origin marked."""
    fig = new_picture()
    ax = fig.subplots()
    ax.scatter(x, z, s=16, label="measurements")
    ax.plot(0, 0, "k+", markersize=14, markeredgewidth=2, label="the origin (0, 0)")
    ax.set(xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.set_title(f"The {len(x)} measurements: {data_shape(x, z)}", fontsize="medium")
    fig.legend(loc="outside lower center", ncols=2, fontsize="small")
    return fig


if __name__ == "__main__":
    try:
        points = load_measurements(settings.data) if settings.data else Measurements(
            POST_X, POST_Z, None)
    except DataError as error:
        fail(error, 2)
    pictures.add("measurements.png", plot_measurements, *points)

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


def error_segments(a, x, z):
    """One vertical segment per point, from the measurement (x, z) to the line at (x, a·x)."""
    return np.stack([np.column_stack([x, z]), np.column_stack([x, predict(a, x)])], axis=1)


def add_errors(ax, a, x, z):
    """Draw every point's error as one collection of red segments; return it."""
    return ax.add_collection(LineCollection(error_segments(a, x, z), colors="C3",
                                            linewidths=1, label="errors"))


def plot_random_start(x, z, a, names):
    """The measurements, the line of the randomly started neuron, and its errors."""
    fig = new_picture()
    ax = fig.subplots()
    ax.scatter(x, z, s=16, zorder=3, label="measurements")
    x_line = np.array([x.min(), x.max()])
    ax.plot(x_line, predict(a, x_line), "k", label=f"neuron's line z = {a:.4g}·x")
    add_errors(ax, a, x, z)
    ax.set(xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.set_title(f"Random start a = {a:.4g}: each red segment is one point's error",
                 fontsize="medium")
    fig.legend(loc="outside lower center", ncols=3, fontsize="small")
    return fig


if __name__ == "__main__":
    run.start_a = random_start(settings.seed)
    pictures.add("random_start.png", plot_random_start, *points[:2], run.start_a, points.names)

# %% [markdown]
# ## How wrong is it? The loss
#
# One number for how wrong the line is: the mean squared error. Square each point's error
# (so errors above and below the line both count, and big ones count a lot) and average
# them. Only a line through every point would score 0. The sum runs through numpy in this
# exact order, so every digit matches the post's.
#
# The first line of the training log is this loss at the random start, and the start
# itself: `i=0: error=103.72…, a=0.2718…` for the post's data.

# %%
def loss(z_pred, z):
    """Mean squared error between predictions z_pred and measurements z (along the last axis)."""
    return np.sum((z_pred - z) ** 2, axis=-1) / z.shape[-1]


def start_line(a, start_loss):
    """The log's first line: the loss and the weight before any step."""
    return f"i=0: error={start_loss}, a={a}"


if __name__ == "__main__":
    run.start_loss = loss(predict(run.start_a, points.x), points.z)
    say([start_line(run.start_a, run.start_loss)])

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
# calculus at all.

# %%
def loss_curve(x, z, a_values):
    """The loss for each candidate weight in a_values."""
    return loss(predict(np.asarray(a_values)[:, None], x), z)


def gradient(a, x, z, b=None):
    """The derivative of the loss with respect to a, at a (and at the offset b)."""
    return 2 * np.sum((predict(a, x, b) - z) * x) / len(z)


def best_a(x, z):
    """The exact minimum of the loss over a: a* = Σxz / Σx²."""
    return np.sum(x * z) / np.sum(x * x)


def tangent(a, x, z, half_width):
    """The tangent to the loss curve at a, as a segment from a − half_width to a + half_width."""
    ends = np.array([a - half_width, a + half_width])
    return ends, loss(predict(a, x), z) + gradient(a, x, z) * (ends - a)


def finite_difference(a, x, z, h=1e-6):
    """The slope of the loss at a, measured numerically: (loss(a+h) − loss(a−h)) / 2h."""
    return (loss(predict(a + h, x), z) - loss(predict(a - h, x), z)) / (2 * h)


def gradient_check(a, x, z):
    """A note comparing the gradient formula with the finite difference at a."""
    analytic, numeric = gradient(a, x, z), finite_difference(a, x, z)
    return (f"note: gradient check at the start: analytic {analytic}, central finite "
            f"difference {numeric}, relative difference "
            f"{abs(analytic - numeric) / max(abs(analytic), 1e-300):.1e}")


def nice_limits(*values):
    """Round axis limits that include every value given."""
    ticks = MaxNLocator(nbins=5).tick_values(min(values), max(values))
    return float(ticks[0]), float(ticks[-1])


def bowl_limits(x, z, *a_values):
    """Round limits for a that show the whole bowl, from 0 to 2a*, and every a given."""
    return nice_limits(0.0, 2 * best_a(x, z), *a_values)


def plot_loss_curve(x, z, a_limits):
    """The loss as a function of a, with tangents left of, at and right of the minimum."""
    a_star = best_a(x, z)
    a_values = np.linspace(*a_limits, 200)
    curve = loss_curve(x, z, a_values)
    half_width = 0.15 * (a_limits[1] - a_limits[0])
    fig = new_picture()
    ax = fig.subplots()
    ax.plot(a_values, curve, linewidth=3, label="loss(a)")
    left, right = (a_limits[0] + share * (a_limits[1] - a_limits[0]) for share in (0.1, 0.9))
    for a, color, words in ((left, "C2", f"at a = {left:.3g}"),
                            (a_star, "C1", f"at the minimum a* = {a_star:.4g}"),
                            (right, "C3", f"at a = {right:.3g}")):
        slope = "flat, slope 0" if a == a_star else f"slope {gradient(a, x, z):+.4g}"
        ax.plot(*tangent(a, x, z, half_width), color=color, label=f"tangent {words}: {slope}")
        ax.plot(a, loss(predict(a, x), z), "o", color=color)
    ax.set(xlim=a_limits, ylim=(0, 1.05 * curve.max()), xlabel="a (the neuron's weight)",
           ylabel="loss (mean squared error)")
    ax.set_title("The loss is a bowl; its slope points away from the minimum",
                 fontsize="medium")
    fig.legend(loc="outside lower center", ncols=2, fontsize="small")
    return fig


if __name__ == "__main__":
    run.a_star = best_a(points.x, points.z)
    run.min_loss = loss(predict(run.a_star, points.x), points.z)
    pictures.add("loss_curve.png", plot_loss_curve, *points[:2],
                 bowl_limits(*points[:2], run.start_a))
    note(f"note: exact minimum a* = Σxz/Σx² = {run.a_star} with loss {run.min_loss}, "
         "the lowest a line through the origin can reach")
    note(gradient_check(run.start_a, points.x, points.z))

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
#   `a*` from one side, more slowly as it gets closer.
# - c = 0, at lr = N/(2Σx²): `a` lands on `a*` in a single step.
# - −1 < c < 0, for lr between N/(2Σx²) and N/Σx² (0.0295 here): every step overshoots,
#   landing on the other side of `a*`, and still converges, each swing smaller.
# - c = −1, at lr = N/Σx² exactly: `a` bounces between two values for ever.
# - c < −1, above N/Σx²: every swing is larger than the last; training diverges.
#
# So N/Σx² is the threshold between converging and diverging, and it depends on the
# scale of x. The post calls 1e-3 to 1e-4 typical rates; that holds for x up to about 10.
# With x up to 200 the threshold is 400 times smaller (7.4e-5), and lr = 0.001 diverges.
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

    def first(self, count):
        """The run's first `count` steps."""
        return History(*(part[:count] for part in self))


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


def progress_lines(history, every):
    """The log after the start: every `every`-th step, and the last one."""
    last = len(history.weights)
    shown = list(range(every, last + 1, every)) + ([last] if last % every else [])
    # As Python floats (printed with the same digits as numpy's), which format faster.
    weights, losses, grads = (part[np.array(shown, dtype=int) - 1].tolist() for part in history)
    return [f"i={i}: error={error}, gradiente={grad}, a={a}"
            for i, error, grad, a in zip(shown, losses, grads, weights, strict=True)]


def digits(value):
    """A number with 4 significant digits, or more where 4 would round it to ±1."""
    text = f"{value:.4g}"
    return f"{value:.10g}" if abs(float(text)) == 1 != abs(value) else text


def n_steps(count):
    """'1 step', '100 steps', '1,000,000 steps'."""
    return f"{count:,} step" + ("" if count == 1 else "s")


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


def safe_rate(x):
    """A learning rate safely below N/(2Σx²): 0.9 of it, rounded down to one digit."""
    rate = 0.9 * len(x) / (2 * np.sum(x * x))
    magnitude = 10.0 ** math.floor(math.log10(rate))
    return math.floor(rate / magnitude) * magnitude


def steps_needed(x, lr, distance, close):
    """How many steps at rate lr bring a from `distance` to within `close` of a*; None if
    it never gets there (at or above the threshold)."""
    c = abs(contraction(lr, x))
    if c >= 1:
        return None
    if c == 0 or distance <= close:
        return 1
    return math.ceil(math.log(close / distance) / math.log(c))


def suggestions(x, z, start_a, end_a, lr, steps):
    """For a run that ended over 1% of |a*| from a*: changes of options that get there, each
    a dict for `command` (a safe rate; more steps at this rate); empty if none are needed."""
    a_star = best_a(x, z)
    close, distance = 0.01 * (abs(a_star) or 1.0), abs(start_a - a_star)
    if abs(end_a - a_star) <= close:
        return []
    safe = {"lr": safe_rate(x)}
    if steps_needed(x, safe["lr"], distance, close) > steps:
        safe["steps"] = steps_needed(x, safe["lr"], distance, close)
    longer = steps_needed(x, lr, distance, close)
    return [safe] + ([{"steps": longer}] if longer and steps < longer <= MAX_STEPS else [])


def command(options, **changes):
    """The command that repeats this run with some options changed."""
    words = ["python", "regression_gd.py"] + (["--data", shlex.quote(options.data)]
                                              if options.data else [])
    for option in ("lr", "steps", "seed"):
        value = changes.get(option, getattr(options, option))
        if option in changes or value != make_parser().get_default(option):
            words += [f"--{option}", f"{value:g}" if option == "lr" else str(value)]
    return " ".join(words)


def report_divergence(history, x, options):
    """Stop a run whose loss blew up: one error line, exit status 1, no pictures."""
    why = ("overflowed to infinity" if not np.isfinite(history.losses[-1])
           else f"grew past {BLOWUP}x its starting value")
    fail(f"training diverged at step {len(history.weights)}: the loss {why}. lr={options.lr:g} is "
         f"above the threshold N/Σx² = {stability_bound(x):.4g}; try "
         f"`{command(options, lr=safe_rate(x))}`. No pictures were written.", 1)


def advise(options, x, z, start_a, end_a):
    """Notes on the run: the threshold and c, a warning above it, advice if it ended far."""
    lr, bound, a_star = options.lr, stability_bound(x), best_a(x, z)
    note(f"note: threshold N/Σx² = {bound:.4g}; this run's c = 1 − lr·2Σx²/N = "
         f"{digits(contraction(lr, x))} (each step multiplies a − a* by c)")
    if lr >= bound:
        how = ("equals the threshold: a bounces around a* for ever" if lr == bound else
               "is above the threshold: each step overshoots a* further")
        note(f"warning: lr={lr:g} {how}, and the pictures show it.")
    ideas = suggestions(x, z, start_a, end_a, lr, options.steps)
    if ideas:
        note(f"note: after {n_steps(options.steps)} a = {end_a:.6g} is still "
             f"{abs(end_a - a_star):.3g} away from a* = {a_star:.6g}; try "
             + " or ".join(f"`{command(options, **idea)}`" for idea in ideas)
             + f" (lr {ideas[0]['lr']:g} is safely below N/(2Σx²) = {bound / 2:.4g}, the "
             "rate that lands on a* in one step)")


if __name__ == "__main__":
    run.history = train(run.start_a, points.x, points.z, settings.lr, settings.steps)
    if blew_up(run.history.losses[-1], run.start_loss):
        say(progress_lines(run.history.first(len(run.history.weights) - 1), settings.every))
        report_divergence(run.history, points.x, settings)
    say(progress_lines(run.history, settings.every))
    advise(settings, points.x, points.z, run.start_a, run.history.weights[-1])

# %% [markdown]
# ## The training, animated
#
# Left: the points, the neuron's current line and its errors (the red segments, whose
# squares the loss averages). Right: the bowl, the current `a` on it and the tangent there,
# whose slope is the gradient. The text on top reads off each frame: the loss, the
# gradient, and the next step `−lr·gradient`, which shrinks as the slope flattens. Each
# frame shows the state after one step; the last one is held for two seconds. Runs longer
# than the frame budget keep the frames where `a` still visibly moves (spread evenly in
# log |a − a*|, down to a thousandth of the widest distance), so no frame repeats the last.
#
# The post draws each new `a` with the gradient of the step before, so its tangent misses
# the curve; here the tangent is always the one at the drawn point.

# %%
FRAME_MS, HOLD_LAST_MS = 200, 2000  # each frame's time on screen; the last frame's


def fit_limits(x, z, a_values):
    """z-axis limits that show every point and the neuron's line for every a of the run."""
    ends = np.array([x.min(), x.max()])
    reach = np.r_[z, predict(np.min(a_values), ends), predict(np.max(a_values), ends)]
    pad = 0.05 * (np.ptp(reach) or 1.0)
    return reach.min() - pad, reach.max() + pad


def draw_fit_panel(ax, x, z, names, a_values):
    """The points and the best line; returns the neuron's line and its errors, to be moved."""
    a_star = best_a(x, z)
    ax.scatter(x, z, s=12, zorder=3, label="measurements")
    x_line = np.array([x.min(), x.max()])
    ax.plot(x_line, predict(a_star, x_line), color="gray", linestyle="--",
            label=f"best line, a* = {a_star:.4g}")
    line, = ax.plot(x_line, predict(a_star, x_line), "k", linewidth=2, label="neuron's line")
    ax.set(ylim=fit_limits(x, z, np.r_[a_values, a_star]), xlabel=axis_names(names)[0],
           ylabel=axis_names(names)[1])
    ax.xaxis.set_major_locator(MaxNLocator(4))  # room for long tick labels such as 0.0025
    return line, add_errors(ax, a_star, x, z)


def draw_bowl_panel(ax, x, z, a_limits):
    """The loss curve and the minimum; returns the tangent and the current point, to be moved."""
    a_values = np.linspace(*a_limits, 200)
    curve = loss_curve(x, z, a_values)
    ax.plot(a_values, curve, linewidth=3, label="loss(a)")
    ax.axvline(best_a(x, z), color="gray", linestyle=":", label="minimum a*")
    tangent_line, = ax.plot([], [], "C2", linewidth=2, label="tangent: slope = gradient")
    point, = ax.plot([], [], "r*", markersize=12, label="current a")
    ax.set(xlim=a_limits, ylim=(0, 1.1 * curve.max()), xlabel="a", ylabel="loss")
    return tangent_line, point


class Scene(NamedTuple):
    """What moves with a: the line, its errors, the tangent, the point, and the numbers."""
    line: object
    errors: object
    tangent: object
    point: object
    numbers: dict  # label -> the Text that shows its value

    def shapes(self):
        """The moving lines and markers."""
        return (self.line, self.errors, self.tangent, self.point)

    def artists(self):
        """Every moving artist, to be redrawn for each new a."""
        return (*self.shapes(), *self.numbers.values())


NUMBER_FONT = "DejaVu Sans Mono"  # equal widths: the digits of a number stay in place


def add_readout(fig, rows):
    """Fixed labels, each with an empty value to its right; returns {label: value Text}.

    Only the values change from frame to frame, and text is the slowest thing to draw, so
    the labels are drawn once with the still parts and the values are kept short.
    """
    numbers = {}
    for y, fields in rows:
        for label, x in fields:
            fig.text(x, y, label + " ", ha="right", va="top")
            numbers[label] = fig.text(x, y, "", ha="left", va="top", family=NUMBER_FONT)
    return numbers


def state_numbers(a, x, z, lr):
    """The readout's numbers at a: a, its loss, the gradient and the next step's move."""
    grad = gradient(a, x, z)
    return {"a =": f"{a:.4g}", "loss =": f"{loss(predict(a, x), z):.4g}",
            "gradient =": f"{grad:.4g}", "next step −lr·gradient =": f"{-lr * grad:+.3g}"}


def show_state(scene, x, z, a, lr):
    """Move the line, the errors, the point and the tangent to the weight a; show its numbers."""
    scene.line.set_ydata(predict(a, scene.line.get_xdata()))
    scene.errors.set_segments(error_segments(a, x, z))
    a_limits = scene.tangent.axes.get_xlim()
    scene.tangent.set_data(*tangent(a, x, z, 0.15 * (a_limits[1] - a_limits[0])))
    scene.point.set_data([a], [loss(predict(a, x), z)])
    for label, value in state_numbers(a, x, z, lr).items():
        scene.numbers[label].set_text(value)
    return scene


def show_step(scene, x, z, weights, number, lr):
    """Show the state after step `number` of a run (weights: one per step)."""
    show_state(scene, x, z, weights[number - 1], lr)
    scene.numbers["step"].set_text(f"{number:,} of {len(weights):,}")
    return scene


GIF_READOUT = ((0.975, (("step", 0.12), ("a =", 0.50), ("loss =", 0.82))),
               (0.925, (("gradient =", 0.26), ("next step −lr·gradient =", 0.82))))


def training_figure(x, z, names, a_limits, a_values):
    """The animation's figure, its still parts drawn: (figure, scene of moving artists)."""
    fig = Figure(figsize=GIF_SIZE, dpi=GIF_DPI,
                 layout=ConstrainedLayoutEngine(rect=(0, 0, 1, 0.88)))  # the top: readout
    FigureCanvasAgg(fig)
    ax_fit, ax_bowl = fig.subplots(1, 2)
    scene = Scene(*draw_fit_panel(ax_fit, x, z, names, a_values),
                  *draw_bowl_panel(ax_bowl, x, z, a_limits), add_readout(fig, GIF_READOUT))
    fig.legend(loc="outside lower center", ncols=4, fontsize="x-small")
    return fig, scene


def frame_steps(weights, a_star, frames):
    """Which steps become frames: every step if they fit, else where a visibly moves."""
    steps = len(weights)
    if steps <= frames:
        return np.arange(1, steps + 1)
    distance = np.abs(weights - a_star)
    floor = max(1e-3 * distance.max(), np.finfo(float).tiny)
    progress = np.r_[0, np.cumsum(np.abs(np.diff(np.log(np.maximum(distance, floor)))))]
    chosen = np.searchsorted(progress, np.linspace(0, progress[-1], frames - 1)) + 1
    return np.unique(np.r_[chosen, steps])


def shared_palette(sample):
    """A palette of the sample's commonest colours, no two closer than Pillow can tell apart.

    Pillow matches pixels to a given palette coarsely, in cells 8 levels wide per channel:
    with two palette colours in one cell it may pick either (white came out as 251,252,253).
    Keeping only the commonest colour of each cell keeps white and the plot colours exact;
    a rare edge shade maps to a neighbour a few levels away.
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


class PaletteGifWriter(PillowWriter):
    """matplotlib's PillowWriter, fed frames already drawn on the canvas: each is mapped onto
    one shared palette, and the last frame is held longer before the loop restarts."""

    def __init__(self, palette, fps, hold_last_ms):
        super().__init__(fps=fps)
        self.palette, self.hold_last_ms, self.frames = palette, hold_last_ms, []

    def grab_frame(self, **savefig_kwargs):
        rgb = Image.frombuffer("RGBA", self.frame_size, self.fig.canvas.buffer_rgba(),
                               "raw", "RGBA", 0, 1).convert("RGB")
        self.frames.append(rgb.quantize(palette=self.palette, dither=Image.Dither.NONE))

    def finish(self):
        durations = [round(1000 / self.fps)] * (len(self.frames) - 1) + [self.hold_last_ms]
        self.frames[0].save(self.outfile, save_all=True, append_images=self.frames[1:],
                            duration=durations, loop=0)


def frozen_background(fig, scene):
    """Fit the layout once, then draw everything but the moving artists once; keep that.

    Redrawing the whole figure for every frame is what makes the straightforward way slow.
    With the still parts kept as a picture, a frame only pastes it back and draws the few
    artists that move ("blitting").
    """
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    for artist in scene.artists():
        artist.set_animated(True)
    fig.canvas.draw()
    return fig.canvas.copy_from_bbox(fig.bbox)


class Typewriter:
    """Writes a readout's numbers into a frame from characters drawn once by matplotlib.

    Text is the slowest thing a frame draws: matplotlib lays out and renders every glyph of
    a Text anew each time. The numbers use a monospace font, in which every character is
    equally wide, so each character is drawn once, kept as its coverage (how much of each
    pixel its ink covers), and pasted side by side, like type, wherever a number goes.
    """

    CHARACTERS = "0123456789.,+-e of"

    def __init__(self, text):
        fig, prop = text.get_figure(), text.get_fontproperties()
        width, height, _ = fig.canvas.get_renderer().get_text_width_height_descent(
            "0" * 10, prop, ismath=False)
        self.advance, self.margin = width / 10, int(height)  # pixels a character, a border
        tile = Figure(figsize=(3 * height / fig.dpi,) * 2, dpi=fig.dpi)
        FigureCanvasAgg(tile)
        self.coverage = {}
        for character in self.CHARACTERS:
            tile.clear()
            tile.text(1 / 3, 2 / 3, character, fontproperties=prop, ha="left", va="top")
            tile.canvas.draw()
            self.coverage[character] = 1 - np.asarray(tile.canvas.buffer_rgba())[..., 0] / 255

    def write(self, text):
        """Paste the Text's string where matplotlib would draw it; False if it cannot."""
        if not set(text.get_text()) <= set(self.coverage):
            return False
        pixels = np.asarray(text.get_figure().canvas.buffer_rgba())
        left, top = text.get_transform().transform(text.get_position())
        row = pixels.shape[0] - round(top) - self.margin
        for place, character in enumerate(text.get_text()):
            column = round(left + place * self.advance) - self.margin
            ink = self.coverage[character]
            area = pixels[row:row + ink.shape[0], column:column + ink.shape[1], :3]
            area[:] = area * (1 - ink[:area.shape[0], :area.shape[1], None])
        return True


def save_training_gif(path, x, z, names, a_limits, history, lr, frames):
    """Write the training animation: one frame per chosen step, the last one held."""
    weights = history.weights
    fig, scene = training_figure(x, z, names, a_limits, weights)
    chosen = frame_steps(weights, best_a(x, z), frames)
    background = frozen_background(fig, scene)
    typewriter = Typewriter(scene.numbers["a ="])

    def draw(number):
        fig.canvas.restore_region(background)
        show_step(scene, x, z, weights, number, lr)
        for artist in scene.shapes():
            fig.draw_artist(artist)
        for text in scene.numbers.values():
            if not typewriter.write(text):
                fig.draw_artist(text)

    # Pillow would pick a new 256-colour palette for every frame, the slowest part of
    # writing a GIF. The frames differ only in a few lines, so one palette made from the
    # first and last frames serves them all.
    samples = []
    for number in (chosen[0], chosen[-1]):
        draw(number)
        samples.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
    writer = PaletteGifWriter(shared_palette(Image.fromarray(np.hstack(samples))),
                              fps=1000 / FRAME_MS, hold_last_ms=HOLD_LAST_MS)
    with writer.saving(fig, path, dpi=fig.dpi):
        for number in chosen:
            draw(number)
            writer.grab_frame()


def show_gif_in_notebook(path):
    """Show an animation inline when running in Jupyter: as a GIF, and as an HTML image for
    viewers that do not show GIF outputs (a notebook exported as a web page)."""
    if in_notebook():
        from IPython.display import display
        with open(path, "rb") as file:
            encoded = base64.b64encode(file.read()).decode("ascii")
        display({"image/gif": encoded, "text/html": f'<img src="data:image/gif;base64,'
                 f'{encoded}" alt="the training, animated">'}, raw=True)


if __name__ == "__main__" and not settings.no_gif:
    run.animation = (*points, bowl_limits(*points[:2], run.start_a,
                                          run.history.weights.min(), run.history.weights.max()),
                     run.history, settings.lr, settings.frames)
    if pictures.background:  # drawn by a worker, while this process goes on with the lesson
        pictures.write_in_background("training.gif", save_training_gif, *run.animation)
    else:  # drawn here, to be shown here (in a notebook)
        save_training_gif(pictures.temporary("training.gif"), *run.animation)
        show_gif_in_notebook(pictures.temporary("training.gif"))

# %% [markdown]
# ## The learning curve, predicted
#
# The loss cannot reach 0: no line through the origin passes through every noisy point.
# Its floor is loss(a*), 3.463 for the post's points, and a plain curve of the loss bends
# and flattens only because it approaches that floor. What is left above the floor, the
# *excess loss* `loss(a) − loss(a*)`, equals `(Σx²/N)·(a − a*)²`; since every step
# multiplies `a − a*` by c, every step multiplies the excess loss by c². On a log scale
# that is a straight line, so the picture draws the run's excess loss over the line
# predicted from c alone, and the two agree.

# %%
ROUNDING = 1e-12  # an excess loss below this share of loss(a*) is rounding noise


def thinned(count, most=2000):
    """At most `most` indices from 0 to count − 1, evenly spread, first and last included:
    a curve with more points than the picture has pixels is drawn from these."""
    return np.unique(np.linspace(0, count - 1, min(count, most)).round().astype(int))


def step_axis(ax, last):
    """An x axis of whole steps from 0 to `last`: 0, 20, 40, never 2.5."""
    ax.set_xlim(0, last)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))


def loss_axis(ax, values, label):
    """A y axis for losses: a log scale labelled 0.01, 1, 100, 100000 where they span a
    factor of 10 or more (so steady shrinking reads as a straight line), else a plain one."""
    values = np.asarray(values)[np.isfinite(values) & (np.asarray(values) > 0)]
    if values.size and values.max() >= 10 * values.min():
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.6g}"))
        ax.yaxis.set_minor_locator(NullLocator())  # no unlabelled ticks: faster to draw
        label += " (log scale)"
    else:
        ax.yaxis.get_major_formatter().set_useOffset(False)  # plain numbers, no "1e-9+…"
    ax.set_ylabel(label)


def curve_title(kind, c, closed, steps):
    """The learning curve's title, saying what this run did."""
    return {
        "diverging": f"Diverging: a swings further each step; excess loss ×{digits(c * c)} a step",
        "bouncing": "Bouncing: a swings between two values; the excess loss stays",
        "barely moving": f"Barely moving: {100 * closed:.2g}% of the way to a* in "
                         f"{n_steps(steps)}",
        "overshooting but converging": f"Overshooting but converging: excess loss "
                                       f"×{digits(c * c)} a step",
        "converging": f"Converging: every step multiplies the excess loss by c² = {digits(c * c)}",
    }[kind]


def plot_learning_curve(start_loss, history, min_loss, c, title):
    """The run's excess loss per step on a log scale, and the straight line c predicts."""
    excess = np.r_[start_loss, history.losses] - min_loss
    visible = excess > ROUNDING * min_loss
    last = int(np.flatnonzero(visible)[-1]) if visible.any() else 0
    shown = thinned(last + 1)
    with np.errstate(under="ignore"):
        predicted = excess[0] * c ** (2.0 * shown)
    fig = new_picture()
    ax = fig.subplots()
    ax.plot(shown, np.where(visible[shown], excess[shown], np.nan), linewidth=4, alpha=0.6,
            label="this run: loss − loss(a*)")
    ax.plot(shown, predicted, "k--", label=f"predicted: (loss₀ − loss(a*))·c^(2·step), "
                                            f"c = {digits(c)}")
    if last < len(excess) - 1:
        ax.plot([], [], " ", label=f"after step {last:,}: a = a* to rounding, up to step "
                                   f"{len(excess) - 1:,}")
    loss_axis(ax, np.r_[excess[shown][visible[shown]], predicted],
              "excess loss: loss − loss(a*)")
    step_axis(ax, max(int(shown[-1]), 1))
    ax.set_xlabel("step")
    ax.set_title(title, fontsize="medium")
    fig.legend(loc="outside lower center", fontsize="small")
    return fig


if __name__ == "__main__":
    run.c = contraction(settings.lr, points.x)
    run.kind = run_kind(settings.lr, points.x, run.start_a, run.history.weights[-1],
                        run.a_star)
    run.closed = 1 - abs(run.history.weights[-1] - run.a_star) / abs(run.start_a - run.a_star)
    pictures.add("learning_curve.png", plot_learning_curve, run.start_loss, run.history,
                 run.min_loss, run.c, curve_title(run.kind, run.c, run.closed, settings.steps))

# %% [markdown]
# ## Learning rates side by side
#
# The same start trained with several rates: this run's, ten times smaller and larger
# (where that is below the threshold), one that overshoots and still converges (0.75 of
# N/Σx²), and one just above the threshold (1.05 of it), which diverges; a red cross marks
# where its loss blew up. Runs longer than 5,000 steps are compared over their first
# 5,000.

# %%
def rates_to_compare(lr, bound):
    """This run's rate, /10 and ×10 (if below the bound), 0.75 and 1.05 of the bound."""
    rates = {lr, lr / 10, 0.75 * bound, 1.05 * bound}
    if lr * 10 < bound:
        rates.add(lr * 10)
    return sorted(rates)


def compare_rates(x, z, start_a, history, lr, steps):
    """The runs to compare, {rate: History}, each `steps` long; this run's is reused."""
    runs = {rate: train(start_a, x, z, rate, steps)
            for rate in rates_to_compare(lr, stability_bound(x)) if rate != lr}
    runs[lr] = history.first(steps)
    return runs


def settled_at(curve):
    """The step after which a loss curve no longer visibly changes: the rest of its course
    stays within a thousandth of its whole rise or fall from its last value."""
    moving = np.abs(curve - curve[-1]) > 1e-3 * np.abs(curve[0] - curve[-1])
    return int(np.flatnonzero(moving)[-1]) + 1 if moving.any() else 1


def plot_learning_rates(x, z, start_a, runs, lr, min_loss):
    """Loss per step for several rates (a dict rate -> History); blow-ups end in a red cross.

    The step axis ends soon after the last curve settles, so long runs stay readable."""
    bound, start_loss = stability_bound(x), loss(predict(start_a, x), z)
    curves = {rate: np.r_[start_loss, history.losses] for rate, history in runs.items()}
    longest = max(len(curve) for curve in curves.values()) - 1
    end = min(longest, math.ceil(1.2 * max(settled_at(curve) for curve in curves.values())))
    fig = new_picture()
    ax = fig.subplots()
    for order, (rate, curve) in enumerate(sorted(curves.items())):
        shown = thinned(min(len(curve), end + 1))
        kind = run_kind(rate, x, start_a, runs[rate].weights[-1], best_a(x, z))
        ax.plot(shown, curve[shown], linestyle=["-", "--", "-.", ":", "-"][order % 5],
                linewidth=3.5 - 0.5 * order, label=f"lr = {rate:.3g}"
                + (" (this run)" if rate == lr else "") + f": {kind}")
        if blew_up(curve[-1], start_loss):
            ax.plot(len(curve) - 1, curve[-2] if not np.isfinite(curve[-1]) else curve[-1],
                    "x", color="red", markersize=12, markeredgewidth=3)
    ax.axhline(min_loss, color="gray", linestyle=":", label="lowest possible loss, loss(a*)")
    loss_axis(ax, np.concatenate([*curves.values(), [min_loss]]), "loss")
    step_axis(ax, max(end, 1))
    ax.set_xlabel("step" + (f" (no curve changes visibly after this; the runs go on to step "
                            f"{longest:,})" if end < longest else ""))
    ax.set_title(f"Learning rates: below N/Σx² = {bound:.3g} the loss falls, above it grows",
                 fontsize="medium")
    fig.legend(loc="outside lower center", ncols=2, fontsize="x-small")
    return fig


if __name__ == "__main__":
    run.study_steps = min(settings.steps, STUDY_STEPS)
    run.rates = compare_rates(*points[:2], run.start_a, run.history, settings.lr,
                              run.study_steps)
    pictures.add("learning_rates.png", plot_learning_rates, *points[:2], run.start_a,
                 run.rates, settings.lr, run.min_loss)

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
# seeded a₀. The exact answer (a*, b*) solves the two equations "both derivatives are
# zero", the normal equations.
#
# Training is slower here, because the surface is a long, narrow valley. One learning rate
# must serve every direction, and the steepest one limits it: the run diverges above
# 2/λmax, where λmax is the largest eigenvalue of the loss's matrix of second derivatives
# (2/N)·[[Σx², Σx], [Σx, N]]. With b held at 0 that bound is the one-weight N/Σx², and it is
# never larger with b free. Along the valley's floor, the shallow direction, the same rate
# makes only tiny steps, so after the first steps into the valley the path crawls along it.
# Where this run's rate is too large for two weights, this section trains at 0.9 of their
# bound instead, and says so. In the post's 100 steps the path just reaches the valley;
# run `--steps 5000` to watch it turn and crawl along the floor to (a*, b*).

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


def train_two_weights(a, b, x, z, lr, steps):
    """Gradient descent on a and b together; returns the path, one (a, b) row per step."""
    path = np.empty((steps + 1, 2))
    path[0] = a, b
    for i in range(1, steps + 1):
        a, b = step(a, gradient(a, x, z, b), lr), step(b, gradient_b(a, b, x, z), lr)
        path[i] = a, b
    return path


def surface_grid(x, z, path, best, count=60):
    """A grid over (a, b) that holds the whole path and the minimum: A, B and the loss."""
    a_all, b_all = np.r_[path[:, 0], best[0]], np.r_[path[:, 1], best[1]]
    pad_a, pad_b = 0.15 * (np.ptp(a_all) or 1.0), 0.15 * (np.ptp(b_all) or 1.0)
    grid_a, grid_b = np.meshgrid(np.linspace(a_all.min() - pad_a, a_all.max() + pad_a, count),
                                 np.linspace(b_all.min() - pad_b, b_all.max() + pad_b, count))
    return grid_a, grid_b, loss(predict(grid_a[..., None], x, grid_b[..., None]), z)


def plot_two_weights(x, z, path, title):
    """Left the contour map of loss(a, b), right the surface; the descent path on both."""
    best = best_line(x, z)
    grid_a, grid_b, surface = surface_grid(x, z, path, best)
    floor = loss(predict(best[0], x, best[1]), z)
    # Levels crowd towards the floor, so the narrow valley around the minimum shows.
    levels = floor + np.geomspace(1e-4, 1, 16) * (surface.max() - floor)
    shown = path[thinned(len(path), 150)]
    heights = loss(predict(shown[:, :1], x, shown[:, 1:]), z)
    fig = new_picture(WIDE)
    flat = fig.add_subplot(1, 2, 1)
    flat.contour(grid_a, grid_b, surface, levels=levels, cmap="viridis", linewidths=1)
    flat.plot(*shown.T, ".-", color="C3", markersize=3, label="descent path")
    flat.plot(*path[0], "o", color="k", label="start (a₀, 0)")
    flat.plot(*path[-1], "s", color="C3", label=f"after {n_steps(len(path) - 1)}")
    flat.plot(*best, "*", color="gold", markeredgecolor="k", markersize=14,
              label=f"minimum a* = {best[0]:.4g}, b* = {best[1]:.4g}")
    flat.set(xlabel="a (slope)", ylabel="b (offset)")
    fig.legend(loc="outside lower left", ncols=2, fontsize="x-small")
    solid = fig.add_subplot(1, 2, 2, projection="3d")
    solid.plot_surface(grid_a, grid_b, surface, cmap="viridis", alpha=0.6, linewidth=0)
    solid.plot(shown[:, 0], shown[:, 1], heights, ".-", color="C3", markersize=3)
    for axis in (solid.xaxis, solid.yaxis, solid.zaxis):
        axis.set_major_locator(MaxNLocator(4))  # few ticks: they crowd in 3-D
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.3g}"))
    solid.set(xlabel="a", ylabel="b")
    solid.set_title("the same loss as a surface", fontsize="medium")
    solid.set_box_aspect(None, zoom=0.8)
    fig.suptitle(title, fontsize="medium")
    return fig


def two_weight_title(x, rate, lr):
    """The picture's title: how narrow the valley is, and the rate used."""
    shallowest, steepest = curvatures(x)
    ratio = steepest / shallowest
    shape = (f"a valley {ratio:.3g}× steeper across than along" if ratio >= 3
             else "a nearly round bowl")
    used = f"lr = {rate:.4g}" + (" (0.9 × 2/λmax, as lr is above it)" if rate != lr else "")
    return f"Two weights: loss(a, b) is {shape}; {used}"


def two_weight_notes(x, z, path, lr, rate):
    """The notes of the two-weights section: the result, the exact answer, both bounds."""
    (a_star, b_star), one = best_line(x, z), stability_bound(x)
    notes = [f"note: two weights after {n_steps(len(path) - 1)} at lr = {rate:.4g}: "
             f"a = {path[-1, 0]:.6g}, b = {path[-1, 1]:.6g}; exact a* = {a_star:.6g}, "
             f"b* = {b_star:.6g}",
             f"note: thresholds: two weights 2/λmax = {two_weight_bound(x):.4g}, "
             f"one weight N/Σx² = {one:.4g}"]
    if rate != lr:
        notes.append(f"note: lr = {lr:g} is above the two-weight threshold, so the "
                     f"two-weights section trains at 0.9 × 2/λmax = {rate:.4g} instead")
    if clear_offset(x, z):
        one_loss, two_loss = (loss(predict(best_a(x, z), x), z),
                              loss(predict(a_star, x, b_star), z))
        notes.append(f"note: these points lie off the origin: the best loss with one weight "
                     f"is {one_loss:.4g}, with an offset b {two_loss:.4g}; the one-weight "
                     "line z = a·x is forced through (0, 0)")
    return notes


if __name__ == "__main__" and best_line(points.x, points.z) is None:
    note("note: every x is the same, so a and b cannot be told apart (many lines fit "
         "equally well); the two-weights section is skipped")
elif __name__ == "__main__":
    run.rate_two = min(settings.lr, 0.9 * two_weight_bound(points.x))
    run.path = train_two_weights(run.start_a, 0.0, points.x, points.z, run.rate_two,
                                 run.study_steps)
    note("\n".join(two_weight_notes(points.x, points.z, run.path, settings.lr, run.rate_two)))
    pictures.add("two_weights.png", plot_two_weights, points.x, points.z, run.path,
                 two_weight_title(points.x, run.rate_two, settings.lr), worker=True)

# %% [markdown]
# ## Writing the pictures
#
# Only now, with every section done, do the pictures take their names: each was written
# under a temporary name (the animation and the two-weights picture by worker processes,
# which are waited for here) and is renamed into place. With `--show` they also open in
# windows.

# %%
if __name__ == "__main__":
    try:
        note(f"saved in {settings.out}/: {', '.join(pictures.write_all())}")
    except OSError as error:
        fail(f"could not write the pictures into {settings.out}/: {error}", 1)
    run.window_problem = settings.show and not in_notebook() and window_problem()
    if run.window_problem:
        note(f"warning: --show: {run.window_problem}; the pictures are only saved.")
    elif settings.show and not in_notebook():
        plt.show()

# %% [markdown]
# ## Explore it live
#
# `python regression_gd.py --explore` ends by opening one window where you can touch the
# model instead of watching it:
#
# - drag **a**: the line, its errors, the point on the bowl and the tangent all follow;
#   this is "the loss as a function of a", in your hand;
# - drag **step**: scrub through training; `a` jumps to the weight after that step, and
#   the bowl shows the trail of weights visited so far;
# - drag **learning rate** (a log scale; the red mark is the threshold N/Σx²): training
#   reruns from the same start, crawling, converging, or, past the mark, diverging;
# - **play** (or the space bar) runs the steps; ← and → move one step; `r` resets.
#
# In Jupyter: install ipympl (`pip install ipympl`), set `EXPLORE = True` among the knobs
# and run all cells.

# %%
EXPLORER_STEPS = 1000  # the explorer retrains at every rate change, so it keeps runs short
EXPLORER_SIZE = (10, 6.4)  # inches, at DPI: a 1000x640-pixel window


EXPLORER_READOUT = ((0.975, (("step", 0.10), ("lr =", 0.27))),
                    (0.935, (("a =", 0.10), ("loss =", 0.27), ("gradient =", 0.47),
                             ("next step −lr·gradient =", 0.80))))


class Explorer:
    """One figure with the fit, the bowl, a readout and the controls, redrawn by blitting."""

    def __init__(self, fig, x, z, names, start_a, lr, steps):
        self.fig, self.x, self.z, self.start_a = fig, x, z, start_a
        self.steps, self.bound = min(steps, EXPLORER_STEPS), stability_bound(x)
        a_limits = bowl_limits(x, z, start_a)
        ax_fit = fig.add_axes((0.07, 0.42, 0.38, 0.44))
        ax_bowl = fig.add_axes((0.57, 0.42, 0.38, 0.44))
        numbers = add_readout(fig, EXPLORER_READOUT)
        numbers["warning"] = fig.text(0.40, 0.975, "", color="C3", ha="left", va="top")
        self.scene = Scene(*draw_fit_panel(ax_fit, x, z, names, a_limits),
                           *draw_bowl_panel(ax_bowl, x, z, a_limits), numbers)
        self.trail, = ax_bowl.plot([], [], ".", color="C1", label="weights visited")
        fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.335), ncols=5, fontsize="small")
        self.a_slider = self.slider(0.22, "a", *a_limits, start_a, "%.4g")
        self.step_slider = self.slider(0.15, "step", 0, self.steps, 0, "%d", valstep=1)
        self.lr_slider = self.slider(0.08, "learning rate", math.log10(min(1e-5, lr)),
                                     math.log10(max(2 * self.bound, lr)), math.log10(lr),
                                     "%.3g")  # shows log10(lr) until retrain writes lr itself
        self.lr_slider.ax.axvline(math.log10(self.bound), color="red", linewidth=3)
        self.lr_slider.ax.text(math.log10(self.bound), 1.4, "N/Σx²", color="red", ha="center",
                               transform=self.lr_slider.ax.get_xaxis_transform())
        fig.text(0.5, 0.015, "keys: ← and → one step, space play or pause, r back to the "
                 "start", ha="center", color="gray")
        self.button = Button(fig.add_axes((0.83, 0.08, 0.1, 0.17)), "play")
        self.connect()
        self.retrain(lr)

    def slider(self, y, label, low, high, start, value_format, **options):
        """A slider across the bottom; its label is drawn once, beside it, with the still parts.

        Plain value formats: matplotlib's default would typeset every value as mathtext.
        """
        self.fig.text(0.13, y + 0.015, label, ha="right", va="center")
        return Slider(self.fig.add_axes((0.14, y, 0.6, 0.03)), "", low, high, valinit=start,
                      valfmt=value_format, initcolor="none", **options)

    def connect(self):
        """Wire the controls, the keys, the play timer and blitting."""
        self.a_slider.on_changed(self.drag_a)
        self.step_slider.on_changed(self.go_to_step)
        self.lr_slider.on_changed(lambda value: self.retrain(10 ** value))
        self.button.on_clicked(lambda event: self.play_or_pause())
        canvas = self.fig.canvas
        if canvas.manager is not None:  # a window: its own shortcuts would fight ours
            canvas.mpl_disconnect(canvas.manager.key_press_handler_id)
        canvas.mpl_connect("key_press_event", self.press)
        self.timer, self.playing = canvas.new_timer(interval=150), False
        self.timer.add_callback(self.advance)
        self.blitting, self.background = canvas.supports_blit, None
        if self.blitting:
            for artist in self.moving():
                artist.set_animated(True)
            for control in (self.a_slider, self.step_slider, self.lr_slider, self.button):
                control.drawon = False
            canvas.mpl_connect("draw_event", self.keep_background)

    def moving(self):
        """Everything that changes: the scene, the trail and the controls."""
        return (*self.scene.artists(), self.trail, self.a_slider.ax, self.step_slider.ax,
                self.lr_slider.ax, self.button.ax)

    def retrain(self, lr):
        """Train from the same start at rate lr; keep the finite weights, start included."""
        self.lr = lr
        history = train(self.start_a, self.x, self.z, lr, self.steps)
        self.weights = np.r_[self.start_a, history.weights[np.isfinite(history.losses)]]
        self.lr_slider.valtext.set_text(f"{lr:.3g}")
        self.scene.numbers["lr ="].set_text(f"{lr:.3g}")
        self.scene.numbers["warning"].set_text(
            f"diverges: lr above N/Σx² = {self.bound:.3g}" if lr > self.bound else "")
        self.go_to_step(self.step_slider.val)

    def go_to_step(self, value):
        """Show the weight after step `value` (the last one kept, for a run that blew up)."""
        self.step = int(value)
        self.a = self.weights[min(self.step, len(self.weights) - 1)]
        self.a_slider.eventson = False
        self.a_slider.set_val(float(np.clip(self.a, self.a_slider.valmin,
                                            self.a_slider.valmax)))
        self.a_slider.valtext.set_text(f"{self.a:.4g}")  # the true a, also beyond the track
        self.a_slider.eventson = True
        self.scene.numbers["step"].set_text(f"{self.step} of {self.steps}")
        self.redraw()

    def drag_a(self, value):
        """Show the weight the a slider was dragged to."""
        self.a = value
        self.scene.numbers["step"].set_text("(a set by hand)")
        self.redraw()

    def redraw(self):
        """Move everything to the current a and show it: blit, or redraw where not possible."""
        show_state(self.scene, self.x, self.z, self.a, self.lr)
        visited = self.weights[:self.step + 1]
        self.trail.set_data(visited, loss_curve(self.x, self.z, visited))
        if not self.blitting:
            self.fig.canvas.draw_idle()
        elif self.background is not None:
            self.fig.canvas.restore_region(self.background)
            self.draw_moving()
            self.fig.canvas.blit(self.fig.bbox)

    def keep_background(self, event):
        """After a full redraw (first showing, resizing): keep it, then draw what moves."""
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self.draw_moving()

    def draw_moving(self):
        """Draw everything that changes over the kept background."""
        for artist in self.moving():
            self.fig.draw_artist(artist)

    def play_or_pause(self):
        """Start or stop stepping through the run."""
        self.playing = not self.playing
        self.button.label.set_text("pause" if self.playing else "play")
        (self.timer.start if self.playing else self.timer.stop)()
        self.redraw()

    def advance(self):
        """One step forward while playing; stop at the end of the run."""
        if self.step < self.steps:
            self.step_slider.set_val(self.step + 1)
        elif self.playing:
            self.play_or_pause()

    def press(self, event):
        """Keys: ← and → one step, space play/pause, r back to the start."""
        if event.key in ("left", "right"):
            step_to = self.step + (1 if event.key == "right" else -1)
            self.step_slider.set_val(min(max(step_to, 0), self.steps))
        elif event.key == " ":
            self.play_or_pause()
        elif event.key == "r":
            self.step_slider.set_val(0)


def open_explorer(x, z, names, start_a, lr, steps):
    """Open the explorer in a window (or, in Jupyter, an ipympl widget) and wait for it."""
    fig = plt.figure(figsize=EXPLORER_SIZE, dpi=DPI)
    explorer = Explorer(fig, x, z, names, start_a, lr, steps)
    if fig.canvas.manager is not None:
        fig.canvas.manager.set_window_title("One neuron, live: drag a, step, learning rate")
    plt.show()
    return explorer


def widgets_in_notebook():
    """Switch Jupyter to ipympl's interactive figures; False if ipympl is not installed."""
    try:
        import ipympl  # noqa: F401
    except ModuleNotFoundError:
        return False
    from IPython import get_ipython
    get_ipython().run_line_magic("matplotlib", "widget")
    return True


if __name__ == "__main__":
    plt.close("all")  # the pictures are written (and shown); only the explorer may open now
    if settings.explore and in_notebook() and not widgets_in_notebook():
        note("note: the explorer in Jupyter needs ipympl: pip install ipympl, restart the "
             "kernel, and run all cells again")
    elif settings.explore:
        run.explorer = open_explorer(*points, run.start_a, settings.lr, settings.steps)
    elif in_notebook():
        note("note: to explore live here, pip install ipympl, set EXPLORE = True in the "
             "knobs and run all cells again")

# %% [markdown]
# ## Try it yourself
#
# Each exercise asks a question, gives the command to run, and says what you should see.
# The notes on stderr and the pictures in `figures/` tell the rest of the story.
#
# 1. **A timid rate.** What does a learning rate far below the threshold do?
#
#        python regression_gd.py --lr 1e-5
#
#    `a` creeps from 0.27 to only about 0.39 in 100 steps. A note says how far it still is
#    from a* and suggests a rate computed from the data; the learning curve is titled
#    "Barely moving".
#
# 2. **Overshooting.** What happens between N/(2Σx²) and N/Σx²?
#
#        python regression_gd.py --lr 0.02 --every 1
#
#    After the first step `a` is past a* (above 1.9914), after the second below it, and so
#    on, each swing smaller; by step 40 it sits on a* = 1.991412006340672 to every digit.
#
# 3. **Just past the threshold.** And just above N/Σx² = 0.0295?
#
#        python regression_gd.py --lr 0.03
#
#    A warning, and every swing is larger than the one before: after 100 steps `a` is
#    about −49 and the loss over 88,000. Then try `--lr 0.05`: the loss blows up at step 4,
#    the run stops with exit status 1 and writes no pictures.
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
# 6. **Your own data, off the origin.** Save these lines as `offset.csv`:
#
#        x,z
#        0,10
#        1,12
#        2,14
#        3,16
#        4,18
#
#    and run
#
#        python regression_gd.py --data offset.csv
#
#    The points lie on z = 10 + 2·x, but the one-weight line must pass through (0, 0): its
#    best slope is 5.33, with a loss of 33. The notes say so, and the two-weights section
#    finds the exact a* = 2, b* = 10.
