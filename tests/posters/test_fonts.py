"""The fonts shipped in rally/posters/fonts print the five languages' scripts: a Chinese or
Korean poster embeds a font that has its characters, and a stamp with a Korean or Chinese
name shows glyphs, not empty boxes."""

import io
import subprocess

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from rally.campaigns.models import Checkpoint
from rally.designs.operations import _hanko, hanko_png
from rally.extensions import db
from rally.posters.render import (
    CJK_FONT,
    JAPANESE_FONT,
    PosterText,
    _draw_pdf_page,
    _new_pdf,
    font_path,
    has_glyphs,
    layout,
)

POSTERS = {
    "zh_Hans": PosterText(
        lang="zh_Hans",
        district="三鹰站前商店街",
        title="春季集章活动",
        store="饺子馆 三鹰店",
        instruction="用手机相机扫描二维码即可集章。",
        footer="无需下载应用",
        url="http://rally.test/s/1",
    ),
    "zh_Hant": PosterText(
        lang="zh_Hant",
        district="三鷹站前商店街",
        title="春季集章活動",
        store="餃子館 三鷹店",
        instruction="用手機相機掃描二維碼即可集章。",
        footer="無需下載應用程式",
        url="http://rally.test/s/1",
    ),
    "ko": PosterText(
        lang="ko",
        district="미타카역 상점가",
        title="봄 스탬프 랠리",
        store="김밥천국 미타카점",
        instruction="휴대폰 카메라로 QR 코드를 스캔하여 스탬프를 모으세요.",
        footer="앱 설치 필요 없음",
        url="http://rally.test/s/1",
    ),
}


def run(tool: str, pdf: bytes, tmp_path) -> str:
    source = tmp_path / "poster.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        [tool, str(source), "-"] if tool == "pdftotext" else [tool, str(source)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def poster(text: PosterText) -> bytes:
    buffer = io.BytesIO()
    pdf = _new_pdf(buffer, text.title)
    _draw_pdf_page(pdf, layout(text))
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize("lang", sorted(POSTERS))
def test_a_chinese_or_korean_poster_prints_its_characters_in_an_embedded_font(ctx, tmp_path, lang):
    text = POSTERS[lang]
    pdf = poster(text)
    extracted = run("pdftotext", pdf, tmp_path)
    for said in (text.district, text.title, text.store, text.footer):
        assert said in extracted
    # reportlab declares its initial font, Helvetica, in every PDF; nothing is drawn in it.
    fonts = [
        line.split()
        for line in run("pdffonts", pdf, tmp_path).splitlines()[2:]
        if not line.startswith("Helvetica ")
    ]
    assert [font[0].split("+")[1] for font in fonts] == ["WenQuanYiMicroHei-0"]
    for _name, kind, _encoding, emb, sub, uni, *_ in fonts:
        assert (kind, emb, sub, uni) == ("TrueType", "yes", "yes", "yes")


def test_japanese_and_english_keep_ipaex_gothic(ctx):
    assert font_path("ja") == font_path("en") == font_path() == JAPANESE_FONT
    assert font_path("ko") == font_path("zh_Hans") == font_path("zh_Hant") == CJK_FONT


def test_a_text_the_language_font_lacks_takes_the_cjk_font(ctx):
    assert not has_glyphs(JAPANESE_FONT, "김밥")
    assert not has_glyphs(JAPANESE_FONT, "饺子")  # Simplified forms Japanese does not use
    assert font_path("ja", "김밥천국") == CJK_FONT
    assert font_path("ja", "三鷹のパン屋") == JAPANESE_FONT
    assert has_glyphs(CJK_FONT, "김밥천국 饺子館 三鷹のパン屋 Bakery")


def test_a_japanese_poster_prints_a_korean_shop_name(ctx, tmp_path):
    text = PosterText(
        lang="ja",
        district="三鷹駅前商店街",
        title="春のスタンプラリー",
        store="김밥천국",
        instruction="スマホのカメラでQRコードを読み取ってください。",
        footer="アプリ不要",
        url="http://rally.test/s/1",
    )
    extracted = run("pdftotext", poster(text), tmp_path)
    assert "김밥천국" in extracted and "春のスタンプラリー" in extracted


def glyph(face: ImageFont.FreeTypeFont, char: str) -> bytes:
    image = Image.new("L", (96, 96))
    ImageDraw.Draw(image).text((16, 16), char, font=face, fill=255)
    return image.tobytes()


def ink(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGBA")


@pytest.mark.parametrize("name", ["김밥천국", "饺子馆", "餃子館"])
def test_a_stamp_with_a_korean_or_chinese_name_shows_glyphs(app, make_campaign, name):
    _, checkpoints = make_campaign(stores=1)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.name = {"ja": name}
        db.session.commit()
        stamp = ink(hanko_png(checkpoint))
        font = font_path(text=name)
        # Each character has its own glyph, not the font's missing-glyph box.
        face = ImageFont.truetype(font, 64)
        missing = glyph(face, "\U000f0000")
        for char in name:
            assert glyph(face, char) != missing, char
        # The same seal drawn with missing glyphs only (boxes) looks different.
        boxes = ink(_hanko(checkpoint.id, "\U000f0000" * len(name), font))
        assert ImageChops.difference(stamp, boxes).getbbox() is not None
