"""Last-mile cleanup of what the model wrote, so that it can be spoken and drawn.

The prompts ask for narration meant for the ear and pictures without text; these functions make
sure of the mechanical part whatever the model did: no Markdown in narration (it is shown as
captions and read aloud), no quoted words a diffusion model would try (and fail) to spell.
Spelling symbols out for a voice is render/speech.py's job, done once for every voice.
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
    """Narration with Markdown removed, as it will be shown in captions. Symbols, units and
    numbers are left as written: they read well on screen, and render/speech.py (the one
    place that prepares text for a voice) says them as words at synthesis time.
    ``language`` is accepted for symmetry with that step and is not needed here."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _LINE_MARK.sub("", text)
    for _ in range(2):  # nested emphasis, e.g. ***word***
        text = _EMPHASIS.sub(r"\2", text)
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
