"""A picture backend of your own: the renderer paints every slide with pictures your code makes.

Anything with a ``name``, a ``batch_size``, a ``concurrency``, ``cache_id(request)`` and
``generate(requests)`` is a picture backend (the ``render.ImageBackend`` protocol): a call to
your own image service, a stock-photo search, a chart plotter. This one paints stripes whose
colours come from the words of each slide's picture prompt, so it needs no model and no
network. Run it from the repository root::

    python examples/custom_pictures.py [OUT.mp4]

It renders ``examples/photosynthesis.md`` at 360p with the silent voice (so it runs anywhere)
into ``OUT.mp4`` (``out/custom_pictures.mp4`` by default, with its storyboard and subtitles
beside it), then renders it again: the second time every picture comes from the cache, because a
picture's cache key covers its request and what ``cache_id`` says about the backend.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from deck import parse_outline
from render import AssetCache, ImageRequest, Renderer, RenderOptions, RenderResult, SilentBackend

OUTLINE = Path(__file__).with_name("photosynthesis.md")


class StripesBackend:
    """Vertical stripes, one per word of the prompt (at most five), coloured by the word."""

    name = "stripes"
    batch_size = 4  # how many requests one generate() call gets
    concurrency = 1  # how many generate() calls may run at once (each in a worker thread)

    def __init__(self) -> None:
        self.prompts: list[str] = []  # every request it was given, to show it was used

    def cache_id(self, request: ImageRequest) -> dict[str, object]:
        # Everything besides the request that decides the picture: change "version" when the
        # painting changes, and cached pictures of the old kind are no longer used.
        return {"backend": self.name, "version": 1}

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        self.prompts += [request.prompt for request in requests]
        return [stripes(request.prompt, request.size) for request in requests]


def word_colour(word: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(word.lower().encode("utf-8")).digest()
    return digest[0], digest[1], digest[2]


def stripe_colours(prompt: str) -> list[tuple[int, int, int]]:
    return [word_colour(word) for word in (prompt.split()[:5] or ["blank"])]


def stripes(prompt: str, size: tuple[int, int]) -> Image.Image:
    width, height = size
    colours = stripe_colours(prompt)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate(colours):
        left, right = i * width // len(colours), (i + 1) * width // len(colours)
        draw.rectangle((left, 0, right, height), fill=colour)
    return image


@dataclass
class Outcome:
    first: RenderResult
    again: RenderResult
    backend: StripesBackend


async def render_twice(out: Path, cache_dir: Path) -> Outcome:
    deck = parse_outline(OUTLINE.read_text(encoding="utf-8"))
    backend = StripesBackend()
    options = RenderOptions(resolution=360, default_voice="silent")
    with Renderer(backend, {"silent": SilentBackend()}, AssetCache(cache_dir)) as renderer:
        first = await renderer.render(deck, out, options)
        painted = len(backend.prompts)
        print(f"rendered {out}: {first.slides} slides, {first.duration:.1f} s, ", end="")
        print(f"{first.size_bytes // 1024} KiB; the stripes backend painted {painted} pictures")
        again = await renderer.render(deck, out, options)
        cached = f"{again.slides_from_cache} of {again.slides} slides from the cache"
        print(f"rendered it again: {cached}, {len(backend.prompts) - painted} pictures painted")
    return Outcome(first, again, backend)


def main(argv: list[str] | None = None) -> Outcome:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "out/custom_pictures.mp4")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deckcast-cache-") as cache_dir:
        return asyncio.run(render_twice(out, Path(cache_dir)))


if __name__ == "__main__":
    main()
