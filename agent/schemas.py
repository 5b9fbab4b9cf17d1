"""What the model is asked to answer: deck and edit *drafts*, and their strict JSON schemas.

Drafts are the model-facing shape of ``deck`` types: no seeds, no derived fields, every field
present (nullable where it may be left alone), so one schema works in OpenAI's strict
structured-output mode, as a tool's parameters and in plain JSON mode. Parsing is lenient
(a missing nullable field is ``None``); the deck's own validation then enforces every limit, so
an answer that breaks one goes back to the model with the problem named.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from deck import (
    MAX_SLIDES,
    THEMES,
    Aspect,
    Chart,
    ChartType,
    Code,
    Deck,
    DeckEdit,
    DeleteSlide,
    Diagram,
    DiagramType,
    EditSlide,
    Equation,
    InsertSlide,
    Layout,
    MoveSlide,
    NewImage,
    NewSlide,
    ReplaceSlide,
    SetDeck,
    SetTheme,
    Slide,
    SwapSlides,
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

ELEMENT_FIELDS = ("chart", "code", "equation", "diagram")
ThemeName = Literal[tuple(THEMES)]  # type: ignore[valid-type]
LayoutName = Literal[tuple(item.value for item in Layout)]  # type: ignore[valid-type]
AspectName = Literal[tuple(item.value for item in Aspect)]  # type: ignore[valid-type]
ChartTypeName = Literal[tuple(item.value for item in ChartType)]  # type: ignore[valid-type]
DiagramTypeName = Literal[tuple(item.value for item in DiagramType)]  # type: ignore[valid-type]


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SeriesDraft(_Draft):
    name: str = Field(description="what the numbers are, e.g. 'North' or 'Visitors'")
    values: list[float] = Field(description="one number per label, in the labels' order")


class ChartDraft(_Draft):
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


class CodeDraft(_Draft):
    language: str = Field(description="the code's language: python, javascript, rust, sql...")
    code: str = Field(
        description=f"the code itself, at most {MAX_CODE_LINES} lines of at most "
        f"{MAX_CODE_LINE} characters"
    )


class DiagramDraft(_Draft):
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


class SlideDraft(_Draft):
    """One slide as the model writes it."""

    title: str = Field(description=f"short slide title, at most {MAX_SLIDE_TITLE} characters")
    bullets: list[str] = Field(
        default_factory=list,
        max_length=MAX_BULLETS,
        description=f"0 to {MAX_BULLETS} short bullet points shown on the slide, "
        f"each at most {MAX_BULLET} characters, no Markdown",
    )
    narration: str = Field(
        description="what the narrator says over this slide, written to be spoken aloud: "
        f"plain sentences, no Markdown, numbers and symbols in words; at most {MAX_NARRATION} "
        "characters"
    )
    image_prompt: str = Field(
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


class DeckDraft(_Draft):
    """A whole planned deck as the model writes it."""

    title: str = Field(description=f"title of the video, at most {MAX_DECK_TITLE} characters")
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


# --- edits ------------------------------------------------------------------------------------

SlideNo = Annotated[int, Field(description="slide number as the deck stands (1 = first)")]


class EditSlideDraft(_Draft):
    op: Literal["edit_slide"]
    slide: SlideNo
    title: str | None = Field(default=None, description="new title, or null to keep it")
    bullets: list[str] | None = Field(
        default=None, max_length=MAX_BULLETS, description="new bullets, or null to keep them"
    )
    narration: str | None = Field(default=None, description="new narration, or null to keep it")
    image_prompt: str | None = Field(
        default=None, description="new picture prompt, or null to keep it"
    )
    layout: LayoutName | None = Field(  # type: ignore[valid-type]
        default=None, description="new layout, or null to keep it"
    )

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class InsertSlideDraft(_Draft):
    op: Literal["insert_slide"]
    after: int = Field(description="insert after this slide number; 0 = at the start")
    slide: SlideDraft

    def to_edit(self) -> dict[str, Any]:
        return {"op": self.op, "after": self.after, "slide": self.slide.to_new_slide()}


class ReplaceSlideDraft(_Draft):
    op: Literal["replace_slide"]
    slide: SlideNo
    new: SlideDraft

    def to_edit(self) -> dict[str, Any]:
        return {"op": self.op, "slide": self.slide, "new": self.new.to_new_slide()}


class SlideOpDraft(_Draft):
    """delete_slide and new_image: the same shape, one variant in the schema (fewer tokens)."""

    op: Literal["delete_slide", "new_image"]
    slide: SlideNo

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump()


class MoveSlideDraft(_Draft):
    op: Literal["move_slide"]
    slide: SlideNo
    after: int = Field(description="move it to just after this slide number; 0 = to the start")

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump()


class SwapSlidesDraft(_Draft):
    op: Literal["swap_slides"]
    a: SlideNo
    b: SlideNo

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump()


class SetThemeDraft(_Draft):
    op: Literal["set_theme"]
    name: ThemeName | None = Field(  # type: ignore[valid-type]
        default=None, description="new colour theme, or null to keep it"
    )
    style: str | None = Field(default=None, description="new picture style, or null to keep it")

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SetDeckDraft(_Draft):
    op: Literal["set_deck"]
    title: str | None = Field(default=None, description="new video title, or null")
    language: str | None = Field(
        default=None, description="new language code, or null (translate the slides as well)"
    )
    aspect: AspectName | None = Field(default=None, description="new frame shape, or null")  # type: ignore[valid-type]
    voice: str | None = Field(
        default=None, description="new voice, or null; only a voice the person named"
    )

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


EditDraft = Annotated[
    EditSlideDraft
    | InsertSlideDraft
    | ReplaceSlideDraft
    | SlideOpDraft
    | MoveSlideDraft
    | SwapSlidesDraft
    | SetThemeDraft
    | SetDeckDraft,
    Field(discriminator="op"),
]


class RevisionDraft(_Draft):
    """The model's answer to a revision: the smallest list of edits, and one line about them."""

    summary: str = Field(
        description="one short line for the person about what changed, or, when edits is "
        "empty, why the instruction cannot be carried out"
    )
    edits: list[EditDraft] = Field(
        max_length=2 * MAX_SLIDES + 4,
        description="the edits, in order; slide numbers always refer to the deck as shown. "
        "Only the slides and fields that must change.",
    )

    @classmethod
    def from_edits(cls, edits: list[DeckEdit], summary: str) -> RevisionDraft:
        """The answer a model would write for ``edits`` (used by tests and fakes)."""
        return cls.model_validate({"summary": summary, "edits": [_edit_draft(e) for e in edits]})


def _edit_draft(edit: DeckEdit) -> dict[str, Any]:
    match edit:
        case InsertSlide():
            return {"op": edit.op, "after": edit.after, "slide": _new_slide_draft(edit.slide)}
        case ReplaceSlide():
            return {"op": edit.op, "slide": edit.slide, "new": _new_slide_draft(edit.new)}
        case NewImage():
            return {"op": edit.op, "slide": edit.slide}
        case EditSlide() | DeleteSlide() | MoveSlide() | SwapSlides() | SetTheme() | SetDeck():
            return edit.model_dump(mode="json", exclude_none=True)
    raise TypeError(f"not a deck edit: {edit!r}")  # pragma: no cover


def _new_slide_draft(slide: NewSlide) -> dict[str, Any]:
    return SlideDraft.from_slide(slide.to_slide()).model_dump(mode="json")


# --- strict JSON schema -----------------------------------------------------------------------

# Keywords OpenAI's strict mode rejects; the limits they carried are in the descriptions and
# are enforced by validation after the answer arrives.
_UNSUPPORTED = ("default", "title", "minLength", "maxLength", "discriminator", "examples")


def strict_schema(model: type[BaseModel], **overrides: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of ``model`` in the form strict structured outputs accept.

    References are inlined, ``oneOf`` becomes ``anyOf``, every object lists all its properties
    as required and forbids others, and unsupported keywords are dropped. ``overrides`` merge
    extra keywords into top-level properties (``slides={"minItems": 6, "maxItems": 6}``).
    """
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})
    schema = _strictify(raw, defs)
    for name, extra in overrides.items():
        schema["properties"][name].update(extra)
    return schema


def _strictify(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_strictify(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
        return _strictify(merged, defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _UNSUPPORTED:
            continue
        if key == "oneOf":
            out["anyOf"] = _strictify(value, defs)
        elif key == "const":
            out["enum"] = [value]
        elif key == "properties":
            out[key] = {name: _strictify(prop, defs) for name, prop in value.items()}
        else:
            out[key] = _strictify(value, defs)
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def describe_draft_error(exc: ValidationError) -> list[str]:
    """pydantic's errors on a draft as short lines with a JSON path, for the model to fix."""
    lines = []
    for error in exc.errors(include_url=False):
        path = ""
        for part in error["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif part in _EDIT_OPS:
                continue  # the union's tag pydantic adds to the location
            else:
                path += f".{part}" if path else str(part)
        message = error["msg"]
        if error["type"] == "union_tag_invalid":
            message = f"unknown op; use one of: {', '.join(_EDIT_OPS)}"
        lines.append(f"{path or 'answer'}: {message}")
    return lines


_EDIT_OPS = (
    "edit_slide",
    "insert_slide",
    "replace_slide",
    "delete_slide",
    "move_slide",
    "swap_slides",
    "set_theme",
    "set_deck",
    "new_image",
)


def compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (strict) in fewer tokens, for the same answers: descriptions dropped (the
    prompt says what each edit does and the limits; validation enforces them) and
    ``anyOf: [X, {"type": "null"}]`` written ``"type": [X, "null"]`` where X is a plain type.

    The revision prompt sends the edit schema with every instruction: it was half of what a
    revision cost (1,800 of 3,700 tokens for a 10-slide deck)."""
    return _compact(copy.deepcopy(schema))


def _compact(node: Any) -> Any:
    if isinstance(node, list):
        return [_compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _compact(value) for key, value in node.items() if key != "description"}
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        (plain,) = [option for option in options if option != {"type": "null"}]
        if isinstance(plain.get("type"), str) and "properties" not in plain:
            merged = {key: value for key, value in node.items() if key != "anyOf"}
            merged.update(plain)
            merged["type"] = [plain["type"], "null"]
            if "enum" in plain:
                merged["enum"] = [*plain["enum"], None]
            return merged
    return node


def without_elements(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the slides' element fields (chart, code, equation) taken out."""
    return _drop_elements(copy.deepcopy(schema))


def _drop_elements(node: Any) -> Any:
    if isinstance(node, list):
        return [_drop_elements(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _drop_elements(value) for key, value in node.items()}
    props = node.get("properties")
    if isinstance(props, dict) and "image_prompt" in props:  # a slide
        node["properties"] = {k: v for k, v in props.items() if k not in ELEMENT_FIELDS}
        if "required" in node:
            node["required"] = [k for k in node["required"] if k not in ELEMENT_FIELDS]
    return node
