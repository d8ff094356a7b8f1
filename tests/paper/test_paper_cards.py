"""Paper cards: printed in numbered batches, their QR opens the card on a phone."""

import io
import re
import subprocess

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.cards.models import Card
from rally.extensions import db
from rally.paper import operations

EN = {"Accept-Language": "en"}


def full_width(text: str) -> str:
    """``text`` as a Japanese phone's keyboard types it: ASCII becomes full-width."""
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def create(admin_client, number):
    response = admin_client.post("/admin/paper-cards", data={"number": number})
    assert response.status_code == 303
    page = admin_client.get(response.headers["Location"])
    match = re.search(r'data-testid="paper-pdf" href="([^"]+)"', page.get_data(as_text=True))
    return match.group(1).replace("&amp;", "&")


def pdf_pages(pdf: bytes, tmp_path, dpi=150) -> list[bytes]:
    source = tmp_path / "cards.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True
    )
    return [path.read_bytes() for path in sorted(tmp_path.glob("page-*.png"))]


def open_paths(png: bytes) -> list[str]:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert all(r.format == zxingcpp.BarcodeFormat.QRCode for r in results)
    paths = []
    for result in results:
        assert result.text.startswith("http://rally.test/card/open/")
        paths.append(result.text.removeprefix("http://rally.test"))
    return paths


def test_pdf_has_eight_cards_a_page_whose_codes_open_them(app, admin_client, tmp_path):
    pdf_url = create(admin_client, 10)
    response = admin_client.get(pdf_url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data, tmp_path)
    assert len(pages) == 2
    first, second = open_paths(pages[0]), open_paths(pages[1])
    assert (len(first), len(second)) == (8, 2)
    with app.test_request_context():
        cards = list(db.session.scalars(select(Card).order_by(Card.id)))
        assert len(cards) == 10 and all(card.paper for card in cards)
        assert {operations.card_from_token(p.rsplit("/", 1)[1]).id for p in first + second} == {
            card.id for card in cards
        }
        numbers = [card.number for card in cards]
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "cards.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert all(f"{n[:-1]}-{n[-1]}" in text for n in numbers)
    assert "紙のスタンプカード" in text and "Paper stamp card" in text


def test_scanned_paper_card_opens_on_a_phone(app, admin_client, client, make_campaign, tmp_path):
    campaign_id, _ = make_campaign(stores=1)
    pages = pdf_pages(admin_client.get(create(admin_client, 1)).data, tmp_path)
    [path] = open_paths(pages[0])
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/card")
    with app.app_context():
        number = db.session.scalar(select(Card)).display_number
    assert number in client.get(f"/card/{campaign_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("number", "japanese", "english"),
    [
        (0, "1から500までの数を入力してください。", "Enter a number from 1 to 500."),
        (501, "1から500までの数を入力してください。", "Enter a number from 1 to 500."),
        (
            "forty",
            "「紙のカードの枚数」には整数を入力してください。",
            "Please enter a whole number for “Number of paper cards”.",
        ),
    ],
)
def test_batch_size_is_refused_with_the_input_kept(app, admin_client, number, japanese, english):
    for headers, message in (({}, japanese), (EN, english)):
        response = admin_client.post("/admin/paper-cards", data={"number": number}, headers=headers)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert f'value="{number}"' in html and message in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == 0


def test_only_the_association_prints_cards(app, client, make_user, auth):
    assert client.get("/admin/paper-cards").status_code == 302
    merchant = auth.new_client(make_user(role=Role.merchant))
    assert merchant.get("/admin/paper-cards").status_code == 403
    assert merchant.post("/admin/paper-cards", data={"number": 5}).status_code == 403


def test_forged_token_is_not_found(client):
    assert client.get("/card/open/not-a-token").status_code == 404
    assert client.get("/card/open/ImFiYyI.forged").status_code == 404


def paper_path(app):
    with app.test_request_context():
        card = operations.create_paper_cards(1)[0]
        db.session.commit()
        return operations.open_url(card).removeprefix("http://rally.test"), card.id


def test_phone_without_stamps_takes_the_paper_card(app, client):
    path, card_id = paper_path(app)
    response = client.get(path)
    assert response.status_code == 303 and "Set-Cookie" in response.headers
    assert client.get(path).status_code == 303  # opening it again changes nothing


def test_replacing_a_phone_card_with_stamps_asks_first(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=1)
    assert client.get(stamp_path(checkpoints[0])).status_code == 303  # the phone's own stamp
    path, paper_id = paper_path(app)

    page = client.get(path, headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "replaces it here" in html and '<form method="post"' in html
    # The GET kept the phone's card: its stamp is still shown.
    assert "Set-Cookie" not in page.headers

    with app.app_context():
        number = db.session.get(Card, paper_id).display_number
    assert number not in client.get(f"/card/{campaign_id}").get_data(as_text=True)

    confirmed = client.post(path)
    assert confirmed.status_code == 303
    assert number in client.get(f"/card/{campaign_id}").get_data(as_text=True)
    # Now the paper card is the phone's card: opening it again asks nothing.
    assert client.get(path).status_code == 303


def test_paper_card_number_at_the_register(app, make_user, make_campaign, auth):
    from rally.campaigns.models import CampaignKind

    _, checkpoints = make_campaign(
        stores=1, kind=CampaignKind.purchase, yen_per_stamp=500, max_stamps_per_purchase=2
    )
    admin = auth.new_client(make_user(role=Role.admin))
    path, paper_id = paper_path(app)
    # Staff scan the paper card's QR instead of typing: the register finds the card.
    page = admin.get(
        f"/register/{checkpoints[0]}", query_string={"code": "http://rally.test" + path}
    )
    assert page.status_code == 200
    assert 'data-testid="card-found"' in page.get_data(as_text=True)


def test_a_batch_past_any_card_id_is_empty(app, admin_client):
    """A hand-edited link: card ids over the database's integer name no card."""
    create(admin_client, 2)
    batch = f"first={2**63}&last={2**63 + 1}"
    assert admin_client.get(f"/admin/paper-cards?{batch}").status_code == 200
    assert admin_client.get(f"/admin/paper-cards/cards.pdf?{batch}").status_code == 404


def test_every_printed_batch_can_be_printed_again(app, admin_client, monkeypatch):
    """Batches are runs of paper card numbers: phones' cards in between cut them, and a run
    longer than one PDF is offered in pieces."""
    monkeypatch.setattr(operations, "MAX_BATCH", 4)
    create(admin_client, 3)
    with app.app_context():
        db.session.add(Card())  # a phone's card between two batches
        db.session.commit()
    create(admin_client, 2)
    create(admin_client, 4)  # right after the previous batch: one run of 6
    html = admin_client.get("/admin/paper-cards", headers=EN).get_data(as_text=True)
    section = html[html.index('data-testid="printed-runs"') :]
    links = re.findall(r'href="(/admin/paper-cards/cards\.pdf\?[^"]+)"', section)
    with app.app_context():
        ids = sorted(db.session.scalars(select(Card.id).where(Card.paper.is_(True))))
    first_batch, later = ids[:3], ids[3:]
    expected = [(later[4], later[5]), (later[0], later[3]), (first_batch[0], first_batch[2])]
    assert [link.replace("&amp;", "&") for link in links] == [
        f"/admin/paper-cards/cards.pdf?first={first}&last={last}" for first, last in expected
    ]
    assert "(2 cards)" in section and "(4 cards)" in section and "(3 cards)" in section
    for link in links:
        assert admin_client.get(link.replace("&amp;", "&")).status_code == 200


def test_no_paper_cards_yet(admin_client):
    html = admin_client.get("/admin/paper-cards", headers=EN).get_data(as_text=True)
    assert "No paper cards yet." in html


def test_a_paper_card_moved_to_another_phone_still_opens_from_its_print(app):
    path, card_id = paper_path(app)
    first, second, third = app.test_client(), app.test_client(), app.test_client()
    assert first.get(path).status_code == 303
    page = first.post("/card/keep", headers={"Accept-Language": "en"}).text
    code = page.split('data-testid="transfer-code">', 1)[1].split("<", 1)[0]
    assert second.post("/card/receive", data={"code": code}).status_code == 303
    # The printed QR code still opens the card (and staff still scan it at the register).
    assert third.get(path).status_code == 303
    with app.app_context():
        assert operations.card_from_token(path.rsplit("/", 1)[1]).id == card_id


def test_paper_card_number_typed_in_full_width_at_the_register(app, make_user, make_campaign, auth):
    _, checkpoints = make_campaign(stores=1)
    admin = auth.new_client(make_user(role=Role.admin))
    _, paper_id = paper_path(app)
    with app.app_context():
        number = db.session.get(Card, paper_id).display_number
    page = admin.get(f"/register/{checkpoints[0]}", query_string={"code": full_width(number)})
    assert page.status_code == 200
    assert 'data-testid="card-found"' in page.text
