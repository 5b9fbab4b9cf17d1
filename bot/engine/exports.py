"""A version of a deck as an editable PowerPoint file and a PDF, beside its videos."""

from __future__ import annotations

import asyncio
from pathlib import Path

from deck import Deck
from render import Renderer, RenderOptions
from render.export import export_deck

from .replies import ExportReady


async def export_version(
    renderer: Renderer,
    conversation_id: str,
    deck: Deck,
    version: int,
    folder: Path,
    options: RenderOptions,
) -> ExportReady:
    """Write ``v<version>.pptx`` and ``.pdf`` into ``folder`` (from the cached pictures)."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    result = await export_deck(
        renderer,
        deck,
        pptx=folder / f"v{version}.pptx",
        pdf=folder / f"v{version}.pdf",
        options=options,
    )
    assert result.pptx is not None and result.pdf is not None
    size = result.pptx_bytes + result.pdf_bytes
    return ExportReady(conversation_id, version, deck, result.pptx, result.pdf, size)
