"""The store's plumbing: one transaction in a worker thread per call, retried when the
connection dropped or SQLite was busy, and the insert that counts a row once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

T = TypeVar("T")


class Transactions:
    """Runs the store's blocking database calls, one transaction each, off the event loop."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

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
