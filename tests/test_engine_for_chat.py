"""The engine's hooks for chat front-ends: a render reports to the request that queued it,
fit_video() makes a video fit an upload limit, and a shutdown can leave renders to resume."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from agent import Planner, Reviser
from bot.engine import ConversationEngine, Incoming, JobLimits
from bot.errors import UploadFailed, UploadTooLarge
from bot.store import JobState, Store
from render import (
    AssetCache,
    EncodeError,
    EspeakBackend,
    ImageRequest,
    ProceduralBackend,
    Renderer,
    RenderOptions,
    SilentBackend,
)
from tests.conftest import needs_espeak
from tests.discord.harness import OUTLINE
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


async def restarted(
    store: Store, renderer: Renderer, tmp_path, job
) -> tuple[ConversationEngine, RecordingSink]:
    """The next process: an engine on the same store that resumes ``job`` (and nothing else)
    through a fresh sink, and has finished with it."""
    again = engine_for(store, renderer, tmp_path)
    resumed = RecordingSink()

    async def factory(_conversation_id, _owner, _job_id):
        return resumed

    again.register_platform("test", factory)
    assert [j.id for j in await again.recover()] == [job.id]
    await again.queue.wait_idle()
    return again, resumed


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


async def test_where_to_deliver_is_stored_before_the_render_is_queued(tmp_path):
    """An adapter stores the conversation's thread or channel in ``on_created``: it runs once
    the conversation exists and before its job does, so a kill in between cannot leave a
    render the next start has nobody to deliver to (it was stored after start() returned,
    when the render was already running)."""
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    voices = {"silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path)
        seen: list[tuple[str, list]] = []

        async def on_created(conversation_id: str) -> None:
            seen.append((conversation_id, await store.jobs_in(list(JobState))))

        record = await engine.start(
            request(outline=OUTLINE), RecordingSink(), on_created=on_created
        )
        assert seen == [(record.id, [])]  # the conversation exists, no job yet
        await engine.wait_idle()
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

        again, resumed = await restarted(store, renderer, tmp_path, job)
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


async def test_every_submit_is_reported_and_every_render_ends_once(tmp_path):
    """Queued (with job id and position), then superseded, cancelled or delivered: each
    render's own sink hears how it ended, and nothing is remembered once all is idle."""
    gate = Gate()
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Renderer(gate, {"silent": SilentBackend()}, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path)
        first, second, third, canceller = (RecordingSink() for _ in range(4))
        record = await engine.start(request(outline=OUTLINE), first)
        [queued] = [u for u in first.updates if u.state == "queued"]
        assert queued.job_id and queued.version == 1 and queued.queue_position in (1, None)
        await gate.reached()
        await engine.handle(record.id, request("theme dark"), second)  # waits behind v1
        [waiting] = [u for u in second.updates if u.state == "queued"]
        assert (waiting.version, waiting.waits) == (2, True)
        await engine.handle(record.id, request("theme light"), third)  # replaces v2
        [replaced] = [u for u in second.updates if u.state == "superseded"]
        assert (replaced.job_id, replaced.replaced_by) == (waiting.job_id, 3)
        await engine.cancel(record.id, request("cancel"), canceller)
        assert [u.by for u in first.updates if u.state == "cancelled"] == ["ann"]
        assert [u.by for u in third.updates if u.state == "cancelled"] == ["ann"]
        assert canceller.said == ["Cancelled the render."]
        gate.open.set()
        await engine.wait_idle()
        assert first.videos == second.videos == third.videos == []
        assert len(engine.sinks) == 0 and len(engine._locks) == 0
        states = sorted(j.state.value for j in await store.jobs_in(list(JobState)))
        assert states == ["cancelled", "cancelled", "superseded"]
        await engine.close()
    store.close()


class SlowPost(RecordingSink):
    """A platform whose upload takes a while, and refuses files over ``limit``."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.posting = asyncio.Event()
        self.go = asyncio.Event()
        self.too_bigs: list[int] = []

    async def video(self, ready) -> None:
        if self.limit is not None and ready.size_bytes > self.limit:
            raise UploadTooLarge(self.limit)
        self.posting.set()
        await self.go.wait()
        await super().video(ready)

    async def too_big(self, ready, limit: int) -> None:
        self.too_bigs.append(limit)


async def test_a_job_is_done_only_once_its_video_is_delivered(tmp_path):
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    voices = {"silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path)
        sink = SlowPost()
        await engine.start(request(outline=OUTLINE), sink)
        await sink.posting.wait()
        [job] = await store.jobs_in(list(JobState))
        assert job.state is JobState.RUNNING  # rendered, not delivered: a restart redoes it
        sink.go.set()
        await engine.wait_idle()
        assert (await store.job(job.id)).state is JobState.DONE and len(sink.videos) == 1
        await engine.close()
    store.close()


class StuckAfterPosting(RecordingSink):
    """A platform that takes the video, then holds the status edit that follows (a 429 that
    does not end): the moment a stop (or a kill) after the post but before "done" hits."""

    def __init__(self) -> None:
        super().__init__()
        self.editing = asyncio.Event()

    async def video(self, ready) -> None:
        await super().video(ready)
        await ready.posted()
        self.editing.set()
        await asyncio.Event().wait()  # the status edit never returns


async def test_a_video_posted_before_a_restart_is_not_posted_again(tmp_path):
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    voices = {"silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path)
        stuck = StuckAfterPosting()
        await engine.start(request(outline=OUTLINE), stuck)
        await asyncio.wait_for(stuck.editing.wait(), 60)
        await engine.close(resume_later=True)
        [job] = await store.jobs_in([JobState.RUNNING])  # stopped before it was marked done
        assert len(stuck.videos) == 1

        again, resumed = await restarted(store, renderer, tmp_path, job)
        assert resumed.videos == [] and resumed.storyboards == []  # not rendered, not posted
        assert [(u.state, u.version) for u in resumed.updates] == [("delivered", 1)]
        assert (await store.job(job.id)).state is JobState.DONE
        await again.close()
    store.close()


@needs_espeak()
async def test_a_refused_upload_gets_a_smaller_copy_or_is_told_too_big(tmp_path):
    options = RenderOptions(resolution="1080p", fps=1, default_voice="espeak")
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as renderer:
        engine = engine_for(store, renderer, tmp_path, render=options)
        full = RecordingSink()
        await engine.start(request(outline=OUTLINE), full)
        await engine.wait_idle()
        [ready] = full.videos

        fits = SlowPost(limit=int(ready.size_bytes * 0.8))
        fits.go.set()
        await engine.handle(full.videos[0].conversation_id, request("render"), fits)
        await engine.wait_idle()
        [smaller] = fits.videos
        assert smaller.smaller_copy and smaller.size_bytes <= fits.limit
        assert [u.state for u in fits.updates].count("fitting") >= 1 and not fits.too_bigs

        hopeless = SlowPost(limit=5_000)
        await engine.handle(ready.conversation_id, request("render"), hopeless)
        await engine.wait_idle()
        assert hopeless.videos == [] and hopeless.too_bigs == [5_000]
        jobs = await store.jobs_in(list(JobState))
        assert [j.state for j in jobs] == [JobState.DONE] * 3
        await engine.close()
    store.close()


class RefusingPlatform(RecordingSink):
    """A platform that refuses the video (not for its size): the person is told."""

    async def video(self, ready) -> None:
        await self.failed(f"version {ready.version} could not be posted here")
        raise UploadFailed("test", "missing permissions")


class Events:
    def __init__(self) -> None:
        self.seen = []

    async def job_event(self, event) -> None:
        self.seen.append(event)


async def test_a_refused_upload_is_told_counted_and_ends_the_job(tmp_path):
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    voices = {"silent": SilentBackend()}
    events = Events()
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as renderer:
        engine = ConversationEngine(
            store,
            Planner(None),
            Reviser(None),
            renderer,
            videos_dir=tmp_path / "videos",
            render_defaults=SMALL,
            observers=[events],
        )
        sink = RefusingPlatform()
        await engine.start(request(outline=OUTLINE), sink)
        await engine.wait_idle()
        assert sink.failures == ["version 1 could not be posted here"]
        [refused] = [e for e in events.seen if e.kind.value == "upload_failed"]
        assert (refused.platform, refused.detail, refused.version) == (
            "test",
            "missing permissions",
            1,
        )
        [job] = await store.jobs_in(list(JobState))
        assert job.state is JobState.DONE  # delivered with a reason: not rendered again
        await engine.close()
    store.close()


class TripsWhenStopped(Renderer):
    """A renderer with a step that turns being cancelled into an error of its own (as a child
    process killed mid-write, or a working folder removed under a thread, can)."""

    async def render(self, *args, **kwargs):  # type: ignore[override]
        try:
            return await super().render(*args, **kwargs)
        except asyncio.CancelledError:
            raise EncodeError("ffmpeg failed while joining: exit code -9") from None


async def test_a_render_that_trips_while_being_stopped_is_stopped_not_failed(tmp_path):
    """A stop for a restart leaves it to resume (and its sink hears "paused", after the render
    stopped); a cancel marks it cancelled. Neither says the render failed."""
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    states = []
    for stop in ("restart", "cancel"):
        gate = Gate()
        cache = AssetCache(tmp_path / stop)
        with TripsWhenStopped(gate, {"silent": SilentBackend()}, cache) as renderer:
            engine = engine_for(store, renderer, tmp_path)
            sink = RecordingSink()
            # (someone else each time: the first one's render is still the one in the works)
            record = await engine.start(Incoming("test", stop, "", "w", outline=OUTLINE), sink)
            await gate.reached()
            if stop == "restart":
                await engine.close(resume_later=True)
                assert sink.updates[-1].state == "paused"
            else:
                assert await engine.queue.cancel(record.id)
                await engine.queue.wait_idle()
                await engine.close()
            gate.open.set()
            job = await store.latest_job(record.id)
            assert job is not None and sink.failures == []
            states.append(job.state)
    assert states == [JobState.RUNNING, JobState.CANCELLED]
    store.close()
