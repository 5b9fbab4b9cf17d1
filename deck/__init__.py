"""deckcast's data model: decks, slides, themes, edits and Markdown outlines (pure, no I/O).

A slide may hold one element (:mod:`deck.elements`: a chart, code, an equation or a diagram)
as validated data; the outline writes each as a fenced block (:mod:`deck.outline_blocks`).

Everything that makes, changes or renders a deck goes through these types, so the limits and
the content hashes that drive the render cache are defined once, here.
"""

from .edits import (
    DeckEdit,
    DeleteSlide,
    EditSlide,
    InsertSlide,
    MoveSlide,
    NewImage,
    NewSlide,
    ReplaceSlide,
    SetDeck,
    SetTheme,
    SwapSlides,
    apply,
    describe_edits,
    next_seed,
    no_slide,
    parse_edits,
    slide_list,
)
from .elements import Chart, ChartType, Code, Diagram, DiagramType, Element, Equation, Series
from .errors import DeckError, DeckValidationError, EditError, OutlineError
from .model import (
    MAX_SLIDES,
    MAX_STYLE,
    Aspect,
    Deck,
    Layout,
    Motion,
    Slide,
    Theme,
    build_deck,
    build_slide,
    content_hash,
    default_seed,
)
from .outline import (
    looks_like_outline,
    one_line_outline,
    parse_outline,
    to_markdown,
    unfold_outline,
)
from .text import clause, slides_count
from .themes import THEMES, Palette, ThemeSpec, theme_names, theme_spec

__all__ = [
    "MAX_SLIDES",
    "MAX_STYLE",
    "THEMES",
    "Aspect",
    "Chart",
    "ChartType",
    "Code",
    "Deck",
    "DeckEdit",
    "DeckError",
    "DeckValidationError",
    "DeleteSlide",
    "Diagram",
    "DiagramType",
    "EditError",
    "EditSlide",
    "Element",
    "Equation",
    "InsertSlide",
    "Layout",
    "Motion",
    "MoveSlide",
    "NewImage",
    "NewSlide",
    "OutlineError",
    "Palette",
    "ReplaceSlide",
    "Series",
    "SetDeck",
    "SetTheme",
    "Slide",
    "SwapSlides",
    "Theme",
    "ThemeSpec",
    "apply",
    "build_deck",
    "build_slide",
    "clause",
    "content_hash",
    "default_seed",
    "describe_edits",
    "looks_like_outline",
    "next_seed",
    "no_slide",
    "one_line_outline",
    "parse_edits",
    "parse_outline",
    "slide_list",
    "slides_count",
    "theme_names",
    "theme_spec",
    "to_markdown",
    "unfold_outline",
]
