"""Natural voices through the OpenAI speech API (``POST /v1/audio/speech``), from OpenAI or from
any server that speaks the same API (local neural TTS such as Kokoro- or Piper-based servers).

* The voice: the one asked for, else the deck language's entry in ``voices_by_language``,
  else (on a server that lists its voices at ``GET /audio/voices``) the first voice named for
  the deck's language, else ``default_voice``. A voice that does not exist is an error that
  lists the ones that do (OpenAI's are known; a server's are asked for).
* A speaking style (``instructions``) is sent to models that take one (not ``tts-1``); with
  ``style="auto"`` it comes from the deck's theme (:mod:`render.voice.style`).
* Failures: 429, 5xx, timeouts and refused connections are retried with jittered exponential
  backoff (``Retry-After`` and ``retry-after-ms`` honoured: :mod:`openai_http.retry`); a
  refused key, an unknown model or voice raise :class:`VoiceSetupError` at once; anything else
  is a :class:`VoiceError` for that slide, which the renderer answers with espeak-ng for that
  slide. The API key never appears in a message (nor credentials written into the base URL).
* One ``AsyncOpenAI`` client per event loop serves every request (voice list and slides alike)
  and is closed when that loop shuts down, or by :meth:`OpenAISpeechBackend.aclose`.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
import math
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from openai_http import (
    Backoff,
    PerLoop,
    Redactor,
    Retry,
    describe,
    is_transient,
    public_url,
    retrying,
    server_message,
)

from ..audio import wav_bytes
from ..errors import VoiceError, VoiceSetupError
from ..scripts import speech_spans
from .languages import close_voices, parse_language, voice_for_language, voice_language
from .style import AUTO, resolve_style

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import openai
    from openai import AsyncOpenAI

    from deck import Deck

    from .base import VoiceBackend

log = logging.getLogger(__name__)
T = TypeVar("T")

OPENAI_API_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini-tts"
DEFAULT_VOICE = "alloy"
AudioFormat = Literal["wav", "mp3", "flac", "opus", "aac", "pcm"]
# OpenAI's built-in voices (every one speaks every language); tts-1 has the first nine.
TTS1_VOICES = ("alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer")
OPENAI_VOICES = (*TTS1_VOICES, "ballad", "cedar", "marin", "verse")
_NO_INSTRUCTIONS = ("tts-1",)  # models that reject or ignore a speaking style
VOICE_LIST_SECONDS = 300.0  # a server's voice list is asked for again after this long
LISTING = "listing voices"


class OpenAISpeechBackend:
    """Speaks through ``{base_url}/audio/speech``. ``concurrency`` bounds requests in flight."""

    name = "openai"
    needs_finishing = True

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
        default_voice: str = DEFAULT_VOICE,
        voices_by_language: dict[str, str] | None = None,
        style: str | None = AUTO,
        response_format: AudioFormat = "wav",
        concurrency: int = 4,
        retries: int = 4,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 20.0,
        timeout_seconds: float = 60.0,
        setup_hint: str = "give an API key, or the base URL of an OpenAI-compatible TTS server",
    ) -> None:
        self.base_url = (base_url or OPENAI_API_URL).rstrip("/")
        self._api_key = api_key or None
        self.model = model
        self.default_voice = default_voice
        self.voices_by_language = {k.lower(): v for k, v in (voices_by_language or {}).items()}
        self.style_setting = style
        self.style: str | None = None  # set per deck by for_deck
        self.response_format: AudioFormat = response_format
        self.concurrency = max(1, concurrency)
        self.retries = max(0, retries)
        self.backoff = Backoff(base=backoff_seconds, cap=max_backoff_seconds)
        self.timeout_seconds = timeout_seconds
        self.setup_hint = setup_hint
        self.where = public_url(self.base_url)  # the server as messages name it
        self._redact = Redactor.of([self._api_key], mask="[key]")
        self._clients: PerLoop[AsyncOpenAI] = PerLoop(self._new_client)
        self._listed: dict[str, tuple[float, list[str] | None]] = {}  # url: (when, voices)

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAISpeechBackend(base_url={self.where!r}, model={self.model!r})"

    @property
    def is_openai(self) -> bool:
        return self.base_url == OPENAI_API_URL

    @property
    def sends_style(self) -> bool:
        return self.style is not None and not self.model.startswith(_NO_INSTRUCTIONS)

    def available(self) -> bool:
        """OpenAI needs a key; a server of one's own may not."""
        return self._api_key is not None or not self.is_openai

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        return {
            "backend": self.name,
            "server": self.base_url,
            "model": self.model,
            "voice": voice or self._configured_voice(language),
            "style": self.style if self.sends_style else None,
            "format": self.response_format,
        }

    # -- choosing the voice ----------------------------------------------------------------

    async def for_deck(self, deck: Deck, voice: str | None) -> tuple[VoiceBackend, str]:
        styled = copy.copy(self)
        styled.style = resolve_style(self.style_setting, deck)
        return styled, await self.resolve_voice(voice, deck.language)

    async def resolve_voice(self, voice: str | None, language: str) -> str:
        if voice and voice.startswith("voice_"):
            return voice  # a custom OpenAI voice, by id
        known = await self.voices()
        if voice:
            return self._check(voice, known, f"the {self.name} voice '{voice}'")
        mapped = self._mapped_voice(language)
        if mapped:
            return self._check(mapped, known, f"the voice '{mapped}' set for language {language}")
        if known and not self.is_openai:
            matched = voice_for_language(known, language)
            if matched:
                return matched
            if self.default_voice.lower() not in {v.lower() for v in known}:
                return known[0]
        return self._check(self.default_voice, known, f"the default voice '{self.default_voice}'")

    async def voices(self) -> list[str] | None:
        """The voices this server has: OpenAI's are known; another server is asked
        (``GET /audio/voices``); None when it does not say."""
        if self.is_openai:  # OpenAI has no voice list to ask for: these are its voices
            return list(TTS1_VOICES if self.model.startswith("tts-1") else OPENAI_VOICES)
        when, voices = self._listed.get(self.base_url, (-math.inf, None))
        if time.monotonic() - when > VOICE_LIST_SECONDS:
            voices = await self._list_voices()
            self._listed[self.base_url] = (time.monotonic(), voices)
        return voices

    def _configured_voice(self, language: str) -> str:
        return self._mapped_voice(language) or self.default_voice

    def _mapped_voice(self, language: str) -> str | None:
        """``voices_by_language``'s voice for ``language`` (``zh-TW``, ``zh-hant``, ``zh``,
        ``cmn`` all find a ``zh`` entry), else its ``*`` entry."""
        mapping = {k.replace("_", "-"): v for k, v in self.voices_by_language.items()}
        for candidate in (*parse_language(language).candidates(), "*"):
            if candidate in mapping:
                return mapping[candidate]
        return None

    def _check(self, voice: str, known: list[str] | None, what: str) -> str:
        if known is None:
            return voice  # the server does not list its voices: it will say if it lacks one
        by_lower = {v.lower(): v for v in known}
        if voice.lower() in by_lower:
            return by_lower[voice.lower()]
        target = "OpenAI" if self.is_openai else f"the speech server at {self.where}"
        close = close_voices(voice, known)
        hint = f"; did you mean {' or '.join(close)}?" if close else "."
        raise VoiceSetupError(
            f"{what} does not exist on {target} (model {self.model}){hint} "
            f"Voices: {_listing(known)}"
        )

    async def _list_voices(self) -> list[str] | None:
        client = await self._clients.get()
        try:
            body = await self._with_retries(
                lambda: client.get("/audio/voices", cast_to=object), LISTING
            )
        except VoiceSetupError:
            raise
        except VoiceError as exc:
            raise VoiceSetupError(
                f"{exc}; is the server running, and is its base URL right (it usually "
                f"ends in /v1)? Or {self.setup_hint}"
            ) from None
        except _NotRetryable:
            return None
        return _voice_names(body)

    # -- speaking --------------------------------------------------------------------------

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        voice = voice or self._configured_voice(language)
        if voice_language(voice) is not None:
            # A voice of one language (Kokoro's ff_siwis, Piper's de_DE-...) would spell out a
            # span in another script: such spans are left out of its speech.
            own = "".join(span.text for span in speech_spans(text, language) if not span.foreign)
            text = own if own.strip() else text
        params: dict[str, Any] = {
            "model": self.model,
            "voice": {"id": voice} if voice.startswith("voice_") else voice,
            "input": text,
            "response_format": self.response_format,
        }
        if self.sends_style:
            params["instructions"] = self.style
        client = await self._clients.get()
        try:
            response = await self._with_retries(
                lambda: client.audio.speech.create(**params), "speaking", voice=voice
            )
        except _NotRetryable as exc:
            raise VoiceError(exc.message) from None
        audio = response.content
        if not audio:
            raise VoiceError(f"the speech server at {self.where} sent no audio")
        await asyncio.to_thread(_write_audio, out, audio, self.response_format)

    async def aclose(self) -> None:
        """Close the client of the running event loop now (it closes with its loop anyway)."""
        await self._clients.aclose()

    def _new_client(self) -> AsyncOpenAI:
        # Imported here: openai takes ~0.5 s to import, which every other voice (and the CLI's
        # start-up) should not pay.
        from openai import AsyncOpenAI

        return AsyncOpenAI(
            api_key=self._api_key or "not-needed",
            base_url=self.base_url,
            max_retries=0,  # retried below, with the wait the server asks for and our own words
            timeout=self.timeout_seconds,
        )

    async def _with_retries(
        self, call: Callable[[], Awaitable[T]], what: str, *, voice: str | None = None
    ) -> T:
        import openai

        try:
            return await retrying(
                call,
                attempts=self.retries + 1,
                backoff=self.backoff,
                on_retry=functools.partial(self._log_retry, what),
            )
        except openai.APIStatusError as exc:
            raise await self._refusal(exc, what, voice) from None
        except openai.APIConnectionError as exc:  # timeouts too, after the last try
            raise self._kept_failing(exc, what) from None

    async def _refusal(
        self, exc: openai.APIStatusError, what: str, voice: str | None
    ) -> VoiceError | _NotRetryable:
        """The error for an HTTP failure: a setup problem, a refused text, or (after the last
        retry) a server that kept failing."""
        status = exc.status_code
        detail = server_message(exc, self._redact).lower()
        said = describe(exc, self._redact)  # "HTTP 400: the server's words"
        if status in (401, 403):
            return VoiceSetupError(
                f"the speech server at {self.where} refused the API key ({said}); {self.setup_hint}"
            )
        if status in (404, 405) and what == LISTING:
            return _NotRetryable(f"HTTP {status}")
        if status in (400, 404, 422) and voice and "voice" in detail:
            known = await self._known_quietly()
            listing = f" Voices: {_listing(known)}" if known else ""
            return VoiceSetupError(
                f"the speech server at {self.where} has no voice '{voice}' ({said}).{listing}"
            )
        if status == 404 or (status in (400, 422) and "model" in detail):
            return VoiceSetupError(
                f"the speech server at {self.where} has no model '{self.model}' "
                f"or no speech route ({said})"
            )
        if is_transient(exc):
            return self._kept_failing(exc, what)
        return _NotRetryable(f"the speech server refused this text ({said})")

    def _kept_failing(self, exc: Exception, what: str) -> VoiceError:
        return VoiceError(
            f"the speech server at {self.where} kept failing while {what}: "
            f"{self._describe(exc)} ({self.retries + 1} tries)"
        )

    def _log_retry(self, what: str, retry: Retry) -> None:
        log.info("%s: %s; retrying in %.2f s", what, self._describe(retry.error), retry.delay)

    def _describe(self, exc: Exception) -> str:
        return describe(exc, self._redact, timeout=self.timeout_seconds)

    async def _known_quietly(self) -> list[str] | None:
        try:
            return await self.voices()
        except VoiceError:
            return None


class _NotRetryable(Exception):
    """A refusal that retrying will not change (when listing voices: the server has no list)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _listing(voices: Iterable[str], most: int = 40) -> str:
    names = sorted(voices)
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _voice_names(body: object) -> list[str] | None:
    """Voice names from the shapes servers answer with: ``["a", ...]``,
    ``{"voices": [...]}``, ``{"data": [...]}``, items as strings or objects with an id/name."""
    items = body
    if isinstance(body, dict):
        items = body.get("voices", body.get("data"))
    if not isinstance(items, list):
        return None
    names: list[str] = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            name = item.get("id") or item.get("voice_id") or item.get("name")
            if isinstance(name, str):
                names.append(name)
    return names or None


def _write_audio(out: Path, audio: bytes, response_format: str) -> None:
    if response_format == "pcm":  # raw 24 kHz 16-bit mono: give it a WAV header
        out.write_bytes(wav_bytes(np.frombuffer(audio[: len(audio) // 2 * 2], dtype="<i2")))
    else:
        out.write_bytes(audio)
