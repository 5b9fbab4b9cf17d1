"""Frames are legible by construction: text stays in its box, blocks never overlap, and every
block reaches WCAG AA contrast against what lies beneath it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from deck import THEMES, Layout, Slide
from render.caption_band import add_caption
from render.compose import compose_slide
from render.contrast import AA_NORMAL_TEXT, contrast_ratio, hex_to_rgb, min_contrast
from render.fonts import find_cjk_font, font_set
from render.frame import FrameSpec
from render.images.base import ImageRequest
from render.images.illustrated import IllustratedBackend
from render.images.procedural import paint
from render.layout import boxes_overlap, image_size, text_area

SLIDE = Slide(
    title="Leaves are solar panels that feed the whole planet",
    bullets=[
        "Chlorophyll absorbs red and blue light",
        "Green light bounces back, so leaves look green",
        "Each leaf cell holds dozens of chloroplasts",
    ],
)
LONG = Slide(title="W" * 90, bullets=["word " * 27 + "end"] * 6)


def _check(frame, spec):
    w, h = spec.size
    assert frame.image.size == spec.size
    for block in frame.blocks:
        x0, y0, x1, y1 = block.bounds
        assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h, f"{block.kind} leaves the frame"
        bx0, by0, bx1, by1 = block.box
        assert bx0 <= x0 and x1 <= bx1 and by0 <= y0 and y1 <= by1, f"{block.kind} leaves its box"
        under = np.asarray(frame.underlay)[y0:y1, x0:x1]
        ratio = min_contrast(block.color, under)
        assert ratio >= AA_NORMAL_TEXT, f"{block.kind}: contrast {ratio:.2f} below 4.5"
    for a in frame.blocks:
        for b in frame.blocks:
            if a is not b:
                assert not boxes_overlap(a.bounds, b.bounds), f"{a.kind} overlaps {b.kind}"
    # Every pixel that text changed lies inside some block's bounds.
    changed = np.any(np.asarray(frame.image) != np.asarray(frame.underlay), axis=2)
    inside = np.zeros_like(changed)
    for block in frame.blocks:
        x0, y0, x1, y1 = block.bounds
        inside[y0:y1, x0:x1] = True
    assert not np.any(changed & ~inside), "text pixels outside the text blocks"


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_every_theme_layout_and_aspect_is_legible(theme, layout, aspect):
    spec = FrameSpec.of(aspect, 360)
    spec_theme = THEMES[theme]
    for seed in (1, 2):  # pictures bright and dark
        picture = paint(
            "sunlight over hills", seed, image_size(layout, spec), spec_theme.palette.art
        )
        frame = compose_slide(
            SLIDE, layout, picture, spec_theme, spec, font_set("en"), keep_underlay=True
        )
        _check(frame, spec)
        assert {b.kind for b in frame.blocks} == {"title", "body"}


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_illustrated_pictures_keep_every_theme_layout_and_aspect_legible(theme, layout, aspect):
    spec = FrameSpec.of(aspect, 360)
    spec_theme = THEMES[theme]
    backend = IllustratedBackend()
    # a pale subject and a dark one, each with supporting elements
    for seed, prompt in ((1, "a snowman and a cloud in the snow"), (2, "a black cat and an owl")):
        request = ImageRequest(
            f"{prompt}, {spec_theme.image_style}",
            seed,
            image_size(layout, spec),
            spec_theme.palette.art,
            title=SLIDE.title,
            keep_clear=text_area(layout, spec),
        )
        assert backend.subjects(request).main is not None
        picture = backend.paint(request)
        frame = compose_slide(
            SLIDE, layout, picture, spec_theme, spec, font_set("en"), keep_underlay=True
        )
        _check(frame, spec)
        assert {b.kind for b in frame.blocks} == {"title", "body"}


@pytest.mark.parametrize("layout", list(Layout))
def test_overlong_text_shrinks_then_shortens_but_never_overflows(layout):
    spec = FrameSpec.of("9:16", 360)
    picture = Image.new("RGB", image_size(layout, spec), "white")
    frame = compose_slide(
        LONG, layout, picture, THEMES["dark"], spec, font_set("en"), keep_underlay=True
    )
    _check(frame, spec)


@pytest.mark.parametrize("picture_color", ["white", "black", "#808080", "#ffcc00"])
def test_captions_are_legible_on_any_picture(picture_color):
    spec = FrameSpec.of("16:9", 360)
    base = Image.new("RGB", spec.size, picture_color)
    frame = add_caption(
        base,
        "Leaves catch sunlight with chlorophyll, a green pigment.",
        spec,
        font_set("en"),
        keep_underlay=True,
    )
    _check(frame, spec)


def test_theme_palettes_meet_contrast_on_their_own_backgrounds():
    for spec in THEMES.values():
        p = spec.palette
        for color in (p.text, p.muted):
            assert contrast_ratio(hex_to_rgb(color), hex_to_rgb(p.background)) >= AA_NORMAL_TEXT, (
                spec.name
            )
            assert contrast_ratio(hex_to_rgb(color), hex_to_rgb(p.surface)) >= AA_NORMAL_TEXT, (
                spec.name
            )


def test_greek_cyrillic_and_accents_are_drawn_with_the_bundled_font():
    slide = Slide(title="Φωτοσύνθεση · Фотосинтез", bullets=["Ça déjà vu, Ærøskøbing, Łódź"])
    spec = FrameSpec.of("16:9", 360)
    frame = compose_slide(
        slide,
        Layout.IMAGE_BULLETS,
        Image.new("RGB", (200, 360)),
        THEMES["light"],
        spec,
        font_set("el"),
    )
    assert frame.missing_glyphs == set()


@pytest.mark.skipif(
    find_cjk_font() is None, reason="no CJK font installed (make system installs fonts-noto-cjk)"
)
def test_cjk_uses_a_system_cjk_font():
    slide = Slide(title="光合作用", bullets=["植物は光からエネルギーを作ります"])
    spec = FrameSpec.of("16:9", 360)
    frame = compose_slide(
        slide,
        Layout.IMAGE_BULLETS,
        Image.new("RGB", (200, 360)),
        THEMES["light"],
        spec,
        font_set("ja"),
        keep_underlay=True,
    )
    assert frame.missing_glyphs == set()
    _check(frame, spec)


def test_missing_glyphs_are_reported_not_hidden(monkeypatch):
    import render.fonts as fonts

    monkeypatch.setattr(fonts, "find_cjk_font", lambda *a, **k: None)
    monkeypatch.setattr(fonts, "fontconfig_font", lambda *a, **k: None)
    caches = (fonts.font_set, fonts._face_for, fonts._script_fonts)
    for cache in caches:
        cache.cache_clear()
    try:
        slide = Slide(title="光合作用")
        spec = FrameSpec.of("16:9", 360)
        frame = compose_slide(
            slide,
            Layout.TITLE,
            Image.new("RGB", spec.size),
            THEMES["light"],
            spec,
            fonts.font_set("zh"),
        )
        assert frame.missing_glyphs == set("光合作用")
        assert "apt-get install fonts-noto-cjk" in fonts.missing_glyphs_warning(set("光合"))
    finally:
        for cache in caches:
            cache.cache_clear()


def test_a_frame_key_changes_with_the_theme_colours_not_only_its_name():
    """A theme edited in place (same name, new colours) must not reuse frames in the old ones."""
    import dataclasses

    from render.frames import frame_key
    from render.options import RenderOptions

    theme = THEMES["light"]
    recoloured = dataclasses.replace(
        theme, palette=dataclasses.replace(theme.palette, text="#123456")
    )
    slide = Slide(title="Leaves", bullets=["Chlorophyll catches light"])
    spec = FrameSpec.of("16:9", 360)

    def key(t):
        return frame_key(slide, Layout.IMAGE_BULLETS, "img", t, spec, RenderOptions(), "en")

    assert key(theme) == key(theme)
    assert key(recoloured) != key(theme)
