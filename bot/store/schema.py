"""The database schema: tables, and the numbered migrations that create and upgrade them.

The same on SQLite and PostgreSQL. A released migration is never edited; a change to the
schema is a new migration at the end of :data:`MIGRATIONS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from deck import Deck

from .records import ConversationRecord, JobRecord, JobState, VersionRecord

metadata = sa.MetaData()


def _conversation_id(*, primary_key: bool) -> sa.Column[str]:
    """The column that ties a row to its conversation (deleted with it): never empty, and part
    of the row's key where ``primary_key``."""
    return sa.Column(
        "conversation_id",
        sa.String(32),
        sa.ForeignKey("conversations.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("owner", sa.String(128), nullable=False),
    sa.Column("workspace", sa.String(128), nullable=False, server_default=""),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("current_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("options", sa.Text, nullable=False, server_default="{}"),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    # migration 3: review in the thread. ``review``: "" (off), "script" (the script waits for
    # Render: no picture is made before), "on" (reviewed: approvals are offered);
    # ``open_review``: everyone in the channel may revise, not only the chosen reviewers
    sa.Column("review", sa.String(16), nullable=False, server_default=""),
    sa.Column("open_review", sa.Integer, nullable=False, server_default="0"),
)
versions = sa.Table(
    "versions",
    metadata,
    _conversation_id(primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("deck", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    # migration 2: the version it was made from (undo goes there; numbers are never reused)
    # and who made it
    sa.Column("parent", sa.Integer, nullable=True),
    sa.Column("author", sa.String(128), nullable=False, server_default=""),
)
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _conversation_id(primary_key=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("messages_by_conversation", "conversation_id", "id"),
)
jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    _conversation_id(primary_key=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("owner", sa.String(128), nullable=False),
    sa.Column("workspace", sa.String(128), nullable=False, server_default=""),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("options", sa.Text, nullable=False, server_default="{}"),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float, nullable=True),
    sa.Column("finished_at", sa.Float, nullable=True),
    sa.Index("jobs_by_state", "state", "created_at"),
    sa.Index("jobs_by_conversation", "conversation_id", "created_at"),
)
links = sa.Table(
    "links",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(256), primary_key=True),
    _conversation_id(primary_key=False),
    sa.Column("data", sa.Text, nullable=False, server_default="{}"),
)
seen_events = sa.Table(
    "seen_events",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("event_id", sa.String(256), primary_key=True),
    sa.Column("seen_at", sa.Float, nullable=False),
)
# migration 3: who the owner let revise, and who approved which version (once per person)
reviewers = sa.Table(
    "reviewers",
    metadata,
    _conversation_id(primary_key=True),
    sa.Column("person", sa.String(128), primary_key=True),
    sa.Column("added_by", sa.String(128), nullable=False, server_default=""),
    sa.Column("added_at", sa.Float, nullable=False),
)
approvals = sa.Table(
    "approvals",
    metadata,
    _conversation_id(primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("person", sa.String(128), primary_key=True),
    sa.Column("approved_at", sa.Float, nullable=False),
)
# migration 4: settings an admin chose for a whole guild / workspace
workspace_settings = sa.Table(
    "workspace_settings",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("workspace", sa.String(128), primary_key=True),
    # "script": every new deck's script waits for review before any picture; "off": it does
    # not; no row: the bot's own default (DECKCAST_REVIEW)
    sa.Column("review", sa.String(16), nullable=False, server_default=""),
    sa.Column("set_by", sa.String(128), nullable=False, server_default=""),
    sa.Column("set_at", sa.Float, nullable=False),
)
schema_version = sa.Table(
    "schema_version", metadata, sa.Column("version", sa.Integer, nullable=False)
)


def _migration_1(conn: Connection) -> None:
    for table in (conversations, versions, messages, jobs, links, seen_events):
        table.create(conn, checkfirst=True)


def _migration_2(conn: Connection) -> None:
    """Versions remember the version they were made from and who made them: an undo followed
    by a new change gets a new number instead of overwriting the undone version."""
    present = {column["name"] for column in sa.inspect(conn).get_columns("versions")}
    if "parent" not in present:
        conn.execute(sa.text("ALTER TABLE versions ADD COLUMN parent INTEGER"))
        conn.execute(sa.text("UPDATE versions SET parent = number - 1 WHERE number > 1"))
    if "author" not in present:
        conn.execute(
            sa.text("ALTER TABLE versions ADD COLUMN author VARCHAR(128) NOT NULL DEFAULT ''")
        )


def _migration_3(conn: Connection) -> None:
    """Review in the thread: a conversation's review stage and whether it is open to everyone,
    its reviewers, and the approvals of its versions."""
    present = {column["name"] for column in sa.inspect(conn).get_columns("conversations")}
    if "review" not in present:
        conn.execute(
            sa.text("ALTER TABLE conversations ADD COLUMN review VARCHAR(16) NOT NULL DEFAULT ''")
        )
    if "open_review" not in present:
        conn.execute(
            sa.text("ALTER TABLE conversations ADD COLUMN open_review INTEGER NOT NULL DEFAULT 0")
        )
    for table in (reviewers, approvals):
        table.create(conn, checkfirst=True)


def _migration_4(conn: Connection) -> None:
    """Settings an admin chose for a whole guild or workspace (the review mode)."""
    workspace_settings.create(conn, checkfirst=True)


# Numbered, append-only: a released migration is never edited, a new one is added.
MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _migration_1),
    (2, _migration_2),
    (3, _migration_3),
    (4, _migration_4),
]


def row_to_conversation(row: dict[str, Any]) -> ConversationRecord:
    return ConversationRecord(
        id=row["id"],
        platform=row["platform"],
        owner=row["owner"],
        workspace=row["workspace"],
        title=row["title"],
        current_version=row["current_version"],
        options=json.loads(row["options"] or "{}"),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        review=row.get("review") or "",
        open_review=bool(row.get("open_review") or 0),
    )


def read_version(conn: Connection, conversation_id: str, number: int) -> VersionRecord | None:
    query = sa.select(versions).where(
        versions.c.conversation_id == conversation_id, versions.c.number == number
    )
    row = conn.execute(query).mappings().first()
    return row_to_version(dict(row)) if row else None


def row_to_version(row: dict[str, Any]) -> VersionRecord:
    return VersionRecord(
        row["number"],
        Deck.model_validate_json(row["deck"]),
        row["note"],
        row["created_at"],
        parent=row.get("parent"),
        author=row.get("author") or "",
    )


def row_to_job(row: dict[str, Any]) -> JobRecord:
    return JobRecord(
        id=row["id"],
        conversation_id=row["conversation_id"],
        version=row["version"],
        owner=row["owner"],
        workspace=row["workspace"],
        state=JobState(row["state"]),
        options=json.loads(row["options"] or "{}"),
        result=json.loads(row["result"]) if row["result"] else None,
        error=row["error"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )
