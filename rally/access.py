"""Who may manage a place: the one rule every back-office view of a store, spot or
checkpoint asks (as flaskr's ``get_post(id, check_author=True)``)."""

from flask import abort
from flask_login import current_user


def may_manage(user, place) -> bool:
    """The association manages every place; a merchant the stores it owns (and their
    checkpoints). Spots belong to the association alone.

    :param place: a store, a spot or a checkpoint (anything with ``owner_id``).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    owner_id = getattr(place, "owner_id", None)
    return owner_id is not None and owner_id == user.id


def managed_or_404(place):
    """``place`` if the logged-in user may manage it: 404 when it does not exist, 403 when it
    is someone else's."""
    if place is None:
        abort(404)
    if not may_manage(current_user, place):
        abort(403)
    return place
