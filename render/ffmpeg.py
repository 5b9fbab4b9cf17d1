"""Running ffmpeg (the binary that ships with ``imageio-ffmpeg``) from asyncio."""

from __future__ import annotations

import asyncio
import functools

from .children import CHILD_OPTIONS, communicate
from .errors import EncodeError


@functools.cache
def ffmpeg_exe() -> str:
    """Path to ffmpeg: imageio-ffmpeg's bundled binary (or ``IMAGEIO_FFMPEG_EXE``)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


async def run_ffmpeg(args: list[str], *, what: str) -> bytes:
    """Run ffmpeg with ``args``; return its stdout. Raises :class:`EncodeError` with the last
    lines ffmpeg printed when it fails. A cancelled caller kills the process."""
    process = await asyncio.create_subprocess_exec(
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-y",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        **CHILD_OPTIONS,  # type: ignore[arg-type]
    )
    stdout, stderr = await communicate(process)
    if process.returncode != 0:
        tail = "\n".join(stderr.decode("utf-8", "replace").strip().splitlines()[-6:])
        raise EncodeError(
            f"ffmpeg failed while {what}: {tail or f'exit code {process.returncode}'}"
        )
    return stdout
