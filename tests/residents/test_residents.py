"""Residents: the public profile on a visitor account, and verification by a one-time code."""

import io
import itertools
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from rally.areas.models import Area
from rally.auth.models import Role
from rally.extensions import db
from rally.residents import operations
from rally.residents.models import Resident, ResidentCode
from rally.stores.models import StoreStatus
from rally.utils import utcnow
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}
_n = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    def make(verified=True):
        with app.app_context():
            visitor = Visitor(email=f"resident{next(_n)}@example.jp", locale="ja")
            visitor.set_password("long enough pw")
            visitor.verified_at = utcnow() if verified else None
            db.session.add(visitor)
            db.session.commit()
            return visitor.id

    return make


def profile(app, visitor_id):
    with app.app_context():
        resident = db.session.get(Resident, visitor_id)
        if resident is not None:
            db.session.expunge(resident)
        return resident


def save(client, name="はなこ", handle="@hanako", area_id=""):
    data = {"display_name": name, "handle": handle, "area_id": area_id}
    return client.post("/me/profile", data=data, headers=EN)


def issue(app, role=Role.admin, make_user=None, store_id=None, now=None):
    with app.app_context():
        user = make_user(role=role)
        code, digits = operations.issue_code(user, store_id, now or utcnow())
        db.session.commit()
        return code.id, digits


# The profile


def test_profile_saves_a_japanese_nickname_and_lower_case_handle(app, make_visitor, visitor_client):
    visitor_id = make_visitor()
    response = save(visitor_client(visitor_id), name="ﾊﾅｺ", handle="@Hanako_3")
    assert response.status_code == 303
    resident = profile(app, visitor_id)
    assert resident.display_name == "ハナコ"  # NFKC: half-width katakana made full-width
    assert resident.handle == "hanako_3"


def test_display_name_longer_than_30_characters_is_refused(app, make_visitor, visitor_client):
    visitor_id = make_visitor()
    response = save(visitor_client(visitor_id), name="あ" * 31)
    assert response.status_code == 400
    assert "at most 30 characters" in response.get_data(as_text=True)
    assert profile(app, visitor_id) is None


def test_display_name_with_a_control_character_is_refused(app, make_visitor, visitor_client):
    visitor_id = make_visitor()
    response = save(visitor_client(visitor_id), name="はな\u202eこ")  # right-to-left override
    assert response.status_code == 400
    assert "cannot be shown" in response.get_data(as_text=True)


@pytest.mark.parametrize("handle", ["@ab", "@" + "a" * 21, "@はなこ", "@hana-ko"])
def test_handle_outside_3_to_20_of_a_z_0_9_underscore_is_refused(
    app, make_visitor, visitor_client, handle
):
    visitor_id = make_visitor()
    response = save(visitor_client(visitor_id), handle=handle)
    assert response.status_code == 400
    assert "3 to 20 letters" in response.get_data(as_text=True)
    assert profile(app, visitor_id) is None


def test_handle_is_unique_whatever_its_case(app, make_visitor, visitor_client):
    first, second = make_visitor(), make_visitor()
    assert save(visitor_client(first), handle="@hanako").status_code == 303
    response = save(visitor_client(second), handle="@HANAKO")
    assert response.status_code == 409
    assert "@hanako is taken" in response.get_data(as_text=True)
    assert profile(app, second) is None


def test_two_accounts_racing_for_one_handle_one_wins(app, make_visitor, visitor_client, race):
    visitors = [make_visitor() for _ in range(8)]

    def prepare(index):
        client = visitor_client(visitors[index])
        return lambda: save(client, handle="@taro").status_code

    statuses = race(8, prepare)
    assert sorted(statuses) == [303] + [409] * 7
    with app.app_context():
        assert db.session.scalars(
            select(Resident.handle).where(Resident.handle.is_not(None))
        ).all() == ["taro"]


def test_public_profile_shows_name_handle_area_never_the_email(
    app, client, make_visitor, visitor_client
):
    visitor_id = make_visitor()
    with app.app_context():
        area = Area(name={"ja": "駅前通り", "en": "Station Street"})
        db.session.add(area)
        db.session.commit()
        area_id = area.id
    save(visitor_client(visitor_id), area_id=str(area_id))
    page = client.get("/residents/hanako", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "はなこ" in text and "@hanako" in text and "Station Street" in text
    assert "example.jp" not in text
    assert 'data-testid="verified-badge"' not in text


def test_incomplete_or_unknown_profile_is_not_found(client, make_visitor):
    assert client.get("/residents/nobody", headers=EN).status_code == 404


def test_profile_page_needs_a_logged_in_visitor(client):
    response = client.get("/me/profile")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/me/login")


def test_may_post_needs_confirmed_email_and_complete_profile(app, make_visitor, visitor_client):
    confirmed, unconfirmed = make_visitor(), make_visitor(verified=False)
    with app.app_context():
        assert not operations.may_post(db.session.get(Visitor, confirmed))
    save(visitor_client(confirmed), handle="@one")
    save(visitor_client(unconfirmed), handle="@two")
    with app.app_context():
        assert operations.may_post(db.session.get(Visitor, confirmed))
        assert not operations.may_post(db.session.get(Visitor, unconfirmed))
        assert not operations.may_post(None)


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 900), (200, 100, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (35.0, 40.0, 12.0)
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif)
    data = output.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload has GPS
    return data


def test_photo_is_stored_small_without_exif_or_gps(app, client, make_visitor, visitor_client):
    visitor_id = make_visitor()
    resident_client = visitor_client(visitor_id)
    save(resident_client)
    response = resident_client.post(
        "/me/profile/photo",
        data={"photo": (io.BytesIO(_jpeg_with_gps()), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    served = client.get("/residents/hanako/photo")
    assert served.status_code == 200
    data = served.get_data()
    served.close()
    image = Image.open(io.BytesIO(data))
    assert max(image.size) == operations.PHOTO_SIDE
    assert not image.getexif()
    assert "exif" not in image.info


def test_a_file_that_is_not_an_image_is_refused(app, make_visitor, visitor_client):
    visitor_id = make_visitor()
    response = visitor_client(visitor_id).post(
        "/me/profile/photo",
        data={"photo": (io.BytesIO(b"<script>alert(1)</script>"), "me.jpg")},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 400
    assert "not a photo" in response.get_data(as_text=True)
    resident = profile(app, visitor_id)
    assert resident is None or resident.photo_filename is None


def test_deleting_the_account_erases_the_profile(app, client, make_visitor, visitor_client):
    visitor_id = make_visitor()
    resident_client = visitor_client(visitor_id)
    save(resident_client)
    response = resident_client.post("/me/delete", data={"password": "long enough pw"})
    assert response.status_code == 303
    assert profile(app, visitor_id) is None
    assert client.get("/residents/hanako").status_code == 404


# Verification codes


def test_admin_issues_a_code_shown_once_and_stored_hashed(app, admin_client):
    response = admin_client.post("/resident-codes/", headers=EN)
    assert response.status_code == 303
    page = admin_client.get(response.headers["Location"], headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Valid until" in text
    assert page.headers["Cache-Control"] == "private, no-store"
    digits = text.split('data-testid="resident-code">')[1][:7].replace(" ", "")
    assert digits.isdigit() and len(digits) == 6
    with app.app_context():
        code = db.session.scalar(select(ResidentCode))
        assert code.code_hash == operations.code_hash(digits) != digits
        assert code.store_id is None
        assert code.expires_at - code.issued_at == timedelta(days=30)


def test_merchant_of_an_approved_store_issues_a_code_for_it(
    app, merchant, merchant_client, own_store
):
    response = merchant_client.post("/resident-codes/", data={"store_id": own_store})
    assert response.status_code == 303
    with app.app_context():
        code = db.session.scalar(select(ResidentCode))
        assert (code.store_id, code.issued_by_id) == (own_store, merchant.id)


@pytest.mark.parametrize("status", [StoreStatus.pending, StoreStatus.suspended])
def test_merchant_of_a_pending_or_suspended_store_cannot_issue(
    app, merchant, merchant_client, make_store, count, status
):
    make_store(owner_id=merchant.id, status=status)
    assert merchant_client.get("/resident-codes/").status_code == 403
    assert merchant_client.post("/resident-codes/").status_code == 403
    assert count(ResidentCode) == 0


def test_merchant_cannot_issue_for_another_merchants_store(
    merchant_client, own_store, others_store, count
):
    response = merchant_client.post("/resident-codes/", data={"store_id": others_store})
    assert response.status_code == 400
    assert count(ResidentCode) == 0


def test_a_resident_cannot_issue_or_see_a_code(app, make_visitor, visitor_client, make_user, count):
    code_id, _ = issue(app, make_user=make_user)
    resident_client = visitor_client(make_visitor())
    assert resident_client.post("/resident-codes/").status_code == 302  # to the staff log-in
    assert resident_client.get(f"/resident-codes/{code_id}").status_code == 302
    assert count(ResidentCode) == 1


def test_another_staff_member_cannot_see_a_code(app, make_user, auth):
    code_id, _ = issue(app, make_user=make_user)
    other_admin = auth.new_client(make_user(role=Role.admin))
    assert other_admin.get(f"/resident-codes/{code_id}").status_code == 403


def test_a_resident_enters_a_code_and_is_verified(
    app, client, make_visitor, visitor_client, make_user
):
    code_id, digits = issue(app, make_user=make_user)
    visitor_id = make_visitor()
    resident_client = visitor_client(visitor_id)
    save(resident_client)
    response = resident_client.post(
        "/me/profile/verify", data={"code": digits[:3] + " " + digits[3:]}
    )
    assert response.status_code == 303
    resident = profile(app, visitor_id)
    with app.app_context():
        code = db.session.get(ResidentCode, code_id)
        assert resident.resident_verified_at is not None
        assert resident.verified_by_id == code.issued_by_id
        assert code.used_by_id == visitor_id and code.used_at is not None
    assert 'data-testid="verified-badge"' in client.get("/residents/hanako").get_data(as_text=True)


def test_a_code_verifies_one_account_only(app, make_visitor, visitor_client, make_user):
    _, digits = issue(app, make_user=make_user)
    first, second = make_visitor(), make_visitor()
    assert (
        visitor_client(first).post("/me/profile/verify", data={"code": digits}).status_code == 303
    )
    response = visitor_client(second).post("/me/profile/verify", data={"code": digits}, headers=EN)
    assert response.status_code == 400
    assert "This code is not valid" in response.get_data(as_text=True)
    assert profile(app, second).resident_verified_at is None


def test_a_code_expires_after_30_days(app, make_visitor, visitor_client, make_user):
    _, digits = issue(app, make_user=make_user, now=utcnow() - timedelta(days=30, seconds=1))
    visitor_id = make_visitor()
    response = visitor_client(visitor_id).post("/me/profile/verify", data={"code": digits})
    assert response.status_code == 400
    assert profile(app, visitor_id).resident_verified_at is None


def test_five_wrong_tries_a_day_then_even_the_right_code_waits(
    app, make_visitor, visitor_client, make_user
):
    _, digits = issue(app, make_user=make_user)
    wrong = "000000" if digits != "000000" else "111111"
    visitor_id = make_visitor()
    resident_client = visitor_client(visitor_id)
    for _ in range(5):
        response = resident_client.post("/me/profile/verify", data={"code": wrong})
        assert response.status_code == 400
    assert profile(app, visitor_id).code_tries == 5  # counted in the database
    response = resident_client.post("/me/profile/verify", data={"code": digits}, headers=EN)
    assert response.status_code == 429
    assert "wrong code 5 times today" in response.get_data(as_text=True)
    assert profile(app, visitor_id).resident_verified_at is None


def test_tries_start_again_the_next_day(app, make_visitor, visitor_client, make_user):
    _, digits = issue(app, make_user=make_user)
    visitor_id = make_visitor()
    with app.app_context():
        db.session.add(
            Resident(
                visitor_id=visitor_id,
                code_tries=5,
                code_tries_on=operations.district_today(utcnow()) - timedelta(days=1),
            )
        )
        db.session.commit()
    response = visitor_client(visitor_id).post("/me/profile/verify", data={"code": digits})
    assert response.status_code == 303
    assert profile(app, visitor_id).resident_verified_at is not None


def test_sixteen_residents_redeeming_one_code_at_once_one_is_verified(
    app, make_visitor, visitor_client, make_user, race
):
    _, digits = issue(app, make_user=make_user)
    visitors = [make_visitor() for _ in range(16)]

    def prepare(index):
        client = visitor_client(visitors[index])
        return lambda: client.post("/me/profile/verify", data={"code": digits}).status_code

    statuses = race(16, prepare)
    assert sorted(statuses) == [303] + [400] * 15
    with app.app_context():
        verified = db.session.scalars(
            select(Resident.visitor_id).where(Resident.resident_verified_at.is_not(None))
        ).all()
        assert len(verified) == 1
        assert db.session.scalar(select(ResidentCode.used_by_id)) == verified[0]
