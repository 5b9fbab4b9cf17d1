"""A render's segments: each slide as a short H.264 clip of stills, then one stream-copy join.

A slide's stills are its frame, or with burned-in captions one captioned copy per cue (in the
words style, per word of each cue, that word highlighted), each held from when its cue (word)
starts until the next one does. A segment is keyed by its stills, their lengths,
the encoder settings and the picture it cross-fades into; the segments that miss the cache
are encoded a few per ffmpeg process (fewer process starts, still enough processes for the
cores). The video is the segments joined without re-encoding, plus the narration track.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from .cache import asset_key, vars_of
from .captions import Cue, word_starts
from .encode import EncodeSettings, SegmentJob, Still, encode_segments, join
from .frame import FrameSpec
from .frames import DeckFrames
from .options import CaptionMode
from .output import replacing
from .progress import Stage
from .stage import RenderRun, RenderStage

SEGMENTS_PER_PROCESS = 3  # one ffmpeg start per few slides; enough processes to fill the cores

Keyed = tuple[Still, str]  # a still and the cache key of its picture
Missing = tuple[int, str, list[Still], Still | None]  # slide, key, stills, fade target


def segment_key(
    stills: list[Keyed], fade: Keyed | None, settings: EncodeSettings, spec: FrameSpec
) -> str:
    """The cache key of a slide's segment: what it shows, for how long, and how it is encoded."""
    return asset_key(
        step="segment",
        stills=[[k, s.frames] for s, k in stills],
        fade=[fade[1], fade[0].frames] if fade else None,
        settings=vars_of(settings),
        size=list(spec.size),
    )


class DeckSegments(RenderStage):
    def __init__(self, run: RenderRun, frames: DeckFrames) -> None:
        super().__init__(run)
        self.frames = frames

    async def encode(self, counts: list[int], cues: list[list[Cue]]) -> list[tuple[Path, bool]]:
        """Every slide's segment (``counts[i]`` frames long) and whether it came from the cache."""
        plan = self.plan
        starts = [sum(counts[:i]) / plan.fps for i in range(plan.slides)]  # as the video has it
        stills = await asyncio.gather(
            *(self._stills(i, counts[i], cues[i], starts[i]) for i in range(plan.slides))
        )
        results: dict[int, tuple[Path, bool]] = {}
        missing: list[Missing] = []
        fade_frames = max(1, round(plan.options.crossfade_seconds * plan.fps))
        for i in range(plan.slides):
            fade: Keyed | None = None
            if plan.crossfade and i + 1 < plan.slides:
                first, first_key = stills[i + 1][0]
                fade = (Still(first.path, fade_frames), first_key)
            key = segment_key(stills[i], fade, plan.settings, plan.spec)
            cached = self.cache.lookup("segment", key, "mp4")
            if cached is not None:
                results[i] = (cached, True)
                self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide from cache")
            else:
                missing.append((i, key, [s for s, _k in stills[i]], fade[0] if fade else None))
        size = SEGMENTS_PER_PROCESS
        chunks = [missing[k : k + size] for k in range(0, len(missing), size)]
        for done in await asyncio.gather(*map(self._encode, chunks)):
            results.update(done)
        return [results[i] for i in range(plan.slides)]

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

    async def _encode(self, chunk: list[Missing]) -> dict[int, tuple[Path, bool]]:
        """Encode a few slides' segments in one ffmpeg process."""
        async with self.r.process_slots():
            with contextlib.ExitStack() as stack:
                jobs = [
                    SegmentJob(
                        stills, stack.enter_context(self.cache.writing("segment", key, "mp4")), fade
                    )
                    for _i, key, stills, fade in chunk
                ]
                await encode_segments(jobs, self.plan.settings)
        done: dict[int, tuple[Path, bool]] = {}
        for i, key, _stills, _fade in chunk:
            done[i] = (self.cache.path("segment", key, "mp4"), False)
            self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide encoded")
        return done
