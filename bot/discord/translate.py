"""Small translations between Discord's objects and the conversation engine's.

Who someone is (:func:`incoming`), whether they may change a deck (:func:`may_change`), slash
command options as :class:`~agent.PlanOptions`, an attached outline as text, and the words and
file names the bot shows. No Discord calls are made here except reading an attachment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from agent import PlanOptions
from deck import slides_count

from ..engine import AudioFile, Incoming, VideoReady
from ..errors import UserInputError
from .config import DiscordConfig

PLATFORM = "discord"
OUTLINE_SUFFIXES = (".md", ".markdown", ".txt")
AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac", ".webm")


def workspace(guild_id: int | None, channel_id: int | None) -> str:
    """The queue a request waits in: its guild (a DM waits alone)."""
    return str(guild_id) if guild_id else f"dm:{channel_id}"


def role_names(user: discord.abc.User | discord.Member) -> list[str]:
    return [role.name for role in getattr(user, "roles", None) or []]


def is_admin(user: discord.abc.User | discord.Member, config: DiscordConfig) -> bool:
    return config.is_admin(role_names(user))


def incoming(
    user: discord.abc.User | discord.Member,
    *,
    guild_id: int | None,
    channel_id: int | None,
    text: str,
    config: DiscordConfig,
    outline: str | None = None,
    audio: AudioFile | None = None,
    options: PlanOptions | None = None,
    review: bool | None = None,
    version: int | None = None,
) -> Incoming:
    return Incoming(
        platform=PLATFORM,
        user=str(user.id),
        text=text,
        workspace=workspace(guild_id, channel_id),
        outline=outline,
        audio=audio,
        options=options,
        admin=is_admin(user, config),
        review=review,
        version=version,
    )


def may_change(user: discord.abc.User | discord.Member, owner: str, config: DiscordConfig) -> bool:
    return str(user.id) == owner or is_admin(user, config)


def not_yours(
    owner: str, config: DiscordConfig, reviewers: Sequence[str] = (), *, sharing: bool = False
) -> str:
    """Who may change the deck (or, ``sharing``, choose its reviewers), for a refused click."""
    admins = ""
    if config.admin_roles:
        admins = " (or someone with the role " + " / ".join(config.admin_roles) + ")"
    if sharing:
        return f"Only <@{owner}>, who asked for this video{admins}, can choose who reviews it."
    chosen = ""
    if reviewers:
        chosen = " and the reviewers they chose (" + ", ".join(f"<@{r}>" for r in reviewers) + ")"
    return (
        f"Only <@{owner}>, who asked for this video{chosen}{admins}, can change it. "
        "Start your own with `/deck create`."
    )


def plan_options(
    *,
    slides: int | None = None,
    theme: str | None = None,
    style: str | None = None,
    aspect: str | None = None,
    voice: str | None = None,
    language: str | None = None,
) -> PlanOptions | None:
    chosen: dict[str, Any] = {
        "slides": slides,
        "theme": theme,
        "style": style,
        "aspect": aspect,
        "voice": voice,
        "language": language,
    }
    chosen = {k: v for k, v in chosen.items() if v not in (None, "")}
    return PlanOptions(**chosen) if chosen else None


def check_outline(attachment: discord.Attachment, max_bytes: int) -> None:
    """Refuse an attachment that cannot be an outline from what the interaction says of it
    (its name, its size): before anything is downloaded or posted."""
    name = attachment.filename
    if not name.lower().endswith(OUTLINE_SUFFIXES):
        raise UserInputError(
            f"'{name}' is not a Markdown outline; attach a .md file "
            "('## Slide title' per slide, '- bullets', '> narration')"
        )
    if attachment.size > max_bytes:
        raise UserInputError(
            f"'{name}' is {attachment.size / 1000:.0f} kB; an outline may be at most "
            f"{max_bytes / 1000:.0f} kB"
        )


async def read_outline(attachment: discord.Attachment, max_bytes: int) -> str:
    """The text of an attached Markdown outline, or a clear :class:`UserInputError`."""
    check_outline(attachment, max_bytes)
    name = attachment.filename
    try:
        data = await attachment.read()
    except discord.HTTPException:
        raise UserInputError(
            f"I could not download '{name}' from Discord; attach it again"
        ) from None
    if b"\x00" in data:
        raise UserInputError(f"'{name}' is not a text file; attach a Markdown outline")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError(
            f"'{name}' is not UTF-8 text; save it as UTF-8 and attach it again"
        ) from None


def is_audio(attachment: discord.Attachment) -> bool:
    """Whether an attachment is a sound file (by its type, or its name when Discord gives none)."""
    kind = (attachment.content_type or "").lower()
    return kind.startswith("audio/") or attachment.filename.lower().endswith(AUDIO_SUFFIXES)


async def read_audio(attachment: discord.Attachment, max_bytes: int) -> AudioFile:
    """An attached audio file (background music), or a clear :class:`UserInputError`; a file
    over ``max_bytes`` is refused from its announced size, before any download."""
    name = attachment.filename
    if attachment.size > max_bytes:
        raise UserInputError(
            f"'{name}' is {attachment.size / 2**20:.0f} MB; music may be at most "
            f"{max_bytes // 2**20} MB"
        )
    try:
        data = await attachment.read()
    except discord.HTTPException:
        raise UserInputError(
            f"I could not download '{name}' from Discord; attach it again"
        ) from None
    return AudioFile(name, data)


def file_stem(title: str) -> str:
    """A file name from a deck title: ``photosynthesis-in-plants``."""
    stem = re.sub(r"[^\w]+", "-", title.lower(), flags=re.UNICODE).strip("-_")
    return stem[:60].rstrip("-") or "deck"


def thread_name(title: str) -> str:
    return (f"🎬 {title}")[:100]


def duration_text(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def video_caption(ready: VideoReady, *, note: str = "") -> str:
    cached = f" ({ready.slides_from_cache} from cache)" if ready.slides_from_cache else ""
    resumed = " · resumed after a restart" if ready.resumed else ""
    lines = [
        f"🎬 **{ready.deck.title}** · version {ready.version} · {duration_text(ready.duration)}"
        f" · {megabytes(ready.size_bytes)} · {slides_count(ready.slides)}{cached}{resumed}"
    ]
    if note:
        lines.append(note)
    lines += [f"note: {warning}" for warning in ready.warnings[:3]]
    return "\n".join(lines)[:2000]
