"""``deckcast export`` and ``deckcast render --pptx --pdf`` driven as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deck import parse_outline
from tests.probe import probe

from .test_cli import EXAMPLE, deckcast

DECK = parse_outline(EXAMPLE.read_text(encoding="utf-8"))


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted write would leave behind."""
    return [p.name for p in folder.rglob(".*.part")]


def test_export_writes_an_editable_pptx_and_a_pdf(tmp_path):
    result = deckcast(
        "export",
        str(EXAMPLE),
        "--pptx",
        "talk.pptx",
        "--pdf",
        "talk.pdf",
        "--resolution",
        "720p",
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert result.returncode == 0, result.stderr
    assert "✓ talk.pptx  (6 slides" in result.stdout and "✓ talk.pdf  (6 pages" in result.stdout
    assert "fontTools" not in result.stderr  # the font subsetter's chatter stays out of sight
    prs = Presentation(tmp_path / "talk.pptx")
    assert [s.shapes.title.text_frame.text for s in prs.slides] == [s.title for s in DECK.slides]
    pages = PdfReader(tmp_path / "talk.pdf").pages
    assert len(pages) == 6 and pages[2].images[0].image.size == (1280, 720)
    assert not leftovers(tmp_path)


def test_export_without_targets_writes_both_to_the_out_folder(tmp_path):
    outline = tmp_path / "notes.md"
    outline.write_text("## Hello\n- world\n> Hi there.\n", encoding="utf-8")
    result = deckcast(
        "export",
        str(outline),
        "--aspect",
        "9:16",
        "--resolution",
        "720p",
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert result.returncode == 0, result.stderr
    prs = Presentation(tmp_path / "out" / "notes.pptx")
    assert prs.slide_height > prs.slide_width
    assert prs.slides[0].notes_slide.notes_text_frame.text == "Hi there."
    assert len(PdfReader(tmp_path / "out" / "notes.pdf").pages) == 1


@pytest.mark.slow
def test_render_with_pptx_and_pdf_writes_them_beside_the_video(tmp_path):
    out = tmp_path / "talk.mp4"
    result = deckcast(
        "render",
        str(EXAMPLE),
        "-o",
        str(out),
        "--resolution",
        "720p",
        "--voice",
        "silent",
        "--pptx",
        "--pdf",
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert result.returncode == 0, result.stderr
    assert probe(out).video_size == (1280, 720)
    assert f"✓ {tmp_path / 'talk.pptx'}" in result.stdout
    assert len(Presentation(tmp_path / "talk.pptx").slides) == 6
    assert len(PdfReader(tmp_path / "talk.pdf").pages) == 6


@pytest.mark.parametrize(
    ("outline", "args", "message"),
    [
        (None, ["--pptx", "a.pptx"], "error: no such file"),
        ("", ["--pptx", "a.pptx"], "error: the outline has no slides"),
        ("## a\n", ["--pptx", "nowhere/a.pptx"], "error: the folder nowhere does not exist"),
        ("## a\n", ["--pdf", "deck.md/a.pdf"], "error: deck.md is a file, not a folder"),
        ("## a\n", ["--pptx", "a.pdf"], "error: the PowerPoint file must be a .pptx file"),
        ("## a\n", ["--pptx", "a.pptx", "--pdf", "b.txt"], "error: the PDF must be a .pdf file"),
        ("## a\n", ["--pdf", "a.pdf", "--theme", "neon"], "error: deck theme: unknown theme"),
    ],
)
def test_bad_export_requests_give_one_clear_line_and_no_file(tmp_path, outline, args, message):
    path = tmp_path / "deck.md"
    if outline is not None:
        path.write_text(outline, encoding="utf-8")
    result = deckcast("export", "deck.md", *args, cwd=tmp_path, cache=tmp_path / "c")
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".pptx", ".pdf")]
    assert not leftovers(tmp_path)


def test_render_refuses_an_unwritable_export_before_rendering(tmp_path):
    (tmp_path / "talk.pptx").mkdir()  # where the PowerPoint file would go
    result = deckcast(
        "render", str(EXAMPLE), "-o", "talk.mp4", "--pptx", cwd=tmp_path, cache=tmp_path / "c"
    )
    assert result.returncode == 1
    assert "error: talk.pptx is a folder" in " ".join(result.stderr.split()), result.stderr
    assert not (tmp_path / "talk.mp4").exists()  # nothing rendered
