"""Procedural backgrounds: instant, offline, deterministic art from a prompt and a seed.

No model and no network: a soft mesh gradient in the theme's colours, one motif chosen from
the prompt's words (hills, waves, bubbles, rays, shapes, stars), a paper-like texture and a
vignette. The same prompt and seed always give the same picture, in well under 0.1 s at 1080p.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from ..contrast import hex_to_rgb
from .base import ImageRequest

Array = NDArray[np.float32]
DEFAULT_ART = ("#9ad1d4", "#f2c57c", "#7fb069", "#e6aa68", "#cbe896")

_MOTIF_WORDS: dict[str, tuple[str, ...]] = {
    "waves": (
        "ocean",
        "sea",
        "water",
        "wave",
        "river",
        "rain",
        "fish",
        "beach",
        "flow",
        "sound",
        "music",
    ),
    "hills": (
        "mountain",
        "hill",
        "landscape",
        "earth",
        "field",
        "forest",
        "tree",
        "farm",
        "valley",
        "plant",
        "leaf",
        "nature",
    ),
    "stars": (
        "space",
        "star",
        "planet",
        "galaxy",
        "universe",
        "night",
        "moon",
        "orbit",
        "rocket",
        "astronaut",
    ),
    "bubbles": (
        "cell",
        "molecule",
        "atom",
        "bubble",
        "chemistry",
        "virus",
        "bacteria",
        "blood",
        "dna",
        "oxygen",
        "carbon",
    ),
    "rays": ("sun", "light", "energy", "idea", "power", "heat", "solar", "bright", "spark"),
    "shapes": (
        "data",
        "city",
        "building",
        "computer",
        "network",
        "code",
        "business",
        "chart",
        "math",
        "robot",
        "machine",
    ),
}


class ProceduralBackend:
    """Deterministic generated art; the default when no model is configured."""

    name = "procedural"
    version = 1

    def __init__(self, *, concurrency: int | None = None) -> None:
        self.batch_size = 1
        self.concurrency = concurrency or max(1, os.cpu_count() or 1)

    def cache_id(self, request: ImageRequest) -> dict[str, object]:
        return {"backend": self.name, "version": self.version, "palette": list(request.palette)}

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        return [paint(r.prompt, r.seed, r.size, r.palette or DEFAULT_ART) for r in requests]


def choose_motif(prompt: str, seed: int) -> str:
    words = prompt.lower()
    scores = {motif: sum(word in words for word in keys) for motif, keys in _MOTIF_WORDS.items()}
    best = max(scores.values())
    motifs = sorted(_MOTIF_WORDS)
    if best > 0:
        motifs = sorted(m for m, score in scores.items() if score == best)
    return motifs[seed % len(motifs)]


def paint(prompt: str, seed: int, size: tuple[int, int], palette: Sequence[str]) -> Image.Image:
    """Paint one background of ``size`` from ``prompt`` + ``seed`` in ``palette``'s colours."""
    width, height = size
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    colors = np.array([hex_to_rgb(c) for c in palette], dtype=np.float32)
    colors = colors[rng.permutation(len(colors))]

    # Work at half resolution: everything here is soft, and upscaling smooths edges.
    w, h = max(8, width // 2), max(8, height // 2)
    base = _mesh_gradient(rng, colors, w, h)
    image = Image.fromarray(base)
    motif = choose_motif(prompt, seed)
    _MOTIFS[motif](image, rng, colors)
    art = np.asarray(image, dtype=np.float32)
    art = _texture(art, rng) * _vignette(w, h, strength=0.18)[..., None]
    small = Image.fromarray(np.clip(art, 0, 255).astype(np.uint8))
    return small.resize((width, height), Image.Resampling.BICUBIC)


def _mesh_gradient(rng: np.random.Generator, colors: Array, w: int, h: int) -> NDArray[np.uint8]:
    """A smooth blend of 4 coloured anchor points (inverse-distance weights), at 1/4 size."""
    sw, sh = max(4, w // 4), max(4, h // 4)
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
    xs /= max(1, sw - 1)
    ys /= max(1, sh - 1)
    anchors = rng.random((4, 2)).astype(np.float32)
    picks = colors[rng.integers(0, len(colors), size=4)]
    weights = np.stack(
        [1.0 / (((xs - ax) ** 2 + (ys - ay) ** 2) + 0.02) ** 1.6 for ax, ay in anchors]
    )
    weights /= weights.sum(axis=0, keepdims=True)
    field = np.tensordot(weights, picks, axes=(0, 0))
    small = Image.fromarray(np.clip(field, 0, 255).astype(np.uint8))
    return np.asarray(small.resize((w, h), Image.Resampling.BICUBIC))


def _rgba(
    color: NDArray[np.floating], alpha: float, shade: float = 1.0
) -> tuple[int, int, int, int]:
    c = np.clip(color * shade, 0, 255)
    return int(c[0]), int(c[1]), int(c[2]), int(alpha * 255)


def _layer(
    image: Image.Image, draw_fn: Callable[[ImageDraw.ImageDraw], None], blur: float = 0.0
) -> None:
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw_fn(ImageDraw.Draw(layer))
    if blur:  # blur premultiplied, or transparent black bleeds a dark halo into the edges
        layer = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(blur)).convert("RGBA")
    image.paste(layer, (0, 0), layer)


def _hills(image: Image.Image, rng: np.random.Generator, colors: Array) -> None:
    w, h = image.size
    xs = np.linspace(0, 1, 64)
    for depth in range(4):
        base = h * (0.45 + 0.13 * depth)
        amp = h * (0.10 - 0.015 * depth)
        phase = rng.random(3) * 6.28
        freq = rng.uniform(1.0, 2.6, size=3)
        ys = base - amp * sum(
            np.sin(xs * f * 6.28 + p) / (i + 1)
            for i, (f, p) in enumerate(zip(freq, phase, strict=True))
        )
        points = [(float(x * w), float(y)) for x, y in zip(xs, ys, strict=True)] + [(w, h), (0, h)]
        color = colors[(depth + 1) % len(colors)]
        _layer(
            image,
            lambda d, pts=points, c=color, k=depth: d.polygon(
                pts, fill=_rgba(c, 0.55 + 0.12 * k, 1.0 - 0.12 * k)
            ),
        )


def _waves(image: Image.Image, rng: np.random.Generator, colors: Array) -> None:
    w, h = image.size
    xs = np.linspace(0, 1, 96)
    for band in range(5):
        base = h * (0.35 + 0.13 * band)
        amp = h * rng.uniform(0.025, 0.06)
        freq, phase = rng.uniform(1.5, 3.5), rng.random() * 6.28
        ys = base + amp * np.sin(xs * freq * 6.28 + phase)
        points = [(float(x * w), float(y)) for x, y in zip(xs, ys, strict=True)] + [(w, h), (0, h)]
        color = colors[band % len(colors)]
        _layer(image, lambda d, pts=points, c=color: d.polygon(pts, fill=_rgba(c, 0.45, 0.95)))


def _bubbles(image: Image.Image, rng: np.random.Generator, colors: Array) -> None:
    w, h = image.size
    s = min(w, h)

    def draw(d: ImageDraw.ImageDraw) -> None:
        for _ in range(int(rng.integers(14, 24))):
            r = s * rng.uniform(0.03, 0.16)
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            c = colors[int(rng.integers(0, len(colors)))]
            d.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(c, rng.uniform(0.25, 0.6), 1.1))
            d.ellipse(
                (x - r * 0.5, y - r * 0.6, x - r * 0.1, y - r * 0.25), fill=(255, 255, 255, 70)
            )

    _layer(image, draw, blur=s * 0.004)


def _stars(image: Image.Image, rng: np.random.Generator, colors: Array) -> None:
    w, h = image.size
    s = min(w, h)
    # Darken towards the top for a sky, then sprinkle stars and one or two planets.
    arr = np.asarray(image, dtype=np.float32)
    sky = np.linspace(0.45, 1.0, h, dtype=np.float32)[:, None, None]
    image.paste(Image.fromarray(np.clip(arr * sky, 0, 255).astype(np.uint8)))

    def draw(d: ImageDraw.ImageDraw) -> None:
        for _ in range(int(s * 0.35)):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.4, 1.6)
            d.ellipse(
                (x - r, y - r, x + r, y + r), fill=(255, 255, 240, int(rng.uniform(120, 255)))
            )
        for _ in range(int(rng.integers(1, 3))):
            r = s * rng.uniform(0.08, 0.2)
            x, y = rng.uniform(0.15 * w, 0.85 * w), rng.uniform(0.2 * h, 0.8 * h)
            c = colors[int(rng.integers(0, len(colors)))]
            d.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(c, 0.95))
            d.ellipse((x - r * 0.8, y - r * 0.8, x + r * 0.3, y + r * 0.3), fill=_rgba(c, 0.6, 1.2))

    _layer(image, draw)


def _rays(image: Image.Image, rng: np.random.Generator, colors: Array) -> None:
    w, h = image.size
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.15, 0.5) * h
    reach = 2 * max(w, h)
    count = int(rng.integers(10, 18))
    c = colors[int(rng.integers(0, len(colors)))]

    def draw(d: ImageDraw.ImageDraw) -> None:
        for i in range(count):
            a0 = (i / count) * 2 * np.pi + rng.uniform(0, 0.1)
            a1 = a0 + np.pi / count * 0.6
            pts = [
                (cx, cy),
                (cx + reach * np.cos(a0), cy + reach * np.sin(a0)),
                (cx + reach * np.cos(a1), cy + reach * np.sin(a1)),
            ]
            d.polygon(pts, fill=(255, 255, 255, 38))
        r = min(w, h) * 0.12
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_rgba(c, 0.9, 1.15))

    _layer(image, draw, blur=min(w, h) * 0.006)


def _shapes(image: Image.Image, rng: np.random.Generator, colors: Array) -> None:
    w, h = image.size
    s = min(w, h)

    def draw(d: ImageDraw.ImageDraw) -> None:
        for _ in range(int(rng.integers(7, 12))):
            c = colors[int(rng.integers(0, len(colors)))]
            x, y = rng.uniform(-0.1, 1.0) * w, rng.uniform(-0.1, 1.0) * h
            bw, bh = s * rng.uniform(0.12, 0.4), s * rng.uniform(0.08, 0.3)
            if rng.random() < 0.5:
                d.rounded_rectangle(
                    (x, y, x + bw, y + bh),
                    radius=int(s * 0.03),
                    fill=_rgba(c, rng.uniform(0.35, 0.7)),
                )
            else:
                d.polygon(
                    [(x, y + bh), (x + bw / 2, y), (x + bw, y + bh)],
                    fill=_rgba(c, rng.uniform(0.35, 0.7), 0.9),
                )

    _layer(image, draw)


_MOTIFS: dict[str, Callable[[Image.Image, np.random.Generator, Array], None]] = {
    "hills": _hills,
    "waves": _waves,
    "bubbles": _bubbles,
    "stars": _stars,
    "rays": _rays,
    "shapes": _shapes,
}


def _texture(art: Array, rng: np.random.Generator) -> Array:
    """Low-frequency mottling (paper, not noise): cheap to encode, pleasant to look at."""
    h, w = art.shape[:2]
    coarse = rng.normal(0.0, 1.0, (max(2, h // 24), max(2, w // 24))).astype(np.float32)
    mottle = Image.fromarray(((coarse * 18) + 128).clip(0, 255).astype(np.uint8))
    mottle = mottle.resize((w, h), Image.Resampling.BICUBIC)
    factor = 1.0 + (np.asarray(mottle, dtype=np.float32) - 128.0) / 128.0 * 0.05
    return art * factor[..., None]


def _vignette(w: int, h: int, *, strength: float) -> Array:
    ys = np.linspace(-1.0, 1.0, h, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :]
    return 1.0 - strength * np.clip((xs**2 + ys**2) / 2.0, 0.0, 1.0)
