"""PDF export: one page per slide, the frame at full resolution with its text set as text.

Each page is the video's frame without its text (picture, panel, accent bar) as an image at
the frame's full pixel size, and on top of it the text drawn with the same font files, at the
same size, with the same line breaks and baselines as the frame (fpdf2, fonts embedded and
subset). So the page looks like the video, the text is sharp at any zoom and in print, and it
can be selected, searched and copied. Each line is written run by run, every run in the font
the frame drew it with, shaped by HarfBuzz (uharfbuzz, fpdf2's text shaping) in its direction,
so Arabic and Hebrew join and read right to left, and Devanagari and Thai marks sit where they
belong; emoji are placed as the frame's colour pictures. The bullet dots are drawn as vector
circles, and every slide's title is a bookmark in the document outline. A chart, diagram or
code listing is drawn as shapes and text too (:mod:`render.export.pdf_elements`): the page's
picture leaves its place on the card empty. An equation stays in the picture.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF

from deck import Aspect

from ..compose import TextBlock
from ..contrast import hex_to_rgb
from ..text import SetText
from .pdf_elements import draw_element
from .pdf_text import PdfFonts, write_bitmap, write_run
from .slides import DRAWN_IN_PDF, ExportPlan

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

    fonts = PdfFonts(pdf)
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
        if item.element is not None and item.element.kind in DRAWN_IN_PDF:
            assert item.slide.element is not None and plan.fonts is not None
            draw_element(
                pdf, item.slide.element, item.element, plan.theme.palette, points, plan.fonts, fonts
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
            _write_block(pdf, block, block.setting, points, fonts)
    pdf.output(str(target))


def _write_block(
    pdf: FPDF,
    block: TextBlock,
    setting: SetText,
    points: float,
    fonts: PdfFonts,
) -> None:
    """Every run of every line of ``block`` at the place the frame drew it."""
    pdf.set_text_color(*block.color)
    size = setting.size * points
    for line in block.lines:
        for run in line.runs:
            x, baseline = (line.x + run.x) * points, line.baseline * points
            if not run.text.strip():
                continue
            if run.face.bitmap:
                write_bitmap(pdf, run, (x, baseline), setting.size, points)
                continue
            write_run(pdf, fonts, run, (x, baseline), size, run.width * points)
