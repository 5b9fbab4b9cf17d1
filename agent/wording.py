"""Last-mile cleanup of what the model wrote, so that it can be spoken and drawn.

The prompts ask for narration meant for the ear and pictures without text; these functions make
sure of the mechanical part whatever the model did: no Markdown read aloud, no symbols a voice
stumbles over (in English), no quoted words a diffusion model would try (and fail) to spell.
"""

from __future__ import annotations

import re

import prompts
from deck.model import MAX_BULLET, MAX_BULLETS, MAX_IMAGE_PROMPT, MAX_NARRATION, MAX_SLIDE_TITLE

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"\bhttps?://\S+?(?=[.,;:!?)]*(?:\s|$))")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`|~~)(?=\S)(.+?)(?<=\S)\1")
_LINE_MARK = re.compile(r"(?m)^\s*(?:#{1,6}\s+|[-*+•]\s+|>\s?|\d{1,3}[.)]\s+)")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")

# Symbols English speech synthesis reads badly or not at all. Other languages keep theirs: a
# wrong word is worse than a symbol, and the prompt asks the model to write them out anyway.
_ENGLISH_SYMBOLS = (
    (re.compile(r"(\d)\s*%"), r"\1 percent"),
    (re.compile(r"(\d)\s*°\s*C\b"), r"\1 degrees Celsius"),
    (re.compile(r"(\d)\s*°\s*F\b"), r"\1 degrees Fahrenheit"),
    (re.compile(r"(\d)\s*°"), r"\1 degrees"),
    (re.compile(r"\s*(?:->|→)\s*"), " to "),
    (re.compile(r"\s+&\s+"), " and "),
    (re.compile(r"(?<=\s)\+(?=\s)"), "plus"),
    (re.compile(r"(?<=\s)=(?=\s)"), "equals"),
    (re.compile(r"(?<=\s)[x×](?=\s*\d)"), "times"),
    (re.compile(r"~\s*(?=\d)"), "about "),
)

_QUOTE = r"(?:\"[^\"]{0,80}\"|“[^”]{0,80}”|«[^»]{0,80}»|'[^']{0,80}')"
_SAYS_QUOTED = re.compile(
    r"\s*\b(?:(?:that|which)\s+)?(?:says|reads|saying|reading|labell?ed|captioned|titled|"
    r"with the (?:words?|text|title|caption))\s*" + _QUOTE,
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"]{0,80}\"|“[^”]{0,80}”|«[^»]{0,80}»")
_TEXT_WORDS = re.compile(
    r"\s*\b(?:(?:labell?ed|captioned|titled|marked)\s+)?"
    r"(?:with|showing|that says|saying|reading|labell?ed|captioned|titled)\s+"
    r"(?:the\s+)?(?:words?|text|letters|labels?|captions?|title)\b[^,.;]*",
    re.IGNORECASE,
)


def speakable(text: str, language: str) -> str:
    """Narration with Markdown removed and, in English, common symbols written as words."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _LINE_MARK.sub("", text)
    for _ in range(2):  # nested emphasis, e.g. ***word***
        text = _EMPHASIS.sub(r"\2", text)
    if language.lower().split("-")[0] == "en":
        for pattern, words in _ENGLISH_SYMBOLS:
            text = pattern.sub(words, text)
    text = _SPACE.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def pictorial(prompt: str) -> str:
    """An image prompt without quoted words or requests for written text in the picture."""
    cleaned = _TEXT_WORDS.sub("", _QUOTED.sub("", _SAYS_QUOTED.sub("", prompt)))
    cleaned = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACE.sub(" ", cleaned)).strip(" ,;:")
    return cleaned or prompt.strip()


def writing_rules() -> str:
    """The shared rules for slide text, narration and pictures, with the deck's limits filled in
    (part of both the planning and the revising prompt)."""
    return prompts.render(
        "writing_rules",
        max_title=MAX_SLIDE_TITLE,
        max_bullets=MAX_BULLETS,
        max_bullet=MAX_BULLET,
        max_narration=MAX_NARRATION,
        max_image_prompt=MAX_IMAGE_PROMPT,
    )
