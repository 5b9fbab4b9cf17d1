"""Text set as text in the PDF: one run of a line at a time, in the font the frame drew it with.

Shared by the slide's text blocks (:mod:`render.export.pdf`) and the text of its chart,
diagram or code (:mod:`render.export.pdf_elements`): each run is written in its own font file
(embedded and subset by fpdf2); right-to-left and complex-script runs are shaped by HarfBuzz
(uharfbuzz, fpdf2's text shaping) in their direction, others are written as they are, so they
read back from the PDF exactly as written.
"""

from __future__ import annotations

import io

from fpdf import FPDF

from ..scripts import script_of
from ..typeset import Run, bitmap_tile


class PdfFonts:
    """The font files a PDF has embedded so far, each under the family name fpdf2 knows."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.families: dict[tuple[str, int], str] = {}

    def family(self, run: Run) -> str:
        key = (str(run.face.path), int(run.face.index))
        if key not in self.families:
            self.families[key] = f"face{len(self.families)}"
            self.pdf.add_font(self.families[key], fname=key[0], collection_font_number=key[1])
        return self.families[key]


def write_run(
    pdf: FPDF, fonts: PdfFonts, run: Run, at: tuple[float, float], size: float, width: float
) -> None:
    """``run`` (not a colour bitmap) with its left edge and baseline ``at``, ``size`` points
    tall and ``width`` points wide, all in points; the text colour is the caller's."""
    x, baseline = at
    pdf.set_font(fonts.family(run), size=size)
    if not needs_shaping(run.text, rtl=run.rtl):
        pdf.set_text_shaping(False)
        pdf.text(x, baseline, run.text)
        return
    pdf.set_text_shaping(True, direction="rtl" if run.rtl else "ltr")
    # A cell puts the baseline 0.5 h + 0.3 size below its top.
    pdf.set_xy(x, baseline - 0.8 * size)
    pdf.cell(w=max(width, 0.01) * 1.05, h=size, text=run.text)


def write_bitmap(pdf: FPDF, run: Run, at: tuple[float, float], size: int, points: float) -> None:
    """A colour-bitmap run (emoji) as the frame drew it: its font's one size scaled to
    ``size`` pixels, left edge and baseline ``at`` (in points), as a picture with its text as
    alt text."""
    scale = run.face.scale(size)
    tile, ascent = bitmap_tile(run, run.face.get(size))
    buffer = io.BytesIO()
    tile.save(buffer, format="PNG")
    x, baseline = at
    pdf.image(
        buffer,
        x=x,
        y=baseline - ascent * scale * points,
        w=tile.width * scale * points,
        h=tile.height * scale * points,
        alt_text=run.text,
    )


# Scripts whose letters change shape or order with their neighbours: HarfBuzz sets them.
_COMPLEX = frozenset(
    {
        "Arabic", "Hebrew", "Syriac", "Thaana", "Devanagari", "Bengali", "Gurmukhi",
        "Gujarati", "Oriya", "Tamil", "Telugu", "Kannada", "Malayalam", "Sinhala", "Thai",
        "Lao", "Tibetan", "Myanmar", "Khmer", "Mongolian",
    }
)  # fmt: skip


def needs_shaping(text: str, *, rtl: bool) -> bool:
    """Right-to-left and complex-script runs are shaped; Latin, Greek, Cyrillic and CJK are
    written as they are (their text then reads back from the PDF exactly as written)."""
    return rtl or any(script_of(ch) in _COMPLEX for ch in text)
