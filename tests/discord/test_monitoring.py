"""`deckcast discord` as a real process with DECKCAST_METRICS_PORT: /healthz follows the gateway
connection and the store, /metrics counts the render a person asked for, over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.discord.harness import Harness
from tests.fakes.discord_server import FakeDiscord

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def until(url: str, status: int, within: float = 60) -> str:
    last = None
    for _ in range(int(within / 0.1)):
        with contextlib.suppress(aiohttp.ClientError):
            last = await fetch(url)
            if last[0] == status:
                return last[1]
        await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered {status} (last: {last})")


async def test_health_and_metrics_of_a_running_discord_bot(tmp_path: Path):
    fake = await FakeDiscord().start()
    port = free_port()
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    env = {
        **os.environ,
        "DISCORD_TOKEN": "test-bot-token",
        "DECKCAST_DISCORD_API_URL": fake.api_base,
        "DECKCAST_DISCORD_GATEWAY_URL": fake.gateway_url,
        "DECKCAST_DATA_DIR": str(tmp_path / "data"),
        "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
        "DECKCAST_VOICE": "silent",
        "DECKCAST_RESOLUTION": "720p",
        "DECKCAST_METRICS_PORT": str(port),
        "DECKCAST_LOG_FORMAT": "json",
        "NO_COLOR": "1",
    }
    process = await asyncio.create_subprocess_exec(
        *command, "discord", env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        health = await until(f"{base}/healthz", 200)
        assert "discord: ok (connected to the gateway" in health and "store: ok" in health

        await Harness(fake, tmp_path, images=None).create_from_outline()
        await Harness(fake, tmp_path, images=None).video_message(within=120)
        families = {}
        for _ in range(100):  # the job is done once its delivery went through
            status, text = await fetch(f"{base}/metrics")
            assert status == 200
            families = {f.name: f for f in text_string_to_metric_families(text)}
            done = [s for s in families["deckcast_jobs"].samples if s.labels["state"] == "done"]
            if done and done[0].value == 1:
                break
            await asyncio.sleep(0.1)
        count = [
            s.value
            for s in families["deckcast_render_seconds"].samples
            if s.name.endswith("_count") and s.labels["outcome"] == "done"
        ]
        assert count == [1]
        lookups = families["deckcast_cache_lookups"].samples
        assert any(s.labels == {"kind": "segment", "result": "miss"} for s in lookups)

        await fake.close()  # Discord goes away: the gateway is down, the bot retries
        unhealthy = await until(f"{base}/healthz", 503, within=30)
        assert "discord: FAILING" in unhealthy and "store: ok" in unhealthy
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _out, err = await asyncio.wait_for(process.communicate(), 60)
        except TimeoutError:
            process.kill()
            _out, err = await process.communicate()
        await fake.close()
    assert b"test-bot-token" not in err
    events = [line for line in err.decode().splitlines() if '"logger": "bot.jobs"' in line]
    assert ['"event": "queued"' in events[0], '"event": "done"' in events[-1]] == [True, True]
