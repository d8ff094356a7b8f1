"""Business rules of publishing: who may post for which store, scheduling, listings.

Functions here change state and ``flush()``; the request commits once.
"""

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import false, select

from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts, sort_key_sql
from rally.pagination import paginate
from rally.stores.models import Store, StoreStatus

from .models import Coupon, Event, EventMode, NewsPost


class PublishError(RallyError):
    """A post, event or coupon that cannot be saved; ``code`` says why."""


@dataclass(frozen=True)
class NewsInput:
    """Validated values of the news form. Times are naive UTC; ``publish_at`` ``None`` is now."""

    # ``None``: a district announcement of the association.
    store_id: int | None
    title: dict[str, str]
    body: dict[str, str] = field(default_factory=dict)
    publish_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class CouponInput:
    """Validated values of the coupon form. Times are naive UTC; ``publish_at`` ``None`` is now."""

    # A coupon belongs to a store: ``None`` is refused.
    store_id: int | None
    title: dict[str, str]
    terms: dict[str, str] = field(default_factory=dict)
    publish_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class EventInput:
    """Validated values of the event form. Times are naive UTC; ``publish_at`` ``None`` is now."""

    title: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    title_kana: str = ""  # the title's reading in katakana (open data)
    body: dict[str, str] = field(default_factory=dict)
    place: dict[str, str] = field(default_factory=dict)
    mode: EventMode = EventMode.in_person
    # Shown to registered residents only (rally/news/registrations.py).
    online_url: str = ""
    takes_registrations: bool = False
    capacity: int | None = None  # None: no limit
    held_seats: int = 0
    registration_closes_at: datetime | None = None  # None: when the event starts
    # A campaign's checkpoint whose stamp attending gives; None: no stamp.
    checkpoint_id: int | None = None
    publish_at: datetime | None = None
    expires_at: datetime | None = None


def to_utc(moment: datetime | None, timezone: str) -> datetime | None:
    """A form's local (or aware) datetime as the naive UTC the database stores."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime | None, timezone: str) -> datetime | None:
    """Stored naive UTC as an aware datetime in the district's zone (to fill a form)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))


def check_store_rights(user, store_id: int | None) -> Store | None:
    """The store ``user`` may publish for; ``None`` stands for the association.

    :raise PublishError: ``association_only`` (a merchant posting without a store),
        ``unknown_store``, ``not_your_store`` (a merchant posting for another's store).
    """
    if store_id is None:
        if not user.is_admin:
            raise PublishError(
                _l("Only the association can publish district announcements."),
                code="association_only",
                status=403,
            )
        return None
    store = db.session.get(Store, store_id)
    if store is None:
        raise PublishError(_l("This store does not exist."), code="unknown_store", status=404)
    if not user.is_admin and store.owner_id != user.id:
        raise PublishError(
            _l("You can only publish for your own store."), code="not_your_store", status=403
        )
    return store


def _check_schedule(publish_at: datetime, expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= publish_at:
        raise PublishError(
            _l("The end of publication must come after its start."),
            code="expires_before_publish",
        )


def _check_title(data: NewsInput | CouponInput | EventInput) -> None:
    if not clean_texts(data.title):
        raise PublishError(
            _l("Please enter a title in at least one language."), code="title_required"
        )


def _apply(item, data: NewsInput | CouponInput | EventInput, now: datetime):
    publish_at = data.publish_at or now
    _check_title(data)
    _check_schedule(publish_at, data.expires_at)
    values = {each.name: getattr(data, each.name) for each in fields(data)}
    values = {
        key: clean_texts(value) if isinstance(value, dict) else value
        for key, value in values.items()
    }
    values["publish_at"] = publish_at
    for key, value in values.items():
        setattr(item, key, value)
    return item


def save_news(user, data: NewsInput, now: datetime, post: NewsPost | None = None) -> NewsPost:
    """Create or update a news post (store news, or an association announcement).

    :param user: the author; merchants may only post for their own stores.
    :param data: the post's values (``store_id`` ``None`` = announcement, times naive UTC,
        ``publish_at`` ``None`` = now), built by :meth:`rally.news.forms.NewsForm.to_input`.
    :param post: the post to update, or ``None`` to create one.
    :raise PublishError: ``association_only``, ``unknown_store``, ``not_your_store``,
        ``title_required``, ``expires_before_publish``.
    """
    if post is not None:
        check_store_rights(user, post.store_id)
    check_store_rights(user, data.store_id)
    if post is None:
        post = NewsPost(author_id=user.id)
    _apply(post, data, now)
    db.session.add(post)
    db.session.flush()
    return post


def save_coupon(user, data: CouponInput, now: datetime, coupon: Coupon | None = None) -> Coupon:
    """Create or update a store's coupon.

    :param data: the coupon's values (times naive UTC, ``publish_at`` ``None`` = now), built
        by :meth:`rally.news.forms.CouponForm.to_input`.
    :raise PublishError: ``store_required``, ``unknown_store``, ``not_your_store``,
        ``title_required``, ``expires_before_publish``.
    """
    if data.store_id is None:
        raise PublishError(_l("A coupon belongs to a store."), code="store_required")
    if coupon is not None:
        check_store_rights(user, coupon.store_id)
    check_store_rights(user, data.store_id)
    if coupon is None:
        coupon = Coupon(author_id=user.id)
    _apply(coupon, data, now)
    db.session.add(coupon)
    db.session.flush()
    return coupon


def save_event(user, data: EventInput, now: datetime, event: Event | None = None) -> Event:
    """Create or update an association event.

    :param data: the event's values (times naive UTC, ``publish_at`` ``None`` = now), built
        by :meth:`rally.news.forms.EventForm.to_input`.
    :raise PublishError: ``association_only``, ``title_required``,
        ``event_ends_before_start``, ``expires_before_publish``, ``invalid_online_link``,
        ``online_link_required``, ``held_seats_exceed_capacity``,
        ``registration_closes_after_start``, ``unknown_checkpoint``.
    """
    check_store_rights(user, None)
    if data.ends_at <= data.starts_at:
        raise PublishError(
            _l("The event must end after it starts."), code="event_ends_before_start"
        )
    _check_places(data)
    if event is None:
        event = Event(author_id=user.id)
    _apply(event, data, now)
    db.session.add(event)
    db.session.flush()
    return event


def _check_places(data: EventInput) -> None:
    link = urlsplit(data.online_url)
    if data.online_url and (link.scheme not in ("http", "https") or not link.netloc):
        raise PublishError(
            _l("Please enter a web address starting with http:// or https://."),
            code="invalid_online_link",
        )
    if data.mode is not EventMode.in_person and not data.online_url:
        raise PublishError(
            _l("An online event needs its online link."), code="online_link_required"
        )
    if data.capacity is not None and data.held_seats > data.capacity:
        raise PublishError(
            _l("More seats are held back than the event has."),
            code="held_seats_exceed_capacity",
        )
    if data.checkpoint_id is not None and db.session.get(Checkpoint, data.checkpoint_id) is None:
        raise PublishError(
            _l("This checkpoint does not exist."), code="unknown_checkpoint", status=404
        )
    if data.registration_closes_at is not None and data.registration_closes_at > data.starts_at:
        raise PublishError(
            _l("Registration must close by the time the event starts."),
            code="registration_closes_after_start",
        )


def delete_item(user, item) -> None:
    """Delete a news post, coupon or event the user may edit.

    :raise PublishError: ``association_only``, ``not_your_store``.
    """
    check_store_rights(user, getattr(item, "store_id", None))
    db.session.delete(item)
    db.session.flush()


def checkpoint_choices() -> list[tuple[int, str]]:
    """``(checkpoint id, "campaign: place")`` of the campaigns not ended, for the event form."""
    checkpoints = db.session.scalars(
        select(Checkpoint)
        .join(Campaign, Campaign.id == Checkpoint.campaign_id)
        .where(Campaign.state != CampaignState.ended)
        .order_by(Campaign.id, Checkpoint.id)
    )
    return [
        (checkpoint.id, f"{checkpoint.campaign.tr('title')}: {checkpoint.place.tr('name')}")
        for checkpoint in checkpoints
    ]


def _stores_of(user):
    query = select(Store).order_by(sort_key_sql(Store.name), Store.id)
    if not user.is_admin:
        query = query.where(Store.owner_id == user.id)
    return query


def stores_of(user) -> list[Store]:
    """Stores ``user`` may publish for: their own, or every store for the association."""
    return list(db.session.scalars(_stores_of(user)))


def stores_of_page(user, page: int, per_page: int):
    """One page of :func:`stores_of` (see :func:`rally.pagination.paginate`)."""
    return paginate(_stores_of(user), page, per_page)


def editable_page(user, model, page: int, per_page: int):
    """One page of the items of ``model`` that ``user`` may edit, newest first (see
    :func:`rally.pagination.paginate`)."""
    query = select(model).order_by(model.publish_at.desc(), model.id.desc())
    if not user.is_admin:
        if model is Event:
            query = query.where(false())
        else:
            query = query.join(Store, model.store_id == Store.id).where(Store.owner_id == user.id)
    return paginate(query, page, per_page)


# Public listings -----------------------------------------------------------------------


def _public_news(now: datetime):
    """Visible news: announcements, and store news of approved stores."""
    return (
        select(NewsPost)
        .outerjoin(Store, NewsPost.store_id == Store.id)
        .where(
            NewsPost.visible_clause(now),
            (NewsPost.store_id.is_(None)) | (Store.status == StoreStatus.approved),
        )
        .order_by(NewsPost.publish_at.desc(), NewsPost.id.desc())
    )


def public_news_query(now: datetime, store_id: int | None = None):
    """The news visitors may read (:func:`_public_news`), newest first, or one store's."""
    query = _public_news(now)
    if store_id is not None:
        query = query.where(NewsPost.store_id == store_id)
    return query


def _news_of(now: datetime, store: Store | None):
    return public_news_query(now, store.id if store is not None else None)


def latest_news(now: datetime, limit: int = 20, store: Store | None = None) -> list[NewsPost]:
    """The district's news feed (or one store's), newest first."""
    return list(db.session.scalars(_news_of(now, store).limit(limit)))


def news_page(now: datetime, page: int, per_page: int, store: Store | None = None):
    """One page of the district's news (or one store's), newest first (see
    :func:`rally.pagination.paginate`)."""
    return paginate(_news_of(now, store), page, per_page)


def visible_news(post_id: int, now: datetime) -> NewsPost | None:
    return db.session.scalar(_public_news(now).where(NewsPost.id == post_id))


def public_events_query(
    now: datetime, starts_from: datetime | None = None, starts_before: datetime | None = None
):
    """Published events, soonest first: those not ended yet; with ``starts_from``, those
    starting from then on (past ones too, while published, as their pages stay readable);
    with ``starts_before``, only those starting before then (times naive UTC)."""
    query = select(Event).where(Event.visible_clause(now))
    if starts_from is None:
        query = query.where(Event.ends_at > now)
    else:
        query = query.where(Event.starts_at >= starts_from)
    if starts_before is not None:
        query = query.where(Event.starts_at < starts_before)
    return query.order_by(Event.starts_at, Event.id)


def _upcoming_events(now: datetime):
    return public_events_query(now)


def upcoming_events(now: datetime, limit: int | None = None) -> list[Event]:
    """Published events that have not ended yet, soonest first."""
    query = _upcoming_events(now)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def upcoming_events_page(now: datetime, page: int, per_page: int):
    """One page of :func:`upcoming_events` (see :func:`rally.pagination.paginate`)."""
    return paginate(_upcoming_events(now), page, per_page)


def visible_event(event_id: int, now: datetime) -> Event | None:
    """An event a visitor may open: published and not expired (past events stay readable)."""
    return db.session.scalar(select(Event).where(Event.id == event_id, Event.visible_clause(now)))


def store_coupons(store: Store, now: datetime) -> list[Coupon]:
    """A store's coupons valid now, ending soonest first."""
    return list(
        db.session.scalars(
            select(Coupon)
            .where(Coupon.store_id == store.id, Coupon.visible_clause(now))
            .order_by(Coupon.expires_at.is_(None), Coupon.expires_at, Coupon.id)
        )
    )


def current_coupons(now: datetime) -> list[Coupon]:
    """Coupons valid now at approved stores."""
    return list(
        db.session.scalars(
            select(Coupon)
            .join(Store, Coupon.store_id == Store.id)
            .where(Coupon.visible_clause(now), Store.status == StoreStatus.approved)
            .order_by(Coupon.expires_at.is_(None), Coupon.expires_at, Coupon.id)
        )
    )
