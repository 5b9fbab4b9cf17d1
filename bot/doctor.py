"""``deckcast doctor``: what this machine has, next to what the configured setup needs.

Each check gives one finding: ``ok``, ``missing`` (the configured setup needs it: the command
exits non-zero), ``warning`` (something will be worse without it, e.g. Thai slides without a
Thai font) or ``info``; every finding that is not ``ok`` says how to fix it. Nothing here
downloads or reaches the network, and torch is imported only when it is installed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from openai_http import public_url

from .settings import Settings

# One sample per script: what render/fonts.py is asked to draw (fc-list names the language).
SCRIPTS = {
    "Latin": ("Ça déjà vu, ŋ", None),
    "Greek": ("Καλημέρα", None),
    "Cyrillic": ("Привет", None),
    "Chinese": ("光合作用", "zh"),
    "Japanese": ("ひらがな", "ja"),
    "Korean": ("한국어", "ko"),
    "Arabic": ("مرحبا", "ar"),
    "Hebrew": ("שלום", "he"),
    "Devanagari": ("नमस्ते", "hi"),
    "Thai": ("สวัสดี", "th"),
}
SHAPED = ("Arabic", "Hebrew", "Devanagari", "Thai")  # need raqm to be drawn right


class Status(StrEnum):
    OK = "ok"
    MISSING = "missing"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    name: str
    status: Status
    detail: str
    fix: str = ""


def examine(settings: Settings) -> list[Finding]:
    """Every check, in the order ``deckcast doctor`` prints them."""
    return [
        ffmpeg(),
        espeak(settings),
        *fonts(settings),
        raqm(),
        torch(settings),
        *models(settings),
        speech(settings),
        kokoro(settings),
        language_model(settings),
        *chat_platforms(settings),
        cache(settings),
        store(settings),
    ]


def ffmpeg() -> Finding:
    try:
        from render.ffmpeg import ffmpeg_exe

        exe = ffmpeg_exe()
        first = _first_line([exe, "-version"])
    except Exception as exc:
        return Finding(
            "ffmpeg",
            Status.MISSING,
            f"not found ({exc})",
            "pip install --force-reinstall imageio-ffmpeg (or set IMAGEIO_FFMPEG_EXE)",
        )
    version = first.split(" Copyright")[0].removeprefix("ffmpeg version ")
    return Finding("ffmpeg", Status.OK, f"{version} ({exe})")


def espeak(settings: Settings) -> Finding:
    from render.voice.espeak import INSTALL_HINT, EspeakBackend

    backend = EspeakBackend()
    needed = settings.voice.split(":")[0] == "espeak"
    if not backend.available():
        why = "the default voice (DECKCAST_VOICE) is espeak" if needed else "no offline voice"
        return Finding(
            "espeak-ng",
            Status.MISSING if needed else Status.WARNING,
            f"not installed; {why}",
            INSTALL_HINT + (", or DECKCAST_VOICE=silent" if needed else ""),
        )
    assert backend.executable is not None
    found = re.search(r"speech:\s*([\w.-]+)", _first_line([backend.executable, "--version"]))
    version = found.group(1) if found else "?"
    return Finding(
        "espeak-ng",
        Status.OK,
        f"{version}, {len(backend.voices())} voices ({backend.executable})",
    )


def fonts(settings: Settings) -> list[Finding]:
    """Which font render/fonts.py would draw each script with."""
    from render.fonts import font_set

    found: list[Finding] = []
    covered: dict[str, list[str]] = {}
    for script, (sample, language) in SCRIPTS.items():
        face, missing = font_set(language or "en", settings.font).pick(sample)
        if not missing:
            covered.setdefault(face.path.name, []).append(script)
            continue
        candidate = _system_font(language) if language else None
        if language in ("zh", "ja", "ko"):
            fix = "apt-get install fonts-noto-cjk (or set DECKCAST_FONT to a CJK font)"
        elif candidate:
            fix = f"DECKCAST_FONT={candidate}"
        else:
            fix = f"install a font with {script} (e.g. Noto Sans {script}) and set DECKCAST_FONT"
        status = Status.MISSING if script == "Latin" else Status.WARNING
        found.append(Finding(f"font: {script}", status, "no font draws it", fix))
    drawn = [Finding("fonts", Status.OK, f"{', '.join(s)}: {name}") for name, s in covered.items()]
    return [*drawn, *found]


def raqm() -> Finding:
    from PIL import features

    if features.check("raqm"):
        return Finding(
            "raqm", Status.OK, f"{features.version('raqm')} (shaping for {', '.join(SHAPED)})"
        )
    return Finding(
        "raqm",
        Status.WARNING,
        f"Pillow has no raqm: {', '.join(SHAPED)} text is drawn unshaped",
        "apt-get install libraqm0 (then reinstall Pillow), or brew install libraqm",
    )


def torch(settings: Settings) -> Finding:
    needed = settings.image_backend == "diffusers"
    hint = "pip install torch==2.13.0 'deckcast[diffusion]'"
    if importlib.util.find_spec("torch") is None:
        return Finding(
            "torch / GPU",
            Status.MISSING if needed else Status.INFO,
            "torch is not installed" + ("" if needed else " (only --images diffusers needs it)"),
            hint,
        )
    from render.images.loading import accelerator  # worth the second it takes

    version, where = accelerator()
    diffusers = importlib.util.find_spec("diffusers") is not None
    if needed and not diffusers:
        return Finding("torch / GPU", Status.MISSING, "diffusers is not installed", hint)
    return Finding("torch / GPU", Status.OK, f"torch {version}, {where}")


def models(settings: Settings) -> list[Finding]:
    from render.errors import ModelNotFoundError
    from render.images.models import cached_models, locate
    from render.images.presets import DEFAULT_PRESET

    from .backends import MODEL_HINTS

    local = [m for m in cached_models(settings.hf_cache_dir) if m.complete]
    listed = ", ".join(m.repo_id for m in local[:4]) + ("…" if len(local) > 4 else "")
    found = [
        Finding(
            "picture models",
            Status.OK if local else Status.INFO,
            f"{len(local)} in {settings.hf_cache_dir}" + (f": {listed}" if local else ""),
            "" if local else "deckcast models list; deckcast models pull sd-turbo",
        )
    ]
    if settings.image_backend == "diffusers":
        wanted = settings.image_model or DEFAULT_PRESET
        try:
            source = locate(
                wanted,
                cache_dir=settings.hf_cache_dir,
                config=settings.image_model_config,
                preset=settings.image_preset,
                hints=MODEL_HINTS,
            )
            found.append(Finding("configured model", Status.OK, f"{wanted} -> {source.path}"))
        except ModelNotFoundError as exc:
            found.append(
                Finding("configured model", Status.MISSING, wanted, str(exc).split("; ", 1)[-1])
            )
    elif settings.image_backend == "openai" and not (
        settings.openai_api_key or settings.openai_images_base_url or settings.openai_base_url
    ):
        found.append(
            Finding(
                "images API",
                Status.MISSING,
                "DECKCAST_IMAGE_BACKEND=openai without a key or server",
                "set DECKCAST_OPENAI_API_KEY, or DECKCAST_OPENAI_BASE_URL for your own server",
            )
        )
    return found


def speech(settings: Settings) -> Finding:
    kind = settings.voice.split(":")[0]
    if kind != "openai":
        return Finding("voice", Status.OK, f"default voice: {settings.voice}")
    if settings.tts_api_key or settings.openai_api_key or settings.tts_base_url:
        server = public_url(settings.tts_base_url or settings.openai_base_url or "OpenAI")
        return Finding("voice", Status.OK, f"{settings.voice} via {server}")
    return Finding(
        "voice",
        Status.MISSING,
        f"DECKCAST_VOICE={settings.voice} without a key or speech server",
        "set DECKCAST_OPENAI_API_KEY, or DECKCAST_TTS_BASE_URL (a local Kokoro/Piper server)",
    )


def kokoro(settings: Settings) -> Finding:
    """The natural offline voice: its model and voices on disk, and the languages they give
    ``auto`` (which takes espeak-ng for a language no Kokoro voice here speaks)."""
    from render.errors import VoiceSetupError
    from render.voice.kokoro import READERS, voice_reader

    from .backends import build_kokoro

    backend = build_kokoro(settings)
    problem = backend.problem()
    if problem is not None:
        asked = settings.voice.split(":")[0] == "kokoro" or settings.kokoro_model
        return Finding(
            "kokoro voice",
            Status.MISSING if asked else Status.INFO,
            f"not here: {problem}",
            "deckcast voices pull kokoro (a natural offline voice; espeak-ng speaks until then)",
        )
    try:
        names = backend.voices()
    except VoiceSetupError as exc:
        return Finding("kokoro voice", Status.MISSING, f"broken: {exc}", backend.setup_hint())
    languages = sorted({READERS[r] for name in names if (r := voice_reader(name))})
    return Finding(
        "kokoro voice",
        Status.OK,
        f"{len(names)} voices ({', '.join(languages) or 'no known language'}); "
        f"{backend.files().model.describe()}",
    )


def language_model(settings: Settings) -> Finding:
    if not settings.llm_model:
        return Finding(
            "language model",
            Status.INFO,
            "not configured: outlines and structural edits only",
            "set DECKCAST_LLM_MODEL (and OPENAI_BASE_URL / OPENAI_API_KEY) for free text",
        )
    if not settings.openai_api_key and not settings.openai_base_url:
        return Finding(
            "language model",
            Status.MISSING,
            f"{settings.llm_model} without OPENAI_API_KEY or OPENAI_BASE_URL",
            "set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server",
        )
    where = public_url(settings.openai_base_url) if settings.openai_base_url else "OpenAI"
    return Finding("language model", Status.OK, f"{settings.llm_model} at {where} (not called)")


def chat_platforms(settings: Settings) -> list[Finding]:
    found = []
    for name, configured, modules, extra in (
        ("discord", settings.discord_token is not None, ("discord", "aiohttp"), "discord"),
        ("slack", settings.slack_bot_token is not None, ("slack_bolt", "slack_sdk"), "slack"),
    ):
        absent = [m for m in (*modules, "prometheus_client") if not _installed(m)]
        fix = f"pip install 'deckcast[{extra}]'"
        if absent:
            status = Status.MISSING if configured else Status.INFO
            detail = f"{', '.join(absent)} not installed"
            found.append(Finding(f"{name} bot", status, detail, fix))
        elif configured:
            found.append(Finding(f"{name} bot", Status.OK, "token set, libraries installed"))
        else:
            found.append(Finding(f"{name} bot", Status.INFO, "libraries installed, no token set"))
    return found


def cache(settings: Settings) -> Finding:
    folder = settings.cache_dir
    cap = f"cap {settings.cache_max_gb:g} GB" if settings.cache_max_bytes else "no cap"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".doctor"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return Finding(
            "asset cache",
            Status.MISSING,
            f"{folder} is not writable ({exc.strerror or exc})",
            "set DECKCAST_CACHE_DIR to a folder you can write",
        )
    free = shutil.disk_usage(folder).free / 1e9
    status = Status.OK
    fix = ""
    if settings.cache_max_bytes and free < settings.cache_max_gb * 0.2:
        status, fix = Status.WARNING, "lower DECKCAST_CACHE_MAX_GB or free some disk"
    return Finding("asset cache", status, f"{folder} ({cap}, {free:.1f} GB free)", fix)


def store(settings: Settings) -> Finding:
    from .store import Store

    where = public_url(settings.database_url)

    async def reach() -> int:
        opened = await Store.open(settings.database_url)
        try:
            return sum((await opened.job_counts()).values())
        finally:
            opened.close()

    try:
        jobs = asyncio.run(asyncio.wait_for(reach(), 15))
    except Exception as exc:
        why = (str(exc).splitlines() or [""])[0].replace(settings.database_url, where)[:200]
        return Finding(
            "store",
            Status.MISSING,
            f"{where}: {type(exc).__name__}: {why}",
            "check DECKCAST_DATABASE_URL (and that the database server runs)",
        )
    return Finding("store", Status.OK, f"{where} ({jobs} jobs)")


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _first_line(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=True)
    return (done.stdout or done.stderr).splitlines()[0]


def _system_font(language: str) -> str | None:
    """A font file fontconfig says covers ``language`` (a concrete DECKCAST_FONT to suggest)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, f":lang={language}", "file"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.rstrip(": ").strip() for line in listing.splitlines() if line.strip())
    preferred = [f for f in files if "NotoSans" in Path(f).name and "Regular" in Path(f).name]
    return (preferred or files or [None])[0]
