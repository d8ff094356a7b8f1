"""Queries behind the public store directory: filters, search in every language, listings."""

from sqlalchemy import or_, select

from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import sort_key_sql, texts_sql
from rally.i18n.languages import site_languages
from rally.pagination import paginate

from .hours import StoreHours
from .models import Category, Store, StoreStatus

# Tags that matter to visitors from abroad, in the order the filter shows them.
TOURIST_TAGS = ("english_spoken", "tax_free", "cashless", "wifi")
TAG_LABELS = {
    "english_spoken": _l("English spoken"),
    "tax_free": _l("Tax-free shopping"),
    "cashless": _l("Cashless payment"),
    "wifi": _l("Free Wi-Fi"),
}
PER_PAGE = 12


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so a search for ``50%`` or ``a_b`` means exactly that."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def directory_query(
    category: Category | None = None,
    tags: tuple[str, ...] = (),
    text: str = "",
    area_id: int | None = None,
):
    """Approved stores matching every filter; each search word in any language.

    :param category: one of the five ways in, or ``None`` for all.
    :param tags: names from :data:`TOURIST_TAGS`; a store must have all of them.
    :param text: words looked up in the names and descriptions, in every site language.
    :param area_id: the street or neighbourhood (rally/areas), or ``None`` for all.
    """
    query = select(Store).where(Store.status == StoreStatus.approved)
    if area_id is not None:
        query = query.where(Store.area_id == area_id)
    if category is not None:
        query = query.where(Store.category == category)
    for tag in tags:
        if tag in TOURIST_TAGS:
            query = query.where(getattr(Store, tag).is_(True))
    words = text.split()[:8]
    searched = [
        texts_sql(column, code)
        for column in (Store.name, Store.description)
        for code in site_languages()
    ]
    for word in words:
        pattern = f"%{escape_like(word)}%"
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in searched)))
    return query.order_by(Store.category, sort_key_sql(Store.name), Store.id)


def search_stores(page: int = 1, per_page: int = PER_PAGE, **filters):
    """One page of :func:`directory_query` (see :func:`rally.pagination.paginate`)."""
    return paginate(directory_query(**filters), page, per_page)


def featured_stores(limit: int = 6) -> list[Store]:
    """Approved stores with a photo for the home page's shop window: the newest of each
    category in turn, so the window shows the district's variety."""
    stores = db.session.scalars(
        select(Store)
        .where(Store.status == StoreStatus.approved, Store.photo_filename.is_not(None))
        .order_by(Store.id.desc())
        .limit(limit * len(Category))
    )
    by_category: dict[Category, list[Store]] = {}
    for store in stores:
        by_category.setdefault(store.category, []).append(store)
    chosen: list[Store] = []
    while len(chosen) < limit and any(by_category.values()):
        for category in Category:
            if by_category.get(category) and len(chosen) < limit:
                chosen.append(by_category[category].pop(0))
    return chosen


def public_store(store_id: int) -> Store | None:
    """A store whose page visitors may open (approved only)."""
    store = db.session.get(Store, store_id)
    return store if store is not None and store.is_approved else None


def mapped_stores() -> list[Store]:
    """Approved stores that have coordinates, for the map and its list."""
    return list(
        db.session.scalars(
            select(Store)
            .where(
                Store.status == StoreStatus.approved,
                Store.latitude.is_not(None),
                Store.longitude.is_not(None),
            )
            .order_by(Store.category, sort_key_sql(Store.name))
        )
    )


def store_hours(store: Store) -> list[StoreHours]:
    return list(
        db.session.scalars(
            select(StoreHours)
            .where(StoreHours.store_id == store.id)
            .order_by(StoreHours.weekday, StoreHours.opens)
        )
    )


def campaign_stores(campaign) -> list[Store]:
    """The approved stores taking part in ``campaign``."""
    # A store is a checkpoint of a campaign at most once (a unique constraint): EXISTS
    # returns what the join did.
    return list(
        db.session.scalars(
            select(Store)
            .where(
                Store.checkpoints.any(campaign_id=campaign.id),
                Store.status == StoreStatus.approved,
            )
            .order_by(Store.category, sort_key_sql(Store.name))
        )
    )
