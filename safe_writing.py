"""Writing the lesson's pictures so that nothing is lost: all of them or none.

Each picture is written under a temporary name beside its final one, and all are renamed
into place together once the whole run has worked. Before the first rename every
destination is checked and every earlier picture is kept under a second name (a hard link),
so that a rename that fails puts them all back. A run that fails, or is stopped by Ctrl-C,
SIGTERM, SIGHUP (the terminal closed) or SIGQUIT at any instant, leaves the folder's earlier
pictures exactly as they were, and says which of the two happened.

Runs into one folder take turns for the renames, under a lock file in the folder, so that
each run's pictures land whole. Every file a run writes beside the pictures has a name
that only this lesson uses (`.NAME.TOKEN.regression_gd-part`, with NAME one of its
pictures), and each run holds a lock file of its own while it lives: a later run removes
the files of a run whose lock nobody holds (one that was killed), and no other file, ever.
Worker processes draw the slow pictures while the lesson goes on (and, in a long run, the
pictures kept before training while it trains); they never outlive the run; where none can
be started (too few processes or open files allowed), the picture is drawn in the main
process instead.

Notes and errors go to stderr through `write_err`, which loses the note, never the run,
when stderr is closed, full or gone; the training log goes to stdout through `write_to`.
Locks, signals and masks that a system lacks (Windows has no SIGHUP, SIGQUIT or fcntl) are
skipped by feature.
"""

import atexit
import base64
import contextlib
import errno
import importlib
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings

from translation import _

# Every picture the lesson writes: only files named after these are ever removed.
PICTURE_NAMES = ("measurements.png", "random_start.png", "loss_curve.png",
                 "learning_curve.png", "learning_rates.png", "two_weights.png", "scaling.png",
                 "training.gif")
MARK = "regression_gd"  # in the name of every file the lesson writes besides its pictures
TOKEN = re.compile(r"\.([0-9a-f]{16})\." + MARK + "-")  # a run's token inside such a name
FOLDER_LOCK = f".{MARK}-lock"  # held while a run removes stale files or renames its own


def stop_signals():
    """The signals that stop a run, each with its name and exit status (128 + its number),
    for those this system has: Ctrl-C and SIGTERM everywhere; SIGHUP (the terminal was
    closed) and SIGQUIT (Ctrl-\\) where they exist."""
    stops = {signal.SIGINT: ("Ctrl-C", 130), signal.SIGTERM: ("SIGTERM", 143)}
    for name, status in (("SIGHUP", 129), ("SIGQUIT", 131)):
        if hasattr(signal, name):
            stops[getattr(signal, name)] = (name, status)
    return stops


STOPS = stop_signals()
# The MPLCONFIGDIR this run was given (matplotlib sets its own when that is not writable).
GIVEN_MPLCONFIGDIR = os.environ.get("MPLCONFIGDIR")


def keep_standard_streams_open():
    """Where the program was started with stdin, stdout or stderr closed (`2>&-`), put the
    null device in its place, so that no file the run opens takes its number and receives
    what is meant for the terminal. (Python has already set sys.stderr to None then, so
    the notes are dropped, not sent to stdout.)"""
    for number in (0, 1, 2):
        try:
            os.fstat(number)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != number:
                    os.dup2(null, number)
                    os.close(null)


keep_standard_streams_open()


def silence(stream, number):
    """Send a standard stream that failed to the null device, so that what is still in its
    buffer, and everything written later, goes nowhere quietly (and Python's own last flush
    at exit does not fail too)."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, number)
        os.close(null)
    with contextlib.suppress(OSError, ValueError):
        stream.flush()


def write_err(text):
    """Write a note or an error on stderr. If stderr is closed, full or gone (`2>&-`,
    `2>/dev/full`, `2>&1 | head -1`, a closed terminal), the text is lost, quietly: never
    the run, never its exit status."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        silence(stream, 2)


def write_to(stream, text):
    """Write lines of the training log on `stream` (stdout). A reader that has gone
    (`| head`) is fine: the rest goes nowhere. Any other failure, such as a full disk,
    raises OSError with one line saying so."""
    if stream is None:  # started with stdout closed
        return
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        silence(stream, 1)
    except OSError as error:
        silence(stream, 1)
        raise OSError(_("cannot write the training log on stdout ({why}); send it to a file "
                        "or a disk with room").format(why=error.strerror or error)) from None


def describe(error):
    """An OSError in a few words: the system's reason ("No space left on device") without
    its number and file name, or the message the lesson gave it."""
    if error.errno in (errno.EMFILE, errno.ENFILE):
        return _("{why} (allow more, as with ulimit -n 256)").format(why=error.strerror)
    return error.strerror if error.errno else first_line(error)


def first_line(text):
    """The first line of a message that may be long (a library's error with its log)."""
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def nothing_written():
    """What has happened to the pictures before any is written."""
    return _("no picture was written or changed")


def stop_quietly_on_signals(outcome=nothing_written, clean_up=None):
    """Ctrl-C, SIGTERM, SIGHUP and SIGQUIT: `clean_up()`, then one line saying what
    `outcome()` reports, and the process ends at once with status 128 + the signal's number.

    It ends with os._exit rather than by raising SystemExit: an exception raised from a
    signal handler lands in whatever code runs at that instant, and code that catches
    broadly (an optional import, a library's callback) would swallow it and carry on. A
    second signal while the first is handled is ignored, quietly. Inside a `signals_held`
    block the handler only records the signal (`Held`), and the stop comes when the block
    ends.
    """
    def stop(signum, frame):
        if Held.depth:  # reached through another thread inside a held block: stop after it
            Held.signal = Held.signal or signum
            return
        for number in STOPS:
            signal.signal(number, signal.SIG_IGN)
        name, status = STOPS[signum]
        try:  # whatever fails here (no file left to open, say), the run ends with its status
            if clean_up is not None:
                clean_up()
            remove_matplotlib_temporary_folders()
            write_err(_("interrupted: stopped by {name}; {outcome}.").format(
                name=name, outcome=outcome()) + "\n")
        finally:
            os._exit(status)
    for number in STOPS:
        signal.signal(number, stop)


def remove_matplotlib_temporary_folders():
    """Remove the folders matplotlib made in the system's temporary folder because its own
    (MPLCONFIGDIR) was not writable. It removes them at exit, but a run stopped by a signal
    ends with os._exit, which skips that."""
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is None:
        return
    for where in ("get_configdir", "get_cachedir"):
        if not hasattr(matplotlib, where):  # stopped while matplotlib was being imported
            return
        folder = getattr(matplotlib, where)()  # remembered since its import: none is made
        name = os.path.basename(folder)
        if (folder != GIVEN_MPLCONFIGDIR and os.path.dirname(folder) == tempfile.gettempdir()
                and name.startswith("matplotlib-") and len(name) == len("matplotlib-") + 8):
            shutil.rmtree(folder, ignore_errors=True)


class Held:
    """How many `signals_held` blocks are open, and the first stopping signal whose
    handler was called during them. A mask holds a signal only for the thread that sets
    it: one sent to the process can reach another of its threads (numpy starts some), and
    Python then calls the handler in the main thread at once, in the middle of the block.
    So `stop_quietly_on_signals`'s handler, called then, records the signal and returns,
    and `signals_held` raises it again when the outermost block ends."""
    depth = 0
    signal = None


@contextlib.contextmanager
def signals_held():
    """Hold the stopping signals until the block is done, so that it runs whole: a signal
    that arrives meanwhile is handled right after it, by `stop_quietly_on_signals`'s
    handler (Python's own, as in a notebook, is not held back). The main thread masks the
    signals, which also keeps them from a worker forked inside the block until the worker
    ignores them; a signal that reaches another thread is recorded (`Held`) and raised
    again here."""
    masks = hasattr(signal, "pthread_sigmask")  # Windows has no signal masks
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS) if masks else None
    Held.depth += 1
    try:
        yield
    finally:
        Held.depth -= 1
        if masks:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
        if Held.depth == 0 and Held.signal is not None:
            number, Held.signal = Held.signal, None
            signal.raise_signal(number)  # handled now, in this thread


def new_token():
    """A run's token: 16 random hex digits, in the names of the files it writes."""
    return secrets.token_hex(8)


def temporary_name(picture, token):
    """The name a picture is written under until it is renamed into place; it ends with the
    picture's own extension, for writers that choose the format by it."""
    return f".{picture}.{token}.{MARK}-part{os.path.splitext(picture)[1]}"


def backup_name(picture, token):
    """The second name an earlier picture keeps while the new ones are renamed into place."""
    return f".{picture}.{token}.{MARK}-old"


def run_lock_name(token):
    """The lock file a run holds while it lives: its files are not stale while it is held."""
    return f".run.{token}.{MARK}-lock"


def probe_name(token):
    """The empty file that checks that a folder is writable."""
    return f".write-test.{token}.{MARK}-part"


def own_names(token):
    """Every name a run with this token writes in its folder besides the pictures."""
    names = {run_lock_name(token), probe_name(token)}
    for picture in PICTURE_NAMES:
        names |= {temporary_name(picture, token), backup_name(picture, token)}
    return names


def prepare_folder(folder):
    """Create the output folder if needed and check that it is writable; an error or None."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        kind = _("a link to nothing") if os.path.islink(folder) else _("a file")
        return _("argument --out: {folder!r} is {kind}, not a folder; name a folder").format(
            folder=folder, kind=kind)
    probe = os.path.join(folder, probe_name(new_token()))
    try:
        os.makedirs(folder, exist_ok=True)
        with open(probe, "w"):
            pass
        with contextlib.suppress(FileNotFoundError):
            os.remove(probe)
    except OSError as error:
        return _("argument --out: cannot write pictures into {folder!r} ({why}); choose "
                 "another folder").format(folder=folder, why=error.strerror or error)
    return None


def lock_module():
    """The module that locks files on this system: fcntl (Linux, macOS) or msvcrt
    (Windows); None where there is neither."""
    for name in ("fcntl", "msvcrt"):
        with contextlib.suppress(ImportError):
            return importlib.import_module(name)
    return None


def lock(file, wait=True):
    """Lock an open file for this process: True once it is locked; False if another process
    holds it (when not waiting); None where this system or folder cannot lock files. The
    system lets go of the lock when the process ends, however it ends."""
    locks = lock_module()
    if locks is None:
        return None
    if hasattr(locks, "flock"):
        try:
            locks.flock(file.fileno(), locks.LOCK_EX | (0 if wait else locks.LOCK_NB))
        except BlockingIOError:
            return False
        except OSError:  # a file system without locks
            return None
        return True
    while True:  # msvcrt: lock the file's first byte
        try:
            file.seek(0)
            locks.locking(file.fileno(), locks.LK_NBLCK, 1)
            return True
        except OSError:
            if not wait:
                return False
            time.sleep(0.05)


def take_folder_lock(folder):
    """Wait for the folder's lock file and lock it, so that runs into one folder take turns;
    the open file, to be given to `let_go_of_folder`. A file that another run removed while
    this one waited for it is left for a new one."""
    path = os.path.join(folder, FOLDER_LOCK)
    while True:
        file = open(path, "ab")
        if lock(file) is None:
            return file
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(file.fileno()), os.stat(path)):
                return file
        file.close()


def let_go_of_folder(folder, file):
    """Remove the folder's lock file, then let go of it: the next run locks a new one."""
    with contextlib.suppress(OSError):
        if os.path.samestat(os.fstat(file.fileno()), os.stat(os.path.join(folder, FOLDER_LOCK))):
            os.remove(os.path.join(folder, FOLDER_LOCK))
    file.close()


@contextlib.contextmanager
def folder_locked(folder):
    """Hold the folder's lock for the block."""
    file = take_folder_lock(folder)
    try:
        yield
    finally:
        let_go_of_folder(folder, file)


def hold_run_lock(folder, token):
    """Create this run's lock file and lock it for as long as the run lives (the open file,
    to be closed by `release_run_lock`), in the folder's turn so that no other run judges
    it meanwhile."""
    file = open(os.path.join(folder, run_lock_name(token)), "wb")
    lock(file, wait=False)
    return file


def release_run_lock(folder, token, file):
    """Let go of this run's lock and remove its file."""
    file.close()
    with contextlib.suppress(OSError):
        os.remove(os.path.join(folder, run_lock_name(token)))


def run_gone(folder, token):
    """Whether the run with this token has ended (nobody holds its lock file): then its
    files are stale. A run whose lock cannot be checked here counts as alive. Judged by
    the lock, not by process ids, which another PID namespace (a container) reuses."""
    path = os.path.join(folder, run_lock_name(token))
    if lock_module() is None:
        return False
    try:
        file = open(path, "rb")
    except FileNotFoundError:
        return True
    except OSError:
        return False
    with file:
        return lock(file, wait=False) is True


def remove_stale_files(folder):
    """Remove what earlier runs that were killed left in the folder: only names this lesson
    writes (see `own_names`), and only of runs that have ended."""
    found = {}
    for name in os.listdir(folder):
        token = TOKEN.search(name)
        if token and name in own_names(token.group(1)):
            found.setdefault(token.group(1), []).append(name)
    for token, names in found.items():
        if run_gone(folder, token):
            finish_undoing(folder, token)
            for name in sorted(names, key=lambda name: name == run_lock_name(token)):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))


def finish_undoing(folder, token):
    """If the run with this token was killed in the middle of its renames (SIGKILL, which
    nothing can hold off; its lock file then still says "renaming"), put the folder back
    as it was before them: each earlier picture from its second name, and the pictures that
    were new to the folder removed. Runs do this in the folder's turn, before renaming
    their own, so nothing has been renamed since."""
    try:
        with open(os.path.join(folder, run_lock_name(token)), "rb") as file:
            journal = file.read().decode("utf-8", "replace").split("\n")
    except OSError:
        return
    if journal[0] != "renaming":
        return
    for picture in PICTURE_NAMES:
        path, backup = os.path.join(folder, picture), os.path.join(folder,
                                                                   backup_name(picture, token))
        with contextlib.suppress(OSError):
            if os.path.lexists(backup):
                os.replace(backup, path)
            elif picture in journal[1:] and os.path.isfile(path):
                os.remove(path)


def link_or_copy(path, second):
    """Give a file a second name: a hard link, or a copy where the folder has none."""
    try:
        os.link(path, second)
    except OSError:
        shutil.copy2(path, second)


def pictures_for(folder, notebook, windows):
    """The Pictures of a run: matplotlib set to draw into files only (unless windows are
    wanted, or Jupyter shows them), and, in a script, the stopping signals handled."""
    import matplotlib
    if notebook:
        from IPython import get_ipython  # show each picture at the size it is saved
        get_ipython().run_line_magic(
            "config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")
    elif not windows:
        matplotlib.use("agg")  # files only: no window, no display needed
    without_missing_latex(matplotlib)
    # Workers only where matplotlib draws into files alone: a worker must not touch a window,
    # and a notebook shows each picture in its cell.
    with signals_held():  # a stop before its handler knows the run's files would leave them
        pictures = Pictures(folder, background=not notebook
                            and matplotlib.get_backend().lower() == "agg")
        if not notebook:
            stop_quietly_on_signals(pictures.outcome, pictures.discard)
    return pictures


def without_missing_latex(matplotlib):
    """If a matplotlibrc asks for text drawn by LaTeX (text.usetex) and LaTeX is not
    installed, draw the text without it, and say so in one line."""
    if matplotlib.rcParams["text.usetex"] and not (shutil.which("latex")
                                                   and shutil.which("dvipng")):
        matplotlib.rcParams["text.usetex"] = False
        write_err(_("warning: your matplotlibrc sets text.usetex: True, but LaTeX (latex and "
                    "dvipng) is not installed; the pictures draw their text without it.")
                  + "\n")


def fit_layout(fig):
    """Fit the figure's layout once and keep it: with a layout engine still set, matplotlib
    would draw the figure twice to save it, fitting the layout each time.

    A picture whose decorations leave its axes no room (tick labels of 300 digits) keeps
    matplotlib's plain layout rather than warning: it still shows its curves."""
    engine = fig.get_layout_engine()
    if engine is not None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "constrained_layout not applied")
            engine.execute(fig)
        fig.set_layout_engine(None)  # none at all: "none" keeps a placeholder, which draws twice


def save_figure(fig, path):
    """Write a figure as PNG at its own dpi, with its titles as metadata, for programs; its
    layout is fitted first, if it has not been."""
    fit_layout(fig)
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    # zlib's fastest level: the same pixels, a few per cent more bytes, far less time
    fig.savefig(path, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1},
                metadata={"Title": " | ".join(title for title in titles if title)})


def save_picture(path, plot, *args):
    """Draw a picture with `plot(*args)` and write it as PNG."""
    save_figure(plot(*args), path)


def write_each(paths, jobs):
    """Write each file of `jobs`, a list of (write, args), by `write(path, *args)` at the
    matching path of `paths`."""
    for path, (write, args) in zip(paths, jobs, strict=True):
        write(path, *args)


def write_in_worker(parent, report, write, path, *args):
    """A worker process's task: `write(path, *args)`. Signals are left to the main process
    (`parent`, its process id), which stops the worker and removes what it wrote; a
    failure is sent back through `report` for the main process to say, in one line. If
    the main process dies, so does the worker, removing its file (or files), even where
    it died before the worker began to watch it, or while the file was being finished."""
    for number in STOPS:
        signal.signal(number, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, set())  # held while it was started
    try:
        threading.Thread(target=exit_with_parent, args=(parent, path), daemon=True).start()
        write(path, *args)
        if os.getppid() != parent:  # gone since the watch last looked
            remove_and_exit(path)
    except Exception as error:  # RuntimeError "can't start new thread" included
        report.send(why_it_failed(error))
        raise SystemExit(1) from None


def why_it_failed(error):
    """A worker's error in one line; running out of memory says what to change."""
    text = first_line(error) or type(error).__name__
    if isinstance(error, MemoryError) or "bad_alloc" in text or "can't start new thread" in text:
        return _("{why}: out of memory; allow the run more (as with ulimit -v) or close "
                 "other programs").format(why=text)
    return text


def exit_with_parent(parent, path):
    """In a worker: once its parent is gone (killed), remove the worker's file (or files:
    `path` may be a list) and exit."""
    while os.getppid() == parent:
        time.sleep(0.2)
    remove_and_exit(path)


def remove_and_exit(path):
    """In a worker whose parent is gone: remove its file (or files: `path` may be a list),
    and end."""
    for each in [path] if isinstance(path, str) else path:
        with contextlib.suppress(OSError):
            os.remove(each)
    os._exit(1)


def drawing_failed(name, error):
    """One line on a picture that matplotlib could not draw (a RuntimeError, as for text it
    cannot lay out)."""
    return _("drawing {name} failed: {why}").format(name=name, why=first_line(error))


def why_worker_failed(name, worker, reading):
    """One line on why the worker that wrote `name` did not finish: its own error, or the
    signal that killed it (as the system does when memory runs out)."""
    with contextlib.suppress(EOFError, OSError):
        if reading.poll():
            return _("writing {name} failed: {why}").format(name=name, why=reading.recv())
    if worker.exitcode is not None and worker.exitcode < 0:
        try:
            signame = signal.Signals(-worker.exitcode).name
        except ValueError:
            signame = _("signal {number}").format(number=-worker.exitcode)
        return _("the worker process drawing {name} was killed by {signal} (the system "
                 "does that when memory runs out); run it again").format(name=name,
                                                                         signal=signame)
    return _("the worker process drawing {name} ended with status {status}").format(
        name=name, status=worker.exitcode)


class Pictures:
    """The run's pictures, written together once the run succeeds.

    With `background` (a plain script run, where matplotlib draws only into files), the
    files of `add_file` and the pictures and files given to `hand_over` are drawn and
    written by worker processes while the lesson goes on, so that the machine's cores share
    the work; the others are kept and drawn by `save_all`, after those workers have
    started (a file kept by `keep_file` and never handed over gets a worker of its own).
    `save_all` waits for the workers. Otherwise (a notebook, a window) each picture is
    drawn in its section, to be shown.
    """

    def __init__(self, folder, background=False):
        # Workers only by "fork", which starts a copy of this process at once, with what
        # is already imported and computed. Under "spawn" or "forkserver" (macOS, Windows,
        # Linux from Python 3.14) a worker is a fresh interpreter that imports the main
        # script, which would run the whole lesson again: there, everything is drawn here.
        forks = "fork" in multiprocessing.get_all_start_methods()
        self.folder, self.background, self.saved = folder, background and forks, False
        self.figures, self.temporaries, self.workers, self.failures = {}, {}, {}, {}
        self.token, self.backups, self.changed = new_token(), {}, []
        self.processes = multiprocessing.get_context("fork") if forks else None
        self.run_lock = self.folder_lock = None
        with contextlib.suppress(OSError), signals_held(), folder_locked(folder):
            remove_stale_files(folder)
            self.run_lock = hold_run_lock(folder, self.token)
        atexit.register(self.discard)

    def outcome(self):
        """What has happened to the pictures so far, for a message."""
        if self.saved:
            return _("the pictures had already been saved in {folder}/").format(
                folder=self.folder)
        return nothing_written()

    def add(self, name, plot, *args):
        """The picture `plot(*args)`, to be written as `name`: kept, for `save_all` to draw
        here, or for `hand_over` to give to a worker process."""
        self.figures[name] = save_picture, (plot, *args)

    def add_file(self, name, write, *args):
        """A file that `write(path, *args)` writes, such as the animation: by a worker where
        allowed; else here, and shown at once in Jupyter."""
        if self.background:
            self.write_in_background(name, write, *args)
        else:
            write(self.temporary(name), *args)
            show_in_notebook(self.temporary(name))

    def keep_file(self, name, write, *args):
        """A file that `write(path, *args)` writes, as `add_file` does, but in the
        background kept like a picture, for `hand_over` to give to a worker together with
        others (or, never handed over, for `save_all` to give to a worker of its own)."""
        if self.background:
            self.figures[name] = write, args
        else:
            self.add_file(name, write, *args)

    def temporary(self, name):
        """A temporary path in the folder for the file `name`, renamed into place at the end."""
        if name not in PICTURE_NAMES:
            raise ValueError(f"{name!r} is not in safe_writing.PICTURE_NAMES; add it there")
        path = os.path.join(self.folder, temporary_name(name, self.token))
        self.temporaries[name] = path
        return path

    def write_in_background(self, name, write, *args):
        """Start `write(temporary path, *args)` in a worker process and return at once."""
        self.start_worker(name, write, self.temporary(name), *args)

    def hand_over(self, names=None):
        """With `background`, give the pictures and files `names` kept for `save_all`
        (None: every one kept so far) to one new worker process, which draws and writes them
        while this process goes on; where none can start, they are drawn here now. Without
        `background`, or with none of them kept, it does nothing."""
        names = [name for name in (self.figures if names is None else names)
                 if name in self.figures]
        if self.background and names:
            jobs = [self.figures.pop(name) for name in names]
            self.start_worker(", ".join(names), write_each,
                              [self.temporary(name) for name in names], jobs)

    def start_worker(self, name, write, path, *args):
        """Start `write(path, *args)` in a worker process and return at once; where no
        process can be started (a limit on processes or open files), write it in this
        process instead (`write_here`). `path` is the temporary file written, or a list of
        them; `name`, the picture or pictures (joined by ", "), names the worker in
        `workers` and in what is said if it fails."""
        try:
            reading, sending = self.processes.Pipe(duplex=False)
        except OSError:
            self.write_here(name, write, path, *args)
            return
        worker = self.processes.Process(target=write_in_worker,
                                        args=(os.getpid(), sending, write, path, *args))
        try:
            with signals_held():  # a signal inside the start could be lost in the fork
                worker.start()
                self.workers[name] = worker, reading
        except OSError:
            reading.close()
            sending.close()
            self.write_here(name, write, path, *args)
            return
        sending.close()

    def write_here(self, name, write, path, *args):
        """Write a worker's picture in this process instead; a failure is kept for
        `save_all` to report, as a worker's would be."""
        try:
            self.in_this_process(write, path, *args)
        except OSError as error:
            self.failures[name] = _("writing {name} failed: {why}").format(
                name=name, why=describe(error))
        except RuntimeError as error:  # matplotlib's, for text it cannot draw, say
            self.failures[name] = drawing_failed(name, error)

    def in_this_process(self, write, *args):
        """`write(*args)`; if this process has too many files open, once the workers running
        have finished (what they hold open here is then free), again."""
        try:
            write(*args)
        except OSError as error:
            if error.errno != errno.EMFILE or not self.workers:
                raise
            for running in list(self.workers):
                self.collect(running)
            write(*args)

    def save_all(self):
        """Draw and write the figures kept here (a file still kept goes to a worker first),
        wait for the workers, then rename every file into place, all at once (in the
        folder's turn: other runs into it wait); the names saved. On failure, OSError with
        one line; the folder's earlier pictures are then as they were."""
        try:
            self.write_figures()
            self.wait_for_workers()
            self.folder_lock = take_folder_lock(self.folder)
            with signals_held():
                remove_stale_files(self.folder)  # and undo the renames of a killed run
                self.rename_all()
                self.saved = True
                self.let_go_of_folder()
                saved = [name for name in PICTURE_NAMES if name in self.temporaries]
        except OSError as error:
            self.discard()
            happened = (_("these were replaced all the same: {names}").format(
                names=", ".join(self.changed)) if self.changed else nothing_written())
            raise OSError(f"{describe(error)}; {happened}") from None
        self.temporaries = {}
        self.discard()  # nothing left to remove: this lets go of the run's lock
        return saved

    def write_figures(self):
        """Draw the figures kept for this process and write them into their temporary
        files; a file still kept (from `keep_file`) goes to a worker first."""
        self.hand_over([name for name, (write, _args) in self.figures.items()
                        if write is not save_picture])  # a file, not a picture of `add`'s
        for name, (write, args) in self.figures.items():
            try:
                self.in_this_process(write, self.temporary(name), *args)
            except RuntimeError as error:  # matplotlib's, for text it cannot draw, say
                raise OSError(drawing_failed(name, error)) from None

    def let_go_of_folder(self):
        """Let go of the folder's lock, if this run holds it."""
        if self.folder_lock is not None:
            let_go_of_folder(self.folder, self.folder_lock)
            self.folder_lock = None

    def collect(self, name):
        """Wait for the worker writing `name`, keep why it failed (if it did), and close
        what it held open here. It stays in `workers` while it is waited for, so that a stop
        meanwhile (`discard`) kills it before removing its files, which it would otherwise
        go on writing."""
        worker, reading = self.workers[name]
        worker.join()
        del self.workers[name]
        if worker.exitcode != 0:
            self.failures[name] = why_worker_failed(name, worker, reading)
        reading.close()
        worker.close()

    def wait_for_workers(self):
        """Wait for every worker; OSError naming the first picture that was not written."""
        for name in list(self.workers):
            self.collect(name)
        for message in self.failures.values():
            raise OSError(message)

    def rename_all(self):
        """Rename every temporary file into place, or none: every destination is checked,
        and every earlier picture kept under a second name, before the first rename; if a
        rename fails, the pictures renamed so far are put back."""
        for name in self.temporaries:
            self.check_destination(name)
        for name in self.temporaries:
            self.keep_earlier(name)
        self.journal(["renaming"] + [name for name in self.temporaries
                                     if name not in self.backups])
        done = []
        try:
            for name, path in self.temporaries.items():
                os.replace(path, os.path.join(self.folder, name))
                done.append(name)
        except OSError as error:
            self.put_back(done)
            self.journal([])
            raise OSError(_("could not put {name} in place ({why})").format(
                name=name, why=describe(error))) from None
        self.journal([])
        self.remove_backups()

    def journal(self, lines):
        """Write in the run's lock file what it is doing: "renaming" and the pictures new to
        the folder while it renames, nothing otherwise; a later run reads it if this one is
        killed (see `finish_undoing`)."""
        if self.run_lock is None:
            return
        with contextlib.suppress(OSError):
            self.run_lock.seek(0)
            self.run_lock.truncate()
            self.run_lock.write("\n".join(lines).encode())
            self.run_lock.flush()

    def check_destination(self, name):
        """OSError if the file `name` could not be replaced: a folder has that name."""
        path = os.path.join(self.folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            raise OSError(_("{path} is a folder, not a picture; move it away or choose "
                            "another --out").format(path=path))

    def keep_earlier(self, name):
        """Keep the earlier picture `name`, if there is one, under a second name: a hard
        link, or a copy where the folder has no hard links."""
        path = os.path.join(self.folder, name)
        if not os.path.lexists(path):
            return
        backup = os.path.join(self.folder, backup_name(name, self.token))
        with contextlib.suppress(FileNotFoundError):
            os.remove(backup)
        try:
            if os.path.islink(path):  # the link itself, not the file it points to
                shutil.copy2(path, backup, follow_symlinks=False)
            else:
                link_or_copy(path, backup)
        except OSError as error:
            raise OSError(_("cannot replace {path} ({why}); check the file's permissions, or "
                            "choose another --out").format(path=path, why=describe(error))) \
                from None
        self.backups[name] = backup

    def put_back(self, done):
        """Undo the renames of the pictures `done`: each earlier picture back in place, and
        a picture that is new to the folder removed; those that cannot be are kept in
        `self.changed`, for the message."""
        for name in reversed(done):
            path = os.path.join(self.folder, name)
            try:
                if name in self.backups:
                    os.replace(self.backups.pop(name), path)
                else:
                    os.remove(path)
            except OSError:
                self.changed.append(name)
        self.remove_backups()

    def remove_backups(self):
        """Remove the second names of the earlier pictures (the pictures stay)."""
        for backup in self.backups.values():
            with contextlib.suppress(OSError):
                os.remove(backup)
        self.backups = {}

    def discard(self):
        """Stop the workers, remove the temporary files not renamed into place, and let go
        of the run's lock."""
        for worker, _reading in self.workers.values():
            worker.kill()
            worker.join()
        self.workers = {}
        for path in self.temporaries.values():
            with contextlib.suppress(OSError):
                os.remove(path)
        self.temporaries = {}
        self.remove_backups()
        self.let_go_of_folder()
        if self.run_lock is not None:
            release_run_lock(self.folder, self.token, self.run_lock)
            self.run_lock = None


def in_notebook():
    """Whether this runs in a Jupyter kernel: there, IPython's shell has a kernel (a test
    runner that only imported ipykernel, as Jupyter's tools do, has none)."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython
    return getattr(get_ipython(), "kernel", None) is not None


def show_in_notebook(path):
    """In Jupyter, show an animation inline: as a GIF, and as an HTML image for viewers that
    do not show GIF outputs (a notebook exported as a web page)."""
    if not in_notebook():
        return
    from IPython.display import display
    with open(path, "rb") as file:
        encoded = base64.b64encode(file.read()).decode("ascii")
    display({"image/gif": encoded, "text/html": f'<img src="data:image/gif;base64,'
             f'{encoded}" alt="{_("the training, animated")}">'}, raw=True)
