"""The hand-me-down board's rules: offering a thing, who sees it, reserving it (one
resident at a time, decided by the database), the giver's answers, messages between the
two, and reservations that lapse when the giver does not answer.

A reservation the giver has not answered (no message, confirmation or hand-over point
from them) for :data:`RESERVATION_LAPSES_AFTER` lapses: the listing is available again.
Reading never writes: every query and check treats a lapsed reservation as lapsed
(:func:`lapse_clause`, :func:`is_lapsed`), every change to a listing first writes a due
lapse (:func:`lapse_if_due`), and ``flask --app rally handmedown lapse`` writes them all
and tells the residents whose reservations lapsed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, or_, select, update

from rally.areas.models import Area
from rally.circles.operations import Actor
from rally.errors import RallyError
from rally.extensions import db
from rally.forms import clean_text
from rally.i18n import _l, format_when
from rally.residents.models import BlockKind, Resident, ResidentBlock
from rally.residents.operations import may_post, posting_barred_until, profile_of
from rally.stores.models import Store, StoreStatus
from rally.threads.models import PostState
from rally.threads.operations import is_new_account
from rally.ugc.photos import (
    StoredPhoto,
    check_photo_count,
    delete_ugc_photo,
    store_ugc_photos,
)
from rally.ugc.text import check_post_text, render_post
from rally.ugc.words import held_words_in
from rally.visitors.models import Visitor

from .models import (
    Listing,
    ListingCategory,
    ListingCondition,
    ListingMessage,
    ListingPhoto,
    ListingState,
)
from .signals import (
    listing_message,
    listing_reserved,
    reservation_cancelled,
    reservation_lapsed,
)

RESERVATION_LAPSES_AFTER = timedelta(days=3)
TITLE_MAX = 80
MESSAGE_MAX = 1000
PER_PAGE = 20
#: The states other residents see listed (a withdrawn listing only its giver sees).
LISTED_STATES = (ListingState.available, ListingState.reserved, ListingState.handed_over)


class HandMeDownError(RallyError):
    """A hand-me-down step that cannot go ahead; ``code`` says why."""


@dataclass(frozen=True)
class ListingInput:
    """What a giver sends: the photos' bytes come from :func:`rally.images.read_upload`."""

    title: str
    description: str
    category: ListingCategory
    condition: ListingCondition
    area_id: int | None
    photos: tuple[bytes, ...] = ()
    language: str = "ja"


def _refuse(message, code: str, status: int = 403) -> HandMeDownError:
    return HandMeDownError(message, code=code, status=status)


def _gone() -> HandMeDownError:
    return _refuse(_l("This listing is not here."), "no_listing", 404)


# Lapsing.


def lapse_cutoff(now: datetime) -> datetime:
    return now - RESERVATION_LAPSES_AFTER


def lapse_clause(now: datetime) -> ColumnElement[bool]:
    """The listings whose reservation has lapsed at ``now`` (not yet written)."""
    return and_(
        Listing.state == ListingState.reserved,
        Listing.answered_at.is_(None),
        Listing.reserved_at <= lapse_cutoff(now),
    )


def is_lapsed(listing: Listing, now: datetime) -> bool:
    return (
        listing.state is ListingState.reserved
        and listing.answered_at is None
        and listing.reserved_at is not None
        and listing.reserved_at <= lapse_cutoff(now)
    )


def shown_state(listing: Listing, now: datetime) -> ListingState:
    """The state readers are shown: a lapsed reservation is available again."""
    return ListingState.available if is_lapsed(listing, now) else listing.state


def lapses_at(listing: Listing) -> datetime | None:
    """When an unanswered reservation will lapse (None: it will not)."""
    if listing.state is not ListingState.reserved or listing.answered_at is not None:
        return None
    return listing.reserved_at + RESERVATION_LAPSES_AFTER


def _lapse(listing_id: int, reserver_id: int | None, reserved_at: datetime, now) -> bool:
    """Write one lapse: ``UPDATE ... WHERE`` the reservation is still the one read and
    still unanswered, so of two requests (or a request and the command) one writes it."""
    lapsed = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing_id,
            lapse_clause(now),
            Listing.reserver_id == reserver_id
            if reserver_id is not None
            else Listing.reserver_id.is_(None),
            Listing.reserved_at == reserved_at,
        )
        .values(state=ListingState.available, reserver_id=None, reserved_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if lapsed != 1:
        return False
    listing = db.session.get(Listing, listing_id)
    db.session.expire(listing)
    db.session.flush()
    reservation_lapsed.send(listing, reserver_id=reserver_id)
    return True


def lapse_if_due(listing: Listing, now: datetime) -> bool:
    """Write the listing's lapse if its reservation has lapsed; True when this call did."""
    if not is_lapsed(listing, now):
        return False
    return _lapse(listing.id, listing.reserver_id, listing.reserved_at, now)


def lapse_due(now: datetime) -> int:
    """Write every lapsed reservation (the command; idempotent: a second run finds none).

    :return: how many reservations lapsed in this call.
    """
    due = db.session.execute(
        select(Listing.id, Listing.reserver_id, Listing.reserved_at)
        .where(lapse_clause(now))
        .order_by(Listing.id)
    ).all()
    return sum(1 for row in due if _lapse(row.id, row.reserver_id, row.reserved_at, now))


# Who sees what.


def may_moderate(actor: Actor) -> bool:
    """Listings belong to no circle: the association's admins moderate them."""
    return actor.is_admin


def _is_giver(listing: Listing, visitor: Visitor | None) -> bool:
    return visitor is not None and listing.giver_id == visitor.id


def may_see(listing: Listing, actor: Actor) -> bool:
    """Everyone sees a visible listed listing; its giver also a held, hidden or withdrawn
    one; the association every one but the deleted."""
    if listing.moderation_state is PostState.deleted:
        return False
    if may_moderate(actor) or _is_giver(listing, actor.visitor):
        return True
    return listing.is_visible and listing.state in LISTED_STATES


def find_listing(listing_id: int, actor: Actor) -> Listing:
    """:raise HandMeDownError: ``no_listing`` (404) when ``actor`` may not see it."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or not may_see(listing, actor):
        raise _gone()
    return listing


def is_party(listing: Listing, visitor: Visitor | None, now: datetime) -> bool:
    """The giver or the current reserver of a reserved or handed-over listing: the two who
    may exchange messages."""
    if visitor is None or shown_state(listing, now) not in (
        ListingState.reserved,
        ListingState.handed_over,
    ):
        return False
    return visitor.id in (listing.giver_id, listing.reserver_id)


def listing_query(now: datetime, category: ListingCategory | None = None, area_id=None):
    """The board: visible listings, available ones first (a lapsed reservation counts as
    available), then reserved, then handed over; newest first within each."""
    order = case(
        (or_(Listing.state == ListingState.available, lapse_clause(now)), 0),
        (Listing.state == ListingState.reserved, 1),
        else_=2,
    )
    query = select(Listing).where(
        Listing.moderation_state == PostState.visible, Listing.state.in_(LISTED_STATES)
    )
    if category is not None:
        query = query.where(Listing.category == category)
    if area_id is not None:
        query = query.where(Listing.area_id == area_id)
    return query.order_by(order, Listing.created_at.desc(), Listing.id.desc())


def my_listings(visitor: Visitor) -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing)
            .where(Listing.giver_id == visitor.id, Listing.moderation_state != PostState.deleted)
            .order_by(Listing.created_at.desc(), Listing.id.desc())
        )
    )


def my_reservations(visitor: Visitor, now: datetime) -> list[Listing]:
    """What ``visitor`` reserved or received (lapsed reservations left out)."""
    rows = db.session.scalars(
        select(Listing)
        .where(
            Listing.reserver_id == visitor.id,
            Listing.state.in_((ListingState.reserved, ListingState.handed_over)),
            Listing.moderation_state != PostState.deleted,
        )
        .order_by(Listing.reserved_at.desc(), Listing.id.desc())
    )
    return [listing for listing in rows if not is_lapsed(listing, now)]


def areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.position, Area.id)))


def participating_stores() -> list[Store]:
    """The stores a giver may choose as the hand-over point: the approved ones."""
    return list(
        db.session.scalars(
            select(Store).where(Store.status == StoreStatus.approved).order_by(Store.id)
        )
    )


def people(listings: list[Listing]) -> dict[int, Resident]:
    """The givers' and reservers' public profiles (never an e-mail address)."""
    ids = {i for listing in listings for i in (listing.giver_id, listing.reserver_id) if i}
    if not ids:
        return {}
    found = db.session.scalars(select(Resident).where(Resident.visitor_id.in_(ids)))
    return {resident.visitor_id: resident for resident in found}


def photo_allowed(name: str, actor: Actor) -> bool:
    """Whether ``actor`` may receive the photo file ``name``: its listing is one they may
    see. Checked on every request."""
    photo = db.session.scalar(
        select(ListingPhoto).where(or_(ListingPhoto.name == name, ListingPhoto.thumbnail == name))
    )
    if photo is None:
        return False
    listing = db.session.get(Listing, photo.listing_id)
    return listing is not None and may_see(listing, actor)


def messages_of(listing: Listing, visitor: Visitor | None, now: datetime) -> list[ListingMessage]:
    """The conversation of the current reservation, for its two parties only."""
    if not is_party(listing, visitor, now):
        return []
    return list(
        db.session.scalars(
            select(ListingMessage)
            .where(
                ListingMessage.listing_id == listing.id,
                ListingMessage.reserver_id == listing.reserver_id,
            )
            .order_by(ListingMessage.id)
        )
    )


# Offering.


def check_may_give(visitor: Visitor | None, now: datetime) -> None:
    """Whether ``visitor`` may take part in the board now (offer, reserve, write): the
    same rules as posting in the circles.

    :raise HandMeDownError: ``not_resident`` (403), ``profile_incomplete`` (403),
        ``barred`` (403: suspended or banned, saying until when).
    """
    if visitor is None:
        raise _refuse(_l("Please log in to use the hand-me-down board."), "not_resident")
    if not may_post(visitor):
        raise _refuse(
            _l("Please confirm your e-mail address and complete your profile first."),
            "profile_incomplete",
        )
    until = posting_barred_until(profile_of(visitor), now)
    if until == datetime.max:
        raise _refuse(_l("Your account may no longer post in the circles."), "barred")
    if until is not None:
        raise _refuse(
            _l(
                "Your account is suspended: you can post again from %(time)s.",
                time=format_when(until),
            ),
            "barred",
        )


def may_give(visitor: Visitor | None, now: datetime) -> bool:
    try:
        check_may_give(visitor, now)
    except HandMeDownError:
        return False
    return True


def _clean_title(raw: str) -> str:
    title = clean_text(raw)
    if not title:
        raise _refuse(_l("Please say what you are giving away."), "title_empty", 400)
    if len(title) > TITLE_MAX:
        raise _refuse(
            _l("Please keep it under %(count)d characters.", count=TITLE_MAX),
            "title_too_long",
            400,
        )
    return title


def _check_new_account(visitor: Visitor, data: ListingInput, now: datetime) -> None:
    """A new account's limits: no more listings than threads, and photos as in posts. The
    resident's row is locked first, as for posts, so two offers at once count each other.

    :raise HandMeDownError: ``new_account_photos``, ``new_account_listings`` (403).
    """
    if not is_new_account(visitor, now):
        return
    config = current_app.config
    hours = config["RALLY_NEW_ACCOUNT_HOURS"]
    if len(data.photos) > config["RALLY_NEW_ACCOUNT_PHOTOS"]:
        raise _refuse(
            _l("New accounts can post photos after their first %(hours)s hours.", hours=hours),
            "new_account_photos",
        )
    db.session.execute(
        select(Resident.visitor_id).where(Resident.visitor_id == visitor.id).with_for_update()
    )
    limit = config["RALLY_NEW_ACCOUNT_THREADS"]
    given = db.session.scalar(
        select(func.count()).select_from(Listing).where(Listing.giver_id == visitor.id)
    )
    if given >= limit:
        raise _refuse(
            _l(
                "In its first %(hours)s hours an account can offer %(count)s things.",
                hours=hours,
                count=limit,
            ),
            "new_account_listings",
        )


def create_listing(visitor: Visitor | None, data: ListingInput, now: datetime) -> Listing:
    """Offer a thing: listed at once, or held for a moderator when its text holds a word
    the association listed. Every check comes before anything is written; photo files are
    written last and removed again if one is refused.

    :raise HandMeDownError: see :func:`check_may_give`; ``title_empty``,
        ``title_too_long``, ``no_area`` (400), ``new_account_*`` (403).
    :raise PostTextError: ``post_empty``, ``post_too_long`` (the description).
    :raise PhotoError: ``too_many_photos``, ``not_an_image``, ...
    """
    check_may_give(visitor, now)
    title = _clean_title(data.title)
    description = check_post_text(clean_text(data.description))
    if data.area_id is None or db.session.get(Area, data.area_id) is None:
        raise _refuse(_l("Please choose your neighbourhood."), "no_area", 400)
    check_photo_count(len(data.photos))
    _check_new_account(visitor, data, now)
    held = bool(held_words_in(f"{title}\n{description}"))
    listing = Listing(
        giver_id=visitor.id,
        title=title,
        description=description,
        html=str(render_post(description)),
        language=data.language,
        category=ListingCategory(data.category),
        condition=ListingCondition(data.condition),
        area_id=data.area_id,
        state=ListingState.available,
        moderation_state=PostState.held if held else PostState.visible,
        moderation_reason="held_word" if held else "",
        created_at=now,
    )
    db.session.add(listing)
    db.session.flush()
    store_ugc_photos(data.photos, ListingPhoto, listing_id=listing.id)
    return listing


# Reserving, answering, handing over.


def blocked_between(one_id: int, other_id: int) -> bool:
    """Whether either resident blocks the other."""
    return (
        db.session.scalar(
            select(ResidentBlock.id).where(
                ResidentBlock.kind == BlockKind.block,
                or_(
                    and_(ResidentBlock.visitor_id == one_id, ResidentBlock.other_id == other_id),
                    and_(ResidentBlock.visitor_id == other_id, ResidentBlock.other_id == one_id),
                ),
            )
        )
        is not None
    )


def reserve(listing: Listing, visitor: Visitor | None, now: datetime) -> Listing:
    """Reserve an available listing for ``visitor``. One resident at a time, decided by the
    database: ``UPDATE listing ... WHERE state = 'available'`` changes the row for one of
    any number of residents asking together; the others are told someone was quicker.

    :raise HandMeDownError: see :func:`check_may_give`; ``no_listing`` (404),
        ``own_item`` (403), ``blocked`` (403), ``not_available`` (409).
    """
    check_may_give(visitor, now)
    if not listing.is_visible or listing.state not in LISTED_STATES:
        raise _gone()
    if listing.giver_id == visitor.id:
        raise _refuse(_l("You cannot reserve your own listing."), "own_item")
    if blocked_between(listing.giver_id, visitor.id):
        raise _refuse(_l("You cannot reserve this listing."), "blocked")
    lapse_if_due(listing, now)
    reserved = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing.id,
            Listing.state == ListingState.available,
            Listing.moderation_state == PostState.visible,
        )
        .values(
            state=ListingState.reserved,
            reserver_id=visitor.id,
            reserved_at=now,
            answered_at=None,
            store_id=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(listing)
    if reserved != 1:
        raise _refuse(
            _l("Sorry: another resident reserved it a moment before you."),
            "not_available",
            409,
        )
    db.session.flush()
    listing_reserved.send(listing, reserver_id=visitor.id)
    return listing


def _giver_only(listing: Listing, visitor: Visitor | None) -> None:
    if not _is_giver(listing, visitor):
        raise _refuse(_l("Only its giver can do this."), "not_giver")


def _still_reserved(listing: Listing, now: datetime) -> None:
    """:raise HandMeDownError: ``not_reserved`` (409), after writing a due lapse."""
    lapse_if_due(listing, now)
    if listing.state is not ListingState.reserved:
        raise _refuse(_l("This listing is no longer reserved."), "not_reserved", 409)


def _answer(listing: Listing, now: datetime, **values) -> bool:
    """The giver answers the reservation (once answered it no longer lapses):
    ``UPDATE ... WHERE`` it is still this reservation."""
    moved = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing.id,
            Listing.state == ListingState.reserved,
            Listing.reserver_id == listing.reserver_id,
        )
        .values(answered_at=func.coalesce(Listing.answered_at, now), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(listing)
    return moved == 1


def confirm(listing: Listing, visitor: Visitor | None, now: datetime) -> Listing:
    """The giver confirms the reservation: it will not lapse.

    :raise HandMeDownError: ``not_giver`` (403), ``not_reserved`` (409).
    """
    _giver_only(listing, visitor)
    _still_reserved(listing, now)
    if not _answer(listing, now):
        raise _refuse(_l("This listing is no longer reserved."), "not_reserved", 409)
    db.session.flush()
    return listing


def choose_store(
    listing: Listing, visitor: Visitor | None, store_id: int | None, now: datetime
) -> Listing:
    """The giver picks a participating store as the hand-over point (None: none); this
    answers the reservation.

    :raise HandMeDownError: ``not_giver`` (403), ``not_reserved`` (409),
        ``store_not_participating`` (400).
    """
    _giver_only(listing, visitor)
    _still_reserved(listing, now)
    if store_id is not None:
        store = db.session.get(Store, store_id)
        if store is None or store.status is not StoreStatus.approved:
            raise _refuse(
                _l("Please choose one of the participating stores."),
                "store_not_participating",
                400,
            )
    if not _answer(listing, now, store_id=store_id):
        raise _refuse(_l("This listing is no longer reserved."), "not_reserved", 409)
    db.session.flush()
    return listing


def cancel_reservation(listing: Listing, visitor: Visitor | None, now: datetime) -> Listing:
    """Either side cancels the reservation: the listing is available again and the other
    side is told.

    :raise HandMeDownError: ``not_party`` (403), ``not_reserved`` (409).
    """
    _still_reserved(listing, now)
    if visitor is None or visitor.id not in (listing.giver_id, listing.reserver_id):
        raise _refuse(_l("Only the giver and the resident who reserved can do this."), "not_party")
    reserver_id = listing.reserver_id
    cancelled = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing.id,
            Listing.state == ListingState.reserved,
            Listing.reserver_id == reserver_id,
        )
        .values(
            state=ListingState.available,
            reserver_id=None,
            reserved_at=None,
            answered_at=None,
            store_id=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(listing)
    if cancelled != 1:
        raise _refuse(_l("This listing is no longer reserved."), "not_reserved", 409)
    db.session.flush()
    reservation_cancelled.send(listing, reserver_id=reserver_id, by_id=visitor.id)
    return listing


def hand_over(listing: Listing, visitor: Visitor | None, now: datetime) -> Listing:
    """The giver says the thing was handed over to the resident who reserved it.

    :raise HandMeDownError: ``not_giver`` (403), ``not_reserved`` (409).
    """
    _giver_only(listing, visitor)
    _still_reserved(listing, now)
    if not _answer(listing, now, state=ListingState.handed_over, handed_over_at=now):
        raise _refuse(_l("This listing is no longer reserved."), "not_reserved", 409)
    db.session.flush()
    return listing


def withdraw(listing: Listing, visitor: Visitor | None, now: datetime) -> Listing:
    """The giver takes the listing back (available or reserved; a reserver is told).

    :raise HandMeDownError: ``not_giver`` (403), ``not_withdrawable`` (409).
    """
    _giver_only(listing, visitor)
    lapse_if_due(listing, now)
    reserver_id = listing.reserver_id if listing.state is ListingState.reserved else None
    moved = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing.id,
            Listing.state == listing.state,
            Listing.state.in_((ListingState.available, ListingState.reserved)),
        )
        .values(state=ListingState.withdrawn)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(listing)
    if moved != 1:
        raise _refuse(_l("This listing can no longer be withdrawn."), "not_withdrawable", 409)
    db.session.flush()
    if reserver_id is not None:
        reservation_cancelled.send(listing, reserver_id=reserver_id, by_id=visitor.id)
    return listing


# Messages.


def send_message(
    listing: Listing, visitor: Visitor | None, text: str, now: datetime
) -> ListingMessage:
    """A message between the giver and the resident who reserved, only while the listing
    is reserved or handed over. The giver's first message answers the reservation.

    :raise HandMeDownError: ``not_party`` (403: anyone else, or no reservation),
        ``message_empty``, ``message_too_long`` (400), and as :func:`check_may_give`.
    """
    lapse_if_due(listing, now)
    if not is_party(listing, visitor, now):
        raise _refuse(
            _l("Only the giver and the resident who reserved can write here."), "not_party"
        )
    check_may_give(visitor, now)
    text = clean_text(text)
    if not text:
        raise _refuse(_l("Please write a message."), "message_empty", 400)
    if len(text) > MESSAGE_MAX:
        raise _refuse(
            _l("Please keep it under %(count)d characters.", count=MESSAGE_MAX),
            "message_too_long",
            400,
        )
    if visitor.id == listing.giver_id and listing.answered_at is None:
        _answer(listing, now)
    message = ListingMessage(
        listing_id=listing.id,
        reserver_id=listing.reserver_id,
        sender_id=visitor.id,
        text=text,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    listing_message.send(listing, message=message)
    return message


# Moderation (the moderation room decides; these apply its decisions).


def delete_photos(listing: Listing) -> list[StoredPhoto]:
    """Remove the listing's photo rows; return the files to remove after the commit."""
    photos = [StoredPhoto(name=p.name, thumbnail=p.thumbnail) for p in listing.photos]
    for photo in list(listing.photos):
        db.session.delete(photo)
    db.session.flush()
    return photos


def remove_photo_files(photos: list[StoredPhoto]) -> None:
    for photo in photos:
        delete_ugc_photo(photo)


# What a listing's page offers (templates print these, never decide).


@dataclass(frozen=True)
class ListingActions:
    state: ListingState
    is_giver: bool = False
    is_reserver: bool = False
    may_reserve: bool = False
    may_confirm: bool = False
    may_cancel: bool = False
    may_hand_over: bool = False
    may_withdraw: bool = False
    may_message: bool = False
    may_choose_store: bool = False
    # An unanswered reservation: when it lapses.
    lapses_at: datetime | None = None


def listing_actions(listing: Listing, visitor: Visitor | None, now: datetime) -> ListingActions:
    state = shown_state(listing, now)
    giver = _is_giver(listing, visitor)
    reserver = (
        visitor is not None
        and state in (ListingState.reserved, ListingState.handed_over)
        and listing.reserver_id == visitor.id
    )
    reserved = state is ListingState.reserved and listing.is_visible
    return ListingActions(
        state=state,
        is_giver=giver,
        is_reserver=reserver,
        may_reserve=(
            state is ListingState.available
            and listing.is_visible
            and not giver
            and (visitor is None or not blocked_between(listing.giver_id, visitor.id))
        ),
        may_confirm=giver and reserved and listing.answered_at is None,
        may_cancel=(giver or reserver) and reserved,
        may_hand_over=giver and reserved,
        may_withdraw=giver and state in (ListingState.available, ListingState.reserved),
        may_message=(giver or reserver) and is_party(listing, visitor, now),
        may_choose_store=giver and reserved,
        lapses_at=lapses_at(listing) if reserved else None,
    )
