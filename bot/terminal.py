"""The terminal front-end: ``deckcast chat``, the same engine the chat bots use.

Lines typed (or piped) on stdin are messages. The first is the request; every later one is a
revision. A Markdown outline can be pasted between ``` fences. Replies go to stdout; the
progress bar goes to stderr.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from deck import Deck

from .conversation import ConversationEngine, Incoming
from .replies import ExportReady, JobUpdate, VideoReady

PLATFORM = "terminal"
BOT = "[bold cyan]deckcast>[/]"
QUIT = {"quit", "exit", "bye", ":q"}


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
            f"{BOT} [bold]{escape(deck.title)}[/] — {len(deck.slides)} slides (version {version})"
        )
        for i, slide in enumerate(deck.slides, 1):
            self.out.print(f"  {i}. {escape(slide.title)}")

    async def progress(self, update: JobUpdate) -> None:
        if update.state == "queued":
            where = (
                f" (number {update.queue_position} in the queue)" if update.queue_position else ""
            )
            self.out.print(f"{BOT} version {update.version} is waiting to render{where}")
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
            f"  {ready.duration:.1f} s · {ready.size_bytes / 1e6:.1f} MB · {ready.slides} slides "
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

    async def failed(self, message: str, *, version: int | None = None) -> None:
        self._stop()
        self.out.print(f"[bold red]deckcast>[/] {escape(message)}")

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._task = None


async def read_message(
    stream: TextIO, prompt: str, console: Console
) -> tuple[str, str | None] | None:
    """The next message: (text, outline) — an outline when it was fenced with ```. None at EOF."""
    if stream.isatty():
        console.print(prompt, end="")
    line = await asyncio.to_thread(stream.readline)
    if not line:
        return None
    if line.strip().startswith("```"):
        lines: list[str] = []
        while True:
            more = await asyncio.to_thread(stream.readline)
            if not more or more.strip().startswith("```"):
                break
            lines.append(more)
        return "", "".join(lines)
    return line.strip(), None


async def chat(
    engine: ConversationEngine,
    *,
    resume: str | None = None,
    outline: str | None = None,
    render: dict[str, object] | None = None,
    stdin: TextIO = sys.stdin,
    out: Console | None = None,
    err: Console | None = None,
) -> int:
    """Run a terminal conversation until EOF or "quit"; returns an exit code."""
    out = out or Console(highlight=False, soft_wrap=True)
    err = err or Console(stderr=True, highlight=False, soft_wrap=True)
    sink = TerminalSink(out, err)
    user = getpass.getuser()
    conversation_id: str | None = None
    if resume:
        record = await engine.store.conversation(resume)
        if record is None:
            missing = escape(resume)
            hint = "is DECKCAST_DATABASE_URL the same as before?"
            err.print(f"[bold red]error:[/] no conversation '{missing}' ({hint})")
            return 1
        conversation_id = record.id
        user = record.owner
        engine.attach(record.id, sink)
        deck, version = await engine.current(record.id)
        out.print(
            f"{BOT} resumed conversation {record.id}: {escape(deck.title)} (version {version})"
        )
        await engine.recover()
        await engine.queue.wait_idle(record.id)
    elif outline is not None:
        conversation_id = await _start(
            engine,
            Incoming(PLATFORM, user, "", PLATFORM, outline=outline, render=dict(render or {})),
            sink,
            out,
        )
        if conversation_id is None:
            return 1
    else:
        out.print(
            f"{BOT} What should the video explain? (paste an outline between ``` lines; "
            "'quit' to leave)"
        )
    while True:
        message = await read_message(stdin, "[bold]you>[/] ", out)
        if message is None:
            break
        text, fenced = message
        if not text and fenced is None:
            continue
        if text.lower() in QUIT:
            break
        incoming = Incoming(
            PLATFORM, user, text, PLATFORM, outline=fenced, render=dict(render or {})
        )
        if conversation_id is None:
            conversation_id = await _start(engine, incoming, sink, out)
            continue
        await engine.handle(conversation_id, incoming, sink)
        await engine.queue.wait_idle(conversation_id)
    if conversation_id is not None:
        await engine.queue.wait_idle(conversation_id)
        out.print(f"{BOT} bye — continue later with: deckcast chat --resume {conversation_id}")
    return 0


async def _start(
    engine: ConversationEngine, incoming: Incoming, sink: TerminalSink, out: Console
) -> str | None:
    record = await engine.start(incoming, sink)
    if record is None:
        return None
    out.print(f"{BOT} conversation {record.id} (resume with: deckcast chat --resume {record.id})")
    await engine.queue.wait_idle(record.id)
    return record.id
