"""Throttled message edits: many updates in, at most one edit per interval out.

Render progress arrives many times a second; Discord rate-limits message edits. A
:class:`ThrottledEditor` keeps only the newest wanted state of one message and sends it once
``interval`` has passed since the previous edit finished, so the message never lags far
behind and the last state is always shown (:meth:`ThrottledEditor.flush`). Files to attach
are never dropped: they ride along with the next edit. A 429 is honoured by discord.py itself
(it sleeps for ``retry_after`` and sends again); the editor waits for that edit to finish
before it counts the interval for the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Edit:
    """The wanted state of a message. ``view`` is ``...`` for "leave the buttons as they are"
    and ``None`` for "remove them"."""

    content: str
    view: Any = ...
    files: list[Any] = field(default_factory=list)


ApplyEdit = Callable[[Edit], Awaitable[None]]


class ThrottledEditor:
    def __init__(
        self,
        apply: ApplyEdit,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._apply = apply
        self.interval = interval
        self._clock = clock
        self._pending: Edit | None = None
        self._last_end: float | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.sent = 0

    def update(self, edit: Edit) -> None:
        """Want ``edit`` shown; replaces an edit not sent yet (keeping its files)."""
        if self._closed:
            return
        if self._pending is not None:
            if edit.view is ...:
                edit.view = self._pending.view
            edit.files = [*self._pending.files, *edit.files]
        self._pending = edit
        self._idle.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    async def flush(self) -> None:
        """Wait until the newest wanted state has been sent."""
        while not self._idle.is_set():
            task = self._task
            if task is None or task.done():
                if self._pending is None:
                    break
                self._task = asyncio.ensure_future(self._run())
            await self._idle.wait()

    async def close(self) -> None:
        """Drop what is not sent yet; later updates are ignored."""
        self._closed = True
        self._pending = None
        self._idle.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while self._pending is not None:
            if self._last_end is not None:
                wait = self._last_end + self.interval - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
            edit, self._pending = self._pending, None
            if edit is None:
                break
            try:
                await self._apply(edit)
                self.sent += 1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("a progress edit failed; the next one will try again")
            finally:
                self._last_end = self._clock()
        self._idle.set()
