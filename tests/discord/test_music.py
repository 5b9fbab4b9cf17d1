"""Music on Discord: a song attached in the deck's thread with "use this as music" becomes the
next video's sound bed, no slide re-encoded; a file that is not audio gets one sentence, one
over the size limit is refused before it is downloaded."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from benchmarks.music import rms_db, write_song
from render.music import BED_LUFS
from tests.discord.harness import running_bot, video_of
from tests.probe import decode_audio


def sound_of(video: bytes) -> float:
    """The RMS level (dBFS) of the middle of an uploaded video's sound."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.mp4"
        path.write_bytes(video)
        samples = decode_audio(path)
    return rms_db(samples[len(samples) // 3 : 2 * len(samples) // 3])


async def test_a_song_attached_in_the_thread_is_the_music(tmp_path):
    song = write_song(tmp_path / "calm.mp3", 3.0).read_bytes()
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline()
        first = await h.video_message()
        thread = await h.thread()
        assert sound_of(video_of(fake, first)) == float("-inf")  # the silent voice

        await fake.post(fake.alice, thread["id"], "use this as music", files=[("calm.mp3", song)])
        again = await h.video_message(thread["id"], version=1, newer_than=first["id"])
        assert "(3 from cache)" in again["content"]
        assert sound_of(video_of(fake, again)) > BED_LUFS - 10

        await fake.post(
            fake.alice, thread["id"], "use this as music", files=[("notes.mp3", b"la la\n" * 99)]
        )
        refusal = await fake.wait_for_message(
            lambda m: m["channel_id"] == thread["id"] and "notes.mp3 is not audio" in m["content"]
        )
        assert refusal["author"]["id"] == fake.app_id

        # Over the size limit: refused from the size Discord announces, before any download.
        messages = h.bot.thread_messages
        messages.config = replace(messages.config, max_music_bytes=1000)
        assert len(fake.downloads) == 3  # the outline, the song and the text file
        downloads = len(fake.downloads)
        await fake.post(fake.alice, thread["id"], "use this as music", files=[("big.mp3", song)])
        await fake.wait_for_message(
            lambda m: m["channel_id"] == thread["id"] and "music may be at most" in m["content"]
        )
        assert len(fake.downloads) == downloads
