"""The store: conversations, their deck versions, messages, render jobs, chat links.

SQLAlchemy Core over SQLite by default (WAL mode, every change a transaction, so a killed
process never corrupts it) or PostgreSQL by URL (``DECKCAST_DATABASE_URL``). The schema is
created and upgraded by numbered migrations recorded in ``schema_version``.

Blocking database calls run in a worker thread; the public methods are async.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from deck import Deck

from .records import ConversationRecord, JobRecord, JobState, VersionRecord, new_id
from .schema import (
    MIGRATIONS,
    approvals,
    conversations,
    jobs,
    links,
    messages,
    read_version,
    reviewers,
    row_to_conversation,
    row_to_job,
    row_to_version,
    schema_version,
    seen_events,
    versions,
    workspace_settings,
)

T = TypeVar("T")


class Store:
    """All persistent state. ``await Store.open(url)`` creates/migrates the schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    async def open(cls, url: str) -> Store:
        return await asyncio.to_thread(cls.open_sync, url)

    @classmethod
    def open_sync(cls, url: str) -> Store:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        engine = sa.create_engine(url, future=True, pool_pre_ping=True)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        store.migrate()
        return store

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ---------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the migrations this database has not seen; return the schema version."""
        with self.engine.begin() as conn:
            schema_version.create(conn, checkfirst=True)
            current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
            for number, step in MIGRATIONS:
                if number > current:
                    step(conn)
                    conn.execute(schema_version.insert().values(version=number))
                    current = number
        return current

    # -- plumbing -------------------------------------------------------------------------

    async def _run(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in one transaction in a worker thread (retrying a dropped connection)."""
        if self._lock is not None:
            async with self._lock:
                return await asyncio.to_thread(self._transaction, fn)
        return await asyncio.to_thread(self._transaction, fn)

    def _transaction(self, fn: Callable[[Connection], T]) -> T:
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    return fn(conn)
            except OperationalError as exc:
                if attempt == 2 or (
                    not exc.connection_invalidated and "locked" not in str(exc).lower()
                ):
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    # -- conversations and versions --------------------------------------------------------

    async def create_conversation(
        self,
        *,
        platform: str,
        owner: str,
        workspace: str = "",
        title: str = "",
        options: dict[str, Any] | None = None,
    ) -> ConversationRecord:
        now = time.time()
        row = {
            "id": new_id(),
            "platform": platform,
            "owner": owner,
            "workspace": workspace,
            "title": title,
            "current_version": 0,
            "options": json.dumps(options or {}),
            "created_at": now,
            "updated_at": now,
        }
        await self._run(lambda conn: conn.execute(conversations.insert().values(**row)))
        return row_to_conversation(row)

    async def conversation(self, conversation_id: str) -> ConversationRecord | None:
        def read(conn: Connection) -> ConversationRecord | None:
            row = (
                conn.execute(sa.select(conversations).where(conversations.c.id == conversation_id))
                .mappings()
                .first()
            )
            return row_to_conversation(dict(row)) if row else None

        return await self._run(read)

    async def add_version(
        self, conversation_id: str, deck: Deck, note: str, *, author: str = ""
    ) -> int:
        """Store ``deck`` as a new version made from the current one, and make it current;
        returns its number. Numbers are never reused: after an undo, a new change gets the
        next free number and the undone versions stay (redo reaches the newest child)."""

        def add(conn: Connection) -> int:
            parent = conn.execute(
                sa.select(conversations.c.current_version).where(
                    conversations.c.id == conversation_id
                )
            ).scalar_one()
            highest = conn.execute(
                sa.select(sa.func.max(versions.c.number)).where(
                    versions.c.conversation_id == conversation_id
                )
            ).scalar()
            number = (highest or 0) + 1
            conn.execute(
                versions.insert().values(
                    conversation_id=conversation_id,
                    number=number,
                    deck=deck.model_dump_json(),
                    note=note,
                    created_at=time.time(),
                    parent=parent or None,
                    author=author,
                )
            )
            conn.execute(
                conversations.update()
                .where(conversations.c.id == conversation_id)
                .values(current_version=number, title=deck.title, updated_at=time.time())
            )
            return number

        return await self._run(add)

    async def move_to_version(self, conversation_id: str, number: int) -> VersionRecord | None:
        """Make version ``number`` current; None if there is no such version."""

        def move(conn: Connection) -> VersionRecord | None:
            record = read_version(conn, conversation_id, number)
            if record is not None:
                conn.execute(
                    conversations.update()
                    .where(conversations.c.id == conversation_id)
                    .values(current_version=number, updated_at=time.time())
                )
            return record

        return await self._run(move)

    async def undo_target(self, conversation_id: str, number: int) -> int | None:
        """The version ``number`` was made from (None for the first)."""
        record = await self.version(conversation_id, number)
        return record.parent if record else None

    async def redo_target(self, conversation_id: str, number: int) -> int | None:
        """The newest version made from ``number`` (None when nothing was undone from it)."""

        def read(conn: Connection) -> int | None:
            return conn.execute(
                sa.select(sa.func.max(versions.c.number)).where(
                    versions.c.conversation_id == conversation_id, versions.c.parent == number
                )
            ).scalar()

        return await self._run(read)

    async def version(self, conversation_id: str, number: int) -> VersionRecord | None:
        """Version ``number``, with who approved it."""

        def read(conn: Connection) -> VersionRecord | None:
            record = read_version(conn, conversation_id, number)
            if record is None:
                return None
            approved = _approvals(conn, conversation_id).get(number, ())
            return replace(record, approved_by=tuple(approved))

        return await self._run(read)

    async def versions(self, conversation_id: str) -> list[VersionRecord]:
        """Every version, oldest first, each with who approved it."""

        def read(conn: Connection) -> list[VersionRecord]:
            rows = conn.execute(
                sa.select(versions)
                .where(versions.c.conversation_id == conversation_id)
                .order_by(versions.c.number)
            ).mappings()
            approved = _approvals(conn, conversation_id)
            return [
                replace(record, approved_by=tuple(approved.get(record.number, ())))
                for record in (row_to_version(dict(r)) for r in rows)
            ]

        return await self._run(read)

    # -- review: the review stage, reviewers and approvals ----------------------------------

    async def set_options(self, conversation_id: str, options: dict[str, Any]) -> None:
        """Replace a conversation's render options (the voice, the music, ...): its later
        renders use them."""
        await self._run(
            lambda conn: conn.execute(
                conversations.update()
                .where(conversations.c.id == conversation_id)
                .values(options=json.dumps(options), updated_at=time.time())
            )
        )

    async def set_review(
        self, conversation_id: str, *, review: str | None = None, open_review: bool | None = None
    ) -> None:
        """Set a conversation's review stage ("", "script", "on") and/or whether everyone may
        revise it."""
        values: dict[str, Any] = {}
        if review is not None:
            values["review"] = review
        if open_review is not None:
            values["open_review"] = int(open_review)
        if not values:
            return
        await self._run(
            lambda conn: conn.execute(
                conversations.update().where(conversations.c.id == conversation_id).values(**values)
            )
        )

    async def add_reviewer(self, conversation_id: str, user: str, *, added_by: str) -> bool:
        """Let ``user`` revise the conversation; False when they already could."""
        return await self._insert_once(
            reviewers,
            conversation_id=conversation_id,
            person=user,
            added_by=added_by,
            added_at=time.time(),
        )

    async def reviewers(self, conversation_id: str) -> list[str]:
        """Who the owner let revise, in the order they were added."""

        def read(conn: Connection) -> list[str]:
            rows = conn.execute(
                sa.select(reviewers.c.person)
                .where(reviewers.c.conversation_id == conversation_id)
                .order_by(reviewers.c.added_at, reviewers.c.person)
            ).all()
            return [r.person for r in rows]

        return await self._run(read)

    async def approve(self, conversation_id: str, version: int, user: str) -> bool:
        """Record that ``user`` approved ``version``; False when they already had (a repeated
        delivery of the same reaction or click counts once)."""
        return await self._insert_once(
            approvals,
            conversation_id=conversation_id,
            version=version,
            person=user,
            approved_at=time.time(),
        )

    async def _insert_once(self, table: sa.Table, **values: Any) -> bool:
        """Insert a row keyed by its primary key; False when it was already there."""

        def write(conn: Connection) -> bool:
            try:
                with conn.begin_nested():
                    conn.execute(table.insert().values(**values))
            except IntegrityError:
                return False
            return True

        return await self._run(write)

    # -- workspace settings -----------------------------------------------------------------

    async def workspace_review(self, platform: str, workspace: str) -> str | None:
        """The review mode an admin chose for ``workspace`` ("script", "off"), or None."""

        def read(conn: Connection) -> str | None:
            row = conn.execute(
                sa.select(workspace_settings.c.review).where(
                    workspace_settings.c.platform == platform,
                    workspace_settings.c.workspace == workspace,
                )
            ).first()
            return row.review if row and row.review else None

        return await self._run(read)

    async def set_workspace_review(
        self, platform: str, workspace: str, review: str, *, by: str
    ) -> None:
        def write(conn: Connection) -> None:
            where = (
                workspace_settings.c.platform == platform,
                workspace_settings.c.workspace == workspace,
            )
            values = {"review": review, "set_by": by, "set_at": time.time()}
            if conn.execute(workspace_settings.update().where(*where).values(**values)).rowcount:
                return
            conn.execute(
                workspace_settings.insert().values(platform=platform, workspace=workspace, **values)
            )

        await self._run(write)

    # -- messages ---------------------------------------------------------------------------

    async def add_message(self, conversation_id: str, role: str, text: str) -> None:
        await self._run(
            lambda conn: conn.execute(
                messages.insert().values(
                    conversation_id=conversation_id, role=role, text=text, created_at=time.time()
                )
            )
        )

    async def recent_messages(self, conversation_id: str, limit: int = 8) -> list[tuple[str, str]]:
        def read(conn: Connection) -> list[tuple[str, str]]:
            rows = conn.execute(
                sa.select(messages.c.role, messages.c.text)
                .where(messages.c.conversation_id == conversation_id)
                .order_by(messages.c.id.desc())
                .limit(limit)
            ).all()
            return [(r.role, r.text) for r in reversed(rows)]

        return await self._run(read)

    # -- links between chat threads and conversations --------------------------------------

    async def link(
        self, platform: str, key: str, conversation_id: str, data: dict[str, Any] | None = None
    ) -> None:
        def write(conn: Connection) -> None:
            conn.execute(links.delete().where(links.c.platform == platform, links.c.key == key))
            conn.execute(
                links.insert().values(
                    platform=platform,
                    key=key,
                    conversation_id=conversation_id,
                    data=json.dumps(data or {}),
                )
            )

        await self._run(write)

    async def linked(self, platform: str, key: str) -> tuple[str, dict[str, Any]] | None:
        def read(conn: Connection) -> tuple[str, dict[str, Any]] | None:
            row = conn.execute(
                sa.select(links.c.conversation_id, links.c.data).where(
                    links.c.platform == platform, links.c.key == key
                )
            ).first()
            return (row.conversation_id, json.loads(row.data)) if row else None

        return await self._run(read)

    async def links_of(self, conversation_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        def read(conn: Connection) -> list[tuple[str, str, dict[str, Any]]]:
            rows = conn.execute(
                sa.select(links).where(links.c.conversation_id == conversation_id)
            ).all()
            return [(r.platform, r.key, json.loads(r.data)) for r in rows]

        return await self._run(read)

    async def first_sighting(self, platform: str, event_id: str) -> bool:
        """True the first time an event id is seen; False for a duplicate delivery."""

        def write(conn: Connection) -> bool:
            try:
                with conn.begin_nested():
                    conn.execute(
                        seen_events.insert().values(
                            platform=platform, event_id=event_id, seen_at=time.time()
                        )
                    )
            except IntegrityError:
                return False
            return True

        return await self._run(write)

    # -- jobs -------------------------------------------------------------------------------

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


def _approvals(conn: Connection, conversation_id: str) -> dict[int, list[str]]:
    """version -> who approved it, in the order they did."""
    rows = conn.execute(
        sa.select(approvals.c.version, approvals.c.person)
        .where(approvals.c.conversation_id == conversation_id)
        .order_by(approvals.c.approved_at, approvals.c.person)
    ).all()
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row.version, []).append(row.person)
    return found


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
