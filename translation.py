"""The language the lesson speaks, and its words in it: `_(text)` is `text` in that language.

English is the source: every message is written in English in the code, and is its own
message id in the gettext catalogs beside the lesson (locale/es/LC_MESSAGES/*.mo, compiled
from the .po files there by docs/spanish.py). `use(language)` chooses the language for the
rest of the run: "en", "es", or None for the system's (the environment variables LANGUAGE,
LC_ALL, LC_MESSAGES and LANG, in that order, else `locale.getlocale()`, as on Windows;
Spanish where it starts with "es"). A message missing from the catalog stays English.
`count(steps)` says a number of steps in that language ("1 step", "453 steps").
argparse's own words ("usage:", "options:", its errors) come through the standard library's
`gettext.gettext`, so `use` also binds gettext's global domain to the program's catalog.
Only the standard library is used.
"""

import gettext
import locale
import os

LOCALE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
DOMAIN = "regression_gd"  # the program's messages: notes, errors, --help, the pictures
LESSON_DOMAIN = "lesson"  # the lesson's prose, comments and docstrings (for docs/spanish.py)
LANGUAGES = ("en", "es")  # English, the source; Spanish, from the catalogs
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order


class Speaking:
    """The language chosen, and its translation of the program's messages (None: not yet
    chosen; the first `_` chooses the system's)."""
    language = None
    translation = None


def spanish(name):
    """Whether a locale name or language list means Spanish: "es", "es_ES.UTF-8", "es:en",
    or Windows' "Spanish_Spain"."""
    return name.strip().lower().startswith(("es", "spanish"))


def system_language():
    """The system's language, "es" or "en": from the first environment variable set among
    LANGUAGE, LC_ALL, LC_MESSAGES and LANG, else from locale.getlocale()."""
    for variable in ENVIRONMENT:
        value = os.environ.get(variable, "")
        if value:
            return "es" if spanish(value) else "en"
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:  # a locale Python cannot name
        name = ""
    return "es" if spanish(name) else "en"


def catalog(language, domain=DOMAIN):
    """The translations of `domain` into `language`; English (no translation) where the
    language is English or its catalog is missing."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, LOCALE, [language], fallback=True)


def use(language=None):
    """Speak `language` ("en" or "es"; anything else: the system's) from now on, argparse
    included; return the language chosen."""
    if language not in LANGUAGES:
        language = system_language()
    Speaking.language, Speaking.translation = language, catalog(language)
    # argparse calls gettext.gettext, which reads the global domain in the language of the
    # environment's LANGUAGE (first of the variables it reads)
    os.environ["LANGUAGE"] = language
    gettext.bindtextdomain(DOMAIN, LOCALE)
    gettext.textdomain(DOMAIN)
    return language


def language():
    """The language being spoken, "en" or "es" (the system's if none was chosen yet)."""
    if Speaking.translation is None:
        use()
    return Speaking.language


def _(text):
    """`text` in the language being spoken: its translation, or itself where the language is
    English or the catalog has none."""
    if Speaking.translation is None:
        use()
    return Speaking.translation.gettext(text)


def count(steps, most=None):
    """'1 step', '453 steps', or 'over 5,000 steps' (`most`) where `steps` is None."""
    if steps is None:
        return _("over {most:,} steps").format(most=most)
    return (_("{steps:,} step") if steps == 1 else _("{steps:,} steps")).format(steps=steps)
