"""What the back office reads and the store moves it makes; views stay free of SQL."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from rally.circles.models import Circle, CircleStatus
from rally.extensions import db
from rally.i18n.content import sort_key_sql
from rally.news.models import Event
from rally.pagination import paginate
from rally.stores.models import Store, StoreStatus

STORE_TRANSITIONS = ("approve", "suspend", "reinstate")


def pending_store_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Store).where(Store.status == StoreStatus.pending)
    )


def stores_page(status: StoreStatus | None, page: int, per_page: int):
    """One page of stores, newest first, optionally of one status (see
    :func:`rally.pagination.paginate`)."""
    query = (
        select(Store)
        .options(joinedload(Store.owner))
        .order_by(Store.created_at.desc(), Store.id.desc())
    )
    if status is not None:
        query = query.where(Store.status == status)
    return paginate(query, page, per_page)


def move_store(store: Store, transition: str) -> None:
    """Approve, suspend or reinstate ``store``.

    The store's row is locked and read again first (PostgreSQL; SQLite writers take the
    lock up front): of two moves at once the second judges the first's outcome, so an
    approval racing a suspension cannot undo it.

    :param transition: one of :data:`STORE_TRANSITIONS`.
    :raise StateError: ``illegal_transition`` (e.g. reinstating an approved store).
    """
    if transition not in STORE_TRANSITIONS:
        raise ValueError(transition)
    db.session.refresh(store, with_for_update=True)
    getattr(store, transition)()
    db.session.flush()


# Volunteer staff: the scopes a role may name (rally.roles cannot read circles or events).

EVENTS_OFFERED = 200


def circle_choices() -> list[tuple[int, str]]:
    """Active circles, by name in the reader's language."""
    query = select(Circle).where(Circle.status == CircleStatus.active)
    circles = db.session.scalars(query.order_by(sort_key_sql(Circle.name), Circle.id))
    return [(circle.id, circle.tr("name")) for circle in circles]


def event_choices() -> list[tuple[int, str]]:
    """The latest events (newest first), named by title."""
    query = select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(EVENTS_OFFERED)
    return [(event.id, event.tr("title")) for event in db.session.scalars(query)]


def scope_names(roles) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the circles and events the roles name (two queries at most)."""
    circle_ids = {role.circle_id for role in roles if role.circle_id}
    event_ids = {role.event_id for role in roles if role.event_id}
    circles = (
        {
            c.id: c.tr("name")
            for c in db.session.scalars(select(Circle).where(Circle.id.in_(circle_ids)))
        }
        if circle_ids
        else {}
    )
    events = (
        {
            e.id: e.tr("title")
            for e in db.session.scalars(select(Event).where(Event.id.in_(event_ids)))
        }
        if event_ids
        else {}
    )
    return circles, events
