"""What a language's catalog says, read with Babel: tests compare pages with it instead of
spelling a translation out (the translators may word it better tomorrow)."""

import re
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


@cache
def catalog(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang`` (``translate compile`` builds it before the tests)."""
    return Translations.load(str(TRANSLATIONS), [lang], "messages")


def translated(lang: str, msgid: str, **variables) -> str:
    """``msgid`` in ``lang`` as its catalog has it, formatted like ``_()`` does."""
    text = catalog(lang).ugettext(msgid)
    return text % variables if variables else text


def pattern(lang: str, msgid: str) -> re.Pattern:
    """``msgid`` in ``lang`` as a regular expression, each placeholder matching any text:
    for a sentence around a name or a date the test does not spell."""
    parts = re.split(r"%\(\w+\)[sd]", catalog(lang).ugettext(msgid))
    return re.compile(".+?".join(map(re.escape, parts)))
