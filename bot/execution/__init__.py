"""Where renders run: in this process (``local``, the default) or on a Ray cluster (``ray``).

Both present the same ``render(deck, out, options, progress)`` as :class:`render.Renderer`, so
the conversation engine does not know which one it has. Chosen by ``DECKCAST_EXECUTOR``.
"""

from .base import Executor, WorkerHealth
from .local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "WorkerHealth"]
