"""ffmpeg children die with the process that started them, even when it is SIGKILLed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from render.ffmpeg import run_ffmpeg

    async def main():
        quiet = ["-nostats", "-loglevel", "error"]  # as encodes run: nothing on its pipes
        args = [*quiet, "-re", "-f", "lavfi", "-i", "anullsrc", "-t", "600", "-f", "null", "-"]
        task = asyncio.ensure_future(run_ffmpeg(args, what="waiting"))
        await asyncio.sleep(0.5)
        print("started", flush=True)
        await task

    asyncio.run(main())
    """
)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for init counts as gone
        return stat.read().split()[2] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_a_sigkilled_render_leaves_no_ffmpeg_running():
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "started"
        [ffmpeg] = _children(parent.pid)
        assert _alive(ffmpeg)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while _alive(ffmpeg) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(ffmpeg)  # the kernel killed it with its parent
    finally:
        if parent.poll() is None:
            parent.kill()
