"""Small helpers shared by several features."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, url_for


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
