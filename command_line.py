"""The lesson as a program: its options and their checks, and the lines it prints.

regression_gd.py imports this module first. On import it checks that this Python can run
the lesson, makes Ctrl-C and SIGTERM quiet and pauses the garbage collector (where a
script beside it is being run, not a notebook or a test), and checks that numpy,
matplotlib and Pillow are installed; each problem is one line saying what to do. The
lesson then reads its settings here (the command line, or its knobs inside Jupyter,
checked by the same rules), and shows its notes through `note` and `warn`: in a script on
stderr, so that stdout stays the bare training log its loop prints; in a notebook as
ordinary output. `stop` ends a run with one line.
"""

import atexit
import gc
import os
import sys

from translation import _, count, use  # count: the lesson's notes call it as cli.count

if sys.version_info < (3, 10):  # before anything that needs a newer Python
    sys.exit(_("error: this lesson needs Python 3.10 or newer, and this is Python "
               "{}.{}; make its virtual environment with a newer Python (see the README)")
             .format(*sys.version_info[:2]))

import safe_writing  # noqa: E402
from safe_writing import in_notebook  # noqa: E402


def running_a_script_here():
    """Whether the program running is a script in this folder (the lesson), not a notebook
    kernel or a test runner that imported it."""
    main = getattr(sys.modules.get("__main__"), "__file__", None) or ""
    return os.path.dirname(os.path.abspath(main)) == os.path.dirname(os.path.abspath(__file__))


class Ending:
    """Whether this script run has saved its pictures and opens no window: then, once
    everything else is done, it may end at once."""
    quick = False


def end_at_once():
    """At exit, after every other clean-up (atexit runs this one last, as it was
    registered first): a run that saved its pictures flushes its streams and ends here,
    skipping the interpreter's slow shutdown (a tenth of a second or more). A run that
    failed, or is ending on an error, ends the usual way, with its own status."""
    if not Ending.quick or hasattr(sys, "last_value"):
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(0)


if running_a_script_here() and not in_notebook():
    safe_writing.stop_quietly_on_signals()
    atexit.register(end_at_once)  # first: it runs after every later one
    # Nearly everything a script run makes (numpy's and matplotlib's objects, the
    # pictures) lives until it ends: Python's garbage collector would spend about a tenth
    # of a second of CPU going over it again and again, to free a few thousand small
    # objects. It is paused for the run; read_settings turns it back on for a window,
    # which may stay open for hours.
    gc.disable()

import importlib.util  # noqa: E402


def package_problem(error):
    """The one line for a package that is missing, or installed but cannot be loaded."""
    if isinstance(error, ModuleNotFoundError):
        return (_("error: the package {name!r} is not installed for this Python; activate "
                  "the lesson's virtual environment or run: pip install -r requirements.txt")
                .format(name=error.name))
    if isinstance(error, ValueError):  # matplotlib refuses a setting, as MPLBACKEND=nonsense
        return (_("error: matplotlib refuses a setting ({why}); correct or remove it (check "
                  "MPLBACKEND and your matplotlibrc)")
                .format(why=str(error).split('; supported')[0][:200]))
    # with too little memory (ulimit -v) any of ImportError, MemoryError, SystemError comes
    return (_("error: a package the lesson needs cannot be loaded ({why}); if memory is "
              "limited (ulimit -v), allow more, else run: pip install -r requirements.txt")
            .format(why=str(error)[:200] or type(error).__name__))


try:  # matplotlib is only looked for here: it loads once the settings are checked
    import numpy  # noqa: E402, F401
    import PIL  # noqa: E402, F401
    import PIL.Image  # noqa: E402, F401  (its compiled part, which may fail to load)
    if importlib.util.find_spec("matplotlib") is None:
        raise ModuleNotFoundError(name="matplotlib")
except (ImportError, MemoryError, SystemError) as broken:
    sys.exit(package_problem(broken))

import argparse  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
import shlex  # noqa: E402

MAX_STEPS = 1_000_000  # a million steps take about 20 s; far beyond, a typo is likelier
MAX_FRAMES = 300  # each GIF frame is held in memory (about 0.2 MB) until the file is written
MAX_DIGITS = 100  # a number longer than this is a slip of the keyboard


def positive_number(text):
    """argparse type: a finite number greater than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number").format(text=text)) \
            from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(_("{text!r} must be a finite number greater than 0")
                                         .format(text=text))
    return value


def whole_number(minimum=0, maximum=math.inf):
    """argparse type: an integer from minimum to maximum."""
    def parse(text):
        shown = text if len(text) <= 2 * MAX_DIGITS else f"{text[:12]}…"  # a long one, cut
        digits_only = text.strip().lstrip("+-").replace("_", "")  # int() allows 1_000
        if digits_only.isdigit() and len(digits_only) > MAX_DIGITS:
            raise argparse.ArgumentTypeError(_("{start}… has over {digits} digits")
                                             .format(start=text[:12], digits=MAX_DIGITS))
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("{shown!r} is not a whole number")
                                             .format(shown=shown)) from None
        if not minimum <= value <= maximum:
            bound = (_("{shown} must be at least {minimum}") if value < minimum
                     else _("{shown} must be at most {maximum:,}"))
            raise argparse.ArgumentTypeError(bound.format(shown=shown, minimum=minimum,
                                                          maximum=maximum))
        return value
    return parse


KNOBS = {"lr": "LEARNING_RATE", "steps": "STEPS", "seed": "SEED", "every": "EVERY",
         "frames": "FRAMES", "data": "DATA", "out": "OUT", "explore": "EXPLORE",
         "lang": "LANGUAGE"}
LANGUAGES = ("en", "es")  # English, the source; Spanish, from the catalogs in locale/


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad option gets one error line (and a pointer to --help), not the
    usage block and then the error."""

    def error(self, message):
        fail(_("{message} (see --help)").format(message=message), 2)


class KnobError(Exception):
    """A knob or a run that cannot go on, in a notebook: IPython shows only its message,
    one line, where it would show a traceback, and a Run All stops there."""

    def _render_traceback_(self):  # IPython's hook for how an exception is shown
        return [_("error: {message}").format(message=self)]


class KnobParser(OneLineParser):
    """The options, checked as the command line checks them, for knobs set in a notebook:
    an error names the knob, not the option."""

    def error(self, message):
        argument = _("argument %(argument_name)s: %(message)s").split("%(argument_name)s")[0]
        for option, knob in KNOBS.items():
            message = message.replace(f"{argument}--{option.replace('_', '-')}", knob)
        raise KnobError(message)


def script_name():
    """The lesson's file as the learner runs it: regression_gd.py, or regression_gd_es.py
    (the Spanish lesson, written from it), so that a suggested command runs the same one."""
    name = os.path.basename(sys.argv[0])
    return name if running_a_script_here() and name.endswith(".py") else "regression_gd.py"


def make_parser(knobs, parser_class=OneLineParser):
    """The command-line options; each defaults to its knob in the lesson."""
    parser = parser_class(
        prog=script_name(),
        description=_("One neuron z = a·x learns its weight a by gradient descent. "
                      "Prints the training log on stdout and saves the pictures."))
    parser.set_defaults(**knobs, knobs=knobs)
    add = parser.add_argument
    add("--lr", type=positive_number, help=_("learning rate: each step moves a by "
        "lr × gradient (default: %(default)g; above N/Σx² training diverges)"))
    add("--steps", type=whole_number(1, MAX_STEPS),
        help=_("number of gradient-descent steps, at most {most:,} (default: %(default)s)")
        .format(most=MAX_STEPS))
    add("--seed", type=whole_number(0),
        help=_("seed for the random starting a, 0 or more (default: %(default)s)"))
    add("--every", type=whole_number(1),
        help=_("print a progress line every this many steps (default: %(default)s)"))
    add("--frames", type=whole_number(2, MAX_FRAMES),
        help=_("at most this many GIF frames, the start included, from 2 to {most} "
               "(default: %(default)s)").format(most=MAX_FRAMES))
    add("--data", metavar=_("FILE"),
        help=_("your own measurements: a CSV file with two columns x,z (comma, semicolon or "
               "tab separated; optional header; '#' comments) (default: the post's 30 points)"))
    add("--out", metavar=_("FOLDER"),
        help=_("folder for the pictures, created if missing (default: %(default)s)"))
    add("--no-gif", action="store_true", help=_("skip the training animation"))
    add("--show", action="store_true",
        help=_("also open the pictures in windows, where a display exists"))
    add("--lang", choices=LANGUAGES,
        help=_("the language of the notes, the help and the pictures: en (English) or es "
               "(Spanish) (default: from the system's locale, LANG or LANGUAGE)"))
    add("--explore", action="store_true",
        help=_("at the end, open one window to drag a, scrub the training and change the "
               "learning rate (needs a display; close it with q)"))
    return parser


class TrainingLog(io.TextIOBase):
    """stdout for a script run, which carries the training log the lesson's loop prints:
    each line is sent at once; a reader that has gone (`| head`) is fine, the rest goes
    nowhere; a stdout that cannot take it (a full disk) stops the run with one line."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream

    def writable(self):
        return True

    def write(self, text):
        if self.stream is not None:
            try:
                safe_writing.write_to(self.stream, text)
            except OSError as error:
                self.stream = None
                fail(_("{error}. No picture was written or changed.").format(error=error), 1)
        return len(text)


def knob_arguments(knobs):
    """The knobs as command-line words, so that a notebook's knobs are checked by the same
    rules as the options."""
    words = []
    for option, value in knobs.items():
        if isinstance(value, bool):
            words += [f"--{option}"] if value else []
        elif value is not None:
            words += [f"--{option}", repr(value) if isinstance(value, float) else str(value)]
    return words


def language_asked(knobs):
    """The language asked for: in a script, the last --lang on the command line (read
    before the other options, so that --help and their errors speak it), else the
    LANGUAGE knob; None: the system's."""
    asked = knobs.get("lang")
    words = [] if in_notebook() else sys.argv[1:]
    for number, word in enumerate(words):
        if word == "--":
            break
        name, equals, value = word.partition("=")
        if len(name) > 3 and "--lang".startswith(name):  # argparse takes --la, --lan too
            asked = value if equals else (words[number + 1] if number + 1 < len(words)
                                          else asked)
    return asked


def read_settings(**knobs):
    """The run's settings, checked: the command line's options, defaulting to the lesson's
    knobs; inside Jupyter, the knobs themselves, checked as the options are. It also sets
    up the run's pictures, kept until `save_pictures` writes them all."""
    use(language_asked(knobs))
    if in_notebook():
        parser = make_parser(knobs, KnobParser)
        settings = parser.parse_args(knob_arguments(knobs))
    else:
        parser = make_parser(knobs)
        settings = parser.parse_args()
        if settings.show or settings.explore:
            gc.enable()
        if not isinstance(sys.stdout, TrainingLog):
            sys.stdout = TrainingLog(sys.stdout)
    problem = safe_writing.prepare_folder(settings.out)
    if not problem and settings.explore and not in_notebook():
        problem = window_problem()
        problem = problem and _("argument --explore: {problem}").format(problem=problem)
    if problem:
        parser.error(problem)
    Loaded.points = None  # a data file it cannot use is refused before the drawing loads
    if settings.data is not None:
        Loaded.points = settings.data, load_points(settings.data)
    pictures = import_the_drawing()
    pictures.start(safe_writing.pictures_for(settings.out, in_notebook(),
                                             windows=settings.show or settings.explore),
                   settings.frames, not settings.no_gif, settings.steps)
    return settings


class Loaded:
    """The data file read_settings has read, (path, its Measurements), until read_points
    takes it: a file is read once per run of the settings (a pipe can only be read once)."""
    points = None


def load_points(path):
    """The Measurements of a data file; a file it cannot use stops the run with one line
    saying why (exit status 2)."""
    from data import DataError, load_measurements
    try:
        return load_measurements(path)
    except DataError as error:
        stop(str(error), 2)


def read_points(path):
    """The points (x, z) of a data file: the ones read_settings read, the first time."""
    import pictures
    kept, Loaded.points = Loaded.points, None
    points = kept[1] if kept and kept[0] == path else load_points(path)
    pictures.use_names(points.names)
    return points.x, points.z


def import_the_drawing():
    """Import the modules that draw (and matplotlib with them) once the settings are
    checked, so that a wrong option is refused at once; a package that cannot be loaded,
    or a setting that matplotlib refuses, is one line. The pictures module."""
    try:
        import animation  # noqa: F401
        import explorer  # noqa: F401
        import pictures
    except (ImportError, MemoryError, SystemError, ValueError) as broken:
        sys.exit(package_problem(broken))
    return pictures


def window_problem():
    """Why no window can be opened here, or None if one can."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        return _("there is no display to open a window on; run it on a desktop, or in "
                 "Jupyter with ipympl (%matplotlib widget)")
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry
    if matplotlib.get_backend().lower() in backend_registry.list_builtin(
            BackendFilter.NON_INTERACTIVE):
        if importlib.util.find_spec("tkinter") is None:
            return _("matplotlib found no window toolkit; install Tk "
                     "(on Debian/Ubuntu: sudo apt install python3-tk)")
        return _("the display {display!r} cannot be reached; check that it is running, or "
                 "run on a desktop").format(display=os.environ.get("DISPLAY")
                                            or os.environ.get("WAYLAND_DISPLAY"))
    return None


def save_pictures(settings):
    """Save every picture of the run together; then, with --show, open them in windows."""
    import pictures
    if pictures.Kept.keeper is None:
        stop(_("run the knobs cell first: it sets up the pictures"), 1)
    try:
        saved = pictures.Kept.keeper.save_all()
    except OSError as error:
        stop(_("could not write the pictures into {out}/: {error}").format(out=settings.out,
                                                                            error=error), 1)
    where = _("saved in {out}/: {names}").format(out=settings.out, names=", ".join(saved))
    if in_notebook():
        print(where)
    else:
        write_note(where)
        Ending.quick = not (settings.show or settings.explore)
    problem = settings.show and not in_notebook() and window_problem()
    if problem:
        warn("--show: {problem}; the pictures are only saved.", problem=problem)
    elif settings.show and not in_notebook():
        import matplotlib.pyplot as plt
        plt.show()


def fail(message, status):
    """Stop the run with one error line on stderr (lost if stderr is gone) and an exit
    status."""
    safe_writing.write_err(_("{program}: error: {message}")
                           .format(program=os.path.basename(sys.argv[0]), message=message)
                           + "\n")
    sys.exit(status)


def write_note(text):
    """A note for the learner, on stderr, so that stdout stays the bare training log; lost,
    quietly, if stderr is closed or gone."""
    safe_writing.write_err(f"{text}\n")


def stop(message, status):
    """Stop the run with one error line: in a script, on stderr with an exit status; in a
    notebook, as an exception shown as that one line, which stops a Run All."""
    if in_notebook():
        raise KnobError(message)
    fail(message, status)


def show(prefix, template, fields):
    """A note or warning: the template filled in with the fields. In a script on stderr,
    so that stdout stays the bare training log; in a notebook, as ordinary output."""
    text = _(template).format(**fields)
    if in_notebook():
        print(text)
    else:
        write_note(f"{prefix}: {text}")


def note(template, **fields):
    """A note for the learner: `template` with its {fields} filled in."""
    show(_("note"), template, fields)


def warn(template, **fields):
    """A warning for the learner: `template` with its {fields} filled in."""
    show(_("warning"), template, fields)


def suggest(settings, **changes):
    """How to repeat this run with some settings changed: in a script, the command; in a
    notebook, the knobs to set."""
    if in_notebook():
        return _(" and ").join(f"{KNOBS[option]} = {value!r}" for option, value in changes.items())
    words = ["python", script_name()] + (["--data", shlex.quote(settings.data)]
                                              if settings.data else [])
    for option in ("lr", "steps", "seed"):
        value = changes.get(option, getattr(settings, option))
        if option in changes or value != settings.knobs[option]:
            words += [f"--{option}", f"{value:g}" if option == "lr" else str(value)]
    return "`" + " ".join(words) + "`"


def scale_hint(settings, bound):
    """For the learner's own data whose x is far from 1 in size (the threshold N/Σx² far
    from 1): a few words on rescaling x; else nothing."""
    rms = 1 / math.sqrt(bound)  # the root mean square of x, √(Σx²/N)
    if not settings.data or 0.1 <= rms <= 10:
        return ""
    return _("; or rescale x: its root mean square is {rms:.3g}, and divided by that, x "
             "takes any lr below 1 in whatever units (see the scaling section)").format(rms=rms)


def stop_diverged(settings, step, last_loss, bound, safe):
    """Stop a run whose loss blew up at `step`, suggesting the `safe` rate."""
    why = (_("overflowed to infinity") if not math.isfinite(last_loss)
           else _("grew past 1000 times its starting value"))
    stop(_("training diverged at step {step}: the loss {why}. lr = {lr:g} is above the "
           "threshold N/Σx² = {bound:.4g}; try {suggestion}{hint}. No pictures were written.")
         .format(step=step, why=why, lr=settings.lr, bound=bound,
                 suggestion=suggest(settings, lr=safe), hint=scale_hint(settings, bound)), 1)


def one_weight_ideas(settings, safe, counts):
    """What gets a one-weight run within 1% of the start's distance from a*: the `safe`
    rate (with its steps, counts[0], if more than this run's), or this rate for counts[1]
    steps, if that many are allowed; as commands (or knobs) to try."""
    ideas = [{"lr": safe}]
    if counts[0] is not None and counts[0] > settings.steps:
        ideas[0]["steps"] = counts[0]
    if counts[1] is not None and settings.steps < counts[1] <= MAX_STEPS:
        ideas.append({"steps": counts[1]})
    return (_(" or ").join(suggest(settings, **idea) for idea in ideas)
            + _(" (lr {safe:g} is safely below N/(2Σx²), the rate that lands on a* in one "
                "step)").format(safe=safe))


def two_weight_advice(settings, faster, most):
    """The end of the two-weights note for a run still far from (a*, b*): the rate of the
    `faster` descent (safe for both weights and for one) and the steps it took, counted
    by training; or, if it took over `most`, that the valley is too narrow."""
    if faster.reached is None:
        return _("; even at lr = {lr:g} it takes {steps}: the valley is too narrow (see the "
                 "scaling section)").format(lr=faster.lr, steps=count(None, most))
    return _("; {suggestion} gets within 1% of the start's distance").format(
        suggestion=suggest(settings, lr=faster.lr, steps=max(faster.reached, settings.steps)))
