"""Small helpers shared by several features."""

import math
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request, url_for
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

# The largest id or number the database takes: PostgreSQL's ``integer`` is 32 bits.
MAX_INT = 2**31 - 1
# C0 controls but tab, line feed and carriage return, DEL, and the two non-characters
# XML 1.0 forbids even when escaped. NUL also breaks PostgreSQL text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def utcnow() -> datetime:
    """Naive UTC now: every datetime column stores naive UTC, shown in the district's zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def next_local_midnight(moment: datetime) -> datetime:
    """The first midnight after ``moment`` (naive UTC) in the district's time zone, as naive
    UTC: where a "day" of the district's rules ends."""
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def safe_next_url(target: str | None, default_endpoint: str = "site.home") -> str:
    """Return ``target`` if it is a path on this site, else the default page.

    Refuses absolute URLs, scheme-relative ``//host`` and backslash tricks, so a ``next``
    parameter can never send a visitor to another site; and any control, format or
    line-separator character (a CR/LF cannot go into a ``Location`` header: it was a 500).
    """
    if target and not _has_unsafe_character(target):
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for(default_endpoint)


def _has_unsafe_character(text: str) -> bool:
    """Whether ``text`` holds a character no link of this site has: controls (C0, DEL,
    C1), invisible format characters, surrogates, private use, unassigned, and the Unicode
    line and paragraph separators."""
    return any(unicodedata.category(char) in _UNSAFE_CATEGORIES for char in text)


_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def int_arg(name: str, default: int | None = None, values=None) -> int | None:
    """The query-string argument ``name`` (or the field of ``values``, e.g. ``request.form``)
    as a whole number from 0 to :data:`MAX_INT`, else ``default``: a hand-edited link with a
    huge number is a missing one, not a database error.
    """
    value = (request.args if values is None else values).get(name, "")
    if value.isascii() and value.isdigit() and int(value) <= MAX_INT:
        return int(value)
    return default


def strip_control_characters(value):
    """``value`` without :data:`CONTROL_CHARACTERS` (anything but a string is left alone)."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


# Dashes phones type for a hyphen that NFKC leaves as they are (a Japanese keyboard gives the
# long vowel mark ー, some keyboards the Unicode hyphen or minus sign).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))


def normalize_code(value):
    """A typed code or number as the site writes it: full-width letters, digits, spaces and
    dashes (as Japanese phones type them) become their ASCII forms (NFKC), and the dashes
    NFKC keeps become '-'. Also a WTForms filter; anything but a string is left alone."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).translate(_DASHES)


class IdConverter(IntegerConverter):
    """``<int:...>`` in a URL: a number the database cannot hold matches no route (a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """``<name>`` in a URL: a part with control characters matches no route (a 404), so a
    NUL never reaches a query (PostgreSQL refuses it in text)."""

    def to_python(self, value: str) -> str:
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError()
        return value


def confirmation_page(question: str, cancel_url: str):
    """Unless the form says ``confirmed``, the page that asks ``question`` before a delete
    goes ahead (``None``: go ahead). With JavaScript, ``static/forms.js`` asks the same
    question in the browser and sends ``confirmed`` itself."""
    if request.form.get("confirmed") == "1":
        return None
    return render_template(
        "confirm_delete.html", question=question, action=request.path, cancel_url=cancel_url
    )


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))
