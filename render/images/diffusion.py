"""The diffusers picture backend: a local diffusion model paints every slide, in batches.

The pipeline is loaded once, on first use (or by :meth:`DiffusersBackend.load` at start-up),
and kept for the life of the process; the renderer is built once and reused, so the next deck
starts warm. A call gets a batch of requests; pictures that share a size are painted in one
pipeline call, each with its own seeded generator, so a slide's picture does not depend on
which other slides share its batch. On out-of-memory the batch is halved and retried, down to
one picture; the smaller size is kept for later calls. A picture the model's safety checker
flags, or one with NaN pixels, is reported as failed (the renderer retries it, then falls back
to a procedural background and tells the user which slide).

torch and diffusers are imported lazily (see :mod:`render.images.loading`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from ..errors import ImageError
from .base import ImageRequest, PartialBatchError
from .loading import (
    LoadedPipeline,
    LoadOptions,
    free_memory,
    import_torch,
    is_out_of_memory,
    load_pipeline,
)
from .models import ModelSource
from .presets import (
    FAMILY_OF_PIPELINE,
    NO_TEXT_NEGATIVE,
    NO_TEXT_SUFFIX,
    defaults_for,
    generation_size,
)

log = logging.getLogger(__name__)
FLAGGED = "flagged by the model's safety checker"
NAN_IMAGE = "the model produced an invalid picture (NaN pixels)"
GiB = 1024**3
MAX_AUTO_BATCH = 16
MEMORY_HINT = "try CPU offload, a smaller native size or a smaller model"


@dataclass
class DiffusionStats:
    """What the backend has done since it was built (for logs, tests and benchmarks)."""

    loads: int = 0
    load_seconds: float = 0.0
    calls: int = 0  # generate() calls
    images: int = 0  # pictures returned
    batches: list[int] = field(default_factory=list)  # size of every pipeline call tried
    halvings: int = 0  # out-of-memory retries with half the batch


class DiffusersBackend:
    """Pictures from a local diffusion model (any :class:`ModelSource`)."""

    name = "diffusers"
    version = 1
    concurrency = 1  # one pipeline, one call at a time: batching is the parallelism

    def __init__(
        self,
        source: ModelSource,
        *,
        steps: int | None = None,
        guidance: float | None = None,
        native: int | None = None,
        negative_prompt: str | None = None,
        batch_size: int | None = None,
        load: LoadOptions | None = None,
        memory_hint: str = MEMORY_HINT,
    ) -> None:
        """``memory_hint`` is what to try when even one picture does not fit in memory, in the
        words of the application's settings."""
        defaults = defaults_for(source.preset, source.pipeline_class)
        self.memory_hint = memory_hint
        self.source = source
        self.family = source.preset.family if source.preset else None
        self.family = self.family or FAMILY_OF_PIPELINE.get(source.pipeline_class)
        self.steps = steps or defaults.steps
        self.guidance = defaults.guidance if guidance is None else guidance
        self.native = native or defaults.native
        # Classifier-free guidance (guidance > 1) is what makes a negative prompt work.
        self.uses_negative = self.guidance > 1.0 and self.family != "flux"
        self.negative_prompt = NO_TEXT_NEGATIVE if negative_prompt is None else negative_prompt
        self.load_options = load or LoadOptions()
        self.stats = DiffusionStats()
        self._requested_batch = batch_size
        self._adapted_batch: int | None = None
        self._fingerprint = source.fingerprint()
        self._loaded: LoadedPipeline | None = None
        self._load_error: ImageError | None = None
        self._lock = threading.RLock()

    # -- the ImageBackend protocol ---------------------------------------------------------

    @property
    def batch_size(self) -> int:
        """How many pictures one pipeline call paints: the configured number, or one fitted
        to the device once the model is loaded (smaller after an out-of-memory error).
        Before the load it is an upper bound: ``generate`` splits what it gets itself, so
        the renderer may send a whole deck at once without importing torch to ask."""
        if self._adapted_batch is not None:
            return self._adapted_batch
        if self._requested_batch:
            return self._requested_batch
        return self._auto_batch() if self._loaded is not None else MAX_AUTO_BATCH

    def cache_id(self, request: ImageRequest) -> dict[str, object]:
        return {
            "backend": self.name,
            "version": self.version,
            "model": self._fingerprint,
            "steps": self.steps,
            "guidance": self.guidance,
            "size": list(generation_size(request.size, self.native)),
            "negative": self.negative_prompt if self.uses_negative else None,
            "suffix": None if self.uses_negative else NO_TEXT_SUFFIX,
        }

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        if not requests:
            return []
        with self._lock:
            started = time.perf_counter()
            cold = self._loaded is None
            loaded = self.load()
            self.stats.calls += 1
            images: list[Image.Image | None] = [None] * len(requests)
            reasons: dict[int, str] = {}
            groups: dict[tuple[int, int], list[int]] = {}
            for i, request in enumerate(requests):
                groups.setdefault(generation_size(request.size, self.native), []).append(i)
            for size, positions in groups.items():
                self._paint_group(loaded, requests, positions, size, images, reasons)
            done = sum(image is not None for image in images)
            self.stats.images += done
            log.info(
                "%s painted %d of %d pictures in %.2f s (%s)",
                self.source.label,
                done,
                len(requests),
                time.perf_counter() - started,
                f"cold start: loading took {loaded.seconds:.2f} s"
                if cold
                else "warm: no model load",
            )
        if reasons:
            raise PartialBatchError(images, reasons)
        return [image for image in images if image is not None]

    # -- loading ---------------------------------------------------------------------------

    @property
    def loaded(self) -> LoadedPipeline | None:
        return self._loaded

    def load(self) -> LoadedPipeline:
        """Load the pipeline now (blocking; once per backend). Call it at start-up, in an
        executor, to make the first render warm."""
        with self._lock:
            if self._load_error is not None:  # a broken model fails fast, not once per slide
                raise self._load_error
            if self._loaded is None:
                try:
                    self._loaded = load_pipeline(self.source, self.load_options)
                except ImageError as exc:
                    self._load_error = exc
                    raise
                self.stats.loads += 1
                self.stats.load_seconds += self._loaded.seconds
            return self._loaded

    def _auto_batch(self) -> int:
        """Up to 16 pictures per call on a big GPU at 512 px, fewer for bigger pictures and
        models and smaller GPUs; 4 on the CPU (batching helps there too, but less), 2 on MPS."""
        assert self._loaded is not None
        device, memory = self._loaded.device, self._loaded.gpu_bytes
        if device == "cpu":
            return 4
        if device == "mps":
            return 2
        size = next(
            n for gib, n in ((40, MAX_AUTO_BATCH), (20, 8), (10, 4), (0, 2)) if memory >= gib * GiB
        )
        scale = (self.native / 512) ** 2
        if self.family == "flux":
            scale *= 4  # a 12B transformer: a few pictures at a time
        return max(1, int(size / max(1.0, scale)))

    # -- painting --------------------------------------------------------------------------

    def _paint_group(
        self,
        loaded: LoadedPipeline,
        requests: Sequence[ImageRequest],
        positions: list[int],
        size: tuple[int, int],
        images: list[Image.Image | None],
        reasons: dict[int, str],
    ) -> None:
        pending = list(positions)
        while pending:
            chunk = pending[: self.batch_size]
            self.stats.batches.append(len(chunk))
            try:
                results = self._run(loaded, [requests[i] for i in chunk], size)
            except Exception as exc:
                if not is_out_of_memory(exc):
                    reason = f"the model failed: {_first_line(exc)}"
                    log.warning("%s: %s", self.source.label, reason)
                    reasons.update(dict.fromkeys(pending, reason))
                    return
                free_memory(loaded.device)
                if len(chunk) == 1:
                    reason = (
                        f"out of memory even for one picture at {size[0]}x{size[1]} on "
                        f"{loaded.device}; {self.memory_hint}"
                    )
                    log.error("%s: %s", self.source.label, reason)
                    reasons.update(dict.fromkeys(pending, reason))
                    return
                self._adapted_batch = max(1, len(chunk) // 2)
                self.stats.halvings += 1
                log.warning(
                    "%s: out of memory with %d pictures at once; retrying with %d",
                    self.source.label,
                    len(chunk),
                    self._adapted_batch,
                )
                continue
            for i, (image, reason) in zip(chunk, results, strict=True):
                images[i] = image
                if reason:
                    reasons[i] = reason
            pending = pending[len(chunk) :]

    def prompt_for(self, request: ImageRequest) -> str:
        return request.prompt if self.uses_negative else f"{request.prompt}, {NO_TEXT_SUFFIX}"

    def _run(
        self, loaded: LoadedPipeline, requests: list[ImageRequest], size: tuple[int, int]
    ) -> list[tuple[Image.Image | None, str | None]]:
        torch = import_torch()
        width, height = size
        kwargs: dict[str, Any] = {
            "prompt": [self.prompt_for(r) for r in requests],
            "num_inference_steps": self.steps,
            "guidance_scale": self.guidance,
            "width": width,
            "height": height,
            # One CPU generator per picture: the same seed gives the same noise whatever
            # the batch, and on any device.
            "generator": [torch.Generator("cpu").manual_seed(r.seed) for r in requests],
            "output_type": "np",
        }
        if self.uses_negative and "negative_prompt" in loaded.accepts:
            kwargs["negative_prompt"] = [self.negative_prompt] * len(requests)
        if self.family == "flux" and "max_sequence_length" in loaded.accepts:
            kwargs["max_sequence_length"] = 256
        output = loaded.pipe(**kwargs)
        arrays = np.asarray(output.images)
        flags = getattr(output, "nsfw_content_detected", None) or [False] * len(requests)
        results: list[tuple[Image.Image | None, str | None]] = []
        for array, flagged in zip(arrays, flags, strict=True):
            if flagged:
                results.append((None, FLAGGED))
            elif not np.isfinite(array).all():
                results.append((None, NAN_IMAGE))
            else:
                pixels = (np.clip(array, 0.0, 1.0) * 255.0).round().astype(np.uint8)
                results.append((Image.fromarray(pixels), None))
        return results


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
