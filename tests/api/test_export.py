"""A resident's data export (account page download and ``GET /api/v1/me/export``): built on
the whole demo district, where residents have cards, stamps, posts, reactions, ideas,
registrations, hand-me-downs and more, so that the export is checked against every kind of
record the demo makes, for its owner and for nobody else."""

import json

import pytest
from sqlalchemy import func, select

from rally.api.export import OWNED_CHILDREN, SKIPPED_TABLES, _visitor_columns, export_resident
from rally.campaigns.models import Checkpoint
from rally.cards.models import Card
from rally.extensions import db
from rally.moderation.models import Report
from rally.stamping.operations import grant_stamp
from rally.surveys.models import SurveyResponse
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import bearer

RESIDENT = "resident@example.jp"
CHILDREN = {name for names in OWNED_CHILDREN.values() for name in names}
SECRETS = ("password_hash", "token_hash", "code_hash", "p256dh", '"auth"', '"key"')


@pytest.fixture
def demo(app, runner):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # Every account's card gets a stamp (the demo stamps the paper cards only).
        checkpoint = db.session.scalars(select(Checkpoint).order_by(Checkpoint.id)).first()
        for card in db.session.scalars(select(Card).where(Card.visitor_id.is_not(None))):
            grant_stamp(card, checkpoint, utcnow())
        db.session.commit()
        return {email: vid for vid, email in db.session.execute(select(Visitor.id, Visitor.email))}


def _owned_counts(visitor_id: int) -> dict[str, int]:
    """How many rows each table holds for the visitor, counted straight in the database."""
    counts = {}
    for name, table in db.metadata.tables.items():
        owners = _visitor_columns(table)
        if name in SKIPPED_TABLES or name == "visitor" or not owners:
            continue
        where = owners[0] == visitor_id
        for column in owners[1:]:
            where = where | (column == visitor_id)
        counts[name] = db.session.scalar(select(func.count()).select_from(table).where(where))
    return counts


def test_export_has_every_record_of_its_owner_and_nothing_of_anyone_else(app, demo):
    with app.app_context():
        residents = [vid for email, vid in demo.items() if "@" in email]
        exports = {vid: export_resident(db.session.get(Visitor, vid)) for vid in residents}
        kinds_seen = set()
        for vid, export in exports.items():
            records = export["records"]
            assert records["visitor"] == [records["visitor"][0]]
            assert records["visitor"][0]["id"] == vid
            for name, count in _owned_counts(vid).items():
                if name in CHILDREN:  # also the children of what the visitor owns
                    assert len(records.get(name, [])) >= count, (vid, name)
                else:
                    assert len(records.get(name, [])) == count, (vid, name)
            kinds_seen.update(name for name, rows in records.items() if rows)
            text = json.dumps(export, ensure_ascii=False)
            for email in (e for e, o in demo.items() if o != vid):
                assert email not in text, (vid, email)
            for secret in SECRETS:
                assert secret not in text
            for name, rows in records.items():
                owners = _visitor_columns(db.metadata.tables[name])
                if owners and name not in CHILDREN:
                    for row in rows:
                        assert vid in [row[c.name] for c in owners], (vid, name, row)
            for row in records.get("push_subscription", []):
                assert "/" not in row["endpoint"]  # the host only
        # The demo gives its residents every kind of record the brief lists.
        for kind in (
            "card",
            "stamp",
            "resident",
            "circle_member",
            "post",
            "reaction",
            "idea",
            "idea_support",
            "event_registration",
            "listing",
            "listing_message",
        ):
            assert kind in kinds_seen, kind


def test_anonymous_answers_and_reports_about_me_stay_out(app, demo):
    with app.app_context():
        me = db.session.get(Visitor, demo[RESIDENT])
        other = next(vid for email, vid in demo.items() if vid != me.id)
        report = Report(reporter_id=other, subject_id=me.id, reason="spam", note="secret note")
        db.session.add(report)
        db.session.flush()
        export = export_resident(me)
        assert all(row["id"] != report.id for row in export["records"].get("report", []))
        anonymous = db.session.scalars(
            select(SurveyResponse.id).where(SurveyResponse.visitor_id.is_(None))
        ).all()
        assert anonymous  # the demo survey has anonymous answers
        text = json.dumps(export)
        for response_id in anonymous:
            assert response_id not in text
        db.session.rollback()


def test_account_page_download_needs_a_log_in_and_is_an_attachment(
    app, demo, client, visitor_client
):
    response = client.get("/me/export.json")
    assert response.status_code == 302 and "/me/login" in response.headers["Location"]
    me = visitor_client(demo[RESIDENT])
    assert 'href="/me/export.json"' in me.get("/me/").get_data(as_text=True)
    response = me.get("/me/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.get_json()["records"]["visitor"][0]["email"] == RESIDENT


def test_api_export_needs_the_me_read_scope(app, demo, client, personal_token, app_token):
    assert client.get("/api/v1/me/export").status_code == 401
    _id, secret = app_token()
    assert client.get("/api/v1/me/export", headers=bearer(secret)).status_code == 403
    response = client.get("/api/v1/me/export", headers=bearer(personal_token(demo[RESIDENT])))
    assert response.status_code == 200
    body = response.get_json()
    assert body["account_id"] == demo[RESIDENT]
    tokens = body["records"]["api_token"]
    assert [row["name"] for row in tokens] == ["City app"]
    assert "token_hash" not in tokens[0]


def test_privacy_page_tells_of_the_download(client):
    for lang, words in (
        ("ja", "1つのJSONファイル"),
        ("en", "download, as one JSON file"),
        ("ko", "하나의 JSON 파일"),
    ):
        page = client.get("/privacy", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert 'data-testid="privacy-export"' in page and words in page, lang
