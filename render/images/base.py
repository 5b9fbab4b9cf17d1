"""The picture-backend seam: a batch of prompts and seeds in, one picture per prompt out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PIL import Image

from ..errors import ImageError


@dataclass(frozen=True, slots=True)
class ImageRequest:
    """One picture to make.

    ``prompt`` already carries the deck's style; ``size`` is the size it will be shown at
    (backends with a native size paint at that and the composer crops to fit); ``palette`` is
    the theme's art colours, a hint for the offline backends.

    The rest are hints for the offline backends, which read the slide rather than hand the
    prompt to a model: ``title`` (the slide's title, read when the prompt names nothing),
    ``language`` (the deck's), ``style`` (the style the prompt ends with, so it is not taken
    for a subject) and ``keep_clear`` (where the layout sets text over the picture, as
    fractions ``(x0, y0, x1, y1)`` of the picture, so the subject is drawn elsewhere).
    """

    prompt: str
    seed: int
    size: tuple[int, int]
    palette: tuple[str, ...] = ()
    title: str = ""
    language: str = "en"
    style: str = ""
    keep_clear: tuple[tuple[float, float, float, float], ...] = ()


@runtime_checkable
class ImageBackend(Protocol):
    """Makes pictures. ``generate`` is blocking; the renderer calls it from worker threads.

    ``batch_size`` is how many requests one ``generate`` call should get and ``concurrency``
    how many calls may run at once (a CPU backend: one request per call, one call per core; a
    GPU backend: big batches, one at a time).
    """

    name: str
    batch_size: int
    concurrency: int

    def cache_id(self, request: ImageRequest) -> dict[str, object]:
        """Everything besides the request itself that decides the picture (model, steps...)."""
        ...

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]: ...


class PartialBatchError(ImageError):
    """Some pictures of a batch failed. ``images`` holds the batch's results in order, with
    ``None`` for each failure; ``reasons`` maps a failed position to a short, showable reason
    (for example "refused by the content policy" or "the model produced a blank image")."""

    def __init__(self, images: list[Image.Image | None], reasons: dict[int, str]) -> None:
        self.images = images
        self.reasons = reasons
        super().__init__(
            f"{len(reasons)} of {len(images)} pictures failed: " + "; ".join(reasons.values())
        )
