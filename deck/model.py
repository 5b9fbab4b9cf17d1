"""The deck: what a video says and shows, as validated pydantic models (no I/O).

Limits live here so that every way of making a deck (an outline, the LLM planner, an edit)
is held to the same rules, and every rule names the field it guards.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .elements import Element
from .errors import DeckValidationError
from .language_names import language_code
from .text import as_sentence, clean_text
from .themes import DEFAULT_THEME, THEMES

MAX_SLIDES = 30
MAX_DECK_TITLE = 120
MAX_SLIDE_TITLE = 90
MAX_BULLETS = 6
MAX_BULLET = 140
MAX_NARRATION = 1500
MAX_IMAGE_PROMPT = 500
MAX_STYLE = 160
MAX_SEED = 2**31 - 1

Text = Annotated[str, BeforeValidator(clean_text)]


class Aspect(StrEnum):
    """Frame shape of the video."""

    WIDE = "16:9"
    TALL = "9:16"
    SQUARE = "1:1"

    @property
    def ratio(self) -> tuple[int, int]:
        w, h = self.value.split(":")
        return int(w), int(h)


class Layout(StrEnum):
    """Where a slide puts its picture and its text. ``None`` on a slide means "choose for me"."""

    TITLE = "title"
    IMAGE_BULLETS = "image_bullets"
    FULL_IMAGE = "full_image"


class Motion(StrEnum):
    """How a video's pictures move under its still text (the text never moves).

    ``gentle`` (the default) slowly zooms or pans the pictures that fill the frame (title and
    full-picture slides); ``kenburns`` moves every slide's picture, further; ``none`` shows
    stills, as deckcast did before pictures moved.
    """

    NONE = "none"
    GENTLE = "gentle"
    KENBURNS = "kenburns"


def default_seed(image_prompt: str) -> int:
    """The seed a slide gets when none was given: stable for the same picture prompt."""
    digest = hashlib.sha256(image_prompt.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & MAX_SEED


def spoken_text(
    title: str, bullets: list[str], element: Element | None = None, language: str = "en"
) -> str:
    """The narration a slide gets when it has none: its title and bullets, as sentences, and
    what its element shows in words (a chart's kind, an equation read aloud in ``language``)."""
    parts = [title, *bullets]
    said = element.spoken(language) if element is not None else ""
    if said:
        parts.append(said)
    return " ".join(as_sentence(part) for part in parts)[:MAX_NARRATION].strip()


def content_hash(payload: Any) -> str:
    """sha256 of the canonical JSON of ``payload``: stable across runs, machines and versions."""
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def content_hash(self) -> str:
        """Hash of everything this object holds (see :func:`content_hash`)."""
        return content_hash(self.model_dump(mode="json"))


class Theme(_Model):
    """A deck's look: a named palette plus the picture style added to every image prompt."""

    name: Text = Field(default=DEFAULT_THEME, description="one of the named themes")
    style: Text = Field(
        default="",
        max_length=MAX_STYLE,
        description="picture style added to every slide's image prompt, e.g. 'watercolor'",
    )

    @field_validator("name")
    @classmethod
    def _known_theme(cls, value: str) -> str:
        name = value.lower()
        if name not in THEMES:
            raise ValueError(f"unknown theme '{value}'; choose one of: {', '.join(THEMES)}")
        return name

    @model_validator(mode="after")
    def _default_style(self) -> Self:
        if not self.style:
            object.__setattr__(self, "style", THEMES[self.name].image_style)
        return self


class Slide(_Model):
    """One slide: what it shows (title, bullets, picture) and what is said over it."""

    title: Text = Field(min_length=1, max_length=MAX_SLIDE_TITLE)
    bullets: list[Annotated[Text, Field(min_length=1, max_length=MAX_BULLET)]] = Field(
        default_factory=list, max_length=MAX_BULLETS
    )
    narration: Text = Field(default="", max_length=MAX_NARRATION)
    image_prompt: Text = Field(default="", max_length=MAX_IMAGE_PROMPT)
    image_seed: int = Field(default=-1, ge=-1, le=MAX_SEED)
    layout: Layout | None = None
    element: Element | None = Field(
        default=None, description="a chart, code listing or equation drawn on the slide"
    )

    @model_validator(mode="after")
    def _fill_defaults(self) -> Self:
        # A slide without narration says its title and bullets; one without a picture prompt
        # pictures its title; one without a seed gets one derived from its prompt. All three
        # are written back on export, so import -> export -> import is the identity.
        if self.element is not None and self.layout is Layout.TITLE:
            raise ValueError(
                f"a title slide cannot hold {article(self.element.kind)}; give it a slide of "
                "its own (a '##' heading in an outline)"
            )
        if not self.narration:
            object.__setattr__(
                self, "narration", spoken_text(self.title, self.bullets, self.element)
            )
        if not self.image_prompt:
            object.__setattr__(self, "image_prompt", self.title)
        if self.image_seed < 0:
            object.__setattr__(self, "image_seed", default_seed(self.image_prompt))
        return self


class Deck(_Model):
    """A whole video: its slides, their order, the theme, the frame shape and the voice."""

    title: Text = Field(min_length=1, max_length=MAX_DECK_TITLE)
    language: Annotated[Text, BeforeValidator(language_code)] = Field(
        default="en", pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"
    )
    theme: Theme = Field(default_factory=Theme)
    aspect: Aspect = Aspect.WIDE
    voice: Text | None = Field(default=None, max_length=80)
    # Background music, as the outline names it (a path relative to the outline). Only the
    # command line resolves and reads it; a deck that arrives by chat never opens a server path.
    music: Text | None = Field(default=None, max_length=500)
    motion: Motion = Motion.GENTLE
    slides: list[Slide] = Field(min_length=1, max_length=MAX_SLIDES)

    @field_validator("voice", "music")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _spoken_in_language(self) -> Self:
        # A slide is built before it knows its deck, so a narration it filled in by default
        # reads its equation in English; in a deck of another language that default is read
        # again in the deck's language. A narration someone wrote stays as written.
        slides = [_default_spoken_in(slide, self.language) for slide in self.slides]
        if any(new is not old for new, old in zip(slides, self.slides, strict=True)):
            object.__setattr__(self, "slides", slides)
        return self

    def slide_hashes(self) -> list[str]:
        return [slide.content_hash() for slide in self.slides]


def _default_spoken_in(slide: Slide, language: str) -> Slide:
    if slide.element is None:
        return slide
    english = spoken_text(slide.title, slide.bullets, slide.element)
    if slide.narration != english:
        return slide
    said = spoken_text(slide.title, slide.bullets, slide.element, language)
    return slide if said == english else slide.model_copy(update={"narration": said})


def build_deck(data: dict[str, Any]) -> Deck:
    """Validate ``data`` into a :class:`Deck`, raising :class:`DeckValidationError` with one
    plain line per problem (``slide 3: title is too long ...``) instead of pydantic's report."""
    try:
        return Deck.model_validate(data)
    except ValidationError as exc:
        raise DeckValidationError(describe_validation_error(exc)) from None


def build_slide(data: dict[str, Any], *, number: int | None = None) -> Slide:
    try:
        return Slide.model_validate(data)
    except ValidationError as exc:
        prefix = ("slides", number - 1) if number is not None else ()
        raise DeckValidationError(describe_validation_error(exc, prefix=prefix)) from None


def describe_validation_error(exc: ValidationError, *, prefix: tuple[Any, ...] = ()) -> list[str]:
    """Turn pydantic's errors into sentences that name the slide and the field."""
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        loc = (*prefix, *error["loc"])
        lines.append(f"{_describe_location(loc)}: {_describe_problem(error)}")
    return lines


_FIELD_NAMES = {
    "title": "title",
    "bullets": "bullets",
    "narration": "narration",
    "image_prompt": "image prompt",
    "image_seed": "image seed",
    "layout": "layout",
    "language": "language",
    "theme": "theme",
    "style": "style",
    "name": "name",
    "aspect": "aspect",
    "voice": "voice",
    "music": "music",
    "motion": "motion",
    "slides": "slides",
    "element": "",
    "chart": "chart",
    "code": "code",
    "equation": "equation",
    "diagram": "diagram",
    "series": "series",
    "values": "values",
    "labels": "labels",
    "latex": "LaTeX",
    "text": "text",
    "x_title": "x-axis title",
    "y_title": "y-axis title",
    "unit": "unit",
}


def _describe_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    items = list(loc)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "slides" and i + 1 < len(items) and isinstance(items[i + 1], int):
            parts.append(f"slide {items[i + 1] + 1}")
            i += 2
            continue
        if item == "bullets" and i + 1 < len(items) and isinstance(items[i + 1], int):
            parts.append(f"bullet {items[i + 1] + 1}")
            i += 2
            continue
        if item == "theme" and i + 1 < len(items) and items[i + 1] == "name":
            parts.append("theme")
            i += 2
            continue
        if item in ("series", "labels", "values") and isinstance(_at(items, i + 1), int):
            parts.append(f"{_FIELD_NAMES[item]} {items[i + 1] + 1}")
            i += 2
            continue
        name = _FIELD_NAMES.get(str(item), str(item))
        if name:
            parts.append(name)
        i += 1
    if not parts:
        return "deck"
    if parts[0].startswith("slide ") or parts[0] == "deck":
        return " ".join(parts)
    return "deck " + " ".join(parts)


def _describe_problem(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if isinstance(value, str) and kind in ("too_long", "too_short"):
        kind = "string_" + kind
        ctx = {"max_length": ctx.get("max_length"), "min_length": ctx.get("min_length", 1)}
    if kind == "string_too_long":
        return f"is too long ({len(value)} characters, at most {ctx['max_length']})"
    if kind == "string_too_short":
        return (
            "is empty"
            if ctx.get("min_length") == 1
            else f"is too short (at least {ctx['min_length']})"
        )
    if kind == "too_long" and error["loc"][-1:] == ("slides",):
        return (
            f"has too many slides ({ctx.get('actual_length')}, at most {ctx['max_length']}; "
            "a '#' title slide counts as one)"
        )
    if kind == "too_long":
        return f"has too many items ({ctx.get('actual_length')}, at most {ctx['max_length']})"
    if kind == "too_short":
        return f"has too few items ({ctx.get('actual_length')}, at least {ctx['min_length']})"
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "enum":
        return f"must be one of {ctx.get('expected')}, not {value!r}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a language code like 'en' or 'pt-BR'"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("less_than_equal", "greater_than_equal"):
        return f"{value!r} is out of range"
    return str(error["msg"]).lower()


def article(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _at(items: list[Any], i: int) -> Any:
    return items[i] if i < len(items) else None
