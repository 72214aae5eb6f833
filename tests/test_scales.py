"""Every picture true at any scale: data sets from x in 0…0.001 to 0…10,000, with and
without an offset, few and many points, each run at the rate the script itself suggests.
Checked: the tangents' places and signs, every marker inside its panel in every GIF frame,
nothing at any picture's edge, no GIF frame repeating the one before, the 3-D loss axis."""

import os

import numpy as np
import pytest
from conftest import PNGS, gif_frames, run, touched_edges
from PIL import Image

import animation
import pictures as draw
import regression_gd as rg

STAR_RADIUS_PX = 6 * 80 / 72  # the current a's star: markersize 12 points, at the GIF's dpi


def data_set(x, slope, offset, noise, seed=5):
    rng = np.random.default_rng(seed)
    return x, slope * x + offset + rng.normal(0, noise, x.size)


SETS = {
    "micro 0…0.001": data_set(np.linspace(0, 0.001, 25), 3.0, 0.0, 2e-4),
    "few 0…10 offset": data_set(np.linspace(0, 10, 6), 2.0, 8.0, 0.5),
    "thousands 0…3,000": data_set(np.linspace(0, 3000, 25), 0.0064, 0.0, 2.0),
    "ten thousand 0…10,000 offset": data_set(np.linspace(0, 10_000, 400), 0.5, 900.0, 300.0),
    "around 0, −50…50": data_set(np.linspace(-50, 50, 41), -1.5, 0.0, 5.0),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each data set written as CSV and run at the script's safe rate."""
    folder = tmp_path_factory.mktemp("scales")
    done = {}
    for number, (name, (x, z)) in enumerate(SETS.items()):
        path = folder / f"set{number}.csv"
        rows = zip(x.tolist(), z.tolist(), strict=True)
        path.write_text("x,z\n" + "".join(f"{a!r},{b!r}\n" for a, b in rows))
        out = folder / f"out{number}"
        lr = rg.safe_rate(rg.stability_bound(x) / 2)  # the rate the script suggests
        done[name] = run("--data", str(path), "--lr", f"{lr:g}", "--out", str(out)), str(out), lr
    return done


def lesson_run(x, z, lr, steps=100):
    """What the lesson hands the animation for this data."""
    return animation.Run(x, z, None, rg.train(rg.random_start(45), x, z, lr, steps),
                         rg.state, rg.loss_curve)


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_the_run_completes_quietly(runs, name):
    result, out, _ = runs[name]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    assert sorted(os.listdir(out)) == sorted(PNGS + ["training.gif"])


@pytest.mark.parametrize("name", SETS)
def test_tangents_lie_left_of_at_and_right_of_the_minimum(name):
    x, z = SETS[name]
    a_star, start = rg.best_a(x, z), rg.random_start(45)
    fig = draw.loss_curve(x, z, [rg.state(a, x, z, 1e-3) for a in sorted(
        (start, a_star, 2 * a_star - start))], rg.loss_curve)
    limits = fig.axes[0].get_xlim()
    assert limits[0] < min(a_star, start) and max(a_star, start) < limits[1]
    ax = fig.axes[0]
    tangents = {line.get_label().split(",")[0].split(":")[0]: line for line in ax.lines
                if line.get_label().startswith("tangent")}
    assert list(tangents) == ["tangent left of a*", "tangent at the minimum a* = "
                              f"{a_star:.4g}", "tangent right of a*"]
    (left, middle, right) = (np.mean(line.get_xdata()) for line in tangents.values())
    assert left < a_star < right and middle == pytest.approx(a_star)
    slopes = [np.diff(line.get_ydata())[0] / np.diff(line.get_xdata())[0]
              for line in tangents.values()]
    assert slopes[0] < 0 < slopes[2] and abs(slopes[1]) <= 1e-6 * abs(slopes[0])
    # the bowl's bottom is in the middle of the view, not against an edge
    assert 0.25 < (a_star - limits[0]) / (limits[1] - limits[0]) < 0.75


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_every_marker_lies_inside_its_panel_in_every_frame(runs, name):
    x, z = SETS[name]
    the_run = lesson_run(x, z, runs[name][2])
    fig, scene, _ = animation.training_figure(the_run)
    fig.canvas.draw()
    view = draw.view_of(x)
    for number in animation.frame_steps(the_run.history.weights, 100):
        animation.show_step(scene, the_run, number, view)
        for artist, radius in ((scene.point, STAR_RADIUS_PX), (scene.line, 1)):
            box = artist.axes.bbox
            for px, py in artist.axes.transData.transform(artist.get_xydata()):
                assert box.x0 + radius <= px <= box.x1 - radius, (number, artist)
                assert box.y0 + radius <= py <= box.y1 - radius, (number, artist)


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_nothing_touches_an_edge_and_no_frame_repeats(runs, name):
    _, out, _ = runs[name]
    for picture in PNGS:
        with Image.open(os.path.join(out, picture)) as image:
            assert touched_edges(image) == [], picture
    frames, _ = gif_frames(os.path.join(out, "training.gif"))
    for number, frame in enumerate(frames):
        assert touched_edges(Image.fromarray(frame.astype(np.uint8))) == [], number
    for number, (before, after) in enumerate(zip(frames[:-1], frames[1:], strict=True)):
        assert np.abs(after - before).sum() > 0, f"frame {number + 1} repeats frame {number}"


@pytest.mark.parametrize("name", SETS)
def test_the_3d_loss_axis_is_labelled_in_plain_numbers(name):
    x, z = SETS[name]
    start, rate = rg.random_start(45), 0.9 * 2 / rg.curvatures(x)[-1]
    fig = draw.two_weights(x, z, rg.descend(x, z, start, rate, 100), rg.loss_surface)
    solid = fig.axes[1]
    assert solid.get_zlabel() == "loss"
    fig.canvas.draw()
    labels = [label.get_text() for label in solid.zaxis.get_ticklabels()]
    assert labels and not any("e+" in label for label in labels)


def test_the_bowl_and_the_surface_from_sums_equal_the_loss_itself():
    for x, z in SETS.values():
        a_values = rg.best_a(x, z) + np.linspace(-3, 3, 7)
        direct = [rg.loss(rg.predict(a, x), z) for a in a_values]
        assert rg.loss_curve(a_values, x, z) == pytest.approx(direct, rel=1e-9)
        a_grid, b_grid = np.meshgrid(a_values, np.linspace(-5, 5, 3))
        direct = [[rg.loss(rg.predict_with_offset(a, b, x), z)
                   for a, b in zip(row_a, row_b, strict=True)]
                  for row_a, row_b in zip(a_grid, b_grid, strict=True)]
        assert rg.loss_surface(a_grid, b_grid, x, z) == pytest.approx(np.array(direct),
                                                                      rel=1e-9)


def test_short_tick_labels_say_the_same_number():
    values = (240_000, 80_000, 9_000, 1_500_000, 2.5, 0.003)
    assert [draw.short_number(value) for value in values] == [
        "240k", "80k", "9,000", "1.5M", "2.5", "0.003"]
