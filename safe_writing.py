"""Writing the lesson's pictures so that nothing is lost: all of them or none.

Each picture is written under a temporary name beside its final one, and all are renamed
into place together once the whole run has worked. A run that fails, or is stopped by
Ctrl-C or SIGTERM at any instant, leaves the folder's earlier pictures exactly as they
were, and says which of the two happened. Worker processes draw the slow pictures while
the lesson goes on; they never outlive the run, and a later run removes what a killed one
left behind.
"""

import atexit
import base64
import contextlib
import multiprocessing
import os
import re
import signal
import sys
import threading
import time

STOPS = {signal.SIGINT: ("Ctrl-C", 130), signal.SIGTERM: ("SIGTERM", 143)}
TEMPORARY = re.compile(r"^\..+\.(\d+)\.part(\.\w+)?$")  # .NAME.PID.part.EXT


def nothing_written():
    """What has happened to the pictures before any is written."""
    return "no picture was written or changed"


def stop_quietly_on_signals(outcome=nothing_written, clean_up=None):
    """Ctrl-C and SIGTERM: `clean_up()`, then one line saying what `outcome()` reports, and
    the process ends at once with status 130 or 143.

    It ends with os._exit rather than by raising SystemExit: an exception raised from a
    signal handler lands in whatever code runs at that instant, and code that catches
    broadly (an optional import, a library's callback) would swallow it and carry on. A
    second signal while the first is handled is ignored, quietly.
    """
    def stop(signum, frame):
        for number in STOPS:
            signal.signal(number, signal.SIG_IGN)
        name, status = STOPS[signum]
        if clean_up is not None:
            clean_up()
        sys.stderr.write(f"interrupted: stopped by {name}; {outcome()}.\n")
        sys.stderr.flush()
        os._exit(status)
    for number in STOPS:
        signal.signal(number, stop)


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and SIGTERM until the block is done, so that it runs whole: a signal
    that arrives meanwhile is handled right after it."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows has no signal masks
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def prepare_folder(folder):
    """Create the output folder if needed and check that it is writable; an error or None."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        kind = "a link to nothing" if os.path.islink(folder) else "a file"
        return f"argument --out: {folder!r} is {kind}, not a folder; name a folder"
    probe = os.path.join(folder, f".write-test.{os.getpid()}.part")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as error:
        return (f"argument --out: cannot write pictures into {folder!r} "
                f"({error.strerror or error}); choose another folder")
    return None


def remove_stale_temporaries(folder):
    """Remove the temporary files of earlier runs that were killed (their process is gone)."""
    if os.name != "posix":
        return
    for name in os.listdir(folder):
        found = TEMPORARY.match(name)
        if found and not process_alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))


def process_alive(pid):
    """Whether a process with this id is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's
    return True


def pictures_for(folder, notebook, windows):
    """The Pictures of a run: matplotlib set to draw into files only (unless windows are
    wanted, or Jupyter shows them), and, in a script, Ctrl-C and SIGTERM handled."""
    import matplotlib
    if notebook:
        from IPython import get_ipython  # show each picture at the size it is saved
        get_ipython().run_line_magic(
            "config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")
    elif not windows:
        matplotlib.use("agg")  # files only: no window, no display needed
    # Workers only where matplotlib draws into files alone: a worker must not touch a window.
    pictures = Pictures(folder, background=matplotlib.get_backend().lower() == "agg")
    if not notebook:
        stop_quietly_on_signals(pictures.outcome, pictures.discard)
    return pictures


def save_figure(fig, path):
    """Write a figure as PNG at its own dpi, with its titles as metadata, for programs.

    Its layout is fitted once and then kept: with a layout engine still set, matplotlib
    would draw the figure twice to save it, fitting the layout each time."""
    if fig.get_layout_engine() is not None:
        fig.get_layout_engine().execute(fig)
        fig.set_layout_engine("none")
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    fig.savefig(path, format="png", dpi=fig.dpi,
                metadata={"Title": " | ".join(title for title in titles if title)})


def save_picture(path, plot, *args):
    """Draw a picture with `plot(*args)` and write it as PNG."""
    save_figure(plot(*args), path)


def write_in_worker(report, write, path, *args):
    """A worker process's task: `write(path, *args)`. Signals are left to the main process,
    which stops the worker and removes what it wrote; a failure is sent back through
    `report` for the main process to say, in one line. If the main process dies, so does
    the worker, removing its file."""
    for number in STOPS:
        signal.signal(number, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, set())  # held while it was started
    threading.Thread(target=exit_with_parent, args=(os.getppid(), path), daemon=True).start()
    try:
        write(path, *args)
    except Exception as error:
        report.send(str(error) or type(error).__name__)
        raise SystemExit(1) from None


def exit_with_parent(parent, path):
    """In a worker: once its parent is gone (killed), remove the worker's file and exit."""
    while os.getppid() == parent:
        time.sleep(0.2)
    with contextlib.suppress(OSError):
        os.remove(path)
    os._exit(1)


class Pictures:
    """The run's pictures: drawn section by section, written together once the run succeeds.

    With `background` (a plain script run, where matplotlib draws only into files), the
    pictures asked for with `worker=True` are drawn and written by worker processes while
    the lesson goes on, so that the machine's cores share the work; `save_all` waits for
    them. Otherwise (a notebook, a window) everything is drawn right here, to be shown.
    """

    def __init__(self, folder, background=False, start_method=None):
        self.folder, self.background, self.saved = folder, background, False
        self.figures, self.temporaries, self.workers = {}, {}, {}
        # "fork" starts a worker at once, sharing what is already imported; where there is
        # no fork (Windows), a fresh interpreter imports the lesson (and runs none of it).
        forks = "fork" in multiprocessing.get_all_start_methods()
        self.processes = multiprocessing.get_context(start_method or ("fork" if forks else None))
        remove_stale_temporaries(folder)
        atexit.register(self.discard)

    def outcome(self):
        """What has happened to the pictures so far, for a message."""
        if self.saved:
            return f"the pictures had already been saved in {self.folder}/"
        return nothing_written()

    def add(self, name, plot, *args, worker=False):
        """The picture `plot(*args)`, to be written as `name`: drawn here, or by a worker
        process where one is asked for and allowed."""
        if worker and self.background:
            self.write_in_background(name, save_picture, plot, *args)
        else:
            self.figures[name] = plot(*args)

    def add_file(self, name, write, *args):
        """A file that `write(path, *args)` writes, such as the animation: by a worker where
        allowed; else here, and shown at once in Jupyter."""
        if self.background:
            self.write_in_background(name, write, *args)
        else:
            write(self.temporary(name), *args)
            show_in_notebook(self.temporary(name))

    def temporary(self, name):
        """A temporary path in the folder for the file `name`, renamed into place at the end."""
        stem, ext = os.path.splitext(name)
        path = os.path.join(self.folder, f".{stem}.{os.getpid()}.part{ext}")
        self.temporaries[name] = path
        return path

    def write_in_background(self, name, write, *args):
        """Start `write(temporary path, *args)` in a worker process and return at once."""
        reading, sending = self.processes.Pipe(duplex=False)
        worker = self.processes.Process(target=write_in_worker,
                                        args=(sending, write, self.temporary(name), *args))
        with signals_held():  # a signal inside the start could be lost in the fork
            worker.start()
            self.workers[name] = worker, reading

    def save_all(self):
        """Write the figures drawn here, wait for the workers, then rename every file into
        place, all at once, and say so."""
        for name, fig in self.figures.items():
            save_figure(fig, self.temporary(name))
        for name, (worker, reading) in self.workers.items():
            worker.join()
            if worker.exitcode != 0:
                why = reading.recv() if reading.poll() else f"status {worker.exitcode}"
                raise OSError(f"writing {name} failed: {why}")
        self.workers = {}
        with signals_held():
            for name, path in self.temporaries.items():
                os.replace(path, os.path.join(self.folder, name))
            self.saved = True
            print(f"saved in {self.folder}/: {', '.join(self.temporaries)}", file=sys.stderr)
        self.temporaries = {}

    def discard(self):
        """Stop the workers, and remove the temporary files not renamed into place."""
        for worker, _ in self.workers.values():
            worker.kill()
            worker.join()
        self.workers = {}
        for path in self.temporaries.values():
            with contextlib.suppress(OSError):
                os.remove(path)
        self.temporaries = {}


def show_in_notebook(path):
    """In Jupyter, show an animation inline: as a GIF, and as an HTML image for viewers that
    do not show GIF outputs (a notebook exported as a web page)."""
    if "ipykernel" not in sys.modules:
        return
    from IPython.display import display
    with open(path, "rb") as file:
        encoded = base64.b64encode(file.read()).decode("ascii")
    display({"image/gif": encoded, "text/html": f'<img src="data:image/gif;base64,'
             f'{encoded}" alt="the training, animated">'}, raw=True)
