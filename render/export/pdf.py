"""PDF export: one page per slide, the frame at full resolution with its text set as text.

Each page is the video's frame without its text (picture, panel, accent bar) as an image at
the frame's full pixel size, and on top of it the text drawn with the same font files, at the
same size, with the same line breaks and baselines as the frame (fpdf2, fonts embedded and
subset). So the page looks like the video, the text is sharp at any zoom and in print, and it
can be selected, searched and copied. Each line is written run by run, every run in the font
the frame drew it with, shaped by HarfBuzz (uharfbuzz, fpdf2's text shaping) in its direction,
so Arabic and Hebrew join and read right to left, and Devanagari and Thai marks sit where they
belong; emoji are placed as the frame's colour pictures. The bullet dots are drawn as vector
circles, and every slide's title is a bookmark in the document outline.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF

from deck import Aspect

from ..compose import TextBlock
from ..contrast import hex_to_rgb
from ..scripts import script_of
from ..text import SetText
from .slides import ExportPlan

# Page sizes in points: the same 13.333 x 7.5 in (turned for 9:16, 7.5 in square) as the
# PowerPoint export, so both print alike.
PAGE_SIZES: dict[Aspect, tuple[float, float]] = {
    Aspect.WIDE: (960.0, 540.0),
    Aspect.TALL: (540.0, 960.0),
    Aspect.SQUARE: (540.0, 540.0),
}


def write_pdf(plan: ExportPlan, target: Path) -> None:
    """Write ``plan`` as a PDF at ``target`` (blocking)."""
    width, height = PAGE_SIZES[plan.deck.aspect]
    points = width / plan.spec.width  # points per frame pixel
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(plan.deck.title)
    pdf.set_lang(plan.deck.language)
    pdf.set_creator("deckcast")
    pdf.set_subject(f"{len(plan.slides)} slides, theme {plan.theme.name}")
    pdf.c_margin = 0

    families: dict[tuple[str, int], str] = {}
    accent = hex_to_rgb(plan.theme.palette.accent)
    for item in plan.slides:
        pdf.add_page()
        pdf.start_section(item.slide.title)
        if item.underlay is not None:
            pdf.image(
                io.BytesIO(item.underlay.data),
                x=0,
                y=0,
                w=width,
                h=height,
                alt_text=item.slide.image_prompt,
            )
        for block in item.blocks:
            if block.setting is None:
                continue
            if block.markers:
                pdf.set_fill_color(*accent)
                for x0, y0, x1, y1 in block.markers:
                    pdf.ellipse(
                        x0 * points, y0 * points, (x1 - x0) * points, (y1 - y0) * points, "F"
                    )
            _write_block(pdf, block, block.setting, points, families)
    pdf.output(str(target))


def _write_block(
    pdf: FPDF,
    block: TextBlock,
    setting: SetText,
    points: float,
    families: dict[tuple[str, int], str],
) -> None:
    """Every run of every line of ``block`` at the place the frame drew it."""
    pdf.set_text_color(*block.color)
    size = setting.size * points
    for line in block.lines:
        for run in line.runs:
            x, baseline = (line.x + run.x) * points, line.baseline * points
            if not run.text.strip():
                continue
            if run.face.bitmap and setting.typeset is not None:
                tile, rise = setting.typeset.bitmap_tile(run)
                buffer = io.BytesIO()
                tile.save(buffer, format="PNG")
                pdf.image(
                    buffer,
                    x=x,
                    y=baseline - rise * points,
                    w=tile.width * points,
                    h=tile.height * points,
                    alt_text=run.text,
                )
                continue
            key = (str(run.face.path), int(run.face.index))
            if key not in families:
                families[key] = f"face{len(families)}"
                pdf.add_font(families[key], fname=key[0], collection_font_number=key[1])
            pdf.set_font(families[key], size=size)
            if not _needs_shaping(run.text, rtl=run.rtl):
                pdf.set_text_shaping(False)
                pdf.text(x, baseline, run.text)
                continue
            pdf.set_text_shaping(True, direction="rtl" if run.rtl else "ltr")
            # A cell puts the baseline 0.5 h + 0.3 size below its top.
            pdf.set_xy(x, baseline - 0.8 * size)
            pdf.cell(w=max(run.width * points, 0.01) * 1.05, h=size, text=run.text)


# Scripts whose letters change shape or order with their neighbours: HarfBuzz sets them.
_COMPLEX = frozenset(
    {
        "Arabic", "Hebrew", "Syriac", "Thaana", "Devanagari", "Bengali", "Gurmukhi",
        "Gujarati", "Oriya", "Tamil", "Telugu", "Kannada", "Malayalam", "Sinhala", "Thai",
        "Lao", "Tibetan", "Myanmar", "Khmer", "Mongolian",
    }
)  # fmt: skip


def _needs_shaping(text: str, *, rtl: bool) -> bool:
    """Right-to-left and complex-script runs are shaped; Latin, Greek, Cyrillic and CJK are
    written as they are (their text then reads back from the PDF exactly as written)."""
    return rtl or any(script_of(ch) in _COMPLEX for ch in text)
