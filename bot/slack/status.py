"""One Slack message edited in place as a render progresses, through the shared
:class:`~bot.throttle.ThrottledEditor` (``chat.update`` is rate limited per workspace and a busy
message flickers): the text changes at most once per ``interval``, only the latest held text
is sent, a final update goes out at once and ends the message's edits. The message is posted on
its first update when it does not exist yet.

An edit Slack refuses for a while (a rate limit, a 5xx, no answer) is kept and sent again
when the wait is over, the final one too (it says the video is ready: dropping it would leave
the message at "uploading…" for good)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..throttle import RateLimited, ThrottledEditor
from .errors import SlackCallFailed
from .web import SlackWeb

log = logging.getLogger(__name__)

RATE_LIMIT_PAUSE = 5.0  # seconds without progress edits when Slack gives no Retry-After
SERVER_ERROR_PAUSE = 2.0  # seconds before an edit Slack failed on (a 5xx) is sent again


@dataclass(frozen=True)
class Shown:
    """What the message shows: its text and, while a render runs, its buttons."""

    text: str
    buttons: list[dict[str, Any]] = field(default_factory=list)

    def blocks(self) -> list[dict[str, Any]] | None:
        if not self.buttons:
            return None
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": self.text[:3000]}},
            {"type": "actions", "block_id": "deckcast-status", "elements": self.buttons},
        ]


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
        self.edits = 0
        self._shown: Shown | None = None  # what the message shows now
        self._failed = False
        self._editor: ThrottledEditor[Shown] = ThrottledEditor(self._send, interval, clock=clock)

    @property
    def final(self) -> bool:
        return self._editor.final

    async def show(
        self,
        text: str,
        *,
        buttons: list[dict[str, Any]] | None = None,
        force: bool = False,
        final: bool = False,
    ) -> None:
        """Show ``text`` (with an actions block of ``buttons``) now if the interval allows,
        else soon. ``force`` shows it now and drops any held text; ``final`` also ends the
        message's edits."""
        await self._editor.show(Shown(text, buttons or []), now=force, final=final)

    async def flush(self, *, within: float | None = None) -> bool:
        """Wait (at most ``within`` seconds) until the newest text is shown; True when it is."""
        return await self._editor.flush(within=within)

    async def close(self) -> None:
        await self._editor.close()

    async def _send(self, shown: Shown) -> None:
        if shown == self._shown:
            return
        blocks = shown.blocks()
        try:
            if self.ts is None:
                self.ts = await self.web.post(
                    self.channel, shown.text, thread_ts=self.thread_ts, blocks=blocks
                )
            else:
                await self.web.update(
                    self.channel, self.ts, shown.text, blocks=blocks or [], wait_out_limits=False
                )
                self.edits += 1
            self._shown = shown
        except SlackCallFailed as exc:
            if exc.problem.code == "ratelimited":  # the editor waits, then sends the newest
                raise RateLimited(exc.retry_after or RATE_LIMIT_PAUSE) from None
            if exc.transient:  # kept, not dropped: it may be the last state ("ready")
                raise RateLimited(exc.retry_after or SERVER_ERROR_PAUSE) from None
            # Progress is a courtesy: a failed edit never stops the render. Say once what to fix.
            if not self._failed:
                log.warning("cannot show progress in %s: %s", self.channel, exc.problem.fix)
            self._failed = True
