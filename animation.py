"""The training animation, written fast: matplotlib draws the still parts once, and each
frame redraws only what moves (blitting), pastes the numbers from characters drawn once,
and maps onto one shared palette before matplotlib's PillowWriter writes the GIF.

It draws what regression_gd.py hands it: the weights of a run, and `state_at(a)`, the
state at any weight a (its line, its errors, the loss, the gradient, the next step).
"""

from typing import NamedTuple

import numpy as np
from matplotlib.animation import PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

import pictures as draw

GIF_SIZE, GIF_DPI = (6.4, 4.8), 80  # the animation: 512x384 pixels
FRAME_MS, HOLD_LAST_MS = 200, 2000  # each frame's time on screen; the last frame's
GIF_READOUT = ((0.975, (("step", 0.12), ("a =", 0.50), ("loss =", 0.82))),
               (0.925, (("gradient =", 0.26), ("next step −lr·gradient =", 0.82))))


class Run(NamedTuple):
    """What the animation shows: the points, the weights from the start (index 0) through
    every step, the minimum a*, and the lesson's state at any a and loss for many a."""
    x: np.ndarray
    z: np.ndarray
    names: tuple | None
    weights: np.ndarray
    a_star: float
    state_at: object  # a -> the lesson's State at a
    bowl: object  # array of a -> the loss at each


def training_figure(run):
    """The animation's figure, its still parts drawn: (figure, scene of moving artists)."""
    fig = Figure(figsize=GIF_SIZE, dpi=GIF_DPI,
                 layout=ConstrainedLayoutEngine(rect=(0, 0, 1, 0.88)))  # the top: readout
    FigureCanvasAgg(fig)
    ax_fit, ax_bowl = fig.subplots(1, 2)
    a_limits = draw.bowl_limits(run.a_star, run.weights.min(), run.weights.max())
    fit = draw.draw_fit_panel(ax_fit, run.x, run.z, run.names, run.state_at(run.a_star),
                              run.state_at(run.weights.min()), run.state_at(run.weights.max()))
    scene = draw.Scene(*fit, *draw.draw_bowl_panel(ax_bowl, run.bowl, run.a_star, a_limits),
                  draw.add_readout(fig, GIF_READOUT))
    draw.legend_below(fig, 4)
    return fig, scene


def show_step(scene, run, number):
    """Show the state after step `number` of the run."""
    draw.show_state(scene, run.x, run.z, run.state_at(run.weights[number]))
    scene.numbers["step"].set_text(f"{number:,} of {len(run.weights) - 1:,}")
    return scene


def frame_steps(weights, a_star, frames):
    """Which steps become frames: the start (weights[0]), then every step if at most
    `frames` of them, else `frames` steps where a visibly moves, and the last."""
    steps = len(weights) - 1
    if steps <= frames:
        return np.arange(0, steps + 1)
    distance = np.abs(weights[1:] - a_star)
    floor = max(1e-3 * distance.max(), np.finfo(float).tiny)
    progress = np.r_[0, np.cumsum(np.abs(np.diff(np.log(np.maximum(distance, floor)))))]
    chosen = np.searchsorted(progress, np.linspace(0, progress[-1], frames - 1)) + 1
    return np.unique(np.r_[0, chosen, steps])


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


class Frames(NamedTuple):
    """What every frame is drawn with: the figure, its moving scene, the still background,
    and the typewriter for the numbers."""
    fig: Figure
    scene: draw.Scene
    background: object
    typewriter: Typewriter


def draw_frame(frames, run, number):
    """Draw the frame of step `number`; return how it looks without its step counter."""
    frames.fig.canvas.restore_region(frames.background)
    show_step(frames.scene, run, number)
    for artist in frames.scene.shapes():
        frames.fig.draw_artist(artist)
    for label, text in frames.scene.numbers.items():
        if label != "step" and not frames.typewriter.write(text):
            frames.fig.draw_artist(text)
    look = np.asarray(frames.fig.canvas.buffer_rgba()).copy()
    step = frames.scene.numbers["step"]
    frames.typewriter.write(step) or frames.fig.draw_artist(step)
    return look


def save_training_gif(path, run, frames):
    """Write the training animation: the start and at most `frames` steps, the last held.

    A frame that would look like the one before it, but for the step counter (a run that
    has settled), is left out; the last step is always shown, in place of its twin."""
    fig, scene = training_figure(run)
    drawing = Frames(fig, scene, frozen_background(fig, scene), Typewriter(scene.numbers["a ="]))
    chosen = frame_steps(run.weights, run.a_star, frames)
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
        before = None
        for number in chosen:
            look = draw_frame(drawing, run, number)
            if before is not None and np.array_equal(look, before):
                if number != chosen[-1]:
                    continue  # nothing a learner could see has changed
                writer.frames.pop()  # the last step replaces its twin
            writer.grab_frame()
            before = look
