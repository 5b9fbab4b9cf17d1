"""The conversation engine: one request becomes a deck and a video; every later message in
the same conversation revises it, and only the slides that changed are rendered again.

Front-ends (terminal, Discord, Slack) hand it :class:`Incoming` messages and a
:class:`~bot.engine.replies.ReplySink`; the engine plans, revises, keeps every version in the
store (undo/redo across the whole history), queues renders and delivers their videos
(:mod:`bot.engine.rendering`). It is the only door adapters use: they never read the store or
the queue, and they hear what happens from the events the engine sends to their sinks. It
never talks to a chat platform.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
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
    apply,
    describe_edits,
    parse_outline,
    slides_count,
    to_markdown,
)
from render import Renderer, RenderError, RenderOptions

from ..errors import BotError, NotAllowed, UserInputError
from ..execution import Executor, LocalExecutor
from ..store import ConversationRecord, JobRecord, Store, VersionRecord
from .actions import ACTIONS, Action, Who, may_act
from .exports import export_version
from .history import compare_text, history_text, version_text
from .intents import HELP_TEXT, READ_ONLY, Command, Intent, read_command
from .jobs import JobLimits, RenderQueue
from .links import ChatLinks
from .locks import KeyedLocks
from .music import level_words, louder, music_options, store_music
from .observer import JobObserver, Observers
from .rendering import JobRunner
from .replies import JobUpdate, ReplySink, VideoReady
from .requests import RENDER_OPTION_KEYS, AudioFile, Incoming, check_text
from .review import REVIEW_OFF, REVIEW_SCRIPT, Access
from .sinks import SinkFactory, SinkRegistry

log = logging.getLogger(__name__)


def _asks_for_music(msg: Incoming, command: Command) -> bool:
    """An audio file sent with no words, or with words about music ("add music") that are
    not one of the set phrases: the file is the music."""
    if msg.audio is None or msg.outline is not None or command.intent is not Intent.REVISE:
        return False
    return not msg.text.strip() or "music" in msg.text.lower()


_MUSIC_INTENTS = frozenset(
    {Intent.MUSIC, Intent.NO_MUSIC, Intent.MUSIC_QUIETER, Intent.MUSIC_LOUDER}
)

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
        # every new deck's script waits for review before any picture (DECKCAST_REVIEW=script)
        self.script_first = script_first
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
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            return None
        return Access(
            conversation.owner,
            tuple(await self.store.reviewers(conversation_id)),
            conversation.open_review,
        )

    async def may(self, action: Action, conversation_id: str, user: str, *, admin: bool) -> bool:
        """Whether ``user`` may press ``action`` (adapters ask before acknowledging)."""
        access = await self.access(conversation_id)
        return access is not None and access.may(ACTIONS[action].who, user, admin=admin)

    async def may_revise(self, conversation_id: str, user: str, *, admin: bool) -> bool:
        """Whether ``user``'s messages in the conversation's thread are for deckcast (the owner,
        a reviewer, anyone when the deck is open to everyone, an admin)."""
        access = await self.access(conversation_id)
        return access is not None and access.may(Who.REVIEWER, user, admin=admin)

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
        paused = self.sinks.bound_to(self.queue.in_flight()) if resume_later else []
        await self.queue.close(resume_later=resume_later)
        if paused:
            await self.sinks.tell_paused(paused, PAUSE_NOTICE_SECONDS)
        await self.sinks.close()

    # -- a new request --------------------------------------------------------------------

    async def start(self, msg: Incoming, sink: ReplySink) -> ConversationRecord | None:
        """Plan a deck from a request, store it as version 1 and queue its render. Returns the
        new conversation, or None when the request could not be planned (the sink was told)."""
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
        await sink.planned(deck, version)
        if msg.audio is not None:
            await self._first_music(conversation, msg.audio, sink)
        if await self._script_first(msg):
            # the script first: no picture is made until someone presses Render
            await self.store.set_review(conversation.id, review="script")
            await sink.script_review(conversation.id, deck, version)
            return await self.store.conversation(conversation.id)
        try:
            await self._queue_render(conversation.id, version, sink)
        except BotError as exc:  # the queue filled up while the model was planning
            await sink.failed(f'{exc}. Your deck is saved: say "render" to try again.')
        return await self.store.conversation(conversation.id)

    async def _script_first(self, msg: Incoming) -> bool:
        """Whether a new deck's script waits for review: the request says so, or else what an
        admin chose for its workspace, or else the bot's default (``DECKCAST_REVIEW``)."""
        if msg.review is not None:
            return msg.review
        chosen = await self.store.workspace_review(msg.platform, msg.workspace)
        return self.script_first if chosen is None else chosen == REVIEW_SCRIPT

    async def set_review_mode(self, msg: Incoming, script_first: bool) -> str:
        """An admin's choice for every new deck of ``msg``'s workspace: the script first (for
        review, no picture before Render) or straight to the video. Returns what to tell them;
        raises :class:`NotAllowed` for anyone but an admin."""
        if not msg.admin:
            raise NotAllowed("only an admin can choose how this server's new decks are reviewed")
        mode = REVIEW_SCRIPT if script_first else REVIEW_OFF
        await self.store.set_workspace_review(msg.platform, msg.workspace, mode, by=msg.user)
        if script_first:
            return (
                "From now on every new deck here posts its script for review first: no picture "
                "is made until someone presses Render."
            )
        return "From now on new decks here go straight to the video (no script review first)."

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
        async with self._locks.hold(conversation_id):
            try:
                await self._handle(conversation_id, msg, sink)
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
        if _asks_for_music(msg, command):
            command = Command(Intent.MUSIC)
        intent = command.intent
        if intent in READ_ONLY:
            conversation = await self._record(conversation_id)
        elif intent is Intent.SHARE:
            conversation = await self._owned(conversation_id, msg)
        else:
            conversation = await self._conversation(conversation_id, msg)
        await self.store.add_message(conversation_id, "user", msg.text or "(outline)")
        if intent is Intent.HISTORY:
            await self.history(conversation_id, sink)
        elif intent is Intent.SHOW_VERSION:
            await self.show_version(conversation_id, command.numbers[0], sink)
        elif intent is Intent.COMPARE:
            await self.compare(conversation_id, command.numbers[0], command.numbers[1], sink)
        elif intent is Intent.RESTORE:
            await self._restore(conversation, command.numbers[0], msg, sink)
        elif intent is Intent.APPROVE:
            number = command.numbers[0] if command.numbers else None
            await self._approve(conversation, number, msg, sink)
        elif intent is Intent.SHARE:
            await self._share(conversation, command.people, command.everyone, msg, sink)
        elif intent is Intent.COMMENT:
            await self._revise(conversation, msg, sink, slide=command.numbers[0], comment=command)
        elif intent is Intent.UNDO:
            await self.undo(conversation_id, msg, sink, _checked=conversation)
        elif intent is Intent.REDO:
            await self.redo(conversation_id, msg, sink, _checked=conversation)
        elif intent is Intent.SCRIPT:
            deck, version = await self.current(conversation_id)
            await sink.script(to_markdown(deck), deck, version)
        elif intent is Intent.CANCEL:
            await self.cancel(conversation_id, msg, sink, _checked=conversation)
        elif intent is Intent.HELP:
            await sink.say(HELP_TEXT)
        elif intent is Intent.STATUS:
            await sink.say(await self.status_line(conversation_id))
        elif intent is Intent.RENDER:
            await self._render_now(conversation, sink)
        elif intent is Intent.EXPORT:
            await self._export(conversation, sink)
        elif intent in _MUSIC_INTENTS:
            await self._music(conversation, intent, msg, sink)
        else:
            await self._revise(conversation, msg, sink)

    async def _first_music(
        self, conversation: ConversationRecord, audio: AudioFile, sink: ReplySink
    ) -> None:
        """Music sent with the request itself: kept for the first render; a bad file is told
        and the video is made without it."""
        try:
            path = await store_music(self.videos_dir / conversation.id, audio)
        except (BotError, RenderError) as exc:
            await sink.say(f"{exc}; the video is made without music.")
            return
        await self.store.set_options(conversation.id, {**conversation.options, "music": str(path)})

    async def _music(
        self, conversation: ConversationRecord, intent: Intent, msg: Incoming, sink: ReplySink
    ) -> None:
        """Set, remove or move the level of the music; the current version is rendered again,
        which makes only its audio track again (every slide's segment comes from the cache)."""
        options = dict(conversation.options)
        if intent is Intent.MUSIC:
            if msg.audio is None:
                await sink.say(
                    "Attach an audio file (MP3, WAV, OGG, FLAC or M4A) to a message saying "
                    '"use this as music".'
                )
                return
            path = await store_music(self.videos_dir / conversation.id, msg.audio)
            options["music"] = str(path)
            done = f"Music: {msg.audio.name}, under the narration (quieter while it speaks)."
        elif not options.get("music"):
            await sink.say(
                'There is no music yet: attach an audio file with "use this as music".'
                if intent is not Intent.NO_MUSIC
                else "There is no music to remove."
            )
            return
        elif intent is Intent.NO_MUSIC:
            options.pop("music", None)
            options.pop("music_level_db", None)
            done = "No music any more."
        else:
            up = intent is Intent.MUSIC_LOUDER
            level = louder(options, 1 if up else -1)
            if level is None:
                now = float(options.get("music_level_db") or 0.0)
                await sink.say(f"The music is at {level_words(now)} already.")
                return
            options["music_level_db"] = level
            done = f"Music {'louder' if up else 'quieter'}: {level_words(level)}."
        await self.store.set_options(conversation.id, options)
        await self.store.add_message(conversation.id, "assistant", done)
        if not conversation.current_version or await self._script_waits(conversation.id):
            await sink.say(f"{done} It plays once the video is rendered.")
            return
        await sink.say(f"{done} Only the sound is made again.")
        await self._queue_render(conversation.id, conversation.current_version, sink)

    async def _revise(
        self,
        conversation: ConversationRecord,
        msg: Incoming,
        sink: ReplySink,
        *,
        slide: int | None = None,
        comment: Command | None = None,
    ) -> None:
        deck, _version = await self.current(conversation.id)
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
        await self._new_version(conversation.id, deck, new_deck, summary, sink, author=msg.user)

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
                await self._conversation(conversation_id, msg)
                deck, _version = await self.current(conversation_id)
                await self._new_version(
                    conversation_id,
                    deck,
                    apply(deck, edits),
                    summary or describe_edits(edits),
                    sink,
                    author=msg.user,
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

    async def _new_version(
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
        if await self._script_waits(conversation_id):
            await sink.script_review(conversation_id, new, version)  # text only: still no picture
            return
        if [s.title for s in old.slides] != [s.title for s in new.slides] or changed > 1:
            await sink.planned(new, version)
        await self._queue_render(conversation_id, version, sink)

    async def undo(
        self,
        conversation_id: str,
        msg: Incoming,
        sink: ReplySink,
        *,
        _checked: ConversationRecord | None = None,
    ) -> None:
        conversation = _checked or await self._conversation(conversation_id, msg)
        target = await self.store.undo_target(conversation_id, conversation.current_version)
        if target is None:
            await sink.say("There is nothing to undo: this is the first version.")
            return
        record = await self.store.move_to_version(conversation_id, target)
        assert record is not None
        await sink.say(f"Undone: back to version {record.number} ({record.note}).")
        await self._show_or_render(conversation_id, record.number, record.deck, sink)

    async def redo(
        self,
        conversation_id: str,
        msg: Incoming,
        sink: ReplySink,
        *,
        _checked: ConversationRecord | None = None,
    ) -> None:
        conversation = _checked or await self._conversation(conversation_id, msg)
        target = await self.store.redo_target(conversation_id, conversation.current_version)
        record = await self.store.move_to_version(conversation_id, target) if target else None
        if record is None:
            await sink.say("There is nothing to redo.")
            return
        await sink.say(f"Redone: version {record.number} ({record.note}).")
        await self._show_or_render(conversation_id, record.number, record.deck, sink)

    async def cancel(
        self,
        conversation_id: str,
        msg: Incoming,
        sink: ReplySink,
        *,
        _checked: ConversationRecord | None = None,
    ) -> bool:
        """Stop the conversation's queued and running renders; each render's own sink is told
        who cancelled it."""
        if _checked is None:
            await self._conversation(conversation_id, msg)
        stopped = self.queue.active(conversation_id)
        cancelled = await self.queue.cancel(conversation_id)
        for job in stopped:
            job_sink = self.sinks.release(job.id)
            if job_sink is not None:
                await job_sink.progress(
                    JobUpdate(conversation_id, job.id, job.version, "cancelled", by=msg.user)
                )
        await sink.say("Cancelled the render." if cancelled else "Nothing is rendering right now.")
        return cancelled

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
            await self._export(conversation, sink)
        except (DeckError, BotError, RenderError) as exc:
            await sink.failed(str(exc))

    async def _export(self, conversation: ConversationRecord, sink: ReplySink) -> None:
        deck, version = await self.current(conversation.id)
        folder = self.videos_dir / conversation.id
        options = self.render_options(conversation.options)
        await sink.exported(
            await export_version(self.renderer, conversation.id, deck, version, folder, options)
        )

    # -- history and review -----------------------------------------------------------------

    async def history(self, conversation_id: str, sink: ReplySink) -> None:
        """Every version: number, who, what changed, when, who approved. Anyone may ask."""
        self.sinks.seen(sink)
        conversation = await self._record(conversation_id)
        versions = await self.store.versions(conversation_id)
        await sink.report(history_text(conversation.title, versions, conversation.current_version))

    async def show_version(self, conversation_id: str, number: int, sink: ReplySink) -> None:
        """One version: who made it, when, why, and its script. Anyone may ask."""
        self.sinks.seen(sink)
        conversation = await self._record(conversation_id)
        record = await self._version(conversation_id, number)
        await sink.report(version_text(record, conversation.current_version))

    async def compare(self, conversation_id: str, a: int, b: int, sink: ReplySink) -> None:
        """Which slides differ between two versions, and how. Anyone may ask."""
        self.sinks.seen(sink)
        old, new = await self._version(conversation_id, a), await self._version(conversation_id, b)
        await sink.report(compare_text(old, new))

    async def restore(
        self, conversation_id: str, number: int, msg: Incoming, sink: ReplySink
    ) -> None:
        """Go back to version ``number``: a new version with its content (history is never
        rewritten)."""
        self.sinks.seen(sink)
        async with self._locks.hold(conversation_id):
            try:
                conversation = await self._conversation(conversation_id, msg)
                await self._restore(conversation, number, msg, sink)
            except (DeckError, BotError) as exc:
                await sink.failed(str(exc))

    async def _restore(
        self, conversation: ConversationRecord, number: int, msg: Incoming, sink: ReplySink
    ) -> None:
        record = await self._version(conversation.id, number)
        deck, current = await self.current(conversation.id)
        if number == current:
            await sink.say(f"Version {number} is the current version already.")
            return
        await self._new_version(
            conversation.id,
            deck,
            record.deck,
            f"back to version {number} ({record.note})",
            sink,
            author=msg.user,
        )

    async def approve(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        """Approve a version (``msg.version``, else the current one): the owner, a reviewer or
        an admin may. A repeated approval by the same person (a duplicate delivery) counts once
        and says nothing."""
        self.sinks.seen(sink)
        conversation = await self._conversation(conversation_id, msg)
        await self._approve(conversation, msg.version, msg, sink)

    async def _approve(
        self, conversation: ConversationRecord, number: int | None, msg: Incoming, sink: ReplySink
    ) -> None:
        record = await self._version(conversation.id, number or conversation.current_version)
        if not await self.store.approve(conversation.id, record.number, msg.user):
            return
        if not conversation.review:
            await self.store.set_review(conversation.id, review="on")
        await self.store.add_message(
            conversation.id, "assistant", f"version {record.number} approved by {msg.user}"
        )
        approved = await self._version(conversation.id, record.number)
        await sink.approved(record.number, approved.approved_by)

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
        async with self._locks.hold(conversation_id):
            try:
                conversation = await self._owned(conversation_id, msg)
                await self._share(conversation, tuple(people), everyone, msg, sink)
            except BotError as exc:
                await sink.failed(str(exc))

    async def _share(
        self,
        conversation: ConversationRecord,
        people: tuple[str, ...],
        everyone: bool,
        msg: Incoming,
        sink: ReplySink,
    ) -> None:
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

    async def _version(self, conversation_id: str, number: int) -> VersionRecord:
        record = await self.store.version(conversation_id, number)
        if record is None:
            versions = await self.store.versions(conversation_id)
            newest = versions[-1].number if versions else 0
            raise UserInputError(
                f"there is no version {number}; this deck has versions 1 to {newest}"
            )
        return record

    async def current(self, conversation_id: str) -> tuple[Deck, int]:
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            raise UserInputError("that conversation no longer exists; start a new one")
        record = await self.store.version(conversation_id, conversation.current_version)
        if record is None:
            raise UserInputError("this conversation has no deck yet; send a request first")
        return record.deck, record.number

    async def status_line(self, conversation_id: str) -> str:
        return await self.queue.describe(conversation_id)

    async def _record(self, conversation_id: str) -> ConversationRecord:
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            raise UserInputError("that conversation no longer exists; start a new one")
        return conversation

    async def _conversation(self, conversation_id: str, msg: Incoming) -> ConversationRecord:
        """The conversation, for a change by ``msg``'s sender: its owner, a reviewer, anyone
        when it is open to everyone, an admin; :class:`NotAllowed` for anyone else."""
        return await self._checked(conversation_id, msg, Who.REVIEWER)

    async def _owned(self, conversation_id: str, msg: Incoming) -> ConversationRecord:
        """The conversation, for its owner (or an admin) alone: sharing it."""
        return await self._checked(conversation_id, msg, Who.OWNER)

    async def _checked(self, conversation_id: str, msg: Incoming, who: Who) -> ConversationRecord:
        conversation = await self._record(conversation_id)
        if conversation.owner == msg.user or msg.admin:
            return conversation
        access = await self.access(conversation_id)
        if access is None or not access.may(who, msg.user, admin=msg.admin):
            raise NotAllowed(
                access.refusal(who) if access else "that conversation no longer exists"
            )
        return conversation

    # -- rendering ------------------------------------------------------------------------

    async def render_again(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        """Render the current version again (after a failed render or upload), or for the
        first time: the script that waited for review (Render) goes on to the pictures."""
        conversation = await self._conversation(conversation_id, msg)
        await self._render_now(conversation, sink)

    async def _render_now(self, conversation: ConversationRecord, sink: ReplySink) -> None:
        if conversation.script_first:  # reviewed: from now on every change renders
            await self.store.set_review(conversation.id, review="on")
        await self._queue_render(conversation.id, conversation.current_version, sink)

    async def _script_waits(self, conversation_id: str) -> bool:
        conversation = await self.store.conversation(conversation_id)
        return conversation is not None and conversation.script_first

    async def _show_or_render(
        self, conversation_id: str, version: int, deck: Deck, sink: ReplySink
    ) -> None:
        """A version became current: its script when the script waits for review, else its
        render."""
        if await self._script_waits(conversation_id):
            await sink.script_review(conversation_id, deck, version)
        else:
            await self._queue_render(conversation_id, version, sink)

    async def act(
        self, action: Action, conversation_id: str, msg: Incoming, sink: ReplySink
    ) -> None:
        """A button: :data:`~bot.engine.actions.ACTIONS` says what it does and who may press
        it. Raises :class:`~bot.errors.NotAllowed` (before anything changes) for anyone else,
        so the adapter can answer that person privately; every other error goes to ``sink``."""
        access = await self.access(conversation_id)
        if access is None:
            raise UserInputError("that video is gone; start a new one")
        reviewer = access.may(Who.REVIEWER, msg.user, admin=msg.admin)
        if not may_act(
            action, user=msg.user, owner=access.owner, admin=msg.admin, reviewer=reviewer
        ):
            raise NotAllowed(access.refusal(ACTIONS[action].who))
        self.sinks.seen(sink)
        try:
            await ACTIONS[action].call(self, conversation_id, msg, sink)
        except (AgentError, DeckError, BotError, RenderError) as exc:
            await sink.failed(str(exc))

    # -- rendering ------------------------------------------------------------------------

    async def _queue_render(self, conversation_id: str, version: int, sink: ReplySink) -> None:
        """Queue a render of ``version``, reported to ``sink`` (queued now; its progress, video
        or failure later). Queued renders it replaces are told they were superseded."""
        conversation = await self.store.conversation(conversation_id)
        assert conversation is not None
        submitted = await self.queue.submit(
            conversation_id,
            version,
            owner=conversation.owner,
            workspace=conversation.workspace,
            options=conversation.options,
        )
        job = submitted.job
        self.sinks.bind(job.id, sink)
        for old in submitted.replaced:
            replaced_sink = self.sinks.release(old.id)
            if replaced_sink is not None:
                await replaced_sink.progress(
                    JobUpdate(
                        conversation_id, old.id, old.version, "superseded", replaced_by=version
                    )
                )
        position = self.queue.position(job.id)
        waits = (position is not None and position > 1) or self.queue.is_running(conversation_id)
        await sink.progress(
            JobUpdate(
                conversation_id, job.id, version, "queued", queue_position=position, waits=waits
            )
        )

    def render_options(self, options: dict[str, Any]) -> RenderOptions:
        chosen = {k: v for k, v in options.items() if k in RENDER_OPTION_KEYS and v is not None}
        return replace(self.render_defaults, **chosen, **music_options(options))

    async def fit_video(self, ready: VideoReady, max_bytes: int) -> VideoReady | None:
        """``ready`` when its video fits in ``max_bytes``; else a smaller copy that does, or
        None (see :meth:`bot.engine.rendering.JobRunner.fit_video`)."""
        return await self.jobs.fit_video(ready, max_bytes)
