"""The pictures read right, on the post's path and off it: type of 8 points or more, nothing
touching a border, the learning curve on a log scale with a's side marked, at most six rates,
the GIF's frames, the sample drawn for many points, a CSV header drawn as it reads, and the
pictures for a phone (--narrow) 480 pixels wide with their panels stacked."""

import argparse
import os
import warnings

import matplotlib

matplotlib.use("agg")
import numpy as np
import pytest
from conftest import (
    PICTURES,
    PNGS,
    ROOT,
    SPANISH_SCRIPT,
    gif_frames,
    run,
    touched_edges,
    write_points,
)
from matplotlib.text import Text
from PIL import Image

import pictures
import program
import regression_gd as rg

X, Z = rg.POST_X, rg.POST_Z
A0 = rg.random_start(45)


def start(tmp_path, **settings):
    """Start a run of pictures into tmp_path, as read_settings does."""
    defaults = dict(out=str(tmp_path), no_gif=False, show=False, narrow=False, frames=100,
                    data=None, explore=False, lr=1e-3, steps=100)
    program.speak("en")
    program.Run.start(argparse.Namespace(**{**defaults, **settings}))


def drawn(picture, *args, panels=1):
    """The figure a picture draws (its function without the registration), laid out."""
    fig = pictures.new_figure(panels)
    picture.__wrapped__(fig, *args)
    pictures.arrange(fig)
    return fig


def every_picture(tmp_path, x=X, z=Z, lr=1e-3, **settings):
    """{name: figure} of every still picture for the points, at rate lr."""
    start(tmp_path, **settings)
    a_star, history = rg.best_a(x, z), rg.train(A0, x, z, lr, 100)
    excess = history.losses - rg.loss(rg.predict(a_star, x), z)
    runs = {rate: (rg.train(A0, x, z, rate, 100).losses, "converging", False)
            for rate in (lr, lr * 3.16, lr / 3.16)}
    descent = rg.descend(x, z, A0, lr, 100)
    standard = rg.standardised(x)
    scaled = [rg.descend(x, z, A0, 1 / rg.curvatures(x)[-1], 600),
              rg.descend(standard, z, A0, 1 / rg.curvatures(standard)[-1], 10)]
    tangents = [rg.state(w, x, z, lr) for w in (A0, a_star, 2 * a_star - A0)]
    return {
        "measurements.png": drawn(pictures.measurements, x, z),
        "random_start.png": drawn(pictures.random_start, x, z, A0, rg.predict(A0, x)),
        "loss_curve.png": drawn(pictures.loss_curve, x, z, tangents, rg.loss_curve),
        "learning_curve.png": drawn(pictures.learning_curve, excess, excess,
                                    history.weights - a_star, ("converging", 0.9, 0.5),
                                    panels=2),
        "learning_rates.png": drawn(pictures.learning_rates, runs, lr, 0.0295, excess[-1]),
        "two_weights.png": drawn(pictures.two_weights, x, z, descent, rg.loss_surface,
                                 panels=2),
        "scaling.png": drawn(pictures.scaling, [x, standard], z, scaled, rg.loss_surface,
                             panels=2)}


def test_pictures_is_the_one_list_of_pictures_with_their_captions():
    """The registry names every picture once (a default run saves them in its order: see
    test_runs), the GIF among them, and each README's table holds its captions."""
    assert len(PICTURES) >= 8 and "training.gif" in PICTURES and len(PNGS) == len(PICTURES) - 1
    assert all(len(caption) > 20 for caption in pictures.PICTURES.values())
    try:
        for language, readme in (("en", "README.md"), ("es", "README.es.md")):
            with open(os.path.join(ROOT, readme), encoding="utf-8") as file:
                text = file.read()
            program.speak(language)
            for name, caption in pictures.PICTURES.items():  # each README's table holds them
                assert f"| `{name}` | {program._(caption)} |" in text, (readme, name)
    finally:
        program.speak("en")


def test_every_text_is_8_points_or_more_and_nothing_warns(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = every_picture(tmp_path)
    for name, fig in figures.items():
        small = {(text.get_text()[:30], text.get_fontsize()) for text in
                 fig.findobj(Text) if text.get_text() and text.get_fontsize() < 8}
        assert not small, (name, small)


def test_the_distance_to_a_star_is_a_straight_line_with_its_side_marked(tmp_path):
    start(tmp_path)
    star = rg.best_a(X, Z)
    for lr, sides in ((1e-3, {"below"}), (0.02, {"below", "above"})):
        history = rg.train(A0, X, Z, lr, 100)
        excess = history.losses - rg.loss(rg.predict(star, X), Z)
        side = drawn(pictures.learning_curve, excess, excess, history.weights - star,
                     ("converging", 0.9, 0.5), panels=2).axes[1]
        assert side.get_yscale() == "log"
        marked = {line.get_label().split()[-2] for line in side.lines
                  if line.get_label().startswith("|a − a*|")}
        assert marked == sides


def test_at_most_six_rates_are_drawn(tmp_path):
    start(tmp_path)
    runs = {rate: (rg.train(A0, X, Z, rate, 50).losses, "converging", False)
            for rate in 1e-6 * 3.16 ** np.arange(12)}
    fig = drawn(pictures.learning_rates, runs, 1e-6 * 3.16 ** 5, 0.0295, 3.46)
    curves = [line for line in fig.axes[0].lines if line.get_label().startswith("lr = ")]
    assert len(curves) == 6 and "12 rates tried" in fig.axes[0].get_title()


def test_frames_hold_the_start_and_the_end_within_the_cap():
    assert list(pictures.frame_steps(100, 101)) == list(range(101))
    for steps, frames in ((100, 100), (5000, 100), (10**6, 300), (3, 2), (1, 2)):
        chosen = pictures.frame_steps(steps, frames)
        assert chosen[0] == 0 and chosen[-1] == steps and len(chosen) <= frames
        assert np.all(np.diff(chosen) > 0)


def test_the_gif_shows_every_step_its_timing_and_the_numbers_training_had(default_run):
    frames, durations = gif_frames(os.path.join(default_run[1], "training.gif"))
    assert len(frames) == 100
    assert durations == [pictures.FRAME_MS] * 99 + [pictures.LAST_MS]
    assert frames[0].shape == (384, 512, 3)
    assert np.array_equal(frames[0][200, 5], [255, 255, 255])  # white stays white
    differences = [np.abs(a - b).mean() for a, b in zip(frames, frames[1:], strict=False)]
    assert min(differences) > 0  # every frame differs from the one before


def test_a_frame_is_drawn_at_the_sample_with_the_numbers_over_all_the_points():
    x = np.linspace(0, 10, 5000)
    z = 2 * x + np.sin(x)
    view = pictures.view_of(x)
    assert len(view) == pictures.MOST_DRAWN + 2 and view[0] == 0 and view[1] == 4999
    here = pictures.viewed(rg.state, 0.7, x, z, view, 1e-3)
    assert here.loss == rg.loss(rg.predict(0.7, x), z) and len(here.fitted) == len(view)
    assert here.gradient == rg.gradient(0.7, x, z)


OFF_PATH = {  # a learner's other runs: rates, lengths and data at other scales
    "lr 0.03": (["--lr", "0.03"], None),
    "steps 5000": (["--steps", "5000"], None),
    "x in 0…0.001": (["--lr", "3000"], (np.linspace(0, 0.001, 25), 2.0, 0.0)),
    "x in the thousands": (["--lr", "1e-8"], (np.linspace(1000, 5000, 40), 0.002, 0.0)),
    "with an offset": ([], (np.linspace(0, 4, 20), 2.0, 10.0)),
    "many points": ([], (np.linspace(0, 10, 20000), 2.0, 0.0)),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", OFF_PATH)
def test_off_the_posts_path_every_picture_is_whole(case, tmp_path):
    args, points = OFF_PATH[case]
    if points:
        x, slope, offset = points
        noise = np.random.default_rng(3).normal(0, 0.05 * np.ptp(slope * x) + 1e-9, x.size)
        args = [*args, "--data", write_points(str(tmp_path), "d.csv", x,
                                              slope * x + offset + noise)]
    result = run(*args, "--out", str(tmp_path / "f"))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    for name in PICTURES:
        with Image.open(tmp_path / "f" / name) as picture:
            assert touched_edges(picture.convert("RGB")) == [], (case, name)


def test_a_header_is_drawn_as_it_reads(tmp_path):
    path = write_points(str(tmp_path), "d.csv", [1.0, 2.0, 3.0], [2.0, 4.1, 5.9],
                        header="$\\foo$,a_b_c $")
    result = run("--data", path, "--no-gif", "--out", str(tmp_path / "f"))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    start(tmp_path)
    program.Run.names = ("$\\foo$", "$x^{2$")
    fig = drawn(pictures.measurements, np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    assert fig.axes[0].get_xlabel() == "$\\foo$"
    fig.savefig(tmp_path / "probe.png")  # drawn as text: no mathematics to fail on


def test_for_a_phone_pictures_are_480_pixels_wide_their_panels_stacked(tmp_path):
    figures = every_picture(tmp_path, narrow=True)
    for name, fig in figures.items():
        assert fig.bbox.width == 480, name
        panels = [ax.get_position() for ax in fig.axes if ax.name == "rectilinear"]
        if len(panels) == 2:
            assert panels[0].y0 > panels[1].y1, name  # one above the other
        legend = fig.legends[0]
        assert all(text.get_fontsize() >= 10 for text in legend.get_texts()), name



@pytest.mark.parametrize("script", ["regression_gd.py", SPANISH_SCRIPT])
def test_for_a_phone_the_gif_is_480_pixels_wide_and_its_readout_fits(script, tmp_path):
    """The --narrow GIF stacks its panels, and its readout (the longest: 5,000 steps, and
    in Spanish) ends before the frame's edge in every frame."""
    result = run("--narrow", "--steps", "5000", "--out", str(tmp_path),
                 script=os.path.join(os.path.dirname(SPANISH_SCRIPT), script))
    assert result.returncode == 0, result.stderr
    frames, _durations = gif_frames(tmp_path / "training.gif")
    assert frames[0].shape == (840, 480, 3)
    for frame in frames:
        readout = frame[:48].max(axis=2) < 128  # the two dark lines above the panels
        assert readout[:, :240].any() and not readout[:, -8:].any()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("narrow", [False, True])
def test_step_numbers_never_touch_however_many_steps(narrow, language, tmp_path):
    """The learning curve's narrower panel, for runs of 100 to a million steps."""
    start(tmp_path, narrow=narrow)
    program.speak(language)
    try:
        for last in (100, 200, 500, 999, 5000, 123_456, 850_000, 10**6):
            fig = drawn(pictures.learning_curve, *(np.geomspace(1, 1e-6, last + 1),) * 2,
                        np.geomspace(1, 1e-3, last + 1), ("converging", 0.9, 0.5), panels=2)
            fig.canvas.draw()
            for ax in fig.axes:
                boxes = sorted((label.get_window_extent().x0, label.get_window_extent().x1)
                               for label in ax.get_xticklabels() if label.get_text())
                gaps = [left - right for (_l, right), (left, _r) in zip(boxes, boxes[1:],
                                                                           strict=False)]
                assert len(boxes) >= 3 and min(gaps) > 4, (
                    last, [label.get_text() for label in ax.get_xticklabels()])
    finally:
        program.speak("en")


def test_tick_labels_tell_their_ticks_apart_when_a_run_barely_moves(tmp_path):
    """x in 0…0.001 at lr = 0.001: the excess loss changes in its 8th digit."""
    start(tmp_path)
    steps = np.arange(101)
    fig = drawn(pictures.learning_curve, *(1.2823614 - 1e-9 * steps,) * 2,
                1963.5732 - 1e-6 * steps, ("barely moving", 0.99999997, 6.65e-8), panels=2)
    fig.canvas.draw()
    for ax in fig.axes:
        labels = [label.get_text() for label in ax.get_yticklabels() if label.get_text()]
        assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
