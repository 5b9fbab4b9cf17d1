"""PDF export: one page per slide, the frame at full resolution with its text set as text.

Each page is the video's frame without its text (picture, panel, accent bar) as an image at
the frame's full pixel size, and on top of it the text drawn with the same font files, at the
same size, with the same line breaks and baselines as the frame (fpdf2, fonts embedded and
subset). So the page looks like the video, the text is sharp at any zoom and in print, and it
can be selected, searched and copied. The bullet dots are drawn as vector circles, and every
slide's title is a bookmark in the document outline.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF

from deck import Aspect

from ..contrast import hex_to_rgb
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
            font = block.setting.font
            key = (str(font.path), int(font.index))
            if key not in families:
                families[key] = f"face{len(families)}"
                pdf.add_font(families[key], fname=key[0], collection_font_number=key[1])
            pdf.set_font(families[key], size=block.setting.size * points)
            pdf.set_text_color(*block.color)
            for line in block.lines:
                pdf.text(line.x * points, line.baseline * points, line.text)
    pdf.output(str(target))
