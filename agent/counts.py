"""How many slides a request asks for, read as a person means it.

A count is taken only from words that ask for one: a number right before the word for slides
("6 slides", "six slides", "a twenty-five slide deck", "5 diapositives", "5 Folien",
"5 слайдов", "5 स्लाइड", "5 شرائح") or in the word order of the language ("5枚のスライド",
"スライド5枚", "5张幻灯片", "5장의 슬라이드"). Ranges are read too ("5-7 slides", "up to 8
slides"). Numbers that belong to the topic never count: "COVID-19 slides" (joined to a word),
"World War 2 slides", "Apollo 11 slides" (after a name), "one slide per planet" (per item, the
model decides the total), "slides 2 and 4" (slide numbers, not a count).

Only the request itself is read: text after something shaped like the prompt's ``</request>``
delimiter (an attempt to step outside it) sets nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deck import MAX_SLIDES

from .languages import detect_language
from .numbers import TEXT2NUM_LANGUAGES, with_digits

# The word for slides, per language, in the order "<number> <word>".
_NOUNS = {
    "en": r"slides?",
    "fr": r"diapositives?|diapos?|slides?|transparents?|planches?",
    "es": r"diapositivas?|diapos?|l[áa]minas?|slides?|filminas?",
    "pt": r"slides?|diapositivos?|l[âa]minas?|telas",
    "de": r"folien|folie|slides?",
    "it": r"diapositive|diapositiva|slides?|lucidi",
    "nl": r"dia['’]?s|dia|slides?",
    "ru": r"слайд(?:ов|а|ы)?",
    "hi": r"स्लाइड(?:ें|ों|स)?",
    "ar": r"شرائح|شريحة|شرائحة",
}
_NOUN = "|".join(f"(?:{noun})" for noun in _NOUNS.values())
# Words that may stand between the number and the noun ("6 short slides", "5 kurze Folien").
_BETWEEN = (
    r"short|brief|simple|quick|small|concise|detailed|illustrated|colou?rful|fun|easy|little|"
    r"clear|narrated|animated|more|new|total|kurze|einfache|kleine|courtes|petites|simples|"
    r"cortas|breves|sencillas|curtos|brevi|korte|eenvoudige|коротких|простых|коротки[хе]"
)
_ASKING_WORDS = (
    r"make|create|give|generate|write|use|using|build|prepare|do|try|want|need|in|with|of|"
    r"about|around|approximately|exactly|just|only|max|maximum|minimum|at|least|most|up|to|"
    r"please|plan|fais|faire|crée|créer|avec|en|haz|crea|con|em|com|faça|mach|erstelle|mit|"
    r"mache|maak|fai|crea|ungefähr|environ|unos|cerca|circa|sur|über|sobre|on|for|"
    # imperatives that open a request ("Crie 5 slides", "Сделай 5 слайдов"), not names
    r"show|explain|teach|prepare|draft|produce|design|put|"
    r"fais-moi|génère|prépare|donne|donne-moi|écris|dame|genera|prepara|escribe|"
    r"crie|cria|faz|gere|prepare|monte|dê|escreva|erstell|gib|schreib|schreibe|"
    r"bereite|dammi|scrivi|fammi|creare|geef|schrijf|"
    r"сделай|сделайте|создай|создайте|подготовь|подготовьте|напиши|напишите|дай|дайте|"
    r"покажи|объясни"
)
_ALONE = r"(?<![\w.,\-/#:+])"  # not part of "COVID-19", "v2", "#3", "2.5"
_NUMBER = (
    rf"(?:{_ALONE}(?P<low>\d{{1,2}})\s*(?:-|–|to|or|à|a|ou|o|bis|oder|tot|of|до|или)\s*"
    rf"(?P<high>\d{{1,2}})|{_ALONE}(?P<n>\d{{1,4}}))(?![.,]\d)"
)
_COUNT = re.compile(
    r"(?P<before>\S+\s+)?"
    + r"(?:(?P<upto>up\s+to|at\s+most|no\s+more\s+than|max(?:imum)?|jusqu['’]à|hasta|bis\s+zu|"
    r"até|fino\s+a|hoogstens|не\s+более)\s+)?"
    + r"(?:(?P<least>at\s+least|au\s+moins|al\s+menos|mindestens|pelo\s+menos|almeno|minstens|"
    r"не\s+менее)\s+)?"
    + _NUMBER
    + r"(?:\s*[-‐]\s*|\s+)(?:(?:"
    + _BETWEEN
    + r")\s+)?(?P<noun>"
    + _NOUN
    + r")(?!\w)(?P<after>\s+\S+(?:\s+\S+)?)?",
    re.IGNORECASE,
)
# Languages that count with a counter word, in their own order.
_EAST_ASIAN = [
    re.compile(r"(?P<n>\d{1,3})\s*(?:枚|ページ|頁)?\s*の?\s*スライド"),
    re.compile(r"スライド\s*(?:を|は|で)?\s*(?P<n>\d{1,3})\s*(?:枚|ページ|頁)"),
    re.compile(
        r"(?P<n>\d{1,3})\s*(?:张|張|页|頁|个|個)\s*(?:的)?\s*(?:幻灯片|幻燈片|投影片|PPT|ppt|slides?)"
    ),
    re.compile(r"(?:幻灯片|幻燈片|投影片|PPT|ppt)\s*(?P<n>\d{1,3})\s*(?:张|張|页|頁)"),
    re.compile(r"(?P<n>\d{1,3})\s*(?:장|개|페이지)\s*(?:의)?\s*슬라이드"),
    re.compile(r"슬라이드\s*(?P<n>\d{1,3})\s*(?:장|개|페이지)"),
]
_PER_ITEM = re.compile(
    r"^\s*(?:per|each|for\s+each|for\s+every|a\s+piece|par|por|pro|je|für\s+jede[nrs]?|"
    r"per\s+ogni|voor\s+elke|на\s+каждый|para\s+cada|pour\s+chaque)\b",
    re.IGNORECASE,
)
_DELIMITER = re.compile(r"<\s*/?\s*request\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SlideCount:
    """The slides asked for: exactly ``low`` when ``low == high``, else a range."""

    low: int
    high: int

    @property
    def exact(self) -> int | None:
        return self.low if self.low == self.high else None

    def clamped(self) -> SlideCount:
        low = max(1, min(MAX_SLIDES, self.low))
        return SlideCount(low, max(low, min(MAX_SLIDES, self.high)))


def asked_slides(text: str, language: str | None = None) -> SlideCount | None:
    """The slides ``text`` asks for (see the module docstring), or ``None``.

    ``language`` is the request's language if known (else it is detected); English and the
    request's language are read for number words.
    """
    text = _DELIMITER.split(text, maxsplit=1)[0]
    base = (language or detect_language(text) or "").split("-")[0].lower()
    if base in ("zh", "ja", "ko"):
        languages: tuple[str, ...] = ("zh",)  # CJK numerals read the same in zh and ja
    elif base in (*TEXT2NUM_LANGUAGES, "ru", "hi", "ar"):
        languages = ("en", base)
    else:  # not sure which: number words of every language (only those before a noun count)
        languages = _EVERY_LANGUAGE
    count = _counted(with_digits(text, languages))
    if count is None and languages != _EVERY_LANGUAGE:
        # A short request may be detected as the wrong language ("Dieci slide sul
        # Rinascimento" reads as English): number words of every language, still only those
        # right before the word for slides.
        count = _counted(with_digits(text, _EVERY_LANGUAGE))
    return count


_EVERY_LANGUAGE = (*TEXT2NUM_LANGUAGES, "ru", "hi", "ar")


def _counted(digits: str) -> SlideCount | None:
    for pattern in _EAST_ASIAN:
        match = pattern.search(digits)
        if match:
            count = int(match.group("n"))
            return SlideCount(count, count)
    for match in _COUNT.finditer(digits):
        count = _read(match, digits)
        if count is not None:
            return count
    return None


def _read(match: re.Match[str], text: str) -> SlideCount | None:
    if _PER_ITEM.match(match.group("after") or ""):
        return None
    if match.group("low"):
        low, high = int(match.group("low")), int(match.group("high"))
        return SlideCount(min(low, high), max(low, high))
    number = int(match.group("n"))
    if match.group("upto"):
        return SlideCount(1, number)
    if match.group("least"):
        return SlideCount(number, max(number, MAX_SLIDES))
    before = (match.group("before") or "").strip()
    if before and _names_something(before):
        return None
    return SlideCount(number, number)


_ASKING = re.compile(rf"^(?:{_ASKING_WORDS})$", re.IGNORECASE)


def _names_something(word: str) -> bool:
    """Whether the word before a number makes the number part of a name ("War 2", "Apollo
    11", "COVID 19"): a capitalised word that is not one that asks for something, with no
    punctuation between it and the number."""
    if word[-1] in ",;:.!?)]}\"'”»":
        return False
    word = word.strip("\"'“”«»([")
    if not word or not word[0].isalpha():
        return False
    if _ASKING.match(word):
        return False
    return word[0].isupper()
