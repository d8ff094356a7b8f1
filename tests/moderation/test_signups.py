"""At most RALLY_SIGNUPS_PER_ADDRESS new visitor accounts per client address; refused
sign-ups do not count."""

from sqlalchemy import func, select

from rally.extensions import db
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}


def test_an_address_makes_three_accounts_a_day(app, make_limited_app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    limited = make_limited_app(RALLY_SIGNUPS_PER_ADDRESS="3 per day")

    def sign_up(email, confirm="long enough pw"):
        client = limited.test_client()
        client.get(stamp_path(checkpoints[0]))  # a card on this phone
        data = {"email": email, "password": "long enough pw", "confirm": confirm}
        return client.post("/me/save", data=data, headers=EN)

    assert sign_up("typo@example.jp", confirm="something else").status_code == 400
    answers = [sign_up(f"p{n}@example.jp").status_code for n in range(3)]
    assert answers == [303, 303, 303]  # the refused try above did not count
    refused = sign_up("p4@example.jp")
    assert refused.status_code == 429
    assert "Too many accounts were made from this connection today" in refused.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visitor)) == 3
