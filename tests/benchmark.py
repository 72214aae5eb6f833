"""Benchmark: where the lesson's time goes, measured side by side in one run.

    python tests/benchmark.py [--repeats 5] [--pairs 20] [--long-repeats 2]
                              [--million-repeats 2] [--events 200]

1. The default run against its straightforward twin and against the bare import floor.
   "Straightforward" is how the post saves its animation: matplotlib's FuncAnimation with
   a layout engine that reruns at every frame, saved with writer="pillow", which redraws
   the whole figure for each frame and lets Pillow pick a new palette for each one. The
   twin is the same script with only that step swapped, so every other picture and all
   the start-up cost are shared by both. The floor is `import numpy, matplotlib.pyplot,
   PIL.Image` alone. The floor and the default run go once untimed (the bytecode of what
   they import is then cached); then each side runs as a fresh process, alternating, so
   that drifts in the machine's load hit all sides. The floor takes about half a second
   and the default run one or two, and on a shared machine their ratio swings widely from
   one pair to the next, so they alternate --pairs times; the twin, which takes from 20
   to 40 seconds, runs --repeats times among them. The ratio is given of the medians, and
   the median, middle half and range of the pairs' own ratios. Then the two GIFs are
   compared frame by frame.
2. A million steps: the whole run with --steps 1000000, and its own training loop timed
   inside it, from its first log line to its last as they arrive (its output unbuffered),
   plus the end of train() after its last line, timed alone; what the run costs beyond
   its loop, against a default run. Beside them, the loop alone in a process of its own,
   printing its log line every 10 steps as a run does: its time swings by seconds from
   run to run, which is why the loop is also timed inside the run.
3. A learner's sensor log: generated CSVs (seeded) of 1,000 and 1,000,000 rows, the whole
   lesson run on each, with its time and peak memory, and the ratio of the two times.
4. The explorer: how long one control event takes to redraw, on the Agg canvas.

Every process it starts keeps its compiled bytecode in the benchmark's temporary folder,
as a learner's Python keeps it in __pycache__. It is not a test: pytest does not collect
it, and a slow machine cannot fail CI with it.
"""

import argparse
import os
import platform
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image, ImageSequence

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCRIPT = os.path.join(ROOT, "regression_gd.py")
TOLERANCE = 2.0  # largest allowed mean absolute difference per frame, in 0..255 levels


def straightforward_gif(path, run, frames):
    """The post's way: FuncAnimation, the layout redone at every frame, writer='pillow'."""
    from matplotlib.animation import FuncAnimation

    import animation
    import pictures

    fig, scene, _ = animation.training_figure(run)
    chosen = animation.frame_steps(run.history.weights, frames)
    view = pictures.view_of(run.x)

    def update(number):
        return animation.show_step(scene, run, number, view).artists()

    FuncAnimation(fig, update, frames=chosen, interval=200).save(path, writer="pillow",
                                                                   dpi=fig.dpi)


def run_straightforward(argv):
    """Run regression_gd.py as a script, with its GIF step swapped for the straightforward one."""
    sys.path.insert(0, ROOT)
    import animation
    animation.write_training_gif = straightforward_gif  # looked up when the GIF is written
    sys.argv = [SCRIPT, *argv]
    runpy.run_path(SCRIPT, run_name="__main__")


def timed(command):
    """Run a command; return its wall time in seconds and its stdout."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr}")
    return elapsed, stdout


def peak_mib(command):
    """Peak resident memory of a command's largest process (a worker it waited for counts
    too), in MiB, from one more run of it."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed")
    return usage.ru_maxrss / 1024


def frame_differences(path_a, path_b):
    """Mean absolute difference of each pair of frames of two GIFs, or None if their frame
    counts differ. One frame of each at a time: this process stays small, because a
    command it starts reports this process's size as its own peak if that is larger
    (Linux counts the memory a new process starts from)."""
    with Image.open(path_a) as first, Image.open(path_b) as second:
        if first.n_frames != second.n_frames:
            return None
        return [np.abs(np.asarray(a.convert("RGB"), dtype=float)
                       - np.asarray(b.convert("RGB"), dtype=float)).mean()
                for a, b in zip(ImageSequence.Iterator(first), ImageSequence.Iterator(second),
                                strict=True)]


def row(name, seconds, mib=None):
    runs = " ".join(f"{t:.2f}" for t in seconds)
    spread = f"{min(seconds):.2f}-{max(seconds):.2f}"
    memory = f"{mib:10.0f}" if mib is not None else f"{'':10}"
    print(f"{name:26}{statistics.median(seconds):9.2f}{spread:>13}{memory}   {runs}")


def default_runs(work, repeats, pairs):
    """Section 1: the floor and the default run, alternating `pairs` times, with the twin
    run `repeats` times among them, evenly spread; then the frames."""
    sides = {
        "import floor": [sys.executable, "-c", "import numpy, matplotlib.pyplot, PIL.Image"],
        "fast (default run)": [sys.executable, SCRIPT, "--out", os.path.join(work, "fast")],
        "straightforward twin": [sys.executable, __file__, "--straightforward",
                                 "--out", os.path.join(work, "slow")],
    }
    for name in ("import floor", "fast (default run)"):  # untimed: every module the
        timed(sides[name])  # sides import (the twin too) has its bytecode cached
    times = {name: [] for name in sides}
    twin_after = {pair * pairs // repeats for pair in range(repeats)}
    for pair in range(pairs):
        for name, command in sides.items():
            if name != "straightforward twin" or pair in twin_after:
                times[name].append(timed(command)[0])
    print(f"{'':26}{'median s':>9}{'spread s':>13}{'peak MiB':>10}   runs s")
    for name, command in sides.items():
        row(name, times[name], peak_mib(command))
    floor, fast, slow = (statistics.median(times[name]) for name in sides)
    ratios = sorted(run / bare for run, bare in zip(times["fast (default run)"],
                                                    times["import floor"], strict=True))
    pairs_said = "the one pair" if len(ratios) == 1 else f"each of the {len(ratios)} pairs"
    middle = ""
    if len(ratios) >= 4:  # fewer have no middle half to speak of
        quartiles = statistics.quantiles(ratios, n=4)
        middle = f"middle half {quartiles[0]:.2f}x-{quartiles[2]:.2f}x, "
    print(f"default run / import floor:          {fast / floor:.2f}x ({pairs_said}: median "
          f"{statistics.median(ratios):.2f}x, {middle}all {ratios[0]:.2f}x-{ratios[-1]:.2f}x)")
    print(f"straightforward twin / default run:  {slow / fast:.1f}x")
    differences = frame_differences(os.path.join(work, "fast", "training.gif"),
                                    os.path.join(work, "slow", "training.gif"))
    if differences is None:
        sys.exit("the two GIFs have different numbers of frames")
    verdict = "same pictures" if max(differences) < TOLERANCE else "PICTURES DIFFER"
    print(f"frames compared: {len(differences)}, mean |difference| per frame: worst "
          f"{max(differences):.3f}, average {np.mean(differences):.3f} (of 255; tolerance "
          f"{TOLERANCE}): {verdict}")
    return verdict == "same pictures"


LOOP = """
import sys, time
sys.path.insert(0, {tests!r})
import conftest
import regression_gd as rg  # the lesson's definitions, without its story


class Clock:
    \"""Standard output, noting when it was last written to.\"""
    def __init__(self, out):
        self.out, self.last = out, None

    def write(self, text):
        self.last = time.perf_counter()
        return self.out.write(text)

    def flush(self):
        self.out.flush()


clock = sys.stdout = Clock(sys.stdout)
start = time.perf_counter()  # the loop as a run runs it, printing every 10 steps
rg.train(rg.random_start(45), rg.POST_X, rg.POST_Z, 1e-3, 1_000_000, 10)
end = time.perf_counter()
sys.stdout = clock.out
print(end - start, end - clock.last)  # the whole call; its end, after its last log line
"""


def timed_log(command):
    """Run a command with its output unbuffered; return its wall time and the time from
    its first log line ("i=...") to its last, as they arrived."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                                   env=dict(os.environ, PYTHONUNBUFFERED="1"))
        first = last = None
        for line in process.stdout:
            if line.startswith("i="):
                last = time.perf_counter()
                first = first or last
        process.wait()
        elapsed = time.perf_counter() - start
        if process.returncode != 0 or first is None:
            errors.seek(0)
            sys.exit(f"{' '.join(command)} failed:\n{errors.read()}")
    return elapsed, last - first


def long_runs(work, repeats):
    """Section 2: a million steps, the whole run against its own loop and the loop alone.

    The loop inside the run is timed from its first log line to its last; what train()
    does after its last line (its lists made into arrays, then freed) is timed in the
    loop's own process and counted as loop too, as it is there."""
    loop_command = [sys.executable, "-c", LOOP.format(tests=HERE)]
    whole_command = [sys.executable, SCRIPT, "--steps", "1000000", "--out",
                     os.path.join(work, "long")]
    loops, ends, wholes, inside, default = [], [], [], [], []
    for _ in range(repeats):
        loop, end = map(float, timed(loop_command)[1].splitlines()[-1].split())
        loops.append(loop)
        ends.append(end)
        whole, logged = timed_log(whole_command)
        wholes.append(whole)
        inside.append(logged + end)
        default.append(timed([sys.executable, SCRIPT, "--out", os.path.join(work, "short")])[0])
    rests = [whole - loop for whole, loop in zip(wholes, inside, strict=True)]
    print(f"\n{'a million steps':26}{'median s':>9}{'spread s':>13}{'peak MiB':>10}   runs s")
    row("training loop alone", loops)
    row("  its end, after its log", ends)
    row("whole run --steps 1000000", wholes, peak_mib(whole_command))
    row("  its loop, inside it", inside)
    row("  the rest of it", rests)
    row("default run (beside it)", default)
    rest = statistics.median(rests)
    print(f"whole run minus its own loop:        {rest:.2f} s, "
          f"{rest / statistics.median(default):.2f}x a default run (each repeat: "
          + ", ".join(f"{r / d:.2f}x" for r, d in zip(rests, default, strict=True)) + ")")
    extra = statistics.median(wholes) - statistics.median(loops)
    print(f"whole run minus the loop alone:      {extra:.2f} s, "
          f"{extra / statistics.median(default):.2f}x a default run")


def sensor_log(work, rows):
    """A generated CSV of `rows` seeded rows, as a learner's sensor log; its path."""
    path = os.path.join(work, f"rows{rows}.csv")
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, rows)
    z = 2 * x + rng.normal(0, 1, x.size)
    with open(path, "w") as file:
        lines = zip(x.tolist(), z.tolist(), strict=True)
        file.write("x,z\n" + "".join(f"{a:.6f},{b:.6f}\n" for a, b in lines))
    return path


def million_rows(work, repeats):
    """Section 3: the whole lesson on a generated 1,000,000-row CSV, beside 1,000 rows."""
    print(f"\n{'a CSV of':26}{'median s':>9}{'spread s':>13}{'peak MiB':>10}   runs s")
    medians = []
    for rows in (1_000, 1_000_000):
        path = sensor_log(work, rows)
        command = [sys.executable, SCRIPT, "--data", path, "--out",
                   os.path.join(work, f"out{rows}")]
        seconds = [timed(command)[0] for _ in range(repeats)]
        row(f"{rows:,} rows ({os.path.getsize(path) / 1e6:.1f} MB)", seconds,
            peak_mib(command))
        medians.append(statistics.median(seconds))
    print(f"1,000,000 rows / 1,000 rows:         {medians[1] / medians[0]:.2f}x")


def explorer_latency(events):
    """Section 4: one redraw per control event, timed on the Agg canvas."""
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    sys.path.insert(0, HERE)
    import conftest  # noqa: F401  (the lesson's definitions, without its story)

    import explorer as live
    import regression_gd as rg

    x, z, start = rg.POST_X, rg.POST_Z, rg.random_start(45)
    lesson = live.Lesson(x, z, None, rg.stability_bound(x), rg.state, rg.loss_curve, rg.train)
    fig = plt.figure(figsize=live.EXPLORER_SIZE, dpi=100)
    explorer = live.Explorer(fig, lesson, rg.train(start, x, z, 1e-3, 100))
    fig.canvas.draw()
    controls = {
        "a slider": (explorer.a_slider, np.linspace(0.1, 3.9, events)),
        "step slider": (explorer.step_slider, np.arange(events) % 101),
        "learning-rate slider": (explorer.lr_slider,
                                 np.linspace(explorer.lr_slider.valmin,
                                             explorer.lr_slider.valmax, events)),
    }
    print(f"\n{'explorer, one event':26}{'median ms':>10}{'95th pct ms':>13}")
    for name, (slider, values) in controls.items():
        took = []
        for value in values:
            start = time.perf_counter()
            slider.set_val(value)
            took.append(1000 * (time.perf_counter() - start))
        print(f"{name:26}{np.median(took):10.1f}{np.percentile(took, 95):13.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5,
                        help="runs of the straightforward twin (default 5)")
    parser.add_argument("--pairs", type=int, default=20,
                        help="runs of the floor and of the default run, alternating "
                             "(default 20; at least --repeats)")
    parser.add_argument("--long-repeats", type=int, default=2,
                        help="runs of a million steps (default 2; 0 skips them)")
    parser.add_argument("--million-repeats", type=int, default=2,
                        help="runs on a 1,000,000-row CSV (default 2; 0 skips them)")
    parser.add_argument("--events", type=int, default=200,
                        help="events per explorer control (default 200)")
    args = parser.parse_args()
    if not 1 <= args.repeats <= args.pairs:
        parser.error("--repeats must be at least 1, and --pairs at least --repeats")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; load average "
          + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    work = tempfile.mkdtemp(prefix="benchmark-")
    # Every process it starts reads and writes its compiled bytecode under this run's
    # folder, as a learner's Python keeps it in __pycache__: where the environment sets
    # PYTHONDONTWRITEBYTECODE, each run would compile the modules beside the lesson
    # again, while numpy's and matplotlib's came compiled when they were installed.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(work, "bytecode")
    print("bytecode: kept for every run in " + os.environ["PYTHONPYCACHEPREFIX"])
    same = default_runs(work, args.repeats, args.pairs)
    if args.long_repeats:
        long_runs(work, args.long_repeats)
    if args.million_repeats:
        million_rows(work, args.million_repeats)
    explorer_latency(args.events)
    shutil.rmtree(work, ignore_errors=True)  # the pictures and the bytecode
    return 0 if same else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--straightforward":
        run_straightforward(sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
