"""A translucent scrim laid over part of a frame, just opaque enough for the text drawn on it
to reach WCAG AA contrast against every pixel beneath (text panels, the caption band)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .contrast import AA_NORMAL_TEXT, scrim_opacity
from .layout import Box
from .typeset import RGB


def draw_scrim(
    canvas: Image.Image,
    box: Box,
    text: RGB,
    panel: RGB,
    *,
    radius: int,
    minimum: float = 0.55,
    alpha: float | None = None,
) -> float:
    """Lay a ``panel``-coloured scrim over ``box``, just opaque enough for AA contrast (or
    ``alpha`` opaque); return the opacity used."""
    region = canvas.crop(box)
    if alpha is None:
        alpha = _least_opacity(region, text, panel, minimum)
    overlay = Image.new("RGB", region.size, panel)
    blended = Image.blend(region, overlay, alpha)
    mask = Image.new("L", region.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (0, 0, region.width - 1, region.height - 1), radius=radius, fill=255
    )
    region.paste(blended, (0, 0), mask)
    canvas.paste(region, box[:2])
    return alpha


def _least_opacity(region: Image.Image, text: RGB, panel: RGB, minimum: float) -> float:
    """The least opacity of a ``panel`` scrim over ``region`` that gives ``text`` AA contrast."""
    pixels = np.asarray(
        region.resize((max(1, region.width // 4), max(1, region.height // 4)), Image.Resampling.BOX)
    )
    # The reduced copy averages pixels; check the full-resolution extremes as well.
    full = np.asarray(region)
    extremes = np.stack([full.reshape(-1, 3).min(axis=0), full.reshape(-1, 3).max(axis=0)])
    sample = np.concatenate(
        [pixels.reshape(-1, 3), full.reshape(-1, 3)[:: max(1, full.size // 60000)], extremes]
    )
    return scrim_opacity(text, panel, sample, target=AA_NORMAL_TEXT + 0.3, minimum=minimum)
