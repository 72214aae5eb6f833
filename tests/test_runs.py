"""A run of the lesson as a learner makes it: the post's log on stdout, a few notes on
stderr, every picture saved; every option, knob and fault ending in one clear line; the
pictures saved all together or not at all, and nothing of the learner's touched."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import (
    PICTURES,
    POST_LOG,
    ROOT,
    SCRIPT,
    headless_env,
    one_line_error,
    run,
    title_of,
    write_points,
)
from PIL import Image

import regression_gd as rg


def test_the_log_is_the_posts_byte_for_byte(default_run):
    with open(POST_LOG) as file:
        assert default_run[0].stdout == file.read()


def test_a_few_notes_on_stderr_the_saved_line_last(default_run):
    lines = default_run[0].stderr.splitlines()
    assert len(lines) <= 10 and all(line.startswith("note: ") for line in lines[:-1])
    assert lines[0].startswith("note: at the random start a = 0.2718754143840908 the loss is "
                               "103.72263739946467")
    assert lines[-1] == f"saved in {default_run[1]}/: " + ", ".join(PICTURES)


def test_every_picture_is_saved_with_its_size_and_title(default_run):
    folder = default_run[1]
    assert sorted(os.listdir(folder)) == sorted(PICTURES)  # and no temporary file left
    for name in PICTURES:
        with Image.open(os.path.join(folder, name)) as picture:
            wide = name in ("learning_curve.png", "two_weights.png", "scaling.png")
            assert picture.size == ((512, 384) if name.endswith(".gif")
                                    else (960 if wide else 640, 480)), name
    assert title_of(os.path.join(folder, "random_start.png")) == (
        "Random start a = 0.2719: each red segment is one point's error")
    assert title_of(os.path.join(folder, "learning_curve.png")).startswith("Converging: ")


def test_every_and_steps_shape_the_log(tmp_path):
    result = run("--steps", "25", "--every", "7", "--no-gif", "--out", str(tmp_path))
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "i=7", "i=14", "i=21", "i=25"]


# Options and knobs: each bad value is one line naming it

@pytest.mark.parametrize("args, words", [
    (["--lr", "0"], "--lr"), (["--lr", "abc"], "'abc' must be a number"),
    (["--lr", "nan"], "--lr"), (["--steps", "1.5"], "whole number"),
    (["--steps", "0"], "1…1000000"), (["--steps", "2000000"], "1…1000000"),
    (["--frames", "1"], "2…300"), (["--every", "-3"], "--every"), (["--seed", "x"], "--seed"),
    (["--guess", "inf"], "--guess"), (["--out", ""], "--out"), (["--bogus"], "--bogus"),
    (["--lr"], "expected one argument"), (["--data", ""], "--data")])
def test_a_bad_option_is_one_line_and_exit_2(args, words, tmp_path):
    result = run(*args, cwd=tmp_path)
    one_line_error(result, 2, words)
    assert os.listdir(tmp_path) == [] and result.stdout == ""


def test_a_long_option_value_is_cut_short_in_the_message(tmp_path):
    for args in (["--lr", "9" * 100_000], ["--steps", "1" * 100_000], ["--x" * 30_000]):
        line = one_line_error(run(*args, cwd=tmp_path), 2)
        assert len(line) < 300, line[:300]


def knob_lesson(folder, **knobs):
    """A copy of the lesson with some knobs set as a teacher would set them."""
    text = open(SCRIPT, encoding="utf-8").read()
    for knob, value in knobs.items():
        text, count = re.subn(rf"^{knob} = .*$", f"{knob} = {value}", text, flags=re.M)
        assert count == 1, knob
    path = os.path.join(folder, "regression_gd.py")
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    for name in ("program.py", "pictures.py", "data.py", "exercises.py"):
        shutil.copy(os.path.join(ROOT, name), folder)
    return path


@pytest.mark.parametrize("knob, value", [
    ("STEPS", "None"), ("STEPS", "True"), ("STEPS", '"100"'), ("LEARNING_RATE", '"0.01"'),
    ("OUT", "None"), ("EXPLORE", '"yes"'), ("FRAMES", "2.5"), ("LANGUAGE", '"fr"'),
    ("GUESS", "None")])
def test_a_bad_knob_in_a_script_is_one_line_naming_it(knob, value, tmp_path):
    result = run(script=knob_lesson(str(tmp_path), **{knob: value}), cwd=tmp_path)
    one_line_error(result, 2, knob)


def test_help_lists_every_option():
    result = run("--help")
    assert result.returncode == 0
    for option in ("--lr", "--steps", "--seed", "--every", "--frames", "--guess", "--data",
                   "--out", "--no-gif", "--show", "--explore"):
        assert option in result.stdout
    assert "--lang" not in result.stdout


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "cp1252"},
                                 {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}])
def test_an_output_that_cannot_show_sigma_still_works(env, tmp_path):
    result = run("--help", env=headless_env(**env), errors="replace")
    assert result.returncode == 0 and "--lr" in result.stdout and result.stderr == ""
    failed = run("--lr", "-1", env=headless_env(**env), cwd=tmp_path, errors="replace")
    one_line_error(failed, 2, "--lr")
    ran = run("--out", str(tmp_path / "f"), "--no-gif", env=headless_env(**env),
              errors="replace")
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, ran.stderr
    assert "threshold N/" in ran.stderr  # the line is there, with what it cannot show replaced


# Faults: one line, a status, nothing of the learner's touched

def test_a_diverging_rate_stops_with_one_line_and_changes_nothing(tmp_path):
    out = tmp_path / "new" / "figures"
    result = run("--lr", "0.05", "--out", str(out))
    line = one_line_error(result, 1, "training diverged at step 4", "--lr 0.01")
    assert "No picture was changed" in line
    assert not (tmp_path / "new").exists()  # no folder it made is left behind


def test_a_bad_data_file_into_a_new_folder_leaves_no_folder(tmp_path):
    (tmp_path / "bad.csv").write_text("x,z\n1,2\n3,oops\n")
    result = run("--data", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "newdir"))
    one_line_error(result, 2, "line 3", "'oops'")
    assert not (tmp_path / "newdir").exists()


@pytest.mark.parametrize("flags", [[], ["--no-gif"]])
def test_a_failed_run_leaves_the_earlier_pictures_as_they_were(flags, default_run, tmp_path):
    folder = tmp_path / "figures"
    shutil.copytree(default_run[1], folder)
    (folder / "mine.txt").write_text("the learner's")
    before = {name: (folder / name).read_bytes() for name in os.listdir(folder)}
    one_line_error(run("--lr", "0.05", "--out", str(folder), *flags), 1)
    assert {name: (folder / name).read_bytes() for name in os.listdir(folder)} == before


def test_a_folder_in_a_pictures_place_is_one_line_and_changes_nothing(tmp_path):
    (tmp_path / "scaling.png").mkdir()
    (tmp_path / "scaling.png" / "inside").write_text("kept")
    result = run("--out", str(tmp_path), "--no-gif")
    one_line_error(result, 1, "scaling.png")
    assert sorted(os.listdir(tmp_path)) == ["scaling.png"]  # no picture, no temporary file


def test_an_out_that_is_a_file_or_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "file").write_text("mine")
    for out in (tmp_path / "file", tmp_path / "file" / "figures", "/proc/version/figures"):
        one_line_error(run("--out", str(out), "--no-gif"), 1, "could not write", str(out))
    assert (tmp_path / "file").read_text() == "mine"


def test_pictures_this_data_does_not_draw_are_removed_and_said(default_run, tmp_path):
    folder = tmp_path / "figures"
    shutil.copytree(default_run[1], folder)
    same = write_points(str(tmp_path), "same.csv", [2.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0])
    result = run("--data", same, "--out", str(folder), "--no-gif")
    assert result.returncode == 0, result.stderr
    assert "two_weights.png" not in os.listdir(folder) and "scaling.png" not in os.listdir(folder)
    saved = result.stderr.splitlines()[-1]
    assert "removed two_weights.png, scaling.png" in saved
    assert "training.gif there is from an earlier run" in saved
    assert "training.gif" in os.listdir(folder)


def test_a_users_files_and_other_runs_temporaries_are_kept(tmp_path):
    mine = ["notes.png", ".measurements.png.swp", ".loss_curve.png.999-abcdefgh.part",
            f".scaling.png.{os.getpid()}-0123abcd.regression_gd-part"]  # another run's
    for name in mine:
        (tmp_path / name).write_text("mine")
    assert run("--out", str(tmp_path), "--no-gif").returncode == 0
    assert all((tmp_path / name).read_text() == "mine" for name in mine)


def test_a_closed_pipe_and_a_full_disk(tmp_path):
    head = subprocess.run(f"{sys.executable} {SCRIPT} --out {tmp_path / 'a'} --no-gif "
                          "--every 1 | head -2", shell=True, capture_output=True, text=True,
                          env=headless_env())
    assert head.stdout.count("\n") == 2 and "Traceback" not in head.stderr
    assert "saved in" in head.stderr  # the run went on to the end
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, SCRIPT, "--out", str(tmp_path / "b")],
                                stdout=full, stderr=subprocess.PIPE, text=True,
                                env=headless_env())
    one_line_error(result, 1, "training log")
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("environment, words", [
    ({"MPLBACKEND": "nonsense"}, "MPLBACKEND"),
    ({"PYTHONPATH": "{hide}"}, "numpy")])
def test_a_broken_or_missing_package_is_one_line(environment, words, tmp_path):
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "numpy.py").write_text("raise ModuleNotFoundError(name='numpy')\n")
    env = headless_env(**{k: v.format(hide=hide) for k, v in environment.items()})
    one_line_error(run(env=env, cwd=tmp_path), 1, words)


def test_too_old_a_python_is_one_line(tmp_path):
    probe = tmp_path / "old.py"
    probe.write_text("import sys\nsys.version_info = (3, 9, 0)\nsys.path.insert(0, "
                     f"{ROOT!r})\nimport program\n")
    result = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                            env=headless_env())  # no bytecode written beside the helpers
    one_line_error(result, 1, "Python 3.10 or newer", "3.9")


@pytest.mark.parametrize("case", ["start at the minimum", "x near 1e150"])
def test_python_w_error_runs_quietly(case, tmp_path):
    if case == "start at the minimum":  # a* equals the post's random start exactly
        a0 = rg.random_start(45)
        path = write_points(str(tmp_path), "d.csv", [1.0, 2.0], [a0, 2 * a0])
        args = ["--data", path]
    else:
        x = [1e150, 2e150, 3e150]
        path = write_points(str(tmp_path), "d.csv", x, [2 * v for v in x])
        rate = rg.safe_rate(rg.stability_bound(rg.np.array(x)) / 2)
        args = ["--data", path, "--lr", repr(rate)]
    result = subprocess.run([sys.executable, "-W", "error", SCRIPT, *args, "--out",
                             str(tmp_path / "f")], capture_output=True, text=True,
                            env=headless_env())
    assert result.returncode == 0, result.stderr[-2000:]


# Stopping: one line and its status, the pictures all new or all as they were

STOPS = {"SIGINT": 130, "SIGTERM": 143, "SIGHUP": 129, "SIGQUIT": 131}


SAME_FOR_EVERY_SEED = {"measurements.png"}  # the points alone: the same bytes for any seed

@pytest.mark.slow
@pytest.mark.parametrize("name", list(STOPS))
@pytest.mark.parametrize("when", [0.3, 0.9, 1.3])
def test_a_stop_signal_is_one_line_its_status_and_all_or_nothing(name, when, default_run,
                                                                   tmp_path):
    folder = tmp_path / "figures"
    shutil.copytree(default_run[1], folder)
    (folder / "mine.txt").write_text("the learner's")
    before = {n: (folder / n).read_bytes() for n in os.listdir(folder)}
    process = subprocess.Popen([sys.executable, SCRIPT, "--out", str(folder), "--seed", "7"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=headless_env())
    time.sleep(when)
    process.send_signal(getattr(signal, name))
    out, err = process.communicate(timeout=60)
    after = {n: (folder / n).read_bytes() for n in os.listdir(folder)}
    assert set(after) == set(before)  # no temporary file left
    changed = [n for n in before if after[n] != before[n]]
    if process.returncode == 0 or (process.returncode == -getattr(signal, name)
                                   and err.splitlines()[-1].startswith("saved in")):
        assert set(changed) == set(PICTURES) - SAME_FOR_EVERY_SEED, changed  # all new
        return  # (or was ending, when Python's own handlers were back)
    assert process.returncode == STOPS[name], err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("stopped by")
    assert changed == [] or set(changed) == set(PICTURES) - SAME_FOR_EVERY_SEED, changed


def run_with_a_replace_that(does, when, default_run, tmp_path):
    """A seed-7 run (--no-gif) into a copy of the default run's pictures, its os.replace
    doing `does` (a line of Python) just before it puts the picture `when` in place:
    (the completed run, the folder)."""
    folder = tmp_path / "figures"
    shutil.copytree(default_run[1], folder)
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import errno, os, runpy, signal, sys\n"
        f"sys.path.insert(0, {ROOT!r})\n"
        f"sys.modules['__main__'].__file__ = {SCRIPT!r}  # the lesson's run, as program sees it\n"
        "real = os.replace\n"
        "def replace(a, b):\n"
        f"    if b.endswith({when!r}):\n"
        f"        {does}\n"
        "    real(a, b)\n"
        "os.replace = replace\n"
        f"sys.argv = [{SCRIPT!r}, '--out', {str(folder)!r}, '--seed', '7', '--no-gif']\n"
        f"runpy.run_path({SCRIPT!r}, run_name='__main__')\n")
    return subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                          env=headless_env()), folder


def test_a_stop_during_the_renames_waits_until_they_are_all_done(default_run, tmp_path):
    """The stop comes while the pictures are renamed (held), so all of them are new."""
    result, folder = run_with_a_replace_that("os.kill(os.getpid(), signal.SIGTERM)",
                                             "measurements.png", default_run, tmp_path)
    assert result.returncode == 143, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "stopped by SIGTERM; the pictures were saved before")
    with Image.open(folder / "random_start.png") as picture:
        assert "0.3238" in picture.text["Title"]  # seed 7's start: every picture is new
    assert not [name for name in os.listdir(folder) if "part" in name]


def test_a_rename_that_fails_is_one_line_and_leaves_no_temporary(default_run, tmp_path):
    """Another user's file in a shared folder can refuse to be replaced: the run says which,
    and that the pictures before it were saved; no temporary file is left."""
    result, folder = run_with_a_replace_that(
        "raise PermissionError(errno.EPERM, 'Operation not permitted', b)", "loss_curve.png",
        default_run, tmp_path)
    one_line_error(result, 1, "could not change loss_curve.png",
                   "the pictures before it were saved, the others left as they were")
    with Image.open(folder / "random_start.png") as picture:
        assert "0.3238" in picture.text["Title"]  # drawn before it: new
    with Image.open(folder / "scaling.png") as picture:
        assert "0.3238" not in picture.text.get("Title", "")  # after it: as it was
    assert not [name for name in os.listdir(folder) if "part" in name]
