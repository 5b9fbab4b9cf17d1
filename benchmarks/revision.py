"""Revision turnaround: from the model's answer to the new video, against the first render.

A 10-slide deck is planned through the conversation engine (the real agent, ChatOpenAI against
the local fake OpenAI server answering at once), rendered at 1080p with espeak-ng, then revised
("make slide 3 simpler": one slide's bullets and narration). The first render is timed from the
plan's arrival to the video; the revision from the new version's arrival to the new video.
Goal: revision <= 15% of the first render. Medians of --runs runs, each with an empty cache.

Run: python -m benchmarks.revision [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


class TimingSink:
    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self.videos: list[Any] = []

    async def say(self, text: str) -> None:
        if text.startswith("Version "):
            self.marks.setdefault("revised", time.perf_counter())

    async def planned(self, deck: Any, version: int) -> None:
        self.marks.setdefault("planned", time.perf_counter())

    async def progress(self, update: Any) -> None:
        pass

    async def storyboard(self, path: Path, deck: Any, version: int) -> None:
        pass

    async def video(self, ready: Any) -> None:
        self.videos.append((time.perf_counter(), ready))

    async def script(self, markdown: str, deck: Any, version: int) -> None:
        pass

    async def failed(self, message: str, *, version: int | None = None) -> None:
        raise RuntimeError(message)


async def one_run(work: Path) -> tuple[float, float, int]:
    from agent import Planner, Reviser, StructuredChat, build_chat_model
    from bot.engine import ConversationEngine, Incoming
    from bot.store import Store
    from deck import EditSlide
    from render import AssetCache, EspeakBackend, ProceduralBackend, Renderer, SilentBackend
    from tests.fakes.openai_chat import FakeOpenAI, Reply, edits_reply

    titles = [f"Part {n} of the story" for n in range(1, 11)]
    draft = {
        "title": "Ten slides",
        "language": "en",
        "theme": None,
        "style": None,
        "aspect": None,
        "slides": [
            {
                "title": t,
                "bullets": [f"{t}: first point", "a second, longer point", "a third point"],
                "narration": f"{t} explains one step of the process in plain words, "
                "with a short example and a clear takeaway for the viewer to remember.",
                "image_prompt": f"an illustration of {t.lower()}",
                "layout": None,
            }
            for t in titles
        ],
    }
    with FakeOpenAI() as server:
        server.script(
            Reply.json(draft),
            edits_reply(
                [
                    EditSlide(
                        slide=3, bullets=["One simple point"], narration="Slide three, said simply."
                    )
                ],
                "slide 3 in simpler words",
            ),
        )
        chat = StructuredChat(
            build_chat_model(model="fake-model", base_url=server.base_url, api_key="test-key")
        )
        store = await Store.open(f"sqlite:///{work / 'db.sqlite'}")
        renderer = Renderer(
            ProceduralBackend(),
            {"espeak": EspeakBackend(), "silent": SilentBackend()},
            AssetCache(work / "cache"),
        )
        engine = ConversationEngine(
            store, Planner(chat), Reviser(chat), renderer, videos_dir=work / "videos"
        )
        sink = TimingSink()
        try:
            conversation = await engine.start(
                Incoming("bench", "me", "explain the story in 10 slides"), sink
            )
            assert conversation is not None
            await engine.queue.wait_idle(conversation.id)
            first = sink.videos[0][0] - sink.marks["planned"]
            await engine.handle(
                conversation.id, Incoming("bench", "me", "make slide 3 simpler"), sink
            )
            await engine.queue.wait_idle(conversation.id)
            revision = sink.videos[1][0] - sink.marks["revised"]
            return first, revision, sink.videos[1][1].slides_from_cache
        finally:
            await engine.close()
            renderer.close()
            store.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.revision", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    firsts, revisions = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="deckcast-bench-") as tmp:
            first, revision, cached = asyncio.run(one_run(Path(tmp)))
        firsts.append(first)
        revisions.append(revision)
        print(
            f"  run {run + 1}/{args.runs}: first render {first:.2f} s, revision {revision:.2f} s "
            f"({cached}/10 slides from cache)",
            flush=True,
        )
    first, revision = statistics.median(firsts), statistics.median(revisions)
    print("\n| step | seconds (median) |\n|---|---:|")
    print(f"| first render (plan -> video) | {first:.2f} |")
    print(f"| one-slide revision (answer -> video) | {revision:.2f} |")
    print(f"\nrevision / first render = {100 * revision / first:.1f}% (goal <= 15%)")


if __name__ == "__main__":
    main(sys.argv[1:])
