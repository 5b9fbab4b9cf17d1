"""Frame composition per slide element, at 1080p, against a picture slide in the same run.

Each case composes one slide's frame (``render.compose.compose_slide``) from a picture already
made: a picture slide with three bullets (the baseline), then a bar, stacked bar, line and pie
chart, a code listing, an equation, steps, a cycle and a table, each beside the same bullets
and across the frame.
Every case is warmed up once (fonts, Pygments' lexer, matplotlib's mathtext are loaded on first
use) and timed ``--runs`` times; the figures are medians. Target: every element composes in at
most 2x the picture slide's time, so a deck full of charts renders no slower than 2x a deck of
pictures.

Run: python -m benchmarks.elements [--runs 9] [--aspect 16:9]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from PIL import Image

from deck import THEMES, Layout, Slide
from render.compose import compose_slide
from render.elements import check_element
from render.fonts import font_set
from render.frame import FrameSpec
from render.images.procedural import paint
from render.layout import auto_layout, image_size

TARGET = 2.0
THEME = THEMES["light"]
FONTS = font_set("en")
BULLETS = [
    "Cases fell by three quarters in two years",
    "Vaccination reached nine in ten children",
    "Outbreaks now start where it did not",
]
CHART: dict[str, Any] = {
    "kind": "chart",
    "labels": ["2019", "2020", "2021", "2022", "2023", "2024"],
    "series": [
        {"name": "Cases", "values": [80, 72, 64, 45, 30, 20]},
        {"name": "Deaths", "values": [12, 11, 9, 6, 4, 3]},
    ],
    "x_title": "Year",
    "y_title": "Per 100,000",
}
ELEMENTS: dict[str, dict[str, Any]] = {
    "bar chart": {**CHART, "type": "bar"},
    "stacked bar chart": {**CHART, "type": "stacked_bar"},
    "line chart": {**CHART, "type": "line"},
    "pie chart": {
        "kind": "chart",
        "type": "pie",
        "labels": ["Coal", "Gas", "Wind", "Solar", "Hydro", "Nuclear"],
        "series": [{"name": "Share", "values": [30, 22, 18, 12, 10, 8]}],
    },
    "code (python, 10 lines)": {
        "kind": "code",
        "language": "python",
        "text": "\n".join(
            [
                "def fib(n: int) -> int:",
                '    """The n-th Fibonacci number."""',
                "    a, b = 0, 1  # two at a time",
                "    for _ in range(n):",
                "        a, b = b, a + b",
                "    return a",
                "",
                "for n in range(10):",
                "    print(n, fib(n))  # 0 1 1 2 3 5 8 13 21 34",
                "print('done')",
            ]
        ),
    },
    "equation": {"kind": "equation", "latex": r"x_{n+1} = x_n - \frac{f(x_n)}{f'(x_n)}"},
    "steps (5)": {
        "kind": "diagram",
        "type": "steps",
        "items": ["Virus enters", "Cells notice it", "Antibodies made", "Memory stays", "Fast"],
    },
    "cycle (4)": {
        "kind": "diagram",
        "type": "cycle",
        "items": ["Evaporation", "Condensation", "Rain", "Collection"],
    },
    "table (3 x 4)": {
        "kind": "diagram",
        "type": "table",
        "header": ["", "Plants", "Animals", "Fungi"],
        "rows": [["Energy", "Sunlight", "Food", "Decay"], ["Moves", "No", "Yes", "No"]],
    },
}


def _case(slide: Slide, spec: FrameSpec) -> tuple[Slide, Layout, Image.Image]:
    layout = auto_layout(slide, 1)
    picture = paint("a field of sunflowers", 7, image_size(layout, spec), THEME.palette.art)
    return slide, layout, picture


def _compose(case: tuple[Slide, Layout, Image.Image], spec: FrameSpec) -> float:
    slide, layout, picture = case
    _forget_equations()
    if slide.element is not None:
        check_element(slide.element)  # what planning the render does (not timed)
    started = time.perf_counter()
    compose_slide(slide, layout, picture, THEME, spec, FONTS)
    return time.perf_counter() - started


def _time(
    case: tuple[Slide, Layout, Image.Image],
    base: tuple[Slide, Layout, Image.Image],
    spec: FrameSpec,
    runs: int,
) -> tuple[float, float]:
    """Medians of the element slide's and the picture slide's composition, timed in turns
    (so that a busy machine slows both alike), after a warm-up of each."""
    _compose(case, spec), _compose(base, spec)
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(_compose(case, spec))
        theirs.append(_compose(base, spec))
    return statistics.median(mine), statistics.median(theirs)


def _forget_equations() -> None:
    """Empty matplotlib's cache of typeset formulas: each run sets its equation anew, as a
    render's only composition of that frame does."""
    from matplotlib.mathtext import MathTextParser

    MathTextParser._parse_cached.cache_clear()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.elements")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--aspect", default="16:9")
    args = parser.parse_args(argv)
    spec = FrameSpec.of(args.aspect, 1080)
    base = _case(Slide(title="Measles is coming back", bullets=BULLETS), spec)
    print(
        f"frame composition at 1080p {args.aspect} ({spec.width}x{spec.height}), theme light; "
        f"medians of {args.runs} runs after a warm-up, each case timed in turns with the "
        "picture slide (3 bullets, picture beside them)"
    )
    print(f"{'slide':<40}{'ms':>8}{'picture ms':>12}{'x picture':>11}")
    worst = 0.0
    for name, element in ELEMENTS.items():
        for where, bullets in (("beside bullets", BULLETS), ("full frame", [])):
            slide = Slide(title="Measles is coming back", bullets=bullets, element=element)
            seconds, baseline = _time(_case(slide, spec), base, spec, args.runs)
            worst = max(worst, seconds / baseline)
            label = f"{name}, {where}"
            print(
                f"{label:<40}{seconds * 1000:>8.1f}{baseline * 1000:>12.1f}"
                f"{seconds / baseline:>11.2f}"
            )
    verdict = "PASS" if worst <= TARGET else "FAIL"
    print(f"slowest element / picture slide = {worst:.2f} (target <= {TARGET:.0f}x): {verdict}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
