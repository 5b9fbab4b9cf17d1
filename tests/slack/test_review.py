"""Review in the thread on Slack (the real bolt app over HTTP, the fake Web API): history with
authors, compare and go back; the script-first gate (no picture before Render); reviewers
chosen with "share with @…"; ✅ reactions and the Approve button, counted once; across a
restart of the bot."""

from __future__ import annotations

import asyncio
import contextlib

from bot.slack import blocks

from .conftest import OUTLINE, open_world
from .test_flow import _actions, fenced, start_deck


@contextlib.asynccontextmanager
async def restarted(world, renderer):
    """The bot again, after a restart: a new store, engine and app on the same database, the
    same Slack (the old app gets nothing more: Slack now delivers to the new one)."""
    await world.engine.wait_idle()
    async with open_world(world.tmp, renderer, slack=world.slack, deliver=world.deliver) as again:
        yield again


async def reply(world, text, *, user, thread_ts, **extra):
    event = world.deliver.message(text, user=user, thread_ts=thread_ts, **extra)
    await world.deliver.event(event)
    return event


def said(world, root_ts, text):
    return [m for m in world.thread("C1", root_ts) if text in m.text]


def cards(world, root_ts):
    return [m for m in world.thread("C1", root_ts) if _actions(m)]


def button_of(message, action_id):
    return next(e["value"] for e in _actions(message) if e["action_id"] == action_id)


async def root_post(slack):
    """The message that starts the thread (the first post outside any thread). The script may
    follow it into the thread before a wait sees either, so the posts are not counted."""

    def roots():
        return [c for c in slack.calls_of("chat.postMessage") if not c.args.get("thread_ts")]

    return (await slack.wait_for(roots))[0]


def ephemerals(slack, user):
    return [c for c in slack.calls_of("chat.postEphemeral") if c.args["user"] == user]


async def test_history_compare_and_go_back_survive_a_restart(world, renderer):
    slack = world.slack
    root_ts = await start_deck(world)
    await reply(world, "theme dark", user="U1", thread_ts=root_ts)
    await world.video_upload(2)
    await reply(world, "compare 1 and 2", user="U1", thread_ts=root_ts)
    [compared] = await slack.wait_for(lambda: said(world, root_ts, "Version 1 → version 2:"))
    assert "\nTheme: light (flat vector illustration, soft colours) → dark (" in compared.text

    async with restarted(world, renderer) as again:
        await reply(again, "go back to version 1", user="U1", thread_ts=root_ts)
        back = await again.video_upload(3)
        assert back.filename.endswith("-v3.mp4")
        # a stranger may ask what changes nothing, by mentioning the bot
        await reply(again, "<@UBOT> history", user="U3", thread_ts=root_ts, kind="app_mention")
        [history] = await slack.wait_for(lambda: said(again, root_ts, "History of"))
        lines = history.text.splitlines()
        assert (
            lines[0]
            == "History of “Why the sea has tides” — 3 version(s); ▶ marks the current one:"
        )
        assert lines[1].startswith("• v1 · <@U1> · planned · ")  # a mention, not escaped
        assert lines[3].startswith("▶ v3 · <@U1> · back to version 1 (planned) · ")
        conversation_id = (await again.jobs())[0].conversation_id
        versions = await again.store.versions(conversation_id)
        assert versions[2].deck == versions[0].deck and versions[2].parent == 2


async def test_the_script_waits_for_render(world, images):
    slack, deliver = world.slack, world.deliver
    await deliver.command("review:true " + fenced(OUTLINE), user="U1", channel="C1")
    posted = await root_post(slack)  # after the ack
    root_ts = posted.result["ts"]
    [script] = await slack.wait_for(lambda: said(world, root_ts, "the script, for review"))
    assert "1. Why the sea has tides" in script.text
    assert "   🗣 The moon's gravity pulls hardest" in script.text
    assert [e["action_id"] for e in _actions(script)] == [blocks.START, blocks.CHANGE]
    await slack.wait_for(lambda: "for review" in slack.messages[("C1", root_ts)].text)
    for _ in range(500):  # the thread is linked once the request is answered
        if await world.store.linked("slack", f"C1:{root_ts}"):
            break
        await asyncio.sleep(0.01)

    await reply(world, "delete slide 3", user="U1", thread_ts=root_ts)
    [second] = await slack.wait_for(lambda: said(world, root_ts, "version 2: the script"))
    assert "Two bulges" not in second.text
    await asyncio.sleep(0.2)
    assert images.calls == 0 and await world.jobs() == []  # text only, so far

    await deliver.action(blocks.START, button_of(second, blocks.START), user="U2")
    [refused] = await slack.wait_for(lambda: ephemerals(slack, "U2"))
    assert "Only <@U1> can change this video" in refused.args["text"]
    await deliver.action(blocks.START, button_of(second, blocks.START), user="U1")
    video = await world.video_upload(1)
    assert video.filename.endswith("-v2.mp4")
    assert images.calls == 2  # the pictures start with Render


async def test_reviewers_revise_and_approve_once(world, renderer):
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)

    await reply(world, "slide 2: make it shorter", user="U3", thread_ts=root_ts)
    [refused] = await slack.wait_for(lambda: ephemerals(slack, "U3"))
    assert refused.args["text"] == "Only <@U1> can change this video; start your own with /deck."

    await reply(world, "share with <@U2>", user="U1", thread_ts=root_ts)
    await slack.wait_for(lambda: said(world, root_ts, "<@U2> may now revise and approve"))
    await reply(world, "delete slide 1", user="U3", thread_ts=root_ts)  # chatter: ignored
    await reply(world, "delete slide 3", user="U2", thread_ts=root_ts)
    await world.video_upload(2)
    conversation_id = (await world.jobs())[0].conversation_id
    record = await world.store.version(conversation_id, 2)
    assert record.author == "U2" and len(record.deck.slides) == 2
    await reply(world, "approve", user="U3", thread_ts=root_ts)
    await slack.wait_for(lambda: len(ephemerals(slack, "U3")) == 2)
    assert "and the reviewers they chose (<@U2>)" in ephemerals(slack, "U3")[1].args["text"]

    await slack.wait_for(lambda: len(cards(world, root_ts)) == 2)
    card = cards(world, root_ts)[1]
    assert blocks.APPROVE in {e["action_id"] for e in _actions(card)}
    tick = {
        "type": "reaction_added",
        "user": "U2",
        "reaction": "white_check_mark",
        "item": {"type": "message", "channel": "C1", "ts": card.ts},
        "item_user": "UBOT",
        "event_ts": "1710000099.000001",
    }
    await deliver.event(tick, event_id="EvTick1")
    await deliver.event(tick, event_id="EvTick1", retry=1)  # Slack re-sends it
    await deliver.event(tick, event_id="EvTick2")  # removed and added again
    await deliver.event({**tick, "user": "U3"}, event_id="EvTick3")  # not a reviewer
    await slack.wait_for(lambda: "Approved by <@U2>" in str(slack.messages[("C1", card.ts)].blocks))
    await asyncio.sleep(0.3)
    assert len(said(world, root_ts, "approved by")) == 1
    assert (await world.store.version(conversation_id, 2)).approved_by == ("U2",)

    async with restarted(world, renderer) as again:
        await again.deliver.action(blocks.APPROVE, button_of(card, blocks.APPROVE), user="U1")
        await slack.wait_for(
            lambda: "Approved by <@U2>, <@U1>" in str(slack.messages[("C1", card.ts)].blocks)
        )
        assert len(said(again, root_ts, "approved by")) == 2
        await reply(again, "theme dark", user="U1", thread_ts=root_ts)
        await again.video_upload(3)
        assert (await again.store.version(conversation_id, 3)).approved_by == ()
        assert (await again.store.version(conversation_id, 2)).approved_by == ("U2", "U1")


async def test_an_admin_makes_script_review_the_rule_for_the_workspace(world, images):
    slack, deliver = world.slack, world.deliver
    world.bot.handlers.admins = frozenset({"UADMIN"})
    refused = await deliver.command("settings review:script", user="U2", channel="C1")
    assert "Only a deckcast admin" in refused.body  # told privately, in the ack

    chosen = await deliver.command(
        "settings review:script", user="UADMIN", channel="C1", response_url=slack.response_url()
    )
    assert chosen.status == 200
    [response] = await slack.wait_for(lambda: slack.responses)
    assert response["response_type"] == "in_channel"  # the channel sees the rule
    assert "script for review first" in response["text"]

    await deliver.command(fenced(OUTLINE), user="U1", channel="C1")  # no review:true
    posted = await root_post(slack)
    root_ts = posted.result["ts"]
    await slack.wait_for(lambda: said(world, root_ts, "the script, for review"))
    await asyncio.sleep(0.2)
    assert images.calls == 0 and await world.jobs() == []
