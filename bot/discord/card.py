"""The status card: the text of the one message that shows a request's progress.

Pure formatting, no Discord calls: the sink changes a :class:`StatusCard` as the engine reports
and the throttled editor sends :meth:`StatusCard.text`. Discord messages hold at most 2,000
characters; the card stays under that whatever the deck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from deck import Deck, slides_count
from render import ProgressEvent, Stage

LIMIT = 2000
BAR_WIDTH = 20
MAX_NOTES = 4
MAX_NOTE = 400


class Phase(StrEnum):
    WORKING = "working"  # planning or revising, before a render is queued
    QUEUED = "queued"
    RENDERING = "rendering"
    FITTING = "fitting"  # making a smaller copy for the upload limit
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    PAUSED = "paused"  # the bot stopped; the render resumes when it is back
    IDLE = "idle"  # nothing (more) to do: the notes say it all

    @property
    def finished(self) -> bool:
        return self in (
            Phase.DONE,
            Phase.FAILED,
            Phase.CANCELLED,
            Phase.SUPERSEDED,
            Phase.PAUSED,
            Phase.IDLE,
        )


STAGE_WORDS = {
    Stage.IMAGES: "pictures",
    Stage.VOICE: "narration",
    Stage.FRAMES: "frames",
    Stage.STORYBOARD: "storyboard",
    Stage.ENCODE: "encoding",
    Stage.JOIN: "joining",
    Stage.DONE: "done",
}


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """``█████░░░░░ 50%``: a bar that reads the same in every Discord client."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return f"{'█' * filled}{'░' * (width - filled)} {round(fraction * 100)}%"


def slide_list(deck: Deck, limit: int = 600) -> str:
    """``1. Title · 2. Title …`` cut to ``limit`` characters."""
    parts = [f"{i}. {slide.title}" for i, slide in enumerate(deck.slides, 1)]
    text = " · ".join(parts)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class StatusCard:
    """What one request's status message says right now."""

    heading: str = "Working on it…"
    phase: Phase = Phase.WORKING
    title: str | None = None
    version: int | None = None
    slides: str | None = None
    notes: list[str] = field(default_factory=list)
    queue_position: int | None = None
    event: ProgressEvent | None = None
    error: str | None = None
    footer: str | None = None
    body: str | None = None  # a report shown whole (history, a version, a comparison)

    def note(self, text: str) -> None:
        text = text.strip()
        if text and (not self.notes or self.notes[-1] != text):
            self.notes.append(text)
            del self.notes[:-MAX_NOTES]

    def planned(self, deck: Deck, version: int) -> None:
        self.title = deck.title
        self.version = version
        self.slides = f"{slides_count(len(deck.slides))}: {slide_list(deck)}"

    def text(self) -> str:
        """The message: title, slides and notes first, then the status; when that is too long
        for one message, the head is shortened and the status always stays whole."""
        head: list[str] = []
        if self.title:
            version = f" · version {self.version}" if self.version else ""
            head.append(f"**{self.title}**{version}")
        if self.slides:
            head.append(self.slides)
        for note in self.notes:
            note = note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "…"
            head += [f"> {line}" if line.strip() else ">" for line in note.splitlines()]
        if self.body:
            head.append(self.body)
        tail = "\n".join(line for line in (self._status_line(), self.footer) if line)
        text = "\n".join(line for line in [*head, tail] if line) or "✅ Done."
        if len(text) <= LIMIT:
            return text
        room = LIMIT - len(tail) - 2
        return "\n".join(head)[:room].rstrip() + "…\n" + tail

    def _status_line(self) -> str:
        phase = self.phase
        if phase is Phase.WORKING:
            return f"⏳ {self.heading}"
        if phase is Phase.QUEUED:
            where = f" — number {self.queue_position} in the queue" if self.queue_position else ""
            return f"⏳ Waiting to render{where}"
        if phase in (Phase.RENDERING, Phase.FITTING):
            event = self.event
            label = "Making a smaller copy" if phase is Phase.FITTING else "Rendering"
            if event is None:
                return f"🎬 {label}…"
            stage = STAGE_WORDS.get(event.stage, event.stage.value)
            return (
                f"🎬 {label} · {stage} · {event.slides_done}/{event.slides} slides ready\n"
                f"`{progress_bar(event.fraction)}`"
            )
        if phase is Phase.DONE:
            return f"✅ {self.heading}"
        if phase is Phase.CANCELLED:
            return f"⏹️ {self.heading}"
        if phase is Phase.SUPERSEDED:
            return f"⏭️ {self.heading}"
        if phase is Phase.PAUSED:
            return "⏸️ Paused: the bot is restarting. This render picks up where it left off."
        if phase is Phase.IDLE:
            return ""
        return f"⚠️ {self.error or 'Something went wrong.'}"
