"""Arithmetic signs said in the deck's language: ``+``, ``=``, ``−``, ``×`` and ``÷``.

espeak-ng reads them in English in most of its voices ("2 = 4" in Ukrainian, Thai, Japanese,
Korean or Chinese says "equals"; the minus sign "−" is "minus" in English in nearly every
voice; French says nothing for "="), so the speech text has the words instead. ``+`` is
only a sign next to a number or between spaced words ("C++", "Google+" stay), ``×`` and an
``x`` between two numbers ("3 x 4") are "times".
"""

from __future__ import annotations

import re

from deck.math_words_vocabulary import VOCABULARIES

# plus, equals, minus, times, divided by; the languages that have equations read in words
# say them as their equations do (deck/math_words_vocabulary.py), the rest here.
_SIGNS: dict[str, tuple[str, str, str, str, str]] = {
    code: (v.symbols["+"], v.symbols["="], v.symbols["-"], v.words["times"], v.words["div"])
    for code, v in VOCABULARIES.items()
    if code != "en"  # espeak-ng's English voices say the signs themselves
} | {
    "pl": ("plus", "równa się", "minus", "razy", "podzielić przez"),
    "ru": ("плюс", "равно", "минус", "умножить на", "разделить на"),
    "uk": ("плюс", "дорівнює", "мінус", "помножити на", "поділити на"),
    "el": ("συν", "ίσον", "μείον", "επί", "διά"),
    "tr": ("artı", "eşittir", "eksi", "çarpı", "bölü"),
    "vi": ("cộng", "bằng", "trừ", "nhân", "chia"),
    "ar": ("زائد", "يساوي", "ناقص", "ضرب", "مقسوما على"),
    "fa": ("به‌علاوه", "مساوی", "منهای", "ضرب در", "تقسیم بر"),
    "he": ("ועוד", "שווה", "פחות", "כפול", "חלקי"),
    "hi": ("जमा", "बराबर", "घटा", "गुणा", "भाग"),
    "bn": ("যোগ", "সমান", "বিয়োগ", "গুণ", "ভাগ"),
    "ta": ("கூட்டல்", "சமம்", "கழித்தல்", "பெருக்கல்", "வகுத்தல்"),
    "th": ("บวก", "เท่ากับ", "ลบ", "คูณ", "หาร"),
    "ja": ("たす", "は", "ひく", "かける", "わる"),
    "ko": ("더하기", "는", "빼기", "곱하기", "나누기"),
    "zh": ("加", "等于", "减", "乘以", "除以"),
}
_PLUS = re.compile(r"(?<![^\s\d)])\+(?=\s?[\d(]|\s)")
_EQUALS = re.compile(r"\s*=\s*")
_MINUS = re.compile(r"\s*−\s*")
_TIMES = re.compile(r"(?<=\d)\s*[×x]\s*(?=\d)|\s*×\s*")
_DIVIDED = re.compile(r"\s*÷\s*")


def say_signs(text: str, language: str) -> str:
    """``text`` with its arithmetic signs in words of ``language`` (unchanged without any)."""
    words = _SIGNS.get(language)
    if not words:
        return text
    plus, equals, minus, times, divided = (f" {word} " for word in words)
    text = _PLUS.sub(plus, text)
    text = _EQUALS.sub(equals, text)
    text = _MINUS.sub(minus, text)
    text = _TIMES.sub(times, text)
    return _DIVIDED.sub(divided, text)
