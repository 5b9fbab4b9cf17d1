"""Export speed: a deck's PowerPoint and PDF after its video, against the video's render.

The deck: 10 slides, 1080p 16:9 (the render benchmark's deck). Each run starts from an empty
cache: the video is rendered (the baseline: what the person has already waited for), then the
deck is exported, first as both files, then each file alone. The target is that exporting
after a render costs a small fraction of the render and makes no picture again. Figures are
medians of ``--runs`` runs (default 3).

Run: python -m benchmarks.export [--runs 3] [--slides 10] [--voice silent]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from benchmarks.render import make_deck
from render import (
    AssetCache,
    EspeakBackend,
    ImageRequest,
    ProceduralBackend,
    Renderer,
    RenderOptions,
    SilentBackend,
)
from render.export import export_deck


class CountingPictures(ProceduralBackend):
    """The procedural backend, counting the pictures it makes."""

    def __init__(self) -> None:
        super().__init__()
        self.made = 0

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        self.made += len(requests)
        return super().generate(requests)


def one_run(slides: int, voice: str) -> dict[str, float]:
    deck = make_deck(slides)
    options = RenderOptions(voice=voice)
    pictures = CountingPictures()
    with tempfile.TemporaryDirectory(prefix="deckcast-bench-") as tmp:
        work = Path(tmp)
        voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
        with Renderer(pictures, voices, AssetCache(work / "cache")) as r:
            started = time.perf_counter()
            asyncio.run(r.render(deck, work / "talk.mp4", options))
            figures = {"render": time.perf_counter() - started}
            made = pictures.made
            for label, kwargs in (
                ("both", {"pptx": work / "talk.pptx", "pdf": work / "talk.pdf"}),
                ("pptx", {"pptx": work / "only.pptx"}),
                ("pdf", {"pdf": work / "only.pdf"}),
            ):
                started = time.perf_counter()
                result = asyncio.run(export_deck(r, deck, options=options, **kwargs))
                figures[label] = time.perf_counter() - started
                figures[f"{label} MB"] = (result.pptx_bytes + result.pdf_bytes) / 1e6
            assert pictures.made == made, "an export made a picture that was in the cache"
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slides", type=int, default=10)
    parser.add_argument("--voice", default="espeak" if EspeakBackend().available() else "silent")
    args = parser.parse_args(argv)

    runs = [one_run(args.slides, args.voice) for _ in range(args.runs)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    base = median["render"]
    print(
        f"{args.slides} slides, 1080p 16:9, voice {args.voice}; medians of {args.runs} runs; "
        "no export made a picture again"
    )
    print(f"{'step':<34}{'seconds':>9}{'x render':>10}{'MB':>7}")
    print(f"{'render the video (baseline)':<34}{base:>9.2f}{1:>10.2f}{'':>7}")
    for label, name in (
        ("both", "export .pptx + .pdf after it"),
        ("pptx", "export .pptx alone"),
        ("pdf", "export .pdf alone"),
    ):
        print(
            f"{name:<34}{median[label]:>9.2f}{median[label] / base:>10.2f}"
            f"{median[label + ' MB']:>7.1f}"
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
