"""The planner: a request (or a Markdown outline) becomes a :class:`deck.Deck`.

An outline needs no model: it is read by ``deck.parse_outline``. Free text goes to the chat
model through :class:`StructuredChat`; the answer is a :class:`DeckDraft` that must pass the
deck's own validation (and an asked-for slide count) or go back to the model with the problems.

Before the model is asked, the request is read as a person means it: the slide count only from
words that ask for one (:mod:`agent.counts`), the language it is written in
(:mod:`agent.languages`: the deck follows it unless the request names another language or an
option sets one), and the request's text defused inside its delimiter.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

import prompts
from deck import (
    MAX_SLIDES,
    THEMES,
    Deck,
    DeckEdit,
    DeckError,
    DeckValidationError,
    SetDeck,
    SetTheme,
    apply,
    build_deck,
    parse_outline,
    slides_count,
    theme_names,
)
from deck.themes import DEFAULT_THEME

from .chat_model import SetupHints
from .commands import parse_command
from .counts import SlideCount, asked_slides
from .draft_keys import DECK_KEYS
from .errors import BadAnswer, ModelNotConfigured, RequestRejected
from .intake import (
    MAX_OUTLINE_CHARS,
    check_request,
    check_text,
    escape_delimiters,
    looks_like_outline,
)
from .languages import detect_language, language_name, named_language, same_language
from .pictures import fit_prompt
from .schemas import DeckDraft, describe_draft_error, strict_schema
from .structured import ModelAgent, OutputSpec, StatusCallback, notify
from .wording import element_rules, speakable, writing_rules

log = logging.getLogger(__name__)
DECK_SYNONYMS = tuple(word for words in DECK_KEYS.values() for word in words)


def no_model(hints: SetupHints) -> str:
    """What to say when free text arrives and no model is configured."""
    return (
        "planning from free text needs a language model, and none is configured. Set "
        f"{hints.model} (e.g. gpt-4o-mini, or llama3.1 for Ollama), {hints.base_url} for a "
        "local or other OpenAI-compatible server (e.g. http://localhost:11434/v1) and "
        f"{hints.api_key} where the server needs one. Without a model, send a Markdown outline "
        "instead: one '## Slide title' per slide, '- bullets' and '> narration'"
    )


_PROBE = build_deck({"title": "probe", "slides": [{"title": "probe"}]})


@dataclass(frozen=True)
class PlanOptions:
    """Explicit choices from the person or the front-end; they override the request's text."""

    slides: int | None = None
    theme: str | None = None
    style: str | None = None
    aspect: str | None = None
    voice: str | None = None
    language: str | None = None

    def edits(self) -> list[DeckEdit]:
        """These options as deck edits (validated when applied: unknown theme names fail)."""
        edits: list[DeckEdit] = []
        if self.theme or self.style:
            edits.append(SetTheme(name=self.theme, style=self.style))
        deck_fields = {
            "aspect": self.aspect,
            "voice": self.voice,
            "language": self.language,
        }
        deck_fields = {key: value for key, value in deck_fields.items() if value}
        if deck_fields:
            edits.append(SetDeck.model_validate(deck_fields))
        return edits


class Planner(ModelAgent):
    """Turns a request into a deck: outlines directly, free text through the chat model."""

    async def plan(
        self,
        request: str,
        *,
        outline: str | None = None,
        options: PlanOptions | None = None,
        on_status: StatusCallback | None = None,
    ) -> Deck:
        """The deck for ``request``.

        Raises :class:`RequestRejected` (empty, too long, binary, unreadable outline, bad
        option), :class:`ModelNotConfigured` (free text without a model),
        :class:`ModelUnavailable` and :class:`InvalidModelAnswer`.
        """
        options = options or PlanOptions()
        self._finish(_PROBE, options)  # a bad option fails now, before any model call
        if outline is not None:
            text = check_text(
                outline,
                what="outline",
                limit=MAX_OUTLINE_CHARS,
                example="write one '## Slide title' per slide",
            )
            deck = self._from_outline(text)
            commands = parse_command(request, deck) if request.strip() else None
            return self._finish(deck, options, commands or [])
        text = check_request(request)
        if looks_like_outline(text):
            return self._finish(self._from_outline(text), options)
        if self.chat is None:
            raise ModelNotConfigured(no_model(self.hints))
        language = self._language(text, options)
        count = self._slide_count(text, options, language, on_status)
        calls = self.chat.calls
        deck = await self.chat.ask(
            self._messages(text, count, language),
            OutputSpec(
                name="deck_plan",
                description="The planned slide deck of a narrated explainer video.",
                schema=strict_schema(
                    DeckDraft,
                    slides={"minItems": count.low, "maxItems": count.high} if count else {},
                ),
                synonyms=DECK_SYNONYMS,
            ),
            lambda data: self._validate(data, count, language),
            on_status=on_status,
        )
        log.debug(
            "planned '%s': %d slides (%d model requests)",
            deck.title,
            len(deck.slides),
            self.chat.calls - calls,
        )
        return self._finish(deck, options)

    # --- steps -----------------------------------------------------------------------------

    @staticmethod
    def _from_outline(text: str) -> Deck:
        try:
            return parse_outline(text)
        except DeckError as exc:
            raise RequestRejected(f"the outline cannot be used: {exc}") from None

    @staticmethod
    def _finish(deck: Deck, options: PlanOptions, commands: Sequence[DeckEdit] = ()) -> Deck:
        """``deck`` with the request's commands and the explicit options applied."""
        try:
            edits = [*commands, *options.edits()]
            return apply(deck, edits) if edits else deck
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)
            )
            raise RequestRejected(f"bad option: {problems}") from None
        except DeckError as exc:
            raise RequestRejected(str(exc)) from None

    @staticmethod
    def _language(text: str, options: PlanOptions) -> str | None:
        """The deck's language: the option, else the request's own language unless the request
        asks for one in words ("in Spanish": the model writes it and names it)."""
        if options.language:
            return options.language
        if named_language(text):
            return None
        return detect_language(text)

    @staticmethod
    def _slide_count(
        text: str, options: PlanOptions, language: str | None, on_status: StatusCallback | None
    ) -> SlideCount | None:
        if options.slides is not None:
            asked: SlideCount | None = SlideCount(options.slides, options.slides)
        else:
            asked = asked_slides(text, language)
        if asked is None:
            return None
        count = asked.clamped()
        if count != asked:
            wanted = slides_count(asked.low) if asked.exact is not None else f"{asked.high} slides"
            notify(
                on_status,
                f"{wanted} were asked for; a deck has 1 to {MAX_SLIDES}, so this one will "
                f"have {_count_words(count)}",
            )
        return count

    @staticmethod
    def _messages(
        request: str, count: SlideCount | None, language: str | None = None
    ) -> list[BaseMessage]:
        system = prompts.render(
            "plan_system",
            max_slides=MAX_SLIDES,
            themes=", ".join(theme_names()),
            writing_rules=writing_rules() + "\n" + element_rules(),
        )
        if count is None:
            count_rule = prompts.render("plan_count_free", max_slides=MAX_SLIDES)
        elif count.exact is not None:
            count_rule = prompts.render("plan_count_exact", count=slides_count(count.exact))
        else:
            count_rule = prompts.render("plan_count_range", low=count.low, high=count.high)
        language_rule = (
            prompts.render(
                "plan_language", language=language, language_name=language_name(language)
            )
            if language
            else ""
        )
        task = prompts.render(
            "plan_task",
            rules=" ".join(rule for rule in (count_rule, language_rule) if rule),
            request=escape_delimiters(request),
        )
        return [SystemMessage(content=system), HumanMessage(content=task)]

    @staticmethod
    def _validate(data: Any, count: SlideCount | None, language: str | None) -> Deck:
        try:
            draft = DeckDraft.model_validate(data)
        except ValidationError as exc:
            raise BadAnswer(describe_draft_error(exc)) from None
        problems = []
        if count is not None and not count.low <= len(draft.slides) <= count.high:
            problems.append(
                f"slides: {slides_count(len(draft.slides))}; write {_count_words(count, 'exactly')}"
            )
        deck_data = draft.to_deck_data()
        if language:
            written = detect_language(_deck_text(deck_data))
            if written and not same_language(written, language):
                problems.append(
                    f"the deck is written in {language_name(written)}; write every title, "
                    f"bullet and narration in {language_name(language)}"
                )
            if not same_language(str(deck_data["language"]), language):
                deck_data["language"] = language  # the text is in it: the label follows
        deck_language = str(deck_data["language"])
        theme = deck_data.get("theme", {})
        style = theme.get("style") or _theme_style(theme.get("name"))
        for slide in deck_data["slides"]:
            slide["narration"] = speakable(slide.get("narration", ""), deck_language)
            slide["image_prompt"] = fit_prompt(slide.get("image_prompt", ""), style)
        try:
            deck = build_deck(deck_data)
        except DeckValidationError as exc:
            problems += exc.problems
        if problems:
            raise BadAnswer(problems)
        return deck


def _count_words(count: SlideCount, exactly: str = "") -> str:
    if count.exact is not None:
        return f"{exactly} {slides_count(count.exact)}".strip()
    return f"{count.low} to {count.high} slides"


def _deck_text(deck_data: dict[str, Any]) -> str:
    parts = [str(deck_data.get("title", ""))]
    for slide in deck_data["slides"]:
        parts += [slide.get("title", ""), *slide.get("bullets", []), slide.get("narration", "")]
    return " ".join(str(part) for part in parts)


def _theme_style(name: object) -> str:
    spec = THEMES.get(str(name or DEFAULT_THEME))
    return spec.image_style if spec else ""
