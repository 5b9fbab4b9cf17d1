"""What the engine tells the outside about its jobs: one event per change in a job's life
(queued, started, resumed, done, failed, cancelled, superseded) and per upload a platform
refused. Observers (the lifecycle log, the bots' metrics, the chat-video retention) get every
event; one that fails is logged and never stops a job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

log = logging.getLogger(__name__)
lifecycle = logging.getLogger("bot.jobs")  # the lifecycle lines, one logger to filter on


class JobEventKind(StrEnum):
    QUEUED = "queued"
    STARTED = "started"
    RESUMED = "resumed"  # found unfinished at start-up and queued again
    DONE = "done"  # rendered and delivered (or the person was told why it could not be)
    FAILED = "failed"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    UPLOAD_FAILED = "upload_failed"  # a platform refused a file (not for its size)


@dataclass(frozen=True)
class JobEvent:
    kind: JobEventKind
    conversation_id: str | None
    job_id: str | None = None
    version: int | None = None
    workspace: str = ""
    seconds: float | None = None  # DONE / FAILED after a render: how long the render took
    detail: str = ""  # why it failed; what was refused
    platform: str = ""  # UPLOAD_FAILED: where

    def fields(self) -> dict[str, object]:
        """The ids as log record fields (``DECKCAST_LOG_FORMAT=json`` writes them out)."""
        found = {
            "event": self.kind.value,
            "job_id": self.job_id,
            "conversation_id": self.conversation_id,
            "version": self.version,
            "workspace": self.workspace or None,
            "seconds": round(self.seconds, 3) if self.seconds is not None else None,
            "platform": self.platform or None,
        }
        return {key: value for key, value in found.items() if value is not None}


class JobObserver(Protocol):
    async def job_event(self, event: JobEvent) -> None: ...


class JobLog:
    """One log line per event, with the job and conversation ids as fields."""

    async def job_event(self, event: JobEvent) -> None:
        who = f"job {event.job_id or '-'} (conversation {event.conversation_id or '-'}"
        who += f", version {event.version})" if event.version is not None else ")"
        took = f" in {event.seconds:.1f} s" if event.seconds is not None else ""
        why = f": {event.detail}" if event.detail else ""
        where = f" on {event.platform}" if event.platform else ""
        level = logging.WARNING if event.kind in _WARNINGS else logging.INFO
        lifecycle.log(
            level, "%s %s%s%s%s", who, event.kind.value, where, took, why, extra=event.fields()
        )


_WARNINGS = (JobEventKind.FAILED, JobEventKind.UPLOAD_FAILED)


class Observers:
    """Every observer, told of each event in turn; a failing one is logged and skipped."""

    def __init__(self, observers: Iterable[JobObserver] = ()) -> None:
        self.observers = [JobLog(), *observers]

    def add(self, observer: JobObserver) -> None:
        self.observers.append(observer)

    async def job_event(self, event: JobEvent) -> None:
        for observer in self.observers:
            try:
                await observer.job_event(event)
            except Exception:
                log.exception("%s failed on a %s event", type(observer).__name__, event.kind)
