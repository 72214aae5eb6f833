"""Nothing lost under signals: Ctrl-C (SIGINT to the whole process group, as a terminal
sends it) aimed at the moment a worker process is forked, at the final renames and at
random instants; SIGTERM; a double Ctrl-C; SIGKILL. Every run must end with its earlier
pictures all old or all new, one true line, no traceback, and no process left behind."""

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import PICTURES, ROOT, SCRIPT, hashes, headless_env

pytestmark = pytest.mark.slow  # signals aimed at real runs: left out of the quick run

TRIALS = 20  # enough that a window hit one time in 20 is hit


def start(folder, *arguments, env=None):
    """Start a default run into `folder` in a process group of its own, as a terminal does."""
    return subprocess.Popen([sys.executable, SCRIPT, *arguments, "--out", folder],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env or headless_env(), start_new_session=True)


def children(pid):
    """The ids of a process's children."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as file:
        return file.read().split(")")[-1].split()[0] != "Z"  # a zombie is gone


def wait_for_a_worker(process, seconds=60):
    """Poll until the run has a worker process; return its id (None if the run ended)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        found = children(process.pid)
        if found:
            return found[0]
        time.sleep(0.002)
    return None


def finish(process):
    """(exit status, stderr) of a run, once it ended."""
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


def check_outcome(status, stderr, folder, old, new, stopped_by="Ctrl-C", code=130):
    """A run either stopped before anything was written (old pictures, exit code) or after
    all were (new pictures; a stop after saving says so); never a mix, never a trace."""
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert not [name for name in os.listdir(folder) if ".part" in name], os.listdir(folder)
    now = hashes(folder)
    lines = stderr.strip().splitlines()
    if now == old:
        assert status == code, stderr
        assert lines[-1] == f"interrupted: stopped by {stopped_by}; no picture was written " \
                            "or changed.", stderr
        assert "saved in" not in stderr
    else:
        assert now == new, "a mix of old and new pictures"
        assert status in (0, code)
        if status == code:
            assert lines[-1] == f"interrupted: stopped by {stopped_by}; the pictures had " \
                                f"already been saved in {folder}/.", stderr


@pytest.fixture(scope="module")
def new_pictures(tmp_path_factory):
    """What a default run writes: the hashes of its pictures."""
    folder = str(tmp_path_factory.mktemp("new") / "figures")
    status, _ = finish(start(folder))
    assert status == 0
    return hashes(folder)


@pytest.fixture
def old_folder(tmp_path):
    """A folder with earlier pictures (other bytes than a default run's)."""
    folder = tmp_path / "figures"
    folder.mkdir()
    for name in PICTURES:
        (folder / name).write_bytes(b"an earlier picture: " + name.encode())
    return str(folder)


def test_ctrl_c_as_a_worker_is_forked(old_folder, new_pictures):
    old = hashes(old_folder)
    for _ in range(TRIALS):
        process = start(old_folder)
        worker = wait_for_a_worker(process)
        assert worker is not None, "no worker appeared"
        os.killpg(process.pid, signal.SIGINT)  # the whole group, as a terminal does
        status, stderr = finish(process)
        check_outcome(status, stderr, old_folder, old, new_pictures)
        assert status == 130  # a signal at the fork is never lost
        time.sleep(0.3)
        assert not alive(worker)


def test_ctrl_c_during_the_final_renames_ends_all_new_and_says_so(old_folder, new_pictures):
    env = {**headless_env(), "PYTHONPATH": os.path.join(ROOT, "tests", "slow_renames"),
           "SLOW_RENAMES": "0.3"}
    old = hashes(old_folder)
    for _ in range(3):
        for name in PICTURES:  # the earlier pictures again
            with open(os.path.join(old_folder, name), "wb") as file:
                file.write(b"an earlier picture: " + name.encode())
        process = start(old_folder, env=env)
        for line in process.stderr:
            if line.startswith("renaming"):
                break
        os.killpg(process.pid, signal.SIGINT)
        status, stderr = finish(process)
        assert status == 130 and hashes(old_folder) == new_pictures
        check_outcome(status, stderr, old_folder, old, new_pictures)


@pytest.mark.parametrize("stop, name, code", [(signal.SIGINT, "Ctrl-C", 130),
                                              (signal.SIGTERM, "SIGTERM", 143)])
def test_a_signal_at_a_random_instant(stop, name, code, tmp_path, new_pictures):
    chance = random.Random(stop)
    for trial in range(TRIALS):
        folder = tmp_path / f"trial{trial}"
        folder.mkdir()
        (folder / "training.gif").write_bytes(b"old")
        old = hashes(str(folder))
        process = start(str(folder))
        # from 0.2 s: before Python has run the lesson's first line (its first 0.1 s or so)
        # a signal ends it by the system's default, before anything is written
        time.sleep(chance.uniform(0.2, 3.0))
        workers = children(process.pid)
        os.killpg(process.pid, stop) if process.poll() is None else None
        status, stderr = finish(process)
        if status == -stop and not stderr:  # on a loaded machine, still within that start
            assert hashes(str(folder)) == old
        elif hashes(str(folder)) == old or status == code:
            check_outcome(status, stderr, str(folder), old, {**new_pictures}, name, code)
        time.sleep(0.3)
        assert not any(alive(worker) for worker in workers)


def test_a_double_ctrl_c_is_as_quiet_as_one(old_folder, new_pictures):
    old = hashes(old_folder)
    for _ in range(5):
        process = start(old_folder)
        wait_for_a_worker(process)
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)
        status, stderr = finish(process)
        check_outcome(status, stderr, old_folder, old, new_pictures)
        assert stderr.count("interrupted") == 1


def test_after_sigkill_no_worker_outlives_the_run_and_the_next_run_cleans_up(old_folder,
                                                                             new_pictures):
    process = start(old_folder)
    worker = wait_for_a_worker(process)
    time.sleep(0.2)  # the worker is writing its temporary file
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 3
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)
    status, _ = finish(start(old_folder))
    assert status == 0 and hashes(old_folder) == new_pictures  # no stale temporary file


HANGUPS = [(getattr(signal, name), name, code) for name, code in (("SIGHUP", 129),
                                                                   ("SIGQUIT", 131))
           if hasattr(signal, name)]


@pytest.mark.parametrize("stop, name, code", HANGUPS)
def test_sighup_and_sigquit_as_a_worker_is_forked(stop, name, code, old_folder, new_pictures):
    old = hashes(old_folder)
    for _ in range(3):
        process = start(old_folder)
        worker = wait_for_a_worker(process)
        assert worker is not None, "no worker appeared"
        os.killpg(process.pid, stop)
        status, stderr = finish(process)
        check_outcome(status, stderr, old_folder, old, new_pictures, name, code)
        assert status == code
        time.sleep(0.3)
        assert not alive(worker)


@pytest.mark.slow
def test_sighup_and_sigquit_during_the_final_renames_end_all_new(tmp_path, new_pictures):
    env = {**headless_env(), "PYTHONPATH": os.path.join(ROOT, "tests", "slow_renames"),
           "SLOW_RENAMES": "0.3"}
    runs = []
    for stop, name, code in HANGUPS:  # side by side
        folder = tmp_path / name
        folder.mkdir()
        for picture in PICTURES:
            (folder / picture).write_bytes(b"an earlier picture: " + picture.encode())
        runs.append((start(str(folder), env=env), str(folder), hashes(str(folder)), stop,
                     name, code))
    def stop_at_the_renames(process, stop):
        for line in process.stderr:
            if line.startswith("renaming"):
                break
        os.killpg(process.pid, stop)

    stoppers = [threading.Thread(target=stop_at_the_renames, args=(process, stop))
                for process, _, _, stop, _, _ in runs]
    for stopper in stoppers:
        stopper.start()
    for stopper, (process, folder, old, _, name, code) in zip(stoppers, runs, strict=True):
        stopper.join(timeout=300)
        status, stderr = finish(process)
        assert status == code and hashes(folder) == new_pictures, stderr
        check_outcome(status, stderr, folder, old, new_pictures, name, code)


def test_closing_the_terminal_ends_the_run_with_129_and_nothing_left(old_folder, new_pictures):
    """A real terminal closed: the run's controlling terminal (a pseudo-terminal here) hangs
    up, the kernel sends SIGHUP, and stderr, the terminal, can no longer be written."""
    fcntl = pytest.importorskip("fcntl")
    termios = pytest.importorskip("termios")
    old = hashes(old_folder)
    terminal, its_end = os.openpty()
    process = subprocess.Popen(
        [sys.executable, SCRIPT, "--out", old_folder], stdin=its_end, stdout=its_end,
        stderr=its_end, env=headless_env(), start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))  # its controlling terminal
    os.close(its_end)
    worker = wait_for_a_worker(process)
    assert worker is not None, "no worker appeared"
    os.close(terminal)  # the terminal window is closed
    status = process.wait(timeout=60)
    assert status == 129
    assert hashes(old_folder) == old  # nothing changed, no temporary file left
    time.sleep(0.3)
    assert not alive(worker)
