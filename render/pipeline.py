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
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image

from deck import Deck, Layout, Slide, ThemeSpec, theme_spec

from .audio import SAMPLE_RATE, build_timeline, wav_duration
from .cache import AssetCache, asset_key
from .captions import Cue, split_cues, time_cues, to_srt, to_vtt
from .compose import add_caption, compose_slide
from .encode import EncodeSettings, SegmentJob, Still, encode_audio, encode_segments, join
from .errors import EncodeError, ImageError, OutputError, RenderError, VoiceError, VoiceSetupError
from .fonts import INSTALL_HINT, FontSet, font_set
from .frame import FrameSpec, Resolution
from .images.base import ImageBackend, ImageRequest, PartialBatchError
from .images.procedural import ProceduralBackend
from .layout import auto_layout, image_size
from .output import check_target
from .progress import ProgressCallback, ProgressEvent, Stage
from .speech import prepare_for_speech
from .storyboard import THUMB_WIDTH, storyboard, thumbnail
from .voice.base import DeckVoice, VoiceBackend, VoiceChoice
from .voice.espeak import INSTALL_HINT as ESPEAK_HINT
from .voice.finish import FINISH_VERSION, finish_narration

T = TypeVar("T")
COMPOSE_VERSION = 1
SEGMENTS_PER_PROCESS = 3  # one ffmpeg start per few slides; enough processes to fill the cores


class Transition(StrEnum):
    NONE = "none"
    CROSSFADE = "crossfade"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render (not what: that is the deck)."""

    resolution: Resolution | str | int = Resolution.P1080
    captions: bool = False  # burn captions into the picture (SRT/VTT sidecars are always written)
    subtitles: bool = True
    transition: Transition | str = Transition.NONE
    crossfade_seconds: float = 0.5
    fps: int = 2  # slides are stills: a low frame rate costs nothing in quality
    crossfade_fps: int = 24
    pause_seconds: float = 0.7  # silence after each slide's narration
    crf: int = 23
    audio_bitrate: str = (
        "64k"  # mono speech at 24 kHz; AAC-LC is transparent here, and 4x faster than 96k
    )
    max_video_bitrate: str | None = None
    voice: str | None = None  # overrides the deck's voice
    default_voice: str = "espeak"
    storyboard: bool = True
    extra_font: str | None = None


@dataclass(frozen=True, slots=True)
class SlideTiming:
    start: float
    duration: float
    narration: float


@dataclass
class RenderResult:
    video: Path
    duration: float
    size_bytes: int
    slides: int
    slides_from_cache: int
    timings: list[SlideTiming]
    frames: list[Path]
    pictures: list[Path | None]
    narration: list[Path]  # each slide's finished narration WAV (24 kHz mono)
    voice: str
    storyboard: Path | None = None
    srt: Path | None = None
    vtt: Path | None = None
    warnings: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)


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
        self._image_pool = ThreadPoolExecutor(
            max(1, images.concurrency), thread_name_prefix="deckcast-img"
        )
        self._slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        self._voice_slots: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Semaphore] = {}

    def close(self) -> None:
        self._cpu.shutdown(wait=False, cancel_futures=True)
        self._image_pool.shutdown(wait=False, cancel_futures=True)

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
        return [
            path for path, _key in await asyncio.gather(*(job.picture(i) for i in range(job.n)))
        ]

    async def run_cpu(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._cpu, fn, *args)


class _Progress:
    def __init__(self, callback: ProgressCallback | None, slides: int) -> None:
        self.callback = callback
        self.slides = slides
        self.total = 4 * slides + 1
        self.done = 0
        self.slides_done = 0

    def step(
        self,
        stage: Stage,
        slide: int | None = None,
        *,
        slide_done: bool = False,
        message: str = "",
        artifact: Path | None = None,
        units: int = 1,
    ) -> None:
        self.done = min(self.total, self.done + units)
        if slide_done:
            self.slides_done += 1
        if self.callback is not None:
            self.callback(
                ProgressEvent(
                    stage,
                    self.done,
                    self.total,
                    self.slides_done,
                    self.slides,
                    slide,
                    message,
                    artifact,
                )
            )


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
        self.image_keys = [
            asset_key(
                step="image", request=_request_json(req), backend=renderer.images.cache_id(req)
            )
            for req in self.requests
        ]
        self.progress = _Progress(callback, self.n)
        self.warnings: list[str] = []
        self.stage_seconds: dict[str, float] = {}
        self._pictures: dict[int, asyncio.Task[tuple[Path, str]]] = {}
        self._frames: dict[int, asyncio.Task[tuple[Path, str]]] = {}
        self._pending_images: dict[int, asyncio.Future[tuple[Path, str]]] = {}
        self._batcher: asyncio.Task[None] | None = None
        self._storyboard_task: asyncio.Task[Path | None] | None = None
        self._frames_done_at = 0.0
        self._tasks: list[asyncio.Future[Any]] = []
        self.missing_glyphs: set[str] = set()

    # -- the whole render ------------------------------------------------------------------

    async def run(self) -> RenderResult:
        started = time.perf_counter()
        check_output(self.out)
        backend, voice, label = await self._voice()
        texts = [
            prepare_for_speech(slide.narration, self.deck.language) for slide in self.deck.slides
        ]
        with tempfile.TemporaryDirectory(prefix="deckcast-") as tmp:
            workdir = Path(tmp)
            narration_tasks = [
                asyncio.ensure_future(self.narration(i, texts[i], backend, voice, workdir))
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
            pictures=[self._picture_paths.get(i) for i in range(self.n)],
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
        tasks = [*self._tasks, *self._pictures.values(), *self._frames.values()]
        tasks += [t for t in (self._batcher, self._storyboard_task) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def _picture_paths(self) -> dict[int, Path]:
        paths: dict[int, Path] = {}
        for i, task in self._pictures.items():
            if task.done() and not task.cancelled() and task.exception() is None:
                paths[i] = task.result()[0]
        return paths

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

    def picture(self, i: int) -> asyncio.Task[tuple[Path, str]]:
        """Slide ``i``'s picture and the cache key it is stored under (from the cache, or made
        in a batch with the other missing pictures)."""
        if i not in self._pictures:
            self._pictures[i] = asyncio.ensure_future(self._picture(i))
        return self._pictures[i]

    async def _picture(self, i: int) -> tuple[Path, str]:
        key = self.image_keys[i]
        cached = self.cache.lookup("image", key, "png")
        if cached is not None:
            self.progress.step(Stage.IMAGES, i + 1, message="picture from cache")
            return cached, key
        future: asyncio.Future[tuple[Path, str]] = asyncio.get_running_loop().create_future()
        self._pending_images[i] = future
        if self._batcher is None:
            # Let every slide register its miss before the first batch goes out.
            self._batcher = asyncio.ensure_future(self._run_batches())
        result = await future
        self.progress.step(Stage.IMAGES, i + 1, message="picture made")
        return result

    async def _run_batches(self) -> None:
        await asyncio.sleep(0)
        backend = self.r.images
        pending = dict(self._pending_images)
        self._pending_images.clear()
        indices = sorted(pending)
        size = max(1, backend.batch_size)
        batches = [indices[k : k + size] for k in range(0, len(indices), size)]
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(max(1, backend.concurrency))

        async def one_batch(batch: list[int]) -> None:
            async with slots:
                images = await self._generate(backend, batch, loop)
            for i, image in zip(batch, images, strict=True):
                if image is None:
                    image = await self._fallback(i, loop)
                    key = asset_key(
                        step="image",
                        request=_request_json(self.requests[i]),
                        backend=self.r.fallback_images.cache_id(self.requests[i]),
                    )
                else:
                    key = self.image_keys[i]
                path = await self.r.run_cpu(self.cache.store_image, "image", key, image)
                if not pending[i].done():
                    pending[i].set_result((path, key))

        results = await asyncio.gather(*(one_batch(b) for b in batches), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                for future in pending.values():
                    if not future.done():
                        future.set_exception(result)
                if isinstance(result, asyncio.CancelledError):
                    raise result

    async def _generate(
        self, backend: ImageBackend, batch: list[int], loop: asyncio.AbstractEventLoop
    ) -> list[Image.Image | None]:
        """Generate a batch; on failure retry the failed slides one by one; ``None`` marks a
        slide whose picture could not be made."""
        requests = [self.requests[i] for i in batch]
        try:
            return list(await loop.run_in_executor(self.r._image_pool, backend.generate, requests))
        except PartialBatchError as exc:
            images: list[Image.Image | None] = list(exc.images)
            reasons = exc.reasons
        except ImageError as exc:
            images, reasons = [None] * len(batch), dict.fromkeys(range(len(batch)), str(exc))
        except Exception as exc:
            images, reasons = [None] * len(batch), dict.fromkeys(range(len(batch)), _short(exc))
        for j, i in enumerate(batch):
            if images[j] is not None:
                continue
            reason = reasons.get(j, "unknown error")
            if len(batch) > 1:  # retry alone: a batch can fail for one bad prompt
                try:
                    images[j] = (
                        await loop.run_in_executor(
                            self.r._image_pool, backend.generate, [self.requests[i]]
                        )
                    )[0]
                    continue
                except PartialBatchError as exc:
                    reason = exc.reasons.get(0, reason)
                except Exception as exc:
                    reason = _short(exc)
            self.warnings.append(
                f"slide {i + 1}: the picture could not be made ({reason}); "
                "a generated background was used instead"
            )
        return images

    async def _fallback(self, i: int, loop: asyncio.AbstractEventLoop) -> Image.Image:
        request = self.requests[i]
        return (
            await loop.run_in_executor(
                self.r._image_pool, self.r.fallback_images.generate, [request]
            )
        )[0]

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
        key = self._frame_key(i, self.image_keys[i])
        cached = self.cache.lookup("frame", key, "png")
        if cached is not None:
            self.progress.step(Stage.IMAGES, i + 1, message="picture not needed", units=1)
            self.progress.step(Stage.FRAMES, i + 1, message="frame from cache")
            return cached, key
        picture_path, image_key = await self.picture(i)
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
        """The contact sheet, from cached thumbnails (one per frame), itself cached."""
        target = self.out.with_suffix(".storyboard.png")
        titles = [slide.title for slide in self.deck.slides]
        thumb_keys = [asset_key(step="thumb", frame=key, width=THUMB_WIDTH) for _p, key in frames]
        key = asset_key(
            step="storyboard",
            thumbs=thumb_keys,
            titles=titles,
            title=self.deck.title,
            theme=self.theme.name,
            language=self.deck.language,
        )

        def draw() -> Path:
            cached = self.cache.lookup("storyboard", key, "png")
            if cached is not None:
                return cached
            thumbs = []
            for (frame, _k), thumb_key in zip(frames, thumb_keys, strict=True):
                path = self.cache.lookup("thumb", thumb_key, "png")
                if path is None:
                    thumbs.append(thumbnail(frame))
                    self.cache.store_image("thumb", thumb_key, thumbs[-1])
                else:
                    with Image.open(path) as image:
                        thumbs.append(image.convert("RGB"))
            sheet = storyboard(thumbs, titles, self.deck.title, self.theme, self.fonts)
            return self.cache.store_image("storyboard", key, sheet)

        def publish(sheet: Path) -> None:
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            try:
                shutil.copyfile(sheet, tmp)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)

        sheet = await self.r.run_cpu(draw)
        await self.r.run_cpu(publish, sheet)
        self.progress.step(Stage.STORYBOARD, units=0, message="storyboard ready", artifact=target)
        return target

    # -- narration -------------------------------------------------------------------------

    async def _voice(self) -> tuple[VoiceBackend, str | None, str]:
        """The backend and voice to narrate with, checked before any work starts."""
        explicit = self.options.voice or self.deck.voice
        choice = VoiceChoice.parse(explicit or self.options.default_voice)
        backend = self.r.voices.get(choice.backend)
        if backend is None:
            known = ", ".join(sorted(self.r.voices))
            raise VoiceError(
                f"unknown voice '{choice}'; voices here: {known} (e.g. espeak:en or silent)"
            )
        if not backend.available():
            espeak = choice.backend == "espeak"
            hint = ESPEAK_HINT if espeak else getattr(backend, "setup_hint", "check its settings")
            if explicit or "silent" not in self.r.voices:
                raise VoiceError(
                    f"the voice '{choice}' is not available here: {hint}; or use --voice silent"
                )
            missing = "is not installed" if espeak else "is not set up"
            self.warnings.append(f"{choice.backend} {missing}, so the video is silent: {hint}")
            return self.r.voices["silent"], None, "silent"
        if isinstance(backend, DeckVoice):
            backend, voice = await backend.for_deck(self.deck, choice.name)
            return backend, voice, f"{choice.backend}:{voice}"
        return backend, choice.name, str(choice)

    def _fallback_voice(self, backend: VoiceBackend) -> VoiceBackend | None:
        """Who reads a slide that ``backend`` failed to speak: espeak-ng, else silence."""
        for name in ("espeak", "silent"):
            fallback = self.r.voices.get(name)
            if fallback is not None and fallback.name != backend.name and fallback.available():
                return fallback
        return None

    async def narration(
        self, i: int, text: str, backend: VoiceBackend, voice: str | None, workdir: Path
    ) -> tuple[Path, float, str]:
        """Slide ``i``'s finished narration (path, seconds, cache key): from the cache, or
        spoken now. A slide that a remote voice fails to speak (after its retries) is read by
        espeak-ng instead, with a note; a voice that cannot work at all stops the render."""
        try:
            return await self._narrate(i, text, backend, voice, workdir)
        except VoiceSetupError:
            raise
        except (VoiceError, EncodeError) as exc:
            fallback = self._fallback_voice(backend)
            if fallback is None or backend.name in ("espeak", "silent"):
                raise
            reader = "espeak-ng" if fallback.name == "espeak" else "silence"
            self.warnings.append(
                f"slide {i + 1}: the {backend.name} voice failed ({_short(exc)}); "
                f"{reader} was used for this slide instead"
            )
            return await self._narrate(i, text, fallback, None, workdir)

    async def _narrate(
        self, i: int, text: str, backend: VoiceBackend, voice: str | None, workdir: Path
    ) -> tuple[Path, float, str]:
        key = asset_key(
            step="narration",
            text=text,
            voice=backend.cache_id(voice, self.deck.language),
            finish=FINISH_VERSION,
        )
        cached = self.cache.lookup("narration", key, "wav")
        if cached is not None:
            meta = self.cache.read_meta("narration", key)
            duration = float(meta["duration"]) if meta else wav_duration(cached)
            self.progress.step(Stage.VOICE, i + 1, message="narration from cache")
            return cached, duration, key
        raw = workdir / f"voice-{i}.{backend.name}.raw"
        async with self.r.voice_slots(backend):
            await backend.synthesize(text, voice=voice, language=self.deck.language, out=raw)
        async with self.r.process_slots():
            with self.cache.writing("narration", key, "wav") as tmp:
                if backend.name == "silent":
                    os.replace(raw, tmp)
                else:
                    await finish_narration(raw, tmp)
                duration = wav_duration(tmp)
        self.cache.write_meta("narration", key, {"duration": duration})
        self.progress.step(Stage.VOICE, i + 1, message="narration spoken")
        return self.cache.path("narration", key, "wav"), duration, key

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
        tmp = self.out.with_name(f".{self.out.name}.{os.getpid()}.part")
        try:
            await join(segments, audio, tmp, title=self.deck.title, workdir=workdir)
            os.replace(tmp, self.out)
        except OSError as exc:
            raise OutputError(f"cannot write {self.out}: {exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)
        self.progress.step(Stage.JOIN, message="video ready")


def vars_of(obj: Any) -> dict[str, Any]:
    """The fields of a slotted dataclass as a dict (for cache keys)."""
    return {name: getattr(obj, name) for name in obj.__slots__}


def _request_json(request: ImageRequest) -> dict[str, Any]:
    return {"prompt": request.prompt, "seed": request.seed, "size": list(request.size)}


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def check_output(out: Path) -> None:
    """Fail before any work if ``out`` cannot be written."""
    check_target(out, ".mp4")


def _write_text(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
