"""The association approves, suspends and reinstates stores; nobody else can."""

import re

import pytest

from rally.errors import StateError
from rally.extensions import db
from rally.stores.models import Store, StoreStatus


def status_of(app, store_id):
    with app.app_context():
        return db.session.get(Store, store_id).status


def test_list_filters_by_status(admin_client, make_store, english):
    make_store(name_en="Pending Bakery", status=StoreStatus.pending)
    make_store(name_en="Approved Books", status=StoreStatus.approved)
    html = admin_client.get("/admin/stores?status=pending", headers=english).get_data(True)
    assert "Pending Bakery" in html and "Approved Books" not in html
    html = admin_client.get("/admin/stores", headers=english).get_data(True)
    assert "Pending Bakery" in html and "Approved Books" in html


def test_list_is_paginated(admin_client, make_store, english):
    for n in range(23):
        make_store(name_en=f"Paged Shop {n:02d}")
    first = admin_client.get("/admin/stores", headers=english).get_data(True)
    second = admin_client.get("/admin/stores?page=2", headers=english).get_data(True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("Paged Shop") == 20 and second.count("Paged Shop") == 3


def test_a_page_past_the_last_shows_the_last(admin_client, make_store, english):
    for n in range(23):
        make_store(name_en=f"Paged Shop {n:02d}", status=StoreStatus.pending)
    html = admin_client.get("/admin/stores?status=pending&page=99", headers=english)
    html = html.get_data(True)
    assert "Page 2 of 2" in html and "Page 99" not in html
    assert html.count("Paged Shop") == 3 and 'rel="next"' not in html
    assert 'rel="prev" href="/admin/stores?page=1&amp;status=pending"' in html


def test_approving_the_last_store_of_a_page_goes_back_to_a_page_that_exists(
    admin_client, make_store, english
):
    for n in range(21):
        make_store(name_en=f"Waiting Shop {n:02d}", status=StoreStatus.pending)
    second = admin_client.get("/admin/stores?status=pending&page=2", headers=english)
    [store_id] = re.findall(r'data-testid="store-(\d+)"', second.get_data(True))
    response = admin_client.post(
        f"/admin/stores/{store_id}/approve", data={"status": "pending", "page": "2"}
    )
    assert response.status_code == 303
    html = admin_client.get(response.headers["Location"], headers=english).get_data(True)
    assert "20 stores" in html and html.count("Waiting Shop") == 20
    assert "No store here." not in html


def test_approve(app, admin_client, make_store):
    store_id = make_store(status=StoreStatus.pending)
    response = admin_client.post(f"/admin/stores/{store_id}/approve")
    assert response.status_code == 303
    assert status_of(app, store_id) is StoreStatus.approved


def test_suspend_asks_first_then_suspends(app, admin_client, make_store, english):
    store_id = make_store()
    page = admin_client.get(f"/admin/stores/{store_id}/suspend", headers=english)
    assert page.status_code == 200 and "Suspend the store" in page.get_data(True)
    assert status_of(app, store_id) is StoreStatus.approved  # the GET changed nothing
    assert admin_client.post(f"/admin/stores/{store_id}/suspend").status_code == 303
    assert status_of(app, store_id) is StoreStatus.suspended


def test_reinstate(app, admin_client, make_store):
    store_id = make_store(status=StoreStatus.suspended)
    admin_client.post(f"/admin/stores/{store_id}/reinstate")
    assert status_of(app, store_id) is StoreStatus.approved


def test_illegal_transition_is_a_translated_flash(app, admin_client, make_store):
    store_id = make_store(status=StoreStatus.approved)
    response = admin_client.post(
        f"/admin/stores/{store_id}/reinstate", headers={"Accept-Language": "ja"}
    )
    assert response.status_code == 303
    assert status_of(app, store_id) is StoreStatus.approved
    html = admin_client.get(response.headers["Location"]).get_data(True)
    assert "flash-error" in html
    assert "cannot become" not in html  # shown in Japanese, not the English source


def test_illegal_transition_code(ctx, make_store):
    store = db.session.get(Store, make_store(status=StoreStatus.approved))
    with pytest.raises(StateError) as refused:
        store.approve()
    assert refused.value.code == "illegal_transition"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/admin/stores/{id}/approve"),
        ("post", "/admin/stores/{id}/suspend"),
        ("post", "/admin/stores/{id}/reinstate"),
        ("get", "/admin/stores/{id}/suspend"),
        ("get", "/admin/stores"),
        ("get", "/admin/"),
    ],
)
def test_merchant_is_refused_and_nothing_changes(app, merchant_client, make_store, method, path):
    store_id = make_store(status=StoreStatus.pending)
    response = getattr(merchant_client, method)(path.format(id=store_id))
    assert response.status_code == 403
    assert status_of(app, store_id) is StoreStatus.pending


@pytest.mark.parametrize("path", ["/admin/stores/{id}/approve", "/admin/stores/{id}/suspend"])
def test_anonymous_is_sent_to_log_in(app, client, make_store, path):
    store_id = make_store(status=StoreStatus.pending)
    response = client.post(path.format(id=store_id))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert status_of(app, store_id) is StoreStatus.pending


def test_an_approval_racing_a_suspension_does_not_undo_it(
    app, admin_client, make_store, held_open_while
):
    """Suspend a pending store while an approval of it is on its way: the approval waits,
    then finds the store suspended (a suspended store is reinstated, not approved). Needs
    PostgreSQL to tell; on SQLite every writer takes the lock up front."""
    from rally.admin.operations import move_store

    store_id = make_store(status=StoreStatus.pending)

    def suspending():
        move_store(db.session.get(Store, store_id), "suspend")

    def approving():
        return admin_client.post(f"/admin/stores/{store_id}/approve").status_code

    _, approval = held_open_while(suspending, approving)
    assert approval == [303]  # refused, back to the list with the reason
    assert status_of(app, store_id) is StoreStatus.suspended
