"""Picture prompts fit for diffusion models: no words to draw, no negations, and short enough
that the deck's style and the renderer's no-text wish are never cut off.

Diffusion models read a prompt through CLIP's text encoder, which sees 77 tokens (75 after its
start and end markers) and silently drops the rest. The renderer sends ``"<prompt>, <style>"``
and, for models without a negative prompt (the turbo and schnell distillations), adds ``",
clean image without any text or lettering"`` (8 CLIP tokens) at the end: the end is what gets
cut. So every prompt the agent keeps leaves room for both:

    subject budget = 75 - SUFFIX_RESERVE - max(style tokens + 1, STYLE_RESERVE) - MARGIN

A person's later style of up to ``STYLE_RESERVE`` tokens (about ten words) fits without
touching the prompts; a longer one makes the reviser fit them again.

Tokens are counted with CLIP's own byte-level BPE when ``instant-clip-tokenizer`` is installed
(the ``diffusion`` extra has it where it ships wheels); otherwise with a conservative estimate
that counts at least as many tokens as CLIP for ordinary English words (the tests measure both
against the real tokenizer).

Negations do the opposite of what they say to CLIP ("no people" draws people), and models cannot
spell: both are taken out before a prompt reaches a picture model.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable

CLIP_WINDOW = 77
CLIP_CONTENT = CLIP_WINDOW - 2  # the start and end markers take two
SUFFIX_RESERVE = 9  # ", clean image without any text or lettering" is 8 CLIP tokens
STYLE_RESERVE = 12  # room kept for the style whatever it is: every theme's style is 6-7 tokens
MARGIN = 2
MIN_SUBJECT = 12  # a prompt is never cut below this many tokens, whatever the style

TokenCounter = Callable[[str], int]

# CLIP's own pre-tokenisation: letter runs, single digits, runs of other symbols.
_PIECES = re.compile(r"'(?:s|t|re|ve|m|ll|d)|[^\W\d_]+|\d|[^\s\w]+")


def estimate_tokens(text: str) -> int:
    """A conservative count of CLIP tokens: a word of n ASCII letters counts
    ``ceil((n - 1) / 2.5)`` (at least 1), a word with other letters one per UTF-8 byte, each
    digit and each run of punctuation one."""
    total = 0
    for piece in _PIECES.findall(text.lower()):
        if piece[0].isalpha():
            if piece.isascii():
                total += max(1, math.ceil((len(piece) - 1) / 2.5))
            else:
                total += len(piece.encode("utf-8"))
        else:
            total += 1
    return total


@functools.cache
def clip_counter() -> TokenCounter:
    """CLIP's tokenizer when installed (exact), else :func:`estimate_tokens`."""
    try:
        from instant_clip_tokenizer import Tokenizer
    except ImportError:
        return estimate_tokens
    tokenizer = Tokenizer()
    return lambda text: len(tokenizer.encode(" ".join(text.lower().split())))


def subject_budget(style: str | None, count: TokenCounter | None = None) -> int:
    """How many CLIP tokens a slide's own prompt may take, with ``style`` added after it."""
    count = count or clip_counter()
    style_tokens = count(f", {style}") if style else 0
    budget = CLIP_CONTENT - SUFFIX_RESERVE - max(style_tokens, STYLE_RESERVE) - MARGIN
    return max(MIN_SUBJECT, budget)


def fits(prompt: str, style: str | None, count: TokenCounter | None = None) -> bool:
    count = count or clip_counter()
    return count(prompt) <= subject_budget(style, count)


# --- words to draw, and negations ---------------------------------------------------------------

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
# "no text", "without labels", "not blurry", "avoid watermarks", "don't show people": to the
# end of the phrase.
_NEGATION = re.compile(
    r"(?:^|(?<=[,;.(])|\s)\s*(?:(?:and|but|with)\s+)?"
    r"(?:no|without|not|never|avoid(?:ing)?|excluding|free\s+of|"
    r"(?:do\s+not|don['’]t|never)\s+(?:show|include|draw|add|put|use|depict)(?:ing)?)"
    r"\s+[^,;.()]*",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_EMPTY_PHRASES = re.compile(r"(?:\s*[,;]\s*){2,}")


def pictorial(prompt: str) -> str:
    """An image prompt without quoted words, requests for written text, or negations."""
    cleaned = _TEXT_WORDS.sub("", _QUOTED.sub("", _SAYS_QUOTED.sub("", prompt)))
    cleaned = _NEGATION.sub("", cleaned)
    cleaned = _EMPTY_PHRASES.sub(", ", cleaned)
    cleaned = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACE.sub(" ", cleaned)).strip(" ,;:.")
    return cleaned or prompt.strip()


def fit_prompt(prompt: str, style: str | None, count: TokenCounter | None = None) -> str:
    """``prompt`` made :func:`pictorial` and cut to :func:`subject_budget`: whole phrases
    (between commas) are kept from the start, the subject first, then words of the phrase that
    does not fit."""
    count = count or clip_counter()
    cleaned = pictorial(prompt)
    budget = subject_budget(style, count)
    if count(cleaned) <= budget:
        return cleaned
    kept = ""
    for phrase in (p.strip() for p in cleaned.split(",")):
        if not phrase:
            continue
        candidate = f"{kept}, {phrase}" if kept else phrase
        if count(candidate) <= budget:
            kept = candidate
            continue
        # The phrase that does not fit: as many of its words as do.
        joiner = ", " if kept else ""
        for word in phrase.split():
            candidate = f"{kept}{joiner}{word}"
            if count(candidate) > budget:
                break
            kept, joiner = candidate, " "
        break
    return kept.strip(" ,;:") or cleaned.split()[0]
