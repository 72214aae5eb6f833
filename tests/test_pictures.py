"""The pictures' public calls, fed by hand: each draws what it is handed, keeps it under its
file name, and reads right (issue 23): type of 8 pt or more, |a − a*| on a log scale with
its side shown, a few labelled rates, contours that fill their panels, the path on the
surface, the GIF's frame count and its last frame's word on a settled run, no warnings.

The lesson's functions are stood in for by the formulas: loss(a) = mean((a·x − z)²),
gradient = 2·mean((a·x − z)·x), and their two-weight twins."""

import random
import warnings
from typing import NamedTuple

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import gif_frames  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import animation  # noqa: E402
import explorer  # noqa: E402
import pictures  # noqa: E402
import regression_gd as rg  # noqa: E402  (its definitions: conftest's loader)

POST_X, POST_Z = rg.POST_X, rg.POST_Z  # the post's points, from the lesson
MIN_POINTS = 8  # the smallest type allowed in any picture


class State(NamedTuple):
    a: float
    fitted: np.ndarray
    loss: float
    gradient: float
    move: float


class History(NamedTuple):
    lr: float
    weights: np.ndarray
    losses: np.ndarray
    grads: np.ndarray


class Descent(NamedTuple):
    path: np.ndarray
    best: tuple
    lr: float
    ratio: float
    reached: object


def loss_of(a, x, z):
    return float(np.mean((a * x - z) ** 2))


def state(a, x, z, lr):
    gradient = 2 * np.mean((a * x - z) * x)
    return State(a, a * x, loss_of(a, x, z), gradient, -lr * gradient)


def train(a, x, z, lr, steps, every=None):
    weights, losses, grads = [a], [loss_of(a, x, z)], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            grads.append(2 * np.mean((a * x - z) * x))
            a = a - lr * grads[-1]
            weights.append(a)
            losses.append(loss_of(a, x, z))
            if not np.isfinite(losses[-1]) or losses[-1] > 1000 * losses[0]:
                break
    return History(lr, np.array(weights), np.array(losses), np.array(grads))


def loss_curve(a_values, x, z):
    return np.array([loss_of(a, x, z) for a in np.ravel(a_values)]).reshape(np.shape(a_values))


def loss_surface(a, b, x, z):
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    return np.mean((a[..., None] * x + b[..., None] - z) ** 2, axis=-1)


def best_line(x, z):
    slope, offset = np.polyfit(x, z, 1)
    return slope, offset


def descend(x, z, a, lr, steps):
    path, b = [(a, 0.0)], 0.0
    for _ in range(steps):
        error = a * x + b - z
        a, b = a - lr * 2 * np.mean(error * x), b - lr * 2 * np.mean(error)
        path.append((a, b))
    path, best = np.array(path), best_line(x, z)
    curvatures = np.linalg.eigvalsh(2 * np.array([[np.mean(x * x), np.mean(x)],
                                                  [np.mean(x), 1.0]]))
    gaps = np.hypot(*(path - best).T)
    within = np.flatnonzero(gaps <= 0.01 * gaps[0])
    return Descent(path, best, lr, curvatures[1] / curvatures[0],
                   int(within[0]) if within.size else None)


def start_a():
    random.seed(45)
    return random.random()


def a_star(x, z):
    return float(np.sum(x * z) / np.sum(x * x))


class Keeper:
    """A stand-in for safe_writing.Pictures that records what it is handed."""

    def __init__(self, background):
        self.background, self.added, self.files, self.handed_over = background, {}, {}, []
        self.waiting = {}  # files kept, as Pictures keeps them, until handed over

    def add(self, name, plot, *args):
        """As Pictures.add: kept, to be drawn when written."""
        self.added[name] = plot, args

    def hand_over(self, names=None):
        """As Pictures.hand_over: in the background, the pictures named (None: every one
        kept so far) go to a worker."""
        if self.background:
            kept = [*self.added, *self.waiting]
            given = sorted(name for name in (kept if names is None else names) if name in kept)
            if given:
                self.handed_over.append(given)
            for name in given:  # gone to the worker: never handed over twice
                self.added.pop(name, None)
                self.waiting.pop(name, None)

    def add_file(self, name, write, *args):
        """As Pictures.add_file: written at once (by a worker, in the background)."""
        self.files[name] = (write, args)

    def keep_file(self, name, write, *args):
        """As Pictures.keep_file: in the background, kept until handed over."""
        self.files[name] = (write, args)
        if self.background:
            self.waiting[name] = True

    def discard(self):
        """What a run's pictures do when the next run starts: let go of their files."""
        self.discarded = True


@pytest.fixture(autouse=True)
def fresh_pictures():
    """Each test starts a run whose pictures are drawn but not kept, with no figure left
    open by an earlier test (of any file, in this worker)."""
    plt.close("all")
    pictures.start(None, 100, True)
    yield
    plt.close("all")


def rates_runs(x, z, rates, steps=100):
    """What the lesson hands the rates picture: each rate's losses, kind, blow-up."""
    bound = len(x) / np.sum(x * x)
    runs = {}
    for rate in rates:
        history = train(start_a(), x, z, rate, steps)
        kind = "diverging" if rate > bound else "converging"
        runs[rate] = (history.losses, kind, len(history.losses) < steps + 1)
    return runs, bound


def every_picture(x=POST_X, z=POST_Z, lr=1e-3, steps=100):
    """Each still picture of a run, and the GIF's figure, drawn from hand-made inputs."""
    a, star = start_a(), a_star(x, z)
    history = train(a, x, z, lr, steps)
    floor = loss_of(star, x, z)
    excess = history.losses - floor
    c = 1 - lr * 2 * np.mean(x * x)
    with np.errstate(under="ignore", over="ignore"):
        predicted = excess[0] * c ** (2.0 * np.arange(len(excess)))
    runs, bound = rates_runs(x, z, [lr * 10 ** (k / 2) for k in range(4)])
    kept = max(rate for rate in runs if rate < bound / 2 or rate == lr)
    scaled = (x - x.mean()) / x.std()
    two_bound = 2 / np.linalg.eigvalsh(2 * np.array([[np.mean(x * x), np.mean(x)],
                                                     [np.mean(x), 1.0]]))[1]
    figures = {
        "measurements": pictures.measurements(x, z),
        "random_start": pictures.random_start(x, z, a, a * x),
        "loss_curve": pictures.loss_curve(
            x, z, [state(w, x, z, lr) for w in sorted((a, star, 2 * star - a))], loss_curve),
        "learning_curve": pictures.learning_curve(excess, predicted, history.weights - star,
                                                  "Converging"),
        "learning_rates": pictures.learning_rates(runs, kept, bound, floor),
        "two_weights": pictures.two_weights(x, z, descend(x, z, a, min(lr, 0.9 * two_bound),
                                                          steps), loss_surface),
        "scaling": pictures.scaling([x, scaled], z, [descend(x, z, a, 0.5 * two_bound, steps),
                                                     descend(scaled, z, a, 0.5, steps)],
                                    loss_surface),
    }
    figures["training.gif"] = animation.training_figure(animation.Run(
        x, z, None, history, state, loss_curve))[0]
    return figures


def texts(fig):
    """Every visible, non-empty text of a figure (titles, labels, ticks, legends)."""
    fig.canvas.draw()
    return [text for text in fig.findobj(Text) if text.get_visible() and text.get_text()
            and text.get_window_extent().overlaps(fig.bbox)]


@pytest.mark.slow
def test_every_text_is_at_least_8_points_at_the_saved_size():
    for name, fig in every_picture().items():
        small = {(text.get_text()[:30], round(text.get_fontsize(), 2)) for text in texts(fig)
                 if text.get_fontsize() < MIN_POINTS}
        assert not small, (name, small)


def test_the_distance_to_a_star_is_a_straight_line_on_a_log_scale_with_its_side_marked():
    x, z = POST_X, POST_Z
    star = a_star(x, z)
    for lr in (1e-3, 0.02):  # a steady approach, and one that overshoots at every step
        history = train(start_a(), x, z, lr, 100)
        excess = history.losses - loss_of(star, x, z)
        fig = pictures.learning_curve(excess, excess, history.weights - star, "title")
        side = fig.axes[1]
        assert side.get_yscale() == "log"
        marked = [line for line in side.lines if line.get_label().startswith("|a − a*|")]
        signs = {line.get_label(): line for line in marked}
        expected = {"|a − a*| with a below a* (a < a*)"} | (
            {"|a − a*| with a above a* (a > a*)"} if lr == 0.02 else set())
        assert set(signs) == expected
        steps, sizes = np.concatenate([line.get_xdata() for line in marked]), np.concatenate(
            [line.get_ydata() for line in marked])
        order = np.argsort(steps)
        sizes = sizes[order][:20]  # before rounding
        assert np.ptp(np.diff(np.log(sizes))) < 1e-6  # a straight line on the log scale
        low, high = side.get_ylim()
        drawn = np.concatenate([line.get_ydata() for line in marked])
        assert low <= drawn.min() and drawn.max() <= high
        assert np.log(high / low) <= 1.1 * np.log(drawn.max() / drawn.min()) + np.log(3)


def test_many_rates_tried_draw_at_most_six_curves_with_the_cross_in_the_legend():
    x, z = POST_X, POST_Z
    rates = [1e-6 * 10 ** (k / 2) for k in range(40)]  # 40 tried, the last ones blow up
    runs, bound = rates_runs(x, z, rates, steps=10)
    kept = rates[8]  # 1e-6·√10⁸ = 0.01, the best for the post's points
    fig = pictures.learning_rates(runs, kept, bound, loss_of(a_star(x, z), x, z))
    ax = fig.axes[0]
    curves = [line for line in ax.lines if line.get_label().startswith("lr = ")]
    assert len(curves) <= 6
    assert any(line.get_label().startswith(f"lr = {rates[0]:.3g} (this run)") for line in curves)
    assert any("kept: lowest loss, never rising" in line.get_label() for line in curves)
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert any("blew up" in label for label in labels)
    assert "40 rates tried" in ax.get_title() and "6 of them drawn" in ax.get_title()
    assert min(text.get_fontsize() for text in fig.legends[0].get_texts()) >= MIN_POINTS


def test_step_ticks_are_round_strides():
    runs, bound = rates_runs(POST_X, POST_Z, [1e-3, 3.16e-3, 1e-2, 3.16e-2])
    fig = pictures.learning_rates(runs, 1e-2, bound, loss_of(a_star(POST_X, POST_Z), POST_X,
                                                             POST_Z))
    ticks = [tick for tick in fig.axes[0].get_xticks() if tick <= fig.axes[0].get_xlim()[1]]
    stride = np.diff(ticks)[0]
    assert stride in (1, 2, 5, 10, 20, 50, 100) and np.all(np.diff(ticks) == stride)


def test_the_points_lie_above_the_origins_mark():
    fig = pictures.measurements(POST_X, POST_Z)
    ax = fig.axes[0]
    origin = next(line for line in ax.lines if "origin" in line.get_label())
    assert ax.collections[0].get_zorder() > origin.get_zorder()


def test_the_contours_fill_each_scaling_panel():
    a, x, z = start_a(), POST_X, POST_Z
    scaled = (x - x.mean()) / x.std()
    descents = [descend(x, z, a, 0.02, 200), descend(scaled, z, a, 0.5, 200)]
    fig = pictures.scaling([x, scaled], z, descents, loss_surface)
    fig.canvas.draw()
    for ax, descent in zip(fig.axes[:2], descents, strict=True):
        grid_a, grid_b = pictures.surface_grid(descent.path, descent.best, square=True)
        # the panel shows the contours' grid, no more: no line ends short of its edge
        assert ax.get_xlim() == pytest.approx((grid_a.min(), grid_a.max()))
        assert ax.get_ylim() == pytest.approx((grid_b.min(), grid_b.max()))
        assert ax.bbox.width == pytest.approx(ax.bbox.height, abs=1)  # equal axes, square


def points_in(line):
    """How many points a 3-D line has."""
    return len(line.get_data_3d()[0])


def test_the_surface_has_the_room_and_the_path_lies_on_it():
    a, x, z = start_a(), POST_X, POST_Z
    fig = pictures.two_weights(x, z, descend(x, z, a, 0.03 * 0.9, 100), loss_surface)
    fig.canvas.draw()
    flat, solid = fig.axes[0], fig.axes[1]
    assert solid.name == "3d" and not solid.computed_zorder
    assert solid.bbox.width > 1.2 * flat.bbox.width
    path = max(solid.lines, key=points_in)  # the path, lifted onto the surface
    a_values, b_values, heights = path.get_data_3d()
    assert heights == pytest.approx(loss_surface(a_values, b_values, x, z))


def test_frames_count_the_start_and_stay_within_the_cap():
    weights = train(start_a(), POST_X, POST_Z, 1e-3, 5000).weights
    for frames in (2, 3, 10, 100):
        chosen = animation.frame_steps(weights, frames)
        assert len(chosen) <= frames and chosen[0] == 0 and chosen[-1] == 5000
    assert list(animation.frame_steps(weights[:6], 100)) == [0, 1, 2, 3, 4, 5]


@pytest.mark.slow
def test_a_gif_holds_at_most_its_frames_and_its_last_frame_says_since_when_a_stood_still(
        tmp_path):
    star = a_star(POST_X, POST_Z)
    steps = np.arange(101)
    settling = np.where(steps < 36, star + 1.7 * (-0.36) ** steps, star)  # still from 36 on
    for weights, frames in ((train(start_a(), POST_X, POST_Z, 1e-3, 100).weights, 2),
                            (settling, 100)):
        states = [state(w, POST_X, POST_Z, 0.02) for w in weights]  # as training has them
        history = History(0.02, weights, np.array([s.loss for s in states]),
                          np.array([s.gradient for s in states[:-1]]))
        path = str(tmp_path / f"{frames}.gif")
        animation.write_training_gif(path, animation.Run(POST_X, POST_Z, None, history,
                                                         state, loss_curve), frames)
        shown = gif_frames(path)[0]
        assert len(shown) <= frames
    assert animation.first_of_the_same(settling, 40) == 36
    assert animation.unchanged_note(settling, 36).startswith("a has not changed\nsince step 36")
    assert animation.unchanged_note(settling + 1e-9 * (steps > 90), 36).startswith(
        "a has not visibly changed")
    # the last two frames show the same a: they differ in the step counter and the note,
    # which is in the bowl's panel, at the top in the middle
    note = np.abs(shown[-1] - shown[-2])[60:140, 330:470].sum(axis=2)
    assert (note > 100).sum() > 200


def test_a_frame_shows_the_numbers_training_had_and_draws_only_its_sample():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 10, 20_000)
    z = 2 * x + rng.normal(0, 1, x.size)
    history = train(start_a(), x, z, 1e-3, 12)
    sizes = []

    def counting_state(a, x, z, lr):  # the test's state, noting how many points it is given
        sizes.append(len(x))
        return state(a, x, z, lr)

    run = animation.Run(x, z, None, history, counting_state, loss_curve)
    _, scene, _ = animation.training_figure(run)
    view = pictures.view_of(x)
    assert len(view) == pictures.MAX_DRAWN + 2  # the line's two ends, then the sample
    assert x[view[0]] == x.min() and x[view[1]] == x.max()
    sizes.clear()
    for number in (0, 5, 12):
        animation.show_step(scene, run, number, view)
        numbers = {label: text.get_text() for label, text in scene.numbers.items()}
        whole = state(history.weights[number], x, z, 1e-3)
        assert numbers["loss ="] == f"{whole.loss:.4g}"
        assert numbers[pictures.SLOPE] == f"{whole.gradient:.4g}"
        assert numbers[pictures.MOVE] == f"{whole.move:+.3g}"
        if number < 12:
            assert numbers["loss ="] == f"{history.losses[number]:.4g}"
        assert scene.line.get_ydata() == pytest.approx(whole.a * x[view[:2]])
        assert scene.errors.get_segments()[0][1][1] == pytest.approx(whole.a * x[view[2]])
    # the sample for the line and the errors at every step; all the points only at the
    # last step, whose slope training never took
    assert sizes == [pictures.MAX_DRAWN + 2] * 3 + [x.size]


def test_the_readout_calls_the_gradient_the_slope_here():
    history = train(start_a(), POST_X, POST_Z, 1e-3, 10)
    _, scene, _ = animation.training_figure(animation.Run(POST_X, POST_Z, None, history,
                                                          state, loss_curve))
    assert "slope here =" in scene.numbers and "gradient =" not in scene.numbers


@pytest.mark.slow
def test_odd_runs_draw_without_a_warning():
    rng = np.random.default_rng(5)
    x = np.linspace(0, 10, 30)
    odd = {"huge z": (x, (2 * x + rng.normal(0, 1, 30)) * 1e150, 1e-3),
           "tiny lr": (POST_X, POST_Z, 1e-300),
           "tiny x": (x * 1e-7, 2 * x + rng.normal(0, 1, 30), 1e11)}
    pictures.use_names(("⏱ time (s)", "z (m)"))  # a glyph the font lacks
    for name, (x, z, lr) in odd.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            figures = every_picture(x, z, lr)
            for fig in figures.values():
                fig.canvas.draw()
        assert figures["measurements"].axes[0].get_xlabel() == " time (s)", name
        plt.close("all")


@pytest.mark.slow
def test_each_picture_is_kept_under_its_name_and_the_slow_ones_go_to_one_worker():
    names = ["measurements.png", "random_start.png", "loss_curve.png", "learning_curve.png",
             "learning_rates.png", "two_weights.png", "scaling.png"]
    for background in (False, True):
        keeper = Keeper(background)
        pictures.start(keeper, 100, True)
        figures = every_picture()
        assert sorted(keeper.added) == sorted(names if not background else
                                              set(names) - {"two_weights.png"})
        # a slow one goes to a worker; 100 steps are too short for the others. It waits for
        # the animation, not kept here: the two-weights picture goes alone
        assert keeper.handed_over == ([["two_weights.png"]] if background else [])
        # in the background nothing is drawn at once: each picture waits to be written
        still = [figures[name[:-4]] for name in names]
        assert [figure is None for figure in still] == [background] * len(names)
        history = train(start_a(), POST_X, POST_Z, 1e-3, 10)
        animation.training_gif(POST_X, POST_Z, history, state, loss_curve)
        write, (run, frames) = keeper.files["training.gif"]
        assert write is animation.write_training_gif and frames == 100
        assert run.history is history
    keeper = Keeper(False)
    pictures.start(keeper, 100, False)
    animation.training_gif(POST_X, POST_Z, history, state, loss_curve)
    assert keeper.files == {}


def test_a_long_training_hands_the_pictures_before_it_to_a_worker():
    for background in (False, True):
        keeper = Keeper(background)
        pictures.start(keeper, 100, True, 1_000_000)
        a = start_a()
        pictures.measurements(POST_X, POST_Z)
        pictures.random_start(POST_X, POST_Z, a, a * POST_X)
        star = a_star(POST_X, POST_Z)
        pictures.loss_curve(POST_X, POST_Z, [state(w, POST_X, POST_Z, 1e-3)
                                             for w in (a, star, 2 * star - a)], loss_curve)
        handed = [["loss_curve.png", "measurements.png", "random_start.png"]]
        assert keeper.handed_over == (handed if background else [])


def test_in_a_small_run_the_animation_waits_to_share_a_worker_with_the_two_weights():
    """Two processes on two cores, not three, where the studies after the animation are
    quick; with many points, or a long training, the animation is drawn meanwhile."""
    most, more = (np.linspace(0.1, 10, count) for count in (pictures.MAX_DRAWN,
                                                           pictures.MAX_DRAWN + 1))
    runs = [(100, POST_X, True), (5_000, POST_X, True), (100, most, True),
            (1_000_000, POST_X, False), (100, more, False)]
    for steps, x, small in runs:
        assert pictures.small_run(steps, len(x)) == small
        z = 2 * x
        for background, gif in ((True, True), (True, False), (False, True)):
            keeper = Keeper(background)
            pictures.start(keeper, 100, gif, steps)
            animation.training_gif(x, z, train(start_a(), x, z, 1e-3, 10), state, loss_curve)
            assert list(keeper.files) == (["training.gif"] if gif else [])  # kept, or written
            waits = small and gif and background
            assert list(keeper.waiting) == (["training.gif"] if waits else [])
            path = descend(x, z, start_a(), 1e-3, 10)
            pictures.two_weights(x, z, path, loss_surface)
            pictures.scaling([x, x], z, [path, path], loss_surface)
            together = ["training.gif", "two_weights.png"] if waits else ["scaling.png",
                                                                          "two_weights.png"]
            assert keeper.handed_over == ([together] if background else [])
            assert "training.gif" not in keeper.waiting


def test_start_forgets_the_last_runs_names():
    pictures.use_names(("volts", "amps"))
    assert pictures.measurements(POST_X, POST_Z).axes[0].get_xlabel() == "volts"
    pictures.start(None, 100, True)
    assert pictures.Kept.names is None
    assert pictures.measurements(POST_X, POST_Z).axes[0].get_xlabel() == "x (input)"


def test_not_asked_the_explorer_stays_shut_and_says_nothing_outside_jupyter(capsys):
    history = train(start_a(), POST_X, POST_Z, 1e-3, 10)
    assert explorer.offer(False, POST_X, POST_Z, history, state, loss_curve, train,
                          0.0295) is None
    assert capsys.readouterr() == ("", "")


class Shell:
    """A stand-in for IPython's shell that records the magics run."""

    kernel = object()  # what a shell in a Jupyter kernel has

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


def test_in_jupyter_the_next_run_switches_the_explorers_widgets_back_to_images(monkeypatch):
    import IPython
    shell, backend = Shell(), ["widget"]  # the explorer's

    def get_ipython():
        return shell

    def get_backend():
        return backend[0]

    monkeypatch.setitem(__import__("sys").modules, "ipykernel", object())
    monkeypatch.setattr(IPython, "get_ipython", get_ipython)
    monkeypatch.setattr(matplotlib, "get_backend", get_backend)
    pictures.start(None, 100, True)
    assert shell.magics == [("matplotlib", "inline")]
    backend[0] = "inline"
    pictures.start(None, 100, True)
    assert shell.magics == [("matplotlib", "inline")]  # nothing to switch back
    # Jupyter shows the picture under its cell; returned too, it would show twice
    assert pictures.measurements(POST_X, POST_Z) is None


def test_a_barely_moving_run_has_labelled_ticks_on_its_distance_axis():
    x, z = POST_X, POST_Z
    star = a_star(x, z)
    history = train(start_a(), x, z, 1e-5, 100)
    excess = history.losses - loss_of(star, x, z)
    fig = pictures.learning_curve(excess, excess, history.weights - star, "title")
    side = fig.axes[1]
    fig.canvas.draw()
    low, high = side.get_ylim()
    labels = [label.get_text() for label in side.get_yticklabels()
              if low <= label.get_position()[1] <= high and label.get_text()]
    assert len(labels) >= 3
    assert high / low < 1.2  # the axis spans 1.61 to 1.72, not decades of empty space


@pytest.mark.slow
def test_the_default_gif_is_no_larger_than_before(tmp_path):
    history = train(start_a(), POST_X, POST_Z, 1e-3, 100)
    path = tmp_path / "training.gif"
    animation.write_training_gif(str(path), animation.Run(POST_X, POST_Z, None, history,
                                                          state, loss_curve), 100)
    assert path.stat().st_size <= 308_814  # docs/training.gif before issue 23: 101 frames
    assert len(gif_frames(str(path))[0]) == 100


def test_when_no_rate_is_kept_the_rates_picture_says_so():
    rates = [0.1 / 10 ** (k / 2) for k in range(8)]  # tried downwards from too large
    runs, bound = rates_runs(POST_X, POST_Z, rates, steps=10)
    fig = pictures.learning_rates(runs, None, bound, loss_of(a_star(POST_X, POST_Z), POST_X,
                                                             POST_Z))
    assert "none kept" in fig.axes[0].get_title()
    assert len([line for line in fig.axes[0].lines if line.get_label().startswith("lr")]) <= 6


def test_only_a_long_training_has_its_earlier_pictures_drawn_meanwhile():
    """The default run and a 1,000-row file train for a few milliseconds: a worker would
    cost more than it hides. A million steps, or a million points, train for seconds."""
    assert not pictures.long_training(100, 30) and not pictures.long_training(100, 1_000)
    assert not pictures.long_training(5_000, 30)
    assert pictures.long_training(1_000_000, 30) and pictures.long_training(100, 1_000_000)
