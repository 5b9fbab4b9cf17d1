"""What a person sent, as a front-end saw it, and the checks every message passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent import PlanOptions

from ..errors import UserInputError

MAX_MESSAGE = 20_000
RENDER_OPTION_KEYS = ("resolution", "captions", "transition", "voice", "fps")


@dataclass(frozen=True)
class Incoming:
    """One message from a person, as a front-end saw it."""

    platform: str
    user: str
    text: str = ""
    workspace: str = ""
    outline: str | None = None  # an attached Markdown outline
    options: PlanOptions | None = None  # explicit choices (slash-command options, CLI flags)
    render: dict[str, Any] = field(default_factory=dict)  # render option overrides
    admin: bool = False  # may act on other people's decks


def check_text(text: str, *, allow_empty: bool) -> None:
    if not text.strip() and not allow_empty:
        raise UserInputError(
            "the message is empty; say what the video should explain, or send a Markdown outline"
        )
    if len(text) > MAX_MESSAGE:
        raise UserInputError(
            f"the message is too long ({len(text):,} characters, at most {MAX_MESSAGE:,}); "
            "shorten it or attach it as a Markdown outline"
        )
