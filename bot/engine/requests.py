"""What a person sent, as a front-end saw it, and the checks every message passes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from agent import PlanOptions
from deck import looks_like_outline, one_line_outline, unfold_outline

from ..errors import UserInputError

MAX_MESSAGE = 20_000
RENDER_OPTION_KEYS = ("resolution", "captions", "transition", "voice", "fps", "motion")


@dataclass(frozen=True)
class AudioFile:
    """An audio file a person attached (background music), fetched by the front-end within
    its size limit."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Incoming:
    """One message from a person, as a front-end saw it."""

    platform: str
    user: str
    text: str = ""
    workspace: str = ""
    outline: str | None = None  # an attached Markdown outline
    audio: AudioFile | None = None  # an attached audio file ("use this as music")
    options: PlanOptions | None = None  # explicit choices (slash-command options, CLI flags)
    render: dict[str, Any] = field(default_factory=dict)  # render option overrides
    admin: bool = False  # may act on other people's decks
    review: bool | None = None  # a new deck: show the script for review before any picture
    version: int | None = None  # the version a button was under (Approve)


def pasted_outline(msg: Incoming, *, new_deck: bool = False) -> Incoming:
    """``msg`` with an outline pasted as plain text (no code block, no file: "## …" headings
    or a chat assistant's "**Slide 1: …**" lines) taken as its outline, as if attached.
    ``new_deck``: the message starts a deck, so an outline squashed onto one line (a slash
    option) counts too; in a thread a one-line "slide 1: … slide 2: …" is an instruction."""
    if msg.outline is not None:
        return msg
    if looks_like_outline(msg.text):
        return replace(msg, text="", outline=msg.text)
    unfolded = one_line_outline(msg.text) if new_deck else None
    return msg if unfolded is None else replace(msg, text="", outline=unfolded)


def check_text(text: str, *, allow_empty: bool) -> None:
    if not text.strip() and not allow_empty:
        raise UserInputError(
            "the message is empty; say what the video should explain, or send a Markdown outline"
        )
    if _junk(text):
        raise UserInputError(
            "that does not look like text; say what the video should explain, in words"
        )
    if len(text) > MAX_MESSAGE:
        raise UserInputError(
            f"the message is too long ({len(text):,} characters, at most {MAX_MESSAGE:,}); "
            "shorten it or attach it as a Markdown outline"
        )


_FENCE = re.compile(r"```[ \t]*(?:markdown|md)?[ \t]*\n?(.*?)```", re.DOTALL | re.IGNORECASE)


def split_fenced(text: str) -> tuple[str, str | None]:
    """A message's text and the Markdown outline pasted in it between ``` fences (None when
    there is none). An outline that lost its line breaks on the way (a one-line slash option)
    gets them back."""
    fenced = _FENCE.search(text)
    if fenced is None:
        return text.strip(), None
    outline = unfold_outline(fenced.group(1).strip("\n")) if fenced.group(1).strip() else None
    return (text[: fenced.start()] + text[fenced.end() :]).strip(), outline


def _junk(text: str) -> bool:
    """Binary data pasted as a message: NUL bytes, or mostly control and undecodable
    characters."""
    if "\x00" in text:
        return True
    odd = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    return len(text) >= 8 and odd / len(text) > 0.1
