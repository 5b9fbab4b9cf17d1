"""Renders on a local Ray cluster started by the tests: same results as local rendering,
pictures batched across renders, and workers killed with real signals mid-work."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from bot.execution import LocalExecutor
from bot.settings import Settings
from deck import EditSlide, apply, build_deck, parse_outline
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from tests.probe import probe

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'deckcast[ray]')")

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "photosynthesis.md"
OPTIONS = RenderOptions(resolution=360, default_voice="silent")


class SlowPictures(ProceduralBackend):
    """Procedural pictures that take a while per batch, so a test can kill a worker mid-batch.
    Built inside the Ray actors from settings (hence a class that Ray can import)."""

    def __init__(self, settings: object) -> None:
        super().__init__()

    def generate(self, requests):
        time.sleep(1.5)
        return super().generate(requests)


class CountingPictures(ProceduralBackend):
    def __init__(self, settings: object) -> None:
        super().__init__()


@pytest.fixture(scope="module")
def ray_cluster():
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        _node_ip_address="127.0.0.1",
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}},
    )
    yield
    ray.shutdown()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("DECKCAST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DECKCAST_VOICE", "silent")
    monkeypatch.setenv("DECKCAST_RENDER_WORKERS", "1")
    # the workers build their picture backend from settings; the local renderers here paint
    # procedural pictures, and the tests compare the two through the shared cache
    monkeypatch.setenv("DECKCAST_IMAGE_BACKEND", "procedural")
    return Settings()


def _executor(settings, **kwargs):
    from bot.execution.ray_executor import RayExecutor

    return RayExecutor(settings, **kwargs)


def deck_of(name: str, slides: int = 5):
    return build_deck(
        {
            "title": name,
            "slides": [
                {
                    "title": f"{name} {i}",
                    "bullets": ["a point"],
                    "image_prompt": f"{name} picture {i}",
                }
                for i in range(slides)
            ],
        }
    )


def test_ray_renders_what_the_local_executor_renders(ray_cluster, settings, tmp_path):
    deck = parse_outline(EXAMPLE.read_text())
    executor = _executor(settings, workers=1)
    try:
        events = []
        result = asyncio.run(executor.render(deck, tmp_path / "ray.mp4", OPTIONS, events.append))
        health = asyncio.run(executor.health())
    finally:
        asyncio.run(executor.close())
    assert result.slides == 6 and result.slides_from_cache == 0
    assert events and events[-1].stage.value == "done"
    assert {h.kind for h in health} >= {"node", "render worker", "picture worker"} and all(
        h.alive for h in health
    )
    # The same deck rendered here, on the same cache: every slide is already there.
    with Renderer(
        ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(settings.cache_dir)
    ) as renderer:
        local = asyncio.run(LocalExecutor(renderer).render(deck, tmp_path / "local.mp4", OPTIONS))
    assert local.slides_from_cache == 6
    assert probe(tmp_path / "ray.mp4").duration == probe(tmp_path / "local.mp4").duration
    assert (tmp_path / "ray.mp4").read_bytes() == (tmp_path / "local.mp4").read_bytes()


def test_pictures_of_concurrent_renders_share_batches(ray_cluster, settings, tmp_path):
    decks = [deck_of(f"deck{i}") for i in range(4)]
    batch = 8
    executor = _executor(settings, workers=2, batch_size=batch, pictures=CountingPictures)

    async def all_at_once():
        return await asyncio.gather(
            *(executor.render(d, tmp_path / f"{i}.mp4", OPTIONS) for i, d in enumerate(decks))
        )

    try:
        results = asyncio.run(all_at_once())
        stats = asyncio.run(executor.picture_stats())
    finally:
        asyncio.run(executor.close())
    frames = sum(len(d.slides) for d in decks)
    calls = sum(s["calls"] for s in stats)
    assert sum(s["pictures"] for s in stats) == frames
    assert calls <= math.ceil(frames / batch) + len(decks), stats
    assert all(r.slides == 5 for r in results)


def _kill_when(predicate, pid_of, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            os.kill(pid_of(), signal.SIGKILL)
            return
        time.sleep(0.05)
    raise AssertionError("the moment to kill never came")


def test_a_picture_worker_killed_mid_batch_is_restarted_and_the_render_completes(
    ray_cluster, settings, tmp_path
):
    executor = _executor(settings, workers=1, pictures=SlowPictures)
    deck = deck_of("killed", 4)
    pid = ray.get(executor.services[0].describe.remote())["pid"]
    started = threading.Event()

    def busy() -> bool:
        info = ray.get(executor.services[0].describe.remote())
        return info["calls"] >= 1  # a batch is being painted (it takes 1.5 s)

    killer = threading.Thread(target=lambda: (_kill_when(busy, lambda: pid), started.set()))
    killer.start()
    try:
        result = asyncio.run(executor.render(deck, tmp_path / "x.mp4", OPTIONS))
        killer.join()
        after = ray.get(executor.services[0].describe.remote())
    finally:
        asyncio.run(executor.close())
    assert started.is_set() and after["pid"] != pid  # it was restarted
    assert result.slides == 4 and not result.warnings  # every slide has its real picture


def test_a_render_worker_killed_mid_render_resumes_from_the_cache(ray_cluster, settings, tmp_path):
    executor = _executor(settings, workers=1, pictures=SlowPictures)
    pid = ray.get(executor.workers[0].ping.remote())["pid"]
    events = []
    try:
        first = parse_outline(EXAMPLE.read_text())
        warm = asyncio.run(executor.render(first, tmp_path / "a.mp4", OPTIONS))  # fills the cache
        edited = apply(first, [EditSlide(slide=2, bullets=["one new bullet"])])
        killer = threading.Thread(
            target=_kill_when,
            args=(lambda: any(e.stage.value == "frames" for e in events), lambda: pid),
        )
        killer.start()
        result = asyncio.run(executor.render(edited, tmp_path / "b.mp4", OPTIONS, events.append))
        killer.join()
        new_pid = ray.get(executor.workers[0].ping.remote())["pid"]
    finally:
        asyncio.run(executor.close())
    assert warm.slides == 6 and new_pid != pid
    assert result.slides == 6 and result.slides_from_cache >= 5
    assert probe(tmp_path / "b.mp4").duration == pytest.approx(result.duration, abs=0.1)
