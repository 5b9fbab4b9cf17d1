"""The model-facing drafts of a planned deck: the deck, its slides and their elements.

Drafts are the model-facing shape of ``deck`` types: no seeds, no derived fields, every field
present (nullable where it may be left alone), so one schema works in OpenAI's strict
structured-output mode, as a tool's parameters and in plain JSON mode. Parsing is lenient
(a missing nullable field is ``None``); the deck's own validation then enforces every limit, so
an answer that breaks one goes back to the model with the problem named. The strict schemas
made from them are in :mod:`agent.schemas`; the revision's edits in :mod:`agent.edit_drafts`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deck import (
    MAX_SLIDES,
    THEMES,
    Aspect,
    Chart,
    ChartType,
    Code,
    Deck,
    Diagram,
    DiagramType,
    Equation,
    Layout,
    Slide,
)
from deck.elements import (
    MAX_CHART_LABELS,
    MAX_CODE_LINE,
    MAX_CODE_LINES,
    MAX_COLUMNS,
    MAX_LATEX,
    MAX_ROWS,
    MAX_SERIES,
    MAX_STEPS,
)
from deck.model import (
    MAX_BULLET,
    MAX_BULLETS,
    MAX_DECK_TITLE,
    MAX_IMAGE_PROMPT,
    MAX_NARRATION,
    MAX_SLIDE_TITLE,
    MAX_STYLE,
)

from .draft_keys import SLIDE_KEYS, loose_deck_fields, renamed, unwrapped_deck
from .draft_names import ASPECT_ALIASES, LAYOUT_ALIASES, THEME_ALIASES, lenient_name
from .draft_text import AS_LINES, AS_TEXT

ELEMENT_FIELDS = ("chart", "code", "equation", "diagram")
# Enums as the schema lists them; answers that write them loosely ("Dark", "16x9", "Bar
# Chart") are read as the name they mean (agent/draft_names.py).
ThemeName = Annotated[
    Literal[tuple(THEMES)],  # type: ignore[valid-type]
    lenient_name(THEMES, THEME_ALIASES),
]
LayoutName = Annotated[
    Literal[tuple(item.value for item in Layout)],  # type: ignore[valid-type]
    lenient_name((item.value for item in Layout), LAYOUT_ALIASES),
]
AspectName = Annotated[
    Literal[tuple(item.value for item in Aspect)],  # type: ignore[valid-type]
    lenient_name((item.value for item in Aspect), ASPECT_ALIASES),
]
ChartTypeName = Annotated[
    Literal[tuple(item.value for item in ChartType)],  # type: ignore[valid-type]
    lenient_name(item.value for item in ChartType),
]
DiagramTypeName = Annotated[
    Literal[tuple(item.value for item in DiagramType)],  # type: ignore[valid-type]
    lenient_name(item.value for item in DiagramType),
]


class Draft(BaseModel):
    """The base of every draft: unknown keys ignored, values frozen."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class SeriesDraft(Draft):
    name: str = Field(description="what the numbers are, e.g. 'North' or 'Visitors'")
    values: list[float] = Field(description="one number per label, in the labels' order")


class ChartDraft(Draft):
    """A chart drawn from data (deckcast draws it exactly; never ask the picture for one)."""

    type: ChartTypeName = Field(  # type: ignore[valid-type]
        description="bar, stacked_bar, line or pie (pie: one series, shares of a whole)"
    )
    labels: list[str] = Field(
        description=f"the categories along the axis or the pie's slices, at most {MAX_CHART_LABELS}"
    )
    series: list[SeriesDraft] = Field(
        description=f"1 to {MAX_SERIES} rows of numbers, each as long as labels"
    )
    x_title: str | None = Field(default=None, description="category axis title, or null")
    y_title: str | None = Field(default=None, description="value axis title, or null")
    unit: str | None = Field(default=None, description="unit of the values (%, $M, kg), or null")

    def to_element(self) -> dict[str, Any]:
        data = self.model_dump(exclude_none=True)
        return {"kind": "chart", **data}


class CodeDraft(Draft):
    language: str = Field(description="the code's language: python, javascript, rust, sql...")
    code: str = Field(
        description=f"the code itself, at most {MAX_CODE_LINES} lines of at most "
        f"{MAX_CODE_LINE} characters"
    )


class DiagramDraft(Draft):
    """Steps in order, a cycle, or a comparison table, drawn as shapes and text."""

    type: DiagramTypeName = Field(  # type: ignore[valid-type]
        description="steps (A then B then C), cycle (a loop), or table (a comparison)"
    )
    items: list[str] = Field(
        description=f"steps or cycle: 2 to {MAX_STEPS} short items in order; table: []"
    )
    header: list[str] = Field(
        description=f"table: 2 to {MAX_COLUMNS} column headings; steps or cycle: []"
    )
    rows: list[list[str]] = Field(
        description=f"table: up to {MAX_ROWS} rows, one short cell per column; otherwise []"
    )


class SlideDraft(Draft):
    """One slide as the model writes it."""

    title: Annotated[str, AS_TEXT] = Field(
        description=f"short slide title, at most {MAX_SLIDE_TITLE} characters"
    )
    bullets: Annotated[list[str], AS_LINES] = Field(
        default_factory=list,
        max_length=MAX_BULLETS,
        description=f"0 to {MAX_BULLETS} short bullet points shown on the slide, "
        f"each at most {MAX_BULLET} characters, no Markdown",
    )
    narration: Annotated[str, AS_TEXT] = Field(
        description="what the narrator says over this slide, written to be spoken aloud: "
        f"plain sentences, no Markdown, numbers and symbols in words; at most {MAX_NARRATION} "
        "characters"
    )
    image_prompt: Annotated[str, AS_TEXT] = Field(
        description="a picture for a text-to-image model: subject, setting, composition; "
        f"never any text, letters, labels or numbers in the picture; at most {MAX_IMAGE_PROMPT} "
        "characters"
    )
    layout: LayoutName | None = Field(  # type: ignore[valid-type]
        default=None,
        description="title (a title or section slide), image_bullets, full_image; "
        "null to choose automatically",
    )
    chart: ChartDraft | None = Field(
        default=None, description="a chart of numbers the slide shows, or null"
    )
    code: CodeDraft | None = Field(default=None, description="code the slide shows, or null")
    equation: str | None = Field(
        default=None,
        description=f"one equation the slide shows, in LaTeX math without $ signs, at most "
        f"{MAX_LATEX} characters; or null",
    )
    diagram: DiagramDraft | None = Field(
        default=None, description="steps, a cycle or a comparison table, or null"
    )

    @model_validator(mode="before")
    @classmethod
    def _keys_as_meant(cls, data: object) -> object:
        data = renamed(data, SLIDE_KEYS)
        if isinstance(data, dict):
            # a slide the model left without narration or picture prompt is still a slide:
            # the deck says its title and bullets and pictures its title (deck/model.py)
            data = {"narration": None, "image_prompt": None, **data}
        return data

    @model_validator(mode="after")
    def _one_element(self) -> SlideDraft:
        given = [name for name in ELEMENT_FIELDS if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"a slide shows one of chart, code, equation or diagram, not {given}")
        return self

    @classmethod
    def from_slide(cls, slide: Slide) -> SlideDraft:
        element = slide.element
        return cls(
            title=slide.title,
            bullets=list(slide.bullets),
            narration=slide.narration,
            image_prompt=slide.image_prompt,
            layout=slide.layout.value if slide.layout else None,
            chart=ChartDraft.model_validate(element.model_dump(mode="json", exclude={"kind"}))
            if isinstance(element, Chart)
            else None,
            code=CodeDraft(language=element.language, code=element.text)
            if isinstance(element, Code)
            else None,
            equation=element.latex if isinstance(element, Equation) else None,
            diagram=DiagramDraft.model_validate(element.model_dump(mode="json", exclude={"kind"}))
            if isinstance(element, Diagram)
            else None,
        )

    def to_new_slide(self) -> dict[str, Any]:
        """Data for ``deck.NewSlide`` / ``deck.Slide`` (seed left to the deck)."""
        data = self.model_dump(exclude_none=True, exclude=set(ELEMENT_FIELDS))
        data["bullets"] = [bullet for bullet in data.get("bullets", []) if bullet.strip()]
        if self.chart is not None:
            data["element"] = self.chart.to_element()
        elif self.code is not None:
            data["element"] = {
                "kind": "code", "language": self.code.language, "text": self.code.code
            }  # fmt: skip
        elif self.equation is not None:
            data["element"] = {"kind": "equation", "latex": self.equation}
        elif self.diagram is not None:
            data["element"] = {"kind": "diagram", **self.diagram.model_dump()}
        return data


class DeckDraft(Draft):
    """A whole planned deck as the model writes it."""

    @model_validator(mode="before")
    @classmethod
    def _keys_as_meant(cls, data: object) -> object:
        return loose_deck_fields(unwrapped_deck(data))

    title: Annotated[str, AS_TEXT] = Field(
        description=f"title of the video, at most {MAX_DECK_TITLE} characters"
    )
    language: str = Field(
        default="en", description="language code of every text in the deck, e.g. en, es, pt-BR"
    )
    theme: ThemeName | None = Field(  # type: ignore[valid-type]
        default=None, description="named colour theme; null for the default"
    )
    style: str | None = Field(
        default=None,
        description=f"picture style for every slide, e.g. 'watercolor'; null for the theme's "
        f"own; at most {MAX_STYLE} characters",
    )
    aspect: AspectName | None = Field(  # type: ignore[valid-type]
        default=None, description="frame shape 16:9, 9:16 or 1:1; null for 16:9"
    )
    slides: list[SlideDraft] = Field(
        min_length=1, max_length=MAX_SLIDES, description=f"1 to {MAX_SLIDES} slides, in order"
    )

    @classmethod
    def from_deck(cls, deck: Deck) -> DeckDraft:
        """The draft a model would have to write to produce ``deck`` (used by tests and fakes)."""
        return cls(
            title=deck.title,
            language=deck.language,
            theme=deck.theme.name,
            style=deck.theme.style,
            aspect=deck.aspect.value,
            slides=[SlideDraft.from_slide(slide) for slide in deck.slides],
        )

    def to_deck_data(self) -> dict[str, Any]:
        """Data for ``deck.build_deck`` (which enforces every limit)."""
        theme: dict[str, str] = {}
        if self.theme:
            theme["name"] = self.theme
        if self.style:
            theme["style"] = self.style
        data: dict[str, Any] = {
            "title": self.title,
            "language": self.language or "en",
            "slides": [slide.to_new_slide() for slide in self.slides],
        }
        if theme:
            data["theme"] = theme
        if self.aspect:
            data["aspect"] = self.aspect
        return data
