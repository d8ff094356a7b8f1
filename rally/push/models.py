"""A browser's push subscription: where the push service takes a resident's messages."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rally.extensions import db
from rally.utils import utcnow


class PushSubscription(db.Model):
    """One device (a browser profile) where a resident allowed notifications.

    ``endpoint`` is the push service's address for that browser: a secret capability URL,
    unique, so a device subscribing again (or another account logging in on it) updates its
    row instead of adding one. ``p256dh`` (the browser's P-256 public key) and ``auth`` (its
    16-byte secret), base64url as the browser gives them, encrypt every message (RFC 8291).
    """

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    # "Chrome on Android", "Safari on iPhone": made from the User-Agent header when
    # subscribing, so the resident can tell their devices apart in the list.
    user_agent: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]
    # Sends in a row that did not reach the push service (reset by a success).
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
