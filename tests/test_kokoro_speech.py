"""Kokoro speaking for real: the Kokoro-82M int8 model from the PyPI parts, through kokoro-onnx
and the whole renderer. Japanese slides with a Japanese voice, English slides with the same
voice; the audio is checked (length for the text, speech-like energy, loudness), then the
cache, the fallback to espeak-ng, and the command line end to end."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.backends import KOKORO_HINTS
from deck import Deck, build_deck
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from render.audio import SAMPLE_RATE, read_wav
from render.loudness import integrated_loudness, true_peak
from render.voice.espeak import EspeakBackend
from render.voice.finish import CEILING_DBTP, TARGET_LUFS
from render.voice.kokoro import KokoroBackend
from tests.probe import decode_audio, probe

from .conftest import needs_espeak
from .speech_audio import speech_profile
from .test_models_cli import deckcast

pytestmark = needs_espeak()

JAPANESE = ["光合成は葉の中で起こります。", "植物は日光と水から糖を作ります。"]
ENGLISH = ["Plants turn sunlight into sugar.", "Leaves hold chlorophyll, which catches light."]
SMALL = RenderOptions(resolution=240, fps=1, storyboard=False, subtitles=False)


def Kokoro(**kwargs):
    return KokoroBackend(hints=KOKORO_HINTS, **kwargs)


def deck_in(language: str, texts: list[str]) -> Deck:
    slides = [{"title": f"Slide {i}", "narration": t} for i, t in enumerate(texts, 1)]
    return build_deck({"title": "Kokoro", "language": language, "slides": slides})


@pytest.fixture
def renderer(kokoro_folder: Path, tmp_path: Path) -> Iterator[tuple[Renderer, AssetCache]]:
    voices = {
        "kokoro": Kokoro(folder=kokoro_folder),
        "espeak": EspeakBackend(),
        "silent": SilentBackend(),
    }
    cache = AssetCache(tmp_path / "cache")
    with Renderer(ProceduralBackend(), voices, cache) as r:  # type: ignore[arg-type]
        yield r, cache


def render(renderer: Renderer, deck: Deck, out: Path, voice: str | None = None):
    options = dataclasses.replace(SMALL, voice=voice)
    return asyncio.run(renderer.render(deck, out, options))


def check_speech(path: Path, low: float, high: float) -> None:
    samples = read_wav(path).astype(np.float64) / 32768
    profile = speech_profile(samples, SAMPLE_RATE)
    assert low <= profile.seconds <= high, (path.name, profile)
    assert profile.looks_like_speech(), profile
    assert abs(integrated_loudness(samples, SAMPLE_RATE) - TARGET_LUFS) < 0.5
    assert true_peak(samples, SAMPLE_RATE) <= CEILING_DBTP + 0.1


def test_japanese_and_english_slides_with_one_japanese_voice(renderer, tmp_path):
    r, cache = renderer
    japanese = render(r, deck_in("ja", JAPANESE), tmp_path / "ja.mp4")  # auto picks Kokoro
    english = render(r, deck_in("en", ENGLISH), tmp_path / "en.mp4", voice="kokoro:jf_alpha")
    assert (japanese.voice, english.voice) == ("kokoro:jf_alpha", "kokoro:jf_alpha")
    assert japanese.warnings == [] and english.warnings == []
    for path, text in zip(japanese.narration, JAPANESE, strict=True):
        check_speech(path, len(text) / 12, len(text) / 3)  # 3–12 characters a second
    for path, text in zip(english.narration, ENGLISH, strict=True):
        words = len(text.split())
        check_speech(path, words / 5, words / 1.5 + 0.5)  # 1.5–5 words a second
    takes = [read_wav(p) for p in japanese.narration + english.narration]
    assert len({t.tobytes() for t in takes}) == 4  # four different takes, not one clip
    video = decode_audio(tmp_path / "ja.mp4")
    assert probe(tmp_path / "ja.mp4").stream("audio").codec == "aac"
    assert speech_profile(video[: round(SAMPLE_RATE * 2)], SAMPLE_RATE).voiced > 0.3

    cache.reset_stats()
    again = render(r, deck_in("ja", JAPANESE), tmp_path / "ja2.mp4")
    assert (cache.hits["narration"], cache.misses["narration"]) == (2, 0)
    assert again.narration == japanese.narration
    edited = render(r, deck_in("ja", [JAPANESE[0], "葉は緑色です。"]), tmp_path / "ja3.mp4")
    assert (cache.hits["narration"], cache.misses["narration"]) == (3, 1)  # only the new slide
    assert edited.narration[0] == japanese.narration[0]


def test_a_language_kokoro_has_no_voice_for_is_read_by_espeak(renderer, tmp_path):
    r, _cache = renderer
    english = render(r, deck_in("en", ENGLISH), tmp_path / "en.mp4")  # auto: no English voice
    assert (english.voice, english.warnings) == ("espeak:en", [])
    german = render(r, deck_in("de", ["Pflanzen machen Zucker."]), tmp_path / "de.mp4", "kokoro")
    assert german.voice == "espeak:de"
    assert german.warnings[0].startswith("Kokoro does not speak de (it speaks English (US)")
    for result in (english, german):
        assert speech_profile(read_wav(result.narration[0]), SAMPLE_RATE).looks_like_speech()


def test_long_narration_is_cut_at_sentences_within_the_model_window(kokoro_folder):
    """What the engine hands kokoro-onnx: the whole narration's phonemes, which it speaks in
    balanced batches cut at sentence marks, each within the model's 510-phoneme window."""
    engine = asyncio.run(Kokoro(folder=kokoro_folder).engine())
    text = " ".join(
        f"Step {n} of the cycle moves carbon from the air into a sugar the plant can store."
        for n in range(1, 9)
    )
    phonemes = engine.phonemes(text, "en-us")
    batches = engine.kokoro._split_phonemes(phonemes)
    assert len(phonemes) > 510 and len(batches) == 2
    assert all(len(b) <= 510 and b.rstrip().endswith(".") for b in batches)
    assert " ".join(batches) == " ".join(phonemes.split())  # nothing lost at the cut


@pytest.mark.slow
def test_deckcast_render_speaks_a_japanese_outline_with_kokoro(kokoro_folder, tmp_path):
    outline = tmp_path / "ja.md"
    outline.write_text(
        "---\ntitle: 光合成\nlanguage: ja\n---\n\n"
        + "".join(f"## スライド {i}\n\n> {t}\n\n" for i, t in enumerate(JAPANESE, 1)),
        encoding="utf-8",
    )
    out = tmp_path / "ja.mp4"
    env = {"DECKCAST_KOKORO_DIR": str(kokoro_folder)}
    result = deckcast(
        "render", str(outline), "-o", str(out), "--resolution", "720p", cwd=tmp_path, **env
    )
    assert result.returncode == 0, result.stderr
    assert "voice: kokoro:jf_alpha (auto: the Kokoro model and a Japanese voice are here)" in (
        result.stderr
    )
    assert "loaded Kokoro kokoro-v1.0.int8.onnx with 5 voices" in result.stderr
    assert "2 slides (0 from cache) · voice kokoro:jf_alpha" in result.stdout
    assert probe(out).stream("audio").codec == "aac"
    again = deckcast(
        "render", str(outline), "-o", str(out), "--resolution", "720p", cwd=tmp_path, **env
    )
    assert "2 slides (2 from cache) · voice kokoro:jf_alpha" in again.stdout
    assert "loaded Kokoro" not in again.stderr  # nothing to speak: the model is not loaded

    (kokoro_folder.parent / "broken").mkdir(exist_ok=True)
    broken = kokoro_folder.parent / "broken" / "kokoro-v1.0.int8.onnx"
    broken.write_bytes((kokoro_folder / "kokoro-v1.0.int8.onnx").read_bytes()[:4096])
    failed = deckcast(
        "render", str(outline), "-o", str(tmp_path / "b.mp4"), cwd=tmp_path,
        DECKCAST_KOKORO_DIR=str(broken.parent),
    )  # fmt: skip
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert " ".join(failed.stderr.split()).endswith(
        f"error: the Kokoro model {broken} is broken: 4,096 bytes where kokoro-v1.0.int8.onnx "
        "has 92,361,271 (truncated or another file); run: deckcast voices pull kokoro (it "
        "replaces the file)"
    )
    assert not (tmp_path / "b.mp4").exists()
