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
    "ru": r"слайд(?:ов|ами|ах|ам|а|ы|е)?",
    "uk": r"слайд(?:ів|ами|ах|ам|и|а)?",
    "pl": r"slajd(?:ów|ami|ach|y|a)?",
    "cs": r"sníme?k(?:ů|y|ách|ami)?|snímcích|slajd(?:ů|y|ech)?",
    "tr": r"slayt(?:lık|lik|ta|la|tan)?|sayfalık",
    "el": r"διαφάνει(?:ες|ών|α)",
    "he": r"שקפים|שקופיות",
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
# Bounds, before the number: at most ("up to 8", "max 8", "no más de 8"), fewer than ("under
# 10", "moins de 10"), at least ("at least 5", "mindestens 5"); "between 5 and 7" is a range.
_UPTO = (
    r"up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of|max(?:imum)?(?:\s+of)?|"
    r"jusqu['’]à|au\s+maximum|au\s+plus|pas\s+plus\s+de|hasta|como\s+máximo|no\s+más\s+de|"
    r"máximo|bis\s+zu|höchstens|maximal|nicht\s+mehr\s+als|até|no\s+máximo|fino\s+a|"
    r"al\s+massimo|massimo|non\s+più\s+di|hoogstens|maximaal|niet\s+meer\s+dan|не\s+более|"
    r"максимум|до"
)
_BELOW = (
    r"fewer\s+than|less\s+than|under|below|moins\s+de|menos\s+de|weniger\s+als|unter|"
    r"meno\s+di|minder\s+dan|меньше|менее"
)
_LEAST = (
    r"at\s+least|a\s+minimum\s+of|min(?:imum)?(?:\s+of)?|au\s+moins|al\s+menos|como\s+mínimo|"
    r"mindestens|pelo\s+menos|no\s+mínimo|almeno|minstens|не\s+менее|минимум"
)
_BETWEEN_RANGE = r"between|entre|zwischen|tra|fra|tussen|от"
_BOUND = rf"(?:(?P<upto>{_UPTO})|(?P<below>{_BELOW})|(?P<least>{_LEAST}))\s+"
_NUMBER = (
    rf"(?:(?:{_BETWEEN_RANGE})\s+(?P<blow>\d{{1,2}})\s+(?:and|et|y|und|e|en|и|до)\s+"
    rf"(?P<bhigh>\d{{1,2}})|"
    rf"{_ALONE}(?P<low>\d{{1,2}})\s*(?:-|–|to|or|à|a|ou|o|bis|oder|tot|of|до|или)\s*"
    rf"(?P<high>\d{{1,2}})|{_ALONE}(?P<n>\d{{1,4}}))(?![.,]\d)"
)
# Bounds after the noun: "6 slides max", "10 slides or fewer", "5 slides or more".
_AFTER_UPTO = re.compile(
    r"^\s*(?:max(?:imum)?|at\s+most|tops|or\s+(?:fewer|less)|maximum|au\s+maximum|"
    r"maximal|höchstens|como\s+máximo|máximo|al\s+massimo|no\s+máximo|maximaal)\b",
    re.IGNORECASE,
)
_AFTER_LEAST = re.compile(
    r"^\s*(?:or\s+more|at\s+least|min(?:imum)?|minimum|au\s+moins|como\s+mínimo|"
    r"mindestens|almeno|no\s+mínimo|minstens)\b",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"(?P<before>(?!(?:{_UPTO}|{_BELOW}|{_LEAST}|{_BETWEEN_RANGE})\s)\S+\s+)?"
    + rf"(?:{_BOUND})?"
    + _NUMBER
    + r"(?:\s*[-‐]\s*|\s+)(?:(?:"
    + _BETWEEN
    + r")\s+)?(?P<noun>"
    + _NOUN
    + r")(?!\w)(?P<after>\s+\S+(?:\s+\S+)?)?",
    re.IGNORECASE,
)
# Languages that count with a counter word, in their own order; a range ("5〜7枚", "5到7张")
# and a bound ("最多5张", "5枚以内", "最大5枚", "최대 5장") as they write them.
_CJK_RANGE = r"(?:(?P<low>\d{1,2})\s*(?:[〜~～\-–]|到|至|から)\s*)?"
_CJK_UPTO_BEFORE = r"(?P<upto>最多|至多|不超过|不超過|最大|最大で|多くても|최대)?\s*"
_CJK_UPTO_AFTER = r"(?P<upto_after>以内|以下|まで|까지|이내|以内的)?"
_EAST_ASIAN = [
    re.compile(
        _CJK_UPTO_BEFORE
        + _CJK_RANGE
        + r"(?P<n>\d{1,3})\s*(?:枚|ページ|頁)?\s*"
        + _CJK_UPTO_AFTER
        + r"\s*の?\s*スライド"
    ),
    re.compile(
        r"スライド\s*(?:を|は|で)?\s*"
        + _CJK_UPTO_BEFORE
        + _CJK_RANGE
        + r"(?P<n>\d{1,3})\s*(?:枚|ページ|頁)"
        + _CJK_UPTO_AFTER
    ),
    # "5枚で説明して", "5〜7枚にまとめて": in a request for a deck, sheets are its slides
    re.compile(
        _CJK_UPTO_BEFORE
        + _CJK_RANGE
        + r"(?P<n>\d{1,3})\s*枚\s*"
        + _CJK_UPTO_AFTER
        + r"\s*(?:で|に(?!つ)|くらい|ぐらい|程度|ほど|前後)"
    ),
    re.compile(
        _CJK_UPTO_BEFORE
        + _CJK_RANGE
        + r"(?P<n>\d{1,3})\s*(?:张|張|页|頁|个|個)\s*"
        + _CJK_UPTO_AFTER
        + r"\s*(?:的)?\s*(?:幻灯片|幻燈片|投影片|PPT|ppt|slides?)"
    ),
    re.compile(
        r"(?:幻灯片|幻燈片|投影片|PPT|ppt)\s*"
        + _CJK_UPTO_BEFORE
        + _CJK_RANGE
        + r"(?P<n>\d{1,3})\s*(?:张|張|页|頁)"
        + _CJK_UPTO_AFTER
    ),
    re.compile(
        _CJK_UPTO_BEFORE
        + _CJK_RANGE
        + r"(?P<n>\d{1,3})\s*(?:장|개|페이지)\s*"
        + _CJK_UPTO_AFTER
        + r"\s*(?:의)?\s*슬라이드"
    ),
    re.compile(
        r"슬라이드\s*"
        + _CJK_UPTO_BEFORE
        + _CJK_RANGE
        + r"(?P<n>\d{1,3})\s*(?:장|개|페이지)"
        + _CJK_UPTO_AFTER
    ),
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
    text = _PREFIXED.sub(" ", text)  # Hebrew "ב-6 שקפים": "in 6 slides"
    count = _counted(with_digits(text, languages))
    if count is None and languages != _EVERY_LANGUAGE:
        # A short request may be detected as the wrong language ("Dieci slide sul
        # Rinascimento" reads as English): number words of every language, still only those
        # right before the word for slides.
        count = _counted(with_digits(text, _EVERY_LANGUAGE))
    return count


_EVERY_LANGUAGE = (*TEXT2NUM_LANGUAGES, "ru", "hi", "ar")
_PREFIXED = re.compile(r"(?<=[\u05d0-\u05ea])[-\u05be](?=\d)")  # a Hebrew prefix's hyphen


def _counted(digits: str) -> SlideCount | None:
    for pattern in _EAST_ASIAN:
        match = pattern.search(digits)
        if match:
            count = int(match.group("n"))
            if match.group("low"):
                low = int(match.group("low"))
                return SlideCount(min(low, count), max(low, count))
            if match.group("upto") or match.group("upto_after"):
                return SlideCount(1, count)
            return SlideCount(count, count)
    for match in _COUNT.finditer(digits):
        count = _read(match, digits)
        if count is not None:
            return count
    return None


def _read(match: re.Match[str], text: str) -> SlideCount | None:
    after = match.group("after") or ""
    if _PER_ITEM.match(after):
        return None
    if match.group("blow") or match.group("low"):
        low = int(match.group("blow") or match.group("low"))
        high = int(match.group("bhigh") or match.group("high"))
        return SlideCount(min(low, high), max(low, high))
    number = int(match.group("n"))
    if match.group("upto") or _AFTER_UPTO.match(after):
        return SlideCount(1, number)
    if match.group("below"):
        return SlideCount(1, max(1, number - 1))
    if match.group("least") or _AFTER_LEAST.match(after):
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
