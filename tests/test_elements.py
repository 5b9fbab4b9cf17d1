"""Slide elements (charts, code, equations) drawn exactly and legibly on every theme and aspect,
measured in the frame, and exported natively (read back with python-pptx)."""

from __future__ import annotations

import asyncio
import itertools

import numpy as np
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from deck import THEMES, Layout, Slide, parse_outline
from render import RenderOptions
from render.compose import compose_slide
from render.contrast import AA_NORMAL_TEXT, contrast_ratio, hex_to_rgb, min_contrast
from render.export import export_deck
from render.fonts import font_set
from render.frame import FrameSpec
from render.frames import frame_key
from render.images.procedural import paint
from render.layout import auto_layout, boxes_overlap, image_size
from tests.test_compose import _check

SMALL = RenderOptions(resolution=360, voice="silent", storyboard=False)
BAR = {
    "kind": "chart",
    "type": "bar",
    "labels": ["2021", "2022", "2023", "2024"],
    "series": [
        {"name": "North", "values": [4.2, 5.0, 6.1, 7.3]},
        {"name": "South", "values": [3.1, 3.8, 2.5, 4.0]},
    ],
    "x_title": "Year",
    "y_title": "Revenue",
    "unit": "$M",
}
CHARTS = {
    "bar": BAR,
    "stacked_bar": {**BAR, "type": "stacked_bar"},
    "line": {**BAR, "type": "line"},
    "pie": {
        "kind": "chart",
        "type": "pie",
        "labels": ["Coal", "Gas", "Wind", "Solar", "Hydro"],
        "series": [{"name": "Share", "values": [30, 25, 20, 15, 10]}],
    },
    "negative": {
        "kind": "chart",
        "labels": ["Q1", "Q2", "Q3"],
        "series": [{"name": "Profit", "values": [-2.0, 3.0, 5.5]}],
    },
}
CODE = {
    "kind": "code",
    "language": "python",
    "text": (
        "def fib(n: int) -> int:\n"
        '    """The n-th Fibonacci number."""\n'
        "    a, b = 0, 1  # two at a time\n"
        "    for _ in range(n):\n"
        "        a, b = b, a + b\n"
        "    return a\n"
        "\n"
        "print([fib(i) for i in range(10)])  # a long comment that makes this line longer"
    ),
}
EQUATION = {"kind": "equation", "latex": r"x_{n+1} = x_n - \frac{f(x_n)}{f'(x_n)}"}
DIAGRAMS = {
    "steps": {
        "kind": "diagram",
        "type": "steps",
        "items": ["Virus enters", "Immune cells notice it", "Antibodies are made", "Memory stays"],
    },
    "cycle": {
        "kind": "diagram",
        "type": "cycle",
        "items": ["Evaporation", "Condensation", "Rain", "Collection"],
    },
    "table": {
        "kind": "diagram",
        "type": "table",
        "header": ["", "Plants", "Animals"],
        "rows": [["Energy", "Sunlight", "Food"], ["Moves", "No", "Yes"]],
    },
}
ELEMENTS = {**CHARTS, "code": CODE, "equation": EQUATION, **DIAGRAMS}
BULLETS = ["North doubled in four years", "South dipped in 2023"]
ASPECTS = ["16:9", "9:16", "1:1"]


def compose(element, theme="light", aspect="16:9", bullets=BULLETS, layout=None, short=360):
    slide = Slide(title="Sales grew in the north", bullets=bullets, element=element, layout=layout)
    spec = FrameSpec.of(aspect, short)
    chosen = auto_layout(slide, 1)
    spec_theme = THEMES[theme]
    picture = paint("hills at dawn", 3, image_size(chosen, spec), spec_theme.palette.art)
    frame = compose_slide(
        slide, chosen, picture, spec_theme, spec, font_set("en"), keep_underlay=True
    )
    return frame, spec


def check_element(frame, spec):
    """The slide's text passes the bullets' checks; the element stays on its card, clear of the
    text; every label the element drew is legible on the card and sits on the card alone (no
    bar, line or other label under it)."""
    _check(frame, spec)
    drawing = frame.element
    assert drawing is not None
    card = frame.card
    x0, y0, x1, y1 = drawing.bounds
    assert card[0] <= x0 and card[1] <= y0 and x1 <= card[2] and y1 <= card[3], (
        "element leaves card"
    )
    for block in frame.blocks:
        assert not boxes_overlap(block.bounds, card), f"{block.kind} overlaps the element's card"
    image = np.asarray(frame.image).astype(int)
    for label in drawing.labels:
        under = label.backdrop or drawing.backdrop  # a diagram's box or cell has its own fill
        assert contrast_ratio(label.color, under) >= AA_NORMAL_TEXT, label.text
        lx0, ly0, lx1, ly1 = label.bounds
        assert x0 <= lx0 and lx1 <= x1 and y0 <= ly0 and ly1 <= y1, f"{label.text} leaves"
        if drawing.kind == "code":  # runs of one line touch; rows are checked below
            continue
        # Every pixel of the label is a blend of the label's colour and the card.
        pixels = image[ly0:ly1, lx0:lx1].reshape(-1, 3)
        colour, flat = np.array(label.color), np.array(under)
        direction = colour - flat
        t = np.clip(((pixels - flat) @ direction) / max(1, direction @ direction), 0, 1)
        off = np.abs(pixels - (flat + t[:, None] * direction)).max(axis=1)
        assert off.max() <= 40, f"something else is drawn under the label {label.text!r}"
        for other in drawing.labels:
            if other is not label:
                assert not boxes_overlap(label.bounds, other.bounds), (label.text, other.text)
        for bar in drawing.bars:
            if drawing.plot is not None and bar.box != drawing.plot:  # not a pie's disc
                assert not boxes_overlap(label.bounds, bar.box), (label.text, bar)


# -- every chart on every theme and aspect -----------------------------------------------------


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("kind", list(ELEMENTS))
def test_every_element_is_legible_on_every_theme_and_aspect(kind, theme, aspect):
    smallest = {"code": 0.024, "equation": 0.04}.get(kind, 0.03)
    if kind in DIAGRAMS:
        smallest = 0.03
    for bullets in (BULLETS, []):  # beside the bullets, and across the frame
        frame, spec = compose(ELEMENTS[kind], theme, aspect, bullets)
        check_element(frame, spec)
        assert frame.shortened == ()
        assert frame.element.size >= smallest * spec.short_side  # a legible size
        # Series colours stand out from the card (WCAG 1.4.11: 3:1 for graphics).
        for colour in frame.element.colors:
            assert contrast_ratio(colour, frame.element.backdrop) >= 3.0
        if kind == "code":  # highlighted, every colour AA on the card, rows apart
            assert len({label.color for label in frame.element.labels}) >= 3


def test_beside_the_bullets_the_picture_is_omitted_and_full_frame_it_is_a_soft_background():
    beside, spec = compose(BAR, "dark", "16:9")
    assert beside.backdrop is None and beside.picture_box is None
    background = np.array(hex_to_rgb(THEMES["dark"].palette.background))
    outside = np.asarray(beside.underlay)[spec.height - 3, spec.width - 3]
    assert (outside == background).all()  # no picture anywhere
    full, spec = compose(BAR, "dark", "16:9", bullets=[])
    assert full.backdrop is not None
    soft = np.asarray(full.backdrop).astype(int)
    assert soft.std() > 0.5  # the picture still shows...
    text = hex_to_rgb(THEMES["dark"].palette.text)
    assert min_contrast(text, np.asarray(full.backdrop)) >= AA_NORMAL_TEXT  # ...faded for text


# -- the bars are where the data puts them ------------------------------------------------------


def _runs(column: np.ndarray, colour: tuple[int, int, int]) -> list[tuple[int, int]]:
    """(start, end) of each run of ``colour`` down one column of pixels."""
    hit = np.all(np.abs(column.astype(int) - np.array(colour)) <= 2, axis=1)
    runs, start = [], None
    for y, on in enumerate(hit):
        if on and start is None:
            start = y
        if not on and start is not None:
            runs.append((start, y))
            start = None
    if start is not None:
        runs.append((start, len(hit)))
    return runs


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("kind", ["bar", "stacked_bar", "negative"])
def test_bar_heights_measured_in_the_frame_match_the_values(kind, aspect):
    chart = CHARTS[kind]
    frame, _ = compose(chart, "ocean", aspect, short=1080)
    image = np.asarray(frame.image)
    drawing = frame.element
    measured: list[tuple[float, int, int]] = []  # value, top, bottom of each bar as found
    for bar in drawing.bars:
        x = (bar.box[0] + bar.box[2]) // 2
        runs = [r for r in _runs(image[:, x], bar.color) if r[0] <= bar.box[1] + 1 < r[1] + 2]
        assert len(runs) == 1, (bar, runs)
        measured.append((bar.value, *runs[0]))
    if kind == "stacked_bar":
        # Each label's stack: segments sit on one another, their heights add up to the total.
        for i in range(len(chart["labels"])):
            segments = [m for m, b in zip(measured, drawing.bars, strict=True) if b.label == i]
            for (_, top, _), (_, _, bottom) in itertools.pairwise(segments):
                assert bottom == top  # the next segment starts where this one ends
    heights = [(value, bottom - top) for value, top, bottom in measured]
    per_unit = [h / abs(v) for v, h in heights]
    assert max(per_unit) - min(per_unit) <= 2.0 / min(abs(v) for v, _ in heights)
    # All bars stand on one zero line (positive ones end on it, negative ones start there).
    if kind != "stacked_bar":
        zeros = {bottom if value > 0 else top for value, top, bottom in measured}
        assert max(zeros) - min(zeros) <= 1


def test_line_points_sit_at_their_values():
    frame, _ = compose(CHARTS["line"], "light", "16:9", short=1080)
    drawing = frame.element
    ys = [((b.box[1] + b.box[3]) / 2, b.value) for b in drawing.bars]
    (y_a, v_a), (y_b, v_b) = min(ys, key=lambda p: p[1]), max(ys, key=lambda p: p[1])
    per_unit = (y_a - y_b) / (v_b - v_a)
    for y, v in ys:
        assert y == pytest.approx(y_a - (v - v_a) * per_unit, abs=1.5)


def test_pie_slices_have_the_shares_of_their_values():
    frame, _ = compose(CHARTS["pie"], "sunset", "1:1", bullets=[], short=1080)
    drawing = frame.element
    image = np.asarray(frame.image).astype(int)
    x0, y0, x1, y1 = drawing.plot
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
    xs = np.round(cx + 0.7 * r * np.cos(angles)).astype(int)
    ys = np.round(cy + 0.7 * r * np.sin(angles)).astype(int)
    samples = image[ys, xs]
    values = CHARTS["pie"]["series"][0]["values"]
    for bar in drawing.bars:
        share = np.all(np.abs(samples - np.array(bar.color)) <= 2, axis=1).mean()
        assert share == pytest.approx(bar.value / sum(values), abs=0.01)


# -- cached like frames -------------------------------------------------------------------------


def test_a_charts_frame_key_changes_with_its_data_and_theme_only():
    from render.options import RenderOptions as Options

    spec, options = FrameSpec.of("16:9", 360), Options()

    def key(element, theme="light", title="Sales"):
        slide = Slide(title=title, bullets=BULLETS, element=element)
        return frame_key(slide, Layout.IMAGE_BULLETS, "img", THEMES[theme], spec, options, "en")

    base = key(BAR)
    assert key(BAR) == base
    changed = {
        **BAR,
        "series": [BAR["series"][0], {"name": "South", "values": [3.1, 3.8, 2.5, 4.1]}],
    }
    assert key(changed) != base
    assert key({**BAR, "type": "line"}) != base
    assert key(BAR, theme="dark") != base
    # A slide without an element keeps the key it had before elements existed.
    plain = Slide(title="Sales", bullets=BULLETS)
    assert "element" not in plain.model_dump(exclude_none=True)


# -- PowerPoint: native charts -----------------------------------------------------------------

CHART_OUTLINE = """\
---
title: Sales
theme: {theme}
aspect: {aspect}
---

# Sales
- A short tour

## Bars
- North doubled
```chart
type: bar
y: Revenue
unit: $M
| Year | North | South |
| --- | --- | --- |
| 2021 | 4.2 | 3.1 |
| 2022 | 5 | 3.8 |
| 2023 | 6.1 | 2.5 |
```

## Stacked
```chart
type: stacked bar
| Year | North | South |
| 2021 | 4.2 | 3.1 |
| 2022 | 5 | 3.8 |
```

## Lines
- Visitors grew
```chart
type: line
labels: Mon, Tue, Wed
series Visitors: 120, 135, 150
```

## Pie
```chart
type: pie
| Source | Share |
| Coal | 30 |
| Wind | 70 |
```
"""
PPTX_TYPES = {
    "Bars": (XL_CHART_TYPE.COLUMN_CLUSTERED, {"North": (4.2, 5.0, 6.1), "South": (3.1, 3.8, 2.5)}),
    "Stacked": (XL_CHART_TYPE.COLUMN_STACKED, {"North": (4.2, 5.0), "South": (3.1, 3.8)}),
    "Lines": (XL_CHART_TYPE.LINE_MARKERS, {"Visitors": (120.0, 135.0, 150.0)}),
    "Pie": (XL_CHART_TYPE.PIE, {"Share": (30.0, 70.0)}),
}


@pytest.mark.parametrize(
    ("theme", "aspect"), [("light", "16:9"), ("dark", "9:16"), ("ocean", "1:1")]
)
def test_pptx_charts_are_native_with_the_type_labels_and_values(renderer, tmp_path, theme, aspect):
    deck = parse_outline(CHART_OUTLINE.format(theme=theme, aspect=aspect))
    target = tmp_path / "deck.pptx"
    asyncio.run(export_deck(renderer, deck, pptx=target, options=SMALL))
    prs = Presentation(str(target))
    slides = list(prs.slides)
    assert len(slides) == 5
    for slide in slides[1:]:
        title = slide.shapes.title.text_frame.text
        kind, series = PPTX_TYPES[title]
        charts = [shape for shape in slide.shapes if shape.has_chart]
        assert len(charts) == 1, title
        chart = charts[0].chart
        assert chart.chart_type == kind
        plot = chart.plots[0]
        assert {s.name: tuple(s.values) for s in plot.series} == series
        assert len(list(plot.categories)) == len(next(iter(series.values())))
        # The picture is omitted beside bullets; across the frame it is the soft background.
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        element = deck.slides[slides.index(slide)].element
        assert element is not None
        assert len(pictures) == (0 if deck.slides[slides.index(slide)].bullets else 1)
    bars = next(s for s in slides[1].shapes if s.has_chart).chart
    assert list(bars.plots[0].categories) == ["2021", "2022", "2023"]
    assert bars.value_axis.axis_title.text_frame.text == "Revenue ($M)"
    assert bars.category_axis.axis_title.text_frame.text == "Year"
    colour = bars.plots[0].series[0].format.fill.fore_color.rgb
    assert str(colour) != ""  # set from the theme, as the frame drew it


# -- bad data names the slide and the line -----------------------------------------------------


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "```chart\nlabels: a, b\nseries N: 1, 2, 3\n```",
            "line 6: slide 2: series 'N' has 3 values but the chart has 2 labels",
        ),
        ("```chart\n| x | N |\n| a | 1 | 2 |\n```", "line 6: slide 2: this chart row has 3 cells"),
        ("```chart\n| x | N |\n| a | lots |\n```", "line 6: slide 2: 'lots' is not a number"),
        ("```chart\nlabels: a\nseries N: x\n```", "line 6: slide 2: 'x' is not a number"),
        ("```chart\ntype: donut\n| x | N |\n```", "line 5: slide 2: unknown chart type 'donut'"),
        ("```chart\n| x | N |\n| a | 1 |\n", "line 4: slide 2: the chart block opened here"),
        (
            "```chart\ntype: pie\n| x | A | B |\n| a | 1 | 2 |\n```",
            "line 4: slide 2 chart: a pie chart shows one series, not 2",
        ),
        (
            "```chart\ntype: stacked bar\n| x | A |\n| a | -1 |\n```",
            "line 4: slide 2 chart: a stacked bar chart's values must be positive",
        ),
    ],
)
def test_bad_chart_data_names_the_slide_and_the_line(block, message):
    from deck import DeckError

    with pytest.raises(DeckError) as info:
        parse_outline(f"# Deck\n\n## Chart\n{block}\n")
    assert message in str(info.value)


def test_a_chart_on_a_title_slide_is_refused():
    from deck import DeckError

    with pytest.raises(DeckError, match="a title slide cannot hold a chart"):
        parse_outline("# Deck\n```chart\nlabels: a\nseries: 1\n```\n")


# -- code and equations --------------------------------------------------------------------------


def test_code_too_long_lines_wrap_under_their_indentation():
    long = {"kind": "code", "language": "python", "text": "    x = compute(" + "a, " * 26 + "z)"}
    frame, spec = compose(long, "light", "9:16", bullets=[], short=1080)
    check_element(frame, spec)
    labels = sorted(frame.element.labels, key=lambda label: label.bounds[1])
    rows: list[list] = []
    for label in labels:  # glyph tops differ within a row by less than half a line
        if not rows or label.bounds[1] > rows[-1][0].bounds[1] + label.size * 0.6:
            rows.append([])
        rows[-1].append(label)
    assert len(rows) >= 2  # one line of code, wrapped into rows
    first_x = min(label.bounds[0] for label in rows[0])
    second_x = min(label.bounds[0] for label in rows[1])
    assert second_x > first_x  # the continuation is indented past the line's start


def test_code_that_cannot_fit_is_refused_with_what_fits():
    from render.errors import ElementError

    text = "\n".join(f"value_{n} = compute({'x, ' * 26}y)" for n in range(18))
    with pytest.raises(ElementError, match="does not fit on the slide at a legible size"):
        compose({"kind": "code", "language": "python", "text": text}, "dark", "1:1")


def test_an_equation_that_does_not_parse_stops_the_render_naming_slide_and_position(images):
    from render.errors import ElementError
    from render.plan import RenderPlan

    deck = parse_outline("# Deck\n\n## Newton\n$$ \\frac{a $$\n")
    with pytest.raises(ElementError) as info:
        RenderPlan.of(deck, SMALL, images)
    message = str(info.value)
    assert message.startswith("slide 2: the equation '\\frac{a' does not parse at character 6")


def test_an_equation_is_drawn_in_the_text_colour_and_read_aloud():
    frame, _ = compose(EQUATION, "chalkboard", "16:9", bullets=[], short=720)
    drawing = frame.element
    ink = np.asarray(drawing.picture)[:, :, 3] > 200
    colours = np.asarray(drawing.picture)[:, :, :3][ink]
    assert ink.sum() > 500 and (colours == hex_to_rgb(THEMES["chalkboard"].palette.text)).all()
    slide = Slide(title="Newton", element=EQUATION)
    assert "x sub n plus 1 equals x sub n minus f x sub n over f prime x sub n" in slide.narration


ELEMENT_OUTLINE = """\
---
title: Teaching
theme: {theme}
---

# Teaching

## Fibonacci
- Two numbers at a time
```python
def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a
```

## Newton
$$ x_{{n+1}} = x_n - \\frac{{f(x_n)}}{{f'(x_n)}} $$
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_pptx_code_is_monospace_text_and_an_equation_a_picture_with_its_latex(
    renderer, tmp_path, theme
):
    deck = parse_outline(ELEMENT_OUTLINE.format(theme=theme))
    target = tmp_path / "deck.pptx"
    asyncio.run(export_deck(renderer, deck, pptx=target, options=SMALL))
    slides = list(Presentation(str(target)).slides)
    code_box = next(s for s in slides[1].shapes if s.name.startswith("Code"))
    paragraphs = code_box.text_frame.paragraphs
    assert [p.text for p in paragraphs] == deck.slides[1].element.text.split("\n")
    fonts = {run.font.name for p in paragraphs for run in p.runs}
    assert fonts == {"DejaVu Sans Mono"}
    colours = {str(run.font.color.rgb) for p in paragraphs for run in p.runs}
    assert len(colours) >= 3  # highlighted as the frame shows it
    card = hex_to_rgb(THEMES[theme].palette.surface)
    for colour in colours:
        assert contrast_ratio(hex_to_rgb(colour), card) >= AA_NORMAL_TEXT
    pictures = [s for s in slides[2].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    equation = next(p for p in pictures if p.name == "Equation")
    descr = equation._element.nvPicPr.cNvPr.get("descr")
    assert descr == deck.slides[2].element.latex == "x_{n+1} = x_n - \\frac{f(x_n)}{f'(x_n)}"


# -- diagrams ------------------------------------------------------------------------------------


def test_steps_are_joined_in_order_by_arrows_and_a_cycle_closes():
    frame, _ = compose(DIAGRAMS["steps"], "light", "16:9", bullets=[], short=720)
    nodes, arrows = frame.element.nodes, frame.element.arrows
    assert [node.text for node in nodes] == DIAGRAMS["steps"]["items"]
    assert len(arrows) == len(nodes) - 1
    for (a, b), arrow in zip(itertools.pairwise(nodes), arrows, strict=True):
        start, end = arrow[0], arrow[-1]
        assert not boxes_overlap(a.box, b.box)
        # Each arrow leaves one box and points at the next: it starts nearer the first.
        assert _distance(start, a.box) < _distance(start, b.box)
        assert _distance(end, b.box) < _distance(end, a.box)
    cycle, _ = compose(DIAGRAMS["cycle"], "ocean", "1:1", bullets=[], short=720)
    assert len(cycle.element.arrows) == len(cycle.element.nodes)  # the last joins the first
    last = cycle.element.arrows[-1]
    assert _distance(last[-1], cycle.element.nodes[0].box) < _distance(
        last[-1], cycle.element.nodes[-1].box
    )


def _distance(point, box) -> float:
    x, y = point
    dx = max(box[0] - x, 0, x - box[2])
    dy = max(box[1] - y, 0, y - box[3])
    return (dx * dx + dy * dy) ** 0.5


DIAGRAM_OUTLINE = """\
# Biology

## Three kingdoms
```diagram
type: table
| | Plants | Animals | Fungi |
| --- | --- | --- | --- |
| Energy | Sunlight | Food | Decay |
| Cell wall | Cellulose | None | Chitin |
```

## Immunity
- Four steps
```diagram
type: steps
Virus enters -> Cells notice -> Antibodies -> Memory
```
"""


def test_pptx_table_is_native_with_the_cells_and_steps_are_boxes_with_arrows(renderer, tmp_path):
    deck = parse_outline(DIAGRAM_OUTLINE)
    target = tmp_path / "deck.pptx"
    asyncio.run(export_deck(renderer, deck, pptx=target, options=SMALL))
    slides = list(Presentation(str(target)).slides)
    tables = [shape for shape in slides[1].shapes if shape.has_table]
    assert len(tables) == 1
    table = tables[0].table
    cells = [
        [table.cell(r, c).text for c in range(len(table.columns))] for r in range(len(table.rows))
    ]
    assert cells == [
        ["", "Plants", "Animals", "Fungi"],
        ["Energy", "Sunlight", "Food", "Decay"],
        ["Cell wall", "Cellulose", "None", "Chitin"],
    ]
    steps = [s for s in slides[2].shapes if s.name.startswith("Step ")]
    assert [s.text_frame.text for s in steps] == [
        "Virus enters",
        "Cells notice",
        "Antibodies",
        "Memory",
    ]
    arrows = [s for s in slides[2].shapes if s.name == "Arrow"]
    assert len(arrows) == 3
    assert all(a.line._get_or_add_ln().find(qn("a:tailEnd")) is not None for a in arrows)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "```diagram\ntype: table\n| a | b |\n| 1 | 2 | 3 |\n```",
            "line 7: slide 2: this table row has 3 cells but the header has 2",
        ),
        ("```diagram\nOnly one\n```", "line 4: slide 2 diagram: steps need at least 2 items"),
        (
            "```diagram\ntype: table\n| a | b | c | d | e |\n| 1 | 2 | 3 | 4 | 5 |\n```",
            "line 4: slide 2 diagram header: has too many items (5, at most 4)",
        ),
        ("```diagram\ntype: tree\nA -> B\n```", "line 5: slide 2: unknown diagram type 'tree'"),
    ],
)
def test_bad_diagrams_name_the_slide_and_the_line(block, message):
    from deck import DeckError

    with pytest.raises(DeckError) as info:
        parse_outline(f"# Deck\n\n## Diagram\n{block}\n")
    assert message in str(info.value)
