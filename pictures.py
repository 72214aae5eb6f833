"""Everything the lesson draws: its pictures, the training animation and the live explorer.

Each picture is a function registered with `@picture(file name, caption)`: it draws on the
figure it is given what regression_gd.py computed and handed it, and the registration
shows it (in a notebook), keeps it to be saved with the others at the end of the run, and
lists it in PICTURES, from which the tests, the page and the README's table read. Nothing
here computes the lesson's mathematics: for a weight a the lesson hands its own
`state(a, x, z, lr)` (the line at every x, the loss, the gradient, the next step's move),
and for the bowl or the surface its own functions giving the loss at many weights at once.
Only layout is decided here: sizes, limits, ticks, legends and titles.
"""

import base64
import functools
import io
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont
from matplotlib.ticker import AutoLocator, FuncFormatter, LogLocator, MaxNLocator, NullLocator
from PIL import Image, ImageDraw, ImageFont

import program
from program import _

SIZE, WIDE, DPI = (6.4, 4.8), (9.6, 4.8), 100  # 640x480 pixels, or 960x480
GIF_DPI, FRAME_MS, LAST_MS = 80, 200, 2000  # the GIF: 512x384; each frame's time, the last's
MOST_DRAWN = 3000  # pictures draw at most this many points: a seeded sample of more
MOST_RATES = 6  # the rates picture draws at most this many curves
TANGENT = 0.15  # a tangent reaches this share of the bowl's width to each side
PICTURES = {}  # file name -> caption, in the lesson's order (filled by @picture)


# Pictures: drawn, shown in a notebook, kept to be saved

def picture(name, caption, size=SIZE):
    """Register `draw(fig, *args)` as the picture `name` with its `caption`; calling it
    draws a new figure, keeps it to be saved, and shows it in a notebook."""
    PICTURES[name] = caption

    def register(draw):
        @functools.wraps(draw)
        def drawn(*args):
            fig = (plt.figure(figsize=size, dpi=DPI) if program.Run.settings.show
                   else FigureCanvasAgg(Figure(figsize=size, dpi=DPI)).figure)
            with np.errstate(all="ignore"):  # ticks for numbers near 1e300 overflow, quietly
                draw(fig, *args)
                spanish_ticks(fig)
                arrange(fig)
                title = fig.get_suptitle() or fig.axes[0].get_title()
                program.keep(name, lambda path: fig.savefig(
                    path, format="png", metadata={"Title": title},
                    pil_kwargs={"compress_level": 3}))  # nearly as small, and quicker
            show_in_notebook(fig, name, title)
            return fig if program.Run.settings.show else None
        return drawn
    return register


def animation(name, caption):
    """Register `write(path, *args)` as the animation `name`: kept and shown as pictures are,
    unless --no-gif."""
    PICTURES[name] = caption

    def register(write):
        @functools.wraps(write)
        def drawn(*args):
            if not program.Run.settings.no_gif:
                with np.errstate(all="ignore"):
                    program.keep(name, lambda path: write(path, *args))
                show_in_notebook(program.Run.waiting[name], name, _("the training, animated"))
        return drawn
    return register


def show_in_notebook(shown, name, title):
    """In Jupyter, show a figure, or a GIF file (its data in the output, not a link), with
    its name and title in the output's metadata (for the lesson's page)."""
    if not program.in_notebook():
        return
    from IPython.display import display
    about = {"picture": {"name": name, "title": title}}
    if isinstance(shown, str):
        with open(shown, "rb") as file:
            data = base64.b64encode(file.read()).decode("ascii")
        display({"image/gif": data, "text/html": f'<img src="data:image/gif;base64,{data}" '
                 f'alt="{title}">'}, raw=True, metadata=about)
    else:
        display(shown, metadata=about)


def save():
    """Save every picture of the run together (see program.save_pictures); with --show,
    then open them in windows."""
    program.save_pictures(list(PICTURES))
    if program.Run.settings.show and not program.window_problem():
        plt.show()


# The pieces every picture is made of

def text(value, spec):
    """A number for a picture, in the language spoken."""
    return program.number_text(value, spec)


class SpanishFormatter(FuncFormatter):
    """An axis's tick labels with decimal commas, from the formatter it had."""


def spanish_ticks(fig):
    """In Spanish, every axis's numbers with decimal commas and true minus signs."""
    if program.Words.language != "es":
        return
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)):
            if axis is not None and not isinstance(axis.get_major_formatter(),
                                                   SpanishFormatter):
                axis.set_major_formatter(SpanishFormatter(
                    lambda value, place, old=axis.get_major_formatter():
                    program.spanish_numbers(old(value, place))))


def axis_names():
    """The axes' labels: the data file's column names, or the lesson's own."""
    return program.Run.names or (_("x (input)"), _("z (measured output)"))


def label_axes(ax):
    """Label a panel of points with the data's names, drawn as they read (no mathematics)."""
    names = axis_names()
    ax.set_xlabel(names[0], parse_math=False)
    ax.set_ylabel(names[1], parse_math=False)


def sample(count):
    """Which of `count` points a picture draws: all, or a seeded MOST_DRAWN of them."""
    if count <= MOST_DRAWN:
        return np.arange(count)
    return np.sort(np.random.default_rng(0).choice(count, MOST_DRAWN, replace=False))


def scatter(ax, x, z, size):
    """The points (a sample of them, where there are many), labelled for the legend."""
    shown = sample(len(x))
    words = (_("measurements") if len(x) <= MOST_DRAWN else
             _("{drawn} of the {count} points (random)").format(
                 drawn=text(MOST_DRAWN, ","), count=text(len(x), ",")))
    ax.scatter(x[shown], z[shown], s=size, zorder=3, label=words)


def segments(x, z, fitted):
    """One vertical segment per point, from the measurement z to the neuron's output."""
    return np.stack([np.column_stack([x, z]), np.column_stack([x, fitted])], axis=1)


def legend_below(fig, columns):
    """The figure's legend at its foot, in at most `columns` columns: fewer where a row
    would be wider than the picture."""
    for ncols in range(columns, 0, -1):
        legend = fig.legend(loc="lower center", ncols=ncols, fontsize="small",
                            bbox_to_anchor=(0.5, 0.005))
        if ncols == 1 or legend.get_window_extent().width <= 0.98 * fig.bbox.width:
            return legend
        legend.remove()


def arrange(fig, above=None):
    """Place the panels, measuring once (a layout engine measures every label several
    times, the slowest part of a picture): room on the left and between the panels for
    their y labels, below for the x labels and the legend, above for the titles."""
    renderer, width, height = fig.canvas.get_renderer(), fig.bbox.width, fig.bbox.height
    flat = [ax for ax in fig.axes if ax.name == "rectilinear"]
    for axis in [axis for ax in flat for axis in (ax.xaxis, ax.yaxis)]:
        if isinstance(axis.get_major_locator(), AutoLocator):  # fewer ticks: quicker to draw
            axis.set_major_locator(MaxNLocator(6, steps=(1, 2, 2.5, 5, 10)))
    # before a draw, an axis's label sits where it started: its extent misses a few pixels
    sides = [ax.yaxis.get_tightbbox(renderer).width + 22 for ax in flat]
    below = max(ax.xaxis.get_tightbbox(renderer).height for ax in flat) + 22 + sum(
        legend.get_window_extent(renderer).height for legend in fig.legends)
    line = 1.3 * 12 * fig.dpi / 72  # a title's line: 12 points
    lines = max(ax.get_title().count("\n") + 1 if ax.get_title() else 0 for ax in fig.axes)
    above = above or 8 + line * (lines + (fig.get_suptitle().count("\n") + 1
                                          if fig.get_suptitle() else 0))
    room = width - sides[0] - 24
    gap = max(sides[1:], default=0) + 24
    panel = (room - gap * (len(fig.axes) - 1)) / len(fig.axes)
    fig.subplots_adjust(left=sides[0] / width, right=1 - 24 / width, bottom=below / height,
                        top=1 - above / height, wspace=gap / panel)


def nice_limits(low, high):
    """Round axis limits that hold `low` and `high`."""
    ticks = MaxNLocator(nbins=5).tick_values(low, high)
    return float(ticks[0]), float(ticks[-1])


def bowl_limits(centre, *a_values):
    """Round limits for a, centred on `centre`, that hold every a given, with room."""
    reach = 1.1 * max(abs(a - centre) for a in a_values) or abs(centre) or 1.0
    return nice_limits(centre - reach, centre + reach)


def loss_limits(curve):
    """Limits for a loss axis that hold the curve, with room below 0 and above it."""
    top = 1.08 * np.max(curve)
    return -0.05 * top, top


def tangent_segment(state, half_width):
    """The tangent to the bowl at the state's a: the straight line through (a, loss) whose
    slope is the gradient, from a − half_width to a + half_width."""
    ends = np.array([state.a - half_width, state.a + half_width])
    return ends, state.loss + state.gradient * (ends - state.a)


def thinned(count, most=2000):
    """At most `most` indices from 0 to count − 1, evenly spread, first and last included."""
    return np.unique(np.linspace(0, count - 1, min(count, most)).round().astype(int))


def step_axis(ax, last):
    """An x axis of whole steps from 0 to `last`, in round strides: 0, 10, 20, never 2.5."""
    ax.set_xlim(0, max(last, 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=(1, 2, 5, 10)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _place: text(value, ",.0f")))
    ax.set_xlabel(_("step"))


def log_axis(ax, values, label):
    """A y axis on a log scale spanning the positive values, labelled 0.01, 1, 100; or a
    plain one where they span less than a factor of 10."""
    values = np.asarray(values)[np.isfinite(values) & (np.asarray(values) > 0)]
    if values.size and values.max() >= 10 * values.min():
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(numticks=8))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _place: text(value, ".6g")))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylim(values.min() / 1.5, values.max() * 1.5)
        label = _("{label} (log scale)").format(label=label)
    ax.set_ylabel(label)


# The measurements, the random start and the bowl

@picture("measurements.png", "the points measured, and the origin")
def measurements(fig, x, z):
    """The points, drawn over the origin's mark."""
    ax = fig.subplots()
    scatter(ax, x, z, 16)
    ax.plot(0, 0, "k+", markersize=14, markeredgewidth=2, label=_("the origin (0, 0)"))
    label_axes(ax)
    ax.set_title(_("The {count} measurements (x, z), and the origin").format(count=len(x)))
    legend_below(fig, 2)


def add_line(ax, x, fitted, words, **style):
    """The neuron's line across the points, from the smallest x to the largest; its two
    ends are where the lesson's outputs `fitted` are."""
    ends = [np.argmin(x), np.argmax(x)]
    return ax.plot(x[ends], fitted[ends], "k", label=words, **style)[0]


def add_errors(ax, x, z, fitted):
    """Each drawn point's error as a red segment, in one collection."""
    shown = sample(len(x))
    return ax.add_collection(LineCollection(segments(x[shown], z[shown], fitted[shown]),
                                            colors="C3", linewidths=1, label=_("errors")))


@picture("random_start.png", "the line of the random start, and each point's error as a red "
         "segment")
def random_start(fig, x, z, a, fitted):
    """The points, the line of the weight a (the neuron's outputs `fitted`) and its errors."""
    ax = fig.subplots()
    scatter(ax, x, z, 16)
    add_line(ax, x, fitted, _("the neuron's line z = {a}·x").format(a=text(a, ".4g")))
    add_errors(ax, x, z, fitted)
    label_axes(ax)
    ax.set_title(_("Random start a = {a}: each red segment is one point's error").format(
        a=text(a, ".4g")))
    legend_below(fig, 3)


@picture("loss_curve.png", "the loss for every a, a bowl, with tangents left of, at and "
         "right of the minimum")
def loss_curve(fig, x, z, tangents, curve_of):
    """The bowl through the lesson's `curve_of(a_values, x, z)` and the tangents of the
    three States: left of the minimum, at it and right of it."""
    ax, middle = fig.subplots(), tangents[1]
    limits = bowl_limits(middle.a, *(state.a for state in tangents))
    a_values = np.linspace(*limits, 200)
    curve = curve_of(a_values, x, z)
    ax.plot(a_values, curve, linewidth=3, label=_("loss(a)"))
    for state, color in zip(tangents, ("C2", "C1", "C3"), strict=True):
        where = (_("at the minimum a* = {a}: flat, slope 0") if state is middle else
                 _("left of a*, at a = {a}: slope {slope}") if state.a < middle.a else
                 _("right of a*, at a = {a}: slope {slope}"))
        ax.plot(*tangent_segment(state, TANGENT * (limits[1] - limits[0])), color=color,
                label=_("tangent {where}").format(where=where.format(
                    a=text(state.a, ".4g"), slope=text(state.gradient, "+.4g"))))
        ax.plot(state.a, state.loss, "o", color=color)
    ax.set(xlim=limits, ylim=loss_limits(curve), xlabel=_("a (the neuron's weight)"),
           ylabel=_("loss (mean squared error)"))
    ax.set_title(_("The loss is a bowl; its slope points away from the minimum"))
    legend_below(fig, 2)


# The training, animated; its panels are the explorer's too

class Scene(NamedTuple):
    """What moves with a: the neuron's line, its errors, the tangent and the point."""
    line: object
    errors: object
    tangent: object
    point: object


def view_of(x):
    """The points a moving picture draws, as indices: the smallest and largest x first
    (the ends of the line), then the sample drawn."""
    return np.r_[np.argmin(x), np.argmax(x), sample(len(x))]


def run_limits(weights):
    """Limits for a that show a whole run, centred where it settles."""
    finite = weights[np.isfinite(weights)]
    return bowl_limits((finite[-1] + finite[-2]) / 2 if len(finite) > 1 else finite[0],
                       finite.min(), finite.max())


def draw_panels(axes, x, z, at, curve_of, a_limits, weights):
    """Left the points, right the bowl over `a_limits`; the lines of the lesson's States
    `at(a)` at the smallest and the largest `weights` fit in. The Scene that moves."""
    ax_fit, ax_bowl = axes
    scatter(ax_fit, x, z, 12)
    lines = [at(a).fitted for a in (np.nanmin(weights), np.nanmax(weights))]
    line = add_line(ax_fit, x, lines[0], _("the neuron's line"), linewidth=2)
    errors = add_errors(ax_fit, x, z, lines[0])
    reach = np.r_[z, np.min(lines), np.max(lines)]
    pad = 0.05 * (np.ptp(reach) or 1.0)
    ax_fit.set_ylim(reach.min() - pad, reach.max() + pad)
    ax_fit.xaxis.set_major_locator(MaxNLocator(4))
    label_axes(ax_fit)
    a_values = np.linspace(*a_limits, 150)
    curve = curve_of(a_values, x, z)
    ax_bowl.plot(a_values, curve, linewidth=3, label=_("loss(a)"))
    tangent = ax_bowl.plot([], [], "C2", linewidth=2, label=_("tangent: its slope at a"))[0]
    point = ax_bowl.plot([], [], "r*", markersize=12, label=_("current a"))[0]
    ax_bowl.set(xlim=a_limits, ylim=loss_limits(curve), xlabel="a", ylabel=_("loss"))
    return Scene(line, errors, tangent, point)


def move(scene, x, z, state):
    """Move the line and the errors to the State's outputs (at the points of view_of, the
    line's ends first), and the point and its tangent to its a on the bowl."""
    scene.line.set_ydata(state.fitted[:2])
    scene.errors.set_segments(segments(x[2:], z[2:], state.fitted[2:]))
    low, high = scene.tangent.axes.get_xlim()
    scene.tangent.set_data(*tangent_segment(state, TANGENT * (high - low)))
    scene.point.set_data([state.a], [state.loss])


def readout(state, step):
    """The numbers under the title: the step, a, the loss, the slope and the next move."""
    return (_("{step}   a = {a}   loss = {loss}").format(step=step, a=text(state.a, ".4g"),
                                                          loss=text(state.loss, ".4g")),
            _("slope here = {slope}   next step −lr·slope = {move}").format(
                slope=text(state.gradient, ".4g"), move=text(state.move, "+.3g")))


def frame_steps(steps, frames):
    """At most `frames` steps to draw, 0 and the last included: every step if few enough;
    else spread both evenly and geometrically (dense at the start, where a moves most)."""
    if steps < frames:
        return np.arange(steps + 1)
    for count in range(frames, 1, -1):
        chosen = np.unique(np.r_[0, np.geomspace(1, steps, count),
                                 np.linspace(0, steps, count)].round().astype(int))
        if len(chosen) <= frames:
            return chosen
    return np.array([0, steps])


def palette_of(rgb):
    """A palette of the picture's commonest colours, exact (white stays white), no two in
    one of the cells 8 levels wide per channel that Pillow matches pixels by."""
    chosen, cells = [], set()
    for _count, color in sorted(rgb.getcolors(rgb.width * rgb.height), reverse=True):
        if len(cells) < 256 and (cell := tuple(level >> 3 for level in color)) not in cells:
            cells.add(cell)
            chosen.extend(color)
    palette = Image.new("P", (1, 1))
    palette.putpalette(chosen)
    return palette


class GifWriter(PillowWriter):
    """matplotlib's PillowWriter, given frames already drawn on the canvas: Pillow writes
    each frame's readout (`words`: its lines of text, a glyph cache faster than drawing
    text anew) and maps it onto the first frame's palette (Pillow would make a new one for
    each, slowly); the last frame is held longer."""

    def setup(self, fig, outfile, dpi=None):
        super().setup(fig, outfile, dpi)
        self.frames, self.words = [], []
        self.font = ImageFont.truetype(findfont("DejaVu Sans Mono"), round(10 * dpi / 72))

    def grab_frame(self, **savefig_kwargs):
        rgb = Image.frombuffer("RGBA", self.frame_size, self.fig.canvas.buffer_rgba(),
                               "raw", "RGBA", 0, 1).convert("RGB")
        pen = ImageDraw.Draw(rgb)
        for row, words in enumerate(self.words):
            pen.text((16, 6 + 19 * row), words, font=self.font, fill="black")
        if not self.frames:
            self.palette = palette_of(rgb)
        self.frames.append(rgb.quantize(palette=self.palette, dither=Image.Dither.NONE))

    def finish(self):
        durations = [FRAME_MS] * (len(self.frames) - 1) + [LAST_MS]
        # Given the palette, Pillow writes it once and compares frames by their palette
        # indices: the same pixels, a smaller file, in half the time.
        self.frames[0].save(self.outfile, format="GIF", save_all=True, loop=0,
                            append_images=self.frames[1:], duration=durations, optimize=True,
                            palette=self.palette.getpalette())


@animation("training.gif", "the training, a frame a step (up to --frames): the line and its "
           "errors, a on the bowl with its tangent, and each step's numbers")
def training_gif(path, x, z, history, state, curve_of):
    """The run's History as an animation: the line and its errors moving onto the points,
    and a rolling down the lesson's bowl, its tangent's slope the gradient."""
    fig = FigureCanvasAgg(Figure(figsize=SIZE, dpi=GIF_DPI)).figure
    view, lr = view_of(x), history.lr
    scene = draw_panels(fig.subplots(1, 2), x[view], z[view],
                        lambda a: state(a, x[view], z[view], lr), curve_of,
                        run_limits(history.weights), history.weights)
    scene.errors.set(antialiased=False, linewidth=0.9)  # one pixel: fewer colours, smaller
    legend_below(fig, 3)
    arrange(fig, above=48)  # the top: the readout
    for artist in scene:
        artist.set_animated(True)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    writer, steps = GifWriter(fps=1000 / FRAME_MS), len(history.weights) - 1
    with writer.saving(fig, path, dpi=GIF_DPI):
        for step in frame_steps(steps, program.Run.settings.frames):
            here = frame_state(state, x, z, view, history, step)
            move(scene, x[view], z[view], here)
            fig.canvas.restore_region(background)
            for artist in scene:
                fig.draw_artist(artist)
            writer.words = readout(here, _("step {step} of {steps}").format(
                step=text(step, ","), steps=text(steps, ",")))
            writer.grab_frame()


def frame_state(state, x, z, view, history, step):
    """The State after `step`, drawn at the viewed points, with the loss and slope that
    training computed over all of them (the lesson's state gives them at the last step)."""
    a, lr = history.weights[step], history.lr
    here = state(a, x[view], z[view], lr)
    if step < len(history.grads):
        slope = history.grads[step]
        return here._replace(loss=history.losses[step], gradient=slope, move=-lr * slope)
    whole = state(a, x, z, lr)
    return here._replace(loss=whole.loss, gradient=whole.gradient, move=whole.move)


# The learning curve and the learning rates

def curve_title(kind, c, closed, steps):
    """The learning curve's title: what this run did (`kind`), its c, and the share
    `closed` of the way to a* it covered in `steps` steps."""
    return {
        "diverging": _("Diverging: a swings further each step; the excess loss ×{factor} a "
                       "step"),
        "bouncing": _("Bouncing: a swings between two values; the excess loss stays"),
        "barely moving": _("Barely moving: {share}% of the way to a* in {steps}"),
        "overshooting but converging": _("Overshooting but converging: the excess loss "
                                         "×{factor} a step"),
        "converging": _("Converging: every step multiplies the excess loss by c² = {factor}"),
    }[kind].format(factor=text(c * c, ".3g"), share=text(100 * closed, ".2g"),
                   steps=program.steps_text(steps))


@picture("learning_curve.png", "how far the loss is from its lowest value at each step, and "
         "how far a is from the best a", WIDE)
def learning_curve(fig, excess, predicted, distance, title):
    """Left, the excess loss per step, with the line the lesson `predicted`; right, the
    distance |a − a*|, each step marked by the side of a* it is on."""
    ax, side = fig.subplots(1, 2, width_ratios=(3, 2))
    shown = thinned(len(excess))
    visible = excess[shown] > 1e-12 * excess[0]  # below: rounding noise
    ax.plot(shown, np.where(visible, excess[shown], np.nan), linewidth=4, alpha=0.6,
            label=_("this run: loss − loss(a*)"))
    ax.plot(shown, predicted[shown], "k--",
            label=_("predicted: (loss₀ − loss(a*))·c^(2·step)"))
    log_axis(ax, np.r_[excess[shown][visible], predicted[shown]],
             _("excess loss: loss − loss(a*)"))
    step_axis(ax, shown[-1])
    sizes = np.abs(distance[shown])
    side.plot(shown, np.where(sizes > 0, sizes, np.nan), color="gray", linewidth=1)
    for sign, marker, color, words in ((1, "^", "C1", _("|a − a*| with a above a*")),
                                       (-1, "v", "C0", _("|a − a*| with a below a*"))):
        mine = np.sign(distance[shown]) == sign
        if mine.any():
            side.plot(shown[mine], sizes[mine], marker, color=color, markersize=4,
                      linestyle="none", label=words)
    log_axis(side, sizes, "|a − a*|")
    step_axis(side, shown[-1])
    fig.suptitle(title)
    legend_below(fig, 2)


def kind_words(kind):
    """How a run went, in words: the lesson's run_kind."""
    return {"diverging": _("diverging"), "bouncing": _("bouncing"),
            "barely moving": _("barely moving"), "converging": _("converging"),
            "overshooting but converging": _("overshooting but converging")}[kind]


def shown_rates(rates, own, kept):
    """At most MOST_RATES of the rates tried, in increasing order: this run's `own`, the
    `kept` one, the smallest and the largest, then others spread evenly between."""
    rates = sorted(rates)
    wanted = [own, kept, rates[0], rates[-1]] + [rates[index] for index in np.linspace(
        0, len(rates) - 1, MOST_RATES).round().astype(int)]
    return sorted(dict.fromkeys(rate for rate in wanted if rate is not None))[:MOST_RATES]


@picture("learning_rates.png", "other learning rates tried from the same start, and the one "
         "kept")
def learning_rates(fig, runs, kept, bound, floor):
    """The loss per step for the rates tried: `runs` maps each, this run's own first, to
    (its losses, how it went, whether it blew up); `kept` is the rate kept (or None),
    `bound` the threshold N/Σx², `floor` loss(a*)."""
    ax, own = fig.subplots(), next(iter(runs))
    rates = shown_rates(list(runs), own, kept)
    for order, rate in enumerate(rates):
        curve, kind, blown = runs[rate]
        shown = thinned(len(curve))
        words = "lr = " + text(rate, ".3g") + (_(" (this run)") if rate == own else "") + \
            ": " + kind_words(kind) + (_("; kept: the lowest loss, never rising")
                                        if rate == kept else "")
        ax.plot(shown, curve[shown], linestyle=("-", "--", "-.", ":")[order % 4],
                linewidth=4.5 if rate == kept else 2, label=words)
        if blown:
            ax.plot(len(curve) - 1, curve[-2] if not np.isfinite(curve[-1]) else curve[-1],
                    "x", color="red", markersize=12, markeredgewidth=3, clip_on=False)
    ax.axhline(floor, color="gray", linestyle=":", label=_("the lowest loss, loss(a*)"))
    log_axis(ax, np.concatenate([*(runs[rate][0] for rate in rates), [floor]]), _("loss"))
    step_axis(ax, max(len(runs[rate][0]) for rate in rates) - 1)
    keeping = (_("keep {kept}").format(kept=text(kept, ".3g")) if kept is not None
               else _("none kept: no loss fell throughout"))
    ax.set_title(_("{count} rates tried √10 apart: {keeping}\n(the threshold N/Σx² is "
                   "{bound}; a red × is a run that blew up)").format(
                       count=len(runs), keeping=keeping, bound=text(bound, ".3g")))
    legend_below(fig, 1)


# Two weights

def grid(path, best, count=80, square=False):
    """A grid over (a, b) holding the whole path and the minimum; `square` gives both axes
    the same span."""
    a_all, b_all = np.r_[path[:, 0], best[0]], np.r_[path[:, 1], best[1]]
    spans = np.array([np.ptp(a_all) or 1.0, np.ptp(b_all) or 1.0])
    spans[:] = spans.max() if square else spans
    middles = (a_all.min() + a_all.max()) / 2, (b_all.min() + b_all.max()) / 2
    return np.meshgrid(*(np.linspace(middle - 0.65 * span, middle + 0.65 * span, count)
                         for middle, span in zip(middles, spans, strict=True)))


def contours(ax, x, z, descent, surface_of, end=None, steps=None, square=False):
    """The contour map of the lesson's `surface_of(a, b, x, z)` around the descent's path
    (its first `steps` steps, or all), with its start, its end and the minimum; labelled
    for the legend where `end` names the end."""
    path = descent.path[:None if steps is None else steps + 1]
    a_grid, b_grid = grid(path, descent.best, square=square)
    losses, floor = surface_of(a_grid, b_grid, x, z), surface_of(*descent.best, x, z)
    ax.contour(a_grid, b_grid, losses, cmap="viridis", linewidths=1,
               levels=floor + np.geomspace(1e-4, 1, 14) * (losses.max() - floor))
    path = path[thinned(len(path), 150)]
    words = ([_("descent path"), _("start (a₀, 0)"), end, _("minimum (a*, b*)")] if end
             else [None] * 4)
    ax.plot(*path.T, ".-", color="C3", markersize=3, label=words[0])
    ax.plot(*path[0], "o", color="k", label=words[1])
    ax.plot(*path[-1], "s", color="C3", label=words[2])
    ax.plot(*descent.best, "*", color="gold", markeredgecolor="k", markersize=14,
            label=words[3])
    ax.set(xlim=(a_grid.min(), a_grid.max()), ylim=(b_grid.min(), b_grid.max()),
           xlabel=_("a (slope)"), ylabel=_("b (offset)"))
    return path


def valley(ratio):
    """The valley's shape in words, from its curvatures' ratio."""
    if ratio < 3:
        return _("a nearly round bowl")
    return _("a valley {long}× longer than wide (curvatures {ratio}× apart)").format(
        long=text(np.sqrt(ratio), ".3g"), ratio=text(ratio, ".3g"))


@picture("two_weights.png", "a line with an offset, z = a·x + b: its loss over the plane "
         "(a, b), with the path of descent", WIDE)
def two_weights(fig, x, z, descent, surface_of):
    """Left the contour map of the lesson's `surface_of(a, b, x, z)`, right the surface in
    3-D; the descent's path on both."""
    flat = fig.add_subplot(1, 2, 1)
    path = contours(flat, x, z, descent, surface_of, _("after {steps}").format(
        steps=program.steps_text(len(descent.path) - 1)))
    flat.set_title(_("seen from above: its contours"))
    solid = fig.add_subplot(1, 2, 2, projection="3d")
    a_grid, b_grid = grid(descent.path, descent.best, count=30)
    solid.plot_surface(a_grid, b_grid, surface_of(a_grid, b_grid, x, z), cmap="viridis",
                       alpha=0.6, linewidth=0)
    solid.plot(*path.T, surface_of(path[:, 0], path[:, 1], x, z), color="C3", linewidth=2,
               zorder=5)
    solid.set(xlabel="a", ylabel="b", zlabel=_("loss"))
    for axis in (solid.xaxis, solid.yaxis, solid.zaxis):
        axis.set_major_locator(MaxNLocator(4))
    solid.set_title(_("as a surface"))
    fig.suptitle(_("Two weights: loss(a, b) is {shape}; lr = {rate}").format(
        shape=valley(descent.ratio), rate=text(descent.lr, ".4g")))
    legend_below(fig, 4)


@picture("scaling.png", "the same descent on the points as measured and on rescaled x", WIDE)
def scaling(fig, xs, z, descents, surface_of):
    """Side by side, descent on x as measured and on standardised x, each at its rate
    1/λmax: two square panels, so that a round bowl draws round."""
    names = (_("x as measured"), _("standardised x"))
    end = _("within 1% of the start's distance")
    for ax, x, descent, words in zip(fig.subplots(1, 2), xs, descents, names, strict=True):
        contours(ax, x, z, descent, surface_of, end if words == names[0] else None,
                 descent.reached, square=True)
        ax.set_aspect("equal", adjustable="box")
        reached = (program.steps_text(descent.reached) if descent.reached is not None else
                   _("over {steps}").format(steps=program.steps_text(len(descent.path) - 1)))
        ax.set_title(_("{name}: curvatures {ratio}× apart;\n{reached} to within 1% of the "
                       "start's distance").format(name=words, reached=reached,
                                                  ratio=text(descent.ratio, ".3g")))
    fig.axes[1].set_xlabel(_("a' (slope on standardised x)"))
    fig.suptitle(_("Scaling x: the same points, each version of x at the rate 1/λmax"))
    legend_below(fig, 4)


# The live explorer

class Explorer:
    """One window (or ipympl widget): drag a, step through training, change the rate; the
    fit and the bowl follow, redrawn by blitting."""

    def __init__(self, fig, lesson, history):
        self.fig, self.lesson, self.start = fig, lesson, history.weights[0]
        self.steps, self.view = min(len(history.weights) - 1, 1000), view_of(lesson.x)
        self.limits = run_limits(history.weights)
        x, z = lesson.x[self.view], lesson.z[self.view]
        self.scene = draw_panels((fig.add_axes((0.08, 0.42, 0.37, 0.46)),
                                  fig.add_axes((0.57, 0.42, 0.38, 0.46))), x, z,
                                 lambda a: lesson.state(a, x, z, 0.0), lesson.loss_curve,
                                 self.limits, np.array(self.limits))
        self.trail = self.scene.point.axes.plot([], [], ".", color="C1",
                                                label=_("weights visited"))[0]
        fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.34), ncols=6, fontsize="small")
        self.words = [fig.text(0.02, 0.98 - 0.04 * row, "", va="top",
                               family="DejaVu Sans Mono") for row in range(2)]
        self.sliders = [self.slider(0.22, "a", *self.limits, self.start),
                        self.slider(0.15, _("step"), 0, self.steps, 0, valstep=1),
                        self.slider(0.08, _("rate (log10)"), np.log10(min(1e-5, history.lr)),
                                    np.log10(max(2 * lesson.bound, history.lr)),
                                    np.log10(history.lr))]
        self.sliders[2].ax.axvline(np.log10(lesson.bound), color="red", linewidth=3)
        fig.text(0.5, 0.015, _("keys: ← → one step, r back to the start, q closes; the red "
                               "mark is N/Σx²"), ha="center", color="gray")
        self.connect()
        self.retrain(history.lr)

    def slider(self, y, label, low, high, start, **options):
        """A slider across the bottom."""
        from matplotlib.widgets import Slider
        return Slider(self.fig.add_axes((0.15, y, 0.6, 0.03)), label, low, high,
                      valinit=start, initcolor="none", **options)

    def connect(self):
        """Wire the sliders, the keys and blitting."""
        for slider, act in zip(self.sliders, (self.drag_a, self.go_to, self.slide_rate),
                               strict=True):
            slider.on_changed(act)
            slider.drawon = False
        canvas = self.fig.canvas
        if canvas.manager is not None:  # a window: its keys go through press, below
            canvas.mpl_disconnect(canvas.manager.key_press_handler_id)
        canvas.mpl_connect("key_press_event", self.press)
        self.moving = (*self.scene, self.trail, *self.words, *(s.ax for s in self.sliders))
        for artist in self.moving:
            artist.set_animated(True)
        self.background = None
        canvas.mpl_connect("draw_event", self.keep_background)

    def slide_rate(self, value):
        """The rate slider moved (it shows log10 of the rate)."""
        self.retrain(10.0 ** value)

    def retrain(self, lr):
        """Train from the same start at rate lr, up to where the loss blew up."""
        self.lr = lr
        history = self.lesson.train(self.start, self.lesson.x, self.lesson.z, lr, self.steps)
        whole = np.isfinite(history.losses) & np.isfinite(history.weights)
        self.weights = history.weights[np.logical_and.accumulate(whole)]
        self.losses = history.losses[:len(self.weights)]
        self.go_to(self.sliders[1].val)

    def go_to(self, value):
        """Show the weight after step `value` (a run that blew up stops at its last)."""
        self.step = min(int(value), len(self.weights) - 1)
        self.show(self.weights[self.step])

    def drag_a(self, value):
        """Show the weight the a slider was dragged to."""
        self.step = None
        self.show(value)

    def show(self, a):
        """Move everything to the weight a, widening the bowl's view where a left it."""
        self.a, state = a, self.lesson.state(a, self.lesson.x, self.lesson.z, self.lr)
        if not self.limits[0] <= a <= self.limits[1]:
            self.widen(a)
        viewed = self.lesson.state(a, self.lesson.x[self.view], self.lesson.z[self.view],
                                   self.lr)._replace(loss=state.loss, gradient=state.gradient)
        move(self.scene, self.lesson.x[self.view], self.lesson.z[self.view], viewed)
        shown = (self.step if self.step is not None else 0) + 1
        self.trail.set_data(self.weights[:shown], self.losses[:shown])
        where = (_("a set by hand") if self.step is None else
                 _("step {step} of {steps}").format(step=self.step, steps=self.steps))
        for line, words in zip(self.words, readout(state, where), strict=True):
            line.set_text(words)
        self.words[1].set_text(self.words[1].get_text() + "   lr = " + text(self.lr, ".3g")
                               + (_("   diverging: lr above N/Σx²")
                                  if self.lr > self.lesson.bound else ""))
        self.redraw()

    def widen(self, a):
        """Widen the bowl's view to hold a, and redraw the bowl over it."""
        self.limits = bowl_limits(sum(self.limits) / 2, *self.limits, a)
        ax = self.scene.point.axes
        a_values = np.linspace(*self.limits, 150)
        curve = self.lesson.loss_curve(a_values, self.lesson.x, self.lesson.z)
        ax.lines[0].set_data(a_values, curve)
        ax.set(xlim=self.limits, ylim=loss_limits(curve))
        self.background = None
        self.fig.canvas.draw_idle()

    def redraw(self):
        """Blit what moves over the kept background (or redraw the whole, before one is)."""
        canvas = self.fig.canvas
        if self.background is None or not canvas.supports_blit:
            canvas.draw_idle()
            return
        canvas.restore_region(self.background)
        for artist in self.moving:
            self.fig.draw_artist(artist)
        canvas.blit(self.fig.bbox)

    def keep_background(self, event):
        """After a full redraw: keep it without what moves, then draw what moves."""
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        for artist in self.moving:
            self.fig.draw_artist(artist)

    def press(self, event):
        """Keys: ← and → one step, r back to the start; others as in matplotlib (q)."""
        steps = {"left": self.sliders[1].val - 1, "right": self.sliders[1].val + 1, "r": 0}
        if event.key in steps:
            self.sliders[1].set_val(min(max(steps[event.key], 0), self.steps))
        elif self.fig.canvas.manager is not None:
            from matplotlib.backend_bases import key_press_handler
            key_press_handler(event, self.fig.canvas)


class Lesson(NamedTuple):
    """What the explorer needs from the lesson: the points, the threshold N/Σx², and the
    lesson's own state, loss_curve (the bowl) and train."""
    x: np.ndarray
    z: np.ndarray
    bound: float
    state: object
    loss_curve: object
    train: object


def explore(x, z, history, state, curve_of, train, bound):
    """Open the explorer on this run (its History) if EXPLORE or --explore asked for it;
    in a notebook otherwise, say how. Returns the Explorer, or None."""
    import importlib.util
    asked, notebook = program.Run.settings.explore, program.in_notebook()
    if notebook and importlib.util.find_spec("ipympl") is None:
        program.note(_("to explore live here, pip install ipympl, restart the kernel, set "
                       "EXPLORE = True and run all cells again"))
        return None
    if not asked:
        if notebook:
            program.note(_("to explore live here, set EXPLORE = True and run all cells "
                           "again"))
        return None
    if notebook:
        from IPython import get_ipython
        get_ipython().run_line_magic("matplotlib", "widget")
    fig = plt.figure(figsize=(10, 6.4), dpi=DPI)
    explorer = Explorer(fig, Lesson(x, z, bound, state, curve_of, train), history)
    plt.show()
    return explorer
