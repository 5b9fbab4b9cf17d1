"""Where an illustration's elements go: the main subject large, where the layout sets no
text, and one or two supporting elements beside it. Pure geometry, deterministic from the rng.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels


@dataclass(frozen=True, slots=True)
class Placement:
    """One element: the illustration ``name`` drawn ``size`` pixels square, centred at
    (``cx``, ``cy``), turned by ``rotate`` degrees and mirrored when ``flip``."""

    name: str
    cx: float
    cy: float
    size: float
    rotate: float = 0.0
    flip: bool = False
    main: bool = False

    @property
    def box(self) -> Box:
        half = self.size / 2
        return (self.cx - half, self.cy - half, self.cx + half, self.cy + half)


# Offsets from the stage's centre and sizes, in units of the main subject's size:
# (main dx, main dy), then (dx, dy, size) for each supporting element.
_TEMPLATES: tuple[tuple[tuple[float, float], tuple[tuple[float, float, float], ...]], ...] = (
    ((0.0, 0.0), ((-0.7, 0.28, 0.54), (0.68, -0.3, 0.46))),
    ((-0.24, 0.0), ((0.6, 0.26, 0.56), (0.56, -0.36, 0.44))),
    ((0.24, 0.0), ((-0.6, 0.26, 0.56), (-0.56, -0.36, 0.44))),
    ((0.0, -0.06), ((-0.7, 0.32, 0.52), (0.7, 0.32, 0.52))),
)


def free_boxes(size: tuple[int, int], keep_clear: Sequence[Box]) -> list[Box]:
    """The rectangles of the picture that no text box covers, roomiest first (by the largest
    square each holds). ``keep_clear`` is in pixels; no boxes: the whole picture."""
    w, h = size
    if not keep_clear:
        return [(0.0, 0.0, float(w), float(h))]
    gap = 0.02 * min(w, h)
    sides: list[Box] = []
    for x0, y0, x1, y1 in keep_clear:
        sides += [
            (0.0, 0.0, float(w), y0 - gap),
            (0.0, y1 + gap, float(w), float(h)),
            (0.0, 0.0, x0 - gap, float(h)),
            (x1 + gap, 0.0, float(w), float(h)),
        ]
    free = [
        b
        for b in sides
        if b[2] - b[0] > 1 and b[3] - b[1] > 1 and not any(_overlap(b, c) for c in keep_clear)
    ]
    free.sort(key=lambda b: (-min(b[2] - b[0], b[3] - b[1]), -(b[2] - b[0]) * (b[3] - b[1])))
    return free or [(0.0, 0.0, float(w), float(h))]


def arrange(
    main: str,
    supporting: Sequence[str],
    size: tuple[int, int],
    keep_clear: Sequence[Box],
    rng: np.random.Generator,
) -> list[Placement]:
    """Place ``main`` and ``supporting`` on a ``size`` picture, away from ``keep_clear``."""
    w, h = size
    boxes = free_boxes(size, keep_clear)
    stage = boxes[0]
    sw, sh = stage[2] - stage[0], stage[3] - stage[1]
    if min(sw, sh) < 0.4 * min(w, h):  # thin strips round a text panel
        return _in_bands(main, supporting, boxes, rng, size)
    scale = (0.7 if supporting else 0.8) * float(rng.uniform(0.94, 1.04))
    unit = min(sw, sh) * scale
    spread = min(1.3, max(1.0, max(sw, sh) / min(sw, sh) / 1.4))  # room to the sides: use it
    (mdx, mdy), spots = _TEMPLATES[int(rng.integers(len(_TEMPLATES)))]
    if sh > sw * 1.1:  # a tall stage (a picture beside bullets): the others above and below
        mdx, mdy = mdy, mdx
        spots = tuple((dy, dx, k) for dx, dy, k in spots)
    cx, cy = (stage[0] + stage[2]) / 2, (stage[1] + stage[3]) / 2
    flip = bool(rng.random() < 0.5)
    placed = [
        _inside(
            Placement(
                main, cx + mdx * unit, cy + mdy * unit, unit, float(rng.uniform(-3, 3)), flip, True
            ),
            size,
        )
    ]
    for name, (dx, dy, k) in zip(supporting, spots, strict=False):
        dx, dy = (dx * spread, dy) if sw >= sh else (dx, dy * spread)
        if flip:
            dx = -dx
        turn = float(rng.uniform(-9, 9))
        spot = Placement(name, cx + dx * unit, cy + dy * unit, k * unit, turn, rng.random() < 0.3)
        placed.append(_inside(spot, size, stage if keep_clear else (0, 0, w, h)))
    return placed


def _in_bands(
    main: str,
    supporting: Sequence[str],
    boxes: Sequence[Box],
    rng: np.random.Generator,
    size: tuple[int, int],
) -> list[Placement]:
    """Long thin free areas (above and below a title panel): the main element in the roomiest
    band and the others in the next band, each a little larger than its band, tucked under
    the panel's edge."""
    names = [main, *supporting]
    bands = [b for b in boxes if min(b[2] - b[0], b[3] - b[1]) >= 0.5 * _short(boxes[0])][:2]
    placed: list[Placement] = []
    for i, name in enumerate(names):
        band = bands[i % len(bands)] if len(bands) > 1 and i > 0 else bands[0]
        bw, bh = band[2] - band[0], band[3] - band[1]
        horizontal = bw >= bh
        short = min(bw, bh)
        k = (1.2 if i == 0 else 0.95) * float(rng.uniform(0.95, 1.03))
        along = [0.5, 0.22, 0.78][i] if len(bands) == 1 else [0.5, 0.24, 0.76][i]
        if i and len(bands) > 1:
            along = float(rng.choice([0.2, 0.8]))
        if horizontal:
            cx, cy = band[0] + along * bw, band[1] + bh / 2
        else:
            cx, cy = band[0] + bw / 2, band[1] + along * bh
        turn = float(rng.uniform(-3, 3) if i == 0 else rng.uniform(-9, 9))
        spot = Placement(name, cx, cy, k * short, turn, bool(rng.random() < 0.3), i == 0)
        # Bigger than the band: tucked a little under the text panel, as if behind it.
        tuck = 0.3 * spot.size
        if horizontal:
            room = (band[0], band[1] - tuck, band[2], band[3] + tuck)
        else:
            room = (band[0] - tuck, band[1], band[2] + tuck, band[3])
        placed.append(_inside(spot, size, room))
    return placed


def _inside(p: Placement, size: tuple[int, int], within: Box | None = None) -> Placement:
    """``p`` moved (and if need be shrunk) so that it lies within ``within`` and the picture."""
    w, h = size
    x0, y0, x1, y1 = within or (0.0, 0.0, float(w), float(h))
    x0, y0, x1, y1 = max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)
    margin = 0.02 * min(w, h)
    room = min(x1 - x0, y1 - y0) - 2 * margin
    s = max(8.0, min(p.size, room))
    half = s / 2
    cx = min(max(p.cx, x0 + margin + half), x1 - margin - half)
    cy = min(max(p.cy, y0 + margin + half), y1 - margin - half)
    return Placement(p.name, cx, cy, s, p.rotate, p.flip, p.main)


def _short(b: Box) -> float:
    return min(b[2] - b[0], b[3] - b[1])


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
