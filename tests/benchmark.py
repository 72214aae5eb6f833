"""Benchmark: the default run against the same pictures made the straightforward way.

    python tests/benchmark.py [--repeats 3]

"Straightforward" is how the post saves its animation: matplotlib's FuncAnimation with a
layout engine that reruns at every frame, saved with writer="pillow", which redraws the
whole figure for each frame and lets Pillow pick a new palette for each one. Here it runs
the same script with only the GIF step swapped for that, so every other picture and all the
start-up cost are shared by both sides.

Each side runs as a fresh process, alternating, several times; the script prints each
median, the peak memory (max resident set size) and the ratio. It then checks that the two
GIFs show the same frames. It is not a test: pytest does not collect it, and a slow machine
cannot fail CI with it.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image, ImageSequence

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, os.pardir, "regression_gd.py")
TOLERANCE = 2.0  # largest allowed mean absolute difference per frame, in 0..255 levels


def straightforward_gif(path, x, z, a_limits, weights, frames):
    """The post's way: FuncAnimation, the layout redone at every frame, writer='pillow'.

    The figure is the script's own, whose "tight" layout engine reruns at every draw.
    """
    from matplotlib.animation import FuncAnimation

    import regression_gd as rg

    fig, moving = rg.training_figure(x, z, a_limits)
    chosen = rg.frame_steps(len(weights), frames)

    def update(step_number):
        return rg.show_step(moving, x, z, a_limits, weights[step_number - 1], step_number,
                            len(weights))

    animation = FuncAnimation(fig, update, frames=chosen, interval=200)
    animation.save(path, writer="pillow", dpi=80)


def run_straightforward(argv):
    """Run regression_gd.main with its GIF step replaced by the straightforward one."""
    sys.path.insert(0, os.path.dirname(SCRIPT))
    import regression_gd as rg

    rg.save_training_gif = straightforward_gif
    return rg.main(argv)


def timed(command):
    """Run a command; return its wall time in seconds and its peak memory in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def frames_of(path):
    """All frames of a GIF as RGB arrays."""
    with Image.open(path) as gif:
        return [np.asarray(frame.convert("RGB"), dtype=float) for frame in
                ImageSequence.Iterator(gif)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each side (default 3)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="benchmark-")
    sides = {
        "fast (default run)": [sys.executable, SCRIPT, "--out", os.path.join(work, "fast")],
        "fast, --steps 10000": [sys.executable, SCRIPT, "--steps", "10000",
                                "--out", os.path.join(work, "long")],
        "straightforward": [sys.executable, __file__, "--straightforward",
                            "--out", os.path.join(work, "slow")],
    }
    times = {name: [] for name in sides}
    memory = {name: [] for name in sides}
    for _ in range(args.repeats):
        for name, command in sides.items():  # alternate, so drifts in load hit all sides
            seconds, mib = timed(command)
            times[name].append(seconds)
            memory[name].append(mib)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}")
    print(f"{'':22}{'median s':>10}{'runs s':>24}{'peak MiB':>10}")
    for name in sides:
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:22}{statistics.median(times[name]):10.2f}{runs:>24}"
              f"{max(memory[name]):10.0f}")
    fast = statistics.median(times["fast (default run)"])
    print(f"speed-up, straightforward / fast:      "
          f"{statistics.median(times['straightforward']) / fast:.1f}x")
    print(f"cost of 10000 steps / 100 steps:       "
          f"{statistics.median(times['fast, --steps 10000']) / fast:.2f}x")

    fast_frames = frames_of(os.path.join(work, "fast", "training.gif"))
    slow_frames = frames_of(os.path.join(work, "slow", "training.gif"))
    if len(fast_frames) != len(slow_frames):
        sys.exit(f"frame counts differ: {len(fast_frames)} vs {len(slow_frames)}")
    differences = [np.abs(a - b).mean() for a, b in zip(fast_frames, slow_frames, strict=True)]
    verdict = "same pictures" if max(differences) < TOLERANCE else "PICTURES DIFFER"
    print(f"frames compared: {len(differences)}, mean |difference| per frame: worst "
          f"{max(differences):.3f}, average {np.mean(differences):.3f} (of 255; tolerance "
          f"{TOLERANCE}): {verdict}")
    return 0 if verdict == "same pictures" else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--straightforward":
        sys.exit(run_straightforward(sys.argv[2:]))
    sys.exit(main())
