"""Structural revisions understood without a model: "delete slide 4", "swap 2 and 3", "theme dark".

:func:`parse_command` recognises a small, fixed grammar of English commands (deleting, swapping and
new pictures also in French, Spanish, German, Italian and Portuguese) and turns them into
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
    THEMES,
    Aspect,
    Deck,
    DeckEdit,
    DeleteSlide,
    Motion,
    MoveSlide,
    NewImage,
    SetDeck,
    SetTheme,
    SwapSlides,
    no_slide,
)

from .errors import RequestRejected
from .numbers import cardinal, english_number_pattern, ordinal

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
    r"^(?:(?:please|pls|ok(?:ay)?|now|and|also|then|so|hey|hi|hello|yo|"
    r"(?:can|could|would|will) you(?: please| kindly)?|would you mind|"
    r"i(?:\s+would|['’]d|\s+want)(?:\s+like)?(?:\s+you)?\s+to|let['’]?s|"
    r"give me|i want|i['’]d like|i would like)[\s,]+)+",
    re.IGNORECASE,
)
_POLITE_END = re.compile(
    r"[\s,]+(?:please|pls|thanks|thank you|thx|if you can|if possible)$", re.IGNORECASE
)
_SPLIT = re.compile(
    r"(\s*(?:;|,\s*(?:and\s+|then\s+)?|\s(?:and\s+then|then|and)\s)\s*)", re.IGNORECASE
)

# One slide reference: "slide 3", "#3", "3", "the 3rd slide", "the fifteenth one", "the last
# slide", "slide twenty-one"; with digits also in French, Spanish, German, Italian and
# Portuguese ("la diapositive 3", "Folie 2", "o slide 4", "la 2e diapo").
_NUMBER_WORDS = english_number_pattern()
_ARTICLE = r"(?:the|la|le|les|el|los|las|die|der|den|o|os|as|il|lo|gli)"
_SLIDE = r"(?:slides?|diapositives?|diapositivas?|diapos?|folien?|l[áa]minas?)(?![^\W\d_])"
_NUMBERED = r"(?:number\s+|no\.?\s*|n[°º]\s*|num[ée]ro\s+|n[úu]mero\s+|nummer\s+)"
_SUFFIX = r"(?:st|nd|rd|th|e|[èe]me|[ºª°]|\.)"
_REF = (
    rf"(?:{_ARTICLE}\s+)?(?:{_SLIDE}\s*)?{_NUMBERED}?#?"
    rf"(?:\d{{1,3}}{_SUFFIX}?|" + _NUMBER_WORDS + r"|last|final)"
    rf"(?:\s+(?:{_SLIDE}|ones?))?"
)
_REF_RE = re.compile(
    rf"^(?:{_ARTICLE}\s+)?(?:{_SLIDE}\s*)?{_NUMBERED}?#?(?P<n>.+?)(?:\s+(?:{_SLIDE}|ones?))?$"
)
_RANGE = r"\s*(?:-|–|—|to|through|thru|until)\s*"  # "slides 2-4", "2 to 4"
_AND = r"(?:,|&|and|et|y|und|e)"
_REFS = rf"(?:{_SLIDE}\s+)?{_REF}(?:{_RANGE}{_REF})?(?:\s*{_AND}\s*{_REF}(?:{_RANGE}{_REF})?)*"
_DIGIT_SUFFIX = re.compile(rf"^(\d{{1,3}}){_SUFFIX}$")
# The same commands in French, Spanish, German, Italian and Portuguese (imperative and
# infinitive, as people type them).
_DELETE_WORDS = (
    r"supprime[rz]?|enl[èe]ve[rz]?|retire[rz]?|efface[rz]?|borra[r]?|elimina[r]?|quita[r]?|"
    r"l[öo]sche|l[öo]schen|entferne|entfernen|cancella|rimuovi|togli|apaga[r]?|apague|"
    r"exclua|exclui[r]?|remova"
)
_SWAP_WORDS = (
    r"[ée]change[rz]?|inverse[rz]?|permute[rz]?|intercambia[r]?|tausche|vertausche|tauschen|"
    r"scambia|inverti|troca[r]?|troque|inverta"
)

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
    text = " ".join(text.split()).strip().rstrip(".!?…").strip()
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
    """The number a single reference means ("slide 3", "the last one", "fifteenth"), or None.

    Raises :class:`RequestRejected` for slide 0: slides are numbered from 1.
    """
    number = referenced_number(ref)
    if number == LAST:
        return len(deck.slides)
    if number is not None and number < 1:
        raise RequestRejected(no_slide(number, deck))
    return number


LAST = -1  # what referenced_number() gives for "the last slide": the deck says which


def referenced_number(ref: str) -> int | None:
    """The number one reference names without a deck ("slide 3", "#3", "the 3rd slide",
    "fifteenth", "la 2e diapo"); :data:`LAST` for "the last one"; None when it is not one."""
    match = _REF_RE.match(" ".join(ref.strip().lower().split()))
    if not match:
        return None
    word = match.group("n")
    if word in ("last", "final"):
        return LAST
    if suffixed := _DIGIT_SUFFIX.match(word):  # "2e", "3ème", "4º", "5.": the digits say it
        word = suffixed.group(1)
    number = cardinal(word)
    return ordinal(word) if number is None else number


def slide_numbers(refs: str, deck: Deck) -> list[int] | None:
    """Numbers of a list of references ("slides 2, 3 and 5"), or None if any is not one."""
    refs = re.sub(rf"^{_SLIDE}\s+(?=\S)", "", refs.strip(), flags=re.IGNORECASE)
    numbers = []
    for ref in re.split(r"\s*(?:,|&|\b(?:and|et|y|und|e)\b)\s*", refs):
        ends = [slide_number(end, deck) for end in re.split(_RANGE, ref, maxsplit=1)]
        if any(end is None for end in ends):
            return None
        first, last = ends[0], ends[-1]
        assert first is not None and last is not None
        numbers += range(min(first, last), max(first, last) + 1)
    return numbers


@_rule(
    rf"(?:delete|remove|drop|cut|get rid of|kill|lose|ditch|scrap|trash|erase|take out|"
    rf"{_DELETE_WORDS})\s+(?P<refs>{_REFS})"
)
def _delete(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    numbers = slide_numbers(match["refs"], deck)
    if numbers is None:
        return None
    return [DeleteSlide(slide=n) for n in dict.fromkeys(numbers)]


@_rule(
    rf"(?:swap|switch|exchange|flip|trade|interchange|{_SWAP_WORDS})\s+"
    rf"(?:{_ARTICLE}\s+)?(?:{_SLIDE}\s+)?(?:the\s+places\s+of\s+)?"
    rf"(?P<a>{_REF})\s+(?:and|with|&|for|et|avec|y|con|und|mit|e|com)\s+(?P<b>{_REF})"
)
def _swap(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    a, b = slide_number(match["a"], deck), slide_number(match["b"], deck)
    if a is None or b is None:
        return None
    return [SwapSlides(a=a, b=b)]


@_rule(
    rf"(?:move|bring|push|shift)\s+(?P<ref>{_REF})\s+(?:(?P<up>up|earlier|forward|ahead)|"
    r"(?P<down>down|later))(?:\s+(?:one|1|a slide|one slide|by one|a place))?"
)
def _nudge(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
    """ "move slide 4 up": one place earlier; "down": one place later."""
    slide = slide_number(match["ref"], deck)
    if slide is None:
        return None
    after = slide - 2 if match["up"] else slide + 1
    return [MoveSlide(slide=slide, after=max(0, min(after, len(deck.slides))))]


@_rule(
    rf"(?:make)\s+(?P<ref>{_REF})\s+(?:the\s+)?(?:"
    r"(?P<start>first|start|opening|beginning)|(?P<end>last|final|end|closing))"
    r"(?:\s+(?:slide|one))?"
    r"(?P<after>)(?P<before>)(?P<position>)"
)
@_rule(
    rf"(?:move|put|bring|push)\s+(?P<ref>{_REF})\s+(?:(?:up|down|back|over)\s+)?(?:"
    r"(?:to\s+(?:the\s+(?:very\s+)?)?|at\s+the\s+(?:very\s+)?)?"
    r"(?P<start>start|beginning|front|top|first)"
    r"|(?:to\s+(?:the\s+(?:very\s+)?)?|at\s+the\s+(?:very\s+)?)?(?P<end>end|bottom|last)"
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
@_rule(
    r"(?:(?:make it|go|switch to|change to|use|turn on|enable|set it to|try)\s+)?"
    r"(?:the\s+)?(?P<name>" + "|".join(THEMES) + r")(?:\s+(?:mode|look|version))?"
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


# Words that name a picture style on their own ("make it watercolor").
_STYLE_WORDS = (
    r"watercolou?r|pencil(?: sketch(?:es)?| drawings?)?|sketch(?:es|y)?|charcoal|oil painting|"
    r"oil paint|acrylic|gouache|pastel|crayon|ink(?: drawing)?|line art|pixel art|anime|manga|"
    r"cartoon(?:ish|y)?|comic(?: book)?|claymation|clay|3d(?: render)?|low poly|isometric|"
    r"photo(?:graphic|realistic)?|realistic|vector(?: art)?|flat(?: design)?|minimalist|"
    r"woodcut|linocut|papercut|paper cut|origami|stained glass|mosaic|vintage|retro|noir|"
    r"impressionist|cubist|surreal(?:ist)?|ukiyo-e|blueprint|chalk(?: drawing)?|graffiti"
)


@_rule(r"(?:picture |image |art )?style\s*[:=]\s*(?P<style>.{2,160})")
@_rule(
    r"(?:change|set|switch|make)\s+(?:the\s+)?(?:picture\s+|art\s+|image\s+|drawing\s+|visual\s+)?"
    r"style\s+(?:to|into)\s+(?:an?\s+)?(?P<style>.{2,160})"
)
@_rule(
    r"(?:make|draw|turn)\s+(?:the\s+|all\s+(?:the\s+)?)?(?:pictures|images|illustrations|"
    r"drawings|art)\s+(?:look\s+like\s+|into\s+|as\s+|in\s+)?(?:an?\s+)?"
    rf"(?P<style>(?:{_STYLE_WORDS})(?:\s+[\w'’-]+){{0,2}})"
)
@_rule(rf"(?:make it|draw it|do it|draw them|go)\s+(?:in\s+)?(?:an?\s+)?(?P<style>{_STYLE_WORDS})")
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
# "une nouvelle image pour la diapositive 2", "otra imagen para la diapositiva 2", "ein neues
# Bild für Folie 2", "una nuova immagine per la slide 2", "uma nova imagem para o slide 2"
_NEW_PICTURE_WORDS = (
    r"(?:(?:une\s+)?(?:nouvelle|autre)\s+image\s+(?:pour|sur|de)"
    r"|(?:una\s+)?(?:nueva|otra)\s+imagen\s+(?:para|en|de)"
    r"|(?:ein\s+)?(?:neues|anderes)\s+bild\s+(?:für|auf|zu)"
    r"|(?:una\s+)?(?:nuova|altra)\s+immagine\s+(?:per|su|di)"
    r"|(?:uma\s+)?(?:nova|outra)\s+imagem\s+(?:para|no|na|em|de))"
)


@_rule(
    rf"(?:(?:a|an)\s+)?(?:new|different|another|fresh|other)\s+{_PICTURE}s?\s+"
    rf"(?:for|on|of|in)\s+(?P<refs>{_REFS})"
)
@_rule(rf"{_NEW_PICTURE_WORDS}\s+(?P<refs>{_REFS})")
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


_MOVING = r"(?:motion|movement|moving pictures|animation|zooms?|pans?)"
_TURN_ON = r"(?:add|with|use|turn on|enable|bring back|i want)"


# The phrasings of each motion, tried in this order ("no motion" before "motion").
_MOTION_PHRASES: dict[Motion, str] = {
    Motion.NONE: (
        rf"(?:no|without|stop|remove|turn off|switch off|disable)\s+(?:the\s+|any\s+)?{_MOVING}"
        rf"|(?:turn|switch)\s+(?:the\s+)?{_MOVING}\s+off|{_MOVING}\s+off"
        r"|still pictures|stills only|keep the pictures still|motion\s*(?::|=|to)\s*none"
    ),
    Motion.KENBURNS: (
        rf"(?:{_TURN_ON}\s+)?(?:the\s+|a\s+)?ken ?burns(?:\s+(?:motion|effect|style))?"
        rf"|{_TURN_ON}\s+(?:more|strong(?:er)?|bigger)\s+{_MOVING}|more {_MOVING}"
        r"|motion\s*(?::|=|to)\s*kenburns"
    ),
    Motion.GENTLE: (
        rf"{_TURN_ON}\s+(?:some\s+|the\s+|a\s+)?(?:gentle\s+|little\s+|bit of\s+)?{_MOVING}"
        r"|(?:gentle|subtle) motion|motion\s*(?::|=|to)\s*gentle"
    ),
}


def _set_motion(motion: Motion) -> _Handler:
    def handler(match: re.Match[str], deck: Deck) -> list[DeckEdit] | None:
        return [SetDeck(motion=motion)]

    return handler


for _motion, _phrases in _MOTION_PHRASES.items():
    _rule(_phrases)(_set_motion(_motion))


_SPOKEN = r"(?:voice|narration|narrator|audio|sound|speech|voice-?over)"


@_rule(r"(?:use\s+(?:the\s+)?)?voice\s*(?::|=|to|\s)\s*(?P<voice>[a-z0-9_-]+(?::[\w.-]+)?)")
@_rule(r"(?:use\s+(?:the\s+)?)?(?P<voice>(?:espeak|openai|kokoro|auto)(?::[\w.-]+)?)\s+voice")
@_rule(
    r"(?P<silent>silent|silence|mute|muted|no voice|no narration audio|without (?:a )?voice"
    rf"|make it silent|mute (?:the )?{_SPOKEN}|no {_SPOKEN}|without (?:a |the |any )?{_SPOKEN}"
    rf"|turn off the {_SPOKEN}|turn the {_SPOKEN} off|switch off the {_SPOKEN}"
    rf"|silence the {_SPOKEN}|remove the {_SPOKEN}|(?:the )?{_SPOKEN} off)"
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
