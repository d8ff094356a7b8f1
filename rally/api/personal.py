"""A resident's own data, read with a personal token (``me:read``): profile, cards and
stamps, claims, notifications. No CORS here: a token is not for a browser's page on
another site. Reads only, through the rooms' own queries."""

from flask import current_app, g
from sqlalchemy import select

from rally.campaigns.progress import campaigns_of_card
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.notifications.operations import notification_page
from rally.residents.operations import profile_of
from rally.rewards.models import Claim
from rally.threads.engagement_views import thread_url

from . import schemas
from .core import (
    BEARER,
    ApiBlueprint,
    LangArgs,
    PageArgs,
    check_token,
    page_schema,
    paged,
    site_url,
)
from .export import export_resident
from .public import PREFIX, documented_errors

ME_SCOPE = "me:read"
ME_ERRORS = (400, 401, 403, 429)

bp = ApiBlueprint(
    "api_me",
    __name__,
    url_prefix=PREFIX,
    description="A resident's own data, with a personal token (scope `me:read`).",
)


@bp.before_request
def _token() -> None:
    check_token(ME_SCOPE)


def _me_doc(summary: str):
    return bp.doc(summary=summary, security=[{BEARER: [ME_SCOPE]}])


def _cards_of(visitor) -> list[Card]:
    return list(db_scalars(select(Card).where(Card.visitor_id == visitor.id).order_by(Card.id)))


def db_scalars(query):
    return db.session.scalars(query)


@bp.get("/me", endpoint="profile")
@bp.etag
@bp.arguments(LangArgs, location="query", as_kwargs=False)
@bp.response(200, schemas.ProfileSchema)
@documented_errors(bp, ME_ERRORS)
@_me_doc("My profile")
def profile(query_args):
    visitor = g.api_token.visitor
    resident = profile_of(visitor)
    return {
        "id": visitor.id,
        "email": visitor.email,
        "language": visitor.locale,
        "email_confirmed": visitor.is_verified,
        "display_name": resident.display_name or None if resident else None,
        "handle": resident.handle if resident else None,
        "area_id": resident.area_id if resident else None,
        "verified_resident": bool(resident and resident.is_verified_resident),
        "created_at": visitor.created_at,
    }


@bp.get("/me/cards", endpoint="cards")
@bp.etag
@bp.arguments(LangArgs, location="query", as_kwargs=False)
@bp.response(200, schemas.CardsSchema)
@documented_errors(bp, ME_ERRORS)
@_me_doc("My stamp cards and their stamps, by campaign")
def cards(query_args):
    found = []
    for card in _cards_of(g.api_token.visitor):
        campaigns = []
        for campaign in campaigns_of_card(card):
            stamps = db_scalars(
                select(Stamp)
                .where(Stamp.card_id == card.id, Stamp.campaign_id == campaign.id)
                .order_by(Stamp.created_at, Stamp.id)
            )
            campaigns.append(
                {
                    "campaign_id": campaign.id,
                    "title": campaign.tr("title"),
                    "stamps": [
                        {
                            "id": stamp.id,
                            "checkpoint_id": stamp.checkpoint_id,
                            "place": stamp.checkpoint.place.tr("name"),
                            "created_at": stamp.created_at,
                            "count": stamp.count,
                            "points": stamp.points,
                        }
                        for stamp in stamps
                    ],
                }
            )
        found.append({"id": card.id, "created_at": card.created_at, "campaigns": campaigns})
    return {"items": found}


@bp.get("/me/claims", endpoint="claims")
@bp.etag
@bp.arguments(PageArgs, location="query", as_kwargs=False)
@bp.response(200, page_schema(schemas.ClaimSchema))
@documented_errors(bp, ME_ERRORS)
@_me_doc("My claimed rewards, newest first")
def claims(query_args):
    card_ids = [card.id for card in _cards_of(g.api_token.visitor)]
    query = (
        select(Claim)
        .where(Claim.card_id.in_(card_ids))
        .order_by(Claim.created_at.desc(), Claim.id.desc())
    )
    return paged(query, query_args)


@bp.get("/me/notifications", endpoint="notifications")
@bp.etag
@bp.arguments(PageArgs, location="query", as_kwargs=False)
@bp.response(200, page_schema(schemas.NotificationSchema))
@documented_errors(bp, ME_ERRORS)
@_me_doc("My notifications, newest first (those I may still see)")
def notifications(query_args):
    pagination, items, _gone = notification_page(
        g.api_token.visitor, query_args["page"], query_args["per_page"]
    )
    shown = [_notification(item) for item in items]
    envelope = paged([], query_args)
    envelope.update(
        items=shown,
        page=pagination.page,
        total=pagination.total,
        pages=max(pagination.pages, 1),
    )
    envelope["links"] = _links(pagination)
    return envelope


def _links(pagination) -> dict:
    from .core import _page_url

    return {
        "self": _page_url(pagination.page),
        "next": _page_url(pagination.page + 1) if pagination.has_next else None,
        "prev": _page_url(pagination.page - 1) if pagination.has_prev else None,
    }


def _notification(item) -> dict:
    row = item.notification
    url = None
    if item.target == "thread" and item.post is not None:
        url = current_app.config["RALLY_BASE_URL"].rstrip("/") + thread_url(item.post)
    elif item.target == "circle" and item.circle is not None:
        url = site_url("threads.circle", circle_id=item.circle.id)
    elif item.target == "event" and item.event is not None:
        url = site_url("news.event", event_id=item.event.id)
    return {
        "id": row.id,
        "kind": row.kind,
        "unread": item.unread,
        "created_at": row.created_at,
        "actor_name": item.actor_name,
        "circle_id": item.circle.id if item.circle is not None else None,
        "post_id": item.post.id if item.post is not None else None,
        "event_id": item.event.id if item.event is not None else None,
        "excerpt": item.excerpt,
        "quote": item.quote,
        "url": url,
    }


@bp.get("/me/export", endpoint="export")
@bp.response(200, schemas.ExportSchema)
@documented_errors(bp, ME_ERRORS)
@_me_doc("My data export: everything Rally keeps about me")
def export():
    return export_resident(g.api_token.visitor)
