"""Which Discord thread holds which conversation (kept in the store: it survives restarts).

Two kinds of link per conversation, both kept by the engine
(:meth:`bot.engine.ConversationEngine.link_thread`):

- ``origin:<conversation>``: the channel the request came from, the requester and the upload
  limit the interaction reported (a render resumed after a restart posts there);
- ``thread:<thread id>``: the thread opened on the first video; every message in it from the
  requester revises that conversation, also after a restart;
- ``status:<job id>``: the message showing that render's progress, so a render resumed after
  a restart finishes the same message instead of leaving it at "74%";
- ``guild-limit:<guild id>``: the upload limit a guild turned out to have (lower than what its
  interactions report);
- ``message:<message id>`` and ``version:<conversation>:<version>``: the message that carries a
  version (its video, or its script under review), both ways: a ✅ reaction on it approves that
  version, and the approval is marked on it.

Lookups by thread are cached in memory: a busy thread costs one query, not one per message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import LinkKeeper
from .translate import PLATFORM

CACHE_SIZE = 4096


@dataclass(frozen=True)
class Home:
    """Where a conversation lives on Discord."""

    conversation_id: str
    owner: str
    channel_id: int  # the thread when there is one, else the channel of the request
    thread_id: int | None
    upload_limit: int | None


@dataclass(frozen=True)
class StatusAt:
    """Where a render job's status message is (to finish it after a restart)."""

    channel_id: int
    message_id: int


@dataclass(frozen=True)
class ThreadLink:
    conversation_id: str
    owner: str


class Links:
    def __init__(self, keeper: LinkKeeper) -> None:
        self.keeper = keeper
        self._threads: dict[int, ThreadLink | None] = {}
        self._limits: dict[int, int | None] = {}  # guild -> the upload limit Discord showed

    async def remember_origin(
        self, conversation_id: str, *, owner: str, channel_id: int, upload_limit: int
    ) -> None:
        await self.keeper.link_thread(
            PLATFORM,
            f"origin:{conversation_id}",
            conversation_id,
            {"owner": owner, "channel": channel_id, "limit": upload_limit},
        )

    async def link_thread(
        self, conversation_id: str, *, owner: str, thread_id: int, upload_limit: int | None
    ) -> None:
        data: dict[str, Any] = {"owner": owner, "channel": thread_id, "limit": upload_limit}
        await self.keeper.link_thread(PLATFORM, f"thread:{thread_id}", conversation_id, data)
        self._threads[thread_id] = ThreadLink(conversation_id, owner)

    async def remember_guild_limit(self, guild_id: int, conversation_id: str, limit: int) -> None:
        """Discord refused a file the interaction said it would take (413, code 40005): the
        guild's real limit is lower, and every later upload there is sized for it."""
        self._limits[guild_id] = limit
        data = {"limit": limit}
        await self.keeper.link_thread(PLATFORM, f"guild-limit:{guild_id}", conversation_id, data)

    async def guild_limit(self, guild_id: int | None) -> int | None:
        if guild_id is None:
            return None
        if guild_id not in self._limits:
            found = await self.keeper.conversation_for(PLATFORM, f"guild-limit:{guild_id}")
            self._limits[guild_id] = int(found[1]["limit"]) if found else None
        return self._limits[guild_id]

    async def remember_status(
        self, job_id: str, conversation_id: str, *, channel_id: int, message_id: int
    ) -> None:
        data = {"channel": channel_id, "message": message_id}
        await self.keeper.link_thread(PLATFORM, f"status:{job_id}", conversation_id, data)

    async def status_of(self, job_id: str) -> StatusAt | None:
        found = await self.keeper.conversation_for(PLATFORM, f"status:{job_id}")
        if found is None:
            return None
        return StatusAt(int(found[1]["channel"]), int(found[1]["message"]))

    async def remember_message(
        self, message_id: int, conversation_id: str, *, version: int, channel_id: int
    ) -> None:
        data = {"version": version, "channel": channel_id, "message": message_id}
        await self.keeper.link_thread(PLATFORM, f"message:{message_id}", conversation_id, data)
        key = f"version:{conversation_id}:{version}"
        await self.keeper.link_thread(PLATFORM, key, conversation_id, data)

    async def version_of(self, message_id: int) -> tuple[str, int] | None:
        """(conversation, version) the message carries (None for other messages)."""
        found = await self.keeper.conversation_for(PLATFORM, f"message:{message_id}")
        return (found[0], int(found[1]["version"])) if found else None

    async def message_of(self, conversation_id: str, version: int) -> StatusAt | None:
        """Where the message carrying ``version`` is (its video or script)."""
        found = await self.keeper.conversation_for(PLATFORM, f"version:{conversation_id}:{version}")
        return StatusAt(int(found[1]["channel"]), int(found[1]["message"])) if found else None

    async def in_thread(self, thread_id: int) -> ThreadLink | None:
        """The conversation a thread belongs to (None for threads deckcast did not open)."""
        if thread_id in self._threads:
            return self._threads[thread_id]
        found = await self.keeper.conversation_for(PLATFORM, f"thread:{thread_id}")
        link = ThreadLink(found[0], str(found[1].get("owner", ""))) if found else None
        if len(self._threads) >= CACHE_SIZE:
            self._threads.clear()
        self._threads[thread_id] = link
        return link

    async def home(self, conversation_id: str) -> Home | None:
        origin: dict[str, Any] | None = None
        thread: dict[str, Any] | None = None
        for key, data in await self.keeper.links_of(conversation_id, PLATFORM):
            if key.startswith("thread:"):
                thread = data
            elif key.startswith("origin:"):
                origin = data
        chosen = thread or origin
        if chosen is None:
            return None
        limit = (thread or {}).get("limit") or (origin or {}).get("limit")
        return Home(
            conversation_id,
            str(chosen.get("owner", "")),
            int(chosen["channel"]),
            int(thread["channel"]) if thread else None,
            int(limit) if limit else None,
        )
