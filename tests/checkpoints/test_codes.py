"""Further codes of a checkpoint: managed by the association, printed by the store's merchant,
each scanned and counted on its own, all giving the same store's stamp once."""

import subprocess
from urllib.parse import urlsplit

import pytest

from rally.campaigns.models import Checkpoint, CheckpointCode, QrMode
from rally.checkpoints.operations import CheckpointError, add_code, delete_code
from rally.extensions import db

from .conftest import decode

EN = {"Accept-Language": "en"}


def scan_path(client, code_id) -> str:
    """The stamp link read back from the code's downloaded PNG by a real decoder."""
    response = client.get(f"/manage/codes/{code_id}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    url = decode(response.data)
    assert url.startswith("http://rally.test/s/")
    return urlsplit(url).path


def code_row(app, code_id):
    with app.app_context():
        return db.session.get(CheckpointCode, code_id)


def test_admin_adds_a_bilingual_code(client, auth, admin, checkpoint_id, app):
    auth.login(admin)
    data = {"label-ja": "東口", "label-en": "East entrance"}
    response = client.post(f"/manage/checkpoints/{checkpoint_id}/codes", data=data)
    assert response.status_code == 303
    with app.app_context():
        codes = db.session.get(Checkpoint, checkpoint_id).codes
        assert [(c.label.get("ja", ""), c.label.get("en", "")) for c in codes] == [
            ("東口", "East entrance")
        ]
    page = client.get(f"/manage/checkpoints/{checkpoint_id}/codes", headers=EN)
    assert "East entrance" in page.get_data(as_text=True)


def test_a_code_needs_a_name(ctx, checkpoint_id):
    with pytest.raises(CheckpointError) as caught:
        add_code(db.session.get(Checkpoint, checkpoint_id), {"ja": " ", "en": ""})
    assert caught.value.code == "label_required"


def test_rename_keeps_the_printed_code(client, auth, admin, checkpoint_id, make_code, app):
    code_id = make_code(checkpoint_id)
    auth.login(admin)
    path = scan_path(client, code_id)
    data = {"label-ja": "レジ B", "label-en": "Register B"}
    assert client.post(f"/manage/codes/{code_id}/edit", data=data).status_code == 303
    assert code_row(app, code_id).label.get("en", "") == "Register B"
    assert app.test_client().get(path).status_code == 303


def test_code_png_gives_the_stamp_and_a_second_code_says_already_stamped(
    app, client, auth, admin, checkpoint_id, make_code, stamps_of
):
    first, second = make_code(checkpoint_id), make_code(checkpoint_id, "東口", "East")
    auth.login(admin)
    first_path, second_path = scan_path(client, first), scan_path(client, second)

    visitor = app.test_client()
    response = visitor.get(first_path)
    assert response.status_code == 303
    assert f"new={checkpoint_id}" in response.headers["Location"]
    again = visitor.get(second_path)
    assert again.status_code == 303
    assert f"again={checkpoint_id}" in again.headers["Location"]  # one stamp per store
    [(card_id, code_id)] = stamps_of(checkpoint_id)
    assert code_id == first


def test_replacing_one_code_revokes_only_that_code(
    app, client, auth, admin, checkpoint_id, make_code, stamps_of
):
    first, second = make_code(checkpoint_id), make_code(checkpoint_id, "東口", "East")
    auth.login(admin)
    old_first, second_path = scan_path(client, first), scan_path(client, second)
    confirm = client.get(f"/manage/codes/{first}/replace")
    assert confirm.status_code == 200 and code_row(app, first).key_version == 1  # GET is safe
    assert client.post(f"/manage/codes/{first}/replace").status_code == 303
    assert code_row(app, first).key_version == 2

    assert app.test_client().get(old_first).status_code == 410  # token_revoked
    assert app.test_client().get(second_path).status_code == 303
    assert app.test_client().get(scan_path(client, first)).status_code == 303  # the new print
    assert sorted(code for _, code in stamps_of(checkpoint_id)) == [first, second]


def test_counts_per_code_are_shown(app, client, auth, admin, checkpoint_id, make_code, stamp_path):
    first, second = make_code(checkpoint_id), make_code(checkpoint_id, "東口", "East")
    auth.login(admin)
    first_path = scan_path(client, first)
    for _ in range(2):
        assert app.test_client().get(first_path).status_code == 303
    assert app.test_client().get(stamp_path(checkpoint_id)).status_code == 303
    html = client.get(f"/manage/checkpoints/{checkpoint_id}/codes", headers=EN).get_data(
        as_text=True
    )
    assert f'<span data-testid="count-{first}">2 stamps via this code</span>' in html
    assert f'<span data-testid="count-{second}">0 stamps via this code</span>' in html
    assert "Main code, PIN and staff: 1 stamp" in html


def test_unused_code_is_deleted_and_its_print_stops(
    app, client, auth, admin, checkpoint_id, make_code
):
    code_id = make_code(checkpoint_id)
    auth.login(admin)
    path = scan_path(client, code_id)
    assert client.post(f"/manage/codes/{code_id}/delete").status_code == 303
    assert code_row(app, code_id) is None
    assert app.test_client().get(path).status_code == 410


def test_a_deleted_codes_print_stays_dead_after_a_new_code_is_added(
    app, client, auth, admin, checkpoint_id, make_code
):
    """The newest code deleted, a code added: the new one must not inherit its id (SQLite
    reuses the highest deleted id without AUTOINCREMENT) and so its token."""
    code_id = make_code(checkpoint_id)
    auth.login(admin)
    old_path = scan_path(client, code_id)
    assert client.post(f"/manage/codes/{code_id}/delete").status_code == 303
    data = {"label-ja": "レジ3", "label-en": "Register 3"}
    assert client.post(f"/manage/checkpoints/{checkpoint_id}/codes", data=data).status_code == 303
    with app.app_context():
        [new_id] = [code.id for code in db.session.get(Checkpoint, checkpoint_id).codes]
    assert new_id != code_id
    assert app.test_client().get(old_path).status_code == 410
    assert app.test_client().get(scan_path(client, new_id)).status_code == 303


def test_code_with_stamps_cannot_be_deleted(app, client, auth, admin, checkpoint_id, make_code):
    code_id = make_code(checkpoint_id)
    auth.login(admin)
    assert app.test_client().get(scan_path(client, code_id)).status_code == 303
    response = client.post(f"/manage/codes/{code_id}/delete")
    assert response.status_code == 409
    assert 'data-code="code_has_stamps"' in response.get_data(as_text=True)
    assert code_row(app, code_id) is not None
    with app.app_context(), pytest.raises(CheckpointError) as caught:
        delete_code(db.session.get(CheckpointCode, code_id))
    assert caught.value.code == "code_has_stamps"


def test_merchant_views_and_prints_own_codes(app, client, auth, merchant, checkpoint_id, make_code):
    code_id = make_code(checkpoint_id)
    auth.login(merchant)
    page = client.get(f"/manage/checkpoints/{checkpoint_id}/codes", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Register 2" in html and f"/manage/codes/{code_id}/delete" not in html
    assert app.test_client().get(scan_path(client, code_id)).status_code == 303
    assert client.get(f"/manage/codes/{code_id}/qr.svg").mimetype == "image/svg+xml"
    poster = client.get(f"/manage/codes/{code_id}/poster-ja.pdf")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")


def test_merchant_changes_nothing(client, auth, merchant, checkpoint_id, make_code, app):
    code_id = make_code(checkpoint_id)
    auth.login(merchant)
    data = {"label-ja": "x", "label-en": "x"}
    assert client.post(f"/manage/checkpoints/{checkpoint_id}/codes", data=data).status_code == 403
    assert client.post(f"/manage/codes/{code_id}/edit", data=data).status_code == 403
    assert client.post(f"/manage/codes/{code_id}/replace").status_code == 403
    assert client.post(f"/manage/codes/{code_id}/delete").status_code == 403
    assert code_row(app, code_id).key_version == 1


def test_other_merchant_and_anonymous_see_no_codes(
    client, auth, make_user, checkpoint_id, make_code
):
    code_id = make_code(checkpoint_id)
    response = client.get(f"/manage/codes/{code_id}/qr.png")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login(make_user())
    assert client.get(f"/manage/checkpoints/{checkpoint_id}/codes").status_code == 403
    assert client.get(f"/manage/codes/{code_id}/qr.png").status_code == 403


def test_poster_pdf_prints_the_code_itself(client, auth, admin, checkpoint_id, make_code, tmp_path):
    code_id = make_code(checkpoint_id, "東口", "East entrance")
    auth.login(admin)
    response = client.get(f"/manage/codes/{code_id}/poster-en.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    (tmp_path / "poster.pdf").write_bytes(response.data)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", "poster.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    printed = urlsplit(decode((tmp_path / "page.png").read_bytes())).path
    assert printed == scan_path(client, code_id)


def test_rotating_campaign_has_no_printed_codes(app, client, auth, admin, checkpoint_id, make_code):
    code_id = make_code(checkpoint_id)
    with app.app_context():
        db.session.get(Checkpoint, checkpoint_id).campaign.qr_mode = QrMode.rotating
        db.session.commit()
    auth.login(admin)
    assert client.get(f"/manage/codes/{code_id}/qr.png").status_code == 404
    assert client.get(f"/manage/codes/{code_id}/poster-ja.pdf").status_code == 404
    page = client.get(f"/manage/checkpoints/{checkpoint_id}/codes").get_data(as_text=True)
    assert 'data-code="rotating_code_required"' in page
