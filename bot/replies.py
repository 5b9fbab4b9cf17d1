"""The seam between the conversation engine and a chat front-end.

A front-end (terminal, Discord, Slack) implements :class:`ReplySink` for one conversation; the
engine calls it as things happen. Adapters translate these calls into platform messages and do
nothing else (throttling edits is their business; deciding what to say is the engine's).
"""

from __future__ import annotations

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
    state: str  # "queued" | "rendering"
    queue_position: int | None = None  # 1 = next
    event: ProgressEvent | None = None


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
        """Render progress. Called often; front-ends throttle what they show."""

    async def storyboard(self, path: Path, deck: Deck, version: int) -> None:
        """The storyboard image exists (frames are done; the video is still encoding)."""

    async def video(self, ready: VideoReady) -> None:
        """The video is ready."""

    async def script(self, markdown: str, deck: Deck, version: int) -> None:
        """The current script as a Markdown outline."""

    async def exported(self, ready: ExportReady) -> None:
        """The deck as .pptx and .pdf files."""

    async def failed(self, message: str, *, version: int | None = None) -> None:
        """Something went wrong; ``message`` says what and what to try. ``version`` is set
        when it is that version's render that failed."""
