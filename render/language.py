"""The language a deck is spoken and set in: the one it states, or the one its text is in.

A deck that says nothing is ``en`` by default, so a deck marked ``en`` is checked against its
own text: when the letters are mostly of another script (Chinese, Greek, Arabic...), that
script's language is taken; when they are Latin but clearly not English, a small language
identifier decides (py3langid, langid.py's model of 97 languages, 4.5 MB, restricted to the
Latin-script languages below: on one slide's worth of text it is right about nine times in
ten, on a whole deck's text it was right for every deck we tried). A deck that states any
other language is taken at its word.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING, Any

from .scripts import detect_script_language, letters_by_script

if TYPE_CHECKING:
    from deck import Deck

log = logging.getLogger(__name__)

# Latin-script languages the identifier may answer with (each has an espeak-ng voice; the
# model calls Norwegian Bokmål "no").
LATIN_LANGUAGES = (
    "en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk",
    "sl", "hr", "ro", "hu", "tr", "id", "ms", "vi", "ca", "eu", "et", "lv", "lt", "sq",
    "af", "sw", "cy", "ga", "is", "mt",
)  # fmt: skip
MIN_LETTERS = 12  # below this, text says too little to overrule the deck
CONFIDENCE = 0.9
# Words only English uses this often: text that is one part in eight of these is English (no
# need to load the model).
_ENGLISH = frozenset(
    re.findall(
        r"\w+",
        "the and of that this with from are was were they their have has will which what "
        "how why who you your for its not there these those into than then when been "
        "would could should ",
    )
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def deck_text(deck: Deck) -> str:
    parts = [deck.title]
    for slide in deck.slides:
        parts += [slide.title, *slide.bullets, slide.narration]
    return "\n".join(parts)


def detect_language(text: str) -> str | None:
    """The language of ``text`` (ISO 639-1), or ``None`` when it is too short to tell."""
    by_script = detect_script_language(text)
    if by_script:
        return by_script
    if letters_by_script(text)["Latin"] < MIN_LETTERS:
        return None
    words = [w.lower() for w in _WORD.findall(text)]
    if words and sum(w in _ENGLISH for w in words) * 8 >= len(words):
        return "en"
    found, confidence = _identifier().classify(text)
    if float(confidence) < CONFIDENCE:
        return None
    return "nb" if found == "no" else str(found)


def deck_language(deck: Deck) -> str:
    """The language to speak and set ``deck`` in (see the module's docstring)."""
    stated = deck.language
    if stated.lower().split("-")[0] != "en":
        return stated
    found = detect_language(deck_text(deck))
    if found and found != "en":
        log.debug("deck %r is marked %s but its text is %s", deck.title, stated, found)
        return found
    return stated


def with_language(deck: Deck) -> Deck:
    """``deck``, its language set to :func:`deck_language` (the same object when unchanged)."""
    language = deck_language(deck)
    return deck if language == deck.language else deck.model_copy(update={"language": language})


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LATIN_LANGUAGES))
    return identifier
