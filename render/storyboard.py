"""The storyboard: one contact sheet of every slide, numbered and titled, as a PNG."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

from deck import ThemeSpec

from .contrast import hex_to_rgb
from .fonts import FontSet
from .text import fit_paragraphs


def storyboard(
    frames: list[Path],
    titles: list[str],
    deck_title: str,
    theme: ThemeSpec,
    fonts: FontSet,
    *,
    thumb_width: int = 400,
) -> Image.Image:
    """A grid of thumbnails with "number. title" under each and the deck title on top."""
    with Image.open(frames[0]) as first:
        ratio = first.height / first.width
    columns = min(len(frames), 5 if ratio > 1.2 else 4)
    rows = math.ceil(len(frames) / columns)
    tw, th = thumb_width, round(thumb_width * ratio)
    pad, label_h, header_h = 24, 64, 90
    sheet = Image.new(
        "RGB",
        (columns * tw + (columns + 1) * pad, header_h + rows * (th + label_h + pad) + pad),
        theme.palette.background,
    )
    draw = ImageDraw.Draw(sheet)
    text = hex_to_rgb(theme.palette.text)
    face, _ = fonts.pick(deck_title, bold=True)
    heading = fit_paragraphs(
        [deck_title],
        face,
        sheet.width - 2 * pad,
        header_h - pad,
        max_size=44,
        min_size=18,
        max_lines=1,
    )
    draw.text(
        (pad, pad + heading.ascent),
        heading.paragraphs[0][0] if heading.paragraphs else "",
        font=heading.font,
        fill=text,
        anchor="ls",
    )
    for i, (path, title) in enumerate(zip(frames, titles, strict=True)):
        x = pad + (i % columns) * (tw + pad)
        y = header_h + (i // columns) * (th + label_h + pad)
        with Image.open(path) as frame:
            sheet.paste(frame.convert("RGB").resize((tw, th), Image.Resampling.LANCZOS), (x, y))
        label = f"{i + 1}. {title}"
        face, _ = fonts.pick(label)
        fitted = fit_paragraphs(
            [label], face, tw, label_h - 8, max_size=22, min_size=14, max_lines=2
        )
        ty = y + th + 8
        for line in (line for p in fitted.paragraphs for line in p):
            draw.text((x, ty + fitted.ascent), line, font=fitted.font, fill=text, anchor="ls")
            ty += fitted.line_height
    return sheet
