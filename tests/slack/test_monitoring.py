"""/metrics and /healthz for Slack: in HTTP mode beside /slack/events on the app's own server;
in Socket Mode on the metrics port, with /healthz following the Socket Mode session."""

from __future__ import annotations

import asyncio
import signal

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.health import socket_mode_probe
from bot.metrics import Metrics
from bot.monitor import Monitor, MonitorServer
from bot.slack import HttpServer, SocketModeConnection, build_app, build_client
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlack

from .conftest import OUTLINE
from .test_cli import clean_env, deckcast_command, first_line_with, free_port


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_socket_mode_health_follows_the_connection(world):
    client = build_client(BOT_TOKEN, api_url=world.slack.api_url)
    bot = build_app(world.engine, client, signing_secret=None)
    connection = SocketModeConnection(bot, APP_TOKEN)
    await connection.start()
    monitor = Monitor(world.store, None, {"slack": socket_mode_probe(connection.handler)})
    server = MonitorServer(monitor, host="127.0.0.1", port=0)
    base = await server.start()
    try:
        status, text = await fetch(f"{base}/healthz")
        assert status == 200 and "slack: ok (Socket Mode connected)" in text
        await connection.close()
        status, text = await fetch(f"{base}/healthz")
        assert status == 503
        assert "slack: FAILING (the Socket Mode connection is down, reconnecting)" in text
    finally:
        await server.close()


async def test_http_mode_serves_metrics_beside_the_events(world):
    metrics = Metrics()
    world.engine.observer.add(metrics)
    http = HttpServer(
        world.bot, host="127.0.0.1", port=0, monitor=Monitor(world.store, metrics, {})
    )
    url = await http.start()
    base = url.removesuffix("/slack/events")
    try:
        await world.deliver.command(f"```\n{OUTLINE}```")
        await world.video_upload()
        await world.engine.wait_idle()
        status, text = await fetch(f"{base}/metrics")
        assert status == 200
        done = [
            s
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name == "deckcast_jobs" and s.labels["state"] == "done"
        ]
        assert [s.value for s in done] == [1]
        status, text = await fetch(f"{base}/healthz")
        assert status == 200 and "store: ok" in text
    finally:
        await http.close()


@pytest.mark.slow
async def test_deckcast_slack_in_socket_mode_serves_health_on_the_metrics_port(tmp_path):
    async with FakeSlack() as slack:
        port = free_port()
        env = clean_env(
            tmp_path,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN=APP_TOKEN,
            DECKCAST_SLACK_API_URL=slack.api_url,
            DECKCAST_METRICS_PORT=str(port),
        )
        process = await asyncio.create_subprocess_exec(
            *deckcast_command(), "slack", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await asyncio.wait_for(first_line_with(process.stderr, b"(Socket Mode)"), 60)
            status, text = await fetch(f"http://127.0.0.1:{port}/healthz")
            assert status == 200 and "slack: ok (Socket Mode connected)" in text, text
            status, text = await fetch(f"http://127.0.0.1:{port}/metrics")
            assert status == 200 and "deckcast_queue_depth 0.0" in text
        finally:
            process.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        assert BOT_TOKEN.encode() not in err and APP_TOKEN.encode() not in err
