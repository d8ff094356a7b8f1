"""The resident's profile and verification by a one-time code: the rules."""

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.exc import IntegrityError

from rally.areas.models import Area
from rally.auth.models import User
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.storage import remove_upload, save_upload, send_upload
from rally.stores.models import Store
from rally.stores.photos import normalise_photo, read_upload
from rally.visitors.models import Visitor

from .models import BlockKind, Resident, ResidentBlock, ResidentCode

NAME_MAX = 30
HANDLE = re.compile(r"[a-z0-9_]{3,20}")
CODE_DIGITS = 6
CODE_DAYS = 30
MAX_WRONG_TRIES = 5
PHOTO_SIDE = 400
# Anything Unicode calls a control, format or unassigned character, or a line break.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class ResidentError(RallyError):
    """A profile or verification step that cannot go ahead; ``code`` says why."""


@dataclass(frozen=True)
class ProfileInput:
    display_name: str
    handle: str
    area_id: int | None


def profile_of(visitor: Visitor) -> Resident | None:
    return db.session.get(Resident, visitor.id)


def profile_for(visitor: Visitor) -> Resident:
    """The visitor's profile, created empty on first use."""
    resident = profile_of(visitor)
    if resident is None:
        resident = Resident(visitor_id=visitor.id, display_name="", code_tries=0)
        db.session.add(resident)
        db.session.flush()
    return resident


def may_post(visitor: Visitor | None) -> bool:
    """Whether ``visitor`` may write in the community: a confirmed e-mail address and a
    complete profile (display name and handle)."""
    if visitor is None or not visitor.is_verified:
        return False
    resident = profile_of(visitor)
    return resident is not None and resident.is_complete


def clean_display_name(raw: str) -> str:
    """NFKC-normalised, stripped, 1-30 characters, no control characters.

    :raise ResidentError: ``name_empty``, ``name_too_long``, ``name_invalid``.
    """
    name = unicodedata.normalize("NFKC", raw or "").strip()
    if not name:
        raise ResidentError(_l("Please enter a display name."), code="name_empty")
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        raise ResidentError(
            _l("The display name contains characters that cannot be shown."), code="name_invalid"
        )
    if len(name) > NAME_MAX:
        raise ResidentError(
            _l("The display name can have at most %(count)s characters.", count=NAME_MAX),
            code="name_too_long",
        )
    return name


def clean_handle(raw: str) -> str:
    """``@`` optional, then 3-20 of a-z, 0-9 and _; stored in lower case.

    :raise ResidentError: ``handle_invalid``.
    """
    handle = unicodedata.normalize("NFKC", raw or "").strip().removeprefix("@").lower()
    if not HANDLE.fullmatch(handle):
        raise ResidentError(
            _l("A handle has 3 to 20 letters a-z, digits or underscores."), code="handle_invalid"
        )
    return handle


def save_profile(visitor: Visitor, data: ProfileInput) -> Resident:
    """Set the visitor's display name, handle and neighbourhood.

    The database decides who gets a handle: its unique constraint refuses the second of
    two accounts taking one at once.

    :raise ResidentError: ``name_empty``, ``name_too_long``, ``name_invalid``,
        ``handle_invalid``, ``handle_taken`` (409), ``unknown_area``.
    """
    name = clean_display_name(data.display_name)
    handle = clean_handle(data.handle)
    if data.area_id is not None and db.session.get(Area, data.area_id) is None:
        raise ResidentError(_l("Please choose a neighbourhood from the list."), code="unknown_area")
    taken = ResidentError(
        _l("The handle @%(handle)s is taken. Please choose another.", handle=handle),
        code="handle_taken",
        status=409,
    )
    resident = profile_for(visitor)
    owner = db.session.scalar(select(Resident.visitor_id).where(Resident.handle == handle))
    if owner is not None and owner != visitor.id:
        raise taken
    try:
        with db.session.begin_nested():
            resident.display_name = name
            resident.handle = handle
            resident.area_id = data.area_id
    except IntegrityError:
        raise taken from None
    return resident


#: Residents' profile photos in the uploads (rally/storage.py): ``residents/<name>``.
PHOTO_FOLDER = "residents"


def replace_photo(visitor: Visitor, stream) -> str | None:
    """Store a new photo (re-encoded, small, without EXIF or GPS); return the old file's
    name, to delete after the commit.

    :raise PhotoError: see :func:`rally.stores.photos.normalise_photo`.
    """
    jpeg = normalise_photo(read_upload(stream), max_side=PHOTO_SIDE)
    resident = profile_for(visitor)
    old = resident.photo_filename
    resident.photo_filename = save_upload(PHOTO_FOLDER, jpeg, ".jpg")
    db.session.flush()
    return old


def delete_photo(filename: str | None) -> None:
    remove_upload(PHOTO_FOLDER, filename)


def send_photo(filename: str):
    """A complete profile's photo as the response."""
    return send_upload(PHOTO_FOLDER, filename, max_age=3600)


def public_profile(handle: str) -> Resident | None:
    """The complete profile with this handle (any case), or ``None``."""
    handle = (handle or "").removeprefix("@").lower()
    if not HANDLE.fullmatch(handle):
        return None
    resident = db.session.scalar(select(Resident).where(Resident.handle == handle))
    return resident if resident is not None and resident.is_complete else None


# Verification codes.


def may_issue_codes(user) -> bool:
    """The association's admins, and merchants with an approved store."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or bool(issuing_stores(user))


def issuing_stores(user) -> list[Store]:
    """The approved stores a merchant may issue codes for."""
    if user is None or user.is_admin:
        return []
    return [store for store in user_stores(user) if store.is_approved]


def user_stores(user: User) -> list[Store]:
    return list(db.session.scalars(select(Store).where(Store.owner_id == user.id)))


def code_hash(code: str) -> str:
    """The HMAC of a code with the app's secret: what the database holds."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"resident-code:" + code.encode(), hashlib.sha256).hexdigest()


def issue_code(user: User, store_id: int | None, now: datetime) -> tuple[ResidentCode, str]:
    """Issue a code valid :data:`CODE_DAYS` days; return it with its digits (shown once,
    never stored).

    :param store_id: the merchant's approved store; ``None`` for the association's counter
        (admins only).
    :raise ResidentError: ``not_staff`` (403), ``store_not_allowed`` (403).
    """
    if not may_issue_codes(user):
        raise ResidentError(
            _l("Only the association and merchants of an approved store can issue codes."),
            code="not_staff",
            status=403,
        )
    if user.is_admin:
        store_id = None
    elif store_id not in {store.id for store in issuing_stores(user)}:
        raise ResidentError(
            _l("You can issue codes only for your own approved store."),
            code="store_not_allowed",
            status=403,
        )
    for _attempt in range(20):
        digits = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        code = ResidentCode(
            code_hash=code_hash(digits),
            issued_by_id=user.id,
            store_id=store_id,
            issued_at=now,
            expires_at=now + timedelta(days=CODE_DAYS),
        )
        try:
            with db.session.begin_nested():
                db.session.add(code)
        except IntegrityError:
            continue  # these digits were handed out before: draw again
        return code, digits
    raise ResidentError(
        _l("No new code could be made just now. Please try again."), code="no_code", status=503
    )


def district_today(now: datetime) -> date:
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    return now.replace(tzinfo=UTC).astimezone(zone).date()


def _take_a_try(resident: Resident, now: datetime) -> None:
    """Count one try, in the database: refused when today's :data:`MAX_WRONG_TRIES` are
    spent. A right code gives its try back (see :func:`verify_resident`).

    :raise ResidentError: ``too_many_tries`` (429).
    """
    today = district_today(now)
    new_day = or_(Resident.code_tries_on.is_(None), Resident.code_tries_on != today)
    taken = db.session.execute(
        update(Resident)
        .where(
            Resident.visitor_id == resident.visitor_id,
            or_(new_day, Resident.code_tries < MAX_WRONG_TRIES),
        )
        .values(
            code_tries=case((new_day, 1), else_=Resident.code_tries + 1),
            code_tries_on=today,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(resident, ["code_tries", "code_tries_on"])
    if taken != 1:
        raise ResidentError(
            _l(
                "You have typed a wrong code %(count)s times today. Please try again tomorrow.",
                count=MAX_WRONG_TRIES,
            ),
            code="too_many_tries",
            status=429,
        )


def verify_resident(visitor: Visitor, raw_code: str, now: datetime) -> Resident:
    """Redeem a code: the visitor becomes a verified resident.

    Atomic in the database: the code is taken by ``UPDATE ... WHERE used_at IS NULL AND
    expires_at > now``, so of many accounts typing one code at once exactly one wins. Every
    try is counted first (:func:`_take_a_try`); on ``wrong_code`` the caller COMMITS, so
    the count holds; on success the try is given back.

    :raise ResidentError: ``already_verified`` (409), ``too_many_tries`` (429),
        ``wrong_code`` (400: unknown, used or expired, one message for all).
    """
    resident = profile_for(visitor)
    if resident.is_verified_resident:
        raise ResidentError(
            _l("You are already a verified resident."), code="already_verified", status=409
        )
    _take_a_try(resident, now)
    digits = unicodedata.normalize("NFKC", raw_code or "").replace(" ", "").replace("-", "")
    wrong = ResidentError(
        _l("This code is not valid. Please check the six digits, or ask for a new code."),
        code="wrong_code",
    )
    if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", digits):
        raise wrong
    hashed = code_hash(digits)
    taken = db.session.execute(
        update(ResidentCode)
        .where(
            ResidentCode.code_hash == hashed,
            ResidentCode.used_at.is_(None),
            ResidentCode.expires_at > now,
        )
        .values(used_at=now, used_by_id=visitor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise wrong
    issuer = db.session.scalar(
        select(ResidentCode.issued_by_id).where(ResidentCode.code_hash == hashed)
    )
    verified = db.session.execute(
        update(Resident)
        .where(
            and_(
                Resident.visitor_id == visitor.id,
                Resident.resident_verified_at.is_(None),
            )
        )
        .values(
            resident_verified_at=now,
            verified_by_id=issuer,
            code_tries=Resident.code_tries - 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if verified != 1:  # another code of this account won at the same moment
        raise ResidentError(
            _l("You are already a verified resident."), code="already_verified", status=409
        )
    db.session.expire(resident)
    return resident


# Mute and block (the pages are the moderation room's).


def hidden_authors(viewer_id: int | None) -> set[int]:
    """The residents ``viewer_id`` mutes or blocks: their posts are collapsed for them."""
    if viewer_id is None:
        return set()
    return set(
        db.session.scalars(
            select(ResidentBlock.other_id).where(ResidentBlock.visitor_id == viewer_id)
        )
    )


def blocking(author_id: int, visitor_ids: set[int]) -> set[int]:
    """Which of ``visitor_ids`` block ``author_id``: the author cannot mention them."""
    if not visitor_ids:
        return set()
    return set(
        db.session.scalars(
            select(ResidentBlock.visitor_id).where(
                ResidentBlock.other_id == author_id,
                ResidentBlock.kind == BlockKind.block,
                ResidentBlock.visitor_id.in_(visitor_ids),
            )
        )
    )


def posting_barred_until(resident: Resident | None, now: datetime) -> datetime | None:
    """Until when a suspended resident may not post (``datetime.max`` when banned)."""
    if resident is None:
        return None
    if resident.banned_at is not None:
        return datetime.max
    if resident.suspended_until is not None and resident.suspended_until > now:
        return resident.suspended_until
    return None
