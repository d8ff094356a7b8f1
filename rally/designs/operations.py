"""Stamp images and completion badges.

A checkpoint's stamp is the image its merchant or the association uploaded, or else a
generated default in the style of a Japanese seal (hanko): a vermilion double ring with the
place's Japanese name set vertically, drawn with the posters' TrueType font. Uploads go
through the store photos' checks (size, pixel count, real decoding) and are written again
as a 256 px square PNG, transparency kept.
"""

import hashlib
import io
import math
import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import format_date
from PIL import Image, ImageDraw, ImageFont, ImageOps

from rally.access import may_manage
from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.campaigns.progress import CardProgress, card_progress
from rally.cards.models import Card, Stamp
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _, _l, current_language
from rally.posters.render import font_path
from rally.storage import read_stored, remove_upload, save_upload
from rally.stores.photos import (
    ACCEPTED_FORMATS,
    normalise_photo,
    read_upload,
)

STAMP_SIZE = 256
BADGE_SIZE = 1080
VERMILION = (200, 50, 43)  # #c8322b, the colour of seal paste (shuniku)
BADGE_BACKGROUND = (255, 250, 240)
INK = (31, 35, 40)
# Glyphs that lie on their side when Japanese is set vertically.
ROTATED_IN_VERTICAL = set("ー―‐-—–〜~…‥()（）[]「」『』【】<>〈〉《》")
SUPERSAMPLE = 2


class DesignError(RallyError):
    """A refused stamp design action; ``code`` says why."""


# --- Who may do what ------------------------------------------------------------------------


def public_checkpoint(checkpoint_id: int, user=None) -> Checkpoint:
    """The checkpoint whose stamp image anyone may see: one of a published or ended
    campaign; a draft's checkpoint only for its designers (``user``).

    :raise DesignError: ``not_found`` (404).
    """
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None or (
        checkpoint.campaign.state is CampaignState.draft and not may_design(checkpoint, user)
    ):
        raise DesignError(_l("There is no such stamp."), code="not_found", status=404)
    return checkpoint


def may_design(checkpoint: Checkpoint, user) -> bool:
    """The association, or the merchant owning the checkpoint's store."""
    return may_manage(user, checkpoint)


def checkpoint_for_design(checkpoint_id: int, user) -> Checkpoint:
    """The checkpoint whose design ``user`` may change.

    :raise DesignError: ``not_found`` (404), ``forbidden`` (403).
    """
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None:
        raise DesignError(_l("There is no such stamp."), code="not_found", status=404)
    if not may_design(checkpoint, user):
        raise DesignError(
            _l("Only the association or the store's merchant may change this stamp."),
            code="forbidden",
            status=403,
        )
    return checkpoint


# --- Uploaded designs -----------------------------------------------------------------------


#: Uploaded stamp designs in the uploads (rally/storage.py): ``stamps/<name>``.
STAMP_FOLDER = "stamps"


def normalise_stamp(data: bytes) -> bytes:
    """Check ``data`` as the store photos are checked, then return it as a square PNG of
    :data:`STAMP_SIZE` pixels, centre-cropped, transparency kept, without metadata.

    :raise PhotoError: ``not_an_image``, ``photo_too_many_pixels``, ``photo_damaged``.
    """
    # The photo checks decode the whole image within the size and pixel limits: once they
    # pass, decoding it again here is safe. Their JPEG output is dropped (no transparency).
    normalise_photo(data)
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
        image = ImageOps.exif_transpose(image).convert("RGBA")
    square = ImageOps.fit(image, (STAMP_SIZE, STAMP_SIZE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    square.save(output, "PNG", optimize=True)
    return output.getvalue()


def _save_stamp_file(png: bytes) -> str:
    return save_upload(STAMP_FOLDER, png, ".png")


def delete_stamp_file(filename: str | None) -> None:
    """Remove a design file no checkpoint points to any more."""
    remove_upload(STAMP_FOLDER, filename)


def replace_stamp_design(checkpoint: Checkpoint, stream) -> str | None:
    """Give ``checkpoint`` the uploaded image as its stamp; return the old file name, to
    delete after the commit. Nothing changes when the file is refused.

    :raise PhotoError: ``photo_empty``, ``photo_too_large``, ``not_an_image``,
        ``photo_too_many_pixels``, ``photo_damaged``.
    """
    png = normalise_stamp(read_upload(stream))
    old = checkpoint.stamp_image_filename
    checkpoint.stamp_image_filename = _save_stamp_file(png)
    db.session.flush()
    return old


def remove_stamp_design(checkpoint: Checkpoint) -> str | None:
    """Go back to the generated hanko; return the old file name, to delete after commit.

    :raise DesignError: ``no_design`` when there is no uploaded design.
    """
    old = checkpoint.stamp_image_filename
    if not old:
        raise DesignError(_l("This stamp has no uploaded design."), code="no_design", status=409)
    checkpoint.stamp_image_filename = None
    db.session.flush()
    return old


# --- The generated hanko --------------------------------------------------------------------


def hanko_name(checkpoint: Checkpoint) -> str:
    """The name a seal carries: the place's Japanese name (the English one if it has none)."""
    return " ".join(checkpoint.place.tr("name", "ja").split())


def hanko_png(checkpoint: Checkpoint) -> bytes:
    """The generated seal of ``checkpoint`` (PNG, transparent background)."""
    name = hanko_name(checkpoint)
    # A name in Chinese or Korean characters Japanese fonts lack is set in a CJK font.
    return _hanko(checkpoint.id, name, font_path(text=name))


def stamp_version(checkpoint: Checkpoint) -> str:
    """Changes whenever the stamp image does: for URLs that can be cached for long."""
    if checkpoint.stamp_image_filename:
        return checkpoint.stamp_image_filename[:12]
    return hashlib.sha256(hanko_name(checkpoint).encode()).hexdigest()[:12]


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


# About 50 kB each: 256 seals cost some 13 MB per worker; browsers keep them a day (ETag).
@lru_cache(maxsize=256)
def _hanko(checkpoint_id: int, name: str, font: str) -> bytes:
    """Cached by checkpoint and name: drawing costs a few milliseconds."""
    size = STAMP_SIZE * SUPERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    outer = size * 0.47
    draw.ellipse(_box(centre, outer), outline=VERMILION, width=round(size * 0.045))
    inner = size * 0.385
    draw.ellipse(_box(centre, inner), outline=VERMILION, width=round(size * 0.015))
    text_radius = inner * 0.9
    if any(_is_wide(char) for char in name):
        _vertical_name(image, name, font, centre, text_radius)
    else:
        _horizontal_name(draw, name, font, centre, text_radius)
    rng = random.Random(checkpoint_id)
    _wear(image, rng)
    image = image.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BILINEAR)
    image = image.resize((STAMP_SIZE, STAMP_SIZE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, "PNG", compress_level=6)
    return output.getvalue()


def _box(centre: float, radius: float) -> tuple[float, float, float, float]:
    return (centre - radius, centre - radius, centre + radius, centre + radius)


@lru_cache(maxsize=64)
def _font(path: str, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(1, pixels))


def _vertical_name(image: Image.Image, name: str, font: str, centre: float, radius: float):
    """Columns of one character per cell, read top to bottom and right to left, as large as
    the circle allows: a block of ``columns`` × ``rows`` cells fits when its diagonal does."""
    chars = [char for char in name if not char.isspace()] or ["印"]
    count = len(chars)
    best = max(
        range(1, min(count, 6) + 1),
        key=lambda columns: (
            2 * radius / math.hypot(columns, math.ceil(count / columns)),
            -columns,
        ),
    )
    rows = math.ceil(count / best)
    cell = 2 * radius / math.hypot(best, rows)
    face = _font(font, round(cell * 0.94))
    left = centre - best * cell / 2
    top = centre - rows * cell / 2
    for index, char in enumerate(chars):
        column, row = divmod(index, rows)
        x = left + (best - 1 - column) * cell + cell / 2
        # The last column is centred vertically when it is shorter.
        in_column = min(rows, count - column * rows)
        y = top + (rows - in_column) * cell / 2 + row * cell + cell / 2
        tile = Image.new("RGBA", (round(cell), round(cell)), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text(
            (cell / 2, cell / 2), char, font=face, fill=VERMILION, anchor="mm"
        )
        if char in ROTATED_IN_VERTICAL or not _is_wide(char) and not char.isalnum():
            tile = tile.rotate(-90)
        image.alpha_composite(tile, (round(x - cell / 2), round(y - cell / 2)))


def _horizontal_name(draw: ImageDraw.ImageDraw, name: str, font: str, centre: float, radius: float):
    """Latin names: in one to four lines, whichever gives the largest letters."""
    reference = _font(font, 100)
    words = name.split() or ["Rally"]
    best_scale, best_lines = 0.0, [name]
    for count in range(1, min(4, len(words)) + 1):
        lines = _balanced_lines(words, count, reference)
        width = max(reference.getlength(line) for line in lines)
        height = len(lines) * 115
        scale = 2 * radius / math.hypot(width, height)
        if scale > best_scale:
            best_scale, best_lines = scale, lines
    size = round(100 * best_scale)
    face = _font(font, size)
    line_height = 1.15 * size
    top = centre - len(best_lines) * line_height / 2
    for index, line in enumerate(best_lines):
        y = top + (index + 0.5) * line_height
        draw.text((centre, y), line, font=face, fill=VERMILION, anchor="mm")


def _balanced_lines(words: list[str], count: int, font: ImageFont.FreeTypeFont) -> list[str]:
    """Words wrapped greedily at about 1/``count`` of their whole width."""
    target = max(
        font.getlength(" ".join(words)) / count, max(font.getlength(word) for word in words)
    )
    lines: list[str] = []
    for word in words:
        if lines and font.getlength(lines[-1] + " " + word) <= target * 1.05:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _wear(image: Image.Image, rng: random.Random) -> None:
    """Little uninked specks, as a real seal leaves on paper."""
    alpha = image.getchannel("A")
    specks = ImageDraw.Draw(alpha)
    width, height = image.size
    for _index in range(260):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(1.5, 6) * SUPERSAMPLE / 2
        specks.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    image.putalpha(alpha)


def stamp_image(checkpoint: Checkpoint) -> Image.Image:
    """The stamp of ``checkpoint`` as an RGBA image: its uploaded design, else its hanko."""
    if checkpoint.stamp_image_filename:
        try:
            data = read_stored(STAMP_FOLDER, checkpoint.stamp_image_filename)
            with Image.open(io.BytesIO(data), formats=("PNG",)) as image:
                return image.convert("RGBA")
        except OSError:
            pass  # a lost file: the generated seal still marks the stamp
    return Image.open(io.BytesIO(hanko_png(checkpoint))).convert("RGBA")


# --- The completion badge -------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """A card holding a stamp at every checkpoint of a campaign."""

    campaign: Campaign
    progress: CardProgress
    completed_at: datetime


def is_complete(progress: CardProgress) -> bool:
    return progress.total > 0 and progress.collected == progress.total


def completion(card: Card | None, campaign: Campaign | None) -> Completion:
    """The completed rally of ``card`` in ``campaign``.

    :raise DesignError: ``not_complete`` (404) without a card, for a draft campaign, or
        while a checkpoint's stamp is missing.
    """
    refused = DesignError(
        _l("Collect a stamp at every place to earn the badge."), code="not_complete", status=404
    )
    if card is None or campaign is None or campaign.state is CampaignState.draft:
        raise refused
    progress = card_progress(card, campaign)
    if not is_complete(progress):
        raise refused
    stamps: list[Stamp] = list(progress.stamps.values())
    return Completion(campaign, progress, max(stamp.created_at for stamp in stamps))


def badge_png(done: Completion) -> bytes:
    """A square, shareable PNG: the campaign's title in the visitor's language, "complete",
    the day of the last stamp and every stamp in a grid."""
    title, complete = done.campaign.tr("title"), _("COMPLETE")
    day = format_date(done.completed_at, "long")
    font = font_path(current_language(), title + complete + day)
    image = Image.new("RGB", (BADGE_SIZE, BADGE_SIZE), BADGE_BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 60
    width = BADGE_SIZE - 2 * margin
    draw.rectangle((24, 24, BADGE_SIZE - 25, BADGE_SIZE - 25), outline=VERMILION, width=8)
    draw.rectangle((40, 40, BADGE_SIZE - 41, BADGE_SIZE - 41), outline=VERMILION, width=2)

    y = margin + 30
    for line in _fit_lines(title, font, 64, 28, width, 2):
        face = _font(font, line[1])
        draw.text((BADGE_SIZE / 2, y), line[0], font=face, fill=INK, anchor="mt")
        y += round(line[1] * 1.25)
    y += 10
    size = _fit_lines(complete, font, 150, 40, width, 1)[0][1]
    draw.text((BADGE_SIZE / 2, y), complete, font=_font(font, size), fill=VERMILION, anchor="mt")
    y += round(size * 1.2)
    draw.text((BADGE_SIZE / 2, y), day, font=_font(font, 40), fill=INK, anchor="mt")
    y += 80

    # The places the card needed (a store suspended before the visit is not one of them).
    _stamp_grid(image, done.progress.counted, margin, y, width, BADGE_SIZE - margin - y)
    output = io.BytesIO()
    image.save(output, "PNG", compress_level=6)
    return output.getvalue()


def _fit_lines(text: str, font: str, size: int, smallest: int, width: int, max_lines: int):
    """``[(line, size)]``: ``text`` on one line at the largest size that fits, else cut
    into up to ``max_lines`` lines at ``smallest``."""
    while size > smallest and _font(font, size).getlength(text) > width:
        size -= 2
    face = _font(font, size)
    if face.getlength(text) <= width:
        return [(text, size)]
    lines = [""]
    for char in text:
        if face.getlength(lines[-1] + char) > width and lines[-1]:
            if len(lines) == max_lines:
                lines[-1] = lines[-1][:-1] + "…"
                break
            lines.append(char.lstrip())
        else:
            lines[-1] += char
    return [(line, size) for line in lines]


def _stamp_grid(image: Image.Image, checkpoints, left: int, top: int, width: int, height: int):
    count = len(checkpoints)
    columns = max(1, math.ceil(math.sqrt(count * width / height)))
    rows = math.ceil(count / columns)
    cell = min(width / columns, height / rows)
    stamp = round(cell * 0.9)
    grid_width = columns * cell
    for index, checkpoint in enumerate(checkpoints):
        row, column = divmod(index, columns)
        in_row = min(columns, count - row * columns)
        x = left + (width - grid_width) / 2 + (columns - in_row) * cell / 2 + column * cell
        y = top + row * cell
        picture = stamp_image(checkpoint).resize((stamp, stamp), Image.Resampling.LANCZOS)
        offset = (cell - stamp) / 2
        image.paste(picture, (round(x + offset), round(y + offset)), picture)


def badge_filename(campaign: Campaign) -> str:
    return f"rally-badge-{campaign.id}.png"
