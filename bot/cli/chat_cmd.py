"""``deckcast chat``: a conversation in the terminal (plan, render, revise, undo, resume)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer

from deck import Motion
from render import Resolution, Transition
from render.music import check_music

from ..engine import AudioFile
from ..services import Services
from ..settings import Settings
from ..terminal import chat
from .console import friendly_errors
from .render_cmd import MotionOpt, read_outline

ResumeOpt = Annotated[
    str | None, typer.Option("--resume", help="Continue the conversation with this id.")
]
OutlineOpt = Annotated[
    Path | None,
    typer.Option("--outline", help="Start from this Markdown outline instead of a request."),
]
VoiceOpt = Annotated[str | None, typer.Option("--voice", help="espeak[:lang] or silent.")]
ResolutionOpt = Annotated[
    Resolution | None, typer.Option("--resolution", help="Frame size [default: 1080p].")
]
CaptionsOpt = Annotated[
    bool, typer.Option("--captions/--no-captions", help="Burn captions into the video.")
]
TransitionOpt = Annotated[Transition, typer.Option("--transition", help="Between slides.")]
MusicOpt = Annotated[
    Path | None,
    typer.Option("--music", help="Background music for the new deck (MP3, WAV, OGG...)."),
]
OutDirOpt = Annotated[
    Path | None,
    typer.Option("--out-dir", help="Where videos go [default: out/<conversation>/v<N>.mp4]."),
]


def register(app: typer.Typer) -> None:
    @app.command("chat")
    @friendly_errors
    def chat_command(
        ctx: typer.Context,
        resume: ResumeOpt = None,
        outline: OutlineOpt = None,
        voice: VoiceOpt = None,
        resolution: ResolutionOpt = None,
        captions: CaptionsOpt = False,
        transition: TransitionOpt = Transition.NONE,
        motion: MotionOpt = None,
        out_dir: OutDirOpt = None,
        music: MusicOpt = None,
    ) -> None:
        """Talk to deckcast in the terminal: the first message is the request (or a pasted
        outline between ``` lines), every later one a revision ("simpler words on slide 3",
        "swap slides 2 and 4", "watercolor style", "undo", "redo", "show me the script").

        Conversations are saved: continue one later with --resume ID.
        """
        settings: Settings = ctx.obj
        text = read_outline(outline) if outline else None
        audio = None
        if music is not None:  # a bad file is told before anything starts
            asyncio.run(check_music(music))
            audio = AudioFile(music.name, music.read_bytes())
        render = {
            "voice": voice,
            "resolution": resolution,
            "captions": captions,
            "transition": transition,
            "motion": motion.value if isinstance(motion, Motion) else None,
        }
        raise typer.Exit(
            asyncio.run(_run(settings, resume, text, render, out_dir or settings.out_dir, audio))
        )


async def _run(
    settings: Settings,
    resume: str | None,
    outline: str | None,
    render: dict[str, object],
    out_dir: Path,
    audio: AudioFile | None = None,
) -> int:
    if settings.log_format == "text" and logging.getLogger().level > logging.DEBUG:
        # The terminal is the chat: job lifecycle lines (for bots' logs) would interleave
        # with it. -v or DECKCAST_LOG_FORMAT=json shows them.
        logging.getLogger("bot.jobs").setLevel(logging.WARNING)
    services = await Services.open(settings, videos_dir=out_dir)
    try:
        return await chat(
            services.engine,
            resume=resume,
            outline=outline,
            render={k: v for k, v in render.items() if v is not None},
            audio=audio,
        )
    finally:
        await services.close()
