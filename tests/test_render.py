"""The render pipeline end to end: real ffmpeg encodes, checked by probing and decoding."""

from __future__ import annotations

import asyncio
import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from deck import EditSlide, NewImage, SetTheme, apply, build_deck
from render import (
    ImageError,
    OutputError,
    PartialBatchError,
    ProceduralBackend,
    Renderer,
    RenderOptions,
    SilentBackend,
    Stage,
    VoiceError,
)
from render.audio import SAMPLE_RATE
from render.narration import speech_sentences
from render.voice.espeak import EspeakBackend
from tests.probe import decode_audio, decodes_cleanly, frame_at, frame_times, probe

from .conftest import CountingVoice, needs_espeak

SMALL = RenderOptions(resolution=360)


def run(coro):
    return asyncio.run(coro)


@needs_espeak()
def test_render_is_a_playable_mp4_with_slides_and_speech_in_step(renderer, example_deck, tmp_path):
    events = []
    out = tmp_path / "talk.mp4"
    result = run(renderer.render(example_deck, out, SMALL, events.append))

    info = probe(out)
    video, audio = info.stream("video"), info.stream("audio")
    assert video and video.codec == "h264" and "High" in video.detail
    assert audio and audio.codec == "aac" and "24000 Hz" in audio.detail and "mono" in audio.detail
    assert info.pixel_format == "yuv420p" and info.video_size == (640, 360)
    assert info.faststart, info.top_level_boxes
    ok, complaints = decodes_cleanly(out)
    assert ok, complaints
    assert abs(info.duration - sum(t.duration for t in result.timings)) <= 0.1
    assert result.duration == pytest.approx(sum(t.duration for t in result.timings))

    # Each slide's picture is on screen from its start, and its narration starts with it.
    samples = decode_audio(out)
    loud = np.abs(samples) > 0.02
    for i, timing in enumerate(result.timings):
        shown = frame_at(out, timing.start + 0.1).astype(int)
        expected = np.asarray(Image.open(result.frames[i]).convert("RGB")).astype(int)
        assert np.abs(shown - expected).mean() < 4, f"slide {i + 1} is not on screen at its start"
        begin = max(0, int((timing.start - 0.3) * SAMPLE_RATE))
        onset = begin + int(np.argmax(loud[begin:]))
        assert abs(onset / SAMPLE_RATE - timing.start) < 0.1, (
            f"slide {i + 1}: narration starts at {onset / SAMPLE_RATE:.2f}s"
        )
        assert timing.narration > 1.0

    # Sidecars and progress.
    assert result.srt and result.srt.read_text().startswith("1\n00:00:00,000 --> ")
    assert result.vtt and result.vtt.read_text().startswith("WEBVTT")
    assert result.storyboard and Image.open(result.storyboard).width > 1000
    stages = [e.stage for e in events]
    assert stages.index(Stage.STORYBOARD) < stages.index(Stage.JOIN)
    assert events[-1].stage is Stage.DONE and events[-1].done == events[-1].total
    assert [e.slides_done for e in events] == sorted(e.slides_done for e in events)
    assert result.slides_from_cache == 0 and not result.warnings


@needs_espeak()
def test_cache_skips_all_work_and_a_one_slide_edit_redoes_only_that_slide(
    renderer, images, voices, example_deck, tmp_path
):
    espeak = voices["espeak"]
    first = run(renderer.render(example_deck, tmp_path / "a.mp4", SMALL))
    n = len(example_deck.slides)
    # The voice is asked once per sentence (render.narration), so a cue starts when it does.
    said = sum(len(speech_sentences(s.narration, "en")) for s in example_deck.slides)
    assert said > n and (images.calls, espeak.calls, first.slides_from_cache) == (n, said, 0)

    again = run(renderer.render(example_deck, tmp_path / "b.mp4", SMALL))
    assert (images.calls, espeak.calls, again.slides_from_cache) == (n, said, n)  # no new work

    renderer.cache.reset_stats()
    edited = apply(example_deck, [EditSlide(slide=3, bullets=["Water, air and light"])])
    result = run(renderer.render(edited, tmp_path / "c.mp4", SMALL))
    assert (images.calls, espeak.calls) == (n, said)  # no picture, no voice for a bullet edit
    assert renderer.cache.misses["frame"] == 1 and renderer.cache.misses["segment"] == 1
    assert result.slides_from_cache == n - 1

    spoken = apply(example_deck, [EditSlide(slide=2, narration="A new sentence to say.")])
    run(renderer.render(spoken, tmp_path / "d.mp4", SMALL))
    assert (images.calls, espeak.calls) == (n, said + 1)

    redrawn = apply(example_deck, [NewImage(slide=4)])
    run(renderer.render(redrawn, tmp_path / "e.mp4", SMALL))
    assert (images.calls, espeak.calls) == (n + 1, said + 1)

    restyled = apply(example_deck, [SetTheme(style="watercolor")])
    run(renderer.render(restyled, tmp_path / "f.mp4", SMALL))
    assert (images.calls, espeak.calls) == (2 * n + 1, said + 1)  # every picture, no voice
    assert "watercolor" in images.prompts[-1]


def test_burned_captions_change_the_bottom_band_only(renderer, example_deck, tmp_path):
    deck = apply(example_deck, [])
    plain = run(
        renderer.render(deck, tmp_path / "plain.mp4", RenderOptions(resolution=360, voice="silent"))
    )
    captioned = run(
        renderer.render(
            deck, tmp_path / "cap.mp4", RenderOptions(resolution=360, voice="silent", captions=True)
        )
    )
    t = captioned.timings[1].start + 0.6
    with_caption = frame_at(captioned.video, t).astype(int)
    without = frame_at(plain.video, t).astype(int)
    band = slice(int(360 * 0.84) + 2, 360)
    assert np.abs(with_caption[band] - without[band]).mean() > 10  # a caption is there
    assert abs(captioned.duration - plain.duration) < 1e-6


def test_crossfade_blends_between_slides(renderer, example_deck, tmp_path):
    options = RenderOptions(
        resolution=360,
        voice="silent",
        transition="crossfade",
        crossfade_seconds=0.5,
        motion="none",  # stills: the fades are the only frames at 24 fps
    )
    result = run(renderer.render(example_deck, tmp_path / "fade.mp4", options))
    info = probe(result.video)
    assert abs(info.duration - result.duration) <= 0.1
    boundary = result.timings[1].start
    # Only the half second before each slide change is at 24 fps; the rest stays at 2.
    times = frame_times(result.video)
    steps = {round(b - a, 4) for a, b in itertools.pairwise(times)}
    assert steps == {round(1 / 24, 4), 0.5}
    fast = [t for t in times if boundary - 0.5 <= t < boundary]
    assert len(fast) == 12 and fast[0] == pytest.approx(boundary - 0.5, abs=1e-3)
    changes = len(result.timings) - 1
    assert len(times) == round(result.duration * 2) + changes * (12 - 1)
    before = np.asarray(Image.open(result.frames[0]).convert("RGB")).astype(int)
    after = np.asarray(Image.open(result.frames[1]).convert("RGB")).astype(int)
    middle = frame_at(result.video, boundary - 0.25).astype(int)
    assert np.abs(middle - before).mean() > 3 and np.abs(middle - after).mean() > 3
    blend = (before + after) / 2
    assert np.abs(middle - blend).mean() < np.abs(before - after).mean() / 2
    ok, complaints = decodes_cleanly(result.video)
    assert ok, complaints


def test_a_moving_slide_fades_inside_its_own_segment(renderer, example_deck, tmp_path):
    """With motion, the title slide moves at 24 fps and blends into the next slide within its
    segment (no jump back to the still picture); the still slides get fade segments."""
    options = RenderOptions(resolution=360, voice="silent", transition="crossfade")
    result = run(renderer.render(example_deck, tmp_path / "moving.mp4", options))
    info = probe(result.video)
    assert abs(info.duration - result.duration) <= 0.1
    boundary = result.timings[1].start
    times = frame_times(result.video)
    moving = [t for t in times if t < boundary]
    assert len(moving) == round(boundary * 24)  # the whole first slide at 24 fps
    after = np.asarray(Image.open(result.frames[1]).convert("RGB")).astype(int)
    last = frame_at(result.video, boundary - 1 / 48).astype(int)
    first = frame_at(result.video, boundary - 0.5 + 1 / 48).astype(int)
    assert np.abs(last - after).mean() < np.abs(first - after).mean()  # blending into it
    ok, complaints = decodes_cleanly(result.video)
    assert ok, complaints


def test_a_one_slide_edit_with_crossfades_encodes_that_slide_and_its_two_fades(
    renderer, cache, example_deck, tmp_path
):
    options = RenderOptions(resolution=360, voice="silent", transition="crossfade", motion="none")

    def encoded() -> dict[str, set[Path]]:
        return {kind: set((cache.root / kind).rglob("*.mp4")) for kind in ("segment", "fade")}

    first = run(renderer.render(example_deck, tmp_path / "a.mp4", options))
    before = encoded()
    assert len(before["segment"]) == first.slides and len(before["fade"]) == first.slides - 1
    edited = apply(example_deck, [EditSlide(slide=3, bullets=["Water, air and light"])])
    second = run(renderer.render(edited, tmp_path / "b.mp4", options))
    after = encoded()
    assert len(after["segment"] - before["segment"]) == 1  # slide 3 itself
    assert len(after["fade"] - before["fade"]) == 2  # into slide 3, and out of it
    assert second.slides_from_cache == first.slides - 2  # slides 2 and 3 changed their video
    ok, complaints = decodes_cleanly(second.video)
    assert ok, complaints


class FlakyImages(ProceduralBackend):
    """Refuses prompts that mention 'forbidden'; fails whole batches that contain one."""

    def __init__(self) -> None:
        super().__init__()
        self.batch_size = 4
        self.concurrency = 1

    def cache_id(self, request):
        return {"backend": "flaky"}

    def generate(self, requests):
        if len(requests) > 1 and any("forbidden" in r.prompt for r in requests):
            raise ImageError("batch failed")
        images = super().generate(requests)
        if any("forbidden" in r.prompt for r in requests):
            raise PartialBatchError(
                [
                    None if "forbidden" in r.prompt else im
                    for r, im in zip(requests, images, strict=True)
                ],
                {0: "refused by the content policy"},
            )
        return images


def test_a_failed_picture_falls_back_for_that_slide_only(cache, tmp_path):
    deck = build_deck(
        {
            "title": "t",
            "slides": [
                {"title": "one"},
                {"title": "two", "image_prompt": "forbidden thing"},
                {"title": "three"},
            ],
        }
    )
    with Renderer(FlakyImages(), {"silent": SilentBackend()}, cache) as renderer:
        result = run(
            renderer.render(deck, tmp_path / "x.mp4", RenderOptions(resolution=360, voice="silent"))
        )
    assert result.warnings == [
        "slide 2: the picture could not be made (refused by the content policy); "
        "a generated background was used instead"
    ]
    assert probe(result.video).duration > 0


def test_cancelling_a_render_leaves_no_output(renderer, example_deck, tmp_path):
    out = tmp_path / "cancelled.mp4"

    async def scenario():
        started = asyncio.Event()

        def watch(event):
            if event.stage is Stage.FRAMES:
                started.set()

        task = asyncio.ensure_future(
            renderer.render(example_deck, out, RenderOptions(resolution=360, voice="silent"), watch)
        )
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(scenario())
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_unwritable_output_fails_before_any_work(renderer, images, example_deck, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(OutputError, match="permission denied"):
            run(renderer.render(example_deck, locked / "x.mp4", SMALL))
    finally:
        locked.chmod(0o700)
    with pytest.raises(OutputError, match="does not exist"):
        run(renderer.render(example_deck, tmp_path / "missing" / "x.mp4", SMALL))
    with pytest.raises(OutputError, match=r"\.mp4"):
        run(renderer.render(example_deck, tmp_path / "x.avi", SMALL))
    assert images.calls == 0


def test_missing_espeak_falls_back_to_silent_unless_asked_for(cache, example_deck, tmp_path):
    voices = {
        "espeak": CountingVoice(EspeakBackend(executable=None)),
        "silent": CountingVoice(SilentBackend()),
    }
    voices["espeak"].inner.executable = None
    with Renderer(ProceduralBackend(), voices, cache) as renderer:
        result = run(renderer.render(example_deck, tmp_path / "a.mp4", SMALL))
        assert result.voice == "silent"
        assert any("espeak" in w and "silent" in w for w in result.warnings)
        with pytest.raises(VoiceError, match="not available"):
            run(
                renderer.render(
                    example_deck,
                    tmp_path / "b.mp4",
                    RenderOptions(resolution=360, voice="espeak:en"),
                )
            )
        with pytest.raises(VoiceError, match="unknown voice"):
            run(
                renderer.render(
                    example_deck, tmp_path / "c.mp4", RenderOptions(resolution=360, voice="robot")
                )
            )
    assert not (tmp_path / "b.mp4").exists()


@needs_espeak()
def test_unknown_espeak_voice_is_named_with_close_matches(renderer, example_deck, tmp_path):
    with pytest.raises(VoiceError, match=r"no voice 'en-zz'.*close matches: en"):
        run(
            renderer.render(
                example_deck,
                tmp_path / "a.mp4",
                RenderOptions(resolution=360, voice="espeak:en-zz"),
            )
        )


def test_vertical_and_square_frames(renderer, example_deck, tmp_path):
    from deck import SetDeck

    for aspect, size in (("9:16", (360, 640)), ("1:1", (360, 360))):
        deck = apply(example_deck, [SetDeck(aspect=aspect)])
        result = run(
            renderer.render(
                deck, tmp_path / f"{size[0]}.mp4", RenderOptions(resolution=360, voice="silent")
            )
        )
        assert probe(result.video).video_size == size


def test_procedural_pictures_are_deterministic_smooth_and_in_palette():
    backend = ProceduralBackend()
    from render import ImageRequest

    palette = ("#ff0000", "#00ff00")
    a, b, c = backend.generate(
        [
            ImageRequest("ocean waves", 1, (320, 180), palette),
            ImageRequest("ocean waves", 1, (320, 180), palette),
            ImageRequest("ocean waves", 2, (320, 180), palette),
        ]
    )
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(c))
    pixels = np.asarray(a).astype(int)
    # Smooth, not noise: neighbouring pixels are close on average.
    assert np.abs(np.diff(pixels, axis=1)).mean() < 4
    # Painted from the palette: red and green dominate blue.
    assert pixels[..., 2].mean() < min(pixels[..., 0].mean(), pixels[..., 1].mean())
