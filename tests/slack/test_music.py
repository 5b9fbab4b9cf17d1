"""Music on Slack: a song shared in the deck's thread with "use this as music" becomes the
next video's sound bed with no slide re-encoded; a file that is not audio gets one sentence, and
one over the size limit is refused before it is downloaded."""

from __future__ import annotations

from benchmarks.music import rms_db, write_song
from render.music import BED_LUFS
from tests.probe import decode_audio

from .test_flow import start_deck


def texts(slack) -> list[str]:
    return [
        str(c.args.get("text", ""))
        for method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
        for c in slack.calls_of(method)
    ]


async def test_a_song_shared_in_the_thread_is_the_music(world):
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)
    cache = world.engine.renderer.cache
    cache.misses.clear()
    song = write_song(world.tmp / "calm.mp3", 3.0).read_bytes()

    file = slack.host_file("calm.mp3", song, filetype="mp3")
    reply = deliver.message("use this as music", user="U1", thread_ts=root_ts, files=[file])
    await deliver.event(reply)
    upload = await world.video_upload(2)
    assert cache.misses["segment"] == 0  # only the sound was made again
    path = world.tmp / "with-music.mp4"
    path.write_bytes(upload.data)
    samples = decode_audio(path)
    assert rms_db(samples[len(samples) // 3 : 2 * len(samples) // 3]) > BED_LUFS - 10

    bad = slack.host_file("notes.mp3", "la la la\n" * 50, filetype="mp3")
    await deliver.event(
        deliver.message("use this as music", user="U1", thread_ts=root_ts, files=[bad])
    )
    await slack.wait_for(lambda: any("notes.mp3 is not audio" in t for t in texts(slack)))

    world.bot.handlers.files.music_limit = 1000
    downloads = len(slack.calls_of("download"))
    big = slack.host_file("big.mp3", song, filetype="mp3")
    await deliver.event(
        deliver.message("use this as music", user="U1", thread_ts=root_ts, files=[big])
    )
    await slack.wait_for(lambda: any("music can be at most" in t for t in texts(slack)))
    assert len(slack.calls_of("download")) == downloads
    await world.engine.wait_idle()
    assert len([u for u in slack.completed_uploads() if u.filename.endswith(".mp4")]) == 2
