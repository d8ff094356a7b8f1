"""A resident's choices of how often they hear by e-mail, and the signed one-click
unsubscribe link that sets one to "none"."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from rally.database import insert_for
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

from .models import Frequency, NotificationChoice

UNSUBSCRIBE_SALT = "announcements-unsubscribe"
ANNOUNCEMENTS_DEFAULT = Frequency.realtime
CIRCLES_DEFAULT = Frequency.weekly


class ChoiceError(RallyError):
    """A choice or an unsubscribe link that cannot be used; ``code`` says why."""


def choose(visitor_id: int, circle_id: int | None, frequency: Frequency) -> None:
    """Keep a resident's choice for announcements (``circle_id`` None) or one circle
    (one row per pair: ``INSERT ... ON CONFLICT DO UPDATE``)."""
    key = circle_id or 0
    statement = insert_for(NotificationChoice).values(
        visitor_id=visitor_id, circle_id=circle_id, circle_key=key, frequency=frequency
    )
    statement = statement.on_conflict_do_update(
        index_elements=["visitor_id", "circle_key"], set_={"frequency": frequency}
    )
    db.session.execute(statement)
    db.session.flush()


def choices(visitor_id: int) -> dict[int | None, Frequency]:
    """A resident's choices kept: ``{None: announcements, circle id: ...}``."""
    rows = db.session.execute(
        select(NotificationChoice.circle_id, NotificationChoice.frequency).where(
            NotificationChoice.visitor_id == visitor_id
        )
    )
    return {circle_id: frequency for circle_id, frequency in rows}


def announcement_choices(visitor_ids: list[int]) -> dict[int, Frequency]:
    """Each recipient's choice for announcements (the default when none is kept)."""
    chosen: dict[int, Frequency] = {}
    for start in range(0, len(visitor_ids), 500):
        part = visitor_ids[start : start + 500]
        rows = db.session.execute(
            select(NotificationChoice.visitor_id, NotificationChoice.frequency).where(
                NotificationChoice.visitor_id.in_(part), NotificationChoice.circle_key == 0
            )
        )
        chosen.update(dict(rows.all()))
    return {visitor_id: chosen.get(visitor_id, ANNOUNCEMENTS_DEFAULT) for visitor_id in visitor_ids}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(visitor_id: int, circle_id: int | None = None) -> str:
    """The signed part of a one-click unsubscribe link (announcements, or one circle)."""
    return _serializer().dumps([visitor_id, circle_id or 0])


def read_unsubscribe_token(token: str) -> tuple[int, int | None]:
    """``(visitor id, circle id or None)`` of a link.

    :raise ChoiceError: ``invalid_token`` (404) for a link that was not ours.
    """
    try:
        visitor_id, circle_key = _serializer().loads(token)
        if not isinstance(visitor_id, int) or not isinstance(circle_key, int):
            raise BadSignature("shape")
    except (BadSignature, TypeError, ValueError):
        raise ChoiceError(
            _l("This unsubscribe link is not valid."), code="invalid_token", status=404
        ) from None
    return visitor_id, circle_key or None


def unsubscribe(token: str) -> tuple[int, int | None]:
    """Set the choice a link names to none (idempotent).

    :raise ChoiceError: ``invalid_token``.
    """
    visitor_id, circle_id = read_unsubscribe_token(token)
    from rally.visitors.models import Visitor

    if db.session.get(Visitor, visitor_id) is None:
        raise ChoiceError(
            _l("This unsubscribe link is not valid."), code="invalid_token", status=404
        )
    choose(visitor_id, circle_id, Frequency.none)
    return visitor_id, circle_id
