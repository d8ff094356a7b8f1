"""What the API answers, as marshmallow schemas: flask-smorest dumps the answers with them
and apispec writes them into the OpenAPI document. Texts are in the request's language
(:class:`Text`); times are UTC (ISO 8601)."""

from datetime import UTC

import marshmallow as ma

from rally.campaigns.models import CampaignKind, CampaignState, TierBasis
from rally.ideas.models import IdeaState
from rally.lifeinfo.models import LifeKind
from rally.news.models import EventMode
from rally.rewards.models import ClaimKind
from rally.spots.models import SpotKind
from rally.stores.models import Category
from rally.stores.search import TOURIST_TAGS
from rally.surveys.models import QuestionKind


class Text(ma.fields.Field):
    """A translatable text in the request's language, falling back as the site does."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return obj.tr(self.attribute or attr)


class Label(ma.fields.Field):
    """An enum member's label, in the request's language."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value.label)


class UtcDateTime(ma.fields.DateTime):
    """A stored (naive UTC) time, written with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


CUSTOM_FIELDS = ((Text, "string", None), (Label, "string", None))


def _url(**kwargs):
    return ma.fields.String(dump_only=True, metadata={"format": "uri"}, **kwargs)


# --- Public ----------------------------------------------------------------------------------


class StoreSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    description = Text(required=True)
    category = ma.fields.Enum(Category, required=True)
    category_label = Label(attribute="category", required=True)
    address = Text(required=True)
    hours = Text(required=True, metadata={"description": "The store's own words on its hours."})
    phone = ma.fields.String(required=True)
    website = ma.fields.String(required=True)
    latitude = ma.fields.Float(allow_none=True, required=True)
    longitude = ma.fields.Float(allow_none=True, required=True)
    area_id = ma.fields.Integer(allow_none=True, required=True)
    tags = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(TOURIST_TAGS)),
        required=True,
        metadata={"description": "The tourist tags the store has."},
    )
    photo_url = ma.fields.String(allow_none=True, required=True)
    url = _url(required=True)


class SpotSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    description = Text(required=True)
    kind = ma.fields.Enum(SpotKind, required=True)
    kind_label = Label(attribute="kind", required=True)
    address = Text(required=True)
    hours = Text(required=True)
    website = ma.fields.String(required=True)
    latitude = ma.fields.Float(allow_none=True, required=True)
    longitude = ma.fields.Float(allow_none=True, required=True)
    area_id = ma.fields.Integer(allow_none=True, required=True)
    url = _url(required=True)


class EventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = Text(required=True)
    body = Text(required=True)
    place = Text(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    mode = ma.fields.Enum(EventMode, required=True)
    takes_registrations = ma.fields.Boolean(required=True)
    capacity = ma.fields.Integer(allow_none=True, required=True)
    open_seats = ma.fields.Integer(allow_none=True, required=True)
    url = _url(required=True)
    ics_url = _url(required=True)


class NewsSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = Text(required=True)
    body = Text(required=True)
    store_id = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "None: the association's."}
    )
    publish_at = UtcDateTime(required=True)
    url = _url(required=True)


class CheckpointSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    store_id = ma.fields.Integer(allow_none=True, required=True)
    spot_id = ma.fields.Integer(allow_none=True, required=True)
    name = ma.fields.String(required=True)
    area_id = ma.fields.Integer(allow_none=True, required=True)
    points = ma.fields.Integer(required=True)
    latitude = ma.fields.Float(allow_none=True, required=True)
    longitude = ma.fields.Float(allow_none=True, required=True)


class TierSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    basis = ma.fields.Enum(TierBasis, required=True)
    threshold = ma.fields.Integer(required=True)
    repeats = ma.fields.Boolean(required=True)
    lottery_id = ma.fields.Integer(allow_none=True, required=True)


class CampaignSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = Text(required=True)
    rules = Text(required=True)
    state = ma.fields.Enum(CampaignState, required=True)
    kind = ma.fields.Enum(CampaignKind, required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    claims_until = UtcDateTime(allow_none=True, required=True)
    checkpoints = ma.fields.List(ma.fields.Nested(CheckpointSchema), required=True)
    tiers = ma.fields.List(ma.fields.Nested(TierSchema), required=True)
    url = _url(required=True)


class LotterySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer(required=True)
    tier_id = ma.fields.Integer(required=True)
    tier_name = ma.fields.String(required=True)
    winners_count = ma.fields.Integer(required=True)
    commitment = ma.fields.String(required=True)
    drawn_at = UtcDateTime(allow_none=True, required=True)
    entries = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Public ids of the entries (after the draw: those drawn)."},
    )
    entries_digest = ma.fields.String(allow_none=True, required=True)
    seed = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "After the draw."}
    )
    winners = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "Best rank first."}
    )
    url = _url(required=True)


class BarSchema(ma.Schema):
    label = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True)
    share = ma.fields.Float(required=True, metadata={"description": "0 to 1."})


class QuestionResultSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    kind = ma.fields.Enum(QuestionKind, required=True)
    answered = ma.fields.Integer(required=True)
    bars = ma.fields.List(ma.fields.Nested(BarSchema), required=True)
    mean = ma.fields.Float(allow_none=True, required=True)


class SurveyResultSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    responses = ma.fields.Integer(required=True)
    ended = ma.fields.Boolean(required=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionResultSchema), required=True)
    url = _url(required=True)


# --- A resident's own ------------------------------------------------------------------------


class IdeaSchema(ma.Schema):
    """A residents' idea for the town, in the words and language its author wrote it."""

    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    body = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    state = ma.fields.Enum(IdeaState, required=True)
    state_label = Label(attribute="state", required=True)
    category = ma.fields.String(allow_none=True, required=True)
    area_id = ma.fields.Integer(allow_none=True, required=True)
    supports_verified = ma.fields.Integer(required=True)
    supports_digital = ma.fields.Integer(required=True)
    answer = ma.fields.String(allow_none=True, required=True)
    answer_published_at = UtcDateTime(allow_none=True, required=True)
    progress = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    done_at = UtcDateTime(allow_none=True, required=True)
    url = _url(required=True)


class LifePlaceSchema(ma.Schema):
    """A place of daily life: a clinic, a park, child care, an evacuation shelter."""

    id = ma.fields.Integer(required=True)
    kind = ma.fields.Enum(LifeKind, required=True)
    kind_label = Label(attribute="kind", required=True)
    name = Text(required=True)
    description = Text(required=True)
    address = Text(required=True)
    notes = Text(required=True)
    phone = ma.fields.String(required=True)
    website = ma.fields.String(required=True)
    latitude = ma.fields.Float(allow_none=True, required=True)
    longitude = ma.fields.Float(allow_none=True, required=True)
    area_id = ma.fields.Integer(allow_none=True, required=True)
    departments = ma.fields.List(ma.fields.String(), required=True)
    facilities = ma.fields.List(ma.fields.String(), required=True)
    open_now = ma.fields.Boolean(
        allow_none=True,
        required=True,
        metadata={"description": "Open at the time of the answer; null when hours are unknown."},
    )
    url = _url(required=True)


class ProfileSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    email_confirmed = ma.fields.Boolean(required=True)
    display_name = ma.fields.String(allow_none=True, required=True)
    handle = ma.fields.String(allow_none=True, required=True)
    area_id = ma.fields.Integer(allow_none=True, required=True)
    verified_resident = ma.fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)


class StampSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    checkpoint_id = ma.fields.Integer(required=True)
    place = ma.fields.String(required=True)
    created_at = UtcDateTime(required=True)
    count = ma.fields.Integer(required=True)
    points = ma.fields.Integer(required=True)


class CardCampaignSchema(ma.Schema):
    campaign_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    stamps = ma.fields.List(ma.fields.Nested(StampSchema), required=True)


class CardSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    campaigns = ma.fields.List(ma.fields.Nested(CardCampaignSchema), required=True)


class CardsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CardSchema), required=True)


class ClaimSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer(required=True)
    tier_id = ma.fields.Integer(required=True)
    reward = Text(required=True)
    kind = ma.fields.Enum(ClaimKind, required=True)
    created_at = UtcDateTime(required=True)
    redeemed_at = UtcDateTime(allow_none=True, required=True)


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    unread = ma.fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    actor_name = ma.fields.String(allow_none=True, required=True)
    circle_id = ma.fields.Integer(allow_none=True, required=True)
    post_id = ma.fields.Integer(allow_none=True, required=True)
    event_id = ma.fields.Integer(allow_none=True, required=True)
    excerpt = ma.fields.String(required=True)
    quote = ma.fields.String(required=True)
    url = ma.fields.String(allow_none=True, required=True)


class ExportSchema(ma.Schema):
    """Everything Rally keeps about the account: ``records`` maps a table's name to its
    rows (column name to value; times in ISO 8601, UTC)."""

    format = ma.fields.Integer(required=True)
    exported_at = ma.fields.String(required=True)
    account_id = ma.fields.Integer(required=True)
    records = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.Dict(keys=ma.fields.String())),
        required=True,
    )
