"""The migrations build exactly the schema the models describe."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from rally.extensions import db
from rally.search.models import include_object


def test_migrations_match_models(app):
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}
            )
            diff = compare_metadata(context, db.metadata)
    assert diff == []


# Each translatable field of the migration to one JSON column per text, with the texts its
# pair held: a blank English text must not become a key.
TEXT_PAIRS = {
    "store": ["name", "description", "address", "hours"],
    "area": ["name"],
    "spot": ["name", "description", "address", "hours"],
    "news_post": ["title", "body"],
    "event": ["title", "body", "place"],
    "coupon": ["title", "terms"],
    "campaign": ["title", "rules"],
    "checkpoint": ["quiz_question", "quiz_choices"],
    "checkpoint_code": ["label"],
    "reward_tier": ["name"],
    "claim": ["reward"],
    "question": ["text", "choices"],
}
BEFORE_JSON_TEXTS = "5f0c2a9d7e31"


def _one_row_each(make_campaign, make_store):
    """One row in each table with translatable texts, made with today's models."""
    from rally.areas.models import Area
    from rally.campaigns.models import Campaign, Checkpoint, CheckpointCode
    from rally.cards.models import Card
    from rally.news.models import Coupon, Event, NewsPost
    from rally.questionnaires.models import Question
    from rally.rewards.models import Claim
    from rally.spots.models import Spot, SpotKind
    from rally.utils import utcnow

    campaign_id, checkpoints = make_campaign(stores=1, tiers=(1,))
    store_id = make_store()
    now = utcnow()
    campaign = db.session.get(Campaign, campaign_id)
    card = Card()
    checkpoint = db.session.get(Checkpoint, checkpoints[0])
    db.session.add_all(
        [
            Area(name={"ja": "x"}),
            Spot(kind=SpotKind.shrine, name={"ja": "x"}),
            NewsPost(title={"ja": "x"}, publish_at=now),
            Event(title={"ja": "x"}, starts_at=now, ends_at=now, publish_at=now),
            Coupon(store_id=store_id, title={"ja": "x"}, publish_at=now),
            CheckpointCode(checkpoint=checkpoint, label={"ja": "x"}),
            Question(campaign=campaign, text={"ja": "x"}, position=1),
            card,
        ]
    )
    db.session.flush()
    db.session.add(
        Claim(card_id=card.id, tier=campaign.tiers[0], campaign=campaign, code="ABCDEFGH")
    )
    db.session.commit()


def test_translatable_texts_move_into_their_json_columns(app, make_campaign, make_store):
    """Every pair's texts arrive in the new column, blank ones left out, on SQLite and
    PostgreSQL; the downgrade writes the pairs back."""
    from flask_migrate import downgrade
    from sqlalchemy import text

    with app.app_context():
        db.drop_all()
        upgrade()
        _one_row_each(make_campaign, make_store)
        db.session.remove()
        downgrade(revision=BEFORE_JSON_TEXTS)
        # The texts as the association typed them before: Japanese and English, one English
        # text left blank (a space) for every field.
        expected = {}
        for table, fields in TEXT_PAIRS.items():
            for number, field in enumerate(fields):
                ja = f"{table}の{field}"
                en = f"{table} {field}" if number % 2 == 0 else " "
                db.session.execute(
                    text(f"UPDATE {table} SET {field}_ja = :ja, {field}_en = :en"),
                    {"ja": f" {ja} ", "en": en},
                )
                expected[table, field] = {"ja": ja, **({"en": en} if en.strip() else {})}
        db.session.commit()
        db.session.remove()

        upgrade()
        for (table, field), texts in expected.items():
            values = db.session.execute(text(f"SELECT {field} FROM {table}")).scalars().all()
            values = [value if isinstance(value, dict) else json.loads(value) for value in values]
            assert values and all(value == texts for value in values), (table, field, values)
        db.session.remove()

        downgrade(revision=BEFORE_JSON_TEXTS)
        for (table, field), texts in expected.items():
            rows = db.session.execute(text(f"SELECT {field}_ja, {field}_en FROM {table}")).all()
            assert rows and all(tuple(row) == (texts["ja"], texts.get("en", "")) for row in rows)
        db.session.remove()
        upgrade()
