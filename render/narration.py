"""A render's narration: which voice speaks, each slide's finished audio, and the track.

The voice is checked before any work starts (an unknown or unusable voice stops the render
at once). A slide is spoken a sentence at a time (the sentences its captions show, each
prepared for speech) and finished as one take (:func:`~render.voice.finish.finish_sentences`:
levelled once, per slide), so each sentence's onset is known exactly and a caption cue starts
with it; those spans are stored beside the WAV in the cache, so a slide from the cache still
knows them. A voice whose audio needs no finishing (silence) speaks the slide in one take,
its sentences spread over it by length (there is nothing to align to). Each slide's
narration is cached by its sentences' speech text and the voice; a slide that a
remote voice fails to speak (after its retries) is read by espeak-ng instead, with a note,
while a voice that cannot work at all (``VoiceSetupError``) stops the render. The narration's
lengths decide how long each slide is shown; the video's one audio track is every slide's
narration padded with silence to its slide's length, encoded once and cached.
"""

from __future__ import annotations

import asyncio
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deck import Deck

from .audio import SAMPLE_RATE, build_timeline, wav_duration
from .cache import asset_key
from .captions import Span, split_sentences
from .encode import encode_audio
from .errors import EncodeError, VoiceError, VoiceSetupError, short_reason
from .options import RenderOptions, SlideTiming
from .progress import Stage
from .speech import display_text, prepare_for_speech
from .stage import RenderRun, RenderStage
from .voice.auto import pick_voice
from .voice.base import DeckVoice, LanguageNote, VoiceBackend, VoiceChoice
from .voice.espeak import INSTALL_HINT as ESPEAK_HINT
from .voice.finish import FINISH_VERSION, SENTENCE_GAP, finish_sentences

if TYPE_CHECKING:
    from .plan import RenderPlan

LOCAL_VOICES = ("espeak", "silent")  # offline voices: nothing to fall back from
Spoken = tuple[Path, float, str]  # a slide's finished narration: WAV, seconds, cache key


async def choose_voice(
    voices: dict[str, VoiceBackend], deck: Deck, options: RenderOptions, warnings: list[str]
) -> tuple[VoiceBackend, str | None, str]:
    """The backend, the voice name and a label for the summary (option > deck > default).
    A default voice that is not set up gives way to silence with a warning; one asked for
    explicitly is an error."""
    explicit = options.voice or deck.voice
    choice = VoiceChoice.parse(explicit or options.default_voice)
    choice = pick_voice(choice, voices, deck.language, warnings)  # auto; Kokoro's languages
    backend = voices.get(choice.backend)
    if backend is None:
        known = ", ".join(sorted(voices))
        raise VoiceError(
            f"unknown voice '{choice}'; voices here: {known} (e.g. espeak:en or silent)"
        )
    if not backend.available():
        espeak = choice.backend == "espeak"
        hint = ESPEAK_HINT if espeak else getattr(backend, "setup_hint", "check its settings")
        if explicit or "silent" not in voices:
            raise VoiceError(
                f"the voice '{choice}' is not available here: {hint}; or use the silent voice"
            )
        missing = "is not installed" if espeak else "is not set up"
        warnings.append(f"{choice.backend} {missing}, so the video is silent: {hint}")
        return voices["silent"], None, "silent"
    if isinstance(backend, DeckVoice):
        backend, voice = await backend.for_deck(deck, choice.name)
        return backend, voice, f"{choice.backend}:{voice}"
    said = (
        backend.language_note(choice.name, deck.language)
        if isinstance(backend, LanguageNote)
        else None
    )
    if said:
        warnings.append(said)
    resolve = getattr(backend, "resolve", None)
    if choice.name is None and callable(resolve):  # say which voice the language chose
        return backend, None, f"{choice.backend}:{resolve(None, deck.language)}"
    return backend, choice.name, str(choice)


def slide_timings(plan: RenderPlan, narrations: list[float]) -> tuple[list[SlideTiming], list[int]]:
    """When each slide starts and how long it shows (its narration plus the pause, in whole
    frames), and its length in frames."""
    options = plan.options
    pause = max(options.pause_seconds, options.crossfade_seconds if plan.crossfade else 0.0)
    timings: list[SlideTiming] = []
    frames: list[int] = []
    start = 0.0
    for seconds in narrations:
        count = max(1, math.ceil((seconds + pause) * plan.fps - 1e-9))
        duration = count / plan.fps
        timings.append(SlideTiming(start, duration, seconds))
        frames.append(count)
        start += duration
    return timings, frames


def speech_sentences(narration: str, language: str) -> list[str]:
    """What the voice says for each sentence of ``narration`` (the sentences the captions
    show, each prepared for speech; one with nothing to say, emoji only say, is "")."""
    spoken = [
        prepare_for_speech(sentence, language)
        for sentence in split_sentences(display_text(narration))
    ]
    # Punctuation alone (what is left of "🎉.") would be read out as "dot" by some voices.
    return [text if any(ch.isalnum() for ch in text) else "" for text in spoken]


def spread_spans(parts: list[str], seconds: float) -> list[Span]:
    """Spans for ``parts`` shared out over ``seconds`` by length (a take with no onsets)."""
    weights = [len(p) for p in parts]
    total = sum(weights) or 1
    spans: list[Span] = []
    at = 0.0
    for weight in weights:
        end = at + seconds * weight / total
        spans.append((round(at, 4), round(end, 4)))
        at = end
    return spans


def track_key(narrations: list[Spoken], samples: list[int], bitrate: str) -> str:
    """The cache key of the audio track: every slide's narration and slot length."""
    return asset_key(
        step="track", narration=[k for _p, _d, k in narrations], samples=samples, bitrate=bitrate
    )


class DeckNarration(RenderStage):
    def __init__(self, run: RenderRun) -> None:
        super().__init__(run)
        self.deck = self.plan.deck
        self._tasks: list[asyncio.Future[Any]] = []
        self.spans: dict[int, list[Span]] = {}  # slide: each sentence's (onset, end) in its WAV

    def start(
        self, backend: VoiceBackend, voice: str | None, workdir: Path
    ) -> list[asyncio.Future[Spoken]]:
        """Start speaking every slide (each one's task, in slide order)."""
        spoken = [
            asyncio.ensure_future(
                self.slide(
                    i,
                    speech_sentences(slide.narration, self.deck.language),
                    backend,
                    voice,
                    workdir,
                )
            )
            for i, slide in enumerate(self.deck.slides)
        ]
        self._tasks += spoken
        return spoken

    def track(
        self, narrations: list[Spoken], frames: list[int], workdir: Path
    ) -> asyncio.Future[Path]:
        """Start building the audio track: each narration padded to its slide's ``frames``."""
        task = asyncio.ensure_future(self._track(narrations, frames, workdir))
        self._tasks.append(task)
        return task

    def tasks(self) -> list[asyncio.Future[Any]]:
        return list(self._tasks)

    def sentence_spans(self) -> list[list[Span] | None]:
        """Each slide's sentence spans (once its narration is there), for the captions."""
        return [self.spans.get(i) for i in range(len(self.deck.slides))]

    async def slide(
        self, i: int, text: list[str], backend: VoiceBackend, voice: str | None, workdir: Path
    ) -> Spoken:
        """Slide ``i``'s finished narration (path, seconds, cache key) from its sentences'
        speech ``text``."""
        try:
            return await self._speak(i, text, backend, voice, workdir)
        except VoiceSetupError:
            raise
        except (VoiceError, EncodeError) as exc:
            fallback = self._fallback_voice(backend)
            if fallback is None or backend.name in LOCAL_VOICES:
                raise
            reader = "espeak-ng" if fallback.name == "espeak" else "silence"
            self.warnings.append(
                f"slide {i + 1}: the {backend.name} voice failed ({short_reason(exc)}); "
                f"{reader} was used for this slide instead"
            )
            return await self._speak(i, text, fallback, None, workdir)

    def _fallback_voice(self, backend: VoiceBackend) -> VoiceBackend | None:
        """Who reads a slide that ``backend`` failed to speak: espeak-ng, else silence."""
        for name in LOCAL_VOICES:
            fallback = self.r.voices.get(name)
            if fallback is not None and fallback.name != backend.name and fallback.available():
                return fallback
        return None

    async def _speak(
        self, i: int, text: list[str], backend: VoiceBackend, voice: str | None, workdir: Path
    ) -> Spoken:
        key = asset_key(
            step="narration",
            text=text,
            voice=backend.cache_id(voice, self.deck.language),
            finish=FINISH_VERSION,
            gap=SENTENCE_GAP,
        )
        cached = self.cache.lookup("narration", key, "wav")
        meta = self.cache.read_meta("narration", key) if cached is not None else None
        if cached is not None and meta and "sentences" in meta:
            self.spans[i] = [(float(a), float(b)) for a, b in meta["sentences"]]
            self.progress.step(Stage.VOICE, i + 1, message="narration from cache")
            return cached, float(meta["duration"]), key
        said = {n: workdir / f"voice-{i}-{n}.{backend.name}.raw" for n, t in enumerate(text) if t}
        raw = workdir / f"voice-{i}.{backend.name}.raw"
        if backend.needs_finishing and said:  # each sentence apart, then finished together
            await asyncio.gather(*(self._say(backend, text[n], voice, p) for n, p in said.items()))
        else:  # one take: silence, or nothing to say
            await self._say(backend, " ".join(text).strip(), voice, raw)
        async with self.r.process_slots():
            with self.cache.writing("narration", key, "wav") as tmp:
                if not backend.needs_finishing:  # already final: trimming would erase silence
                    os.replace(raw, tmp)
                    spans = spread_spans(text, wav_duration(tmp))
                elif said:
                    raws = [said.get(n) for n in range(len(text))]
                    spans = await finish_sentences(raws, tmp)
                else:
                    await finish_sentences([raw], tmp)
                    spans = [(0.0, 0.0)] * len(text)
                duration = wav_duration(tmp)
        self.spans[i] = spans
        self.cache.write_meta(
            "narration", key, {"duration": duration, "sentences": [list(s) for s in spans]}
        )
        self.progress.step(Stage.VOICE, i + 1, message="narration spoken")
        return self.cache.path("narration", key, "wav"), duration, key

    async def _say(self, backend: VoiceBackend, text: str, voice: str | None, out: Path) -> None:
        async with self.r.voice_slots(backend):
            await backend.synthesize(text, voice=voice, language=self.deck.language, out=out)

    async def _track(self, narrations: list[Spoken], frames: list[int], workdir: Path) -> Path:
        settings = self.plan.settings
        samples = [count * SAMPLE_RATE // self.plan.fps for count in frames]
        key = track_key(narrations, samples, settings.audio_bitrate)
        cached = self.cache.lookup("track", key, "m4a")
        if cached is not None:
            return cached
        wav = workdir / "narration.wav"
        parts = [(path, n) for (path, _d, _k), n in zip(narrations, samples, strict=True)]
        await self.r.run_cpu(build_timeline, wav, parts)
        async with self.r.process_slots():
            with self.cache.writing("track", key, "m4a") as tmp:
                await encode_audio(wav, tmp, settings)
        return self.cache.path("track", key, "m4a")
