"""PowerPoint shapes for slide elements: native charts and tables, code, equations, diagrams.

A chart becomes a real PowerPoint chart (python-pptx's chart parts with an embedded workbook)
of the same type, with the same labels, series and values, in the theme's colours: it can be
edited in PowerPoint or LibreOffice. A table is a native table; steps and cycles are rounded
boxes with their text, joined by arrow connectors. Code is a text box of monospace runs in the
colours the frame drew them with; an equation is the frame's picture of it with its LaTeX as
alt text. Each goes on the card the frame drew under it, at the same place.
"""

from __future__ import annotations

import io

from lxml import etree
from pptx.chart.chart import Chart as PptxChart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Pt

from deck import Chart, ChartType, Code, Diagram, DiagramType, Equation, Palette

from ..contrast import hex_to_rgb, mix
from ..elements import CodeRun, ElementDrawing
from ..layout import Box
from .slides import ExportSlide

EMU_PER_POINT = 12_700
CHART_TYPES = {
    ChartType.BAR: XL_CHART_TYPE.COLUMN_CLUSTERED,
    ChartType.STACKED_BAR: XL_CHART_TYPE.COLUMN_STACKED,
    ChartType.LINE: XL_CHART_TYPE.LINE_MARKERS,
    ChartType.PIE: XL_CHART_TYPE.PIE,
}
CODE_FONT = "DejaVu Sans Mono"


def emu_box(box: Box, scale: float) -> tuple[Emu, Emu, Emu, Emu]:
    x0, y0, x1, y1 = box
    return (
        Emu(round(x0 * scale)),
        Emu(round(y0 * scale)),
        Emu(round((x1 - x0) * scale)),
        Emu(round((y1 - y0) * scale)),
    )


def add_element(slide: PptxSlide, item: ExportSlide, palette: Palette, scale: float) -> None:
    """The card and the element of ``item`` on ``slide`` (``scale``: EMU per frame pixel)."""
    drawing = item.element
    element = item.slide.element
    if drawing is None or element is None:
        return
    if item.card is not None:
        card = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *emu_box(item.card, scale))
        short = min(item.card[2] - item.card[0], item.card[3] - item.card[1])
        card.adjustments[0] = min(0.5, (drawing.box[0] - item.card[0]) * 0.7 / max(1, short))
        card.fill.solid()
        card.fill.fore_color.rgb = RGBColor(*drawing.backdrop)
        card.line.fill.background()
        card.shadow.inherit = False
        card.name = "Card"
    if isinstance(element, Chart):
        _chart(slide, element, drawing, palette, scale)
    elif isinstance(element, Code):
        _code(slide, element, drawing, palette, scale)
    elif isinstance(element, Equation):
        _equation(slide, element, drawing, scale)
    elif isinstance(element, Diagram) and element.type is DiagramType.TABLE:
        _table(slide, element, drawing, palette, scale)
    elif isinstance(element, Diagram):
        _shapes(slide, drawing, palette, scale)


def _chart(
    slide: PptxSlide, chart: Chart, drawing: ElementDrawing, palette: Palette, scale: float
) -> None:
    data = CategoryChartData()
    data.categories = list(chart.labels)
    for n, series in enumerate(chart.series, 1):
        data.add_series(series.name or f"Series {n}", list(series.values))
    frame = slide.shapes.add_chart(CHART_TYPES[chart.type], *emu_box(drawing.box, scale), data)
    frame.name = f"{chart.type.value.replace('_', ' ').capitalize()} chart"
    native: PptxChart = frame.chart
    text = RGBColor(*hex_to_rgb(palette.text))
    points = drawing.size * scale / EMU_PER_POINT
    native.font.size = Pt(max(8.0, points))
    native.font.color.rgb = text
    native.font.name = "Noto Sans"
    pie = chart.type is ChartType.PIE
    native.has_legend = pie or len(chart.series) > 1 or any(s.name for s in chart.series)
    if native.has_legend:
        native.legend.position = XL_LEGEND_POSITION.RIGHT if pie else XL_LEGEND_POSITION.TOP
        native.legend.include_in_layout = False
        native.legend.font.color.rgb = text
    plot = native.plots[0]
    if pie:
        for n, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor(*drawing.colors[n])
        return
    plot.vary_by_categories = False
    if chart.type is not ChartType.LINE:
        plot.gap_width = 40
        if chart.type is ChartType.STACKED_BAR:
            plot.overlap = 100
    for n, series in enumerate(plot.series):
        colour = RGBColor(*drawing.colors[n])
        if chart.type is ChartType.LINE:
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(max(1.5, points / 6))
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
    value_axis, category_axis = native.value_axis, native.category_axis
    grid = mix(hex_to_rgb(palette.muted), drawing.backdrop, 0.7)
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(*grid)
    for axis in (value_axis, category_axis):
        axis.tick_labels.font.color.rgb = text
        axis.format.line.color.rgb = text
    y_title = chart.y_title
    if chart.unit:
        y_title = f"{y_title} ({chart.unit})" if y_title else chart.unit
    for axis, title in ((value_axis, y_title), (category_axis, chart.x_title)):
        if title:
            axis.has_title = True
            axis.axis_title.text_frame.text = title
            run = axis.axis_title.text_frame.paragraphs[0].runs[0]
            run.font.color.rgb = text
            run.font.size = Pt(max(8.0, points))
            run.font.bold = False


def _code(
    slide: PptxSlide, code: Code, drawing: ElementDrawing, palette: Palette, scale: float
) -> None:
    text = hex_to_rgb(palette.text)
    box = drawing.picture_box or drawing.box
    shape = slide.shapes.add_textbox(*emu_box(box, scale))
    shape.name = f"Code ({code.language or 'text'})"
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    points = drawing.size * scale / EMU_PER_POINT
    for n, line in enumerate(code.lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.line_spacing = 1.0
        pieces = drawing.lines[n] if n < len(drawing.lines) else [CodeRun(line, text)]
        for piece in pieces:
            run = paragraph.add_run()
            run.text = piece.text
            run.font.name = CODE_FONT
            run.font.size = Pt(points)
            run.font.bold = piece.bold
            run.font.color.rgb = RGBColor(*piece.color)


def _equation(slide: PptxSlide, equation: Equation, drawing: ElementDrawing, scale: float) -> None:
    if drawing.picture is None or drawing.picture_box is None:
        return
    buffer = io.BytesIO()
    drawing.picture.save(buffer, format="PNG")
    picture = slide.shapes.add_picture(buffer, *emu_box(drawing.picture_box, scale))
    picture.name = "Equation"
    picture._element.nvPicPr.cNvPr.set("descr", equation.latex)  # alt text: the LaTeX


def _table(
    slide: PptxSlide, diagram: Diagram, drawing: ElementDrawing, palette: Palette, scale: float
) -> None:
    if drawing.grid is None:
        return
    xs, ys = drawing.grid
    frame = slide.shapes.add_table(
        len(ys) - 1, len(xs) - 1, *emu_box((xs[0], ys[0], xs[-1], ys[-1]), scale)
    )
    frame.name = "Table"
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    for c in range(len(xs) - 1):
        table.columns[c].width = Emu(round((xs[c + 1] - xs[c]) * scale))
    for r in range(len(ys) - 1):
        table.rows[r].height = Emu(round((ys[r + 1] - ys[r]) * scale))
    points = drawing.size * scale / EMU_PER_POINT
    text = RGBColor(*hex_to_rgb(palette.text))
    cells = [diagram.header, *diagram.rows]
    fills = {node.box: node.fill for node in drawing.nodes}
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor(
                *fills.get((xs[c], ys[r], xs[c + 1], ys[r + 1]), drawing.backdrop)
            )
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(points)
                    run.font.color.rgb = text
                    run.font.bold = r == 0
                    run.font.name = "Noto Sans"


def _shapes(slide: PptxSlide, drawing: ElementDrawing, palette: Palette, scale: float) -> None:
    points = drawing.size * scale / EMU_PER_POINT
    text = RGBColor(*hex_to_rgb(palette.text))
    for n, node in enumerate(drawing.nodes, 1):
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *emu_box(node.box, scale))
        shape.name = f"Step {n}"
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(*node.fill)
        shape.line.color.rgb = RGBColor(*node.outline)
        shape.line.width = Pt(max(1.0, points / 10))
        shape.shadow.inherit = False
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.text = node.text
        for run in frame.paragraphs[0].runs:
            run.font.size = Pt(points)
            run.font.color.rgb = text
            run.font.name = "Noto Sans"
    for arrow in drawing.arrows:
        (xa, ya), (xb, yb) = arrow[0], arrow[-1]
        line = slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT,
            Emu(round(xa * scale)),
            Emu(round(ya * scale)),
            Emu(round(xb * scale)),
            Emu(round(yb * scale)),
        )
        line.name = "Arrow"
        outline = drawing.nodes[0].outline if drawing.nodes else drawing.backdrop
        line.line.color.rgb = RGBColor(*outline)
        line.line.width = Pt(max(1.0, points / 8))
        etree.SubElement(line.line._get_or_add_ln(), qn("a:tailEnd"), type="triangle")
