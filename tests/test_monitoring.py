"""Seen from outside: the engine's job events, the lifecycle log lines, the metrics served over
real HTTP in Prometheus' format (read back with prometheus_client's own parser), /healthz, and
chat-video retention, all around real renders, the real store and the real agent."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from agent import Planner, Reviser, StructuredChat, build_chat_model
from bot.engine import ConversationEngine, JobEvent, JobEventKind
from bot.logs import JsonFormatter, RedactSecrets, configure_logging, secrets_of
from bot.metrics import Metrics
from bot.monitor import Monitor, MonitorServer
from bot.retention import VideoRetention
from bot.settings import Settings
from bot.store import JobState, Store
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from tests.agent_helpers import KEY, deck_draft
from tests.fakes.openai_chat import Reply

from .test_engine import EXAMPLE, GatedImages, RecordingSink, msg

SMALL = RenderOptions(resolution=360, default_voice="silent")


class Recorder:
    def __init__(self) -> None:
        self.events: list[JobEvent] = []

    async def job_event(self, event: JobEvent) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [e.kind.value for e in self.events if e.kind is not JobEventKind.UPLOAD_FAILED]


class Broken:
    async def job_event(self, event: JobEvent) -> None:
        raise RuntimeError("an observer that always fails")


class FailingPictures(ProceduralBackend):
    """Every picture fails, and so does the procedural fallback: the render fails."""

    def generate(self, requests):
        raise OSError("the picture server is on fire")


@pytest.fixture
async def world(tmp_path, fake_openai):
    store = await Store.open(f"sqlite:///{tmp_path / 'deckcast.db'}")
    renderer = Renderer(
        ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(tmp_path / "cache")
    )
    metrics = Metrics()
    metrics.watch_cache(renderer.cache)
    recorder = Recorder()
    model = build_chat_model(
        model="fake-model",
        base_url=fake_openai.base_url,
        api_key=KEY,
        timeout=5,
        callbacks=metrics.llm_callbacks(),  # as build_llm(settings, callbacks=...) does
    )
    chat = StructuredChat(model)
    engine = ConversationEngine(
        store,
        Planner(chat, backoff=0.01),
        Reviser(chat, backoff=0.01),
        renderer,
        videos_dir=tmp_path / "videos",
        render_defaults=SMALL,
        observers=[Broken(), metrics, recorder, VideoRetention(tmp_path / "videos", store, keep=2)],
    )
    server = MonitorServer(Monitor(store, metrics, {}), host="127.0.0.1", port=0)
    base = await server.start()
    try:
        yield engine, metrics, recorder, store, base, fake_openai
    finally:
        await server.close()
        await engine.close()
        renderer.close()
        store.close()


async def get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_a_render_is_seen_in_the_events_the_log_and_the_metrics(world, caplog):
    engine, _metrics, recorder, _store, base, server = world
    server.script(Reply.rate_limited(0), Reply.json(deck_draft(["Tides", "The moon", "Waves"])))
    sink = RecordingSink()
    with caplog.at_level(logging.INFO, logger="bot.jobs"):
        conversation = await engine.start(msg("explain tides in 3 slides"), sink)
        assert conversation is not None
        await engine.wait_idle()
    assert sink.videos and not sink.failures
    assert recorder.kinds() == ["queued", "started", "done"]
    done = recorder.events[-1]
    assert done.conversation_id == conversation.id and done.version == 1
    assert done.job_id and done.seconds is not None and done.seconds > 0

    lines = [r for r in caplog.records if r.name == "bot.jobs"]
    assert [r.event for r in lines] == ["queued", "started", "done"]
    assert {r.job_id for r in lines} == {done.job_id}
    assert {r.conversation_id for r in lines} == {conversation.id}
    assert f"job {done.job_id} (conversation {conversation.id}, version 1) done in" in (
        lines[-1].getMessage()
    )
    assert any("Broken failed" in r.getMessage() for r in caplog.records)  # and nothing broke

    refused = JobEvent(
        JobEventKind.UPLOAD_FAILED,
        conversation.id,
        version=1,
        detail="not_in_channel",
        platform="slack",
    )
    await engine.observer.job_event(refused)  # what the engine sends when a sink's upload fails
    status, content_type, text = await get(f"{base}/metrics")
    assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
    got = samples(text)
    assert got[("deckcast_jobs", (("state", "done"),))] == 1
    assert got[("deckcast_jobs", (("state", "failed"),))] == 0
    assert got[("deckcast_queue_depth", ())] == 0
    assert got[("deckcast_job_events_total", (("event", "done"),))] == 1
    assert got[("deckcast_render_seconds_count", (("outcome", "done"),))] == 1
    assert got[("deckcast_render_seconds_sum", (("outcome", "done"),))] == pytest.approx(
        done.seconds
    )
    assert got[("deckcast_llm_calls_total", ())] == 2  # the 429, then the answer
    failures = {k[1]: v for k, v in got.items() if k[0] == "deckcast_llm_failures_total"}
    assert failures == {(("reason", "RateLimitError"),): 1}  # (the SDK's name, not LangChain's)
    assert got[("deckcast_upload_failures_total", (("platform", "slack"),))] == 1
    assert got[("deckcast_cache_lookups_total", (("kind", "image"), ("result", "miss")))] == 3
    assert 0 <= got[("deckcast_cache_hit_ratio", ())] < 1

    # The same deck again: everything from the cache, and the ratio says so.
    await engine.handle(conversation.id, msg("render"), sink)
    await engine.wait_idle()
    got = samples((await get(f"{base}/metrics"))[2])
    assert got[("deckcast_cache_lookups_total", (("kind", "segment"), ("result", "hit")))] == 3
    assert got[("deckcast_render_seconds_count", (("outcome", "done"),))] == 2


async def test_failed_cancelled_and_resumed_jobs_are_events_too(tmp_path):
    store = await Store.open(f"sqlite:///{tmp_path / 'deckcast.db'}")
    recorder = Recorder()
    images = GatedImages()
    renderer = Renderer(images, {"silent": SilentBackend()}, AssetCache(tmp_path / "c"))
    engine = ConversationEngine(
        store,
        Planner(None),
        Reviser(None),
        renderer,
        videos_dir=tmp_path / "v",
        render_defaults=SMALL,
        observers=[recorder],
    )
    try:
        sink = RecordingSink()
        conversation = await engine.start(msg(outline=EXAMPLE.read_text()), sink)
        assert conversation is not None
        await asyncio.to_thread(images.started.wait, 30)
        assert await engine.cancel(conversation.id, msg(), sink)
        await engine.wait_idle()
        assert recorder.kinds() == ["queued", "started", "cancelled"]

        # A render that crashes (the picture backend and its fallback both raise).
        renderer.images = renderer.fallback_images = FailingPictures()
        images.gate.set()
        await engine.handle(conversation.id, msg("render"), sink)
        await engine.wait_idle()
        assert recorder.kinds()[3:] == ["queued", "started", "failed"]
        assert recorder.events[-1].detail == "crashed"

        # A job left queued by a "previous process" is resumed at start-up.
        renderer.images = renderer.fallback_images = ProceduralBackend()
        job = await store.add_job(conversation.id, 1, owner="ana", workspace="workspace")
        assert [j.id for j in await engine.recover()] == [job.id]
        await engine.wait_idle()
        assert recorder.kinds()[6:] == ["resumed", "started", "done"]
    finally:
        images.gate.set()
        await engine.close()
        renderer.close()
        store.close()


async def test_healthz_reflects_every_check(tmp_path):
    store = await Store.open(f"sqlite:///{tmp_path / 'data' / 'deckcast.db'}")
    connected = {"up": True}

    async def connection():
        return connected["up"], "connected" if connected["up"] else "reconnecting"

    server = MonitorServer(Monitor(store, None, {"discord": connection}), host="127.0.0.1", port=0)
    base = await server.start()
    try:
        status, _type, text = await get(f"{base}/healthz")
        assert status == 200 and text.startswith("ok\n")
        assert "store: ok (reachable, 0 jobs)" in text and "discord: ok (connected)" in text

        connected["up"] = False
        status, _type, text = await get(f"{base}/healthz?format=json")
        body = json.loads(text)
        assert status == 503 and body["status"] == "unhealthy"
        assert body["checks"]["discord"] == {"ok": False, "detail": "reconnecting"}
        assert body["checks"]["store"]["ok"] is True

        connected["up"] = True
        store.close()  # the database goes away: its folder is gone, a file in its place
        (tmp_path / "data").rename(tmp_path / "moved")
        (tmp_path / "data").write_text("not a folder")
        status, _type, text = await get(f"{base}/healthz")
        assert status == 503 and "store: FAILING" in text
        assert (await get(f"{base}/metrics"))[0] == 404  # no metrics in this process
    finally:
        await server.close()


def version_files(folder: Path, version: int, age: float) -> list[Path]:
    paths = []
    for suffix in (".mp4", ".storyboard.png", ".srt", ".720p.mp4"):
        path = folder / f"v{version}{suffix}"
        path.write_bytes(b"x" * 100)
        os.utime(path, (time.time() - age,) * 2)
        paths.append(path)
    return paths


async def test_retention_keeps_the_last_versions_and_never_an_undelivered_one(tmp_path):
    store = await Store.open(f"sqlite:///{tmp_path / 'deckcast.db'}")
    try:
        from deck import build_deck

        deck = build_deck({"title": "t", "slides": [{"title": "s"}]})
        conversation = await store.create_conversation(platform="x", owner="o", workspace="w")
        for _ in range(6):
            await store.add_version(conversation.id, deck, "v")
        await store.move_to_version(conversation.id, 2)  # an undo back to version 2
        queued = await store.add_job(conversation.id, 1, owner="o", workspace="w")
        folder = tmp_path / "videos" / conversation.id
        folder.mkdir(parents=True)
        files = {v: version_files(folder, v, age=1000 - 100 * v) for v in range(1, 7)}
        (folder / "notes.txt").write_text("not a version file")

        report = await VideoRetention(tmp_path / "videos", store, keep=2).prune(conversation.id)

        kept = {v for v, paths in files.items() if all(p.exists() for p in paths)}
        gone = {v for v, paths in files.items() if not any(p.exists() for p in paths)}
        # the 2 most recent (6, 5), the current one (2), the one with a queued job (1)
        assert kept == {1, 2, 5, 6} and gone == {3, 4}
        assert (report.versions, report.files, report.bytes) == (2, 8, 800)
        assert (folder / "notes.txt").exists()

        await store.set_job_state(queued.id, JobState.DONE)
        await VideoRetention(tmp_path / "videos", store, keep=2).prune_all()
        assert not files[1][0].exists() and files[2][0].exists()
        assert (await VideoRetention(tmp_path / "videos", store, keep=0).prune_all()).files == 0
    finally:
        store.close()


async def test_delivered_renders_prune_the_conversation_to_the_kept_versions(world):
    engine, _metrics, _recorder, _store, _base, _server = world
    sink = RecordingSink()
    conversation = await engine.start(msg(outline=EXAMPLE.read_text()), sink)
    assert conversation is not None
    await engine.wait_idle()
    for change in ("theme dark", "vertical", "delete slide 6"):
        await engine.handle(conversation.id, msg(change), sink)
        await engine.wait_idle()
    folder = engine.videos_dir / conversation.id
    videos = sorted(p.name for p in folder.glob("v*.mp4"))
    assert len(sink.videos) == 4 and videos == ["v3.mp4", "v4.mp4"], videos
    assert not list(folder.glob("v1.*")) and not list(folder.glob("v2.*"))


def test_json_log_lines_carry_the_ids_and_no_secret(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("DECKCAST_LOG_FORMAT", "json")
    monkeypatch.setenv("DISCORD_TOKEN", "discord-secret-token-123")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-key")
    settings = Settings(_env_file=None)
    assert set(secrets_of(settings)) == {"discord-secret-token-123", "sk-very-secret-key"}
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging(settings)
        log = logging.getLogger("bot.jobs")
        log.info(
            "job %s queued",
            "j1",
            extra={"event": "queued", "job_id": "j1", "conversation_id": "c1", "version": 3},
        )
        logging.getLogger("discord.http").warning("token is %s", "discord-secret-token-123")
        try:
            raise RuntimeError("the key sk-very-secret-key was refused")
        except RuntimeError:
            logging.getLogger("agent").exception("model call failed")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    err = capfd.readouterr().err
    assert "discord-secret-token-123" not in err and "sk-very-secret-key" not in err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert lines[0]["message"] == "job j1 queued"
    assert {k: lines[0][k] for k in ("event", "job_id", "conversation_id", "version")} == {
        "event": "queued",
        "job_id": "j1",
        "conversation_id": "c1",
        "version": 3,
    }
    assert lines[0]["level"] == "info" and lines[0]["logger"] == "bot.jobs"
    assert lines[1]["message"] == "token is ***"
    assert "***" in lines[2]["traceback"] and "RuntimeError" in lines[2]["traceback"]


def test_the_redaction_filter_and_formatter_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a %s b", ("hunter22",), None)
    RedactSecrets(["hunter22", "abc"]).filter(record)  # 3 characters: too short to redact
    assert record.getMessage() == "a *** b"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "a *** b" and "job_id" not in entry
