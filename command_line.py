"""The lesson as a program: its options and their checks, and the lines it prints.

regression_gd.py imports this module first. On import it checks that this Python can run
the lesson, makes Ctrl-C and SIGTERM quiet (where a script beside it is being run, not a
notebook or a test), and checks that numpy, matplotlib and Pillow are installed; each
problem is one line saying what to do. The lesson then reads its settings here (the
command line, or its knobs inside Jupyter), and prints through `say` (the training log,
on stdout), `note` (notes, on stderr) and `fail` (one error line and an exit status).
"""

import os
import sys

if sys.version_info < (3, 10):  # before anything that needs a newer Python
    sys.exit("error: this lesson needs Python 3.10 or newer, and this is Python "
             "{}.{}; make its virtual environment with a newer Python (see the README)"
             .format(*sys.version_info[:2]))

import safe_writing  # noqa: E402


def in_notebook():
    """Whether the lesson is running inside a Jupyter kernel."""
    return "ipykernel" in sys.modules


def running_a_script_here():
    """Whether the program running is a script in this folder (the lesson), not a notebook
    kernel or a test runner that imported it."""
    main = getattr(sys.modules.get("__main__"), "__file__", None) or ""
    return os.path.dirname(os.path.abspath(main)) == os.path.dirname(os.path.abspath(__file__))


if running_a_script_here() and not in_notebook():
    safe_writing.stop_quietly_on_signals()

try:
    import matplotlib  # noqa: E402, F401
    import numpy  # noqa: E402, F401
    import PIL  # noqa: E402, F401
    import PIL.Image  # noqa: E402, F401  (its compiled part, which may fail to load)
except ModuleNotFoundError as missing:
    sys.exit(f"error: the package {missing.name!r} is not installed for this Python; "
             "activate the lesson's virtual environment or run: pip install -r requirements.txt")
except ImportError as broken:  # installed, but it cannot be loaded (such as under ulimit -v)
    sys.exit(f"error: a package the lesson needs cannot be loaded ({str(broken)[:200]}); if "
             "memory is limited (ulimit -v), allow more, else run: pip install -r requirements.txt")
except ValueError as setting:  # matplotlib refuses a setting, such as MPLBACKEND=nonsense
    sys.exit(f"error: matplotlib refuses a setting ({str(setting).split('; supported')[0][:200]});"
             " correct or remove it (check MPLBACKEND and your matplotlibrc)")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import math  # noqa: E402
import shlex  # noqa: E402

import numpy as np  # noqa: E402

MAX_STEPS = 1_000_000  # a million steps take about 20 s; far beyond, a typo is likelier
MAX_FRAMES = 300  # each GIF frame is held in memory (about 0.2 MB) until the file is written
MAX_DIGITS = 100  # a number longer than this is a slip of the keyboard


def positive_number(text):
    """argparse type: a finite number greater than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number greater than 0")
    return value


def whole_number(minimum=0, maximum=math.inf):
    """argparse type: an integer from minimum to maximum."""
    def parse(text):
        shown = text if len(text) <= 2 * MAX_DIGITS else f"{text[:12]}…"  # a long one, cut
        digits_only = text.strip().lstrip("+-").replace("_", "")  # int() allows 1_000
        if digits_only.isdigit() and len(digits_only) > MAX_DIGITS:
            raise argparse.ArgumentTypeError(f"{text[:12]}… has over {MAX_DIGITS} digits")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number") from None
        if not minimum <= value <= maximum:
            bound = f"at least {minimum}" if value < minimum else f"at most {maximum:,}"
            raise argparse.ArgumentTypeError(f"{shown} must be {bound}")
        return value
    return parse


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad option gets one error line (and a pointer to --help), not the
    usage block and then the error."""

    def error(self, message):
        fail(f"{message} (see --help)", 2)


def make_parser(knobs):
    """The command-line options; each defaults to its knob in the lesson."""
    parser = OneLineParser(
        description="One neuron z = a·x learns its weight a by gradient descent. "
                    "Prints the training log on stdout and saves the pictures.")
    parser.set_defaults(**knobs, knobs=knobs)
    add = parser.add_argument
    add("--lr", type=positive_number, help="learning rate: each step moves a by "
        "lr × gradient (default: %(default)g; above N/Σx² training diverges)")
    add("--steps", type=whole_number(1, MAX_STEPS),
        help=f"number of gradient-descent steps, at most {MAX_STEPS:,} (default: %(default)s)")
    add("--seed", type=whole_number(0),
        help="seed for the random starting a, 0 or more (default: %(default)s)")
    add("--every", type=whole_number(1),
        help="print a progress line every this many steps (default: %(default)s)")
    add("--frames", type=whole_number(2, MAX_FRAMES),
        help=f"at most this many GIF frames, from 2 to {MAX_FRAMES} (default: %(default)s)")
    add("--data", metavar="FILE",
        help="your own measurements: a CSV file with two columns x,z (comma, semicolon or "
             "tab separated; optional header; '#' comments) (default: the post's 30 points)")
    add("--out", metavar="FOLDER",
        help="folder for the pictures, created if missing (default: %(default)s)")
    add("--no-gif", action="store_true", help="skip the training animation")
    add("--show", action="store_true",
        help="also open the pictures in windows, where a display exists")
    add("--explore", action="store_true",
        help="at the end, open one window to drag a, scrub the training and change the "
             "learning rate (needs a display; close it with q)")
    return parser


def read_settings(knobs):
    """The run's settings, checked: the command line's options, defaulting to the lesson's
    knobs (a dict); inside Jupyter, the knobs as they are. Returns (settings, pictures):
    the settings, and the Pictures that keep this run's files until they are all saved."""
    parser = make_parser(knobs)
    # Inside Jupyter, sys.argv holds the kernel's own arguments, not the learner's.
    settings = parser.parse_args([] if in_notebook() else None)
    problem = safe_writing.prepare_folder(settings.out)
    if not problem and settings.explore and not in_notebook():
        problem = window_problem()
        problem = problem and f"argument --explore: {problem}"
    if problem:
        parser.error(problem)
    return settings, safe_writing.pictures_for(settings.out, in_notebook(),
                                               windows=settings.show or settings.explore)


def window_problem():
    """Why no window can be opened here, or None if one can."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        return ("there is no display to open a window on; run it on a desktop, or in "
                "Jupyter with ipympl (%matplotlib widget)")
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry
    if matplotlib.get_backend().lower() in backend_registry.list_builtin(
            BackendFilter.NON_INTERACTIVE):
        if importlib.util.find_spec("tkinter") is None:
            return ("matplotlib found no window toolkit; install Tk "
                    "(on Debian/Ubuntu: sudo apt install python3-tk)")
        return (f"the display {os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY')!r}"
                " cannot be reached; check that it is running, or run on a desktop")
    return None


def finish(settings, pictures):
    """Save every picture of the run together; then, with --show, open them in windows."""
    try:
        pictures.save_all()
    except OSError as error:
        fail(f"could not write the pictures into {settings.out}/: {error}", 1)
    problem = settings.show and not in_notebook() and window_problem()
    if problem:
        note(f"warning: --show: {problem}; the pictures are only saved.")
    elif settings.show and not in_notebook():
        import matplotlib.pyplot as plt
        plt.show()


def fail(message, status):
    """Stop the run with one error line on stderr (lost if stderr is gone) and an exit
    status."""
    safe_writing.write_err(f"{os.path.basename(sys.argv[0])}: error: {message}\n")
    sys.exit(status)


def say(lines):
    """Print log lines on stdout; if the reader has gone (as with `| head`), carry on; if
    stdout cannot take them (a full disk), stop with one line."""
    if not lines:
        return
    try:
        safe_writing.write_out("\n".join(lines) + "\n")
    except OSError as error:
        fail(f"{error}. No picture was written or changed.", 1)


def note(text):
    """A note for the learner, on stderr, so that stdout stays the bare training log; lost,
    quietly, if stderr is closed or gone."""
    safe_writing.write_err(f"{text}\n")


def command(settings, **changes):
    """The command that repeats this run with some options changed, for a note to suggest."""
    words = ["python", "regression_gd.py"] + (["--data", shlex.quote(settings.data)]
                                              if settings.data else [])
    for option in ("lr", "steps", "seed"):
        value = changes.get(option, getattr(settings, option))
        if option in changes or value != settings.knobs[option]:
            words += [f"--{option}", f"{value:g}" if option == "lr" else str(value)]
    return " ".join(words)


def digits(value):
    """A number with 4 significant digits, or more where 4 would round it to ±1."""
    text = f"{value:.4g}"
    return f"{value:.10g}" if abs(float(text)) == 1 != abs(value) else text


def n_steps(count):
    """'1 step', '100 steps', '1,000,000 steps'."""
    return f"{count:,} step" + ("" if count == 1 else "s")


def log_lines(history, every, last):
    """The training log after the start, in the post's words: every `every`-th step of the
    run's (weights, losses, gradients) up to step `last`, and that one."""
    shown = list(range(every, last + 1, every)) + ([last] if last % every else [])
    # As Python floats (printed with the same digits as numpy's), which format faster.
    weights, losses, grads = (part[np.array(shown, dtype=int) - 1].tolist() for part in history)
    return [f"i={i}: error={error}, gradiente={grad}, a={a}"
            for i, error, grad, a in zip(shown, losses, grads, weights, strict=True)]


def note_stop(stop, weights, a_star):
    """Where the stopping rule (|gradient| below 1/1000 of its start) would have ended the
    run whose `weights` run from the start: after `stop` steps; or that it would not have."""
    steps, start_a = len(weights) - 1, weights[0]
    if stop is None:
        note(f"note: stopping rule (|gradient| below 1/1000 of its start): it would not "
             f"have stopped within {n_steps(steps)}")
        return
    a = weights[stop]
    note(f"note: stopping rule (|gradient| below 1/1000 of its start): it would have "
         f"stopped after {n_steps(stop)}, at a = {a:.6g}, {abs(a - a_star):.3g} from a* "
         f"({100 * abs(a - a_star) / abs(start_a - a_star):.2g}% of the start's distance)")


def scale_hint(settings, bound):
    """For the learner's own data whose x is far from 1 in size (the threshold N/Σx² far
    from 1): a few words on rescaling x; else nothing."""
    rms = 1 / math.sqrt(bound)  # the root mean square of x, √(Σx²/N)
    if not settings.data or 0.1 <= rms <= 10:
        return ""
    return (f"; or rescale x: its root mean square is {rms:.3g}, and divided by that, x takes "
            "any lr below 1 in whatever units (see the scaling section)")


def fail_diverged(settings, step, last_loss, blowup, bound, safe):
    """Stop a run whose loss blew up at `step`: one error line, exit status 1."""
    why = ("overflowed to infinity" if not math.isfinite(last_loss)
           else f"grew past {blowup}x its starting value")
    fail(f"training diverged at step {step}: the loss {why}. lr={settings.lr:g} is above "
         f"the threshold N/Σx² = {bound:.4g}; try `{command(settings, lr=safe)}`"
         f"{scale_hint(settings, bound)}. No pictures were written.", 1)


def note_minimum(a_star, min_loss, analytic, numeric):
    """The notes on the bowl: its exact minimum, and the gradient checked numerically."""
    note(f"note: exact minimum a* = Σxz/Σx² = {a_star} with loss {min_loss}, the lowest a "
         "line through the origin can reach")
    note(f"note: gradient check at the start: analytic {analytic}, central finite "
         f"difference {numeric}, relative difference "
         f"{abs(analytic - numeric) / max(abs(analytic), 1e-300):.1e}")


def note_run(settings, bound, weights, safe, contraction, steps_needed):
    """Notes on a finished run, whose `weights` were (start, end, a*): the threshold and c,
    a warning at or above the threshold, and, if it ended over 1% of |a*| from a*, what
    would get there: the `safe` rate, and more steps at this rate, counted by the lesson's
    `steps_needed(c, distance, close)` with c = `contraction(lr)`."""
    (start_a, end_a, a_star), lr = weights, settings.lr
    note(f"note: threshold N/Σx² = {bound:.4g}; this run's c = 1 − lr·2Σx²/N = "
         f"{digits(contraction(lr))} (each step multiplies a − a* by c)")
    if lr >= bound:
        how = ("equals the threshold: a bounces around a* for ever" if lr == bound else
               "is above the threshold: each step overshoots a* further")
        note(f"warning: lr={lr:g} {how}, and the pictures show it.")
    close, distance = 0.01 * (abs(a_star) or 1.0), abs(start_a - a_star)
    if abs(end_a - a_star) <= close:
        return
    ideas = [{"lr": safe}]
    if steps_needed(contraction(safe), distance, close) > settings.steps:
        ideas[0]["steps"] = steps_needed(contraction(safe), distance, close)
    longer = steps_needed(contraction(lr), distance, close)
    if longer and settings.steps < longer <= MAX_STEPS:
        ideas.append({"steps": longer})
    note(f"note: after {n_steps(settings.steps)} a = {end_a:.6g} is still "
         f"{abs(end_a - a_star):.3g} away from a* = {a_star:.6g}; try "
         + " or ".join(f"`{command(settings, **idea)}`" for idea in ideas)
         + f" (lr {safe:g} is safely below N/(2Σx²) = {bound / 2:.4g}, the rate that lands "
         f"on a* in one step){scale_hint(settings, bound)}")


def note_two_weights(settings, rate, path, bounds, safe, most, contraction, steps_needed):
    """Notes on the two-weights run: where it ended, the exact answer, both thresholds; and
    if `path` = (start, end, (a*, b*)) ended over 1% of the way from (a*, b*), what would
    get there within `most` steps (the section's longest run), as in `note_run`."""
    (start, end, best), steps = path, min(settings.steps, most)
    note(f"note: two weights after {n_steps(steps)} at lr = {rate:.4g}: a = {end[0]:.6g}, "
         f"b = {end[1]:.6g}; exact a* = {best[0]:.6g}, b* = {best[1]:.6g}")
    note(f"note: thresholds: two weights 2/λmax = {bounds[0]:.4g}, one weight N/Σx² = "
         f"{bounds[1]:.4g}")
    if rate != settings.lr:
        note(f"note: lr = {settings.lr:g} is above the two-weight threshold, so the "
             f"two-weights section trains at 0.9 × 2/λmax = {rate:.4g} instead")
    start_gap = math.hypot(start[0] - best[0], start[1] - best[1])
    close, left = 0.01 * (math.hypot(*best) or 1.0), math.hypot(end[0] - best[0], end[1] - best[1])
    if left <= close:
        return
    # a faster safe rate if there is one; else this run's rate, for longer
    lr, trains_at = (safe, safe) if safe > rate else (settings.lr, rate)
    needed = steps_needed(contraction(trains_at), start_gap, close)
    advice = (f"`{command(settings, lr=lr, steps=needed)}` gets within 1%" if needed <= most
              else f"even at lr = {trains_at:.4g} it takes {needed:,} steps, more than the "
              f"{most:,} this section trains: the valley is too narrow (see the scaling "
              "section)")
    note(f"note: two weights: (a, b) ended {left:.3g} from (a*, b*), "
         f"{100 * left / start_gap:.3g}% of its starting distance; {advice}")


def note_scaling(variants, back, best, most):
    """The scaling section's notes: for each version of x, its curvature ratio and the steps
    the rate 1/λmax needs (None: more than `most`); then the standardised run's weights
    converted back."""
    note("note: scaling x, steps to within 1% of (a*, b*) at the rate 1/λmax: " + "; ".join(
        f"{name} (curvatures {ratio:.3g}× apart): "
        + (n_steps(steps) if steps is not None else f"more than {most:,}")
        for name, (ratio, steps) in variants.items()))
    note(f"note: trained on standardised x and converted back: a = {back[0]:.6g}, "
         f"b = {back[1]:.6g} (a* = {best[0]:.6g}, b* = {best[1]:.6g})")


def note_offset(b_star, largest_z, one_weight_loss, two_weight_loss):
    """For points whose best line misses the origin (its offset b* is over 10% of the
    largest |z|): a note on what the offset b buys."""
    if abs(b_star) > 0.1 * largest_z:
        note(f"note: these points lie off the origin: the best loss with one weight is "
             f"{one_weight_loss:.4g}, with an offset b: {two_weight_loss:.4g}; the one-weight "
             "line z = a·x is forced through (0, 0)")
