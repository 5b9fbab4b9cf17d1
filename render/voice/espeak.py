"""espeak-ng: the offline voice (Debian: ``apt-get install espeak-ng``).

The deck's language picks the voice through :func:`~render.voice.languages.pick_voice`
(``fr`` -> ``fr-fr``, ``zh`` -> ``cmn-latn-pinyin``, ``pt-BR`` -> ``pt-br``); a language
espeak-ng cannot speak is read by its English voice, and the render says so. Text in a script
the deck's language is not written in (an English slide quoting 光合作用, a Chinese slide
naming a CPU) is spoken by a voice of that script's language, one espeak-ng call per span; a
span no voice can read is left out of the speech rather than spelled out letter by letter.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import shutil
import subprocess
import wave
from pathlib import Path

from ..audio import silence, write_wav
from ..children import CHILD_OPTIONS, communicate
from ..errors import VoiceError
from ..scripts import Span, scripts_of, speech_spans
from .languages import VoicePick, parse_language, pick_voice

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "install espeak-ng (Debian/Ubuntu: apt-get install espeak-ng; macOS: brew install espeak-ng)"
)
FALLBACK_VOICE = "en"
# Voices chosen over espeak-ng's own name for a language: its "cmn" reads characters as
# pinyin with the tone digits said in English; "cmn-latn-pinyin" speaks them as Mandarin.
PREFERRED = {
    "en": "en", "en-us": "en-us", "en-gb": "en-gb", "fr": "fr-fr", "zh": "cmn-latn-pinyin",
    "zh-hant": "cmn-latn-pinyin", "zh-tw": "cmn-latn-pinyin", "zh-hk": "yue",
    "zh-mo": "yue", "yue": "yue", "es": "es", "pt": "pt", "vi": "vi", "nb": "nb", "fa": "fa",
}  # fmt: skip
# Spanish of the Americas: espeak-ng's "es-419".
_LATIN_AMERICA = frozenset(
    [
        "419",
        "MX",
        "AR",
        "CO",
        "CL",
        "PE",
        "VE",
        "EC",
        "GT",
        "CU",
        "BO",
        "DO",
        "HN",
        "PY",
        "SV",
        "NI",
        "CR",
        "PA",
        "UY",
        "PR",
        "US",
    ]
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
        """The espeak voice to use: the one named, else the deck's language's (``pt-BR`` then
        ``pt``), else English (:meth:`pick` says why)."""
        known = self.voices()
        if voice:
            if voice.lower() in known or voice.lower() in PREFERRED.values():
                return voice.lower()
            close = sorted(v for v in known if v.split("-")[0] == voice.lower().split("-")[0])
            hint = f"; close matches: {', '.join(close[:8])}" if close else ""
            raise VoiceError(f"espeak-ng has no voice '{voice}'{hint} (see: espeak-ng --voices)")
        picked = self.pick(language, fallback=FALLBACK_VOICE)
        return picked.voice if picked else FALLBACK_VOICE

    def pick(self, language: str, *, fallback: str | None = None) -> VoicePick | None:
        """espeak-ng's voice for ``language``; ``fallback`` (with a note) when it has none."""
        return pick_voice(
            _espeak_tag(language), self.offered(), fallback=fallback, backend="espeak-ng"
        )

    def offered(self) -> dict[str, str]:
        """Language key -> voice: every installed voice under its own name, and the
        preferred voice of each language (see ``PREFERRED``)."""
        known = self.voices()
        offered = {name: name for name in known}
        if known:
            offered |= {k: v for k, v in PREFERRED.items() if v in known or v == "en"}
        return offered

    def language_note(self, voice: str | None, language: str) -> str | None:
        """A sentence for the render's summary when ``language`` has no espeak-ng voice, or
        one that cannot read the deck's script (Japanese: kanji)."""
        if voice or not self.executable:
            return None
        picked = self.pick(language, fallback=FALLBACK_VOICE)
        tag = parse_language(language)
        if tag.language == "ja" and picked is not None and picked.note is None:
            from .kokoro_engine import JAPANESE_HINT

            return (
                'espeak-ng reads each kanji as "Chinese letter" in English; for a voice that '
                f"reads Japanese: {JAPANESE_HINT}"
            )
        if picked is None or picked.note is None:
            return None
        if scripts_of(language) != {"Latin"}:
            return f"espeak-ng has no voice for {tag.name} ({tag}): its text is left out of speech"
        return f"espeak-ng has no voice for {tag.name} ({tag}), so its English voice reads it"

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        if not self.executable:
            raise VoiceError(f"espeak-ng is not installed: {INSTALL_HINT}, or use the silent voice")
        main = self.resolve(voice, language)
        # A language with no voice of its own: English reads Latin text; other scripts would
        # only be spelled out, so they are left out.
        readable = voice is not None or self.pick(language) is not None
        parts: list[tuple[str, str]] = []  # (voice, text)
        for span in speech_spans(text, language) if not voice else [Span(text, language, False)]:
            if span.foreign:
                name = self._span_voice(span)
            elif readable or scripts_of(span.language) == {"Latin"}:
                name = main
            else:
                name = None
            if name is None:
                log.info("no espeak-ng voice reads %r (%s): left out", span.text, span.language)
                continue
            if parts and parts[-1][0] == name:
                parts[-1] = (name, parts[-1][1] + span.text)
            else:
                parts.append((name, span.text))
        if not parts or not any(t.strip() for _n, t in parts):
            await asyncio.to_thread(write_wav, out, silence(0.5))  # nothing it can say
            return
        if len(parts) == 1:
            await self._speak(parts[0][0], parts[0][1], out)
            return
        pieces = [out.with_name(f"{out.name}.{n}.wav") for n in range(len(parts))]
        try:
            for (name, piece_text), piece in zip(parts, pieces, strict=True):
                await self._speak(name, piece_text, piece)
            await asyncio.to_thread(_join_wavs, pieces, out)
        finally:
            for piece in pieces:
                piece.unlink(missing_ok=True)

    def _span_voice(self, span: Span) -> str | None:
        picked = self.pick(span.language)
        return picked.voice if picked else None

    async def _speak(self, name: str, text: str, out: Path) -> None:
        process = await asyncio.create_subprocess_exec(
            self.executable or "espeak-ng",
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
        _, stderr = await communicate(process, text.encode("utf-8"))
        if process.returncode != 0:
            raise VoiceError(
                f"espeak-ng failed: {stderr.decode('utf-8', 'replace').strip()[-300:]}"
            )


def _espeak_tag(language: str) -> str:
    tag = parse_language(language)
    if tag.language == "es" and tag.region in _LATIN_AMERICA:
        return "es-419"
    return str(tag)


def _join_wavs(pieces: list[Path], out: Path) -> None:
    """One WAV of ``pieces`` in order (espeak-ng writes every voice at the same rate)."""
    with wave.open(str(out), "wb") as joined:
        for n, piece in enumerate(pieces):
            with wave.open(str(piece), "rb") as part:
                if n == 0:
                    joined.setparams(part.getparams())
                joined.writeframes(part.readframes(part.getnframes()))


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
