"""Pictures for the demo district, drawn here with Pillow: a shop front in its category's
colour for each store, a scene for each tourist spot. Stored through the same path as a
merchant's upload (normalised, re-encoded JPEG under a random name), so a newcomer sees the
design with photos at work. Small flat drawings: about 10 KB each, 400 KB in all.
"""

import functools
import io
import random

from PIL import Image, ImageDraw

from rally.spots.photos import save_spot_photo
from rally.stores.photos import normalise_photo, save_photo

SIZE = (480, 360)  # drawn at this size, stored smaller (smooth edges, fewer bytes)
STORED = (400, 300)
# Category colours, the same as the site's (rally.css --cat-*), and a light tint of each.
CATEGORY = {
    "buy": ((179, 38, 30), (251, 227, 223)),
    "eat": ((179, 90, 0), (251, 232, 211)),
    "play": ((106, 61, 154), (236, 226, 245)),
    "walk": ((31, 111, 58), (223, 240, 227)),
    "relax": ((29, 95, 138), (220, 235, 245)),
}
WOOD, INK, PAPER = (122, 82, 48), (43, 36, 32), (255, 253, 248)


def give_pictures(stores, spots) -> int:
    """Draw and store a picture for each store and spot that has none; return how many.

    :param stores: demo stores, each drawn with its category's colour and a varied front.
    :param spots: demo spots, each drawn as a scene of its kind.
    """
    made = 0
    for index, store in enumerate(stores):
        if not store.photo_filename:
            store.photo_filename = save_photo(_drawn("store", store.category.value, index))
            made += 1
    for index, spot in enumerate(spots):
        if not spot.photo_filename:
            spot.photo_filename = save_spot_photo(_drawn("spot", spot.kind.value, index))
            made += 1
    return made


@functools.lru_cache(maxsize=64)
def _drawn(what: str, kind: str, seed: int) -> bytes:
    """The JPEG of one drawing (about 25 ms), kept: a test suite seeds the demo many times."""
    return _jpeg(shop_front(kind, seed) if what == "store" else spot_scene(kind, seed))


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.resize(STORED, Image.Resampling.LANCZOS).save(buffer, "PNG")
    return normalise_photo(buffer.getvalue())


def shop_front(category: str, seed: int) -> Image.Image:
    """A street-level shop front: striped awning, noren curtain, a lantern, goods in the window."""
    colour, tint = CATEGORY.get(category, CATEGORY["buy"])
    rng = random.Random(seed)
    image = Image.new("RGB", SIZE, tint)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((0, 300, width, height), fill=(214, 204, 188))  # pavement
    left, right = 60 + rng.randint(-20, 20), 420 + rng.randint(-20, 20)
    wall = rng.choice([PAPER, (238, 226, 204), (214, 190, 160), (225, 225, 220)])
    draw.rectangle((left, 70, right, 300), fill=wall)  # the building
    if rng.random() < 0.5:  # a second floor with a window
        draw.rectangle((left + 20, 8, right - 20, 70), fill=wall)
        draw.rectangle((left + 60, 20, right - 60, 50), fill=(200, 225, 235))
    draw.rectangle((left - 10, 56, right + 10, 80), fill=WOOD)  # the sign board
    for x in range(left + 24, right - 24, 28):  # the sign's letters, as marks
        draw.rectangle((x, 62, x + 14, 74), fill=PAPER)
    stripes = rng.choice([6, 8, 10])
    stripe = (right - left + 20) // stripes
    for i in range(stripes):  # the awning
        x = left - 10 + i * stripe
        fill = colour if i % 2 == 0 else (255, 255, 255)
        draw.rectangle((x, 80, x + stripe, 118), fill=fill)
        draw.pieslice((x, 100, x + stripe, 136), 0, 180, fill=fill)
    door = (width // 2 - 45, 150, width // 2 + 45, 300)
    draw.rectangle(door, fill=rng.choice([(90, 70, 55), (60, 60, 70), (140, 100, 60)]))
    for i in range(3):  # the noren curtain over the door
        x = door[0] + i * 30
        draw.rectangle((x + 2, 150, x + 28, 205), fill=colour)
    draw.rectangle((left + 18, 150, door[0] - 18, 260), fill=(200, 225, 235))  # windows
    draw.rectangle((door[2] + 18, 150, right - 18, 260), fill=(200, 225, 235))
    _goods(draw, category, (left + 18, 150, door[0] - 18, 260), colour, rng)
    _goods(draw, category, (door[2] + 18, 150, right - 18, 260), colour, rng)
    lantern_x = right - 8  # a red paper lantern
    draw.ellipse((lantern_x - 16, 124, lantern_x + 16, 170), fill=(200, 40, 30))
    draw.rectangle((lantern_x - 10, 120, lantern_x + 10, 126), fill=INK)
    draw.rectangle((lantern_x - 10, 168, lantern_x + 10, 174), fill=INK)
    return image


def _goods(draw, category, box, colour, rng) -> None:
    x0, y0, x1, y1 = box
    shelf = y1 - 30
    draw.rectangle((x0, shelf, x1, shelf + 6), fill=WOOD)
    step = max(24, (x1 - x0) // 3)
    for x in range(x0 + 6, x1 - 18, step):
        shade = tuple(min(255, c + rng.randint(0, 60)) for c in colour)
        if category == "eat":  # bowls with steam
            draw.chord((x, shelf - 26, x + 26, shelf + 6), 0, 180, fill=shade)
            draw.line((x + 8, shelf - 30, x + 12, shelf - 44), fill=(150, 150, 150), width=2)
        elif category == "relax":  # cups
            draw.rectangle((x + 2, shelf - 22, x + 20, shelf), fill=shade)
            draw.arc((x + 16, shelf - 18, x + 28, shelf - 6), 270, 90, fill=shade, width=3)
        elif category == "play":  # balls and boxes
            draw.ellipse((x, shelf - 24, x + 24, shelf), fill=shade)
        elif category == "walk":  # potted plants
            draw.rectangle((x + 6, shelf - 12, x + 20, shelf), fill=WOOD)
            draw.ellipse((x, shelf - 38, x + 26, shelf - 10), fill=shade)
        else:  # boxes of goods
            draw.rectangle((x, shelf - 22, x + 22, shelf), fill=shade)
            draw.rectangle((x + 4, y0 + 14, x + 20, y0 + 40), fill=shade)


def spot_scene(kind: str, seed: int) -> Image.Image:
    """A simple scene of a tourist spot: a park, a museum, a shrine, a temple or a landmark."""
    rng = random.Random(seed)
    image = Image.new("RGB", SIZE, (214, 234, 246))
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((0, 280, width, height), fill=(170, 205, 140))  # grass
    if kind == "park":
        for _ in range(5):
            x = rng.randint(20, width - 80)
            draw.rectangle((x + 26, 220, x + 38, 290), fill=WOOD)
            draw.ellipse((x, 130, x + 64, 240), fill=(31 + rng.randint(0, 40), 111, 58))
        draw.rectangle((170, 262, 310, 272), fill=WOOD)  # a bench
    elif kind == "shrine":
        red = (200, 45, 30)
        draw.rectangle((120, 110, 360, 126), fill=red)
        draw.rectangle((100, 92, 380, 108), fill=INK)
        draw.rectangle((150, 110, 168, 300), fill=red)
        draw.rectangle((312, 110, 330, 300), fill=red)
        draw.rectangle((140, 150, 340, 162), fill=red)
    elif kind == "temple":
        draw.rectangle((140, 190, 340, 290), fill=(150, 100, 60))
        draw.polygon([(90, 200), (240, 110), (390, 200)], fill=(70, 70, 80))
        draw.rectangle((215, 230, 265, 290), fill=INK)
    elif kind == "museum":
        draw.rectangle((110, 250, 370, 290), fill=(230, 225, 215))
        draw.polygon([(100, 140), (240, 80), (380, 140)], fill=(210, 200, 185))
        for x in range(130, 360, 50):
            draw.rectangle((x, 140, x + 22, 250), fill=(245, 240, 230))
    else:  # landmark: a clock tower
        draw.rectangle((205, 90, 275, 290), fill=(180, 120, 90))
        draw.polygon([(195, 90), (240, 40), (285, 90)], fill=(80, 60, 50))
        draw.ellipse((220, 110, 260, 150), fill=PAPER)
        draw.line((240, 130, 240, 116), fill=INK, width=3)
        draw.line((240, 130, 252, 130), fill=INK, width=3)
    sun = 380 + rng.randint(-20, 20)
    draw.ellipse((sun, 30, sun + 50, 80), fill=(255, 214, 90))
    return image
