import re
from dataclasses import dataclass

import pytest

from rally.auth.models import Role
from rally.campaigns.models import CampaignKind, Checkpoint
from rally.extensions import db


@dataclass
class Shop:
    campaign_id: int
    checkpoint_id: int
    other_checkpoint_id: int
    merchant: object


def _shop(app, make_campaign, make_user, **kw):
    campaign_id, checkpoints = make_campaign(stores=2, **kw)
    merchant = make_user(role=Role.merchant)
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[0]).store.owner_id = merchant.id
        db.session.commit()
    return Shop(campaign_id, checkpoints[0], checkpoints[1], merchant)


@pytest.fixture
def purchase_shop(app, make_campaign, make_user):
    """A purchase campaign (one stamp per 1,000 yen, at most 2) and a shop with its merchant."""
    return _shop(
        app,
        make_campaign,
        make_user,
        kind=CampaignKind.purchase,
        yen_per_stamp=1000,
        max_stamps_per_purchase=2,
    )


@pytest.fixture
def visit_shop(app, make_campaign, make_user):
    return _shop(app, make_campaign, make_user)


@pytest.fixture
def staff(auth, purchase_shop):
    """A client logged in as the purchase shop's merchant."""
    return auth.new_client(purchase_shop.merchant)


def purchase_path(html: str) -> str:
    """The /p/<token> path of the one-time QR code shown on the register page."""
    match = re.search(r'data-testid="purchase-url"[^>]*>http://rally\.test(/p/[^<\s]+)<', html)
    assert match, html[-3000:]
    return match.group(1)
