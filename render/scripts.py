"""Writing systems: which script a character belongs to, which language a script suggests, and
text cut into spans by the language that should speak them.

The table holds the scripts deckcast has fonts and voices for; everything else is ``Other``.
Digits, punctuation and spaces are ``Common`` and combining marks ``Inherited``: both take the
script of the text around them.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .han_forms import is_traditional

COMMON, INHERITED, OTHER, EMOJI = "Common", "Inherited", "Other", "Emoji"

_RANGES: list[tuple[int, int, str]] = sorted(
    [
        (0x0041, 0x005A, "Latin"), (0x0061, 0x007A, "Latin"), (0x00C0, 0x024F, "Latin"),
        (0x1E00, 0x1EFF, "Latin"), (0x2C60, 0x2C7F, "Latin"), (0xA720, 0xA7FF, "Latin"),
        (0xFF21, 0xFF3A, "Latin"), (0xFF41, 0xFF5A, "Latin"), (0x0250, 0x02AF, "Latin"),
        (0x0300, 0x036F, INHERITED), (0x0370, 0x03FF, "Greek"), (0x1F00, 0x1FFF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"), (0x1C80, 0x1C8F, "Cyrillic"), (0x2DE0, 0x2DFF, "Cyrillic"),
        (0xA640, 0xA69F, "Cyrillic"), (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"),
        (0xFB1D, 0xFB4F, "Hebrew"), (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"),
        (0x08A0, 0x08FF, "Arabic"), (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"),
        (0x0700, 0x074F, "Syriac"), (0x0780, 0x07BF, "Thaana"), (0x0900, 0x097F, "Devanagari"),
        (0xA8E0, 0xA8FF, "Devanagari"), (0x0980, 0x09FF, "Bengali"), (0x0A00, 0x0A7F, "Gurmukhi"),
        (0x0A80, 0x0AFF, "Gujarati"), (0x0B00, 0x0B7F, "Oriya"), (0x0B80, 0x0BFF, "Tamil"),
        (0x0C00, 0x0C7F, "Telugu"), (0x0C80, 0x0CFF, "Kannada"), (0x0D00, 0x0D7F, "Malayalam"),
        (0x0D80, 0x0DFF, "Sinhala"), (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Lao"),
        (0x0F00, 0x0FFF, "Tibetan"), (0x1000, 0x109F, "Myanmar"), (0x10A0, 0x10FF, "Georgian"),
        (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xAC00, 0xD7AF, "Hangul"),
        (0x1200, 0x139F, "Ethiopic"), (0x1780, 0x17FF, "Khmer"), (0x19E0, 0x19FF, "Khmer"),
        (0x1800, 0x18AF, "Mongolian"), (0x3040, 0x309F, "Hiragana"), (0x30A0, 0x30FF, "Katakana"),
        (0x31F0, 0x31FF, "Katakana"), (0xFF66, 0xFF9F, "Katakana"), (0x2E80, 0x2FDF, "Han"),
        (0x3005, 0x3007, "Han"), (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"),
        (0xF900, 0xFAFF, "Han"), (0x20000, 0x3134F, "Han"), (0x1AB0, 0x1AFF, INHERITED),
        (0x1DC0, 0x1DFF, INHERITED), (0x20D0, 0x20FF, INHERITED), (0xFE00, 0xFE0F, INHERITED),
        (0xFE20, 0xFE2F, INHERITED), (0x1F000, 0x1FAFF, EMOJI), (0x2600, 0x27BF, EMOJI),
        (0x1F3FB, 0x1F3FF, INHERITED), (0xE0020, 0xE007F, INHERITED),
    ]
)  # fmt: skip
_STARTS = [start for start, _end, _name in _RANGES]
# Signs in one script's block that many scripts write: the danda and double danda (।॥) end
# Bengali, Gurmukhi, Oriya... sentences too (a Bengali "। 15" was read by the Hindi voice).
_SHARED = frozenset({0x0964, 0x0965})

# The language a script's text is in when nothing else says (refined in detect_script_language).
SCRIPT_LANGUAGE = {
    "Greek": "el", "Cyrillic": "ru", "Armenian": "hy", "Hebrew": "he", "Arabic": "ar",
    "Devanagari": "hi", "Bengali": "bn", "Gurmukhi": "pa", "Gujarati": "gu", "Oriya": "or",
    "Tamil": "ta", "Telugu": "te", "Kannada": "kn", "Malayalam": "ml", "Sinhala": "si",
    "Thai": "th", "Lao": "lo", "Myanmar": "my", "Georgian": "ka", "Hangul": "ko",
    "Ethiopic": "am", "Khmer": "km", "Hiragana": "ja", "Katakana": "ja", "Han": "zh",
    "Latin": "en", "Tibetan": "bo", "Mongolian": "mn", "Syriac": "syr", "Thaana": "dv",
}  # fmt: skip
# The scripts a language is written in (Latin for any language not listed).
LANGUAGE_SCRIPTS = {
    "el": {"Greek"}, "ru": {"Cyrillic"}, "uk": {"Cyrillic"}, "bg": {"Cyrillic"},
    "sr": {"Cyrillic", "Latin"}, "mk": {"Cyrillic"}, "be": {"Cyrillic"}, "kk": {"Cyrillic"},
    "ky": {"Cyrillic"}, "mn": {"Cyrillic", "Mongolian"}, "hy": {"Armenian"}, "he": {"Hebrew"},
    "yi": {"Hebrew"}, "ar": {"Arabic"}, "fa": {"Arabic"}, "ur": {"Arabic"}, "ps": {"Arabic"},
    "sd": {"Arabic"}, "ug": {"Arabic"}, "ku": {"Arabic", "Latin"}, "hi": {"Devanagari"},
    "mr": {"Devanagari"}, "ne": {"Devanagari"}, "sa": {"Devanagari"}, "bn": {"Bengali"},
    "as": {"Bengali"}, "pa": {"Gurmukhi"}, "gu": {"Gujarati"}, "or": {"Oriya"},
    "ta": {"Tamil"}, "te": {"Telugu"}, "kn": {"Kannada"}, "ml": {"Malayalam"},
    "si": {"Sinhala"}, "th": {"Thai"}, "lo": {"Lao"}, "my": {"Myanmar"}, "ka": {"Georgian"},
    "ko": {"Hangul", "Han"}, "am": {"Ethiopic"}, "km": {"Khmer"},
    "ja": {"Hiragana", "Katakana", "Han"}, "zh": {"Han"}, "yue": {"Han"}, "bo": {"Tibetan"},
    "dv": {"Thaana"}, "syr": {"Syriac"},
}  # fmt: skip
# Scripts written without spaces between words: lines break where a dictionary says.
NO_SPACES = frozenset({"Thai", "Lao", "Khmer", "Myanmar", "Han", "Hiragana", "Katakana"})
RTL_SCRIPTS = frozenset({"Hebrew", "Arabic", "Syriac", "Thaana"})


def script_of(ch: str) -> str:
    """The script of one character (``Common`` for digits, spaces and punctuation)."""
    code = ord(ch)
    if code in _SHARED:
        return COMMON
    i = bisect.bisect_right(_STARTS, code) - 1
    if i >= 0:
        start, end, name = _RANGES[i]
        if start <= code <= end:
            return name
        # Ranges may nest (skin tones inside the emoji block): look one back as well.
        if i > 0 and _RANGES[i - 1][0] <= code <= _RANGES[i - 1][1]:
            return _RANGES[i - 1][2]
    category = unicodedata.category(ch)
    if category in ("Mn", "Me"):
        return INHERITED
    if code in (0x200C, 0x200D):
        return INHERITED
    if category[0] == "L":
        return OTHER
    return COMMON


def letters_by_script(text: str) -> Counter[str]:
    """How many letters of each script ``text`` holds (Common and Inherited not counted)."""
    counts: Counter[str] = Counter()
    for ch in text:
        script = script_of(ch)
        if script not in (COMMON, INHERITED, EMOJI):
            counts[script] += 1
    return counts


def scripts_of(language: str) -> set[str]:
    lang = language.lower().replace("_", "-").split("-")[0]
    return LANGUAGE_SCRIPTS.get(lang, {"Latin"})


def detect_script_language(text: str) -> str | None:
    """The language ``text`` is in, when its script says (most letters not Latin); else None.
    Kana make Han text Japanese, hangul Korean; letters only Persian or Urdu use tell those
    from Arabic, and Ukrainian, Serbian and Bulgarian letters from Russian; traditional
    characters make Chinese ``zh-Hant``."""
    counts = letters_by_script(text)
    total = sum(counts.values())
    if not total:
        return None
    if counts["Hiragana"] + counts["Katakana"] >= max(1, total // 20):
        return "ja"
    if counts["Hangul"] >= max(1, total // 10):
        return "ko"
    script, most = counts.most_common(1)[0]
    if script == "Latin" or script not in SCRIPT_LANGUAGE or most * 2 < total:
        return None
    if script == "Arabic":
        if any(ch in text for ch in "ٹڈڑںےۓ"):
            return "ur"
        if any(ch in text for ch in "پچژگکی"):
            return "fa"
    if script == "Cyrillic":
        if any(ch in text for ch in "іїєґІЇЄҐ"):
            return "uk"
        if any(ch in text for ch in "ђјљњћџЂЈЉЊЋЏ"):
            return "sr"
        if "ъ" in text and not any(ch in text for ch in "ыэЫЭ"):
            return "bg"
    if script == "Hebrew" and any(ch in text for ch in "ײװױ"):
        return "yi"
    if script == "Han" and is_traditional(text):
        return "zh-Hant"
    return SCRIPT_LANGUAGE[script]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text and the language that should speak it."""

    text: str
    language: str
    foreign: bool  # not in the deck's language (a quoted word in another script)


def speech_spans(text: str, language: str) -> list[Span]:
    """``text`` cut where the script changes to one the deck's ``language`` is not written in:
    an English slide quoting 光合作用 gives three spans, the middle one Chinese; a Chinese
    slide naming CPU gives an English span. Digits, spaces and punctuation stay with the
    span they follow (or, at the start, the one they precede)."""
    own = scripts_of(language)
    kana = any(script_of(ch) in ("Hiragana", "Katakana") for ch in text)
    spans: list[list[str]] = []  # [language, text]
    pending = ""
    for ch in text:
        script = script_of(ch)
        if script in (COMMON, INHERITED, EMOJI, OTHER):
            if spans:
                spans[-1][1] += ch
            else:
                pending += ch
            continue
        if script in own:
            lang = language
        elif script == "Han" and kana:
            lang = "ja"
        else:
            lang = SCRIPT_LANGUAGE.get(script, language)
        if spans and spans[-1][0] == lang:
            spans[-1][1] += ch
        else:
            spans.append([lang, pending + ch])
            pending = ""
    if not spans:
        return [Span(pending, language, False)] if pending.strip() else []
    spans[-1][1] += pending
    return [Span(t, lang, lang != language) for lang, t in spans if t.strip()]
