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
import io
import itertools
import logging
import os
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray
from PIL import Image

from deck import Deck
from render import ImageBackend, ImageRequest, PartialBatchError, ProgressEvent, RenderOptions

log = logging.getLogger(__name__)


@dataclass
class _Waiting:
    request: ImageRequest
    future: asyncio.Future[bytes | str]


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
        backend: PictureFactory | None = None,
        window: float = 0.05,
    ) -> None:
        self.backend = (backend or _default_pictures)(settings)
        self.batch_size = max(1, batch_size)
        self.window = window
        self.waiting: list[_Waiting] = []
        self.stats = _Stats()
        self._wake: asyncio.Event | None = None
        self._loop_task: asyncio.Task[None] | None = None

    async def generate(self, request: ImageRequest) -> bytes | str:
        """One picture as PNG bytes, or a short reason (str) when it could not be made."""
        if self._wake is None:
            self._wake = asyncio.Event()
            self._loop_task = asyncio.ensure_future(self._batches())
        future: asyncio.Future[bytes | str] = asyncio.get_running_loop().create_future()
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
                await self._run(batch)

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
                waiting.future.set_result(_png(image))


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
                images.append(Image.open(io.BytesIO(result)).convert("RGB"))
        if reasons:
            raise PartialBatchError(images, reasons)
        return [image for image in images if image is not None]


class RenderWorker:
    """Renders decks with the shared picture services; everything else happens here."""

    def __init__(
        self, settings: Any, services: Sequence[Any], backend: PictureFactory | None = None
    ) -> None:
        from render import AssetCache, Renderer

        from ..backends import build_voices

        self.renderer = Renderer(
            RemotePictures(services, (backend or _default_pictures)(settings)),
            build_voices(settings),
            AssetCache(Path(settings.cache_dir)),
            workers=settings.render_workers or 1,
        )

    def fetch(self, paths: list[str]) -> dict[str, bytes]:
        """The bytes of files this worker wrote (for a driver on another machine)."""
        return {p: Path(p).read_bytes() for p in paths if Path(p).is_file()}

    def ping(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "threads": self.renderer.workers}

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


PictureFactory = Callable[[Any], ImageBackend]


def _default_pictures(settings: Any) -> ImageBackend:
    from ..backends import build_image_backend

    return build_image_backend(settings)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
