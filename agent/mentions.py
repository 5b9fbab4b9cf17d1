"""Which slides an instruction names: "slide 3", "slides 2 and 4", "the third slide", "the
last one", "slide twenty-one", "#4".

The reviser uses them three ways: a slide that does not exist is refused before any model is
asked; only the named slides are shown to the model whole; and an answer that edits other
slides than the named ones is sent back.
"""

from __future__ import annotations

import re

from deck import Deck

from .numbers import cardinal, english_number_pattern, ordinal

_WORD = english_number_pattern()
_NUMBER = rf"(?:\d{{1,4}}|{_WORD})"
_LIST = rf"{_NUMBER}(?:\s*(?:,|&|\band\b|\bor\b|\bto\b|-)\s*{_NUMBER})*"
_NUMBERED = re.compile(
    rf"\b(?:slides?|diapositives?|diapositivas?|diapos?|folien?|слайд\w*|slajd\w*|snímk\w*|"
    rf"snímek|snímcích|slayt\w*|διαφάνει\w*)\s*(?:number\s*|no\.?\s*|nr\.?\s*|№\s*|#)?"
    rf"(?P<list>{_LIST})\b|(?<!\w)#(?P<hash>\d{{1,3}})\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(
    rf"\bthe\s+(?P<word>{_WORD}|\d{{1,3}}(?:st|nd|rd|th)|last|final|penultimate)\s+"
    r"(?:slides?|ones?)\b|\bthe\s+(?P<end>last|final)\b(?!\s+(?:word|sentence|bullet|line|part))",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bor\b)\s*", re.IGNORECASE)
_RANGE = re.compile(r"^(\S+)\s*(?:\bto\b|-)\s*(\S+)$", re.IGNORECASE)


# Japanese, Chinese and Korean, in their own word order: "スライド3", "第3张幻灯片", "3번 슬라이드"
_EAST_ASIAN = re.compile(
    r"(?:スライド|幻灯片|幻燈片|投影片|슬라이드)\s*(?:の|第)?\s*(?P<a>\d{1,3})"
    r"|第\s*(?P<b>\d{1,3})\s*(?:张|張|页|頁|枚|个|個)?\s*(?:的)?\s*(?:幻灯片|幻燈片|投影片|スライド)"
    r"|(?P<c>\d{1,3})\s*(?:번|번째|枚目|番目)\s*(?:의\s*)?(?:슬라이드|スライド|の\s*スライド)"
)


def mentioned_slides(text: str, deck: Deck) -> list[int]:
    """The slide numbers ``text`` names, in order, without repeats (0 and numbers past the
    end included: the caller says they do not exist)."""
    found: list[int] = [
        int(m.group("a") or m.group("b") or m.group("c")) for m in _EAST_ASIAN.finditer(text)
    ]
    for match in _NUMBERED.finditer(text):
        if match.group("hash"):
            found.append(int(match.group("hash")))
            continue
        for part in _SPLIT.split(match.group("list")):
            number = _number(part)
            if number is not None:
                found.append(number)
                continue
            span = _RANGE.match(part)
            if span:
                low, high = _number(span.group(1)), _number(span.group(2))
                if low is not None and high is not None and 0 <= high - low <= 30:
                    found.extend(range(low, high + 1))
    for match in _ORDINAL.finditer(text):
        word = (match.group("word") or match.group("end") or "").lower()
        if word in ("last", "final"):
            found.append(len(deck.slides))
        elif word == "penultimate":
            found.append(len(deck.slides) - 1)
        else:
            number = ordinal(word)
            if number is None:
                number = cardinal(word)
            if number is not None:
                found.append(number)
    return list(dict.fromkeys(found))


def _number(word: str) -> int | None:
    word = word.strip()
    return int(word) if word.isdigit() else cardinal(word)
