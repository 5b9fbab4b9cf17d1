"""Slack saying no: rate limits are waited out as Slack asks, and refusals (not in the channel,
a missing scope) become one clear message where a person sees it, or a log line saying what to
fix when the bot cannot post at all."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import needs_espeak

from .conftest import OUTLINE, eventually
from .test_flow import fenced


async def test_a_ratelimited_answer_is_honoured(world):
    slack = world.slack
    slack.fail("chat.postMessage", "ratelimited", retry_after=1)
    await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    upload = await world.video_upload()
    posts = slack.calls_of("chat.postMessage")
    assert posts[0].status == 429 and posts[0].error == "ratelimited"
    assert posts[1].status == 200 and posts[1].args == posts[0].args  # the same post, again
    assert posts[1].at - posts[0].at >= 1.0  # not before Retry-After
    assert upload.thread_ts == posts[1].result["ts"]
    assert world.probe_upload(upload).duration > 1


@pytest.mark.slow
async def test_a_ratelimited_upload_is_retried(world):
    slack = world.slack
    slack.fail("files.getUploadURLExternal", "ratelimited", retry_after=1, times=2)
    await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    upload = await world.video_upload()
    asked = slack.calls_of("files.getUploadURLExternal")
    assert [c.status for c in asked[:2]] == [429, 429]
    assert asked[1].at - asked[0].at >= 1.0
    assert world.probe_upload(upload).stream("video").codec == "h264"


async def test_a_channel_the_bot_is_not_in_gets_a_private_hint(world, caplog):
    slack = world.slack
    slack.fail("chat.postMessage", "not_in_channel", channel="C9")
    with caplog.at_level(logging.WARNING, logger="bot.slack"):
        ack = await world.deliver.command(
            fenced(OUTLINE), user="U1", channel="C9", response_url=slack.response_url()
        )
        assert ack.status == 200
        [response] = await slack.wait_for(lambda: slack.responses)
    assert response["response_type"] == "ephemeral"
    assert "/invite @deckcast" in response["text"]
    assert "not in channel C9" in caplog.text and "invite it there" in caplog.text
    await world.engine.queue.wait_idle()
    assert await world.jobs() == []


async def test_a_missing_upload_scope_is_explained_in_the_thread(world, caplog):
    slack = world.slack
    slack.fail("files.getUploadURLExternal", "missing_scope", needed="files:write", times=2)
    with caplog.at_level(logging.WARNING, logger="bot.slack"):
        await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
        root_ts = (await slack.wait_for(lambda: slack.calls_of("chat.postMessage")))[0]
        root_ts = root_ts.result["ts"]
        told = await slack.wait_for(
            lambda: [m for m in world.thread("C1", root_ts) if "could not upload" in m.text]
        )
    assert "`files:write`" in told[0].text and "reinstall" in told[0].text
    assert 'say "render"' in told[0].text
    assert "upload failed" in slack.messages[("C1", root_ts)].text
    assert "needs the bot scope 'files:write'" in caplog.text
    assert slack.completed_uploads() == []
    # The video is kept on the server: "render" in the thread tries the upload again.
    await world.deliver.event(world.deliver.message("render", user="U1", thread_ts=root_ts))
    upload = await world.video_upload()
    assert upload.thread_ts == root_ts


async def test_when_the_bot_cannot_post_the_log_says_what_to_fix(world, caplog):
    slack = world.slack
    root_ts = None
    with caplog.at_level(logging.ERROR, logger="bot.slack"):
        await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
        await world.video_upload()
        root_ts = slack.calls_of("chat.postMessage")[0].result["ts"]
        await slack.wait_for(lambda: any(m.blocks for m in world.thread("C1", root_ts)))
        # The bot was removed from the channel; the next reply cannot be answered there.
        slack.fail("chat.postMessage", "not_in_channel", channel="C1", times=10)
        await world.deliver.event(world.deliver.message("status", user="U1", thread_ts=root_ts))
        await eventually(lambda: "cannot answer in Slack thread C1:" in caplog.text)
    assert "(/invite @deckcast)" in caplog.text
    assert "xoxb" not in caplog.text


async def test_progress_edits_rate_limited_forever_never_delay_the_video(world):
    import time

    from tests.discord.test_limits import Timed

    slack = world.slack
    timed = Timed(world.engine.jobs.executor)
    world.engine.jobs.executor = timed
    slack.fail("chat.update", "ratelimited", retry_after=30, times=10**6)
    await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    upload = await world.video_upload(within=60)
    arrived = time.monotonic()
    assert arrived - timed.ended[0] < 10  # within 10 s of the render's end, not minutes
    assert world.probe_upload(upload).duration > 1
    updates = slack.calls_of("chat.update")
    assert updates and all(c.status == 429 for c in updates)
    assert len(updates) < 10  # paused while limited, not hammered


@needs_espeak()
async def test_a_workspace_that_refuses_a_big_file_gets_a_smaller_copy(world):
    from render import RenderOptions

    slack = world.slack
    # A real-sized video (a tiny test one leaves no room for a smaller copy).
    world.engine.render_defaults = RenderOptions(resolution=1080, fps=1, default_voice="espeak")
    await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    first = await world.video_upload(1)
    root_ts = slack.calls_of("chat.postMessage")[0].result["ts"]
    slack.max_upload = int(first.length * 0.9)
    await world.engine.wait_idle()
    await world.deliver.event(world.deliver.message("render", user="U1", thread_ts=root_ts))
    smaller = await world.video_upload(2, within=90)
    assert smaller.length <= slack.max_upload < first.length
    assert world.probe_upload(smaller).stream("audio").codec == "aac"
    refused = [c for c in slack.calls_of("files.getUploadURLExternal") if c.error]
    assert [c.error for c in refused] == ["file_upload_size_restricted"]
