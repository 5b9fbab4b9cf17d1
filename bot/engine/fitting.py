"""Fitting a video under an upload limit: the render options of a smaller encode.

Chat platforms refuse files over a size limit (Discord reports it per interaction). A deck's
video is mostly still frames, so a lower resolution and a capped bitrate shrink it a lot while
pictures, frames and narration still come from the cache. :func:`fit_options` turns a byte
budget into options; :meth:`bot.engine.rendering.JobRunner.fit_video` tries them in order.
"""

from __future__ import annotations

from dataclasses import replace

from render import RenderOptions, Resolution

# (short side in pixels, share of the limit to aim for): 720p first, then 480p with more room.
FIT_STEPS: tuple[tuple[int, float], ...] = ((720, 0.9), (480, 0.75))
FIT_AUDIO_BITRATE = 48_000
MIN_VIDEO_BITRATE = 40_000  # below this a slide's text is no longer readable


def short_side(resolution: Resolution | str | int) -> int:
    return resolution if isinstance(resolution, int) else Resolution(resolution).short_side


def fit_options(
    base: RenderOptions, duration: float, budget_bytes: float, max_short_side: int
) -> RenderOptions | None:
    """Options for an encode of about ``budget_bytes`` (None when that budget cannot hold a
    readable video of ``duration`` seconds)."""
    seconds = max(duration, 1.0)
    video_bps = (budget_bytes * 8 - FIT_AUDIO_BITRATE * seconds) / seconds
    if video_bps < MIN_VIDEO_BITRATE:
        return None
    return replace(
        base,
        resolution=min(max_short_side, short_side(base.resolution)),
        max_video_bitrate=f"{int(video_bps // 1000)}k",
        audio_bitrate=f"{FIT_AUDIO_BITRATE // 1000}k",
        storyboard=False,
    )
