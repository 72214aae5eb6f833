"""The program around the lesson: its options and knobs, its notes and errors, its language,
and the saving of its pictures.

The lesson imports this module first, so that an old Python or a missing package is one
line saying what to do. `read_settings` checks the command line's options (in a notebook,
the knobs themselves) and starts a run. `note` shows one of the lesson's notes and `stop`
ends a run with one line. `keep` writes each picture under a hidden temporary name in the
output folder, and `save_pictures` renames them all into place at the end, with the stop
signals held. Words come from the catalog in locale/, in the language the lesson speaks.
"""

import atexit
import contextlib
import gc
import gettext
import os
import re
import signal
import sys
from gettext import gettext as _  # a text in the language spoken (see speak)

LOCALE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
STOPS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")  # the signals that stop a run


class Words:
    """The language spoken, "en" or "es": one lesson at a time."""
    language = "en"


def speak(language):
    """Speak `language` from now on: `_` and argparse take their words from gettext's
    global domain, the catalog in locale/ (an English text where it has none)."""
    Words.language = language
    os.environ["LANGUAGE"] = language
    gettext.bindtextdomain("program", LOCALE)
    gettext.textdomain("program")


def N_(text):
    """A text to translate later, where it is used (marked for the catalog)."""
    return text


# What a stop needs, ready before the slow imports below

def write_err(text):
    """A line on stderr; lost, quietly, if stderr is closed, full or gone."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


class Run:
    """The run going on (one at a time): its settings, the data's column names, the
    temporary file of each picture drawn, the folders it made, whether it saved, and the
    stop signals held while it renames (a list, then)."""
    settings = names = held = None
    waiting, made, saved = {}, [], False

    @staticmethod
    def start(settings):
        """Start a run with these settings; an earlier run's temporary files go."""
        remove_temporaries()
        Run.settings, Run.names, Run.waiting, Run.made, Run.saved = settings, None, {}, [], False


def remove_temporaries():
    """Remove this run's temporary files, and the folders it made, while empty."""
    for path in Run.waiting.values():
        if os.path.lexists(path):
            os.remove(path)
    Run.waiting = {}
    for folder in [] if Run.saved else Run.made:
        if os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)


atexit.register(remove_temporaries)  # every exit this process controls


def stopped(signum, frame):
    """A stop signal: unless held, remove the temporary files, say so in one line, and end
    with status 128 + the signal's number."""
    if Run.held is not None:
        Run.held.append(signum)
        return
    words = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    try:
        remove_temporaries()
        write_err(_("stopped by {words}; {outcome}").format(words=words, outcome=(
            _("the pictures were saved before") if Run.saved else _("no picture was changed"))))
    finally:
        os._exit(128 + signum)


def lesson_file():
    """The file of the script being run (the lesson's, in a script run), or ""."""
    return getattr(sys.modules.get("__main__"), "__file__", None) or ""


speak("es" if lesson_file().endswith("_es.py") else "en")  # until the lesson's knobs say
if sys.version_info < (3, 10):  # noqa: UP036  (a learner's Python may be older than ruff's)
    sys.exit(_("error: this lesson needs Python 3.10 or newer, and this is Python {}.{}; "
               "make its virtual environment with a newer Python (see the README)")
             .format(*sys.version_info[:2]))
if os.path.dirname(os.path.abspath(lesson_file())) == os.path.dirname(LOCALE):  # a script
    for signal_name in STOPS:  # from now on, a stop is one line, even while packages load
        if hasattr(signal, signal_name):
            signal.signal(getattr(signal, signal_name), stopped)
try:
    import matplotlib.pyplot  # noqa: F401  (a backend it does not know fails here)
    import numpy  # noqa: F401
    import PIL.Image  # noqa: F401
except ModuleNotFoundError as missing:
    sys.exit(_("error: the package {name} is not installed for this Python; activate the "
               "lesson's virtual environment, or run: pip install -r requirements.txt")
             .format(name=missing.name))
except (ImportError, ValueError) as broken:  # such as MPLBACKEND set to a name it does not know
    sys.exit(_("error: a package the lesson needs cannot be loaded ({why}); check MPLBACKEND, "
               "or run: pip install -r requirements.txt").format(why=str(broken)[:200]))

gc.freeze()  # the packages' objects live on: collections skip them (a run 5% quicker)

import argparse  # noqa: E402
import functools  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
import secrets  # noqa: E402

PART = ".regression_gd-part"  # the end of every temporary file's name: only the lesson's
OPTIONS = {  # option: its knob, the whole numbers it takes (or None), its help
    "lr": ("LEARNING_RATE", None, N_("learning rate: each step changes a by −lr × gradient; "
                                     "above N/Σx² training diverges (default: %(default)s)")),
    "steps": ("STEPS", (1, 1_000_000), N_("number of gradient-descent steps, from 1 to "
                                          "1000000 (default: %(default)s)")),
    "seed": ("SEED", (0, math.inf), N_("seed of the random starting a (default: %(default)s)")),
    "every": ("EVERY", (1, math.inf), N_("print a progress line every this many steps "
                                         "(default: %(default)s)")),
    "frames": ("FRAMES", (2, 300), N_("the most frames in the training animation, the start "
                                      "included, from 2 to 300 (default: %(default)s)")),
    "guess": ("GUESS", None, N_("your own guess for a, before training (default: "
                                "%(default)s)")),
    "data": ("DATA", None, N_("your own measurements: a CSV file with two columns, x and z "
                              "(default: the post's 30 points)")),
    "out": ("OUT", None, N_("the folder for the pictures, made if missing (default: "
                            "%(default)s)")),
    "explore": ("EXPLORE", None, N_("at the end, open a window to move a, step through "
                                    "training and change the learning rate (q closes it)")),
}


# The options and knobs

class Invalid(argparse.ArgumentTypeError, ValueError):
    """A value an option or a knob cannot take: argparse shows its words as they are."""


def shown(value):
    """A value as a message quotes it: whole, or its start where it is long."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}… ({len(text)} {_('characters')})"


def check(option, value, knob=False):
    """The value of `option`, checked: a knob's own value, or (not `knob`) the command
    line's text. An Invalid error says what is wrong."""
    if option in ("data", "out", "explore"):
        wanted, words = ((bool, N_("{value} must be True or False")) if option == "explore"
                         else (str, N_("{value} must be a name in quotes")))
        if knob and not isinstance(value, wanted):
            raise Invalid(_(words).format(value=shown(value)))
        if not str(value).strip():
            raise Invalid(_("the name is empty; give a file or folder name"))
        return value
    whole = OPTIONS[option][1]
    try:
        if knob and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError
        number = int(str(value)) if whole and len(str(value)) < 100 else float(value)
    except (ValueError, OverflowError):
        raise Invalid(_("{value} must be a whole number" if whole else "{value} must be a "
                        "number, written without quotes" if knob and isinstance(value, str)
                        else "{value} must be a number").format(value=shown(value))) from None
    low, high = whole or (-math.inf, math.inf)
    if not (math.isfinite(number) and low <= number <= high) or (option == "lr" and number <= 0):
        raise Invalid(_("{value} is out of range: {range}").format(value=shown(value), range=(
            _("finite, above 0, like 0.001") if option == "lr" else _("any finite number")
            if not whole else f"{low}…{high}" if high < math.inf else f"≥ {low}")))
    return number


class Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one error line, with a long value cut short."""

    def error(self, message):
        message = re.sub(r"'([^']{41,})'|\S{41,}", lambda found: shown(found[1] or found[0]),
                         message)
        stop(_("{message} (see --help)").format(message=message), 2)


def command_line(settings):
    """The settings from the command line's options, each defaulting to its knob."""
    parser = Parser(prog=script(), description=_(
        "One neuron z = a·x learns its weight a by gradient descent. Prints the training "
        "log on stdout and saves the pictures."))
    parser.set_defaults(**settings)
    names = {"data": _("FILE"), "out": _("FOLDER")}  # the other options take a number
    for option, (_knob, _whole, words) in OPTIONS.items():
        parser.add_argument(f"--{option}", help=_(words), **(
            {"action": "store_true"} if option == "explore" else
            {"type": functools.partial(check, option), "metavar": names.get(option, _("NUMBER"))}))
    parser.add_argument("--no-gif", action="store_true", help=_("skip the training animation"))
    parser.add_argument("--show", action="store_true", help=_("also open the pictures in windows"))
    parser.add_argument("--narrow", action="store_true", help=_(
        "draw the pictures for a phone's screen: 480 pixels wide, panels one above the other"))
    return parser.parse_args()


def script():
    """The lesson's file as the learner runs it (regression_gd.py, regression_gd_es.py)."""
    return os.path.basename(lesson_file()) if lesson_file().endswith(".py") else "regression_gd.py"


def read_settings(language, **knobs):
    """The run's settings, checked: the command line's options, defaulting to the lesson's
    knobs; in a notebook, the knobs themselves. It starts a new run of pictures."""
    speak(language if language in ("en", "es") else "en")
    for stream in (sys.stdout, sys.stderr) if not in_notebook() else ():
        if hasattr(stream, "reconfigure"):  # what the console cannot show becomes ?
            stream.reconfigure(errors="replace")
    if language not in ("en", "es"):
        stop(_("LANGUAGE: {value} must be \"en\" or \"es\"").format(value=shown(language)), 2)
    for option, value in knobs.items():
        try:
            knobs[option] = value if value is None and option == "data" else check(
                option, value, knob=True)
        except ValueError as error:
            stop(f"{OPTIONS[option][0]}: {error}", 2)
    knobs.update(no_gif=False, show=False, narrow=False)
    settings = argparse.Namespace(**knobs) if in_notebook() else command_line(knobs)
    if not in_notebook() and not isinstance(sys.stdout, Log):
        sys.stdout = Log(sys.stdout)
    if settings.explore and (problem := window_problem()):
        stop(problem, 2)
    Run.start(settings)
    return settings


def window_problem():
    """Why no window can be opened here (None if one can: always, in a notebook)."""
    from matplotlib.backends import BackendFilter, backend_registry
    if not in_notebook() and matplotlib.get_backend().lower() in backend_registry.list_builtin(
            BackendFilter.NON_INTERACTIVE):
        return _("there is no display here for a window; run it on a desktop, or in Jupyter "
                 "with ipympl")
    return None


# The lines the lesson prints

def in_notebook():
    """Whether this runs in a Jupyter kernel (a test that imported IPython has none)."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return getattr(shell, "kernel", None) is not None


class Log(io.TextIOBase):
    """stdout in a script run, which carries the training log: a reader that has gone
    (`| head`) loses the rest quietly; a full disk stops the run with one line."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream

    def write(self, text):
        try:
            if self.stream is not None:
                self.stream.write(text)
                self.stream.flush()
        except OSError as error:
            self.stream = None
            if not isinstance(error, BrokenPipeError):
                stop(_("cannot write the training log ({why}); send it to a file on a disk "
                       "with room").format(why=system_words(error)), 1)
        return len(text)


def spanish_numbers(text):
    """Numbers the Spanish way (0,5; −3; 6,6 %; 10 000, the spaces no-break ones: a line
    never breaks inside a number), except in `backticks` (what the learner types) and
    numbers written in full (15 digits or more, Python's own form, to compare with the
    post's and to paste)."""
    def spanish(found):
        sign, whole, fraction, power, percent = found.groups()
        digits = whole.replace(",", "")
        if len((digits + fraction[1:]).lstrip("0")) >= 15:
            return found[0]
        digits = f"{int(digits):,}".replace(",", "\u00a0") if len(digits) > 4 else digits
        return ("−" * len(sign) + digits + fraction.replace(".", ",") + power
                + "\u00a0%" * len(percent))
    parts = text.split("`")
    parts[::2] = [re.sub(r"(?<![\w.,])(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+|)(e[+-]?\d+|)(%?)"
                         r"(?!\w)", spanish, part) for part in parts[::2]]
    return "`".join(parts)


def number_text(value, spec):
    """A number formatted by `spec` in the language spoken."""
    return spanish_numbers(format(value, spec)) if Words.language == "es" else format(value, spec)


def steps_text(count):
    """A number of steps in words: "1 step", "496 steps"."""
    return (_("{count} step") if count == 1 else _("{count} steps")).format(
        count=number_text(count, ","))


def note(text):
    """Show one of the lesson's notes: in a script on stderr (stdout carries the bare
    training log); in a notebook as ordinary output."""
    text = spanish_numbers(text) if Words.language == "es" else text
    if in_notebook():
        print(text)
    else:
        write_err(f"{_('note')}: {text}")


class LessonError(Exception):
    """A run that cannot go on, in a notebook: IPython shows its one line, and Run All
    stops there."""

    def _render_traceback_(self):  # IPython's hook for how an exception is shown
        return [f"{_('error')}: {self}"]


def stop(message, status):
    """End the run with one error line: in a script on stderr, with an exit status; in a
    notebook as an exception shown as that line."""
    if in_notebook():
        raise LessonError(message)
    write_err(f"{script()}: {_('error')}: {message}")
    sys.exit(status)


# Saving the pictures: temporary files, renamed together at the end

def keep(name, write):
    """Write the picture `name` with `write(path)` under a new temporary name in the output
    folder (made if missing), to be saved with the others; a picture drawn again is written
    over its earlier one."""
    missing, folder = [], Run.settings.out
    while folder and not os.path.isdir(folder):
        missing, folder = [*missing, folder], os.path.dirname(folder)  # the deepest first
    Run.waiting.setdefault(name, os.path.join(  # from now on, removed by any exit
        Run.settings.out, f".{name}.{os.getpid()}-{secrets.token_hex(4)}{PART}"))
    try:
        os.makedirs(Run.settings.out, exist_ok=True)
        Run.made[:0] = missing  # to be removed, while empty, if nothing is saved
        write(Run.waiting[name])
    except OSError as error:
        stop(_("could not write {name} into {folder} ({why})").format(
            name=name, folder=Run.settings.out, why=system_words(error)), 1)


def system_words(error):
    """An OSError's reason in the language spoken, for the usual ones."""
    return {2: _("no such file or folder"), 13: _("permission denied"),
            17: _("a file is in the way"), 20: _("a file is in the way"),
            21: _("it is a folder, not a file"), 28: _("the disk is full"),
            30: _("the disk is read-only")}.get(error.errno, error.strerror or str(error))


def save_pictures(names):
    """Rename every picture drawn into place, all in one pass with the stop signals held,
    and remove the lesson's other `names` left from an earlier run (the GIF stays with
    --no-gif); say so in one line."""
    settings = Run.settings
    if settings is None:
        stop(_("run the settings cell first (settings = ...): it starts the run"), 1)
    folder, waiting = settings.out, Run.waiting
    for name in waiting:
        if os.path.isdir(os.path.join(folder, name)):
            stop(_("there is a folder where {name} goes, in {folder}; move it away").format(
                name=name, folder=folder), 1)
    gone = [name for name in names if name not in waiting and os.path.isfile(
        os.path.join(folder, name)) and not (settings.no_gif and name == "training.gif")]
    drawn, Run.held = list(waiting), []  # from here, a stop signal waits for the renames
    try:
        for name in drawn:
            os.replace(waiting[name], os.path.join(folder, name))
            del waiting[name]  # no longer a temporary file
        for name in gone:
            os.remove(os.path.join(folder, name))
        Run.saved = Run.saved or bool(drawn)
    except OSError as error:  # such as another user's file in a shared folder (a stop signal
        remove_temporaries()  # held meanwhile gives way to this error)
        stop(_("could not change {name} in {folder} ({why}); the pictures before it were saved, "
               "the others left as they were").format(name=name, folder=folder,
                                                      why=system_words(error)), 1)
    finally:
        held, Run.held = Run.held, None
    if held:
        stopped(held[0], None)
    line = (_("saved in {folder}/: {names}").format(folder=folder, names=", ".join(drawn))
            if drawn else _("nothing new to save in {folder}/").format(folder=folder))
    if gone:
        line += _("; removed {names}, left from an earlier run: this run does not draw them"
                  ).format(names=", ".join(gone))
    if settings.no_gif and os.path.isfile(os.path.join(folder, "training.gif")):
        line += _("; training.gif there is from an earlier run (--no-gif)")
    (print if in_notebook() else write_err)(line)  # stderr, in a script: stdout is the log


# Advice: commands (or knobs) the learner can run

def suggest(**changes):
    """How to run again with some settings changed: in a script the command, in a
    notebook the knobs to set."""
    if in_notebook():
        return _(" and ").join(f"`{OPTIONS[option][0]} = {value!r}`"  # as typed
                               for option, value in changes.items())
    words = ["python", script()] + (["--data", Run.settings.data] if Run.settings.data else [])
    words += [f"--{option} {value:g}" for option, value in changes.items()]
    return "`" + " ".join(words) + "`"


def rescale(bound):
    """For x far from 1 in size (the threshold `bound` = N/Σx² far from 1): words on
    rescaling x; else nothing."""
    size = 1 / math.sqrt(bound)  # the root mean square of x, √(Σx²/N)
    return "" if 0.1 <= size <= 10 else _(
        "; or rescale x: its root mean square is {size}, and divided by that, x takes any rate "
        "below 1 (see the section on scaling)").format(size=number_text(size, ".3g"))


def stop_diverged(steps, last_loss, bound, safe):
    """Stop a run whose loss blew up after `steps` steps, suggesting the `safe` rate."""
    lr = Run.settings.lr
    words = (_("training diverged at step {step}: the loss {why}. lr = {lr} is above the "
               "threshold N/Σx² = {bound}; try {suggestion}{hint}. No picture was changed.")
             if lr >= bound else
             _("training diverged at step {step}: the loss {why}, yet lr = {lr} is below the "
               "threshold N/Σx² = {bound}. Check the update's sign: a − lr·gradient goes "
               "downhill. No picture was changed."))
    stop(words.format(step=steps, lr=lr, bound=number_text(bound, ".4g"),
                      why=(_("overflowed to infinity") if not math.isfinite(last_loss)
                           else _("grew past 1000 times its start")),
                      suggestion=suggest(lr=safe), hint=rescale(bound)), 1)


def ideas(safe, counts, bound):
    """What gets a one-weight run within 1% of the start's distance from a*: the `safe`
    rate (with its steps, counts[0], if more than this run's), or this rate for counts[1]
    steps; for x far from 1 in size, rescaling (`bound`: N/Σx²)."""
    steps = Run.settings.steps
    found = [suggest(lr=safe, steps=counts[0]) if (counts[0] or 0) > steps else suggest(lr=safe)]
    if counts[1] is not None and steps < counts[1] <= OPTIONS["steps"][1][1]:
        found.append(suggest(steps=counts[1]))
    return _(" or ").join(found) + rescale(bound)


def two_weight_advice(faster, most):
    """What gets the two-weight run within 1%: the `faster` descent's rate and steps; or,
    if it took over `most` steps, that the valley is too narrow."""
    if faster.reached is None:
        return _("; even at lr = {lr} it takes over {most}: the valley is too narrow (see the "
                 "section on scaling)").format(lr=number_text(faster.lr, "g"),
                                               most=steps_text(most))
    return _("; {suggestion} gets within 1% of the start's distance").format(
        suggestion=suggest(lr=faster.lr, steps=max(faster.reached, Run.settings.steps)))
