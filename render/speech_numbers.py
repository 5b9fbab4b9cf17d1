"""Numbers as words, for the voices that say nothing for digits.

espeak-ng's Hebrew voice is silent on digits: "בשנת 2024 קיבלו 45 אחוז" was heard as "בשנת
קיבלו אחוז". :func:`say_numbers` writes each number out in such a language (Hebrew counts in
the feminine, its standalone form: 2024 אלפיים עשרים וארבע, 1,200 אלף ומאתיים); every other
voice reads digits in its own language, and its numbers stay digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def _words(text: str) -> list[str]:
    return text.split()


_HE_UNITS = _words("אפס אחת שתיים שלוש ארבע חמש שש שבע שמונה תשע")
_HE_TEENS = ["עשר", "אחת עשרה", "שתים עשרה"] + [f"{u} עשרה" for u in _HE_UNITS[3:]]
_HE_TENS = _words("_ _ עשרים שלושים ארבעים חמישים שישים שבעים שמונים תשעים")
_HE_HUNDREDS = ["", "מאה", "מאתיים"] + [f"{u} מאות" for u in _HE_UNITS[3:]]
_HE_THOUSANDS = ["", "אלף", "אלפיים"] + [
    f"{word} אלפים" for word in _words("שלושת ארבעת חמשת ששת שבעת שמונת תשעת עשרת")
]
_HE_LARGE = [(10**9, "מיליארד"), (10**6, "מיליון")]


def _hebrew_parts(value: int) -> list[str]:
    """The parts of ``value`` (0 < value < 10**12), largest first."""
    parts: list[str] = []
    for size, name in _HE_LARGE:
        count, value = divmod(value, size)
        if count:
            parts.append(name if count == 1 else f"{_count(count)} {name}")
    thousands, value = divmod(value, 1000)
    if thousands:
        parts.append(_HE_THOUSANDS[thousands] if thousands <= 10 else f"{_count(thousands)} אלף")
    hundreds, value = divmod(value, 100)
    if hundreds:
        parts.append(_HE_HUNDREDS[hundreds])
    if 10 <= value < 20:
        parts.append(_HE_TEENS[value - 10])
    elif value:
        tens, units = divmod(value, 10)
        if tens:
            parts.append(_HE_TENS[tens])
        if units:
            parts.append(_HE_UNITS[units])
    return parts


def _count(value: int) -> str:
    """How many thousands or millions: שני מיליון, עשרים ואחת אלף."""
    return "שני" if value == 2 else hebrew_number(value)


def hebrew_number(value: int) -> str:
    """``value`` in Hebrew words; "and" (ו) joins the last part: מאה ארבעים וחמש."""
    if value == 0:
        return _HE_UNITS[0]
    parts = _hebrew_parts(value)
    if len(parts) > 1:
        parts[-1] = "ו" + parts[-1]
    return " ".join(parts)


def _hebrew(m: re.Match[str]) -> str:
    whole, _, fraction = m.group(0).replace(",", "").partition(".")
    if len(whole) > 12:
        return m.group(0)
    words = hebrew_number(int(whole))
    if fraction:
        words += " נקודה " + " ".join(_HE_UNITS[int(d)] for d in fraction)
    return words


# A number, not the digits of a Latin word (CO2, MP3: the English voice reads those).
_NUMBER = re.compile(r"(?<![A-Za-z\d.,])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?![A-Za-z\d])")
_SPEAKERS: dict[str, Callable[[re.Match[str]], str]] = {"he": _hebrew}


def say_numbers(text: str, language: str) -> str:
    """``text`` with its numbers in words where ``language``'s voice says no digits."""
    speaker = _SPEAKERS.get(language)
    return _NUMBER.sub(speaker, text) if speaker else text
