"""A tier's stock is what is left: saving the campaign form never gives back what visitors
claimed while the form was open."""

import re

from sqlalchemy import update

from rally.campaigns.models import Campaign, RewardTier
from rally.extensions import db


def shown_form(admin_client, campaign_id):
    """The edit form's values as the browser would send them back."""
    html = admin_client.get(f"/admin/campaigns/{campaign_id}/edit").text
    return form_of(html)


def form_of(html):
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    data["stores"] = [
        re.search(r'value="(\d+)"', tag).group(1)
        for tag in re.findall(r'<input[^>]*name="stores"[^>]*>', html)
        if "checked" in tag
    ]
    data["qr_mode"] = "static"
    return data


def stocks(app, campaign_id):
    with app.app_context():
        return [tier.stock for tier in db.session.get(Campaign, campaign_id).tiers]


def set_stocks(app, campaign_id, *values):
    with app.app_context():
        for tier, value in zip(db.session.get(Campaign, campaign_id).tiers, values, strict=True):
            tier.stock = value
        db.session.commit()


def claim_meanwhile(app, campaign_id, count):
    """What claims do to the first tier while the admin's form is open."""
    with app.app_context():
        tier = db.session.get(Campaign, campaign_id).tiers[0]
        db.session.execute(
            update(RewardTier).where(RewardTier.id == tier.id).values(stock=tier.stock - count)
        )
        db.session.commit()


def save(admin_client, campaign_id, data):
    return admin_client.post(
        f"/admin/campaigns/{campaign_id}/edit", data=data, headers={"Accept-Language": "en"}
    )


def test_an_edit_keeps_what_was_claimed_meanwhile(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(tiers=(2, 3))
    set_stocks(app, campaign_id, 200, None)
    data = shown_form(admin_client, campaign_id)
    claim_meanwhile(app, campaign_id, 3)

    response = save(admin_client, campaign_id, dict(data, title_en="Typo fixed"))

    assert response.status_code == 303, response.text
    assert stocks(app, campaign_id) == [197, None]


def test_a_stock_the_admin_changes_is_saved(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(tiers=(2, 3))
    set_stocks(app, campaign_id, 200, None)
    data = shown_form(admin_client, campaign_id)
    data.update({"tiers-0-stock": "250", "tiers-1-stock": "40"})
    assert save(admin_client, campaign_id, data).status_code == 303
    assert stocks(app, campaign_id) == [250, 40]


def test_a_stock_changed_meanwhile_is_shown_then_saved_again(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(tiers=(2, 3))
    set_stocks(app, campaign_id, 200, 80)
    data = shown_form(admin_client, campaign_id)
    claim_meanwhile(app, campaign_id, 3)

    refused = save(admin_client, campaign_id, dict(data, **{"tiers-0-stock": "250"}))

    assert refused.status_code == 409
    assert 'data-code="stock_changed"' in refused.text
    assert "changed while you were editing: 197 left now" in refused.text
    assert stocks(app, campaign_id) == [197, 80]
    # The page keeps what the admin typed and now knows the stock left; sent again, it saves.
    again = form_of(refused.text)
    assert again["tiers-0-stock"] == "250" and again["tiers-0-stock_seen"] == "197"
    assert save(admin_client, campaign_id, again).status_code == 303
    assert stocks(app, campaign_id) == [250, 80]


def test_a_refused_edit_shows_the_stock_left_now(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(tiers=(2, 3))
    set_stocks(app, campaign_id, 200, None)
    data = shown_form(admin_client, campaign_id)
    claim_meanwhile(app, campaign_id, 5)
    # Refused for another reason: the form shown again must not carry the old 200 forward.
    refused = save(admin_client, campaign_id, dict(data, ends_at="2000-01-01T00:00"))
    assert refused.status_code == 400
    again = form_of(refused.text)
    assert again["tiers-0-stock"] == "195" and again["tiers-0-stock_seen"] == "195"
    assert save(admin_client, campaign_id, dict(again, ends_at=data["ends_at"])).status_code == 303
    assert stocks(app, campaign_id) == [195, None]


def test_the_stock_left_is_written_the_districts_way(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(tiers=(2, 3))
    set_stocks(app, campaign_id, 12000, None)
    data = shown_form(admin_client, campaign_id)
    claim_meanwhile(app, campaign_id, 1)
    refused = save(admin_client, campaign_id, dict(data, **{"tiers-0-stock": "20000"}))
    assert "11,999 left now" in refused.text
