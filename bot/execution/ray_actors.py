"""The Ray actors: render workers (CPU) and picture services (one per GPU).

A :class:`PictureService` owns the picture backend (the diffusion pipeline stays loaded) and
batches the picture requests of *every* render that is running: requests arriving within a
short window, up to the batch size, go to the backend as one call. A :class:`RenderWorker` owns
a :class:`render.Renderer` whose picture backend forwards to the picture services; composition,
narration and encoding run in the worker. Both are restarted by Ray when their process dies,
and the calls in flight are retried (renders resume from the shared asset cache).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import logging
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import ray
from numpy.typing import NDArray
from PIL import Image

from deck import Deck
from render import (
    ImageBackend,
    ImageRequest,
    PartialBatchError,
    ProgressEvent,
    RenderOptions,
    VoiceBackend,
)

log = logging.getLogger(__name__)


@dataclass
class _Waiting:
    request: ImageRequest
    future: asyncio.Future[NDArray[np.uint8] | str]


@dataclass
class _Stats:
    calls: int = 0
    pictures: int = 0
    batch_sizes: list[int] = field(default_factory=list)


class PictureService:
    """Batches picture requests from all renders onto one picture backend."""

    def __init__(
        self,
        settings: Any,
        batch_size: int,
        backend: PictureFactory,
        window: float = 0.05,
    ) -> None:
        self.backend = backend(settings)
        self.batch_size = max(1, batch_size)
        self.window = window
        self.waiting: list[_Waiting] = []
        self.stats = _Stats()
        self._wake: asyncio.Event | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(max(1, getattr(self.backend, "concurrency", 1)))
        self._running: set[asyncio.Task[None]] = set()

    async def generate(self, request: ImageRequest) -> NDArray[np.uint8] | str:
        """One picture as an RGB array, or a short reason (str) when it could not be made."""
        if self._wake is None:
            self._wake = asyncio.Event()
            self._loop_task = asyncio.ensure_future(self._batches())
        future: asyncio.Future[NDArray[np.uint8] | str] = asyncio.get_running_loop().create_future()
        self.waiting.append(_Waiting(request, future))
        self._wake.set()
        return await future

    def describe(self) -> dict[str, Any]:
        return {
            "backend": self.backend.name,
            "pid": os.getpid(),
            "calls": self.stats.calls,
            "pictures": self.stats.pictures,
            "batch_sizes": list(self.stats.batch_sizes),
            "waiting": len(self.waiting),
        }

    async def _batches(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            # Give the other renders' requests a moment to arrive, unless a batch is full.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.window
            while len(self.waiting) < self.batch_size and (remaining := deadline - loop.time()) > 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), remaining)
            while self.waiting:
                batch, self.waiting = (
                    self.waiting[: self.batch_size],
                    self.waiting[self.batch_size :],
                )
                # A GPU backend takes one batch at a time; a CPU one (procedural) several.
                await self._slots.acquire()
                task = asyncio.ensure_future(self._run(batch))
                self._running.add(task)
                task.add_done_callback(self._batch_done)

    def _batch_done(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._slots.release()

    async def _run(self, batch: list[_Waiting]) -> None:
        requests = [w.request for w in batch]
        self.stats.calls += 1
        self.stats.batch_sizes.append(len(batch))
        try:
            images: list[Image.Image | None] = list(
                await asyncio.to_thread(self.backend.generate, requests)
            )
            reasons: dict[int, str] = {}
        except PartialBatchError as exc:
            images, reasons = list(exc.images), dict(exc.reasons)
        except Exception as exc:
            images, reasons = (
                [None] * len(batch),
                dict.fromkeys(range(len(batch)), str(exc)[:200] or type(exc).__name__),
            )
        for i, (waiting, image) in enumerate(zip(batch, images, strict=True)):
            if waiting.future.done():
                continue
            if image is None:
                waiting.future.set_result(reasons.get(i, "the picture could not be made"))
            else:
                self.stats.pictures += 1
                # Pixels, not PNG: the object store hands arrays over without copying, and a
                # PNG round trip would cost more CPU than painting a procedural picture.
                waiting.future.set_result(np.asarray(image.convert("RGB")))


class RemotePictures:
    """A picture backend (render's ``ImageBackend``) that hands requests to picture services.

    The whole deck's missing pictures arrive in one ``generate`` call and go out at once, so
    the services can batch them with other renders' requests. Cache keys come from a local
    instance of the same backend (never used to paint), so they equal the local executor's."""

    def __init__(self, services: Sequence[Any], keys: ImageBackend) -> None:
        self.services = list(services)
        self.keys = keys
        self.name = keys.name
        self.batch_size = 1024
        self.concurrency = 1
        self._next = itertools.count()

    def cache_id(self, request: ImageRequest) -> dict[str, object]:
        return self.keys.cache_id(request)

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        refs = [
            self.services[next(self._next) % len(self.services)].generate.remote(r)
            for r in requests
        ]
        results = ray.get(refs)
        images: list[Image.Image | None] = []
        reasons: dict[int, str] = {}
        for i, result in enumerate(results):
            if isinstance(result, str):
                images.append(None)
                reasons[i] = result
            else:
                images.append(Image.fromarray(np.asarray(result)))
        if reasons:
            raise PartialBatchError(images, reasons)
        return [image for image in images if image is not None]


class RenderWorker:
    """Renders decks with the shared picture services; everything else happens here."""

    def __init__(
        self,
        settings: Any,
        services: Sequence[Any],
        backend: PictureFactory,
        voices: VoiceFactory,
        index: int = 0,
    ) -> None:
        from render import AssetCache, Renderer

        self.cpus, self._cpu_locks = _pin(index, settings.ray_worker_cpus)
        self.renderer = Renderer(
            RemotePictures(services, backend(settings)),
            voices(settings),
            AssetCache(Path(settings.cache_dir), max_bytes=settings.cache_max_bytes),
            workers=settings.render_workers or 1,
        )

    def fetch(self, paths: list[str]) -> dict[str, bytes]:
        """The bytes of files this worker wrote (for a driver on another machine)."""
        return {p: Path(p).read_bytes() for p in paths if Path(p).is_file()}

    def ping(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "threads": self.renderer.workers, "cpus": self.cpus}

    async def render(
        self, deck: Deck, out: str, options: RenderOptions
    ) -> AsyncIterator[tuple[str, Any]]:
        """Yields ("progress", ProgressEvent) while rendering, then ("result", RenderResult)."""
        events: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()
        task = asyncio.ensure_future(
            self.renderer.render(deck, Path(out), options, events.put_nowait)
        )
        task.add_done_callback(lambda _t: events.put_nowait(None))
        try:
            while (event := await events.get()) is not None:
                yield ("progress", event)
            yield ("result", await task)
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


# Built inside the actors from settings (module-level functions: Ray pickles them by name).
PictureFactory = Callable[[Any], ImageBackend]
VoiceFactory = Callable[[Any], dict[str, VoiceBackend]]


def _pin(index: int, count: int) -> tuple[list[int], list[Any]]:
    """Keep this worker (and the ffmpeg/espeak processes it starts) on ``count`` CPUs of its
    own: Ray counts a render worker as ``count`` CPUs, but without pinning a render's parallel
    stages spread over every core and the workers of one machine contend. Cores are claimed
    with a lock file per core (held while the process lives), so workers on one machine never
    share one, whatever order Ray places them in. ``count`` 0 leaves every core usable."""
    if not hasattr(os, "sched_setaffinity"):
        return [], []
    available = sorted(os.sched_getaffinity(0))
    if count <= 0 or count >= len(available):
        return available, []
    chosen: list[int] = []
    locks: list[Any] = []
    for core in available:
        handle = open(f"{tempfile.gettempdir()}/deckcast-render-cpu-{core}.lock", "w")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        locks.append(handle)  # held (open) for as long as the worker lives
        chosen.append(core)
        if len(chosen) == count:
            break
    if len(chosen) < count:  # more workers than cores: share, evenly by index
        start = (index * count) % len(available)
        chosen = [available[(start + i) % len(available)] for i in range(count)]
    os.sched_setaffinity(0, chosen)
    return chosen, locks
