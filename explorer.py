"""The live explorer: one window (or, in Jupyter, an ipympl widget) in which a learner drags
the weight a, scrubs through training, and changes the learning rate.

It draws what regression_gd.py hands it: the points, the run's History, and the lesson's
own functions: `state(a, x, z, lr)`, the state at any weight (its line, the loss, the
gradient, the next step), `loss_curve(a_values, x, z)` for the bowl, and
`train(a, x, z, lr, steps)`, run again from the same start at each new rate.
"""

import importlib.util
import math
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backend_bases import key_press_handler
from matplotlib.widgets import Button, Slider

import pictures as draw
from translation import _

EXPLORER_STEPS = 1000  # the explorer retrains at every rate change, so it keeps runs short
EXPLORER_SIZE = (10, 6.4)  # inches, at 100 dpi: a 1000x640-pixel window
EXPLORER_READOUT = ((0.975, (("step", 0.10), ("lr =", 0.27))),
                    (0.935, (("a =", 0.10), ("loss =", 0.27), (draw.SLOPE, 0.47),
                             (draw.MOVE, 0.80))))
FIT_PANEL = (0.09, 0.42, 0.36, 0.44)  # left, bottom, width, height, as shares of the figure
KEYS = "keys: ← and → one step, space play or pause, r back to the start, q closes"


class Lesson(NamedTuple):
    """What the explorer shows, from the lesson: the points and their axes' names, the
    threshold N/Σx², and the lesson's own state(a, x, z, lr), loss_curve(a_values, x, z)
    (the bowl) and train(a, x, z, lr, steps)."""
    x: np.ndarray
    z: np.ndarray
    names: tuple | None
    bound: float
    state: object
    loss_curve: object
    train: object

    def at(self, a, lr):
        """The lesson's State at the weight a, for training at rate lr."""
        return self.state(a, self.x, self.z, lr)


class Explorer:
    """One figure with the fit, the bowl, a readout and the controls, redrawn by blitting."""

    def __init__(self, fig, lesson, history):
        self.fig, self.lesson = fig, lesson
        self.start_a, self.steps = history.weights[0], min(len(history.weights) - 1,
                                                            EXPLORER_STEPS)
        self.a_limits, lr = draw.run_view(history.weights), history.lr
        self.view = draw.view_of(lesson.x)  # the points the fit panel moves
        self.scene = self.draw_panels()
        self.trail, = self.scene.point.axes.plot([], [], ".", color="C1",
                                                 label=_("weights visited"))
        fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.335), ncols=5, fontsize="small")
        self.a_slider = self.slider(0.22, "a", *self.a_limits, self.start_a, "%.4g")
        self.step_slider = self.slider(0.15, _("step"), 0, self.steps, 0, "%d", valstep=1)
        self.lr_slider = self.slider(0.08, _("learning rate"), math.log10(min(1e-5, lr)),
                                     math.log10(max(2 * lesson.bound, lr)), math.log10(lr),
                                     "%.3g")  # shows log10(lr) until retrain writes lr itself
        self.lr_slider.ax.axvline(math.log10(lesson.bound), color="red", linewidth=3)
        self.lr_slider.ax.text(math.log10(lesson.bound), 1.4, "N/Σx²", color="red",
                               ha="center", transform=self.lr_slider.ax.get_xaxis_transform())
        fig.text(0.5, 0.015, _(KEYS), ha="center", color="gray")
        self.button = Button(fig.add_axes((0.83, 0.08, 0.1, 0.17)), _("play"))
        self.connect()
        self.retrain(lr)

    def draw_panels(self):
        """The fit and the bowl panels, and the readout; returns the scene that moves."""
        lesson, fig = self.lesson, self.fig
        ax_fit = fig.add_axes(FIT_PANEL)
        ax_bowl = fig.add_axes((0.57, 0.42, 0.38, 0.44))
        numbers = draw.add_readout(fig, EXPLORER_READOUT)
        numbers["warning"] = fig.text(0.40, 0.975, "", color="C3", ha="left", va="top")
        low, high = (lesson.at(a, 0.0) for a in self.a_limits)
        fit = draw.draw_fit_panel(ax_fit, lesson.x, lesson.z, lesson.names,
                                  lesson.at(self.start_a, 0.0), low, high)
        bowl = draw.bowl_curve(lesson.x, lesson.z, lesson.loss_curve, self.a_limits)
        return draw.Scene(*fit, *draw.draw_bowl_panel(ax_bowl, *bowl, self.a_limits), numbers)

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
        self.lr_slider.on_changed(self.slide_lr)
        self.button.on_clicked(self.click)
        canvas = self.fig.canvas
        if canvas.manager is not None:  # a window: its keys go through press, below
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

    def slide_lr(self, value):
        """The learning-rate slider moved: it shows log10 of the rate."""
        self.retrain(10 ** value)

    def click(self, event):
        """The play button was clicked."""
        self.play_or_pause()

    def retrain(self, lr):
        """Train from the same start at rate lr; keep the weights (and their losses) up to
        where the loss blew up, start included."""
        self.lr = lr
        history = self.lesson.train(self.start_a, self.lesson.x, self.lesson.z, lr, self.steps)
        finite = np.isfinite(history.losses) & np.isfinite(history.weights)
        finite[0] = True  # the start
        finite = np.logical_and.accumulate(finite)  # up to the first that is not finite
        self.weights, self.losses = history.weights[finite], history.losses[finite]
        blew_up = len(self.weights) < self.steps + 1
        self.lr_slider.valtext.set_text(f"{lr:.3g}")
        self.scene.numbers["lr ="].set_text(f"{lr:.3g}")
        self.scene.numbers["warning"].set_text(
            (_("diverges: lr above N/Σx² = {bound:.3g}").format(bound=self.lesson.bound)
             if lr > self.lesson.bound else "")
            + (_("; the loss blew up at step {step}").format(step=len(self.weights) - 1)
               if blew_up else ""))
        self.go_to_step(self.step_slider.val)

    def go_to_step(self, value):
        """Show the weight after step `value`; a run that blew up stops at its last step."""
        self.step = min(int(value), len(self.weights) - 1)
        if self.step < int(value):  # past the blow-up: the slider comes back to it
            self.step_slider.eventson = False
            self.step_slider.set_val(self.step)
            self.step_slider.eventson = True
            if self.playing:
                self.play_or_pause()
        self.a = self.weights[self.step]
        self.a_slider.eventson = False
        self.a_slider.set_val(float(np.clip(self.a, self.a_slider.valmin,
                                            self.a_slider.valmax)))
        self.a_slider.valtext.set_text(f"{self.a:.4g}")  # the true a, also beyond the track
        self.a_slider.eventson = True
        self.scene.numbers["step"].set_text(_("{step} of {steps}").format(
            step=self.step, steps=self.steps))
        self.redraw()

    def drag_a(self, value):
        """Show the weight the a slider was dragged to."""
        self.a = value
        self.scene.numbers["step"].set_text(_("(a set by hand)"))
        self.redraw()

    def follow(self):
        """Widen the bowl's view when a leaves it, so that the learner sees where a went;
        True if it did (then the whole figure is redrawn)."""
        low, high = self.a_limits
        if low <= self.a <= high:
            return False
        self.a_limits = draw.bowl_limits(sum(self.a_limits) / 2, low, high, self.a)
        a_values, curve = draw.bowl_curve(self.lesson.x, self.lesson.z,
                                          self.lesson.loss_curve, self.a_limits)
        bowl_ax, fit_ax = self.scene.point.axes, self.scene.line.axes
        bowl_ax.lines[0].set_data(a_values, curve)
        bowl_ax.set(xlim=self.a_limits, ylim=draw.loss_limits(curve))
        fit_ax.set_ylim(draw.fit_limits(np.r_[fit_ax.get_ylim()],
                                        [self.lesson.at(self.a, self.lr).fitted]))
        return True

    def redraw(self):
        """Move everything to the current a and show it: blit, or redraw where not possible."""
        widened = self.follow()
        here, view = self.lesson.at(self.a, self.lr), self.view
        draw.show_state(self.scene, self.lesson.x[view], self.lesson.z[view],
                        here.fitted[view], here)
        self.trail.set_data(self.weights[:self.step + 1], self.losses[:self.step + 1])
        if widened or not self.blitting:
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
        self.button.label.set_text(_("pause") if self.playing else _("play"))
        (self.timer.start if self.playing else self.timer.stop)()
        self.redraw()

    def advance(self):
        """One step forward while playing; stop at the end of the run."""
        if self.step < min(self.steps, len(self.weights) - 1):
            self.step_slider.set_val(self.step + 1)
        elif self.playing:
            self.play_or_pause()

    def press(self, event):
        """Keys: ← and → one step, space play/pause, r back to the start; every other key
        does what matplotlib's windows do (q and ctrl+w close)."""
        if event.key in ("left", "right"):
            step_to = self.step + (1 if event.key == "right" else -1)
            self.step_slider.set_val(min(max(step_to, 0), self.steps))
        elif event.key == " ":
            self.play_or_pause()
        elif event.key == "r":
            self.step_slider.set_val(0)
        elif self.fig.canvas.manager is not None:
            key_press_handler(event, self.fig.canvas)


def open_explorer(lesson, history):
    """Open the explorer in a window (or, in Jupyter, an ipympl widget) and wait for it."""
    fig = plt.figure(figsize=EXPLORER_SIZE, dpi=draw.DPI)
    explorer = Explorer(fig, lesson, history)
    if fig.canvas.manager is not None:
        fig.canvas.manager.set_window_title(_("One neuron, live: drag a, step, learning rate"))
    plt.show()
    return explorer


def offer(asked, x, z, history, state, loss_curve, train, bound):
    """The live explorer of this run (its History), driven by the lesson's `state`,
    `loss_curve` and `train`, with the threshold `bound` = N/Σx² marked: opened if
    `asked`; otherwise, in Jupyter, one line saying how to ask for it; returns the
    Explorer, or None.

    In Jupyter the explorer is an ipympl widget; matplotlib stays switched to widgets only
    until the next run's pictures (pictures.start switches back)."""
    plt.close("all")  # the pictures are written (and shown); only the explorer may open now
    notebook = draw.in_notebook()
    has_widgets = importlib.util.find_spec("ipympl") is not None  # found, not imported
    if asked and notebook and not has_widgets:
        print(_("note: the explorer in Jupyter needs ipympl: pip install ipympl, restart the "
                "kernel, and run all cells again"))
    elif asked:
        if notebook:
            from IPython import get_ipython
            get_ipython().run_line_magic("matplotlib", "widget")
        lesson = Lesson(x, z, draw.Kept.names, bound, state, loss_curve, train)
        return open_explorer(lesson, history)
    elif notebook:
        install = "" if has_widgets else "pip install ipympl, "
        print(_("note: to explore live here, {install}set EXPLORE = True in the knobs and "
                "run all cells again").format(install=install))
    return None
