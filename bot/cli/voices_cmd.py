"""``deckcast voices``: the voices on this machine, what each speaks, and Kokoro's download.

``list`` shows every voice backend and whether it can speak here; for Kokoro, where its model
and voices file are and which languages each voice was made for. ``pull kokoro`` is the only
command that downloads a voice model: renders never do.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from render.download import Asset
from render.download import Progress as ByteProgress
from render.errors import VoiceSetupError
from render.voice.espeak import EspeakBackend
from render.voice.kokoro import (
    JAPANESE_HINT,
    READERS,
    KokoroBackend,
    japanese_reader_installed,
    voice_reader,
)
from render.voice.kokoro_model import RELEASE_URL, pull

from ..backends import build_voices
from ..errors import UserInputError
from ..settings import Settings
from .console import console, friendly_errors, out

voices_app = typer.Typer(
    name="voices",
    help="Narration voices: what is on this machine, what each speaks, downloads.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

NameArg = Annotated[str, typer.Argument(help="What to download: kokoro.")]


@voices_app.command("list")
@friendly_errors
def list_voices(ctx: typer.Context) -> None:
    """Show each voice, whether it can speak here, and the languages of Kokoro's voices."""
    settings: Settings = ctx.obj
    voices = build_voices(settings)
    out.print(
        f"default: DECKCAST_VOICE={escape(settings.voice)} (auto: Kokoro when it can speak the "
        "deck's language, else espeak-ng)",
        soft_wrap=True,
    )
    kokoro = voices.get("kokoro")
    if isinstance(kokoro, KokoroBackend):
        _print_kokoro(kokoro)
    espeak = voices.get("espeak")
    if isinstance(espeak, EspeakBackend):
        if espeak.available():
            known = espeak.voices()
            out.print(
                f"espeak   here: espeak-ng, {len(known)} voices (espeak:LANG, e.g. espeak:fr)"
            )
        else:
            out.print("espeak   not installed (apt-get install espeak-ng)")
    openai = voices.get("openai")
    if openai is not None:
        state = "set up" if openai.available() else "not set up"
        hint = "" if openai.available() else f": {getattr(openai, 'setup_hint', '')}"
        out.print(f"openai   {state}{escape(hint)} (openai:VOICE)", soft_wrap=True)
    out.print("silent   here (no sound; slide lengths from the word count)")


def _print_kokoro(kokoro: KokoroBackend) -> None:
    problem = kokoro.problem()
    if problem is not None:
        out.print(f"kokoro   not here: {escape(problem)}", soft_wrap=True)
        return
    files = kokoro.files()
    try:
        names = kokoro.voices()
    except VoiceSetupError as exc:
        out.print(f"kokoro   broken: {escape(str(exc))}", soft_wrap=True)
        return
    out.print(f"kokoro   here: {len(names)} voices (kokoro:VOICE)")
    out.print(f"  model   {escape(files.model.describe())}", soft_wrap=True)
    out.print(f"  voices  {escape(files.voices.describe())}", soft_wrap=True)
    by_language: dict[str, list[str]] = {}
    for name in names:
        reader = voice_reader(name)
        by_language.setdefault(READERS[reader] if reader else "other", []).append(name)
    for language, members in by_language.items():
        note = ""
        if language == READERS["ja"] and not japanese_reader_installed():
            note = f" (reading Japanese needs: {JAPANESE_HINT})"
        out.print(f"  {language:<19} {', '.join(members)}{escape(note)}", soft_wrap=True)
    out.print(
        f"  speaks {', '.join(READERS.values())}: any voice reads any of them (its voice only "
        "sets the timbre); under auto a deck needs a voice of its own language",
        soft_wrap=True,
    )


@voices_app.command("pull")
@friendly_errors
def pull_voice(ctx: typer.Context, name: NameArg) -> None:
    """Download Kokoro-82M (int8 ONNX, 92 MB) and its 54 voices (28 MB) from the kokoro-onnx
    release, checking each file's size and SHA-256 (the one command that downloads them)."""
    settings: Settings = ctx.obj
    if name.strip().lower() != "kokoro":
        raise UserInputError(
            f"'{name}' cannot be pulled: only kokoro can (espeak-ng comes with your system's "
            "packages: apt-get install espeak-ng)"
        )
    folder = settings.kokoro_folder
    base_url = settings.kokoro_url or RELEASE_URL
    columns = (
        TextColumn("{task.description}"),
        BarColumn(bar_width=28),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:

        def progress(asset: Asset) -> ByteProgress:
            console.print(f"downloading {escape(asset.describe())} from {escape(base_url)}")
            task = bar.add_task(asset.name, total=asset.size)
            return lambda done, total: bar.update(task, completed=done, total=total)

        fetched = pull(folder, base_url=base_url, progress=progress)
    parts = [
        f"{asset.name} ({asset.size / 1e6:.1f} MB, {'SHA-256 checked' if new else 'already here'})"
        for asset, _path, new in fetched
    ]
    out.print(f"[bold green]✓[/] kokoro: {', '.join(parts)}", soft_wrap=True)
    out.print(f"  {escape(str(folder))}", soft_wrap=True)
    kokoro = build_voices(settings).get("kokoro")
    if isinstance(kokoro, KokoroBackend) and kokoro.available():
        names = kokoro.voices()
        languages = {voice_reader(v) for v in names} - {None}
        out.print(
            f"  {len(names)} voices in {len(languages)} languages (see: deckcast voices list)"
        )
    out.print(
        "  use it: deckcast render OUTLINE.md (DECKCAST_VOICE=auto) or --voice kokoro[:VOICE]"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(voices_app, name="voices")
