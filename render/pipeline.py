"""The renderer: a deck becomes an MP4, paying only for what is not in the cache yet.

Per slide the steps are picture -> composed frame -> narration -> encoded segment, each a
stage of its own (``pictures``, ``frames``, ``narration``, ``segments``) keyed by the hash of
exactly its inputs, all planned up front (``plan``). Slides are independent, so their steps
run concurrently (pictures in batches on the picture backend, frames on a thread pool,
narration and encoding as subprocesses), and the video is a stream-copy join of the segments
plus one audio track. :meth:`Renderer.render` runs the stages in order, as a diffusers
pipeline's ``__call__`` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from deck import Deck, Layout

from .cache import AssetCache, CacheView
from .captions import Cue, slide_cues, to_srt, to_vtt
from .fonts import missing_glyphs_warning
from .frames import DeckFrames
from .images.base import ImageBackend
from .images.procedural import ProceduralBackend
from .music import DeckMusic, check_music
from .narration import DeckNarration, choose_voice, slide_timings
from .options import RenderOptions, RenderResult
from .output import check_target, write_text
from .pictures import DeckPictures
from .plan import RenderPlan
from .progress import ProgressCallback, ProgressTally, Stage
from .segments import DeckSegments
from .stage import RenderRun
from .voice.base import VoiceBackend

T = TypeVar("T")


class Renderer:
    """Renders decks. Build one per process and reuse it: it owns the worker threads, and the
    picture backend it holds keeps its model loaded between renders."""

    def __init__(
        self,
        images: ImageBackend,
        voices: dict[str, VoiceBackend],
        cache: AssetCache,
        *,
        workers: int | None = None,
        fallback_images: ImageBackend | None = None,
    ) -> None:
        self.images = images
        self.voices = voices
        self.cache = cache
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.fallback_images = fallback_images or ProceduralBackend()
        self._cpu = ThreadPoolExecutor(self.workers, thread_name_prefix="deckcast-cpu")
        self.image_pool = ThreadPoolExecutor(
            max(1, images.concurrency), thread_name_prefix="deckcast-img"
        )
        self._slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        self._voice_slots: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Semaphore] = {}

    def close(self) -> None:
        """Stop the worker threads and let backends that hold a connection close it."""
        self._cpu.shutdown(wait=False, cancel_futures=True)
        self.image_pool.shutdown(wait=False, cancel_futures=True)
        for backend in (self.images, self.fallback_images):
            close = getattr(backend, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def process_slots(self) -> asyncio.Semaphore:
        """Bounds concurrent ffmpeg/voice subprocesses across all renders on this loop."""
        loop = asyncio.get_running_loop()
        if loop not in self._slots:
            self._slots[loop] = asyncio.Semaphore(self.workers)
        return self._slots[loop]

    def voice_slots(self, backend: VoiceBackend) -> asyncio.Semaphore:
        """Bounds one voice backend's syntheses in flight (its ``concurrency``: requests to a
        speech server, espeak-ng processes) across all renders on this loop."""
        key = (asyncio.get_running_loop(), backend.name)
        if key not in self._voice_slots:
            self._voice_slots[key] = asyncio.Semaphore(max(1, backend.concurrency))
        return self._voice_slots[key]

    async def render(
        self,
        deck: Deck,
        out: Path,
        options: RenderOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> RenderResult:
        """Render ``deck`` to the MP4 ``out`` (plus storyboard and subtitles beside it)."""
        # 1. Plan and check everything that can fail before any work is done.
        plan = RenderPlan.of(deck, options or RenderOptions(), self.images)
        deck = plan.deck  # with the language its text is in (see render.language)
        started = time.perf_counter()
        out = Path(out)
        check_output(out)
        music = plan.options.music
        music_id = await check_music(music) if music is not None else None
        warnings: list[str] = []
        backend, voice, label = await choose_voice(self.voices, deck, plan.options, warnings)

        # 2. The stages; each finds its work in the cache or does it, and reports progress.
        #    Every cache entry the render touches stays pinned (never evicted) until it ends.
        with self.cache.pinning() as cache:
            run = RenderRun(self, plan, ProgressTally(progress, plan.slides), warnings, cache)
            pictures = DeckPictures(run)
            frames = DeckFrames(run, pictures)
            narration = DeckNarration(run)
            segments = DeckSegments(run, frames)
            seconds: dict[str, float] = {}
            # (A cancelled step's thread may still be writing here: see _clear.)
            with tempfile.TemporaryDirectory(prefix="deckcast-", ignore_cleanup_errors=True) as tmp:
                workdir = Path(tmp)
                try:
                    # 3. Narration and frames (pictures on demand) side by side; the narration's
                    #    lengths time the slides and the captions.
                    spoken = narration.start(backend, voice, workdir)
                    board = out.with_suffix(".storyboard.png") if plan.options.storyboard else None
                    composed = frames.start(storyboard=board)
                    narrations = await asyncio.gather(*spoken)
                    seconds["narration"] = time.perf_counter() - started
                    timings, counts = slide_timings(plan, [d for _p, d, _k in narrations])
                    cues = slide_cues(
                        [slide.narration for slide in deck.slides],
                        timings,
                        narration.sentence_spans(),
                    )

                    # 4. The audio track beside the segments, then the join.
                    track = narration.track(narrations, counts, workdir)
                    encoded = await segments.encode(counts, cues)
                    frame_files = await composed
                    seconds["frames"] = frames.done_at - started
                    audio = await track
                    if music is not None and music_id is not None:  # the video is untouched
                        audio = await DeckMusic(run).mix(
                            music, music_id, narrations, counts, workdir
                        )
                    seconds["encode"] = time.perf_counter() - started
                    await segments.join(
                        out, [p for slide in encoded for p in slide.paths], audio, workdir
                    )
                    storyboard = await frames.storyboard()
                except BaseException:
                    await _cancel([*pictures.tasks(), *frames.tasks(), *narration.tasks()])
                    await _clear(workdir)
                    raise
        # Back under the cap (when this render took the cache past it), off the event loop.
        await self.run_cpu(self.cache.settle)
        run.progress.step(Stage.DONE, units=0, message="done")

        # 5. Subtitles beside the video, and the summary.
        srt, vtt = _subtitles(out, cues) if plan.options.subtitles else (None, None)
        if frames.missing_glyphs:
            warnings.append(missing_glyphs_warning(frames.missing_glyphs))
        warnings += shortened_warnings(frames.shortened)
        if plan.slides == 1 and plan.layouts[0] is Layout.TITLE:
            warnings.append(
                "the deck is only a title slide; add slides with '## Heading' lines (or ask for "
                "more) to say more than the title"
            )
        seconds["total"] = time.perf_counter() - started
        return RenderResult(
            video=out,
            duration=sum(t.duration for t in timings),
            size_bytes=out.stat().st_size,
            slides=plan.slides,
            slides_from_cache=sum(1 for slide in encoded if slide.cached),
            timings=timings,
            frames=[path for path, _key in frame_files],
            pictures=[pictures.paths.get(i) for i in range(plan.slides)],
            narration=[path for path, _d, _k in narrations],
            voice=label,
            storyboard=storyboard,
            srt=srt,
            vtt=vtt,
            warnings=warnings,
            stage_seconds=seconds,
        )

    async def pictures(
        self, deck: Deck, options: RenderOptions | None = None, *, cache: CacheView | None = None
    ) -> list[Path]:
        """Every slide's picture (from the cache, or made now), e.g. for exporting the deck.
        The paths stay valid while ``cache`` (a view of :meth:`AssetCache.pinning`) is open;
        without one, only until the cache is next trimmed."""
        plan = RenderPlan.of(deck, options or RenderOptions(), self.images)
        with contextlib.ExitStack() as stack:
            view = cache or stack.enter_context(self.cache.pinning())
            run = RenderRun(self, plan, ProgressTally(None, plan.slides), [], view)
            pictures = DeckPictures(run)
            got = await asyncio.gather(*map(pictures.get, range(plan.slides)))
        return [path for path, _key in got]

    async def run_cpu(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._cpu, fn, *args)


async def _cancel(tasks: list[asyncio.Future[Any]]) -> None:
    """Stop every step still running (subprocesses are killed) before temp files go."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _clear(workdir: Path, *, within: float = 5.0) -> None:
    """Remove ``workdir`` after a render stopped: the asyncio steps are cancelled, but a thread
    one of them started (a frame being drawn, a WAV being written) finishes its file on its own,
    so removal is tried again until the folder stays gone. Whatever stopped the render (a
    cancel, a signal) is what the caller sees, never a "directory not empty"."""
    for _try in range(max(1, round(within / 0.05))):
        if _removed(workdir):
            return
        await asyncio.sleep(0.05)


def _removed(folder: Path) -> bool:
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


def _subtitles(out: Path, cues: list[list[Cue]]) -> tuple[Path, Path]:
    """Write the SRT and WebVTT files beside ``out``."""
    flat = [cue for slide_cues in cues for cue in slide_cues]
    return (
        write_text(out.with_suffix(".srt"), to_srt(flat)),
        write_text(out.with_suffix(".vtt"), to_vtt(flat)),
    )


_BLOCK_NAMES = {"title": "the title", "body": "the text", "caption": "the caption"}


def shortened_warnings(shortened: dict[int, tuple[str, ...]]) -> list[str]:
    """One line per slide whose text did not fit its frame even at the smallest size."""
    lines = []
    for i in sorted(shortened):
        what = " and ".join(_BLOCK_NAMES.get(kind, kind) for kind in shortened[i])
        lines.append(
            f"slide {i + 1}: {what} did not fit the frame and ends in '…' (the narration and "
            "the PowerPoint/PDF export keep every word; shorten it to show it all)"
        )
    return lines


def check_output(out: Path) -> None:
    """Fail before any work if ``out`` cannot be written."""
    check_target(out, ".mp4")
