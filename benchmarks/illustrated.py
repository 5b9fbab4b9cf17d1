"""Offline pictures: the illustrated backend against the procedural one, per 1080p picture.

Both paint the same pictures: the first ``--pictures`` prompts of the test suite's planner-style
list (tests/data/picture_prompts.txt), as title, picture + bullets and full-picture slides in
turn (so at the sizes those layouts draw: 1920×1080, 864×1080), in the light theme, on one
thread. Each figure is the median over ``--runs`` runs of the mean time per picture, after one
warm-up pass; the cold figure is the first picture in this process (loading the bundled art
and cairosvg). With ``resvg-py`` installed it also times drawing the same SVG icons with resvg
(through PNG bytes, its only output), the renderer the illustrated backend did not choose.

Run: python -m benchmarks.illustrated [--pictures 24] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

LAYOUTS = ("title", "image_bullets", "full_image")
PROMPTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "picture_prompts.txt"


def requests(count: int) -> list[Any]:
    from deck import THEMES, Layout
    from render.frame import FrameSpec
    from render.images.base import ImageRequest
    from render.layout import image_size, text_area

    theme = THEMES["light"]
    spec = FrameSpec.of("16:9", 1080)
    out = []
    for line in PROMPTS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, title, prompt, nouns = (part.strip() for part in line.split("|"))
        if not nouns:
            continue
        layout = Layout(LAYOUTS[len(out) % len(LAYOUTS)])
        out.append(
            ImageRequest(
                f"{prompt}, {theme.image_style}",
                len(out) + 1,
                image_size(layout, spec),
                theme.palette.art,
                title=title,
                language=language,
                style=theme.image_style,
                keep_clear=text_area(layout, spec),
            )
        )
        if len(out) == count:
            break
    return out


def per_picture(backend: Any, batch: list[Any]) -> float:
    started = time.perf_counter()
    for request in batch:
        backend.generate([request])
    return (time.perf_counter() - started) / len(batch) * 1000


def icon_renderers(runs: int) -> tuple[float, float] | None:
    """ms to draw three icons at 600 px: cairosvg (used) and resvg-py (if installed)."""
    try:
        import io

        import resvg_py  # type: ignore[import-not-found]
        from PIL import Image
    except ImportError:
        return None
    from render.images.artset import art_set
    from render.images.vector import icon_svg, rasterize

    svgs = [icon_svg(art_set().body(n)) for n in ("herb", "sun", "droplet")]

    def cairo() -> None:
        for svg in svgs:
            rasterize(svg, 600, 600)

    def resvg() -> None:
        for svg in svgs:
            png = resvg_py.svg_to_bytes(
                svg_string=svg, width=600, height=600, skip_system_fonts=True
            )
            Image.open(io.BytesIO(bytes(png))).convert("RGBA")

    timings = []
    for fn in (cairo, resvg):
        fn()
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        timings.append(statistics.median(samples))
    return timings[0], timings[1]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.illustrated")
    parser.add_argument("--pictures", type=int, default=24)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from render.images.illustrated import IllustratedBackend
    from render.images.procedural import ProceduralBackend

    batch = requests(args.pictures)
    illustrated, procedural = IllustratedBackend(), ProceduralBackend()
    started = time.perf_counter()
    illustrated.generate(batch[:1])
    cold = (time.perf_counter() - started) * 1000
    drawn = sum(1 for r in batch if illustrated.subjects(r).main is not None)
    results = {}
    for name, backend in (("procedural", procedural), ("illustrated", illustrated)):
        per_picture(backend, batch)  # warm-up
        results[name] = statistics.median(per_picture(backend, batch) for _ in range(args.runs))
    base = results["procedural"]
    print(
        f"{len(batch)} pictures (1920x1080 and 864x1080), light theme, one thread; "
        f"medians of {args.runs} runs; {drawn} of {len(batch)} illustrated, the rest abstract"
    )
    print(f"{'backend':<34}{'ms/picture':>11}{'x procedural':>14}")
    print(f"{'procedural (baseline)':<34}{base:>11.1f}{1:>14.2f}")
    print(
        f"{'illustrated':<34}{results['illustrated']:>11.1f}{results['illustrated'] / base:>14.2f}"
    )
    print(f"{'illustrated, first in a process':<34}{cold:>11.1f}{cold / base:>14.2f}")
    icons = icon_renderers(args.runs)
    if icons is not None:
        print(f"three 600 px icons: cairosvg {icons[0]:.1f} ms, resvg-py {icons[1]:.1f} ms")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
