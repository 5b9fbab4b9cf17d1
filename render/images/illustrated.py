"""Illustrated pictures: offline, deterministic pictures that show what the slide is about.

The prompt's nouns (else the title's) choose a main subject and up to two supporting elements
from the bundled Fluent Emoji Flat set (``matching.py``); they are placed where the layout sets
no text (``arrangement.py``) on a ground in the theme's colours (``backdrop.py``) and drawn as
vectors at the output size, so every edge is anti-aliased. A prompt that names nothing drawable
gets the procedural backend's abstract art instead: a wrong subject is worse than none. Another
seed ("new picture") gives another arrangement, and another subject where several fit.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from functools import cache

import numpy as np
from PIL import Image

from .arrangement import Box, Placement, arrange
from .artset import art_set
from .backdrop import drop_shadow, paint_backdrop
from .base import ImageRequest
from .matching import Subjects, choose_subjects, describe
from .procedural import DEFAULT_ART, paint
from .vector import INSTALL_HINT, icon_svg, rasterize, vector_available

log = logging.getLogger(__name__)
PAD = 3.0  # viewBox units of room around an icon, so a turned one is not clipped
SHADOW = (20, 24, 40)


class IllustratedBackend:
    """Pictures composed from bundled illustrations; the default when no model is set."""

    name = "illustrated"
    version = 1

    def __init__(self, *, concurrency: int | None = None) -> None:
        self.batch_size = 1
        self.concurrency = concurrency or max(1, os.cpu_count() or 1)

    @property
    def available(self) -> bool:
        """Whether SVGs can be drawn here (cairosvg and libcairo); else pictures are abstract."""
        if not vector_available():
            _warn_once()
            return False
        return True

    def cache_id(self, request: ImageRequest) -> dict[str, object]:
        art = art_set()
        return {
            "backend": self.name,
            "version": self.version,
            "art": f"{art.source} {art.version} {art.digest}",
            "palette": list(request.palette),
            "title": request.title,
            "language": request.language,
            "style": request.style,
            "keep_clear": [list(b) for b in request.keep_clear],
            "vector": self.available,
            # what the matcher picks: a better reading of the same prompt is a new picture
            "subjects": [pick.name for pick in self.subjects(request).all],
        }

    def subjects(self, request: ImageRequest) -> Subjects:
        """What ``request``'s picture shows (no main subject: an abstract picture)."""
        return choose_subjects(
            request.prompt,
            request.seed,
            title=request.title,
            language=request.language,
            style=request.style,
        )

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        return [self.paint(request) for request in requests]

    def paint(self, request: ImageRequest) -> Image.Image:
        palette = request.palette or DEFAULT_ART
        subjects = self.subjects(request)
        if subjects.main is None or not self.available:
            return paint(request.prompt, request.seed, request.size, palette)
        log.debug("picture for %r: %s", request.prompt[:60], describe(subjects))
        w, h = request.size
        rng = np.random.default_rng(_seed(request))
        clear: list[Box] = [
            (x0 * w, y0 * h, x1 * w, y1 * h) for x0, y0, x1, y1 in request.keep_clear
        ]
        names = [p.name for p in subjects.supporting]
        placements = arrange(subjects.main.name, names, request.size, clear, rng)
        canvas = paint_backdrop(request.size, palette, placements, clear, rng)
        # Supporting elements first, so the main subject overlaps them.
        for placement in sorted(placements, key=lambda p: p.main):
            _draw(canvas, placement)
        return canvas


def _draw(canvas: Image.Image, p: Placement) -> None:
    art = art_set()
    px = max(8, round(p.size * (32 + 2 * PAD) / 32))
    icon = rasterize(icon_svg(art.body(p.name), rotate=p.rotate, flip=p.flip, pad=PAD), px, px)
    x, y = round(p.cx - px / 2), round(p.cy - px / 2)
    offset = round(p.size * 0.035)
    canvas.paste(SHADOW, (x + offset, y + 2 * offset), drop_shadow(icon))
    canvas.paste(icon, (x, y), icon)  # "over": the icon's alpha is its mask


@cache
def _warn_once() -> None:
    log.warning("%s; pictures will be abstract", INSTALL_HINT)


def _seed(request: ImageRequest) -> int:
    digest = hashlib.sha256(f"{request.seed}\x00{request.prompt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")
