"""A slide split into layers for motion: the picture that moves and the still text over it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
from PIL import Image

from deck import Layout, Slide, ThemeSpec

from .compose import ComposedFrame, compose_slide, fit_picture
from .fonts import FontSet
from .frame import FrameSpec
from .layout import Box, box_size


@dataclass(frozen=True, slots=True)
class SlideLayers:
    """A slide split for motion: the ``picture`` (cover-fitted to ``box``) that may move, and
    the still ``text`` layer over it (RGBA, frame-sized: panel, title, bullets, and the plain
    background around a picture that does not fill the frame). ``text`` laid over ``picture``
    placed at ``box`` is ``frame`` (to rounding)."""

    frame: ComposedFrame
    picture: Image.Image
    box: Box
    text: Image.Image


def compose_layers(
    slide: Slide,
    layout: Layout,
    picture: Image.Image,
    theme: ThemeSpec,
    spec: FrameSpec,
    fonts: FontSet,
    *,
    captions: bool = False,
) -> SlideLayers:
    """``slide`` as a picture layer and a transparent text layer (for slides without an
    element). The text is drawn over a black and over a white picture, with the panel as
    opaque as on the real picture; the two tell each pixel's coverage and colour, so
    antialiased edges and the panel's translucency come out exactly as PIL drew them."""
    draw = partial(
        compose_slide, slide, layout, theme=theme, spec=spec, fonts=fonts, captions=captions
    )
    frame = draw(picture)
    box = frame.picture_box or (0, 0, *spec.size)
    opacity = frame.panel.opacity if frame.panel is not None else None
    on_black, on_white = (
        np.asarray(
            draw(Image.new("RGB", box_size(box), shade), panel_opacity=opacity).image,
            dtype=np.float32,
        )
        for shade in ((0, 0, 0), (255, 255, 255))
    )
    # Over black a pixel is a*c; over white a*c + (1 - a)*255.
    alpha = np.clip(255.0 - (on_white - on_black).mean(axis=2), 0.0, 255.0)
    colour = np.where(alpha[..., None] > 0, on_black * 255.0 / np.maximum(alpha, 1.0)[..., None], 0)
    rgba = np.dstack([np.clip(colour, 0, 255), alpha]).round().astype(np.uint8)
    layer = Image.fromarray(rgba)
    return SlideLayers(frame, fit_picture(picture, box_size(box)), box, layer)
