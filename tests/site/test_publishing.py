"""News, events and coupons: scheduling, expiry, and who may publish for which store."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.extensions import db
from rally.news import operations
from rally.news.models import Coupon, NewsPost
from rally.stores.models import StoreStatus
from rally.utils import utcnow
from tests.conftest import texts

EN = {"Accept-Language": "en"}


def html(client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# Scheduling and expiry ---------------------------------------------------------------


def test_news_shows_only_between_publish_and_expiry(client, make_news):
    make_news(title_en="Current news")
    make_news(title_en="Future news", publish=2)
    make_news(title_en="Expired news", publish=-5, expires=-1)
    page = html(client, "/news")
    assert "Current news" in page
    assert "Future news" not in page and "Expired news" not in page


def test_scheduled_news_page_is_not_found_before_publication(client, make_news):
    post_id = make_news(publish=2)
    assert client.get(f"/news/{post_id}").status_code == 404


def test_news_of_unapproved_store_is_hidden(client, make_store, make_news):
    store_id = make_store(status=StoreStatus.suspended)
    post_id = make_news(store_id=store_id, title_en="Hidden store news")
    assert "Hidden store news" not in html(client, "/news")
    assert client.get(f"/news/{post_id}").status_code == 404


def test_coupon_shows_only_while_valid(client, make_store, make_coupon):
    store_id = make_store()
    make_coupon(store_id, title_en="Valid coupon")
    make_coupon(store_id, title_en="Future coupon", publish=1)
    make_coupon(store_id, title_en="Old coupon", publish=-10, expires=-1)
    page = html(client, f"/stores/{store_id}")
    assert "Valid coupon" in page
    assert "Future coupon" not in page and "Old coupon" not in page


def test_events_list_upcoming_only(client, make_event):
    make_event(title_en="Next festival", starts=2)
    make_event(title_en="Past festival", starts=-3)
    make_event(title_en="Unpublished festival", publish=1)
    page = html(client, "/events")
    assert "Next festival" in page
    assert "Past festival" not in page and "Unpublished festival" not in page


def test_event_page(client, make_event):
    event_id = make_event(title_en="Lantern walk", place_en="Aqueduct")
    page = html(client, f"/events/{event_id}")
    assert "<h1>Lantern walk</h1>" in page and "Aqueduct" in page
    assert client.get(f"/events/{make_event(publish=3)}").status_code == 404


def test_bilingual_fallback(client, make_news):
    make_news(title_ja="日本語だけ", title_en="")
    assert "日本語だけ" in html(client, "/news")


def test_store_feed_page_lists_only_that_store(client, make_store, make_news):
    mine, other = make_store(), make_store()
    make_news(store_id=mine, title_en="Mine")
    make_news(store_id=other, title_en="Other")
    page = html(client, f"/stores/{mine}/news")
    assert "Mine" in page and "Other" not in page


# Long lists page --------------------------------------------------------------------


def test_news_pages_to_older_posts(client, make_news):
    for n in range(51):
        make_news(title_en=f"Post {n:02d}", publish=-1 - n)  # Post 00 is the newest
    first, second = html(client, "/news"), html(client, "/news?page=2")
    assert first.count('data-testid="news-item"') == 50
    assert "Post 49" in first and "Post 50" not in first
    assert "Page 1 of 2" in first and 'rel="next" href="/news?page=2"' in first
    assert second.count('data-testid="news-item"') == 1 and "Post 50" in second
    assert "Page 2 of 2" in second and 'rel="prev" href="/news?page=1"' in second
    assert "Post 50" in html(client, "/news?page=99")


def test_news_pages_are_in_japanese_by_default(client, make_news):
    for n in range(51):
        make_news(publish=-1 - n)
    page = client.get("/news").get_data(as_text=True)
    assert "2ページ中 1ページ目" in page and ">次へ</a>" in page


def test_store_news_pages_to_older_posts(client, make_store, make_news):
    store_id = make_store()
    for n in range(51):
        make_news(store_id=store_id, title_en=f"Post {n:02d}", publish=-1 - n)
    first = html(client, f"/stores/{store_id}/news")
    second = html(client, f"/stores/{store_id}/news?page=2")
    assert first.count('data-testid="news-item"') == 50 and "Post 50" not in first
    assert f'rel="next" href="/stores/{store_id}/news?page=2"' in first
    assert second.count('data-testid="news-item"') == 1 and "Post 50" in second


def test_events_page_to_later_events(client, make_event):
    for n in range(21):
        make_event(title_en=f"Festival {n:02d}", starts=1 + n)  # Festival 00 is the soonest
    first, second = html(client, "/events"), html(client, "/events?page=2")
    assert first.count('data-testid="event-item"') == 20 and "Festival 20" not in first
    assert 'rel="next" href="/events?page=2"' in first
    assert second.count('data-testid="event-item"') == 1 and "Festival 20" in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("kind", ["news", "coupons", "events"])
def test_publishing_lists_page(
    client, make_user, make_store, make_news, make_coupon, make_event, auth, kind
):
    auth.login(make_user(role=Role.admin))
    store_id = make_store()
    for n in range(21):  # newest first: "Item 20", published longest ago, is on page 2
        title = f"Item {n:02d}"
        if kind == "news":
            make_news(title_en=title, publish=-1 - n)
        elif kind == "coupons":
            make_coupon(store_id, title_en=title, publish=-1 - n)
        else:
            make_event(title_en=title, publish=-1 - n)
    first = html(client, f"/manage/{kind}")
    second = html(client, f"/manage/{kind}?page=2")
    assert first.count('data-testid="manage-item"') == 20 and "Item 20" not in first
    assert f'rel="next" href="/manage/{kind}?page=2"' in first
    assert second.count('data-testid="manage-item"') == 1 and "Item 20" in second
    assert "Page 2 of 2" in html(client, f"/manage/{kind}?page=99")


def test_merchant_pages_count_only_their_own_items(client, make_user, make_store, make_news, auth):
    merchant = make_user()
    auth.login(merchant)
    mine = make_store(owner_id=merchant.id)
    for n in range(20):
        make_news(store_id=mine, title_en=f"Mine {n:02d}")
    make_news(store_id=make_store(owner_id=make_user().id), title_en="Their news")
    page = html(client, "/manage/news")
    assert page.count('data-testid="manage-item"') == 20 and "Page 1 of" not in page


# Rules of the operations -------------------------------------------------------------


def _data(**kw):
    values = {
        "store_id": None,
        "title_ja": "タイトル",
        "title_en": "Title",
        "body_ja": "",
        "body_en": "",
        "publish_at": None,
        "expires_at": None,
    }
    values.update(kw)
    return operations.NewsInput(**texts(values))


def _coupon(**kw):
    return operations.CouponInput(**texts({"title_ja": "タイトル", "title_en": "Title", **kw}))


def _event(**kw):
    return operations.EventInput(**texts({"title_ja": "タイトル", "title_en": "Title", **kw}))


def test_merchant_cannot_post_for_another_merchants_store(app, make_user, make_store):
    owner, intruder = make_user(), make_user()
    store_id = make_store(owner_id=owner.id)
    with app.app_context():
        with pytest.raises(operations.PublishError) as error:
            operations.save_news(intruder, _data(store_id=store_id), utcnow())
        assert error.value.code == "not_your_store"
        assert error.value.status == 403


def test_merchant_cannot_post_a_coupon_for_another_store(app, make_user, make_store):
    intruder = make_user()
    store_id = make_store(owner_id=make_user().id)
    with app.app_context():
        with pytest.raises(operations.PublishError) as error:
            operations.save_coupon(intruder, _coupon(store_id=store_id), utcnow())
        assert error.value.code == "not_your_store"


def test_merchant_cannot_post_district_announcements(app, make_user):
    with app.app_context():
        with pytest.raises(operations.PublishError) as error:
            operations.save_news(make_user(), _data(), utcnow())
        assert error.value.code == "association_only"


def test_expiry_must_follow_publication(app, make_user, make_store):
    user = make_user()
    store_id = make_store(owner_id=user.id)
    now = utcnow()
    with app.app_context():
        with pytest.raises(operations.PublishError) as error:
            operations.save_news(
                user, _data(store_id=store_id, publish_at=now, expires_at=now), now
            )
        assert error.value.code == "expires_before_publish"


def test_a_title_is_required_in_one_language(app, make_user):
    admin = make_user(role=Role.admin)
    with app.app_context():
        with pytest.raises(operations.PublishError) as error:
            operations.save_news(admin, _data(title_ja=" ", title_en=""), utcnow())
        assert error.value.code == "title_required"


def test_event_must_end_after_it_starts(app, make_user):
    admin = make_user(role=Role.admin)
    now = utcnow()
    with app.app_context():
        with pytest.raises(operations.PublishError) as error:
            operations.save_event(
                admin, _event(starts_at=now, ends_at=now - timedelta(hours=1)), now
            )
        assert error.value.code == "event_ends_before_start"


def test_merchant_cannot_create_events(app, make_user):
    now = utcnow()
    with app.app_context():
        with pytest.raises(operations.PublishError) as error:
            operations.save_event(
                make_user(), _event(starts_at=now, ends_at=now + timedelta(hours=1)), now
            )
        assert error.value.code == "association_only"


# Through the pages -------------------------------------------------------------------


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_merchant_posts_a_coupon_for_their_store(app, client, make_user, make_store, auth):
    merchant = make_user()
    auth.login(merchant)
    store_id = make_store(owner_id=merchant.id, name_en="My Shop")
    response = client.post(
        "/manage/coupons/new",
        data={
            "store_id": store_id,
            "title-ja": "10%引き",
            "title-en": "10% off",
            "expires_at": "2099-12-31T18:00",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        coupon = db.session.scalar(select(Coupon))
        assert coupon.store_id == store_id and coupon.author_id == merchant.id
        # Typed in Tokyo time, stored in UTC.
        assert coupon.expires_at.hour == 9
    assert "10% off" in html(client, f"/stores/{store_id}")


def test_merchant_form_refuses_another_store_and_saves_nothing(
    app, client, make_user, make_store, auth
):
    merchant = make_user()
    auth.login(merchant)
    make_store(owner_id=merchant.id)
    other_store = make_store(owner_id=make_user().id)
    response = client.post(
        "/manage/news/new", data={"store_id": other_store, "title-en": "Not mine"}
    )
    assert response.status_code == 400
    assert _count(app, NewsPost) == 0


def test_merchant_cannot_edit_or_delete_another_stores_coupon(
    app, client, make_user, make_store, make_coupon, auth
):
    auth.login(make_user())
    coupon_id = make_coupon(make_store(owner_id=make_user().id))
    assert client.get(f"/manage/coupons/{coupon_id}/edit").status_code == 403
    assert client.post(f"/manage/coupons/{coupon_id}/delete").status_code == 403
    assert _count(app, Coupon) == 1


def test_merchant_cannot_open_event_publishing(client, make_user, auth):
    auth.login(make_user())
    assert client.get("/manage/events").status_code == 403
    assert client.get("/manage/events/new").status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/manage/news")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_merchant_sees_only_their_own_items(client, make_user, make_store, make_news, auth):
    merchant = make_user()
    auth.login(merchant)
    make_news(store_id=make_store(owner_id=merchant.id), title_en="My news")
    make_news(store_id=make_store(owner_id=make_user().id), title_en="Their news")
    page = html(client, "/manage/news")
    assert "My news" in page and "Their news" not in page


def test_admin_publishes_an_announcement_and_an_event(app, client, make_user, auth):
    auth.login(make_user(role=Role.admin))
    response = client.post(
        "/manage/news/new", data={"store_id": 0, "title-ja": "お知らせ", "title-en": "Notice"}
    )
    assert response.status_code == 303
    response = client.post(
        "/manage/events/new",
        data={
            "title-en": "Market",
            "starts_at": "2099-01-01T10:00",
            "ends_at": "2099-01-01T15:00",
        },
    )
    assert response.status_code == 303
    assert "Notice" in html(client, "/news")
    assert "Market" in html(client, "/events")


def test_invalid_schedule_is_shown_on_the_form(app, client, make_user, auth):
    auth.login(make_user(role=Role.admin))
    response = client.post(
        "/manage/news/new",
        data={
            "store_id": 0,
            "title-en": "Notice",
            "publish_at": "2099-01-02T10:00",
            "expires_at": "2099-01-01T10:00",
        },
        headers=EN,
    )
    assert response.status_code == 400
    assert "The end of publication must come after its start." in response.get_data(as_text=True)
    assert _count(app, NewsPost) == 0


@pytest.mark.parametrize(
    "dates",
    [
        {"starts_at": "0001-01-01T00:00", "ends_at": "0001-01-02T00:00"},
        {
            "starts_at": "2099-01-01T10:00",
            "ends_at": "2099-01-01T15:00",
            "expires_at": "9999-12-31T23:59",
        },
    ],
)
def test_dates_outside_2000_to_2100_are_refused(app, client, make_user, auth, dates):
    """Year 1 in Tokyo is before the first UTC moment Python has (an OverflowError)."""
    auth.login(make_user(role=Role.admin))
    response = client.post("/manage/events/new", data={"title-en": "Market", **dates}, headers=EN)
    assert response.status_code == 400
    assert "Please enter a date between the years 2000 and 2100." in response.get_data(True)


def test_admin_edits_and_deletes_news(app, client, make_user, make_news, auth):
    auth.login(make_user(role=Role.admin))
    post_id = make_news(title_en="Old title")
    form = html(client, f"/manage/news/{post_id}/edit")
    assert 'value="Old title"' in form
    response = client.post(
        f"/manage/news/{post_id}/edit", data={"store_id": 0, "title-en": "New title"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(NewsPost, post_id).title.get("en", "") == "New title"
    assert client.post(f"/manage/news/{post_id}/delete", data={"confirmed": "1"}).status_code == 303
    assert _count(app, NewsPost) == 0


def test_store_choices_are_the_merchants_own(client, make_user, make_store, auth):
    merchant = make_user()
    auth.login(merchant)
    make_store(owner_id=merchant.id, name_en="Own Shop")
    make_store(owner_id=make_user().id, name_en="Foreign Shop")
    page = html(client, "/manage/coupons/new")
    assert "Own Shop" in page and "Foreign Shop" not in page


def test_without_javascript_a_delete_asks_on_a_page_first(app, client, make_user, make_news, auth):
    auth.login(make_user(role=Role.admin))
    post_id = make_news(title_en="Year-end sale")
    english = {"Accept-Language": "en"}

    asked = client.post(f"/manage/news/{post_id}/delete", headers=english)

    assert asked.status_code == 200
    assert "Delete “Year-end sale”? This cannot be undone." in asked.text
    assert 'name="confirmed" value="1"' in asked.text
    assert f'action="/manage/news/{post_id}/delete"' in asked.text
    assert 'href="/manage/news"' in asked.text  # cancel goes back to the list
    assert _count(app, NewsPost) == 1  # nothing deleted yet
    done = client.post(f"/manage/news/{post_id}/delete", data={"confirmed": "1"})
    assert done.status_code == 303
    assert _count(app, NewsPost) == 0
