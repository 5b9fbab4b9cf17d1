"""``deckcast chat``'s conversation loop: lines typed (or piped) on stdin are messages. The
first is the request; every later one is a revision. A Markdown outline can be pasted between
``` fences."""

from __future__ import annotations

import asyncio
import getpass
import sys
from dataclasses import replace
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from ..engine import AudioFile, ConversationEngine, Incoming
from .sink import BOT, TerminalSink

PLATFORM = "terminal"
QUIT = {"quit", "exit", "bye", ":q"}


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
    audio: AudioFile | None = None,
    stdin: TextIO = sys.stdin,
    out: Console | None = None,
    err: Console | None = None,
) -> int:
    """Run a terminal conversation until EOF or "quit"; returns an exit code. ``audio``: music
    for a new conversation's deck."""
    out = out or Console(highlight=False, soft_wrap=True)
    err = err or Console(stderr=True, highlight=False, soft_wrap=True)
    sink = TerminalSink(out, err)
    user = getpass.getuser()
    conversation_id: str | None = None
    if resume:
        owner = await engine.owner_of(resume)
        if owner is None:
            missing = escape(resume)
            hint = "is DECKCAST_DATABASE_URL the same as before?"
            err.print(f"[bold red]error:[/] no conversation '{missing}' ({hint})")
            return 1
        conversation_id, user = resume, owner

        async def here(_conversation_id: str, _owner: str, _job_id: str) -> TerminalSink:
            return sink  # a render left unfinished by the last run reports here

        engine.register_platform(PLATFORM, here)
        deck, version = await engine.current(resume)
        out.print(f"{BOT} resumed conversation {resume}: {escape(deck.title)} (version {version})")
        await engine.recover()
        await engine.wait_idle(resume)
    elif outline is not None:
        conversation_id = await _start(
            engine,
            Incoming(
                PLATFORM,
                user,
                "",
                PLATFORM,
                outline=outline,
                render=dict(render or {}),
                audio=audio,
            ),
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
            conversation_id = await _start(engine, replace(incoming, audio=audio), sink, out)
            continue
        await engine.handle(conversation_id, incoming, sink)
        await engine.wait_idle(conversation_id)
    if conversation_id is not None:
        await engine.wait_idle(conversation_id)
        out.print(f"{BOT} bye — continue later with: deckcast chat --resume {conversation_id}")
    return 0


async def _start(
    engine: ConversationEngine, incoming: Incoming, sink: TerminalSink, out: Console
) -> str | None:
    record = await engine.start(incoming, sink)
    if record is None:
        return None
    out.print(f"{BOT} conversation {record.id} (resume with: deckcast chat --resume {record.id})")
    await engine.wait_idle(record.id)
    return record.id
