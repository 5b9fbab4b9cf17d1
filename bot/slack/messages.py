"""Reading what people write in Slack: the request text without the bot's mention, Slack's
markup turned back into plain text, and a Markdown outline in a code block.

Slack escapes ``&``, ``<`` and ``>`` and writes mentions and links as ``<@U123>``,
``<#C123|name>`` and ``<https://url|label>``; the engine wants what the person typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..engine import split_fenced

OUTLINE_SUFFIXES = (".md", ".markdown", ".txt")
OUTLINE_FILETYPES = ("markdown", "text")
AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac", ".webm")

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")


_REVIEW = re.compile(r"(?:^|\s)(?:review:\s*(true|yes|on|false|no|off)|--review)(?=\s|$)", re.I)


@dataclass(frozen=True)
class Request:
    text: str  # the request or revision, plain text
    outline: str | None = None  # a Markdown outline from a code block
    review: bool | None = None  # "review:true": the script first, for review


def read_message(raw: str, *, bot_user: str | None = None) -> Request:
    """Split a Slack message into its plain text and, when it has a code block, an outline."""
    text, outline = split_fenced(raw)
    return Request(_plain(text, bot_user).strip(), _plain(outline, bot_user) if outline else None)


def read_request(raw: str, *, bot_user: str | None = None) -> Request:
    """A request for a new deck: a message, with ``review:true`` (or ``--review``) taken out
    of its text as the choice to review the script before any picture is made."""
    request = read_message(raw, bot_user=bot_user)
    found = _REVIEW.search(request.text)
    if found is None:
        return request
    text = (request.text[: found.start()] + " " + request.text[found.end() :]).strip()
    wanted = found.group(1) is None or found.group(1).lower() in ("true", "yes", "on")
    return Request(text, request.outline, wanted)


_SETTINGS = re.compile(r"^settings\s+review\s*[:=]?\s*(script|on|true|yes|off|false|no)\s*$", re.I)


def read_settings(raw: str) -> bool | None:
    """``/deck settings review:script`` (or ``review:off``): an admin's review rule for the
    workspace's new decks, as "the script first?"; None when the text is something else."""
    found = _SETTINGS.match(raw.strip())
    if found is None:
        return None
    return found.group(1).lower() in ("script", "on", "true", "yes")


def mentions(raw: str, user: str | None) -> bool:
    return bool(user) and any(m.group(1) == user for m in _USER.finditer(raw))


def outline_file(files: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The first shared file that can hold a Markdown outline."""
    for file in files or []:
        name = str(file.get("name") or "").lower()
        if name.endswith(OUTLINE_SUFFIXES) or file.get("filetype") in OUTLINE_FILETYPES:
            return file
    return None


def audio_file(files: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The first shared file that is sound (music for the deck)."""
    for file in files or []:
        name = str(file.get("name") or "").lower()
        kind = str(file.get("mimetype") or "").lower()
        if kind.startswith("audio/") or name.endswith(AUDIO_SUFFIXES):
            return file
    return None


def _plain(text: str, bot_user: str | None) -> str:
    if bot_user:
        text = re.sub(rf"<@{re.escape(bot_user)}(?:\|[^>]*)?>[:,]?\s*", "", text)
    text = _USER.sub(lambda m: f"@{m.group(1)}", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _LINK.sub(_link, text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _link(match: re.Match[str]) -> str:
    url, label = match.group(1), match.group(2)
    return f"{label} ({url})" if label and label != url else url
