"""The lesson's still pictures, and the panels the animation and the explorer share.

Each picture is one call named for what it draws, such as `measurements(x, z)`: it draws
what regression_gd.py computed and handed it, keeps it to be written with the others at
the end of the run, and returns the figure (None in a plain script run, which draws it
only when it writes the pictures). Nothing here computes the lesson's mathematics: for a
weight a the lesson hands a `State` (its line at every x, the loss, the gradient, the
next step's move), and for the bowl or the surface its own function giving the loss at
many weights at once. Only layout is decided here: sizes, limits, ticks, legends and
titles.
"""

import functools
from typing import NamedTuple

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from safe_writing import fit_layout, in_notebook
from translation import _, count

SIZE, WIDE, DPI = (6.4, 4.8), (9.6, 4.8), 100  # still pictures: 640x480 (960x480) pixels
TANGENT_SHARE = 0.15  # a tangent reaches this share of the bowl's width to each side
ROUNDING = 1e-12  # an excess loss below this share of its start is rounding noise
MAX_DRAWN = 3000  # pictures draw at most this many points: a seeded sample of more
MAX_RATES = 6  # the rates picture draws at most this many curves
BOWL_POINTS = 150  # the bowl is drawn through the loss at this many weights
WIDGET_BACKENDS = ("widget", "ipympl", "module://ipympl.backend_nbagg")  # the explorer's
STEP_TICKS = (1, 2, 5, 10)  # step axes are ticked 0, 10, 20 or 0, 50, 100, never 0, 6, 12
LONG_TRAINING = 40_000_000  # steps × (1,000 + points): about 0.3 s of training, or more


class Kept:
    """The run's picture state, kept between the lesson's cells: where the pictures go
    (a safe_writing.Pictures, or None: drawn but not kept, as in the tests), the data
    file's column names for the axes (or None), the GIF's most frames, whether to draw
    the GIF at all, and how many steps training makes (0: not known)."""
    keeper = None
    names = None
    frames = 100
    gif = True
    steps = 0


def start(keeper, frames, gif, steps=0):
    """Begin a run's pictures: kept by `keeper`, a GIF of at most `frames` frames if `gif`,
    for a training of `steps` steps (0: not known, never long).

    In Jupyter, a kernel whose explorer switched matplotlib to its widgets (ipympl) is
    switched back to plain images, so that this run's pictures show as pictures."""
    if Kept.keeper is not None and Kept.keeper is not keeper:
        Kept.keeper.discard()  # a notebook's earlier run: its lock and leftovers go
    Kept.keeper, Kept.frames, Kept.gif, Kept.names = keeper, frames, gif, None
    Kept.steps = steps
    if in_notebook() and matplotlib.get_backend().lower() in WIDGET_BACKENDS:
        from IPython import get_ipython
        plt.close("all")  # the explorer's figure: not to be shown again as an image
        get_ipython().run_line_magic("matplotlib", "inline")


def use_names(names):
    """Label the axes with the data file's two column names (None: the lesson's own)."""
    Kept.names = names


def keep(name, picture):
    """Keep a picture, to be written as `name` with the others when the run ends; return
    the Figure, or None where it is drawn later, or in Jupyter, which shows it under the
    cell by itself (returned, it would show twice).

    `picture` is a tuple (plot, *args) whose plot(*args) draws it. Where the pictures are
    written in the background (a plain script run, on a system that can fork), it is drawn
    only when the pictures are written, after the worker processes have started: by this
    process, or by the worker that `loss_curve` or `scaling` hands it to while the lesson
    goes on. So its arguments must not change afterwards, and an error in drawing it
    shows when the pictures are written. Everywhere else (a notebook, a window) it is
    drawn here and now, to be shown."""
    plot, *args = picture
    if Kept.keeper is not None and Kept.keeper.background:
        Kept.keeper.add(name, plot, *args)
        return None
    fig = plot(*args)
    fit_layout(fig)
    if Kept.keeper is not None:
        Kept.keeper.add(name, as_drawn, fig)
    return None if in_notebook() else fig


def as_drawn(fig):
    """A picture already drawn, handed on as it is."""
    return fig


def digits(value):
    """A number with 4 significant digits, or more where 4 would round it to ±1."""
    text = f"{value:.4g}"
    return f"{value:.10g}" if abs(float(text)) == 1 != abs(value) else text


# The pieces every picture is made of.

@functools.cache
def font_characters():
    """The characters matplotlib's font can draw."""
    return set(FT2Font(findfont(FontProperties())).get_charmap())


def printable(text):
    """The text without the characters the font lacks (such as ⏱), which matplotlib would
    leave out with a warning: the rest still reads."""
    return "".join(character for character in text if ord(character) in font_characters()
                   or character.isspace())


def axis_names(names):
    """The axis labels: the file's column names, or the lesson's own."""
    return tuple(map(printable, names)) if names else (_("x (input)"), _("z (measured output)"))


def new_picture(size=SIZE):
    """An empty picture with a layout engine that keeps every label inside its border."""
    return plt.figure(figsize=size, dpi=DPI, layout="constrained")


def drawn(count):
    """Which of `count` points a picture draws: all, or a seeded random MAX_DRAWN of them."""
    if count <= MAX_DRAWN:
        return slice(None)
    return np.sort(np.random.default_rng(0).choice(count, MAX_DRAWN, replace=False))


def points_label(count):
    """The legend's name for the points, saying when only a sample of them is drawn."""
    if count <= MAX_DRAWN:
        return _("measurements")
    return _("{drawn:,} of the {count:,} points (random)").format(drawn=MAX_DRAWN, count=count)


def scatter(ax, x, z, size, **options):
    """The points (a sample of them, where there are many), labelled for the legend."""
    shown = drawn(len(x))
    return ax.scatter(x[shown], z[shown], s=size, label=points_label(len(x)), **options)


def line_ends(x, fitted):
    """The neuron's line as a segment across the points: its ends at the smallest and
    largest x."""
    ends = end_points(x)
    return x[ends], fitted[ends]


def end_points(x):
    """The indices of the smallest and the largest x: where the neuron's line starts and
    ends."""
    return [np.argmin(x), np.argmax(x)]


def error_segments(x, z, fitted):
    """One vertical segment per drawn point, from the measurement z to the neuron's output."""
    shown = drawn(len(x))
    return segments(x[shown], z[shown], fitted[shown])


def segments(x, z, fitted):
    """One vertical segment per point, from the measurement z to the neuron's output."""
    return np.stack([np.column_stack([x, z]), np.column_stack([x, fitted])], axis=1)


def view_of(x):
    """The points a moving picture draws, as indices into x: the smallest and the largest
    x first (the ends of the neuron's line), then the drawn ones (all, or a sample)."""
    return np.r_[end_points(x), np.arange(len(x))[drawn(len(x))]]


def add_errors(ax, x, z, fitted):
    """Draw every point's error as one collection of red segments; return it."""
    return ax.add_collection(LineCollection(error_segments(x, z, fitted), colors="C3",
                                            linewidths=1, label=_("errors")))


def tangent_segment(state, half_width):
    """The tangent to the bowl at the state's a: the straight line through (a, loss) whose
    slope is the gradient, from a − half_width to a + half_width."""
    ends = np.array([state.a - half_width, state.a + half_width])
    return ends, state.loss + state.gradient * (ends - state.a)


def nice_limits(*values):
    """Round axis limits that include every value given."""
    ticks = MaxNLocator(nbins=5).tick_values(min(values), max(values))
    return float(ticks[0]), float(ticks[-1])


def bowl_limits(centre, *a_values):
    """Round limits for a, centred on `centre` (the minimum a*, or where a run settles),
    that hold every a given with room to spare: both sides of the bowl show, however far
    the start is."""
    reach = 1.1 * max(abs(a - centre) for a in a_values) or abs(centre) or 1.0
    return nice_limits(centre - reach, centre + reach)


def loss_limits(curve):
    """Limits for a loss axis that hold the curve, with room below 0 and above its top for
    the markers on it."""
    top = 1.08 * np.max(curve)
    return -0.05 * top, top


def legend_below(fig, ncols, fontsize="small", loc="outside lower center"):
    """The figure's legend under its axes, in at most `ncols` columns: fewer where a row
    would be wider than the picture, so that no entry is cut off."""
    renderer = fig.canvas.get_renderer()
    for columns in range(ncols, 0, -1):
        legend = fig.legend(loc=loc, ncols=columns, fontsize=fontsize)
        if columns == 1 or legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width:
            return legend
        legend.remove()


# The measurements, the random start and the bowl.

def measurements(x, z):
    """The measurements: a scatter plot of the points, with the origin marked."""
    return keep("measurements.png", (draw_measurements, x, z, Kept.names))


def draw_measurements(x, z, names):
    """Scatter plot of the measurements, drawn over the origin's mark."""
    fig = new_picture()
    ax = fig.subplots()
    scatter(ax, x, z, 16, zorder=3)  # above the origin's +, which would hide a point at (0, 0)
    ax.plot(0, 0, "k+", markersize=14, markeredgewidth=2, label=_("the origin (0, 0)"))
    ax.set(xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.set_title(_("The {count} measurements (x, z), and the origin").format(count=len(x)),
                 fontsize="medium")
    legend_below(fig, 2)
    return fig


def random_start(x, z, a, fitted):
    """The measurements, the line of the randomly started neuron (weight a, outputs
    `fitted` = a·x) and its errors."""
    return keep("random_start.png", (draw_random_start, x, z, a, fitted, Kept.names))


def draw_random_start(x, z, a, fitted, names):
    """The points, the neuron's line and one red error segment per point."""
    fig = new_picture()
    ax = fig.subplots()
    scatter(ax, x, z, 16, zorder=3)
    ax.plot(*line_ends(x, fitted), "k", label=_("neuron's line z = {a:.4g}·x").format(a=a))
    add_errors(ax, x, z, fitted)
    ax.set(xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.set_title(_("Random start a = {a:.4g}: each red segment is one point's error")
                 .format(a=a), fontsize="medium")
    legend_below(fig, 3)
    return fig


def loss_curve(x, z, tangents, loss_curve):
    """The loss as a function of a, drawn with the lesson's `loss_curve(a_values, x, z)`,
    and the tangents of the three States `tangents`, left to right: at the start, at the
    minimum a* and mirrored beyond it.

    The last picture before training: where training will be long, a plain script run
    has one worker process draw it and the pictures kept before it meanwhile, on the core
    the training loop leaves idle."""
    shown = keep("loss_curve.png", (draw_loss_curve, x, z, tangents, loss_curve))
    if Kept.keeper is not None and long_training(Kept.steps, len(x)):
        Kept.keeper.hand_over()
    return shown


def long_training(steps, count):
    """Whether training `steps` steps over `count` points takes about 0.3 s or more: long
    enough for one more worker process to pay for itself, drawing on the core the training
    loop leaves idle (in a short run it cost 0.155 s more CPU: more processes than cores
    slow one another down, as `small_run` also found). A step costs about as much as the
    arithmetic on `count` + 1,000 points: measured on a shared 2-core machine, about 7 µs
    a step for 30 points and 7 ms for a million."""
    return steps * (1_000 + count) >= LONG_TRAINING


def small_run(steps, count):
    """Whether the run is small: every point drawn (at most MAX_DRAWN) and its training
    not long. Then what the lesson computes between the animation and the scaling picture
    takes little time, so the animation can wait to share a worker with the two-weights
    picture: two processes on two cores instead of three. A default run measured 0.17 s
    less CPU and 0.11 s less wall time (medians of 15 alternating runs); --steps 5000 and
    3,000 points measured faster too, 10,000 points the same, 100,000 points slower, as
    the studies after the animation then keep one core waiting. A long training keeps the
    arrangement measured for it (`loss_curve`)."""
    return count <= MAX_DRAWN and not long_training(steps, count)


def animation_waits(count):
    """Whether this run's animation waits to share a worker with the two-weights picture:
    it is drawn (no --no-gif) and the run over `count` points is small."""
    return Kept.gif and small_run(Kept.steps, count)


def draw_loss_curve(x, z, tangents, curve_of):
    """The bowl over a range holding the three tangents' points, and the tangents."""
    middle = tangents[1]
    a_limits = bowl_limits(middle.a, *(state.a for state in tangents))
    a_values = np.linspace(*a_limits, 200)
    curve = curve_of(a_values, x, z)
    fig = new_picture()
    ax = fig.subplots()
    ax.plot(a_values, curve, linewidth=3, label=_("loss(a)"))
    for state, color in zip(tangents, ("C2", "C1", "C3"), strict=True):
        if state is middle:
            words, slope = (_("at the minimum a* = {a:.4g}").format(a=state.a),
                            _("flat, slope 0"))
        else:
            side = (_("left of a*, at a = {a:.3g}") if state.a < middle.a
                    else _("right of a*, at a = {a:.3g}"))
            words, slope = (side.format(a=state.a),
                            _("slope {slope:+.4g}").format(slope=state.gradient))
        ax.plot(*tangent_segment(state, TANGENT_SHARE * (a_limits[1] - a_limits[0])),
                color=color, label=_("tangent {where}: {slope}").format(where=words,
                                                                          slope=slope))
        ax.plot(state.a, state.loss, "o", color=color)
    ax.set(xlim=a_limits, ylim=loss_limits(curve), xlabel=_("a (the neuron's weight)"),
           ylabel=_("loss (mean squared error)"))
    ax.set_title(_("The loss is a bowl; its slope points away from the minimum"),
                 fontsize="medium")
    legend_below(fig, 2)
    return fig


# The panels of the animation and the explorer: the fit on the left, the bowl on the right.

def run_view(weights):
    """Limits for a that show a whole run: centred where it settles (the middle of its last
    two weights, which also holds for a run swinging about a*), every weight inside."""
    finite = weights[np.isfinite(weights)]
    return bowl_limits((finite[-1] + finite[-2]) / 2 if len(finite) > 1 else finite[0],
                       finite.min(), finite.max())


def bowl_curve(x, z, loss_curve, a_limits):
    """The bowl through the lesson's loss_curve at BOWL_POINTS weights: (a, loss)."""
    a_values = np.linspace(*a_limits, BOWL_POINTS)
    return a_values, loss_curve(a_values, x, z)


def fit_limits(z, lines):
    """z-axis limits that show every point and every line given (each a's outputs)."""
    reach = np.r_[z, np.min(lines), np.max(lines)]
    pad = 0.05 * (np.ptp(reach) or 1.0)
    return reach.min() - pad, reach.max() + pad


def draw_fit_panel(ax, x, z, names, shown, lowest, highest):
    """The points and the line of the state `shown`, with room for the lines of the states
    `lowest` and `highest`; returns the neuron's line and its errors, to be moved."""
    scatter(ax, x, z, 12, zorder=3)
    line, = ax.plot(*line_ends(x, shown.fitted), "k", linewidth=2, label=_("neuron's line"))
    ax.set(ylim=fit_limits(z, [shown.fitted, lowest.fitted, highest.fitted]),
           xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.xaxis.set_major_locator(MaxNLocator(4))  # room for long tick labels such as 0.0025
    return line, add_errors(ax, x, z, shown.fitted)


def draw_bowl_panel(ax, a_values, curve, a_limits):
    """The loss curve; returns the tangent and the current point, to be moved."""
    ax.plot(a_values, curve, linewidth=3, label=_("loss(a)"))
    tangent, = ax.plot([], [], "C2", linewidth=2, label=_("tangent: its slope at a"))
    point, = ax.plot([], [], "r*", markersize=12, label=_("current a"))
    ax.set(xlim=a_limits, ylim=loss_limits(curve), xlabel="a", ylabel=_("loss"))
    return tangent, point


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
SLOPE, MOVE = "slope here =", "next step −lr·slope ="  # the readout's words


def add_readout(fig, rows):
    """Fixed labels, each with an empty value to its right; returns {label: value Text}.

    Only the values change from frame to frame, and text is the slowest thing to draw, so
    the labels are drawn once with the still parts and the values are kept short.
    """
    numbers = {}
    for y, fields in rows:
        for label, x in fields:
            fig.text(x, y, _(label) + " ", ha="right", va="top")  # keyed by the English
            numbers[label] = fig.text(x, y, "", ha="left", va="top", family=NUMBER_FONT)
    return numbers


def move_errors(errors, segments):
    """Move the errors' LineCollection to `segments` (one pair of points each).

    matplotlib keeps each segment as a view into the array it was given, so writing the new
    points into that array moves them all at once; setting them anew builds an object per
    segment, most of a frame's time with thousands of points. Where that array is not
    found (a matplotlib that copies it), they are set anew."""
    paths = errors.get_paths()
    held = paths[0].vertices.base if paths else None
    if (isinstance(held, np.ndarray) and held.shape == segments.shape
            and paths[-1].vertices.base is held):
        held[...] = segments
        errors.stale = True
    else:
        errors.set_segments(segments)


def show_state(scene, x, z, fitted, state):
    """Move the line and the errors to the outputs `fitted`, and the point and the tangent
    to the state's a; show its numbers: a, the loss, the slope of the bowl there and the
    next step's move. `x`, `z` and `fitted` are at the points view_of chose."""
    scene.line.set_ydata(fitted[:2])
    move_errors(scene.errors, segments(x[2:], z[2:], fitted[2:]))
    a_limits = scene.tangent.axes.get_xlim()
    scene.tangent.set_data(*tangent_segment(state, TANGENT_SHARE * (a_limits[1] - a_limits[0])))
    scene.point.set_data([state.a], [state.loss])
    numbers = {"a =": f"{state.a:.4g}", "loss =": f"{state.loss:.4g}",
               SLOPE: f"{state.gradient:.4g}", MOVE: f"{state.move:+.3g}"}
    for label, value in numbers.items():
        scene.numbers[label].set_text(value)
    return scene


# The learning curve and the learning rates.

def thinned(count, most=2000):
    """At most `most` indices from 0 to count − 1, evenly spread, first and last included:
    a curve with more points than the picture has pixels is drawn from these."""
    return np.unique(np.linspace(0, count - 1, min(count, most)).round().astype(int))


def whole_number(value, _=None):
    """A step's tick label: 0, 20, 1,000."""
    return f"{value:,.0f}"


def plain_number(value, _=None):
    """A tick label without e-notation where it can be helped: 90,000, 4,500, 2.5, 0.003."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def short_number(value, _=None):
    """A short tick label for crowded 3-D axes: 240k, 1.5M, 2.5, 0.003."""
    for above, size, unit in ((1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= above:
            return f"{value / size:.3g}{unit}"
    return plain_number(value)


def log_number(value, _=None):
    """A log axis's tick label: 0.01, 1, 100, 100000; powers beyond those as 1e-08."""
    return f"{value:.6g}"


def step_axis(ax, last):
    """An x axis of whole steps from 0 to `last`, in round strides: 0, 10, 20, never 2.5."""
    ax.set_xlim(0, last)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=STEP_TICKS))
    ax.xaxis.set_major_formatter(FuncFormatter(whole_number))


def log_axis(ax, values, label):
    """A y axis on a log scale, labelled 0.01, 1, 100, spanning the values given; where
    they span less than a factor of 10, labelled at round values between (1.6, 1.65, 1.7)."""
    values = np.asarray(values)
    values = values[np.isfinite(values) & (values > 0)]
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=8))
    if values.size:  # the axis spans the values, with a little room
        spread = values.max() / values.min()
        room = min(1.5, max(1.02, spread ** 0.05))
        ax.set_ylim(values.min() / room, values.max() * room)
        if spread * room * room < 10:  # no power of 10 inside, or only one
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(log_number))
    ax.yaxis.set_minor_locator(NullLocator())  # no unlabelled ticks: faster to draw
    ax.set_ylabel(_("{label} (log scale)").format(label=label))


def loss_axis(ax, values, label):
    """A y axis for losses: a log scale where they span a factor of 10 or more (so steady
    shrinking reads as a straight line), else a plain one."""
    values = np.asarray(values)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size and values.max() >= 10 * values.min():
        log_axis(ax, values, label)
        return
    ax.yaxis.get_major_formatter().set_useOffset(False)  # plain numbers, no "1e-9+…"
    ax.set_ylabel(label)


def curve_title(kind, c, closed, steps):
    """The learning curve's title, saying what this run did: its `kind`, its c, the share
    `closed` of the way to a* it covered, in `steps` steps."""
    return _({
        "diverging": "Diverging: a swings further each step; excess loss ×{factor} a step",
        "bouncing": "Bouncing: a swings between two values; the excess loss stays",
        "barely moving": "Barely moving: {share:.2g}% of the way to a* in {steps}",
        "overshooting but converging": "Overshooting but converging: excess loss ×{factor} "
                                       "a step",
        "converging": "Converging: every step multiplies the excess loss by c² = {factor}",
    }[kind]).format(factor=digits(c * c), share=100 * closed, steps=count(steps))


def learning_curve(excess, predicted, distance, title):
    """Left, the run's excess loss (loss − loss(a*)) per step from the start on a log scale,
    and the line the lesson `predicted`; right, the distance |a − a*| per step, marked by
    the side of a* that a is on, so that an overshoot shows as a swing."""
    return keep("learning_curve.png", (draw_learning_curve, excess, predicted, distance, title))


def draw_learning_curve(excess, predicted, distance, title):
    """The two panels of the learning curve, and one legend below them."""
    visible = excess > ROUNDING * excess[0]
    last = int(np.flatnonzero(visible)[-1]) if visible.any() else 0
    shown = thinned(last + 1)
    fig = new_picture(WIDE)
    ax, side = fig.subplots(1, 2, width_ratios=(3, 2))
    ax.plot(shown, np.where(visible[shown], excess[shown], np.nan), linewidth=4, alpha=0.6,
            label=_("this run: loss − loss(a*)"))
    ax.plot(shown, predicted[shown], "k--",
            label=_("predicted: (loss₀ − loss(a*))·c^(2·step)"))
    if last < len(excess) - 1:
        ax.plot([], [], " ", label=_("after step {last:,}: a = a* to rounding, up to step "
                                     "{end:,}").format(last=last, end=len(excess) - 1))
    loss_axis(ax, np.r_[excess[shown][visible[shown]], predicted[shown]],
              _("excess loss: loss − loss(a*)"))
    step_axis(ax, max(int(shown[-1]), 1))
    ax.set_xlabel(_("step"))
    draw_distance(side, distance, max(int(shown[-1]), 1))
    fig.suptitle(title, fontsize="medium")
    legend_below(fig, 2)
    return fig


def draw_distance(ax, distance, last):
    """|a − a*| per step up to `last` on a log scale, where a steady approach is a straight
    line; each step's marker says which side of a* it is on."""
    shown = thinned(last + 1)
    sizes = np.abs(distance[shown])
    ax.plot(shown, np.where(sizes > 0, sizes, np.nan), color="gray", linewidth=1, zorder=1)
    for sign, marker, color, words in ((1, "^", "C1", _("|a − a*| with a above a* (a > a*)")),
                                       (-1, "v", "C0", _("|a − a*| with a below a* (a < a*)"))):
        mine = np.sign(distance[shown]) == sign
        if mine.any():
            ax.plot(shown[mine], sizes[mine], marker, color=color, markersize=4,
                    linestyle="none", clip_on=False, label=words)
    exact = np.flatnonzero(distance[:last + 1] == 0)
    if exact.size:
        ax.plot([], [], " ", label=_("a = a* exactly (not drawn on a log scale) at {steps} "
                                     "from step {first:,}").format(steps=count(exact.size),
                                                                   first=exact[0]))
    log_axis(ax, sizes, "|a − a*|")
    step_axis(ax, last)
    ax.set_xlabel(_("step"))


def settled_at(curve):
    """The step after which a loss curve no longer visibly changes: the rest of its course
    stays within a thousandth of its whole rise or fall from its last value."""
    moving = np.abs(curve - curve[-1]) > 1e-3 * np.abs(curve[0] - curve[-1])
    return int(np.flatnonzero(moving)[-1]) + 1 if moving.any() else 1


def shown_rates(rates, own, kept):
    """At most MAX_RATES of the rates tried, in increasing order: this run's `own`, the
    `kept` one and its neighbours, the smallest and the largest, then others spread
    evenly between."""
    rates = sorted(rates)
    if len(rates) <= MAX_RATES:
        return rates
    kept = own if kept is None else kept
    where = rates.index(kept)
    wanted = [own, kept, rates[max(where - 1, 0)], rates[min(where + 1, len(rates) - 1)],
              rates[0], rates[-1]]
    for index in np.linspace(0, len(rates) - 1, len(rates)).round().astype(int)[1::2]:
        wanted.append(rates[index])
    chosen = list(dict.fromkeys(wanted))[:MAX_RATES]
    return sorted(chosen)


def round_up(step, longest):
    """A round step at or after `step` for an axis to end on (a tick: 10, 60, 500), at most
    `longest`."""
    ticks = MaxNLocator(integer=True, steps=STEP_TICKS).tick_values(0, step)
    return int(min(longest, ticks[ticks >= step][0] if (ticks >= step).any() else step))


def learning_rates(runs, kept, bound, floor):
    """The loss per step for the rates tried: `runs` maps each, in the order tried (this
    run's own first), to (its losses from the start, how it went, whether it blew up);
    `kept` is the rate the lesson keeps (or None); `bound` the threshold N/Σx²; `floor`
    loss(a*)."""
    return keep("learning_rates.png", (draw_learning_rates, runs, kept, bound, floor))


def draw_learning_rates(runs, kept, bound, floor):
    """At most MAX_RATES curves; the step axis ends soon after the last one settles."""
    own = next(iter(runs))
    rates = shown_rates(list(runs), own, kept)
    longest = max(len(runs[rate][0]) for rate in rates) - 1
    end = round_up(1.2 * max(settled_at(runs[rate][0]) for rate in rates), longest)
    fig = new_picture()
    ax = fig.subplots()
    for order, rate in enumerate(rates):
        curve, kind, blown = runs[rate]
        shown = thinned(min(len(curve), end + 1))
        ax.plot(shown, curve[shown], linestyle=["-", "--", "-.", ":", "-", "--"][order],
                linewidth=4.5 if rate == kept else 2, label=f"lr = {rate:.3g}"
                + (_(" (this run)") if rate == own else "") + f": {_(kind)}"
                + (_("; kept: lowest loss, never rising") if rate == kept else ""))
        if blown:
            ax.plot(len(curve) - 1, curve[-2] if not np.isfinite(curve[-1]) else curve[-1],
                    "x", color="red", markersize=12, markeredgewidth=3, clip_on=False)
    if any(runs[rate][2] for rate in rates):
        ax.plot([], [], "x", color="red", markersize=10, markeredgewidth=3, linestyle="none",
                label=_("the loss blew up: that run stopped"))
    ax.axhline(floor, color="gray", linestyle=":", label=_("lowest possible loss, loss(a*)"))
    loss_axis(ax, np.concatenate([*(runs[rate][0] for rate in rates), [floor]]), _("loss"))
    step_axis(ax, max(end, 1))
    ax.set_xlabel(_("step") + (_(" (no curve changes visibly after this; the runs go on to "
                                 "step {longest:,})").format(longest=longest)
                               if end < longest else ""))
    tried = _("{count} rates tried √10 apart").format(count=len(runs)) + (
        _(", {count} of them drawn").format(count=len(rates)) if len(rates) < len(runs) else "")
    keeping = (_("keep {kept:.3g}").format(kept=kept) if kept is not None
               else _("none kept (no loss fell throughout)"))
    ax.set_title(_("{tried}: {keeping}\n(the threshold N/Σx² is {bound:.3g})").format(
        tried=tried, keeping=keeping, bound=bound), fontsize="medium")
    legend_below(fig, 1)
    return fig


# Two weights.

def two_weight_title(ratio, rate):
    """The picture's title: how narrow the valley is (`ratio`, its curvatures' ratio: its
    contours are √ratio times longer than wide), and the rate used."""
    shape = (_("a valley {long}× longer than wide (curvatures {ratio}× apart)").format(
        long=plain_number(np.sqrt(ratio)), ratio=plain_number(ratio)) if ratio >= 3
             else _("a nearly round bowl"))
    return _("Two weights: loss(a, b) is {shape}; lr = {rate:.4g}").format(shape=shape,
                                                                           rate=rate)


def surface_grid(path, best, count=200, square=False):
    """A grid over (a, b) that holds the whole path and the minimum: its A and B; `square`
    gives both axes the same span, for a picture drawn with equal axes."""
    a_all, b_all = np.r_[path[:, 0], best[0]], np.r_[path[:, 1], best[1]]
    spans = np.array([np.ptp(a_all) or 1.0, np.ptp(b_all) or 1.0])
    if square:
        spans[:] = spans.max()
    centres = (a_all.min() + a_all.max()) / 2, (b_all.min() + b_all.max()) / 2
    return np.meshgrid(*(np.linspace(centre - 0.65 * span, centre + 0.65 * span, count)
                         for centre, span in zip(centres, spans, strict=True)))


def draw_descent(ax, grid, losses, floor, descent, names):
    """On `ax`, the contour map of the `losses` over the (a, b) `grid`, filling the panel,
    whose lowest loss is `floor`, with the descent's path and its minimum, their four parts
    labelled with `names` (or None each) for a legend; returns the path's points drawn."""
    # Levels crowd towards the floor, so the narrow valley around the minimum shows.
    levels = floor + np.geomspace(1e-4, 1, 16) * (losses.max() - floor)
    path, shown = descent.path, descent.path[thinned(len(descent.path), 150)]
    ax.contour(*grid, losses, levels=levels, cmap="viridis", linewidths=1)
    ax.plot(*shown.T, ".-", color="C3", markersize=3, label=names[0])
    ax.plot(*path[0], "o", color="k", label=names[1])
    ax.plot(*path[-1], "s", color="C3", label=names[2])
    ax.plot(*descent.best, "*", color="gold", markeredgecolor="k", markersize=14,
            label=names[3])
    ax.set(xlim=(grid[0].min(), grid[0].max()), ylim=(grid[1].min(), grid[1].max()))
    return shown


def two_weights(x, z, descent, loss_surface):
    """Left the contour map of the lesson's `loss_surface(a, b, x, z)`, right the surface;
    the `descent` (a Descent: its path, minimum, rate and valley's curvature ratio) on
    both. It is slow to draw: a plain script run draws it in a worker process, with the
    animation or the scaling picture (see `scaling`)."""
    return keep("two_weights.png", (draw_two_weights, x, z, descent, loss_surface))


def draw_two_weights(x, z, descent, surface_of):
    """The contour map (with the legend under it) and, given more room, the 3-D surface
    with the path lying on it."""
    fig = new_picture(WIDE)
    flat, solid = fig.subfigures(1, 2, width_ratios=(2, 3))
    grid = surface_grid(descent.path, descent.best)
    ax = flat.subplots()
    shown = draw_descent(ax, grid, surface_of(*grid, x, z), surface_of(*descent.best, x, z),
                         descent, [
        _("descent path"), _("start (a₀, 0)"),
        _("after {steps}").format(steps=count(len(descent.path) - 1)),
        _("minimum a* = {a:.4g}, b* = {b:.4g}").format(a=descent.best[0], b=descent.best[1])])
    ax.set(xlabel=_("a (slope)"), ylabel=_("b (offset)"))
    ax.set_title(_("seen from above: its contours"), fontsize="medium")
    legend_below(flat, 1)
    draw_surface(solid.add_subplot(projection="3d"), x, z, descent, surface_of, shown)
    fig.suptitle(two_weight_title(descent.ratio, descent.lr), fontsize="medium")
    return fig


def draw_surface(solid, x, z, descent, surface_of, shown):
    """The loss surface in 3-D, see-through, with the path drawn on top of it, its shadow
    and the contours on the floor below, so that the path reads as lying on the surface."""
    coarse = surface_grid(descent.path, descent.best, count=50)  # fine enough, and quick
    heights = surface_of(*coarse, x, z)
    solid.computed_zorder = False  # drawn in the order given: the path over the surface
    bottom = heights.min() - 0.25 * np.ptp(heights)
    solid.contour(*coarse, heights, levels=12, zdir="z", offset=bottom, cmap="viridis",
                  linewidths=0.8, zorder=1)
    solid.plot(shown[:, 0], shown[:, 1], np.full(len(shown), bottom), color="C3",
               linewidth=1, alpha=0.5, zorder=2)
    solid.plot_surface(*coarse, heights, cmap="viridis", alpha=0.55, linewidth=0, zorder=3)
    curve = along_steps(shown)  # each step's line in the plane, lifted onto the surface
    lifted = surface_of(curve[:, 0], curve[:, 1], x, z)
    solid.plot(curve[:, 0], curve[:, 1], lifted, color="white", linewidth=3.5, zorder=4)
    solid.plot(curve[:, 0], curve[:, 1], lifted, color="C3", linewidth=1.5, zorder=5)
    for (a, b), marker, color in ((shown[0], "o", "k"), (shown[-1], "s", "C3")):
        solid.plot([a], [b], surface_of(a, b, x, z), marker, color=color, zorder=6)
    solid.set_zlim(bottom, heights.max())
    for axis in (solid.xaxis, solid.yaxis, solid.zaxis):
        axis.set_major_locator(MaxNLocator(4))  # few ticks: they crowd in 3-D
        axis.set_major_formatter(FuncFormatter(short_number))
    solid.zaxis.set_tick_params(pad=6)  # the numbers clear of the axis line
    solid.set(xlabel="a", ylabel="b")
    solid.set_zlabel(_("loss"), labelpad=14)  # clear of the tick labels
    solid.set_title(_("as a surface; below it, its contours and the path's shadow"),
                    fontsize="medium")
    solid.set_box_aspect(None, zoom=1.0)


def along_steps(points, between=8):
    """The path through `points` with `between` points along each step's straight line in
    the (a, b) plane: lifted onto the surface, it follows the surface down into the valley
    instead of cutting through the air above it."""
    shares = np.linspace(0, 1, between, endpoint=False)[None, :, None]
    inside = points[:-1, None, :] + shares * np.diff(points, axis=0)[:, None, :]
    return np.vstack([inside.reshape(-1, 2), points[-1:]])


def scaling(xs, z, descents, loss_surface):
    """Side by side, descent on the lesson's `loss_surface(a, b, x, z)` for each x of `xs`
    (as measured, then standardised), each with its Descent at the rate 1/λmax.

    The two-weights picture, kept before it, is slow to draw, and so is this one: a plain
    script run has one worker process draw the two-weights picture while the lesson goes
    on, with the animation where it waited (`animation_waits`), else with this one."""
    shown = keep("scaling.png", (draw_scaling, xs, z, descents, loss_surface))
    if Kept.keeper is not None:
        Kept.keeper.hand_over(["training.gif", "two_weights.png"] if animation_waits(len(z))
                              else ["two_weights.png", "scaling.png"])
    return shown


def draw_scaling(xs, z, descents, surface_of):
    """Two square panels of contours, each filled by its grid: a round bowl draws round."""
    fig = new_picture(WIDE)
    names = (_("x as measured"), _("standardised x"))
    for ax, x, descent, name in zip(fig.subplots(1, 2), xs, descents, names, strict=True):
        grid = surface_grid(descent.path, descent.best, square=True)
        draw_descent(ax, grid, surface_of(*grid, x, z), surface_of(*descent.best, x, z), descent, [
            _("descent path"), _("start (a₀, 0)"),
            _("after {steps}").format(steps=count(len(descent.path) - 1)),
            _("minimum (a*, b*)")] if name == names[0] else [None] * 4)
        ax.set_aspect("equal", adjustable="box")  # the panel, not the grid, is made square
        reach = count(descent.reached, len(descent.path) - 1)
        ax.set_title(_("{name}: curvatures {ratio:.3g}× apart;\n{reach} to within 1% of the "
                       "minimum").format(name=name, ratio=descent.ratio, reach=reach),
                     fontsize="medium")
        ax.set(xlabel=_("a (slope)") if name == names[0] else _("a' (slope on standardised x)"),
               ylabel=_("b (offset)"))
    fig.suptitle(_("Scaling x: the same points, each at the rate 1/λmax that crosses the "
                   "valley in one step"), fontsize="medium")
    legend_below(fig, 4)
    return fig
