"""The Slack listeners: ``/deck``, mentions, replies in a deck's thread, and the result card's
buttons. Each turns a Slack payload into an engine call with a :class:`SlackSink` for the
thread, and nothing else.

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
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest

from deck import DeckError

from ..engine import (
    ACTIONS,
    READ_ONLY,
    Action,
    ConversationEngine,
    Incoming,
    Intent,
    ReplySink,
    read_command,
)
from ..errors import BotError, NotAllowed
from . import blocks, threads
from .errors import OutlineFileError, SlackCallFailed
from .messages import (
    Request,
    audio_file,
    mentions,
    outline_file,
    read_message,
    read_request,
    read_settings,
)
from .outline_files import OutlineFiles
from .sink import SlackSink
from .threads import PLATFORM, SlackThread
from .web import SlackWeb

log = logging.getLogger(__name__)

# Message subtypes that are a person writing; every other subtype (edits, deletions, joins,
# bot messages) is ignored.
PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")
# Reactions that approve the version whose card (or script) they are on
APPROVING = frozenset({"white_check_mark", "heavy_check_mark", "ballot_box_with_check"})
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


class SlackHandlers:
    """The listeners of the Slack app, over one conversation engine."""

    def __init__(
        self,
        engine: ConversationEngine,
        web: SlackWeb,
        files: OutlineFiles,
        *,
        admins: frozenset[str] = frozenset(),
        command: str = "/deck",
        edit_interval: float = 1.5,
    ) -> None:
        self.engine = engine
        self.web = web
        self.files = files
        self.admins = admins
        self.command = command
        self.edit_interval = edit_interval

    def register(self, app: AsyncApp) -> None:
        app.command(self.command)(self.on_command)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.event("reaction_added")(self.on_reaction)
        for action_id in blocks.ACTION_IDS:
            app.action(action_id)(self.on_button)
        app.view(blocks.REVISE_VIEW)(self.on_revise_form)
        self.engine.register_platform(PLATFORM, self.restore)

    # -- sinks ----------------------------------------------------------------------------

    def sink(
        self,
        thread: SlackThread,
        conversation_id: str | None = None,
        *,
        reply: bool = True,
        statuses: dict[int, str] | None = None,
    ) -> SlackSink:
        """The replies to one request, in its thread (``reply=False`` for the request that
        started the thread: its first message shows version 1's progress)."""
        return SlackSink(
            self.web,
            thread,
            edit_interval=self.edit_interval,
            conversation_id=conversation_id,
            reply=reply,
            statuses=statuses,
            keep_status=self._keep_status,
            keep_message=self._keep_message,
            find_message=self._find_message,
        )

    async def _keep_status(self, conversation_id: str, job_id: str, version: int, ts: str) -> None:
        data = {"version": version, "ts": ts}
        await self.engine.links.link_thread(PLATFORM, f"status:{job_id}", conversation_id, data)

    async def _keep_message(
        self, conversation_id: str, version: int, ts: str, text: str, card: list[Any]
    ) -> None:
        thread = await threads.thread_of(self.engine.links, conversation_id)
        if thread is None:
            return
        data = {"version": version, "ts": ts, "text": text, "blocks": card}
        links = self.engine.links
        await links.link_thread(PLATFORM, f"message:{thread.channel}:{ts}", conversation_id, data)
        await links.link_thread(
            PLATFORM, f"version:{conversation_id}:{version}", conversation_id, data
        )

    async def _find_message(
        self, conversation_id: str, version: int
    ) -> tuple[str, str, list[Any]] | None:
        found = await self.engine.links.conversation_for(
            PLATFORM, f"version:{conversation_id}:{version}"
        )
        if found is None:
            return None
        data = found[1]
        return str(data["ts"]), str(data["text"]), list(data.get("blocks") or [])

    async def restore(self, conversation_id: str, _owner: str, job_id: str) -> ReplySink | None:
        """A sink for a conversation after a restart (the engine resumes its render): the
        render's own progress message goes on where it stopped."""
        thread = await threads.thread_of(self.engine.links, conversation_id)
        if thread is None:
            return None
        kept = await self.engine.links.conversation_for(PLATFORM, f"status:{job_id}")
        statuses = {int(kept[1]["version"]): str(kept[1]["ts"])} if kept else None
        return self.sink(thread, conversation_id, reply=False, statuses=statuses)

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

    async def on_mention(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        request: AsyncBoltRequest,
    ) -> None:
        if self._from_a_bot(event, context):
            return
        thread_ts = event.get("thread_ts")
        if thread_ts and (
            found := await threads.find(self.engine.links, event["channel"], thread_ts)
        ):
            # A mention inside a deck's thread is a reply to that deck.
            await self._reply(found, event, body, context, request)
            return
        await self._start_from(event, body, context, request, root=thread_ts or event["ts"])

    async def on_message(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        request: AsyncBoltRequest,
    ) -> None:
        if self._from_a_bot(event, context):
            return
        if mentions(event.get("text", ""), context.bot_user_id):
            return  # app_mention delivers it too, and handles it
        thread_ts = event.get("thread_ts")
        channel = event.get("channel", "")
        if thread_ts and thread_ts != event.get("ts"):
            found = await threads.find(self.engine.links, channel, thread_ts)
            if found is not None:
                await self._reply(found, event, body, context, request)
            return
        if event.get("channel_type") == "im":  # a direct message to the bot starts a deck
            await self._start_from(event, body, context, request, root=event["ts"])

    async def _start_from(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        request: AsyncBoltRequest,
        *,
        root: str,
    ) -> None:
        """A mention or a direct message that asks for a new deck, answered in ``root``'s
        thread."""
        if not await self._first_delivery(body, request):
            return
        channel, user = event["channel"], event["user"]
        text = read_request(event.get("text", ""), bot_user=context.bot_user_id)
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

    async def _reply(
        self,
        found: tuple[str, SlackThread],
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        request: AsyncBoltRequest,
    ) -> None:
        conversation_id, thread = found
        user = event.get("user", "")
        admin = user in self.admins
        text = read_message(event.get("text", ""), bot_user=context.bot_user_id)
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

    # -- buttons --------------------------------------------------------------------------

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

    async def _not_yours(
        self, thread: SlackThread, user: str, owner: str, conversation_id: str | None = None
    ) -> None:
        """Told privately, naming who may: the owner and the reviewers they chose."""
        access = await self.engine.access(conversation_id) if conversation_id else None
        chosen = ""
        if access is not None and access.reviewers:
            names = ", ".join(f"<@{reviewer}>" for reviewer in access.reviewers)
            chosen = f" and the reviewers they chose ({names})"
        await self._ephemeral(
            thread.channel,
            user,
            f"Only <@{owner}>{chosen} can change this video; start your own with /deck.",
            thread_ts=thread.thread_ts,
        )

    # -- shared steps ---------------------------------------------------------------------

    async def _start(
        self, thread: SlackThread, request: Request, sink: SlackSink | None = None
    ) -> None:
        sink = sink or self.sink(thread, reply=False)
        incoming = Incoming(
            PLATFORM,
            thread.owner,
            request.text,
            thread.team,
            outline=request.outline,
            admin=thread.owner in self.admins,
            review=request.review,
        )
        try:
            record = await self.engine.start(incoming, sink)
        except BotError as exc:  # the queue refused the render (busy, full)
            await sink.failed(str(exc))
            record = None
        except Exception:
            log.exception("a Slack request in %s failed", thread.key)
            await sink.failed("something went wrong on my side; please try again")
            record = None
        if record is None:  # the sink was told why
            await sink.status(1).show(
                ":warning: I could not start this video (see the thread).", final=True
            )
            return
        await threads.link(self.engine.links, thread, record.id)

    async def _refusal(
        self,
        user: str,
        team: str,
        request: Request,
        conversation_id: str | None = None,
        *,
        music: bool = False,
    ) -> str | None:
        """Why the engine would refuse this request at once (too long, not text, a bad outline,
        busy, a full queue), to answer privately; None when it would take it. ``music``: a
        sound file came with it (the words may be empty)."""
        incoming = Incoming(PLATFORM, user, request.text, team, outline=request.outline)
        try:
            await self.engine.precheck(
                incoming, conversation_id, queue=conversation_id is None, audio_follows=music
            )
        except (BotError, DeckError) as exc:
            return str(exc)[:1].upper() + str(exc)[1:]
        return None

    async def _checked(
        self,
        user: str,
        team: str,
        request: Request,
        event: dict[str, Any],
        conversation_id: str | None = None,
        *,
        music: bool = False,
    ) -> Request | str:
        """The request with a shared outline file read in, or the one sentence (already in
        Slack's markup) saying why it is refused: a file that cannot be used, and whatever the
        engine refuses at once."""
        file = outline_file(event.get("files"))
        if file is not None and request.outline is None:
            try:
                request = replace(request, outline=await self.files.fetch(file))
            except OutlineFileError as exc:
                return f":warning: {blocks.escape(str(exc))}"
        refusal = await self._refusal(user, team, request, conversation_id, music=music)
        return f":warning: {blocks.escape(refusal)}" if refusal else request

    async def _first_delivery(self, body: dict[str, Any], request: AsyncBoltRequest) -> bool:
        event_id = body.get("event_id")
        if not event_id:
            return True
        if await self.engine.links.first_delivery(PLATFORM, str(event_id)):
            return True
        retry = (request.headers.get("x-slack-retry-num") or ["?"])[0]
        log.info("ignoring a repeated delivery of Slack event %s (retry %s)", event_id, retry)
        return False

    @staticmethod
    def _from_a_bot(event: dict[str, Any], context: AsyncBoltContext) -> bool:
        return (
            bool(event.get("bot_id") or event.get("bot_profile"))
            or event.get("subtype") not in PERSON_SUBTYPES
            or not event.get("user")
            or event.get("user") == context.bot_user_id
        )

    async def _post_quietly(self, channel: str, text: str, *, thread_ts: str) -> None:
        try:
            await self.web.post(channel, text, thread_ts=thread_ts)
        except SlackCallFailed as exc:
            log.error("cannot answer in %s: %s", channel, exc.problem.fix)

    async def _ephemeral(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None
    ) -> None:
        try:
            await self.web.ephemeral(channel, user, text, thread_ts=thread_ts)
        except SlackCallFailed as exc:
            log.warning("cannot tell %s privately in %s: %s", user, channel, exc.problem.fix)


def _team(body: dict[str, Any], event: dict[str, Any]) -> str:
    return str(body.get("team_id") or event.get("team") or "")
