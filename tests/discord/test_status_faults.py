"""Faults between the video's post and the end of its job: the status message's last edit
refused for a moment (a 5xx, a 429) must still be shown, and the job is done only once it is,
so a stop right after leaves no status message showing progress or a live Cancel button."""

from __future__ import annotations

import asyncio

from bot.store import JobState
from tests.discord.harness import GatedImages, running_bot

ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"
FOLLOWUP = r"/webhooks/\d+/[^/]+"


async def _until_the_video_is_posting(
    h, images: GatedImages, *, edits: str = ORIGINAL, posts: str = FOLLOWUP
) -> None:
    """Hold the render until its progress (with the Cancel button) is shown, then hold the
    video's upload a moment and return once it is on its way."""
    fake = h.fake
    await images.wait_entered()
    await fake.wait_for_call(
        lambda c: c.matches("PATCH", edits) and bool((c.json or {}).get("components"))
    )
    fake.slow("POST", posts, seconds=0.3)
    images.gate.set()
    await fake.wait_for_call(lambda c: c.matches("POST", posts) and bool(c.files), within=60)


def _finished(message) -> bool:
    return "Done" in message["content"] and "⏳" not in message["content"]


async def test_a_final_status_edit_discord_fails_with_a_5xx_is_sent_again(tmp_path):
    """Through the channel APIs (the interaction's token has expired): discord.py does not
    retry a 503 there, and the "Done" edit it refused used to be dropped for good."""
    images = GatedImages()
    async with running_bot(tmp_path, images) as h:
        fake = h.fake
        interaction = await h.create_from_outline()
        await images.wait_entered()
        fake.expire(interaction)  # as 15 minutes after the command
        channel = rf"/channels/{fake.channel_id}/messages"
        edits = rf"{channel}/{interaction.original_id}"
        await _until_the_video_is_posting(h, images, edits=edits, posts=channel)
        fake.fail("PATCH", edits, status=503, body={"message": "unavailable", "code": 0})
        await h.video_message()
        status = await fake.wait_for_message(
            lambda m: m["id"] == interaction.original_id and _finished(m), within=15
        )
        assert not status["components"]
        assert [c.status for c in fake.calls_to("PATCH", edits)].count(503) == 1


async def test_a_stop_right_after_the_job_is_done_leaves_no_status_in_progress(tmp_path):
    images = GatedImages()
    async with running_bot(tmp_path, images) as h:
        fake = h.fake
        interaction = await h.create_from_outline()
        await _until_the_video_is_posting(h, images)
        fake.rate_limit("PATCH", ORIGINAL, retry_after=2)  # the "Done" edit, held back 2 s
        await h.video_message()
        for _ in range(3000):
            if [j.state for j in await h.store.jobs_in(list(JobState))] == [JobState.DONE]:
                break
            await asyncio.sleep(0.01)
        await h.stop()  # at once: nothing held back is sent after this
        status = fake.messages[interaction.original_id]
        assert _finished(status) and not status["components"], status["content"]
        videos = [m for m in fake.messages.values() if m is not status and m["attachments"]]
        assert len([m for m in videos if m["attachments"][0]["filename"].endswith(".mp4")]) == 1
