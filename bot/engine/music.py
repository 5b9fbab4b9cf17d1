"""A conversation's background music: the file a person attached, kept under the data dir, and
its level, both kept in the conversation's render options.

The options hold ``music`` (the stored file's path, set only here: a person never names a path
on this machine) and ``music_level_db`` (the offset "music quieter/louder" moves). A new file is
checked (:func:`render.music.check_music`) before it replaces the old one, so a bad file leaves
the music as it was and is answered with one sentence.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path
from typing import Any

from render import MusicError
from render.music import LEVEL_RANGE_DB, LEVEL_STEP_DB, MAX_BYTES, check_music, clamp_level

from ..errors import UserInputError
from .requests import AudioFile

MUSIC_OPTION_KEYS = ("music", "music_level_db")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}$")


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
