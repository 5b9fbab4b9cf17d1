"""Render jobs: queued before anything runs, moved from state to state atomically, and the
figures `deckcast status` shows."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .records import JobRecord, JobState, new_id
from .schema import jobs, row_to_job
from .transactions import Transactions


class JobQueries(Transactions):
    """Render jobs and their states."""

    async def add_job(
        self,
        conversation_id: str,
        version: int,
        *,
        owner: str,
        workspace: str,
        options: dict[str, Any] | None = None,
    ) -> JobRecord:
        """Write a queued job (before anything runs) and supersede queued jobs of the same
        conversation: only the newest version is worth rendering."""
        now = time.time()
        job = JobRecord(
            new_id(),
            conversation_id,
            version,
            owner,
            workspace,
            JobState.QUEUED,
            options or {},
            created_at=now,
        )

        def write(conn: Connection) -> None:
            conn.execute(
                jobs.update()
                .where(
                    jobs.c.conversation_id == conversation_id, jobs.c.state == JobState.QUEUED.value
                )
                .values(state=JobState.SUPERSEDED.value, finished_at=now)
            )
            conn.execute(
                jobs.insert().values(
                    id=job.id,
                    conversation_id=conversation_id,
                    version=version,
                    owner=owner,
                    workspace=workspace,
                    state=job.state.value,
                    options=json.dumps(job.options),
                    created_at=now,
                )
            )

        await self._run(write)
        return job

    async def set_job_state(
        self,
        job_id: str,
        state: JobState,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        only_from: Sequence[JobState] | None = None,
    ) -> bool:
        """Move a job to ``state`` (atomically, and only from ``only_from`` states if given)."""
        values: dict[str, Any] = {"state": state.value}
        now = time.time()
        if state is JobState.RUNNING:
            values["started_at"] = now
            values["attempts"] = jobs.c.attempts + 1
        if state.finished:
            values["finished_at"] = now
        if result is not None:
            values["result"] = json.dumps(result)
        if error is not None:
            values["error"] = error

        def write(conn: Connection) -> bool:
            query = jobs.update().where(jobs.c.id == job_id)
            if only_from:
                query = query.where(jobs.c.state.in_([s.value for s in only_from]))
            return conn.execute(query.values(**values)).rowcount > 0

        return await self._run(write)

    async def job(self, job_id: str) -> JobRecord | None:
        def read(conn: Connection) -> JobRecord | None:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
            return row_to_job(dict(row)) if row else None

        return await self._run(read)

    async def jobs_in(
        self,
        states: Sequence[JobState],
        *,
        conversation_id: str | None = None,
        owner: str | None = None,
        workspace: str | None = None,
    ) -> list[JobRecord]:
        def read(conn: Connection) -> list[JobRecord]:
            query = sa.select(jobs).where(jobs.c.state.in_([s.value for s in states]))
            if conversation_id is not None:
                query = query.where(jobs.c.conversation_id == conversation_id)
            if owner is not None:
                query = query.where(jobs.c.owner == owner)
            if workspace is not None:
                query = query.where(jobs.c.workspace == workspace)
            return [
                row_to_job(dict(r))
                for r in conn.execute(query.order_by(jobs.c.created_at)).mappings()
            ]

        return await self._run(read)

    async def latest_job(self, conversation_id: str) -> JobRecord | None:
        def read(conn: Connection) -> JobRecord | None:
            row = (
                conn.execute(
                    sa.select(jobs)
                    .where(jobs.c.conversation_id == conversation_id)
                    .order_by(jobs.c.created_at.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
            return row_to_job(dict(row)) if row else None

        return await self._run(read)

    async def recent_render_seconds(self, limit: int = 20) -> list[float]:
        """How long the latest ``limit`` finished renders took (start to done)."""

        def read(conn: Connection) -> list[float]:
            rows = conn.execute(
                sa.select(jobs.c.started_at, jobs.c.finished_at)
                .where(
                    jobs.c.state == JobState.DONE.value,
                    jobs.c.started_at.is_not(None),
                    jobs.c.finished_at.is_not(None),
                )
                .order_by(jobs.c.finished_at.desc())
                .limit(limit)
            ).all()
            return [max(0.0, r.finished_at - r.started_at) for r in rows]

        return await self._run(read)

    async def job_counts(self) -> dict[tuple[str, str], int]:
        """(workspace, state) -> number of jobs, for `deckcast status`."""

        def read(conn: Connection) -> dict[tuple[str, str], int]:
            rows = conn.execute(
                sa.select(jobs.c.workspace, jobs.c.state, sa.func.count()).group_by(
                    jobs.c.workspace, jobs.c.state
                )
            ).all()
            return {(r[0], r[1]): int(r[2]) for r in rows}

        return await self._run(read)
