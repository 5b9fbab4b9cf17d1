"""The renderer: a deck becomes an MP4, paying only for what is not in the cache yet.

Per slide the steps are picture -> composed frame -> narration -> encoded segment; each is
keyed by the hash of exactly its inputs. Slides are independent, so their steps run
concurrently (pictures in batches on the picture backend, frames on a thread pool, narration
and encoding as subprocesses), and the video is a stream-copy join of the segments plus one
audio track.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image

from deck import Deck, Layout, Slide, ThemeSpec, theme_spec

from .audio import SAMPLE_RATE, build_timeline
from .cache import AssetCache, asset_key
from .captions import Cue, split_cues, time_cues, to_srt, to_vtt
from .compose import add_caption, compose_slide
from .encode import EncodeSettings, SegmentJob, Still, encode_audio, encode_segments, join
from .errors import RenderError
from .fonts import INSTALL_HINT, FontSet, font_set
from .frame import FrameSpec
from .images.base import ImageBackend, ImageRequest
from .images.procedural import ProceduralBackend
from .layout import auto_layout, image_size
from .narration import DeckNarration, choose_voice
from .options import RenderOptions, RenderResult, SlideTiming, Transition
from .output import check_target, replacing
from .pictures import DeckPictures
from .progress import ProgressCallback, ProgressTally, Stage
from .speech import prepare_for_speech
from .storyboard import write_storyboard
from .voice.base import VoiceBackend

T = TypeVar("T")
COMPOSE_VERSION = 1
SEGMENTS_PER_PROCESS = 3  # one ffmpeg start per few slides; enough processes to fill the cores


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
        self._cpu.shutdown(wait=False, cancel_futures=True)
        self.image_pool.shutdown(wait=False, cancel_futures=True)

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
        job = _Job(self, deck, Path(out), options or RenderOptions(), progress)
        return await job.run()

    async def pictures(self, deck: Deck, options: RenderOptions | None = None) -> list[Path]:
        """Every slide's picture (from the cache, or made now), e.g. for exporting the deck."""
        job = _Job(self, deck, Path("unused.mp4"), options or RenderOptions(), None)
        pictures = job.pictures
        return [path for path, _key in await asyncio.gather(*map(pictures.get, range(job.n)))]

    async def run_cpu(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._cpu, fn, *args)


class _Job:
    """The state of one render."""

    def __init__(
        self,
        renderer: Renderer,
        deck: Deck,
        out: Path,
        options: RenderOptions,
        callback: ProgressCallback | None,
    ) -> None:
        self.r = renderer
        self.cache = renderer.cache
        self.deck = deck
        self.out = out
        self.options = options
        self.n = len(deck.slides)
        self.spec = FrameSpec.of(deck.aspect, options.resolution)
        self.theme: ThemeSpec = theme_spec(deck.theme.name)
        self.fonts: FontSet = font_set(deck.language, options.extra_font)
        self.crossfade = Transition(options.transition) is Transition.CROSSFADE
        self.fps = options.crossfade_fps if self.crossfade else options.fps
        if SAMPLE_RATE % self.fps:
            raise RenderError(
                f"fps {self.fps} must divide {SAMPLE_RATE} (try 1, 2, 4, 5, 8, 12, 24 or 25)"
            )
        self.settings = EncodeSettings(
            self.fps,
            options.crf,
            audio_bitrate=options.audio_bitrate,
            max_bitrate=options.max_video_bitrate,
        )
        self.layouts = [auto_layout(slide, i) for i, slide in enumerate(deck.slides)]
        self.requests = [
            self._request(slide, layout)
            for slide, layout in zip(deck.slides, self.layouts, strict=True)
        ]
        self.progress = ProgressTally(callback, self.n)
        self.warnings: list[str] = []
        self.pictures = DeckPictures(renderer, self.requests, self.progress, self.warnings)
        self.narration = DeckNarration(renderer, deck, self.progress, self.warnings)
        self.stage_seconds: dict[str, float] = {}
        self._frames: dict[int, asyncio.Task[tuple[Path, str]]] = {}
        self._storyboard_task: asyncio.Task[Path | None] | None = None
        self._frames_done_at = 0.0
        self._tasks: list[asyncio.Future[Any]] = []
        self.missing_glyphs: set[str] = set()

    # -- the whole render ------------------------------------------------------------------

    async def run(self) -> RenderResult:
        started = time.perf_counter()
        check_output(self.out)
        backend, voice, label = await choose_voice(
            self.r.voices, self.deck, self.options, self.warnings
        )
        texts = [
            prepare_for_speech(slide.narration, self.deck.language) for slide in self.deck.slides
        ]
        with tempfile.TemporaryDirectory(prefix="deckcast-") as tmp:
            workdir = Path(tmp)
            narration_tasks = [
                asyncio.ensure_future(self.narration.slide(i, texts[i], backend, voice, workdir))
                for i in range(self.n)
            ]
            frame_tasks = [self.frame(i) for i in range(self.n)]
            frames_done = asyncio.ensure_future(self._gather_frames(frame_tasks))
            self._tasks += [*narration_tasks, frames_done]
            try:
                narrations = await asyncio.gather(*narration_tasks)
                self.stage_seconds["narration"] = time.perf_counter() - started
                timings, slide_frames = self._timings([d for _p, d, _k in narrations])
                cues = self._cues(timings)
                track = asyncio.ensure_future(self._track(narrations, slide_frames, workdir))
                self._tasks.append(track)
                segments = await self._segments(slide_frames, cues)
                frames = await frames_done
                self.stage_seconds["frames"] = self._frames_done_at - started
                audio = await track
                self.stage_seconds["encode"] = time.perf_counter() - started
                await self._join([p for p, _hit in segments], audio, workdir)
                storyboard_path = await self._storyboard_task if self._storyboard_task else None
            except BaseException:
                await self._cancel_all()
                raise
        self.progress.step(Stage.DONE, units=0, message="done")
        srt = vtt = None
        flat_cues = [cue for slide_cues in cues for cue in slide_cues]
        if self.options.subtitles:
            srt = _write_text(self.out.with_suffix(".srt"), to_srt(flat_cues))
            vtt = _write_text(self.out.with_suffix(".vtt"), to_vtt(flat_cues))
        if self.missing_glyphs:
            chars = "".join(sorted(self.missing_glyphs))[:20]
            self.warnings.append(
                f"no installed font can draw these characters: {chars}; {INSTALL_HINT}"
            )
        self.stage_seconds["total"] = time.perf_counter() - started
        return RenderResult(
            video=self.out,
            duration=sum(t.duration for t in timings),
            size_bytes=self.out.stat().st_size,
            slides=self.n,
            slides_from_cache=sum(1 for _p, hit in segments if hit),
            timings=timings,
            frames=[p for p, _k in frames],
            pictures=[self.pictures.paths.get(i) for i in range(self.n)],
            narration=[p for p, _d, _k in narrations],
            voice=label,
            storyboard=storyboard_path,
            srt=srt,
            vtt=vtt,
            warnings=self.warnings,
            stage_seconds=self.stage_seconds,
        )

    async def _cancel_all(self) -> None:
        """Stop every step still running (subprocesses are killed) before temp files go."""
        tasks = [*self._tasks, *self.pictures.tasks(), *self._frames.values()]
        tasks += [self._storyboard_task] if self._storyboard_task else []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _gather_frames(
        self, tasks: list[Awaitable[tuple[Path, str]]]
    ) -> list[tuple[Path, str]]:
        frames = list(await asyncio.gather(*tasks))
        self._frames_done_at = time.perf_counter()
        if self.options.storyboard:
            task = asyncio.ensure_future(self._storyboard(frames))
            self._storyboard_task = task
            self._tasks.append(task)
        return frames

    # -- pictures --------------------------------------------------------------------------

    def _request(self, slide: Slide, layout: Layout) -> ImageRequest:
        prompt = slide.image_prompt
        if self.deck.theme.style:
            prompt = f"{prompt}, {self.deck.theme.style}"
        return ImageRequest(
            prompt, slide.image_seed, image_size(layout, self.spec), self.theme.palette.art
        )

    # -- frames ----------------------------------------------------------------------------

    def frame(self, i: int) -> asyncio.Task[tuple[Path, str]]:
        if i not in self._frames:
            self._frames[i] = asyncio.ensure_future(self._frame(i))
        return self._frames[i]

    def _frame_key(self, i: int, image_key: str) -> str:
        slide = self.deck.slides[i]
        return asset_key(
            step="frame",
            version=COMPOSE_VERSION,
            image=image_key,
            title=slide.title,
            bullets=slide.bullets,
            layout=self.layouts[i].value,
            theme=self.theme.name,
            palette=list(vars_of(self.theme.palette)),
            size=list(self.spec.size),
            captions=self.options.captions,
            language=self.deck.language,
            font=self.options.extra_font,
        )

    async def _frame(self, i: int) -> tuple[Path, str]:
        key = self._frame_key(i, self.pictures.keys[i])
        cached = self.cache.lookup("frame", key, "png")
        if cached is not None:
            self.progress.step(Stage.IMAGES, i + 1, message="picture not needed", units=1)
            self.progress.step(Stage.FRAMES, i + 1, message="frame from cache")
            return cached, key
        picture_path, image_key = await self.pictures.get(i)
        key = self._frame_key(i, image_key)

        def compose() -> tuple[Path, set[str]]:
            with Image.open(picture_path) as picture:
                composed = compose_slide(
                    self.deck.slides[i],
                    self.layouts[i],
                    picture,
                    self.theme,
                    self.spec,
                    self.fonts,
                    captions=self.options.captions,
                )
            return self.cache.store_image("frame", key, composed.image), composed.missing_glyphs

        path, missing = await self.r.run_cpu(compose)
        self.missing_glyphs |= missing
        self.progress.step(Stage.FRAMES, i + 1, message="frame composed")
        return path, key

    async def _storyboard(self, frames: list[tuple[Path, str]]) -> Path | None:
        target = self.out.with_suffix(".storyboard.png")
        titles = [slide.title for slide in self.deck.slides]
        await self.r.run_cpu(
            write_storyboard, self.cache, frames, titles, self.deck, self.theme, self.fonts, target
        )
        self.progress.step(Stage.STORYBOARD, units=0, message="storyboard ready", artifact=target)
        return target

    # -- narration -------------------------------------------------------------------------

    def _timings(self, narrations: list[float]) -> tuple[list[SlideTiming], list[int]]:
        pause = max(
            self.options.pause_seconds, self.options.crossfade_seconds if self.crossfade else 0.0
        )
        timings: list[SlideTiming] = []
        frames: list[int] = []
        start = 0.0
        for seconds in narrations:
            count = max(1, math.ceil((seconds + pause) * self.fps - 1e-9))
            duration = count / self.fps
            timings.append(SlideTiming(start, duration, seconds))
            frames.append(count)
            start += duration
        return timings, frames

    def _cues(self, timings: list[SlideTiming]) -> list[list[Cue]]:
        cues: list[list[Cue]] = []
        for slide, timing in zip(self.deck.slides, timings, strict=True):
            texts = split_cues(slide.narration)
            cues.append(time_cues(texts, timing.start, timing.narration) if texts else [])
        return cues

    async def _track(
        self, narrations: list[tuple[Path, float, str]], frames: list[int], workdir: Path
    ) -> Path:
        samples = [count * SAMPLE_RATE // self.fps for count in frames]
        key = asset_key(
            step="track",
            narration=[k for _p, _d, k in narrations],
            samples=samples,
            bitrate=self.settings.audio_bitrate,
        )
        cached = self.cache.lookup("track", key, "m4a")
        if cached is not None:
            return cached
        wav = workdir / "narration.wav"
        await self.r.run_cpu(
            build_timeline,
            wav,
            [(p, n) for (p, _d, _k), n in zip(narrations, samples, strict=True)],
        )
        async with self.r.process_slots():
            with self.cache.writing("track", key, "m4a") as tmp:
                await encode_audio(wav, tmp, self.settings)
        return self.cache.path("track", key, "m4a")

    # -- encoding --------------------------------------------------------------------------

    async def _make_stills(
        self, i: int, frames: int, cues: list[Cue], timing_start: float
    ) -> list[tuple[Still, str]]:
        frame_path, frame_key = await self.frame(i)
        if not self.options.captions or not cues:
            return [(Still(frame_path, frames), frame_key)]
        bounds = [
            max(0, min(frames, round((cue.start - timing_start) * self.fps))) for cue in cues
        ] + [frames]
        bounds[0] = 0
        stills: list[tuple[Still, str]] = []
        for cue, begin, end in zip(cues, bounds, bounds[1:], strict=False):
            if end <= begin:
                continue
            key = asset_key(
                step="caption", frame=frame_key, text=cue.text, size=list(self.spec.size)
            )
            path = self.cache.lookup("caption", key, "png")
            if path is None:

                def draw(text: str = cue.text, key: str = key) -> Path:
                    with Image.open(frame_path) as base:
                        composed = add_caption(base.convert("RGB"), text, self.spec, self.fonts)
                    self.missing_glyphs.update(composed.missing_glyphs)
                    return self.cache.store_image("caption", key, composed.image)

                path = await self.r.run_cpu(draw)
            stills.append((Still(path, end - begin), key))
        return stills

    async def _segments(
        self, slide_frames: list[int], cues: list[list[Cue]]
    ) -> list[tuple[Path, bool]]:
        """Every slide's encoded segment: from the cache, or encoded now, a few slides per
        ffmpeg process (fewer process starts, still several processes for the cores)."""
        stills = await asyncio.gather(
            *(
                self._make_stills(i, slide_frames[i], cues[i], cues[i][0].start if cues[i] else 0.0)
                for i in range(self.n)
            )
        )
        results: dict[int, tuple[Path, bool]] = {}
        missing: list[tuple[int, str, list[Still], Still | None]] = []
        fade_frames = max(1, round(self.options.crossfade_seconds * self.fps))
        for i in range(self.n):
            fade: tuple[Still, str] | None = None
            if self.crossfade and i + 1 < self.n:
                first, first_key = stills[i + 1][0]
                fade = (Still(first.path, fade_frames), first_key)
            key = asset_key(
                step="segment",
                stills=[[k, s.frames] for s, k in stills[i]],
                fade=[fade[1], fade[0].frames] if fade else None,
                settings=vars_of(self.settings),
                size=list(self.spec.size),
            )
            cached = self.cache.lookup("segment", key, "mp4")
            if cached is not None:
                results[i] = (cached, True)
                self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide from cache")
            else:
                missing.append((i, key, [s for s, _k in stills[i]], fade[0] if fade else None))

        async def encode(chunk: list[tuple[int, str, list[Still], Still | None]]) -> None:
            async with self.r.process_slots():
                with contextlib.ExitStack() as stack:
                    jobs = [
                        SegmentJob(
                            slide_stills,
                            stack.enter_context(self.cache.writing("segment", key, "mp4")),
                            fade,
                        )
                        for _i, key, slide_stills, fade in chunk
                    ]
                    await encode_segments(jobs, self.settings)
            for i, key, _stills, _fade in chunk:
                results[i] = (self.cache.path("segment", key, "mp4"), False)
                self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide encoded")

        size = SEGMENTS_PER_PROCESS
        await asyncio.gather(*(encode(missing[k : k + size]) for k in range(0, len(missing), size)))
        return [results[i] for i in range(self.n)]

    async def _join(self, segments: list[Path], audio: Path, workdir: Path) -> None:
        with replacing(self.out) as tmp:
            await join(segments, audio, tmp, title=self.deck.title, workdir=workdir)
        self.progress.step(Stage.JOIN, message="video ready")


def vars_of(obj: Any) -> dict[str, Any]:
    """The fields of a slotted dataclass as a dict (for cache keys)."""
    return {name: getattr(obj, name) for name in obj.__slots__}


def check_output(out: Path) -> None:
    """Fail before any work if ``out`` cannot be written."""
    check_target(out, ".mp4")


def _write_text(path: Path, text: str) -> Path:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
