"""One Slack message edited in place as a render progresses.

Slack limits edits (``chat.update`` is rate limited per workspace and a busy message flickers),
so the text shown changes at most once per ``interval``: an update that comes sooner is held
and sent when the interval has passed, and only the latest held text is sent. A final update
(the video is ready, the render stopped) goes out at once and ends the message's edits; a
forced one goes out at once and drops what was held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from .errors import SlackCallFailed
from .web import SlackWeb

log = logging.getLogger(__name__)


class StatusMessage:
    def __init__(
        self,
        web: SlackWeb,
        channel: str,
        *,
        thread_ts: str | None,
        ts: str | None = None,
        interval: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.web = web
        self.channel = channel
        self.thread_ts = thread_ts
        self.ts = ts  # None until the message is posted (on the first update)
        self.interval = interval
        self.clock = clock
        self.final = False
        self.edits = 0
        self._text: str | None = None  # what the message shows now
        self._held: str | None = None
        self._last = float("-inf")
        self._lock = asyncio.Lock()
        self._flush: asyncio.Task[None] | None = None
        self._failed = False

    async def show(self, text: str, *, force: bool = False, final: bool = False) -> None:
        """Show ``text`` now if the interval allows, else soon. ``force`` shows it now and
        drops any held text; ``final`` also ends the message's edits."""
        if self.final:
            return
        if force or final:
            self.final = final
            if self._flush is not None:
                self._flush.cancel()
                self._flush = None
            async with self._lock:
                self._held = None
                await self._send(text)
            return
        wait = self._last + self.interval - self.clock()
        if wait <= 0 and self._flush is None:
            async with self._lock:
                await self._send(text)
            return
        self._held = text
        if self._flush is None:
            self._flush = asyncio.ensure_future(self._send_held(max(wait, 0.0)))

    async def close(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flush

    async def _send_held(self, delay: float) -> None:
        await asyncio.sleep(delay)
        async with self._lock:
            self._flush = None
            text, self._held = self._held, None
            if text is not None and not self.final:
                await self._send(text)

    async def _send(self, text: str) -> None:
        if text == self._text:
            return
        self._last = self.clock()
        try:
            if self.ts is None:
                self.ts = await self.web.post(self.channel, text, thread_ts=self.thread_ts)
            else:
                await self.web.update(self.channel, self.ts, text)
                self.edits += 1
            self._text = text
        except SlackCallFailed as exc:
            # Progress is a courtesy: a failed edit never stops the render. Say once what to fix.
            if not self._failed:
                log.warning("cannot show progress in %s: %s", self.channel, exc.problem.fix)
            self._failed = True
