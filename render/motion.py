"""Motion: a slide's picture slowly zooms or pans under its still text, without a shake.

The move of each slide is decided from the deck alone (so the plan knows it before any work):
which slides move (``gentle``: those whose picture fills the frame; ``kenburns``: every slide
with a picture, further), and how, chosen from a hash of the slide's picture so that it is
stable across renders, and different from the previous slide's. ``gentle`` only zooms in (to
the centre, a side or a corner): every move then starts at the still frame, so the first
frame is the storyboard's and a crossfade lands on exactly what the slide starts with.
``kenburns`` also zooms out and pans.

On screen a move is a window over the picture, eased in and out (smoothstep) so that it starts
and stops at rest. ffmpeg's ``perspective`` filter samples the picture at the window's exact
position each frame (a 1/256 pixel grid, bilinear): ``zoompan`` rounds the window to whole
pixels, and that rounding is the visible shake of cheap Ken Burns effects. The text is a still
RGBA layer overlaid on the moving picture in the same filter graph, so it stays pixel-still.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from deck import Deck, Layout, Motion

from .layout import Box

ZOOM_IN, ZOOM_OUT = "zoom_in", "zoom_out"
PAN_LEFT, PAN_RIGHT, PAN_UP, PAN_DOWN = "pan_left", "pan_right", "pan_up", "pan_down"
# How far a slide's picture is enlarged at most: gentle is felt more than seen.
ZOOM = {Motion.GENTLE: 1.08, Motion.KENBURNS: 1.18}
FULL_BLEED = frozenset({Layout.FULL_IMAGE, Layout.TITLE})  # the picture fills the frame
FOCUS = (-0.6, 0.0, 0.6)  # where a zoom heads, as a share of the room it has to move in
ZOOM_INS = tuple((ZOOM_IN, x, y) for y in FOCUS for x in FOCUS)
CHOICES = {
    Motion.GENTLE: ZOOM_INS,
    Motion.KENBURNS: (
        *ZOOM_INS,
        *((ZOOM_OUT, x, y) for y in FOCUS for x in FOCUS),
        *((kind, 0.0, 0.0) for kind in (PAN_LEFT, PAN_RIGHT, PAN_UP, PAN_DOWN) * 2),
    ),
}


@dataclass(frozen=True, slots=True)
class Move:
    """One slide's move: its ``kind``, the largest zoom, and the point a zoom heads to (each
    in -1..1 of the room the window has: 0 is the centre)."""

    kind: str
    zoom: float
    focus_x: float = 0.0
    focus_y: float = 0.0

    def window(self, progress: float) -> tuple[float, float, float, float]:
        """The part of the picture shown at ``progress`` (0..1 of the slide, before easing):
        left, top, right, bottom as fractions of the picture."""
        e = ease(progress)
        log_zoom = math.log(self.zoom)
        if self.kind == ZOOM_IN:
            scale = math.exp(log_zoom * e)
        elif self.kind == ZOOM_OUT:
            scale = math.exp(log_zoom * (1 - e))
        else:
            scale = self.zoom
        room = 0.5 * (1 - 1 / scale)  # how far the window's centre may leave the middle
        if self.kind in (ZOOM_IN, ZOOM_OUT):
            dx, dy = self.focus_x * room, self.focus_y * room
        else:
            sweep = (2 * e - 1) * room
            dx = {PAN_LEFT: -sweep, PAN_RIGHT: sweep}.get(self.kind, 0.0)
            dy = {PAN_UP: -sweep, PAN_DOWN: sweep}.get(self.kind, 0.0)
        half = 0.5 / scale
        return (0.5 + dx - half, 0.5 + dy - half, 0.5 + dx + half, 0.5 + dy + half)

    def key(self) -> dict[str, object]:
        return {"kind": self.kind, "zoom": self.zoom, "focus": [self.focus_x, self.focus_y]}


def ease(t: float) -> float:
    """Smoothstep: starts and ends at rest, no jump in speed anywhere."""
    t = min(1.0, max(0.0, t))
    return t * t * (3 - 2 * t)


def deck_motion(deck: Deck, override: str | None) -> Motion:
    """The motion a render uses: the option's when given, else the deck's."""
    return Motion(override) if override else deck.motion


def slide_moves(
    deck: Deck, layouts: tuple[Layout, ...], motion: Motion, *, captions: bool
) -> tuple[Move | None, ...]:
    """Each slide's move, or ``None`` for a still. Slides with a chart, code or an equation
    stay still (their picture is a faded backdrop or absent), and so does every slide when
    captions are burned in (a caption is drawn per cue onto the still frame)."""
    if motion is Motion.NONE or captions:
        return tuple(None for _ in deck.slides)
    choices = CHOICES[motion]
    moves: list[Move | None] = []
    previous: tuple[str, float, float] | None = None
    for slide, layout in zip(deck.slides, layouts, strict=True):
        digest = hashlib.sha256(f"{slide.image_prompt}\0{slide.image_seed}".encode()).digest()
        number = int.from_bytes(digest[:8], "big")
        primary = choices[number % len(choices)]
        choice = primary
        if primary == previous:  # the neighbour moves the same way: take another move
            others = [c for c in dict.fromkeys(choices) if c != primary]
            choice = others[(number // len(choices)) % len(others)]
        previous = primary  # (the first choice only: an edit changes at most the next move)
        still = slide.element is not None or (motion is Motion.GENTLE and layout not in FULL_BLEED)
        moves.append(None if still else Move(choice[0], ZOOM[motion], choice[1], choice[2]))
    return tuple(moves)


def motion_fps(fps: int, wanted: int) -> int:
    """The frame rate of a moving slide: a multiple of the still slides' ``fps`` (so the two
    last exactly as long) of at least ``wanted``."""
    return fps * max(1, math.ceil(wanted / fps))


@dataclass(frozen=True, slots=True)
class MotionClip:
    """A moving slide's segment: ``picture`` (drawn at ``box``) moves under ``text``."""

    picture: Path
    text: Path
    box: Box
    size: tuple[int, int]
    move: Move
    frames: int

    def inputs(self, fps: int) -> list[str]:
        return ["-framerate", str(fps), "-i", str(self.picture), "-framerate", str(fps), "-i",
                str(self.text)]  # fmt: skip

    def graph(self, first: int, fps: int, out: str) -> str:
        """The filter graph from input ``first`` (the picture; the text is the next) to the
        label ``out``: each still converted once, repeated, the picture moved, the text over it."""
        hold = f"loop=loop={self.frames - 1}:size=1:start=0,settb=1/{fps},setpts=N"
        width, height = self.size
        moved = f"[{first}:v]format=yuv420p,{hold},{perspective(self.move, self.frames)}"
        if self.box != (0, 0, width, height):  # a picture beside the text: always at the origin
            moved += f",pad={width}:{height}:0:0"
        text = f"[{first + 1}:v]format=yuva420p,{hold}"
        return f"{moved}[{out}p];{text}[{out}t];[{out}p][{out}t]overlay=format=yuv420[{out}]"


def perspective(move: Move, frames: int) -> str:
    """ffmpeg's ``perspective`` filter showing ``move``'s window on frame ``in`` of ``frames``:
    the window's corners (in the picture's pixels) sent to the output's corners."""
    steps = max(1, frames - 1)
    t = f"(in/{steps})"
    e = f"({t}*{t}*(3-2*{t}))"
    log_zoom = math.log(move.zoom)
    if move.kind == ZOOM_IN:
        scale = f"exp({log_zoom!r}*{e})"
    elif move.kind == ZOOM_OUT:
        scale = f"exp({log_zoom!r}*(1-{e}))"
    else:
        scale = f"{move.zoom!r}"
    room = f"(0.5*(1-1/{scale}))"
    if move.kind in (ZOOM_IN, ZOOM_OUT):
        dx, dy = f"({move.focus_x!r}*{room})", f"({move.focus_y!r}*{room})"
    else:
        sweep = f"((2*{e}-1)*{room})"
        dx = {PAN_LEFT: f"(-{sweep})", PAN_RIGHT: sweep}.get(move.kind, "0")
        dy = {PAN_UP: f"(-{sweep})", PAN_DOWN: sweep}.get(move.kind, "0")
    half = f"(0.5/{scale})"
    left, right = f"W*(0.5+{dx}-{half})", f"W*(0.5+{dx}+{half})"
    top, bottom = f"H*(0.5+{dy}-{half})", f"H*(0.5+{dy}+{half})"
    corners = {
        "x0": left, "y0": top, "x1": right, "y1": top,
        "x2": left, "y2": bottom, "x3": right, "y3": bottom,
    }  # fmt: skip
    options = ":".join(f"{name}='{expr}'" for name, expr in corners.items())
    return f"perspective={options}:interpolation=linear:sense=source:eval=frame"
