"""Equations: LaTeX math typeset by matplotlib's mathtext (no TeX install), in the theme's text
colour, as large as the card allows.

mathtext reads the common subset of LaTeX math (fractions, roots, sums and integrals with
limits, Greek, accents, ``\\left( … \\right)``); what it cannot read is refused before the
render starts, with the character where reading stopped.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

import numpy as np
from PIL import Image

from deck import Equation, Palette

from ..contrast import hex_to_rgb
from ..errors import ElementError
from ..layout import Box
from .base import RGB, ElementDrawing, Label

INSTALL_MATH = "pip install 'deckcast[math]'"
MAX_EQUATION = 0.13  # the largest equation's font size, as a fraction of the short side
MIN_EQUATION = 0.04  # the smallest: sub- and superscripts are set smaller still
PROBE = 20.0  # points at 72 dpi (1 pt = 1 px): a first setting to measure the equation with


@functools.cache
def _parser() -> Any:
    try:
        from matplotlib.mathtext import MathTextParser
    except ImportError:
        raise ElementError(
            f"equations are typeset with matplotlib, which is not installed: {INSTALL_MATH}"
        ) from None
    return MathTextParser("agg")


def _parse(latex: str, size: float) -> Any:
    from matplotlib.font_manager import FontProperties

    try:
        return _parser().parse(f"${latex}$", dpi=72, prop=FontProperties(size=size))
    except ValueError as exc:
        raise ElementError(_describe(latex, str(exc))) from None


def _describe(latex: str, message: str) -> str:
    """mathtext's error as one sentence: where reading stopped, and what it expected."""
    found = re.search(r"\(at char (\d+)\)", message)
    at = min(int(found.group(1)), len(latex)) if found else 0
    reason = message.strip().splitlines()[-1] if message.strip() else "it cannot be read"
    reason = re.sub(r"^\w*Exception: ", "", reason)
    reason = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", reason)
    if len(reason) > 90:  # pyparsing's list of every construct it would have accepted
        tail = re.search(r"found (.*)$", reason)
        reason = "something is missing or not closed" + (f", found {tail.group(1)}" if tail else "")
    before, after = latex[max(0, at - 15) : at], latex[at : at + 15]
    return (
        f"the equation '{latex}' does not parse at character {at + 1} "
        f"('{before}' ▸ '{after}'): {reason}"
    )


def check_latex(latex: str) -> None:
    """Raise :class:`ElementError` (naming the position) if mathtext cannot read ``latex``."""
    _parse(latex, PROBE)


def draw_equation(
    canvas: Image.Image,
    equation: Equation,
    box: Box,
    palette: Palette,
    short_side: int,
    backdrop: RGB,
) -> ElementDrawing:
    """Draw ``equation`` centred in ``box``, as large as fits between the sizes above."""
    width, height = box[2] - box[0], box[3] - box[1]
    probe = _parse(equation.latex, PROBE)
    scale = min(width / max(1.0, probe.width), height / max(1.0, probe.height))
    size = min(PROBE * scale * 0.98, MAX_EQUATION * short_side)
    if size < MIN_EQUATION * short_side:
        raise ElementError(
            f"the equation '{equation.latex[:60]}' is too long to be read on the slide; "
            "split it over two slides, or give it a slide without bullets"
        )
    parsed = _parse(equation.latex, math.floor(size))
    mask = Image.fromarray(np.asarray(parsed.image, dtype=np.uint8))
    colour = hex_to_rgb(palette.text)
    picture = Image.new("RGBA", mask.size, (*colour, 0))
    picture.putalpha(mask)
    x = box[0] + (width - mask.width) // 2
    y = box[1] + (height - mask.height) // 2
    canvas.paste(Image.new("RGB", mask.size, colour), (x, y), mask)
    inked = mask.getbbox() or (0, 0, mask.width, mask.height)
    bounds = (x + inked[0], y + inked[1], x + inked[2], y + inked[3])
    return ElementDrawing(
        "equation",
        box,
        bounds,
        backdrop,
        labels=[Label(equation.latex, bounds, colour, math.floor(size))],
        size=math.floor(size),
        picture=picture,
        picture_box=(x, y, x + mask.width, y + mask.height),
    )
