"""The ground an illustration stands on: a soft gradient in the theme's colours, a disc of
light behind the main subject, a few dots, and soft shadows. Every edge is computed with
analytic coverage at the output size, so it is anti-aliased without supersampling.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

from deck import THEMES

from ..contrast import hex_to_rgb
from .arrangement import Box, Placement

Array = NDArray[np.float32]


def luminance(rgb: Array) -> float:
    return float(0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255.0


def paint_backdrop(
    size: tuple[int, int],
    palette: Sequence[str],
    placements: Sequence[Placement],
    keep_clear: Sequence[Box],
    rng: np.random.Generator,
) -> Image.Image:
    """An RGB image of ``size`` to draw the elements of ``placements`` on."""
    w, h = size
    colors = np.array([hex_to_rgb(c) for c in palette], dtype=np.float32)
    by_light = sorted(colors, key=luminance)
    light = _light_page(palette, colors)
    if light:  # a pale ground from the lightest colours, a disc of a livelier one
        anchor = np.full(3, 250.0, np.float32)
        pale = by_light[-3:][::-1]
        pick = rng.permutation(len(pale))
        top, bottom = _mix(pale[pick[0]], anchor, 0.6), _mix(pale[pick[-1]], anchor, 0.35)
        lively = [c for c in colors if 0.25 < luminance(c) < 0.85] or list(colors)
        disc = _mix(max(lively, key=_saturation) if rng.random() < 0.6 else lively[0], anchor, 0.45)
    else:  # a deep ground from the darkest colours, a disc of a little light
        anchor = by_light[0] * 0.6
        deep = by_light[:3]
        pick = rng.permutation(len(deep))
        top, bottom = _mix(deep[pick[0]], anchor, 0.2), _mix(deep[pick[-1]], anchor, 0.25)
        rest = by_light[1:] or by_light
        glow = rest[int(rng.integers(len(rest)))]
        # a bright colour glows softly, a deep one a little brighter
        disc = (
            _mix(glow, anchor, 0.45)
            if luminance(glow) > 0.45
            else _mix(glow, np.full(3, 255.0, np.float32), 0.12)
        )
    canvas = _gradient(w, h, top, bottom, float(rng.uniform(-0.35, 0.35)))

    short = min(w, h)
    main = next((p for p in placements if p.main), None)
    if main is not None:
        _disc(canvas, main.cx, main.cy, main.size * 0.6, disc, 0.9 if light else 0.8)
        ring = _mix(disc, anchor, 0.3)
        _ring(canvas, main.cx, main.cy, main.size * 0.72, short * 0.006, ring, 0.35)
    for _ in range(int(rng.integers(7, 13))):  # confetti of dots, away from text
        r = short * float(rng.uniform(0.006, 0.016))
        x, y = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        if any(b[0] - r < x < b[2] + r and b[1] - r < y < b[3] + r for b in keep_clear):
            continue
        color = colors[int(rng.integers(len(colors)))]
        _disc(canvas, x, y, r, _mix(color, anchor, 0.15), float(rng.uniform(0.35, 0.7)))
    for p in placements:  # a soft contact shadow under each element
        under = canvas.getpixel((min(w - 1, int(p.cx)), min(h - 1, int(p.cy))))
        shade = np.array(under, dtype=np.float32) * 0.55
        _soft_ellipse(canvas, p.cx, p.cy + p.size * 0.47, p.size * 0.36, p.size * 0.06, shade, 0.35)
    return canvas


def _light_page(palette: Sequence[str], colors: Array) -> bool:
    """Whether the picture sits in a light deck: the theme's page colour says, when the palette
    is a theme's; else the palette's own mean lightness."""
    for spec in THEMES.values():
        if tuple(spec.palette.art) == tuple(palette):
            return luminance(np.array(hex_to_rgb(spec.palette.background), np.float32)) > 0.5
    return float(np.mean([luminance(c) for c in colors])) > 0.45


def drop_shadow(icon: Image.Image, strength: float = 0.22) -> Image.Image:
    """A blurred copy of ``icon``'s shape (an "L" mask), to darken a little below it."""
    alpha = icon.getchannel("A")
    small = alpha.reduce(8) if min(icon.size) >= 16 else alpha
    blurred = small.filter(ImageFilter.GaussianBlur(1.6)).resize(icon.size, Image.BILINEAR)
    return blurred.point(lambda v: int(v * strength))


def _saturation(c: Array) -> float:
    return float(c.max() - c.min())


def _mix(a: Array, b: Array, t: float) -> Array:
    return (a * (1 - t) + b * t).astype(np.float32)


def _rgb(color: Array) -> tuple[int, int, int]:
    c = np.clip(color + 0.5, 0, 255).astype(int)
    return int(c[0]), int(c[1]), int(c[2])


def _gradient(w: int, h: int, top: Array, bottom: Array, tilt: float) -> Image.Image:
    """A smooth two-colour gradient, slightly tilted: painted small and enlarged (it has no
    edges, so nothing is lost)."""
    sw, sh = max(2, w // 16), max(2, h // 16)
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
    t = np.clip(ys / (sh - 1) + tilt * (xs / (sw - 1) - 0.5), 0, 1)[..., None]
    small = np.clip(top * (1 - t) + bottom * t + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(small).resize((w, h), Image.BILINEAR)


def _window(size: tuple[int, int], cx: float, cy: float, rx: float, ry: float) -> Box | None:
    w, h = size
    x0, x1 = max(0, int(cx - rx - 2)), min(w, int(cx + rx + 3))
    y0, y1 = max(0, int(cy - ry - 2)), min(h, int(cy + ry + 3))
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, y0, x1, y1


def _blend(canvas: Image.Image, win: Box, cover: Array, color: Array, alpha: float) -> None:
    """Lay ``color`` over ``win`` with opacity ``cover`` × ``alpha`` (cover: 0-1 per pixel)."""
    mask = Image.fromarray((cover * (alpha * 255) + 0.5).astype(np.uint8))
    x0, y0, x1, y1 = (int(v) for v in win)
    canvas.paste(_rgb(color), (x0, y0, x1, y1), mask)


def _offsets(win: Box, cx: float, cy: float) -> tuple[Array, Array]:
    xs = np.arange(win[0], win[2], dtype=np.float32)[None, :] + 0.5 - cx
    ys = np.arange(win[1], win[3], dtype=np.float32)[:, None] + 0.5 - cy
    return xs, ys


def _disc(canvas: Image.Image, cx: float, cy: float, r: float, color: Array, alpha: float) -> None:
    win = _window(canvas.size, cx, cy, r, r)
    if win is not None:  # coverage of each pixel by the disc's edge: 1 inside, 0 outside
        xs, ys = _offsets(win, cx, cy)
        cover = np.clip(r + 0.5 - np.sqrt(xs * xs + ys * ys), 0, 1)
        _blend(canvas, win, cover, color, alpha)


def _ring(
    canvas: Image.Image, cx: float, cy: float, r: float, width: float, color: Array, alpha: float
) -> None:
    win = _window(canvas.size, cx, cy, r + width, r + width)
    if win is not None:
        xs, ys = _offsets(win, cx, cy)
        d = np.abs(np.sqrt(xs * xs + ys * ys) - r)
        _blend(canvas, win, np.clip(width / 2 + 0.5 - d, 0, 1), color, alpha)


def _soft_ellipse(
    canvas: Image.Image, cx: float, cy: float, rx: float, ry: float, color: Array, alpha: float
) -> None:
    win = _window(canvas.size, cx, cy, rx, ry)
    if win is None:
        return
    xs, ys = _offsets(win, cx, cy)
    xs, ys = xs / rx, ys / ry
    _blend(canvas, win, np.clip(1 - (xs * xs + ys * ys), 0, 1) ** 1.5, color, alpha)
