"""`deckcast discord` as a real process, stopped at the boundaries where work gets lost:
SIGKILLed mid-render, SIGKILLed after the render while the video is uploading, and stopped
with SIGTERM (a deploy, ``systemctl restart``, ``docker stop``) mid-render. On the next start
the job is found in the store, rendered again (slides already in the cache are not redone)
and the video reaches the same Discord thread, with a note that it was resumed; no status
message is left showing progress that stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.discord.harness import Harness
from tests.fakes.discord_server import FakeDiscord

pytestmark = pytest.mark.slow


async def _bot(tmp_path: Path, fake: FakeDiscord, **extra: str) -> asyncio.subprocess.Process:
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    env = {
        **os.environ,
        "DISCORD_TOKEN": "test-bot-token",
        "DECKCAST_DISCORD_API_URL": fake.api_base,
        "DECKCAST_DISCORD_GATEWAY_URL": fake.gateway_url,
        "DECKCAST_DISCORD_EDIT_INTERVAL": "0.4",
        "DECKCAST_DATA_DIR": str(tmp_path / "data"),
        "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
        "DECKCAST_RESOLUTION": "1080p",
        "NO_COLOR": "1",
        **extra,
    }
    # The bot's log goes to a file (a pipe nobody reads would stall the bot once full) and is
    # printed when a test fails (pytest shows a failing test's captured output).
    log = tmp_path / "bot.log"
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            *command, "discord", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=stderr
        )
    return process


@pytest.fixture(autouse=True)
def _print_bot_log(tmp_path: Path):
    yield
    log = tmp_path / "bot.log"
    if log.exists():
        print(log.read_text(errors="replace")[-20000:])


def _job_states(database: Path) -> list[tuple[str, int]]:
    if not database.exists():
        return []
    with contextlib.suppress(sqlite3.OperationalError), sqlite3.connect(database) as conn:
        return conn.execute("SELECT state, attempts FROM jobs ORDER BY created_at").fetchall()
    return []


async def test_a_sigkilled_bot_resumes_the_render_and_delivers_it_to_the_thread(tmp_path):
    fake = await FakeDiscord().start()
    database = tmp_path / "data" / "deckcast.db"
    first = second = None
    try:
        first = await _bot(tmp_path, fake)
        await fake.wait_for_call(
            lambda c: c.matches("PUT", r"/applications/\d+/commands"), within=60
        )
        harness = Harness(fake, tmp_path, images=None)
        await harness.create_from_outline()
        for _ in range(1200):  # until the render runs
            if [state for state, _n in _job_states(database)] == ["running"]:
                break
            await asyncio.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert _job_states(database) == [("running", 1)]  # left mid-render, nothing lost

        second = await _bot(tmp_path, fake)
        video = await harness.video_message(within=180)
        assert "resumed after a restart" in video["content"]
        assert (await harness.thread())["id"] == video["id"]
        for _ in range(500):  # delivery is part of the job: done once the post went through
            if _job_states(database) == [("done", 2)]:
                break
            await asyncio.sleep(0.02)
        assert _job_states(database) == [("done", 2)]
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGINT)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), 30)
                if process.returncode is None:
                    process.kill()
                    await process.wait()
        await fake.close()


async def _start_until_running(tmp_path: Path, fake: FakeDiscord, database: Path):
    bot = await _bot(tmp_path, fake)
    await fake.wait_for_call(lambda c: c.matches("PUT", r"/applications/\d+/commands"), within=60)
    harness = Harness(fake, tmp_path, images=None)
    interaction = await harness.create_from_outline()
    for _ in range(1500):
        if [state for state, _n in _job_states(database)] == ["running"]:
            break
        await asyncio.sleep(0.02)
    return bot, harness, interaction


async def _stop(*processes: asyncio.subprocess.Process | None) -> None:
    for process in processes:
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGINT)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 30)
            if process.returncode is None:
                process.kill()
                await process.wait()


def _live_cancel_buttons(fake: FakeDiscord) -> list[str]:
    return [
        m["content"]
        for m in fake.messages.values()
        for row in m.get("components", [])
        for button in row.get("components", [])
        if str(button.get("custom_id", "")).startswith("deckcast:cancel:")
    ]


async def test_a_sigterm_pauses_the_render_and_the_next_start_finishes_its_message(tmp_path):
    fake = await FakeDiscord().start()
    database = tmp_path / "data" / "deckcast.db"
    first = second = None
    try:
        first, harness, interaction = await _start_until_running(tmp_path, fake, database)
        first.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(first.wait(), 60) == 0  # a graceful stop, not rc -15
        status = fake.messages[interaction.original_id]
        assert "Paused" in status["content"] and not status["components"]
        assert _job_states(database) == [("running", 1)]  # left to resume, not cancelled

        second = await _bot(tmp_path, fake)
        video = await harness.video_message(within=180)
        assert "resumed after a restart" in video["content"]
        done = await fake.wait_for_message(
            lambda m: m["id"] == interaction.original_id and "✅" in m["content"], within=60
        )
        assert not done["components"] and "Paused" not in done["content"]
        assert _live_cancel_buttons(fake) == []
        for _ in range(500):
            if _job_states(database) == [("done", 2)]:
                break
            await asyncio.sleep(0.02)
        assert _job_states(database) == [("done", 2)]
    finally:
        await _stop(first, second)
        await fake.close()


async def test_a_kill_during_the_upload_delivers_the_video_after_a_restart(tmp_path):
    """The render is done, the video is on its way (a slow upload): a SIGKILL now used to lose
    the video for good, because the job was already marked done."""
    fake = await FakeDiscord().start()
    database = tmp_path / "data" / "deckcast.db"
    first = second = None
    try:
        fake.slow("POST", r"/webhooks/\d+/[^/]+", seconds=60)  # the video's upload
        first, harness, _interaction = await _start_until_running(tmp_path, fake, database)
        await fake.wait_for_call(lambda c: c.matches("POST", r"/webhooks/\d+/[^/]+"), within=180)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert _job_states(database) == [("running", 1)]  # rendered, not delivered: not done

        second = await _bot(tmp_path, fake)
        video = await harness.video_message(within=180)
        assert "resumed after a restart" in video["content"]
        assert video["attachments"][0]["filename"].endswith("-v1.mp4")
        for _ in range(500):
            if _job_states(database) == [("done", 2)]:
                break
            await asyncio.sleep(0.02)
        assert _job_states(database) == [("done", 2)]
    finally:
        await _stop(first, second)
        await fake.close()


async def test_a_kill_after_the_video_is_posted_does_not_post_it_again(tmp_path):
    """The video is in the thread, and the bot is killed while it edits the status message
    (Discord holds the edit): the job is not marked done yet. The next start must finish the
    status and mark the job done, not render and post the same video a second time."""
    fake = await FakeDiscord().start()
    database = tmp_path / "data" / "deckcast.db"
    first = second = None
    webhook = r"/webhooks/\d+/[^/]+"
    try:
        fake.slow("POST", webhook, seconds=3)  # the video's upload, while the edit is held next
        first, harness, interaction = await _start_until_running(tmp_path, fake, database)
        post = await fake.wait_for_call(lambda c: c.matches("POST", webhook), within=180)
        fake.slow("PATCH", webhook + r"/messages/[^/]+", seconds=60)  # the edit after the post
        after = fake.calls.index(post) + 1
        await fake.wait_for_call(
            lambda c: c.matches("PATCH", webhook + r"/messages/[^/]+"), after=after, within=60
        )
        video = await harness.video_message(within=1)  # posted before the edit began
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert _job_states(database) == [("running", 1)]

        second = await _bot(tmp_path, fake)
        done = await fake.wait_for_message(
            lambda m: m["id"] == interaction.original_id and "is in the thread" in m["content"],
            within=120,
        )
        assert not done["components"]
        for _ in range(500):
            if _job_states(database) == [("done", 2)]:
                break
            await asyncio.sleep(0.02)
        assert _job_states(database) == [("done", 2)]
        videos = [
            m
            for m in fake.messages.values()
            if any(a["filename"].endswith(".mp4") for a in m["attachments"])
        ]
        assert [m["id"] for m in videos] == [video["id"]]  # posted once
        assert _live_cancel_buttons(fake) == []
    finally:
        await _stop(first, second)
        await fake.close()


async def _bot_exit(tmp_path: Path, fake: FakeDiscord, **env: str) -> tuple[int, str]:
    """How the bot exited and what it printed on stderr this time."""
    log = tmp_path / "bot.log"
    before = log.stat().st_size if log.exists() else 0
    process = await _bot(tmp_path, fake, **env)
    code = await asyncio.wait_for(process.wait(), 90)
    return code, log.read_bytes()[before:].decode()


async def test_start_up_failures_are_one_line_and_exit_1(tmp_path):
    fake = await FakeDiscord().start()
    try:
        # The gateway refuses the token (close code 4004).
        fake.refuse_identify = 4004
        code, err = await _bot_exit(tmp_path, fake)
        assert code == 1 and "Traceback" not in err
        assert "refused the bot token" in err and "4004" in err

        # The gateway cannot be reached at all (discord.py would retry for ever).
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        code, err = await _bot_exit(
            tmp_path,
            fake,
            DECKCAST_DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{closed}/gateway",
            DECKCAST_DISCORD_CONNECT_TIMEOUT="3",
        )
        assert code == 1 and "Traceback" not in err
        assert "could not connect to Discord's gateway" in err
    finally:
        await fake.close()
