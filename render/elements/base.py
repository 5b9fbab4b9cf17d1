"""What drawing an element leaves behind: where it went, its text and its marks.

Every element is drawn into a box of the frame by its own module (``chart``, ``code``,
``equation``) and says exactly what it drew, so that the tests can check it (text inside the
box, legible, not overlapping) and the exporters can rebuild it natively (a PowerPoint chart
from the same data, code as monospace runs in the same colours, an equation's picture).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from ..layout import Box

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Label:
    """One piece of text an element drew: its glyphs' box, colour and size in pixels."""

    text: str
    bounds: Box
    color: RGB
    size: int
    backdrop: RGB | None = None  # the flat colour under it, when not the element's backdrop


@dataclass(frozen=True, slots=True)
class Node:
    """A diagram's box: where it is, its text, its fill and its outline colour."""

    box: Box
    text: str
    fill: RGB
    outline: RGB


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar (or a stacked bar's segment, or a line's point, or a pie's slice) as drawn:
    which series and label it shows, its value and its box (a point's marker box)."""

    series: int
    label: int
    value: float
    box: Box
    color: RGB


@dataclass(frozen=True, slots=True)
class CodeRun:
    """A run of one colour in a line of code (for the PowerPoint's monospace text)."""

    text: str
    color: RGB
    bold: bool = False


@dataclass
class ElementDrawing:
    """An element as drawn on a frame.

    ``backdrop`` is the flat colour the element's text sits on (the tests check every label
    against it). ``bars`` and ``plot`` are a chart's marks and plot area, ``lines``/``size`` a
    code listing's rows (each a list of coloured runs) and font size, ``picture`` an
    equation's rendered image (RGBA) and the box it was drawn in."""

    kind: str
    box: Box
    bounds: Box
    backdrop: RGB
    labels: list[Label] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    plot: Box | None = None
    colors: tuple[RGB, ...] = ()
    lines: list[list[CodeRun]] = field(default_factory=list)
    size: int = 0
    font: str = ""
    picture: Image.Image | None = None
    picture_box: Box | None = None
    panel: Box | None = None
    nodes: list[Node] = field(default_factory=list)
    arrows: list[tuple[tuple[int, int], ...]] = field(default_factory=list)  # polylines, head last
    grid: tuple[tuple[int, ...], tuple[int, ...]] | None = None  # a table's column and row edges
    missing: set[str] = field(default_factory=set)
    shortened: bool = False
