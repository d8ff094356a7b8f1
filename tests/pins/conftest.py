import pytest

from rally.campaigns.models import Checkpoint
from rally.extensions import db


@pytest.fixture
def owned_checkpoint(app, make_campaign, merchant):
    """A campaign of two shops whose first checkpoint belongs to ``merchant``."""

    def make(**kw):
        campaign_id, checkpoints = make_campaign(stores=2, **kw)
        with app.app_context():
            db.session.get(Checkpoint, checkpoints[0]).store.owner_id = merchant.id
            db.session.commit()
        return campaign_id, checkpoints

    return make


def pin_of(app, checkpoint_id, now=None):
    from rally.pins.operations import todays_pin
    from rally.utils import utcnow

    with app.app_context():
        return todays_pin(db.session.get(Checkpoint, checkpoint_id), now or utcnow())
