"""The conversation engine: one request becomes a deck and a video; every later message in
the same conversation revises it, and only the slides that changed are rendered again.

Front-ends (terminal, Discord, Slack) hand it :class:`Incoming` messages and a
:class:`~bot.replies.ReplySink`; the engine plans, revises, keeps every version in the store
(undo/redo across the whole history) and queues renders. It never talks to a chat platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agent import AgentError, Planner, PlanOptions, Reviser
from deck import (
    Aspect,
    Deck,
    DeckEdit,
    DeckError,
    NewImage,
    SetDeck,
    apply,
    describe_edits,
    to_markdown,
)
from render import ProgressCallback, ProgressEvent, Renderer, RenderError, RenderOptions, Stage
from render.export import export_deck

from .errors import BotError, UserInputError
from .execution import Executor, LocalExecutor
from .fitting import FIT_STEPS, fit_options
from .intents import HELP_TEXT, Intent, classify
from .jobs import JobLimits, RenderQueue
from .replies import ExportReady, JobUpdate, ReplySink, VideoReady
from .store import ConversationRecord, JobRecord, JobState, Store

log = logging.getLogger(__name__)

MAX_MESSAGE = 20_000
RENDER_OPTION_KEYS = ("resolution", "captions", "transition", "voice", "fps")


class NotAllowed(UserInputError):
    """Someone other than the requester tried to change a deck."""


@dataclass(frozen=True)
class Incoming:
    """One message from a person, as a front-end saw it."""

    platform: str
    user: str
    text: str = ""
    workspace: str = ""
    outline: str | None = None  # an attached Markdown outline
    options: PlanOptions | None = None  # explicit choices (slash-command options, CLI flags)
    render: dict[str, Any] = field(default_factory=dict)  # render option overrides
    admin: bool = False  # may act on other people's decks


SinkFactory = Callable[[ConversationRecord], Awaitable[ReplySink | None]]


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
    ) -> None:
        self.store = store
        self.planner = planner
        self.reviser = reviser
        self.renderer = renderer  # this process's renderer (exports, re-encodes)
        self.executor = executor or LocalExecutor(renderer)  # where renders run
        self.videos_dir = Path(videos_dir)
        self.render_defaults = render_defaults or RenderOptions()
        self.queue = RenderQueue(store, self._render_job, limits)
        self._sinks: dict[str, ReplySink] = {}
        self._job_sinks: dict[str, ReplySink] = {}  # a render reports to whoever asked for it
        self._factories: dict[str, SinkFactory] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._told: set[asyncio.Task[None]] = set()  # status lines on their way to a sink

    # -- wiring front-ends ----------------------------------------------------------------

    def attach(self, conversation_id: str, sink: ReplySink) -> None:
        """Send this conversation's future replies (including background renders) to ``sink``."""
        self._sinks[conversation_id] = sink

    def register_platform(self, platform: str, factory: SinkFactory) -> None:
        """How to reach a conversation of ``platform`` when no sink is attached (after a
        restart, a resumed render is delivered through the sink this factory builds)."""
        self._factories[platform] = factory

    async def recover(self) -> list[JobRecord]:
        """Resume the renders a previous process left unfinished."""
        return await self.queue.recover()

    async def close(self, *, resume_later: bool = False) -> None:
        """Stop rendering. ``resume_later``: leave unfinished renders in the store for the
        next process's :meth:`recover` (a bot restarting) instead of cancelling them."""
        await self.queue.close(resume_later=resume_later)

    def _status_to(self, sink: ReplySink) -> Callable[[str], None]:
        """The agent's status callback is synchronous and sinks are async: each line the
        agent reports ("the model is busy, retrying") is sent to ``sink.say`` in a task."""

        def tell(message: str) -> None:
            task = asyncio.ensure_future(sink.say(message))
            self._told.add(task)
            task.add_done_callback(self._told_done)

        return tell

    def _told_done(self, task: asyncio.Task[None]) -> None:
        self._told.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a front-end failed to show a status line", exc_info=task.exception())

    # -- a new request --------------------------------------------------------------------

    async def start(self, msg: Incoming, sink: ReplySink) -> ConversationRecord | None:
        """Plan a deck from a request, store it as version 1 and queue its render. Returns the
        new conversation, or None when the request could not be planned (the sink was told)."""
        try:
            _check_text(msg.text, allow_empty=msg.outline is not None)
            await self.queue_check(msg)
            deck = await self.planner.plan(
                msg.text, outline=msg.outline, options=msg.options, on_status=self._status_to(sink)
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
        self.attach(conversation.id, sink)
        await self.store.add_message(conversation.id, "user", msg.text or "(outline)")
        version = await self.store.add_version(conversation.id, deck, "planned")
        await self.store.add_message(
            conversation.id, "assistant", f"planned {len(deck.slides)} slides"
        )
        await sink.planned(deck, version)
        try:
            await self._queue_render(conversation.id, version, sink)
        except BotError as exc:  # the queue filled up while the model was planning
            await sink.failed(f'{exc}. Your deck is saved: say "render" to try again.')
        return await self.store.conversation(conversation.id)

    async def queue_check(self, msg: Incoming, conversation_id: str | None = None) -> None:
        """Refuse early (before any model call) when the queue would refuse the render."""
        await self.queue.check(
            owner=msg.user, workspace=msg.workspace, conversation_id=conversation_id
        )

    # -- later messages -------------------------------------------------------------------

    async def handle(self, conversation_id: str, msg: Incoming, sink: ReplySink) -> None:
        """A message in an existing conversation: a command (undo, redo, script...) or a
        revision. Errors are told to ``sink``; the conversation is never left broken."""
        self.attach(conversation_id, sink)
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        async with lock:
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
        conversation = await self._conversation(conversation_id, msg)
        _check_text(msg.text, allow_empty=msg.outline is not None)
        intent = classify(msg.text) if msg.outline is None else Intent.REVISE
        await self.store.add_message(conversation_id, "user", msg.text or "(outline)")
        if intent is Intent.UNDO:
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
            await self._queue_render(conversation_id, conversation.current_version, sink)
        elif intent is Intent.EXPORT:
            await self._export(conversation, sink)
        else:
            await self._revise(conversation, msg, sink)

    async def _revise(
        self, conversation: ConversationRecord, msg: Incoming, sink: ReplySink
    ) -> None:
        deck, _version = await self.current(conversation.id)
        if msg.outline is not None:
            new_deck = await self.planner.plan(
                msg.text, outline=msg.outline, options=msg.options, on_status=self._status_to(sink)
            )
            summary = f"replaced the deck with the outline ({len(new_deck.slides)} slides)"
        else:
            history = await self.store.recent_messages(conversation.id)
            revision = await self.reviser.revise(
                deck, msg.text, history=history[:-1], on_status=self._status_to(sink)
            )
            new_deck = apply(deck, revision.edits)
            summary = revision.summary or describe_edits(revision.edits)
        await self._new_version(conversation.id, deck, new_deck, summary, sink)

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
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        async with lock:
            try:
                await self._conversation(conversation_id, msg)
                deck, _version = await self.current(conversation_id)
                await self._new_version(
                    conversation_id,
                    deck,
                    apply(deck, edits),
                    summary or describe_edits(edits),
                    sink,
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

    async def _new_version(
        self, conversation_id: str, old: Deck, new: Deck, summary: str, sink: ReplySink
    ) -> None:
        if new == old:
            await sink.say(
                "That leaves the deck as it is; nothing to render. "
                "Try saying which slide and what to change."
            )
            return
        version = await self.store.add_version(conversation_id, new, summary)
        await self.store.add_message(conversation_id, "assistant", summary)
        changed = sum(1 for a, b in zip(old.slides, new.slides, strict=False) if a != b) + abs(
            len(old.slides) - len(new.slides)
        )
        await sink.say(f"Version {version}: {summary}.")
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
        if conversation.current_version <= 1:
            await sink.say("There is nothing to undo: this is the first version.")
            return
        record = await self.store.move_to_version(conversation_id, conversation.current_version - 1)
        assert record is not None
        await sink.say(f"Undone: back to version {record.number} ({record.note}).")
        await self._queue_render(conversation_id, record.number, sink)

    async def redo(
        self,
        conversation_id: str,
        msg: Incoming,
        sink: ReplySink,
        *,
        _checked: ConversationRecord | None = None,
    ) -> None:
        conversation = _checked or await self._conversation(conversation_id, msg)
        record = await self.store.move_to_version(conversation_id, conversation.current_version + 1)
        if record is None:
            await sink.say("There is nothing to redo.")
            return
        await sink.say(f"Redone: version {record.number} ({record.note}).")
        await self._queue_render(conversation_id, record.number, sink)

    async def cancel(
        self,
        conversation_id: str,
        msg: Incoming,
        sink: ReplySink,
        *,
        _checked: ConversationRecord | None = None,
    ) -> bool:
        if _checked is None:
            await self._conversation(conversation_id, msg)
        cancelled = await self.queue.cancel(conversation_id)
        await sink.say("Cancelled the render." if cancelled else "Nothing is rendering right now.")
        return cancelled

    async def export(self, conversation_id: str, sink: ReplySink) -> None:
        """Send the current version as .pptx and .pdf. Anyone may ask: nothing changes."""
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
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        result = await export_deck(
            self.renderer,
            deck,
            pptx=folder / f"v{version}.pptx",
            pdf=folder / f"v{version}.pdf",
            options=self.render_options(conversation.options),
        )
        assert result.pptx is not None and result.pdf is not None
        size = result.pptx_bytes + result.pdf_bytes
        await sink.exported(
            ExportReady(conversation.id, version, deck, result.pptx, result.pdf, size)
        )

    async def current(self, conversation_id: str) -> tuple[Deck, int]:
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            raise UserInputError("that conversation no longer exists; start a new one")
        record = await self.store.version(conversation_id, conversation.current_version)
        if record is None:
            raise UserInputError("this conversation has no deck yet; send a request first")
        return record.deck, record.number

    async def status_line(self, conversation_id: str) -> str:
        job = await self.store.latest_job(conversation_id)
        if job is None:
            return "No render yet."
        if job.state is JobState.QUEUED:
            position = self.queue.position(job.id)
            return f"Version {job.version} is waiting to render" + (
                f" (number {position} in the queue)." if position else "."
            )
        if job.state is JobState.RUNNING:
            return f"Version {job.version} is rendering."
        return f"Version {job.version}: {job.state.value}."

    async def _conversation(self, conversation_id: str, msg: Incoming) -> ConversationRecord:
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            raise UserInputError("that conversation no longer exists; start a new one")
        if conversation.owner != msg.user and not msg.admin:
            raise NotAllowed(
                "only the person who asked for this video can change it; "
                "start your own with a new request"
            )
        return conversation

    # -- rendering ------------------------------------------------------------------------

    async def _queue_render(self, conversation_id: str, version: int, sink: ReplySink) -> None:
        conversation = await self.store.conversation(conversation_id)
        assert conversation is not None
        job = await self.queue.submit(
            conversation_id,
            version,
            owner=conversation.owner,
            workspace=conversation.workspace,
            options=conversation.options,
        )
        self._job_sinks = {  # forget sinks of jobs that were superseded or cancelled
            job_id: s for job_id, s in self._job_sinks.items() if self.queue.position(job_id)
        }
        self._job_sinks[job.id] = sink
        position = self.queue.position(job.id)
        if (position is not None and position > 1) or self.queue.is_running(conversation_id):
            await sink.progress(
                JobUpdate(conversation_id, job.id, version, "queued", queue_position=position)
            )

    async def _sink_for(self, conversation: ConversationRecord) -> ReplySink | None:
        sink = self._sinks.get(conversation.id)
        if sink is None and conversation.platform in self._factories:
            sink = await self._factories[conversation.platform](conversation)
            if sink is not None:
                self._sinks[conversation.id] = sink
        return sink

    def render_options(self, options: dict[str, Any]) -> RenderOptions:
        chosen = {k: v for k, v in options.items() if k in RENDER_OPTION_KEYS and v is not None}
        return replace(self.render_defaults, **chosen)

    async def _render_job(self, job: JobRecord) -> None:
        conversation = await self.store.conversation(job.conversation_id)
        record = await self.store.version(job.conversation_id, job.version)
        if conversation is None or record is None:
            await self.store.set_job_state(
                job.id, JobState.FAILED, error="the deck version is gone"
            )
            return
        sink = self._job_sinks.pop(job.id, None) or await self._sink_for(conversation)
        # ``job`` was read before it was marked running: attempts counts earlier starts.
        resumed = job.attempts > 0
        out = self.videos_dir / conversation.id / f"v{job.version}.mp4"
        out.parent.mkdir(parents=True, exist_ok=True)
        events: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()
        pump = asyncio.ensure_future(self._pump(events, sink, job, record.deck))
        try:
            result = await self.executor.render(
                record.deck, out, self.render_options(job.options), events.put_nowait
            )
        except RenderError as exc:
            await self.store.set_job_state(
                job.id, JobState.FAILED, error=str(exc), only_from=[JobState.RUNNING]
            )
            events.put_nowait(None)
            await pump
            if sink is not None:
                await sink.failed(
                    f"The render of version {job.version} failed: {exc}. Your deck is safe; "
                    'change something or say "render" to try again.',
                    version=job.version,
                )
            return
        except BaseException:
            events.put_nowait(None)
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
            raise
        events.put_nowait(None)
        await pump
        ready = VideoReady(
            conversation_id=conversation.id,
            job_id=job.id,
            version=job.version,
            deck=record.deck,
            video=result.video,
            duration=result.duration,
            size_bytes=result.size_bytes,
            slides=result.slides,
            slides_from_cache=result.slides_from_cache,
            storyboard=result.storyboard,
            subtitles=result.srt,
            warnings=result.warnings,
            resumed=resumed,
        )
        await self.store.set_job_state(
            job.id,
            JobState.DONE,
            only_from=[JobState.RUNNING],
            result={
                "video": str(result.video),
                "duration": result.duration,
                "size": result.size_bytes,
                "storyboard": str(result.storyboard) if result.storyboard else None,
                "from_cache": result.slides_from_cache,
                "warnings": result.warnings,
            },
        )
        if sink is not None:
            await sink.video(ready)

    async def fit_video(
        self, ready: VideoReady, max_bytes: int, *, progress: ProgressCallback | None = None
    ) -> VideoReady | None:
        """``ready`` when its video fits in ``max_bytes`` (a platform's upload limit); else a
        smaller encode of the same version that fits (720p, then 480p, bitrate capped from the
        byte budget; pictures, frames and narration come from the cache), or None when even
        that is too big."""
        if ready.size_bytes <= max_bytes:
            return ready
        job = await self.store.job(ready.job_id)
        base = self.render_options(job.options if job else {})
        for side, share in FIT_STEPS:
            options = fit_options(base, ready.duration, max_bytes * share, side)
            if options is None:
                break
            out = ready.video.with_name(f"{ready.video.stem}.{options.resolution}p.mp4")
            result = await self.executor.render(ready.deck, out, options, progress)
            log.info(
                "fitting %s under %d bytes: %dp at %s is %d bytes",
                ready.video.name,
                max_bytes,
                options.resolution,
                options.max_video_bitrate,
                result.size_bytes,
            )
            if result.size_bytes <= max_bytes:
                return replace(
                    ready,
                    video=result.video,
                    size_bytes=result.size_bytes,
                    duration=result.duration,
                    subtitles=result.srt,
                )
        return None

    async def _pump(
        self,
        events: asyncio.Queue[ProgressEvent | None],
        sink: ReplySink | None,
        job: JobRecord,
        deck: Deck,
    ) -> None:
        """Forward render progress to the sink in order, without holding up the render."""
        while (event := await events.get()) is not None:
            if sink is None:
                continue
            try:
                if event.stage is Stage.STORYBOARD and event.artifact is not None:
                    await sink.storyboard(event.artifact, deck, job.version)
                else:
                    await sink.progress(
                        JobUpdate(
                            job.conversation_id, job.id, job.version, "rendering", event=event
                        )
                    )
            except Exception:
                log.exception("a front-end failed to show progress for job %s", job.id)


def _check_text(text: str, *, allow_empty: bool) -> None:
    if not text.strip() and not allow_empty:
        raise UserInputError(
            "the message is empty; say what the video should explain, or send a Markdown outline"
        )
    if len(text) > MAX_MESSAGE:
        raise UserInputError(
            f"the message is too long ({len(text):,} characters, at most {MAX_MESSAGE:,}); "
            "shorten it or attach it as a Markdown outline"
        )
