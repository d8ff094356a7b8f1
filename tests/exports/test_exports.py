"""CSV exports open in Japanese Excel and cannot run formulas."""

import csv
import io
from datetime import datetime

import pytest

from rally.cards.models import Card, Stamp
from rally.exports.csvfile import BOM, csv_text, neutralise
from rally.extensions import db
from rally.stores.models import Store


def rows(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("dangerous", ["=1+1", "+81-3-1234", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_neutralised(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("value", ["三鷹青果", "Books", "a=b", 42, -3])
def test_ordinary_values_are_unchanged(value):
    assert neutralise(value) == str(value)


def test_file_starts_with_bom_and_uses_crlf():
    text = csv_text(["a", "b"], [["x", "=cmd"]])
    assert text.startswith("\ufeffa,b\r\n")
    assert "x,'=cmd\r\n" in text


def test_stores_export(app, admin_client, make_store):
    store_id = make_store(
        name_ja="三鷹青果",
        name_en='=HYPERLINK("http://evil")',
        name_ko="미타카 청과",
        phone="+81 422",
    )
    response = admin_client.get("/admin/exports/stores.csv", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "charset=utf-8" in response.content_type
    assert "attachment" in response.headers["Content-Disposition"]
    table = rows(response)
    # One column per site language, under a name that does not depend on the reader's.
    header = table[0]
    assert header[:6] == [
        "Store ID",
        "name_ja",
        "name_en",
        "name_zh_Hans",
        "name_zh_Hant",
        "name_ko",
    ]
    assert "address_zh_Hant" in header
    (row,) = [r for r in table[1:] if r[0] == str(store_id)]
    assert row[1:6] == ["三鷹青果", '\'=HYPERLINK("http://evil")', "", "", "미타카 청과"]
    assert row[header.index("Phone")] == "'+81 422"


def test_stamps_export_by_campaign(app, admin_client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    other_id, other_checkpoints = make_campaign()
    with app.app_context():
        for checkpoint_id in (checkpoints[0], checkpoints[1], other_checkpoints[0]):
            card = Card()
            db.session.add(card)
            db.session.flush()
            cp_campaign = campaign_id if checkpoint_id in checkpoints else other_id
            db.session.add(
                Stamp(card_id=card.id, checkpoint_id=checkpoint_id, campaign_id=cp_campaign)
            )
        db.session.commit()
    everything = rows(admin_client.get("/admin/exports/stamps.csv"))
    assert len(everything) == 1 + 3
    one = rows(admin_client.get(f"/admin/exports/stamps.csv?campaign={campaign_id}"))
    assert len(one) == 1 + 2 and {r[2] for r in one[1:]} == {str(campaign_id)}


def test_unknown_export(admin_client):
    assert admin_client.get("/admin/exports/passwords.csv").status_code == 404


@pytest.mark.parametrize("path", ["/admin/exports/", "/admin/exports/stores.csv"])
def test_exports_are_for_the_association_only(app, merchant_client, client, make_store, path):
    make_store()
    assert merchant_client.get(path).status_code == 403
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Store)) == 1


def test_redemptions_export_leaves_out_the_code(app, admin_client, make_campaign, make_store):
    from rally.campaigns.models import Campaign
    from rally.rewards.models import Claim

    campaign_id, _ = make_campaign()
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        cards = [Card(), Card()]
        db.session.add_all(cards)
        db.session.flush()
        db.session.add_all(
            [
                Claim(
                    card_id=cards[0].id,
                    tier_id=campaign.tiers[0].id,
                    campaign_id=campaign_id,
                    code="SECRETCODE000001",
                ),
                Claim(
                    card_id=cards[1].id,
                    tier_id=campaign.tiers[1].id,
                    campaign_id=campaign_id,
                    code="SECRETCODE000002",
                    redeemed_at=datetime(2030, 1, 1, 3, 0),
                    redeemed_store_id=campaign.checkpoints[0].store_id,
                ),
            ]
        )
        db.session.commit()
        second_number = cards[1].number
    response = admin_client.get(f"/admin/exports/redemptions.csv?campaign={campaign_id}")
    table = rows(response)
    assert len(table) == 1 + 2
    assert b"SECRETCODE" not in response.data
    handed_over = table[2]
    column = {name: i for i, name in enumerate(table[0])}
    assert handed_over[column["引き渡し日時"]] == "2030-01-01 12:00:00"  # Tokyo time
    assert handed_over[column["引き渡し店舗"]].startswith("テスト商店")
    assert table[1][column["引き渡し日時"]] == ""
    # The number staff type (with its check digit), and which time a repeating tier it was.
    assert handed_over[column["カード番号"]] == second_number
    assert handed_over[column["達成回数"]] == "1"


def test_stamps_export_shows_purchases_codes_and_staff(app, admin_client, make_campaign):
    from rally.auth.models import User
    from rally.campaigns.models import CheckpointCode

    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    with app.app_context():
        card = Card()
        code = CheckpointCode(checkpoint_id=checkpoint_id, label={"ja": "2番レジ", "en": "Till 2"})
        db.session.add_all([card, code])
        db.session.flush()
        staff = db.session.scalar(db.select(User))
        db.session.add(
            Stamp(
                card_id=card.id,
                checkpoint_id=checkpoint_id,
                campaign_id=campaign_id,
                count=2,
                points=2,
                code_id=code.id,
                granted_by_id=staff.id,
            )
        )
        db.session.commit()
        number, email = card.number, staff.email
    table = rows(admin_client.get(f"/admin/exports/stamps.csv?campaign={campaign_id}"))
    row = dict(zip(table[0], table[1], strict=True))
    assert row["カード番号"] == number
    assert (row["スタンプ数"], row["ポイント"]) == ("2", "2")
    assert (row["コード"], row["付与したスタッフ"]) == ("2番レジ", email)


def test_a_campaign_the_database_cannot_hold_is_no_filter(app, admin_client, make_campaign):
    """A hand-edited link: ``campaign=`` over the database's integer is a missing one."""
    make_campaign()
    response = admin_client.get(f"/admin/exports/stamps.csv?campaign={2**63}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
