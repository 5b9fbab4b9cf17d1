"""The executor seam: run a render somewhere, report progress, say how the workers are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # (``deckcast status`` reads WorkerHealth without loading the renderer)
    from pathlib import Path

    from deck import Deck
    from render import ProgressCallback, RenderOptions, RenderResult


@dataclass(frozen=True)
class WorkerHealth:
    """One worker (or node) as ``deckcast status`` shows it."""

    name: str
    kind: str  # "local" | "render worker" | "picture worker" | "node"
    alive: bool
    detail: str = ""


class Executor(Protocol):
    async def render(
        self,
        deck: Deck,
        out: Path,
        options: RenderOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> RenderResult:
        """Render ``deck`` to ``out``, as :meth:`render.Renderer.render` does."""
        ...

    async def health(self) -> list[WorkerHealth]: ...

    async def close(self) -> None: ...
