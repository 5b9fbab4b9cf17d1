"""A render stopped in the middle (a cancel button, a SIGTERM on the bot) ends as cancelled,
never as a failure of its own making: the bot resumes a cancelled-for-shutdown render on the
next start, but it gives up on a failed one.

The steps a render awaits are cancelled at once, yet a thread one of them started (a voice
writing its WAV, a frame being drawn) finishes on its own, and a child process may have just
exited when it is killed. Neither may turn the cancel into an error."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from render import AssetCache, Renderer, RenderOptions
from render.audio import silence, write_wav
from render.children import communicate
from render.voice.silent import SilentBackend, silent_duration

from .conftest import CountingImages


class LateWriter(SilentBackend):
    """A voice whose work happens on a thread that goes on writing into the render's working
    folder for a while after the render was cancelled (as a real backend's ``to_thread`` does)."""

    name = "late"

    def __init__(self) -> None:
        self.speaking = asyncio.Event()
        self.workdirs: list[Path] = []
        self.threads: list[threading.Thread] = []

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        self.workdirs.append(out.parent)
        done = asyncio.get_running_loop().create_future()
        thread = threading.Thread(target=self._write, args=(out, text), daemon=True)
        self.threads.append(thread)
        thread.start()
        self.speaking.set()
        await done  # never resolves: the render is cancelled while the thread works

    @staticmethod
    def _write(out: Path, text: str) -> None:
        until = time.monotonic() + 0.6
        n = 0
        try:
            while time.monotonic() < until:
                (out.parent / f"part-{n}.tmp").write_bytes(b"x" * 256)
                n += 1
        except OSError:
            return  # the folder went: nothing left to write into
        write_wav(out, silence(silent_duration(text)))


def test_a_cancel_while_a_thread_writes_into_the_working_folder_is_a_cancel(tmp_path):
    voice = LateWriter()
    out = tmp_path / "v1.mp4"

    async def scenario() -> None:
        from deck import build_deck

        deck = build_deck(
            {
                "title": "Tides",
                "slides": [
                    {"title": "Tides", "narration": "Why the sea rises."},
                    {"title": "The moon pulls", "narration": "The moon pulls the sea."},
                ],
            }
        )
        with Renderer(CountingImages(), {"late": voice}, AssetCache(tmp_path / "c")) as renderer:
            task = asyncio.ensure_future(
                renderer.render(deck, out, RenderOptions(resolution=360, voice="late"))
            )
            await voice.speaking.wait()
            await asyncio.sleep(0.05)  # the thread is busy writing
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(scenario())
    for thread in voice.threads:
        thread.join(5)
    assert not out.exists()
    assert voice.workdirs and not any(d.exists() for d in voice.workdirs)


def test_killing_a_child_that_has_just_exited_still_raises_the_cancel():
    class JustExited:
        """A process whose ``communicate`` is cancelled the moment after it exited: asyncio
        has reaped it, so ``kill`` finds no such process."""

        returncode = 0

        async def communicate(self, stdin: bytes | None = None) -> tuple[bytes, bytes]:
            raise asyncio.CancelledError

        def kill(self) -> None:
            raise ProcessLookupError

        async def wait(self) -> int:
            return 0

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(communicate(JustExited()))  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize(("stop", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stopped_command_line_render_says_what_is_kept(tmp_path, stop, code):
    """Ctrl+C in the terminal, or SIGTERM (kill, timeout, a stopped CI job): the render stops
    (no ffmpeg or espeak-ng left running, no video, half-written file or storyboard of a video
    that never came), says so in one line (it used to end with a bare newline, or for SIGTERM
    in silence, rc -15) and exits 130 / 143; the next run takes the finished slides from the
    cache."""
    import os
    import signal
    import subprocess
    import sys

    example = Path(__file__).parent.parent / "examples" / "photosynthesis.md"
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DECKCAST_", "OPENAI_"))}
    env |= {"DECKCAST_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1", "COLUMNS": "120"}
    out = tmp_path / "talk.mp4"
    render = subprocess.Popen(
        [*command, "render", str(example), "-o", str(out), "--voice", "espeak"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As a terminal starts it: a job started in the background (CI) inherits SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    segments = tmp_path / "cache" / "segment"
    until = time.monotonic() + 120
    while time.monotonic() < until and not (segments.exists() and any(segments.rglob("*"))):
        time.sleep(0.05)  # encoding has begun: ffmpeg children are at work
    render.send_signal(getattr(signal, stop))
    _, stderr = render.communicate(timeout=60)
    assert render.returncode == code, stderr
    assert "stopped: no video written" in stderr and "Traceback" not in stderr, stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert not list(tmp_path.glob("*.png"))  # no storyboard of the video that was not made
    children = subprocess.run(
        ["pgrep", "-f", str(tmp_path / "cache")], capture_output=True, text=True
    ).stdout.split()
    assert children == []  # no child of the render goes on encoding for nobody
