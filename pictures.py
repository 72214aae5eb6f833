"""The lesson's still pictures, and the panels the animation and the explorer share.

Each function draws what regression_gd.py computed and handed it, and returns the
figure; nothing here computes the lesson's mathematics. For a weight a the lesson hands a
`state` (its line at every x, the loss, the gradient, the next step's move); for the bowl
a function giving the loss at many a at once; for two weights one giving the loss over a
grid of (a, b). Layout only is decided here: sizes, limits, ticks, legends and titles.
"""

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from command_line import digits, n_steps

SIZE, WIDE, DPI = (6.4, 4.8), (9.6, 4.8), 100  # still pictures: 640x480 (960x480) pixels
TANGENT_SHARE = 0.15  # a tangent reaches this share of the bowl's width to each side
ROUNDING = 1e-12  # an excess loss below this share of loss(a*) is rounding noise
MAX_DRAWN = 3000  # pictures draw at most this many points: a seeded sample of more


def axis_names(names):
    """The axis labels: the file's column names, or the lesson's own."""
    return names or ("x (input)", "z (measured output)")


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
        return "measurements"
    return f"{MAX_DRAWN:,} of the {count:,} points (random)"


def scatter(ax, x, z, size, **options):
    """The points (a sample of them, where there are many), labelled for the legend."""
    shown = drawn(len(x))
    return ax.scatter(x[shown], z[shown], s=size, label=points_label(len(x)), **options)


def line_ends(x, fitted):
    """The neuron's line as a segment across the points: its ends at the smallest and
    largest x."""
    ends = [np.argmin(x), np.argmax(x)]
    return x[ends], fitted[ends]


def error_segments(x, z, fitted):
    """One vertical segment per drawn point, from the measurement z to the neuron's output."""
    shown = drawn(len(x))
    x, z, fitted = x[shown], z[shown], fitted[shown]
    return np.stack([np.column_stack([x, z]), np.column_stack([x, fitted])], axis=1)


def add_errors(ax, x, z, fitted):
    """Draw every point's error as one collection of red segments; return it."""
    return ax.add_collection(LineCollection(error_segments(x, z, fitted), colors="C3",
                                            linewidths=1, label="errors"))


def tangent_segment(state, half_width):
    """The tangent to the bowl at the state's a: the straight line through (a, loss) whose
    slope is the gradient, from a − half_width to a + half_width."""
    ends = np.array([state.a - half_width, state.a + half_width])
    return ends, state.loss + state.gradient * (ends - state.a)


def nice_limits(*values):
    """Round axis limits that include every value given."""
    ticks = MaxNLocator(nbins=5).tick_values(min(values), max(values))
    return float(ticks[0]), float(ticks[-1])


def bowl_limits(a_star, *a_values):
    """Round limits for a, centred on the minimum a*, that hold every a given with room to
    spare: both sides of the bowl show, however far the start is."""
    reach = 1.1 * max(abs(a - a_star) for a in a_values) or abs(a_star) or 1.0
    return nice_limits(a_star - reach, a_star + reach)


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


def plot_measurements(x, z, names):
    """Scatter plot of the measurements, with the origin marked."""
    fig = new_picture()
    ax = fig.subplots()
    scatter(ax, x, z, 16)
    ax.plot(0, 0, "k+", markersize=14, markeredgewidth=2, label="the origin (0, 0)")
    ax.set(xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.set_title(f"The {len(x)} measurements (x, z), and the origin", fontsize="medium")
    legend_below(fig, 2)
    return fig


def plot_random_start(x, z, names, a, fitted):
    """The measurements, the line of the randomly started neuron (weight a, outputs
    `fitted`), and its errors."""
    fig = new_picture()
    ax = fig.subplots()
    scatter(ax, x, z, 16, zorder=3)
    ax.plot(*line_ends(x, fitted), "k", label=f"neuron's line z = {a:.4g}·x")
    add_errors(ax, x, z, fitted)
    ax.set(xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.set_title(f"Random start a = {a:.4g}: each red segment is one point's error",
                 fontsize="medium")
    legend_below(fig, 3)
    return fig


def plot_loss_curve(bowl, state_at, a_star, a_limits):
    """The loss as a function of a, with tangents left of, at and right of the minimum."""
    a_values = np.linspace(*a_limits, 200)
    curve = bowl(a_values)
    width = a_limits[1] - a_limits[0]
    side = 0.7 * min(a_star - a_limits[0], a_limits[1] - a_star)
    fig = new_picture()
    ax = fig.subplots()
    ax.plot(a_values, curve, linewidth=3, label="loss(a)")
    for a, color, words in ((a_star - side, "C2", f"left of a*, at a = {a_star - side:.3g}"),
                            (a_star, "C1", f"at the minimum a* = {a_star:.4g}"),
                            (a_star + side, "C3", f"right of a*, at a = {a_star + side:.3g}")):
        state = state_at(a)
        slope = "flat, slope 0" if a == a_star else f"slope {state.gradient:+.4g}"
        ax.plot(*tangent_segment(state, TANGENT_SHARE * width), color=color,
                label=f"tangent {words}: {slope}")
        ax.plot(a, state.loss, "o", color=color)
    ax.set(xlim=a_limits, ylim=loss_limits(curve), xlabel="a (the neuron's weight)",
           ylabel="loss (mean squared error)")
    ax.set_title("The loss is a bowl; its slope points away from the minimum",
                 fontsize="medium")
    legend_below(fig, 2)
    return fig


# The panels of the animation and the explorer: the fit on the left, the bowl on the right.

def fit_limits(z, lines):
    """z-axis limits that show every point and every line given (each a's outputs)."""
    reach = np.r_[z, np.min(lines), np.max(lines)]
    pad = 0.05 * (np.ptp(reach) or 1.0)
    return reach.min() - pad, reach.max() + pad


def draw_fit_panel(ax, x, z, names, best, lowest, highest):
    """The points and the best line (the state at a*), with room for the lines of the states
    `lowest` and `highest`; returns the neuron's line and its errors, to be moved."""
    scatter(ax, x, z, 12, zorder=3)
    ax.plot(*line_ends(x, best.fitted), color="gray", linestyle="--",
            label=f"best line, a* = {best.a:.4g}")
    line, = ax.plot(*line_ends(x, best.fitted), "k", linewidth=2, label="neuron's line")
    ax.set(ylim=fit_limits(z, [best.fitted, lowest.fitted, highest.fitted]),
           xlabel=axis_names(names)[0], ylabel=axis_names(names)[1])
    ax.xaxis.set_major_locator(MaxNLocator(4))  # room for long tick labels such as 0.0025
    return line, add_errors(ax, x, z, best.fitted)


def draw_bowl_panel(ax, bowl, a_star, a_limits):
    """The loss curve and the minimum; returns the tangent and the current point, to be moved."""
    a_values = np.linspace(*a_limits, 200)
    curve = bowl(a_values)
    ax.plot(a_values, curve, linewidth=3, label="loss(a)")
    ax.axvline(a_star, color="gray", linestyle=":", label="minimum a*")
    tangent, = ax.plot([], [], "C2", linewidth=2, label="tangent: slope = gradient")
    point, = ax.plot([], [], "r*", markersize=12, label="current a")
    ax.set(xlim=a_limits, ylim=loss_limits(curve), xlabel="a", ylabel="loss")
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


def show_state(scene, x, z, state):
    """Move the line, the errors, the point and the tangent to the state's a; show its
    numbers: a, the loss, the gradient and the next step's move."""
    scene.line.set_ydata(line_ends(x, state.fitted)[1])
    scene.errors.set_segments(error_segments(x, z, state.fitted))
    a_limits = scene.tangent.axes.get_xlim()
    scene.tangent.set_data(*tangent_segment(state, TANGENT_SHARE * (a_limits[1] - a_limits[0])))
    scene.point.set_data([state.a], [state.loss])
    numbers = {"a =": f"{state.a:.4g}", "loss =": f"{state.loss:.4g}",
               "gradient =": f"{state.gradient:.4g}",
               "next step −lr·gradient =": f"{state.move:+.3g}"}
    for label, value in numbers.items():
        scene.numbers[label].set_text(value)
    return scene


# The learning curve and the learning rates.

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


def plot_learning_curve(excess, predicted, distance, floor, c, title):
    """Left, the run's excess loss per step (from the start) on a log scale, and the
    straight line the lesson predicted from c; `floor` is loss(a*). Right, the signed
    distance a − a* per step, which shows any overshoot as a swing from side to side."""
    visible = excess > ROUNDING * floor
    last = int(np.flatnonzero(visible)[-1]) if visible.any() else 0
    shown = thinned(last + 1)
    fig = new_picture(WIDE)
    ax, side = fig.subplots(1, 2, width_ratios=(3, 2))
    ax.plot(shown, np.where(visible[shown], excess[shown], np.nan), linewidth=4, alpha=0.6,
            label="this run: loss − loss(a*)")
    ax.plot(shown, predicted[shown], "k--", label=f"predicted: (loss₀ − loss(a*))·c^(2·step), "
                                                  f"c = {digits(c)}")
    if last < len(excess) - 1:
        ax.plot([], [], " ", label=f"after step {last:,}: a = a* to rounding, up to step "
                                   f"{len(excess) - 1:,}")
    loss_axis(ax, np.r_[excess[shown][visible[shown]], predicted[shown]],
              "excess loss: loss − loss(a*)")
    step_axis(ax, max(int(shown[-1]), 1))
    ax.set_xlabel("step")
    side.plot(shown, distance[shown], ".-", color="C1", markersize=3, linewidth=1,
              label="a − a* after each step")
    side.axhline(0, color="gray", linestyle=":")
    sizes = np.abs(distance[shown])
    # linear near 0 up to the smallest distance shown (at least 1/1000 of the largest), so
    # the labels around 0 do not crowd
    floor = max(1e-3 * sizes.max(), np.min(sizes[sizes > 0], initial=sizes.max()))
    side.set_yscale("symlog", linthresh=max(floor, np.finfo(float).tiny))
    side.yaxis.set_major_formatter(FuncFormatter(plain_number))
    side.yaxis.set_minor_locator(NullLocator())
    step_axis(side, max(int(shown[-1]), 1))
    side.set(xlabel="step", ylabel="a − a* (symmetric log scale)")
    fig.suptitle(title, fontsize="medium")
    legend_below(fig, 2)
    return fig


def settled_at(curve):
    """The step after which a loss curve no longer visibly changes: the rest of its course
    stays within a thousandth of its whole rise or fall from its last value."""
    moving = np.abs(curve - curve[-1]) > 1e-3 * np.abs(curve[0] - curve[-1])
    return int(np.flatnonzero(moving)[-1]) + 1 if moving.any() else 1


def plot_learning_rates(runs, lr, kept, bound, floor):
    """Loss per step for the rates tried; `runs` maps each to (losses from the start, how the
    run went, whether it blew up, which ends its curve in a red cross). `kept` is the
    largest whose loss fell at every step.

    The step axis ends soon after the last curve settles, so long runs stay readable."""
    longest = max(len(curve) for curve, _, _ in runs.values()) - 1
    end = min(longest, int(np.ceil(1.2 * max(settled_at(curve)
                                             for curve, _, _ in runs.values()))))
    fig = new_picture()
    ax = fig.subplots()
    for order, (rate, (curve, kind, blown)) in enumerate(sorted(runs.items())):
        shown = thinned(min(len(curve), end + 1))
        ax.plot(shown, curve[shown], linestyle=["-", "--", "-.", ":", "-"][order % 5],
                linewidth=4.5 if rate == kept else 2, label=f"lr = {rate:.3g}"
                + (" (this run)" if rate == lr else "") + f": {kind}"
                + (", kept: the largest whose loss always fell" if rate == kept else ""))
        if blown:
            ax.plot(len(curve) - 1, curve[-2] if not np.isfinite(curve[-1]) else curve[-1],
                    "x", color="red", markersize=12, markeredgewidth=3)
    ax.axhline(floor, color="gray", linestyle=":", label="lowest possible loss, loss(a*)")
    loss_axis(ax, np.concatenate([*(curve for curve, _, _ in runs.values()), [floor]]),
              "loss")
    step_axis(ax, max(end, 1))
    ax.set_xlabel("step" + (f" (no curve changes visibly after this; the runs go on to step "
                            f"{longest:,})" if end < longest else ""))
    ax.set_title(f"Rates tried √10 apart: keep {kept:.3g} (the threshold N/Σx² is "
                 f"{bound:.3g})", fontsize="medium")
    legend_below(fig, 1, fontsize="x-small")
    return fig


# Two weights.

def plain_number(value, _=None):
    """A tick label without e-notation where it can be helped: 90,000, 4,500, 2.5, 0.003."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def short_number(value, _=None):
    """A short tick label for crowded 3-D axes: 240k, 1.5M, 2.5, 0.003."""
    for above, size, unit in ((1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= above:
            return f"{value / size:.3g}{unit}"
    return plain_number(value)


def two_weight_title(ratio, rate, lr):
    """The picture's title: how narrow the valley is (`ratio`, its curvatures' ratio: its
    contours are √ratio times longer than wide), and the rate used."""
    shape = (f"a valley {plain_number(np.sqrt(ratio))}× longer than wide (curvatures "
             f"{plain_number(ratio)}× apart)" if ratio >= 3 else "a nearly round bowl")
    used = f"lr = {rate:.4g}" + (" (0.9 × 2/λmax, as lr is above it)" if rate != lr else "")
    return f"Two weights: loss(a, b) is {shape}; {used}"


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


def draw_descent(ax, surface, path, best, names, square=False):
    """On `ax`, the contour map of loss(a, b) = surface(a, b) around the descent `path` (one
    (a, b) row per step) and the minimum `best`, its four parts labelled with `names` (or
    None each) for a legend; returns the path's points drawn."""
    grid_a, grid_b = surface_grid(path, best, square=square)
    losses, floor = surface(grid_a, grid_b), surface(*best)
    # Levels crowd towards the floor, so the narrow valley around the minimum shows.
    levels = floor + np.geomspace(1e-4, 1, 16) * (losses.max() - floor)
    shown = path[thinned(len(path), 150)]
    ax.contour(grid_a, grid_b, losses, levels=levels, cmap="viridis", linewidths=1)
    ax.plot(*shown.T, ".-", color="C3", markersize=3, label=names[0])
    ax.plot(*path[0], "o", color="k", label=names[1])
    ax.plot(*path[-1], "s", color="C3", label=names[2])
    ax.plot(*best, "*", color="gold", markeredgecolor="k", markersize=14, label=names[3])
    return shown


def plot_two_weights(surface, path, best, title):
    """Left the contour map of loss(a, b) = surface(a, b), right the surface; the descent
    `path` (one (a, b) row per step) on both, and the minimum `best` = (a*, b*)."""
    fig = new_picture(WIDE)
    flat = fig.add_subplot(1, 2, 1)
    shown = draw_descent(flat, surface, path, best, [
        "descent path", "start (a₀, 0)", f"after {n_steps(len(path) - 1)}",
        f"minimum a* = {best[0]:.4g}, b* = {best[1]:.4g}"])
    flat.set(xlabel="a (slope)", ylabel="b (offset)")
    legend_below(fig, 2, fontsize="x-small", loc="outside lower left")
    solid = fig.add_subplot(1, 2, 2, projection="3d")
    coarse = surface_grid(path, best, count=50)  # fine enough for a surface, and quick
    solid.plot_surface(*coarse, surface(*coarse), cmap="viridis", alpha=0.6, linewidth=0)
    solid.plot(shown[:, 0], shown[:, 1], surface(shown[:, 0], shown[:, 1]), ".-", color="C3",
               markersize=3)
    for axis in (solid.xaxis, solid.yaxis, solid.zaxis):
        axis.set_major_locator(MaxNLocator(4))  # few ticks: they crowd in 3-D
        axis.set_major_formatter(FuncFormatter(short_number))
    solid.zaxis.set_tick_params(pad=6)  # the numbers clear of the axis line
    solid.set(xlabel="a", ylabel="b")
    solid.set_zlabel("loss", labelpad=16)  # clear of the tick labels
    solid.set_title("the same loss as a surface", fontsize="medium")
    solid.set_box_aspect(None, zoom=0.72)  # room for the labels around it
    fig.suptitle(title, fontsize="medium")
    return fig


def plot_scaling(panels, variants, most):
    """Side by side, descent on loss(a, b) for x as measured and for standardised x, each at
    its rate 1/λmax: `panels` holds (surface, path, best) for each; `variants` maps each
    version of x to (curvature ratio, steps to within 1%, or None for over `most`)."""
    fig = new_picture(WIDE)
    for ax, (surface, path, best), name in zip(fig.subplots(1, 2), panels,
                                               ("x as measured", "standardised x"),
                                               strict=True):
        draw_descent(ax, surface, path, best, ["descent path", "start (a₀, 0)",
                                               f"after {n_steps(len(path) - 1)}",
                                               "minimum (a*, b*)"] if name == "x as measured"
                     else [None] * 4, square=True)
        ax.set_aspect("equal", adjustable="datalim")  # a round bowl looks round
        ratio, steps = variants[name]
        reach = n_steps(steps) if steps is not None else f"over {most:,} steps"
        ax.set_title(f"{name}: curvatures {ratio:.3g}× apart;\n{reach} to within 1% of the "
                     "minimum", fontsize="medium")
        ax.set(xlabel="a (slope)" if name == "x as measured" else "a' (slope on standardised x)",
               ylabel="b (offset)")
    fig.suptitle("Scaling x: the same points, each at the rate 1/λmax that crosses the "
                 "valley in one step", fontsize="medium")
    legend_below(fig, 4, fontsize="small")
    return fig
