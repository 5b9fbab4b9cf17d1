"""Which chat thread holds which conversation, and which platform events were already handled.

Kept in the store, so both survive a restart. Adapters reach them through the engine
(:meth:`~bot.engine.ConversationEngine.link_thread` and friends); what a link's ``data`` holds
(channel, owner, upload limit...) is the adapter's business.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..store import Store


class LinkKeeper(Protocol):
    """What adapters use to find their threads again (the engine, or :class:`ChatLinks`)."""

    async def link_thread(
        self, platform: str, key: str, conversation_id: str, data: dict[str, Any] | None = None
    ) -> None: ...

    async def conversation_for(
        self, platform: str, key: str
    ) -> tuple[str, dict[str, Any]] | None: ...

    async def links_of(
        self, conversation_id: str, platform: str
    ) -> list[tuple[str, dict[str, Any]]]: ...

    async def first_delivery(self, platform: str, event_id: str) -> bool: ...


class ChatLinks:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def link_thread(
        self, platform: str, key: str, conversation_id: str, data: dict[str, Any] | None = None
    ) -> None:
        """Remember that ``key`` (a thread, a channel...) on ``platform`` holds the
        conversation; a later link with the same key replaces it."""
        await self.store.link(platform, key, conversation_id, data)

    async def conversation_for(self, platform: str, key: str) -> tuple[str, dict[str, Any]] | None:
        """The conversation ``key`` holds, with the link's data (None for unknown keys)."""
        return await self.store.linked(platform, key)

    async def links_of(
        self, conversation_id: str, platform: str
    ) -> list[tuple[str, dict[str, Any]]]:
        """Every (key, data) of ``platform`` that points at the conversation."""
        return [
            (key, data)
            for found_platform, key, data in await self.store.links_of(conversation_id)
            if found_platform == platform
        ]

    async def first_delivery(self, platform: str, event_id: str) -> bool:
        """True the first time any process sees this event; False for a repeated delivery."""
        return await self.store.first_sighting(platform, event_id)
