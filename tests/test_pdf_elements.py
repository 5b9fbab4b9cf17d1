"""Charts, diagrams and code in the PDF are vector shapes and text, not pictures: read back with
pypdf, their labels, values and cells are text; the page's content has their shapes, a bar as
tall as its value says; the page's picture leaves their place empty; an equation stays a picture.
"""

from __future__ import annotations

import asyncio
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from deck import Deck, SetDeck, SetTheme, apply, parse_outline, theme_spec
from render import AssetCache, FrameSpec, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from render.compose import ComposedFrame, compose_slide
from render.contrast import hex_to_rgb
from render.elements.chart import series_colors
from render.export import export_deck
from render.fonts import EMOJI_FAMILY, family_font, font_set
from render.layout import auto_layout
from tests.test_export import rasterize, text_positions, words

OPTIONS = RenderOptions(resolution=360, voice="silent", storyboard=False)
OUTLINE = """\
---
title: Vectors
theme: ocean
---

# Vectors

## Cases by year
- Cases fell after 2021
```chart
type: bar
y: Cases
| Year | Cases |
| --- | --- |
| 2021 | 80 |
| 2022 | 45 |
| 2023 | 20 |
```

## Sales
```chart
type: stacked bar
y: Revenue
unit: $M
| Year | North | South |
| --- | --- | --- |
| 2022 | 4 | 3 |
| 2023 | 6 | 2 |
```

## Visitors
```chart
type: line
labels: Mon, Tue, Wed
series Visitors: 120, 135, 150
series Staff: 20, 25, 22
```

## Energy
```chart
type: pie
| Source | Share |
| --- | --- |
| Solar | 50 |
| Wind | 30 |
| Hydro | 20 |
```

## Life
```diagram
type: steps
Seed -> Sprout -> Flower
```

## Water
- It goes round
```diagram
type: cycle
Evaporation -> Condensation -> Rain -> Runoff
```

## Kingdoms
```diagram
type: table
| | Plants | Animals |
| --- | --- | --- |
| Energy | Sunlight | Food |
| Cell wall | Cellulose | None |
```

## The loop
```python
for year in years:
    print(year, cases[year])
```

## Growth
$$ N(t) = N_0 e^{rt} $$
"""
BAR, STACKED, LINE, PIE, STEPS, CYCLE, TABLE, CODE, EQUATION = range(1, 10)
DRAWN = (BAR, STACKED, LINE, PIE, STEPS, CYCLE, TABLE, CODE)


class Exported:
    def __init__(self, root: Path, aspect: str = "16:9", theme: str = "ocean") -> None:
        self.root = root
        self.deck: Deck = apply(
            parse_outline(OUTLINE), [SetDeck(aspect=aspect), SetTheme(name=theme)]
        )
        self.spec = FrameSpec.of(self.deck.aspect, OPTIONS.resolution)
        self.theme = theme_spec(self.deck.theme.name)
        self.pdf = root / "vectors.pdf"
        with Renderer(ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(root)) as r:
            asyncio.run(export_deck(r, self.deck, pdf=self.pdf, options=OPTIONS))
            video = asyncio.run(r.render(self.deck, root / "vectors.mp4", OPTIONS))
            self.pictures = asyncio.run(r.pictures(self.deck, OPTIONS))
        self.frames = [Image.open(f).convert("RGB") for f in video.frames]
        self.reader = PdfReader(self.pdf)
        self.points = float(self.reader.pages[0].mediabox.width) / self.spec.width

    def page(self, index: int):
        return self.reader.pages[index]

    def text(self, index: int) -> str:
        return words(self.page(index).extract_text())

    def composed(self, index: int) -> ComposedFrame:
        slide = self.deck.slides[index]
        with Image.open(self.pictures[index]) as picture:
            return compose_slide(
                slide,
                auto_layout(slide, index),
                picture,
                self.theme,
                self.spec,
                font_set(self.deck.language),
                floor=0.012,
            )

    def bars(self, index: int, colour: tuple[int, int, int]) -> list[tuple[float, ...]]:
        """The rectangles of ``colour`` in the chart's plot (not its legend's swatch)."""
        drawing = self.composed(index).element
        assert drawing is not None and drawing.plot is not None
        top = drawing.plot[1] - 0.5
        return sorted(box for box in self.fills(index)[colour] if box[1] >= top)

    def fills(self, index: int) -> dict[tuple[int, int, int], list[tuple[float, ...]]]:
        """Every filled rectangle on the page by its colour, in frame pixels (x0, y0, x1, y1)."""
        height = float(self.page(index).mediabox.height)
        colour: tuple[int, int, int] = (0, 0, 0)
        out: dict[tuple[int, int, int], list[tuple[float, ...]]] = defaultdict(list)
        for operands, operator in self.operations(index):
            if operator == b"rg":
                colour = tuple(round(float(v) * 255) for v in operands)  # type: ignore[assignment]
            elif operator == b"re":
                x, y, w, h = (float(v) for v in operands)
                top, bottom = sorted((height - y, height - y - h))
                box = (x, top, x + w, bottom)
                out[colour].append(tuple(v / self.points for v in box))
        return out

    def polygons(self, index: int) -> dict[tuple[int, int, int], list[list[tuple[float, float]]]]:
        """Every path of straight lines on the page (m, l, ...) by its fill colour."""
        colour: tuple[int, int, int] = (0, 0, 0)
        out: dict[tuple[int, int, int], list[list[tuple[float, float]]]] = defaultdict(list)
        path: list[tuple[float, float]] = []
        for operands, operator in self.operations(index):
            if operator == b"rg":
                colour = tuple(round(float(v) * 255) for v in operands)  # type: ignore[assignment]
            elif operator in (b"m", b"l"):
                path.append((float(operands[0]), float(operands[1])))
            elif operator in (b"f", b"B", b"S", b"n") and path:
                out[colour].append(path)
                path = []
        return out

    def operations(self, index: int) -> list[tuple[list, bytes]]:
        page = self.page(index)
        return ContentStream(page.get_contents(), self.reader).operations


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    return Exported(tmp_path_factory.mktemp("vectors"))


def test_a_charts_labels_values_and_legend_are_text(exported: Exported):
    bar = exported.text(BAR)
    for text in ("2021", "2022", "2023", "Cases", "Year", "0", "20", "40", "60", "80"):
        assert text in bar.split(), (text, bar)
    stacked = exported.text(STACKED)
    for text in ("North", "South", "Revenue ($M)", "2022", "2023", "8"):
        assert text in stacked, (text, stacked)
    line = exported.text(LINE)
    for text in ("Visitors", "Staff", "Mon", "Tue", "Wed", "150"):
        assert text in line, (text, line)
    pie = exported.text(PIE)
    for text in ("Solar 50%", "Wind 30%", "Hydro 20%"):
        assert text in pie, (text, pie)


def test_diagrams_cells_and_code_are_text(exported: Exported):
    assert all(item in exported.text(STEPS) for item in ("Seed", "Sprout", "Flower"))
    cycle = exported.text(CYCLE)
    assert all(item in cycle for item in ("Evaporation", "Condensation", "Rain", "Runoff"))
    table = exported.text(TABLE)
    cells = ("Plants", "Animals", "Energy", "Sunlight", "Food", "Cell wall", "Cellulose", "None")
    assert all(cell in table for cell in cells), table
    code = exported.page(CODE).extract_text()
    assert "for year in years:" in code and "print(year, cases[year])" in code


def test_a_bar_is_as_tall_as_its_value_and_where_the_frame_drew_it(exported: Exported):
    drawing = exported.composed(BAR).element
    assert drawing is not None
    (colour,) = series_colors(exported.theme.palette, 1, drawing.backdrop)
    bars = exported.bars(BAR, colour)
    assert len(bars) == 3
    heights = [bottom - top for _x0, top, _x1, bottom in bars]
    per_unit = [h / v for h, v in zip(heights, (80, 45, 20), strict=True)]
    assert max(per_unit) == pytest.approx(min(per_unit), rel=1e-3)  # exactly, not to a pixel
    for drawn, frame in zip(bars, sorted(b.box for b in drawing.bars), strict=True):
        assert drawn == pytest.approx(frame, abs=1.0)  # the frame's bar, to its rounding


def test_a_stacked_bars_segments_add_up_on_the_page(exported: Exported):
    drawing = exported.composed(STACKED).element
    assert drawing is not None
    north, south = series_colors(exported.theme.palette, 2, drawing.backdrop)
    lower, upper = exported.bars(STACKED, north), exported.bars(STACKED, south)
    assert len(lower) == len(upper) == 2
    unit = (lower[0][3] - lower[0][1]) / 4
    for (_a, top, _b, bottom), value in zip([*lower, *upper], (4, 6, 3, 2), strict=True):
        assert bottom - top == pytest.approx(value * unit, rel=1e-3)
    for below, above in zip(lower, upper, strict=True):
        assert above[3] == pytest.approx(below[1], abs=0.01)  # each segment on the one below


def test_a_pies_slices_are_as_large_as_their_shares(exported: Exported):
    drawing = exported.composed(PIE).element
    assert drawing is not None
    colours = series_colors(exported.theme.palette, 3, drawing.backdrop)
    polygons = exported.polygons(PIE)
    areas = []
    for colour in colours:
        (path,) = polygons[colour]
        xs, ys = np.array([p[0] for p in path]), np.array([p[1] for p in path])
        areas.append(abs(np.dot(xs, np.roll(ys, 1)) - np.dot(ys, np.roll(xs, 1))) / 2)
    shares = np.array(areas) / sum(areas)
    assert shares == pytest.approx([0.5, 0.3, 0.2], abs=0.005)


def test_labels_sit_where_the_frame_drew_them(exported: Exported):
    drawing = exported.composed(BAR).element
    assert drawing is not None
    runs = text_positions(exported.page(BAR), exported.points)
    for label in drawing.labels:
        placed = [(x, y) for text, x, y in runs if text.strip() == label.text]
        assert placed, label.text
        x0, y0, _x1, y1 = label.bounds
        assert any(x0 - 3 <= x <= x0 + 1 and y0 <= y <= y1 + 1 for x, y in placed), (
            label,
            placed,
        )


@pytest.mark.parametrize("index", DRAWN)
def test_the_pages_picture_leaves_the_element_to_the_shapes(exported: Exported, index: int):
    """One picture per page (the frame under the text); where the element goes it is the
    card's flat colour, so the element on the page is its shapes and text alone (code: text)."""
    page = exported.page(index)
    (image,) = page.images
    drawing = exported.composed(index).element
    assert drawing is not None
    picture = np.asarray(image.image.convert("RGB").crop(drawing.box)).astype(int)
    assert np.abs(picture - np.array(drawing.backdrop)).max() < 12
    operators = {operator for _operands, operator in exported.operations(index)}
    if index != CODE:  # code is text alone
        assert b"f" in operators or b"B" in operators  # filled shapes
    assert len(page.extract_text().split()) > 1


def test_an_equation_stays_the_frames_picture(exported: Exported):
    (image,) = exported.page(EQUATION).images
    drawing = exported.composed(EQUATION).element
    assert drawing is not None and drawing.picture_box is not None
    picture = np.asarray(image.image.convert("RGB").crop(drawing.picture_box)).astype(int)
    assert np.abs(picture - np.array(drawing.backdrop)).max() > 100  # the typeset formula


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (make system)")
@pytest.mark.parametrize(
    ("aspect", "theme"), [("16:9", "ocean"), ("9:16", "light"), ("1:1", "chalkboard")]
)
def test_the_pages_look_like_the_video(exported: Exported, aspect: str, theme: str, tmp_path: Path):
    """Drawn by poppler, every page matches the video's frame, on every shape and theme."""
    if (aspect, theme) != ("16:9", "ocean"):
        exported = Exported(tmp_path, aspect, theme)
    pages = rasterize(exported.pdf, exported.spec.size, exported.root / "pages")
    assert len(pages) == len(exported.frames)
    for i, (page, frame) in enumerate(zip(pages, exported.frames, strict=True)):
        assert np.abs(page - np.asarray(frame).astype(int)).mean() < 4, f"page {i + 1}"


def test_the_colours_on_the_page_are_the_themes(exported: Exported):
    text = hex_to_rgb(exported.theme.palette.text)
    assert text in exported.fills(BAR)  # the zero line, in the theme's text colour


@pytest.mark.skipif(
    family_font(EMOJI_FAMILY, bold=False) is None,
    reason="Noto Color Emoji is not installed (make system)",
)
def test_an_emoji_in_a_title_or_a_charts_label_is_placed_as_its_colour_picture(tmp_path: Path):
    deck = parse_outline(
        "# Plants 🌱 grow\n\n## Cases 🌱\n```chart\ntype: bar\n| Year | Cases |\n"
        "| 2021 🌱 | 80 |\n| 2022 | 45 |\n```\n"
    )
    target = tmp_path / "emoji.pdf"
    with Renderer(ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(tmp_path)) as r:
        asyncio.run(export_deck(r, deck, pdf=target, options=OPTIONS))
    reader = PdfReader(target)

    def pictures(page) -> int:  # the same emoji's picture is one image, placed twice
        operations = ContentStream(page.get_contents(), reader).operations
        return sum(operator == b"Do" for _operands, operator in operations)

    title, chart = reader.pages
    assert pictures(title) == 2  # the frame under the text and the title's emoji
    assert pictures(chart) == 3  # ... and the chart label's
    assert "2021" in chart.extract_text() and "Cases" in chart.extract_text()
