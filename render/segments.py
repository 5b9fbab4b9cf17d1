"""A render's segments: each slide as a short H.264 clip of stills, then one stream-copy join.

A slide's stills are its frame, or with burned-in captions one captioned copy per cue, each
held for its share of the slide's frames. A segment is keyed by its stills, their lengths,
the encoder settings and the picture it cross-fades into (a moving slide's, by its two
layers and its move instead of stills); the segments that miss the cache are encoded a few
per ffmpeg process (fewer process starts, still enough processes for the
cores). The video is the segments joined without re-encoding, plus the narration track.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from pathlib import Path

from .cache import asset_key, vars_of
from .captions import Cue
from .encode import EncodeSettings, SegmentJob, Still, encode_segments, join
from .frame import FrameSpec
from .frames import DeckFrames, layer_key
from .motion import MotionClip, Move
from .output import replacing
from .progress import Stage
from .stage import RenderRun, RenderStage

SEGMENTS_PER_PROCESS = 3  # one ffmpeg start per few slides; enough processes to fill the cores

Keyed = tuple[Still, str]  # a still and the cache key of its picture
Missing = tuple[int, str, list[Still], Still | None, MotionClip | None]


def segment_key(
    stills: list[Keyed],
    fade: Keyed | None,
    settings: EncodeSettings,
    spec: FrameSpec,
    motion: dict[str, object] | None = None,
) -> str:
    """The cache key of a slide's segment: what it shows, for how long, and how it is encoded
    (and, for a moving picture, its layers' keys and its move)."""
    extra = {"motion": motion} if motion is not None else {}
    return asset_key(
        **extra,
        step="segment",
        stills=[[k, s.frames] for s, k in stills],
        fade=[fade[1], fade[0].frames] if fade else None,
        settings=vars_of(settings),
        size=list(spec.size),
    )


def motion_key(frame_key: str, move: Move, frames: int) -> dict[str, object]:
    """What a moving slide's segment shows besides its length and encoding: its two layers
    (keyed by the frame they split) and its move."""
    layers = [layer_key(frame_key, "picture"), layer_key(frame_key, "text")]
    return {"layers": layers, "move": move.key(), "frames": frames}


class DeckSegments(RenderStage):
    def __init__(self, run: RenderRun, frames: DeckFrames) -> None:
        super().__init__(run)
        self.frames = frames

    async def encode(self, counts: list[int], cues: list[list[Cue]]) -> list[tuple[Path, bool]]:
        """Every slide's segment (``counts[i]`` frames long) and whether it came from the cache."""
        plan = self.plan
        stills = await asyncio.gather(
            *(self._stills(i, counts[i], cues[i]) for i in range(plan.slides))
        )
        results: dict[int, tuple[Path, bool]] = {}
        missing: list[Missing] = []
        moving: list[tuple[int, str, Still | None, Move, int]] = []
        fade_frames = max(1, round(plan.options.crossfade_seconds * plan.fps))
        for i in range(plan.slides):
            fade: Keyed | None = None
            move = plan.moves[i]
            settings, scale = plan.encoding(i)
            if plan.crossfade and i + 1 < plan.slides:
                first, first_key = stills[i + 1][0]
                fade = (Still(first.path, fade_frames * scale), first_key)
            motion = motion_key(stills[i][0][1], move, counts[i] * scale) if move else None
            key = segment_key(stills[i] if move is None else [], fade, settings, plan.spec, motion)
            cached = self.cache.lookup("segment", key, "mp4")
            if cached is not None:
                results[i] = (cached, True)
                self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide from cache")
                continue
            if move is None:
                missing.append(
                    (i, key, [s for s, _k in stills[i]], fade[0] if fade else None, None)
                )
            else:
                moving.append((i, key, fade[0] if fade else None, move, counts[i] * scale))
        layers = await asyncio.gather(*(self.frames.layers(m[0]) for m in moving))
        clips: list[Missing] = [
            (i, key, [], fade, MotionClip(picture, text, box, plan.spec.size, move, frames))
            for (i, key, fade, move, frames), (picture, text, box) in zip(
                moving, layers, strict=True
            )
        ]
        size = SEGMENTS_PER_PROCESS
        chunks = [
            group[k : k + size] for group in (missing, clips) for k in range(0, len(group), size)
        ]
        # Moving slides cost real encoding: when fewer processes than cores are needed (a
        # one-slide edit), each gets the spare cores (x264 and perspective threads).
        spare = max(1, self.r.workers // max(1, len(chunks)))
        for done in await asyncio.gather(*(self._encode(c, spare) for c in chunks)):
            results.update(done)
        return [results[i] for i in range(plan.slides)]

    async def join(self, out: Path, segments: list[Path], audio: Path, workdir: Path) -> None:
        """Write the video to ``out``: the segments in order, with the audio track."""
        with replacing(out) as tmp:
            await join(segments, audio, tmp, title=self.plan.deck.title, workdir=workdir)
        self.progress.step(Stage.JOIN, message="video ready")

    async def _stills(self, i: int, frames: int, cues: list[Cue]) -> list[Keyed]:
        """Slide ``i``'s stills: its frame, or one captioned copy per cue for the cue's time."""
        frame_path, frame_key = await self.frames.get(i)
        if not self.plan.options.captions or not cues:
            return [(Still(frame_path, frames), frame_key)]
        start, fps = cues[0].start, self.plan.fps
        bounds = [max(0, min(frames, round((cue.start - start) * fps))) for cue in cues]
        bounds = [0, *bounds[1:], frames]
        stills: list[Keyed] = []
        for cue, begin, end in zip(cues, bounds, bounds[1:], strict=False):
            if end > begin:
                path, key = await self.frames.captioned(frame_path, frame_key, cue.text)
                stills.append((Still(path, end - begin), key))
        return stills

    async def _encode(self, chunk: list[Missing], threads: int) -> dict[int, tuple[Path, bool]]:
        """Encode a few slides' segments in one ffmpeg process (moving ones with ``threads``:
        the bytes may differ from a one-thread encode, never what they show, so the key
        keeps the plan's one thread)."""
        async with self.r.process_slots():
            with contextlib.ExitStack() as stack:
                jobs = [
                    SegmentJob(
                        stills,
                        stack.enter_context(self.cache.writing("segment", key, "mp4")),
                        fade,
                        clip,
                    )
                    for _i, key, stills, fade, clip in chunk
                ]
                settings, _scale = self.plan.encoding(chunk[0][0])  # (a chunk moves, or not)
                if chunk[0][4] is not None:
                    settings = replace(settings, threads=threads)
                await encode_segments(jobs, settings)
        done: dict[int, tuple[Path, bool]] = {}
        for i, key, _stills, _fade, _clip in chunk:
            done[i] = (self.cache.path("segment", key, "mp4"), False)
            self.progress.step(Stage.ENCODE, i + 1, slide_done=True, message="slide encoded")
        return done
