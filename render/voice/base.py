"""The voice seam: text in, a WAV file out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from deck import Deck


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    """A voice as people write it: ``espeak:en``, ``espeak``, ``silent``, ``openai:alloy``."""

    backend: str
    name: str | None = None

    @classmethod
    def parse(cls, text: str) -> VoiceChoice:
        backend, _, name = text.strip().partition(":")
        return cls(backend.strip().lower(), name.strip() or None)

    def __str__(self) -> str:
        return f"{self.backend}:{self.name}" if self.name else self.backend


@runtime_checkable
class VoiceBackend(Protocol):
    """Speaks text. ``synthesize`` writes a WAV (any sample rate) to ``out``; the renderer then
    trims, normalises and resamples it, so every backend sounds alike in the video, unless
    ``needs_finishing`` is False (the backend writes final 24 kHz mono audio itself)."""

    name: str
    concurrency: int
    needs_finishing: bool

    def available(self) -> bool:
        """Whether this backend can run here (binary installed, key configured...)."""
        ...

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        """Everything besides the text that decides the sound (backend, model, voice...)."""
        ...

    async def synthesize(
        self, text: str, *, voice: str | None, language: str, out: Path
    ) -> None: ...


@runtime_checkable
class DeckVoice(Protocol):
    """Optional, for backends whose voice depends on the deck or on a server: the renderer calls
    ``for_deck`` once per render, before any narration, and uses what it returns."""

    async def for_deck(self, deck: Deck, voice: str | None) -> tuple[VoiceBackend, str]:
        """This backend set up for ``deck`` (a speaking style from its theme, say) and the voice
        it will speak with: ``voice``, or one that matches the deck's language. Raises
        :class:`~render.errors.VoiceSetupError` naming the available voices when ``voice`` does
        not exist."""
        ...


@runtime_checkable
class LanguageNote(Protocol):
    """Optional, for backends that may not speak every language: a sentence for the render's
    summary when ``language`` falls back to another voice (``None`` when it does not).
    Backends map languages to their voices with :func:`render.voice.languages.pick_voice`,
    whose :class:`~render.voice.languages.VoicePick` carries that sentence."""

    def language_note(self, voice: str | None, language: str) -> str | None: ...
