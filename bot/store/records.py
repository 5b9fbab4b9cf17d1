"""What the store hands out: conversations, deck versions and render jobs, as plain records."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from deck import Deck


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED, JobState.SUPERSEDED)


@dataclass(frozen=True)
class ConversationRecord:
    id: str
    platform: str
    owner: str
    workspace: str
    title: str
    current_version: int
    options: dict[str, Any]
    created_at: float
    updated_at: float
    review: str = ""  # "" (off), "script" (waiting for Render before any picture), "on"
    open_review: bool = False  # everyone may revise, not only the chosen reviewers

    @property
    def script_first(self) -> bool:
        """The script waits for review: nothing is rendered until someone says Render."""
        return self.review == "script"


@dataclass(frozen=True)
class VersionRecord:
    number: int
    deck: Deck
    note: str
    created_at: float
    parent: int | None = None  # the version this one was made from
    author: str = ""  # who made it (a platform user id; "" for the planner's first version)
    approved_by: tuple[str, ...] = ()  # who approved it, in order (filled by Store.versions)


@dataclass(frozen=True)
class JobRecord:
    id: str
    conversation_id: str
    version: int
    owner: str
    workspace: str
    state: JobState
    options: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0
    created_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None


def new_id() -> str:
    """A short, unguessable id (also what people type: ``deckcast chat --resume ID``)."""
    return secrets.token_hex(6)
