"""Tests of the lesson's numbers, its log, its pictures and its command line."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import PICTURES, ROOT, SCRIPT, hashes, run
from PIL import Image

import regression_gd as rg

POST_LOG = os.path.join(ROOT, "tests", "post_log.txt")


# %% The lesson's functions, on values checked by hand

def test_predict_multiplies():
    assert list(rg.predict(2.0, np.array([0.0, 1.5, -3.0]))) == [0.0, 3.0, -6.0]


def test_loss_is_mean_squared_error():
    # gaps 1 and -2: (1 + 4) / 2
    assert rg.loss(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == 2.5


def test_gradient_by_hand():
    # a=1, x=[1,2], z=[0,0]: (2/2) * ((1-0)*1 + (2-0)*2) = 5
    assert rg.gradient(1.0, np.array([1.0, 2.0]), np.array([0.0, 0.0])) == 5.0


@pytest.mark.parametrize("a", [-3.0, 0.2718754143840908, 1.0, 1.991412006340672, 4.0])
def test_gradient_matches_central_difference(a):
    numeric = rg.finite_difference(a, rg.x, rg.z, h=1e-5)
    assert rg.gradient(a, rg.x, rg.z) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_step_moves_against_the_gradient():
    assert rg.step(1.0, 5.0, 0.1) == 0.5
    assert rg.step(1.0, -5.0, 0.1) == 1.5


def test_exact_minimum_has_zero_gradient():
    a_star = rg.best_a(rg.x, rg.z)
    assert a_star == pytest.approx(1.991412006340672, rel=1e-15)
    assert abs(rg.gradient(a_star, rg.x, rg.z)) < 1e-9


def test_stability_bound_separates_converging_from_diverging():
    bound = rg.stability_bound(rg.x)
    assert bound == pytest.approx(0.0295, abs=5e-5)
    a0 = rg.random_start(45)
    a_star = rg.best_a(rg.x, rg.z)
    below = rg.train(a0, rg.x, rg.z, 0.99 * bound, 300)[0]
    above = rg.train(a0, rg.x, rg.z, 1.01 * bound, 300)[0]
    assert abs(below[-1] - a_star) < abs(a0 - a_star)
    assert abs(above[-1] - a_star) > abs(a0 - a_star)


def test_random_start_is_the_posts():
    assert rg.random_start(45) == 0.2718754143840908


def test_train_stops_where_the_loss_blows_up():
    a0 = rg.random_start(45)
    weights, losses, grads = rg.train(a0, rg.x, rg.z, 0.05, 100)
    start = rg.loss(rg.predict(a0, rg.x), rg.z)
    assert len(weights) < 100
    assert losses[-1] > rg.BLOWUP * start and np.all(losses[:-1] <= rg.BLOWUP * start)
    assert rg.blew_up(losses[-1], start) and not rg.blew_up(losses[-2], start)


def test_tangent_touches_the_curve_with_the_derivative_as_slope():
    for a in (0.4, 1.2, 3.6):
        ends, values = rg.tangent(a, rg.x, rg.z, 0.5)
        assert np.mean(ends) == pytest.approx(a)
        assert np.mean(values) == pytest.approx(rg.loss(rg.predict(a, rg.x), rg.z))
        slope = (values[1] - values[0]) / (ends[1] - ends[0])
        assert slope == pytest.approx(rg.gradient(a, rg.x, rg.z))


def test_animation_frame_draws_the_tangent_at_the_drawn_point():
    limits = (0.0, 4.0)
    weights = rg.train(rg.random_start(45), rg.x, rg.z, 1e-3, 100)[0]
    fig, moving = rg.training_figure(rg.x, rg.z, limits)
    fit_line, tangent_line, point, readout, title = moving
    for step_number in (1, 37, 100):
        a = weights[step_number - 1]
        rg.show_step(moving, rg.x, rg.z, limits, a, step_number, 100)
        (pa,), (pl,) = point.get_data()
        assert pa == a and pl == pytest.approx(rg.loss(rg.predict(a, rg.x), rg.z))
        tx, ty = (np.asarray(v) for v in tangent_line.get_data())
        assert np.mean(tx) == pytest.approx(pa) and np.mean(ty) == pytest.approx(pl)
        assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(rg.gradient(a, rg.x, rg.z))
        assert fit_line.get_ydata() == pytest.approx(a * np.asarray(fit_line.get_xdata()))
        assert title.get_text() == f"step {step_number} of 100"
        assert f"a = {a:.4g}" in readout.get_text()
    assert fig.get_size_inches() * fig.dpi == pytest.approx([512, 384])


def test_frames_are_sampled_evenly_with_first_and_last():
    chosen = rg.frame_steps(10000, 100)
    assert len(chosen) == 100 and chosen[0] == 1 and chosen[-1] == 10000
    assert np.ptp(np.diff(chosen)) <= 1
    assert list(rg.frame_steps(5, 100)) == [1, 2, 3, 4, 5]


def test_learning_rates_compared_include_one_just_above_the_bound():
    bound = rg.stability_bound(rg.x)
    rates = rg.learning_rates_to_compare(1e-3, bound)
    assert rates[:3] == pytest.approx([1e-4, 1e-3, 1e-2])
    assert bound < rates[-1] < 1.1 * bound


# %% The log on stdout

def test_log_matches_the_post_byte_for_byte(default_run):
    result, _ = default_run
    with open(POST_LOG) as file:
        assert result.stdout == file.read()


def test_notes_go_to_stderr(default_run):
    result, _ = default_run
    assert "1.991412006340672" in result.stderr  # the exact answer
    assert "gradient check" in result.stderr and "relative difference" in result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr


def test_every_and_steps_shape_the_log(tmp_path):
    result = run("--steps", "25", "--every", "10", "--no-gif", "--out", str(tmp_path))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["i=0", "i=10", "i=20", "i=25"]
    with open(POST_LOG) as file:
        assert lines[:3] == file.read().splitlines()[:3]


# %% The pictures

def test_every_picture_is_saved_with_its_size(default_run):
    _, out = default_run
    assert sorted(os.listdir(out)) == sorted(PICTURES)  # and no stray temporary file
    for name in PICTURES[:-1]:
        with Image.open(os.path.join(out, name)) as picture:
            assert picture.format == "PNG" and picture.size == (640, 480)


def test_training_gif_frames_timing_and_loop(default_run):
    _, out = default_run
    with Image.open(os.path.join(out, "training.gif")) as gif:
        assert gif.format == "GIF" and gif.size == (512, 384)
        assert gif.n_frames == 100
        assert gif.info["loop"] == 0
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        assert set(durations) == {200}


def test_gif_frames_change_and_background_is_white(default_run):
    _, out = default_run
    with Image.open(os.path.join(out, "training.gif")) as gif:
        first = np.asarray(gif.convert("RGB"), dtype=int)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"), dtype=int)
    assert tuple(first[2, 2]) == (255, 255, 255)
    assert np.abs(first - last).sum() > 0


def test_frames_option_caps_long_runs(tmp_path):
    result = run("--steps", "1000", "--frames", "20", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "training.gif") as gif:
        assert gif.n_frames == 20


def test_no_gif_skips_the_animation(tmp_path):
    result = run("--no-gif", "--out", str(tmp_path))
    assert result.returncode == 0
    assert "training.gif" not in os.listdir(tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted(PICTURES[:-1])


def test_show_without_a_display_only_warns(tmp_path):
    result = run("--show", "--no-gif", "--out", str(tmp_path))
    assert result.returncode == 0
    assert "no display" in result.stderr


# %% Bad input: one clear line, exit status 2, nothing touched

BAD_ARGUMENTS = [
    (["--lr", "0"], "--lr"), (["--lr", "-1"], "--lr"), (["--lr", "nan"], "--lr"),
    (["--lr", "inf"], "--lr"), (["--lr", "abc"], "--lr"),
    (["--steps", "0"], "--steps"), (["--steps", "2.5"], "--steps"), (["--steps", "x"], "--steps"),
    (["--every", "0"], "--every"), (["--every", "ten"], "--every"),
    (["--seed", "1.5"], "--seed"), (["--seed", "abc"], "--seed"),
    (["--frames", "1"], "--frames"),
]


@pytest.mark.parametrize("arguments, named", BAD_ARGUMENTS)
def test_bad_values_exit_2_with_a_message(arguments, named, good_folder):
    before = hashes(good_folder)
    result = run(*arguments, "--out", good_folder)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and named in error_lines[0]
    assert hashes(good_folder) == before


def test_out_that_is_a_file(tmp_path):
    target = tmp_path / "figures"
    target.write_text("not a folder")
    result = run("--out", str(target))
    assert result.returncode == 2 and "is a file" in result.stderr
    assert "Traceback" not in result.stderr and target.read_text() == "not a folder"


@pytest.mark.parametrize("where", ["under-a-file", "read-only"])
def test_out_that_cannot_be_written(where, tmp_path):
    if where == "under-a-file":
        (tmp_path / "file").write_text("x")
        target = str(tmp_path / "file" / "figures")
    else:
        target = "/proc/regression-gd-figures"  # no one, not even root, can create this
    result = run("--out", target)
    assert result.returncode == 2
    assert "cannot write pictures" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_out_without_write_permission(good_folder):
    before = hashes(good_folder)
    os.chmod(good_folder, 0o500)
    try:
        result = run("--out", good_folder)
    finally:
        os.chmod(good_folder, 0o700)
    assert result.returncode == 2 and "cannot write pictures" in result.stderr
    assert hashes(good_folder) == before


# %% Divergence

def test_divergence_stops_exits_1_and_writes_nothing(good_folder):
    before = hashes(good_folder)
    result = run("--lr", "0.05", "--out", good_folder)
    assert result.returncode == 1
    assert "diverged at step 4" in result.stderr and "0.02949" in result.stderr
    everything = result.stdout + result.stderr
    for bad in ("nan", "inf", "Warning", "overflow", "Traceback"):
        assert bad not in everything
    assert hashes(good_folder) == before


def test_huge_learning_rate_overflows_quietly(tmp_path):
    result = run("--lr", "1e300", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "diverged at step 1" in result.stderr and "infinity" in result.stderr
    assert "Warning" not in result.stderr and "nan" not in result.stdout
    assert os.listdir(tmp_path) == []


def test_just_above_the_bound_completes_and_warns(tmp_path):
    result = run("--lr", "0.03", "--out", str(tmp_path))
    assert result.returncode == 0
    assert "above the stability bound" in result.stderr and "0.02949" in result.stderr
    assert sorted(os.listdir(tmp_path)) == sorted(PICTURES)
    last_a = float(result.stdout.splitlines()[-1].rsplit("a=", 1)[1])
    assert abs(last_a - 1.9914) > 10  # the oscillation grew


# %% Ctrl-C and atomic writes

def test_ctrl_c_during_the_gif_keeps_earlier_pictures(good_folder):
    before = hashes(good_folder)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    process = subprocess.Popen(
        [sys.executable, SCRIPT, "--steps", "3000", "--frames", "3000", "--out", good_folder],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while not any(name.endswith(".part.gif") for name in os.listdir(good_folder)):
        assert process.poll() is None and time.monotonic() < deadline, "GIF never started"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1].startswith("interrupted")
    assert "Traceback" not in stderr
    after = hashes(good_folder)
    assert after["training.gif"] == before["training.gif"]  # the old animation survives
    assert sorted(after) == sorted(PICTURES)  # no temporary file left behind
    for name in PICTURES:
        with Image.open(os.path.join(good_folder, name)) as picture:
            picture.verify()


def test_written_atomically_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "picture.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with rg.written_atomically(str(target)) as temporary:
            with open(temporary, "wb") as file:
                file.write(b"half")
            raise RuntimeError("interrupted")
    assert os.listdir(tmp_path) == ["picture.png"] and target.read_bytes() == b"old"


# %% The command line

def test_help_explains_every_option():
    result = run("--help")
    assert result.returncode == 0
    for option in ("--lr", "--steps", "--seed", "--every", "--frames", "--data", "--out",
                   "--no-gif", "--show"):
        assert option in result.stdout


def test_a_closed_pipe_is_not_an_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    command = f'"{sys.executable}" "{SCRIPT}" --no-gif --out "{tmp_path}" | head -1'
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("i=0: ")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert "learning_rates.png" in os.listdir(tmp_path)
