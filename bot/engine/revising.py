"""A deck changed by what people ask: an instruction (or a comment on one slide) goes to the
reviser, an outline is planned again, and edits chosen by a button are applied as they are;
each change becomes a new version (:class:`~bot.engine.versions.Versions`)."""

from __future__ import annotations

from agent import Planner, Reviser
from deck import DeckEdit, apply, describe_edits, slides_count

from ..errors import UserInputError
from ..store import ConversationRecord, Store
from .intents import Command
from .records import current_deck
from .replies import ReplySink
from .requests import Incoming
from .sinks import SinkRegistry
from .versions import Versions


class Revisions:
    def __init__(
        self,
        store: Store,
        planner: Planner,
        reviser: Reviser,
        sinks: SinkRegistry,
        versions: Versions,
    ) -> None:
        self.store = store
        self.planner = planner
        self.reviser = reviser
        self.sinks = sinks
        self.versions = versions

    async def revise(
        self,
        conversation: ConversationRecord,
        msg: Incoming,
        sink: ReplySink,
        *,
        slide: int | None = None,
        comment: Command | None = None,
    ) -> None:
        """``msg`` revises the deck (``comment``: on ``slide`` only), or replaces it with the
        outline it carries."""
        deck, _version = await current_deck(self.store, conversation.id)
        instruction = msg.text
        if comment is not None and slide is not None:  # "slide 3: the chart needs units"
            if not 1 <= slide <= len(deck.slides):
                raise UserInputError(
                    f"there is no slide {slide}; this deck has {len(deck.slides)} slides"
                )
            instruction = f"Change slide {slide} only: {comment.comment}"
        if msg.outline is not None:
            new_deck = await self.planner.plan(
                msg.text,
                outline=msg.outline,
                options=msg.options,
                on_status=self.sinks.status_lines(sink),
            )
            summary = f"replaced the deck with the outline ({slides_count(len(new_deck.slides))})"
        else:
            history = await self.store.recent_messages(conversation.id)
            revision = await self.reviser.revise(
                deck, instruction, history=history[:-1], on_status=self.sinks.status_lines(sink)
            )
            new_deck = apply(deck, revision.edits)
            summary = revision.summary or describe_edits(revision.edits)
            if slide is not None:
                summary = f"slide {slide} comment: {summary}"
        await self.versions.new_version(
            conversation.id, deck, new_deck, summary, sink, author=msg.user
        )

    async def edit(
        self,
        conversation_id: str,
        edits: list[DeckEdit],
        sink: ReplySink,
        *,
        author: str,
        summary: str | None = None,
    ) -> None:
        """Apply edits chosen by a button or command (no model involved)."""
        deck, _version = await current_deck(self.store, conversation_id)
        await self.versions.new_version(
            conversation_id,
            deck,
            apply(deck, edits),
            summary or describe_edits(edits),
            sink,
            author=author,
        )
