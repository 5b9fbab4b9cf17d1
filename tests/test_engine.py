"""The conversation engine with the real agent (ChatOpenAI against the local fake server), the
real renderer and the real store: plans, revisions, undo/redo, the queue, errors, restarts."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pptx import Presentation

from agent import Planner, Reviser, StructuredChat
from bot.engine import ConversationEngine, Incoming, JobLimits
from bot.store import JobState, Store
from deck import EditSlide, InsertSlide, NewSlide, to_markdown
from render import ProceduralBackend, Renderer, RenderOptions, SilentBackend
from tests.agent_helpers import chat_model, deck_draft
from tests.fakes.openai_chat import Reply, edits_reply

from .conftest import CountingImages, CountingVoice

EXAMPLE = Path(__file__).parent.parent / "examples" / "photosynthesis.md"
SMALL = RenderOptions(resolution=360, default_voice="silent")


class RecordingSink:
    """Records what the engine tells a front-end."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.failures: list[str] = []
        self.videos: list = []
        self.plans: list[tuple[list[str], int]] = []
        self.scripts: list[str] = []
        self.storyboards: list[Path] = []
        self.updates: list = []
        self.exports: list = []
        self.reports: list[str] = []
        self.reviews: list[tuple[list[str], int]] = []
        self.approvals: list[tuple[int, tuple[str, ...]]] = []

    async def say(self, text: str) -> None:
        self.said.append(text)

    async def planned(self, deck, version: int) -> None:  # type: ignore[override]
        self.plans.append(([s.title for s in deck.slides], version))

    async def progress(self, update) -> None:
        self.updates.append(update)

    async def storyboard(self, path: Path, deck, version: int) -> None:
        self.storyboards.append(path)

    async def video(self, ready) -> None:
        self.videos.append(ready)

    async def script(self, markdown: str, deck, version: int) -> None:
        self.scripts.append(markdown)

    async def exported(self, ready) -> None:
        self.exports.append(ready)

    async def report(self, text: str) -> None:
        self.reports.append(text)

    async def script_review(self, conversation_id: str, deck, version: int) -> None:
        self.reviews.append(([s.title for s in deck.slides], version))

    async def approved(self, version: int, approvers) -> None:
        self.approvals.append((version, tuple(approvers)))

    async def too_big(self, ready, limit: int) -> None:
        self.failures.append(f"too big for {limit}")

    async def failed(self, message: str, *, version: int | None = None) -> None:
        self.failures.append(message)

    async def close(self) -> None:
        pass


@pytest.fixture
async def engine_parts(tmp_path, fake_openai, database_url):
    images = CountingImages()
    voice = CountingVoice(SilentBackend())
    store = await Store.open(database_url)
    renderer = Renderer(
        images, {"silent": voice}, __import__("render").AssetCache(tmp_path / "cache")
    )
    chat = StructuredChat(chat_model(fake_openai))
    engine = ConversationEngine(
        store,
        Planner(chat, backoff=0.01),
        Reviser(chat, backoff=0.01),
        renderer,
        videos_dir=tmp_path / "videos",
        render_defaults=SMALL,
    )
    yield engine, images, voice, fake_openai
    await engine.close()
    renderer.close()
    store.close()


def msg(
    text: str = "", *, user: str = "ana", outline: str | None = None, admin: bool = False
) -> Incoming:
    return Incoming("test", user, text, "workspace", outline=outline, admin=admin)


async def say(engine, conversation_id, text, sink, **kwargs):
    await engine.handle(conversation_id, msg(text, **kwargs), sink)
    await engine.queue.wait_idle(conversation_id)


async def test_a_scripted_conversation_renders_only_what_changed(engine_parts):
    engine, images, voice, server = engine_parts
    sink = RecordingSink()
    titles = ["Photosynthesis", "Leaves", "Water", "Light reactions", "Sugar"]
    server.script(Reply.json(deck_draft(titles)))
    conversation = await engine.start(
        msg("explain photosynthesis to 12-year-olds in 5 slides"), sink
    )
    assert conversation is not None
    await engine.queue.wait_idle(conversation.id)
    assert sink.plans == [(titles, 1)] and len(sink.videos) == 1
    assert (images.calls, voice.calls) == (5, 5)

    def work():
        return images.calls, voice.calls

    # 1. A content change through the model: one slide's words -> one narration, no picture.
    server.script(
        edits_reply(
            [EditSlide(slide=3, bullets=["Roots drink water"], narration="Roots drink water.")],
            "slide 3 in simpler words",
        )
    )
    before = work()
    await say(engine, conversation.id, "simpler words on slide 3", sink)
    assert work() == (before[0], before[1] + 1)
    assert sink.videos[-1].version == 2 and sink.videos[-1].slides_from_cache == 4

    # 2. A structural command needs no model: nothing new to make at all.
    calls = len(server.exchanges)
    before = work()
    await say(engine, conversation.id, "swap slides 2 and 4", sink)
    assert len(server.exchanges) == calls and work() == before
    assert sink.videos[-1].slides_from_cache == 5

    # 3. A new slide through the model: one picture, one narration.
    server.script(
        edits_reply(
            [
                InsertSlide(
                    after=4, slide=NewSlide(title="The Calvin cycle", bullets=["Sugar from air"])
                )
            ],
            "a slide on the Calvin cycle after slide 4",
        )
    )
    before = work()
    await say(engine, conversation.id, "add a slide on the Calvin cycle after slide 4", sink)
    assert work() == (before[0] + 1, before[1] + 1)

    # 4. A new style: every picture again, no voice.
    before = work()
    await say(engine, conversation.id, "use a watercolor style", sink)
    assert work() == (before[0] + 6, before[1])

    # 5. A new picture for one slide.
    before = work()
    await say(engine, conversation.id, "new picture for slide 2", sink)
    assert work() == (before[0] + 1, before[1])
    v6 = sink.videos[-1]

    # Undo and redo: back and forth through the history with nothing to make again.
    before = work()
    await say(engine, conversation.id, "undo", sink)
    assert sink.videos[-1].version == 5 and sink.videos[-1].slides_from_cache == 6
    await say(engine, conversation.id, "redo", sink)
    assert sink.videos[-1].version == 6 and work() == before
    assert sink.videos[-1].deck == v6.deck

    final, version = await engine.current(conversation.id)
    assert version == 6
    assert [s.title for s in final.slides] == [
        "Photosynthesis",
        "Light reactions",
        "Water",
        "Leaves",
        "The Calvin cycle",
        "Sugar",
    ]
    assert final.slides[2].bullets == ["Roots drink water"] and final.theme.style == "watercolor"
    assert not sink.failures

    await say(engine, conversation.id, "show me the script", sink)
    assert sink.scripts[-1] == to_markdown(final)

    # Export the current version: from the cached pictures, nothing painted again.
    before = work()
    await say(engine, conversation.id, "export", sink)
    exported = sink.exports[-1]
    assert exported.version == 6 and work() == before
    assert len(Presentation(str(exported.pptx)).slides) == 6
    assert exported.pdf.read_bytes().startswith(b"%PDF") and exported.size_bytes > 0


class GatedImages(ProceduralBackend):
    """Pictures wait for a gate, so a test can act while a render is running."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.started = threading.Event()

    def generate(self, requests):
        self.started.set()
        self.gate.wait(30)
        return super().generate(requests)


async def test_a_revision_during_a_render_is_queued_and_the_newest_wins(tmp_path, database_url):
    images = GatedImages()
    store = await Store.open(database_url)
    renderer = Renderer(
        images, {"silent": SilentBackend()}, __import__("render").AssetCache(tmp_path / "cache")
    )
    engine = ConversationEngine(
        store,
        Planner(None),
        Reviser(None),
        renderer,
        videos_dir=tmp_path / "v",
        render_defaults=SMALL,
    )
    sink = RecordingSink()
    try:
        conversation = await engine.start(msg(outline=EXAMPLE.read_text()), sink)
        await asyncio.to_thread(images.started.wait, 10)
        await engine.handle(conversation.id, msg("delete slide 6"), sink)  # queued behind v1
        await engine.handle(conversation.id, msg("delete slide 5"), sink)  # supersedes v2's job
        assert any(u.state == "queued" for u in sink.updates)
        images.gate.set()
        await engine.queue.wait_idle(conversation.id)
        assert [v.version for v in sink.videos] == [1, 3]
        jobs = await store.jobs_in(list(JobState))
        assert [(j.version, j.state) for j in jobs] == [
            (1, JobState.DONE),
            (2, JobState.SUPERSEDED),
            (3, JobState.DONE),
        ]
        assert len(sink.videos[-1].deck.slides) == 4
    finally:
        images.gate.set()
        await engine.close()
        renderer.close()
        store.close()


async def test_bad_messages_get_a_clear_reply_and_leave_the_deck_alone(engine_parts):
    engine, _images, _voice, server = engine_parts
    sink = RecordingSink()
    conversation = await engine.start(msg(outline=EXAMPLE.read_text()), sink)
    await engine.queue.wait_idle(conversation.id)
    deck, version = await engine.current(conversation.id)

    await say(engine, conversation.id, "   ", sink)
    assert "the message is empty" in sink.failures[-1]
    await say(engine, conversation.id, "x" * 50_000, sink)
    assert "too long (50,000 characters" in sink.failures[-1]
    await say(engine, conversation.id, "", sink, outline="\x00\x01binary\x00junk")
    assert "binary" in sink.failures[-1]
    refusal = Reply.json({"edits": [], "summary": "a deck cannot be made of cheese"})
    server.script(refusal, refusal, refusal)
    await say(engine, conversation.id, "turn the slides into cheese", sink)
    assert "cheese" in sink.failures[-1]
    await say(engine, conversation.id, "delete slide 42", sink)
    assert "there is no slide 42" in sink.failures[-1]
    await say(engine, conversation.id, "make slide 2 simpler", sink, user="bob")
    assert "only the person who asked" in sink.failures[-1]
    assert await engine.current(conversation.id) == (deck, version)
    # ...and the conversation still works.
    await say(engine, conversation.id, "delete slide 6", sink)
    assert (await engine.current(conversation.id))[1] == version + 1


async def test_the_queue_refuses_a_second_deck_per_person_and_a_full_workspace(
    tmp_path, database_url
):
    store = await Store.open(database_url)
    images = GatedImages()
    renderer = Renderer(
        images, {"silent": SilentBackend()}, __import__("render").AssetCache(tmp_path / "cache")
    )
    engine = ConversationEngine(
        store,
        Planner(None),
        Reviser(None),
        renderer,
        videos_dir=tmp_path / "v",
        render_defaults=SMALL,
        limits=JobLimits(per_user=1, per_workspace=2),
    )
    try:
        sink = RecordingSink()
        first = await engine.start(msg(outline=EXAMPLE.read_text()), sink)
        assert first is not None
        again = await engine.start(msg(outline=EXAMPLE.read_text()), sink)
        assert again is None and "already have a video in the works" in sink.failures[-1]
        await engine.start(msg(outline=EXAMPLE.read_text(), user="bob"), sink)
        refused = await engine.start(msg(outline=EXAMPLE.read_text(), user="cy"), sink)
        assert refused is None and "the render queue is full" in sink.failures[-1]
        assert "try again in about" in sink.failures[-1]
        # Cancel works while rendering and while queued.
        assert await engine.cancel(first.id, msg(), sink)
        images.gate.set()
        await engine.queue.wait_idle()
        states = {j.owner: j.state for j in await store.jobs_in(list(JobState))}
        assert states == {"ana": JobState.CANCELLED, "bob": JobState.DONE}
    finally:
        images.gate.set()
        await engine.close()
        renderer.close()
        store.close()


def _deckcast(
    *args: str, env: dict[str, str], stdin: str | None = None, cwd: Path
) -> subprocess.Popen:
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    return subprocess.Popen(
        [*command, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_deckcast_chat_with_a_model_through_stdin_and_stdout(tmp_path, fake_openai):
    env = {
        **os.environ,
        "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
        "DECKCAST_DATA_DIR": str(tmp_path / "data"),
        "DECKCAST_LLM_MODEL": "fake-model",
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "test-key",
        "DECKCAST_VOICE": "silent",
        "DECKCAST_RESOLUTION": "720p",
        "NO_COLOR": "1",
    }
    fake_openai.script(
        Reply.json(deck_draft(["How vaccines work", "Antigens", "Memory cells"])),
        edits_reply(
            [EditSlide(slide=2, bullets=["A harmless look-alike"])], "slide 2 made simpler"
        ),
    )
    process = _deckcast("chat", env=env, cwd=tmp_path)
    out, err = process.communicate(
        "explain how vaccines work, 3 slides, for teenagers\n"
        "make slide 2 simpler\nshow me the script\nquit\n",
        timeout=240,
    )
    assert process.returncode == 0, err
    assert "How vaccines work — 3 slides (version 1)" in out
    assert "Version 2: slide 2 made simpler." in out
    assert out.count("video: out/") == 2 and "(2 from cache)" in out
    assert "- A harmless look-alike" in out  # the script
    assert "test-key" not in out + err
    conversation = out.split("deckcast chat --resume ")[-1].split()[0]
    assert (tmp_path / "out" / conversation / "v2.mp4").exists()


@pytest.mark.slow
def test_a_killed_chat_resumes_its_render_after_a_restart(tmp_path):
    """SIGKILL `deckcast chat` in the middle of a render: after a restart the conversation and
    its versions are there, and the interrupted render runs again (from the cache)."""
    env = {
        **os.environ,
        "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
        "DECKCAST_DATA_DIR": str(tmp_path / "data"),
        "NO_COLOR": "1",
        "DECKCAST_RESOLUTION": "1080p",
    }
    process = _deckcast(
        "chat", "--outline", str(EXAMPLE), "--transition", "crossfade", env=env, cwd=tmp_path
    )
    database = tmp_path / "data" / "deckcast.db"
    deadline = time.monotonic() + 120
    running = None
    while time.monotonic() < deadline and running is None:
        time.sleep(0.05)
        if database.exists():
            try:
                with sqlite3.connect(database) as conn:
                    running = conn.execute(
                        "SELECT conversation_id FROM jobs WHERE state = 'running'"
                    ).fetchone()
            except sqlite3.OperationalError:
                pass
    assert running is not None, "the render never started"
    time.sleep(1.0)  # let it get into encoding
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT state FROM jobs").fetchall() == [("running",)]
    conversation = running[0]
    assert not (tmp_path / "out" / conversation / "v1.mp4").exists()

    resumed = _deckcast("chat", "--resume", conversation, env=env, cwd=tmp_path)
    out, err = resumed.communicate("quit\n", timeout=240)
    assert resumed.returncode == 0, err
    assert f"resumed conversation {conversation}" in out
    assert "(resumed after a restart)" in out
    assert (tmp_path / "out" / conversation / "v1.mp4").exists()
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT state, attempts FROM jobs").fetchall() == [("done", 2)]


async def test_undo_redo_and_cancel_typed_in_other_languages_need_no_model(engine_parts):
    """ "deshacer", "Rückgängig!", "撤销" undo as "undo" does: no model call (the fake has no
    answer scripted, so one would fail), the version before comes back from the cache."""
    engine, _images, _voice, server = engine_parts
    sink = RecordingSink()
    server.script(Reply.json(deck_draft(["Tides", "The moon", "The sun"])))
    conversation = await engine.start(msg("explain tides in 3 slides"), sink)
    await engine.queue.wait_idle(conversation.id)
    await say(engine, conversation.id, "theme dark", sink)
    calls = len(server.exchanges)
    for undo, redo in (
        ("deshacer", "rehacer"),
        ("Rückgängig!", "wiederherstellen"),
        ("撤销", "重做"),
    ):
        await say(engine, conversation.id, undo, sink)
        assert sink.videos[-1].version == 1 and sink.videos[-1].deck.theme.name == "light"
        await say(engine, conversation.id, redo, sink)
        assert sink.videos[-1].version == 2 and sink.videos[-1].deck.theme.name == "dark"
    assert len(server.exchanges) == calls and not sink.failures
