"""The render queue: durable jobs, run in this process with limits.

Every job is written to the store before anything runs and every state change is a
transaction, so a restart finds what was queued or running and runs it again (slides already in
the asset cache are not redone). Rules:

- one render at a time per conversation; a newer version supersedes a queued older one;
- at most ``per_user`` conversations per person with a render queued or running;
- at most ``per_workspace`` jobs queued or running per guild/workspace;
- at most ``concurrent`` renders at once in this process.

``close(resume_later=True)`` (a bot shutting down) leaves running jobs as they are in the
store, like queued ones, so the next process resumes them; a plain ``close()`` cancels them.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..errors import QueueFull, UserBusy
from ..store import JobRecord, JobState, Store
from .observer import JobEvent, JobEventKind, JobObserver, Observers

log = logging.getLogger(__name__)

ACTIVE = (JobState.QUEUED, JobState.RUNNING)


def being_stopped() -> bool:
    """Whether the running task was asked to stop (``cancel()``): a render that raises on its
    way out of a cancel or a shutdown was stopped, not broken."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


@dataclass(frozen=True)
class JobLimits:
    concurrent: int = 1
    per_user: int = 1
    per_workspace: int = 10
    # For "try again in about N minutes" until renders here have been timed (then the median
    # of the latest ones is used).
    typical_render_seconds: float = 60.0


@dataclass(frozen=True)
class Submitted:
    """A job just queued, and the queued jobs of the same conversation it replaced."""

    job: JobRecord
    replaced: list[JobRecord]


RunJob = Callable[[JobRecord], Awaitable[None]]


class RenderQueue:
    """Runs render jobs in order, ``limits.concurrent`` at a time, one per conversation."""

    def __init__(
        self,
        store: Store,
        run: RunJob,
        limits: JobLimits | None = None,
        observer: JobObserver | None = None,
    ) -> None:
        self.store = store
        self.run = run
        self.limits = limits or JobLimits()
        self.observer = observer or Observers()  # told of every job's queued/started/...
        self._pending: list[JobRecord] = []
        self._running: dict[str, tuple[JobRecord, asyncio.Task[None]]] = {}  # by conversation
        self._starting: set[str] = set()  # conversations whose job is being marked running
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._changed = asyncio.Event()  # set on every change of what is queued or running
        self._dispatcher: asyncio.Task[None] | None = None
        self._closed = False
        self._resume_later = False
        self._admission = asyncio.Lock()

    # -- submitting ----------------------------------------------------------------------------

    async def submit(
        self,
        conversation_id: str,
        version: int,
        *,
        owner: str,
        workspace: str,
        options: dict[str, Any] | None = None,
    ) -> Submitted:
        """Queue a render of ``version`` (replacing a queued one of the same conversation:
        only the newest version is worth rendering); raises :class:`UserBusy` /
        :class:`QueueFull`."""
        async with self._admission:
            await self.check(owner=owner, workspace=workspace, conversation_id=conversation_id)
            job = await self.store.add_job(
                conversation_id, version, owner=owner, workspace=workspace, options=options
            )
            replaced = [j for j in self._pending if j.conversation_id == conversation_id]
            self._pending = [j for j in self._pending if j.conversation_id != conversation_id]
            self._pending.append(job)
        self._kick()
        await self._tell(JobEventKind.QUEUED, job)
        for old in replaced:
            await self._tell(JobEventKind.SUPERSEDED, old, f"by version {version}")
        return Submitted(job, replaced)

    async def check(
        self, *, owner: str, workspace: str, conversation_id: str | None = None
    ) -> None:
        """Raise :class:`UserBusy` or :class:`QueueFull` if a render for ``owner`` in
        ``workspace`` would be refused now (a newer version of the same conversation is not
        counted against either limit: it replaces the queued one)."""
        active = await self.store.jobs_in(ACTIVE, workspace=workspace)
        others = {
            j.conversation_id
            for j in active
            if j.owner == owner and j.conversation_id != conversation_id
        }
        if len(others) >= self.limits.per_user:
            raise UserBusy(
                "you already have a video in the works; wait for it to finish (or cancel it) "
                "before starting another"
            )
        same = [
            j for j in active if j.conversation_id == conversation_id and j.state is JobState.QUEUED
        ]
        if len(active) - len(same) >= self.limits.per_workspace:
            per_slot = await self._render_seconds() / max(1, self.limits.concurrent)
            minutes = max(1, round(len(active) * per_slot / 60))
            raise QueueFull(
                f"the render queue is full ({len(active)} videos waiting or rendering); "
                f"please try again in about {minutes} minute{'s' if minutes != 1 else ''}"
            )

    async def _render_seconds(self) -> float:
        """How long a render takes here: the median of the latest finished ones."""
        timed = await self.store.recent_render_seconds()
        return statistics.median(timed) if timed else self.limits.typical_render_seconds

    async def recover(self) -> list[JobRecord]:
        """Queue again every job left queued or running by a previous process."""
        unfinished = await self.store.jobs_in(ACTIVE)
        latest: dict[str, JobRecord] = {}
        for job in unfinished:
            if job.state is JobState.RUNNING:
                await self.store.set_job_state(
                    job.id, JobState.QUEUED, only_from=[JobState.RUNNING]
                )
            previous = latest.get(job.conversation_id)
            if previous is not None:
                await self.store.set_job_state(previous.id, JobState.SUPERSEDED)
            latest[job.conversation_id] = job
        known = {j.id for j in self._pending}
        recovered = [j for j in latest.values() if j.id not in known]
        self._pending.extend(recovered)
        self._kick()
        for job in recovered:
            await self._tell(JobEventKind.RESUMED, job)
        return recovered

    # -- observing and cancelling ---------------------------------------------------------

    def position(self, job_id: str) -> int | None:
        """1-based place in the queue of a waiting job (None once it runs or ends)."""
        for i, job in enumerate(self._pending, 1):
            if job.id == job_id:
                return i
        return None

    def is_running(self, conversation_id: str) -> bool:
        return conversation_id in self._running

    async def describe(self, conversation_id: str) -> str:
        """The conversation's latest render in one line (the "status" command)."""
        job = await self.store.latest_job(conversation_id)
        if job is None:
            return "No render yet."
        if job.state is JobState.QUEUED:
            position = self.position(job.id)
            return f"Version {job.version} is waiting to render" + (
                f" (number {position} in the queue)." if position else "."
            )
        if job.state is JobState.RUNNING:
            return f"Version {job.version} is rendering."
        return f"Version {job.version}: {job.state.value}."

    def in_flight(self) -> list[JobRecord]:
        """Every job this process has running or waiting."""
        return [*(job for job, _task in self._running.values()), *self._pending]

    def active(self, conversation_id: str) -> list[JobRecord]:
        """The conversation's queued and running jobs (what a cancel would stop)."""
        running = self._running.get(conversation_id)
        queued = [j for j in self._pending if j.conversation_id == conversation_id]
        return [*([running[0]] if running else []), *queued]

    def busy(self, conversation_id: str) -> bool:
        return (
            self.is_running(conversation_id)
            or conversation_id in self._starting
            or any(j.conversation_id == conversation_id for j in self._pending)
        )

    async def cancel(self, conversation_id: str) -> bool:
        """Cancel the conversation's queued and running renders; True if there was one."""
        cancelled = False
        for job in [j for j in self._pending if j.conversation_id == conversation_id]:
            self._pending.remove(job)
            await self.store.set_job_state(job.id, JobState.CANCELLED, only_from=[JobState.QUEUED])
            await self._tell(JobEventKind.CANCELLED, job, "before it started")
            cancelled = True
        running = self._running.get(conversation_id)
        if running is not None:
            running[1].cancel()
            cancelled = True
        self._update_idle()
        return cancelled

    async def wait_idle(self, conversation_id: str | None = None) -> None:
        """Wait until nothing (or nothing of ``conversation_id``) is queued or running."""
        while not self._idle.is_set() if conversation_id is None else self.busy(conversation_id):
            self._changed.clear()
            await self._changed.wait()

    async def close(self, *, resume_later: bool = False) -> None:
        self._closed = True
        self._resume_later = resume_later
        self._wakeup.set()
        tasks = [task for _job, task in self._running.values()]
        for task in tasks:
            task.cancel()
        if self._dispatcher is not None:
            self._dispatcher.cancel()
        await asyncio.gather(
            *tasks, *([self._dispatcher] if self._dispatcher else []), return_exceptions=True
        )

    # -- running ------------------------------------------------------------------------------

    def _kick(self) -> None:
        self._update_idle()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.ensure_future(self._dispatch())
        self._wakeup.set()

    def _update_idle(self) -> None:
        self._changed.set()
        if self._pending or self._running or self._starting:
            self._idle.clear()
        else:
            self._idle.set()

    async def _dispatch(self) -> None:
        while not self._closed:
            self._wakeup.clear()
            while len(self._running) + len(self._starting) < max(1, self.limits.concurrent):
                job = next(
                    (
                        j
                        for j in self._pending
                        if j.conversation_id not in self._running
                        and j.conversation_id not in self._starting
                    ),
                    None,
                )
                if job is None:
                    break
                self._pending.remove(job)
                self._starting.add(job.conversation_id)
                try:
                    started = await self.store.set_job_state(
                        job.id, JobState.RUNNING, only_from=[JobState.QUEUED]
                    )
                    if started:  # (not superseded or cancelled meanwhile)
                        task = asyncio.ensure_future(self._run(job))
                        self._running[job.conversation_id] = (job, task)
                        await self._tell(JobEventKind.STARTED, job)
                finally:
                    self._starting.discard(job.conversation_id)
            self._update_idle()
            if not self._pending and not self._running:
                return
            await self._wakeup.wait()

    async def _run(self, job: JobRecord) -> None:
        try:
            await self.run(job)
        except Exception:
            if not being_stopped():
                log.exception("render job %s crashed", job.id)
                await self.store.set_job_state(
                    job.id, JobState.FAILED, error="crashed", only_from=[JobState.RUNNING]
                )
                await self._tell(JobEventKind.FAILED, job, "crashed")
                return
            # It was being stopped and tripped on the way out: it was stopped, not broken.
            log.warning("render job %s raised while stopping", job.id, exc_info=True)
            await self._stopped(job)
        except asyncio.CancelledError:
            await self._stopped(job)
        finally:
            current = self._running.get(job.conversation_id)
            if current is not None and current[0].id == job.id:
                del self._running[job.conversation_id]
            self._update_idle()
            self._wakeup.set()

    async def _stopped(self, job: JobRecord) -> None:
        """``job``'s render was stopped: by a shutdown (left running in the store, for the next
        start to resume) or by a cancel (marked cancelled)."""
        if self._closed and self._resume_later:
            raise asyncio.CancelledError
        await asyncio.shield(
            self.store.set_job_state(job.id, JobState.CANCELLED, only_from=[JobState.RUNNING])
        )
        await asyncio.shield(self._tell(JobEventKind.CANCELLED, job))

    async def _tell(self, kind: JobEventKind, job: JobRecord, detail: str = "") -> None:
        """Tell the observers (lifecycle log, metrics, retention) what became of ``job``."""
        await self.observer.job_event(
            JobEvent(kind, job.conversation_id, job.id, job.version, job.workspace, detail=detail)
        )
