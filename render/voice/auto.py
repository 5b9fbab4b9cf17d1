"""``auto``, the default voice: Kokoro when it can speak the deck, espeak-ng otherwise.

Kokoro is chosen when its model and a voice for the deck's language are on this machine (and,
for Japanese, its Japanese reader); otherwise espeak-ng reads the deck. Either way one line
(logged) says which voice and why. Kokoro asked for by name on a deck in a language it does
not speak (German, say) also gives way to espeak-ng, with a warning in the render's result.

A Kokoro set up wrongly is never passed over quietly: paths a person set that do not exist,
or a broken model file, stop the render with a message saying what to fix.
"""

from __future__ import annotations

import logging

from ..errors import VoiceSetupError
from .base import VoiceBackend, VoiceChoice
from .kokoro import READERS, KokoroBackend, reader_for

log = logging.getLogger(__name__)

AUTO = "auto"
ESPEAK = VoiceChoice("espeak")


def pick_voice(
    choice: VoiceChoice, voices: dict[str, VoiceBackend], language: str, warnings: list[str]
) -> VoiceChoice:
    """``choice`` with ``auto`` resolved, and Kokoro replaced by espeak-ng for a language it
    cannot speak. Anything else comes back as it is."""
    kokoro = voices.get("kokoro")
    if choice.backend == AUTO:
        return _auto(kokoro if isinstance(kokoro, KokoroBackend) else None, language)
    if choice.backend == "kokoro" and isinstance(kokoro, KokoroBackend) and kokoro.available():
        reason = kokoro.cannot_speak(language, choice.name)
        if reason is not None:
            warnings.append(f"{reason}, so espeak-ng reads this deck")
            return ESPEAK
    return choice


def _auto(kokoro: KokoroBackend | None, language: str) -> VoiceChoice:
    if kokoro is None:
        return _espeak("the Kokoro voice is not part of this set-up")
    problem = kokoro.problem()
    if problem is not None:
        if kokoro.configured:
            raise VoiceSetupError(problem)
        return _espeak(problem)
    reason = kokoro.cannot_speak(language, None)
    if reason is not None:
        return _espeak(reason)
    voice = kokoro.voice_for(language)
    reader = reader_for(language)
    spoken = READERS[reader] if reader else language
    log.info("voice: kokoro:%s (auto: the Kokoro model and a %s voice are here)", voice, spoken)
    return VoiceChoice("kokoro", voice)


def _espeak(why: str) -> VoiceChoice:
    log.info("voice: espeak-ng (auto: %s)", why)
    return ESPEAK
