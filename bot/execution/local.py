"""The default executor: renders run in this process, on the renderer's own threads and
ffmpeg subprocesses."""

from __future__ import annotations

from pathlib import Path

from deck import Deck
from render import ProgressCallback, Renderer, RenderOptions, RenderResult

from .base import WorkerHealth


class LocalExecutor:
    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    async def render(
        self,
        deck: Deck,
        out: Path,
        options: RenderOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> RenderResult:
        return await self.renderer.render(deck, out, options, progress)

    async def health(self) -> list[WorkerHealth]:
        return [
            WorkerHealth(
                "this process",
                "local",
                True,
                f"{self.renderer.workers} render threads, pictures by {self.renderer.images.name}",
            )
        ]

    async def close(self) -> None:
        """Nothing to stop: the renderer belongs to whoever built it."""
