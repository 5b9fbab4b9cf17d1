"""What every Slack listener shares: the engine and Slack's APIs it works over, the sink a
thread's replies go to (and the messages it keeps, so a restart or a reaction finds them
again), and the steps a request goes through: checked, started, refused privately."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest

from deck import DeckError

from ..engine import ConversationEngine, Incoming, ReplySink
from ..errors import BotError
from . import blocks, threads
from .errors import OutlineFileError, SlackCallFailed
from .messages import Request, outline_file
from .outline_files import OutlineFiles
from .sink import SlackSink
from .threads import PLATFORM, SlackThread
from .web import SlackWeb

log = logging.getLogger(__name__)

# Message subtypes that are a person writing; every other subtype (edits, deletions, joins,
# bot messages) is ignored.
PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")


class ListenerSteps:
    """The state of the Slack listeners and the steps they share."""

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

    # -- shared steps ---------------------------------------------------------------------

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

        async def link_thread(conversation_id: str) -> None:  # before its render starts
            await threads.link(self.engine.links, thread, conversation_id)

        try:
            record = await self.engine.start(incoming, sink, on_created=link_thread)
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
