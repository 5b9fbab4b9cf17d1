"""Faults between the video's upload and the end of its job: the status message's last edit
refused for a moment (a 5xx, a rate limit) must still be shown, and the job is done only once
it is, so a stop right after leaves no message showing progress (or a live Cancel button)."""

from __future__ import annotations

import asyncio

from bot.store import JobState

from .conftest import OUTLINE, eventually, open_world
from .test_flow import fenced


def _after_the_video_upload(world, arm) -> None:
    """Call ``arm()`` the moment Slack has the video (before the status says it is ready)."""
    web = world.bot.handlers.web
    upload = web.upload

    async def upload_then_arm(channel, data, **kwargs):
        file_id = await upload(channel, data, **kwargs)
        if kwargs["filename"].endswith(".mp4"):
            arm()
        return file_id

    web.upload = upload_then_arm


def _status_is_final(world, root_ts: str) -> bool:
    message = world.slack.messages[("C1", root_ts)]
    live = any(block.get("type") == "actions" for block in message.blocks)
    return "Version 1 is ready" in message.text and not live


async def test_a_final_status_edit_slack_fails_with_a_5xx_is_sent_again(world):
    slack = world.slack
    _after_the_video_upload(
        world, lambda: slack.fail("chat.update", "internal_error", status=500, times=1)
    )
    await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    await world.video_upload()
    root_ts = slack.calls_of("chat.postMessage")[0].result["ts"]
    await eventually(lambda: _status_is_final(world, root_ts), within=15)
    assert [c.status for c in slack.calls_of("chat.update")].count(500) == 1


async def test_a_stop_right_after_the_job_is_done_leaves_no_status_in_progress(tmp_path, renderer):
    async with open_world(tmp_path, renderer) as world:
        slack = world.slack
        # Slack holds the "ready" edit back for 2 s, right after it took the video.
        _after_the_video_upload(
            world, lambda: slack.fail("chat.update", "ratelimited", retry_after=2, times=1)
        )
        await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
        await world.video_upload()

        async def done() -> bool:
            jobs = await world.jobs()
            return bool(jobs) and jobs[0].state is JobState.DONE

        for _ in range(3000):
            if await done():
                break
            await asyncio.sleep(0.01)
        assert await done()
        root_ts = slack.calls_of("chat.postMessage")[0].result["ts"]
        # the process stops at once: nothing held back is sent after this
        await world.engine.close(resume_later=True)
        assert _status_is_final(world, root_ts), slack.messages[("C1", root_ts)].text
        assert len([u for u in slack.completed_uploads() if u.filename.endswith(".mp4")]) == 1
