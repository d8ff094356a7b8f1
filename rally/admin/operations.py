"""What the back office reads and the store moves it makes; views stay free of SQL."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from rally.extensions import db
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
