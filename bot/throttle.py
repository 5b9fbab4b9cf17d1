"""Throttled edits of one status message, for every chat platform: many updates in, at most
one edit per interval out.

Render progress arrives many times a second; Discord and Slack rate-limit message edits. A
:class:`ThrottledEditor` keeps only the newest wanted state of one message and sends it once
``interval`` has passed since the previous edit *finished* (a platform client that waits out a
429 itself holds the next edit back too), so the message never lags far behind and the last
state is always shown (:meth:`flush`). ``merge`` combines a state not sent yet with the newer
one that replaces it (Discord keeps files to attach and buttons; by default the newer wins).

:meth:`show` sends at once when the interval allows and waits for that edit; ``now=True`` sends
at once whatever the interval (dropping what is held), and ``final=True`` does so and ends the
message's edits. A failed edit is logged and never stops the work it reports on.

Rate limits never hold the work up: a platform adapter raises :class:`RateLimited` from
``apply`` (a 429, or an edit that took too long because the client kept waiting out 429s), and
the editor keeps the state (merged with anything newer) and sends it once the wait is over;
meanwhile every update only replaces what is held. :meth:`flush` takes a timeout, so the
important messages (the video) never wait behind a rate-limited edit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

S = TypeVar("S")


class RateLimited(Exception):
    """The platform takes no edit for ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(0.0, retry_after)
        super().__init__(f"rate limited for {self.retry_after:.1f} s")


def _newer(_held: S, newer: S) -> S:
    return newer


class ThrottledEditor(Generic[S]):
    def __init__(
        self,
        apply: Callable[[S], Awaitable[None]],
        interval: float,
        *,
        merge: Callable[[S, S], S] = _newer,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._apply = apply
        self.interval = interval
        self._merge = merge
        self._clock = clock
        self._pending: S | None = None
        self._has_pending = False
        self._last_end: float | None = None
        self._blocked_until = float("-inf")
        self._final_held = False  # the held state is the final one
        self._ending = False  # a final state is being sent or held: nothing newer is taken
        self._idle = asyncio.Event()
        self._idle.set()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.final = False
        self.sent = 0

    # -- wanting a state shown ------------------------------------------------------------

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    def update(self, state: S) -> None:
        """Want ``state`` shown; it replaces (merged with) a state not sent yet."""
        if self._closed or self.final or self._ending:
            return  # (a final state on its way, or waiting out a rate limit, ends it too)
        self._hold(state)
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    async def show(self, state: S, *, now: bool = False, final: bool = False) -> None:
        """Show ``state``: at once (waiting for the edit) when the interval allows or ``now``
        / ``final`` say so, else soon. ``final`` ends the message's edits."""
        if self._closed or self.final or self._ending:
            return
        if now or final:
            if self._has_pending:
                state = self._merge(self._take(), state)
            if self._blocked():  # nothing goes out while rate limited: send it when allowed
                self._hold(state)
                self._final_held = self._ending = final
                self._start()
                return
            await self._send(state, final=final)
            return
        if not self._has_pending and self._due() and not self._lock.locked():
            await self._send(state)
            return
        self.update(state)

    async def flush(self, *, within: float | None = None) -> bool:
        """Wait until the newest wanted state has been sent (at most ``within`` seconds);
        True when it was."""
        try:
            await asyncio.wait_for(self._flushed(), within)
        except TimeoutError:
            return False
        return True

    async def _flushed(self) -> None:
        while not self._idle.is_set():
            task = self._task
            if task is None or task.done():
                if not self._has_pending:
                    break
                self._task = asyncio.ensure_future(self._run())
            await self._idle.wait()

    async def close(self) -> None:
        """Drop what is not sent yet; later updates are ignored."""
        self._closed = True
        self._take()
        self._idle.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- internals --------------------------------------------------------------------------

    def _hold(self, state: S) -> None:
        if self._has_pending:
            assert self._pending is not None
            state = self._merge(self._pending, state)
        self._pending, self._has_pending = state, True
        self._idle.clear()

    def _take(self) -> S:
        state, self._pending, self._has_pending = self._pending, None, False
        return state  # type: ignore[return-value]

    def _blocked(self) -> bool:
        return self._clock() < self._blocked_until

    def _due(self) -> bool:
        if self._blocked():
            return False
        return self._last_end is None or self._clock() >= self._last_end + self.interval

    def _wait(self) -> float:
        after = self._blocked_until
        if self._last_end is not None:
            after = max(after, self._last_end + self.interval)
        return after - self._clock()

    async def _run(self) -> None:
        while self._has_pending and not (self._closed or self.final):
            wait = self._wait()
            if wait > 0:
                await asyncio.sleep(wait)
            if not self._has_pending or self._closed or self.final:
                break
            final, self._final_held = self._final_held, False
            await self._send(self._take(), final=final)
        if self._closed or self.final:
            self._take()  # nothing more is shown after the final state
        if not self._has_pending:
            self._idle.set()

    async def _send(self, state: S, *, final: bool = False) -> None:
        """Send ``state``; ``final``: it ends the message's edits once it is sent (or fails for
        good). A rate-limited final state is kept, final still, for when the wait is over."""
        self._ending = self._ending or final
        async with self._lock:
            try:
                await self._apply(state)
                self.sent += 1
                self.final = self.final or final
            except asyncio.CancelledError:
                raise
            except RateLimited as limited:
                log.info("status edits paused for %.1f s (rate limited)", limited.retry_after)
                self._blocked_until = self._clock() + limited.retry_after
                if final:
                    self._take()  # (nothing newer can be held: the final state ends it)
                self._hold_back(state)
                self._final_held = self._final_held or final
            except Exception:
                log.exception("a status edit failed; the next one will try again")
                self.final = self.final or final
            finally:
                self._last_end = self._clock()
        if not self._has_pending:
            self._idle.set()
        elif not self._closed and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._run())

    def _hold_back(self, state: S) -> None:
        """Keep a state that could not be sent, under anything newer wanted meanwhile."""
        if self._closed or self.final:
            return
        if self._has_pending:
            assert self._pending is not None
            state = self._merge(state, self._pending)
        self._pending, self._has_pending = state, True
        self._idle.clear()
