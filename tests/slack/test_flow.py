"""A deck made and revised in Slack: signed slash command and mentions over HTTP, progress
edits, the video uploaded into the thread in Slack's three upload steps, revisions by reply,
buttons."""

from __future__ import annotations

import asyncio
import json

from bot.engine.rendering import POSTED
from bot.slack import blocks
from bot.slack.threads import SlackThread, link
from bot.store import JobRecord, JobState
from deck import parse_outline

from .conftest import OUTLINE


def fenced(outline: str) -> str:
    return f"```\n{outline}```"


async def test_slash_command_makes_a_video_in_the_thread(world):
    slack, deliver = world.slack, world.deliver
    ack = await deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    assert ack.status == 200 and ack.body == ""  # acknowledged at once, nothing ephemeral

    upload = await world.video_upload()
    root = slack.calls_of("chat.postMessage")[0]
    assert root.args["channel"] == "C1" and "thread_ts" not in root.args
    assert "<@U1> asked for a video" in root.args["text"]
    root_ts = root.result["ts"]

    # The video went to the thread through the three upload calls, in order.
    mp4_url = next(
        c
        for c in slack.calls_of("files.getUploadURLExternal")
        if c.args["filename"].endswith(".mp4")
    )
    steps = ("files.getUploadURLExternal", "upload", "files.completeUploadExternal")
    uploading = [c for c in slack.calls if c.method in steps]
    i = uploading.index(mp4_url)
    assert [c.method for c in uploading[i : i + 3]] == list(steps)
    raw_upload = uploading[i + 1]
    assert raw_upload.args["file_id"] == upload.file_id
    assert "Authorization" not in raw_upload.headers  # the upload URL itself is the credential
    complete = uploading[i + 2]
    assert complete.args["channel_id"] == "C1" and complete.args["thread_ts"] == root_ts
    assert json.loads(complete.args["files"])[0]["id"] == upload.file_id
    assert int(mp4_url.args["length"]) == len(upload.data)
    assert upload.filename == "why-the-sea-has-tides-v1.mp4"

    # What was uploaded is a playable MP4.
    info = world.probe_upload(upload)
    assert info.stream("video").codec == "h264" and info.stream("audio").codec == "aac"
    assert info.faststart and info.duration > 1.0 and info.video_size == (426, 240)

    # Progress went into the first message by chat.update, ending with "ready".
    await slack.wait_for(lambda: "ready" in slack.messages[("C1", root_ts)].text)
    updates = [c for c in slack.calls_of("chat.update") if c.args["ts"] == root_ts]
    assert len(updates) >= 2
    assert any("Rendering version 1" in c.args["text"] for c in updates)
    assert "Version 1 is ready" in slack.messages[("C1", root_ts)].text

    # The thread holds the plan, the storyboard, the video and the card with its buttons.
    thread = await slack.wait_for(
        lambda: (
            [m for m in world.thread("C1", root_ts) if m.blocks and _actions(m)]
            and world.thread("C1", root_ts)
        )
    )
    texts = [m.text for m in thread]
    assert any("Why the sea has tides" in t and "1. Why the sea has tides" in t for t in texts)
    storyboard = [u for u in slack.completed_uploads() if u.filename == "storyboard-v1.png"]
    assert storyboard and storyboard[0].thread_ts == root_ts
    assert storyboard[0].data.startswith(b"\x89PNG")
    card = next(m for m in thread if _actions(m))
    ids = {e["action_id"] for e in _actions(card)}
    # The engine's result buttons, the same on every platform (no undo on version 1).
    assert ids == {blocks.REVISE, blocks.NEW_PICTURES, blocks.ASPECT, blocks.EXPORT, blocks.STILL}
    await world.engine.wait_idle()  # delivery is part of the job: done once the card is up
    jobs = await world.jobs()
    assert [j.state for j in jobs] == [JobState.DONE]


def _actions(message):
    return [e for b in message.blocks if b.get("type") == "actions" for e in b["elements"]]


async def start_deck(world, user="U1", channel="C1"):
    """A deck made by /deck with an outline; returns the thread's ts once its video is in."""
    await world.deliver.command(fenced(OUTLINE), user=user, channel=channel)
    await world.video_upload()
    root_ts = world.slack.calls_of("chat.postMessage")[0].result["ts"]
    await world.slack.wait_for(lambda: any(_actions(m) for m in world.thread(channel, root_ts)))
    return root_ts


async def test_a_reply_in_the_thread_revises_the_video(world):
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)
    first = world.probe_upload(await world.video_upload(1))

    reply = deliver.message("delete slide 2", user="U1", thread_ts=root_ts)
    assert (await deliver.event(reply)).status == 200
    second = await world.video_upload(2)
    assert second.thread_ts == root_ts and second.filename.endswith("-v2.mp4")
    revised = world.probe_upload(second)
    assert revised.stream("video").codec == "h264" and revised.duration < first.duration

    thread = world.thread("C1", root_ts)
    assert any(m.text.startswith("Version 2:") for m in thread)
    # Version 2's progress has its own message in the thread, edited until it is ready.
    status = await slack.wait_for(
        lambda: next((m for m in thread if "Version 2 is ready" in m.text), None)
    )
    assert status.edits >= 1
    card = await slack.wait_for(lambda: [m for m in world.thread("C1", root_ts) if _actions(m)][1:])
    assert blocks.UNDO in {e["action_id"] for e in _actions(card[0])}
    conversation_id = (await world.jobs())[0].conversation_id
    assert (await world.store.conversation(conversation_id)).current_version == 2


async def test_only_the_requester_is_heard_in_the_thread_and_bots_never(world):
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)
    calls = len(slack.calls)
    for event in (
        deliver.message("make it simpler", user="U2", thread_ts=root_ts),  # someone else
        deliver.message("delete slide 2", user="UBOT", thread_ts=root_ts, bot_id="BBOT"),
        deliver.message(
            "delete slide 2", user="U1", thread_ts=root_ts, subtype="bot_message", bot_id="B9"
        ),
        deliver.message("delete slide 2", user="U7", thread_ts=root_ts, bot_id="B7"),
        deliver.message("delete slide 2", user="U1", thread_ts=root_ts, subtype="message_changed"),
    ):
        assert (await deliver.event(event)).status == 200
    # A message the person writes after those is handled: so the ones before were ignored,
    # not merely slow.
    await deliver.event(deliver.message("status", user="U1", thread_ts=root_ts))
    await slack.wait_for(
        lambda: any("Version 1: done" in m.text for m in world.thread("C1", root_ts))
    )
    new = slack.calls[calls:]
    assert [c.method for c in new] == ["chat.postMessage"]
    assert len(await world.jobs()) == 1
    # Someone else who mentions deckcast in the thread is told, privately, whose deck it is.
    await deliver.event(
        deliver.message("<@UBOT> simpler", user="U2", thread_ts=root_ts, kind="app_mention")
    )
    [hint] = await slack.wait_for(lambda: slack.calls_of("chat.postEphemeral"))
    assert hint.args["user"] == "U2" and hint.args["thread_ts"] == root_ts
    assert "Only <@U1> can change this video" in hint.args["text"]
    assert len(await world.jobs()) == 1


async def test_a_retried_event_starts_one_job(world):
    slack, deliver = world.slack, world.deliver
    mention = deliver.message(
        f"<@UBOT> {fenced(OUTLINE)}", user="U1", channel="C1", kind="app_mention"
    )
    first = await deliver.event(mention, event_id="Ev0RETRY")
    again = await deliver.event(mention, event_id="Ev0RETRY", retry=1)
    third = await deliver.event(mention, event_id="Ev0RETRY", retry=2)
    assert first.status == again.status == third.status == 200
    await world.video_upload()
    await world.engine.queue.wait_idle()
    assert len(await world.jobs()) == 1
    started = [
        c for c in slack.calls_of("chat.postMessage") if "asked for a video" in c.args["text"]
    ]
    assert len(started) == 1 and started[0].args["thread_ts"] == mention["ts"]
    assert len([u for u in slack.completed_uploads() if u.filename.endswith(".mp4")]) == 1


async def left_running(world) -> tuple[str, JobRecord]:
    """What a previous process left: a deck whose render was running, linked to a thread
    (its root message, ``ts``, is also the status message)."""
    store = world.store
    root = await world.bot.handlers.web.post("C1", "<@U1> asked for a video")
    conversation = await store.create_conversation(
        platform="slack", owner="U1", workspace="T0001", title="Why the sea has tides"
    )
    await store.add_version(conversation.id, parse_outline(OUTLINE), "planned")
    job = await store.add_job(conversation.id, 1, owner="U1", workspace="T0001")
    assert await store.set_job_state(job.id, JobState.RUNNING, only_from=[JobState.QUEUED])
    thread = SlackThread("C1", root, "U1", "T0001", status_ts=root)
    await link(world.engine.links, thread, conversation.id)
    return root, job


async def test_a_render_cut_off_by_a_restart_is_delivered_to_its_thread(world):
    """What a previous process left: a deck whose render was running, linked to a thread."""
    slack, store = world.slack, world.store
    root, job = await left_running(world)

    [resumed] = await world.engine.recover()
    assert resumed.id == job.id
    upload = await world.video_upload()
    assert upload.channel == "C1" and upload.thread_ts == root
    await slack.wait_for(lambda: "finished after a restart" in slack.messages[("C1", root)].text)
    await world.engine.wait_idle()
    assert (await store.job(job.id)).state is JobState.DONE


async def test_a_video_uploaded_before_a_restart_is_not_uploaded_again(world):
    """The last process uploaded the video (the sink marked it posted) and stopped before the
    job was done: the next start finishes the status message and marks the job done."""
    slack, store = world.slack, world.store
    # A delivery marks its job's video as posted the moment Slack has the file.
    await world.deliver.command(fenced(OUTLINE), user="U2", channel="C2")
    await world.video_upload()
    await world.engine.wait_idle()
    [delivered] = await world.jobs()
    assert await store.linked(POSTED, f"posted:{delivered.id}") is not None

    root, job = await left_running(world)
    await store.link(POSTED, f"posted:{job.id}", job.conversation_id, {})

    [resumed] = await world.engine.recover()
    assert resumed.id == job.id
    await slack.wait_for(lambda: "finished after a restart" in slack.messages[("C1", root)].text)
    await world.engine.wait_idle()
    assert (await store.job(job.id)).state is JobState.DONE
    assert len([u for u in slack.completed_uploads() if u.filename.endswith(".mp4")]) == 1


async def test_the_engines_limits_apply_in_slack(world):
    """One deck rendering per person at a time: a second request waits its turn, politely."""
    slack, deliver = world.slack, world.deliver
    world.engine.renderer.render = slow_down(world.engine.renderer.render)
    await deliver.command(fenced(OUTLINE), user="U1", channel="C1")
    await slack.wait_for(lambda: slack.calls_of("chat.update"))  # the first is rendering
    ack = await deliver.command(fenced(OUTLINE), user="U1", channel="C2")
    # Refused privately, in the answer to the command: nothing is posted in C2.
    assert ack.status == 200 and ack.body.startswith(":warning:")  # bolt sends the text alone
    assert "already have a video" in ack.body
    assert not [c for c in slack.calls_of("chat.postMessage") if c.args["channel"] == "C2"]
    await world.video_upload()
    await world.engine.queue.wait_idle()
    assert len(await world.jobs()) == 1


def slow_down(render):
    async def slower(*args, **kwargs):
        await asyncio.sleep(0.5)
        return await render(*args, **kwargs)

    return slower
