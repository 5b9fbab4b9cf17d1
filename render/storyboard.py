"""The storyboard: one contact sheet of every slide, numbered and titled, as a PNG."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from PIL import Image

from deck import Deck, ThemeSpec

from .cache import CacheView, asset_key
from .contrast import hex_to_rgb
from .fonts import FontSet
from .output import replacing
from .text import fit_paragraphs

THUMB_WIDTH = 400


def thumbnail(frame: Path, width: int = THUMB_WIDTH) -> Image.Image:
    """A ``width``-pixel-wide copy of a frame, for the storyboard."""
    with Image.open(frame) as image:
        height = round(image.height * width / image.width)
        return image.convert("RGB").resize(
            (width, height), Image.Resampling.LANCZOS, reducing_gap=2.0
        )


def storyboard(
    thumbs: list[Image.Image],
    titles: list[str],
    deck_title: str,
    theme: ThemeSpec,
    fonts: FontSet,
) -> Image.Image:
    """A grid of thumbnails with "number. title" under each and the deck title on top."""
    tw, th = thumbs[0].size
    columns = min(len(thumbs), 5 if th > tw * 1.2 else 4)
    rows = math.ceil(len(thumbs) / columns)
    pad, label_h, header_h = 24, 64, 90
    sheet = Image.new(
        "RGB",
        (columns * tw + (columns + 1) * pad, header_h + rows * (th + label_h + pad) + pad),
        theme.palette.background,
    )
    text = hex_to_rgb(theme.palette.text)
    heading = fit_paragraphs(
        [deck_title],
        fonts,
        sheet.width - 2 * pad,
        header_h - pad,
        max_size=44,
        min_size=18,
        max_lines=1,
        bold=True,
    )
    if heading.paragraphs and heading.typeset is not None:
        heading.typeset.draw(sheet, pad, pad + heading.ascent, heading.paragraphs[0][0], text)
    for i, (thumb, title) in enumerate(zip(thumbs, titles, strict=True)):
        x = pad + (i % columns) * (tw + pad)
        y = header_h + (i // columns) * (th + label_h + pad)
        sheet.paste(thumb, (x, y))
        label = f"{i + 1}. {title}"
        fitted = fit_paragraphs(
            [label], fonts, tw, label_h - 8, max_size=22, min_size=14, max_lines=2
        )
        ty = y + th + 8
        for line in (line for p in fitted.paragraphs for line in p):
            if fitted.typeset is not None:
                fitted.typeset.draw(sheet, x, ty + fitted.ascent, line, text)
            ty += fitted.line_height
    return sheet


def write_storyboard(
    cache: CacheView,
    frames: list[tuple[Path, str]],
    titles: list[str],
    deck: Deck,
    theme: ThemeSpec,
    fonts: FontSet,
    target: Path,
) -> None:
    """Write the contact sheet of ``frames`` (path, cache key) to ``target``: built from
    cached thumbnails (one per frame), and itself cached, so an edit redraws one thumbnail."""
    thumb_keys = [asset_key(step="thumb", frame=key, width=THUMB_WIDTH) for _p, key in frames]
    key = asset_key(
        step="storyboard",
        thumbs=thumb_keys,
        titles=titles,
        title=deck.title,
        theme=theme.name,
        language=deck.language,
    )
    sheet = cache.lookup("storyboard", key, "png")
    if sheet is None:
        thumbs = []
        for (frame, _k), thumb_key in zip(frames, thumb_keys, strict=True):
            path = cache.lookup("thumb", thumb_key, "png")
            if path is None:
                thumbs.append(thumbnail(frame))
                cache.store_image("thumb", thumb_key, thumbs[-1])
            else:
                with Image.open(path) as image:
                    thumbs.append(image.convert("RGB"))
        sheet = cache.store_image(
            "storyboard", key, storyboard(thumbs, titles, deck.title, theme, fonts)
        )
    with replacing(target) as tmp:
        shutil.copyfile(sheet, tmp)
