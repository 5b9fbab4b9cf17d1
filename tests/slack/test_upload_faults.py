"""Slack failing in the middle of the video's upload (its three steps: an upload URL, the
bytes, the share). A passing fault is tried again by deckcast itself; a share whose answer was
lost is looked up first, so the thread never gets the video twice."""

from __future__ import annotations

from .conftest import OUTLINE
from .test_flow import fenced


def videos_in_thread(world, root_ts):
    """The thread's messages that carry an MP4 (one per share Slack made)."""
    mp4s = {u.file_id for u in world.slack.uploads.values() if u.filename.endswith(".mp4")}
    return [m for m in world.thread("C1", root_ts) if set(m.files) & mp4s]


def lose_the_answer_to_the_videos_share(slack):
    """Slack shares the video, then answers 500: the share happened, its answer was lost."""
    slack.fail(
        "files.completeUploadExternal",
        "internal_error",
        status=500,
        after_doing=True,
        file_suffix=".mp4",
    )


async def start(world):
    await world.deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    posted = await world.slack.wait_for(
        lambda: [c for c in world.slack.calls_of("chat.postMessage") if "thread_ts" not in c.args]
    )
    return posted[0].result["ts"]


async def finished(world, root_ts):
    """The status message, once the job is over."""
    await world.engine.wait_idle()
    return world.slack.messages[("C1", root_ts)].text


async def told_it_failed(world, root_ts):
    """The thread's message saying the video could not be uploaded, once it is there."""
    [told] = await world.slack.wait_for(
        lambda: [m for m in world.thread("C1", root_ts) if "could not upload" in m.text]
    )
    return told


async def test_the_bytes_refused_with_a_500_are_sent_again(world):
    slack = world.slack
    slack.fail("upload", "internal_error", file_suffix=".mp4")
    root_ts = await start(world)
    upload = await world.video_upload()
    assert world.probe_upload(upload).duration > 1
    tries = [c for c in slack.calls_of("upload") if c.args["file_id"] != upload.file_id]
    assert [c.status for c in tries] == [200, 500]  # the storyboard, then the video's first try
    assert len(videos_in_thread(world, root_ts)) == 1
    status = await finished(world, root_ts)
    assert "upload failed" not in status and "could not upload" not in "".join(
        m.text for m in world.thread("C1", root_ts)
    )


async def test_a_share_whose_answer_was_lost_is_not_shared_twice(world):
    slack = world.slack
    lose_the_answer_to_the_videos_share(slack)
    root_ts = await start(world)
    await world.video_upload()
    status = await finished(world, root_ts)
    assert len(videos_in_thread(world, root_ts)) == 1  # looked up, found shared: not again
    [looked] = slack.calls_of("files.info")
    assert looked.args["file"] == world.slack.completed_uploads()[-1].file_id
    shares = [c for c in slack.calls_of("files.completeUploadExternal") if c.status == 500]
    assert len(shares) == 1
    assert "upload failed" not in status


async def test_a_share_refused_with_a_500_is_shared_once_it_is_seen_unshared(world):
    slack = world.slack
    slack.fail("files.completeUploadExternal", "internal_error", status=500, file_suffix=".mp4")
    root_ts = await start(world)
    await world.video_upload()
    await finished(world, root_ts)
    assert len(videos_in_thread(world, root_ts)) == 1
    assert len(slack.calls_of("files.info")) == 1


async def test_when_the_share_cannot_be_looked_up_the_failure_stands(world):
    """Without files:read deckcast cannot know whether the lost share happened: sharing again
    could post it twice, so the person is told (and "render" is there to try again)."""
    slack = world.slack
    slack.files_readable = False
    lose_the_answer_to_the_videos_share(slack)
    root_ts = await start(world)
    told = await told_it_failed(world, root_ts)
    assert 'say "render"' in told.text
    status = await finished(world, root_ts)
    assert len(videos_in_thread(world, root_ts)) == 1  # the one share Slack did make
    assert len(slack.calls_of("files.completeUploadExternal")) == 2  # storyboard, video once
    assert "upload failed" in status


async def test_a_refusal_that_will_not_pass_is_not_tried_again(world):
    slack = world.slack
    slack.fail("upload", "forbidden", status=403, file_suffix=".mp4")
    root_ts = await start(world)
    await told_it_failed(world, root_ts)
    status = await finished(world, root_ts)
    assert len([c for c in slack.calls_of("upload") if c.status == 403]) == 1
    assert len(slack.calls_of("files.getUploadURLExternal")) == 2  # storyboard, video once
    assert "upload failed" in status
