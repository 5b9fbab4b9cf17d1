"""A deck's versions as people move through them: a request's deck is version 1 of a new
conversation, a change becomes a new version (its render queued, or its script shown while the
script waits for review), undo and redo move the current version one step, and going back to an
old version is a new version with its content (history is never rewritten). The history, one
version and a comparison of two are reported as text (:mod:`bot.engine.history`)."""

from __future__ import annotations

from deck import Deck, slides_count

from ..store import ConversationRecord, Store
from .history import compare_text, history_text, version_text
from .records import current_deck, find_conversation, find_version
from .render_requests import RenderRequests
from .replies import ReplySink
from .requests import RENDER_OPTION_KEYS, Incoming
from .review_gate import ReviewGate


class Versions:
    def __init__(self, store: Store, renders: RenderRequests, gate: ReviewGate) -> None:
        self.store = store
        self.renders = renders
        self.gate = gate

    async def first(self, msg: Incoming, deck: Deck) -> tuple[ConversationRecord, int]:
        """A new conversation for the request ``msg``, with ``deck`` as its version 1."""
        render = {k: v for k, v in msg.render.items() if k in RENDER_OPTION_KEYS}
        conversation = await self.store.create_conversation(
            platform=msg.platform,
            owner=msg.user,
            workspace=msg.workspace,
            title=deck.title,
            options=render,
        )
        await self.store.add_message(conversation.id, "user", msg.text or "(outline)")
        version = await self.store.add_version(conversation.id, deck, "planned", author=msg.user)
        await self.store.add_message(
            conversation.id, "assistant", f"planned {slides_count(len(deck.slides))}"
        )
        return conversation, version

    async def new_version(
        self,
        conversation_id: str,
        old: Deck,
        new: Deck,
        summary: str,
        sink: ReplySink,
        *,
        author: str,
    ) -> None:
        if new == old:
            await sink.say(
                "That leaves the deck as it is; nothing to render. "
                "Try saying which slide and what to change."
            )
            return
        version = await self.store.add_version(conversation_id, new, summary, author=author)
        await self.store.add_message(conversation_id, "assistant", summary)
        changed = sum(1 for a, b in zip(old.slides, new.slides, strict=False) if a != b) + abs(
            len(old.slides) - len(new.slides)
        )
        await sink.say(f"Version {version}: {summary}.")
        if await self.gate.script_waits(conversation_id):
            await sink.script_review(conversation_id, new, version)  # text only: still no picture
            return
        if [s.title for s in old.slides] != [s.title for s in new.slides] or changed > 1:
            await sink.planned(new, version)
        await self.renders.submit(conversation_id, version, sink)

    async def step(self, conversation: ConversationRecord, sink: ReplySink, *, back: bool) -> None:
        """Undo (``back``: to the version the current one was made from) or redo (to the newest
        version made from it)."""
        current = conversation.current_version
        if back:
            target = await self.store.undo_target(conversation.id, current)
        else:
            target = await self.store.redo_target(conversation.id, current)
        record = await self.store.move_to_version(conversation.id, target) if target else None
        if record is None:
            await sink.say(
                "There is nothing to undo: this is the first version."
                if back
                else "There is nothing to redo."
            )
            return
        done = "Undone: back to version" if back else "Redone: version"
        await sink.say(f"{done} {record.number} ({record.note}).")
        await self.renders.show_or_render(conversation.id, record.number, record.deck, sink)

    async def restore(
        self, conversation: ConversationRecord, number: int, sink: ReplySink, *, author: str
    ) -> None:
        """Go back to version ``number``: a new version with its content."""
        record = await find_version(self.store, conversation.id, number)
        deck, current = await current_deck(self.store, conversation.id)
        if number == current:
            await sink.say(f"Version {number} is the current version already.")
            return
        await self.new_version(
            conversation.id,
            deck,
            record.deck,
            f"back to version {number} ({record.note})",
            sink,
            author=author,
        )

    async def history(self, conversation_id: str, sink: ReplySink) -> None:
        conversation = await find_conversation(self.store, conversation_id)
        versions = await self.store.versions(conversation_id)
        await sink.report(history_text(conversation.title, versions, conversation.current_version))

    async def show(self, conversation_id: str, number: int, sink: ReplySink) -> None:
        conversation = await find_conversation(self.store, conversation_id)
        record = await find_version(self.store, conversation_id, number)
        await sink.report(version_text(record, conversation.current_version))

    async def compare(self, conversation_id: str, a: int, b: int, sink: ReplySink) -> None:
        old = await find_version(self.store, conversation_id, a)
        new = await find_version(self.store, conversation_id, b)
        await sink.report(compare_text(old, new))
