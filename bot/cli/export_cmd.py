"""``deckcast export``: a Markdown outline becomes an editable PowerPoint file and a PDF."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from render import RenderOptions
from render.export import check_targets, export_deck

from ..backends import build_renderer
from ..settings import Settings
from .console import console, friendly_errors, print_export
from .render_cmd import (
    AspectOpt,
    ImagesOpt,
    OutlineArg,
    ResolutionOpt,
    StyleOpt,
    ThemeOpt,
    load_deck,
)

PptxOpt = Annotated[
    Path | None, typer.Option("--pptx", help="PowerPoint file to write, e.g. talk.pptx.")
]
PdfOpt = Annotated[Path | None, typer.Option("--pdf", help="PDF file to write, e.g. talk.pdf.")]


def register(app: typer.Typer) -> None:
    @app.command("export")
    @friendly_errors
    def export_command(
        ctx: typer.Context,
        outline: OutlineArg,
        pptx: PptxOpt = None,
        pdf: PdfOpt = None,
        theme: ThemeOpt = None,
        style: StyleOpt = None,
        aspect: AspectOpt = None,
        resolution: ResolutionOpt = None,
        images: ImagesOpt = None,
    ) -> None:
        """Export a Markdown outline as an editable PowerPoint file and a PDF (no video).

        Slides are laid out as in the video: the picture, the title and bullets as editable
        text, the narration in the speaker notes. Pictures come from the cache (see
        DECKCAST_CACHE_DIR), so exporting after a render makes none again. Without --pptx and
        --pdf, both are written to out/<outline>.pptx and out/<outline>.pdf.
        """
        settings: Settings = ctx.obj
        deck = load_deck(outline, settings, theme=theme, style=style, aspect=aspect)
        if pptx is None and pdf is None:
            settings.out_dir.mkdir(parents=True, exist_ok=True)
            pptx = settings.out_dir / f"{outline.stem}.pptx"
            pdf = settings.out_dir / f"{outline.stem}.pdf"
        check_targets(pptx=pptx, pdf=pdf)
        options = RenderOptions(
            resolution=resolution or settings.resolution, extra_font=settings.font
        )
        with build_renderer(settings, images=images) as renderer, console.status("exporting"):
            result = asyncio.run(export_deck(renderer, deck, pptx=pptx, pdf=pdf, options=options))
        print_export(result)
