"""The association's held words; residents muting and blocking each other."""

from sqlalchemy import select

from rally.extensions import db
from rally.residents.models import BlockKind, Resident, ResidentBlock
from rally.ugc.models import HeldWord

from .conftest import rows, snapshot

EN = {"Accept-Language": "en"}


def words(app):
    with app.app_context():
        return db.session.scalars(select(HeldWord.word).order_by(HeldWord.word)).all()


def test_an_admin_lists_a_word_folded_once(app, admin_client):
    for typed in ("ＳＰＡＭ宣伝", "spam宣伝"):
        assert admin_client.post("/admin/moderation/words", data={"word": typed}).status_code == 303
    assert words(app) == ["spam宣伝"]
    page = admin_client.get("/admin/moderation/words", headers=EN).get_data(as_text=True)
    assert "spam宣伝" in page


def test_removing_a_word_asks_first(app, admin_client):
    admin_client.post("/admin/moderation/words", data={"word": "勧誘"})
    with app.app_context():
        word_id = db.session.scalar(select(HeldWord.id))
    asked = admin_client.post(f"/admin/moderation/words/{word_id}/remove", headers=EN)
    assert asked.status_code == 200 and "Remove “勧誘” from the held words?" in asked.text
    assert words(app) == ["勧誘"]
    done = admin_client.post(f"/admin/moderation/words/{word_id}/remove", data={"confirmed": "1"})
    assert done.status_code == 303
    assert words(app) == []


def test_an_empty_word_is_refused(app, admin_client):
    assert admin_client.post("/admin/moderation/words", data={"word": " "}).status_code == 400
    assert words(app) == []


def handle_of(app, visitor_id):
    with app.app_context():
        return db.session.get(Resident, visitor_id).handle


def blocks(app):
    return [(row[1], row[2], row[3]) for row in rows(app, ResidentBlock)]


def test_mute_then_block_keeps_one_row_and_undo_removes_it(app, make_visitor, visitor_client):
    me, other = make_visitor(), make_visitor()
    handle = handle_of(app, other)
    client = visitor_client(me)
    assert client.post(f"/residents/{handle}/mute").status_code == 303
    assert blocks(app) == [(me, other, BlockKind.mute)]
    assert client.post(f"/residents/{handle}/block").status_code == 303
    assert blocks(app) == [(me, other, BlockKind.block)]
    page = client.get("/me/blocked", headers=EN).get_data(as_text=True)
    assert f"@{handle}" in page and "Blocked" in page
    public = client.get(f"/residents/{handle}", headers=EN).get_data(as_text=True)
    assert "You block this resident." in public
    assert (
        client.post(f"/residents/{handle}/unblock", data={"back": "blocked"})
        .headers["Location"]
        .endswith("/me/blocked")
    )
    assert blocks(app) == []


def test_nobody_blocks_themselves(app, make_visitor, visitor_client):
    me = make_visitor()
    client = visitor_client(me)
    before = snapshot(app)
    assert client.post(f"/residents/{handle_of(app, me)}/block").status_code == 400
    assert snapshot(app) == before
    page = client.get(f"/residents/{handle_of(app, me)}", headers=EN).get_data(as_text=True)
    assert "Block" not in page and "Mute" not in page


def test_blocking_asks_to_log_in(app, client, make_visitor):
    other = make_visitor()
    before = snapshot(app)
    response = client.post(f"/residents/{handle_of(app, other)}/block")
    assert response.status_code == 302 and "/me/login" in response.headers["Location"]
    assert snapshot(app) == before
    page = client.get(f"/residents/{handle_of(app, other)}", headers=EN).get_data(as_text=True)
    assert "Block" not in page


def test_the_public_page_offers_mute_and_block(app, make_visitor, visitor_client):
    me, other = make_visitor(), make_visitor()
    page = visitor_client(me).get(f"/residents/{handle_of(app, other)}", headers=EN)
    text = page.get_data(as_text=True)
    assert ">Mute<" in text and ">Block<" in text and "/report" in text
