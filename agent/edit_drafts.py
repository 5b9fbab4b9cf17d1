"""The model-facing drafts of a revision: the edits to a deck, and one line about them.

Each draft mirrors one ``deck`` edit (:data:`deck.DeckEdit`) in the form the model can write
(see :mod:`agent.deck_drafts`); :func:`describe_draft_error` names what an answer got wrong.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from deck import (
    MAX_SLIDES,
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
)
from deck.model import MAX_BULLETS

from .deck_drafts import AspectName, Draft, LayoutName, SlideDraft, ThemeName
from .draft_keys import SLIDE_KEYS, loose_revision, renamed
from .draft_names import slide_number
from .draft_text import AS_LINES_OR_KEEP, AS_TEXT_OR_KEEP

SlideNo = Annotated[
    int,
    BeforeValidator(slide_number),
    Field(description="slide number as the deck stands (1 = first)"),
]


class EditSlideDraft(Draft):
    op: Literal["edit_slide"]
    slide: SlideNo
    title: Annotated[str | None, AS_TEXT_OR_KEEP] = Field(
        default=None, description="new title, or null to keep it"
    )
    bullets: Annotated[list[str] | None, AS_LINES_OR_KEEP] = Field(
        default=None, max_length=MAX_BULLETS, description="new bullets, or null to keep them"
    )
    narration: Annotated[str | None, AS_TEXT_OR_KEEP] = Field(
        default=None, description="new narration, or null to keep it"
    )
    image_prompt: Annotated[str | None, AS_TEXT_OR_KEEP] = Field(
        default=None, description="new picture prompt, or null to keep it"
    )
    layout: LayoutName | None = Field(  # type: ignore[valid-type]
        default=None, description="new layout, or null to keep it"
    )

    @model_validator(mode="before")
    @classmethod
    def _keys_as_meant(cls, data: object) -> object:
        return renamed(data, SLIDE_KEYS)  # "points": new bullets, not an edit that keeps them

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class InsertSlideDraft(Draft):
    op: Literal["insert_slide"]
    after: int = Field(description="insert after this slide number; 0 = at the start")
    slide: SlideDraft

    def to_edit(self) -> dict[str, Any]:
        return {"op": self.op, "after": self.after, "slide": self.slide.to_new_slide()}


class ReplaceSlideDraft(Draft):
    op: Literal["replace_slide"]
    slide: SlideNo
    new: SlideDraft

    def to_edit(self) -> dict[str, Any]:
        return {"op": self.op, "slide": self.slide, "new": self.new.to_new_slide()}


class SlideOpDraft(Draft):
    """delete_slide and new_image: the same shape, one variant in the schema (fewer tokens)."""

    op: Literal["delete_slide", "new_image"]
    slide: SlideNo

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump()


class MoveSlideDraft(Draft):
    op: Literal["move_slide"]
    slide: SlideNo
    after: int = Field(description="move it to just after this slide number; 0 = to the start")

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump()


class SwapSlidesDraft(Draft):
    op: Literal["swap_slides"]
    a: SlideNo
    b: SlideNo

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump()


class SetThemeDraft(Draft):
    op: Literal["set_theme"]
    name: ThemeName | None = Field(  # type: ignore[valid-type]
        default=None, description="new colour theme, or null to keep it"
    )
    style: str | None = Field(default=None, description="new picture style, or null to keep it")

    def to_edit(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SetDeckDraft(Draft):
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


class RevisionDraft(Draft):
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

    @model_validator(mode="before")
    @classmethod
    def _keys_as_meant(cls, data: object) -> object:
        return loose_revision(data)

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


# The ops in the order deck.DeckEdit lists them (the union's tags, named in error messages).
_EDIT_OPS: tuple[str, ...] = tuple(
    op
    for edit in get_args(get_args(DeckEdit)[0])
    for op in get_args(edit.model_fields["op"].annotation)
)
