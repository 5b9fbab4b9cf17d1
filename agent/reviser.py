"""The reviser: a deck and an instruction become a short list of :data:`deck.DeckEdit`.

Structural commands ("delete slide 4", "theme dark") are parsed without a model. Anything else
goes to the chat model with the current deck shown once, numbered (the slides the instruction
names whole, the others by title and bullets); the model answers with edits only, never the
whole deck, in a compact schema. Every answer is checked by *applying* it to the deck, so an
edit that names a missing slide or breaks a limit goes back to the model with the deck's own
message (which lists the slides). It is sent back too when it edits other slides than the ones
the person named, changes nothing, or translates only part of the deck; when the answers run
out the person is told so in plain words. Slides no edit touches stay identical, so their
rendered assets are reused from the cache.
"""

from __future__ import annotations

import functools
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
    DeleteSlide,
    EditError,
    EditSlide,
    InsertSlide,
    MoveSlide,
    NewImage,
    ReplaceSlide,
    SetTheme,
    SwapSlides,
    apply,
    clause,
    describe_edits,
    no_slide,
    parse_edits,
    slide_list,
    slides_count,
    theme_names,
)

from .chat_model import SetupHints
from .commands import parse_command
from .deck_view import deck_view, history_view
from .draft_keys import REVISION_KEYS
from .errors import BadAnswer, InvalidModelAnswer, ModelNotConfigured, RequestRejected
from .intake import check_instruction, escape_delimiters
from .languages import detect_language, language_name, same_language
from .mentions import mentioned_slides
from .pictures import fit_prompt, fits
from .schemas import (
    RevisionDraft,
    compact_schema,
    describe_draft_error,
    strict_schema,
    without_elements,
)
from .structured import ModelAgent, OutputSpec, StatusCallback
from .wording import asks_for_element, element_rules, speakable, writing_rules

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


@dataclass(frozen=True)
class Revision:
    """The edits that carry out one instruction, and one line about them for the chat."""

    edits: list[DeckEdit]
    summary: str


class Reviser(ModelAgent):
    """Turns an instruction about a deck into edits (see the module docstring)."""

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
            commands = commands + _refit_prompts(deck, commands)
            try:
                revised = apply(deck, commands)
            except DeckError as exc:
                raise RequestRejected(str(exc)) from None
            if revised == deck:
                raise RequestRejected(
                    f"that changes nothing: the video already is that way "
                    f"({describe_edits(commands)}); say what should be different"
                )
            return Revision(commands, describe_edits(commands))
        named = self._check_mentions(text, deck)
        if self.chat is None:
            raise ModelNotConfigured(no_model(self.hints))
        calls = self.chat.calls
        elements = asks_for_element(text) or any(s.element is not None for s in deck.slides)
        revision = await self.chat.ask(
            self._messages(deck, text, history, focus=named, elements=elements),
            _edits_spec(elements),
            lambda data: self._validate(data, deck, named),
            on_status=on_status,
        )
        log.debug("revision: %s (%d model requests)", revision.summary, self.chat.calls - calls)
        return revision

    @staticmethod
    def _check_mentions(text: str, deck: Deck) -> list[int]:
        """The slides the instruction names; "slide 0" or "slide 12" in a 6-slide deck is
        refused before anyone is asked (slide n+1 may be a new one)."""
        named = mentioned_slides(text, deck)
        for number in named:
            if number < 1 or number > len(deck.slides) + 1:
                raise RequestRejected(no_slide(number, deck))
        return [number for number in named if number <= len(deck.slides)]

    @staticmethod
    def _messages(
        deck: Deck,
        instruction: str,
        history: Sequence[tuple[str, str]],
        *,
        focus: Sequence[int] = (),
        elements: bool = False,
    ) -> list[BaseMessage]:
        rules = writing_rules() + ("\n" + element_rules() if elements else "")
        system = prompts.render(
            "revise_system",
            themes=", ".join(theme_names()),
            max_slides=MAX_SLIDES,
            writing_rules=rules,
            elements=prompts.render("revise_elements") + "\n" if elements else "",
        )
        task = prompts.render(
            "revise_task",
            deck=deck_view(deck, focus or None),
            history=history_view(history),
            instruction=escape_delimiters(instruction),
        )
        return [SystemMessage(content=system), HumanMessage(content=task)]

    @staticmethod
    def _validate(data: Any, deck: Deck, named: Sequence[int] = ()) -> Revision:
        try:
            draft = RevisionDraft.model_validate(data)
        except ValidationError as exc:
            raise BadAnswer(describe_draft_error(exc)) from None
        summary = " ".join(draft.summary.split())[:MAX_SUMMARY]
        if not draft.edits:  # the model says the instruction cannot be carried out
            raise _no_edits(summary, deck)
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
        _check_named(edits, named, deck)
        edits += _refit_prompts(deck, edits)
        try:
            revised = apply(deck, edits)
        except EditError as exc:
            raise BadAnswer([str(exc)], final=RequestRejected(str(exc))) from None
        except DeckError as exc:
            raise BadAnswer([str(exc)]) from None
        if revised == deck:
            raise _no_change(edits, deck)
        if not same_language(revised.language, deck.language):
            _check_translated(revised, deck)
        return Revision(edits, summary or describe_edits(edits))


@functools.cache
def _edits_spec(elements: bool = False) -> OutputSpec:
    """The edits' schema; without ``elements`` the slides' chart, code and equation fields are
    left out (an instruction that does not ask for one pays no tokens for them; the answer is
    read the same way either way)."""
    schema = compact_schema(strict_schema(RevisionDraft))
    return OutputSpec(
        name="deck_edits",
        description="The edits that carry out the instruction on the deck.",
        schema=schema if elements else without_elements(schema),
        synonyms=tuple(word for words in REVISION_KEYS.values() for word in words),
    )


def _no_edits(reason: str, deck: Deck) -> RequestRejected:
    because = f": the model says {clause(reason)}" if reason else ""
    return RequestRejected(
        f"I could not make that change{because}. The deck has "
        f"{slides_count(len(deck.slides))}: {slide_list(deck)}"
    )


def _touched(edit: DeckEdit) -> set[int]:
    """The slides (numbers as shown) an edit changes or puts something next to."""
    match edit:
        case EditSlide() | ReplaceSlide() | DeleteSlide() | NewImage():
            return {edit.slide}
        case InsertSlide():
            return {edit.after, edit.after + 1}
        case MoveSlide():
            return {edit.slide, edit.after, edit.after + 1}
        case SwapSlides():
            return {edit.a, edit.b}
    return set()  # deck-wide edits concern every slide


def _numbers(numbers: Sequence[int] | set[int]) -> str:
    ordered = sorted(numbers)
    if len(ordered) == 1:
        return f"slide {ordered[0]}"
    return "slides " + ", ".join(map(str, ordered[:-1])) + f" and {ordered[-1]}"


def _check_named(edits: list[DeckEdit], named: Sequence[int], deck: Deck) -> None:
    """Edits of slides other than the ones the person named go back ("simpler words on slide
    2" answered with an edit of slide 1)."""
    if not named:
        return
    touched = set().union(*(_touched(edit) for edit in edits)) - {0}
    if not touched or touched & set(named):
        return
    asked, changed = _numbers(set(named)), _numbers(touched)
    titles = "; ".join(f"[{n}] {deck.slides[n - 1].title}" for n in sorted(set(named)))
    raise BadAnswer(
        [
            f"the instruction is about {asked} ({titles}), but the edits change {changed}; "
            f"edit {asked} (numbers as shown)"
        ],
        final=InvalidModelAnswer(
            f"I asked about {asked}, but the model kept changing {changed} instead, so nothing "
            "was changed; try again, or put it in other words"
        ),
    )


def _no_change(edits: list[DeckEdit], deck: Deck) -> BadAnswer:
    touched = set().union(*(_touched(edit) for edit in edits)) - {0}
    where = f"{_numbers(touched)} as it was" if touched else "the video as it was"
    return BadAnswer(
        [f"these edits change nothing: they leave {where}; write the changed text"],
        final=RequestRejected(
            f"That changed nothing: the model's edit left {where}. Say what should be "
            "different, e.g. 'a shorter title on slide 1' or 'simpler words on slide 2'"
        ),
    )


def _check_translated(revised: Deck, deck: Deck) -> None:
    """A new language must reach every slide: a translation that stopped half way (cut off,
    or lazy) leaves slides in the old language under the new label."""
    untranslated = [
        number
        for number, slide in enumerate(revised.slides, 1)
        if (found := detect_language(" ".join([slide.title, *slide.bullets, slide.narration])))
        and not same_language(found, revised.language)
    ]
    if not untranslated:
        return
    target, old = language_name(revised.language), language_name(deck.language)
    where = _numbers(untranslated)
    raise BadAnswer(
        [
            f"{where} still read in {old}: translate every slide to {target} (an edit_slide "
            "with title, bullets and narration for each)"
        ],
        final=InvalidModelAnswer(
            f"the model translated only part of the deck to {target} ({where} stayed in "
            f"{old}), so nothing was changed; try again, or translate a few slides at a time"
        ),
    )


def _refit_prompts(deck: Deck, edits: list[DeckEdit]) -> list[DeckEdit]:
    """Picture-prompt edits that keep every prompt inside CLIP's window when ``edits`` bring a
    style longer than the room kept for one (:mod:`agent.pictures`)."""
    style = None
    for edit in edits:
        if isinstance(edit, SetTheme) and (edit.style or edit.name):
            style = edit.style or (THEMES[edit.name].image_style if edit.name in THEMES else None)
    if not style or style == deck.theme.style:
        return []
    gone = {e.slide for e in edits if isinstance(e, DeleteSlide | ReplaceSlide)}
    prompted = {e.slide for e in edits if isinstance(e, EditSlide) and e.image_prompt}
    return [
        EditSlide(slide=number, image_prompt=fit_prompt(slide.image_prompt, style))
        for number, slide in enumerate(deck.slides, 1)
        if number not in gone | prompted and not fits(slide.image_prompt, style)
    ]


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
