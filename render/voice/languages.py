"""Which of a server's voices speaks a language, from the voice names alone.

Local neural TTS servers name their voices after the language they speak:

* Kokoro: ``af_heart``, ``bm_george``, ``ff_siwis``: the first letter is the language
  (a = American English, b = British English, e = Spanish, f = French, h = Hindi,
  i = Italian, j = Japanese, p = Brazilian Portuguese, z = Mandarin), the second the gender.
* Piper and most others: a locale first, ``en_US-lessac-medium``, ``de-DE-thorsten``.

OpenAI's own voices speak every language, so for them the deck's language picks nothing.
"""

from __future__ import annotations

import difflib
import re

KOKORO_LANGUAGES = {
    "a": ("en", "US"),
    "b": ("en", "GB"),
    "e": ("es", ""),
    "f": ("fr", ""),
    "h": ("hi", ""),
    "i": ("it", ""),
    "j": ("ja", ""),
    "p": ("pt", "BR"),
    "z": ("zh", ""),
}
_KOKORO = re.compile(r"^([abefhijpz])[fm]_[a-z0-9_]+$")
_LOCALE = re.compile(r"^([a-z]{2,3})(?:[_-]([a-z]{2}|\d{3}))?(?=[_-]|$)", re.IGNORECASE)


def voice_language(name: str) -> tuple[str, str] | None:
    """(language, region) a voice speaks, judged from its name; None when the name says not."""
    kokoro = _KOKORO.match(name)
    if kokoro:
        return KOKORO_LANGUAGES[kokoro.group(1)]
    locale = _LOCALE.match(name)
    if locale and (locale.group(2) or "-" in name or "_" in name):
        return locale.group(1).lower(), (locale.group(2) or "").upper()
    return None


def voice_for_language(voices: list[str], language: str) -> str | None:
    """The first of ``voices`` (in the server's order) that speaks ``language``: one of its
    region (``pt-BR``) first, else any of its language (``pt``); None if none does."""
    lang, _, region = language.replace("_", "-").partition("-")
    lang, region = lang.lower(), region.split("-")[0].upper()
    spoken = [(voice, voice_language(voice)) for voice in voices]
    same_language = [voice for voice, found in spoken if found and found[0] == lang]
    if region:
        for voice, found in spoken:
            if found and found == (lang, region):
                return voice
    return same_language[0] if same_language else None


def close_voices(name: str, voices: list[str], n: int = 5) -> list[str]:
    """Voices whose names look like ``name`` (for 'did you mean' hints)."""
    lowered = {voice.lower(): voice for voice in voices}
    return [lowered[v] for v in difflib.get_close_matches(name.lower(), list(lowered), n, 0.7)]
