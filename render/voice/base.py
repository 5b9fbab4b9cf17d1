"""The voice seam: text in, a WAV file out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable


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
    trims, normalises and resamples it, so every backend sounds alike in the video."""

    name: str
    concurrency: int

    def available(self) -> bool:
        """Whether this backend can run here (binary installed, key configured...)."""
        ...

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        """Everything besides the text that decides the sound (backend, model, voice...)."""
        ...

    async def synthesize(
        self, text: str, *, voice: str | None, language: str, out: Path
    ) -> None: ...
