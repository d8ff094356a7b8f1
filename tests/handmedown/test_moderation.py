"""Listings are moderated like posts: reported by residents, shown in the association's
queue, hidden, restored, released or deleted (logged and undoable), hidden at once by three
trusted reports; the post flow is untouched (tests/moderation)."""

from sqlalchemy import select

from rally.extensions import db
from rally.handmedown.models import Listing, ListingPhoto
from rally.moderation.models import Decision, Report
from rally.notifications.models import Notification
from rally.ugc.models import HeldWord

from .conftest import EN, jpeg, snapshot


def report(client, listing_id, reason="spam", note=""):
    return client.post(
        f"/handmedown/{listing_id}/report", data={"reason": reason, "note": note}, headers=EN
    )


def state(app, listing_id):
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        return listing.moderation_state.value, listing.moderation_reason


def test_a_report_reaches_the_queue_and_the_association_hides_the_listing(
    app, make_visitor, offer, visitor_client, admin_client, client
):
    giver, reporter = make_visitor(locale="en"), make_visitor()
    listing_id = offer(giver, title="怪しいベビーカー")
    page = visitor_client(reporter).get(f"/handmedown/{listing_id}", headers=EN).text
    assert f'href="/handmedown/{listing_id}/report"' in page
    assert report(visitor_client(reporter), listing_id, note="売り物です").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Report.listing_id)) == listing_id
    queue = admin_client.get("/admin/moderation/", headers=EN).text
    assert "怪しいベビーカー" in queue and "売り物です" in queue
    assert f'href="/moderation/listings/{listing_id}"' in queue
    review = admin_client.get(f"/moderation/listings/{listing_id}", headers=EN).text
    assert 'data-testid="action-hide"' in review
    response = admin_client.post(
        f"/moderation/listings/{listing_id}/hide", data={"reason": "Selling"}, headers=EN
    )
    assert response.status_code == 303
    assert state(app, listing_id) == ("hidden", "moderator")
    assert client.get(f"/handmedown/{listing_id}").status_code == 404
    assert "怪しいベビーカー" not in client.get("/handmedown").text
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert (decision.action, decision.listing_id, decision.subject_id) == (
            "hide",
            listing_id,
            giver,
        )
        assert db.session.scalar(select(Report.resolved_at)) is not None
    told = visitor_client(giver).get("/me/notifications", headers=EN).text
    assert "A moderator hid your hand-me-down listing" in told
    assert "Reason: Selling" in told
    own = visitor_client(giver).get(f"/handmedown/{listing_id}", headers=EN)
    assert own.status_code == 200 and 'data-testid="hidden"' in own.text


def test_undoing_the_hiding_restores_the_listing(app, make_visitor, offer, admin_client, client):
    listing_id = offer(make_visitor())
    admin_client.post(f"/moderation/listings/{listing_id}/hide", data={"reason": "x"})
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id))
    response = admin_client.post(
        f"/moderation/decisions/{decision_id}/undo", data={"reason": "mistake"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/moderation/listings/{listing_id}")
    assert state(app, listing_id) == ("visible", "")
    assert client.get(f"/handmedown/{listing_id}").status_code == 200


def test_a_held_listing_is_in_the_queue_and_released(
    app, make_visitor, offer, admin_client, client
):
    with app.app_context():
        db.session.add(HeldWord(word="現金"))
        db.session.commit()
    listing_id = offer(make_visitor(), title="現金で譲ります")
    queue = admin_client.get("/admin/moderation/", headers=EN).text
    listings = queue[queue.index('data-testid="listings"') :]
    assert "現金で譲ります" in listings
    admin_client.post(f"/moderation/listings/{listing_id}/release", data={"reason": "fine"})
    assert state(app, listing_id) == ("visible", "")
    assert "現金で譲ります" in client.get("/handmedown").text


def test_deleting_a_listing_removes_its_photos(app, make_visitor, offer, admin_client, client):
    listing_id = offer(make_visitor(), photos=[jpeg()])
    with app.app_context():
        name = db.session.scalar(select(ListingPhoto.name))
    response = admin_client.post(
        f"/moderation/listings/{listing_id}/delete", data={"reason": "unsafe"}
    )
    assert response.status_code == 303
    assert state(app, listing_id) == ("deleted", "moderator")
    with app.app_context():
        assert db.session.scalars(select(ListingPhoto)).all() == []
    assert client.get(f"/handmedown/photos/{name}").status_code == 404


def test_three_trusted_reports_hide_a_listing_at_once(app, make_visitor, offer, visitor_client):
    listing_id = offer(make_visitor())
    for _ in range(3):
        assert report(visitor_client(make_visitor()), listing_id).status_code == 303
    assert state(app, listing_id) == ("hidden", "reports")
    with app.app_context():
        assert db.session.scalars(select(Decision.action)).all() == ["auto_hide"]


def test_residents_cannot_moderate_nor_report_their_own_listing(
    app, make_visitor, offer, visitor_client
):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    before = snapshot(app)
    assert report(visitor_client(giver), listing_id).status_code == 403
    resident = visitor_client(other)
    assert resident.get(f"/moderation/listings/{listing_id}").status_code == 403
    hide = resident.post(f"/moderation/listings/{listing_id}/hide", data={"reason": "x"})
    assert hide.status_code == 403
    assert resident.get("/moderation/listings/99999").status_code == 404
    assert snapshot(app) == before


def test_a_report_counts_once_per_account(app, make_visitor, offer, visitor_client):
    listing_id = offer(make_visitor())
    client = visitor_client(make_visitor())
    report(client, listing_id)
    report(client, listing_id)
    with app.app_context():
        assert len(db.session.scalars(select(Report)).all()) == 1
        assert db.session.scalars(select(Notification)).all() == []
