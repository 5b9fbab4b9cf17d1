"""PowerPoint export: the deck as an editable .pptx (python-pptx), laid out like the video.

A slide's chart is a native, editable PowerPoint chart, its code monospace text, its equation
a picture with the LaTeX as alt text (:mod:`render.export.elements`). Every slide gets the
slide's picture as a picture (cropped, not cut: the whole image is in the
file), the title in the slide's title placeholder, the bullets as real bulleted paragraphs in
a text box, the text panel and accent bar as shapes, and the narration in the speaker notes.
Positions, font sizes, line pitch and bullet indents come from the composition of the video's
frame, scaled from pixels to the page. The file's theme carries the deck's colours and fonts,
so a slide added in PowerPoint, Keynote, Google Slides or LibreOffice matches the others.

Every run names the font the frame drew it with (Noto Sans, Noto Sans Arabic, Noto Sans CJK
SC...) for Latin, East Asian and complex scripts alike; right-to-left paragraphs are RTL
paragraphs aligned right, their bullets on the right. Fonts are named, not embedded: where
Noto Sans is not installed the program substitutes another sans-serif, often a wider one
(DejaVu Sans on Linux), so every text box shrinks its text on overflow (``normAutofit``) and
the text stays inside its box and editable.
"""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.autoshape import Shape
from pptx.shapes.base import BaseShape
from pptx.slide import SlideLayout
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu, Pt

from deck import Aspect, Layout

from ..compose import TextBlock
from ..contrast import hex_to_rgb, luminance
from ..fonts import BUNDLED_BOLD, BUNDLED_REGULAR, FontFace
from ..layout import Box
from ..typeset import paragraph_rtl
from ..voice.languages import parse_language
from .elements import add_element
from .slides import ExportPlan, ExportSlide

# Slide sizes in EMU (914400 per inch): PowerPoint's own 16:9 (13.333 x 7.5 in), turned for
# 9:16, and 7.5 x 7.5 in for square decks.
SLIDE_SIZES: dict[Aspect, tuple[int, int]] = {
    Aspect.WIDE: (12_192_000, 6_858_000),
    Aspect.TALL: (6_858_000, 12_192_000),
    Aspect.SQUARE: (6_858_000, 6_858_000),
}
EMU_PER_POINT = 12_700
BULLET = "•"
_BUNDLED = {str(BUNDLED_REGULAR), str(BUNDLED_BOLD)}


def write_pptx(plan: ExportPlan, target: Path) -> None:
    """Write ``plan`` as a PowerPoint file at ``target`` (blocking)."""
    prs = Presentation()
    width, height = SLIDE_SIZES[plan.deck.aspect]
    _resize_layouts(prs, width / prs.slide_width, height / prs.slide_height)
    prs.slide_width, prs.slide_height = Emu(width), Emu(height)
    _apply_theme(prs, plan)
    scale = width / plan.spec.width  # EMU per frame pixel
    for item in plan.slides:
        _add_slide(prs, plan, item, scale)
    props = prs.core_properties
    props.title = plan.deck.title
    props.language = plan.deck.language
    props.author = props.last_modified_by = "deckcast"
    props.subject = f"{len(plan.slides)} slides, theme {plan.theme.name}"
    prs.save(str(target))


# -- the file's theme, master and layouts -----------------------------------------------------


def _apply_theme(prs: PresentationType, plan: ExportPlan) -> None:
    """Put the deck's palette and fonts in the theme part, so that new slides match."""
    palette = plan.theme.palette
    dark = float(luminance(hex_to_rgb(palette.background))) < float(
        luminance(hex_to_rgb(palette.text))
    )
    # dk1/lt1 must be the dark and the light colour; on a dark theme the master maps the
    # background to dk1 and the text to lt1 instead of the other way round.
    if dark:
        scheme = {"dk1": palette.background, "lt1": palette.text}
        scheme |= {"dk2": palette.surface, "lt2": palette.muted}
    else:
        scheme = {"dk1": palette.text, "lt1": palette.background}
        scheme |= {"dk2": palette.muted, "lt2": palette.surface}
    scheme["accent1"] = palette.accent
    for n, colour in enumerate(palette.art[:5], start=2):
        scheme[f"accent{n}"] = colour

    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    clr = root.find(f".//{qn('a:clrScheme')}")
    fonts = root.find(f".//{qn('a:fontScheme')}")
    if clr is None or fonts is None:  # python-pptx's own template always has both
        return
    clr.set("name", f"deckcast {plan.theme.name}")
    for name, colour in scheme.items():
        slot = clr.find(qn(f"a:{name}"))
        if slot is not None:
            slot.clear()
            etree.SubElement(slot, qn("a:srgbClr"), val=colour.lstrip("#").upper())
    title_family, body_family = _families(plan)
    fonts.set("name", f"deckcast {plan.theme.name}")
    for tag, family in (("a:majorFont", title_family), ("a:minorFont", body_family)):
        latin = fonts.find(f"{qn(tag)}/{qn('a:latin')}")
        if latin is not None:
            latin.set("typeface", family)
    part.blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    master = prs.slide_master
    if dark:
        clr_map = master._element.find(qn("p:clrMap"))
        if clr_map is not None:
            clr_map.attrib.update({"bg1": "dk1", "tx1": "lt1", "bg2": "dk2", "tx2": "lt2"})
    master.background.fill.solid()
    master.background.fill.fore_color.rgb = _rgb(palette.background)


def _families(plan: ExportPlan) -> tuple[str, str]:
    """The font families of titles and of body text, as the frames set them."""
    title = body = "Noto Sans"
    for item in plan.slides:
        for block in item.blocks:
            if block.setting is not None and block.kind == "title":
                title = block.setting.font.getname()[0] or title
            elif block.setting is not None:
                body = block.setting.font.getname()[0] or body
    return title, body


def _resize_layouts(prs: PresentationType, sx: float, sy: float) -> None:
    """Scale the template's master and layout placeholders to the new page size."""
    for shapes in (prs.slide_master.shapes, *(layout.shapes for layout in prs.slide_layouts)):
        for shape in shapes:
            if None in (shape.left, shape.top, shape.width, shape.height):
                continue
            shape.left, shape.width = Emu(round(shape.left * sx)), Emu(round(shape.width * sx))
            shape.top, shape.height = Emu(round(shape.top * sy)), Emu(round(shape.height * sy))


def _layout(prs: PresentationType, name: str) -> SlideLayout:
    layout = prs.slide_layouts.get_by_name(name)
    if layout is None:  # pragma: no cover - python-pptx's default template has both
        raise LookupError(f"the PowerPoint template has no '{name}' layout")
    return layout


# -- one slide -----------------------------------------------------------------------------------


def _add_slide(prs: PresentationType, plan: ExportPlan, item: ExportSlide, scale: float) -> None:
    palette = plan.theme.palette
    is_title = item.layout is Layout.TITLE
    slide = prs.slides.add_slide(_layout(prs, "Title Slide" if is_title else "Title Only"))
    slide.background.fill.solid()
    slide.background.fill.fore_color.rgb = _rgb(palette.background)
    # The title (and subtitle) placeholders come with the slide; what is added below them in
    # the shape tree (picture, then panel) is drawn under the text.
    under: list[BaseShape] = []
    if item.picture is not None:
        picture = slide.shapes.add_picture(
            io.BytesIO(item.picture.data), *_emu_box(item.picture_box, scale)
        )
        _cover(picture, item.picture.size, item.picture_box)
        picture.name = "Slide picture"
        picture._element.nvPicPr.cNvPr.set("descr", item.slide.image_prompt)  # alt text
        under.append(picture)
    if item.panel is not None:
        box = item.panel.box
        panel = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *_emu_box(box, scale))
        short_side = min(box[2] - box[0], box[3] - box[1])
        panel.adjustments[0] = min(0.5, item.panel.radius / max(1, short_side))
        _plain_fill(panel, RGBColor(*item.panel.color), item.panel.opacity)
        panel.name = "Text panel"
        under.append(panel)
    tree = slide.shapes._spTree
    for position, shape in enumerate(under, start=2):  # after the tree's own two properties
        tree.remove(shape._element)
        tree.insert(position, shape._element)
    add_element(slide, item, palette, scale)
    if item.rule is not None:
        x0, y0, x1, y1 = item.rule  # inclusive, as Pillow draws it
        bar = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, *_emu_box((x0, y0, x1 + 1, y1 + 1), scale)
        )
        _plain_fill(bar, _rgb(palette.accent), 1.0)
        bar.name = "Accent bar"

    title_block = next((b for b in item.blocks if b.kind == "title"), None)
    body_block = next((b for b in item.blocks if b.kind == "body"), None)
    title = slide.shapes.title
    if title is not None and title_block is not None:
        _place(title, title_block.box, scale)
        _fill_text(title.text_frame, [item.slide.title], title_block, plan, scale, is_title)

    subtitle = (
        next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
        if is_title
        else None
    )
    if body_block is not None:
        paragraphs = (
            list(item.slide.bullets) if item.layout is Layout.IMAGE_BULLETS else [body_block.text]
        )
        box = subtitle if subtitle is not None else slide.shapes.add_textbox(0, 0, 1, 1)
        if subtitle is None:
            box.name = "Bullets" if item.layout is Layout.IMAGE_BULLETS else "Caption"
        _place(box, body_block.box, scale)
        _fill_text(box.text_frame, paragraphs, body_block, plan, scale, is_title)
    elif subtitle is not None:  # no subtitle: drop the empty "Click to add subtitle" box
        subtitle._element.getparent().remove(subtitle._element)

    slide.notes_slide.notes_text_frame.text = item.slide.narration


def _emu_box(box: Box, scale: float) -> tuple[Emu, Emu, Emu, Emu]:
    x0, y0, x1, y1 = box
    return (
        Emu(round(x0 * scale)),
        Emu(round(y0 * scale)),
        Emu(round((x1 - x0) * scale)),
        Emu(round((y1 - y0) * scale)),
    )


def _place(shape: Shape, box: Box, scale: float) -> None:
    shape.left, shape.top, shape.width, shape.height = _emu_box(box, scale)


def _cover(picture: Shape, size: tuple[int, int], box: Box) -> None:
    """Crop ``picture`` (its full image stays in the file) to cover ``box``, centred, as the
    frame shows it."""
    width, height = size
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    zoom = max(box_w / width, box_h / height)
    crop_x = max(0.0, (1 - box_w / (width * zoom)) / 2)
    crop_y = max(0.0, (1 - box_h / (height * zoom)) / 2)
    picture.crop_left = picture.crop_right = crop_x
    picture.crop_top = picture.crop_bottom = crop_y


def _plain_fill(shape: Shape, colour: RGBColor, opacity: float) -> None:
    """A flat fill of ``colour`` at ``opacity``: no outline, no shadow."""
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    if opacity < 1.0:
        srgb = shape._element.spPr.find(f"{qn('a:solidFill')}/{qn('a:srgbClr')}")
        if srgb is not None:
            etree.SubElement(srgb, qn("a:alpha"), val=str(round(opacity * 100_000)))
    shape.line.fill.background()
    # Drop the theme style reference python-pptx adds: its shadow would show through a
    # translucent panel (LibreOffice draws it even under an empty effect list).
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


def _fill_text(
    frame: TextFrame,
    paragraphs: list[str],
    block: TextBlock,
    plan: ExportPlan,
    scale: float,
    centred: bool,
) -> None:
    """Set ``paragraphs`` in ``frame`` in the block's font, size, colour and line pitch."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # a wider substitute font shrinks
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    setting = block.setting
    points = scale / EMU_PER_POINT  # points per frame pixel
    bulleted = bool(block.markers)
    frame.text = ""  # one empty paragraph to start from
    deck_rtl = parse_language(plan.deck.language).rtl
    for n, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        rtl = paragraph_rtl(text, deck_rtl)
        paragraph.alignment = (
            PP_ALIGN.CENTER if centred else PP_ALIGN.RIGHT if rtl else PP_ALIGN.LEFT
        )
        if rtl:
            paragraph._p.get_or_add_pPr().set("rtl", "1")
        if setting is not None:
            paragraph.line_spacing = Pt(setting.line_height * points)
            if n:
                paragraph.space_before = Pt(setting.paragraph_gap * points)
        if bulleted and setting is not None:
            _bullet(paragraph, setting.indent * scale, plan.theme.palette.accent)
        if setting is None or setting.typeset is None:
            run = paragraph.add_run()
            run.text = text
            run.font.color.rgb = RGBColor(*block.color)
            continue
        style = (setting.font.getname()[1] or "").lower()
        for piece, face in setting.typeset.font_runs(text):
            _add_run(paragraph, piece, face, block, plan, setting.size * points, "bold" in style)


def _add_run(
    paragraph: _Paragraph,
    text: str,
    face: FontFace,
    block: TextBlock,
    plan: ExportPlan,
    size: float,
    bold: bool,
) -> None:
    """One run of ``text`` in ``face``'s family (named for every script class, so that
    PowerPoint and LibreOffice use it for Arabic, CJK and Thai alike)."""
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.color.rgb = RGBColor(*block.color)
    family = face.family or "Noto Sans"
    font.name = family
    font.size = Pt(size)
    font.bold = bold
    r_pr = run._r.get_or_add_rPr()
    r_pr.set("lang", plan.deck.language)
    if str(face.path) not in _BUNDLED:  # a CJK, Arabic, emoji... font
        latin = r_pr.find(qn("a:latin"))
        for tag in ("a:ea", "a:cs"):
            element = etree.Element(qn(tag), typeface=family)
            if latin is not None:
                latin.addnext(element)
                latin = element


def _bullet(paragraph: _Paragraph, indent: float, colour: str) -> None:
    """A hanging bullet in the accent colour, the text ``indent`` EMU from the box's edge."""
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(round(indent)))
    p_pr.set("indent", str(-round(indent)))
    colour_el = etree.SubElement(p_pr, qn("a:buClr"))
    etree.SubElement(colour_el, qn("a:srgbClr"), val=colour.lstrip("#").upper())
    etree.SubElement(p_pr, qn("a:buSzPct"), val="100000")
    etree.SubElement(p_pr, qn("a:buFont"), typeface="Arial")
    etree.SubElement(p_pr, qn("a:buChar"), char=BULLET)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())
