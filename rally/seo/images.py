"""Link-preview (Open Graph) images: 1200x630 PNGs per store, campaign, spot, event and home.

A store with a photo gets its photo, fitted; anything else a card with its name, its area and
the district's name, drawn with the posters' font. Each image is named by a fingerprint of
what it shows (the ETag), kept in a small in-process cache so it is drawn once per worker,
not per request, and drawn again as soon as a name, a photo or the language changes.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from rally.posters.render import font_path
from rally.storage import read_stored
from rally.stores.photos import PHOTO_FOLDER

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = (27, 67, 50)  # the district's green
ACCENT = (244, 162, 97)
TEXT = (255, 255, 255)
MUTED = (216, 232, 222)
# Bump when the drawing changes, so browsers and caches drop the old cards.
DRAWING_VERSION = "1"
CACHE_SIZE = 128


@dataclass(frozen=True)
class CardSpec:
    """What one image shows: enough to draw it, and to name it without drawing."""

    title: str
    subtitle: str
    district: str
    photo_filename: str | None = None

    @property
    def etag(self) -> str:
        parts = (
            DRAWING_VERSION,
            self.title,
            self.subtitle,
            self.district,
            self.photo_filename or "",
            font_path(),
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def png(spec: CardSpec) -> bytes:
    """The PNG for ``spec``, drawn once and then served from the cache (LRU, per worker)."""
    key = spec.etag
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = _draw(spec)
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def _encode(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _draw(spec: CardSpec) -> bytes:
    if spec.photo_filename:
        photo = _photo(spec.photo_filename)
        if photo is not None:
            return _encode(photo)
    return _encode(_card(spec))


def _photo(filename: str) -> Image.Image | None:
    try:
        with Image.open(BytesIO(read_stored(PHOTO_FOLDER, filename))) as source:
            source = ImageOps.exif_transpose(source).convert("RGB")
            return ImageOps.fit(source, (WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    except (OSError, UnidentifiedImageError):  # gone or unreadable: the drawn card instead
        return None


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """``text`` in lines no wider than ``width``: at spaces where there are some, else at
    any character (Japanese, Chinese), the last line ending in "…" when cut."""
    lines: list[str] = []
    line = ""
    for char in text:
        candidate = line + char
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        cut = line.rfind(" ")
        if char != " " and cut > 0:
            lines.append(line[:cut])
            line = line[cut + 1 :] + char
        else:
            lines.append(line)
            line = char.lstrip()
        if len(lines) == max_lines:
            break
    else:
        if line:
            lines.append(line)
        return lines
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return lines


def _card(spec: CardSpec) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = font_path()
    title_font = ImageFont.truetype(font, 76)
    small_font = ImageFont.truetype(font, 38)
    width = WIDTH - 2 * MARGIN
    draw.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=ACCENT)
    draw.text((MARGIN, MARGIN), spec.district, font=small_font, fill=MUTED)
    y = 200
    for line in _wrap(draw, spec.title, title_font, width, max_lines=3):
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += 96
    for line in _wrap(draw, spec.subtitle, small_font, width, max_lines=1):
        draw.text((MARGIN, max(y + 24, 440)), line, font=small_font, fill=ACCENT)
    return image
