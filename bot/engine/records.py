"""The engine's reads of a conversation and its versions from the store: a missing one is
:class:`~bot.errors.UserInputError` with one sentence for the person who asked."""

from __future__ import annotations

from deck import Deck

from ..errors import UserInputError
from ..store import ConversationRecord, Store, VersionRecord


async def find_conversation(store: Store, conversation_id: str) -> ConversationRecord:
    conversation = await store.conversation(conversation_id)
    if conversation is None:
        raise UserInputError("that conversation no longer exists; start a new one")
    return conversation


async def find_version(store: Store, conversation_id: str, number: int) -> VersionRecord:
    record = await store.version(conversation_id, number)
    if record is None:
        versions = await store.versions(conversation_id)
        newest = versions[-1].number if versions else 0
        raise UserInputError(f"there is no version {number}; this deck has versions 1 to {newest}")
    return record


async def current_deck(store: Store, conversation_id: str) -> tuple[Deck, int]:
    """The current version's deck and number."""
    conversation = await find_conversation(store, conversation_id)
    record = await store.version(conversation_id, conversation.current_version)
    if record is None:
        raise UserInputError("this conversation has no deck yet; send a request first")
    return record.deck, record.number
