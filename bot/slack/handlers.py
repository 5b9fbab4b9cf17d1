"""The Slack listeners: ``/deck``, mentions, replies in a deck's thread, and (from
:class:`~bot.slack.card_actions.CardActions`) the result card's buttons and reactions. Each
turns a Slack payload into an engine call with a :class:`SlackSink` for the thread, and nothing
else.

Rules that keep the bot safe to leave in a busy channel:

- a delivery Slack repeats (same ``event_id``, marked with ``X-Slack-Retry-Num``) is handled
  once: the store remembers every event id it has acted on (it survives restarts);
- the bot's own messages and other bots' messages are ignored (no loops);
- in a deck's thread only the person who asked, the reviewers they chose ("share with @…", or
  everyone once they say "share with everyone") and configured admins change the deck;
  everyone else's messages there are ignored, except what is plainly meant for deckcast (a
  mention, a comment on a slide, a share or an approval), which is refused privately, naming
  who may;
- a ✅ reaction on a version's card (or its Approve button) approves that version, once per
  person whatever Slack re-sends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest

from ..engine import READ_ONLY, Incoming, Intent, read_command
from ..errors import NotAllowed
from . import blocks, threads
from .card_actions import CardActions
from .errors import OutlineFileError, SlackCallFailed
from .messages import (
    audio_file,
    mentions,
    outline_file,
    read_message,
    read_request,
    read_settings,
)
from .threads import PLATFORM, SlackThread

log = logging.getLogger(__name__)

# What a stranger writes in a deck's thread that is plainly meant for deckcast
ADDRESSED = frozenset({Intent.COMMENT, Intent.SHARE, Intent.APPROVE})

_HELP = ("", "help", "?")
USAGE = (
    "Tell me what the video should explain: `/deck how photosynthesis works, 5 slides`, or "
    "mention me with the request. A Markdown outline works too (paste it in a code block, or "
    "share an .md file with the mention). Then reply in the thread to change the video: "
    "“simpler”, “add a slide about …”, “undo”, “show me the script”. Admins: "
    "`/deck settings review:script` posts every new deck's script for review first "
    "(`review:off` to stop)."
)


@dataclass(frozen=True)
class Delivery:
    """One message event as Bolt hands it over: the event, its envelope (``event_id``,
    ``team_id``), the app's context (the bot's own user id) and the request (retry headers)."""

    event: dict[str, Any]
    body: dict[str, Any]
    context: AsyncBoltContext
    request: AsyncBoltRequest


class SlackHandlers(CardActions):
    """The listeners of the Slack app, over one conversation engine."""

    def register(self, app: AsyncApp) -> None:
        app.command(self.command)(self.on_command)
        app.event("app_mention")(self.on_event)
        app.event("message")(self.on_event)
        app.event("reaction_added")(self.on_reaction)
        for action_id in blocks.ACTION_IDS:
            app.action(action_id)(self.on_button)
        app.view(blocks.REVISE_VIEW)(self.on_revise_form)
        self.engine.register_platform(PLATFORM, self.restore)

    # -- /deck ----------------------------------------------------------------------------

    async def on_command(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond
    ) -> None:
        review_rule = read_settings(command.get("text", ""))
        if review_rule is not None:
            await self._settings(ack, command, respond, review_rule)
            return
        request = read_request(command.get("text", ""))
        if request.outline is None and request.text.lower() in _HELP:
            await ack(text=USAGE)
            return
        user, channel = command.get("user_id"), command.get("channel_id")
        if not user or not channel:
            await ack()
            log.warning("a /deck request without a user or channel was ignored")
            return
        trigger = command.get("trigger_id")  # a signed request replayed verbatim: one job
        if trigger and not await self.engine.links.first_delivery(PLATFORM, f"command:{trigger}"):
            await ack()
            log.info("ignoring a repeated /deck request (trigger %s)", trigger)
            return
        refusal = await self._refusal(user, command.get("team_id", ""), request)
        if refusal is not None:  # answered to the person alone, nothing echoed in the channel
            await ack(text=f":warning: {blocks.escape(refusal)}")
            return
        await ack()
        try:
            status_ts = await self.web.post(channel, blocks.started_text(user, request.text))
        except SlackCallFailed as exc:
            log.warning("/deck in %s: %s", channel, exc.problem.fix)
            await respond(text=exc.problem.chat, response_type="ephemeral")
            return
        thread = SlackThread(channel, status_ts, user, command.get("team_id", ""), status_ts)
        await self._start(thread, request)

    async def _settings(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, script_first: bool
    ) -> None:
        """``/deck settings review:script|off``: a configured admin sets the workspace's rule
        (the channel is told); anyone else is told privately who may."""
        user = str(command.get("user_id") or "")
        msg = Incoming(PLATFORM, user, "", command.get("team_id", ""), admin=user in self.admins)
        try:
            said = await self.engine.set_review_mode(msg, script_first)
        except NotAllowed:
            await ack(
                text=":warning: Only a deckcast admin can choose how this workspace's decks start."
            )
            return
        await ack()
        await respond(text=f":gear: {said}", response_type="in_channel")

    # -- mentions and thread replies --------------------------------------------------------

    async def on_event(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        request: AsyncBoltRequest,
    ) -> None:
        """A message, or a mention of the bot (``app_mention``); a bot's are ignored."""
        if self._from_a_bot(event, context):
            return
        delivery = Delivery(event, body, context, request)
        if event.get("type") == "app_mention":
            await self._mentioned(delivery)
        else:
            await self._wrote(delivery)

    async def _mentioned(self, delivery: Delivery) -> None:
        event = delivery.event
        thread_ts = event.get("thread_ts")
        if thread_ts and (
            found := await threads.find(self.engine.links, event["channel"], thread_ts)
        ):
            # A mention inside a deck's thread is a reply to that deck.
            await self._reply(found, delivery)
            return
        await self._start_from(delivery, root=thread_ts or event["ts"])

    async def _wrote(self, delivery: Delivery) -> None:
        event = delivery.event
        if mentions(event.get("text", ""), delivery.context.bot_user_id):
            return  # app_mention delivers it too, and handles it
        thread_ts = event.get("thread_ts")
        channel = event.get("channel", "")
        if thread_ts and thread_ts != event.get("ts"):
            found = await threads.find(self.engine.links, channel, thread_ts)
            if found is not None:
                await self._reply(found, delivery)
            return
        if event.get("channel_type") == "im":  # a direct message to the bot starts a deck
            await self._start_from(delivery, root=event["ts"])

    async def _start_from(self, delivery: Delivery, *, root: str) -> None:
        """A mention or a direct message that asks for a new deck, answered in ``root``'s
        thread."""
        event, body = delivery.event, delivery.body
        if not await self._first_delivery(body, delivery.request):
            return
        channel, user = event["channel"], event["user"]
        text = read_request(event.get("text", ""), bot_user=delivery.context.bot_user_id)
        if text.outline is None and not event.get("files") and text.text.lower() in _HELP:
            await self._post_quietly(channel, USAGE, thread_ts=root)
            return
        refusal = await self._checked(user, _team(body, event), text, event)
        if isinstance(refusal, str):  # told privately; nothing of it is posted in the channel
            await self._ephemeral(channel, user, refusal, thread_ts=root)
            return
        text = refusal
        try:
            status_ts = await self.web.post(
                channel, blocks.started_text(user, text.text), thread_ts=root
            )
        except SlackCallFailed as exc:
            log.error("cannot answer %s in %s: %s", user, channel, exc.problem.fix)
            return
        thread = SlackThread(channel, root, user, _team(body, event), status_ts)
        await self._start(thread, text, self.sink(thread, reply=False))

    async def _reply(self, found: tuple[str, SlackThread], delivery: Delivery) -> None:
        conversation_id, thread = found
        event, body, request = delivery.event, delivery.body, delivery.request
        user = event.get("user", "")
        admin = user in self.admins
        text = read_message(event.get("text", ""), bot_user=delivery.context.bot_user_id)
        mentioned = event.get("type") == "app_mention"
        intent = read_command(text.text).intent if text.outline is None else Intent.REVISE
        asks = mentioned and intent in READ_ONLY  # anyone may ask what changes nothing
        if (
            user != thread.owner
            and not asks
            and not await self.engine.may_revise(conversation_id, user, admin=admin)
        ):
            if (mentioned or intent in ADDRESSED) and await self._first_delivery(body, request):
                await self._not_yours(thread, user, thread.owner, conversation_id)
            return  # anyone else's messages in the thread are not for deckcast
        if not await self._first_delivery(body, request):
            return
        sink = self.sink(thread, conversation_id)
        sound = audio_file(event.get("files"))  # music for the deck
        if (
            not text.text
            and text.outline is None
            and not outline_file(event.get("files"))
            and sound is None
        ):
            return
        checked = await self._checked(
            user, thread.team, text, event, conversation_id, music=sound is not None
        )
        if isinstance(checked, str):
            await self._ephemeral(thread.channel, user, checked, thread_ts=thread.thread_ts)
            return
        text = checked
        try:
            audio = await self.files.fetch_audio(sound) if sound is not None else None
        except OutlineFileError as exc:
            await self._ephemeral(
                thread.channel,
                user,
                f":warning: {blocks.escape(str(exc))}",
                thread_ts=thread.thread_ts,
            )
            return
        incoming = Incoming(
            PLATFORM, user, text.text, thread.team, outline=text.outline, audio=audio, admin=admin
        )
        await self.engine.handle(conversation_id, incoming, sink)


def _team(body: dict[str, Any], event: dict[str, Any]) -> str:
    return str(body.get("team_id") or event.get("team") or "")
