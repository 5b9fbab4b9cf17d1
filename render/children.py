"""Child processes (ffmpeg, espeak-ng) that die with the process that started them, and with
the render that waits for them.

A render killed with SIGKILL (an out-of-memory kill, ``kill -9``, a container stopped hard)
runs no cleanup, so its ffmpeg children would go on encoding for nobody. On Linux each child
asks the kernel, before it starts its program, to be sent SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); elsewhere nothing is done (the cancel paths still kill them).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    return libc.prctl  # type: ignore[no-any-return]


_PRCTL = _prctl()  # looked up once, before any fork: the child only calls it


def die_with_parent() -> None:
    """``preexec_fn`` for a child that must not outlive this process."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL))


CHILD_OPTIONS: dict[str, object] = {"preexec_fn": die_with_parent} if _PRCTL else {}


async def communicate(
    process: asyncio.subprocess.Process, stdin: bytes | None = None
) -> tuple[bytes, bytes]:
    """``process.communicate(stdin)``; a cancelled caller kills the child and waits for it, and
    the cancellation (never a "no such process" from a child that had just exited) is what the
    caller's caller sees."""
    try:
        return await process.communicate(stdin)
    except asyncio.CancelledError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        with contextlib.suppress(Exception):
            await process.wait()
        raise
