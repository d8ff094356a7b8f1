"""A visitor's account: the e-mail link confirms the address and logs nobody in."""

import re

from sqlalchemy import select

from rally.extensions import db
from rally.mail import outbox
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}


def saved_card(app, client, stamp_path, checkpoint_id, email):
    client.get(stamp_path(checkpoint_id))
    data = {"email": email, "password": "long enough pw", "confirm": "long enough pw"}
    assert client.post("/me/save", data=data).status_code == 303
    with app.app_context():
        content = outbox()[-1].get_content()
    return re.search(r"http://rally\.test(/me/verify/\S+)", content).group(1)


def test_link_confirms_on_the_phone_that_saved_the_card(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    link = saved_card(app, client, stamp_path, checkpoints[0], "hanako@example.jp")
    response = client.get(link)
    assert response.headers["Location"] == "/me/"
    assert "hanako@example.jp" in client.get("/me/", headers=EN).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Visitor.verified_at)) is not None


def test_link_opened_elsewhere_confirms_without_logging_in(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    link = saved_card(app, client, stamp_path, checkpoints[0], "hanako@example.jp")
    for _ in range(2):  # a forwarded mail, a mail scanner: once or twice, nobody logs in
        stranger = app.test_client()
        response = stranger.get(link, headers=EN)
        assert response.headers["Location"] == "/me/login"
        account = stranger.get("/me/", headers=EN)
        assert account.status_code == 302
        assert "hanako@example.jp" not in stranger.get("/me/login", headers=EN).get_data(
            as_text=True
        )
    with app.app_context():
        assert db.session.scalar(select(Visitor.verified_at)) is not None
