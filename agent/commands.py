"""Structural revisions understood without a model: "delete slide 4", "swap 2 and 3", "theme dark".

:func:`parse_command` recognises a small, fixed grammar of English commands and turns them into
deck edits. Anything it does not recognise in full returns ``None`` and goes to the model, so a
sentence that merely *starts* like a command ("delete the jargon from slide 3") is never
misread. Several commands can be joined with ``;``, ``,``, ``and`` or ``then`` ("theme dark and
vertical"); their slide numbers all refer to the deck as it stands, as in every edit list.

It does not check that the slides exist: applying the edits does, with a message that lists
the slides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from deck import (
    Aspect,
    Deck,
    DeckEdit,
    DeleteSlide,
    MoveSlide,
    NewImage,
    SetDeck,
    SetTheme,
    SwapSlides,
)

_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
_CARDINALS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_ASPECTS = {
    "vertical": Aspect.TALL,
    "portrait": Aspect.TALL,
    "tall": Aspect.TALL,
    "9:16": Aspect.TALL,
    "square": Aspect.SQUARE,
    "1:1": Aspect.SQUARE,
    "landscape": Aspect.WIDE,
    "horizontal": Aspect.WIDE,
    "wide": Aspect.WIDE,
    "widescreen": Aspect.WIDE,
    "16:9": Aspect.WIDE,
}
_POLITE_START = re.compile(
    r"^(?:(?:please|pls|ok(?:ay)?|now|and|also|then|(?:can|could|would|will) you|"
    r"i (?:want|would like|'d like)(?: you)? to|let'?s)[\s,]+)+",
    re.IGNORECASE,
)
_POLITE_END = re.compile(r"[\s,]+(?:please|pls|thanks|thank you)$", re.IGNORECASE)
_SPLIT = re.compile(
    r"(\s*(?:;|,\s*(?:and\s+|then\s+)?|\s(?:and\s+then|then|and)\s)\s*)", re.IGNORECASE
)

# One slide reference: "slide 3", "#3", "3", "the 3rd slide", "the third one", "the last slide".
_REF = (
    r"(?:the\s+)?(?:slide\s*|#)?"
    r"(?:\d{1,3}(?:st|nd|rd|th)?|" + "|".join([*_ORDINALS, *_CARDINALS, "last", "final"]) + r")"
    r"(?:\s+(?:slide|one))?"
)
_REF_RE = re.compile(
    r"^(?:the\s+)?(?:slide\s*|#)?(?P<n>\d{1,3}|[a-z]+)(?:st|nd|rd|th)?(?:\s+(?:slide|one))?$"
)
_REFS = rf"(?:slides?\s+)?{_REF}(?:\s*(?:,|&|and)\s*{_REF})*"

_Handler = Callable[[re.Match[str], Deck], list[DeckEdit] | None]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def parse_command(text: str, deck: Deck) -> list[DeckEdit] | None:
    """The edits a structural command asks for, or ``None`` when ``text`` is not one."""
    text = _tidy(text)
    if not text:
        return None
    # Pieces between separators; a command is a run of pieces joined again ("swap 2 and 3"),
    # and the whole text must split into commands.
    pieces = _SPLIT.split(text)
    if len(pieces) > 2 * _MAX_PIECES:
        return _parse_one(text, deck)
    return _parse_from(pieces, 0, deck, {})


_MAX_PIECES = 12


def _parse_from(
    pieces: list[str], start: int, deck: Deck, memo: dict[int, list[DeckEdit] | None]
) -> list[DeckEdit] | None:
    """Edits for ``pieces[start:]`` (text, separator, text, ...), trying longer runs first."""
    if start in memo:
        return memo[start]
    result = None
    for end in range(len(pieces), start, -2):
        head = _parse_one(_tidy("".join(pieces[start:end])), deck)
        if head is None:
            continue
        if end == len(pieces):
            result = head
            break
        tail = _parse_from(pieces, end + 1, deck, memo)
        if tail is not None:
            result = head + tail
            break
    memo[start] = result
    return result


def _tidy(text: str) -> str:
    text = " ".join(text.split()).strip().rstrip(".!").strip()
    text = _POLITE_START.sub("", text)
    return _POLITE_END.sub("", text).strip()


def _parse_one(text: str, deck: Deck) -> list[DeckEdit] | None:
    for pattern, handler in _RULES:
        match = pattern.fullmatch(text)
        if match:
            edits = handler(match, deck)
            if edits is not None:
                return edits
    return None


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        _RULES.append((re.compile(pattern, re.IGNORECASE), handler))
        return handler

    return register


def slide_number(ref: str, deck: Deck) -> int | None:
    """The number a single reference means ("slide 3", "the last one", "second"), or None."""
    match = _REF_RE.match(ref.strip().lower())
    if not match:
        return None
    word = match.group("n")
    if word.isdigit():
        return int(word)
    if word in ("last", "final"):
        return len(deck.slides)
    return _ORDINALS.get(word) or _CARDINALS.get(word)


def slide_numbers(refs: str, deck: Deck) -> list[int] | None:
    """Numbers of a list of references ("slides 2, 3 and 5"), or None if any is not one."""
    refs = re.sub(r"^slides\s+", "", refs.strip(), flags=re.IGNORECASE)
    numbers = []
    for ref in re.split(r"\s*(?:,|&|\band\b)\s*", refs):
        number = slide_number(ref, deck)
        if number is None:
            return None
        numbers.append(number)
    return numbers


@_rule(rf"(?:delete|remove|drop|cut|get rid of)\s+(?P<refs>{_REFS})")
def _delete(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    numbers = slide_numbers(match["refs"], deck)
    if numbers is None:
        return None
    return [DeleteSlide(slide=n) for n in dict.fromkeys(numbers)]


@_rule(rf"(?:swap|switch|exchange)\s+(?:slides\s+)?(?P<a>{_REF})\s+(?:and|with|&)\s+(?P<b>{_REF})")
def _swap(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    a, b = slide_number(match["a"], deck), slide_number(match["b"], deck)
    if a is None or b is None:
        return None
    return [SwapSlides(a=a, b=b)]


@_rule(
    rf"(?:move|put)\s+(?P<ref>{_REF})\s+(?:"
    r"(?:to\s+(?:the\s+)?|at\s+the\s+)?(?P<start>start|beginning|front|top|first)"
    r"|(?:to\s+(?:the\s+)?|at\s+the\s+)?(?P<end>end|bottom|last)"
    rf"|after\s+(?P<after>{_REF})"
    rf"|before\s+(?P<before>{_REF})"
    r"|to\s+(?:position|place|number)\s+(?P<position>\d{1,3}))"
)
def _move(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    slide = slide_number(match["ref"], deck)
    if slide is None:
        return None
    count = len(deck.slides)
    if match["start"]:
        after: int | None = 0
    elif match["end"]:
        after = count
    elif match["after"]:
        after = slide_number(match["after"], deck)
    elif match["before"]:
        before = slide_number(match["before"], deck)
        after = None if before is None else before - 1
    else:
        position = int(match["position"])
        after = position - 1 if position < slide else position
    if after is None:
        return None
    return [MoveSlide(slide=slide, after=max(0, after))]


@_rule(
    r"(?:(?:use|switch to|change to|go with|try|apply|make it|set)\s+)?(?:the\s+|a\s+|an\s+)?"
    r"(?P<name>[a-z]+)\s+(?:theme|colou?rs|colou?r scheme)"
)
@_rule(
    r"(?:(?:change|switch|set)\s+)?(?:the\s+)?(?:theme|colou?r scheme)\s*(?::|=|\s+to\s+|\s)\s*"
    r"(?P<name>[a-z]+)"
)
def _theme(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    name = match["name"].lower()
    if name in ("new", "different", "other", "another", "same", "this", "that", "my", "a"):
        return None
    return [SetTheme(name=name)]


_STYLE_STOP = re.compile(
    r"\b(?:slide|slides|it|this|that|different|same|other|another|new|my|our|your|narration|"
    r"voice|text|font|bullets?|title)\b",
    re.IGNORECASE,
)


@_rule(r"(?:picture |image |art )?style\s*[:=]\s*(?P<style>.{2,160})")
@_rule(
    r"(?:(?:use|switch to|change to|go with|try|make it|draw it in|draw them in|in)\s+)?"
    r"(?:a\s+|an\s+|the\s+)?(?P<style>[\w'’-]+(?:\s+[\w'’-]+){0,3})\s+(?:picture\s+|art\s+|image\s+)?style"
)
def _style(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    style = match["style"].strip(" '\"")
    if not style or _STYLE_STOP.search(style):
        return None
    return [SetTheme(style=style)]


@_rule(r"(?:(?:use|in|draw it in|draw them in)\s+)?the\s+style\s+of\s+(?P<artist>.{2,120})")
def _style_of(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    artist = match["artist"].strip(" '\"")
    return [SetTheme(style=f"in the style of {artist}")] if artist else None


_PICTURE = r"(?:picture|image|illustration|art|artwork|photo|drawing)"


@_rule(
    rf"(?:(?:a|an)\s+)?(?:new|different|another|fresh|other)\s+{_PICTURE}s?\s+"
    rf"(?:for|on|of|in)\s+(?P<refs>{_REFS})"
)
@_rule(
    rf"(?:regenerate|redraw|re-?roll|redo)\s+(?:the\s+)?{_PICTURE}s?\s+(?:for|on|of|in)\s+(?P<refs>{_REFS})"
)
@_rule(rf"(?:redraw|re-?roll)\s+(?P<refs>{_REFS})")
def _new_image(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    numbers = slide_numbers(match["refs"], deck)
    if numbers is None:
        return None
    return [NewImage(slide=n) for n in dict.fromkeys(numbers)]


@_rule(
    rf"(?:(?:(?:a|all)\s+)?(?:new|different|fresh|other)\s+{_PICTURE}s"
    rf"(?:\s+(?:for|on)\s+(?:all|every|each)(?:\s+(?:the\s+)?slides?)?)?"
    rf"|(?:regenerate|redraw|re-?roll|redo)\s+(?:all\s+)?(?:the\s+)?{_PICTURE}s"
    rf"|(?:regenerate|redraw|re-?roll)\s+all)"
)
def _new_images(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    return [NewImage(slide=n) for n in range(1, len(deck.slides) + 1)]


@_rule(
    r"(?:(?:make it|switch to|change to|go|use|turn it|make the video)\s+)?(?:a\s+|an\s+)?"
    r"(?P<aspect>vertical|portrait|tall|square|landscape|horizontal|wide|widescreen|9:16|1:1|16:9)"
    r"(?:\s+(?:video|format|frame|aspect|aspect ratio|ratio|mode|shape))?"
    r"|(?:aspect(?: ratio)?|format|frame)\s*(?::|=|to|\s)\s*"
    r"(?P<aspect2>9:16|1:1|16:9|vertical|square|landscape)"
)
def _aspect(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    return [SetDeck(aspect=_ASPECTS[(match["aspect"] or match["aspect2"]).lower()])]


@_rule(r"(?:use\s+(?:the\s+)?)?voice\s*(?::|=|to|\s)\s*(?P<voice>[a-z0-9_-]+(?::[\w.-]+)?)")
@_rule(r"(?:use\s+(?:the\s+)?)?(?P<voice>(?:espeak|openai|kokoro|auto)(?::[\w.-]+)?)\s+voice")
@_rule(
    r"(?P<silent>silent|silence|mute|muted|no voice|no narration audio|without (?:a )?voice"
    r"|make it silent|turn off the voice|turn the voice off)"
)
def _voice(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    voice = "silent" if match.groupdict().get("silent") else match["voice"].lower()
    return [SetDeck(voice=voice)]


@_rule(r"(?:deck |video )?title\s*(?::|=)\s*(?P<title>.{1,120})")
@_rule(
    r"(?:rename|retitle|call)\s+(?:the\s+|this\s+)?(?:deck|video)\s+(?:to\s+)?(?P<title>.{1,120})"
)
def _title(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    title = match["title"].strip(" '\"“”")
    return [SetDeck(title=title)] if title else None
