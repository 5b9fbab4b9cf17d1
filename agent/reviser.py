"""The reviser: a deck and an instruction become a short list of :data:`deck.DeckEdit`.

Structural commands ("delete slide 4", "theme dark") are parsed without a model. Anything else
goes to the chat model with the current deck shown once, numbered; the model answers with edits
only, never the whole deck. Every answer is checked by *applying* it to the deck, so an edit
that names a missing slide or breaks a limit goes back to the model with the deck's own message
(which lists the slides). Slides no edit touches stay identical, so their rendered assets are
reused from the cache.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

import prompts
from deck import (
    MAX_SLIDES,
    Deck,
    DeckEdit,
    DeckError,
    EditError,
    apply,
    describe_edits,
    parse_edits,
    slide_list,
    theme_names,
)

from .chat_model import IN_WORDS, SetupHints
from .commands import parse_command
from .deck_view import deck_view, history_view
from .errors import BadAnswer, ModelNotConfigured, RequestRejected
from .intake import check_instruction
from .pictures import fit_prompt
from .schemas import RevisionDraft, describe_draft_error, strict_schema
from .structured import OutputSpec, StatusCallback, StructuredChat, structured
from .wording import speakable, writing_rules

log = logging.getLogger(__name__)


def no_model(hints: SetupHints) -> str:
    """What to say when an instruction needs a model and none is configured."""
    return (
        "that change needs a language model, and none is configured. Without one, structural "
        "commands work: 'delete slide 4', 'swap 2 and 3', 'move slide 5 to the start', 'theme "
        "dark', 'watercolor style', 'vertical', 'new picture for slide 2', 'voice silent'. To use "
        f"a model set {hints.model}, and {hints.base_url} / {hints.api_key} as the server needs "
        "(see the README)"
    )


MAX_SUMMARY = 200
_SLIDE_MENTION = re.compile(r"\bslides?\s*(?:number\s*|no\.?\s*|#)?(\d{1,4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Revision:
    """The edits that carry out one instruction, and one line about them for the chat."""

    edits: list[DeckEdit]
    summary: str


class Reviser:
    """Turns an instruction about a deck into edits (see the module docstring)."""

    def __init__(
        self,
        model: BaseChatModel | StructuredChat | None,
        *,
        attempts: int = 3,
        backoff: float = 1.0,
        hints: SetupHints = IN_WORDS,
    ) -> None:
        """``hints`` name the settings that set a model up, for the messages that say what to
        change (a given :class:`StructuredChat` keeps its own)."""
        self.chat = structured(model, attempts=attempts, backoff=backoff, hints=hints)
        self.hints = hints

    async def revise(
        self,
        deck: Deck,
        instruction: str,
        *,
        history: Sequence[tuple[str, str]] = (),
        on_status: StatusCallback | None = None,
    ) -> Revision:
        """The edits for ``instruction``; apply them with ``deck.apply(deck, revision.edits)``.

        Raises :class:`RequestRejected` (empty, too long or binary instruction, a slide that
        does not exist, an instruction that makes no sense for this deck),
        :class:`ModelNotConfigured` (not a structural command, and no model),
        :class:`ModelUnavailable` and :class:`InvalidModelAnswer`.
        """
        text = check_instruction(instruction)
        commands = parse_command(text, deck)
        if commands is not None:
            try:
                apply(deck, commands)
            except DeckError as exc:
                raise RequestRejected(str(exc)) from None
            return Revision(commands, describe_edits(commands))
        if self.chat is None:
            raise ModelNotConfigured(no_model(self.hints))
        self._check_mentions(text, deck)
        calls = self.chat.calls
        revision = await self.chat.ask(
            self._messages(deck, text, history),
            _edits_spec(),
            lambda data: self._validate(data, deck),
            on_status=on_status,
        )
        log.debug("revision: %s (%d model requests)", revision.summary, self.chat.calls - calls)
        return revision

    @staticmethod
    def _check_mentions(text: str, deck: Deck) -> None:
        """Reject "slide 12" in a 6-slide deck before asking anyone (slide n+1 may be new)."""
        count = len(deck.slides)
        for match in _SLIDE_MENTION.finditer(text):
            number = int(match.group(1))
            if number == 0 or number > count + 1:
                raise RequestRejected(
                    f"there is no slide {number}; the deck has {count} slides: {slide_list(deck)}"
                )

    @staticmethod
    def _messages(
        deck: Deck, instruction: str, history: Sequence[tuple[str, str]]
    ) -> list[BaseMessage]:
        system = prompts.render(
            "revise_system",
            themes=", ".join(theme_names()),
            max_slides=MAX_SLIDES,
            writing_rules=writing_rules(),
        )
        task = prompts.render(
            "revise_task",
            deck=deck_view(deck),
            history=history_view(history),
            instruction=instruction,
        )
        return [SystemMessage(content=system), HumanMessage(content=task)]

    @staticmethod
    def _validate(data: Any, deck: Deck) -> Revision:
        try:
            draft = RevisionDraft.model_validate(data)
        except ValidationError as exc:
            raise BadAnswer(describe_draft_error(exc)) from None
        summary = " ".join(draft.summary.split())[:MAX_SUMMARY]
        if not draft.edits:  # the model says the instruction cannot be carried out
            raise _no_edits(summary or "the model found nothing to change", deck)
        raw = [edit.to_edit() for edit in draft.edits]
        language = next(
            (str(e["language"]) for e in raw if e.get("op") == "set_deck" and e.get("language")),
            deck.language,
        )
        try:
            style = next(
                (str(e["style"]) for e in raw if e.get("op") == "set_theme" and e.get("style")),
                deck.theme.style,
            )
            edits = parse_edits([_tidy(edit, language, style) for edit in raw])
        except ValidationError as exc:
            raise BadAnswer(describe_draft_error(exc)) from None
        try:
            revised = apply(deck, edits)
        except EditError as exc:
            raise BadAnswer([str(exc)], final=RequestRejected(str(exc))) from None
        except DeckError as exc:
            raise BadAnswer([str(exc)]) from None
        if revised == deck:
            raise _no_edits(summary or "the edits change nothing", deck)
        return Revision(edits, summary or describe_edits(edits))


@functools.cache
def _edits_spec() -> OutputSpec:
    return OutputSpec(
        name="deck_edits",
        description="The edits that carry out the instruction on the deck.",
        schema=strict_schema(RevisionDraft),
    )


def _no_edits(reason: str, deck: Deck) -> RequestRejected:
    return RequestRejected(
        f"I could not turn that into a change to the video: {reason}. "
        f"The deck has {len(deck.slides)} slides: {slide_list(deck)}"
    )


def _tidy(edit: dict[str, Any], language: str, style: str) -> dict[str, Any]:
    """Narration made speakable and picture prompts made text-free, as in planning."""
    for slide in (edit, edit.get("slide"), edit.get("new")):
        if not isinstance(slide, dict):
            continue
        if isinstance(slide.get("narration"), str):
            slide["narration"] = speakable(slide["narration"], language)
        if isinstance(slide.get("image_prompt"), str):
            slide["image_prompt"] = fit_prompt(slide["image_prompt"], style)
    return edit
