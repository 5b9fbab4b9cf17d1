"""Slide elements drawn exactly: charts, code and equations, one module each.

:func:`draw_element` draws a slide's element into a box of its frame and returns what it drew
(:class:`ElementDrawing`); :func:`check_element` finds what would stop it being drawn (LaTeX
that does not parse) before a render starts. ``layout`` says where an element goes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PIL import Image

from deck import Chart, Code, Diagram, Element, Equation, Palette, Slide

from ..errors import ElementError
from ..fonts import FontSet
from ..layout import Box
from .base import RGB, Bar, CodeRun, ElementDrawing, Label, Node
from .layout import ElementRegions, element_layout, element_regions

__all__ = [
    "Bar",
    "CodeRun",
    "ElementDrawing",
    "ElementRegions",
    "Label",
    "Node",
    "check_deck",
    "check_element",
    "draw_element",
    "element_layout",
    "element_regions",
    "slide_errors",
]


def draw_element(
    canvas: Image.Image,
    element: Element,
    box: Box,
    palette: Palette,
    fonts: FontSet,
    short_side: int,
    backdrop: RGB,
    *,
    floor: float | None = None,
) -> ElementDrawing:
    """Draw ``element`` in ``box`` of ``canvas`` (flat ``backdrop`` there). Raises
    :class:`render.errors.ElementError` when it cannot be drawn legibly."""
    if isinstance(element, Chart):
        from .chart import draw_chart

        return draw_chart(canvas, element, box, palette, fonts, short_side, backdrop)
    if isinstance(element, Code):
        from .code import draw_code

        return draw_code(canvas, element, box, palette, fonts, short_side, backdrop, floor=floor)
    if isinstance(element, Diagram):
        from .diagram import draw_diagram

        return draw_diagram(canvas, element, box, palette, fonts, short_side, backdrop)
    assert isinstance(element, Equation)
    from .equation import draw_equation

    return draw_equation(canvas, element, box, palette, short_side, backdrop)


def check_element(element: Element) -> None:
    """Raise :class:`render.errors.ElementError` if ``element`` cannot be drawn whatever the
    frame (an equation that does not parse)."""
    if isinstance(element, Equation):
        from .equation import check_latex

        check_latex(element.latex)


@contextmanager
def slide_errors(index: int) -> Iterator[None]:
    """Name slide ``index`` (0-based) in an :class:`ElementError` raised inside."""
    try:
        yield
    except ElementError as exc:
        if str(exc).startswith("slide "):
            raise
        raise ElementError(f"slide {index + 1}: {exc}") from None


def check_deck(slides: Sequence[Slide]) -> None:
    """:func:`check_element` for every slide that has an element, naming the slide."""
    for i, slide in enumerate(slides):
        if slide.element is not None:
            with slide_errors(i):
                check_element(slide.element)
