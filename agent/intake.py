"""First look at what a person sent: is it usable text, is it an outline, how many slides.

Everything here is cheap and runs before any model is called, so a bad request costs nothing
and gets a reply that says what to do.
"""

from __future__ import annotations

import re
import unicodedata

from deck import MAX_SLIDES

from .errors import RequestRejected

MAX_REQUEST_CHARS = 20_000
MAX_INSTRUCTION_CHARS = 4_000
MAX_OUTLINE_CHARS = 200_000

_OUTLINE_START = re.compile(r"^(?:---\s*$|#{1,2}\s+\S)")

_SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {word: value for value, word in enumerate(_SMALL_NUMBERS.split(" "))} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
_COUNT = re.compile(
    r"(?<![\w.])(?P<n>\d{1,7}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"(?:\s*-\s*|\s+)(?:\w+\s+)?slides?\b",
    re.IGNORECASE,
)


def check_text(text: str, *, what: str, limit: int, example: str) -> str:
    """``text`` stripped, or :class:`RequestRejected` when it is empty, too long or binary."""
    stripped = text.strip()
    if not stripped:
        raise RequestRejected(f"the {what} is empty; {example}")
    if len(stripped) > limit:
        raise RequestRejected(
            f"the {what} is {len(stripped):,} characters long; the limit is {limit:,}. "
            "Shorten it, or split it into a Markdown outline with one '## heading' per slide"
        )
    if looks_binary(stripped):
        raise RequestRejected(
            f"the {what} looks like binary data, not text; send plain words or a Markdown outline"
        )
    return stripped


def check_request(text: str) -> str:
    """A free-text or outline request, checked (outlines may be longer than free text)."""
    limit = MAX_OUTLINE_CHARS if looks_like_outline(text) else MAX_REQUEST_CHARS
    return check_text(
        text,
        what="request",
        limit=limit,
        example="say what the video should explain, e.g. 'how vaccines work, 6 slides'",
    )


def check_instruction(text: str) -> str:
    return check_text(
        text,
        what="instruction",
        limit=MAX_INSTRUCTION_CHARS,
        example="say what to change, e.g. 'make slide 3 simpler' or 'swap slides 2 and 4'",
    )


def looks_binary(text: str) -> bool:
    """True for NUL bytes or when more than 2% of the characters are control/unassigned ones
    (the mark of a binary file decoded as text)."""
    if "\x00" in text:
        return True
    odd = sum(1 for ch in text if ch == "\ufffd" or _is_control(ch))
    return odd > max(2, len(text) // 50)


def _is_control(ch: str) -> bool:
    return ch not in "\n\r\t" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")


def looks_like_outline(text: str) -> bool:
    """A Markdown outline: front matter, or a '#'/'##' heading followed by more lines.

    A lone heading ("# how vaccines work") is a request written as a heading, not an outline.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    if lines[0] == "---":
        return True
    return bool(_OUTLINE_START.match(lines[0])) and len(lines) > 1


def asked_slide_count(text: str) -> int | None:
    """The number of slides a request asks for ("6 slides", "a ten-slide deck"), if any."""
    match = _COUNT.search(text)
    if not match:
        return None
    raw = match.group("n").lower()
    return int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]


def clamp_slide_count(count: int) -> int:
    return max(1, min(MAX_SLIDES, count))
