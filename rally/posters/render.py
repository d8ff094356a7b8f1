"""A4 checkpoint posters, Japanese and English, as PDF (reportlab) and PNG (Pillow).

One layout, computed in PostScript points from the top of the page, is drawn by two
backends, so the PDF and the PNG look alike. Japanese needs a real CJK font embedded in the
PDF: IPAexGothic, a TrueType font shipped by the ``japanize-matplotlib`` package from PyPI
(reportlab embeds only TrueType outlines, not the CFF outlines of Noto CJK's OTF files).
``RALLY_POSTER_FONT`` may name another TrueType file.

The QR code is drawn as vector squares in the PDF (sharp at any print size) and with
whole-pixel modules in the PNG, each module about 2.8 mm on paper: phones read it from a
metre away.
"""

import importlib.util
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import qrcode
from flask import current_app
from flask_babel import force_locale
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from rally.i18n import _, district_name, site_languages
from rally.stamping.tokens import stamp_url

FONT_NAME = "RallyPosterFont"
PAGE_WIDTH, PAGE_HEIGHT = A4  # points
MARGIN = 42
PNG_DPI = 150
INK = (31, 35, 40)
ACCENT = (179, 38, 30)
MUTED = (87, 96, 106)
WHITE = (255, 255, 255)


class PosterFontMissing(RuntimeError):
    """No TrueType font with Japanese glyphs could be found."""


def font_path() -> str:
    """The TrueType file used for every poster (``RALLY_POSTER_FONT`` or IPAexGothic)."""
    configured = current_app.config.get("RALLY_POSTER_FONT")
    if configured:
        return configured
    # Locate the font without importing the package (importing it loads matplotlib).
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise PosterFontMissing(
            "Install japanize-matplotlib (pip install -e .) or set RALLY_POSTER_FONT."
        )
    return os.path.join(spec.submodule_search_locations[0], "fonts", "ipaexg.ttf")


@lru_cache(maxsize=4)
def _register_font(path: str) -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, path))
    return FONT_NAME


@lru_cache(maxsize=64)
def _pil_font(path: str, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, pixels)


@lru_cache(maxsize=1024)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules for ``data``, quiet zone included. Cached: building it is the cost."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


# --- Layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    center_x: float
    baseline: float  # from the top of the page
    size: float
    text: str
    color: tuple[int, int, int] = INK


@dataclass(frozen=True)
class Box:
    x: float
    top: float
    width: float
    height: float
    color: tuple[int, int, int]


@dataclass(frozen=True)
class Qr:
    x: float
    top: float
    size: float
    matrix: tuple[tuple[bool, ...], ...]


@dataclass(frozen=True)
class PosterText:
    """Everything a poster says, in one language."""

    lang: str
    district: str
    title: str
    store: str
    instruction: str
    footer: str
    url: str


def poster_text(checkpoint, lang: str) -> PosterText:
    """The texts of ``checkpoint``'s poster in ``lang`` (a site language)."""
    campaign, store = checkpoint.campaign, checkpoint.place
    with force_locale(lang):
        instruction = _("Scan this QR code with your phone's camera to collect the stamp.")
        footer = _(
            "No app needed · Poster %(checkpoint)d-%(version)d",
            checkpoint=checkpoint.id,
            version=checkpoint.key_version,
        )
    return PosterText(
        lang=lang,
        district=district_name(lang),
        title=campaign.tr("title", lang),
        store=store.tr("name", lang),
        instruction=instruction,
        footer=footer,
        url=stamp_url(checkpoint),
    )


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT_NAME, size)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: at spaces where there are some
    (English, Korean), else after a Japanese or Chinese comma or full stop in the line's
    second half, else between any two characters (Japanese and Chinese have no spaces)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if not line or _width(line + char, size) <= width:
                line += char
                continue
            cut = line.rfind(" ")
            mark = max(line.rfind(stop) for stop in "、。，")  # "，": Chinese's comma
            if cut > 0 and not char.isspace():
                lines.append(line[:cut])
                line = line[cut + 1 :] + char
            elif mark >= len(line) // 2:
                lines.append(line[: mark + 1])
                line = line[mark + 1 :] + char
            else:
                lines.append(line.rstrip())
                line = char.lstrip()
        lines.append(line)
    return lines


def _fit(text: str, size: float, smallest: float, width: float, max_lines: int):
    """The largest size from ``size`` down to ``smallest`` at which ``text`` fits."""
    while True:
        lines = wrap(text, size, width)
        if len(lines) <= max_lines or size <= smallest:
            return size, lines[:max_lines]
        size -= 2


def layout(text: PosterText, label: str | None = None) -> list:
    """The drawing operations of one A4 poster, in points from the top-left corner.

    :param label: the name of a further code of the checkpoint ("Till 2"), printed under the
        shop's name; the title then keeps to two lines and the QR code is a little smaller,
        so that everything still fits on the page.
    """
    _register_font(font_path())
    width = PAGE_WIDTH - 2 * MARGIN
    center = PAGE_WIDTH / 2
    ops: list = [Box(0, 0, PAGE_WIDTH, 64, ACCENT)]
    district_size, district_lines = _fit(text.district, 18, 10, width, 1)
    ops.append(Text(center, 40, district_size, district_lines[0], WHITE))

    y = 64 + 30
    size, lines = _fit(text.title, 34, 16, width, 3 if label is None else 2)
    for line in lines:
        y += size * 1.25
        ops.append(Text(center, y, size, line))

    y += 22 if label is None else 20
    size, lines = _fit(text.store, 30, 14, width, 2)
    for line in lines:
        y += size * 1.25
        ops.append(Text(center, y, size, line, ACCENT))

    qr_size, qr_gap = 360, 24
    if label is not None:
        y += 6
        size, lines = _fit(label, 22, 12, width, 1)
        y += size * 1.25
        ops.append(Text(center, y, size, lines[0], MUTED))
        qr_size, qr_gap = 320, 20
    qr_top = y + qr_gap
    ops.append(Qr(center - qr_size / 2, qr_top, qr_size, qr_matrix(text.url)))

    y = qr_top + qr_size + 14
    size, lines = _fit(text.instruction, 20, 12, width, 3)
    for line in lines:
        y += size * 1.3
        ops.append(Text(center, y, size, line))

    ops.append(Text(center, PAGE_HEIGHT - MARGIN, 10, text.footer, MUTED))
    return ops


# --- PDF ------------------------------------------------------------------------------------


def _rgb(color: tuple[int, int, int]) -> tuple[float, float, float]:
    return tuple(part / 255 for part in color)


def _draw_pdf_page(pdf: canvas.Canvas, ops: Iterable) -> None:
    for op in ops:
        if isinstance(op, Box):
            pdf.setFillColorRGB(*_rgb(op.color))
            pdf.rect(op.x, PAGE_HEIGHT - op.top - op.height, op.width, op.height, stroke=0, fill=1)
        elif isinstance(op, Text):
            pdf.setFillColorRGB(*_rgb(op.color))
            pdf.setFont(FONT_NAME, op.size)
            pdf.drawCentredString(op.center_x, PAGE_HEIGHT - op.baseline, op.text)
        elif isinstance(op, Qr):
            _draw_pdf_qr(pdf, op)
    pdf.showPage()


def _draw_pdf_qr(pdf: canvas.Canvas, qr: Qr) -> None:
    module = qr.size / len(qr.matrix)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(qr.x, PAGE_HEIGHT - qr.top - qr.size, qr.size, qr.size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    path = pdf.beginPath()
    for row_index, row in enumerate(qr.matrix):
        top = PAGE_HEIGHT - qr.top - (row_index + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            # One rectangle per run of dark modules: a smaller file, no hairline seams.
            path.rect(qr.x + start * module, top, (column - start) * module, module)
    pdf.drawPath(path, stroke=0, fill=1)


def _new_pdf(buffer: io.BytesIO, title: str) -> canvas.Canvas:
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("Rally")
    return pdf


def poster_pdf(checkpoint, lang: str) -> bytes:
    """One A4 page: ``checkpoint``'s poster in ``lang``."""
    text = poster_text(checkpoint, lang)
    buffer = io.BytesIO()
    pdf = _new_pdf(buffer, f"{text.title} – {text.store}")
    _draw_pdf_page(pdf, layout(text))
    pdf.save()
    return buffer.getvalue()


def campaign_posters_pdf(campaign, checkpoints) -> bytes:
    """All posters of a campaign for the print shop: for each checkpoint in the given order,
    a page in each site language, Japanese first."""
    buffer = io.BytesIO()
    pdf = _new_pdf(buffer, campaign.tr("title"))
    for checkpoint in checkpoints:
        for lang in site_languages():
            _draw_pdf_page(pdf, layout(poster_text(checkpoint, lang)))
    pdf.save()
    return buffer.getvalue()


# --- PNG ------------------------------------------------------------------------------------


def poster_png(checkpoint, lang: str, dpi: int = PNG_DPI) -> bytes:
    """``checkpoint``'s poster in ``lang`` as an A4 PNG at ``dpi`` (150: 1240 × 1754 px)."""
    text = poster_text(checkpoint, lang)
    ops = layout(text)
    scale = dpi / 72
    path = font_path()
    image = Image.new("RGB", (round(PAGE_WIDTH * scale), round(PAGE_HEIGHT * scale)), WHITE)
    draw = ImageDraw.Draw(image)
    for op in ops:
        if isinstance(op, Box):
            draw.rectangle(
                (
                    op.x * scale,
                    op.top * scale,
                    (op.x + op.width) * scale - 1,
                    (op.top + op.height) * scale - 1,
                ),
                fill=op.color,
            )
        elif isinstance(op, Text):
            font = _pil_font(path, round(op.size * scale))
            draw.text(
                (op.center_x * scale, op.baseline * scale),
                op.text,
                font=font,
                fill=op.color,
                anchor="ms",
            )
        elif isinstance(op, Qr):
            modules = len(op.matrix)
            pixels = max(1, int(op.size * scale) // modules)  # whole pixels per module
            code = Image.new("1", (modules, modules), 1)
            code.putdata([0 if dark else 1 for row in op.matrix for dark in row])
            code = code.resize((modules * pixels, modules * pixels), Image.Resampling.NEAREST)
            offset = (op.size * scale - modules * pixels) / 2
            image.paste(
                code.convert("RGB"), (round(op.x * scale + offset), round(op.top * scale + offset))
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi))
    return buffer.getvalue()


# --- Further codes of a checkpoint ------------------------------------------------------------


def code_poster_text(code, lang: str) -> PosterText:
    """The texts of the poster of ``code`` (a :class:`CheckpointCode`) in ``lang``: its
    checkpoint's poster with the code's own link and footer."""
    checkpoint = code.checkpoint
    with force_locale(lang):
        footer = _(
            "No app needed · Code %(checkpoint)d-%(code)d-%(version)d",
            checkpoint=checkpoint.id,
            code=code.id,
            version=code.key_version,
        )
    return replace(
        poster_text(checkpoint, lang),
        footer=footer,
        url=stamp_url(checkpoint, code=code),
    )


def code_poster_pdf(code, lang: str) -> bytes:
    """One A4 page: the poster of a further code of a checkpoint, in ``lang``."""
    text = code_poster_text(code, lang)
    label = code.tr("label", lang)
    buffer = io.BytesIO()
    pdf = _new_pdf(buffer, f"{text.title} – {text.store} – {label}")
    _draw_pdf_page(pdf, layout(text, label))
    pdf.save()
    return buffer.getvalue()
