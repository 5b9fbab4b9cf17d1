"""PowerPoint and PDF export, checked by opening the files: python-pptx and pypdf read them
back, LibreOffice converts the .pptx, and poppler draws both so they can be compared with the
video's own frames."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image, ImageFilter
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pypdf import PdfReader

from deck import Deck, Layout, NewImage, SetDeck, SetTheme, apply, parse_outline, theme_spec
from render import FrameSpec, OutputError, RenderOptions
from render.compose import compose_slide
from render.contrast import hex_to_rgb
from render.errors import ExportError
from render.export import ExportResult, export_deck
from render.fonts import find_cjk_font, font_set
from render.layout import auto_layout, regions
from render.output import replacing

EXAMPLE = Path(__file__).parent.parent / "examples" / "photosynthesis.md"
SMALL = RenderOptions(resolution=360, voice="silent", storyboard=False)
FULL_IMAGE_SLIDE = """
## A closer look
Image: tiny pores on the underside of a leaf, microscope view
Layout: full_image
- Stomata open by day
- and close at night
> Tiny pores called stomata let carbon dioxide in.
"""
ASPECT_RATIOS = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0}


@pytest.fixture
def deck() -> Deck:
    """The example deck plus a full-picture slide: every layout appears."""
    return parse_outline(EXAMPLE.read_text(encoding="utf-8") + FULL_IMAGE_SLIDE)


def export(renderer, deck, tmp_path, options=SMALL, **kwargs) -> ExportResult:
    kwargs.setdefault("pptx", tmp_path / "deck.pptx")
    kwargs.setdefault("pdf", tmp_path / "deck.pdf")
    return asyncio.run(export_deck(renderer, deck, options=options, **kwargs))


def words(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())


def text_positions(page, points: float) -> list[tuple[str, float, float]]:
    """Each piece of text on a PDF page with where its baseline starts, in frame pixels."""
    height = float(page.mediabox.height)
    runs: list[tuple[str, float, float]] = []

    def visit(text, _cm, tm, _font, _size) -> None:
        if text.strip():
            runs.append((text, tm[4] / points, (height - tm[5]) / points))

    page.extract_text(visitor_text=visit)
    return runs


def picture_shapes(slide):
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def cached_picture(renderer, deck, index, options=SMALL) -> Image.Image:
    paths = asyncio.run(renderer.pictures(deck, options))
    return Image.open(paths[index]).convert("RGB")


# -- PowerPoint ------------------------------------------------------------------------------


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_pptx_slides_hold_editable_text_the_picture_and_the_narration(
    renderer, images, deck, tmp_path, aspect
):
    deck = apply(deck, [SetDeck(aspect=aspect)])
    result = export(renderer, deck, tmp_path, pdf=None)
    assert result.pptx == tmp_path / "deck.pptx" and result.pdf is None
    assert result.pptx_bytes == result.pptx.stat().st_size > 0

    prs = Presentation(result.pptx)
    assert prs.slide_width / prs.slide_height == pytest.approx(ASPECT_RATIOS[aspect], rel=1e-3)
    assert prs.core_properties.title == deck.title
    assert len(prs.slides) == len(deck.slides) == result.slides
    spec = FrameSpec.of(aspect, 360)
    scale = prs.slide_width / spec.width
    for i, (page, slide) in enumerate(zip(prs.slides, deck.slides, strict=True)):
        layout = auto_layout(slide, i)
        where = f"slide {i + 1} ({layout.value})"
        # The title is real text in the slide's title placeholder, in the theme's font.
        title = page.shapes.title
        assert title is not None and title.text_frame.text == slide.title, where
        runs = [r for p in title.text_frame.paragraphs for r in p.runs]
        assert runs and all(r.font.name == "Noto Sans" and r.font.bold for r in runs), where
        # Bullets are paragraphs of real text; a title slide's bullets are its subtitle.
        texts = [s for s in page.shapes if s.has_text_frame and s.text_frame.text]
        body = [s for s in texts if s.shape_id != title.shape_id]
        if layout is Layout.IMAGE_BULLETS:
            assert len(body) == 1, where
            paragraphs = body[0].text_frame.paragraphs
            assert [p.text for p in paragraphs] == slide.bullets, where
            for p in paragraphs:
                bullet = p._p.pPr.find(qn("a:buChar"))
                assert bullet is not None and bullet.get("char") == "•", where
        else:
            assert [s.text_frame.text for s in body] == [" · ".join(slide.bullets)], where
        # Every text box lies on the page.
        for shape in texts:
            assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width, where
            assert shape.top >= 0 and shape.top + shape.height <= prs.slide_height, where
        # The narration is in the speaker notes.
        assert page.notes_slide.notes_text_frame.text == slide.narration, where
        # One picture: the slide's own (not a picture of the text), under the text, covering
        # the layout's picture area.
        (picture,) = picture_shapes(page)
        order = list(page.shapes._spTree.iterchildren())
        assert order.index(picture._element) < order.index(title._element), where
        box = regions(layout, spec).image
        assert abs(picture.left - box[0] * scale) <= 1 and abs(picture.top - box[1] * scale) <= 1
        assert abs(picture.width - (box[2] - box[0]) * scale) <= 1, where
        embedded = Image.open(io.BytesIO(picture.image.blob)).convert("RGB")
        original = cached_picture(renderer, deck, i)
        assert embedded.size == original.size, where
        diff = np.abs(np.asarray(embedded).astype(int) - np.asarray(original).astype(int))
        assert diff.mean() < 2.5, f"{where}: the embedded picture is not the slide's picture"
        assert picture._element.nvPicPr.cNvPr.get("descr") == slide.image_prompt


def test_pptx_carries_the_theme_colours_fonts_and_text_panels(renderer, deck, tmp_path):
    deck = apply(deck, [SetTheme(name="dark")])
    palette = theme_spec("dark").palette
    result = export(renderer, deck, tmp_path, pdf=None)
    prs = Presentation(result.pptx)

    # The file's theme: the deck's colours and font, mapped for a dark background.
    theme_part = prs.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    )
    theme = etree.fromstring(theme_part.blob)
    scheme = theme.find(f".//{qn('a:clrScheme')}")
    colour = {child.tag.split("}")[1]: child[0].get("val") for child in scheme if len(child)}
    assert colour["dk1"] == palette.background.lstrip("#").upper()
    assert colour["lt1"] == palette.text.lstrip("#").upper()
    assert colour["accent1"] == palette.accent.lstrip("#").upper()
    assert theme.find(f".//{qn('a:majorFont')}/{qn('a:latin')}").get("typeface") == "Noto Sans"
    clr_map = prs.slide_master._element.find(qn("p:clrMap"))
    assert (clr_map.get("bg1"), clr_map.get("tx1")) == ("dk1", "lt1")

    text_rgb = tuple(hex_to_rgb(palette.text))
    for i, (page, slide) in enumerate(zip(prs.slides, deck.slides, strict=True)):
        assert str(page.background.fill.fore_color.rgb) == palette.background.lstrip("#").upper()
        runs = [
            run
            for shape in page.shapes
            if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs
            for run in paragraph.runs
        ]
        assert runs and all(tuple(run.font.color.rgb) == text_rgb for run in runs)
        names = {shape.name for shape in page.shapes}
        layout = auto_layout(slide, i)
        if layout is Layout.IMAGE_BULLETS:
            assert "Accent bar" in names and "Text panel" not in names
        else:  # text on the picture sits on a translucent panel, as in the video
            (panel,) = [s for s in page.shapes if s.name == "Text panel"]
            srgb = panel._element.spPr.find(f"{qn('a:solidFill')}/{qn('a:srgbClr')}")
            assert srgb.get("val") == palette.surface.lstrip("#").upper()
            assert 55_000 <= int(srgb.find(qn("a:alpha")).get("val")) <= 100_000
            assert panel._element.find(qn("p:style")) is None  # no theme shadow under it


def test_lossless_export_embeds_the_cached_picture_file_itself(renderer, deck, tmp_path):
    deck = Deck.model_validate({**deck.model_dump(), "slides": deck.model_dump()["slides"][:2]})
    result = export(renderer, deck, tmp_path, pdf=None, picture_quality=None)
    paths = asyncio.run(renderer.pictures(deck, SMALL))
    prs = Presentation(result.pptx)
    for page, path in zip(prs.slides, paths, strict=True):
        (picture,) = picture_shapes(page)
        assert picture.image.content_type == "image/png"
        assert picture.image.blob == path.read_bytes()


# -- PDF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_pdf_has_a_full_resolution_page_per_slide_with_real_text(renderer, deck, tmp_path, aspect):
    deck = apply(deck, [SetDeck(aspect=aspect)])
    options = RenderOptions(resolution="720p", voice="silent")
    result = export(renderer, deck, tmp_path, options=options, pptx=None)
    reader = PdfReader(result.pdf)
    spec = FrameSpec.of(aspect, "720p")
    assert len(reader.pages) == len(deck.slides) == result.slides
    assert reader.metadata.title == deck.title
    assert [item["/Title"] for item in reader.outline] == [s.title for s in deck.slides]
    for i, (page, slide) in enumerate(zip(reader.pages, deck.slides, strict=True)):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width / height == pytest.approx(ASPECT_RATIOS[aspect], rel=1e-3)
        (image,) = page.images
        assert image.image.size == spec.size  # the frame at full resolution
        text = words(page.extract_text())
        assert slide.title in text, f"slide {i + 1}: {text!r}"
        for bullet in slide.bullets:
            assert bullet in text
        # The text is set where the video's frame draws it: the title's lines in the title
        # area of the slide's layout.
        points = width / spec.width
        runs = text_positions(page, points)
        title_runs = [(t, x, y) for t, x, y in runs if t.strip() and t.strip() in slide.title]
        assert title_runs, runs
        r = regions(auto_layout(slide, i), spec)
        area = r.panel if r.panel is not None else r.title
        for _text, x, y in title_runs:
            assert area[0] <= x <= area[2] and area[1] <= y <= area[3], (x, y, area)
    fonts = {
        font.get_object()["/BaseFont"] for font in reader.pages[1]["/Resources"]["/Font"].values()
    }
    assert any("NotoSans" in str(name) for name in fonts)  # embedded, not a stand-in


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (make system)")
def test_cjk_text_uses_the_cjk_font_in_both_files(renderer, tmp_path):
    deck = parse_outline(
        "---\nlanguage: ja\n---\n# 光合成のしくみ\n- 植物は光を食べる\n\n"
        "## 葉は太陽電池\n- クロロフィルが光を吸収する\n- 緑の光は反射される\n"
    )
    result = export(renderer, deck, tmp_path)
    prs = Presentation(result.pptx)
    for page, slide in zip(prs.slides, deck.slides, strict=True):
        assert page.shapes.title.text_frame.text == slide.title
        r_pr = page.shapes.title.text_frame.paragraphs[0].runs[0]._r.rPr
        assert "CJK" in r_pr.find(qn("a:ea")).get("typeface")
        assert r_pr.get("lang") == "ja"
    for page, slide in zip(PdfReader(result.pdf).pages, deck.slides, strict=True):
        # pypdf puts a NUL before each character of a CFF CID font; the text is all there.
        assert slide.title in words(page.extract_text())


# -- the cache -----------------------------------------------------------------------------


def test_export_after_render_makes_no_picture_again(renderer, images, deck, tmp_path):
    n = len(deck.slides)
    asyncio.run(renderer.render(deck, tmp_path / "talk.mp4", SMALL))
    assert images.calls == n
    result = export(renderer, deck, tmp_path)
    assert images.calls == n, "exporting made a picture that was in the cache"
    assert result.pptx.exists() and result.pdf.exists()

    redrawn = apply(deck, [NewImage(slide=3)])
    export(renderer, redrawn, tmp_path)
    assert images.calls == n + 1  # only the new picture is made, and then it is cached
    render = asyncio.run(renderer.render(redrawn, tmp_path / "again.mp4", SMALL))
    assert images.calls == n + 1 and render.slides == n


# -- bad requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pptx": "missing/deck.pptx"}, "the folder {tmp}/missing does not exist"),
        ({"pdf": "file.txt/deck.pdf"}, "{tmp}/file.txt is a file, not a folder"),
        ({"pptx": "folder.pptx"}, "{tmp}/folder.pptx is a folder; give a file name"),
        ({"pptx": "deck.pdf"}, "the PowerPoint file must be a .pptx file, not 'deck.pdf'"),
        ({"pdf": "deck.pptx"}, "the PDF must be a .pdf file, not 'deck.pptx'"),
    ],
)
def test_unwritable_targets_fail_before_any_work(renderer, images, deck, tmp_path, kwargs, message):
    base = tmp_path / "out"
    base.mkdir()
    (base / "file.txt").write_text("x")
    (base / "folder.pptx").mkdir()
    targets = {key: base / value for key, value in kwargs.items()}
    other = {"pdf": base / "ok.pdf"} if "pptx" in targets else {"pptx": base / "ok.pptx"}
    with pytest.raises(OutputError) as raised:
        asyncio.run(export_deck(renderer, deck, options=SMALL, **targets, **other))
    assert message.format(tmp=base) in str(raised.value)
    assert images.calls == 0  # checked before a picture was made
    assert sorted(p.name for p in base.iterdir()) == ["file.txt", "folder.pptx"]


def test_nothing_to_export_and_a_bad_quality_are_refused(renderer, deck, tmp_path):
    with pytest.raises(ExportError, match="nothing to export"):
        asyncio.run(export_deck(renderer, deck))
    with pytest.raises(ExportError, match="picture quality 0 must be between 1 and 95"):
        asyncio.run(export_deck(renderer, deck, pdf=tmp_path / "a.pdf", picture_quality=0))


def test_without_the_export_extra_the_error_says_what_to_install(
    renderer, deck, tmp_path, monkeypatch
):
    monkeypatch.delitem(sys.modules, "render.export.powerpoint", raising=False)
    monkeypatch.setitem(sys.modules, "pptx", None)  # as if python-pptx were not installed
    with pytest.raises(ExportError) as raised:
        asyncio.run(export_deck(renderer, deck, pptx=tmp_path / "a.pptx"))
    assert "PPTX export needs python-pptx" in str(raised.value)
    assert "pip install 'deckcast[export]'" in str(raised.value)
    assert not (tmp_path / "a.pptx").exists()


def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(tmp_path):
    fresh = tmp_path / "fresh"
    fresh.write_bytes(b"")
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "deck.pdf"
    target.write_bytes(b"the old deck")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_bytes(b"half a new de")
        raise RuntimeError("the writer failed")
    assert target.read_bytes() == b"the old deck"
    assert [p.name for p in target.parent.iterdir()] == ["deck.pdf"]

    with replacing(target) as tmp:
        assert not tmp.exists() and tmp.parent == target.parent
        tmp.write_bytes(b"the new deck")
    assert target.read_bytes() == b"the new deck"
    assert [p.name for p in target.parent.iterdir()] == ["deck.pdf"]
    # The user's usual permissions (not the owner-only mode of a mkstemp file).
    assert target.stat().st_mode == fresh.stat().st_mode


# -- other programs read the files -----------------------------------------------------------


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf_with_libreoffice(pptx: Path, folder: Path) -> Path:
    profile = (folder / "lo-profile").as_uri()
    done = subprocess.run(
        [
            _soffice() or "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(pptx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    converted = folder / f"{pptx.stem}.pdf"
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    return converted


def rasterize(pdf: Path, size: tuple[int, int], folder: Path) -> list[np.ndarray]:
    """Every page of ``pdf`` drawn by poppler at ``size`` pixels."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / pdf.stem
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-scale-to-x",
            str(size[0]),
            "-scale-to-y",
            str(size[1]),
            str(pdf),
            str(prefix),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = sorted(folder.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [np.asarray(Image.open(p).convert("RGB")).astype(int) for p in pages]


@pytest.mark.slow
@pytest.mark.skipif(
    _soffice() is None, reason="LibreOffice (soffice) is not installed (make system)"
)
def test_libreoffice_opens_the_pptx_with_every_slide_and_title(renderer, deck, tmp_path):
    result = export(renderer, deck, tmp_path, pdf=None)
    converted = to_pdf_with_libreoffice(result.pptx, tmp_path / "lo")
    reader = PdfReader(converted)
    assert len(reader.pages) == len(deck.slides)
    for page, slide in zip(reader.pages, deck.slides, strict=True):
        assert float(page.mediabox.width) / float(page.mediabox.height) == pytest.approx(
            16 / 9, rel=1e-2
        )
        text = words(page.extract_text())
        assert slide.title in text, text  # LibreOffice set the title as text, not pixels
        assert len(page.images) >= 1  # and drew the picture


def text_areas(frame: Image.Image, underlay: Image.Image) -> np.ndarray:
    """Where a frame's text is drawn (the pixels text changed, widened by two pixels)."""
    changed = np.abs(np.asarray(frame).astype(int) - np.asarray(underlay).astype(int)).max(axis=2)
    mask = Image.fromarray(((changed > 40) * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(5))
    return np.asarray(mask) > 0


def blurred_difference(a: Image.Image, b: Image.Image, where: np.ndarray) -> float:
    """Mean difference inside ``where`` after a slight blur: small for the same text a pixel or
    two apart, large for missing or misplaced text."""
    blur = ImageFilter.GaussianBlur(3)
    diff = np.abs(np.asarray(a.filter(blur)).astype(int) - np.asarray(b.filter(blur)).astype(int))
    return float(diff.mean(axis=2)[where].mean())


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils is not installed (make system)"
)
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_both_exports_look_like_the_video(renderer, deck, tmp_path, aspect):
    """Drawn by other programs, the PDF and the PowerPoint slides match the video's frames:
    the pictures and panels everywhere, and the text where the frame has it."""
    deck = apply(deck, [SetDeck(aspect=aspect), SetTheme(name="ocean")])
    video = asyncio.run(renderer.render(deck, tmp_path / "talk.mp4", SMALL))
    result = export(renderer, deck, tmp_path)
    frames = [Image.open(f).convert("RGB") for f in video.frames]
    spec = FrameSpec.of(aspect, 360)
    pictures = asyncio.run(renderer.pictures(deck, SMALL))
    areas = []
    for i, (slide, frame) in enumerate(zip(deck.slides, frames, strict=True)):
        with Image.open(pictures[i]) as picture:
            composed = compose_slide(
                slide,
                auto_layout(slide, i),
                picture,
                theme_spec("ocean"),
                spec,
                font_set(deck.language),
                keep_underlay=True,
            )
        areas.append(text_areas(frame, composed.underlay))
        # Without its text a frame is far from itself in the text areas: the measure sees it.
        assert blurred_difference(frame, composed.underlay, areas[-1]) > 40

    pages = rasterize(result.pdf, spec.size, tmp_path / "pdf-pages")
    assert len(pages) == len(frames)
    for i, (page, frame) in enumerate(zip(pages, frames, strict=True)):
        assert np.abs(page - np.asarray(frame).astype(int)).mean() < 4, f"PDF page {i + 1}"
        assert blurred_difference(Image.fromarray(page.astype(np.uint8)), frame, areas[i]) < 8

    if _soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed (make system)")
    converted = to_pdf_with_libreoffice(result.pptx, tmp_path / "lo")
    slides = rasterize(converted, spec.size, tmp_path / "lo-pages")
    assert len(slides) == len(frames)
    for i, (drawn, frame) in enumerate(zip(slides, frames, strict=True)):
        # Another layout engine places lines a pixel or two differently; nothing moves more.
        assert np.abs(drawn - np.asarray(frame).astype(int)).mean() < 10, f"slide {i + 1}"
        image = Image.fromarray(drawn.astype(np.uint8))
        assert blurred_difference(image, frame, areas[i]) < 20, f"slide {i + 1} text"


def _without_noto_sans(pptx: Path, target: Path) -> Path:
    """A copy of ``pptx`` whose text is in DejaVu Sans where it named Noto Sans: what
    LibreOffice draws on a machine without Noto Sans (DejaVu Sans is wider)."""
    import zipfile

    with zipfile.ZipFile(pptx) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(b'typeface="Noto Sans"', b'typeface="DejaVu Sans"')
            copy.writestr(item, data)
    return target


@pytest.mark.slow
@pytest.mark.skipif(
    _soffice() is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice and poppler-utils are needed (make system)",
)
def test_a_pptx_opened_without_noto_sans_still_fits_its_text(renderer, tmp_path):
    """LibreOffice puts a wider font (DejaVu Sans) in Noto Sans's place: every text box
    shrinks its text rather than spill it out of the box, even with the text at the limits."""
    bullet = (
        "Chlorophyll molecules absorb red and blue light while reflecting green wavelengths "
        "back toward our eyes every single day of the year in all"
    )
    full = "\n".join(f"- {bullet}" for _ in range(6))
    title = "Leaves are solar panels that feed the whole planet with sugar and oxygen daily"
    deck = parse_outline(f"# {title}\n{full}\n\n## {title}\n{full}\n")
    result = export(renderer, deck, tmp_path, pdf=None)
    missing = _without_noto_sans(result.pptx, tmp_path / "elsewhere.pptx")
    spec = FrameSpec.of("16:9", 360)
    slides = rasterize(to_pdf_with_libreoffice(missing, tmp_path / "lo"), spec.size, tmp_path)
    pictures = asyncio.run(renderer.pictures(deck, SMALL))
    spilled = []
    for i, (drawn, slide) in enumerate(zip(slides, deck.slides, strict=True)):
        with Image.open(pictures[i]) as picture:
            composed = compose_slide(
                slide, auto_layout(slide, i), picture, theme_spec(deck.theme.name), spec,
                font_set(deck.language), keep_underlay=True,
            )  # fmt: skip
        under = np.asarray(composed.underlay).astype(int)
        text = np.abs(drawn - under).max(axis=2) > 60
        allowed = np.zeros_like(text)
        for block in composed.blocks:
            x0, y0, x1, y1 = block.box
            allowed[max(0, y0 - 3) : y1 + 3, max(0, x0 - 3) : x1 + 3] = True
        spilled.append(int((text & ~allowed).sum()))
    assert max(spilled) < 30, f"text pixels outside the text boxes, per slide: {spilled}"
