"""The terminal's replies: messages on stdout, render progress as a rich bar on stderr."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from deck import Deck, slides_count

from ..engine import ExportReady, JobUpdate, VideoReady, script_lines

BOT = "[bold cyan]deckcast>[/]"


class TerminalSink:
    """Replies printed to a terminal; progress as a rich bar on stderr."""

    def __init__(self, out: Console, err: Console) -> None:
        self.out = out
        self.err = err
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    async def say(self, text: str) -> None:
        self._stop()
        self.out.print(f"{BOT} {escape(text)}")

    async def planned(self, deck: Deck, version: int) -> None:
        self._stop()
        self.out.print(
            f"{BOT} [bold]{escape(deck.title)}[/] — {slides_count(len(deck.slides))} "
            f"(version {version})"
        )
        for i, slide in enumerate(deck.slides, 1):
            self.out.print(f"  {i}. {escape(slide.title)}")

    async def progress(self, update: JobUpdate) -> None:
        if update.state == "queued":
            if update.waits:
                where = (
                    f" (number {update.queue_position} in the queue)"
                    if update.queue_position
                    else ""
                )
                self.out.print(f"{BOT} version {update.version} is waiting to render{where}")
            return
        if update.finished:
            self._stop()
            self.out.print(f"{BOT} version {update.version}: {update.state}")
            return
        event = update.event
        if event is None:
            return
        if self._progress is None:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description:<11}"),
                BarColumn(bar_width=30),
                TextColumn("slide {task.fields[done]}/{task.fields[slides]}"),
                TimeElapsedColumn(),
                console=self.err,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                "rendering", total=event.total, done=0, slides=event.slides
            )
        assert self._task is not None
        self._progress.update(
            self._task,
            description=event.stage.value,
            completed=event.done,
            total=event.total,
            done=event.slides_done,
            slides=event.slides,
        )

    async def storyboard(self, path: Path, deck: Deck, version: int) -> None:
        self.err.print(f"storyboard: {escape(str(path))}")

    async def video(self, ready: VideoReady) -> None:
        self._stop()
        note = " (resumed after a restart)" if ready.resumed else ""
        self.out.print(
            f"{BOT} video: [bold]{escape(str(ready.video))}[/]{note}\n"
            f"  {ready.duration:.1f} s · {ready.size_bytes / 1e6:.1f} MB · "
            f"{slides_count(ready.slides)} "
            f"({ready.slides_from_cache} from cache) · version {ready.version}"
        )
        for warning in ready.warnings:
            self.out.print(f"  [yellow]note:[/] {escape(warning)}")

    async def script(self, markdown: str, deck: Deck, version: int) -> None:
        self._stop()
        self.out.print(f"{BOT} the script of version {version}:")
        self.out.print(escape(markdown), markup=True, highlight=False, soft_wrap=True)

    async def exported(self, ready: ExportReady) -> None:
        self._stop()
        self.out.print(f"{BOT} version {ready.version} as PowerPoint and PDF:")
        for path in ready.files:
            self.out.print(f"  {escape(str(path))}")

    async def report(self, text: str) -> None:
        self._stop()
        self.out.print(f"{BOT} {escape(_plain(text))}", highlight=False, soft_wrap=True)

    async def script_review(self, conversation_id: str, deck: Deck, version: int) -> None:
        self._stop()
        self.out.print(
            f"{BOT} the script of version {version}, for review (no picture yet); "
            'say "render" to make the video, or say what to change:'
        )
        for line in script_lines(deck):
            self.out.print(f"  {escape(line)}", highlight=False)

    async def approved(self, version: int, approvers: Sequence[str]) -> None:
        self._stop()
        names = ", ".join(_plain(f"<@{user}>") for user in approvers)
        self.out.print(f"{BOT} version {version} approved by {escape(names)}")

    async def too_big(self, ready: VideoReady, limit: int) -> None:
        await self.video(ready)  # a terminal has no upload limit: the file is on disk

    async def failed(self, message: str, *, version: int | None = None) -> None:
        self._stop()
        self.out.print(f"[bold red]deckcast>[/] {escape(message)}")

    async def close(self) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._task = None


def _plain(text: str) -> str:
    """People as their names: a terminal has no mentions (``<@ana>`` is ana)."""
    return re.sub(r"<@([^>]+)>", r"\1", text)
