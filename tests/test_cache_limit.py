"""The asset cache under a cap: least recently used entries go, pinned ones never; real
renders under a tiny cap, evictions during a render, and pins held by another process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image

from deck import build_deck
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from render.eviction import PINS_DIR, pins_of_other_renders
from tests.probe import probe

SMALL = RenderOptions(resolution=360)


def put(cache: AssetCache, kind: str, key: str, size: int, age: float) -> Path:
    """An entry of ``size`` bytes last used ``age`` seconds ago."""
    with cache.writing(kind, key, "bin") as tmp:
        tmp.write_bytes(b"x" * size)
    path = cache.path(kind, key, "bin")
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def usage_bytes(cache: AssetCache) -> int:
    return sum(u.bytes for u in cache.usage().values())


def test_trim_removes_least_recently_used_entries_first(tmp_path):
    cache = AssetCache(tmp_path / "c")
    old = put(cache, "image", "aa01", 1000, age=300)
    middle = put(cache, "frame", "bb02", 1000, age=200)
    recent = put(cache, "segment", "cc03", 1000, age=100)
    assert cache.lookup("image", "aa01", "bin") == old  # a hit makes it the most recent

    report = cache.trim(2000)

    assert not middle.exists() and old.exists() and recent.exists()
    assert (report.removed_entries, report.removed_bytes, report.kept_bytes) == (1, 1000, 2000)
    assert cache.evicted_entries == 1


def test_an_entry_goes_with_all_its_files(tmp_path):
    cache = AssetCache(tmp_path / "c")
    wav = put(cache, "narration", "dd04", 500, age=100)
    cache.write_meta("narration", "dd04", {"duration": 1.0})
    meta = cache.path("narration", "dd04", "json")
    os.utime(meta, (time.time() - 100,) * 2)
    put(cache, "narration", "ee05", 500, age=10)

    cache.trim(600)

    assert not wav.exists() and not meta.exists()
    assert cache.usage()["narration"].entries == 1


def test_pinned_entries_stay_and_concurrent_views_pin_separately(tmp_path):
    cache = AssetCache(tmp_path / "c")
    a = put(cache, "image", "aa01", 1000, age=300)
    b = put(cache, "image", "bb02", 1000, age=200)
    c = put(cache, "image", "cc03", 1000, age=100)
    first, second = cache.pinning(), cache.pinning()
    assert first.lookup("image", "aa01", "bin") == a
    assert second.lookup("image", "bb02", "bin") == b
    assert first.lookup("image", "bb02", "bin") == b  # pinned twice

    report = cache.trim(0)
    assert a.exists() and b.exists() and not c.exists()
    assert report.pinned_bytes == 2000

    second.close()  # b is still pinned by the first view
    cache.trim(0)
    assert a.exists() and b.exists()
    first.close()
    cache.trim(0)
    assert not a.exists() and not b.exists()
    assert not list((cache.root / PINS_DIR).iterdir())  # closed views leave no pin file


def test_a_missing_entry_is_pinned_before_it_is_written(tmp_path):
    cache = AssetCache(tmp_path / "c")
    with cache.pinning() as view:
        assert view.lookup("frame", "ff06", "png") is None
        path = view.store_image("frame", "ff06", Image.new("RGB", (8, 8)))
        cache.trim(0)
        assert path.exists()
    cache.trim(0)
    assert not path.exists()


def test_pins_of_another_process_are_honoured_and_dead_ones_are_not(tmp_path):
    root = tmp_path / "c"
    cache = AssetCache(root)
    held = put(cache, "image", "aa01", 1000, age=300)
    loose = put(cache, "image", "bb02", 1000, age=200)
    script = textwrap.dedent(
        f"""
        import sys
        from render import AssetCache
        view = AssetCache({str(root)!r}).pinning()
        assert view.lookup("image", "aa01", "bin") is not None
        print("pinned", flush=True)
        sys.stdin.readline()
        view.close()
        """
    )
    other = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "pinned"
        cache.trim(0)
        assert held.exists() and not loose.exists()
    finally:
        other.kill()  # dies without closing its view: its pin file is left behind
        other.wait()
    assert ("image", "aa01") not in pins_of_other_renders(root)  # stale: its pid is gone
    cache.trim(0)
    assert not held.exists()


def deck(n: int, topic: str):
    return build_deck(
        {
            "title": topic,
            "slides": [
                {"title": f"{topic} {i}", "bullets": [f"point {i}"], "narration": f"Slide {i}."}
                for i in range(1, n + 1)
            ],
        }
    )


class EvictingPictures(ProceduralBackend):
    """Pictures as usual, but every batch first empties the cache of all it may: an eviction
    (by another render, another process, `deckcast cache prune`) in the middle of a render."""

    def __init__(self) -> None:
        super().__init__()
        self.cache: AssetCache | None = None
        self.trims = 0

    def generate(self, requests):
        if self.cache is not None:
            self.cache.trim(0)
            self.trims += 1
        return super().generate(requests)


def test_a_render_under_a_tiny_cap_succeeds_and_leaves_the_cache_under_it(tmp_path):
    cap = 200_000  # smaller than one render's own pictures, frames and segments
    cache = AssetCache(tmp_path / "cache", max_bytes=cap)
    pictures = EvictingPictures()
    pictures.cache = cache
    warm = deck(3, "Warm")
    with Renderer(pictures, {"silent": SilentBackend()}, cache) as renderer:
        opts = RenderOptions(resolution=360, voice="silent")
        first = asyncio.run(renderer.render(warm, tmp_path / "a.mp4", opts))
        assert usage_bytes(cache) <= cap

        # Two renders at once (one of them finds part of its work in the cache) while every
        # picture batch evicts all it can: neither loses an entry it is using.
        async def both():
            return await asyncio.gather(
                renderer.render(warm, tmp_path / "b.mp4", opts),
                renderer.render(deck(4, "Cold"), tmp_path / "c.mp4", opts),
            )

        second, third = asyncio.run(both())
        assert pictures.trims >= 3
        for result, slides in ((first, 3), (second, 3), (third, 4)):
            info = probe(result.video)
            assert info.stream("video") and info.stream("audio"), result.video
            assert abs(info.duration - result.duration) <= 0.1
            assert result.slides == slides
        assert usage_bytes(cache) <= cap
        assert cache.evicted_entries > 0
        assert not list((cache.root / PINS_DIR).iterdir())


@pytest.mark.parametrize("cap", [None, 50_000_000])
def test_a_cache_under_its_cap_keeps_everything(tmp_path, cap):
    cache = AssetCache(tmp_path / "cache", max_bytes=cap)
    with Renderer(ProceduralBackend(), {"silent": SilentBackend()}, cache) as renderer:
        opts = RenderOptions(resolution=360, voice="silent")
        asyncio.run(renderer.render(deck(2, "Keep"), tmp_path / "a.mp4", opts))
        before = usage_bytes(cache)
        again = asyncio.run(renderer.render(deck(2, "Keep"), tmp_path / "b.mp4", opts))
    assert again.slides_from_cache == 2 and usage_bytes(cache) == before
    assert cache.evicted_entries == 0
    kinds = cache.usage()
    assert {"image", "frame", "narration", "segment", "track"} <= set(kinds)
