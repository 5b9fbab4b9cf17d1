"""``deckcast render``: a Markdown outline becomes an MP4 (plus storyboard and subtitles)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any

import typer

from deck import Aspect, Deck, DeckEdit, Motion, SetDeck, SetTheme, apply, parse_outline
from render import (
    CaptionMode,
    RenderOptions,
    RenderResult,
    Resolution,
    Transition,
    check_output,
)
from render.export import check_targets, export_deck
from render.music import check_music

from ..backends import build_renderer
from ..errors import UserInputError
from ..settings import Settings
from .console import RenderProgress, console, friendly_errors, print_export, print_summary


def read_outline(path: Path) -> str:
    """The text of an outline file, or a clear error (missing, a folder, binary, not UTF-8)."""
    if not path.exists():
        raise UserInputError(f"no such file: {path}")
    if path.is_dir():
        raise UserInputError(f"{path} is a folder; give a Markdown outline file")
    data = path.read_bytes()
    if b"\x00" in data:
        raise UserInputError(f"{path} is not a text file; give a Markdown outline")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None


def load_deck(
    outline: Path,
    settings: Settings,
    *,
    theme: str | None,
    style: str | None,
    aspect: Aspect | None,
) -> Deck:
    """The deck of an outline file, with the settings' default theme and the command line's
    theme, style and frame shape applied."""
    defaults = {"theme": {"name": settings.theme}} if settings.theme else None
    deck = parse_outline(read_outline(outline), defaults=defaults)
    return restyle(deck, theme=theme, style=style, aspect=aspect)


def restyle(deck: Deck, *, theme: str | None, style: str | None, aspect: Aspect | None) -> Deck:
    """``deck`` with the command line's theme, picture style and frame shape applied."""
    edits: list[DeckEdit] = []
    if theme or style:
        edits.append(SetTheme(name=theme, style=style))
    if aspect:
        edits.append(SetDeck(aspect=aspect))
    return apply(deck, edits) if edits else deck


OutlineArg = Annotated[
    Path, typer.Argument(help="Markdown outline: '## Title' per slide, '- bullets', '> narration'.")
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Video to write [default: out/<outline>.mp4]."),
]
ThemeOpt = Annotated[
    str | None, typer.Option("--theme", help="light, dark, chalkboard, ocean or sunset.")
]
StyleOpt = Annotated[str | None, typer.Option("--style", help="Picture style, e.g. 'watercolor'.")]
AspectOpt = Annotated[Aspect | None, typer.Option("--aspect", help="Frame shape.")]
ResolutionOpt = Annotated[
    Resolution | None, typer.Option("--resolution", help="Frame size [default: 1080p].")
]
VoiceOpt = Annotated[
    str | None,
    typer.Option(
        "--voice",
        help="auto (Kokoro when it can speak the deck, else espeak-ng), kokoro[:voice] (see "
        "'deckcast voices list'), espeak[:lang], openai[:voice] (OpenAI or "
        "DECKCAST_TTS_BASE_URL) or silent [default: auto].",
    ),
]
ImagesOpt = Annotated[
    str | None,
    typer.Option(
        "--images",
        help="Picture backend: illustrated (offline, the default: drawings of the slide's "
        "subject), procedural (offline abstract art), diffusers (a local model, see "
        "'deckcast models list') or openai (the Images API).",
    ),
]
CaptionsOpt = Annotated[
    bool,
    typer.Option(
        "--captions/--no-captions",
        help="Burn captions into the video, a line at a time ('--captions words': the word "
        "being spoken highlighted, the short-form 9:16 style).",
    ),
]
CaptionStyleOpt = Annotated[
    CaptionMode | None,
    typer.Option(
        "--caption-style",
        help="none, lines or words (12 fps; what '--captions words' means). The SRT/VTT "
        "files beside the video are the same in every style.",
    ),
]
TransitionOpt = Annotated[Transition, typer.Option("--transition", help="Between slides.")]
PptxFlag = Annotated[
    bool, typer.Option("--pptx", help="Also write the deck as PowerPoint, beside the video.")
]
PdfFlag = Annotated[
    bool, typer.Option("--pdf", help="Also write the deck as PDF, beside the video.")
]
MusicOpt = Annotated[
    Path | None,
    typer.Option(
        "--music",
        help="Background music (MP3, WAV, OGG, FLAC, M4A): looped or cut to the video, faded, "
        "and ducked under the narration [default: the outline's 'music:' line, if any].",
    ),
]
MusicLevelOpt = Annotated[
    float,
    typer.Option(
        "--music-level",
        min=-18,
        max=6,
        help="The music's level in dB against the usual bed (negative is quieter).",
    ),
]
MotionOpt = Annotated[
    Motion | None,
    typer.Option(
        "--motion",
        help="Pictures under the still text: gentle (slow zooms on title and full-picture "
        "slides), kenburns (every picture, further, with pans) or none [default: the "
        "outline's 'motion:', else gentle].",
    ),
]
FpsOpt = Annotated[
    int | None,
    typer.Option(
        "--fps",
        min=1,
        max=60,
        help="Frame rate of the slides; cross-fade windows run at 24 [default: 2].",
    ),
]


def music_file(outline: Path, deck: Deck, music: Path | None) -> Path | None:
    """The music to play: the command line's, else the outline's ``music:`` line, which is a
    path relative to the outline file (as a Markdown image link would be)."""
    if music is not None:
        return music
    if deck.music:
        return outline.parent / Path(deck.music).expanduser()
    return None


def stoppable(render: Coroutine[Any, Any, RenderResult], target: Path) -> RenderResult:
    """Run ``render``; Ctrl+C or SIGTERM (``kill``, ``timeout``, a CI job stopped) stops it
    (its children killed, no half-written video, no storyboard of a video that never came) and
    says that the slides finished so far are kept, instead of ending with a bare newline (or,
    for SIGTERM, silently with the storyboard left behind)."""
    terminated = False
    began = time.time()

    async def run() -> RenderResult:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()

        def terminate() -> None:
            nonlocal terminated
            terminated = True
            task.cancel()

        loop.add_signal_handler(signal.SIGTERM, terminate)
        try:
            return await render
        finally:
            loop.remove_signal_handler(signal.SIGTERM)

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        code = 130
    except asyncio.CancelledError:
        if not terminated:
            raise
        code = 143
    board = target.with_suffix(".storyboard.png")
    with contextlib.suppress(OSError):
        if board.stat().st_mtime >= began - 1:  # this run's, for a video not written
            board.unlink()
    console.print(
        "[yellow]stopped:[/] no video written; the slides finished so far are cached, "
        "so the same command goes on from there"
    )
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    @app.command("render")
    @friendly_errors
    def render_command(
        ctx: typer.Context,
        outline: OutlineArg,
        output: OutputOpt = None,
        theme: ThemeOpt = None,
        style: StyleOpt = None,
        aspect: AspectOpt = None,
        resolution: ResolutionOpt = None,
        voice: VoiceOpt = None,
        images: ImagesOpt = None,
        captions: CaptionsOpt = False,
        caption_style: CaptionStyleOpt = None,
        transition: TransitionOpt = Transition.NONE,
        fps: FpsOpt = None,
        music: MusicOpt = None,
        music_level: MusicLevelOpt = 0.0,
        motion: MotionOpt = None,
        pptx: PptxFlag = False,
        pdf: PdfFlag = False,
    ) -> None:
        """Render a Markdown outline into a narrated MP4, a storyboard PNG and SRT/VTT subtitles
        (and, with --pptx / --pdf, the deck as PowerPoint and PDF files beside them).

        Only what changed since the last render is made again: pictures, frames, narration and
        encoded slides come from the cache (see DECKCAST_CACHE_DIR).
        """
        settings: Settings = ctx.obj
        deck = load_deck(outline, settings, theme=theme, style=style, aspect=aspect)
        target = output or settings.out_dir / f"{outline.stem}.mp4"
        if output is None:
            target.parent.mkdir(parents=True, exist_ok=True)
        check_output(target)
        pptx_path = target.with_suffix(".pptx") if pptx else None
        pdf_path = target.with_suffix(".pdf") if pdf else None
        exports = check_targets(pptx=pptx_path, pdf=pdf_path)
        options = RenderOptions(
            resolution=resolution or settings.resolution,
            captions=caption_style or CaptionMode.of(captions),
            transition=transition,
            fps=fps or settings.fps,
            motion=motion.value if motion else None,
            voice=voice,
            default_voice=settings.voice,
            extra_font=settings.font,
            music=music_file(outline, deck, music),
            music_level_db=music_level,
        )
        if options.music is not None:  # a bad file is told before any model is loaded
            asyncio.run(check_music(options.music))
        with build_renderer(settings, images=images) as renderer:
            with RenderProgress(deck.title) as bar:
                result = stoppable(renderer.render(deck, target, options, bar), target)
            print_summary(result)
            if exports:  # after the video, so every picture comes from the cache
                with console.status("exporting the deck"):
                    exported = asyncio.run(
                        export_deck(renderer, deck, pptx=pptx_path, pdf=pdf_path, options=options)
                    )
                print_export(exported)
