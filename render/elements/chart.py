"""Charts drawn from their data with Pillow, in the theme's colours and the deck's fonts.

Bars, stacked bars, lines and pies are placed by arithmetic on the data alone (a value's bar
is exactly ``value × pixels per unit`` tall, from a zero line on round ticks), so what the
frame shows is what the numbers say. Series take the theme's accent and art colours, each
darkened or lightened just enough for 3:1 contrast on the backdrop (WCAG's rule for graphics);
every label is set in the theme's text colour, which the themes keep at 4.5:1 on it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from deck import Chart, ChartType, Palette

from ..contrast import ensure_contrast, hex_to_rgb, mix
from ..fonts import FontSet
from ..layout import Box, grow
from .base import RGB, Bar, ElementDrawing
from .labels import Writer

MAX_LABEL = 0.036  # label text, as a fraction of the frame's short side
MIN_LABEL = 0.03  # the body text's legible minimum (compose.MIN_BODY)
GRAPHIC_CONTRAST = 3.0  # WCAG 1.4.11: bars, lines and slices against the backdrop


@dataclass(frozen=True, slots=True)
class _Style:
    """What a chart is drawn in: its series' colours, the labels' colour, the theme (for its
    muted grid colour) and the backdrop under the chart."""

    colors: tuple[RGB, ...]
    text: RGB
    palette: Palette
    backdrop: RGB


@functools.cache
def series_colors(palette: Palette, count: int, backdrop: RGB) -> tuple[RGB, ...]:
    """``count`` colours from the theme (accent first, then its art colours), each with 3:1
    contrast on ``backdrop``; past the theme's own, mixed towards its text colour."""
    base: list[RGB] = []
    for colour in (palette.accent, *palette.art):
        rgb = ensure_contrast(hex_to_rgb(colour), backdrop, GRAPHIC_CONTRAST)
        if all(sum(abs(a - b) for a, b in zip(rgb, seen, strict=True)) > 60 for seen in base):
            base.append(rgb)
    text = hex_to_rgb(palette.text)
    out: list[RGB] = []
    for n in range(count):
        colour = base[n % len(base)]
        turn = n // len(base)
        if turn:
            colour = ensure_contrast(mix(colour, text, 0.3 * turn), backdrop, GRAPHIC_CONTRAST)
        out.append(colour)
    return tuple(out)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten apart) covering ``lo..hi``."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    steps = round((end - start) / step)
    return [round(start + k * step, 12) for k in range(steps + 1)]


def format_value(value: float, ticks: list[float] | None = None) -> str:
    """A value as a chart shows it: thousands separated, no more decimals than needed."""
    sample = ticks or [value]
    decimals = 0
    while decimals < 6 and any(abs(round(v, decimals) - v) > 1e-9 for v in sample):
        decimals += 1
    text = f"{value:,.{decimals}f}"
    return "0" if text in ("-0", "-0.0") else text.replace("-", "\u2212")


def draw_chart(
    canvas: Image.Image,
    chart: Chart,
    box: Box,
    palette: Palette,
    fonts: FontSet,
    short_side: int,
    backdrop: RGB,
) -> ElementDrawing:
    """Draw ``chart`` inside ``box`` of ``canvas`` (whose pixels there are ``backdrop``)."""
    count = len(chart.labels) if chart.type is ChartType.PIE else len(chart.series)
    colors = series_colors(palette, count, backdrop)
    text = hex_to_rgb(palette.text)
    size = round(MAX_LABEL * short_side)
    minimum = math.ceil(MIN_LABEL * short_side)
    draw = _pie if chart.type is ChartType.PIE else _axes
    style = _Style(colors, text, palette, backdrop)
    backup = canvas.crop(box)  # what a try that does not fit is wiped back to
    while True:
        drawing, fits = draw(Writer(canvas, fonts, size), chart, box, style)
        if fits or size <= minimum:
            return drawing
        canvas.paste(backup, box[:2])
        size = max(minimum, int(size * 0.92))


def _legend(
    writer: Writer, names: list[str], colors: tuple[RGB, ...], box: Box, top: int, text: RGB
) -> tuple[int, list[Box]]:
    """Swatches and names in rows from ``top`` across ``box``; return the bottom and swatches."""
    draw = ImageDraw.Draw(writer.canvas)
    swatch = round(writer.size * 0.75)
    gap = round(writer.size * 0.9)
    x, y = box[0], top
    boxes: list[Box] = []
    for name, colour in zip(names, colors, strict=False):
        shown = writer.fit(name, box[2] - box[0] - swatch - gap // 2, max_lines=1)[0]
        width = swatch + gap // 3 + writer.width(shown)
        if x > box[0] and x + width > box[2]:
            x, y = box[0], y + writer.line_height
        sy = y + (writer.line_height - swatch) // 2
        square = (x, sy, x + swatch, sy + swatch)
        draw.rectangle((square[0], square[1], square[2] - 1, square[3] - 1), fill=colour)
        boxes.append(square)
        writer.draw(x + swatch + gap // 3, y, shown, text)
        x += width + gap
    return y + writer.line_height, boxes


def _axes(writer: Writer, chart: Chart, box: Box, style: _Style) -> tuple[ElementDrawing, bool]:
    """Bar, stacked bar and line charts: a value axis on round ticks, labels under it."""
    colors, text, backdrop, size = style.colors, style.text, style.backdrop, writer.size
    draw = ImageDraw.Draw(writer.canvas)
    gap = round(size * 0.5)
    x0, y0, x1, y1 = box
    top = y0
    named = [series.name for series in chart.series]
    if len(chart.series) > 1 or any(named):
        top, _ = _legend(writer, [n or f"Series {i + 1}" for i, n in enumerate(named)], colors,
                         box, top, text)  # fmt: skip
        top += gap // 2
    axis_title = chart.y_title
    if chart.unit:
        axis_title = f"{axis_title} ({chart.unit})" if axis_title else chart.unit
    if axis_title:
        writer.draw(x0, top, writer.fit(axis_title, x1 - x0, max_lines=1)[0], text)
        top += writer.line_height + gap // 2

    stacked = chart.type is ChartType.STACKED_BAR
    columns = list(zip(*(series.values for series in chart.series), strict=True))
    highs = [sum(column) for column in columns] if stacked else [max(c) for c in columns]
    lows = [0.0] * len(columns) if stacked else [min(c) for c in columns]
    low, high = min(0.0, *lows), max(0.0, *highs)

    bottom = y1 - (writer.line_height if chart.x_title else 0)
    plot_y0 = top + writer.line_height // 2  # half a line: room for the top tick's label
    count, label_rows, already = 5, 1, writer.shortened
    for _ in range(3):  # ticks a line and a half apart at least; labels wrapped to the slots
        ticks = nice_ticks(low, high, count)
        tick_text = [format_value(t, ticks) for t in ticks]
        tick_w = max(writer.width(t) for t in tick_text)
        plot_x0, plot_x1 = x0 + tick_w + gap, x1 - gap // 2
        slot = (plot_x1 - plot_x0) / len(chart.labels)
        label_lines = [writer.fit(label, int(slot * 0.94), max_lines=2) for label in chart.labels]
        label_rows = max(len(lines) for lines in label_lines)
        plot_y1 = bottom - gap // 2 - label_rows * writer.line_height - gap // 2
        room = max(1, int((plot_y1 - plot_y0) / (1.6 * writer.line_height)))
        if len(ticks) - 1 <= room or count == 1:
            break
        count = max(1, min(count - 1, room))
    fits = not writer.shortened and plot_y1 - plot_y0 >= 3 * writer.line_height
    fits = fits and (plot_y1 - plot_y0) / max(1, len(ticks) - 1) >= 1.2 * writer.line_height
    plot_y1 = max(plot_y1, plot_y0 + writer.line_height)
    writer.shortened = already
    label_lines = [writer.fit(label, int(slot * 0.94), max_lines=2) for label in chart.labels]

    lo, hi = ticks[0], ticks[-1]
    scale = (plot_y1 - plot_y0) / (hi - lo)

    def y_of(value: float) -> int:
        return round(plot_y1 - (value - lo) * scale)

    grid = mix(hex_to_rgb(style.palette.muted), backdrop, 0.7)
    for value, label in zip(ticks, tick_text, strict=True):
        y = y_of(value)
        draw.line((plot_x0, y, plot_x1, y), fill=grid, width=max(1, size // 16))
        writer.draw_right(plot_x0 - gap // 2, y - writer.line_height / 2, label, text)
    zero = y_of(0.0)
    thick = max(2, size // 10)
    draw.line((plot_x0, zero + thick // 2, plot_x1, zero + thick // 2), fill=text, width=thick)

    bars: list[Bar] = []
    if chart.type is ChartType.LINE:
        bars = _lines(draw, chart, plot_x0, slot, y_of, colors, size, backdrop)
    else:
        bars = _bars(draw, chart, plot_x0, slot, y_of, colors, stacked)

    label_top = plot_y1 + thick + gap // 2
    for i, lines in enumerate(label_lines):
        cx = plot_x0 + slot * (i + 0.5)
        for row, line in enumerate(lines):
            writer.draw_centred(cx, label_top + row * writer.line_height, line, text)
    if chart.x_title:
        title = writer.fit(chart.x_title, plot_x1 - plot_x0, max_lines=1)[0]
        writer.draw_centred((plot_x0 + plot_x1) / 2, bottom, title, text)

    bounds: Box | None = (plot_x0, plot_y0, plot_x1, plot_y1 + thick)
    for bar in bars:
        bounds = grow(bounds, bar.box)
    plot = (plot_x0, plot_y0, plot_x1, plot_y1)
    return _drawing(writer, box, style, bars, plot, bounds), fits


def _bars(
    draw: ImageDraw.ImageDraw,
    chart: Chart,
    plot_x0: int,
    slot: float,
    y_of: Callable[[float], int],
    colors: tuple[RGB, ...],
    stacked: bool,
) -> list[Bar]:
    bars: list[Bar] = []
    groups = 1 if stacked else len(chart.series)
    inner = slot * 0.72
    width = inner / groups
    split = 2 if groups > 1 else 0  # a hairline between a group's bars
    for i in range(len(chart.labels)):
        left = plot_x0 + slot * i + (slot - inner) / 2
        base = 0.0
        for s, series in enumerate(chart.series):
            value = series.values[i]
            k = 0 if stacked else s
            bx0 = round(left + k * width)
            bx1 = round(left + (k + 1) * width) - split
            if stacked:
                ya, yb = y_of(base + value), y_of(base)
                base += value
            else:
                ya, yb = sorted((y_of(value), y_of(0.0)))
            top, bottom = min(ya, yb), max(ya, yb)
            if bottom > top and bx1 > bx0:
                draw.rectangle((bx0, top, bx1 - 1, bottom - 1), fill=colors[s])
            bars.append(Bar(s, i, value, (bx0, top, bx1, bottom), colors[s]))
    return bars


def _lines(
    draw: ImageDraw.ImageDraw,
    chart: Chart,
    plot_x0: int,
    slot: float,
    y_of: Callable[[float], int],
    colors: tuple[RGB, ...],
    size: int,
    backdrop: RGB,
) -> list[Bar]:
    bars: list[Bar] = []
    width = max(3, size // 7)
    radius = max(4, round(size * 0.24))
    for s, series in enumerate(chart.series):
        points = [
            (round(plot_x0 + slot * (i + 0.5)), y_of(value))
            for i, value in enumerate(series.values)
        ]
        if len(points) > 1:
            draw.line(points, fill=colors[s], width=width, joint="curve")
        for i, (x, y) in enumerate(points):
            marker = (x - radius, y - radius, x + radius, y + radius)
            draw.ellipse(marker, fill=colors[s], outline=backdrop, width=max(1, radius // 4))
            bars.append(Bar(s, i, series.values[i], (x - radius, y - radius, x + radius + 1,
                                                     y + radius + 1), colors[s]))  # fmt: skip
    return bars


def _pie(writer: Writer, chart: Chart, box: Box, style: _Style) -> tuple[ElementDrawing, bool]:
    """A pie from 12 o'clock clockwise, a legend of labels and shares beside (or under) it."""
    colors, text, size = style.colors, style.text, writer.size
    draw = ImageDraw.Draw(writer.canvas)
    x0, y0, x1, y1 = box
    gap = round(size * 0.8)
    values = chart.series[0].values
    total = sum(values)
    shares = [value / total for value in values]
    entries = [
        f"{label} {format_value(100 * share, [round(100 * s, 1) for s in shares])}%"
        for label, share in zip(chart.labels, shares, strict=True)
    ]
    wide = (x1 - x0) > (y1 - y0) * 1.15
    legend_w = min(
        max(writer.width(entry) for entry in entries) + round(size * 1.2), (x1 - x0) // 2
    )
    if wide:
        diameter = min(y1 - y0, x1 - x0 - legend_w - gap)
        legend_box = (x0 + diameter + gap, y0, x1, y1)
        legend_h = len(entries) * writer.line_height
        legend_top = y0 + max(0, (y1 - y0 - legend_h) // 2)
    else:
        rows = len(entries)
        legend_h = rows * writer.line_height
        diameter = min(x1 - x0, y1 - y0 - legend_h - gap)
        legend_box = (x0, y0 + diameter + gap, x1, y1)
        legend_top = legend_box[1]
    fits = diameter >= 4 * size
    diameter = max(diameter, 2 * size)
    cx = x0 + diameter // 2 if wide else (x0 + x1) // 2
    cy = (y0 + y1) // 2 if wide else y0 + diameter // 2
    r = diameter // 2
    disc = (cx - r, cy - r, cx + r, cy + r)
    angle = -90.0
    bars: list[Bar] = []
    for n, share in enumerate(shares):
        end = angle + 360.0 * share
        if share > 0:
            draw.pieslice(disc, angle, end, fill=colors[n])
        bars.append(Bar(0, n, values[n], disc, colors[n]))
        angle = end
    swatch = round(size * 0.75)
    y = legend_top
    for n, entry in enumerate(entries):
        sy = y + (writer.line_height - swatch) // 2
        lx = legend_box[0]
        draw.rectangle((lx, sy, lx + swatch - 1, sy + swatch - 1), fill=colors[n])
        shown = writer.fit(entry, legend_box[2] - lx - swatch - size // 3, max_lines=1)[0]
        writer.draw(lx + swatch + size // 3, y, shown, text)
        y += writer.line_height
    fits = fits and not writer.shortened and y <= y1
    bounds = (disc[0], disc[1], disc[2] + 1, disc[3] + 1)
    return _drawing(writer, box, style, bars, disc, bounds), fits


def _drawing(
    writer: Writer, box: Box, style: _Style, bars: list[Bar], plot: Box, bounds: Box | None
) -> ElementDrawing:
    """The chart as drawn: its marks, its plot area, and ``bounds`` grown over its labels."""
    for label in writer.labels:
        bounds = grow(bounds, label.bounds)
    return ElementDrawing(
        "chart",
        box,
        bounds or box,
        style.backdrop,
        labels=writer.labels,
        bars=bars,
        plot=plot,
        colors=style.colors,
        size=writer.size,
        missing=set(writer.missing),
        shortened=writer.shortened,
    )
