"""espeak-ng: the offline voice (Debian: ``apt-get install espeak-ng``)."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
from pathlib import Path

from ..children import CHILD_OPTIONS
from ..errors import VoiceError

INSTALL_HINT = (
    "install espeak-ng (Debian/Ubuntu: apt-get install espeak-ng; macOS: brew install espeak-ng)"
)


class EspeakBackend:
    name = "espeak"
    needs_finishing = True

    def __init__(self, *, executable: str | None = None, words_per_minute: int = 165) -> None:
        self.executable = executable or shutil.which("espeak-ng") or shutil.which("espeak")
        self.words_per_minute = words_per_minute
        self.concurrency = max(1, os.cpu_count() or 1)

    def available(self) -> bool:
        return self.executable is not None

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        return {
            "backend": self.name,
            "voice": self.resolve(voice, language),
            "wpm": self.words_per_minute,
        }

    def voices(self) -> set[str]:
        return _voices(self.executable) if self.executable else set()

    def resolve(self, voice: str | None, language: str) -> str:
        """The espeak voice to use: the one named, else the deck's language (``pt-BR`` then
        ``pt``), else English."""
        known = self.voices()
        if voice:
            if voice.lower() in known:
                return voice.lower()
            close = sorted(v for v in known if v.split("-")[0] == voice.lower().split("-")[0])
            hint = f"; close matches: {', '.join(close[:8])}" if close else ""
            raise VoiceError(f"espeak-ng has no voice '{voice}'{hint} (see: espeak-ng --voices)")
        lang = language.lower()
        for candidate in (lang, lang.split("-")[0]):
            if candidate in known:
                return candidate
        return "en"

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        if not self.executable:
            raise VoiceError(f"espeak-ng is not installed: {INSTALL_HINT}, or use the silent voice")
        name = self.resolve(voice, language)
        process = await asyncio.create_subprocess_exec(
            self.executable,
            "-v",
            name,
            "-s",
            str(self.words_per_minute),
            "-w",
            str(out),
            "--stdin",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            **CHILD_OPTIONS,  # type: ignore[arg-type]
        )
        try:
            _, stderr = await process.communicate(text.encode("utf-8"))
        except asyncio.CancelledError:
            process.kill()
            await process.wait()
            raise
        if process.returncode != 0:
            raise VoiceError(
                f"espeak-ng failed: {stderr.decode('utf-8', 'replace').strip()[-300:]}"
            )


@functools.cache
def _voices(executable: str) -> set[str]:
    try:
        listing = subprocess.run(
            [executable, "--voices"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    names: set[str] = set()
    for line in listing.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2:
            names.add(parts[1].lower())
    return names
