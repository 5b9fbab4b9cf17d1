"""A conversation's background music: the file a person attached, kept under the data dir, and
its level, both kept in the conversation's render options.

The options hold ``music`` (the stored file's path, set only here: a person never names a path
on this machine) and ``music_level_db`` (the offset "music quieter/louder" moves). A new file is
checked (:func:`render.music.check_music`) before it replaces the old one, so a bad file leaves
the music as it was and is answered with one sentence. :class:`ConversationMusic` is what a
conversation's messages do with it: attach a file, remove it, move its level.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path
from typing import Any

from render import MusicError, RenderError
from render.music import LEVEL_RANGE_DB, LEVEL_STEP_DB, MAX_BYTES, check_music, clamp_level

from ..errors import BotError, UserInputError
from ..store import ConversationRecord, Store
from .intents import Command, Intent
from .render_requests import RenderRequests
from .replies import ReplySink
from .requests import AudioFile, Incoming
from .review_gate import ReviewGate

MUSIC_OPTION_KEYS = ("music", "music_level_db")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}$")

MUSIC_INTENTS = frozenset(
    {Intent.MUSIC, Intent.NO_MUSIC, Intent.MUSIC_QUIETER, Intent.MUSIC_LOUDER}
)


def asks_for_music(msg: Incoming, command: Command) -> bool:
    """An audio file sent with no words, or with words about music ("add music") that are
    not one of the set phrases: the file is the music."""
    if msg.audio is None or msg.outline is not None or command.intent is not Intent.REVISE:
        return False
    return not msg.text.strip() or "music" in msg.text.lower()


def music_options(options: dict[str, Any]) -> dict[str, Any]:
    """The render options' music fields from a conversation's options (none when it has none)."""
    music = options.get("music")
    if not music:
        return {}
    return {"music": Path(music), "music_level_db": float(options.get("music_level_db") or 0.0)}


async def store_music(folder: Path, audio: AudioFile) -> Path:
    """Keep ``audio`` as the conversation's music file (in its ``folder``, beside its videos),
    once it is checked; the conversation's earlier music file is removed. Raises ``MusicError`` or
    ``UserInputError`` with one sentence (and keeps nothing) for a file that cannot be used."""
    if len(audio.data) > MAX_BYTES:
        raise UserInputError(
            f"{audio.name} is {len(audio.data) / 2**20:.0f} MB; music may be at most "
            f"{MAX_BYTES // 2**20} MB"
        )
    if not audio.data:
        raise UserInputError(f"{audio.name} is empty; attach an audio file (MP3, WAV, OGG...)")
    digest = hashlib.sha256(audio.data).hexdigest()[:16]
    suffix = _SUFFIX.search(audio.name.lower())
    path = folder / f"music-{digest}{suffix.group(0) if suffix else '.audio'}"
    await asyncio.to_thread(_write, path, audio.data)
    try:
        await check_music(path)
    except MusicError as exc:  # told with the name the person gave the file
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise MusicError(str(exc).replace(path.name, audio.name)) from None
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    await asyncio.to_thread(remove_music, folder, keep=path)
    return path


def remove_music(folder: Path, *, keep: Path | None = None) -> None:
    """Remove the conversation's music files (but ``keep``)."""
    for old in folder.glob("music-*"):
        if old != keep:
            old.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def louder(options: dict[str, Any], steps: int) -> float | None:
    """The music level after ``steps`` (negative: quieter) steps, or None when it is at the end
    of its range already."""
    level = float(options.get("music_level_db") or 0.0)
    moved = clamp_level(level + steps * LEVEL_STEP_DB)
    return None if moved == level else moved


def level_words(level: float) -> str:
    low, high = LEVEL_RANGE_DB
    where = "the quietest" if level <= low else "the loudest" if level >= high else None
    said = f"{level:+.0f} dB" if level else "the usual level"
    return f"{said} ({where} it goes)" if where else said


class ConversationMusic:
    """A conversation's music as its messages change it, kept in the store's options and, for
    the file, in the conversation's folder under ``videos_dir``."""

    def __init__(
        self, store: Store, videos_dir: Path, renders: RenderRequests, gate: ReviewGate
    ) -> None:
        self.store = store
        self.videos_dir = videos_dir
        self.renders = renders
        self.gate = gate

    async def first(
        self, conversation: ConversationRecord, audio: AudioFile, sink: ReplySink
    ) -> None:
        """Music sent with the request itself: kept for the first render; a bad file is told
        and the video is made without it."""
        try:
            path = await store_music(self.videos_dir / conversation.id, audio)
        except (BotError, RenderError) as exc:
            await sink.say(f"{exc}; the video is made without music.")
            return
        await self.store.set_options(conversation.id, {**conversation.options, "music": str(path)})

    async def change(
        self, conversation: ConversationRecord, intent: Intent, msg: Incoming, sink: ReplySink
    ) -> None:
        """Set, remove or move the level of the music; the current version is rendered again,
        which makes only its audio track again (every slide's segment comes from the cache)."""
        done = await self._change(conversation, intent, msg, sink)
        if done is None:
            return
        if not conversation.current_version or await self.gate.script_waits(conversation.id):
            await sink.say(f"{done} It plays once the video is rendered.")
            return
        await sink.say(f"{done} Only the sound is made again.")
        await self.renders.submit(conversation.id, conversation.current_version, sink)

    async def _change(
        self, conversation: ConversationRecord, intent: Intent, msg: Incoming, sink: ReplySink
    ) -> str | None:
        """What changed (stored and noted in the conversation), or None when nothing did
        (``sink`` was told why)."""
        options = dict(conversation.options)
        if intent is Intent.MUSIC:
            if msg.audio is None:
                await sink.say(
                    "Attach an audio file (MP3, WAV, OGG, FLAC or M4A) to a message saying "
                    '"use this as music".'
                )
                return None
            path = await store_music(self.videos_dir / conversation.id, msg.audio)
            options["music"] = str(path)
            done = f"Music: {msg.audio.name}, under the narration (quieter while it speaks)."
        elif not options.get("music"):
            await sink.say(
                'There is no music yet: attach an audio file with "use this as music".'
                if intent is not Intent.NO_MUSIC
                else "There is no music to remove."
            )
            return None
        elif intent is Intent.NO_MUSIC:
            options.pop("music", None)
            options.pop("music_level_db", None)
            done = "No music any more."
        else:
            up = intent is Intent.MUSIC_LOUDER
            level = louder(options, 1 if up else -1)
            if level is None:
                now = float(options.get("music_level_db") or 0.0)
                await sink.say(f"The music is at {level_words(now)} already.")
                return None
            options["music_level_db"] = level
            done = f"Music {'louder' if up else 'quieter'}: {level_words(level)}."
        await self.store.set_options(conversation.id, options)
        await self.store.add_message(conversation.id, "assistant", done)
        return done
