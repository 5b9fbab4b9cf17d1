"""The engine's hooks for chat front-ends: a render reports to the request that queued it,
fit_video() makes a video fit an upload limit, and a shutdown can leave renders to resume."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from agent import Planner, Reviser
from bot.conversation import ConversationEngine, Incoming
from bot.jobs import JobLimits
from bot.store import JobState, Store
from render import (
    AssetCache,
    EspeakBackend,
    ImageRequest,
    ProceduralBackend,
    Renderer,
    RenderOptions,
    SilentBackend,
)
from tests.conftest import needs_espeak
from tests.discord_harness import OUTLINE
from tests.probe import probe
from tests.test_engine import RecordingSink

SMALL = RenderOptions(resolution=360, fps=1, default_voice="silent")


class Gate(ProceduralBackend):
    """Procedural pictures that wait for :attr:`open`; :meth:`reached` waits until a render
    is held there."""

    def __init__(self) -> None:
        super().__init__()
        self.open = threading.Event()
        self.entered = threading.Event()

    def generate(self, requests: Sequence[ImageRequest]):  # type: ignore[override]
        self.entered.set()
        self.open.wait(30)
        return super().generate(requests)

    async def reached(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 30)
        self.entered.clear()


def engine_for(store: Store, renderer: Renderer, tmp_path, render=SMALL) -> ConversationEngine:
    return ConversationEngine(
        store,
        Planner(None),
        Reviser(None),
        renderer,
        videos_dir=tmp_path / "videos",
        render_defaults=render,
        limits=JobLimits(),
    )


def request(text: str = "", outline: str | None = None) -> Incoming:
    return Incoming("test", "ann", text, "w", outline=outline)


async def test_a_render_reports_to_the_request_that_queued_it(tmp_path):
    gate = Gate()
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Renderer(gate, {"silent": SilentBackend()}, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path)
        first, second, third = RecordingSink(), RecordingSink(), RecordingSink()
        record = await engine.start(request(outline=OUTLINE), first)
        await gate.reached()
        assert engine.queue.is_running(record.id)
        await engine.handle(record.id, request("theme dark"), second)  # queued behind v1
        await engine.handle(record.id, request("show me the script"), third)  # attached last
        gate.open.set()
        await engine.queue.wait_idle()
        assert [v.version for v in first.videos] == [1]
        assert [v.version for v in second.videos] == [2]
        assert third.videos == [] and len(third.scripts) == 1
        await engine.close()
    store.close()


@needs_espeak()
async def test_fit_video_makes_a_smaller_copy_or_says_it_cannot(tmp_path):
    options = RenderOptions(resolution="1080p", fps=1, default_voice="espeak")
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path, render=options)
        sink = RecordingSink()
        await engine.start(request(outline=OUTLINE), sink)
        await engine.queue.wait_idle()
        [ready] = sink.videos

        assert await engine.fit_video(ready, ready.size_bytes) is ready
        limit = int(ready.size_bytes * 0.8)
        smaller = await engine.fit_video(ready, limit)
        assert smaller is not None and smaller.size_bytes <= limit
        assert smaller.video != ready.video and ready.video.exists()
        found = probe(smaller.video)
        assert found.video_size[1] <= 720 and found.stream("audio").codec == "aac"
        assert abs(found.duration - ready.duration) < 0.5
        assert await engine.fit_video(ready, 5_000) is None
        await engine.close()
    store.close()


async def test_a_shutdown_can_leave_a_render_for_the_next_start(tmp_path):
    gate = Gate()
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = await Store.open(url)
    with Renderer(gate, {"silent": SilentBackend()}, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path)
        await engine.start(request(outline=OUTLINE), RecordingSink())
        await gate.reached()
        await engine.close(resume_later=True)
        [job] = await store.jobs_in([JobState.RUNNING])
        gate.open.set()

        again = engine_for(store, renderer, tmp_path)
        resumed = RecordingSink()

        async def factory(_conversation):
            return resumed

        again.register_platform("test", factory)
        assert [j.id for j in await again.recover()] == [job.id]
        await again.queue.wait_idle()
        assert [v.resumed for v in resumed.videos] == [True]

        # A plain close cancels instead (the terminal's Ctrl+C).
        gate.open.clear()
        gate.entered.clear()
        third = engine_for(store, renderer, tmp_path)
        other = await third.start(request(outline=OUTLINE.replace("tides", "waves")), resumed)
        await gate.reached()
        assert third.queue.is_running(other.id)
        await third.close()
        gate.open.set()
        assert [j.state for j in await store.jobs_in(list(JobState)) if j.id != job.id] == [
            JobState.CANCELLED
        ]
        await again.close()
    store.close()
