"""Socket Mode: the app opens a WebSocket to Slack (here, the fake) with the app-level token;
no public URL, no signatures. Commands and events arrive as envelopes the app acknowledges."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from bot.slack import SlackSetupError, SocketModeConnection, build_app, build_client
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN

from .conftest import OUTLINE


@pytest.fixture
async def socket_world(world):
    client = build_client(BOT_TOKEN, api_url=world.slack.api_url)
    bot = build_app(world.engine, client, signing_secret=None, edit_interval=0.05)
    connection = SocketModeConnection(bot, APP_TOKEN)
    await connection.start()
    try:
        yield world
    finally:
        await connection.close()


async def test_a_slash_command_over_socket_mode(socket_world):
    world = socket_world
    slack = world.slack
    [opened] = slack.calls_of("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    command = dict(parse_qsl(world.deliver.command_body(f"```\n{OUTLINE}```")))
    ack = await slack.socket_send("slash_commands", command)
    assert set(ack) == {"envelope_id"}  # acknowledged with no message: the work goes on
    upload = await world.video_upload()
    root = slack.calls_of("chat.postMessage")[0]
    assert upload.thread_ts == root.result["ts"]
    assert world.probe_upload(upload).stream("video").codec == "h264"


async def test_a_redelivered_event_over_socket_mode_starts_one_job(socket_world):
    world = socket_world
    mention = world.deliver.message(f"<@UBOT> ```\n{OUTLINE}```", kind="app_mention")
    body = json.loads(world.deliver.event_body(mention, event_id="EvSOCKET1"))
    await world.slack.socket_send("events_api", body)
    await world.slack.socket_send("events_api", body, retry_attempt=1)
    await world.video_upload()
    await world.engine.queue.wait_idle()
    assert len(await world.jobs()) == 1


async def test_socket_mode_needs_an_app_level_token(world):
    client = build_client(BOT_TOKEN, api_url=world.slack.api_url)
    bot = build_app(world.engine, client, signing_secret=None)
    with pytest.raises(SlackSetupError, match="xapp-"):
        SocketModeConnection(bot, BOT_TOKEN)
