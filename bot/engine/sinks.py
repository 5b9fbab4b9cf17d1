"""Who hears about each render: one registry of reply sinks, pruned as work ends.

A render reports to the sink of the request that queued it (``bind`` at submit); after a
restart, when that sink is gone with the old process, to a sink the conversation's platform
builds (``register_platform``: the thread or channel it lives in). An entry goes when its job
ends (delivered, failed, cancelled, superseded), so a conversation that goes idle holds
nothing here. Every sink the engine was handed is closed when the engine shuts down.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable

from ..store import JobRecord
from .replies import JobUpdate, ReplySink

log = logging.getLogger(__name__)

# (conversation id, owner, job id) -> a sink that reaches that conversation (for that job's
# render: the adapter may have kept where its status message was), or None when none can
SinkFactory = Callable[[str, str, str], Awaitable[ReplySink | None]]


class SinkRegistry:
    def __init__(self) -> None:
        self._jobs: dict[str, ReplySink] = {}
        self._factories: dict[str, SinkFactory] = {}
        self._seen: weakref.WeakSet[ReplySink] = weakref.WeakSet()
        self._told: set[asyncio.Task[None]] = set()  # status lines on their way to a sink

    def register_platform(self, platform: str, factory: SinkFactory) -> None:
        self._factories[platform] = factory

    def seen(self, sink: ReplySink) -> None:
        """Remember ``sink`` until it is garbage, so a shutdown closes it."""
        self._seen.add(sink)

    def bind(self, job_id: str, sink: ReplySink) -> None:
        self.seen(sink)
        self._jobs[job_id] = sink

    def bound(self, job_id: str) -> ReplySink | None:
        return self._jobs.get(job_id)

    def release(self, job_id: str) -> ReplySink | None:
        return self._jobs.pop(job_id, None)

    def __len__(self) -> int:
        return len(self._jobs)

    async def for_job(
        self, job_id: str, platform: str, conversation_id: str, owner: str
    ) -> ReplySink | None:
        """The bound sink, or one the platform builds (then bound until the job ends)."""
        sink = self._jobs.get(job_id)
        factory = self._factories.get(platform)
        if sink is None and factory is not None:
            sink = await factory(conversation_id, owner, job_id)
            if sink is not None:
                self.bind(job_id, sink)
        return sink

    def status_lines(self, sink: ReplySink) -> Callable[[str], None]:
        """The agent's status callback is synchronous and sinks are async: each line the
        agent reports ("the model is busy, retrying") is sent to ``sink.say`` in a task."""

        def tell(message: str) -> None:
            task = asyncio.ensure_future(sink.say(message))
            self._told.add(task)
            task.add_done_callback(self._told_done)

        return tell

    def _told_done(self, task: asyncio.Task[None]) -> None:
        self._told.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a front-end failed to show a status line", exc_info=task.exception())

    def bound_to(self, jobs: list[JobRecord]) -> list[tuple[JobRecord, ReplySink]]:
        """Each of ``jobs`` with its sink (those with one), kept for after the jobs end."""
        return [(job, sink) for job in jobs if (sink := self._jobs.get(job.id)) is not None]

    async def tell_paused(self, jobs: list[tuple[JobRecord, ReplySink]], within: float) -> None:
        """This process is stopping: each job's sink (see :meth:`bound_to`) hears its render
        is paused (and will resume on the next start); a platform that does not answer within
        ``within`` seconds is not waited for."""

        async def tell(job: JobRecord, sink: ReplySink) -> None:
            update = JobUpdate(job.conversation_id, job.id, job.version, "paused")
            try:
                await asyncio.wait_for(sink.progress(update), within)
            except Exception as exc:
                log.warning("could not tell job %s it is paused: %s", job.id, exc)

        await asyncio.gather(*(tell(job, sink) for job, sink in jobs))

    async def close(self) -> None:
        sinks = list(self._seen)
        self._jobs.clear()
        results = await asyncio.gather(*(sink.close() for sink in sinks), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                log.warning("a front-end failed to close: %s", result)
