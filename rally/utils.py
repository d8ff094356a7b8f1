"""Small helpers shared by several features."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import url_for


def utcnow() -> datetime:
    """Naive UTC now: every datetime column stores naive UTC, shown in the district's zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def safe_next_url(target: str | None, default_endpoint: str = "site.home") -> str:
    """Return ``target`` if it is a path on this site, else the default page.

    Refuses absolute URLs, scheme-relative ``//host`` and backslash tricks, so a ``next``
    parameter can never send a visitor to another site.
    """
    if target:
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
