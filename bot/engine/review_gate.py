"""The review gate: who may change a deck (its owner, the reviewers they chose, everyone when
they opened it, admins), whose approval a version has, and whether a new deck's script waits
for review before any picture is made.

A conversation's review stage is kept in the store: "" (no review), "script" (the script waits:
nothing is rendered until someone presses Render) and "on" (reviewed: every change renders, and
the video offers Approve).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import NotAllowed, UserInputError
from ..store import ConversationRecord, Store
from .actions import ACTIONS, Action, Who, may_act
from .intents import READ_ONLY, Intent
from .records import find_conversation, find_version
from .replies import ReplySink
from .requests import Incoming
from .review import Access


class ReviewGate:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- who may ----------------------------------------------------------------------------

    async def access(self, conversation_id: str) -> Access | None:
        """Who may do what with the conversation's deck (None when it no longer exists)."""
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            return None
        return Access(
            conversation.owner,
            tuple(await self.store.reviewers(conversation_id)),
            conversation.open_review,
        )

    async def may(self, action: Action, conversation_id: str, user: str, *, admin: bool) -> bool:
        """Whether ``user`` may press ``action``."""
        access = await self.access(conversation_id)
        return access is not None and access.may(ACTIONS[action].who, user, admin=admin)

    async def may_revise(self, conversation_id: str, user: str, *, admin: bool) -> bool:
        """Whether ``user``'s messages in the conversation's thread are for deckcast."""
        access = await self.access(conversation_id)
        return access is not None and access.may(Who.REVIEWER, user, admin=admin)

    async def check_action(self, action: Action, conversation_id: str, msg: Incoming) -> None:
        """Raises :class:`NotAllowed` when ``msg``'s sender may not press ``action`` (and
        ``UserInputError`` when the video is gone)."""
        access = await self.access(conversation_id)
        if access is None:
            raise UserInputError("that video is gone; start a new one")
        reviewer = access.may(Who.REVIEWER, msg.user, admin=msg.admin)
        if not may_act(
            action, user=msg.user, owner=access.owner, admin=msg.admin, reviewer=reviewer
        ):
            raise NotAllowed(access.refusal(ACTIONS[action].who))

    async def for_change(self, conversation_id: str, msg: Incoming) -> ConversationRecord:
        """The conversation, for a change by ``msg``'s sender: its owner, a reviewer, anyone
        when it is open to everyone, an admin; :class:`NotAllowed` for anyone else."""
        return await self._checked(conversation_id, msg, Who.REVIEWER)

    async def for_owner(self, conversation_id: str, msg: Incoming) -> ConversationRecord:
        """The conversation, for its owner (or an admin) alone: sharing it."""
        return await self._checked(conversation_id, msg, Who.OWNER)

    async def for_intent(
        self, conversation_id: str, msg: Incoming, intent: Intent
    ) -> ConversationRecord:
        """The conversation, for what a message asks: anyone may read, only the owner may
        share, a change is for those :meth:`for_change` lets through."""
        if intent in READ_ONLY:
            return await find_conversation(self.store, conversation_id)
        if intent is Intent.SHARE:
            return await self.for_owner(conversation_id, msg)
        return await self.for_change(conversation_id, msg)

    async def _checked(self, conversation_id: str, msg: Incoming, who: Who) -> ConversationRecord:
        conversation = await find_conversation(self.store, conversation_id)
        if conversation.owner == msg.user or msg.admin:
            return conversation
        access = await self.access(conversation_id)
        if access is None or not access.may(who, msg.user, admin=msg.admin):
            raise NotAllowed(
                access.refusal(who) if access else "that conversation no longer exists"
            )
        return conversation

    # -- the script first -------------------------------------------------------------------

    async def hold_script(self, conversation_id: str) -> None:
        """The new deck's script waits for review: no picture is made until Render."""
        await self.store.set_review(conversation_id, review="script")

    async def script_waits(self, conversation_id: str) -> bool:
        conversation = await self.store.conversation(conversation_id)
        return conversation is not None and conversation.script_first

    async def reviewed(self, conversation: ConversationRecord) -> None:
        """Render was pressed: a script that waited is reviewed, and from now on every change
        renders."""
        if conversation.script_first:
            await self.store.set_review(conversation.id, review="on")

    # -- approvals and reviewers -------------------------------------------------------------

    async def approve(
        self, conversation: ConversationRecord, number: int | None, msg: Incoming, sink: ReplySink
    ) -> None:
        """``msg``'s sender approves version ``number`` (else the current one); a repeated
        approval by the same person (a duplicate delivery) counts once and says nothing."""
        record = await find_version(
            self.store, conversation.id, number or conversation.current_version
        )
        if not await self.store.approve(conversation.id, record.number, msg.user):
            return
        if not conversation.review:
            await self.store.set_review(conversation.id, review="on")
        await self.store.add_message(
            conversation.id, "assistant", f"version {record.number} approved by {msg.user}"
        )
        approved = await find_version(self.store, conversation.id, record.number)
        await sink.approved(record.number, approved.approved_by)

    async def share(
        self,
        conversation: ConversationRecord,
        people: Sequence[str],
        everyone: bool,
        msg: Incoming,
        sink: ReplySink,
    ) -> None:
        """Let ``people`` (or everyone in the channel) revise and approve the deck."""
        if not people and not everyone:
            raise UserInputError('say who may review, e.g. "share with @someone"')
        added = [
            person
            for person in people
            if person != conversation.owner
            and await self.store.add_reviewer(conversation.id, person, added_by=msg.user)
        ]
        await self.store.set_review(
            conversation.id,
            review=conversation.review or "on",
            open_review=True if everyone else None,
        )
        if everyone:
            text = "Everyone here may now revise and approve this video."
        elif added:
            names = ", ".join(f"<@{person}>" for person in added)
            text = f"{names} may now revise and approve this video."
        else:
            text = "They could already revise this video."
        await self.store.add_message(conversation.id, "assistant", text)
        await sink.say(text)
