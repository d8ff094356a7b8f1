"""API tokens: a resident's personal tokens and the association's app tokens."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.utils import utcnow


class ApiToken(db.Model):
    """A bearer token. Only the SHA-256 of its secret is kept (``token_hash``): the secret
    is shown once, when made. ``visitor_id`` is set for a resident's personal token, NULL
    for an app token issued by the association (``issued_by_id``)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    # The first characters of the secret, shown in lists so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A Flask-Limiter limit ("600 per minute"), for app tokens; personal tokens share
    # RALLY_API_PERSONAL_RATE_LIMIT.
    rate_limit: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    visitor = relationship("Visitor")

    @property
    def is_personal(self) -> bool:
        return self.visitor_id is not None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
