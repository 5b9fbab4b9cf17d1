"""The seam between the conversation engine and a chat front-end: the events it sends.

A front-end (terminal, Discord, Slack) implements :class:`ReplySink` for one request and hands
it to the engine with the request; the engine calls it as things happen, including for work
that goes on after the call returned (the render that request queued, its delivery). Adapters
translate these calls into platform messages and do nothing else (throttling edits is their
business; deciding what to say, and what happens next, is the engine's).

Every submitted render is reported (``progress`` with state ``queued``, its job id and queue
position), and every render ends in exactly one of: ``video`` (delivered), ``too_big``,
``failed`` (with its version), or ``progress`` with state ``cancelled`` / ``superseded`` /
``delivered`` (its video was posted by a process stopped before it could say so).

A sink awaits :meth:`VideoReady.posted` the moment the platform holds the video: the job
counts as delivered from then on, so a stop during what follows (the status edit, the thread)
never posts the video a second time after the restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from deck import Deck
from render import ProgressEvent


@dataclass(frozen=True)
class JobUpdate:
    """A render job's progress: waiting in the queue, or rendering."""

    conversation_id: str
    job_id: str
    version: int
    # "queued" | "rendering" | "fitting" | "cancelled" | "superseded", or "paused": this
    # process is stopping and the render resumes when the next one starts, or "delivered":
    # a process stopped after posting the video and before it finished the status
    state: str
    queue_position: int | None = None  # 1 = next
    event: ProgressEvent | None = None
    waits: bool = False  # queued behind other renders (not about to start)
    by: str | None = None  # cancelled: who cancelled it
    replaced_by: int | None = None  # superseded: the version rendered instead

    @property
    def finished(self) -> bool:
        """The job ended here (no video will come for it)."""
        return self.state in ("cancelled", "superseded", "delivered")


@dataclass(frozen=True)
class VideoReady:
    conversation_id: str
    job_id: str
    version: int
    deck: Deck
    video: Path
    duration: float
    size_bytes: int
    slides: int
    slides_from_cache: int
    storyboard: Path | None = None
    subtitles: Path | None = None
    warnings: list[str] = field(default_factory=list)
    resumed: bool = False  # the render was interrupted (restart) and finished later
    smaller_copy: bool = False  # re-encoded smaller to fit the platform's upload limit
    review: bool = False  # the deck is reviewed: its card offers Approve
    # set by the engine; see posted()
    on_posted: Callable[[], Awaitable[None]] | None = field(default=None, compare=False, repr=False)

    async def posted(self) -> None:
        """The platform holds the video now (a sink calls this as soon as the post returns)."""
        if self.on_posted is not None:
            await self.on_posted()


@dataclass(frozen=True)
class ExportReady:
    """The current version as an editable PowerPoint file and a PDF."""

    conversation_id: str
    version: int
    deck: Deck
    pptx: Path
    pdf: Path
    size_bytes: int = 0  # both files together

    @property
    def files(self) -> list[Path]:
        return [self.pptx, self.pdf]


class ReplySink(Protocol):
    async def say(self, text: str) -> None:
        """A plain reply (a summary of what changed, a status line, help)."""

    async def planned(self, deck: Deck, version: int) -> None:
        """A deck was planned (or revised): show its slide titles."""

    async def progress(self, update: JobUpdate) -> None:
        """A render was queued, progressed, is being made smaller to fit, or ended without a
        video (cancelled, superseded). Called often; front-ends throttle what they show."""

    async def storyboard(self, path: Path, deck: Deck, version: int) -> None:
        """The storyboard image exists (frames are done; the video is still encoding)."""

    async def video(self, ready: VideoReady) -> None:
        """Deliver the video. Raise :class:`~bot.errors.UploadTooLarge` when the platform
        refuses it for its size: the engine makes a smaller copy and calls again."""

    async def too_big(self, ready: VideoReady, limit: int) -> None:
        """The video does not fit the platform's ``limit`` (bytes) even as a smaller copy."""

    async def script(self, markdown: str, deck: Deck, version: int) -> None:
        """The current script as a Markdown outline."""

    async def exported(self, ready: ExportReady) -> None:
        """The deck as .pptx and .pdf files."""

    async def report(self, text: str) -> None:
        """A longer answer, shown whole as its own message: the history, one version, a
        comparison. Plain text, one item a line; people are written ``<@user id>``."""

    async def script_review(self, conversation_id: str, deck: Deck, version: int) -> None:
        """The script of ``version`` waits for review before any picture is made: show each
        slide's title, bullets and a line of narration, with the Render and Change buttons
        (:func:`~bot.engine.actions.script_actions`). Replies revise it at text cost only."""

    async def approved(self, version: int, approvers: Sequence[str]) -> None:
        """``version`` was approved (``approvers``: everyone who has, the newest last): mark it
        in its card. Called once per person and version, whatever the deliveries."""

    async def failed(self, message: str, *, version: int | None = None) -> None:
        """Something went wrong; ``message`` says what and what to try. ``version`` is set
        when it is that version's render that failed."""

    async def close(self) -> None:
        """The engine is shutting down: drop what is not sent yet."""
