"""Posters: printed at A4, their QR codes read back to the checkpoint's stamp URL."""

import io
import subprocess

import pytest
import zxingcpp
from PIL import Image

from rally.campaigns.models import Checkpoint
from rally.extensions import db
from rally.i18n.languages import DEFAULT_LANGUAGES
from rally.posters.render import poster_text, wrap
from rally.stamping.tokens import stamp_url


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def pdf_pages_as_png(pdf: bytes, tmp_path, dpi=100) -> list[bytes]:
    """Render every page as a printer would see it (pdftoppm from poppler-utils)."""
    source = tmp_path / "poster.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True
    )
    return [path.read_bytes() for path in sorted(tmp_path.glob("page-*.png"))]


def pdf_text(pdf: bytes, tmp_path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout


def url_of(app, checkpoint_id):
    with app.app_context():
        return stamp_url(db.session.get(Checkpoint, checkpoint_id))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pdf_poster_decodes_to_the_stamp_url(app, admin_client, make_campaign, tmp_path, lang):
    _, checkpoints = make_campaign()
    response = admin_client.get(f"/posters/checkpoints/{checkpoints[1]}/poster-{lang}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages = pdf_pages_as_png(response.data, tmp_path)
    assert len(pages) == 1
    assert Image.open(io.BytesIO(pages[0])).size == (827, 1170)  # A4 at 100 dpi
    assert decode(pages[0]) == url_of(app, checkpoints[1])


def test_pdf_poster_embeds_a_japanese_font(app, admin_client, make_campaign, tmp_path):
    _, checkpoints = make_campaign()
    pdf = admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-ja.pdf").data
    assert b"/FontFile2" in pdf  # the TrueType font program travels inside the file
    text = pdf_text(pdf, tmp_path)
    assert "歳末スタンプラリー" in text
    assert "テスト商店" in text


def test_english_poster_is_in_english(app, admin_client, make_campaign, tmp_path):
    _, checkpoints = make_campaign()
    pdf = admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-en.pdf").data
    text = pdf_text(pdf, tmp_path)
    assert "Year-End Stamp Rally" in text and "Test Shop" in text
    assert "Scan this QR code" in text


@pytest.mark.parametrize("lang", DEFAULT_LANGUAGES)
def test_png_poster_decodes_to_the_stamp_url(app, admin_client, make_campaign, lang):
    _, checkpoints = make_campaign()
    response = admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-{lang}.png")
    assert response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1240, 1754)  # A4 at 150 dpi
    assert decode(response.data) == url_of(app, checkpoints[0])


def test_all_posters_one_page_per_checkpoint_per_language(
    app, admin_client, make_campaign, tmp_path
):
    campaign_id, checkpoints = make_campaign(stores=3)
    response = admin_client.get(f"/admin/campaigns/{campaign_id}/posters.pdf")
    assert response.mimetype == "application/pdf"
    pages = pdf_pages_as_png(response.data, tmp_path, dpi=72)
    assert len(pages) == len(DEFAULT_LANGUAGES) * len(checkpoints)
    # Each checkpoint's page in every site language, one after the other, the same code.
    decoded = [decode(page) for page in pages]
    assert len(set(decoded[: len(DEFAULT_LANGUAGES)])) == 1
    assert set(decoded) == {url_of(app, cp) for cp in checkpoints}


def test_all_posters_leave_out_a_suspended_store(app, admin_client, make_campaign, tmp_path):
    """Its code gives nothing (the visitor's scan is refused): the print shop gets no page."""
    from rally.stores.models import StoreStatus

    campaign_id, checkpoints = make_campaign(stores=3)
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[1]).store.status = StoreStatus.suspended
        db.session.commit()
    response = admin_client.get(f"/admin/campaigns/{campaign_id}/posters.pdf")
    pages = pdf_pages_as_png(response.data, tmp_path, dpi=72)
    assert len(pages) == len(DEFAULT_LANGUAGES) * 2
    assert {decode(page) for page in pages} == {
        url_of(app, checkpoints[0]),
        url_of(app, checkpoints[2]),
    }


def test_rotated_key_changes_the_poster(app, admin_client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    before = decode(admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-en.png").data)
    admin_client.post(f"/admin/campaigns/{campaign_id}/checkpoints/{checkpoints[0]}/rotate")
    after = decode(admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-en.png").data)
    assert before != after and after == url_of(app, checkpoints[0])


def test_store_owner_gets_its_own_posters(app, make_campaign, make_user, auth):
    campaign_id, checkpoints = make_campaign()
    owner = make_user()
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[0]).store.owner_id = owner.id
        db.session.commit()
    client = auth.new_client(owner.email)
    assert client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-ja.pdf").status_code == 200
    assert client.get(f"/posters/checkpoints/{checkpoints[1]}/poster-ja.pdf").status_code == 403
    assert client.get(f"/admin/campaigns/{campaign_id}/posters.pdf").status_code == 403
    listing = client.get("/posters/").get_data(True)
    assert f"/posters/checkpoints/{checkpoints[0]}/poster-ja.pdf" in listing
    assert f"/posters/checkpoints/{checkpoints[1]}/" not in listing


def test_a_merchants_posters_page(app, make_campaign, make_user, auth):
    _, checkpoints = make_campaign(stores=21)
    owner = make_user()
    with app.app_context():
        for checkpoint_id in checkpoints:
            db.session.get(Checkpoint, checkpoint_id).store.owner_id = owner.id
        db.session.commit()
    client = auth.new_client(owner.email)
    english = {"Accept-Language": "en"}
    first = client.get("/posters/", headers=english).get_data(True)
    second = client.get("/posters/?page=2", headers=english).get_data(True)
    assert first.count("/poster-ja.pdf") == 20 and 'rel="next" href="/posters/?page=2"' in first
    assert second.count("/poster-ja.pdf") == 1 and "Page 2 of 2" in second
    assert f"/posters/checkpoints/{checkpoints[-1]}/poster-ja.pdf" in second


def test_anonymous_gets_no_poster(client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    for path in (
        f"/posters/checkpoints/{checkpoints[0]}/poster-ja.pdf",
        f"/admin/campaigns/{campaign_id}/posters.pdf",
        "/posters/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_unknown_language_or_format(admin_client, make_campaign):
    _, checkpoints = make_campaign()
    assert (
        admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-fr.pdf").status_code == 404
    )
    assert (
        admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-ja.gif").status_code == 404
    )


def test_long_japanese_titles_wrap_between_characters(ctx):
    from rally.posters.render import _register_font, font_path

    _register_font(font_path())
    lines = wrap("三鷹駅前商店街" * 6, 30, 300)
    assert len(lines) > 1 and "".join(lines) == "三鷹駅前商店街" * 6


def test_english_wraps_at_spaces(ctx):
    from rally.posters.render import _register_font, font_path

    _register_font(font_path())
    lines = wrap("Scan this QR code with your phone's camera to collect the stamp.", 20, 200)
    assert all(not line.startswith(" ") for line in lines)
    assert " ".join(lines) == "Scan this QR code with your phone's camera to collect the stamp."


def test_no_printed_poster_for_a_tablet_campaign(admin_client, make_campaign):
    from rally.campaigns.models import QrMode

    campaign_id, checkpoints = make_campaign(qr_mode=QrMode.rotating)
    assert (
        admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-ja.pdf").status_code == 404
    )
    assert admin_client.get(f"/admin/campaigns/{campaign_id}/posters.pdf").status_code == 404


def test_a_merchant_finds_the_counter_tablet_of_a_tablet_campaign(
    app, make_campaign, make_user, auth
):
    from rally.campaigns.models import QrMode

    _, printed = make_campaign(stores=1)
    _, rotating = make_campaign(stores=1, qr_mode=QrMode.rotating)
    owner = make_user()
    with app.app_context():
        for checkpoint_id in (printed[0], rotating[0]):
            db.session.get(Checkpoint, checkpoint_id).store.owner_id = owner.id
        db.session.commit()
    client = auth.new_client(owner.email)
    page = client.get("/posters/", headers={"Accept-Language": "en"}).get_data(True)
    assert f'href="/checkpoints/{rotating[0]}/tablet"' in page
    assert f"/posters/checkpoints/{rotating[0]}/" not in page  # no poster: it would be refused
    assert f'href="/checkpoints/{rotating[0]}/pin"' in page
    assert f"/posters/checkpoints/{printed[0]}/poster-ja.pdf" in page
    assert client.get(f"/checkpoints/{rotating[0]}/tablet").status_code == 200


def test_japanese_prefers_to_break_after_a_comma(ctx):
    from rally.posters.render import _register_font, _width, font_path

    _register_font(font_path())
    text = "スマホのカメラでQRコードを読み取って、スタンプをゲット！"
    width = _width("スマホのカメラでQRコードを読み取って、スタン", 20)
    assert wrap(text, 20, width) == ["スマホのカメラでQRコードを読み取って、", "スタンプをゲット！"]


@pytest.mark.parametrize("lang", DEFAULT_LANGUAGES)
def test_poster_texts_are_in_the_posters_language(app, make_campaign, lang):
    """Each language's poster says how to collect the stamp in its language (its catalog's
    words), whatever language the person printing it reads."""
    from tests.i18n.catalogs import translated

    _, checkpoints = make_campaign()
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        text = poster_text(db.session.get(Checkpoint, checkpoints[0]), lang)
    assert text.lang == lang
    wanted = "Scan this QR code with your phone's camera to collect the stamp."
    assert text.instruction == translated(lang, wanted)
    assert text.district  # the district has a name in every language (English's at least)
