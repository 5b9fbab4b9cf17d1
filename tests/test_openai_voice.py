"""The OpenAI-compatible voice against a local fake ``/v1/audio/speech`` server, through the real
``openai`` client and the whole renderer: request fields, the concurrency bound, retries,
the per-slide espeak fallback, loudness of the final video, the cache, voice choice."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from deck import Deck, EditSlide, SetDeck, SetTheme, apply, build_deck, parse_outline
from render import (
    AssetCache,
    OpenAISpeechBackend,
    ProceduralBackend,
    Renderer,
    RenderOptions,
    SilentBackend,
    VoiceError,
    VoiceSetupError,
)
from render.audio import SAMPLE_RATE
from render.loudness import integrated_loudness, true_peak
from render.narration import speech_sentences
from render.speech import prepare_for_speech
from render.voice.espeak import EspeakBackend
from render.voice.finish import TARGET_LUFS
from render.voice.style import THEME_TONES
from tests.probe import decode_audio, decodes_cleanly, probe

from .conftest import EXAMPLES, CountingVoice, needs_espeak
from .fakes.openai_speech import FakeSpeechServer

KEY = "sk-test-0123456789abcdef"
SMALL = RenderOptions(resolution=360, voice="openai:alloy", storyboard=False, subtitles=False)
KOKORO = ["af_heart", "am_adam", "bf_emma", "ff_siwis", "pf_dora", "zf_xiaobei"]


def run(coro):
    return asyncio.run(coro)


def tiny_deck(slides: int = 4, **deck: object) -> Deck:
    """Short slides with short narration: quick to encode, still one request each."""
    return build_deck(
        {
            "title": "Tiny",
            **deck,
            "slides": [
                {"title": f"Slide {n}", "narration": f"Slide {n} says a short thing."}
                for n in range(1, slides + 1)
            ],
        }
    )


def render_with(voices: dict[str, object], cache: AssetCache, deck: Deck, out: Path, options):
    with Renderer(ProceduralBackend(), voices, cache) as renderer:  # type: ignore[arg-type]
        return run(renderer.render(deck, out, options))


@pytest.fixture
def speech_server() -> Iterator[Callable[..., FakeSpeechServer]]:
    """Starts fake speech servers (keyword arguments as FakeSpeechServer's); stops them after."""
    started: list[FakeSpeechServer] = []

    def start(**kwargs: object) -> FakeSpeechServer:
        server = FakeSpeechServer(**kwargs).start()  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def voices_for(server: FakeSpeechServer, **kwargs: object) -> dict[str, object]:
    options: dict[str, object] = {
        "base_url": server.base_url,
        "api_key": KEY,
        "backoff_seconds": 0.01,
        "retries": 2,
    }
    options.update(kwargs)
    return {
        "openai": OpenAISpeechBackend(**options),  # type: ignore[arg-type]
        "espeak": CountingVoice(EspeakBackend()),
        "silent": SilentBackend(),
    }


def slide_loudness(video: Path, timings) -> list[float]:
    audio = decode_audio(video, SAMPLE_RATE)
    return [
        integrated_loudness(
            audio[round(t.start * SAMPLE_RATE) : round((t.start + t.narration) * SAMPLE_RATE)],
            SAMPLE_RATE,
        )
        for t in timings
    ]


def test_requests_carry_model_voice_prepared_text_style_and_key(speech_server, cache, tmp_path):
    server = speech_server()
    deck = apply(
        tiny_deck(3),
        [
            SetTheme(name="chalkboard"),
            EditSlide(
                slide=2, narration="**Leaves** weigh ~5 g & catch 45% of [light](https://x.org)."
            ),
        ],
    )
    voices = voices_for(server, model="gpt-4o-mini-tts", response_format="mp3")
    with Renderer(ProceduralBackend(), voices, cache) as renderer:
        result = run(renderer.render(deck, tmp_path / "a.mp4", SMALL))

    requests = server.speech_requests()
    assert len(requests) == len(deck.slides) and not result.warnings
    assert result.voice == "openai:alloy"
    assert {r.path for r in requests} == {"/v1/audio/speech"}
    assert {r.headers["Authorization"] for r in requests} == {f"Bearer {KEY}"}
    bodies = sorted((r.body for r in requests), key=lambda b: b["input"])
    for body in bodies:
        assert body["model"] == "gpt-4o-mini-tts"
        assert body["voice"] == "alloy"
        assert body["response_format"] == "mp3"
        assert THEME_TONES["chalkboard"] in body["instructions"]
    expected = sorted(prepare_for_speech(s.narration, "en") for s in deck.slides)
    assert [b["input"] for b in bodies] == expected
    assert "Leaves weigh about 5 grams and catch 45 percent of light." in expected
    assert probe(result.video).stream("audio") is not None


def test_models_without_instructions_get_no_style_and_pcm_is_wrapped(
    speech_server, cache, tmp_path
):
    server = speech_server()
    voices = voices_for(server, model="tts-1", response_format="pcm")
    result = render_with(voices, cache, tiny_deck(2), tmp_path / "a.mp4", SMALL)
    assert len(server.speech_requests()) == 2
    assert all("instructions" not in r.body for r in server.speech_requests())
    assert all(r.body["response_format"] == "pcm" for r in server.speech_requests())
    expected = server.seconds("Slide 1 says a short thing.")  # the fake's take, trimmed
    assert all(abs(t.narration - expected) < 0.1 for t in result.timings)


def test_concurrency_bound_is_respected(speech_server, cache, tmp_path):
    deck = tiny_deck(6)
    server = speech_server(delay=0.3)
    render_with(voices_for(server, concurrency=2), cache, deck, tmp_path / "a.mp4", SMALL)
    assert len(server.speech_requests()) == 6
    assert server.max_in_flight == 2  # never more, and really concurrent

    wide = speech_server(delay=0.3)
    voices = voices_for(wide, concurrency=5)
    render_with(voices, AssetCache(tmp_path / "c2"), deck, tmp_path / "b.mp4", SMALL)
    assert wide.max_in_flight == 5


def test_429_then_success_is_retried_after_the_wait_it_asks_for(speech_server, cache, tmp_path):
    server = speech_server(script=[429, 503], retry_after="0.3")
    voices = voices_for(server, concurrency=1)
    result = render_with(voices, cache, tiny_deck(3), tmp_path / "a.mp4", SMALL)
    requests = server.speech_requests()
    assert len(requests) == 3 + 2
    assert requests[0].body["input"] == requests[1].body["input"] == requests[2].body["input"]
    assert requests[1].started - requests[0].finished >= 0.28  # Retry-After honoured
    assert requests[2].started - requests[1].finished >= 0.28
    assert not result.warnings and voices["espeak"].calls == 0


@needs_espeak()
@pytest.mark.slow
def test_a_failing_slide_falls_back_to_espeak_alone_and_every_slide_is_as_loud(
    speech_server, example_deck, cache, tmp_path
):
    server = speech_server(fail_texts={"Calvin": 500})
    voices = voices_for(server)
    with Renderer(ProceduralBackend(), voices, cache) as renderer:
        result = run(renderer.render(example_deck, tmp_path / "a.mp4", SMALL))

        calvin = prepare_for_speech(example_deck.slides[4].narration, "en")
        assert server.texts().count(calvin) == 3  # one try and two retries
        assert voices["espeak"].texts == [calvin]  # espeak read that slide, and only that one
        assert len(result.warnings) == 1
        assert result.warnings[0].startswith("slide 5: the openai voice failed (")
        assert "HTTP 500" in result.warnings[0] and "espeak-ng" in result.warnings[0]
        ok, complaints = decodes_cleanly(result.video)
        assert ok, complaints

        # Loudness of the final video's audio, slide by slide: the API voice at four different
        # levels and espeak alike land on the target, and nothing clips.
        levels = slide_loudness(result.video, result.timings)
        assert all(abs(level - TARGET_LUFS) <= 1.5 for level in levels), levels
        audio = decode_audio(result.video, SAMPLE_RATE)
        assert np.max(np.abs(audio)) < 0.99 and true_peak(audio, SAMPLE_RATE) <= -0.5

        # The fallback is not cached as the API voice: once the server is well, it speaks.
        server.fail_texts.clear()
        again = run(renderer.render(example_deck, tmp_path / "b.mp4", SMALL))
        assert server.texts().count(calvin) == 4 and not again.warnings


@needs_espeak()
@pytest.mark.slow
def test_espeak_narration_is_levelled_in_the_video_too(renderer, example_deck, tmp_path):
    result = run(renderer.render(example_deck, tmp_path / "a.mp4", RenderOptions(resolution=360)))
    levels = slide_loudness(result.video, result.timings)
    assert all(abs(level - TARGET_LUFS) <= 1.5 for level in levels), levels
    assert np.max(np.abs(decode_audio(result.video))) < 0.99


def test_unchanged_slides_come_from_the_cache(speech_server, cache, tmp_path):
    server = speech_server()
    voices = voices_for(server)
    example_deck = tiny_deck(4)
    n = len(example_deck.slides)
    with Renderer(ProceduralBackend(), voices, cache) as renderer:
        run(renderer.render(example_deck, tmp_path / "a.mp4", SMALL))
        assert len(server.speech_requests()) == n
        run(renderer.render(example_deck, tmp_path / "b.mp4", SMALL))
        assert len(server.speech_requests()) == n  # a second render asks for nothing

        bullets = apply(example_deck, [EditSlide(slide=3, bullets=["Water, air and light"])])
        run(renderer.render(bullets, tmp_path / "c.mp4", SMALL))
        assert len(server.speech_requests()) == n  # a bullet edit does not touch narration

        spoken = apply(example_deck, [EditSlide(slide=2, narration="Leaves love light.")])
        run(renderer.render(spoken, tmp_path / "d.mp4", SMALL))
        assert server.texts()[n:] == ["Leaves love light."]  # only the edited slide

        other = RenderOptions(resolution=360, voice="openai:nova", storyboard=False)
        run(renderer.render(spoken, tmp_path / "e.mp4", other))
        assert len(server.speech_requests()) == 2 * n + 1  # another voice: every slide again


def test_unknown_voice_lists_openais_voices_before_any_work(example_deck, cache, tmp_path):
    voices = {"openai": OpenAISpeechBackend(api_key=KEY), "silent": SilentBackend()}
    images = ProceduralBackend()
    with Renderer(images, voices, cache) as renderer, pytest.raises(VoiceSetupError) as error:
        run(
            renderer.render(
                example_deck,
                tmp_path / "a.mp4",
                RenderOptions(resolution=360, voice="openai:alloi"),
            )
        )
    message = str(error.value)
    assert "the openai voice 'alloi' does not exist on OpenAI" in message
    assert "did you mean alloy?" in message
    assert "alloy, ash, ballad, cedar, coral, echo, fable, marin, nova, onyx, sage" in message
    assert not (tmp_path / "a.mp4").exists()
    assert not list((tmp_path / "cache").glob("narration/*/*.wav"))


def test_unknown_voice_lists_the_servers_voices(speech_server, example_deck, cache, tmp_path):
    server = speech_server(voices=KOKORO)
    options = RenderOptions(resolution=360, voice="openai:af_hart")
    with pytest.raises(VoiceSetupError) as error:
        render_with(voices_for(server), cache, example_deck, tmp_path / "a.mp4", options)
    assert f"does not exist on the speech server at {server.base_url}" in str(error.value)
    assert "did you mean af_heart?" in str(error.value)
    assert ", ".join(sorted(KOKORO)) in str(error.value)
    assert server.speech_requests() == []


def test_a_server_without_a_voice_list_names_the_voice_it_refused(
    speech_server, example_deck, cache, tmp_path
):
    server = speech_server(voices=["af_heart"], list_voices=False)
    voices = voices_for(server)
    options = RenderOptions(resolution=360, voice="openai:nope", storyboard=False)
    with pytest.raises(VoiceSetupError, match=r"has no voice 'nope' \(HTTP 400: Voice 'nope'"):
        render_with(voices, cache, example_deck, tmp_path / "a.mp4", options)
    assert voices["espeak"].calls == 0  # not a slide's failure: no fallback
    assert [r.path for r in server.requests if r.path.endswith("voices")] == []


def test_the_deck_language_picks_a_voice(speech_server, cache, tmp_path):
    server = speech_server(voices=KOKORO)
    options = RenderOptions(resolution=360, voice="openai", storyboard=False)
    french = tiny_deck(2, language="fr")
    british = apply(french, [SetDeck(language="en-GB")])
    with Renderer(ProceduralBackend(), voices_for(server), cache) as renderer:
        result = run(renderer.render(french, tmp_path / "fr.mp4", options))
        assert result.voice == "openai:ff_siwis"
        run(renderer.render(british, tmp_path / "gb.mp4", options))
    assert {r.body["voice"] for r in server.speech_requests()} == {"ff_siwis", "bf_emma"}

    # A voice set for a language wins; OpenAI's own voices speak every language.
    mapped = OpenAISpeechBackend(api_key=KEY, voices_by_language={"fr": "coral"})
    assert run(mapped.resolve_voice(None, "fr-CA")) == "coral"
    assert run(mapped.resolve_voice(None, "de")) == "alloy"
    with pytest.raises(VoiceSetupError, match="the voice 'corall' set for language fr"):
        run(OpenAISpeechBackend(voices_by_language={"fr": "corall"}).resolve_voice(None, "fr"))


def test_a_refused_key_stops_the_render_and_never_shows_the_key(
    speech_server, example_deck, cache, tmp_path
):
    server = speech_server(api_key="sk-the-right-one")
    voices = voices_for(server)
    with pytest.raises(VoiceSetupError) as error:
        render_with(voices, cache, example_deck, tmp_path / "a.mp4", SMALL)
    message = str(error.value)
    assert "refused the API key (HTTP 401" in message
    assert KEY not in message and "[key]" in message  # the server echoed it; we hid it
    assert KEY not in repr(voices["openai"])
    assert voices["espeak"].calls == 0  # a setup problem is not papered over by espeak
    assert not (tmp_path / "a.mp4").exists()


def test_openai_without_a_key_is_not_available(example_deck, cache, tmp_path):
    voices = {
        "openai": OpenAISpeechBackend(setup_hint="set THE_KEY"),
        "silent": SilentBackend(),
    }
    with pytest.raises(VoiceError, match="'openai:alloy' is not available here: set THE_KEY"):
        render_with(voices, cache, example_deck, tmp_path / "a.mp4", SMALL)
    assert OpenAISpeechBackend(base_url="http://127.0.0.1:9/v1").available()  # own server


def test_unreachable_server_is_a_setup_error(example_deck, cache, tmp_path):
    voices = {
        "openai": OpenAISpeechBackend(
            base_url="http://127.0.0.1:9/v1", retries=1, backoff_seconds=0.01
        ),
        "silent": SilentBackend(),
    }
    with pytest.raises(VoiceSetupError, match=r"127\.0\.0\.1:9/v1 kept failing.*cannot connect"):
        render_with(voices, cache, example_deck, tmp_path / "a.mp4", SMALL)


@pytest.mark.slow
def test_cli_speaks_through_a_local_server_set_by_environment(speech_server, tmp_path):
    server = speech_server(voices=KOKORO)
    env = {
        **os.environ,
        "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
        "DECKCAST_TTS_BASE_URL": server.base_url,
        "DECKCAST_TTS_MODEL": "kokoro",
        "DECKCAST_TTS_VOICES": '{"en": "am_adam"}',
        "DECKCAST_TTS_STYLE": "",
        "COLUMNS": "120",
        "NO_COLOR": "1",
    }
    env.pop("DECKCAST_TTS_API_KEY", None)
    out = tmp_path / "talk.mp4"
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    done = subprocess.run(
        [
            *command,
            "render",
            str(EXAMPLES / "photosynthesis.md"),
            "-o",
            str(out),
            "--voice",
            "openai",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "voice openai:am_adam" in done.stdout
    bodies = [r.body for r in server.speech_requests()]
    deck = parse_outline((EXAMPLES / "photosynthesis.md").read_text(encoding="utf-8"))
    sentences = [text for s in deck.slides for text in speech_sentences(s.narration, "en")]
    assert sorted(b["input"] for b in bodies) == sorted(sentences)  # a request per sentence
    assert {(b["model"], b["voice"], b["response_format"]) for b in bodies} == {
        ("kokoro", "am_adam", "wav")
    }
    assert all("instructions" not in b for b in bodies)
    assert probe(out).stream("audio") is not None


def test_settings_map_to_the_speech_backend(monkeypatch, tmp_path):
    from bot.backends import build_voices
    from bot.settings import Settings

    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    for name in list(os.environ):
        if name.startswith(("DECKCAST_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1234/v1/")
    backend = build_voices(Settings())["openai"]
    assert isinstance(backend, OpenAISpeechBackend)
    assert backend.base_url == "http://127.0.0.1:1234/v1" and backend.available()
    assert (backend.model, backend.default_voice, backend.concurrency) == (
        "gpt-4o-mini-tts",
        "alloy",
        4,
    )

    monkeypatch.setenv("DECKCAST_TTS_BASE_URL", "http://127.0.0.1:8880/v1")
    monkeypatch.setenv("DECKCAST_TTS_MODEL", "kokoro")
    monkeypatch.setenv("DECKCAST_TTS_VOICES", '{"en": "af_heart", "fr": "ff_siwis"}')
    monkeypatch.setenv("DECKCAST_TTS_CONCURRENCY", "2")
    monkeypatch.setenv("DECKCAST_TTS_FORMAT", "mp3")
    backend = build_voices(Settings())["openai"]
    assert backend.base_url == "http://127.0.0.1:8880/v1" and backend.model == "kokoro"
    assert backend.voices_by_language == {"en": "af_heart", "fr": "ff_siwis"}
    assert (backend.concurrency, backend.response_format) == (2, "mp3")
    assert KEY not in repr(backend) and KEY not in repr(Settings())

    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("DECKCAST_TTS_BASE_URL")
    assert not build_voices(Settings())["openai"].available()  # OpenAI itself needs a key


def test_a_default_openai_voice_without_a_key_renders_silent_with_the_setup_hint(cache, tmp_path):
    voices = {"openai": OpenAISpeechBackend(setup_hint="set THE_KEY"), "silent": SilentBackend()}
    options = RenderOptions(resolution=360, default_voice="openai:alloy", storyboard=False)
    result = render_with(voices, cache, tiny_deck(2), tmp_path / "a.mp4", options)
    assert result.voice == "silent"
    assert result.warnings == ["openai is not set up, so the video is silent: set THE_KEY"]
