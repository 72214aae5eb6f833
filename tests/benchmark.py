"""Benchmark: the lesson's run against the bare imports and against the post's own code, and
the live explorer's answer time in a real Tk window. Side by side, in one run:

    python tests/benchmark.py [--pairs 20] [--post-runs 3] [--events 100]

1. The import floor: `python -c "import numpy, matplotlib.pyplot, PIL.Image"`, what any run
   of the lesson pays before it computes anything.
2. The default run: `python regression_gd.py --out FOLDER`, from the repository's folder
   (its log and its notes discarded).
3. The post's own code: tests/post_code.py (the post's code cells, in order) run as the
   post's Jupyter notebook runs them: on matplotlib's Agg canvas, each plt.show() rendering
   every open figure to an in-memory PNG and closing them, as the inline backend does; in
   a temporary folder with a GIFs/ subfolder, where it saves its animation. What it prints
   must be the post's log (tests/post_log.txt) once for each of its two training cells,
   with IPython's display() line between them; else the benchmark stops.
   Each side is a fresh process. Each runs once untimed first, so that the bytecode of
   what it imports is cached; every process keeps its bytecode in the benchmark's
   temporary folder (PYTHONPYCACHEPREFIX), never in the repository. Then the floor and
   the default run alternate --pairs times, so that a change in the shared machine's load
   hits both, and the post's code (about 30 s) runs --post-runs times evenly among them.
   Printed: each side's median; default/floor as the ratio of the medians and as the
   median and range of each pair's own ratio; post/default as the ratio of the medians.
   These three run headless (no DISPLAY, no MPLBACKEND), as on a server.
4. The explorer, if Xvfb and Tk are installed: Xvfb on a free display, and in a process on
   it (MPLBACKEND=TkAgg) the explorer opened as the lesson opens it (pictures.explore, on
   the post's points and the default run's training, but with a show that does not
   block). Once the window has drawn in full, each slider in turn (a, then the step, then
   the rate) moves --events times across its range; each event is the slider's set_val
   and then Tk's pending drawing (canvas.flush_events). Printed: the median and 90th
   percentile in ms against the target (a median within 30 ms), and how many of the
   events redrew the whole figure instead of blitting.

`uptime` is printed at the start and at the end. Everything it starts (processes, Xvfb,
temporary folders) is gone when it ends. It is not a test: pytest does not collect it.
"""

import argparse
import difflib
import importlib.util
import json
import os
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCHMARK = os.path.abspath(__file__)  # this file, which its inner modes run again
HERE = os.path.dirname(BENCHMARK)
ROOT = os.path.dirname(HERE)
SCRIPT = os.path.join(ROOT, "regression_gd.py")
POST_CODE = os.path.join(HERE, "post_code.py")
POST_LOG = os.path.join(HERE, "post_log.txt")
FLOOR = "import numpy, matplotlib.pyplot, PIL.Image"
DISPLAYED = "<IPython.core.display.Image object>"  # display() outside a notebook prints this
NOTEBOOK = "--as-notebook"  # this file's inner modes: the post's code as its notebook runs it,
EXPLORER = "--time-explorer"  # and the explorer timed in a process on the virtual screen
TARGET_MS = 30  # the explorer's target: a median answer within this
SLOWEST = 900  # seconds any one process may take before the benchmark gives up on it


def uptime():
    """What `uptime` says: the time, how long the machine has been up, its load."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_environment(work):
    """The environment for every process: bytecode kept under `work`, output buffered as
    usual; headless (no DISPLAY or MPLBACKEND) for the timed runs."""
    hidden = ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "DISPLAY", "MPLBACKEND")
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(work, "bytecode")
    return env


def timed(command, env, cwd, keep_stdout=False):
    """Run a command to its end; its wall time in seconds, and its stdout if kept (else
    None). A failure stops the benchmark with the end of the command's stderr."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stderr=errors,
                                   stdout=output if keep_stdout else subprocess.DEVNULL)
        guard = threading.Timer(SLOWEST, process.kill)  # a wait with a timeout would poll,
        guard.daemon = True  # ending up to 50 ms late: this one returns when the process ends
        guard.start()
        try:
            returncode = process.wait()
            elapsed = time.perf_counter() - start
        finally:  # a Ctrl-C, say: the process goes too
            guard.cancel()
            process.kill()
        if elapsed >= SLOWEST:
            sys.exit(f"{' '.join(command)} took over {SLOWEST} s, and was stopped")
        if returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-3000:]
            sys.exit(f"{' '.join(command)} failed (exit {returncode}):\n{tail}")
        output.seek(0)
        return elapsed, output.read().decode() if keep_stdout else None


def expected_post_output():
    """What the post's code prints: the post's log from each training cell, and between
    them the line display() prints for the GIF."""
    with open(POST_LOG, encoding="utf-8") as file:
        log = file.read()
    return log + DISPLAYED + "\n" + log


def check_post_output(printed, expected):
    """Stop the benchmark unless the post's code printed the post's log."""
    if printed != expected:
        diff = difflib.unified_diff(expected.splitlines(), printed.splitlines(),
                                    "expected (tests/post_log.txt twice)", "printed",
                                    lineterm="")
        sys.exit("the post's code did not print the post's log:\n" + "\n".join(diff))


def run_as_notebook(path):
    """Run a script as a Jupyter notebook's cells with the inline backend: figures on Agg,
    and each plt.show() renders every open figure as a PNG (as the inline backend hands it
    to the notebook) and closes them all."""
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            print_figure(plt.figure(number), "png", base64=True)
        plt.close("all")

    plt.show = show
    runpy.run_path(path, run_name="__main__")


def commands(work):
    """Each side of sections 1 to 3: its command and the folder it runs in."""
    post = os.path.join(work, "post")
    os.makedirs(os.path.join(post, "GIFs"))
    return {
        "import floor": ([sys.executable, "-c", FLOOR], ROOT),
        "default run": ([sys.executable, SCRIPT, "--out", os.path.join(work, "figures")],
                        ROOT),
        "post's code": ([sys.executable, BENCHMARK, NOTEBOOK], post),
    }


def run_side(name, sides, env, expected):
    """Run one side once; its time (and check the post's log, for the post's code)."""
    command, cwd = sides[name]
    post = name == "post's code"
    seconds, printed = timed(command, env, cwd, keep_stdout=post)
    if post:
        check_post_output(printed, expected)
    return seconds


def alternate(sides, env, pairs, post_runs):
    """Each side once untimed, then the floor and the default run alternating `pairs`
    times, the post's code `post_runs` times evenly among them; each side's times."""
    expected = expected_post_output()
    for name in sides:
        run_side(name, sides, env, expected)
    post_after = {(2 * run + 1) * pairs // (2 * post_runs) for run in range(post_runs)}
    times = {name: [] for name in sides}
    for pair in range(pairs):
        for name in ("import floor", "default run"):
            times[name].append(run_side(name, sides, env, expected))
        if pair in post_after:
            times["post's code"].append(run_side("post's code", sides, env, expected))
    return times


def report_runs(times):
    """Print each side's median and range, its times in order, and the ratios."""
    print(f"{'':14}{'median s':>9}{'range s':>14}   runs s, in order")
    for name, seconds in times.items():
        spread = f"{min(seconds):.2f}-{max(seconds):.2f}"
        runs = " ".join(f"{t:.2f}" for t in seconds)
        print(f"{name:14}{statistics.median(seconds):9.2f}{spread:>14}   {runs}")
    floor, default, post = (statistics.median(times[name]) for name in
                            ("import floor", "default run", "post's code"))
    ratios = [run / bare for run, bare in zip(times["default run"], times["import floor"],
                                              strict=True)]
    print(f"default run / import floor: {default / floor:.2f}x (ratio of the medians); each "
          f"of the {len(ratios)} pairs' own ratio: median {statistics.median(ratios):.2f}x, "
          f"range {min(ratios):.2f}x-{max(ratios):.2f}x")
    print(f"post's code / default run:  {post / default:.1f}x (ratio of the medians)")
    print("the post's code printed the post's log (tests/post_log.txt) in each of its two "
          "training cells, every run")


def sweep_values(slider, events):
    """`events` values evenly across a slider's range, whole steps where it has them."""
    values = [slider.valmin + (slider.valmax - slider.valmin) * k / (events - 1)
              for k in range(events)]
    return [round(value) for value in values] if slider.valstep else values


def sweep(explorer, slider, events):
    """Move a slider across its range; the ms each event took (set_val, then Tk's pending
    drawing), and how many full redraws of the figure happened meanwhile."""
    canvas = explorer.fig.canvas
    redraws = []
    watch = canvas.mpl_connect("draw_event", redraws.append)
    took = []
    for value in sweep_values(slider, events):
        start = time.perf_counter()
        slider.set_val(value)
        canvas.flush_events()
        took.append(1000 * (time.perf_counter() - start))
    canvas.mpl_disconnect(watch)
    return {"ms": took, "full redraws": len(redraws)}


def open_explorer(out):
    """Open the explorer as the lesson does at the end of a default run, without blocking,
    and wait until the window has drawn in full; the Explorer."""
    import matplotlib.pyplot as plt
    sys.path.insert(0, HERE)
    import conftest  # the lesson's definitions without its story; the repository on the path

    import pictures
    import program
    lesson = conftest.lesson_definitions()
    program.Run.start(argparse.Namespace(out=out, narrow=False, show=False, explore=True))
    x, z = lesson.POST_X, lesson.POST_Z
    history = lesson.train(lesson.random_start(45), x, z, 1e-3, 100)
    show = plt.show
    plt.show = lambda: show(block=False)  # pictures.explore ends with plt.show()
    try:
        explorer = pictures.explore(x, z, history, lesson.state, lesson.loss_curve,
                                    lesson.train, lesson.stability_bound(x))
    finally:
        plt.show = show
    deadline = time.monotonic() + 60
    while explorer.background is None:  # kept after the first full drawing on screen
        if time.monotonic() > deadline:
            sys.exit("the explorer's window did not draw within 60 s")
        plt.pause(0.05)
    plt.pause(1)  # anything Tk still has pending
    return explorer


def time_explorer(out, events):
    """In this process, on the virtual screen: time each slider; print the times as JSON."""
    import matplotlib.pyplot as plt
    explorer = open_explorer(out)
    a, step, rate = explorer.sliders
    times = {name: sweep(explorer, slider, events) for name, slider in
             (("a slider", a), ("step slider", step), ("rate slider", rate))}
    plt.close("all")
    print(json.dumps(times))


def on_virtual_screen(command, env, cwd):
    """Run a command in `cwd` on a new Xvfb screen, on a free display, then stop the
    screen; the display's name and the command's stdout."""
    screen = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        number = screen.stdout.readline().strip()  # written once it takes connections
        if not number:
            sys.exit("Xvfb did not start")
        display = f":{number}"
        result = subprocess.run(command, env={**env, "DISPLAY": display}, cwd=cwd,
                                timeout=SLOWEST, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"the explorer's timing failed:\n{result.stderr[-3000:]}")
        return display, result.stdout
    finally:
        screen.terminate()
        screen.wait()


def explorer_section(work, env, events):
    """Section 4: the explorer's answer time in a Tk window on Xvfb, or why it is skipped."""
    if shutil.which("Xvfb") is None or importlib.util.find_spec("tkinter") is None:
        print("\nexplorer: skipped (it needs Xvfb and Tk: apt-get install -y xvfb python3-tk)")
        return
    command = [sys.executable, BENCHMARK, EXPLORER,
               os.path.join(work, "explorer"), str(events)]
    display, printed = on_virtual_screen(command, {**env, "MPLBACKEND": "TkAgg"}, work)
    times = json.loads(printed.splitlines()[-1])
    print(f"\nexplorer in a Tk window on Xvfb {display}, {events} events per slider "
          f"(target: a median within {TARGET_MS} ms)")
    print(f"{'':14}{'median ms':>10}{'90th pct ms':>13}{'full redraws':>14}")
    for name, result in times.items():
        median = statistics.median(result["ms"])
        tail = statistics.quantiles(result["ms"], n=10, method="inclusive")[-1]
        verdict = "within the target" if median <= TARGET_MS else "OVER THE TARGET"
        print(f"{name:14}{median:10.1f}{tail:13.1f}{result['full redraws']:14}   {verdict}")


def arguments():
    """The command line's settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20,
                        help="timed runs of the import floor and of the default run, "
                             "alternating (default 20)")
    parser.add_argument("--post-runs", type=int, default=3,
                        help="timed runs of the post's code, among the pairs (default 3; "
                             "at most --pairs)")
    parser.add_argument("--events", type=int, default=100,
                        help="events per slider of the explorer (default 100)")
    args = parser.parse_args()
    if not 1 <= args.post_runs <= args.pairs:
        parser.error("--post-runs must be at least 1, and --pairs at least --post-runs")
    if args.events < 2:
        parser.error("--events must be at least 2")
    return args


def main():
    """Run the four sections, then remove the temporary folder."""
    args = arguments()
    started = time.perf_counter()
    print(f"uptime at the start: {uptime()}")
    work = tempfile.mkdtemp(prefix="benchmark-")
    try:
        env = run_environment(work)
        print(f"bytecode: every process keeps its own in {env['PYTHONPYCACHEPREFIX']}\n")
        report_runs(alternate(commands(work), env, args.pairs, args.post_runs))
        explorer_section(work, env, args.events)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nuptime at the end: {uptime()}")
    print(f"the benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if sys.argv[1:2] == [NOTEBOOK]:
        run_as_notebook(POST_CODE)
    elif sys.argv[1:2] == [EXPLORER]:
        time_explorer(sys.argv[2], int(sys.argv[3]))
    else:
        main()
