"""Review: a conversation's review stage, the reviewers its owner chose, who approved which
version, and the review mode an admin chose for a whole workspace."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import approvals, conversations, reviewers, workspace_settings
from .transactions import Transactions


class ReviewQueries(Transactions):
    """The review stage, reviewers, approvals and workspace settings."""

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


def approvals_of(conn: Connection, conversation_id: str) -> dict[int, list[str]]:
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
