"""Edits: the small, typed operations a revision is made of, and :func:`apply`.

A revision ("simpler words on slide 3", "add a slide on the Calvin cycle") becomes a list of
:data:`DeckEdit` values. :func:`apply` carries them out deterministically. Slides that no edit
touches are carried over as the very same objects, so their content hashes (and therefore all
their cached pictures, audio and video) stay the same.

Slide numbers in every edit of one list refer to the deck *before* the list is applied, the
numbering the person (or the model) saw: ``[delete 2, edit 5]`` edits the slide that was 5th.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .elements import Element
from .errors import DeckValidationError, EditError
from .model import (
    MAX_BULLET,
    MAX_BULLETS,
    MAX_IMAGE_PROMPT,
    MAX_NARRATION,
    MAX_SEED,
    MAX_SLIDE_TITLE,
    Aspect,
    Deck,
    Layout,
    Motion,
    Slide,
    Text,
    build_deck,
    build_slide,
    default_seed,
)
from .text import slides_count
from .themes import THEMES

SlideNumber = Annotated[int, Field(ge=1, description="1-based slide number, as the deck stands")]


class _Edit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EditSlide(_Edit):
    """Change some fields of one slide; fields left out stay as they are."""

    op: Literal["edit_slide"] = "edit_slide"
    slide: SlideNumber
    title: Text | None = Field(default=None, max_length=MAX_SLIDE_TITLE)
    bullets: list[Annotated[Text, Field(max_length=MAX_BULLET)]] | None = Field(
        default=None, max_length=MAX_BULLETS
    )
    narration: Text | None = Field(default=None, max_length=MAX_NARRATION)
    image_prompt: Text | None = Field(default=None, max_length=MAX_IMAGE_PROMPT)
    layout: Layout | Literal["auto"] | None = None

    def describe(self) -> str:
        fields = [
            name.replace("_", " ") for name in _SLIDE_FIELDS if getattr(self, name) is not None
        ]
        return f"slide {self.slide}: new {', '.join(fields) or 'nothing'}"


class NewSlide(_Edit):
    """The content of a slide to add or to put in place of another."""

    title: Text = Field(min_length=1, max_length=MAX_SLIDE_TITLE)
    bullets: list[Annotated[Text, Field(min_length=1, max_length=MAX_BULLET)]] = Field(
        default_factory=list, max_length=MAX_BULLETS
    )
    narration: Text = Field(default="", max_length=MAX_NARRATION)
    image_prompt: Text = Field(default="", max_length=MAX_IMAGE_PROMPT)
    layout: Layout | None = None
    element: Element | None = None

    def to_slide(self) -> Slide:
        return build_slide(self.model_dump(exclude_none=True))


class InsertSlide(_Edit):
    """Add a new slide after slide ``after`` (0 puts it first)."""

    op: Literal["insert_slide"] = "insert_slide"
    after: int = Field(ge=0, description="insert after this slide number; 0 = at the start")
    slide: NewSlide

    def describe(self) -> str:
        where = "at the start" if self.after == 0 else f"after slide {self.after}"
        return f"new slide {where}: {self.slide.title}"


class ReplaceSlide(_Edit):
    """Put a wholly new slide in place of slide ``slide``."""

    op: Literal["replace_slide"] = "replace_slide"
    slide: SlideNumber
    new: NewSlide

    def describe(self) -> str:
        return f"slide {self.slide} rewritten: {self.new.title}"


class DeleteSlide(_Edit):
    op: Literal["delete_slide"] = "delete_slide"
    slide: SlideNumber

    def describe(self) -> str:
        return f"slide {self.slide} deleted"


class MoveSlide(_Edit):
    """Move slide ``slide`` to just after slide ``after`` (0 moves it to the start)."""

    op: Literal["move_slide"] = "move_slide"
    slide: SlideNumber
    after: int = Field(ge=0)

    def describe(self) -> str:
        where = "to the start" if self.after == 0 else f"after slide {self.after}"
        return f"slide {self.slide} moved {where}"


class SwapSlides(_Edit):
    op: Literal["swap_slides"] = "swap_slides"
    a: SlideNumber
    b: SlideNumber

    def describe(self) -> str:
        return f"slides {self.a} and {self.b} swapped"


class SetTheme(_Edit):
    """Change the named theme and/or the picture style of the whole deck."""

    op: Literal["set_theme"] = "set_theme"
    name: Text | None = None
    style: Text | None = None

    def describe(self) -> str:
        parts = ([f"theme {self.name}"] if self.name else []) + (
            [f"style '{self.style}'"] if self.style else []
        )
        return "new " + " and ".join(parts or ["look"])


class SetDeck(_Edit):
    """Change deck-wide settings: title, language, voice, frame shape, picture motion."""

    op: Literal["set_deck"] = "set_deck"
    title: Text | None = None
    language: Text | None = None
    voice: Text | None = None
    aspect: Aspect | None = None
    motion: Motion | None = None

    def describe(self) -> str:
        changed = [
            f"{k} {v}" for k, v in self.model_dump(exclude={"op"}, exclude_none=True).items()
        ]
        return "deck: " + (", ".join(changed) or "no change")


class NewImage(_Edit):
    """Draw a new picture for a slide: same prompt, new seed (or the seed given)."""

    op: Literal["new_image"] = "new_image"
    slide: SlideNumber
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)

    def describe(self) -> str:
        return f"slide {self.slide}: new picture"


DeckEdit = Annotated[
    EditSlide
    | InsertSlide
    | ReplaceSlide
    | DeleteSlide
    | MoveSlide
    | SwapSlides
    | SetTheme
    | SetDeck
    | NewImage,
    Field(discriminator="op"),
]
EDITS_ADAPTER: TypeAdapter[list[DeckEdit]] = TypeAdapter(list[DeckEdit])

_SLIDE_FIELDS = ("title", "bullets", "narration", "image_prompt", "layout")


def next_seed(seed: int) -> int:
    """The seed "new picture" moves to: deterministic, and different from ``seed``."""
    candidate = default_seed(f"next-seed:{seed}")
    return candidate if candidate != seed else (seed + 1) & MAX_SEED


class _Entry:
    __slots__ = ("anchor", "number", "slide")

    def __init__(self, slide: Slide, number: int | None, anchor: int | None = None) -> None:
        self.slide = slide
        self.number = number  # the slide's number before the edits; None for new slides
        self.anchor = anchor  # for inserted slides: the number they were inserted after


def apply(deck: Deck, edits: list[DeckEdit]) -> Deck:
    """Apply ``edits`` in order and return the new, validated deck.

    Raises :class:`EditError` when an edit names a slide that is not there (the message lists
    the slides) and :class:`DeckValidationError` when the result breaks a limit.
    """
    entries = [_Entry(slide, i + 1) for i, slide in enumerate(deck.slides)]
    deck_fields: dict[str, object] = {}
    theme = deck.theme.model_dump()
    for edit in edits:
        match edit:
            case EditSlide():
                entry = _find(entries, edit.slide, deck)
                changes = edit.model_dump(include=set(_SLIDE_FIELDS), exclude_none=True)
                if changes.get("layout") == "auto":
                    changes["layout"] = None
                if "bullets" in changes:
                    changes["bullets"] = [b for b in changes["bullets"] if b]
                entry.slide = _rebuild(entry.slide, changes, edit.slide)
            case InsertSlide():
                position = (
                    0 if edit.after == 0 else entries.index(_find(entries, edit.after, deck)) + 1
                )
                while position < len(entries) and entries[position].anchor == edit.after:
                    position += 1
                entries.insert(position, _Entry(edit.slide.to_slide(), None, anchor=edit.after))
            case ReplaceSlide():
                _find(entries, edit.slide, deck).slide = edit.new.to_slide()
            case DeleteSlide():
                entries.remove(_find(entries, edit.slide, deck))
            case MoveSlide():
                entry = _find(entries, edit.slide, deck)
                if edit.after == edit.slide:
                    continue
                target = None if edit.after == 0 else _find(entries, edit.after, deck)
                entries.remove(entry)
                entries.insert(0 if target is None else entries.index(target) + 1, entry)
            case SwapSlides():
                first, second = _find(entries, edit.a, deck), _find(entries, edit.b, deck)
                i, j = entries.index(first), entries.index(second)
                entries[i], entries[j] = second, first
            case SetTheme():
                if edit.name:
                    theme = {"name": edit.name, "style": "" if not edit.style else edit.style}
                    if not edit.style and deck.theme.style != _default_style(deck.theme.name):
                        theme["style"] = deck.theme.style  # keep a style the person chose
                elif edit.style:
                    theme["style"] = edit.style
            case SetDeck():
                deck_fields.update(edit.model_dump(exclude={"op"}, exclude_none=True))
            case NewImage():
                entry = _find(entries, edit.slide, deck)
                seed = edit.seed if edit.seed is not None else next_seed(entry.slide.image_seed)
                entry.slide = entry.slide.model_copy(update={"image_seed": seed})
    if not entries:
        raise EditError("that would delete every slide; a deck needs at least one")
    data = deck.model_dump(exclude={"slides", "theme"})
    data.update(deck_fields)
    data["theme"] = theme
    data["slides"] = [entry.slide for entry in entries]
    return build_deck(data)


def parse_edits(data: object) -> list[DeckEdit]:
    """Validate a JSON-like list of edits (raises pydantic's ``ValidationError``)."""
    return EDITS_ADAPTER.validate_python(data)


def describe_edits(edits: list[DeckEdit]) -> str:
    return "; ".join(edit.describe() for edit in edits)


def slide_list(deck: Deck) -> str:
    return ", ".join(f"{i}. {slide.title}" for i, slide in enumerate(deck.slides, 1))


def _find(entries: list[_Entry], number: int, deck: Deck) -> _Entry:
    for entry in entries:
        if entry.number == number:
            return entry
    if 1 <= number <= len(deck.slides):
        raise EditError(f"slide {number} was already deleted by an earlier change in this revision")
    raise EditError(no_slide(number, deck))


def no_slide(number: int, deck: Deck) -> str:
    """The message for a slide number that is not in ``deck`` (0, negative or too high)."""
    where = (
        "slides are numbered from 1"
        if number < 1
        else f"the deck has {slides_count(len(deck.slides))}"
    )
    return f"there is no slide {number}; {where}: {slide_list(deck)}"


def _rebuild(slide: Slide, changes: dict[str, object], number: int) -> Slide:
    data = slide.model_dump()
    data.update(changes)
    if "image_prompt" in changes and "image_seed" not in changes:
        data["image_seed"] = slide.image_seed
    try:
        return build_slide(data, number=number)
    except DeckValidationError:
        raise
    except ValidationError as exc:  # pragma: no cover - build_slide converts these
        raise EditError(str(exc)) from None


def _default_style(name: str) -> str:
    return THEMES[name].image_style if name in THEMES else ""
