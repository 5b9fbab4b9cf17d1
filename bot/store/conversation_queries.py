"""Conversations and their deck versions: creating them, the version history (undo, redo)
and a conversation's render options."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from deck import Deck

from .records import ConversationRecord, VersionRecord, new_id
from .review_queries import approvals_of
from .schema import conversations, read_version, row_to_conversation, row_to_version, versions
from .transactions import Transactions


class ConversationQueries(Transactions):
    """Conversations, their versions (each with who approved it) and their options."""

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
            approved = approvals_of(conn, conversation_id).get(number, ())
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
            approved = approvals_of(conn, conversation_id)
            return [
                replace(record, approved_by=tuple(approved.get(record.number, ())))
                for record in (row_to_version(dict(r)) for r in rows)
            ]

        return await self._run(read)

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
