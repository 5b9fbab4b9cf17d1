"""A render's pictures: from the cache, or made in batches with the deck's other missing ones.

Every slide that misses the cache registers before the first batch goes out, so the picture
backend gets the deck in as few calls as its batch size allows (``backend.concurrency`` of
them at once). A failed batch is retried picture by picture; a picture that still fails is
replaced by a procedural background, with a warning naming the slide.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PIL import Image

from .cache import asset_key
from .errors import ImageError, short_reason
from .images.base import ImageBackend, ImageRequest, PartialBatchError
from .progress import Stage
from .stage import RenderRun, RenderStage


def image_key(request: ImageRequest, backend: ImageBackend) -> str:
    """The cache key of a picture: the request and everything the backend says decides it."""
    return asset_key(
        step="image",
        request={"prompt": request.prompt, "seed": request.seed, "size": list(request.size)},
        backend=backend.cache_id(request),
    )


def blank_key(request: ImageRequest) -> str:
    """The cache key of the plain stand-in a slide that shows no picture is composed on."""
    return asset_key(step="blank", size=list(request.size))


class DeckPictures(RenderStage):
    def __init__(self, run: RenderRun) -> None:
        super().__init__(run)
        self.requests = self.plan.requests
        self.keys = self.plan.image_keys
        self._tasks: dict[int, asyncio.Task[tuple[Path, str]]] = {}
        self._pending: dict[int, asyncio.Future[tuple[Path, str]]] = {}
        self._batcher: asyncio.Task[None] | None = None

    def get(self, i: int) -> asyncio.Task[tuple[Path, str]]:
        """Slide ``i``'s picture and the cache key it is stored under."""
        if i not in self._tasks:
            self._tasks[i] = asyncio.ensure_future(self._picture(i))
        return self._tasks[i]

    @property
    def paths(self) -> dict[int, Path]:
        """The pictures this render has looked up or made (slides whose frame was cached
        never needed theirs)."""
        return {
            i: task.result()[0]
            for i, task in self._tasks.items()
            if task.done() and not task.cancelled() and task.exception() is None
        }

    def tasks(self) -> list[asyncio.Future[Any]]:
        return [*self._tasks.values(), *([self._batcher] if self._batcher else [])]

    async def _picture(self, i: int) -> tuple[Path, str]:
        key = self.keys[i]
        cached = self.cache.lookup("image", key, "png")
        if cached is not None:
            self.progress.step(Stage.IMAGES, i + 1, message="picture from cache")
            return cached, key
        if not self.plan.pictured[i]:  # nothing of a picture shows: no backend call for it
            blank = Image.new("RGB", self.requests[i].size, self.plan.theme.palette.background)
            path = await self.r.run_cpu(self.cache.store_image, "image", key, blank)
            self.progress.step(Stage.IMAGES, i + 1, message="picture not needed")
            return path, key
        future: asyncio.Future[tuple[Path, str]] = asyncio.get_running_loop().create_future()
        self._pending[i] = future
        if self._batcher is None:
            # Let every slide register its miss before the first batch goes out.
            self._batcher = asyncio.ensure_future(self._run_batches())
        result = await future
        self.progress.step(Stage.IMAGES, i + 1, message="picture made")
        return result

    async def _run_batches(self) -> None:
        await asyncio.sleep(0)
        backend = self.r.images
        pending = dict(self._pending)
        self._pending.clear()
        indices = sorted(pending)
        size = max(1, backend.batch_size)
        batches = [indices[k : k + size] for k in range(0, len(indices), size)]
        slots = asyncio.Semaphore(max(1, backend.concurrency))

        async def one_batch(batch: list[int]) -> None:
            async with slots:
                images = await self._generate(backend, batch)
            for i, image in zip(batch, images, strict=True):
                if image is None:
                    image = (await self._paint(self.r.fallback_images, [self.requests[i]]))[0]
                    key = image_key(self.requests[i], self.r.fallback_images)
                else:
                    key = self.keys[i]
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

    async def _paint(
        self, backend: ImageBackend, requests: list[ImageRequest]
    ) -> list[Image.Image]:
        loop = asyncio.get_running_loop()
        return list(await loop.run_in_executor(self.r.image_pool, backend.generate, requests))

    async def _generate(self, backend: ImageBackend, batch: list[int]) -> list[Image.Image | None]:
        """Generate a batch; on failure retry the failed slides one by one; ``None`` marks a
        slide whose picture could not be made."""
        try:
            return list(await self._paint(backend, [self.requests[i] for i in batch]))
        except PartialBatchError as exc:
            images: list[Image.Image | None] = list(exc.images)
            reasons = exc.reasons
        except ImageError as exc:
            images, reasons = [None] * len(batch), dict.fromkeys(range(len(batch)), str(exc))
        except Exception as exc:
            images = [None] * len(batch)
            reasons = dict.fromkeys(range(len(batch)), short_reason(exc))
        for j, i in enumerate(batch):
            if images[j] is not None:
                continue
            reason = reasons.get(j, "unknown error")
            if len(batch) > 1:  # retry alone: a batch can fail for one bad prompt
                try:
                    images[j] = (await self._paint(backend, [self.requests[i]]))[0]
                    continue
                except PartialBatchError as exc:
                    reason = exc.reasons.get(0, reason)
                except Exception as exc:
                    reason = short_reason(exc)
            self.warnings.append(
                f"slide {i + 1}: the picture could not be made ({reason}); "
                "a generated background was used instead"
            )
        return images
