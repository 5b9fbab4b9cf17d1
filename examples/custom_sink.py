"""The conversation engine with a front-end of your own: a reply sink that prints.

The Discord, Slack and terminal front-ends are thin: each hands the engine a person's messages
and gives it a *reply sink*, an object with the async methods of ``bot.engine.ReplySink``
(``say``, ``planned``, ``progress``, ``storyboard``, ``video``, ``too_big``, ``script``,
``exported``, ``failed``, ``close``). The engine plans, revises, keeps every version in its
store, renders in the background and delivers the video; everything the person should see
arrives through the sink (``progress`` reports each render queued, rendering, and ending
without a video when it is cancelled or replaced). A new chat platform, an email gateway or a
web page is one more sink. Run it from the repository root::

    python examples/custom_sink.py [OUT_DIR]

It starts a conversation from ``examples/photosynthesis.md`` (an outline needs no language
model), waits for the video, asks for a structural change ("swap slides 2 and 3", understood
without a model too) and waits for the second video, which reuses every slide from the cache.
Videos, the store (SQLite) and the cache go to ``OUT_DIR`` (``out/custom_sink`` by default).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from agent import Planner, Reviser
from bot.engine import ConversationEngine, ExportReady, Incoming, JobUpdate, VideoReady
from bot.store import Store
from deck import Deck
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend

OUTLINE = Path(__file__).with_name("photosynthesis.md")


class PrintingSink:
    """A reply sink that prints what the engine says and hands finished videos to ``next``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.videos: list[VideoReady] = []
        self._arrived: asyncio.Queue[VideoReady | str] = asyncio.Queue()

    def show(self, line: str) -> None:
        self.lines.append(line)
        print(f"deckcast> {line}", flush=True)

    async def next(self) -> VideoReady:
        """The next video; raises if the engine reported a failure instead."""
        arrived = await self._arrived.get()
        if isinstance(arrived, str):
            raise RuntimeError(arrived)
        return arrived

    # -- the ReplySink methods ------------------------------------------------------------

    async def say(self, text: str) -> None:
        self.show(text)

    async def planned(self, deck: Deck, version: int) -> None:
        titles = " / ".join(slide.title for slide in deck.slides)
        self.show(f"version {version}, {len(deck.slides)} slides: {titles}")

    async def progress(self, update: JobUpdate) -> None:
        pass  # called often: a real front-end shows a throttled progress line

    async def storyboard(self, path: Path, deck: Deck, version: int) -> None:
        self.show(f"storyboard of version {version}: {path.name}")

    async def video(self, ready: VideoReady) -> None:
        self.videos.append(ready)
        self.show(
            f"video of version {ready.version}: {ready.video.name}, {ready.duration:.1f} s, "
            f"{ready.slides_from_cache} of {ready.slides} slides from the cache"
        )
        self._arrived.put_nowait(ready)

    async def too_big(self, ready: VideoReady, limit: int) -> None:
        self.show(f"version {ready.version} is too big to send ({ready.size_bytes} bytes)")
        self._arrived.put_nowait("too big")

    async def script(self, markdown: str, deck: Deck, version: int) -> None:
        self.show(markdown)

    async def exported(self, ready: ExportReady) -> None:
        self.show(f"exported version {ready.version}: {ready.pptx.name}, {ready.pdf.name}")

    async def report(self, text: str) -> None:
        self.show(text)  # the history, one version, a comparison

    async def script_review(self, conversation_id: str, deck: Deck, version: int) -> None:
        self.show(f"version {version}'s script waits for review: say render to make the video")

    async def approved(self, version: int, approvers: Sequence[str]) -> None:
        self.show(f"version {version} approved by {', '.join(approvers)}")

    async def failed(self, message: str, *, version: int | None = None) -> None:
        self.show(f"sorry: {message}")
        self._arrived.put_nowait(message)  # no video will come for what failed

    async def close(self) -> None:
        pass  # nothing held back: every line is printed at once


async def converse(out_dir: Path) -> PrintingSink:
    store = await Store.open(f"sqlite:///{out_dir / 'deckcast.db'}")
    cache = AssetCache(out_dir / "cache")
    renderer = Renderer(ProceduralBackend(), {"silent": SilentBackend()}, cache)
    engine = ConversationEngine(
        store,
        Planner(None),  # no language model: outlines and structural commands still work
        Reviser(None),
        renderer,
        videos_dir=out_dir / "videos",
        render_defaults=RenderOptions(resolution=360, default_voice="silent"),
    )
    sink = PrintingSink()
    try:
        outline = OUTLINE.read_text(encoding="utf-8")
        first = Incoming(platform="example", user="ana", outline=outline)
        conversation = await engine.start(first, sink)
        if conversation is None:  # the sink was told why
            raise SystemExit(1)
        await sink.next()
        request = "swap slides 2 and 3"
        print(f"ana> {request}")
        await engine.handle(conversation.id, Incoming("example", "ana", request), sink)
        await sink.next()
    finally:
        await engine.close()
        renderer.close()
        store.close()
    return sink


def main(argv: list[str] | None = None) -> PrintingSink:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0] if args else "out/custom_sink")
    return asyncio.run(converse(out_dir))


if __name__ == "__main__":
    main()
