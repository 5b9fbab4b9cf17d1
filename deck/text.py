"""Normalisation of the text that goes into a deck: one line, no control characters."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", ":", ";")


def clean_text(value: object) -> object:
    """Unicode NFC, control characters dropped, runs of whitespace folded to one space.

    Non-strings pass through untouched so pydantic can report the wrong type itself.
    """
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value)
    text = _CONTROL.sub("", text.replace("\t", " "))
    # Lone surrogates cannot be encoded anywhere downstream (files, JSON, ffmpeg).
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return _SPACE.sub(" ", text).strip()


def as_sentence(text: str) -> str:
    """``text`` ending with sentence punctuation, so joined parts read as sentences."""
    text = text.strip()
    if not text or text.endswith(_SENTENCE_END):
        return text
    return text + "."


def slides_count(count: int) -> str:
    """``"1 slide"``, ``"6 slides"``: a number of slides as a person writes it."""
    return f"{count} slide" if count == 1 else f"{count} slides"


def clause(text: str) -> str:
    """``text`` without its final full stops, to be followed by more of a sentence (a model's
    reason quoted in a message must not end the message with ".." or "..")."""
    return text.strip().rstrip(".。 ").strip()
