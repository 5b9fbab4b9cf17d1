"""Decks in many languages rendered end to end: the voice each slide used (read from a logging
espeak-ng first on PATH), no glyph drawn as its font's .notdef box, right-to-left text
measured in the frame, the PDF's text order, every bullet at the limits, the caption text."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw
from pptx import Presentation
from pypdf import PdfReader

from deck import Deck, Layout, parse_outline, theme_spec
from deck.model import MAX_BULLET, MAX_BULLETS
from render import Renderer, RenderOptions
from render.cache import AssetCache
from render.compose import ComposedFrame, compose_slide
from render.export import export_deck
from render.fonts import FontFace, font_set, load_face
from render.images.procedural import ProceduralBackend
from render.language import with_language
from render.layout import auto_layout
from render.voice.espeak import EspeakBackend
from render.voice.silent import SilentBackend

from .conftest import needs_espeak

pytestmark = pytest.mark.slow
SMALL = RenderOptions(resolution=360, storyboard=False)
NOTDEF = "\U0010fffd"  # a private-use code point no font maps: drawn as .notdef

DECKS = {
    # language: (outline without a language line, the espeak voice every slide must use)
    "fr": ("# La photosynthèse\n\n## Les feuilles\n- Elles captent la lumière du soleil\n"
           "> Les feuilles captent la lumière et fabriquent du sucre.", "fr-fr"),
    "zh": ("# 光合作用\n\n## 叶子\n- 叶子吸收阳光，二氧化碳（CO₂）和水\n"
           "> 植物利用阳光把水和二氧化碳变成糖。", "cmn-latn-pinyin"),
    "ja": ("# 光合作用\n\n## 葉のしくみ\n- 葉は光を集めて糖を作ります\n"
           "> 植物は光を使って糖を作ります。", "ja"),
    "ar": ("# التمثيل الضوئي\n\n## الأوراق\n- تمتص الأوراق الضوء بنسبة 45% تقريبا\n"
           "- يحدث ذلك في عام 2026 داخل الخلية\n> تمتص الأوراق ضوء الشمس وتصنع السكر.", "ar"),
    "he": ("# פוטוסינתזה\n\n## העלים\n- העלים קולטים אור בשנת 2026\n- מים ו-CO2 הופכים לסוכר\n"
           "> העלים קולטים את אור השמש ויוצרים סוכר.", "he"),
    "hi": ("# प्रकाश संश्लेषण\n\n## पत्तियाँ\n- पत्तियाँ सूर्य का प्रकाश ग्रहण करती हैं\n"
           "> पौधे प्रकाश से भोजन बनाते हैं।", "hi"),
    "th": ("# การสังเคราะห์ด้วยแสง\n\n## ใบไม้\n- พืชใช้แสงอาทิตย์เพื่อสร้างอาหารจากน้ำและ"
           "คาร์บอนไดออกไซด์ในใบไม้สีเขียว\n> พืชใช้แสงเพื่อสร้างอาหาร", "th"),
    "el": ("# Φωτοσύνθεση\n\n## Τα φύλλα\n- Τα φύλλα απορροφούν το φως του ήλιου\n"
           "> Τα φυτά φτιάχνουν ζάχαρη από το φως.", "el"),
    "ru": ("# Фотосинтез\n\n## Листья\n- Листья поглощают солнечный свет\n"
           "> Растения делают сахар из света.", "ru"),
}  # fmt: skip
MIXED = (
    "# Photosynthesis 🌱\n\n## Words from everywhere\n"
    "- In Chinese it is 光合作用 ✅\n- CO₂ + H₂O → sugar 🍬 👍🏽\n"
    "- Greek φωτοσύνθεση, Arabic التمثيل الضوئي, Thai การสังเคราะห์\n"
    "> In Chinese, photosynthesis is 光合作用 😀. It turns CO₂ and water → sugar."
)


@pytest.fixture
def espeak_log(tmp_path, monkeypatch) -> Path:
    """A logging espeak-ng first on PATH: each call's arguments, one line per call."""
    real = EspeakBackend().executable
    log = tmp_path / "espeak.log"
    folder = tmp_path / "bin"
    folder.mkdir()
    wrapper = folder / "espeak-ng"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{Path(real).parent}")
    return log


@pytest.fixture
def lang_renderer(tmp_path, espeak_log):
    espeak = EspeakBackend()  # found on PATH now: the wrapper
    assert espeak.executable == str(espeak_log.parent / "bin" / "espeak-ng")
    voices = {"espeak": espeak, "silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as r:  # type: ignore[arg-type]
        yield r


def voices_used(log: Path) -> list[str]:
    calls = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    return [words[words.index("-v") + 1] for words in calls if "-v" in words]


@functools.cache
def _notdef(path: str, index: int, size: int) -> bytes:
    return _glyph(path, index, size, NOTDEF)


def _glyph(path: str, index: int, size: int, ch: str) -> bytes:
    face = load_face(path, index)
    font = face.get(size)
    image = Image.new("L", (size * 3, size * 3))
    ImageDraw.Draw(image).text((size, size * 2), ch, font=font, fill=255, anchor="ls")
    return image.tobytes()


def tofu(frame: ComposedFrame) -> list[str]:
    """Characters of the frame drawn as their font's .notdef box (compared pixel for pixel)."""
    found = []
    for block in frame.blocks:
        for line in block.lines:
            for run in line.runs:
                if run.face.bitmap:  # emoji: the font must map every one
                    found += [c for c in run.text if not _drawn_by(run.face, c)]
                    continue
                for ch in run.text:
                    if ch.isspace() or ord(ch) in (0x200D, 0x200C, 0xFE0F):
                        continue
                    args = (str(run.face.path), run.face.index, 40)
                    if _glyph(*args, ch) == _notdef(*args):
                        found.append(ch)
    return found


def _drawn_by(face: FontFace, ch: str) -> bool:
    return face.has(ch) or 0x1F3FB <= ord(ch) <= 0x1F3FF or ch in "\ufe0f\u200d"


def recompose(deck: Deck, i: int, picture: Path) -> ComposedFrame:
    deck = with_language(deck)
    with Image.open(picture) as image:
        return compose_slide(
            deck.slides[i],
            auto_layout(deck.slides[i], i),
            image.convert("RGB"),
            theme_spec(deck.theme.name),
            FrameSpecOf(deck),
            font_set(deck.language),
            keep_underlay=True,
        )


def FrameSpecOf(deck: Deck):
    from render.frame import FrameSpec

    return FrameSpec.of(deck.aspect, 360)


@needs_espeak()
@pytest.mark.parametrize("language", list(DECKS))
def test_a_deck_in_each_language_is_spoken_and_drawn_right(
    lang_renderer, espeak_log, tmp_path, language
):
    outline, voice = DECKS[language]
    deck = parse_outline(outline)  # no language line: detected from the text
    result = asyncio.run(lang_renderer.render(deck, tmp_path / f"{language}.mp4", SMALL))
    assert result.voice == f"espeak:{voice}"
    used = voices_used(espeak_log)
    assert used and set(used) == {voice}, used  # every slide (and span) in its language
    # Japanese: the summary says espeak-ng reads kanji as "Chinese letter" (and what reads them)
    kanji = ['"Chinese letter"' in w for w in result.warnings]
    assert kanji == ([True] if language == "ja" else []), result.warnings
    counts = []
    for i, picture in enumerate(result.pictures):
        frame = recompose(deck, i, picture)
        assert np.array_equal(np.asarray(frame.image), np.asarray(Image.open(result.frames[i])))
        assert frame.missing_glyphs == set()
        counts.append(len(tofu(frame)))
    assert counts == [0] * len(counts), f"tofu per slide: {counts}"


def test_the_tofu_check_sees_a_missing_glyph():
    # The bundled Noto Sans has no Han: "光" drawn in it is its .notdef box.
    path = str(font_set("en").primary().path)
    assert _glyph(path, 0, 40, "光") == _notdef(path, 0, 40)
    assert _glyph(path, 0, 40, "A") != _notdef(path, 0, 40)


@needs_espeak()
def test_a_mixed_deck_gives_each_script_its_font_and_each_span_its_voice(
    lang_renderer, espeak_log, tmp_path
):
    deck = parse_outline(MIXED)
    result = asyncio.run(lang_renderer.render(deck, tmp_path / "mixed.mp4", SMALL))
    assert result.voice == "espeak:en" and not result.warnings
    used = voices_used(espeak_log)
    assert "cmn-latn-pinyin" in used and set(used) <= {"en", "cmn-latn-pinyin"}
    vtt = result.vtt.read_text(encoding="utf-8") if result.vtt else ""
    assert "光合作用 😀" in vtt  # captions show what is written, emoji and all
    for i, picture in enumerate(result.pictures):
        frame = recompose(deck, i, picture)
        assert tofu(frame) == [] and frame.missing_glyphs == set()
        faces = {run.face.family for b in frame.blocks for ln in b.lines for run in ln.runs}
        if i == 1:
            assert {"Noto Sans", "Noto Color Emoji", "Noto Sans CJK SC"} <= faces, faces
            assert {"Noto Sans Arabic", "Noto Sans Thai"} <= faces, faces
            # Emoji are drawn in colour: some pixels of the body are far from grey.
            body = next(b for b in frame.blocks if b.kind == "body")
            pixels = np.asarray(frame.image.crop(body.bounds)).astype(int)
            assert (pixels.max(axis=2) - pixels.min(axis=2)).max() > 120


def _ink_rows(frame: ComposedFrame, box, top: int, bottom: int) -> tuple[int, int]:
    """Leftmost and rightmost column the text changed between rows ``top`` and ``bottom``."""
    diff = ImageChops.difference(frame.image, frame.underlay).convert("L")
    mask = np.asarray(diff)[top:bottom, box[0] : box[2]] > 40
    columns = np.flatnonzero(mask.any(axis=0))
    return box[0] + int(columns[0]), box[0] + int(columns[-1])


@pytest.mark.parametrize("language", ["ar", "he"])
def test_right_to_left_text_and_bullets_align_right_in_the_frame(tmp_path, language):
    deck = parse_outline(DECKS[language][0])
    picture = tmp_path / "p.png"
    Image.new("RGB", (200, 360), "#335").save(picture)
    frame = recompose(deck, 1, picture)
    title = next(b for b in frame.blocks if b.kind == "title")
    body = next(b for b in frame.blocks if b.kind == "body")
    box = body.box
    rights, lefts = [], []
    assert body.setting is not None
    firsts, at = [], 0
    for paragraph in body.setting.paragraphs:  # each bullet's first line, beside its mark
        firsts.append(body.lines[at])
        at += len(paragraph)
    for line in body.lines:  # every line ends flush right, at the indent
        top, bottom = line.baseline - body.size, line.baseline + body.size // 4
        rights.append(
            _ink_rows(frame, (box[0], 0, box[2] - body.setting.indent, 0), top, bottom)[1]
        )
    for line, marker in zip(firsts, body.markers, strict=True):
        top, bottom = line.baseline - body.size, line.baseline + body.size // 4
        left, right = _ink_rows(frame, (box[0], 0, marker[0] - 1, 0), top, bottom)
        lefts.append(left)
        assert marker[0] > right, "the bullet mark sits right of its text"
        assert box[2] - marker[2] <= 3, "the mark is at the right edge"
    assert max(rights) - min(rights) <= 3, f"right edges {rights}"
    assert min(lefts) > box[0] + 10, f"left edges {lefts} are ragged, not flush"
    title_left, title_right = _ink_rows(frame, title.box, title.bounds[1], title.bounds[3])
    assert title.box[2] - title_right <= 4 and title_left > title.box[0] + 10
    assert frame.rule is not None and frame.rule[2] >= title.box[2] - 2  # accent bar right


def test_numbers_and_latin_inside_right_to_left_text_keep_their_order(tmp_path):
    deck = parse_outline(DECKS["ar"][0])
    picture = tmp_path / "p.png"
    Image.new("RGB", (200, 360), "#335").save(picture)
    frame = recompose(deck, 1, picture)
    body = next(b for b in frame.blocks if b.kind == "body")
    line = next(ln for ln in body.lines if "2026" in ln.text)
    runs = {run.text.strip(): run for run in line.runs}
    year = next(run for text, run in runs.items() if "2026" in text)
    assert not year.rtl and year.text.strip() == "2026"  # drawn left to right, as one
    first_word = next(run for run in line.runs if "يحدث" in run.text)
    assert first_word.x > year.x  # the sentence starts on the right


def test_right_to_left_exports_read_in_order(tmp_path):
    deck = parse_outline(DECKS["ar"][0])
    renderer = Renderer(
        ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(tmp_path / "c")
    )
    with renderer:
        result = asyncio.run(
            export_deck(
                renderer,
                deck,
                pptx=tmp_path / "ar.pptx",
                pdf=tmp_path / "ar.pdf",
                options=RenderOptions(resolution=360, voice="silent"),
            )
        )
    assert result.pdf is not None and result.pptx is not None
    placed: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            placed.append((text.strip(), tm[4], tm[5]))

    page = PdfReader(str(result.pdf)).pages[1]
    page.extract_text(visitor_text=visit)
    baseline = next(y for t, _x, y in placed if "يحدث" in t)
    line = [(t, x) for t, x, y in placed if abs(y - baseline) < 1]
    start = next(x for t, x in line if "يحدث" in t)
    year = next(x for t, x in line if "2026" in t)
    after = [x for t, x in line if "داخل" in t]
    assert start > year, line  # read right to left: the start on the right, then the year
    assert all(year > x for x in after), line  # and the word after it left of it
    text = page.extract_text()
    assert "2026" in text and "45%" in text
    slide = Presentation(str(result.pptx)).slides[1]
    bullets = next(s for s in slide.shapes if s.name == "Bullets")
    for paragraph in bullets.text_frame.paragraphs:
        p_pr = paragraph._p.pPr
        assert p_pr is not None and p_pr.get("rtl") == "1" and p_pr.get("algn") == "r"
    fonts = {r.font.name for p in bullets.text_frame.paragraphs for r in p.runs}
    assert "Noto Sans Arabic" in fonts


def _limit_deck(aspect: str) -> Deck:
    words = (
        "Chlorophyll molecules absorb red and blue light while reflecting green wavelengths "
        "back toward our eyes every single day of the year in every leaf"
    )
    bullet = words[:MAX_BULLET]
    bullets = "\n".join(f"- {bullet}" for _ in range(MAX_BULLETS))
    title = "Leaves are solar panels that feed the whole planet with sugar and oxygen daily"
    return parse_outline(
        f"---\naspect: {aspect}\n---\n# {title}\n{bullets}\n\n## {title}\n{bullets}\n\n"
        f"## {title}\nLayout: full_image\n{bullets}\n"
    )


def test_at_the_limits_every_bullet_is_drawn_at_a_legible_size(tmp_path):
    deck = _limit_deck("16:9")
    picture = tmp_path / "p.png"
    Image.new("RGB", (400, 400), "#335").save(picture)
    for i, slide in enumerate(deck.slides):
        frame = recompose(deck, i, picture)
        assert frame.shortened == (), (i, frame.shortened)
        body = next(b for b in frame.blocks if b.kind == "body")
        assert body.size >= 0.03 * 360  # 3% of the frame's height
        drawn = " ".join(line.text for line in body.lines).replace(" · ", " ")
        assert drawn.split() == " ".join(slide.bullets).split()  # every word, in order
        if auto_layout(slide, i) is Layout.IMAGE_BULLETS:
            assert len(body.markers) == MAX_BULLETS


def test_text_that_cannot_fit_is_reported_per_slide_and_kept_by_the_export(tmp_path):
    deck = _limit_deck("1:1")  # a square frame has less room: some text must shorten
    renderer = Renderer(
        ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(tmp_path / "c")
    )
    options = RenderOptions(resolution=360, voice="silent", storyboard=False)
    with renderer:
        result = asyncio.run(renderer.render(deck, tmp_path / "sq.mp4", options))
        exported = asyncio.run(
            export_deck(renderer, deck, pptx=tmp_path / "sq.pptx", pdf=tmp_path / "sq.pdf",
                        options=options)
        )  # fmt: skip
    shortened = [w for w in result.warnings if "did not fit the frame" in w]
    assert shortened and all(w.startswith("slide ") for w in shortened)
    assert exported.pptx is not None and exported.pdf is not None
    pptx = Presentation(str(exported.pptx))
    for slide, shown in zip(deck.slides, pptx.slides, strict=True):
        text = " ".join(s.text_frame.text for s in shown.shapes if s.has_text_frame)
        for bullet in slide.bullets:
            assert bullet in text
    pdf_text = " ".join(PdfReader(str(exported.pdf)).pages[1].extract_text().split())
    ending = " ".join(deck.slides[1].bullets[0].split()[-3:])
    assert pdf_text.count(ending) == MAX_BULLETS  # the PDF keeps every bullet whole
    assert "…" not in pdf_text


def test_a_title_only_deck_renders_with_a_warning(tmp_path):
    renderer = Renderer(
        ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(tmp_path / "c")
    )
    with renderer:
        result = asyncio.run(
            renderer.render(parse_outline("# Just a title"), tmp_path / "t.mp4",
                            RenderOptions(resolution=360, voice="silent", storyboard=False))
        )  # fmt: skip
    assert any("only a title slide" in w for w in result.warnings)


def test_caption_cues_show_the_narration_as_written(tmp_path):
    outline = (
        "# Gases\n\n## Air\n- Mostly nitrogen\n"
        "> | Gas | Share | |---|---| | N₂ | 78% | See https://example.com/air-facts: salt & "
        "pepper."
    )
    renderer = Renderer(
        ProceduralBackend(), {"silent": SilentBackend()}, AssetCache(tmp_path / "c")
    )
    with renderer:
        result = asyncio.run(
            renderer.render(parse_outline(outline), tmp_path / "c.mp4",
                            RenderOptions(resolution=360, voice="silent", storyboard=False))
        )  # fmt: skip
    assert result.vtt is not None and result.srt is not None
    vtt = result.vtt.read_text(encoding="utf-8")
    srt = result.srt.read_text(encoding="utf-8")
    assert "|" not in vtt and "---" not in vtt
    assert "Gas, Share, N₂, 78%" in srt
    assert "https://example.com/air-facts:" in srt  # no space inserted into the URL
    assert "salt &amp; pepper." in vtt and "salt & pepper." in srt


def test_a_space_after_an_emoji_is_a_space_of_the_text():
    """Noto Color Emoji maps the space at an emoji's width: "Sunlight ☀️ gives" drew a gap an
    emoji wide after the sun when the space joined the emoji's run."""
    from render.typeset import Typeset

    setter = Typeset(font_set("en"), 40)
    for line in ("Sunlight ☀️ gives energy", "water 💧 → 12 apples 🍎 3", "flags 🇫🇷 🇯🇵, 👍🏽 ok"):
        runs = setter.font_runs(line)
        for text, face in runs:
            if face.bitmap:
                assert not any(ch.isspace() or ch.isascii() for ch in text), (text, runs)
        space = setter.width(" ")
        assert setter.width(line.replace(" ", "  ")) - setter.width(line) == pytest.approx(
            space * line.count(" "), rel=0.01
        )
