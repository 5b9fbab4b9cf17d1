"""First look at what a person sent: is it usable text, is it an outline.

How many slides it asks for is :mod:`agent.counts`; which language it is in,
:mod:`agent.languages`.

Everything here is cheap and runs before any model is called, so a bad request costs nothing
and gets a reply that says what to do.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import RequestRejected

MAX_REQUEST_CHARS = 20_000
MAX_INSTRUCTION_CHARS = 4_000
MAX_OUTLINE_CHARS = 200_000

_OUTLINE_START = re.compile(r"^(?:---\s*$|#{1,2}\s+\S)")


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


_DELIMITER_TAG = re.compile(r"<(?=\s*/?\s*(?:request|instruction)\b)", re.IGNORECASE)


def escape_delimiters(text: str) -> str:
    """``text`` with anything shaped like the prompt's own request or instruction tags defused
    (``</request>`` becomes ``&lt;/request>``), so that it cannot close the delimiter it is put
    in and write rules of its own after it."""
    return _DELIMITER_TAG.sub("&lt;", text)
