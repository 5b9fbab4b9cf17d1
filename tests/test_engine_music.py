"""Music in a conversation, through the engine: a song attached with "use this as music", then
"music quieter", "no music" and a bad file; each change renders the sound again and no slide."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from agent import Planner, Reviser, StructuredChat
from benchmarks.music import rms_db, write_song
from bot.engine import AudioFile, ConversationEngine, Incoming, Intent, read_command
from bot.store import Store
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from render.music import BED_LUFS, LEVEL_STEP_DB
from tests.agent_helpers import chat_model
from tests.probe import decode_audio

from .test_engine import RecordingSink, _deckcast

OUTLINE = "## One\n> The first idea.\n\n## Two\n> The second idea.\n"
SMALL = RenderOptions(resolution=360, default_voice="silent", storyboard=False)


@pytest.fixture
async def parts(tmp_path, fake_openai):
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    cache = AssetCache(tmp_path / "cache")
    renderer = Renderer(ProceduralBackend(), {"silent": SilentBackend()}, cache)
    chat = StructuredChat(chat_model(fake_openai))
    engine = ConversationEngine(
        store,
        Planner(chat, backoff=0.01),
        Reviser(chat, backoff=0.01),
        renderer,
        videos_dir=tmp_path / "videos",
        render_defaults=SMALL,
    )
    yield engine, store, cache, tmp_path
    await engine.close()
    renderer.close()
    store.close()


def message(text: str = "", audio: AudioFile | None = None) -> Incoming:
    return Incoming("test", "ana", text, "workspace", audio=audio)


def song(tmp: Path, name: str = "calm.mp3") -> AudioFile:
    return AudioFile(name, write_song(tmp / name, 3.0).read_bytes())


def heard(sink: RecordingSink) -> np.ndarray:
    """The middle of the latest video's sound (past the fade-in, before the fade-out)."""
    samples = decode_audio(sink.videos[-1].video)
    return samples[len(samples) // 3 : 2 * len(samples) // 3]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("use this as music", Intent.MUSIC),
        ("Please use this song as background music!", Intent.MUSIC),
        ("no music", Intent.NO_MUSIC),
        ("remove the music", Intent.NO_MUSIC),
        ("music quieter", Intent.MUSIC_QUIETER),
        ("make the music softer", Intent.MUSIC_QUIETER),
        ("turn the music up", Intent.MUSIC_LOUDER),
        ("louder music", Intent.MUSIC_LOUDER),
        ("make slide 2 about music", Intent.REVISE),
    ],
)
def test_music_phrases(text, intent):
    assert read_command(text).intent is intent


async def test_music_attached_in_the_thread_plays_and_changes_without_a_slide_re_encoded(parts):
    engine, store, cache, tmp = parts
    sink = RecordingSink()
    conversation = await engine.start(Incoming("test", "ana", "", "workspace", OUTLINE), sink)
    assert conversation is not None
    await engine.wait_idle(conversation.id)
    assert rms_db(heard(sink)) == -np.inf  # the silent voice, no music

    async def say(text: str, audio: AudioFile | None = None) -> None:
        cache.misses.clear()
        await engine.handle(conversation.id, message(text, audio), sink)
        await engine.wait_idle(conversation.id)

    await say("use this as music", song(tmp))
    assert len(sink.videos) == 2 and not sink.failures, sink.failures
    assert cache.misses["segment"] == 0 and sink.videos[-1].slides_from_cache == 2
    assert "calm.mp3" in sink.said[-1]
    with_music = rms_db(heard(sink))
    assert with_music > BED_LUFS - 10

    await say("music quieter")
    assert cache.misses["segment"] == 0 and len(sink.videos) == 3
    assert rms_db(heard(sink)) == pytest.approx(with_music - LEVEL_STEP_DB, abs=0.7)
    options = (await store.conversation(conversation.id)).options
    assert options["music_level_db"] == -LEVEL_STEP_DB

    # A bad file is one sentence, naming the file as it was sent; the music stays as it was.
    await say("use this as music", AudioFile("holiday.mp3", b"not a song at all\n" * 40))
    assert len(sink.failures) == 1 and "holiday.mp3 is not audio" in sink.failures[0]
    assert "\n" not in sink.failures[0] and len(sink.videos) == 3
    assert (await store.conversation(conversation.id)).options == options

    # A file sent with no words is music too; "no music" takes it away again.
    await say("", song(tmp, "other.wav"))
    assert len(sink.videos) == 4 and rms_db(heard(sink)) > BED_LUFS - 10
    stored = (await store.conversation(conversation.id)).options["music"]
    assert Path(stored).suffix == ".wav" and Path(stored).parent.name == conversation.id
    await say("no music")
    assert cache.misses["segment"] == 0 and len(sink.videos) == 5
    assert rms_db(heard(sink)) == -np.inf
    assert "music" not in (await store.conversation(conversation.id)).options

    await say("music louder")
    assert "no music yet" in sink.said[-1] and len(sink.videos) == 5
    await say("use this as music")
    assert "Attach an audio file" in sink.said[-1]


async def test_music_sent_with_the_request_plays_in_the_first_video(parts):
    engine, store, _cache, tmp = parts
    sink = RecordingSink()
    request = Incoming("test", "ana", "", "workspace", OUTLINE, audio=song(tmp))
    conversation = await engine.start(request, sink)
    await engine.wait_idle(conversation.id)
    assert len(sink.videos) == 1 and rms_db(heard(sink)) > BED_LUFS - 10

    bad = Incoming("test", "bo", "", "workspace", OUTLINE, audio=AudioFile("x.ogg", b"x" * 99))
    other = await engine.start(bad, sink)
    await engine.wait_idle(other.id)
    assert "x.ogg is not audio" in sink.said[-1] and "made without music" in sink.said[-1]
    assert len(sink.videos) == 2 and rms_db(heard(sink)) == -np.inf
    assert "music" not in (await store.conversation(other.id)).options


@pytest.mark.slow  # a subprocess and two 720p renders: about 30 s here
def test_deckcast_chat_with_music_then_quieter(tmp_path):
    outline = tmp_path / "talk.md"
    outline.write_text(OUTLINE)
    write_song(tmp_path / "bed.wav", 3.0)
    env = {
        **os.environ,
        "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
        "DECKCAST_DATA_DIR": str(tmp_path / "data"),
        "DECKCAST_VOICE": "silent",
        "DECKCAST_RESOLUTION": "720p",
        "NO_COLOR": "1",
    }
    command = ("chat", "--outline", str(outline), "--music", str(tmp_path / "bed.wav"))
    process = _deckcast(*command, env=env, cwd=tmp_path)
    out, err = process.communicate("music quieter\nquit\n", timeout=240)
    assert process.returncode == 0, err
    assert "Music quieter: -4 dB." in out and "(2 from cache)" in out
    conversation = out.split("deckcast chat --resume ")[-1].split()[0]
    samples = decode_audio(tmp_path / "out" / conversation / "v1.mp4")
    middle = samples[len(samples) // 3 : 2 * len(samples) // 3]
    assert rms_db(middle) == pytest.approx(BED_LUFS - LEVEL_STEP_DB, abs=3)
