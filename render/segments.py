"""A render's segments: each slide as a short H.264 clip of stills, then one stream-copy join.

A slide's stills are its frame, or with burned-in captions one captioned copy per cue (in the
words style, per word of each cue, that word highlighted), each held from when its cue (word)
starts until the next one does. A segment is keyed by its stills, their lengths and the
encoder settings. With cross-fades, each slide change gets a segment of its own: the last
``fade_frames`` of the slide, encoded at the full cross-fade frame rate, blending into the
next slide's first still (keyed by both stills); the rest of every slide stays at the low
frame rate, so a fade costs its half second of frames and no more. An edit re-encodes the
slide and the two fades that touch it. A slide whose picture moves is one 24 fps segment
keyed by its two layers and its move (its fade, at that rate already, is inside it). Segments
that miss the cache are encoded a few per
ffmpeg process (fewer process starts, still enough processes for the cores). The video is the
segments joined without re-encoding, plus the narration track.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
from pathlib import Path

from .cache import asset_key, vars_of
from .captions import Cue, word_starts
from .encode import EncodeSettings, SegmentJob, Still, encode_segments, join
from .frame import FrameSpec
from .frames import DeckFrames, layer_key
from .motion import MotionClip, Move
from .options import CaptionMode
from .output import replacing
from .progress import Stage
from .stage import RenderRun, RenderStage

SEGMENTS_PER_PROCESS = 3  # one ffmpeg start per few slides; enough processes to fill the cores
FADES_PER_PROCESS = 8  # a fade is a few frames: many fit in one process

Keyed = tuple[Still, str]  # a still and the cache key of its picture


def segment_key(
    stills: list[Keyed],
    settings: EncodeSettings,
    spec: FrameSpec,
    motion: dict[str, object] | None = None,
) -> str:
    """The cache key of a slide's segment: what it shows, for how long, and how it is encoded
    (and, for a moving picture, its layers' keys, its move and the fade inside it)."""
    extra = {"motion": motion} if motion is not None else {}
    return asset_key(
        **extra,
        step="segment",
        stills=[[k, s.frames] for s, k in stills],
        settings=vars_of(settings),
        size=list(spec.size),
    )


def fade_key(frames: int, last: str, first: str, settings: EncodeSettings, spec: FrameSpec) -> str:
    """The cache key of a cross-fade: ``frames`` frames from one slide's last still (key
    ``last``) to the next slide's first (``first``)."""
    return asset_key(
        step="fade",
        frames=frames,
        stills=[last, first],
        settings=vars_of(settings),
        size=list(spec.size),
    )


def motion_key(frame_key: str, move: Move, frames: int) -> dict[str, object]:
    """What a moving slide's segment shows besides its length and encoding: its two layers
    (keyed by the frame they split) and its move."""
    layers = [layer_key(frame_key, "picture"), layer_key(frame_key, "text")]
    return {"layers": layers, "move": move.key(), "frames": frames}


@dataclass(frozen=True, slots=True)
class _Missing:
    slide: int
    key: str
    job: SegmentJob  # (its ``out`` is set when the cache entry is opened for writing)


@dataclass(frozen=True, slots=True)
class SlideSegments:
    """What a slide adds to the video: its segment, then its fade into the next slide (when
    there are fades), and whether all of that came from the cache."""

    paths: list[Path]
    cached: bool


class DeckSegments(RenderStage):
    def __init__(self, run: RenderRun, frames: DeckFrames) -> None:
        super().__init__(run)
        self.frames = frames

    async def encode(self, counts: list[int], cues: list[list[Cue]]) -> list[SlideSegments]:
        """Every slide's segments (the slide ``counts[i]`` frames long, its fade included)."""
        plan = self.plan
        starts = [sum(counts[:i]) / plan.fps for i in range(plan.slides)]  # as the video has it
        stills = await asyncio.gather(
            *(self._stills(i, counts[i], cues[i], starts[i]) for i in range(plan.slides))
        )
        found: dict[tuple[str, int], Path] = {}
        slides: list[_Missing] = []
        fades: list[_Missing] = []
        moving: list[tuple[int, str, Move, int, Still | None]] = []
        for i in range(plan.slides):
            fade = min(plan.fade_frames, counts[i] - 1) if i + 1 < plan.slides else 0
            move = plan.moves[i]
            if move is not None:  # its fade is made inside it, at its frame rate already
                settings, scale = plan.encoding(i)
                to = Still(stills[i + 1][0][0].path, fade * scale) if fade else None
                shown = motion_key(stills[i][0][1], move, counts[i] * scale)
                shown["fade"] = [stills[i + 1][0][1], fade * scale] if fade else None
                key = segment_key([], settings, plan.spec, shown)
                cached = self.cache.lookup("segment", key, "mp4")
                if cached is None:
                    moving.append((i, key, move, counts[i] * scale, to))
                    continue
                found["segment", i] = cached
                self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide from cache")
                continue
            body = _trimmed(stills[i], fade)
            key = segment_key(body, plan.settings, plan.spec)
            cached = self.cache.lookup("segment", key, "mp4")
            if cached is not None:
                found["segment", i] = cached
                self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide from cache")
            else:
                slides.append(_Missing(i, key, SegmentJob([s for s, _k in body], Path())))
            if fade:
                missing = self._fade(i, fade, stills[i][-1], stills[i + 1][0], found)
                fades += [missing] if missing else []
        layers = await asyncio.gather(*(self.frames.layers(m[0]) for m in moving))
        clips = [
            _Missing(
                i,
                key,
                SegmentJob(
                    [], Path(), to, MotionClip(picture, text, box, plan.spec.size, move, frames)
                ),
            )
            for (i, key, move, frames, to), (picture, text, box) in zip(moving, layers, strict=True)
        ]
        chunks = [
            *_chunks(slides, SEGMENTS_PER_PROCESS, "segment", plan.settings),
            *_chunks(clips, SEGMENTS_PER_PROCESS, "segment", plan.motion_settings),
            *_chunks(fades, FADES_PER_PROCESS, "fade", plan.fade_settings),
        ]
        # Moving slides cost real encoding: when fewer processes than cores are needed (a
        # one-slide edit), each gets the spare cores (x264 and perspective threads; the bytes
        # may differ from a one-thread encode, never what they show, so the key keeps one).
        spare = max(1, self.r.workers // max(1, len(chunks)))
        chunks = [
            (step, chunk, replace(settings, threads=spare) if chunk[0].job.motion else settings)
            for step, chunk, settings in chunks
        ]
        for done in await asyncio.gather(*(self._encode(*chunk) for chunk in chunks)):
            found.update(done)
        encoded = {m.slide for m in (*slides, *clips, *fades)}
        return [
            SlideSegments(
                [found[step, i] for step in ("segment", "fade") if (step, i) in found],
                cached=i not in encoded,
            )
            for i in range(plan.slides)
        ]

    def _fade(
        self, i: int, frames: int, last: Keyed, first: Keyed, found: dict[tuple[str, int], Path]
    ) -> _Missing | None:
        """Slide ``i``'s fade into the next one, from the cache (into ``found``), or what to
        encode."""
        settings = self.plan.fade_settings
        fast = frames * settings.fps // self.plan.fps
        key = fade_key(fast, last[1], first[1], settings, self.plan.spec)
        cached = self.cache.lookup("fade", key, "mp4")
        if cached is not None:
            found["fade", i] = cached
            return None
        job = SegmentJob([Still(last[0].path, fast)], Path(), fade_to=Still(first[0].path, fast))
        return _Missing(i, key, job)

    async def join(self, out: Path, segments: list[Path], audio: Path, workdir: Path) -> None:
        """Write the video to ``out``: the segments in order, with the audio track."""
        with replacing(out) as tmp:
            await join(segments, audio, tmp, title=self.plan.deck.title, workdir=workdir)
        self.progress.step(Stage.JOIN, message="video ready")

    async def _stills(self, i: int, frames: int, cues: list[Cue], start: float) -> list[Keyed]:
        """Slide ``i`` (from ``start`` seconds, ``frames`` long)'s stills: its frame, or one
        captioned copy per cue (per word) from the frame its cue (word) starts on; the first
        is shown from the slide's start."""
        frame_path, frame_key = await self.frames.get(i)
        mode = self.plan.options.caption_mode
        if mode is CaptionMode.NONE or not cues:
            return [(Still(frame_path, frames), frame_key)]
        shows: list[tuple[Cue, int | None, float]] = [(cue, None, cue.start) for cue in cues]
        if mode is CaptionMode.WORDS:
            shows = [(cue, n, at) for cue in cues for n, at in enumerate(word_starts(cue))] or shows
        fps = self.plan.fps
        bounds = [max(0, min(frames, round((at - start) * fps))) for _c, _n, at in shows]
        bounds = [0, *bounds[1:], frames]
        stills: list[Keyed] = []
        lit: dict[str, list[tuple[Path, str]]] = {}  # a cue's words, drawn together
        for (cue, word, _at), begin, end in zip(shows, bounds, bounds[1:], strict=False):
            if end <= begin:
                continue
            if word is None:
                path, key = await self.frames.captioned(frame_path, frame_key, cue.text)
            else:
                if cue.text not in lit:
                    lit[cue.text] = await self.frames.captioned_words(
                        frame_path, frame_key, cue.text
                    )
                path, key = lit[cue.text][word]
            stills.append((Still(path, end - begin), key))
        return stills

    async def _encode(
        self, step: str, chunk: list[_Missing], settings: EncodeSettings
    ) -> dict[tuple[str, int], Path]:
        """Encode a few slides' segments (or fades) in one ffmpeg process."""
        async with self.r.process_slots():
            with contextlib.ExitStack() as stack:
                jobs = [
                    replace(m.job, out=stack.enter_context(self.cache.writing(step, m.key, "mp4")))
                    for m in chunk
                ]
                await encode_segments(jobs, settings)
        done: dict[tuple[str, int], Path] = {}
        for m in chunk:
            done[step, m.slide] = self.cache.path(step, m.key, "mp4")
            if step == "segment":
                self.progress.step(
                    Stage.ENCODE, m.slide + 1, slide_done=True, message="slide encoded"
                )
        return done


def _trimmed(stills: list[Keyed], frames: int) -> list[Keyed]:
    """``stills`` without their last ``frames`` frames (what a fade out of the slide shows)."""
    kept = list(stills)
    while frames > 0 and kept:
        still, key = kept.pop()
        if still.frames > frames:
            kept.append((Still(still.path, still.frames - frames), key))
        frames -= still.frames
    return kept


def _chunks(
    missing: list[_Missing], size: int, step: str, settings: EncodeSettings
) -> list[tuple[str, list[_Missing], EncodeSettings]]:
    return [(step, missing[k : k + size], settings) for k in range(0, len(missing), size)]
