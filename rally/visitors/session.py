"""Who is logged in as a visitor: the account kept in the Flask session, as
:mod:`rally.cards.cookie` keeps the card. Any room's view may ask :func:`current_visitor`."""

from flask import session
from flask_login import current_user

from rally.extensions import db
from rally.passwords import password_stamp

from .models import Visitor

SESSION_KEY = "visitor_id"
# A stamp of the password the log-in was made with: a new password ends the other log-ins.
STAMP_KEY = "visitor_stamp"


def current_visitor() -> Visitor | None:
    visitor_id = session.get(SESSION_KEY)
    visitor = db.session.get(Visitor, visitor_id) if isinstance(visitor_id, int) else None
    if visitor is None or session.get(STAMP_KEY) != password_stamp(visitor.password_hash):
        return None
    return visitor


def log_in(visitor: Visitor) -> None:
    session[SESSION_KEY] = visitor.id
    session[STAMP_KEY] = password_stamp(visitor.password_hash)
    # Kept for a year on the visitor's phone, unless staff are logged in here too (see
    # rally.auth.views: a staff log-in ends with the browser).
    session.permanent = not current_user.is_authenticated


def log_out() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(STAMP_KEY, None)
