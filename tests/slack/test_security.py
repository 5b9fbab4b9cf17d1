"""HTTP mode trusts only requests signed by Slack, and recently: forged, unsigned and replayed
requests are refused with 401 before anything runs."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.slack import SlackSetupError, build_app, build_client, http_app
from tests.fakes.slack_api import BOT_TOKEN

from .conftest import OUTLINE


async def assert_nothing_started(world):
    assert world.slack.calls == []  # not even auth.test: refused before the app looked at it
    assert await world.jobs() == []


async def test_a_forged_signature_is_refused(world, caplog):
    body = world.deliver.command_body(f"```\n{OUTLINE}```")
    with caplog.at_level(logging.DEBUG):
        response = await world.deliver.send(
            body, "application/x-www-form-urlencoded", secret="not-the-signing-secret"
        )
    assert response.status == 401
    await assert_nothing_started(world)
    # The refusal is logged, without the request body (it carries Slack's verification token).
    assert "refused a request from 127.0.0.1" in caplog.text
    assert "legacy-verification-token" not in caplog.text


async def test_an_unsigned_request_is_refused(world):
    event = world.deliver.message("<@UBOT> tides", kind="app_mention")
    response = await world.deliver.post(world.deliver.event_body(event), "application/json")
    assert response.status == 401
    await assert_nothing_started(world)


async def test_a_body_changed_after_signing_is_refused(world):
    body = world.deliver.command_body("tides")
    headers = world.deliver.signed_headers(body)
    tampered = body.replace("user_id=U1", "user_id=UADMIN")
    response = await world.deliver.post(tampered, "application/x-www-form-urlencoded", headers)
    assert response.status == 401
    await assert_nothing_started(world)


@pytest.mark.parametrize("age", [6 * 60, -6 * 60])
async def test_a_replayed_or_future_request_is_refused(world, age):
    body = world.deliver.command_body(f"```\n{OUTLINE}```")
    response = await world.deliver.send(
        body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - age
    )
    assert response.status == 401
    await assert_nothing_started(world)


async def test_a_request_signed_four_minutes_ago_is_still_accepted(world):
    body = world.deliver.command_body("help")
    response = await world.deliver.send(
        body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 4 * 60
    )
    assert response.status == 200 and "/deck" in response.body


async def test_http_mode_needs_a_signing_secret(world):
    client = build_client(BOT_TOKEN, api_url=world.slack.api_url)
    unverified = build_app(world.engine, client, signing_secret=None)
    with pytest.raises(SlackSetupError, match="SLACK_SIGNING_SECRET"):
        http_app(unverified)
    with pytest.raises(SlackSetupError, match="SLACK_SIGNING_SECRET is empty"):
        build_app(world.engine, client, signing_secret="  ")


async def test_the_request_url_check_of_http_mode_is_answered(world):
    """Slack checks a new Request URL with a signed url_verification challenge."""
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"})
    response = await world.deliver.send(body, "application/json")
    assert response.status == 200 and response.json() == {"challenge": challenge}
    forged = await world.deliver.send(body, "application/json", secret="guess")
    assert forged.status == 401


async def test_a_slash_command_replayed_verbatim_runs_once(world):
    """A signed /deck replayed within Slack's 5-minute window (same trigger_id) is one job."""
    from .test_flow import fenced

    body = world.deliver.command_body(fenced(OUTLINE), user="U1", channel="C1")
    first = await world.deliver.send(body, "application/x-www-form-urlencoded")
    again = await world.deliver.send(body, "application/x-www-form-urlencoded")
    assert first.status == again.status == 200
    await world.video_upload()
    await world.engine.wait_idle()
    assert len(await world.jobs()) == 1
    assert len(world.slack.calls_of("files.completeUploadExternal")) == 2  # storyboard + video


async def test_junk_and_overlong_requests_are_refused_privately(world):
    junk = "\x00\x01\x02binary\x03\x04" * 20
    ack = await world.deliver.command(junk, user="U1", channel="C1")
    assert ack.status == 200 and "does not look like text" in ack.body
    ack = await world.deliver.command("x" * 25_000, user="U1", channel="C1")
    assert "too long" in ack.body
    assert world.slack.calls_of("chat.postMessage") == []  # nothing echoed in the channel
    assert await world.jobs() == []


async def test_malformed_requests_get_4xx_at_once_and_no_traceback(world, caplog):
    import time as clock

    deliver = world.deliver
    started = clock.monotonic()
    bad_clock = await deliver.post(
        "x=1",
        "application/x-www-form-urlencoded",
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"},
    )
    assert bad_clock.status == 401
    not_json = await deliver.send("this is not JSON", "application/json")  # validly signed
    assert not_json.status == 400
    no_user = deliver.command_body("hello").replace("user_id=U1&", "")
    assert (await deliver.send(no_user, "application/x-www-form-urlencoded")).status == 200
    assert clock.monotonic() - started < 2  # no 3-second stall
    assert "Traceback" not in caplog.text
    assert world.slack.calls_of("chat.postMessage") == [] and await world.jobs() == []
