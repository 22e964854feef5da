"""Soft, warm illustrations for the demo site, drawn locally with Pillow (no downloads).

Every picture is deterministic: the same key always gives the same pixels, so the demo looks the
same on every laptop. Scenes are drawn at twice their size and scaled down for smooth edges.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 1200, 800
SCALE = 2  # supersampling factor

FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]


@dataclass(frozen=True)
class Palette:
    sky_top: str
    sky_bottom: str
    blobs: tuple[str, ...]
    far_hill: str
    near_hill: str
    house: str
    roof: str
    people: tuple[str, ...]
    window: str = "#ffd77a"
    trunk: str = "#7a5134"
    leaves: str = "#4f8a5b"


SUNRISE = Palette(
    sky_top="#fde8d2",
    sky_bottom="#f8bf94",
    blobs=("#ffd38a", "#f49b7a", "#fbe3a6"),
    far_hill="#a8cf9b",
    near_hill="#6fa77d",
    house="#fff6ea",
    roof="#c8553d",
    people=("#6a3b5c", "#2f6f73", "#e07a5f", "#3d405b"),
)
MEADOW = Palette(
    sky_top="#e9f4ef",
    sky_bottom="#fbe6c9",
    blobs=("#bfe3d0", "#ffd9a8", "#f6c1b1"),
    far_hill="#b9d98f",
    near_hill="#7bb36a",
    house="#fffaf0",
    roof="#a8483a",
    people=("#8c3b5e", "#20676b", "#f2a541", "#46325d"),
)
DUSK = Palette(
    sky_top="#f7d6e0",
    sky_bottom="#f3a683",
    blobs=("#f8c6a8", "#e8a0bf", "#ffe0a3"),
    far_hill="#c7a27c",
    near_hill="#8a6a5c",
    house="#fff1e6",
    roof="#7b2d6b",
    people=("#3d2c4e", "#7b2d6b", "#2f6f73", "#b5523b"),
)
BERRY = Palette(
    sky_top="#fbeaf0",
    sky_bottom="#f6c7b6",
    blobs=("#f3b1c5", "#ffd8a8", "#c9e4de"),
    far_hill="#d7c4e8",
    near_hill="#9c7fbf",
    house="#fff7f0",
    roof="#7b2d6b",
    people=("#7b2d6b", "#e07a5f", "#2f6f73", "#46325d"),
)
PEAKS = Palette(
    sky_top="#dcecf2",
    sky_bottom="#fde6c4",
    blobs=("#ffe3a3", "#c9e4f0", "#f7c8a5"),
    far_hill="#9cb7a4",
    near_hill="#5f8f6b",
    house="#fff8ef",
    roof="#8a4b3c",
    people=("#3d405b", "#c8553d", "#2f6f73", "#6a3b5c"),
)


@dataclass(frozen=True)
class Scene:
    key: str
    title: str
    kind: str
    seed: int
    palette: Palette = SUNRISE
    extras: dict = field(default_factory=dict)


SCENES = [
    Scene("home", "Illustration: a family outside a house at sunrise", "home", 11, SUNRISE),
    Scene("garden", "Illustration: a carer and two children in a garden", "garden", 23, MEADOW),
    Scene("teen", "Illustration: an adult and a teenager walking on a hill", "teen", 37, DUSK),
    Scene("siblings", "Illustration: a carer with three brothers and sisters", "siblings", 41),
    Scene(
        "constellation",
        "Illustration: a circle of homes around a hub home",
        "constellation",
        53,
        BERRY,
    ),
    Scene("chat", "Illustration: two people having a friendly chat", "chat", 67, MEADOW),
    Scene("city", "Illustration: a row of city terraced houses", "city", 71, DUSK),
    Scene("peaks", "Illustration: hills with a cottage and trees", "peaks", 83, PEAKS),
    Scene("parent-baby", "Illustration: a young parent with a baby and a carer", "baby", 97, BERRY),
    Scene("path", "Illustration: stepping stones leading to a front door", "path", 101, PEAKS),
]


def _s(value: float) -> int:
    return round(value * SCALE)


def _gradient(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _background(rng: random.Random, p: Palette) -> Image.Image:
    """The sky with soft colour clouds, drawn small and scaled up (it has no hard edges)."""
    small = (WIDTH // 8, HEIGHT // 8)
    sky = _gradient(small, p.sky_top, p.sky_bottom)
    for _ in range(7):
        r = rng.uniform(90, 220) / 8
        x, y = rng.uniform(0, WIDTH) / 8, rng.uniform(0, HEIGHT * 0.65) / 8
        mask = Image.new("L", small, 0)
        ImageDraw.Draw(mask).ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(110, 170))
        mask = mask.filter(ImageFilter.GaussianBlur(6))
        sky = Image.composite(Image.new("RGB", small, rng.choice(p.blobs)), sky, mask)
    return sky.resize((_s(WIDTH), _s(HEIGHT)), Image.Resampling.BICUBIC).convert("RGBA")


def _rgba(hex_colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    return (*(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)), alpha)


def _hill(draw, rng: random.Random, base: float, amp: float, colour: str) -> None:
    phase = rng.uniform(0, math.tau)
    freq = rng.uniform(1.2, 2.2) * math.tau / WIDTH
    points = [(0, _s(HEIGHT))]
    for x in range(0, WIDTH + 10, 10):
        y = base + amp * math.sin(freq * x + phase) + amp * 0.35 * math.sin(freq * 2.7 * x)
        points.append((_s(x), _s(y)))
    points.append((_s(WIDTH), _s(HEIGHT)))
    draw.polygon(points, fill=colour)


def _sun(canvas: Image.Image, x: float, y: float, r: float, colour: str = "#ffcf6e"):
    glow = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    gd = ImageDraw.Draw(glow)
    gd.ellipse(
        (_s(x - r * 1.8), _s(y - r * 1.8), _s(x + r * 1.8), _s(y + r * 1.8)), fill=_rgba(colour, 90)
    )
    glow = glow.filter(ImageFilter.GaussianBlur(_s(30)))
    canvas = Image.alpha_composite(canvas, glow)
    ImageDraw.Draw(canvas).ellipse((_s(x - r), _s(y - r), _s(x + r), _s(y + r)), fill=_rgba(colour))
    return canvas


def _house(draw, x: float, ground: float, w: float, p: Palette, windows_lit=True) -> None:
    h = w * 0.72
    left, top = x - w / 2, ground - h
    # Chimney, then roof over it.
    draw.rectangle((_s(x + w * 0.18), _s(top - w * 0.42), _s(x + w * 0.3), _s(top)), fill=p.roof)
    draw.rounded_rectangle(
        (_s(left), _s(top), _s(left + w), _s(ground)), radius=_s(w * 0.04), fill=p.house
    )
    draw.polygon(
        [
            (_s(left - w * 0.08), _s(top + 2)),
            (_s(x), _s(top - w * 0.5)),
            (_s(left + w * 1.08), _s(top + 2)),
        ],
        fill=p.roof,
    )
    door_w = w * 0.2
    draw.rounded_rectangle(
        (_s(x - door_w / 2), _s(ground - h * 0.55), _s(x + door_w / 2), _s(ground)),
        radius=_s(door_w * 0.5),
        fill=p.roof,
    )
    win = w * 0.17
    glass = p.window if windows_lit else "#cfe3ea"
    for wx in (left + w * 0.12, left + w * 0.71):
        draw.rounded_rectangle(
            (_s(wx), _s(top + h * 0.22), _s(wx + win), _s(top + h * 0.22 + win)),
            radius=_s(win * 0.15),
            fill=glass,
        )


def _person(draw, cx: float, ground: float, h: float, colour: str) -> None:
    head = h * 0.14
    body_top = ground - h + head * 2.15
    draw.ellipse(
        (_s(cx - head), _s(ground - h), _s(cx + head), _s(ground - h + head * 2)), fill=colour
    )
    draw.rounded_rectangle(
        (_s(cx - h * 0.21), _s(body_top), _s(cx + h * 0.21), _s(ground)),
        radius=_s(h * 0.17),
        fill=colour,
    )


def _tree(draw, x: float, ground: float, h: float, p: Palette) -> None:
    draw.rectangle(
        (_s(x - h * 0.05), _s(ground - h * 0.55), _s(x + h * 0.05), _s(ground)), fill=p.trunk
    )
    for dx, dy, r in ((0, -0.72, 0.28), (-0.16, -0.55, 0.22), (0.16, -0.55, 0.22)):
        cx, cy, rr = x + dx * h, ground + dy * h, r * h
        draw.ellipse((_s(cx - rr), _s(cy - rr), _s(cx + rr), _s(cy + rr)), fill=p.leaves)


def _heart(draw, x: float, y: float, size: float, colour: str) -> None:
    r = size * 0.28
    draw.ellipse(
        (_s(x - size * 0.5), _s(y - r), _s(x - size * 0.5 + 2 * r), _s(y + r)), fill=colour
    )
    draw.ellipse(
        (_s(x + size * 0.5 - 2 * r), _s(y - r), _s(x + size * 0.5), _s(y + r)), fill=colour
    )
    draw.polygon(
        [
            (_s(x - size * 0.5 + 1), _s(y + r * 0.3)),
            (_s(x + size * 0.5 - 1), _s(y + r * 0.3)),
            (_s(x), _s(y + size * 0.62)),
        ],
        fill=colour,
    )


def _bubble(draw, x: float, y: float, w: float, h: float, colour: str) -> None:
    draw.rounded_rectangle((_s(x), _s(y), _s(x + w), _s(y + h)), radius=_s(h * 0.35), fill=colour)
    draw.polygon(
        [
            (_s(x + w * 0.25), _s(y + h - 2)),
            (_s(x + w * 0.42), _s(y + h - 2)),
            (_s(x + w * 0.2), _s(y + h * 1.45)),
        ],
        fill=colour,
    )
    for i in range(3):
        cx = x + w * (0.3 + 0.2 * i)
        draw.ellipse((_s(cx - 7), _s(y + h / 2 - 7), _s(cx + 7), _s(y + h / 2 + 7)), fill="#ffffff")


def render_scene(scene: Scene) -> Image.Image:
    """Draw one scene and return it at its final size (RGB)."""
    rng = random.Random(scene.seed)
    p = scene.palette
    canvas = _background(rng, p)
    sun_x = rng.choice((0.18, 0.8)) * WIDTH
    canvas = _sun(canvas, sun_x, HEIGHT * 0.24, 62)
    draw = ImageDraw.Draw(canvas)
    _hill(draw, rng, HEIGHT * 0.6, 38, p.far_hill)
    ground = HEIGHT * 0.78
    _hill(draw, rng, ground, 16, p.near_hill)
    people = p.people
    kind = scene.kind

    if kind == "home":
        _tree(draw, 250, ground + 8, 260, p)
        _house(draw, 640, ground + 6, 300, p)
        _person(draw, 880, ground + 20, 210, people[0])
        _person(draw, 985, ground + 20, 190, people[1])
        _person(draw, 935, ground + 24, 120, people[2])
    elif kind == "garden":
        _tree(draw, 300, ground + 10, 330, p)
        _tree(draw, 1020, ground + 10, 250, p)
        _person(draw, 560, ground + 20, 220, people[0])
        _person(draw, 680, ground + 24, 140, people[2])
        _person(draw, 780, ground + 26, 110, people[1])
        _heart(draw, 680, ground - 300, 90, people[2])
    elif kind == "teen":
        _person(draw, 560, ground + 10, 230, people[0])
        _person(draw, 690, ground + 12, 205, people[1])
        _tree(draw, 1000, ground + 6, 280, p)
    elif kind == "siblings":
        _house(draw, 300, ground + 6, 240, p)
        _person(draw, 620, ground + 22, 225, people[0])
        for i, (h, c) in enumerate(((165, people[1]), (130, people[2]), (100, people[3]))):
            _person(draw, 730 + i * 95, ground + 24, h, c)
    elif kind == "constellation":
        cx, cy, radius = WIDTH / 2, ground - 40, 300
        line = _rgba(people[0], 255)
        spots = []
        for i in range(6):
            angle = math.pi + i * math.pi / 5
            spots.append(
                (cx + radius * 1.25 * math.cos(angle), cy + radius * 0.55 * math.sin(angle) + 60)
            )
        for sx, sy in spots:
            steps = 14
            for k in range(1, steps):
                px, py = cx + (sx - cx) * k / steps, cy - 60 + (sy - cy + 60) * k / steps
                draw.ellipse((_s(px - 4), _s(py - 4), _s(px + 4), _s(py + 4)), fill=line)
        for sx, sy in spots:
            _house(draw, sx, sy + 50, 120, p)
        _house(draw, cx, cy + 40, 230, p)
        _heart(draw, cx, cy - 230, 70, people[1])
    elif kind == "chat":
        _person(draw, 480, ground + 20, 240, people[0])
        _person(draw, 760, ground + 20, 230, people[1])
        _bubble(draw, 330, ground - 430, 220, 110, people[2])
        _bubble(draw, 720, ground - 470, 240, 110, "#ffffff")
        draw = ImageDraw.Draw(canvas)
    elif kind == "city":
        x = -20
        while x < WIDTH + 20:
            w = rng.choice((150, 170, 190))
            _house(draw, x + w / 2, ground + 4, w - 6, p, windows_lit=rng.random() > 0.3)
            x += w
        _person(draw, 430, ground + 60, 170, people[0])
        _person(draw, 520, ground + 64, 110, people[2])
    elif kind == "peaks":
        _hill(draw, random.Random(scene.seed + 1), HEIGHT * 0.5, 70, p.far_hill)
        _hill(draw, random.Random(scene.seed + 2), HEIGHT * 0.66, 45, p.near_hill)
        _house(draw, 820, ground + 4, 190, p)
        for tx in (240, 330, 1020):
            _tree(draw, tx, ground + 8, rng.uniform(200, 260), p)
    elif kind == "baby":
        _house(draw, 980, ground + 6, 230, p)
        _person(draw, 470, ground + 20, 225, people[0])
        # The baby, held in front of the parent.
        draw.ellipse((_s(520), _s(ground - 120), _s(590), _s(ground - 70)), fill=people[1])
        draw.ellipse((_s(560), _s(ground - 150), _s(605), _s(ground - 105)), fill=people[1])
        _person(draw, 700, ground + 20, 215, people[2])
        _heart(draw, 590, ground - 300, 70, people[2])
    elif kind == "path":
        _house(draw, 880, ground - 10, 250, p)
        for i in range(6):
            t = i / 5
            sx = 180 + t * 700 + 50 * math.sin(t * math.pi * 2)
            sy = HEIGHT - 40 - t * (HEIGHT - 40 - (ground - 12))
            rw, rh = 70 - 30 * t, 24 - 10 * t
            draw.ellipse((_s(sx - rw), _s(sy - rh), _s(sx + rw), _s(sy + rh)), fill="#f3e3cf")
        _person(draw, 260, HEIGHT - 40, 200, people[0])
    else:  # pragma: no cover - a typo in SCENES
        raise ValueError(f"Unknown scene kind: {kind}")

    return canvas.convert("RGB").resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def scene_jpeg(scene: Scene) -> bytes:
    buffer = io.BytesIO()
    render_scene(scene).save(buffer, format="JPEG", quality=86)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def render_logo(name: str, region: str, colour: str, accent: str) -> Image.Image:
    """A simple wordmark: a house with a heart door, the brand name and the region under it."""
    width, height = 900, 240
    canvas = Image.new("RGBA", (_s(width), _s(height)), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    # The mark: a rounded house in the brand colour with a heart in the accent colour.
    draw.rounded_rectangle((_s(30), _s(95), _s(190), _s(215)), radius=_s(18), fill=colour)
    draw.polygon([(_s(12), _s(108)), (_s(110), _s(22)), (_s(208), _s(108))], fill=colour)
    _heart(draw, 110, 140, 74, accent)
    title, subtitle = _font(_s(64)), _font(_s(36))
    draw.text((_s(235), _s(40)), name, font=title, fill=colour)
    draw.text((_s(238), _s(140)), region, font=subtitle, fill="#3d2c4e")
    logo = canvas.resize((width, height), Image.Resampling.LANCZOS)
    return logo.crop(logo.getbbox())


def logo_png(name: str, region: str, colour: str, accent: str) -> bytes:
    buffer = io.BytesIO()
    render_logo(name, region, colour, accent).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
