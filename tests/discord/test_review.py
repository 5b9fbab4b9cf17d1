"""Review in the thread on Discord (the real discord.py client against the fake Discord): the
history with authors, compare and go back; the script-first gate (no picture before Render);
reviewers chosen with /deck share; ✅ reactions and the Approve button, counted once; all
across a restart."""

from __future__ import annotations

import asyncio

from bot.store import JobState
from tests.discord.harness import button, button_ids, running_bot
from tests.fakes.discord_server import EPHEMERAL

CALLBACK = r"/interactions/\d+/[^/]+/callback"


async def refusal(fake, interaction) -> dict:
    await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > interaction.sent_at)
    [answer] = interaction.callbacks
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    return answer["data"]


def bot_says(fake, channel_id, text):
    return [
        m
        for m in fake.messages_in(channel_id)
        if m["author"]["id"] == fake.app_id and text in m["content"]
    ]


async def test_history_compare_and_go_back_in_the_thread(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline()
        await h.video_message()
        thread = await h.thread()
        await fake.post(fake.alice, thread["id"], "theme dark")
        await h.video_message(thread["id"], version=2)

        compared = await fake.post(fake.alice, thread["id"], "compare 1 and 2")
        shown = await fake.wait_for_message(
            lambda m: m["channel_id"] == thread["id"] and "Version 1 → version 2:" in m["content"]
        )
        assert int(shown["id"]) > int(compared["id"])
        theme = "\nTheme: light (flat vector illustration, soft colours) → dark ("
        assert theme in shown["content"]
        assert "Unchanged: slide 1, 2, 3." in shown["content"]

        assert h.images.calls == 6  # a new theme style: new pictures
        await h.restart()
        await fake.post(fake.alice, thread["id"], "go back to version 1")
        back = await h.video_message(thread["id"], version=3)
        assert "(3 from cache)" in back["content"]  # version 1's slides, nothing drawn again
        assert h.images.calls == 6

        listed = await fake.slash(fake.bob, "history", channel_id=thread["id"])  # anyone may
        history = await fake.wait_for_message(
            lambda m: m["id"] == listed.original_id and "History of" in m["content"]
        )
        lines = history["content"].splitlines()
        assert lines[0] == (
            "History of “Why the tides turn” — 3 version(s); ▶ marks the current one:"
        )
        assert lines[1].startswith(f"• v1 · <@{fake.alice}> · planned · ")
        assert lines[2].startswith(f"• v2 · <@{fake.alice}> · ") and "dark" in lines[2]
        assert lines[3].startswith(f"▶ v3 · <@{fake.alice}> · back to version 1 (planned) · ")
        conversation_id, _ = await h.store.linked("discord", f"thread:{thread['id']}")
        versions = await h.store.versions(conversation_id)
        assert [(v.number, v.parent) for v in versions] == [(1, None), (2, 1), (3, 2)]


async def test_the_script_first_gate_makes_no_picture_before_render(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline(review=True)
        script = await fake.wait_for_message(
            lambda m: "the script, for review" in m["content"], within=8
        )
        assert "1. Why the tides turn" in script["content"]
        assert "   • Gravity reaches across space" in script["content"]
        assert "   🗣 The moon's gravity pulls the ocean toward it" in script["content"]
        assert [b.split(":")[1] for b in button_ids(script)] == ["start", "change"]
        thread = await h.thread()
        assert thread["id"] == script["id"]  # the review happens in a thread on the script

        await fake.post(fake.alice, thread["id"], "delete slide 3")
        second = await fake.wait_for_message(
            lambda m: m["channel_id"] == thread["id"] and "version 2 — the script" in m["content"]
        )
        assert "Two bulges" not in second["content"]
        await asyncio.sleep(0.3)
        assert h.images.calls == 0  # text only, so far
        assert await h.store.jobs_in(list(JobState)) == []

        await h.restart()
        refused = await fake.click(fake.bob, second, button(second, "start"))
        assert f"<@{fake.alice}>" in (await refusal(fake, refused))["content"]
        assert h.images.calls == 0
        await fake.click(fake.alice, second, button(second, "start"))
        video = await h.video_message(thread["id"], version=2)
        assert h.images.calls == 2  # the pictures start with Render
        assert "approve" in {b.split(":")[1] for b in button_ids(video)}


async def test_reviewers_revise_and_approve_once(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline()
        first = await h.video_message()
        thread = await h.thread()

        stranger = await fake.click(fake.dave, first, button(first, "pictures"))
        told = (await refusal(fake, stranger))["content"]
        assert f"Only <@{fake.alice}>, who asked for this video" in told

        not_hers = await fake.slash(
            fake.bob, "share", channel_id=thread["id"], users={"user": fake.dave}
        )
        assert "choose who reviews it" in (await refusal(fake, not_hers))["content"]
        shared = await fake.slash(
            fake.alice, "share", channel_id=thread["id"], users={"user": fake.bob}
        )
        await fake.wait_for_message(
            lambda m: m["id"] == shared.original_id and "may now revise" in m["content"]
        )

        await fake.post(fake.dave, thread["id"], "delete slide 1")  # not a reviewer: ignored
        await fake.post(fake.bob, thread["id"], "delete slide 3")
        second = await h.video_message(thread["id"], version=2)
        conversation_id, _ = await h.store.linked("discord", f"thread:{thread['id']}")
        record = await h.store.version(conversation_id, 2)
        assert record.author == fake.bob and len(record.deck.slides) == 2
        assert "approve" in {b.split(":")[1] for b in button_ids(second)}

        stranger = await fake.click(fake.dave, second, button(second, "pictures"))
        told = (await refusal(fake, stranger))["content"]
        assert f"and the reviewers they chose (<@{fake.bob}>)" in told

        # bob's ✅, delivered twice, and dave's (not a reviewer): one approval, noted once.
        assert await fake.react(fake.bob, second)
        await fake.react(fake.bob, second)
        await fake.react(fake.dave, second)
        marked = await fake.wait_for_message(
            lambda m: m["id"] == second["id"] and "✅ Approved by" in m["content"]
        )
        assert marked["content"].endswith(f"✅ Approved by <@{fake.bob}>")
        assert marked["attachments"]  # the video stays
        await asyncio.sleep(0.5)
        assert len(bot_says(fake, thread["id"], "approved by")) == 1
        assert (await h.store.version(conversation_id, 2)).approved_by == (fake.bob,)

        await h.restart()
        await fake.click(fake.bob, second, button(second, "approve"))  # bob again: nothing new
        await fake.click(fake.alice, second, button(second, "approve"))
        await fake.wait_for_message(
            lambda m: (
                m["id"] == second["id"]
                and m["content"].endswith(f"✅ Approved by <@{fake.bob}>, <@{fake.alice}>")
            )
        )
        await asyncio.sleep(0.5)
        assert len(bot_says(fake, thread["id"], "approved by")) == 2
        assert (await h.store.version(conversation_id, 2)).approved_by == (fake.bob, fake.alice)

        # A later revision is a new version, not approved.
        await fake.post(fake.alice, thread["id"], "theme dark")
        third = await h.video_message(thread["id"], version=3)
        assert "Approved" not in third["content"]
        assert (await h.store.version(conversation_id, 3)).approved_by == ()


async def test_an_admin_makes_script_review_the_rule_for_the_server(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        member = fake.add_member("dave", permissions=(1 << 10) | (1 << 11))  # view, send
        refused = await fake.slash(member, "settings", review=True)
        assert "Only an admin" in (await refusal(fake, refused))["content"]

        chosen = await fake.slash(fake.carol, "settings", review=True)  # the admin role
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > chosen.sent_at)
        [answer] = chosen.callbacks
        assert not answer["data"].get("flags", 0) & EPHEMERAL  # the channel sees the rule
        assert "script for review first" in answer["data"]["content"]

        await h.restart()  # the rule is kept in the store
        await h.create_from_outline()  # no review: option: the server's rule applies
        await fake.wait_for_message(lambda m: "the script, for review" in m["content"], within=8)
        await asyncio.sleep(0.3)
        assert h.images.calls == 0 and await h.store.jobs_in(list(JobState)) == []

        await fake.slash(fake.bob, "settings", review=False)  # may manage the server
        await fake.wait_for_message(lambda m: "straight to the video" in m["content"], within=8)
        await h.create_from_outline(fake.bob)
        await h.video_message()
