"""A render's frames: each slide's picture and text composed once, and the storyboard of them.

A frame is keyed by its picture's key and everything drawn on it, so a bullet edit recomposes
one frame and makes no picture, and a frame found in the cache never asks for its picture.
A burned-in caption is a copy of the frame with one cue drawn in the caption band, keyed by
the frame and the cue. A slide whose picture moves also gets the frame as two layers (the
picture, and the text over it), keyed by the frame. Once every frame is there, the
storyboard sheet is made from them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from deck import Layout, Slide, ThemeSpec

from .cache import asset_key, vars_of
from .caption_band import add_caption, caption_words
from .captions import cue_words
from .compose import ComposedFrame, compose_slide
from .elements import slide_errors
from .fonts import font_set
from .frame import FrameSpec
from .layers import compose_layers
from .layout import Box
from .options import CaptionMode, RenderOptions
from .pictures import DeckPictures
from .progress import Stage
from .stage import RenderRun, RenderStage
from .storyboard import write_storyboard

COMPOSE_VERSION = 3  # 2: fonts per character, right-to-left, dense layouts; 3: emoji spacing
ELEMENTS_VERSION = 1  # how charts, code and equations are drawn (bump when that changes)
WORDS_VERSION = 1  # how the word-by-word caption highlight is drawn


def frame_key(
    slide: Slide,
    layout: Layout,
    image_key: str,
    theme: ThemeSpec,
    spec: FrameSpec,
    options: RenderOptions,
    language: str,
) -> str:
    """The cache key of a composed frame: its picture and everything drawn over it (a chart's
    data, code, an equation: the element is part of the key only on slides that have one, so
    the frames of other slides keep their keys)."""
    extra: dict[str, object] = {}
    if slide.element is not None:
        extra = {"element": slide.element.model_dump(mode="json"), "elements": ELEMENTS_VERSION}
    return asset_key(
        **extra,
        step="frame",
        version=COMPOSE_VERSION,
        image=image_key,
        title=slide.title,
        bullets=slide.bullets,
        layout=layout.value,
        theme=theme.name,
        palette=vars_of(theme.palette),  # the colours, not only their names
        size=list(spec.size),
        captions=options.caption_mode is not CaptionMode.NONE,
        language=language,
        font=options.extra_font,
    )


def layer_key(frame_key: str, layer: str) -> str:
    """The cache key of one layer (``picture`` or ``text``) of a frame split for motion."""
    return asset_key(step="layer", frame=frame_key, layer=layer)


def caption_key(frame_key: str, text: str, spec: FrameSpec, word: int | None = None) -> str:
    """The cache key of a frame with one caption cue burned in (its ``word`` highlighted)."""
    extra: dict[str, object] = {} if word is None else {"word": word, "words": WORDS_VERSION}
    return asset_key(**extra, step="caption", frame=frame_key, text=text, size=list(spec.size))


class DeckFrames(RenderStage):
    def __init__(self, run: RenderRun, pictures: DeckPictures) -> None:
        super().__init__(run)
        self.pictures = pictures
        self.fonts = font_set(self.plan.deck.language, self.plan.options.extra_font)
        self.missing_glyphs: set[str] = set()  # characters no installed font could draw
        self.shortened: dict[int, tuple[str, ...]] = {}  # slide: blocks that end in "…"
        self.done_at = 0.0  # when the last frame was there (perf_counter)
        self._tasks: dict[int, asyncio.Task[tuple[Path, str]]] = {}
        self._all: asyncio.Future[list[tuple[Path, str]]] | None = None
        self._storyboard: asyncio.Task[Path] | None = None

    def get(self, i: int) -> asyncio.Task[tuple[Path, str]]:
        """Slide ``i``'s frame and the cache key it is stored under."""
        if i not in self._tasks:
            self._tasks[i] = asyncio.ensure_future(self._frame(i))
        return self._tasks[i]

    def start(self, storyboard: Path | None) -> asyncio.Future[list[tuple[Path, str]]]:
        """Compose every frame; once all are there, write the storyboard to ``storyboard``."""
        frames = [self.get(i) for i in range(self.plan.slides)]
        self._all = asyncio.ensure_future(self._gather(frames, storyboard))
        return self._all

    async def storyboard(self) -> Path | None:
        """The storyboard written once the frames were done (``None`` when not asked for)."""
        return await self._storyboard if self._storyboard else None

    def tasks(self) -> list[asyncio.Future[Any]]:
        extra = [task for task in (self._all, self._storyboard) if task is not None]
        return [*self._tasks.values(), *extra]

    async def captioned(
        self, frame: Path, key: str, text: str, word: int | None = None
    ) -> tuple[Path, str]:
        """``frame`` (stored under ``key``) with the caption ``text`` burned in, its ``word``-th
        word (:func:`~render.captions.cue_words`) highlighted when one is given."""
        spec = self.plan.spec
        caption = caption_key(key, text, spec, word)
        path = self.cache.lookup("caption", caption, "png")
        if path is None:

            def draw() -> ComposedFrame:
                with Image.open(frame) as base:
                    return add_caption(base.convert("RGB"), text, spec, self.fonts, highlight=word)

            path = await self._store("caption", caption, draw)
        return path, caption

    async def captioned_words(self, frame: Path, key: str, text: str) -> list[tuple[Path, str]]:
        """``frame`` with the caption ``text`` burned in once per word of it, that word
        highlighted (as :meth:`captioned` with each ``word``, but the cue is laid out once)."""
        spec = self.plan.spec
        keys = [caption_key(key, text, spec, n) for n in range(len(cue_words(text)))]
        found = [self.cache.lookup("caption", k, "png") for k in keys]
        if all(path is not None for path in found):
            return [(path, k) for path, k in zip(found, keys, strict=True) if path is not None]

        def draw() -> tuple[list[Path], set[str]]:
            with Image.open(frame) as base:
                drawn = caption_words(base.convert("RGB"), text, spec, self.fonts)
            paths = []
            for k, composed in zip(keys, drawn, strict=False):
                meta = {"missing": sorted(composed.missing_glyphs), "shortened": []}
                self.cache.write_meta("caption", k, meta)
                paths.append(self.cache.store_image("caption", k, composed.image))
            return paths, set().union(*(c.missing_glyphs for c in drawn))

        paths, missing = await self.r.run_cpu(draw)
        self.missing_glyphs |= missing
        return list(zip(paths, keys, strict=True))

    async def layers(self, i: int) -> tuple[Path, Path, Box]:
        """Slide ``i``'s picture layer and text layer (for motion) and the picture's box."""
        _frame, key = await self.get(i)
        picture_key, text_key = layer_key(key, "picture"), layer_key(key, "text")
        picture = self.cache.lookup("layer", picture_key, "png")
        text = self.cache.lookup("layer", text_key, "png")
        meta = self.cache.read_meta("layer", text_key)
        if picture is not None and text is not None and meta is not None:
            return picture, text, tuple(meta["box"])  # type: ignore[return-value]
        picture_path, _image_key = await self.pictures.get(i)
        plan = self.plan

        def split() -> tuple[Path, Path, Box]:
            with Image.open(picture_path) as still, slide_errors(i):
                layers = compose_layers(
                    plan.deck.slides[i],
                    plan.layouts[i],
                    still,
                    plan.theme,
                    plan.spec,
                    self.fonts,
                    captions=plan.options.caption_mode is not CaptionMode.NONE,
                )
            self.cache.write_meta("layer", text_key, {"box": list(layers.box)})
            return (
                self.cache.store_image("layer", picture_key, layers.picture),
                self.cache.store_image("layer", text_key, layers.text),
                layers.box,
            )

        return await self.r.run_cpu(split)

    async def _gather(
        self, frames: list[asyncio.Task[tuple[Path, str]]], storyboard: Path | None
    ) -> list[tuple[Path, str]]:
        done = list(await asyncio.gather(*frames))
        self.done_at = time.perf_counter()
        if storyboard is not None:
            self._storyboard = asyncio.ensure_future(self._write_storyboard(done, storyboard))
        return done

    async def _frame(self, i: int) -> tuple[Path, str]:
        key = self.plan.frame_key(i)
        cached = self.cache.lookup("frame", key, "png")
        if cached is not None:
            self._note(i, self.cache.read_meta("frame", key) or {})
            self.progress.step(Stage.IMAGES, i + 1, message="picture not needed", units=1)
            self.progress.step(Stage.FRAMES, i + 1, message="frame from cache")
            return cached, key
        picture_path, image_key = await self.pictures.get(i)
        key = self.plan.frame_key(i, image_key)
        plan = self.plan

        def compose() -> ComposedFrame:
            with Image.open(picture_path) as picture, slide_errors(i):
                return compose_slide(
                    plan.deck.slides[i],
                    plan.layouts[i],
                    picture,
                    plan.theme,
                    plan.spec,
                    self.fonts,
                    captions=plan.options.caption_mode is not CaptionMode.NONE,
                )

        path = await self._store("frame", key, compose, slide=i)
        self.progress.step(Stage.FRAMES, i + 1, message="frame composed")
        return path, key

    def _note(self, i: int, meta: dict[str, Any]) -> None:
        """What a frame could not show (kept beside it in the cache, so a cached frame tells
        it again)."""
        self.missing_glyphs |= set(meta.get("missing", ()))
        if meta.get("shortened"):
            self.shortened[i] = tuple(meta["shortened"])

    async def _store(
        self, kind: str, key: str, draw: Callable[[], ComposedFrame], *, slide: int | None = None
    ) -> Path:
        """Draw on a worker thread and cache the image as ``kind``; note its missing glyphs
        and (for a slide's frame) the text it had to shorten."""

        def run() -> tuple[Path, ComposedFrame]:
            composed = draw()
            meta = {"missing": sorted(composed.missing_glyphs), "shortened": composed.shortened}
            self.cache.write_meta(kind, key, meta)
            return self.cache.store_image(kind, key, composed.image), composed

        path, composed = await self.r.run_cpu(run)
        self.missing_glyphs |= composed.missing_glyphs
        if slide is not None and composed.shortened:
            self.shortened[slide] = composed.shortened
        return path

    async def _write_storyboard(self, frames: list[tuple[Path, str]], target: Path) -> Path:
        plan = self.plan
        titles = [slide.title for slide in plan.deck.slides]
        await self.r.run_cpu(
            write_storyboard, self.cache, frames, titles, plan.deck, plan.theme, self.fonts, target
        )
        self.progress.step(Stage.STORYBOARD, units=0, message="storyboard ready", artifact=target)
        return target
