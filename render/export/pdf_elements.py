"""A slide's chart, diagram or code in the PDF: vector shapes and selectable text.

The frame's drawing of the element (:class:`render.elements.ElementDrawing`) says where every
mark and every line of text went; this module draws the same marks with fpdf2 (rectangles,
lines, polygons, pie sectors) in the same colours, and writes each label as text in the font
the frame drew it with, where the frame drew it. A bar is as tall as its value says, exactly
(the frame rounds it to whole pixels), so the numbers can be measured on the page, and every
label, tick and table cell can be selected, searched and copied. An equation stays the frame's
picture (its LaTeX is the slide's alt text in the PowerPoint).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from fpdf import FPDF
from fpdf.enums import StrokeCapStyle, StrokeJoinStyle

from deck import Chart, ChartType, Diagram, DiagramType, Element, Palette

from ..contrast import ensure_contrast, hex_to_rgb, mix
from ..elements import ElementDrawing, Label
from ..elements.code import mono_fonts
from ..fonts import FontSet
from ..typeset import RAQM, Run, Typeset
from .pdf_text import PdfFonts, write_bitmap, write_run

RGB = tuple[int, int, int]
Point = tuple[float, float]
ARC_STEP = 3.0  # degrees between the points of a pie sector's edge


class _Page:
    """Drawing in frame pixels on a PDF page measured in points."""

    def __init__(self, pdf: FPDF, points: float, fonts: FontSet, text: PdfFonts) -> None:
        self.pdf = pdf
        self.points = points
        self.fonts = fonts
        self.text = text
        self._typesets: dict[tuple[int, int, bool], Typeset] = {}

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: RGB) -> None:
        if x1 <= x0 or y1 <= y0:
            return
        p = self.points
        self.pdf.set_fill_color(*fill)
        self.pdf.rect(x0 * p, y0 * p, (x1 - x0) * p, (y1 - y0) * p, style="F")

    def rounded(
        self, box: tuple[int, int, int, int], radius: float, fill: RGB, outline: RGB, width: float
    ) -> None:
        """A rounded box as Pillow draws one: its outline ``width`` inside its edge."""
        p, half = self.points, width / 2
        x0, y0, x1, y1 = box
        self.pdf.set_fill_color(*fill)
        self.pdf.set_draw_color(*outline)
        self.pdf.set_line_width(width * p)
        self.pdf.rect(
            (x0 + half) * p,
            (y0 + half) * p,
            (x1 - x0 - width) * p,
            (y1 - y0 - width) * p,
            style="DF",
            round_corners=True,
            corner_radius=max(0.0, radius - half) * p,
        )

    def polyline(self, points: list[Point], colour: RGB, width: float) -> None:
        """A line through pixel centres, ``width`` pixels wide, with round joins."""
        p = self.points
        self.pdf.set_draw_color(*colour)
        self.pdf.set_line_width(width * p)
        path = [((x + 0.5) * p, (y + 0.5) * p) for x, y in points]
        with self.pdf.local_context(
            stroke_join_style=StrokeJoinStyle.ROUND, stroke_cap_style=StrokeCapStyle.BUTT
        ):
            self.pdf.polyline(path, style="D")

    def polygon(self, points: list[Point], fill: RGB, *, centres: bool = True) -> None:
        p, shift = self.points, 0.5 if centres else 0.0
        self.pdf.set_fill_color(*fill)
        self.pdf.polygon([((x + shift) * p, (y + shift) * p) for x, y in points], style="F")

    def disc(self, cx: float, cy: float, r: float, fill: RGB, ring: RGB, width: float) -> None:
        """A filled circle on pixel centre (cx, cy), ringed ``width`` pixels inside its edge."""
        p, inner = self.points, r - width / 2
        self.pdf.set_fill_color(*fill)
        self.pdf.set_draw_color(*ring)
        self.pdf.set_line_width(width * p)
        x, y = (cx + 0.5 - inner) * p, (cy + 0.5 - inner) * p
        self.pdf.ellipse(x, y, 2 * inner * p, 2 * inner * p, style="DF")

    def typeset(self, size: int, *, bold: bool = False, mono: bool = False) -> Typeset:
        key = (size, int(mono), bold)
        if key not in self._typesets:
            fonts = mono_fonts(self.fonts) if mono else self.fonts
            self._typesets[key] = Typeset(fonts, size, bold=bold)
        return self._typesets[key]

    def origin(self, label: Label, typeset: Typeset) -> tuple[list[Run], Point]:
        """The runs of ``label`` and where the frame started its line (left edge, baseline),
        found from the box its glyphs cover."""
        runs = typeset.runs(label.text, rtl=False)
        ink: tuple[float, float] | None = None
        for run in runs:
            if run.face.bitmap or not run.text.strip():
                continue
            kwargs: dict[str, object] = {"direction": "rtl" if run.rtl else "ltr"} if RAQM else {}
            left, top, _r, _b = typeset.font(run.face).getbbox(run.text, anchor="ls", **kwargs)  # type: ignore[arg-type]
            here = (run.x + left, float(top))
            ink = here if ink is None else (min(ink[0], here[0]), min(ink[1], here[1]))
        if ink is None:
            return runs, (float(label.bounds[0]), float(label.bounds[3]))
        return runs, (round(label.bounds[0] - ink[0]), round(label.bounds[1] - ink[1]))

    def write(self, label: Label, *, bold: bool = False, mono: bool = False) -> Point:
        """``label`` as text where the frame drew it; return its line's origin in pixels."""
        typeset = self.typeset(label.size, bold=bold, mono=mono)
        runs, (x, baseline) = self.origin(label, typeset)
        p = self.points
        self.pdf.set_text_color(*label.color)
        for run in runs:
            at = ((x + run.x) * p, baseline * p)
            if run.face.bitmap:
                write_bitmap(self.pdf, run, at, label.size, p)
            elif run.text.strip():
                write_run(self.pdf, self.text, run, at, label.size * p, run.width * p)
        return x, baseline

    def metrics(self, size: int, *, bold: bool = False) -> tuple[int, int]:
        """A label line's ascent and height (as :class:`render.elements.labels.Writer`)."""
        ascent, descent = self.fonts.primary(bold=bold).get(size).getmetrics()
        return ascent, round((ascent + descent) * 1.05)


def draw_element(
    pdf: FPDF,
    element: Element,
    drawing: ElementDrawing,
    palette: Palette,
    points: float,
    fonts: FontSet,
    text: PdfFonts,
) -> None:
    """``element`` (a chart, diagram or code) on the current page as ``drawing`` placed it."""
    page = _Page(pdf, points, fonts, text)
    if isinstance(element, Chart):
        if element.type is ChartType.PIE:
            _pie(page, element, drawing)
        else:
            _axes(page, element, drawing, palette)
    elif isinstance(element, Diagram):
        if element.type is DiagramType.TABLE:
            _table(page, drawing, palette)
        else:
            _boxes(page, element, drawing)
    elif drawing.kind == "code":
        _code(page, drawing)


# -- charts ----------------------------------------------------------------------------------


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("\u2212", "-"))
    except ValueError:
        return None


def tick_values(drawing: ElementDrawing) -> list[float]:
    """The value axis's ticks, read from their labels (the numbers left of the plot)."""
    if drawing.plot is None:
        return []
    x0, top, _x1, bottom = drawing.plot
    near = drawing.size / 2  # a tick's label is centred on its line, the legend is above
    values = [
        _number(label.text)
        for label in drawing.labels
        if label.bounds[2] <= x0
        and top - near <= (label.bounds[1] + label.bounds[3]) / 2
        and (label.bounds[1] + label.bounds[3]) / 2 <= bottom + near
    ]
    return sorted({value for value in values if value is not None})


def value_scale(drawing: ElementDrawing) -> Callable[[float], float] | None:
    """Where a value sits on the plot, in (unrounded) pixels: the frame's own arithmetic,
    from the lowest tick at the plot's bottom to the highest at its top."""
    ticks = tick_values(drawing)
    if drawing.plot is None or len(ticks) < 2:
        return None
    _x0, top, _x1, bottom = drawing.plot
    lo, hi = ticks[0], ticks[-1]
    scale = (bottom - top) / (hi - lo)
    return lambda value: bottom - (value - lo) * scale


def _axes(page: _Page, chart: Chart, drawing: ElementDrawing, palette: Palette) -> None:
    assert drawing.plot is not None
    x0, _top, x1, _bottom = drawing.plot
    size = drawing.size
    y_of = value_scale(drawing)
    text = hex_to_rgb(palette.text)
    if y_of is not None:
        grid = mix(hex_to_rgb(palette.muted), drawing.backdrop, 0.7)
        width = max(1, size // 16)
        for value in tick_values(drawing):
            y = y_of(value) - width // 2
            page.rect(x0, y, x1, y + width, grid)
        thick = max(2, size // 10)
        zero = y_of(0.0)
        page.rect(x0, zero, x1, zero + thick, text)
    if chart.type is ChartType.LINE:
        _lines(page, chart, drawing, y_of)
    else:
        _bars(page, chart, drawing, y_of)
    legend = len(chart.series) > 1 or any(series.name for series in chart.series)
    ascent, line = page.metrics(size)
    swatch, gap = round(size * 0.75), round(size * 0.9)
    for n, label in enumerate(drawing.labels):
        x, baseline = page.write(label)
        if legend and n < len(chart.series):
            sx, sy = x - gap // 3 - swatch, baseline - ascent + (line - swatch) // 2
            page.rect(sx, sy, sx + swatch, sy + swatch, drawing.colors[n])


def _bars(
    page: _Page, chart: Chart, drawing: ElementDrawing, y_of: Callable[[float], float] | None
) -> None:
    stacked = chart.type is ChartType.STACKED_BAR
    for bar in drawing.bars:
        bx0, top, bx1, bottom = bar.box
        if y_of is not None:
            base = (
                sum(chart.series[k].values[bar.label] for k in range(bar.series)) if stacked else 0
            )
            ya, yb = y_of(base + bar.value), y_of(base)
            top, bottom = min(ya, yb), max(ya, yb)
        page.rect(bx0, top, bx1, bottom, bar.color)


def _lines(
    page: _Page, chart: Chart, drawing: ElementDrawing, y_of: Callable[[float], float] | None
) -> None:
    size = drawing.size
    width, radius = max(3, size // 7), max(4, round(size * 0.24))
    for s in range(len(chart.series)):
        marks = sorted((bar for bar in drawing.bars if bar.series == s), key=lambda b: b.label)
        centres = [
            (
                (bar.box[0] + bar.box[2] - 1) / 2,
                y_of(bar.value) if y_of is not None else (bar.box[1] + bar.box[3] - 1) / 2,
            )
            for bar in marks
        ]
        if len(centres) > 1:
            page.polyline(centres, drawing.colors[s], width)
        for (cx, cy), bar in zip(centres, marks, strict=True):
            page.disc(cx, cy, radius + 0.5, bar.color, drawing.backdrop, max(1, radius // 4))


def _pie(page: _Page, chart: Chart, drawing: ElementDrawing) -> None:
    values = chart.series[0].values
    total = sum(values)
    x0, y0, x1, _y1 = drawing.bars[0].box
    r = (x1 - x0) / 2 + 0.5  # Pillow's disc covers its box's last pixel too
    cx, cy = (x0 + x1) / 2, (y0 + drawing.bars[0].box[3]) / 2
    angle = -90.0
    for n, value in enumerate(values):
        end = angle + 360.0 * value / total
        if value > 0:
            page.polygon(_sector(cx, cy, r, angle, end), drawing.colors[n], centres=False)
        angle = end
    ascent, line = page.metrics(drawing.size)
    swatch = round(drawing.size * 0.75)
    for n, label in enumerate(drawing.labels):
        x, baseline = page.write(label)
        sx, sy = x - drawing.size // 3 - swatch, baseline - ascent + (line - swatch) // 2
        page.rect(sx, sy, sx + swatch, sy + swatch, drawing.colors[n])


def _sector(cx: float, cy: float, r: float, start: float, end: float) -> list[Point]:
    """A pie slice from ``start`` to ``end`` degrees, clockwise from 3 o'clock (as Pillow)."""
    steps = max(2, math.ceil((end - start) / ARC_STEP))
    edge = [
        (
            cx + r * math.cos(math.radians(start + (end - start) * k / steps)),
            cy + r * math.sin(math.radians(start + (end - start) * k / steps)),
        )
        for k in range(steps + 1)
    ]
    return edge if end - start >= 359.999 else [(cx, cy), *edge]


# -- diagrams --------------------------------------------------------------------------------


def _boxes(page: _Page, diagram: Diagram, drawing: ElementDrawing) -> None:
    size = drawing.size
    if drawing.nodes:
        accent = drawing.nodes[0].outline
        for arrow in drawing.arrows:
            _arrow(page, list(arrow), accent, size)
    for node in drawing.nodes:
        page.rounded(node.box, size // 2, node.fill, node.outline, max(2, size // 10))
    for label in drawing.labels:
        page.write(label)


def _arrow(page: _Page, points: list[tuple[int, int]], colour: RGB, size: int) -> None:
    """A line ending in a triangular head at its last point (the frame's arrow)."""
    width, head = max(2, size // 8), max(6, round(size * 0.45))
    (xa, ya), (xb, yb) = points[-2], points[-1]
    angle = math.atan2(yb - ya, xb - xa)
    base = (xb - head * math.cos(angle), yb - head * math.sin(angle))
    page.polyline([*points[:-1], base], colour, width)
    spread = head * 0.55
    left = (base[0] + spread * math.sin(angle), base[1] - spread * math.cos(angle))
    right = (base[0] - spread * math.sin(angle), base[1] + spread * math.cos(angle))
    page.polygon([(xb, yb), left, right], colour)


def _table(page: _Page, drawing: ElementDrawing, palette: Palette) -> None:
    assert drawing.grid is not None
    xs, ys = drawing.grid
    columns, size = len(xs) - 1, drawing.size
    for r in range(len(ys) - 1):
        fill = drawing.nodes[r * columns].fill if drawing.nodes else drawing.backdrop
        page.rect(xs[0], ys[r], xs[-1], ys[r + 1], fill)
    rule = drawing.nodes[0].outline if drawing.nodes else hex_to_rgb(palette.muted)
    line = max(1, size // 14)
    for y in ys[1:-1]:
        page.rect(xs[0], y - line // 2, xs[-1], y - line // 2 + line, rule)
    thick = max(2, size // 8)
    accent = ensure_contrast(hex_to_rgb(palette.accent), drawing.backdrop, 3.0)
    y = ys[1] - thick // 2 - thick // 2
    page.rect(xs[0], y, xs[-1], y + thick, accent)
    for label in drawing.labels:
        header = (label.bounds[1] + label.bounds[3]) / 2 < ys[1]
        page.write(label, bold=header)


# -- code ------------------------------------------------------------------------------------


def _code(page: _Page, drawing: ElementDrawing) -> None:
    bold = {
        text
        for line in drawing.lines
        for run in line
        if run.bold
        for text in (run.text, run.text.strip())
    }
    for label in drawing.labels:
        page.write(label, mono=True, bold=label.text in bold or label.text.strip() in bold)
