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
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .conversation_queries import ConversationQueries
from .job_queries import JobQueries
from .review_queries import ReviewQueries
from .schema import MIGRATIONS, links, messages, schema_version, seen_events


class Store(ConversationQueries, ReviewQueries, JobQueries):
    """All persistent state. ``await Store.open(url)`` creates/migrates the schema."""

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
        return await self._insert_once(
            seen_events, platform=platform, event_id=event_id, seen_at=time.time()
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
