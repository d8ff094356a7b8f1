"""Store rules for merchants: sign-up, ownership, registration, profile edits, photo."""

from dataclasses import dataclass, fields

from sqlalchemy import select

from rally.access import may_manage
from rally.areas.signals import area_changing
from rally.auth.models import Role, User
from rally.auth.operations import create_user
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts

from .models import Category, Store, StoreStatus
from .photos import normalise_photo, read_upload, save_photo


@dataclass(frozen=True)
class StoreInput:
    """What a new store needs before the association can look at it (the sign-up form)."""

    name: dict[str, str]
    category: Category
    address: dict[str, str]


@dataclass(frozen=True)
class StoreProfileInput(StoreInput):
    """Every field a merchant may change on its store's profile (never status nor owner)."""

    description: dict[str, str]
    latitude: float | None
    longitude: float | None
    hours: dict[str, str]
    phone: str
    website: str
    english_spoken: bool
    tax_free: bool
    cashless: bool
    wifi: bool
    area_id: int | None
    name_kana: str = ""


# Fields a merchant may change on its store's profile (never status nor owner).
PROFILE_FIELDS = tuple(field.name for field in fields(StoreProfileInput))


class StoreError(RallyError):
    """A refused store action; ``code`` says why."""


def can_edit(user, store: Store) -> bool:
    """Administrators edit any store; a merchant only the stores it owns."""
    return may_manage(user, store)


def photo_visible_to(user, store: Store) -> bool:
    """A store's photo is public once the store is approved, as its page is; before that,
    or while suspended, only its editors see it. (An approved photo may be kept an hour by
    shared caches after a suspension.)"""
    return store.is_approved or can_edit(user, store)


def store_for_editing(store_id: int, user) -> Store:
    """Return the store ``user`` may edit.

    :raise StoreError: ``store_not_found`` (404), ``not_your_store`` (403).
    """
    store = db.session.get(Store, store_id)
    if store is None:
        raise StoreError(_l("This store does not exist."), code="store_not_found", status=404)
    if not can_edit(user, store):
        raise StoreError(
            _l("You can only edit your own stores."), code="not_your_store", status=403
        )
    return store


def stores_of(user) -> list[Store]:
    return list(
        db.session.scalars(select(Store).where(Store.owner_id == user.id).order_by(Store.id))
    )


def register_store(owner, data: StoreInput) -> Store:
    """Register a new store for ``owner``; it waits for the association's approval.

    :param data: validated values: the sign-up's :class:`StoreInput`, or a whole
        :class:`StoreProfileInput` (built by
        :meth:`rally.stores.forms.StoreProfileForm.to_input`); fields it lacks keep the
        store's defaults.
    """
    store = Store(owner_id=owner.id, status=StoreStatus.pending)
    _apply(store, data)
    db.session.add(store)
    db.session.flush()
    return store


def sign_up(email: str, name: str, password: str, store_data: StoreInput) -> User:
    """A merchant registers themselves and their first store, which waits for approval.

    :param store_data: the first store's fields (built by
        :meth:`rally.stores.forms.SignupForm.to_input`), see :func:`register_store`.
    :raise AuthError: ``email_taken``.
    """
    user = create_user(email, password, Role.merchant, name)
    register_store(user, store_data)
    return user


def update_profile(store: Store, data: StoreProfileInput) -> None:
    """Write validated profile values; the status and the owner never change here.

    :param data: the whole profile (built by
        :meth:`rally.stores.forms.StoreProfileForm.to_input`).
    :raise StoreError: ``area_locked`` (see :func:`rally.campaigns.places.check_area_kept`,
        which answers :data:`rally.areas.signals.area_changing`).
    """
    area_changing.send(
        StoreError, store_id=store.id, spot_id=None, old=store.area_id, new=data.area_id
    )
    _apply(store, data)
    db.session.flush()


def _apply(store: Store, data: StoreInput) -> None:
    for field in fields(data):
        value = getattr(data, field.name)
        if isinstance(value, dict):
            value = clean_texts(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(store, field.name, value)


def replace_photo(store: Store, stream) -> str | None:
    """Store a new photo for ``store``; return the old file name, to delete after commit.

    Nothing changes when the file is refused: the old photo stays.

    :param stream: the uploaded file (anything with ``read``).
    :raise PhotoError: ``photo_empty``, ``photo_too_large``, ``not_an_image``,
        ``photo_too_many_pixels``, ``photo_damaged``.
    """
    jpeg = normalise_photo(read_upload(stream))
    old = store.photo_filename
    store.photo_filename = save_photo(jpeg)
    db.session.flush()
    return old
