"""The result card's buttons, the revision form they open, and ✅ reactions: each an engine
action on the card's conversation, refused privately to whoever may not."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.request.async_request import AsyncBoltRequest

from ..engine import ACTIONS, Action, Incoming
from ..errors import BotError, NotAllowed
from . import blocks, threads
from .errors import SlackCallFailed
from .listener_steps import ListenerSteps
from .threads import PLATFORM, SlackThread

log = logging.getLogger(__name__)

# Reactions that approve the version whose card (or script) they are on
APPROVING = frozenset({"white_check_mark", "heavy_check_mark", "ballot_box_with_check"})


class CardActions(ListenerSteps):
    """Buttons, the revision form and reactions."""

    async def on_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        conversation_id, argument = blocks.parse_button_value(action.get("value", ""))
        chosen = blocks.action_of(action.get("action_id", ""), argument)
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id", "")
        thread = await threads.thread_of(self.engine.links, conversation_id)
        if chosen is None or thread is None:
            await self._ephemeral(channel, user, "That video is gone; start a new one with /deck.")
            return
        version = int(argument) if chosen is Action.APPROVE and argument.isdigit() else None
        incoming = Incoming(
            PLATFORM, user, "", thread.team, admin=user in self.admins, version=version
        )
        if ACTIONS[chosen].form:  # Revise, Change: the form asks what should change
            await self._open_revise_form(body, thread, conversation_id, incoming)
            return
        await self._act(chosen, conversation_id, incoming, thread)

    async def on_reaction(
        self, event: dict[str, Any], body: dict[str, Any], request: AsyncBoltRequest
    ) -> None:
        """A ✅ on a version's card (or its script) approves that version."""
        item = event.get("item") or {}
        if event.get("reaction") not in APPROVING or item.get("type") != "message":
            return
        key = f"message:{item.get('channel', '')}:{item.get('ts', '')}"
        found = await self.engine.links.conversation_for(PLATFORM, key)
        user = str(event.get("user") or "")
        if found is None or not user:
            return
        conversation_id, data = found
        admin = user in self.admins
        if not await self.engine.may(Action.APPROVE, conversation_id, user, admin=admin):
            return  # people react for many reasons; only reviewers' ticks approve
        if not await self._first_delivery(body, request):
            return
        thread = await threads.thread_of(self.engine.links, conversation_id)
        if thread is None:
            return
        incoming = Incoming(
            PLATFORM, user, "", thread.team, admin=admin, version=int(data["version"])
        )
        await self._act(Action.APPROVE, conversation_id, incoming, thread)

    async def on_revise_form(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """The revision form was sent: its text is a revision, as if replied in the thread."""
        text = blocks.instruction_of(view)
        if not text:
            await ack(
                response_action="errors",
                errors={blocks.INSTRUCTION_BLOCK: "Say what should change."},
            )
            return
        await ack()
        conversation_id = str(view.get("private_metadata", ""))
        user = body["user"]["id"]
        thread = await threads.thread_of(self.engine.links, conversation_id)
        if thread is None:
            return
        incoming = Incoming(PLATFORM, user, text, thread.team, admin=user in self.admins)
        await self._act(Action.REVISE, conversation_id, incoming, thread)

    async def _open_revise_form(
        self, body: dict[str, Any], thread: SlackThread, conversation_id: str, incoming: Incoming
    ) -> None:
        if not await self.engine.may(
            Action.REVISE, conversation_id, incoming.user, admin=incoming.admin
        ):
            await self._not_yours(thread, incoming.user, thread.owner, conversation_id)
            return
        try:
            await self.web.open_view(
                str(body.get("trigger_id", "")), blocks.revise_view(conversation_id)
            )
        except SlackCallFailed as exc:
            log.warning("cannot open the revision form: %s", exc.problem.fix)
            await self._ephemeral(
                thread.channel,
                incoming.user,
                "I could not open the form; reply in this thread with the change instead.",
                thread_ts=thread.thread_ts,
            )

    async def _act(
        self, action: Action, conversation_id: str, incoming: Incoming, thread: SlackThread
    ) -> None:
        sink = self.sink(thread, conversation_id)
        try:
            await self.engine.act(action, conversation_id, incoming, sink)
        except NotAllowed:
            await self._not_yours(thread, incoming.user, thread.owner, conversation_id)
        except BotError as exc:
            await sink.failed(str(exc))
