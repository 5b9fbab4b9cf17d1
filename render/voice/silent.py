"""The silent voice: no sound, slide lengths from the narration's word count."""

from __future__ import annotations

from pathlib import Path

from ..audio import silence, write_wav
from ..scripts import NO_SPACES, script_of

WORDS_PER_SECOND = 2.6  # about 155 words a minute, an unhurried speaking pace


def silent_duration(text: str) -> float:
    """Seconds to show ``text``: its words at a speaking pace; in scripts without spaces
    (Chinese, Japanese, Thai...) about 1.6 characters make a word."""
    unspaced = sum(1 for ch in text if script_of(ch) in NO_SPACES)
    spaced = len("".join(" " if script_of(ch) in NO_SPACES else ch for ch in text).split())
    words = max(1.0, spaced + unspaced / 1.6)
    return max(1.5, round(words / WORDS_PER_SECOND, 2))


class SilentBackend:
    name = "silent"
    concurrency = 8
    needs_finishing = False  # already 24 kHz mono; trimming silence would leave nothing

    def available(self) -> bool:
        return True

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        return {"backend": self.name, "wps": WORDS_PER_SECOND}

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        write_wav(out, silence(silent_duration(text)))
