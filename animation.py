"""The training animation, written fast: matplotlib draws the still parts once, and each
frame redraws only what moves (blitting), pastes the numbers from characters drawn once,
and maps onto one shared palette before matplotlib's PillowWriter writes the GIF.

It draws what regression_gd.py hands it: the points, the run's History (its rate, and its
weights and losses from the start), the lesson's `state(a, x, z, lr)`, the state at any
weight a (its line, its errors, the loss, the gradient, the next step's move), and its
`loss_curve(a_values, x, z)`, the bowl.
"""

from typing import NamedTuple

import numpy as np
from matplotlib.animation import PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

import pictures as draw
from safe_writing import fit_layout
from translation import _, count

GIF_SIZE, GIF_DPI = (6.4, 4.8), 80  # the animation: 512x384 pixels
FRAME_MS, HOLD_LAST_MS = 200, 2000  # each frame's time on screen; the last frame's
GIF_READOUT = ((0.975, (("step", 0.12), ("a =", 0.50), ("loss =", 0.82))),
               (0.925, ((draw.SLOPE, 0.26), (draw.MOVE, 0.82))))


def training_gif(x, z, history, state, loss_curve):
    """The training animation, training.gif: the points and the neuron's line on the left,
    the bowl and the tangent on the right, at most Kept.frames frames, the start included.
    Skipped with --no-gif (Kept.gif is False), and where no pictures are kept.

    A plain script run has a worker process draw it. Where `pictures.animation_waits`,
    that worker starts at the scaling picture and draws the two-weights picture too (where
    that section is skipped, it starts when the pictures are written); else it starts now."""
    keeper = draw.Kept.keeper
    if draw.Kept.gif and keeper is not None:
        run = Run(x, z, draw.Kept.names, history, state, loss_curve)
        if draw.animation_waits(len(x)):
            keeper.keep_file("training.gif", write_training_gif, run, draw.Kept.frames)
        else:
            keeper.add_file("training.gif", write_training_gif, run, draw.Kept.frames)


class Run(NamedTuple):
    """What the animation shows: the points, their axes' names, the run's History, and the
    lesson's state(a, x, z, lr) and loss_curve(a_values, x, z) (the bowl)."""
    x: np.ndarray
    z: np.ndarray
    names: tuple | None
    history: tuple
    state: object
    loss_curve: object

    def at(self, a):
        """The lesson's State at the weight a, at this run's rate."""
        return self.state(a, self.x, self.z, self.history.lr)


def training_figure(run):
    """The animation's figure, its still parts drawn: (figure, scene of moving artists,
    the note that explains a jump to the last frame)."""
    fig = Figure(figsize=GIF_SIZE, dpi=GIF_DPI,
                 layout=ConstrainedLayoutEngine(rect=(0, 0, 1, 0.88)))  # the top: readout
    FigureCanvasAgg(fig)
    ax_fit, ax_bowl = fig.subplots(1, 2)
    weights = run.history.weights
    a_limits = draw.run_view(weights)
    fit = draw.draw_fit_panel(ax_fit, run.x, run.z, run.names, run.at(weights[0]),
                              run.at(weights.min()), run.at(weights.max()))
    bowl = draw.bowl_curve(run.x, run.z, run.loss_curve, a_limits)
    scene = draw.Scene(*fit, *draw.draw_bowl_panel(ax_bowl, *bowl, a_limits),
                       draw.add_readout(fig, GIF_READOUT))
    scene.errors.set(antialiased=False, linewidth=0.9)  # 1 pixel wide: a smaller GIF
    draw.legend_below(fig, 3)
    note = ax_bowl.text(0.5, 0.96, "", ha="center", va="top", transform=ax_bowl.transAxes,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    return fig, scene, note


def show_step(scene, run, number, view):
    """Show the state after step `number` of the run: its line and errors drawn at the
    points `view` (pictures.view_of's) only, its numbers over all the points."""
    x, z, history = run.x[view], run.z[view], run.history
    a = history.weights[number]
    here = run.state(a, x, z, history.lr)  # the line and errors at the drawn points
    if number < len(history.grads):  # the loss and slope training computed at this a
        slope = history.grads[number]
        here = here._replace(loss=history.losses[number], gradient=slope,
                             move=-history.lr * slope)  # the move as a State has it
    else:  # the last step, where training took no slope: the lesson's state gives them
        whole = run.at(a)
        here = here._replace(loss=whole.loss, gradient=whole.gradient, move=whole.move)
    draw.show_state(scene, x, z, here.fitted, here)
    scene.numbers["step"].set_text(_("{step:,} of {steps:,}").format(
        step=number, steps=len(history.weights) - 1))
    return scene


def frame_steps(weights, frames):
    """Which steps become frames, at most `frames` of them, the start (step 0) and the last
    step included: every step if there are few enough; else steps spread evenly over the
    run's visible progress, measured by the size of its steps (which shrink geometrically
    as a nears a*, so a log scale makes an even pace of them), topped up with steps spread
    evenly over the whole run while frames are left."""
    steps = len(weights) - 1
    if steps < frames:
        return np.arange(0, steps + 1)
    moves = np.abs(np.diff(weights))
    floor = max(1e-3 * moves.max(), np.finfo(float).tiny)
    progress = np.r_[0, np.cumsum(np.abs(np.diff(np.log(np.maximum(moves, floor)))))]
    chosen = np.searchsorted(progress, np.linspace(0, progress[-1], frames - 2)) + 1
    moving = np.unique(np.r_[0, chosen, steps])
    for even in range(frames, 1, -1):  # how many steps spread evenly over the run
        steady = np.linspace(0, steps, even).round().astype(int)
        frame_list = np.union1d(moving, steady)
        if len(frame_list) <= frames:
            return frame_list
    return moving


def unchanged_note(weights, since):
    """The last frame's words, when the frames after step `since` were left out because
    nothing a learner could see changed."""
    exact = np.all(weights[since:] == weights[-1])
    if since == 0:
        return (_("a has not changed\nat all in {steps}") if exact
                else _("a has not visibly changed\nat all in {steps}")).format(
                    steps=count(len(weights) - 1))
    return (_("a has not changed\nsince step {since:,}; the frames\nbetween are left out")
            if exact else _("a has not visibly changed\nsince step {since:,}; the "
                            "frames\nbetween are left out")).format(since=since)


def shared_palette(sample):
    """A palette of the sample's commonest colours, no two closer than Pillow can tell apart.

    Pillow matches pixels to a given palette coarsely, in cells 8 levels wide per channel:
    with two palette colours in one cell it may pick either (white came out as 251,252,253).
    Keeping only the commonest colour of each cell keeps white and the plot colours exact;
    a rare edge shade maps to a neighbour a few levels away.
    """
    chosen, cells = [], set()
    for _count, (r, g, b) in sorted(sample.getcolors(sample.width * sample.height), reverse=True):
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
        # Given the palette, Pillow keeps it for every frame, writes it once, and compares
        # frames by their palette indices (else it trims each frame's palette and compares
        # frames in full colour): the same pixels, a smaller file, less time.
        self.frames[0].save(self.outfile, save_all=True, append_images=self.frames[1:],
                            duration=durations, loop=0, optimize=True,
                            palette=self.palette.getpalette())


def frozen_background(fig, moving):
    """Fit the layout once, then draw everything but the moving artists once; keep that.

    Redrawing the whole figure for every frame is what makes the straightforward way slow.
    With the still parts kept as a picture, a frame only pastes it back and draws the few
    artists that move ("blitting").
    """
    fit_layout(fig)
    for artist in moving:
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


class Frames(NamedTuple):
    """What every frame is drawn with: the figure, its moving scene, the note for the last
    frame, the still background, the typewriter for the numbers, and the points drawn
    (pictures.view_of's)."""
    fig: Figure
    scene: draw.Scene
    note: object
    background: object
    typewriter: Typewriter
    view: np.ndarray


def draw_frame(frames, run, number):
    """Draw the frame of step `number`; return how it looks without its step counter and
    its note."""
    frames.fig.canvas.restore_region(frames.background)
    show_step(frames.scene, run, number, frames.view)
    for artist in frames.scene.shapes():
        frames.fig.draw_artist(artist)
    for label, text in frames.scene.numbers.items():
        if label != "step" and not frames.typewriter.write(text):
            frames.fig.draw_artist(text)
    look = np.asarray(frames.fig.canvas.buffer_rgba()).copy()
    step = frames.scene.numbers["step"]
    frames.typewriter.write(step) or frames.fig.draw_artist(step)
    if frames.note.get_text():
        frames.fig.draw_artist(frames.note)
    return look


def first_of_the_same(weights, number):
    """The first step from which a has stayed exactly as it is at the end, or `number` (the
    first frame that looks like the last) if a has changed since, if only invisibly."""
    changed = np.flatnonzero(weights != weights[-1])
    exact = int(changed[-1]) + 1 if changed.size else 0
    return min(exact, number)


def write_training_gif(path, run, frames):
    """Write the training animation: at most `frames` frames, the start included, the last
    held.

    A frame that would look like the one before it, but for the step counter (a run that
    has settled), is left out; the last step is always shown, in place of its twin, and
    then says since which step a has not changed, so that the jump to it is explained."""
    fig, scene, note = training_figure(run)
    drawing = Frames(fig, scene, note, frozen_background(fig, (*scene.artists(), note)),
                     Typewriter(scene.numbers["a ="]), draw.view_of(run.x))
    weights = run.history.weights
    chosen = frame_steps(weights, frames)
    # Pillow would pick a new 256-colour palette for every frame, the slowest part of
    # writing a GIF. The frames differ only in a few lines, so one palette made from the
    # first and last frames serves them all.
    samples = []
    for number in (chosen[0], chosen[-1]):  # the first and last frames, drawn whole
        draw_frame(drawing, run, number)
        samples.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
    writer = PaletteGifWriter(shared_palette(Image.fromarray(np.hstack(samples))),
                              fps=1000 / FRAME_MS, hold_last_ms=HOLD_LAST_MS)
    with writer.saving(fig, path, dpi=fig.dpi):
        before, same_since = None, None
        for number in chosen:
            look = draw_frame(drawing, run, number)
            if before is not None and np.array_equal(look, before):
                if number != chosen[-1]:
                    continue  # nothing a learner could see has changed
                writer.frames.pop()  # the last step replaces its twin, and says why
                note.set_text(unchanged_note(weights, first_of_the_same(weights, same_since)))
                draw_frame(drawing, run, number)
            else:
                same_since = number
            writer.grab_frame()
            before = look
