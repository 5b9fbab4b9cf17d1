"""The scripts in examples/ are documentation that runs: each is run here and its real output
checked (the MP4 probed and decoded, the custom backend's work found in the picture and the
sound), so an example that stops working fails the suite."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from deck import parse_outline
from tests.probe import decode_audio, decodes_cleanly, frame_at, probe

EXAMPLES = Path(__file__).parent.parent / "examples"


def example(name: str) -> ModuleType:
    """examples/NAME.py, imported as a module (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def assert_playable(video: Path) -> None:
    """An H.264 + AAC MP4 at 360p with fast start, that decodes without complaints."""
    info = probe(video)
    codecs = [(stream.kind, stream.codec) for stream in info.streams]
    assert codecs == [("video", "h264"), ("audio", "aac")], info
    assert info.video_size == (640, 360) and info.faststart, info
    ok, complaints = decodes_cleanly(video)
    assert ok, complaints


def share_near(frame: np.ndarray, colour: tuple[int, int, int], tolerance: int = 14) -> float:
    """The share of the frame's pixels within ``tolerance`` of ``colour`` in every channel."""
    close = np.all(np.abs(frame.astype(int) - np.array(colour)) <= tolerance, axis=-1)
    return float(close.mean())


def test_a_custom_picture_backend_paints_what_the_video_shows(tmp_path, capsys):
    pictures = example("custom_pictures")
    out = tmp_path / "talk.mp4"
    outcome = pictures.main([str(out)])

    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f"rendered {out}: 6 slides, ")
    assert printed[0].endswith("the stripes backend painted 6 pictures")
    assert printed[1] == "rendered it again: 6 of 6 slides from the cache, 0 pictures painted"
    assert_playable(out)
    # The backend was asked for one picture per slide, and painted nothing the second time.
    assert len(outcome.backend.prompts) == 6 == len(set(outcome.backend.prompts))
    assert outcome.again.slides_from_cache == 6

    # Each slide, as the video shows it, holds the stripes of one of the prompts: every colour
    # of that prompt's stripes covers a visible part of the frame. One prompt per slide.
    shown = []
    for timing in outcome.first.timings:
        frame = frame_at(out, timing.start + 0.2)
        matches = [
            prompt
            for prompt in outcome.backend.prompts
            if all(share_near(frame, c) > 0.02 for c in pictures.stripe_colours(prompt))
        ]
        assert len(matches) == 1, f"slide at {timing.start:.1f} s shows {len(matches)} prompts"
        shown += matches
    assert sorted(shown) == sorted(outcome.backend.prompts)


def test_a_custom_voice_is_what_the_video_says(tmp_path, capsys):
    voice_example = example("custom_voice")
    out = tmp_path / "talk.mp4"
    outcome = voice_example.main([str(out)])

    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f"rendered {out}: 6 slides, ") and printed[0].endswith("hum")
    assert printed[1].startswith("the humming voice said 11 sentences (")  # asked per sentence
    assert_playable(out)
    result, voice = outcome.result, outcome.voice
    assert result.voice == "hum" and len(voice.spoken) == 11

    # Every slide's narration is the voice's hum: its first word's tone starts with the slide,
    # and nearly all the sound lies at the voice's pitches.
    deck = parse_outline(voice_example.OUTLINE.read_text(encoding="utf-8"))
    samples = decode_audio(out)
    rate = 24_000
    pitches = np.array(voice_example.PITCHES)
    for slide, timing in zip(deck.slides, result.timings, strict=True):
        begin = int((timing.start + 0.05) * rate)
        first_word = samples[begin : begin + int(0.2 * rate)]
        spectrum = np.abs(np.fft.rfft(first_word * np.hanning(len(first_word)), n=rate))
        peak = float(np.argmax(spectrum[100:1000]) + 100)  # 1 Hz bins
        expected = voice_example.word_pitch(slide.narration.split()[0])
        assert abs(peak - expected) < 6, f"{slide.title}: {peak} Hz, not {expected} Hz"

        spoken = samples[int(timing.start * rate) : int((timing.start + timing.narration) * rate)]
        power = np.abs(np.fft.rfft(spoken, n=len(spoken))) ** 2
        freqs = np.fft.rfftfreq(len(spoken), 1 / rate)
        audible = (freqs > 80) & (freqs < 4000)
        on_pitch = audible & (np.min(np.abs(freqs[:, None] - pitches), axis=1) < 8)
        assert power[on_pitch].sum() > 0.9 * power[audible].sum(), slide.title
        assert np.abs(spoken).max() > 0.1, f"{slide.title} is silent"


def test_a_custom_reply_sink_hears_the_whole_conversation(tmp_path, capsys):
    sink_example = example("custom_sink")
    sink = sink_example.main([str(tmp_path / "out")])

    printed = capsys.readouterr().out
    titles = [
        s.title for s in parse_outline(sink_example.OUTLINE.read_text(encoding="utf-8")).slides
    ]
    swapped = [titles[0], titles[2], titles[1], *titles[3:]]
    assert sink.lines == [
        f"version 1, 6 slides: {' / '.join(titles)}",
        "storyboard of version 1: v1.storyboard.png",
        sink.lines[2],
        "Version 2: slides 2 and 3 swapped.",
        f"version 2, 6 slides: {' / '.join(swapped)}",
        "storyboard of version 2: v2.storyboard.png",
        sink.lines[6],
    ]
    assert "ana> swap slides 2 and 3" in printed and "deckcast> Version 2:" in printed
    first, second = sink.videos
    assert (first.version, first.slides_from_cache) == (1, 0)
    assert (second.version, second.slides_from_cache) == (2, 6)  # a swap re-renders nothing
    assert sink.lines[2].startswith("video of version 1: v1.mp4, ")
    assert sink.lines[6].endswith("6 of 6 slides from the cache")
    for ready in sink.videos:
        assert ready.video.parent.parent == tmp_path / "out" / "videos"
        assert_playable(ready.video)
        assert abs(probe(ready.video).duration - ready.duration) < 0.2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "output", "first_line"),
    [
        ("custom_pictures.py", "out/custom_pictures.mp4", "rendered out/custom_pictures.mp4: "),
        ("custom_voice.py", "out/custom_voice.mp4", "rendered out/custom_voice.mp4: 6 slides"),
        ("custom_sink.py", "out/custom_sink", "deckcast> version 1, 6 slides: "),
    ],
)
def test_each_example_runs_as_the_readme_shows(tmp_path, script, output, first_line):
    """``python examples/NAME.py`` from a checkout, as a person runs it: output under out/ in
    the current folder by default."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(first_line), done.stdout
    made = tmp_path / output
    videos = [made] if made.suffix == ".mp4" else sorted(made.glob("videos/*/v*.mp4"))
    assert [v.name for v in videos] in (["v1.mp4", "v2.mp4"], [made.name])
    for video in videos:
        assert_playable(video)
