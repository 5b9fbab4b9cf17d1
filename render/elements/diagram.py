"""Diagrams drawn as shapes and text in the theme: steps, a cycle, a comparison table.

- Steps: boxes in reading order with arrows between them, in as many rows as give the text
  the largest size; rows run left to right, then right to left under them (a snake), so every
  arrow is short.
- Cycle: boxes round an ellipse, clockwise from the top, joined by arrows along it.
- Table: a header row and rows of cells, columns of equal width.

Boxes and cells are filled with the theme's background colour (its text colour is AA on it) and
outlined in its accent; arrows are accent. Text is set at one size across the diagram, the
largest at which every box holds its text (at most three lines), never below the body's
legible minimum.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from deck import Diagram, DiagramType, Palette

from ..contrast import ensure_contrast, hex_to_rgb, mix
from ..fonts import FontSet
from ..layout import Box, grow
from .base import RGB, ElementDrawing, Node
from .labels import Writer

MAX_TEXT = 0.05
MIN_TEXT = 0.03  # the body text's legible minimum (compose.MIN_BODY)
MAX_LINES = 3


@dataclass(frozen=True, slots=True)
class _Style:
    """What a diagram is drawn with: the canvas, the fonts, the text sizes to try (largest
    first) and the colours: the backdrop, the text, the boxes' fill and outline (``accent``)
    and the table's rules (``muted``)."""

    canvas: Image.Image
    fonts: FontSet
    sizes: list[int]
    backdrop: RGB
    text: RGB
    fill: RGB
    accent: RGB
    muted: RGB

    def writer(self, size: int, *, bold: bool = False) -> Writer:
        return Writer(self.canvas, self.fonts, size, bold=bold)


def draw_diagram(
    canvas: Image.Image,
    diagram: Diagram,
    box: Box,
    palette: Palette,
    fonts: FontSet,
    short_side: int,
    backdrop: RGB,
) -> ElementDrawing:
    text = hex_to_rgb(palette.text)
    fill = hex_to_rgb(palette.background)
    accent = ensure_contrast(hex_to_rgb(palette.accent), backdrop, 3.0)
    sizes = [round(MAX_TEXT * short_side)]
    minimum = math.ceil(MIN_TEXT * short_side)
    while sizes[-1] > minimum:
        sizes.append(max(minimum, int(sizes[-1] * 0.92)))
    muted = hex_to_rgb(palette.muted)
    style = _Style(canvas, fonts, sizes, backdrop, text, fill, accent, muted)
    if diagram.type is DiagramType.TABLE:
        return _table(style, diagram, box)
    if diagram.type is DiagramType.CYCLE:
        return _cycle(style, diagram, box)
    return _steps(style, diagram, box)


def _fits(writer: Writer, text: str, width: int, height: int) -> bool:
    from ..text import wrap

    lines = wrap(text, writer.typeset, max(1, width))
    words_fit = all(writer.width(word) <= width for word in text.split())  # none broken
    return words_fit and len(lines) <= MAX_LINES and len(lines) * writer.line_height <= height


def _write_in(writer: Writer, text: str, box: Box, color: RGB, *, centre: bool = True) -> None:
    """``text`` wrapped into ``box``, centred both ways (or left-aligned and centred in height)."""
    pad = writer.size // 3
    width = box[2] - box[0] - 2 * pad
    lines = writer.fit(text, width, max_lines=MAX_LINES)
    top = box[1] + (box[3] - box[1] - len(lines) * writer.line_height) / 2
    for n, line in enumerate(lines):
        y = top + n * writer.line_height
        if centre:
            writer.draw_centred((box[0] + box[2]) / 2, y, line, color)
        else:
            writer.draw(box[0] + pad, y, line, color)


def _arrow(
    draw: ImageDraw.ImageDraw, points: list[tuple[int, int]], colour: RGB, size: int
) -> None:
    """A polyline ending in a filled triangular head at its last point."""
    width = max(2, size // 8)
    head = max(6, round(size * 0.45))
    (xa, ya), (xb, yb) = points[-2], points[-1]
    angle = math.atan2(yb - ya, xb - xa)
    base = (xb - head * math.cos(angle), yb - head * math.sin(angle))
    if len(points) > 2:
        draw.line([*points[:-1], (round(base[0]), round(base[1]))], fill=colour, width=width)
    else:
        draw.line([points[0], (round(base[0]), round(base[1]))], fill=colour, width=width)
    spread = head * 0.55
    left = (base[0] + spread * math.sin(angle), base[1] - spread * math.cos(angle))
    right = (base[0] - spread * math.sin(angle), base[1] + spread * math.cos(angle))
    draw.polygon([(xb, yb), left, right], fill=colour)


def _node(
    draw: ImageDraw.ImageDraw,
    writer: Writer,
    box: Box,
    text: str,
    colours: tuple[RGB, RGB, RGB],
) -> Node:
    """A rounded box in ``fill`` outlined in ``outline`` with ``text`` in ``ink`` inside."""
    ink, fill, outline = colours
    width = max(2, writer.size // 10)
    draw.rounded_rectangle(
        (box[0], box[1], box[2] - 1, box[3] - 1),
        radius=writer.size // 2,
        fill=fill,
        outline=outline,
        width=width,
    )
    writer.backdrop = fill
    inner = (box[0] + width, box[1] + width, box[2] - width, box[3] - width)
    _write_in(writer, text, inner, ink)
    writer.backdrop = None
    return Node(box, text, fill, outline)


def _steps(s: _Style, diagram: Diagram, box: Box) -> ElementDrawing:
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    count = len(diagram.items)
    best: tuple[int, int, int, int] | None = None  # size, columns, box w, box h
    for size in s.sizes:
        probe = s.writer(size)
        gap = round(size * 1.8)
        for columns in range(count, 0, -1):
            rows = math.ceil(count / columns)
            bw = (width - (columns - 1) * gap) // columns
            bh = min((height - (rows - 1) * gap) // rows, round(size * 4.2))
            pad = size // 3 + max(2, size // 10)
            if bw < size * 2 or bh < probe.line_height + 2 * pad:
                continue
            if all(_fits(probe, item, bw - 2 * pad, bh - 2 * pad) for item in diagram.items):
                best = (size, columns, bw, bh)
                break
        if best is not None:
            break
    shortened = best is None
    if best is None:  # at the smallest size, one column: text is cut with "…"
        size = s.sizes[-1]
        gap = round(size * 1.8)
        rows = count
        best = (size, 1, width, max(1, (height - (rows - 1) * gap) // rows))
    size, columns, bw, bh = best
    gap = round(size * 1.8)
    rows = math.ceil(count / columns)
    writer = s.writer(size)
    draw = ImageDraw.Draw(s.canvas)
    used_w = columns * bw + (columns - 1) * gap
    used_h = rows * bh + (rows - 1) * gap
    left, top = x0 + (width - used_w) // 2, y0 + (height - used_h) // 2
    boxes: list[Box] = []
    for n in range(count):
        row, col = divmod(n, columns)
        if row % 2:  # the snake: odd rows run right to left
            col = columns - 1 - col
        bx, by = left + col * (bw + gap), top + row * (bh + gap)
        boxes.append((bx, by, bx + bw, by + bh))
    nodes = [
        _node(draw, writer, b, item, (s.text, s.fill, s.accent))
        for b, item in zip(boxes, diagram.items, strict=True)
    ]
    arrows: list[tuple[tuple[int, int], ...]] = []
    margin = max(3, size // 5)
    for a, b in itertools.pairwise(boxes):
        if a[1] == b[1]:  # same row
            y = (a[1] + a[3]) // 2
            start, end = (a[2] + margin, y), (b[0] - margin, y)
            if b[0] < a[0]:
                start, end = (a[0] - margin, y), (b[2] + margin, y)
        else:
            x = (a[0] + a[2]) // 2
            start, end = (x, a[3] + margin), (x, b[1] - margin)
        _arrow(draw, [start, end], s.accent, size)
        arrows.append((start, end))
    return _drawing(diagram, box, s.backdrop, writer, nodes, arrows, shortened)


def _cycle(s: _Style, diagram: Diagram, box: Box) -> ElementDrawing:
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    count = len(diagram.items)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    angles = [-math.pi / 2 + 2 * math.pi * n / count for n in range(count)]
    chosen: tuple[int, int, int, list[Box]] | None = None
    for size in s.sizes:
        probe = s.writer(size)
        pad = size // 3 + max(2, size // 10)
        for share in (0.34, 0.3, 0.26, 0.22, 0.18):
            bw = round(width * share)
            bh = min(round(height * share * 0.75), round(size * 4.2))
            boxes = _ring(cx, cy, width, height, bw, bh, angles)
            if not _apart(boxes, size):
                continue
            if all(_fits(probe, item, bw - 2 * pad, bh - 2 * pad) for item in diagram.items):
                chosen = (size, bw, bh, boxes)
                break
        if chosen is not None:
            break
    shortened = chosen is None
    if chosen is None:
        size = s.sizes[-1]
        bw, bh = round(width * 0.22), round(size * 3.2)
        chosen = (size, bw, bh, _ring(cx, cy, width, height, bw, bh, angles))
    size, bw, bh, boxes = chosen
    writer = s.writer(size)
    draw = ImageDraw.Draw(s.canvas)
    rx, ry = (width - bw) / 2, (height - bh) / 2
    margin = max(4, size // 4)
    arrows: list[tuple[tuple[int, int], ...]] = []
    for n in range(count):
        a, b = boxes[n], boxes[(n + 1) % count]
        start, end = angles[n], angles[n] + 2 * math.pi / count
        points = []
        for k in range(61):
            t = start + (end - start) * k / 60
            point = (round(cx + rx * math.cos(t)), round(cy + ry * math.sin(t)))
            if not _inside(point, a, margin) and not _inside(point, b, margin):
                points.append(point)
        if len(points) >= 2:
            _arrow(draw, points, s.accent, size)
            arrows.append(tuple(points))
    nodes = [
        _node(draw, writer, b, item, (s.text, s.fill, s.accent))
        for b, item in zip(boxes, diagram.items, strict=True)
    ]
    return _drawing(diagram, box, s.backdrop, writer, nodes, arrows, shortened)


def _ring(
    cx: float, cy: float, width: int, height: int, bw: int, bh: int, angles: list[float]
) -> list[Box]:
    rx, ry = (width - bw) / 2, (height - bh) / 2
    boxes = []
    for angle in angles:
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        boxes.append((round(x - bw / 2), round(y - bh / 2), round(x + bw / 2), round(y + bh / 2)))
    return boxes


def _apart(boxes: list[Box], size: int) -> bool:
    """Whether the ring's boxes leave room for an arrow between neighbours."""
    room = size * 1.5
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            dx = max(b[0] - a[2], a[0] - b[2])
            dy = max(b[1] - a[3], a[1] - b[3])
            if max(dx, dy) < room:
                return False
    return True


def _inside(point: tuple[int, int], box: Box, margin: int) -> bool:
    x, y = point
    return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin


def _table(s: _Style, diagram: Diagram, box: Box) -> ElementDrawing:
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    columns, rows = len(diagram.header), len(diagram.rows) + 1
    cell_w = width // columns
    chosen: int | None = None
    for size in s.sizes:
        bold, plain = s.writer(size, bold=True), s.writer(size)
        pad = size // 3
        row_h = min(height // rows, round(size * 3.8))
        cells = [(bold, cell) for cell in diagram.header]
        cells += [(plain, cell) for row in diagram.rows for cell in row]
        if all(_fits(w, cell, cell_w - 2 * pad, row_h - 2 * pad) for w, cell in cells):
            chosen = size
            break
    shortened = chosen is None
    chosen = s.sizes[-1] if chosen is None else chosen
    size = chosen
    row_h = min(height // rows, round(size * 3.8))
    used_h = row_h * rows
    top = y0 + (height - used_h) // 2
    xs = tuple(x0 + n * cell_w for n in range(columns + 1))
    ys = tuple(top + n * row_h for n in range(rows + 1))
    draw = ImageDraw.Draw(s.canvas)
    labels_bold = s.writer(size, bold=True)
    labels = s.writer(size)
    nodes: list[Node] = []
    rule = mix(s.muted, s.backdrop, 0.6)
    for r in range(rows):
        colour = s.fill if r == 0 or r % 2 == 0 else s.backdrop
        draw.rectangle((xs[0], ys[r], xs[-1] - 1, ys[r + 1] - 1), fill=colour)
        cells = diagram.header if r == 0 else diagram.rows[r - 1]
        writer = labels_bold if r == 0 else labels
        writer.backdrop = colour
        for c, cell in enumerate(cells):
            cell_box = (xs[c], ys[r], xs[c + 1], ys[r + 1])
            _write_in(writer, cell, cell_box, s.text, centre=False)
            nodes.append(Node(cell_box, cell, colour, rule))
        writer.backdrop = None
    line = max(1, size // 14)
    for y in ys[1:-1]:
        draw.line((xs[0], y, xs[-1] - 1, y), fill=rule, width=line)
    thick = max(2, size // 8)
    draw.line(
        (xs[0], ys[1] - thick // 2, xs[-1] - 1, ys[1] - thick // 2), fill=s.accent, width=thick
    )
    merged = s.writer(size)
    merged.labels = labels_bold.labels + labels.labels
    merged.shortened = labels_bold.shortened or labels.shortened or shortened
    merged.missing.update(labels_bold.missing | labels.missing)
    drawing = _drawing(diagram, box, s.backdrop, merged, nodes, [], merged.shortened)
    drawing.grid = (xs, ys)
    drawing.bounds = (xs[0], ys[0], xs[-1], ys[-1])
    return drawing


def _drawing(
    diagram: Diagram,
    box: Box,
    backdrop: RGB,
    writer: Writer,
    nodes: list[Node],
    arrows: list[tuple[tuple[int, int], ...]],
    shortened: bool,
) -> ElementDrawing:
    bounds: Box | None = None
    for node in nodes:
        bounds = grow(bounds, node.box)
    for arrow in arrows:
        xs, ys = [p[0] for p in arrow], [p[1] for p in arrow]
        head = max(6, round(writer.size * 0.45))
        bounds = grow(bounds, (min(xs) - head, min(ys) - head, max(xs) + head, max(ys) + head))
    for label in writer.labels:
        bounds = grow(bounds, label.bounds)
    return ElementDrawing(
        "diagram",
        box,
        _clip(bounds or box, box),
        backdrop,
        labels=writer.labels,
        size=writer.size,
        nodes=nodes,
        arrows=arrows,
        missing=set(writer.missing),
        shortened=shortened or writer.shortened,
    )


def _clip(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
