"""The residents room's answers to what the rooms below it announce."""

from sqlalchemy import delete

from rally.extensions import db
from rally.visitors.signals import account_deleting

from .models import Resident


@account_deleting.connect
def erase_profile(visitor, **extra) -> tuple[int, int]:
    """A deleted account's public profile goes with it, even when the account's row stays
    as an empty shell (see :func:`rally.visitors.operations.delete_account`)."""
    db.session.execute(delete(Resident).where(Resident.visitor_id == visitor.id))
    return 0, 0
