"""Paper stamp cards on A4 sheets for the print shop: eight cards a page, dashed cut lines.

Each card carries its number in large type (staff type it at the register) and a QR code of
its open link (the visitor opens the card on a phone later). Reuses the posters' font and
QR drawing (:mod:`rally.posters.render`): the same embedded Japanese TrueType font.
"""

import io

from flask import current_app
from flask_babel import force_locale
from reportlab.lib.pagesizes import A4

from rally.i18n import _
from rally.posters.render import (
    ACCENT,
    INK,
    MUTED,
    Qr,
    _draw_pdf_qr,
    _fit,
    _new_pdf,
    _register_font,
    _rgb,
    font_path,
    qr_matrix,
    wrap,
)

from .operations import open_url

PAGE_WIDTH, PAGE_HEIGHT = A4
COLUMNS, ROWS = 2, 4
CARD_WIDTH, CARD_HEIGHT = PAGE_WIDTH / COLUMNS, PAGE_HEIGHT / ROWS
PADDING = 18
QR_SIZE = 124
CARDS_PER_PAGE = COLUMNS * ROWS


def _texts() -> dict:
    """The printed texts: a card is bilingual, whatever language the organizer browses in."""
    config = current_app.config
    district = [config["RALLY_DISTRICT_NAME_JA"], config["RALLY_DISTRICT_NAME_EN"]]
    texts = {"district": list(dict.fromkeys(district)), "heading": {}, "instruction": {}}
    for lang in ("ja", "en"):
        with force_locale(lang):
            texts["heading"][lang] = _("Paper stamp card")
            texts["instruction"][lang] = _(
                "Show this card to the shop staff when you pay. Scan the QR code to open "
                "the card on your phone."
            )
    return texts


def _text(pdf, x: float, top: float, size: float, text: str, color=INK) -> None:
    """Left-aligned text with its baseline ``top`` points from the top of the page."""
    pdf.setFillColorRGB(*_rgb(color))
    pdf.setFont(_register_font(font_path()), size)
    pdf.drawString(x, PAGE_HEIGHT - top, text)


def _draw_card(pdf, card, column: int, row: int, texts: dict) -> None:
    left = column * CARD_WIDTH + PADDING
    top = row * CARD_HEIGHT + PADDING
    inner_width = CARD_WIDTH - 2 * PADDING
    text_width = inner_width - QR_SIZE - 10

    y = top + 10
    for name in texts["district"]:
        size, lines = _fit(name, 9, 6, text_width, 1)
        _text(pdf, left, y, size, lines[0], MUTED)
        y += 12
    y += 8
    _text(pdf, left, y, 14, texts["heading"]["ja"])
    y += 14
    _text(pdf, left, y, 10, texts["heading"]["en"], MUTED)
    y += 26
    _text(pdf, left, y, 10, "No.", MUTED)
    y += 26
    _text(pdf, left, y, 24, card.display_number, ACCENT)

    _draw_pdf_qr(pdf, Qr(left + inner_width - QR_SIZE, top - 6, QR_SIZE, qr_matrix(open_url(card))))

    y = top + QR_SIZE + 8
    for lang, size in (("ja", 7.5), ("en", 7)):
        for line in wrap(texts["instruction"][lang], size, inner_width)[:2]:
            y += size * 1.35
            _text(pdf, left, y, size, line)


def _draw_cut_lines(pdf) -> None:
    pdf.setStrokeColorRGB(*_rgb(MUTED))
    pdf.setLineWidth(0.4)
    pdf.setDash(4, 3)
    for column in range(1, COLUMNS):
        pdf.line(column * CARD_WIDTH, 0, column * CARD_WIDTH, PAGE_HEIGHT)
    for row in range(1, ROWS):
        pdf.line(0, row * CARD_HEIGHT, PAGE_WIDTH, row * CARD_HEIGHT)
    pdf.setDash()


def paper_cards_pdf(cards) -> bytes:
    """``cards`` on A4 pages, eight a page in two columns, with dashed cut lines."""
    _register_font(font_path())
    texts = _texts()
    buffer = io.BytesIO()
    pdf = _new_pdf(buffer, "Paper stamp cards")
    for start in range(0, len(cards), CARDS_PER_PAGE):
        _draw_cut_lines(pdf)
        for index, card in enumerate(cards[start : start + CARDS_PER_PAGE]):
            _draw_card(pdf, card, index % COLUMNS, index // COLUMNS, texts)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
