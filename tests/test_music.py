"""Background music: the bed's shape in numpy, then real renders measured from the final MP4
(voice loudness kept, music ducked under speech, fades, looping, trimming, the video untouched)
and bad music files stopped before any work with one sentence."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from benchmarks.music import MIN_DEPTH_DB, VOICE_TOLERANCE_LU, measure, rms_db, write_song
from deck import build_deck, parse_outline, to_markdown
from render import (
    AssetCache,
    EspeakBackend,
    MusicError,
    ProceduralBackend,
    Renderer,
    RenderOptions,
    RenderResult,
    SilentBackend,
)
from render import music as music_module
from render.audio import SAMPLE_RATE
from render.ffmpeg import ffmpeg_exe
from render.loudness import integrated_loudness, peak_bound, peak_envelope, true_peak
from render.music import (
    ATTACK_SECONDS,
    BED_LUFS,
    DUCK_DB,
    HOLD_SECONDS,
    LEVEL_RANGE_DB,
    MIX_CEILING_DBTP,
    RELEASE_SECONDS,
    duck_gain,
    fades,
    fit_length,
    mix,
    music_bed,
)
from render.voice.finish import finish_samples
from tests.probe import decode_audio, probe

from .conftest import needs_espeak
from .test_cli import deckcast

RATE = SAMPLE_RATE


def sine(seconds: float, hz: float = 220.0, amplitude: float = 0.3) -> np.ndarray:
    return amplitude * np.sin(2 * np.pi * hz * np.arange(round(seconds * RATE)) / RATE)


def speech(seconds: float) -> np.ndarray:
    """Voiced syllables, about as loud as finished narration."""
    t = np.arange(round(seconds * RATE)) / RATE
    voiced = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 6))
    return 0.3 * (0.3 + 0.7 * np.abs(np.sin(np.pi * 3.5 * t))) * voiced / 2.3


def video_stream(path: Path) -> bytes:
    """The H.264 stream of an MP4, as stored (no decoding)."""
    return subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0:v",
            "-c",
            "copy",
            "-bsf:v",
            "h264_mp4toannexb",
            "-f",
            "h264",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout


def gain_db_at(gain: np.ndarray, seconds: float) -> float:
    return 20 * float(np.log10(gain[round(seconds * RATE)]))


# --- the bed, in numpy -------------------------------------------------------------------------


def test_long_music_is_cut_and_short_music_loops_without_a_click():
    song = sine(3.0, hz=217.0)  # not a whole number of periods: the seam needs its crossfade
    assert np.array_equal(fit_length(song, 2 * RATE, RATE), song[: 2 * RATE])

    looped = fit_length(song, 10 * RATE, RATE)
    assert looped.size == 10 * RATE
    step = np.max(np.abs(np.diff(song)))
    assert np.max(np.abs(np.diff(looped))) <= 1.05 * step  # no jump at any seam
    seam = song.size - round(music_module.LOOP_CROSSFADE_SECONDS * RATE)
    overlap = song.size - seam
    # After each seam the song plays again from where the crossfade ended.
    assert np.allclose(
        looped[seam + overlap : seam + overlap + RATE], song[overlap : overlap + RATE]
    )
    assert np.allclose(looped[:RATE], song[:RATE])


def test_fades_rise_from_silence_and_end_in_silence():
    gain = fades(20 * RATE, RATE)
    assert gain[0] == 0 and gain[-1] == 0 and gain[10 * RATE] == 1
    fade_in = round(music_module.FADE_IN_SECONDS * RATE)
    assert np.all(np.diff(gain[:fade_in]) >= 0) and np.all(np.diff(gain[-fade_in:]) <= 0)
    assert gain[fade_in // 2] < 0.5  # a gentle start, not a step
    short = fades(RATE, RATE)  # a one-second video: each fade at most a third of it
    assert short[RATE // 2] == 1


def test_the_bed_ducks_as_speech_starts_and_comes_back_over_half_a_second():
    # 2 s of silence, 3 s of speech with two short gaps between words, 3 s of silence.
    talk = speech(3.0)
    for gap in (1.0, 2.0):
        talk[round(gap * RATE) : round((gap + 0.2) * RATE)] = 0
    voice = np.concatenate([np.zeros(2 * RATE), talk, np.zeros(3 * RATE)])
    gain = duck_gain(voice, RATE)

    assert gain_db_at(gain, 2.0 - ATTACK_SECONDS - 0.05) == pytest.approx(0, abs=0.01)
    assert gain_db_at(gain, 2.0) <= -DUCK_DB + 0.5  # already down as the first word starts
    during = 20 * np.log10(gain[2 * RATE : 5 * RATE])
    assert during.max() <= -DUCK_DB + 0.5  # held through the gaps between words
    back = 5.0 + HOLD_SECONDS
    assert gain_db_at(gain, back + RELEASE_SECONDS / 2) == pytest.approx(-DUCK_DB / 2, abs=1.0)
    assert gain_db_at(gain, back + RELEASE_SECONDS + 0.03) == pytest.approx(0, abs=0.01)


@pytest.mark.parametrize("level", [0.0, -6.0, 20.0])
def test_the_bed_sits_at_its_level_whatever_the_song_s_own_level(level):
    quiet, loud = sine(20.0, amplitude=0.02), sine(20.0, amplitude=0.6)
    silence = np.zeros(20 * RATE)
    expected = BED_LUFS + min(level, LEVEL_RANGE_DB[1])
    middle = slice(5 * RATE, 15 * RATE)  # past the fades
    for song in (quiet, loud):
        bed = music_bed(song, silence, RATE, level)
        assert integrated_loudness(bed[middle], RATE) == pytest.approx(expected, abs=0.2)


def test_silent_or_too_short_music_is_refused_with_a_sentence():
    voice = speech(5.0)
    with pytest.raises(MusicError, match="silent"):
        music_bed(np.zeros(5 * RATE), voice, RATE)
    with pytest.raises(MusicError, match="shorter"):
        music_bed(sine(0.3), voice, RATE)


def test_the_cheap_peak_bound_is_never_under_the_true_peak():
    rng = np.random.default_rng(3)
    for rate in (24_000, 48_000):
        for x in (rng.standard_normal(rate) * 0.2, sine(1.0, hz=rate / 4.1), speech(1.0)):
            assert np.all(peak_bound(x, rate) >= peak_envelope(x, rate) - 1e-12)


def test_the_mix_keeps_the_voice_and_stays_under_the_ceiling():
    voice = finish_samples(speech(4.0), RATE)  # as narration is: -16 LUFS, -1.5 dBTP
    under = music_bed(sine(4.0), np.concatenate([voice, np.zeros(RATE)]), RATE)[: voice.size]
    assert np.array_equal(mix(voice, under, RATE), voice + under)  # nothing to limit
    loud = sine(voice.size / RATE, hz=180.0, amplitude=0.5)  # a bed far too loud
    limited = mix(voice, loud, RATE)
    assert true_peak(limited, RATE) <= MIX_CEILING_DBTP + 0.05


# --- real renders, measured from the final file -----------------------------------------------

DECK = build_deck(
    {
        "title": "Music under the voice",
        "slides": [
            {"title": f"Step {n}", "narration": f"Step {n} explains one idea in a short sentence."}
            for n in range(1, 4)
        ],
    }
)


@dataclass
class Renders:
    renderer: Renderer
    cache: AssetCache
    work: Path
    alone: RenderResult
    voice: np.ndarray

    def with_music(self, name: str, song: Path, **options: object) -> RenderResult:
        self.cache.hits.clear()
        self.cache.misses.clear()
        out = self.work / f"{name}.mp4"
        settings = RenderOptions(
            resolution=360, voice="espeak", storyboard=False, music=song, **options
        )  # type: ignore[arg-type]
        return asyncio.run(self.renderer.render(DECK, out, settings))


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory):
    if not EspeakBackend().available():
        pytest.skip("espeak-ng is not installed (make system)")
    work = tmp_path_factory.mktemp("music")
    cache = AssetCache(work / "cache")
    voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, cache) as renderer:  # type: ignore[arg-type]
        options = RenderOptions(resolution=360, voice="espeak", storyboard=False)
        alone = asyncio.run(renderer.render(DECK, work / "voice.mp4", options))
        yield Renders(renderer, cache, work, alone, decode_audio(work / "voice.mp4"))


@needs_espeak()
def test_music_leaves_the_voice_as_loud_and_ducks_well_under_it(renders):
    song = write_song(renders.work / "short.mp3", 3.0)  # shorter than the 11 s video: looped
    result = renders.with_music("looped", song)
    mixed = decode_audio(result.video)
    timings = renders.alone.timings
    assert [t.start for t in result.timings] == [t.start for t in timings]

    for i, figures in enumerate(measure(renders.voice, mixed, timings), 1):
        assert abs(figures.voice_difference) <= VOICE_TOLERANCE_LU, f"slide {i}: {figures}"
        assert figures.depth >= MIN_DEPTH_DB, f"slide {i}: {figures}"

    music = mixed.astype(np.float64) - renders.voice
    # Between slides (the pause after each narration) the music comes back up, also after the
    # 3 s song has ended once: it was looped.
    for timing in timings[:-1]:
        pause_end = timing.start + timing.duration
        assert pause_end > 3.0 or timing is timings[0]
        pause = music[round((pause_end - 0.15) * RATE) : round(pause_end * RATE)]
        assert rms_db(pause) > BED_LUFS - 12, f"no music in the pause before {pause_end:.1f} s"
    # Faded in from silence and out to silence.
    assert rms_db(music[: RATE // 50]) < -60 and rms_db(music[-RATE // 50 :]) < -60


@needs_espeak()
def test_louder_music_still_sits_fifteen_db_under_the_voice(renders):
    song = write_song(renders.work / "loud.wav", 4.0, amplitude=0.3)
    result = renders.with_music("loudest", song, music_level_db=LEVEL_RANGE_DB[1])
    for figures in measure(renders.voice, decode_audio(result.video), renders.alone.timings):
        assert abs(figures.voice_difference) <= VOICE_TOLERANCE_LU
        assert figures.depth >= MIN_DEPTH_DB


@needs_espeak()
def test_turning_music_on_or_changing_it_reencodes_no_video_segment(renders):
    song = write_song(renders.work / "cache.mp3", 5.0)
    slides = len(DECK.slides)
    first = renders.with_music("on", song)
    assert renders.cache.misses["segment"] == 0 and renders.cache.hits["segment"] == slides
    assert first.slides_from_cache == slides
    assert renders.cache.misses["narration"] == 0 and renders.cache.misses["track"] == 1
    # The picture is the same stream, packet for packet: with the same timings, every slide
    # starts with its narration exactly as without music.
    assert video_stream(first.video) == video_stream(renders.alone.video)
    assert first.timings == renders.alone.timings

    again = renders.with_music("again", song)  # the mixed track is cached too
    assert renders.cache.misses["track"] == 0 and renders.cache.misses["segment"] == 0
    assert again.slides_from_cache == slides

    quieter = renders.with_music("quieter", song, music_level_db=-6.0)
    assert renders.cache.misses["segment"] == 0 and renders.cache.misses["track"] == 1
    assert quieter.slides_from_cache == slides
    louder_music = decode_audio(first.video).astype(np.float64) - renders.voice
    quieter_music = decode_audio(quieter.video).astype(np.float64) - renders.voice
    pause = slice(round(3.0 * RATE), round(3.5 * RATE))
    assert rms_db(louder_music[pause]) - rms_db(quieter_music[pause]) == pytest.approx(6, abs=1)


@needs_espeak()
def test_music_longer_than_the_video_is_cut_to_it(renders):
    song = write_song(renders.work / "long.ogg", 40.0)
    result = renders.with_music("trimmed", song)
    video_seconds = sum(t.duration for t in result.timings)
    info = probe(result.video)
    assert abs(info.duration - video_seconds) <= 0.1
    assert decode_audio(result.video).size / RATE == pytest.approx(video_seconds, abs=0.05)


# --- bad files --------------------------------------------------------------------------------


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    text = tmp / "notes.mp3"
    text.write_text("these are not the notes you are looking for\n" * 50)
    empty = tmp / "empty.wav"
    empty.write_bytes(b"")
    folder = tmp / "songs"
    folder.mkdir()
    return {
        "missing": (tmp / "nowhere.mp3", "does not exist"),
        "folder": (folder, "is not a file"),
        "text": (text, "is not audio"),
        "empty": (empty, "is not audio"),
    }


@pytest.mark.parametrize("case", ["missing", "folder", "text", "empty", "too big", "too long"])
def test_a_bad_music_file_stops_the_render_before_any_work_with_one_sentence(
    case, renderer, images, voices, tmp_path, monkeypatch
):
    if case == "too big":
        path, expected = write_song(tmp_path / "big.wav", 2.0), "MB; at most"
        monkeypatch.setattr(music_module, "MAX_BYTES", 1000)
    elif case == "too long":
        path, expected = write_song(tmp_path / "long.mp3", 3.0), "minutes long; at most"
        monkeypatch.setattr(music_module, "MAX_SECONDS", 2.0)
    else:
        path, expected = _bad_files(tmp_path)[case]
    out = tmp_path / "talk.mp4"
    options = RenderOptions(resolution=360, voice="silent", music=path)
    with pytest.raises(MusicError) as raised:
        asyncio.run(renderer.render(DECK, out, options))
    message = str(raised.value)
    assert expected in message and path.name in message and "\n" not in message
    assert images.calls == 0 and all(v.calls == 0 for v in voices.values())
    assert not out.exists()


# --- the outline and the command line ---------------------------------------------------------


def test_the_outline_names_its_music_and_writes_it_back():
    text = "---\ntitle: Songs\nmusic: music/calm piano.mp3\n---\n\n## One\n> Hello.\n"
    deck = parse_outline(text)
    assert deck.music == "music/calm piano.mp3"
    assert parse_outline(to_markdown(deck)) == deck
    assert "music: music/calm piano.mp3" in to_markdown(deck)
    assert parse_outline("## One\n> Hello.\n").music is None


def test_deckcast_render_plays_the_outline_s_music_and_refuses_a_bad_file(tmp_path):
    folder = tmp_path / "talk"
    (folder / "music").mkdir(parents=True)
    write_song(folder / "music" / "bed.wav", 2.0)
    outline = folder / "talk.md"
    outline.write_text("---\nmusic: music/bed.wav\n---\n\n## One\n> Hello there.\n")
    out = tmp_path / "talk.mp4"
    ran = deckcast(
        "render",
        str(outline),
        "-o",
        str(out),
        "--resolution",
        "720p",
        "--voice",
        "silent",
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert ran.returncode == 0, ran.stderr
    # The narration is silent: all that is heard is the outline's music (found beside it).
    heard = decode_audio(out)
    assert rms_db(heard[RATE // 2 : RATE]) > BED_LUFS - 10

    (tmp_path / "notes.mp3").write_text("not a song\n" * 20)
    refused = deckcast(
        "render",
        str(outline),
        "-o",
        str(tmp_path / "b.mp4"),
        "--voice",
        "silent",
        "--music",
        str(tmp_path / "notes.mp3"),
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert refused.returncode == 1
    lines = [line for line in (refused.stdout + refused.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "notes.mp3 is not audio" in lines[0], lines
    assert not (tmp_path / "b.mp4").exists()
