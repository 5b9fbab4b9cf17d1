"""Numbers written as words, up to thirty, in the languages deckcast plans in.

``text2num`` (a small Rust library) reads English, French, Spanish, Portuguese, German, Dutch,
Danish and Italian; what it misses there ("eine Folie", "a dozen", "ten-slide") and the
languages it does not cover (Russian, Hindi, Arabic, Chinese, Japanese) are small tables here.
Digits of other scripts (٥, ५, full-width ５) become ASCII digits first.

:func:`with_digits` rewrites a text with its number words as digits, so that one pattern per
language finds "5 Folien" however it was written; :func:`ordinal` reads English ordinals
("fifteenth", "twenty-first", "3rd") for the model-free commands.
"""

from __future__ import annotations

import re
import unicodedata

from text_to_num import alpha2digit

TEXT2NUM_LANGUAGES = ("en", "fr", "es", "pt", "de", "nl", "da", "it")
MAX_WORD_NUMBER = 30

# --- English ------------------------------------------------------------------------------------

_EN_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_ORDINAL_UNITS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
]
_EN_ORDINAL_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]


def _english_tables() -> tuple[dict[str, int], dict[str, int]]:
    cardinals = {word: n for n, word in enumerate(_EN_UNITS, 1)}
    cardinals |= {word: n for n, word in enumerate(_EN_TEENS, 10)}
    ordinals = {word: n for n, word in enumerate(_EN_ORDINAL_UNITS, 1)}
    ordinals |= {word: n for n, word in enumerate(_EN_ORDINAL_TEENS, 10)}
    for tens, value, ordinal_tens in (("twenty", 20, "twentieth"), ("thirty", 30, "thirtieth")):
        cardinals[tens] = value
        ordinals[ordinal_tens] = value
        if value < MAX_WORD_NUMBER:
            for unit, word in enumerate(_EN_UNITS, 1):
                for joiner in ("-", " ", ""):
                    cardinals[f"{tens}{joiner}{word}"] = value + unit
                    ordinals[f"{tens}{joiner}{_EN_ORDINAL_UNITS[unit - 1]}"] = value + unit
    return cardinals, ordinals


EN_CARDINALS, EN_ORDINALS = _english_tables()
EN_CARDINALS |= {"a dozen": 12, "dozen": 12, "a single": 1, "single": 1}
_SUFFIXED = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)$")


def ordinal(word: str) -> int | None:
    """``"fifteenth"`` -> 15, ``"twenty-first"`` -> 21, ``"3rd"`` -> 3; None otherwise."""
    word = " ".join(word.lower().split())
    match = _SUFFIXED.match(word)
    if match:
        return int(match.group(1))
    return EN_ORDINALS.get(word)


def cardinal(word: str) -> int | None:
    """``"seven"``, ``"twenty five"``, ``"12"`` -> the number; None otherwise (English)."""
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    return EN_CARDINALS.get(word)


def english_number_pattern() -> str:
    """A regex alternation of English number words (cardinal and ordinal), longest first."""
    words = sorted({*EN_CARDINALS, *EN_ORDINALS}, key=len, reverse=True)
    return "|".join(re.escape(word) for word in words)


# --- tables for languages text2num does not read ----------------------------------------------

_RU = {
    "один": 1, "одна": 1, "одну": 1, "одного": 1, "два": 2, "две": 2, "двух": 2, "три": 3,
    "трёх": 3, "трех": 3, "четыре": 4, "четырёх": 4, "четырех": 4, "пять": 5, "шесть": 6,
    "семь": 7, "восемь": 8, "восьми": 8, "девять": 9, "десять": 10, "одиннадцать": 11,
    "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
    "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
    "двадцать": 20, "тридцать": 30,
}  # fmt: skip
# Genitive ("из пяти слайдов"): -ь/-ать become -и/-ати.
_RU |= {word[:-1] + "и": n for word, n in list(_RU.items()) if word.endswith("ь") and n >= 5}
_RU_TENS = {"двадцать": 20, "двадцати": 20}
_RU_UNITS = {word: n for word, n in _RU.items() if n < 10}

_HI = {
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "छे": 6,
    "सात": 7, "आठ": 8, "नौ": 9, "दस": 10, "ग्यारह": 11, "बारह": 12, "तेरह": 13, "चौदह": 14,
    "पंद्रह": 15, "पन्द्रह": 15, "सोलह": 16, "सत्रह": 17, "अठारह": 18, "उन्नीस": 19,
    "बीस": 20, "इक्कीस": 21, "बाईस": 22, "तेईस": 23, "चौबीस": 24, "पच्चीस": 25,
    "छब्बीस": 26, "सत्ताईस": 27, "अट्ठाईस": 28, "उनतीस": 29, "तीस": 30,
}  # fmt: skip

_AR_UNITS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنتان": 2, "اثنين": 2, "اثنتين": 2, "ثلاث": 3,
    "ثلاثة": 3, "أربع": 4, "اربع": 4, "أربعة": 4, "اربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6,
    "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9,
}  # fmt: skip
_AR_TEN = {"عشر": 10, "عشرة": 10}
_AR_TENS = {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30}

_CJK_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CJK_NUMBER = re.compile(r"[〇零一二两兩三四五六七八九十]+")


def cjk_number(text: str) -> int | None:
    """``"五"`` -> 5, ``"十五"`` -> 15, ``"二十五"`` -> 25 (up to 99); None otherwise."""
    if not text or any(ch not in _CJK_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CJK_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    value = (_CJK_DIGITS[tens] if tens else 1) * 10
    return value + (_CJK_DIGITS[units] if units else 0)


def _words_to_digits(text: str, table: dict[str, int]) -> str:
    words = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)")
    return pattern.sub(lambda m: str(table[m.group(1)]), text)


def _russian(text: str) -> str:
    compound = re.compile(
        r"(?<!\w)(" + "|".join(_RU_TENS) + r")\s+(" + "|".join(_RU_UNITS) + r")(?!\w)",
        re.IGNORECASE,
    )
    text = compound.sub(lambda m: str(_RU_TENS[m[1].lower()] + _RU_UNITS[m[2].lower()]), text)
    return _words_to_digits(text, _RU)


def _arabic(text: str) -> str:
    units = "|".join(sorted(_AR_UNITS, key=len, reverse=True))
    text = re.sub(
        rf"(?<!\w)({units})\s+و\s?({'|'.join(_AR_TENS)})(?!\w)",
        lambda m: str(_AR_UNITS[m[1]] + _AR_TENS[m[2]]),
        text,
    )
    text = re.sub(
        rf"(?<!\w)({units}|أحد|احد|إحدى|اثنا|اثنتا)\s+({'|'.join(_AR_TEN)})(?!\w)",
        lambda m: str(10 + _AR_UNITS.get(m[1], 2 if m[1].startswith("اثن") else 1)),
        text,
    )
    return _words_to_digits(text, {**_AR_UNITS, **_AR_TEN, **_AR_TENS})


def _cjk(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        value = cjk_number(match.group(0))
        return match.group(0) if value is None else str(value)

    return _CJK_NUMBER.sub(replace, text)


# --- all together ---------------------------------------------------------------------------

_HYPHENATED = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_GERMAN_ONE = re.compile(r"(?<!\w)(?:eine|ein|einer|einzige)(?=\s+Folie\b)", re.IGNORECASE)


def ascii_digits(text: str) -> str:
    """Full-width, Arabic-Indic, Devanagari and other decimal digits as ASCII digits."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


# Dozens, with the "of" that follows them where the language says one ("une douzaine de
# diapositives" is "12 diapositives"): read before text2num, which takes "une" for 1.
_DOZENS = {
    "en": (r"half\s+a\s+dozen|a\s+half[-\s]dozen|half[-\s]dozen", r"a\s+dozen|dozen", ""),
    "fr": (r"une\s+demi[-\s]douzaine", r"une\s+douzaine", r"\s+d(?:e\s+|['’])"),
    "es": (r"media\s+docena", r"una\s+docena", r"\s+de\s+"),
    "pt": (r"meia\s+d[úu]zia", r"uma\s+d[úu]zia", r"\s+de\s+"),
    "it": (r"mezza\s+dozzina", r"una\s+dozzina", r"\s+di\s+"),
    "de": (r"ein(?:em)?\s+halb(?:es|en)\s+dutzend", r"ein(?:em)?\s+dutzend", ""),
    "nl": (r"een\s+half\s+dozijn", r"een\s+dozijn", ""),
}


def _dozens(text: str, language: str) -> str:
    if language not in _DOZENS:
        return text
    half, whole, of = _DOZENS[language]
    for words, number in ((half, "6"), (whole, "12")):
        if of:  # "une douzaine de diapositives" -> "12 diapositives"
            text = re.sub(rf"(?<!\w)(?:{words})(?:{of})", number + " ", text, flags=re.IGNORECASE)
        text = re.sub(rf"(?<!\w)(?:{words})(?!\w)", number, text, flags=re.IGNORECASE)
    return text


def with_digits(text: str, languages: tuple[str, ...]) -> str:
    """``text`` with number words of ``languages`` (and digits of every script) as ASCII
    digits: "a twenty-five slide deck" -> "a 25 slide deck", "五张幻灯片" -> "5张幻灯片"."""
    text = ascii_digits(text)
    for language in dict.fromkeys(languages):
        text = _dozens(text, language)
        if language in TEXT2NUM_LANGUAGES:
            spaced = _HYPHENATED.sub(" ", text) if language == "en" else text
            if language == "en":
                spaced = _words_to_digits(
                    spaced, {word: n for word, n in EN_CARDINALS.items() if " " in word}
                )
            if language == "de":
                spaced = _GERMAN_ONE.sub("1", spaced)
            text = alpha2digit(spaced, language, threshold=0)
        elif language == "ru":
            text = _russian(text)
        elif language == "hi":
            text = _words_to_digits(text, _HI)
        elif language == "ar":
            text = _arabic(text)
        elif language in ("zh", "ja"):
            text = _cjk(text)
    return text
