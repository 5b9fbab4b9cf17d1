"""Where renders run: in this process (``local``, the default) or on a Ray cluster (``ray``).

Both present the same ``render(deck, out, options, progress)`` as :class:`render.Renderer`, so
the conversation engine does not know which one it has. Chosen by ``DECKCAST_EXECUTOR``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import Executor, WorkerHealth

if TYPE_CHECKING:
    from .local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "WorkerHealth"]


def __getattr__(name: str) -> Any:
    """``LocalExecutor`` on first use: it loads the renderer, which ``deckcast status`` (it
    only reads :class:`WorkerHealth`) does not need."""
    if name == "LocalExecutor":
        from .local import LocalExecutor

        return LocalExecutor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
