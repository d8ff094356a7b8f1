import pytest

from rally.areas.models import Area
from rally.campaigns.models import Campaign, Checkpoint
from rally.cards.models import Card
from rally.extensions import db


@pytest.fixture
def areas_campaign(app, make_campaign):
    """A running campaign with two areas of two shops each; returns
    ``(campaign_id, {area name: [checkpoint ids]})``."""

    def make(**kw):
        campaign_id, checkpoints = make_campaign(stores=4, **kw)
        with app.app_context():
            station = Area(name_ja="駅前通り", name_en="Station Street", position=1)
            river = Area(name_ja="川沿い", name_en="Riverside", position=2)
            db.session.add_all([station, river])
            db.session.flush()
            for i, checkpoint_id in enumerate(checkpoints):
                store = db.session.get(Checkpoint, checkpoint_id).store
                store.area_id = station.id if i < 2 else river.id
            db.session.commit()
        return campaign_id, {"station": checkpoints[:2], "river": checkpoints[2:]}

    return make


@pytest.fixture
def new_card(app):
    def make():
        card = Card()
        db.session.add(card)
        db.session.flush()
        return card

    return make


def campaign_of(campaign_id):
    return db.session.get(Campaign, campaign_id)


def checkpoint(checkpoint_id):
    return db.session.get(Checkpoint, checkpoint_id)
