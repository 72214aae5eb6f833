"""Everything the lesson draws: its pictures, the training animation and the live explorer.

Each picture is a function registered with `@picture(file name, caption)`: it draws on the
figure it is given what regression_gd.py computed and handed it, and the registration
shows it (in a notebook), keeps it to be saved with the others at the end of the run, and
lists it in PICTURES, from which the tests, the page and the README's table read. Nothing
here computes the lesson's mathematics: for a weight a the lesson hands its own
`state(a, x, z, lr)` (the line at every x, the loss, the gradient, the next step's move),
and for the bowl or the surface its own functions giving the loss at many weights at once.
Only layout is decided here: sizes, limits, ticks, legends and titles. With --narrow, every
picture is drawn for a phone's screen: 480 pixels wide, its panels one above the other.
"""

import base64
import functools
import io
import textwrap
from collections import namedtuple
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker
from matplotlib.animation import PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from PIL import Image, ImageDraw, ImageFont

import program
from program import N_, _
from program import number_text as text  # a number in the language spoken

DPI, GIF_DPI = 100, 80  # pictures 640x480 pixels (960x480 with two panels); the GIF 512x384
# (with --narrow, every picture 480 pixels wide, the GIF 480x840 at 100 dpi)
FRAME_MS, LAST_MS = 200, 2000  # each GIF frame's time on screen, and the last one's
COLOURS = 127  # the GIF's colours, as few as it looks the same with, and one index more (127,
# in a table of 128) for the pixels a frame leaves as they were: quicker to save
MOST_DRAWN = 3000  # pictures draw at most this many points: a seeded sample of more
TANGENT = 0.15  # a tangent reaches this share of the bowl's width to each side
PICTURES = {}  # file name -> caption, in the lesson's order (filled by @picture)
plt.rcParams["text.hinting"] = "no_hinting"  # glyphs as drawn: as clear here, quicker (for
# every figure drawn after the lesson imports this module, a notebook's own ones too)


# Pictures: drawn, shown in a notebook, kept to be saved

def picture(name, caption, panels=1):
    """Register `draw(fig, *args)` as the picture `name` (a GIF: `draw(path, *args)`
    writes it) with its `caption` and its number of `panels`; calling it draws it, keeps
    it to be saved with the others, and shows it in a notebook."""
    PICTURES[name] = caption

    def register(draw):
        @functools.wraps(draw)
        def drawn(*args):
            gif = name.endswith(".gif")
            if gif and program.Run.settings.no_gif:
                return None
            fig = None if gif else new_figure(panels)
            with np.errstate(all="ignore"):  # ticks for numbers near 1e300 overflow, quietly
                if not gif:
                    draw(fig, *args)
                    arrange(fig)
                program.keep(name, lambda path: draw(path, *args) if gif else fig.savefig(
                    path, format="png", metadata={"Title": title_of(fig)},
                    pil_kwargs={"compress_level": 3}))  # nearly as small, and quicker
            if program.in_notebook():  # read back only to show it there
                show(Path(program.Run.waiting[name]).read_bytes(), name,
                     _(PICTURES[name]) if gif else title_of(fig))
            return fig if program.Run.settings.show else None
        return drawn
    return register


def new_figure(panels):
    """An empty figure for a picture of 1 or 2 panels (for a window too, with --show)."""
    size = (4.8, 4.2 * panels + 0.6) if program.Run.settings.narrow else (3.2 + 3.2 * panels, 4.8)
    return (plt.figure(figsize=size, dpi=DPI) if program.Run.settings.show
            else FigureCanvasAgg(Figure(figsize=size, dpi=DPI)).figure)


def panels(fig, **options):
    """The figure's two panels: side by side, or one above the other with --narrow."""
    if program.Run.settings.narrow:
        options["height_ratios"] = options.pop("width_ratios", None)
        return fig.subplots(2, 1, **options)
    return fig.subplots(1, 2, **options)


def title_of(fig):
    """A figure's title: its own, or its first panel's."""
    return fig.get_suptitle() or fig.axes[0].get_title()


def show(data, name, title):
    """Show a picture's bytes in Jupyter as an image whose data is in the output, not a
    link, with its name and title in the output's metadata (for the lesson's page)."""
    from IPython.display import display
    kind = "image/gif" if name.endswith(".gif") else "image/png"
    data = base64.b64encode(data).decode("ascii")
    display({kind: data, "text/html": f'<img src="data:{kind};base64,{data}" alt="{title}">'},
            raw=True, metadata={"picture": {"name": name, "title": title}})


def save():
    """Save every picture of the run together (see program.save_pictures); with --show,
    then open them in windows."""
    program.save_pictures(list(PICTURES))
    if program.Run.settings.show and not program.window_problem():
        plt.show()


# The pieces every picture is made of

def arrange(fig, above=None):
    """Place the panels, measuring once (a layout engine measures every label several
    times, the slowest part of a picture): room on the left and between the panels for
    their y labels, below for the x labels and the legend, above for the titles."""
    ticks(fig)
    renderer, width, height = fig.canvas.get_renderer(), fig.bbox.width, fig.bbox.height
    flat = [ax for ax in fig.axes if ax.name == "rectilinear"]
    columns = 1 if program.Run.settings.narrow else len(fig.axes)
    for ax in fig.axes:  # a title wider than its panel takes more lines
        ax.set_title(fitted(ax.get_title(), width / columns - 60, renderer, 12))
    for ax in flat:  # a y label longer than its panel's height, too
        ax.set_ylabel(fitted(ax.get_ylabel(), (height - 160) / (len(fig.axes) + 1 - columns),
                             renderer, ax.yaxis.label.get_fontsize()))
    if fig.get_suptitle():
        fig.suptitle(fitted(fig.get_suptitle(), width - 24, renderer, 12), y=1 - 6 / height)
    # before a draw, an axis's label sits where it started: its extent misses a few pixels
    sides = [ax.yaxis.get_tightbbox(renderer).width + 22 for ax in flat]
    legends = sum(legend.get_window_extent(renderer).height for legend in fig.legends)
    below = max(ax.xaxis.get_tightbbox(renderer).height for ax in flat) + 22 + legends
    line = 1.3 * 12 * fig.dpi / 72  # a title's line: 12 points
    titles = [ax.get_title().count("\n") + 1 for ax in fig.axes if ax.get_title()] or [0]
    suptitle = fig.get_suptitle().count("\n") + 1 if fig.get_suptitle() else 0
    stacked = program.Run.settings.narrow and len(fig.axes) > 1
    title = titles[0 if stacked else np.argmax(titles)]  # the top panel's, or the tallest
    above = above or 8 + line * (suptitle + title) + 10 * (title > 0)  # its pad: 10 pixels
    gap = 24 + (below - legends + line * max(titles) if stacked else max(sides[1:] or [0]))
    room = (height - above - below) if stacked else (width - sides[0] - 24)
    share = gap / ((room - gap * (len(fig.axes) - 1)) / len(fig.axes))
    fig.subplots_adjust(left=sides[0] / width, right=1 - 24 / width, bottom=below / height,
                        top=1 - above / height, wspace=share, hspace=share)


def ticks(fig):
    """At most six strides (seven ticks) on each axis of the figure left to matplotlib's
    choice (fewer: quicker), their plain labels (0.0015, 1e-06; up to 10 digits, for ticks
    close together) written in the language spoken."""
    for axis in [axis for ax in fig.axes for axis in (ax.xaxis, ax.yaxis,
                                                      getattr(ax, "zaxis", ax.xaxis))]:
        if isinstance(axis.get_major_locator(), ticker.AutoLocator):
            axis.set_major_locator(ticker.MaxNLocator(6, steps=(1, 2, 2.5, 5, 10)))
        if isinstance(axis.get_major_formatter(), ticker.ScalarFormatter):
            axis.set_major_formatter(lambda value, _place: text(value + 0.0, ".10g"))


def fitted(words, room, renderer, size):
    """`words` in lines no wider than `room` pixels at `size` points, broken at spaces."""
    lines, font = [], FontProperties(size=size)
    for line in words.split("\n"):
        wide = renderer.get_text_width_height_descent(line, font, ismath=False)[0]
        lines += textwrap.wrap(line, int(0.93 * len(line) * room / wide)) if wide > room else [line]
    return "\n".join(lines)


def label_axes(ax):
    """Label a panel of points with the data's names (drawn as they read, with no
    mathematics), or the lesson's own."""
    names = program.Run.names or (_("x (input)"), _("z (measured output)"))
    ax.set_xlabel(names[0], parse_math=False)
    ax.set_ylabel(names[1], parse_math=False)


def sample(count):
    """Which of `count` points a picture draws, in order: all, or a seeded MOST_DRAWN of them."""
    return np.sort(np.random.default_rng(0).choice(count, min(count, MOST_DRAWN), replace=False))


def scatter(ax, x, z, size):
    """The points (a sample of them, where there are many), labelled for the legend."""
    shown = sample(len(x))
    ax.scatter(x[shown], z[shown], s=size, zorder=3, label=_("measurements") if len(x)
               <= MOST_DRAWN else _("{drawn} of the {count} points (random)").format(
                   drawn=text(MOST_DRAWN, ","), count=text(len(x), ",")))


def legend_below(fig, columns):
    """The figure's legend at its foot, in at most `columns` columns: fewer where a row
    would be wider than the picture (one, in a phone's larger type, with --narrow)."""
    narrow = program.Run.settings.narrow
    for ncols in range(1 if narrow else columns, 0, -1):
        legend = fig.legend(loc="lower center", ncols=ncols, bbox_to_anchor=(0.5, 0.005),
                            fontsize="medium" if narrow else "small")
        fits = legend.get_window_extent().width <= 0.98 * fig.bbox.width
        for words in legend.get_texts() if ncols == 1 and not fits else []:  # long entries
            words.set_text(fitted(words.get_text(), 0.98 * fig.bbox.width - 70,  # two lines
                                  fig.canvas.get_renderer(), words.get_fontsize()))
        if fits or ncols == 1:
            return legend
        legend.remove()


def bowl_limits(centre, *a_values):
    """Round limits for a, centred on `centre`, that hold every a given, with room."""
    reach = 1.1 * max(abs(a - centre) for a in a_values) or abs(centre) or 1.0
    rounded = ticker.MaxNLocator(nbins=5).tick_values(centre - reach, centre + reach)
    return float(rounded[0]), float(rounded[-1])


def bowl(ax, limits, curve_of, x, z):
    """The lesson's bowl `curve_of(a_values, x, z)` at 200 a's across `limits`, as (a's,
    losses) for the caller to draw; the panel `ax` is set to span them, with room below
    0 and above the top."""
    a_values = np.linspace(*limits, 200)
    curve = curve_of(a_values, x, z)
    ax.set(xlim=limits, ylim=(-0.05 * 1.08 * np.max(curve), 1.08 * np.max(curve)))
    return a_values, curve


def tangent_segment(state, half_width):
    """The tangent to the bowl at the state's a: the straight line through (a, loss) whose
    slope is the gradient, from a − half_width to a + half_width."""
    ends = np.array([state.a - half_width, state.a + half_width])
    return ends, state.loss + state.gradient * (ends - state.a)


def thinned(count, most=2000):
    """At most `most` indices from 0 to count − 1, evenly spread, first and last included."""
    return np.unique(np.linspace(0, count - 1, min(count, most)).round().astype(int))


def step_axis(ax, last):
    """An x axis of whole steps from 0 to `last`, in round strides (0, 20, 40 or 0, 25, 50;
    never 2.5), fewer where the numbers are long (0, 1,000, 2,000), so that none touch."""
    ax.set_xlim(0, max(last, 1))
    ax.xaxis.set_major_locator(ticker.MaxNLocator(min(10, 28 // len(text(last, ",.0f"))),
                                                  integer=True, steps=(1, 2, 2.5, 5, 10)))
    ax.xaxis.set_major_formatter(lambda value, _place: text(value, ",.0f"))
    ax.set_xlabel(_("step"))


def log_axis(ax, values, label):
    """A y axis on a log scale spanning the positive values, labelled 0.01, 1, 100; or a
    plain one where they span less than a factor of 10."""
    values = np.asarray(values)[np.isfinite(values) & (np.asarray(values) > 0)]
    if values.size and values.max() >= 10 * values.min():
        ax.set(yscale="log", ylim=(values.min() / 1.5, values.max() * 1.5))
        ax.yaxis.set_major_locator(ticker.LogLocator(numticks=8, subs=(1, 2, 5) if values.max()
                                                     < 1000 * values.min() else (1,)))  # 1, 2, 5
        ax.yaxis.set_major_formatter(lambda value, _place: text(value, ".6g"))
        ax.yaxis.set_minor_locator(ticker.NullLocator())
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
    """The neuron's line across the points, through its outputs `fitted` at the smallest
    and the largest x."""
    ends = [np.argmin(x), np.argmax(x)]
    return ax.plot(x[ends], fitted[ends], "k", label=words, **style)[0]


def segments(x, z, fitted):
    """One vertical segment per point, from the measurement z to the neuron's output."""
    return np.stack([np.column_stack([x, z]), np.column_stack([x, fitted])], axis=1)


def add_errors(ax, x, z, fitted):
    """Each drawn point's error as a red segment, in one collection."""
    shown = sample(len(x))
    return ax.add_collection(LineCollection(segments(x[shown], z[shown], fitted[shown]),
                                            colors="C3", linewidths=1, label=_("errors")))


def line_and_errors(fig, x, z, a, fitted, title):
    """The points, the line of the weight a (the neuron's outputs `fitted`) and each
    point's error, under `title`."""
    ax = fig.subplots()
    scatter(ax, x, z, 16)
    add_line(ax, x, fitted, _("the neuron's line z = {a}·x").format(a=text(a, ".4g")))
    add_errors(ax, x, z, fitted)
    label_axes(ax)
    ax.set_title(title)
    legend_below(fig, 3)


@picture("random_start.png", "the line of the random start, and each point's error as a red "
         "segment")
def random_start(fig, x, z, a, fitted):
    """The line of the random start a (the neuron's outputs `fitted`) and its errors."""
    line_and_errors(fig, x, z, a, fitted, _("Random start a = {a}: each red segment is one "
                                           "point's error").format(a=text(a, ".4g")))


def guess(x, z, a, fitted, loss):
    """The learner's guess a: its line, its errors and its `loss`, shown in a notebook
    (not saved); a script run shows nothing."""
    if program.in_notebook():
        fig = new_figure(1)
        line_and_errors(fig, x, z, a, fitted, _("Your guess a = {a}: loss {loss}").format(
            a=text(a, ".4g"), loss=text(loss, ".4g")))
        arrange(fig)
        data = io.BytesIO()
        fig.savefig(data, format="png")
        show(data.getvalue(), "", title_of(fig))


@picture("loss_curve.png", "the loss for every a, a bowl, with tangents left of, at and "
         "right of the minimum")
def loss_curve(fig, x, z, tangents, curve_of):
    """The bowl through the lesson's `curve_of(a_values, x, z)` and the tangents of the
    three States: left of the minimum, at it and right of it."""
    ax, middle = fig.subplots(), tangents[1]
    limits = bowl_limits(middle.a, *(state.a for state in tangents))
    ax.plot(*bowl(ax, limits, curve_of, x, z), linewidth=3, label=_("loss(a)"))
    for state, color in zip(tangents, ("C2", "C1", "C3"), strict=True):
        where = (_("at the minimum a* = {a}: flat, slope 0") if state is middle else
                 _("left of a*, at a = {a}: slope {slope}") if state.a < middle.a else
                 _("right of a*, at a = {a}: slope {slope}"))
        ax.plot(*tangent_segment(state, TANGENT * (limits[1] - limits[0])), color=color,
                label=_("tangent {where}").format(where=where.format(
                    a=text(state.a, ".4g"), slope=text(state.gradient, "+.4g"))))
        ax.plot(state.a, state.loss, "o", color=color)
    ax.set(xlabel=_("a (the neuron's weight)"), ylabel=_("loss (mean squared error)"))
    ax.set_title(_("The loss is a bowl; its slope points away from the minimum"))
    legend_below(fig, 2)


# The training, animated; its panels are the explorer's too

class Scene(namedtuple("Scene", "line errors tangent point")):
    """What moves with a: the neuron's line, its errors, the tangent and the point."""


def view_of(x):
    """The points a moving picture draws, as indices: the smallest and largest x first
    (the ends of the line), then the sample drawn."""
    return np.r_[np.argmin(x), np.argmax(x), sample(len(x))]


def run_limits(weights):
    """Limits for a that show a whole run, centred where it settles."""
    finite = weights[np.isfinite(weights)]
    return bowl_limits(finite[-2:].mean(), finite.min(), finite.max())


def draw_panels(axes, x, z, state, curve_of, a_limits, weights):
    """Left the points, right the lesson's bowl `curve_of(a_values, x, z)` over `a_limits`;
    the lines of the lesson's `state(a, x, z, lr)` at the smallest and the largest `weights`
    fit in. The Scene that moves."""
    ax_fit, ax_bowl = axes
    scatter(ax_fit, x, z, 12)
    lines = [state(a, x, z, 0.0).fitted for a in (np.nanmin(weights), np.nanmax(weights))]
    line = add_line(ax_fit, x, lines[0], _("the neuron's line"), linewidth=2)
    reach = np.r_[z, np.min(lines), np.max(lines)]
    pad = 0.05 * (np.ptp(reach) or 1.0)
    ax_fit.set_ylim(reach.min() - pad, reach.max() + pad)
    ax_fit.xaxis.set_major_locator(ticker.MaxNLocator(4, steps=(1, 2, 5, 10)))  # 0, 5, 10
    label_axes(ax_fit)
    ax_bowl.plot(*bowl(ax_bowl, a_limits, curve_of, x, z), linewidth=3, label=_("loss(a)"))
    ax_bowl.set(xlabel="a", ylabel=_("loss"))
    return Scene(line, add_errors(ax_fit, x, z, lines[0]),
                 ax_bowl.plot([], [], "C2", linewidth=2, label=_("tangent: its slope at a"))[0],
                 ax_bowl.plot([], [], "r*", markersize=12, label=_("current a"))[0])


def viewed(state, a, x, z, view, lr):
    """The lesson's State at a: its line at the points drawn (`view`), its numbers over all
    the points."""
    whole = state(a, x, z, lr)
    return whole._replace(fitted=whole.fitted[view])


def move(scene, x, z, state):
    """Move the line and the errors to the State's outputs (at the points of view_of, the
    line's ends first), and the point and its tangent to its a on the bowl."""
    scene.line.set_ydata(state.fitted[:2])
    scene.errors.set_segments(segments(x[2:], z[2:], state.fitted[2:]))
    low, high = scene.tangent.axes.get_xlim()
    scene.tangent.set_data(*tangent_segment(state, TANGENT * (high - low)))
    scene.point.set_data([state.a], [state.loss])


def readout(state, step, steps):
    """The numbers above the panels: the step of `steps` (None: a set by hand), a, the
    loss, the slope and the next move."""
    where = _("a set by hand") if step is None else _("step {step} of {steps}").format(
        step=text(step, ","), steps=text(steps, ","))
    return (_("{step}   a = {a}   loss = {loss}").format(step=where, a=text(state.a, ".4g"),
                                                          loss=text(state.loss, ".4g")),
            _("slope here = {slope}   next step −lr·slope = {move}").format(
                slope=text(state.gradient, ".4g"), move=text(state.move, "+.3g")))


def frame_steps(steps, frames):
    """At most `frames` steps to draw, 0 and the last included: every step if few enough;
    else spread both evenly and geometrically (dense at the start, where a moves most)."""
    for count in range(frames, 1, -1):
        chosen = np.unique(np.r_[0, np.geomspace(1, max(steps, 1), count),
                                 np.linspace(0, steps, count)].round().astype(int))
        if len(chosen) <= frames:
            return chosen
    return np.array([0, steps])


def palette_of(rgb):
    """A palette of the picture's commonest colours, COLOURS of them, no two in one cube 8
    levels wide per channel (closer ones get mixed up when Pillow maps pixels onto the
    palette: so, 95% of a default run's pixels keep their exact colour, white included);
    one index more, never drawn with, marks the pixels a frame leaves as they were."""
    chosen, cells = [], set()
    for _count, color in sorted(rgb.getcolors(rgb.width * rgb.height), reverse=True):
        if len(cells) < COLOURS and (cell := tuple(level >> 3 for level in color)) not in cells:
            cells.add(cell)
            chosen.extend(color)
    palette = Image.new("P", (1, 1))
    palette.putpalette(chosen + chosen[:3] * (COLOURS + 1 - len(cells)))  # the last: unused
    return palette


class GifWriter(PillowWriter):
    """matplotlib's PillowWriter, given frames already drawn on the canvas: Pillow writes
    each frame's readout (`words`, quicker than matplotlib's text) and maps the frame onto
    the first frame's palette (Pillow would make a new one for each, slowly); the last
    frame is held longer."""

    def setup(self, fig, outfile, dpi=None):
        super().setup(fig, outfile, dpi)
        self.frames = []
        # 10 points at the GIF's 80 dpi, on a phone's frame too: a readout fits 480 pixels
        self.font = ImageFont.truetype(findfont("DejaVu Sans Mono"), round(10 * GIF_DPI / 72))

    def grab_frame(self, words="", **savefig_kwargs):
        rgb = Image.fromarray(np.asarray(self.fig.canvas.buffer_rgba())).convert("RGB")
        ImageDraw.Draw(rgb).text((16, 6), words, font=self.font, fill="black", spacing=8)
        self.palette = self.palette if self.frames else palette_of(rgb)
        self.frames.append(rgb.quantize(palette=self.palette, dither=Image.Dither.NONE))

    def finish(self):
        # Given the palette, Pillow writes it once and compares frames by their palette
        # indices (the same pixels, a smaller file, in half the time); given the index of
        # pixels left as they were (COLOURS: the one after the colours), it need not look
        # for one in every frame.
        self.frames[0].save(self.outfile, format="GIF", save_all=True, loop=0, optimize=True,
                            append_images=self.frames[1:], palette=self.palette.getpalette(),
                            transparency=COLOURS,
                            duration=[FRAME_MS] * (len(self.frames) - 1) + [LAST_MS])


@picture("training.gif", "the training, a frame a step (up to --frames): the line and its "
         "errors, a on the bowl with its tangent, and each step's numbers")
def training_gif(path, x, z, history, state, curve_of):
    """The run's History as an animation: the line and its errors moving onto the points,
    and a rolling down the lesson's bowl, its tangent's slope the gradient."""
    narrow = program.Run.settings.narrow  # for a phone: 480 pixels wide, the panels stacked
    fig = FigureCanvasAgg(Figure(figsize=(4.8, 8.4) if narrow else (6.4, 4.8),
                                 dpi=DPI if narrow else GIF_DPI)).figure
    view, lr, steps = view_of(x), history.lr, len(history.weights) - 1
    scene = draw_panels(panels(fig), x, z, state, curve_of, run_limits(history.weights),
                        history.weights)
    scene.errors.set(antialiased=False, linewidth=72 / fig.dpi)  # a pixel: fewer colours
    legend_below(fig, 3)
    arrange(fig, above=48)  # the top: the readout
    plt.setp(scene, animated=True)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    writer = GifWriter(fps=1000 / FRAME_MS)
    with writer.saving(fig, path, dpi=fig.dpi):
        for step in frame_steps(steps, program.Run.settings.frames):
            here = viewed(state, history.weights[step], x, z, view, lr)
            move(scene, x[view], z[view], here)
            fig.canvas.restore_region(background)
            for artist in scene:
                fig.draw_artist(artist)
            writer.grab_frame(words="\n".join(readout(here, step, steps)))


# The learning curve and the learning rates

# How a run went (the lesson's run_kind), in words
KINDS = {"diverging": N_("diverging"), "bouncing": N_("bouncing"), "converging":
         N_("converging"), "barely moving": N_("barely moving"),
         "overshooting but converging": N_("overshooting but converging")}


@picture("learning_curve.png", "how far the loss is from its lowest value at each step, and "
         "how far a is from the best a", 2)
def learning_curve(fig, excess, predicted, distance, run):
    """The excess loss per step, with the line the lesson `predicted`; and the distance
    |a − a*|, each step marked by the side of a* it is on. `run`: (how it went, its c, the
    share of the way to a* it covered)."""
    ax, side = panels(fig, width_ratios=(3, 2))
    shown = thinned(len(excess))  # the steps drawn, the last included
    excess, predicted, distance = excess[shown], predicted[shown], distance[shown]
    noise = 1e-12 * excess[0]  # below it, rounding noise: not drawn
    excess, predicted = (np.where(curve > noise, curve, np.nan) for curve in (excess, predicted))
    ax.plot(shown, excess, linewidth=4, alpha=0.6, label=_("this run: loss − loss(a*)"))
    ax.plot(shown, predicted, "k--", label=_("predicted: (loss₀ − loss(a*))·c^(2·step)"))
    log_axis(ax, np.r_[excess, predicted], _("excess loss: loss − loss(a*)"))
    sizes = np.where(abs(distance) > 1e-12 * abs(distance[0]), abs(distance), np.nan)
    side.plot(shown, sizes, color="gray", linewidth=1)
    for sign, marker, color, words in ((1, "^", "C1", _("|a − a*| with a above a*")),
                                       (-1, "v", "C0", _("|a − a*| with a below a*"))):
        mine = np.sign(distance) == sign
        if mine.any():
            side.plot(shown[mine], sizes[mine], marker, color=color, markersize=4,
                      linestyle="none", label=words)
    log_axis(side, sizes, "|a − a*|")
    for panel in (ax, side):
        step_axis(panel, shown[-1])
    kind, c, closed = run
    way = (_("{share}% of the way to a* in {steps}") if closed >= 0 else
           _("{times}× as far from a* as at the start after {steps}"))
    fig.suptitle(_("{kind}: every step multiplies the excess loss by c² = {factor}; {way}")
                 .format(kind=_(KINDS[kind]).capitalize(), factor=text(c * c, ".3g"),
                         way=way.format(share=text(100 * closed, ".3g"),
                                        times=text(1 - closed, ".3g"),
                                        steps=program.steps_text(shown[-1]))))
    legend_below(fig, 2)


@picture("learning_rates.png", "other learning rates tried from the same start, and the one "
         "kept")
def learning_rates(fig, runs, kept, bound, floor):
    """The loss per step for the rates tried: `runs` maps each, this run's own first, to
    (its losses, how it went, whether it blew up); `kept` is the rate kept (or None),
    `bound` the threshold N/Σx², `floor` loss(a*). At most six curves."""
    ax, own, tried = fig.subplots(), next(iter(runs)), sorted(runs)
    spread = [tried[index] for index in np.linspace(0, len(tried) - 1, 6).round().astype(int)]
    rates = sorted(list(dict.fromkeys(rate for rate in (own, kept, *spread) if rate))[:6])
    for order, rate in enumerate(rates):
        curve, kind, blown = runs[rate]
        words = (f"lr = {text(rate, '.3g')}" + (_(" (this run)") if rate == own else "")
                 + f": {_(KINDS[kind])}" + (_("; kept: the lowest loss, never rising")
                                              if rate == kept else ""))
        ax.plot(thinned(len(curve)), curve[thinned(len(curve))], label=words,
                linestyle=("-", "--", "-.", ":")[order % 4], linewidth=4.5 if rate == kept else 2)
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

def grid(path, best, count=160, square=False):
    """A grid over (a, b) holding the whole path and the minimum; `square` gives both axes
    the same span."""
    points = np.vstack([path, best])
    low, high = points.min(axis=0), points.max(axis=0)
    spans = np.where(high > low, high - low, 1.0)
    reach, middles = 0.65 * (spans.max() if square else spans), (low + high) / 2
    return np.meshgrid(*np.linspace(middles - reach, middles + reach, count).T)


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
    words = [_("descent path"), _("start (a₀, 0)"), end, _("minimum (a*, b*)")]
    for points, style, color, label in zip((path.T, path[0], path[-1], descent.best),
                                           (".-", "o", "s", "*"), ("C3", "k", "C3", "gold"),
                                           words if end else [None] * 4, strict=True):
        ax.plot(*points, style, color=color, label=label, markersize={".-": 3, "*": 14}.get(
            style, 6), markeredgecolor="k" if style == "*" else None)
    ax.set(xlim=(a_grid.min(), a_grid.max()), ylim=(b_grid.min(), b_grid.max()),
           xlabel=_("a (slope)"), ylabel=_("b (offset)"))
    return path


@picture("two_weights.png", "a line with an offset, z = a·x + b: its loss over the plane "
         "(a, b), with the path of descent", 2)
def two_weights(fig, x, z, descent, surface_of):
    """The contour map of the lesson's `surface_of(a, b, x, z)`, and the surface in 3-D;
    the descent's path on both."""
    rows, columns = (2, 1) if program.Run.settings.narrow else (1, 2)
    flat = fig.add_subplot(rows, columns, 1, title=_("seen from above: its contours"))
    path = contours(flat, x, z, descent, surface_of, _("after {steps}").format(
        steps=program.steps_text(len(descent.path) - 1)))
    solid = fig.add_subplot(rows, columns, 2, projection="3d",
                            title=_("the loss as a surface"))  # no z label: no room
    a_grid, b_grid = grid(descent.path, descent.best, count=30)
    solid.plot_surface(a_grid, b_grid, surface_of(a_grid, b_grid, x, z), cmap="viridis",
                       alpha=0.6, linewidth=0)
    solid.plot(*path.T, surface_of(path[:, 0], path[:, 1], x, z), color="C3", linewidth=2)
    solid.set(xlabel="a", ylabel="b")
    solid.set_box_aspect(None, zoom=0.85)  # room for the labels around it
    shape = (_("a nearly round bowl") if descent.ratio < 3 else
             _("a valley {long}× longer than wide (curvatures {ratio}× apart)").format(
                 long=text(np.sqrt(descent.ratio), ".3g"), ratio=text(descent.ratio, ".3g")))
    fig.suptitle(_("Two weights: loss(a, b) is {shape}; lr = {rate}").format(
        shape=shape, rate=text(descent.lr, ".4g")))
    legend_below(fig, 4)


@picture("scaling.png", "the same descent on the points as measured and on rescaled x", 2)
def scaling(fig, xs, z, descents, surface_of):
    """Descent on x as measured and on standardised x, each at its rate 1/λmax: two square
    panels, so that a round bowl draws round."""
    names = (_("x as measured"), _("standardised x"))
    for ax, x, descent, words in zip(panels(fig), xs, descents, names, strict=True):
        steps = program.steps_text(len(descent.path) - 1)
        end = (_("within 1% of the start's distance") if descent.reached is not None else
               _("after {steps}").format(steps=steps))  # the square: where the path ends
        contours(ax, x, z, descent, surface_of, end if words == names[0] else None,
                 descent.reached, square=True)
        ax.set_aspect("equal", adjustable="box")
        reached = (program.steps_text(descent.reached) if descent.reached is not None else
                   _("over {steps}").format(steps=steps))
        ax.set_title(_("{name}: curvatures {ratio}× apart;\n{reached} to within 1% of the "
                       "start's distance").format(name=words, reached=reached,
                                                  ratio=text(descent.ratio, ".3g")))
    fig.axes[1].set_xlabel(_("a' (slope on standardised x)"))
    fig.suptitle(_("Scaling x: the same points, each version of x at the rate 1/λmax"))
    legend_below(fig, 4)


# The live explorer

class Explorer:
    """One window (or ipympl widget): drag a, step through training (or play it), change
    the rate; the fit and the bowl follow, redrawn by blitting. `lesson` holds the points,
    the threshold N/Σx² and the lesson's own state, loss_curve and train."""

    def __init__(self, fig, lesson, history):
        from matplotlib.widgets import Button, Slider
        self.fig, self.lesson, self.start = fig, lesson, history.weights[0]
        self.steps, self.view = min(len(history.weights) - 1, 1000), view_of(lesson.x)
        self.limits = run_limits(history.weights)
        self.scene = draw_panels((fig.add_axes((0.08, 0.42, 0.37, 0.46)),
                                  fig.add_axes((0.57, 0.42, 0.38, 0.46))), lesson.x, lesson.z,
                                 lesson.state, lesson.loss_curve, self.limits, self.limits)
        ticks(fig)
        fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.34), ncols=6, fontsize="small")
        fig.text(0.5, 0.015, _("keys: space plays, ← → one step, r back to the start, q "
                               "closes; the red mark is N/Σx²"), ha="center", color="gray")
        self.words = fig.text(0.02, 0.98, "", va="top", family="DejaVu Sans Mono", linespacing=1.8)
        rate, top = np.log10(history.lr), max(np.log10(2 * lesson.bound), np.log10(history.lr))
        # no value beside a slider ("%.0s"): the readout above gives each, in the lesson's words
        self.sliders = [Slider(fig.add_axes((0.15, y, 0.6, 0.03)), label, low, high,
                               valinit=start, initcolor="none", valstep=step, valfmt="%.0s")
                        for y, label, low, high, start, step in (
                            (0.22, "a", *self.limits, self.start, None),
                            (0.15, _("step"), 0, self.steps, 0, 1),
                            (0.08, _("rate (log10)"), min(-5, rate), top, rate, None))]
        for slider, act in zip(self.sliders, (self.show, self.go_to, self.retrain), strict=True):
            slider.on_changed(act)
            slider.drawon = False
        self.sliders[2].ax.axvline(np.log10(lesson.bound), color="red", linewidth=3)
        self.button = Button(fig.add_axes((0.83, 0.08, 0.1, 0.17)), _("play"))
        self.button.on_clicked(lambda _event: self.play())
        self.timer = fig.canvas.new_timer(interval=150, callbacks=[(self.advance, (), {})])
        self.playing = False
        if fig.canvas.manager is not None:  # a window's keys all go through press, below
            fig.canvas.mpl_disconnect(fig.canvas.manager.key_press_handler_id)
        fig.canvas.mpl_connect("key_press_event", self.press)
        self.moving = (*self.scene, self.words, self.button.ax,  # blitting: what moves is
                       *(slider.ax for slider in self.sliders))  # drawn over a background
        plt.setp(self.moving, animated=True)  # kept after each full redraw
        self.background = None
        fig.canvas.mpl_connect("draw_event", lambda _event: self.redraw(keep=True))
        self.retrain(rate)

    def retrain(self, log_rate):
        """Train from the same start at the rate 10^log_rate, up to where the loss blew up."""
        self.lr = 10.0 ** log_rate
        history = self.lesson.train(self.start, self.lesson.x, self.lesson.z, self.lr, self.steps)
        whole = np.isfinite(history.losses) & np.isfinite(history.weights)
        self.weights = history.weights[np.logical_and.accumulate(whole)]
        self.go_to(self.sliders[1].val)

    def go_to(self, value):
        """Show the weight after step `value` (a run that blew up stops at its last)."""
        self.step = min(int(value), len(self.weights) - 1)
        self.show(self.weights[self.step], self.step)

    def show(self, a, step=None):
        """Move everything to the weight a (after `step`, or set by hand), widening the
        bowl's view to hold it."""
        lesson = self.lesson
        if not self.limits[0] <= a <= self.limits[1]:
            self.limits = bowl_limits(sum(self.limits) / 2, *self.limits, a)
            ax = self.scene.point.axes
            ax.lines[0].set_data(*bowl(ax, self.limits, lesson.loss_curve, lesson.x, lesson.z))
            self.background = None
        state = viewed(lesson.state, a, lesson.x, lesson.z, self.view, self.lr)
        move(self.scene, lesson.x[self.view], lesson.z[self.view], state)
        rate = f"   lr = {text(self.lr, '.3g')}" + (_("   diverging: lr above N/Σx²")
                                                      if self.lr > lesson.bound else "")
        self.words.set_text("\n".join(readout(state, step, self.steps)) + rate)
        self.redraw()

    def redraw(self, keep=False):
        """Draw what moves over the kept background (after a full redraw, `keep` it
        first), or redraw the whole figure where there is none yet."""
        canvas = self.fig.canvas
        if keep:
            self.background = canvas.copy_from_bbox(self.fig.bbox)
        elif self.background is None or not canvas.supports_blit:
            return canvas.draw_idle()
        canvas.restore_region(self.background)
        for artist in self.moving:
            self.fig.draw_artist(artist)
        if not keep:
            canvas.blit(self.fig.bbox)

    def play(self):
        """Start or stop stepping through the run."""
        self.playing = not self.playing
        self.button.label.set_text(_("pause") if self.playing else _("play"))
        (self.timer.start if self.playing else self.timer.stop)()
        self.redraw()

    def advance(self):
        """One step forward while playing; stop at the end of the run."""
        if self.step < min(len(self.weights) - 1, self.steps):
            self.sliders[1].set_val(self.step + 1)
        elif self.playing:
            self.play()

    def press(self, event):
        """Keys: space plays, ← and → one step, r back to the start; the others as in any
        matplotlib window (q closes it; ← → r are not the toolbar's here)."""
        steps = {"left": self.sliders[1].val - 1, "right": self.sliders[1].val + 1, "r": 0}
        if event.key in steps:
            self.sliders[1].set_val(min(max(steps[event.key], 0), self.steps))
        elif event.key == " ":
            self.play()
        elif self.fig.canvas.manager is not None:
            from matplotlib.backend_bases import key_press_handler
            key_press_handler(event, self.fig.canvas)


def explore(x, z, history, state, curve_of, train, bound):
    """Open the explorer on this run (its History) if EXPLORE or --explore asked for it;
    in a notebook otherwise, say how. Returns the Explorer, or None."""
    import importlib.util
    notebook, widgets = program.in_notebook(), importlib.util.find_spec("ipympl") is not None
    if notebook and not (program.Run.settings.explore and widgets):
        program.note(_("to explore live here, set EXPLORE = True and run all cells again")
                     if widgets else _("to explore live here, pip install ipympl, restart "
                                       "the kernel, set EXPLORE = True and run all cells again"))
    if not program.Run.settings.explore or (notebook and not widgets):
        return None
    if notebook:
        from IPython import get_ipython
        get_ipython().run_line_magic("matplotlib", "widget")
    explorer = Explorer(plt.figure(figsize=(10, 6.4), dpi=DPI, num=_("One neuron, live")),
                        SimpleNamespace(x=x, z=z, bound=bound, state=state,  # the lesson's
                                        loss_curve=curve_of, train=train), history)
    plt.show()
    return explorer
