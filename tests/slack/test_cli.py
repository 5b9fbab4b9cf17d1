"""``deckcast slack`` as an operator runs it: a subprocess in HTTP mode, talking to the fake
Slack over loopback, stopped with Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fakes.slack_api import BOT_TOKEN, FakeSlack
from tests.fakes.slack_events import SIGNING_SECRET, SlackDelivery
from tests.probe import probe

from .conftest import OUTLINE


def deckcast_command() -> list[str]:
    script = Path(sys.executable).parent / "deckcast"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DECKCAST_", "OPENAI_"))
    }
    env.update(
        DECKCAST_DATA_DIR=str(tmp_path / "data"),
        DECKCAST_CACHE_DIR=str(tmp_path / "cache"),
        NO_COLOR="1",
        COLUMNS="120",
        **extra,
    )
    return env


def test_slack_without_tokens_says_what_to_set(tmp_path):
    result = subprocess.run(
        [*deckcast_command(), "slack"],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "needs SLACK_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_slack_manifest_is_printed(tmp_path):
    result = subprocess.run(
        [*deckcast_command(), "slack", "--manifest"],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    manifest = yaml.safe_load(result.stdout)
    assert manifest["features"]["slash_commands"][0]["command"] == "/deck"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def job_states(tmp_path: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "deckcast.db") as conn:
        return [r[0] for r in conn.execute("SELECT state FROM jobs")]


def bot_env(tmp_path: Path, slack: FakeSlack, **extra: str) -> dict[str, str]:
    """A ``deckcast slack`` in HTTP mode against the fake Slack, speaking with espeak-ng."""
    return clean_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DECKCAST_SLACK_API_URL=slack.api_url,
        DECKCAST_SLACK_HOST="127.0.0.1",
        DECKCAST_VOICE="espeak",
        **extra,
    )


async def start_bot(tmp_path: Path, env: dict[str, str], port: int) -> asyncio.subprocess.Process:
    """Start the bot and wait until it serves; its stderr goes to ``slack.log`` (a file, not
    a pipe nobody reads: a full pipe stalls the bot)."""
    log = tmp_path / "slack.log"
    before = log.stat().st_size if log.exists() else 0
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            *deckcast_command(), "slack", "--port", str(port),
            env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    for _ in range(600):
        if b"on Slack" in log.read_bytes()[before:]:
            return process
        if process.returncode is not None:
            break
        await asyncio.sleep(0.1)
    raise AssertionError(bot_log(tmp_path))


def bot_log(tmp_path: Path) -> str:
    log = tmp_path / "slack.log"
    return log.read_text(errors="replace") if log.exists() else ""


async def first_line_with(stream, text: bytes) -> bytes:
    while line := await stream.readline():
        if text in line:
            return line
    raise AssertionError(f"the output ended without {text!r}")


@pytest.mark.slow
async def test_deckcast_slack_serves_http_until_interrupted(tmp_path):
    async with FakeSlack() as slack:
        port = free_port()
        env = clean_env(
            tmp_path,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            DECKCAST_SLACK_API_URL=slack.api_url,
            DECKCAST_SLACK_HOST="127.0.0.1",
            DECKCAST_VOICE="silent",
            DECKCAST_RESOLUTION="720p",
            DECKCAST_FPS="1",
        )
        process = await asyncio.create_subprocess_exec(
            *deckcast_command(),
            "slack",
            "--port",
            str(port),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            ready = await asyncio.wait_for(first_line_with(process.stderr, b"on Slack"), 60)
            assert b"on Slack as @deckcast in deckcast test: HTTP mode" in ready
            url = f"http://127.0.0.1:{port}/slack/events"
            assert url.encode() in ready
            deliver = SlackDelivery(url, on_message=slack.person_wrote)
            ack = await deliver.command(f"```\n{OUTLINE}```", user="U1", channel="C1")
            assert ack.status == 200
            await slack.wait_for(
                lambda: [u for u in slack.completed_uploads() if u.filename.endswith(".mp4")],
                within=120,
            )
            forged = await deliver.send(
                deliver.command_body("tides"), "application/x-www-form-urlencoded", secret="x"
            )
            assert forged.status == 401
        finally:
            process.send_signal(signal.SIGINT)
            _out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        assert b"stopped" in err and BOT_TOKEN.encode() not in err
        [upload] = [u for u in slack.completed_uploads() if u.filename.endswith(".mp4")]
        path = tmp_path / "uploaded.mp4"
        path.write_bytes(upload.data)
        assert probe(path).video_size == (1280, 720)


def _slack_exit(tmp_path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*deckcast_command(), "slack", "--port", env.pop("port")],
        env=clean_env(
            tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, **env
        ),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_start_up_failures_are_one_line_and_exit_1(tmp_path):
    # Slack's API cannot be reached.
    closed = free_port()
    result = await asyncio.to_thread(
        _slack_exit,
        tmp_path,
        port=str(free_port()),
        DECKCAST_SLACK_API_URL=f"http://127.0.0.1:{closed}/api/",
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "could not reach Slack" in result.stderr

    # The port is taken by another program.
    async with FakeSlack() as slack:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = await asyncio.to_thread(
                _slack_exit,
                tmp_path,
                port=str(port),
                DECKCAST_SLACK_API_URL=slack.api_url,
                DECKCAST_SLACK_HOST="127.0.0.1",
            )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


@pytest.mark.slow
async def test_a_sigterm_pauses_the_render_and_the_next_start_delivers_it(tmp_path):
    async with FakeSlack() as slack:
        port = free_port()
        env = bot_env(tmp_path, slack, DECKCAST_RESOLUTION="1080p")

        async def start() -> asyncio.subprocess.Process:
            return await start_bot(tmp_path, env, port)

        first = await start()
        deliver = SlackDelivery(
            f"http://127.0.0.1:{port}/slack/events", on_message=slack.person_wrote
        )
        await deliver.command(f"```\n{OUTLINE}```", user="U1", channel="C1")
        root = (await slack.wait_for(lambda: slack.calls_of("chat.postMessage")))[0].result["ts"]
        await slack.wait_for(
            lambda: "Rendering version 1" in slack.messages[("C1", root)].text, within=60
        )
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.wait(), 60)
        assert first.returncode == 0  # a graceful stop
        assert "paused" in slack.messages[("C1", root)].text
        assert job_states(tmp_path) == ["running"]  # left to resume, never cancelled

        second = await start()
        try:
            await slack.wait_for(
                lambda: [u for u in slack.completed_uploads() if u.filename.endswith(".mp4")],
                within=180,
            )
            await slack.wait_for(
                lambda: "finished after a restart" in slack.messages[("C1", root)].text,
                within=30,
            )
            for _ in range(500):  # done once the delivery (the card after the video) is over
                if job_states(tmp_path) == ["done"]:
                    break
                await asyncio.sleep(0.02)
        finally:
            second.send_signal(signal.SIGINT)
            await asyncio.wait_for(second.wait(), 60)
        assert job_states(tmp_path) == ["done"]


@pytest.mark.slow
async def test_a_kill_during_the_video_upload_delivers_it_once_after_a_restart(tmp_path):
    """The render is done and the video is on its way (a slow upload) when the process is
    SIGKILLed: the job is not done until the video is in the thread, so the next start
    delivers it, once, and the status message ends in its real state."""
    async with FakeSlack() as slack:
        port = free_port()
        env = bot_env(tmp_path, slack)

        async def start() -> asyncio.subprocess.Process:
            return await start_bot(tmp_path, env, port)

        slack.slow_upload(".mp4", 20)
        first = await start()
        second = None
        try:
            deliver = SlackDelivery(
                f"http://127.0.0.1:{port}/slack/events", on_message=slack.person_wrote
            )
            await deliver.command(f"```\n{OUTLINE}```", user="U1", channel="C1")
            root = (await slack.wait_for(lambda: slack.calls_of("chat.postMessage")))[0]
            root_ts = root.result["ts"]
            await slack.wait_for(
                lambda: (
                    [c for c in slack.calls_of("upload") if c.args["bytes"] > 0]
                    and any(u.filename.endswith(".mp4") for u in slack.uploads.values())
                ),
                within=180,
            )
            first.send_signal(signal.SIGKILL)
            await first.wait()
            assert job_states(tmp_path) == ["running"], bot_log(tmp_path)  # not delivered

            second = await start()

            def videos() -> list:
                return [
                    u
                    for u in slack.completed_uploads()
                    if u.filename.endswith(".mp4") and u.thread_ts == root_ts
                ]

            await slack.wait_for(videos, within=180)
            for _ in range(500):
                if job_states(tmp_path) == ["done"]:
                    break
                await asyncio.sleep(0.02)
            assert job_states(tmp_path) == ["done"], bot_log(tmp_path)
            await asyncio.sleep(1)  # time for a second, wrong delivery to show itself
            assert len(videos()) == 1
            status = slack.messages[("C1", root_ts)].text
            assert "is ready (finished after a restart)" in status, status
            assert "Traceback" not in bot_log(tmp_path)
        finally:
            for process in (first, second):
                if process is not None and process.returncode is None:
                    process.send_signal(signal.SIGINT)
                    await asyncio.wait_for(process.wait(), 60)
