"""Caption cues start when their sentence is heard: measured by decoding the final MP4.

A deck with uneven sentences is rendered with the real espeak-ng voice; each sentence's onset
is found in the decoded audio (the first sample above a threshold after a silence gap) and
compared with the cue starts in the SRT. The old timing (cues spread over the narration by
character count) is measured against the same onsets, so the test shows what it guards.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import numpy as np
import pytest

from benchmarks.captions import UNEVEN, srt_starts
from deck import parse_outline
from render import Renderer, RenderOptions
from render.captions import Cue, cue_words, slide_cues, time_cues, word_starts
from render.options import SlideTiming

from .conftest import needs_espeak
from .probe import decode_audio, frame_at, probe, sound_onsets

TOLERANCE = 0.050  # seconds: a cue may start this far from its sentence's onset


def nearest_errors(starts: list[float], onsets: list[float]) -> list[float]:
    """For each cue start, how far the onset it belongs to is (the nearest one)."""
    return [min(abs(start - onset) for onset in onsets) for start in starts]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    """The uneven deck rendered once with espeak-ng at 360p; its SRT and decoded audio."""
    from render import AssetCache, EspeakBackend, ProceduralBackend, SilentBackend

    work = tmp_path_factory.mktemp("timing")
    voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(work / "cache")) as renderer:
        result = asyncio.run(
            renderer.render(
                parse_outline(UNEVEN),
                work / "talk.mp4",
                RenderOptions(resolution=360, voice="espeak:en", storyboard=False),
            )
        )
    assert result.srt is not None
    return result, result.srt.read_text(encoding="utf-8"), decode_audio(result.video)


@needs_espeak()
@pytest.mark.slow
def test_every_cue_starts_within_50_ms_of_its_sentence_in_the_final_file(rendered):
    _result, srt, audio = rendered
    onsets = sound_onsets(audio)
    starts = srt_starts(srt)
    # Every sentence is its own cue here (all are short), so cues and onsets pair one to one;
    # the title slide's narration is one sentence of its own.
    assert len(starts) == len(onsets) >= 8, (starts, onsets)
    errors = [abs(s - o) for s, o in zip(starts, onsets, strict=True)]
    assert max(errors) <= TOLERANCE, errors


@needs_espeak()
@pytest.mark.slow
def test_the_old_spread_by_characters_misses_the_onsets_on_the_same_deck(rendered):
    result, _srt, audio = rendered
    deck = parse_outline(UNEVEN)
    old = slide_cues([s.narration for s in deck.slides], result.timings)  # no sentence spans
    onsets = sound_onsets(audio)
    errors = nearest_errors([c.start for cues in old for c in cues], onsets)
    assert max(errors) > TOLERANCE  # what the test above would have caught


def test_a_spread_by_characters_is_off_by_more_than_50_ms_for_uneven_sentences():
    """Without audio: "Yes." and "Why?" are said with a pause after them that a spread by
    characters does not know about, so the long sentence after each starts early."""
    spans = [(0.0, 0.30), (0.58, 4.90), (5.18, 5.55), (5.83, 8.80)]  # as espeak-ng says them
    texts = [
        "Yes.",
        "Plants turn sunlight, water and carbon dioxide into sugar and oxygen, all day long.",
        "Why?",
        "Because every leaf is a small and very busy factory.",
    ]
    spread = time_cues(texts, 0.0, 8.80)
    errors = [abs(c.start - a) for c, (a, _b) in zip(spread, spans, strict=True)]
    assert max(errors) > TOLERANCE
    timing = [SlideTiming(0.0, 9.5, 8.80)]
    exact = slide_cues([" ".join(texts)], timing, [spans])[0]
    assert [c.start for c in exact] == [a for a, _b in spans]
    assert [c.end for c in exact] == [0.58, 5.18, 5.83, 8.80]  # shown until the next begins


def test_a_long_sentence_is_cut_and_its_cues_share_its_spoken_time():
    long = (
        "This sentence is much longer than any single caption could possibly hold, "
        "so it must be split into parts that share its time."
    )
    cues = slide_cues([f"Short. {long}"], [SlideTiming(10.0, 9.0, 8.0)], [[(0.1, 0.5), (1.0, 7.0)]])
    assert cues[0][0].start == 10.1 and cues[0][1].start == 11.0
    assert len(cues[0]) >= 3 and cues[0][-1].end == 18.0
    assert cues[0][-1].spoken == 17.0  # its words end when the sentence's sound does


def test_word_starts_share_the_spoken_time_by_length():
    cue = Cue(2.0, 4.0, "a bb cccc", spoken=3.4)
    assert cue_words(cue.text) == ["a", "bb", "cccc"]
    assert word_starts(cue) == [2.0, 2.2, 2.6]


@needs_espeak()
@pytest.mark.slow
def test_words_mode_moves_the_highlight_at_a_higher_frame_rate_and_keeps_the_srt(
    tmp_path: Path,
):
    from render import AssetCache, EspeakBackend, ProceduralBackend, SilentBackend

    deck = parse_outline(UNEVEN.replace("aspect: 16:9", "aspect: 9:16"))
    voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
    with Renderer(ProceduralBackend(), voices, AssetCache(tmp_path / "cache")) as renderer:
        words = asyncio.run(
            renderer.render(
                deck,
                tmp_path / "short.mp4",
                RenderOptions(
                    resolution=360, voice="espeak:en", captions="words", storyboard=False
                ),
            )
        )
    info = probe(words.video)
    assert info.fps == 12 and info.video_size == (360, 640)
    assert words.srt is not None
    srt = words.srt.read_text(encoding="utf-8")
    plain, lines_srt = asyncio.run(_lines_short(deck, tmp_path))
    assert srt == lines_srt  # the sidecars do not depend on the burned-in style
    onsets = sound_onsets(decode_audio(words.video))
    assert max(nearest_errors(srt_starts(srt), onsets)) <= TOLERANCE
    # One cue's words a tenth and a half into its time: different words are lit there.
    starts = srt_starts(srt)
    blocks = srt.split("\n\n")
    index = next(n for n, block in enumerate(blocks) if "Plants turn sunlight" in block)
    begin, end = starts[index], starts[index + 1]
    band = slice(round(640 * 0.88) + 2, 640)
    early = frame_at(words.video, begin + 0.1 * (end - begin)).astype(int)[band]
    later = frame_at(words.video, begin + 0.5 * (end - begin)).astype(int)[band]
    assert np.abs(early - later).max() > 100  # the highlight moved from word to word
    lit = frame_at(plain, begin + 0.1 * (end - begin)).astype(int)[band]
    assert np.abs(early - lit).max() > 100  # and it is a highlight: lines mode has none
    # Each burned cue appears on the very frame its SRT start falls on (counted from 0).
    changes = band_changes(plain, top=round(640 * 0.88) + 2)
    assert {round(t * 12) for t in srt_starts(srt)[1:]} <= changes, changes


def band_changes(video: Path, *, top: int) -> set[int]:
    """Indices of the frames whose caption band (rows from ``top``) differs from the frame
    before: where a cue (or a slide) changes."""
    from render.ffmpeg import ffmpeg_exe

    width, height = probe(video).video_size or (0, 0)
    command = [ffmpeg_exe(), "-v", "error", "-i", str(video)]
    command += ["-f", "rawvideo", "-pix_fmt", "gray", "-"]
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width)[:, top:].astype(int)
    moved = np.abs(np.diff(frames, axis=0)).max(axis=(1, 2)) > 60
    return {int(n) + 1 for n in np.flatnonzero(moved)}


async def _lines_short(deck, work: Path) -> tuple[Path, str]:
    """The same short with lines captions at the words style's frame rate: its video and SRT."""
    from render import AssetCache, EspeakBackend, ProceduralBackend, SilentBackend

    voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
    options = RenderOptions(
        resolution=360, voice="espeak:en", captions=True, fps=12, storyboard=False
    )
    with Renderer(ProceduralBackend(), voices, AssetCache(work / "cache")) as renderer:
        lines = await renderer.render(deck, work / "lines.mp4", options)
    assert lines.srt is not None
    return lines.video, lines.srt.read_text(encoding="utf-8")


@pytest.mark.parametrize("picture_color", ["white", "#ffcc00", "black"])
def test_the_highlighted_word_alone_is_amber_and_legible_on_any_picture(picture_color):
    from PIL import Image

    from render.caption_band import CAPTION_HIGHLIGHT, add_caption
    from render.contrast import AA_NORMAL_TEXT, contrast_ratio
    from render.fonts import font_set
    from render.frame import FrameSpec

    spec = FrameSpec.of("9:16", 360)
    base = Image.new("RGB", spec.size, picture_color)
    text = "Leaves catch sunlight with chlorophyll"
    frames = [add_caption(base, text, spec, font_set("en"), highlight=n) for n in (0, 3)]
    top = spec.height - round(spec.height * 0.12)  # the caption band (render.layout)
    amber = [
        np.all(np.asarray(f.image)[top:].astype(int) == CAPTION_HIGHLIGHT, axis=2) for f in frames
    ]
    columns = [np.flatnonzero(a.any(axis=0)) for a in amber]
    assert all(c.size > 0 for c in columns)
    assert columns[0].max() < columns[1].min()  # "Leaves" is left of "with", nothing else lit
    line = frames[0].blocks[0].lines[0]
    assert columns[0].min() >= line.x - 2 and columns[0].max() - line.x < line.width / 4
    band = np.asarray(frames[0].image)[top + 2 :, :4].reshape(-1, 3)
    scrim = tuple(int(v) for v in band.max(axis=0))  # the scrim where no text is
    assert contrast_ratio(CAPTION_HIGHLIGHT, scrim) >= AA_NORMAL_TEXT  # type: ignore[arg-type]


@needs_espeak()
@pytest.mark.slow
def test_a_narration_from_the_cache_still_knows_its_onsets(tmp_path: Path):
    from render import AssetCache, EspeakBackend, ProceduralBackend

    from .conftest import CountingVoice

    deck = parse_outline(UNEVEN)
    espeak = CountingVoice(EspeakBackend())
    options = RenderOptions(resolution=360, voice="espeak:en", storyboard=False)
    srts = []
    with Renderer(ProceduralBackend(), {"espeak": espeak}, AssetCache(tmp_path / "c")) as r:
        for name in ("a", "b"):
            result = asyncio.run(r.render(deck, tmp_path / f"{name}.mp4", options))
            assert result.srt is not None
            srts.append(result.srt.read_text(encoding="utf-8"))
    assert espeak.calls == 8  # the eight sentences, once: the second render spoke nothing
    assert srts[0] == srts[1]
    old = slide_cues([s.narration for s in deck.slides], result.timings)
    assert srt_starts(srts[1]) != [c.start for cues in old for c in cues]  # not the spread


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Plants, e.g. ferns, grow. Then what?", ["Plants, e.g. ferns, grow.", "Then what?"]),
        ("Dr. Ng met J. S. Bach. He left.", ["Dr. Ng met J. S. Bach.", "He left."]),
        (
            "See Fig. 3 in U.S. law. I said no. So did I.",
            ["See Fig. 3 in U.S. law.", "I said no.", "So did I."],
        ),
        ("光合作用。 很好！", ["光合作用。", "很好！"]),
    ],
)
def test_sentences_are_not_cut_after_abbreviations_and_initials(text, sentences):
    """A cut is a pause in the voice (each sentence is spoken apart), so "Dr. Ng" stays one."""
    from render.captions import split_sentences

    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    ("args", "read"),
    [
        (["render", "a.md", "--captions", "words"], ["render", "a.md", "--caption-style", "words"]),
        (["render", "a.md", "--captions"], ["render", "a.md", "--captions"]),
        (
            ["render", "a.md", "--captions", "-o", "x.mp4"],
            ["render", "a.md", "--captions", "-o", "x.mp4"],
        ),
        (["render", "--captions", "Lines", "a.md"], ["render", "--caption-style", "lines", "a.md"]),
        (["chat", "--captions", "words"], ["chat", "--captions", "words"]),  # render only
    ],
)
def test_captions_words_on_the_command_line_is_read_as_a_caption_style(args, read):
    from bot.cli.argv import caption_style_args

    assert caption_style_args(args) == read


def _burst(seconds: float, level: float, rate: int = 24_000, quiet: float = 0.2) -> np.ndarray:
    """A voiced-like tone ``seconds`` long at peak ``level``, with ``quiet`` of silence around."""
    t = np.arange(round(seconds * rate)) / rate
    tone = level * np.sin(2 * np.pi * 180 * t) * np.minimum(1, np.minimum(t, t[::-1]) / 0.01)
    pad = np.zeros(round(quiet * rate))
    return np.concatenate([pad, tone, pad])


def test_sentences_joined_are_levelled_once_with_known_onsets():
    from render.loudness import integrated_loudness
    from render.voice.finish import (
        SENTENCE_GAP,
        TARGET_LUFS,
        TRIM_KEEP_SECONDS,
        finish_samples,
        join_sentences,
    )

    rate = 24_000
    quiet, loud = _burst(0.4, 0.05), _burst(1.2, 0.5)  # two voices' levels: one slide level
    joined, spans = join_sentences([quiet, None, loud], rate)
    assert abs(integrated_loudness(joined, rate) - TARGET_LUFS) < 0.5
    (a0, b0), (a1, b1), (a2, b2) = spans
    assert abs((b2 - a2) - 1.2 * rate) < 0.005 * rate
    keep = round(TRIM_KEEP_SECONDS * rate)
    assert abs(a0 - keep) < 0.005 * rate and abs((b0 - a0) - 0.4 * rate) < 0.005 * rate
    assert a1 == b1  # nothing said: an empty span
    assert abs((a2 - b0) - (SENTENCE_GAP * rate + 2 * keep)) < 0.005 * rate
    assert np.abs(joined[b0:a2]).max() < 10 ** (-50 / 20)  # quiet between (the trim threshold)
    assert np.abs(joined[a2 : a2 + 240]).max() > 0.05
    # One sentence sounds exactly as a single take did before (its cache key changed only).
    assert np.array_equal(join_sentences([loud], rate)[0], finish_samples(loud, rate))


def test_a_sentence_with_nothing_to_say_rides_in_its_neighbours_cue_and_moves_no_onset():
    from render.narration import speech_sentences

    narration = "🎉. Hello there, Dr. Ng! 🚀🚀"
    assert speech_sentences(narration, "en") == ["", "Hello there, Doctor Ng!", ""]
    spans = [(0.5, 0.5), (0.5, 2.0), (2.0, 2.0)]  # as join_sentences reports them
    cues = slide_cues([narration], [SlideTiming(10.0, 3.0, 2.0)], [spans])[0]
    assert cues == [Cue(10.5, 12.0, "🎉. Hello there, Dr. Ng! 🚀🚀", 12.0)]
