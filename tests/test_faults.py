"""Faults beyond a plain Ctrl-C (issue 24): files the lesson did not write, all pictures or
none, runs into one folder at once, a killed worker, stdout and stderr full, closed or gone,
limits on files and memory, settings that matplotlib refuses, and systems without fcntl,
SIGHUP or SIGQUIT. Each run must end with one clear line, the right exit status, and the
folder's earlier contents as they were (or every picture replaced).

The long runs are started together, so that they share the machine's cores while the tests
wait, and are marked slow."""

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import PICTURES, POST_LOG, ROOT, SCRIPT, headless_env, run
from test_signals import alive, wait_for_a_worker

import safe_writing

USERS_FILES = [".thesis.2019.part.txt", ".backup.31337.part", ".video.4000000.part.mp4",
               ".write-test.99999.part", ".measurements.99999.part.png",
               ".notes.txt.0123456789abcdef.regression_gd-part", "thesis.part"]
DEAD = "0123456789abcdef"  # the token of a run that was killed (no lock file, nobody holds it)
STALE = [f".measurements.png.{DEAD}.regression_gd-part.png",
         f".training.gif.{DEAD}.regression_gd-part.gif",
         f".scaling.png.{DEAD}.regression_gd-old", f".run.{DEAD}.regression_gd-lock"]


def state(folder):
    """What a folder holds: name -> bytes for each file, "a folder" for each folder."""
    found = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            found[name] = "a folder"
        else:
            with open(path, "rb") as file:
                found[name] = file.read()
    return found


def earlier_pictures(folder, missing=()):
    """Fill a folder with earlier pictures (other bytes than any run's), but `missing`."""
    os.makedirs(folder, exist_ok=True)
    for name in PICTURES:
        if name not in missing:
            with open(os.path.join(folder, name), "wb") as file:
                file.write(b"an earlier picture: " + name.encode())


def write_tag(path, tag):
    """A picture writer for the tests: the file holds `tag`."""
    with open(path, "wb") as file:
        file.write(tag)


def write_slowly(path, tag):
    """A writer that takes long enough for a test to kill its worker."""
    time.sleep(30)
    write_tag(path, tag)


def error_lines(stderr):
    """The lines of stderr that are not notes."""
    return [line for line in stderr.splitlines() if not line.startswith("note:")]


# %% Never a file the lesson did not write

def test_a_users_files_that_look_like_temporaries_are_kept(tmp_path):
    for name in USERS_FILES:
        (tmp_path / name).write_text("mine")
    safe_writing.Pictures(str(tmp_path)).discard()
    assert sorted(os.listdir(tmp_path)) == sorted(USERS_FILES)


def test_only_the_lessons_own_names_of_a_killed_run_are_removed(tmp_path):
    for name in STALE + USERS_FILES:
        (tmp_path / name).write_text("left")
    safe_writing.Pictures(str(tmp_path)).discard()
    assert sorted(os.listdir(tmp_path)) == sorted(USERS_FILES)


def test_the_write_probe_has_a_marked_name(tmp_path, monkeypatch):
    removed, remove = [], os.remove
    monkeypatch.setattr(os, "remove", lambda path: (removed.append(path), remove(path)))
    assert safe_writing.prepare_folder(str(tmp_path / "figures")) is None
    assert len(removed) == 1 and os.path.basename(removed[0]).startswith(".write-test.")
    assert removed[0].endswith(".regression_gd-part"), removed
    assert os.listdir(tmp_path / "figures") == []


DRIVER = """
import sys, time
sys.path.insert(0, {root!r})
import safe_writing
pictures = safe_writing.Pictures(sys.argv[1])
for name in {names!r}:
    with open(pictures.temporary(name), "wb") as file:
        file.write(b"half")
print("ready", flush=True)
sys.stdin.read()
"""


def unshare_works():
    """Whether this machine lets a test start a process in a PID namespace of its own."""
    if not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"],
                          capture_output=True)
    return done.returncode == 0


def test_a_live_runs_files_are_kept_even_from_another_pid_namespace(tmp_path):
    folder = str(tmp_path)
    live = subprocess.Popen([sys.executable, "-c", DRIVER.format(root=ROOT, names=PICTURES),
                             folder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert live.stdout.readline() == "ready\n"
        written = sorted(os.listdir(folder))
        assert len(written) > len(PICTURES)  # its temporary files, and its lock
        safe_writing.Pictures(folder).discard()  # a run beside it, in this PID namespace
        assert sorted(os.listdir(folder)) == written
        if unshare_works():  # as in a container: the live run's PID means nothing there
            subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c",
                            f"import sys; sys.path.insert(0, {ROOT!r}); import safe_writing; "
                            f"safe_writing.Pictures({folder!r}).discard()"], check=True)
            assert sorted(os.listdir(folder)) == written
    finally:
        live.kill()
        live.wait()
    safe_writing.Pictures(folder).discard()  # now it was killed: its files are stale
    assert os.listdir(folder) == []


# %% All pictures or none

def pictures_of_a_run(folder, tag=b"new", background=False):
    """A Pictures into `folder` holding every picture, each file saying `tag`."""
    pictures = safe_writing.Pictures(folder, background=background)
    for name in PICTURES:
        pictures.add_file(name, write_tag, tag)
    return pictures


@pytest.mark.parametrize("blocked", PICTURES)
def test_a_folder_in_a_pictures_place_changes_nothing(blocked, tmp_path):
    folder = str(tmp_path / "figures")
    earlier_pictures(folder)
    os.remove(os.path.join(folder, blocked))
    os.makedirs(os.path.join(folder, blocked, "inside"))
    before = state(folder)
    pictures = pictures_of_a_run(folder)
    with pytest.raises(OSError) as failed:
        pictures.save_all()
    message = str(failed.value)
    assert blocked in message and "\n" not in message and "no picture was" in message
    assert state(folder) == before


@pytest.mark.parametrize("failing", range(len(PICTURES)))
def test_a_rename_that_fails_puts_every_picture_back(failing, tmp_path, monkeypatch):
    folder = str(tmp_path / "figures")
    earlier_pictures(folder, missing=["scaling.png"])  # one picture is new to the folder
    before = state(folder)
    pictures = pictures_of_a_run(folder)
    renames, replace = [], os.replace

    def failing_replace(source, target):
        if "part" in os.path.basename(source):  # a new picture put in place
            renames.append(target)
            if len(renames) == failing + 1:
                raise PermissionError(errno.EPERM, "Operation not permitted", target)
        return replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError) as failed:
        pictures.save_all()
    assert "\n" not in str(failed.value) and "Operation not permitted" in str(failed.value)
    assert state(folder) == before


def test_a_worker_that_cannot_start_draws_here(tmp_path, monkeypatch):
    """As under `ulimit -u 2` (no process to spare) and `ulimit -n 12` (no file to spare)."""
    folder = str(tmp_path)
    pictures = safe_writing.Pictures(folder, background=True)

    def no_process(self):
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    def no_file(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")

    with monkeypatch.context() as patch:
        patch.setattr(type(pictures.processes.Process()), "start", no_process)
        for name in PICTURES[:4]:
            pictures.add_file(name, write_tag, b"new")
    with monkeypatch.context() as patch:
        patch.setattr(pictures.processes, "Pipe", no_file)
        for name in PICTURES[4:]:
            pictures.add_file(name, write_tag, b"new")
    pictures.save_all()
    assert state(folder) == {name: b"new" for name in PICTURES}


def test_a_killed_worker_is_named_and_changes_nothing(tmp_path):
    """As when the system runs out of memory and kills the worker drawing a picture."""
    folder = str(tmp_path / "figures")
    earlier_pictures(folder)
    before = state(folder)
    pictures = safe_writing.Pictures(folder, background=True)
    pictures.add_file("training.gif", write_tag, b"new")
    pictures.add_file("two_weights.png", write_slowly, b"new")
    os.kill(pictures.workers["two_weights.png"][0].pid, signal.SIGKILL)
    with pytest.raises(OSError) as failed:
        pictures.save_all()
    message = str(failed.value)
    assert "two_weights.png" in message and "SIGKILL" in message and "\n" not in message
    assert state(folder) == before


def small_figure(color):
    """A one-colour picture, as a plot function draws one."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(0.5, 0.5), dpi=20)
    fig.patch.set_facecolor(color)
    return fig


def slow_figure(color):
    """A picture that takes long enough for a test to kill the worker drawing it."""
    time.sleep(30)
    return small_figure(color)


EARLY = ("measurements.png", "random_start.png", "loss_curve.png")  # kept before training


def test_the_pictures_handed_over_are_drawn_by_one_worker(tmp_path):
    """As in a long run: the pictures kept before training are drawn meanwhile."""
    from PIL import Image
    folder = str(tmp_path)
    pictures = safe_writing.Pictures(folder, background=True)
    for name, color in zip(EARLY, ("red", "green", "blue"), strict=True):
        pictures.add(name, small_figure, color)
    pictures.hand_over()
    assert list(pictures.workers) == [", ".join(EARLY)] and not pictures.figures
    assert pictures.save_all() == list(EARLY)
    for name, color in zip(EARLY, ((255, 0, 0), (0, 128, 0), (0, 0, 255)), strict=True):
        with Image.open(os.path.join(folder, name)) as picture:
            assert picture.size == (10, 10) and picture.convert("RGB").getpixel((5, 5)) == color
    assert sorted(os.listdir(folder)) == sorted(EARLY)


def write_pid(path):
    """A file writer for the tests: the file holds the number of the process writing it."""
    write_tag(path, str(os.getpid()).encode())


def test_a_kept_file_is_written_by_a_worker_with_others_or_of_its_own(tmp_path):
    """As the animation of a small run: kept until the two-weights picture joins it, or,
    where none does, given to a worker by save_all. Outside the background, written now."""
    from PIL import Image
    here = str(os.getpid()).encode()
    folder = tmp_path / "together"
    folder.mkdir()
    pictures = safe_writing.Pictures(str(folder), background=True)
    pictures.keep_file("training.gif", write_pid)
    pictures.add("two_weights.png", small_figure, "red")
    assert not pictures.workers
    pictures.hand_over(["training.gif", "two_weights.png"])
    assert list(pictures.workers) == ["training.gif, two_weights.png"] and not pictures.figures
    assert pictures.save_all() == ["two_weights.png", "training.gif"]
    with Image.open(folder / "two_weights.png") as picture:
        assert picture.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
    assert (folder / "training.gif").read_bytes() not in (b"", here)
    folder = tmp_path / "alone"
    folder.mkdir()
    pictures = safe_writing.Pictures(str(folder), background=True)
    pictures.keep_file("training.gif", write_pid)
    running = []

    def drawn_here(color):  # what is running when this process draws its own picture
        running.extend(pictures.workers)
        return small_figure(color)

    pictures.add("measurements.png", drawn_here, "red")
    assert pictures.save_all() == ["measurements.png", "training.gif"]
    assert running == ["training.gif"]
    assert (folder / "training.gif").read_bytes() not in (b"", here)
    folder = tmp_path / "now"
    folder.mkdir()
    pictures = safe_writing.Pictures(str(folder))
    pictures.keep_file("training.gif", write_pid)
    with open(pictures.temporaries["training.gif"], "rb") as file:
        assert file.read() == here
    assert pictures.save_all() == ["training.gif"]
    assert (folder / "training.gif").read_bytes() == here


def write_after_a_second(path, tag):
    """A writer still at work when the test stops the run."""
    time.sleep(1)
    write_tag(path, tag)


def test_a_stop_while_waiting_for_a_worker_stops_the_worker_too(tmp_path):
    """As a Ctrl-C while the run waits for its last worker: the worker must not go on to
    write its file after the run has removed what it wrote."""
    class Stopped(Exception):
        pass

    def stop(signum, frame):  # what a stop does (stop_quietly_on_signals), then out
        pictures.discard()
        raise Stopped

    pictures = safe_writing.Pictures(str(tmp_path), background=True)
    pictures.add_file("training.gif", write_after_a_second, b"new")
    (worker, _reading), = pictures.workers.values()
    previous = signal.signal(signal.SIGALRM, stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(Stopped):
            pictures.wait_for_workers()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    time.sleep(1.5)  # past the moment the worker would have written its file
    assert worker.exitcode == -signal.SIGKILL and os.listdir(tmp_path) == []


HELD_BLOCK = """
import signal, sys, threading, time
sys.path.insert(0, {root!r})
import safe_writing
safe_writing.stop_quietly_on_signals(clean_up=lambda: print("clean-up", flush=True))
other = threading.Thread(target=threading.Event().wait, daemon=True)
other.start()  # as numpy's threads: one that does not hold the signals
with safe_writing.signals_held():
    signal.pthread_kill(other.ident, signal.SIGTERM)
    time.sleep(0.2)
    sum(range(100_000))  # Python at work, where the handler would run
    print("block finished", flush=True)
print("after the block", flush=True)
"""


def test_a_stop_that_reaches_another_thread_waits_for_the_held_block():
    """A signal sent to the process can be delivered to a thread that does not hold it
    (numpy's); the block held in the main thread (a fork, the final renames) must still
    run whole, and the stop come right after it."""
    done = subprocess.run([sys.executable, "-c", HELD_BLOCK.format(root=ROOT)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 143, done.stderr
    assert done.stdout.splitlines() == ["block finished", "clean-up"], done.stdout
    assert done.stderr.splitlines()[-1] == ("interrupted: stopped by SIGTERM; no picture was "
                                            "written or changed."), done.stderr


ORPHAN = """
import os, sys, time
sys.path.insert(0, {root!r})
import safe_writing
def write_after_a_second(path):
    time.sleep(1)
    with open(path, "wb") as file:
        file.write(b"new")
def slow_to_start(*args):  # so that the parent is surely gone before the worker watches
    time.sleep(0.3)
    started(*args)
started, safe_writing.write_in_worker = safe_writing.write_in_worker, slow_to_start
pictures = safe_writing.Pictures({folder!r}, background=True)
pictures.add_file("training.gif", write_after_a_second)
(worker, _reading), = pictures.workers.values()
print(worker.pid, flush=True)
os._exit(0)  # gone at once, as when a stop ends the run in the instant after a fork
"""


def test_a_worker_whose_parent_is_gone_before_it_watches_removes_its_file(tmp_path):
    """The worker ignores stops and watches its parent; where the parent is gone before
    the worker has begun to watch, the worker must still see it (it is told which process
    started it) and exit without writing its file."""
    started = subprocess.run([sys.executable, "-c", ORPHAN.format(root=ROOT,
                                                                  folder=str(tmp_path))],
                             check=True, timeout=60, capture_output=True, text=True)
    worker = int(started.stdout)
    for _ in range(100):  # it ends at once once it watches, 0.3 s in; its writer needs 1.3 s
        if not alive(worker):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the worker outlived its parent by 10 s")
    assert [name for name in os.listdir(tmp_path) if "training.gif" in name] == []


def test_a_killed_worker_of_handed_over_pictures_names_them_and_changes_nothing(tmp_path):
    """As when the system kills the worker drawing the pictures kept before training."""
    folder = str(tmp_path / "figures")
    earlier_pictures(folder)
    before = state(folder)
    pictures = safe_writing.Pictures(folder, background=True)
    pictures.add(EARLY[0], small_figure, "red")
    pictures.add(EARLY[1], slow_figure, "green")
    pictures.hand_over()
    os.kill(pictures.workers[", ".join(EARLY[:2])][0].pid, signal.SIGKILL)
    with pytest.raises(OSError) as failed:
        pictures.save_all()
    message = str(failed.value)
    assert all(name in message for name in EARLY[:2]) and "SIGKILL" in message
    assert "\n" not in message and state(folder) == before


def test_without_file_locks_the_pictures_are_still_saved(tmp_path, monkeypatch):
    """Where neither fcntl nor msvcrt can be imported: no lock, and no file ever removed
    that might belong to a live run."""
    monkeypatch.setitem(sys.modules, "fcntl", None)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    folder = str(tmp_path)
    (tmp_path / STALE[0]).write_text("cannot tell")
    pictures_of_a_run(folder).save_all()
    assert state(folder) == {STALE[0]: b"cannot tell", **{name: b"new" for name in PICTURES}}


def test_without_sighup_and_sigquit_the_stops_are_ctrl_c_and_sigterm(monkeypatch):
    monkeypatch.delattr(signal, "SIGHUP")
    monkeypatch.delattr(signal, "SIGQUIT")
    assert sorted(safe_writing.stop_signals().values()) == [("Ctrl-C", 130), ("SIGTERM", 143)]


CONCURRENT = """
import os, sys, time
sys.path.insert(0, {root!r})
import safe_writing
replace = os.replace
def slow_replace(source, target):
    time.sleep(float(sys.argv[4]))
    replace(source, target)
pictures = safe_writing.Pictures(sys.argv[1])
for name in {names!r}:
    with open(pictures.temporary(name), "wb") as file:
        file.write(sys.argv[2].encode())
print("ready", flush=True)
sys.stdin.readline()
os.replace = slow_replace
time.sleep(float(sys.argv[3]))
pictures.save_all()
"""


def test_runs_into_one_folder_at_once_each_land_whole(tmp_path):
    """A slow run renames from 0 s to 0.8 s, a quick one from 0.25 s to 0.33 s: without
    turns, the quick one's first pictures and the slow one's last would be left."""
    folder = str(tmp_path)
    runs = [subprocess.Popen([sys.executable, "-c", CONCURRENT.format(root=ROOT, names=PICTURES),
                              folder, tag, delay, pause], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for tag, delay, pause in (("slow", "0", "0.1"), ("quick", "0.25", "0.01"))]
    for each in runs:
        assert each.stdout.readline() == "ready\n"
    for each in runs:
        each.stdin.write("go\n")
        each.stdin.flush()
    for each in runs:
        _, stderr = each.communicate(timeout=60)
        assert each.returncode == 0, stderr
    found = state(folder)
    assert sorted(found) == sorted(PICTURES)  # no temporary, backup or lock left
    assert len(set(found.values())) == 1, f"a mix of runs' pictures: {found}"


# %% The lesson run as a learner would: the quick cases

@pytest.mark.slow
def test_a_full_stdout_is_one_line(tmp_path):
    folder = tmp_path / "figures"
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, SCRIPT, "--out", str(folder)], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=headless_env(),
                              timeout=120)
    lines = error_lines(done.stderr)
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert "stdout" in lines[0] and "No space left on device" in lines[0]
    assert os.listdir(folder) == []


def test_a_backend_matplotlib_does_not_know_is_one_line(tmp_path):
    # --help answers before matplotlib loads: a run meets the setting
    done = run("--out", str(tmp_path / "figures"),
               env={**headless_env(), "MPLBACKEND": "nonsense"})
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert "'nonsense'" in lines[0] and "MPLBACKEND" in lines[0]


def test_too_little_memory_to_load_a_package_is_one_line(tmp_path):
    def little_memory():
        resource.setrlimit(resource.RLIMIT_AS, (150_000 * 1024, 150_000 * 1024))  # -v 150000

    done = run("--out", str(tmp_path / "figures"), preexec_fn=little_memory)
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert "ulimit -v" in lines[0]


def test_a_long_steps_value_is_cut():
    value = "1" + "_000" * 1500  # 6,001 characters, a whole number to int()
    done = run("--steps", value)
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 1 and len(lines[0]) < 300, done.stderr


@pytest.mark.parametrize("how", ["-I", "PYTHONSAFEPATH=1"])
def test_a_python_that_leaves_the_lessons_folder_off_its_path_is_one_line(how):
    """`python -I` and PYTHONSAFEPATH=1 leave the script's folder off the path, so the
    lesson's modules beside it cannot be imported: its first cell says so in one line."""
    options = ["-I"] if how == "-I" else []
    env = {**headless_env(), "PYTHONSAFEPATH": "1"} if how != "-I" else headless_env()
    done = subprocess.run([sys.executable, *options, SCRIPT, "--help"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert lines[0].startswith("error:") and "Traceback" not in done.stderr


# %% The lesson run as a learner would: stopped while stderr is closed

def start_in_shell(command, folder, **options):
    """Start `python regression_gd.py --out folder` with a shell's redirections after it, in
    a process group of its own (`exec`: the shell becomes the run)."""
    line = f'set -o pipefail; exec "{sys.executable}" "{SCRIPT}" --out "{folder}" {command}'
    return subprocess.Popen(["bash", "-c", line], env=options.pop("env", headless_env()),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **options)


@pytest.mark.slow
@pytest.mark.parametrize("stop, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_with_stderr_closed_keeps_its_exit_status(stop, code, tmp_path):
    folder = str(tmp_path / "figures")
    earlier_pictures(folder)
    before = state(folder)
    process = start_in_shell("2>&-", folder)
    assert wait_for_a_worker(process) is not None
    os.killpg(process.pid, stop)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == code
    assert all(line.startswith("i=") for line in stdout.splitlines()), stdout
    assert state(folder) == before


def test_ctrl_c_removes_matplotlibs_temporary_folder(tmp_path):
    """With MPLCONFIGDIR unwritable, matplotlib makes a folder of its own in the temporary
    folder (here TMPDIR, inside tmp_path) and removes it at exit, which a signal skips."""
    (tmp_path / "a file").write_text("not a folder")
    (tmp_path / "tmp").mkdir()
    env = {**headless_env(), "MPLCONFIGDIR": str(tmp_path / "a file" / "matplotlib"),
           "TMPDIR": str(tmp_path / "tmp")}
    process = start_in_shell("", str(tmp_path / "figures"), env=env)
    assert wait_for_a_worker(process) is not None
    assert os.listdir(tmp_path / "tmp"), "matplotlib made no folder: nothing is tested"
    os.killpg(process.pid, signal.SIGINT)
    process.communicate(timeout=60)
    assert process.returncode == 130
    assert os.listdir(tmp_path / "tmp") == []


# %% The lesson run as a learner would: whole runs, started together

NO_FEATURES = """
import signal, sys
sys.modules["fcntl"] = sys.modules["msvcrt"] = None  # as on a system without them
del signal.SIGHUP, signal.SIGQUIT
"""


def limit_files(count):
    """For a child process: at most `count` open files, as `ulimit -n count` sets."""
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))


def whole_runs(root):
    """Start every long run at once: name -> (process, folder)."""
    started = {}

    def begin(name, command="", prepare=None, env=None, **options):
        folder = str(root / name)
        os.makedirs(folder)
        if prepare:
            prepare(folder)
        started[name] = start_in_shell(command, folder, env=env or headless_env(),
                                       **options), folder

    def blocked(folder):
        earlier_pictures(folder)
        os.remove(os.path.join(folder, "measurements.png"))
        os.mkdir(os.path.join(folder, "measurements.png"))

    def users_files(folder):
        for name in USERS_FILES:
            with open(os.path.join(folder, name), "w") as file:
                file.write("mine")

    no_features = root / "no features"
    no_features.mkdir()
    (no_features / "sitecustomize.py").write_text(NO_FEATURES)
    rc_folder = root / "usetex config"
    rc_folder.mkdir()
    (rc_folder / "matplotlibrc").write_text("text.usetex: True\n")

    begin("a folder at measurements.png", prepare=blocked)
    begin("a user's files", prepare=users_files)
    begin("stderr to head", "2>&1 | head -1")
    begin("stderr closed", "--no-gif 2>&-")
    begin("stderr full", "--no-gif 2>/dev/full")
    begin("no fcntl, SIGHUP or SIGQUIT",
          env={**headless_env(), "PYTHONPATH": str(no_features)})
    if not shutil.which("latex"):
        begin("usetex without LaTeX", "--no-gif",
              env={**headless_env(), "MPLCONFIGDIR": str(rc_folder)})
    begin("ulimit -n 8", preexec_fn=limit_files(8))
    begin("ulimit -n 14", preexec_fn=limit_files(14))
    return started


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The long runs, all started at once; each test waits for its own: name -> (exit
    status, stdout, stderr, folder)."""
    started = whole_runs(tmp_path_factory.mktemp("whole runs"))
    ended = {}

    def result(name):
        if name not in started:
            pytest.skip(f"{name}: not possible here")
        if name not in ended:
            process, folder = started[name]
            stdout, stderr = process.communicate(timeout=600)
            ended[name] = process.returncode, stdout, stderr, folder
        return ended[name]

    yield result
    for name, (process, _) in started.items():
        if name not in ended:
            process.kill()
            process.communicate()


def all_new(folder):
    """Whether the folder holds exactly the run's pictures, none of them an earlier one."""
    found = state(folder)
    return sorted(found) == sorted(PICTURES) and not any(
        content.startswith(b"an earlier picture") for content in found.values())


@pytest.mark.slow
def test_the_issues_folder_at_measurements_png_changes_nothing(runs, tmp_path):
    status, _, stderr, folder = runs("a folder at measurements.png")
    lines = error_lines(stderr)
    assert status == 1 and len(lines) == 1 and "measurements.png" in lines[0], stderr
    expected = tmp_path / "expected"
    earlier_pictures(str(expected))
    expected_state = {**state(str(expected)), "measurements.png": "a folder"}
    assert state(folder) == expected_state


@pytest.mark.slow
def test_the_issues_users_files_are_kept_by_a_run(runs):
    status, _, stderr, folder = runs("a user's files")
    assert status == 0, stderr
    assert sorted(os.listdir(folder)) == sorted(PICTURES + USERS_FILES)


@pytest.mark.slow
def test_a_reader_of_stderr_that_leaves_loses_the_notes_not_the_run(runs):
    status, stdout, stderr, folder = runs("stderr to head")
    assert status == 0 and len(stdout.splitlines()) == 1, stderr
    assert all_new(folder)


@pytest.mark.slow
def test_with_stderr_closed_the_notes_never_reach_stdout(runs):
    status, stdout, stderr, folder = runs("stderr closed")
    assert status == 0 and stderr == ""
    with open(POST_LOG) as file:
        assert stdout == file.read()
    assert sorted(os.listdir(folder)) == sorted(set(PICTURES) - {"training.gif"})


@pytest.mark.slow
def test_a_full_stderr_loses_the_notes_not_the_run(runs):
    status, _, stderr, folder = runs("stderr full")
    assert status == 0 and stderr == ""
    assert sorted(os.listdir(folder)) == sorted(set(PICTURES) - {"training.gif"})


@pytest.mark.slow
def test_a_run_completes_without_fcntl_sighup_and_sigquit(runs):
    status, _, stderr, folder = runs("no fcntl, SIGHUP or SIGQUIT")
    assert status == 0, stderr
    assert all_new(folder)


@pytest.mark.slow
def test_usetex_without_latex_is_one_warning_and_the_run_completes(runs):
    status, _, stderr, folder = runs("usetex without LaTeX")
    lines = [line for line in error_lines(stderr)  # its fresh config folder has no font list
             if not line.startswith("Matplotlib is building the font cache")]
    assert status == 0 and len(lines) == 2, stderr  # the warning, and "saved in"
    assert "text.usetex" in lines[0] and lines[1].startswith("saved in")


@pytest.mark.slow
@pytest.mark.parametrize("limit", [8, 14])
def test_few_open_files_draw_here_or_say_so(limit, runs):
    status, _, stderr, folder = runs(f"ulimit -n {limit}")
    lines = error_lines(stderr)
    assert "Traceback" not in stderr and len(lines) == 1, stderr
    if status == 0:
        assert all_new(folder)
    else:
        assert status == 1 and "ulimit -n" in lines[0] and os.listdir(folder) == []


@pytest.mark.slow
def test_a_worker_killed_mid_drawing_is_named(tmp_path):
    folder = str(tmp_path / "figures")
    earlier_pictures(folder)
    before = state(folder)
    process = start_in_shell("", folder)
    worker = wait_for_a_worker(process)
    assert worker is not None
    os.kill(worker, signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    lines = error_lines(stderr)
    assert process.returncode == 1 and len(lines) == 1, stderr
    assert "SIGKILL" in lines[0] and any(name in lines[0] for name in PICTURES)
    assert state(folder) == before


@pytest.mark.slow
def test_three_runs_into_one_folder_rename_in_turn(tmp_path):
    """The issue's three runs 50 ms apart, with each rename slowed to 0.1 s: the renames of
    one run never overlap another's, and every run succeeds."""
    env = {**headless_env(), "PYTHONPATH": os.path.join(ROOT, "tests", "slow_renames"),
           "SLOW_RENAMES": "0.1"}
    folder = str(tmp_path / "figures")
    processes, times = [], {}
    for seed in ("7", "11", "45"):
        processes.append(start_in_shell(f"--seed {seed}", folder, env=env))
        time.sleep(0.05)

    def watch(process):
        times[process.pid] = [time.monotonic() for line in process.stderr
                              if line.startswith("renaming")]

    watchers = [threading.Thread(target=watch, args=(process,)) for process in processes]
    for watcher in watchers:
        watcher.start()
    for process, watcher in zip(processes, watchers, strict=True):
        watcher.join(timeout=300)
        assert process.wait(timeout=60) == 0
    spans = sorted((min(moments), max(moments)) for moments in times.values())
    assert len(spans) == 3 and all(len(moments) == len(PICTURES) for moments in times.values())
    pairs = zip(spans, spans[1:], strict=False)
    assert all(earlier[1] < later[0] for earlier, later in pairs), spans
    assert sorted(os.listdir(folder)) == sorted(PICTURES)



KILLED_MID_RENAMES = """
import os, signal, sys
sys.path.insert(0, {root!r})
import safe_writing
pictures = safe_writing.Pictures(sys.argv[1])
for name in {names!r}:
    with open(pictures.temporary(name), "wb") as file:
        file.write(b"new")
replace, renamed = os.replace, []
def replace_then_die(source, target):
    replace(source, target)
    renamed.append(target)
    if len(renamed) == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)  # as the system's out-of-memory killer does
os.replace = replace_then_die
pictures.save_all()
"""


@pytest.mark.parametrize("renamed", [1, 4, len(PICTURES)])
def test_a_run_killed_in_its_renames_is_undone_by_the_next(renamed, tmp_path):
    folder = str(tmp_path / "figures")
    earlier_pictures(folder, missing=[PICTURES[0]])  # the first renamed is new to the folder
    before = state(folder)
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_RENAMES.format(
        root=ROOT, names=PICTURES), folder, str(renamed)], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert state(folder) != before  # mixed, for now
    safe_writing.Pictures(folder).discard()  # the next run
    assert state(folder) == before
