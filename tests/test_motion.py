"""Pictures that move under still text: the deck field, the layers, and the final MP4 probed.

The end-to-end checks decode the real file: packet timestamps (frame rate per slide, slide
starts against the narration), the text's pixels across a moving slide, and the path of a
bright dot in the picture, whose frame-to-frame acceleration must stay well under a pixel
(whole-pixel rounding, as ``zoompan`` does, shows up as jumps of a pixel or more).
"""

from __future__ import annotations

import asyncio
import itertools
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from agent.commands import parse_command
from deck import (
    Layout,
    Motion,
    NewImage,
    SetDeck,
    apply,
    build_deck,
    parse_outline,
    theme_spec,
    to_markdown,
)
from deck.errors import DeckValidationError
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from render.compose import compose_slide
from render.errors import RenderError
from render.ffmpeg import ffmpeg_exe
from render.fonts import font_set
from render.frame import FrameSpec
from render.images.base import ImageRequest
from render.layers import compose_layers
from render.layout import auto_layout
from render.motion import FULL_BLEED, Move, motion_fps, perspective, slide_moves
from render.plan import RenderPlan
from tests.probe import decode_audio, probe

SMALL = RenderOptions(resolution=360, voice="silent")
DOT = (0.35, 0.12)  # where the test pictures' dot is (no zoom's fixed point, above the panels)


class DotPictures(ProceduralBackend):
    """Dark pictures with one bright dot: a feature whose position can be measured."""

    name = "dots"

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        pictures = []
        for request in requests:
            width, height = request.size
            picture = Image.new("RGB", (width, height), (30, 34, 40))
            x, y, r = DOT[0] * width, DOT[1] * height, height * 0.03
            ImageDraw.Draw(picture).ellipse((x - r, y - r, x + r, y + r), fill=(250, 250, 250))
            pictures.append(picture)
        return pictures


def run(coro):
    return asyncio.run(coro)


def three_slides(**deck: object):
    return build_deck(
        {
            "title": "Motion",
            **deck,
            "slides": [
                {"title": "A moving title", "narration": "One short sentence to say here."},
                {
                    "title": "A full picture",
                    "layout": "full_image",
                    "bullets": ["A caption line"],
                    "narration": "Another sentence, about as long as the first one is.",
                },
                {
                    "title": "Beside the text",
                    "bullets": ["A bullet", "Another bullet"],
                    "narration": "A third sentence closes the little deck.",
                },
            ],
        }
    )


def packets(path: Path) -> list[tuple[float, float]]:
    """Every video packet's (pts, duration) in seconds, read without decoding."""
    report = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy", "-f",
         "framemd5", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    base = 1.0
    rows = []
    for line in report.splitlines():
        if line.startswith("#tb 0:"):
            num, den = line.split(":")[1].strip().split("/")
            base = int(num) / int(den)
        elif line and not line.startswith("#"):
            fields = [f.strip() for f in line.split(",")]
            rows.append((int(fields[2]) * base, int(fields[3]) * base))
    return rows


def decode_gray(path: Path, start: float, seconds: float, size: tuple[int, int]) -> np.ndarray:
    """The frames shown from ``start`` for ``seconds``, as luma arrays."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", f"{start:.3f}", "-i", str(path), "-t",
         f"{seconds:.3f}", "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0]).astype(np.float64)


# -- the deck field ----------------------------------------------------------------------------


def test_motion_is_gentle_by_default_and_round_trips_through_the_outline():
    deck = parse_outline("## One\n- a point\n")
    assert deck.motion is Motion.GENTLE and "motion:" not in to_markdown(deck)
    still = parse_outline("---\nmotion: none\n---\n## One\n")
    assert still.motion is Motion.NONE
    assert "motion: none" in to_markdown(still)
    assert parse_outline(to_markdown(still)) == still
    burns = apply(deck, [SetDeck(motion=Motion.KENBURNS)])
    assert parse_outline(to_markdown(burns)) == burns and burns.motion is Motion.KENBURNS
    with pytest.raises(DeckValidationError, match="motion"):
        parse_outline("---\nmotion: wobbly\n---\n## One\n")


def test_which_slides_move_and_how():
    deck = three_slides()
    layouts = tuple(auto_layout(s, i) for i, s in enumerate(deck.slides))
    gentle = slide_moves(deck, layouts, Motion.GENTLE, captions=False)
    assert [m is not None for m in gentle] == [True, True, False]  # full-bleed pictures only
    assert all(m.kind == "zoom_in" for m in gentle if m)  # every gentle move starts at the still
    kenburns = slide_moves(deck, layouts, Motion.KENBURNS, captions=False)
    assert all(kenburns) and kenburns[0].zoom > gentle[0].zoom
    assert not any(slide_moves(deck, layouts, Motion.NONE, captions=False))
    assert not any(slide_moves(deck, layouts, Motion.GENTLE, captions=True))
    assert slide_moves(deck, layouts, Motion.GENTLE, captions=False) == gentle  # stable

    # Neighbours move differently, across many full pictures.
    many = build_deck(
        {
            "title": "Many",
            "slides": [
                {"title": f"Picture {n}", "layout": "full_image", "image_seed": n}
                for n in range(30)
            ],
        }
    )
    moves = slide_moves(many, tuple(s.layout for s in many.slides), Motion.GENTLE, captions=False)
    assert all(a != b for a, b in itertools.pairwise(moves))
    assert len(set(moves)) >= 6

    # The option overrides the deck; a bad one is named.
    plan = RenderPlan.of(deck, RenderOptions(motion="none"), ProceduralBackend())
    assert not any(plan.moves)
    with pytest.raises(RenderError, match="wobbly"):
        RenderPlan.of(deck, RenderOptions(motion="wobbly"), ProceduralBackend())
    assert motion_fps(2, 24) == 24 and motion_fps(5, 24) == 25 and motion_fps(24, 24) == 24


@pytest.mark.parametrize("layout", [Layout.TITLE, Layout.FULL_IMAGE, Layout.IMAGE_BULLETS])
def test_the_text_layer_over_the_picture_layer_is_the_still_frame(layout):
    deck = three_slides()
    slide = deck.slides[2].model_copy(update={"layout": layout})
    spec = FrameSpec.of("16:9", 360)
    theme = theme_spec("light")
    fonts = font_set("en", None)
    picture = ProceduralBackend().generate(
        [ImageRequest("a hill", 7, spec.size, theme.palette.art)]
    )[0]
    layers = compose_layers(slide, layout, picture, theme, spec, fonts)
    still = compose_slide(slide, layout, picture, theme, spec, fonts).image
    under = Image.new("RGBA", spec.size, (0, 0, 0, 255))
    under.paste(layers.picture, layers.box[:2])
    composite = np.asarray(Image.alpha_composite(under, layers.text).convert("RGB"), dtype=int)
    difference = np.abs(composite - np.asarray(still, dtype=int))
    assert difference.max() <= 3 and difference.mean() < 0.3
    alpha = np.asarray(layers.text)[..., 3]
    assert (alpha == 255).mean() > 0.005  # the glyphs are opaque
    if layout in FULL_BLEED:
        assert (alpha == 0).mean() > 0.3  # the picture shows around the panel
        assert 0 < np.median(alpha[alpha > 0]) < 255  # the panel is translucent


def test_the_filter_path_is_the_window_the_move_describes():
    move = Move("zoom_in", 1.08, 0.6, -0.6)
    text = perspective(move, 49)
    assert "eval=frame" in text and "interpolation=linear" in text and "zoompan" not in text
    left, top, right, bottom = move.window(0.0)
    assert (left, top, right, bottom) == (0.0, 0.0, 1.0, 1.0)  # starts at the still
    left, top, right, bottom = move.window(1.0)
    assert right - left == pytest.approx(1 / 1.08) and left > 0 and top < 1 - bottom
    pan = Move("pan_left", 1.18)
    assert pan.window(0.0)[0] > pan.window(1.0)[0]


# -- the final MP4 -----------------------------------------------------------------------------


@pytest.fixture
def dots(tmp_path: Path):
    with Renderer(DotPictures(), {"silent": SilentBackend()}, AssetCache(tmp_path / "c")) as r:
        yield r


def test_a_moving_slide_in_the_mp4(dots, tmp_path):
    deck = three_slides()
    out = tmp_path / "moving.mp4"
    result = run(dots.render(deck, out, SMALL))
    info = probe(out)
    size = info.video_size
    assert size == (640, 360) and info.faststart

    # Frame rate: 24 fps where the picture moves, 2 fps where it stands; each slide starts
    # with its narration, and the video lasts as long as the audio.
    rows = packets(out)
    for i, timing in enumerate(result.timings):
        inside = [d for t, d in rows if timing.start - 1e-6 <= t < timing.start + timing.duration]
        fps = 24 if i < 2 else 2
        assert inside and all(abs(d - 1 / fps) < 1e-6 for d in inside), (i, set(inside))
        assert len(inside) == round(timing.duration * fps)
        assert any(abs(t - timing.start) < 1e-6 for t, _d in rows), f"slide {i + 1} start"
    end = rows[-1][0] + rows[-1][1]
    assert end == pytest.approx(result.duration, abs=1e-6)
    assert len(decode_audio(out)) / 24_000 == pytest.approx(end, abs=0.05)
    assert abs(info.duration - result.duration) <= 0.05

    # The full picture (slide 2): text pixel-still, the picture moving, the dot smooth.
    timing = result.timings[1]
    frames = decode_gray(out, timing.start, timing.duration, size)
    assert len(frames) >= 24 * timing.duration - 1
    text_layer = next(
        image
        for path in (dots.cache.root / "layer").rglob("*.png")
        if (image := Image.open(path)).mode == "RGBA"
        and np.asarray(image)[..., 3].mean() < 200  # slide 2's panel is lower than slide 1's
        and np.asarray(image)[: size[1] // 2, :, 3].mean() < 5
    )
    glyphs = np.asarray(text_layer)[..., 3] == 255
    # (away from the glyphs' edges, where chroma is shared with the moving pixels next door)
    core = glyphs[1:-1, 1:-1] & glyphs[:-2, 1:-1] & glyphs[2:, 1:-1]
    core &= glyphs[1:-1, :-2] & glyphs[1:-1, 2:]
    core = np.pad(core, 1)
    assert core.sum() > 200
    first, last = frames[1], frames[-2]
    assert np.abs(first[core] - last[core]).mean() < 1.0
    assert np.abs(first[core] - last[core]).max() <= 8
    top = slice(0, size[1] // 3)
    assert np.abs(first[top] - last[top]).max() > 100  # the picture above the panel moved

    positions = []
    for frame in frames:
        band = frame[top]
        weights = np.clip(band - 128, 0, None)
        ys, xs = np.indices(band.shape)
        positions.append((float((xs * weights).sum() / weights.sum()),
                          float((ys * weights).sum() / weights.sum())))  # fmt: skip
    path = np.array(positions)
    travelled = np.hypot(*(path[-1] - path[0]))
    assert travelled > 3.0, travelled  # the dot did move
    acceleration = np.hypot(*np.diff(path, n=2, axis=0).T)
    assert acceleration.max() < 0.5, acceleration.max()


def test_changing_motion_re_encodes_only_the_slides_it_changes(dots, tmp_path):
    deck = three_slides(motion="none")
    run(dots.render(deck, tmp_path / "a.mp4", SMALL))

    dots.cache.reset_stats()
    moving = apply(deck, [SetDeck(motion=Motion.GENTLE)])
    result = run(dots.render(moving, tmp_path / "b.mp4", SMALL))
    assert dots.cache.misses["segment"] == 2 and result.slides_from_cache == 1
    assert dots.cache.misses["frame"] == 0 and dots.cache.misses["image"] == 0

    dots.cache.reset_stats()
    redrawn = apply(moving, [NewImage(slide=2)])
    result = run(dots.render(redrawn, tmp_path / "c.mp4", SMALL))
    assert dots.cache.misses["segment"] == 1 and result.slides_from_cache == 2

    dots.cache.reset_stats()
    result = run(dots.render(redrawn, tmp_path / "d.mp4", SMALL))
    assert dots.cache.misses["segment"] == 0 and result.slides_from_cache == 3


@pytest.mark.parametrize(
    ("text", "motion"),
    [
        ("add motion", Motion.GENTLE),
        ("please add some movement", Motion.GENTLE),
        ("no motion", Motion.NONE),
        ("turn off the zooms", Motion.NONE),
        ("still pictures", Motion.NONE),
        ("add Ken Burns", Motion.KENBURNS),
        ("use stronger motion", Motion.KENBURNS),
        ("motion: none", Motion.NONE),
    ],
)
def test_motion_in_chat(text, motion):
    deck = parse_outline("## One\n")
    assert parse_command(text, deck) == [SetDeck(motion=motion)]
    assert parse_command(f"theme dark and {text}", deck)[1:] == [SetDeck(motion=motion)]


def test_sentences_about_motion_are_not_commands():
    deck = parse_outline("## One\n")
    assert parse_command("add a slide about motion", deck) is None
    assert parse_command("remove the motion from slide 3", deck) is None
