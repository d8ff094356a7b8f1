"""The public reads: what the site shows anyone, as JSON, through the rooms' own queries.

Adding a resource is one schema in :mod:`rally.api.schemas` and one
:func:`public_resource` line in :data:`RESOURCES` below: the rows a list pages through
(a ``select`` or a list, from the room that decides what is public), the one item or
``None``, and how a row is shown. The list and item endpoints, paging, ``lang``, ETags,
CORS, the optional app token and the OpenAPI entries come with it.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import marshmallow as ma
from flask import abort, current_app, request
from flask_cors import CORS
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from rally.campaigns.listing import public_campaign, public_campaigns_query
from rally.circles.operations import Actor
from rally.extensions import db
from rally.ideas import operations as ideas
from rally.ideas.models import Idea, IdeaState
from rally.lifeinfo.models import LifeKind, LifePlace
from rally.lifeinfo.opening import district_time, open_at
from rally.lifeinfo.operations import public_place
from rally.lottery import operations as lotteries
from rally.news import operations as news
from rally.news.operations import to_utc
from rally.spots.models import SpotKind
from rally.spots.operations import campaign_spots, public_spot, public_spots_query
from rally.stores.models import Category
from rally.stores.search import TOURIST_TAGS, campaign_stores, directory_query, public_store
from rally.surveys import operations as surveys
from rally.utils import strip_control_characters, utcnow

from . import schemas
from .core import (
    BEARER,
    ApiBlueprint,
    LangArgs,
    PageArgs,
    bearer_secret,
    check_token,
    count_request,
    page_schema,
    paged,
    site_url,
)

PREFIX = "/api/v1"
PUBLIC_SCOPE = "public:read"
# Anyone may read, without a token; an app token (public:read) reads under its own limit.
PUBLIC_SECURITY = [{}, {BEARER: [PUBLIC_SCOPE]}]
LIST_ERRORS = (400, 401, 403, 429)
ITEM_ERRORS = (400, 401, 403, 404, 429)


class Shown:
    """A row with what the schema needs besides its columns (its address, say)."""

    def __init__(self, row, **extra):
        self._row = row
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._row, name)


def documented_errors(blueprint, statuses):
    def decorate(view):
        for status in statuses:
            view = blueprint.alt_response(status, response=_status_name(status))(view)
        return view

    return decorate


def _status_name(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).name


def _count_public_request() -> None:
    """An app token's requests count against its own limit; others against their address's."""
    if request.method == "OPTIONS":
        return
    if "Authorization" in request.headers or bearer_secret() is not None:
        check_token(PUBLIC_SCOPE)
    else:
        limit = current_app.config["RALLY_API_ANONYMOUS_RATE_LIMIT"]
        count_request(limit, "api-anonymous", get_remote_address())


def public_resource(
    name: str,
    *,
    schema: type[ma.Schema],
    rows: Callable[[dict], object],
    item: Callable[[int], object | None],
    shown: Callable = lambda row: row,
    args: type[ma.Schema] = PageArgs,
    description: str,
) -> ApiBlueprint:
    """A blueprint with ``GET /api/v1/<name>`` (paged, filtered by ``args``) and
    ``GET /api/v1/<name>/<id>``."""
    blueprint = ApiBlueprint(
        "api_" + name.replace("-", "_"), __name__, url_prefix=PREFIX, description=description
    )
    blueprint.before_request(_count_public_request)
    # Public reads only: the token endpoints (/api/v1/me...) are other blueprints.
    CORS(
        blueprint,
        origins="*",
        send_wildcard=True,
        methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["If-None-Match", "Accept-Language"],
        expose_headers=["ETag", "Content-Language"],
        max_age=86400,
    )
    page = page_schema(schema)

    @blueprint.get(f"/{name}", endpoint="list")
    @blueprint.etag
    @blueprint.arguments(args, location="query", as_kwargs=False)
    @blueprint.response(200, page)
    @documented_errors(blueprint, LIST_ERRORS)
    @blueprint.doc(summary=f"List {name}", security=PUBLIC_SECURITY)
    def list_view(query_args):
        return paged(rows(query_args), query_args, convert=lambda found: [shown(r) for r in found])

    @blueprint.get(f"/{name}/<int:item_id>", endpoint="item")
    @blueprint.etag
    @blueprint.arguments(LangArgs, location="query", as_kwargs=False)
    @blueprint.response(200, schema)
    @documented_errors(blueprint, ITEM_ERRORS)
    @blueprint.doc(summary=f"One of the {name}", security=PUBLIC_SECURITY)
    def item_view(query_args, item_id: int):
        found = item(item_id)
        if found is None:
            abort(404)
        return shown(found)

    return blueprint


# --- Filters -------------------------------------------------------------------------------


class StoreArgs(PageArgs):
    category = ma.fields.Enum(Category)
    tag = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(TOURIST_TAGS)),
        metadata={"description": "Stores having every tag given (repeat the argument)."},
    )
    area = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    q = ma.fields.String(
        validate=ma.validate.Length(max=100),
        metadata={"description": "Words in the name or description, in any language."},
    )


class SpotArgs(PageArgs):
    kind = ma.fields.Enum(SpotKind)
    area = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class IdeaArgs(PageArgs):
    state = ma.fields.Enum(IdeaState)
    area = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class LifePlaceArgs(PageArgs):
    kind = ma.fields.Enum(LifeKind)
    area = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


# Days a district's calendar can hold (a far year overflows the time zone's conversion).
DAYS = ma.validate.Range(min=date(2000, 1, 1), max=date(2999, 12, 31))


class EventArgs(PageArgs):
    starts_from = ma.fields.Date(
        data_key="from",
        validate=DAYS,
        metadata={
            "description": "Events starting on this day (district time) or later, "
            "past ones too; without it, the events not ended yet."
        },
    )
    starts_to = ma.fields.Date(
        data_key="to",
        validate=DAYS,
        metadata={"description": "Events starting on this day or earlier."},
    )


class NewsArgs(PageArgs):
    store = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "One store's news."},
    )


class LotteryArgs(PageArgs):
    campaign = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


def _day_start(day) -> datetime | None:
    if day is None:
        return None
    return to_utc(datetime.combine(day, time.min), current_app.config["RALLY_TIMEZONE"])


def _next_day_start(day) -> datetime | None:
    return None if day is None else _day_start(day + timedelta(days=1))


# --- How rows are shown --------------------------------------------------------------------


def _store(store):
    photo = site_url("stores.photo", store_id=store.id) if store.photo_filename else None
    return Shown(
        store,
        tags=[tag for tag in TOURIST_TAGS if getattr(store, tag)],
        photo_url=photo,
        url=site_url("directory.store", store_id=store.id),
    )


def _spot(spot):
    return Shown(spot, url=site_url("spots.spot", spot_id=spot.id))


def _event(event):
    return Shown(
        event,
        url=site_url("news.event", event_id=event.id),
        ics_url=site_url("news.event_ics", event_id=event.id),
    )


def _news(post):
    return Shown(post, url=site_url("news.post", post_id=post.id))


def _campaign(campaign):
    # The checkpoints the landing page shows: approved stores and published spots only (the
    # places come in two queries; their names are read from them, not row by row).
    stores = {store.id: store for store in campaign_stores(campaign)}
    spots = {spot.id: spot for spot in campaign_spots(campaign)}
    checkpoints = []
    for checkpoint in campaign.checkpoints:
        place = stores.get(checkpoint.store_id) or spots.get(checkpoint.spot_id)
        if place is None:
            continue
        checkpoints.append(
            {
                "id": checkpoint.id,
                "store_id": checkpoint.store_id,
                "spot_id": checkpoint.spot_id,
                "name": place.tr("name"),
                "area_id": place.area_id,
                "points": checkpoint.points,
                "latitude": place.latitude,
                "longitude": place.longitude,
            }
        )
    tiers = [
        Shown(tier, lottery_id=tier.lottery.id if tier.lottery is not None else None)
        for tier in campaign.tiers
    ]
    return Shown(
        campaign,
        checkpoints=checkpoints,
        tiers=tiers,
        url=site_url("landing.campaign", campaign_id=campaign.id),
    )


def _lottery(lottery):
    data = lotteries.published_data(lottery)
    return {
        "id": lottery.id,
        "campaign_id": lottery.campaign_id,
        "tier_id": lottery.tier_id,
        "tier_name": lottery.tier.tr("name"),
        "winners_count": lottery.winners_count,
        "commitment": lottery.commitment,
        "drawn_at": lottery.drawn_at,
        "entries": data["entries"],
        "entries_digest": data.get("entries_digest"),
        "seed": data.get("seed"),
        "winners": data.get("winners", []),
        "url": site_url("lottery.public", lottery_id=lottery.id),
    }


def _survey(survey):
    results = surveys.results(survey, with_texts=False)
    return {
        "id": survey.id,
        "title": survey.tr("title"),
        "description": survey.tr("description"),
        "responses": surveys.response_count(survey),
        "ended": survey.has_ended(utcnow()),
        "questions": [
            {
                "id": result.question.id,
                "text": result.question.tr("text"),
                "kind": result.question.kind,
                "answered": result.answered,
                "bars": [vars(bar) for bar in result.bars],
                "mean": result.mean,
            }
            for result in results
        ],
        "url": site_url("surveys.results", survey_id=survey.id),
    }


def _ideas(args):
    """Ideas anyone may see (the ideas room's rule), newest first."""
    query = select(Idea).where(ideas.shown_clause()).order_by(Idea.created_at.desc(), Idea.id)
    if args.get("state") is not None:
        query = query.where(Idea.state == args["state"])
    if args.get("area") is not None:
        query = query.where(Idea.area_id == args["area"])
    return query


def _public_idea(idea_id: int):
    idea = db.session.get(Idea, idea_id)
    return idea if idea is not None and ideas.may_see(idea, None) else None


def _idea(idea):
    supports = ideas.supports_of([idea.id]).get(idea.id)
    published = idea.answer_published_at is not None
    return Shown(
        idea,
        category=idea.category.tr("name") if idea.category is not None else None,
        supports_verified=supports.verified if supports else 0,
        supports_digital=supports.digital if supports else 0,
        answer=idea.answer if published else None,
        url=site_url("ideas.idea", idea_id=idea.id),
    )


def _life_places(args):
    query = select(LifePlace).where(LifePlace.published).order_by(LifePlace.id)
    if args.get("kind") is not None:
        query = query.where(LifePlace.kind == args["kind"])
    if args.get("area") is not None:
        query = query.where(LifePlace.area_id == args["area"])
    return query


def _life_place(place):
    return Shown(
        place,
        website=place.url,
        open_now=open_at(place, district_time(utcnow())),
        url=site_url("lifeinfo.place", place_id=place.id),
    )


def _anyone() -> Actor:
    return Actor(visitor=None)


def _public_survey(survey_id: int):
    return next(
        (s for s in surveys.surveys_with_public_results(_anyone()) if s.id == survey_id), None
    )


RESOURCES = [
    public_resource(
        "stores",
        schema=schemas.StoreSchema,
        args=StoreArgs,
        rows=lambda a: directory_query(
            category=a.get("category"),
            tags=tuple(a.get("tag", ())),
            text=strip_control_characters(a.get("q", "")).strip(),  # as the page does
            area_id=a.get("area"),
        ),
        item=public_store,
        shown=_store,
        description="The district's approved stores.",
    ),
    public_resource(
        "spots",
        schema=schemas.SpotSchema,
        args=SpotArgs,
        rows=lambda a: public_spots_query(kind=a.get("kind"), area_id=a.get("area")),
        item=public_spot,
        shown=_spot,
        description="Places to see that are not shops: parks, museums, shrines.",
    ),
    public_resource(
        "events",
        schema=schemas.EventSchema,
        args=EventArgs,
        rows=lambda a: news.public_events_query(
            utcnow(), _day_start(a.get("starts_from")), _next_day_start(a.get("starts_to"))
        ),
        item=lambda event_id: news.visible_event(event_id, utcnow()),
        shown=_event,
        description="The association's published events.",
    ),
    public_resource(
        "news",
        schema=schemas.NewsSchema,
        args=NewsArgs,
        rows=lambda a: news.public_news_query(utcnow(), a.get("store")),
        item=lambda post_id: news.visible_news(post_id, utcnow()),
        shown=_news,
        description="Published news of the association and of approved stores.",
    ),
    public_resource(
        "campaigns",
        schema=schemas.CampaignSchema,
        rows=lambda a: public_campaigns_query(),
        item=public_campaign,
        shown=_campaign,
        description="Stamp rallies (not drafts), with their checkpoints and reward tiers.",
    ),
    public_resource(
        "lotteries",
        schema=schemas.LotterySchema,
        args=LotteryArgs,
        rows=lambda a: lotteries.public_lotteries_query(a.get("campaign")),
        item=lotteries.public_lottery,
        shown=_lottery,
        description="Published lotteries: the commitment, the entries and, after the draw, "
        "the seed and the winners.",
    ),
    public_resource(
        "survey-results",
        schema=schemas.SurveyResultSchema,
        rows=lambda a: surveys.surveys_with_public_results(_anyone()),
        item=_public_survey,
        shown=_survey,
        description="The results of surveys whose results are public.",
    ),
    public_resource(
        "ideas",
        schema=schemas.IdeaSchema,
        args=IdeaArgs,
        rows=_ideas,
        item=_public_idea,
        shown=_idea,
        description="Residents' ideas for the town and what became of them (states, the "
        "association's published answer, progress); held or hidden ones never.",
    ),
    public_resource(
        "life-places",
        schema=schemas.LifePlaceSchema,
        args=LifePlaceArgs,
        rows=_life_places,
        item=public_place,
        shown=_life_place,
        description="Daily-life places: clinics and hospitals, parks, child care, shelters.",
    ),
]
