"""Colour and nationality words of a prompt: they name no illustration, but a colour tints
the choice for the word beside it ("a green leaf") and a nationality picks a nation's kind of
a thing ("le football américain"), which is otherwise passed over for the plain kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from .artset import ArtSet
from .prompt_words import COLOURS
from .word_forms import UNSPACED, WORD, fold


def plain_kind(icon: int, named_by: Mapping[int, set[str]], art: ArtSet) -> bool:
    """Whether a word that named ``icon`` also names an illustration of no nation: the
    plain kind of the thing is there to draw ("french-fries" has none: frites are fries)."""
    return any(
        words & named_by[icon] and not national(other, art)
        for other, words in named_by.items()
        if other != icon
    )


@cache
def national(icon: int, art: ArtSet) -> bool:
    """Whether the illustration is a nation's kind of its thing ("american-football",
    "japanese-castle"): its English name holds a nationality word."""
    english = quality_words("en", art)
    return any(english.get(word) == "" for word in art.names[icon].split("-"))


@cache
def quality_words(language: str, art: ArtSet) -> dict[str, str]:
    """The folded colour and nationality words of ``language`` (they name no illustration),
    each with the English colour it names, or ""."""
    return {fold(w): colour for w, colour in art.qualities.get(language, {}).items()}


def near_colours(
    raw: list[str], language: str, art: ArtSet
) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """For each word of a prompt: the English colour it says (if any), and the colours said
    right beside it, through a run of colour words ("a dark green leaf", "une feuille verte")."""
    qualities = quality_words(language, art)
    said = [frozenset({w} & COLOURS) | frozenset({qualities.get(w, "")} - {""}) for w in raw]
    near: list[frozenset[str]] = []
    for i in range(len(raw)):
        found: set[str] = set()
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(raw) and said[j]:
                found |= said[j]
                j += step
        near.append(frozenset(found))
    return said, near


def asked_colours(folded: str, language: str, art: ArtSet) -> set[str]:
    """The English colours ``folded`` asks for, in its language's words or in English."""
    qualities = quality_words(language, art)
    if language in UNSPACED:
        said = {colour for word, colour in qualities.items() if word in folded}
    else:
        said = {qualities.get(w, "") for w in WORD.findall(folded)}
    return (said - {""}) | (set(WORD.findall(folded)) & COLOURS)


@cache
def nationalities(language: str, art: ArtSet) -> frozenset[str]:
    """The folded nationality words of ``language`` ("américaine", "japonés")."""
    return frozenset(word for word, colour in quality_words(language, art).items() if not colour)
