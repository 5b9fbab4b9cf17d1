"""The conversation engine: one request becomes a deck and a video; every later message in
the same conversation revises it, and only the slides that changed are rendered again.

Front-ends (terminal, Discord, Slack) hand it :class:`Incoming` messages and a
:class:`~bot.engine.replies.ReplySink`; the engine plans, revises, keeps every version in the
store (undo/redo across the whole history), queues renders and delivers their videos
(:mod:`bot.engine.rendering`). It is the only door adapters use: they never read the store or
the queue, and they hear what happens from the events the engine sends to their sinks. It
never talks to a chat platform.

The engine wires its collaborators and keeps the door's methods: each concern is a module of
its own (review_gate, workspace, music, versions, revising, render_requests, commands).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from agent import AgentError, Planner, Reviser
from deck import (
    Aspect,
    Deck,
    DeckEdit,
    DeckError,
    Motion,
    NewImage,
    SetDeck,
    parse_outline,
    to_markdown,
)
from render import Renderer, RenderError, RenderOptions

from ..errors import BotError
from ..execution import Executor, LocalExecutor
from ..store import ConversationRecord, JobRecord, Store
from .actions import ACTIONS, Action
from .commands import COMMANDS, revise
from .exports import export_version
from .in_flight import InFlight
from .intents import Command, Intent, read_command
from .jobs import JobLimits, RenderQueue
from .links import ChatLinks
from .locks import KeyedLocks
from .music import ConversationMusic, asks_for_music, music_options
from .observer import JobObserver, Observers
from .records import current_deck
from .render_requests import RenderRequests
from .rendering import JobRunner
from .replies import ReplySink, VideoReady
from .requests import RENDER_OPTION_KEYS, Incoming, check_text, pasted_outline
from .review import Access
from .review_gate import ReviewGate
from .revising import Revisions
from .sinks import SinkFactory, SinkRegistry
from .versions import Versions
from .workspace import WorkspaceSettings

log = logging.getLogger(__name__)

OnCreated = Callable[[str], Awaitable[None]]  # see ConversationEngine.start
PAUSE_NOTICE_SECONDS = 5.0  # how long a stop waits to tell each render it is paused


class ConversationEngine:
    def __init__(
        self,
        store: Store,
        planner: Planner,
        reviser: Reviser,
        renderer: Renderer,
        *,
        videos_dir: Path,
        render_defaults: RenderOptions | None = None,
        limits: JobLimits | None = None,
        executor: Executor | None = None,
        observers: Sequence[JobObserver] = (),
        script_first: bool = False,
    ) -> None:
        self.store = store
        self.planner = planner
        self.reviser = reviser
        self.renderer = renderer  # this process's renderer (exports, re-encodes)
        self.executor = executor or LocalExecutor(renderer)  # where renders run
        self.videos_dir = Path(videos_dir)
        self.render_defaults = render_defaults or RenderOptions()
        self.sinks = SinkRegistry()
        self.links = ChatLinks(store)  # thread links and repeated deliveries, for adapters
        self.observer = Observers(observers)  # lifecycle log + what the wiring adds
        self.jobs = JobRunner(
            store,
            self.executor,
            self.sinks,
            videos_dir=self.videos_dir,
            options=self.render_options,
            observer=self.observer,
        )
        self.queue = RenderQueue(store, self.jobs.run, limits, observer=self.observer)
        self._locks = KeyedLocks()
        self.in_flight = InFlight(PAUSE_NOTICE_SECONDS)  # the calls answered now
        self.gate = ReviewGate(store)
        # every new deck's script waits for review before any picture (DECKCAST_REVIEW=script)
        self.workspaces = WorkspaceSettings(store, script_first=script_first)
        self.renders = RenderRequests(store, self.queue, self.sinks, self.gate)
        self.music = ConversationMusic(store, self.videos_dir, self.renders, self.gate)
        self.versions = Versions(store, self.renders, self.gate)
        self.revisions = Revisions(store, planner, reviser, self.sinks, self.versions)

    # -- wiring front-ends ----------------------------------------------------------------

    def register_platform(self, platform: str, factory: SinkFactory) -> None:
        """How to reach a conversation of ``platform`` when the request that queued its
        render is gone (after a restart, a resumed render is delivered through the sink this
        factory builds from the conversation's id and owner)."""
        self.sinks.register_platform(platform, factory)

    async def owner_of(self, conversation_id: str) -> str | None:
        """Who asked for the conversation's deck (None when it no longer exists)."""
        conversation = await self.store.conversation(conversation_id)
        return conversation.owner if conversation else None

    async def access(self, conversation_id: str) -> Access | None:
        """Who may do what with the conversation's deck (None when it no longer exists)."""
        return await self.gate.access(conversation_id)

    async def may(self, action: Action, conversation_id: str, user: str, *, admin: bool) -> bool:
        """Whether ``user`` may press ``action`` (adapters ask before acknowledging)."""
        return await self.gate.may(action, conversation_id, user, admin=admin)

    async def may_revise(self, conversation_id: str, user: str, *, admin: bool) -> bool:
        """Whether ``user``'s messages in the conversation's thread are for deckcast (the owner,
        a reviewer, anyone when the deck is open to everyone, an admin)."""
        return await self.gate.may_revise(conversation_id, user, admin=admin)

    async def recover(self) -> list[JobRecord]:
        """Resume the renders a previous process left unfinished (or rendered but did not
        deliver)."""
        return await self.queue.recover()

    async def wait_idle(self, conversation_id: str | None = None) -> None:
        """Wait until nothing (or nothing of ``conversation_id``) is queued, rendering or
        being delivered."""
        await self.queue.wait_idle(conversation_id)

    async def close(self, *, resume_later: bool = False) -> None:
        """Stop rendering. ``resume_later``: leave unfinished renders in the store for the
        next process's :meth:`recover` (a bot restarting) instead of cancelling them, and tell
        each render's sink it is paused (so no status message is left showing progress that
        stopped). Every sink the engine was handed is closed afterwards.

        The renders stop first, then hear they are paused: a render left going while the
        notice is on its way could move its status past "paused", or finish and start a
        delivery the stop then cuts off."""
        await self.in_flight.stop()  # a plan or a revision half-way: told, then ended
        paused = self.sinks.bound_to(self.queue.in_flight()) if resume_later else []
        await self.queue.close(resume_later=resume_later)
        if paused:
            await self.sinks.tell_paused(paused, PAUSE_NOTICE_SECONDS)
        await self.sinks.close()

    # -- a new request --------------------------------------------------------------------

    async def start(
        self, msg: Incoming, sink: ReplySink, *, on_created: OnCreated | None = None
    ) -> ConversationRecord | None:
        """Plan a deck from a request, store it as version 1 and queue its render. Returns the
        new conversation, or None when the request could not be planned (the sink was told).

        ``on_created`` is awaited with the new conversation's id once it is stored and before
        its render is queued: where to deliver the video (a thread, a channel) must be stored
        first, or a process killed in between leaves a render nobody can be given after the
        restart."""
        async with self.in_flight.hold(sink):
            return await self._start(pasted_outline(msg, new_deck=True), sink, on_created)

    async def _start(
        self, msg: Incoming, sink: ReplySink, on_created: OnCreated | None = None
    ) -> ConversationRecord | None:
        try:
            check_text(msg.text, allow_empty=msg.outline is not None)
            await self.queue_check(msg)
            deck = await self.planner.plan(
                msg.text,
                outline=msg.outline,
                options=msg.options,
                on_status=self.sinks.status_lines(sink),
            )
        except (AgentError, DeckError, BotError) as exc:
            await sink.failed(str(exc))
            return None
        conversation, version = await self.versions.first(msg, deck)
        if on_created is not None:
            await on_created(conversation.id)
        await sink.planned(deck, version)
        if msg.audio is not None:
            await self.music.first(conversation, msg.audio, sink)
        if await self.workspaces.script_first(msg):
            # the script first: no picture is made until someone presses Render
            await self.gate.hold_script(conversation.id)
            await sink.script_review(conversation.id, deck, version)
            return await self.store.conversation(conversation.id)
        try:
            await self.renders.submit(conversation.id, version, sink)
        except BotError as exc:  # the queue filled up while the model was planning
            await sink.failed(f'{exc}. Your deck is saved: say "render" to try again.')
        return await self.store.conversation(conversation.id)

    async def set_review_mode(self, msg: Incoming, script_first: bool) -> str:
        """An admin's choice for every new deck of ``msg``'s workspace: the script first (for
        review, no picture before Render) or straight to the video. Returns what to tell them;
        raises :class:`NotAllowed` for anyone but an admin."""
        return await self.workspaces.set_review_mode(msg, script_first)

    async def precheck(
        self,
        msg: Incoming,
        conversation_id: str | None = None,
        *,
        queue: bool = True,
        outline_follows: bool = False,
        audio_follows: bool = False,
    ) -> None:
        """Everything that would refuse ``msg`` before a model is asked or anything is posted
        (too long, not text, an outline that does not parse, a busy person, a full queue):
        raises ``UserInputError`` / ``DeckError`` so the adapter can answer privately.
        ``outline_follows``/``audio_follows``: an attached outline or sound file is still to be
        read (the text may be empty)."""
        msg = pasted_outline(msg, new_deck=conversation_id is None)
        attached = msg.outline is not None or outline_follows or audio_follows
        check_text(msg.text, allow_empty=attached)
        if msg.outline is not None:
            parse_outline(msg.outline)
        if queue:  # (a reply may not render at all: "help", "script")
            await self.queue_check(msg, conversation_id)

    async def queue_check(self, msg: Incoming, conversation_id: str | None = None) -> None:
        """Refuse early (before any model call) when the queue would refuse the render."""
        await self.queue.check(
            owner=msg.user, workspace=msg.workspace, conversation_id=conversation_id
        )

    # -- later messages -------------------------------------------------------------------

    async def handle(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        """A message in an existing conversation: a command (undo, redo, script...) or a
        revision. Errors are told to ``sink``; the conversation is never left broken."""
        self.sinks.seen(sink)
        async with self.in_flight.hold(sink), self._locks.hold(conversation_id):
            try:
                await self._handle(conversation_id, pasted_outline(msg), sink)
            except (AgentError, DeckError, BotError, RenderError) as exc:
                await sink.failed(str(exc))
            except Exception:
                log.exception("message in conversation %s failed", conversation_id)
                await sink.failed(
                    "something went wrong on my side; your deck is safe, please try again"
                )

    async def _handle(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        check_text(msg.text, allow_empty=msg.outline is not None or msg.audio is not None)
        command = read_command(msg.text) if msg.outline is None else Command(Intent.REVISE)
        if asks_for_music(msg, command):
            command = Command(Intent.MUSIC)
        conversation = await self.gate.for_intent(conversation_id, msg, command.intent)
        await self.store.add_message(conversation_id, "user", msg.text or "(outline)")
        run = COMMANDS.get(command.intent, revise)
        await run(self, conversation, command, msg, sink)

    async def apply_edits(
        self,
        conversation_id: str,
        edits: list[DeckEdit],
        msg: Incoming,
        sink: ReplySink,
        *,
        summary: str | None = None,
    ) -> None:
        """Apply edits chosen by a button or command (no model involved)."""
        self.sinks.seen(sink)
        async with self._locks.hold(conversation_id):
            try:
                await self.gate.for_change(conversation_id, msg)
                await self.revisions.edit(
                    conversation_id, edits, sink, author=msg.user, summary=summary
                )
            except (DeckError, BotError) as exc:
                await sink.failed(str(exc))

    async def new_pictures(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        deck, _version = await self.current(conversation_id)
        edits: list[DeckEdit] = [NewImage(slide=i) for i in range(1, len(deck.slides) + 1)]
        await self.apply_edits(
            conversation_id, edits, msg, sink, summary="new pictures for every slide"
        )

    async def set_aspect(
        self, conversation_id: str, aspect: Aspect, msg: Incoming, sink: ReplySink
    ) -> None:
        await self.apply_edits(
            conversation_id, [SetDeck(aspect=aspect)], msg, sink, summary=f"frame {aspect.value}"
        )

    async def set_motion(
        self, conversation_id: str, motion: Motion, msg: Incoming, sink: ReplySink
    ) -> None:
        """The motion switch under a video: only the slides whose picture moves (or moved)
        are encoded again."""
        await self.apply_edits(
            conversation_id, [SetDeck(motion=motion)], msg, sink, summary=f"motion {motion.value}"
        )

    # -- undo, redo, cancel, script, export ------------------------------------------------

    async def undo(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        conversation = await self.gate.for_change(conversation_id, msg)
        await self.versions.step(conversation, sink, back=True)

    async def redo(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        conversation = await self.gate.for_change(conversation_id, msg)
        await self.versions.step(conversation, sink, back=False)

    async def cancel(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> bool:
        """Stop the conversation's queued and running renders; each render's own sink is told
        who cancelled it."""
        await self.gate.for_change(conversation_id, msg)
        return await self.renders.cancel(conversation_id, sink, by=msg.user)

    async def script(self, conversation_id: str, sink: ReplySink) -> None:
        """Send the current version's script (a Markdown outline). Anyone may ask."""
        self.sinks.seen(sink)
        try:
            deck, version = await self.current(conversation_id)
        except BotError as exc:
            await sink.failed(str(exc))
            return
        await sink.script(to_markdown(deck), deck, version)

    async def export(self, conversation_id: str, sink: ReplySink) -> None:
        """Send the current version as .pptx and .pdf. Anyone may ask: nothing changes."""
        self.sinks.seen(sink)
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            await sink.failed("that conversation no longer exists; start a new one")
            return
        try:
            deck, version = await self.current(conversation_id)
            folder = self.videos_dir / conversation_id
            options = self.render_options(conversation.options)
            await sink.exported(
                await export_version(self.renderer, conversation_id, deck, version, folder, options)
            )
        except (DeckError, BotError, RenderError) as exc:
            await sink.failed(str(exc))

    # -- history and review -----------------------------------------------------------------

    async def history(self, conversation_id: str, sink: ReplySink) -> None:
        """Every version: number, who, what changed, when, who approved. Anyone may ask."""
        self.sinks.seen(sink)
        await self.versions.history(conversation_id, sink)

    async def show_version(self, conversation_id: str, number: int, sink: ReplySink) -> None:
        """One version: who made it, when, why, and its script. Anyone may ask."""
        self.sinks.seen(sink)
        await self.versions.show(conversation_id, number, sink)

    async def compare(self, conversation_id: str, a: int, b: int, sink: ReplySink) -> None:
        """Which slides differ between two versions, and how. Anyone may ask."""
        self.sinks.seen(sink)
        await self.versions.compare(conversation_id, a, b, sink)

    async def restore(
        self, conversation_id: str, number: int, msg: Incoming, sink: ReplySink
    ) -> None:
        """Go back to version ``number``: a new version with its content (history is never
        rewritten)."""
        self.sinks.seen(sink)
        async with self._locks.hold(conversation_id):
            try:
                conversation = await self.gate.for_change(conversation_id, msg)
                await self.versions.restore(conversation, number, sink, author=msg.user)
            except (DeckError, BotError) as exc:
                await sink.failed(str(exc))

    async def approve(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        """Approve a version (``msg.version``, else the current one): the owner, a reviewer or
        an admin may. A repeated approval by the same person (a duplicate delivery) counts once
        and says nothing."""
        self.sinks.seen(sink)
        conversation = await self.gate.for_change(conversation_id, msg)
        await self.gate.approve(conversation, msg.version, msg, sink)

    async def share(
        self,
        conversation_id: str,
        msg: Incoming,
        sink: ReplySink,
        *,
        people: Sequence[str] = (),
        everyone: bool = False,
    ) -> None:
        """Let ``people`` (or everyone in the channel) revise and approve the deck: its owner
        or an admin may."""
        self.sinks.seen(sink)
        async with self.in_flight.hold(sink), self._locks.hold(conversation_id):
            try:
                conversation = await self.gate.for_owner(conversation_id, msg)
                await self.gate.share(conversation, tuple(people), everyone, msg, sink)
            except BotError as exc:
                await sink.failed(str(exc))

    async def current(self, conversation_id: str) -> tuple[Deck, int]:
        return await current_deck(self.store, conversation_id)

    async def status_line(self, conversation_id: str) -> str:
        return await self.queue.describe(conversation_id)

    # -- rendering ------------------------------------------------------------------------

    async def render_again(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        """Render the current version again (after a failed render or upload), or for the
        first time: the script that waited for review (Render) goes on to the pictures."""
        conversation = await self.gate.for_change(conversation_id, msg)
        await self.renders.render_now(conversation, sink)

    async def act(
        self, action: Action, conversation_id: str, msg: Incoming, sink: ReplySink
    ) -> None:
        """A button: :data:`~bot.engine.actions.ACTIONS` says what it does and who may press
        it. Raises :class:`~bot.errors.NotAllowed` (before anything changes) for anyone else,
        so the adapter can answer that person privately; every other error goes to ``sink``."""
        await self.gate.check_action(action, conversation_id, msg)
        self.sinks.seen(sink)
        async with self.in_flight.hold(sink):
            try:
                await ACTIONS[action].call(self, conversation_id, msg, sink)
            except (AgentError, DeckError, BotError, RenderError) as exc:
                await sink.failed(str(exc))

    def render_options(self, options: dict[str, Any]) -> RenderOptions:
        chosen = {k: v for k, v in options.items() if k in RENDER_OPTION_KEYS and v is not None}
        return replace(self.render_defaults, **chosen, **music_options(options))

    async def fit_video(self, ready: VideoReady, max_bytes: int) -> VideoReady | None:
        """``ready`` when its video fits in ``max_bytes``; else a smaller copy that does, or
        None (see :meth:`bot.engine.rendering.JobRunner.fit_video`)."""
        return await self.jobs.fit_video(ready, max_bytes)
