"""What the engine asks of the render queue for a conversation: render a version (telling the
renders it replaces that they were superseded), render once a script is reviewed, show the
script instead while it waits for review, cancel (telling each render's own sink who did).

A render job itself, end to end, is :mod:`bot.engine.rendering`'s.
"""

from __future__ import annotations

from deck import Deck

from ..store import ConversationRecord, Store
from .jobs import RenderQueue
from .replies import JobUpdate, ReplySink
from .review_gate import ReviewGate
from .sinks import SinkRegistry


class RenderRequests:
    def __init__(
        self, store: Store, queue: RenderQueue, sinks: SinkRegistry, gate: ReviewGate
    ) -> None:
        self.store = store
        self.queue = queue
        self.sinks = sinks
        self.gate = gate

    async def submit(self, conversation_id: str, version: int, sink: ReplySink) -> None:
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

    async def render_now(self, conversation: ConversationRecord, sink: ReplySink) -> None:
        """Render the current version: a script that waited for review goes on to pictures."""
        await self.gate.reviewed(conversation)
        await self.submit(conversation.id, conversation.current_version, sink)

    async def show_or_render(
        self, conversation_id: str, version: int, deck: Deck, sink: ReplySink
    ) -> None:
        """A version became current: its script when the script waits for review, else its
        render."""
        if await self.gate.script_waits(conversation_id):
            await sink.script_review(conversation_id, deck, version)
        else:
            await self.submit(conversation_id, version, sink)

    async def cancel(self, conversation_id: str, sink: ReplySink, *, by: str) -> bool:
        """Stop the conversation's queued and running renders; each render's own sink is told
        who cancelled it, and ``sink`` whether anything was rendering."""
        stopped = self.queue.active(conversation_id)
        cancelled = await self.queue.cancel(conversation_id)
        for job in stopped:
            job_sink = self.sinks.release(job.id)
            if job_sink is not None:
                await job_sink.progress(
                    JobUpdate(conversation_id, job.id, job.version, "cancelled", by=by)
                )
        await sink.say("Cancelled the render." if cancelled else "Nothing is rendering right now.")
        return cancelled
