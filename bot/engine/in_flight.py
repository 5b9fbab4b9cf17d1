"""The engine calls running now: a deck being planned, a revision, an export, a button's work.

Chat libraries run each listener in a task of their own that nobody awaits (Bolt's ack-first
listeners, discord.py's event dispatch). When the bot stops, such a task left running is
dropped by the event loop half-way (its awaits never return, its ``finally`` blocks run at
garbage collection, long after the stop) and the person who asked hears nothing. So the engine
holds every call it is answering here, and :meth:`InFlight.stop` ends them while the process
can still speak: each is cancelled, tells its person that deckcast stopped before it finished
(within a few seconds, or not at all), and is awaited before the engine's sinks close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from .replies import ReplySink

log = logging.getLogger(__name__)

STOPPED_NOTICE = (
    "deckcast was stopped before it finished this; nothing is lost, "
    "please send it again once deckcast is back"
)


class InFlight:
    """The tasks answering an engine call now, each with the sink of the person it answers."""

    def __init__(self, notice_seconds: float) -> None:
        self.notice_seconds = notice_seconds
        self._calls: dict[asyncio.Task[object], ReplySink] = {}
        self._stopping = False

    def __len__(self) -> int:
        return len(self._calls)

    @contextlib.asynccontextmanager
    async def hold(self, sink: ReplySink) -> AsyncIterator[None]:
        """The current task answers a call for ``sink`` until the block ends. A call that
        holds already (an engine call made from within another) is held once, by the outer."""
        task = asyncio.current_task()
        if task is None or task in self._calls:
            yield
            return
        self._calls[task] = sink
        try:
            yield
        except asyncio.CancelledError:
            if self._stopping:
                await self._tell_stopped(sink)
            raise
        finally:
            self._calls.pop(task, None)

    async def stop(self) -> None:
        """Cancel every call in flight (but the caller's own) and wait until each has ended."""
        self._stopping = True
        here = asyncio.current_task()
        tasks = [task for task in self._calls if task is not here]
        for task in tasks:
            task.cancel()
        if tasks:
            # each task tells its person within notice_seconds; the margin covers the rest
            await asyncio.wait(tasks, timeout=self.notice_seconds + 5.0)

    async def _tell_stopped(self, sink: ReplySink) -> None:
        try:
            await asyncio.wait_for(sink.failed(STOPPED_NOTICE), self.notice_seconds)
        except Exception as exc:  # the platform may be going too: the stop goes on
            log.warning("could not tell a stopped request it stopped: %s", exc)
