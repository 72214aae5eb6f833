"""Off the post's path: other rates, long and short runs, the learner's own files. Each run is
checked on its exit status, its notes, its pictures' titles (read from the PNGs' metadata)
and on nothing touching any picture's border, GIF frames included."""

import os

import numpy as np
import pytest
from conftest import PNGS, gif_frames, run, title_of, touched_edges
from PIL import Image

import pictures as draw
import regression_gd as rg
from data import load_measurements

X, Z = rg.POST_X, rg.POST_Z
A0 = rg.random_start(45)
pytestmark = pytest.mark.slow  # a matrix of whole runs: left out of the quick run


def csv(folder, name, rows, header="x,z"):
    path = folder / name
    path.write_text(header + "\n" + "".join(f"{float(x)!r},{float(z)!r}\n" for x, z in rows))
    return str(path)


def data_files(folder):
    rng = np.random.default_rng(3)
    tiny = np.linspace(0, 0.01, 25)
    huge = np.linspace(0, 10_000, 25)
    return {
        "readme": str(write(folder / "readme.csv",
                            "# distance (m), time (s)\nx,z\n0.5,1.1\n1.0,2.3\n")),
        "offset": csv(folder, "offset.csv", [(x, 10 + 2 * x) for x in range(5)]),
        "tiny": csv(folder, "tiny.csv", zip(tiny, 3 * tiny + rng.normal(0, 0.002, 25),
                                            strict=True), "volts,amps"),
        "huge": csv(folder, "huge.csv", zip(huge, 0.5 * huge + rng.normal(0, 300, 25),
                                            strict=True), "metres,seconds"),
    }


def write(path, text):
    path.write_text(text)
    return path


MATRIX = {
    "lr 1e-6": (["--lr", "1e-6"], "Barely moving"),
    "lr 1e-3": ([], "Converging"),
    "lr 0.02": (["--lr", "0.02"], "Overshooting but converging"),
    "lr 0.03": (["--lr", "0.03"], "Diverging"),
    "steps 1": (["--steps", "1"], "Barely moving: 6.8% of the way to a* in 1 step"),
    "steps 5000": (["--steps", "5000"], "Converging"),
    "readme": (["--data", "readme"], "Converging"),
    "offset": (["--data", "offset"], "Converging"),
    "tiny": (["--data", "tiny", "--lr", "100"], "Converging"),
    "huge": (["--data", "huge", "--lr", "1e-9"], "Converging"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    files = data_files(folder)
    results = {}
    for name, (arguments, _) in MATRIX.items():
        arguments = [files.get(word, word) for word in arguments]
        out = folder / name.replace(" ", "_")
        results[name] = run(*arguments, "--out", str(out)), str(out)
    return results


@pytest.mark.parametrize("name", MATRIX)
def test_runs_complete_quietly_with_every_picture(runs, name):
    result, out = runs[name]
    assert result.returncode == 0, result.stderr
    for noise in ("Traceback", "Warning", "nan", "inf "):
        assert noise not in result.stderr
    assert sorted(os.listdir(out)) == sorted(PNGS + ["training.gif"])


@pytest.mark.parametrize("name", MATRIX)
def test_learning_curve_title_says_what_the_run_did(runs, name):
    _, out = runs[name]
    assert title_of(os.path.join(out, "learning_curve.png")).startswith(MATRIX[name][1])


@pytest.mark.parametrize("name", MATRIX)
def test_nothing_touches_a_picture_border(runs, name):
    _, out = runs[name]
    for picture in PNGS:
        with Image.open(os.path.join(out, picture)) as image:
            assert touched_edges(image) == [], picture
    frames, _ = gif_frames(os.path.join(out, "training.gif"))
    for number, frame in enumerate(frames, start=1):
        assert touched_edges(Image.fromarray(frame.astype(np.uint8))) == [], number


def test_far_from_a_star_the_notes_say_what_to_run(runs):
    notes = {name: runs[name][0].stderr for name in MATRIX}
    assert "still 1.71 from a* = 1.99141" in notes["lr 1e-6"]
    assert "`python regression_gd.py --lr 0.01`" in notes["lr 1e-6"]
    assert "`python regression_gd.py --lr 1e-06 --steps 67905`" in notes["lr 1e-6"]
    assert "after 1 step a = 0.388488" in notes["steps 1"]
    assert "--lr 0.01 --steps 5`" in notes["steps 1"]
    assert "--lr 0.7`" in notes["readme"] and "--data" in notes["readme"]
    assert "warning: lr=0.03 is at or above the threshold" in notes["lr 0.03"]
    for close in ("lr 1e-3", "lr 0.02", "steps 5000"):
        assert "still" not in notes[close] and "try" not in notes[close]


def test_the_advice_works(runs, tmp_path):
    command = runs["readme"][0].stderr.split("try `")[1].split("`")[0].split()[2:]
    result = run(*command, "--no-gif", "--out", str(tmp_path))
    assert result.returncode == 0 and "still" not in result.stderr
    assert float(result.stdout.splitlines()[-1].rsplit("a=", 1)[1]) == pytest.approx(2.28,
                                                                                    rel=0.01)


def test_data_off_the_origin_is_named(runs):
    result, out = runs["offset"]
    assert "these points lie off the origin" in result.stderr
    assert "forced through (0, 0)" in result.stderr
    assert "best loss with one weight is 33.33, with an offset b: 0" in result.stderr
    assert "exact a* = 2, b* = 10" in result.stderr
    for name in ("lr 1e-3", "readme", "tiny"):
        assert "off the origin" not in runs[name][0].stderr
        assert "forced through" not in runs[name][0].stderr


def test_a_rate_too_large_for_two_weights_trains_them_at_0_9_of_their_bound(runs):
    result, out = runs["tiny"]
    x = np.linspace(0, 0.01, 25)
    rate = 0.9 * 2 / rg.curvatures(x)[-1]  # the title names the rate the surface trains at
    assert f"lr = {rate:.4g}" in title_of(os.path.join(out, "two_weights.png"))


def test_long_runs_animate_where_a_moves(runs):
    frames, durations = gif_frames(os.path.join(runs["steps 5000"][1], "training.gif"))
    assert len(frames) <= 100 and durations[-1] == 2000  # --frames 100: the start included
    assert all(np.abs(a - b).sum() > 0 for a, b in zip(frames[:-1], frames[1:], strict=True))


def test_every_a_of_a_diverging_run_stays_in_view():
    weights = rg.train(A0, X, Z, 0.03, 100).weights
    lines = [rg.predict(a, X) for a in (weights.min(), weights.max())]
    low, high = draw.fit_limits(Z, lines)
    assert low <= np.min(lines) and np.max(lines) <= high
    a_limits = draw.run_view(weights)
    assert a_limits[0] <= weights.min() and weights.max() <= a_limits[1]


def test_step_axes_have_whole_steps():
    history = rg.train(A0, X, Z, 1e-3, 1)
    floor = rg.loss(rg.predict(rg.best_a(X, Z), X), Z)
    excess = history.losses - floor
    c = rg.contraction(1e-3, X)
    fig = draw.learning_curve(excess, excess[0] * c ** (2.0 * np.arange(2)),
                              history.weights - rg.best_a(X, Z), "title")
    ticks = [tick for tick in fig.axes[0].get_xticks() if 0 <= tick <= 1]
    assert ticks and all(float(tick).is_integer() for tick in ticks)


def test_a_header_names_the_axes(tmp_path):
    path = csv(tmp_path, "volts.csv", [(1, 2), (2, 4.1), (3, 5.9)], "voltage (V),current (mA)")
    x, z, names = load_measurements(path)
    draw.start(None, 100, True)
    draw.use_names(names)
    fig = draw.measurements(x, z)
    assert fig.axes[0].get_xlabel() == "voltage (V)"
    assert fig.axes[0].get_ylabel() == "current (mA)"


def test_every_x_the_same_skips_two_weights_with_a_note(tmp_path):
    path = csv(tmp_path, "column.csv", [(2, 3.9), (2, 4.1), (2, 4.0)])
    result = run("--data", path, "--no-gif", "--out", str(tmp_path / "figures"))
    assert result.returncode == 0, result.stderr
    assert "every x is the same, so a and b cannot be told apart" in result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    assert sorted(os.listdir(tmp_path / "figures")) == sorted(
        set(PNGS) - {"two_weights.png", "scaling.png"})


def test_two_weights_far_from_the_minimum_say_how_far_and_what_gets_there(runs, tmp_path):
    result, _ = runs["lr 1e-3"]
    assert ("b* = -0.486126; `python regression_gd.py --lr 0.02 --steps 358` gets within 1% "
            "of the start's distance" in result.stderr)
    again = run("--lr", "0.02", "--steps", "358", "--no-gif", "--out", str(tmp_path))
    assert again.returncode == 0 and "gets within" not in again.stderr
    line = next(line for line in again.stderr.splitlines() if "two weights after" in line)
    a, b = (float(line.split(f" {name} = ")[1].split(",")[0].split(";")[0])
            for name in ("a", "b"))
    start = 0.2718754143840908
    assert np.hypot(a - 2.06309, b + 0.486126) <= 0.01 * np.hypot(start - 2.06309, 0.486126)
    huge, _ = runs["huge"]
    assert "it takes over 5,000 steps: the valley is too narrow" in huge.stderr
