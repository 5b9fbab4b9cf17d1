"""The Discord bot end to end: the real discord.py client against a fake Discord (REST and
gateway over sockets, tests/fakes/discord_server.py), the real engine, store, renderer and
ffmpeg. Uploaded videos are probed from the bytes the fake received."""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
from dataclasses import replace

import pytest
from pptx import Presentation

from bot.store import JobState
from deck import Aspect, Motion, parse_outline
from tests.discord.harness import (
    OUTLINE,
    TEST_CONFIG,
    GatedImages,
    button,
    button_ids,
    probe_bytes,
    running_bot,
    video_of,
)
from tests.fakes.discord_server import EPHEMERAL, MESSAGE_CONTENT_INTENT
from tests.fakes.openai_chat import edits_reply, plan_reply

ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"
FOLLOWUP = r"/webhooks/\d+/[^/]+"
CALLBACK = r"/interactions/\d+/[^/]+/callback"
TOKEN = "test-bot-token"


def status_edits(fake, pattern=ORIGINAL):
    return [c for c in fake.calls_to("PATCH", pattern) if c.status == 200]


async def settled(fake, message_id, *, within=15):
    """The status message once its final state (no more buttons) is shown."""
    return await fake.wait_for_message(
        lambda m: m["id"] == message_id and not m["components"] and "⏳" not in m["content"],
        within=within,
    )


async def test_create_from_an_outline(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    async with running_bot(tmp_path) as h:
        fake = h.fake
        assert fake.identifies[-1]["intents"] & MESSAGE_CONTENT_INTENT
        assert [c["name"] for c in fake.commands["global"]] == ["deck"]
        interaction = await h.create_from_outline()
        video = await h.video_message()

        # Acknowledged at once with a deferred ("thinking") reply.
        callback = fake.calls_to("POST", CALLBACK)[0]
        assert interaction.callbacks[0]["type"] == 5
        assert callback.at - interaction.sent_at < 1.0

        # One status message, edited in place, throttled, showing progress and the storyboard.
        status = await settled(fake, interaction.original_id)
        edits = status_edits(fake)
        assert len(edits) >= 3
        gaps = [b.at - a.at for a, b in itertools.pairwise(edits)]
        assert min(gaps) >= h.config.edit_interval - 0.05, gaps
        contents = [e.json.get("content", "") for e in edits if e.json]
        assert any("slide" in c and "%`" in c and "█" in c for c in contents), contents
        storyboard = next(e for e in edits if e.files)
        assert storyboard.files[0].data.startswith(b"\x89PNG")
        assert storyboard.files[0].filename.endswith("storyboard.png")
        video_post = next(c for c in fake.calls_to("POST", FOLLOWUP) if c.files)
        assert storyboard.at < video_post.at
        assert "✅" in status["content"] and "Why the tides turn" in status["content"]
        assert status["attachments"][0]["filename"].endswith("storyboard.png")

        # The video: a multipart upload of a playable MP4.
        assert video_post.query.get("wait") in ("1", "true")
        assert video_post.files[0].filename == "why-the-tides-turn-v1.mp4"
        result, clean, errors = probe_bytes(video_of(fake, video))
        assert clean, errors
        assert result.stream("video").codec == "h264"
        assert result.stream("audio").codec == "aac"
        assert result.pixel_format == "yuv420p"
        assert result.faststart
        assert result.video_size == (640, 360)
        assert result.duration > 3
        # The engine's result buttons, the same on every platform (no undo on version 1).
        assert {b.split(":")[1] for b in button_ids(video)} == {
            "revise",
            "pictures",
            "vertical",
            "export",
            "still",  # the title slide's picture moves (motion: gentle)
        }

        # A thread on the video, linked to the conversation in the store.
        thread = await h.thread()
        assert thread["id"] == video["id"]
        intro = await fake.wait_for_message(lambda m: m["channel_id"] == thread["id"])
        assert f"<@{fake.alice}>" in intro["content"]
        conversation_id, _data = await h.store.linked("discord", f"thread:{thread['id']}")
        conversation = await h.store.conversation(conversation_id)
        assert conversation.owner == fake.alice
        assert conversation.workspace == fake.guild_id

    # The token never shows up: not in logs, not in anything sent to Discord.
    assert TOKEN not in caplog.text
    assert all(TOKEN not in str(c.json) for c in fake.calls)
    assert all(c.authorization == f"Bot {TOKEN}" for c in fake.calls if c.path == "/users/@me")


async def test_a_thread_message_revises_only_the_changed_slides(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline()
        await h.video_message()
        thread = await h.thread()
        assert h.images.calls == 3

        await fake.post(fake.bob, thread["id"], "delete slide 1")  # not the requester: ignored
        await fake.post(fake.alice, thread["id"], "new picture for slide 2")
        video = await h.video_message(thread["id"], version=2)

        assert h.images.calls == 4  # one new picture, the rest from the cache
        assert "3 slides (2 from cache)" in video["content"]
        result, clean, _ = probe_bytes(video_of(fake, video))
        assert clean and result.stream("video").codec == "h264"
        conversation_id, _ = await h.store.linked("discord", f"thread:{thread['id']}")
        deck, version = await h.engine.current(conversation_id)
        assert (version, len(deck.slides)) == (2, 3)  # bob's "delete slide 1" did nothing
        bot_messages = [
            m for m in fake.messages_in(thread["id"]) if m["author"]["id"] == fake.app_id
        ]
        assert not any("bob" in m["content"] for m in bot_messages)
        status = next(m for m in bot_messages if "Version 2" in m["content"])
        assert "new picture" in status["content"]


async def test_free_text_request_and_revision_through_the_model(tmp_path, fake_openai):
    from agent import Planner, Reviser
    from deck import EditSlide
    from tests.agent_helpers import chat_model

    model = chat_model(fake_openai)
    planned = parse_outline(OUTLINE)
    simpler = EditSlide(slide=2, bullets=["The moon pulls the sea", "The sea bulges"])
    fake_openai.script(plan_reply(planned), edits_reply([simpler], "simpler bullets on slide 2"))
    async with running_bot(
        tmp_path, planner=Planner(model, backoff=0.01), reviser=Reviser(model, backoff=0.01)
    ) as h:
        fake = h.fake
        await fake.slash(fake.alice, "create", request="why do tides happen", slides=3)
        await h.video_message()
        thread = await h.thread()
        await fake.post(fake.alice, thread["id"], "make slide 2 easier to read")
        video = await h.video_message(thread["id"], version=2)

        plan, revise = fake_openai.completions
        assert "why do tides happen" in plan.user_text
        assert "Make exactly 3 slides." in plan.prompt_text  # the slides: option
        assert "make slide 2 easier to read" in revise.user_text
        assert "3 slides (2 from cache)" in video["content"]
        status = next(m for m in fake.messages_in(thread["id"]) if "Version 2" in m["content"])
        assert "simpler bullets on slide 2" in status["content"]
        assert all("test-key" not in str(c.json) for c in fake.calls)


@pytest.mark.slow
async def test_buttons(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline()
        first = await h.video_message()
        thread = await h.thread()

        # Someone else's click: an ephemeral explanation, nothing changes.
        refused = await fake.click(fake.bob, first, button(first, "pictures"))
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > refused.sent_at)
        answer = refused.callbacks[0]
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert f"<@{fake.alice}>" in answer["data"]["content"]

        # An admin (role named in the settings) may: new pictures for every slide.
        clicked = await fake.click(fake.carol, first, button(first, "pictures"))
        v2 = await h.video_message(thread["id"], version=2)
        assert clicked.callbacks[0]["type"] == 6  # acknowledged without a visible reply
        assert h.images.calls == 6

        # Undo: version 1 again, every slide from the cache.
        await fake.click(fake.alice, v2, button(v2, "undo"))
        undone = await fake.wait_for_message(
            lambda m: (
                m["channel_id"] == thread["id"]
                and "version 1 ·" in m["content"]
                and m["attachments"]
            )
        )
        assert "(3 from cache)" in undone["content"]
        assert h.images.calls == 6

        # Vertical 9:16: the next video is portrait, and offers widescreen back. A change
        # after an undo gets a new number: version 2 (and its v2.mp4) stays as it was.
        await fake.click(fake.alice, undone, button(undone, "vertical"))
        tall = await h.video_message(thread["id"], version=3, newer_than=undone["id"])
        result, clean, _ = probe_bytes(video_of(fake, tall))
        width, height = result.video_size
        assert clean and height > width
        assert any(i.startswith("deckcast:wide:") for i in button_ids(tall))

        # Revise: a modal; its answer is a revision like any other.
        opened = await fake.click(fake.alice, tall, button(tall, "revise"))
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > opened.sent_at)
        modal = opened.callbacks[0]
        assert modal["type"] == 9
        await fake.submit_modal(fake.alice, opened, {"instruction": "theme dark"})
        v4 = await h.video_message(thread["id"], version=4, newer_than=tall["id"])
        conversation_id, _ = await h.store.linked("discord", f"thread:{thread['id']}")
        deck, _ = await h.engine.current(conversation_id)
        assert deck.theme.name == "dark" and deck.aspect is Aspect.TALL
        assert v4["attachments"][0]["filename"].endswith("-v4.mp4")


async def test_the_motion_switch_under_a_video(tmp_path):
    """Still pictures: a new version whose pictures stand still; only the slide whose
    picture moved is encoded again, and its card offers motion back."""
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline()
        video = await h.video_message()
        thread = await h.thread()
        await fake.click(fake.alice, video, button(video, "still"))
        still = await h.video_message(thread["id"], version=2, newer_than=video["id"])
        assert "(2 from cache)" in still["content"]  # the title slide alone moved
        assert any(i.startswith("deckcast:motion:") for i in button_ids(still))
        conversation_id, _ = await h.store.linked("discord", f"thread:{thread['id']}")
        deck, _ = await h.engine.current(conversation_id)
        assert deck.motion is Motion.NONE and h.images.calls == 3  # no picture made again

        await fake.click(fake.bob, still, button(still, "motion"))  # a stranger: refused
        await asyncio.sleep(0.3)
        assert (await h.engine.current(conversation_id))[0].motion is Motion.NONE


async def test_cancel_while_rendering_and_while_queued(tmp_path):
    images = GatedImages()
    async with running_bot(tmp_path, images) as h:
        fake = h.fake
        first = await h.create_from_outline()
        await images.wait_entered()
        status = await fake.wait_for_message(
            lambda m: m["id"] == first.original_id and button_ids(m)
        )
        queued = await h.create_from_outline(fake.bob)
        waiting = await fake.wait_for_message(
            lambda m: m["id"] == queued.original_id and "Waiting to render" in m["content"]
        )
        assert "number 1 in the queue" in waiting["content"]

        # bob may not cancel alice's render.
        refused = await fake.click(fake.bob, status, button(status, "cancel"))
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > refused.sent_at)
        assert refused.callbacks[0]["data"]["flags"] & EPHEMERAL

        # bob cancels his queued render; alice cancels hers while it renders.
        await fake.click(fake.bob, waiting, button(waiting, "cancel"))
        cancelled = await fake.wait_for_message(
            lambda m: m["id"] == queued.original_id and "Cancelled by" in m["content"]
        )
        assert not cancelled["components"]
        await fake.click(fake.alice, status, button(status, "cancel"))
        await fake.wait_for_message(
            lambda m: m["id"] == first.original_id and "Cancelled by" in m["content"]
        )
        images.gate.set()
        await h.engine.queue.wait_idle()
        jobs = await h.store.jobs_in(list(JobState))
        assert sorted(j.state for j in jobs) == [JobState.CANCELLED, JobState.CANCELLED]
        await asyncio.sleep(0.5)
        videos = [m for m in fake.messages.values() if "version 1 ·" in m["content"]]
        assert not videos


async def test_queue_limits_refuse_with_a_friendly_message(tmp_path):
    from bot.engine import JobLimits

    images = GatedImages()
    async with running_bot(tmp_path, images, limits=JobLimits(per_workspace=1)) as h:
        fake = h.fake
        await h.create_from_outline()
        await images.wait_entered()

        # Refusals are private (an ephemeral answer), and nothing is posted in the channel.
        busy = await h.create_from_outline()  # alice again: one render per person
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > busy.sent_at)
        [answer] = busy.callbacks
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert "already have a video in the works" in answer["data"]["content"]

        full = await h.create_from_outline(fake.bob)  # bob: the guild's queue is full
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > full.sent_at)
        [answer] = full.callbacks
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        text = answer["data"]["content"]
        assert "queue is full" in text and "try again in about" in text
        refusals = ("in the works", "queue is full")
        public = [
            m
            for m in fake.messages.values()
            if any(r in m["content"] for r in refusals) and not m.get("flags", 0) & EPHEMERAL
        ]
        assert public == []
        assert len(await h.store.jobs_in(list(JobState))) == 1


async def test_a_429_on_an_edit_is_honoured(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        fake.rate_limit("PATCH", ORIGINAL, retry_after=0.6, times=1)
        fake.rate_limit("POST", FOLLOWUP, retry_after=0.3, times=1)
        interaction = await h.create_from_outline()
        video = await h.video_message()
        await settled(fake, interaction.original_id)

        edits = fake.calls_to("PATCH", ORIGINAL)
        assert edits[0].status == 429
        assert edits[1].status == 200 and edits[1].at - edits[0].at >= 0.6
        posts = [c for c in fake.calls_to("POST", FOLLOWUP) if c.files]
        assert [c.status for c in posts] == [429, 200]
        assert posts[1].files[0].data == posts[0].files[0].data  # the upload was sent again
        _, clean, _ = probe_bytes(video_of(fake, video))
        assert clean


@pytest.mark.slow
async def test_a_video_over_the_upload_limit_is_made_smaller(tmp_path):
    from render import RenderOptions

    options = RenderOptions(resolution=1080, fps=1, default_voice="espeak")
    async with running_bot(tmp_path, render=options) as h:
        fake = h.fake
        deck = parse_outline(OUTLINE)
        full = await h.renderer.render(deck, tmp_path / "full.mp4", options)
        fake.attachment_size_limit = int(full.size_bytes * 0.8)

        interaction = await h.create_from_outline()
        video = await h.video_message(within=90)
        upload = next(c for c in fake.calls_to("POST", FOLLOWUP) if c.files)
        data = upload.files[0].data
        assert len(data) <= fake.attachment_size_limit < full.size_bytes
        result, clean, errors = probe_bytes(data)
        assert clean, errors
        assert result.video_size[1] <= 720 and result.stream("audio").codec == "aac"
        assert abs(result.duration - full.duration) < 0.5
        assert "smaller copy" in video["content"]
        status = await settled(fake, interaction.original_id)
        assert "upload limit" in status["content"]
        assert not [c for c in fake.calls if c.status == 413]


@pytest.mark.slow
async def test_a_video_that_cannot_fit_posts_the_storyboard(tmp_path):
    from bot.engine.fitting import FIT_STEPS, fit_options
    from render import RenderOptions

    options = RenderOptions(resolution=1080, fps=1, default_voice="espeak")
    async with running_bot(tmp_path, render=options) as h:
        fake = h.fake
        full = await h.renderer.render(parse_outline(OUTLINE), tmp_path / "full.mp4", options)
        limit = full.storyboard.stat().st_size + 1024  # room for the storyboard, not a video
        side, share = FIT_STEPS[0]
        assert fit_options(options, full.duration, limit * share, side) is None
        fake.attachment_size_limit = limit

        interaction = await h.create_from_outline()
        note = await fake.wait_for_message(lambda m: "too big" in m["content"], within=60)
        assert note["attachments"][0]["filename"].endswith("storyboard.png")
        assert "ask whoever runs the bot" in note["content"]
        status = await settled(fake, interaction.original_id)
        assert "upload limit" in status["content"] and "see below" in status["content"]
        assert not [c for c in fake.calls if c.status == 413]


async def test_a_failed_render_is_told_in_the_same_message_and_can_be_fixed(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        broken = OUTLINE.replace("title: Why", "voice: robot\ntitle: Why")
        interaction = await h.create_from_outline(outline=broken)
        failed = await fake.wait_for_message(
            lambda m: m["id"] == interaction.original_id and "⚠️" in m["content"]
        )
        assert "robot" in failed["content"] and "try again" in failed["content"]
        assert not failed["components"]
        thread = await h.thread()
        assert thread["id"] == interaction.original_id  # opened on the status message
        await fake.post(fake.alice, thread["id"], "voice silent")
        video = await h.video_message(thread["id"], version=2)
        _, clean, _ = probe_bytes(video_of(fake, video))
        assert clean


async def test_a_video_discord_refuses_is_told_and_can_be_posted_again(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        fake.fail("POST", FOLLOWUP, status=403)  # e.g. the bot may not attach files there
        interaction = await h.create_from_outline()
        failed = await fake.wait_for_message(
            lambda m: m["id"] == interaction.original_id and "⚠️" in m["content"]
        )
        assert "could not be posted here" in failed["content"]
        assert "Missing Permissions" in failed["content"]
        thread = await h.thread()
        await fake.post(fake.alice, thread["id"], "render")
        video = await h.video_message(thread["id"])
        assert "(3 from cache)" in video["content"]


async def test_restart_between_request_and_revision(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        await h.create_from_outline()
        await h.video_message()
        thread = await h.thread()
        await fake.wait_for_message(lambda m: m["channel_id"] == thread["id"])

        await h.restart()
        assert len(fake.identifies) == 2
        await fake.post(fake.alice, thread["id"], "theme dark")
        video = await h.video_message(thread["id"], version=2)
        assert "(0 from cache)" not in video["content"]
        _, clean, _ = probe_bytes(video_of(fake, video))
        assert clean


@pytest.mark.slow
async def test_a_render_cut_off_by_a_restart_resumes(tmp_path):
    images = GatedImages()
    async with running_bot(tmp_path, images) as h:
        await h.create_from_outline()
        await images.wait_entered()
        await h.stop()  # mid-render
        assert len(await h.store_jobs(JobState.RUNNING)) == 1
        images.gate.set()

        await h.start()
        video = await h.video_message()
        assert "resumed after a restart" in video["content"]
        thread = await h.thread()
        assert thread["id"] == video["id"]
        await h.engine.wait_idle()  # delivery is part of the job: done once posted
        assert [j.state for j in await h.store.jobs_in(list(JobState))] == [JobState.DONE]


async def test_duplicate_deliveries_start_one_job(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        interaction = await h.create_from_outline()
        await fake.send_interaction(interaction)  # the gateway delivers it again
        await h.video_message()
        thread = await h.thread()
        message = await fake.post(fake.alice, thread["id"], "theme dark")
        await fake.redeliver_message(message)
        await h.video_message(thread["id"], version=2)
        await h.engine.queue.wait_idle()
        await asyncio.sleep(0.3)
        jobs = await h.store.jobs_in(list(JobState))
        assert len(jobs) == 2
        assert len(interaction.callbacks) == 1
        assert len([c for c in fake.calls_to("POST", CALLBACK)]) == 1


@pytest.mark.slow
@pytest.mark.parametrize("how", ["discord refuses the token", "the bot knows it is too old"])
async def test_the_interaction_token_expiring_moves_to_channel_apis(tmp_path, how):
    images = GatedImages()
    lifetime = 0.0 if how == "the bot knows it is too old" else TEST_CONFIG.token_lifetime
    config = replace(TEST_CONFIG, token_lifetime=lifetime)
    async with running_bot(tmp_path, images, config=config) as h:
        fake = h.fake
        interaction = await h.create_from_outline()
        await images.wait_entered()
        fake.expire(interaction)  # as 15 minutes after the command
        images.gate.set()
        video = await h.video_message()
        channel_edit = rf"/channels/{fake.channel_id}/messages/{interaction.original_id}"
        await fake.wait_for_call(lambda c: c.matches("PATCH", channel_edit) and c.status == 200)
        post = next(c for c in fake.calls_to("POST", rf"/channels/{fake.channel_id}/messages"))
        assert post.files and post.files[0].filename.endswith(".mp4")
        assert "webhook_id" not in video  # posted by the bot itself, not the interaction
        await settled(fake, interaction.original_id)
        assert await h.thread()


async def test_slash_commands_in_and_out_of_the_thread(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        helped = await fake.slash(fake.bob, "help")
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > helped.sent_at)
        assert helped.callbacks[0]["data"]["flags"] & EPHEMERAL
        assert "/deck create" in helped.callbacks[0]["data"]["content"]

        outside = await fake.slash(fake.alice, "revise", instruction="theme dark")
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > outside.sent_at)
        assert "inside the thread" in outside.callbacks[0]["data"]["content"]

        # A bad outline is refused privately, before anything is posted in the channel.
        pdf = await fake.slash(fake.alice, "create", attachment=("notes.pdf", b"%PDF-1.7"))
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > pdf.sent_at)
        [answer] = pdf.callbacks
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert "'notes.pdf' is not a Markdown outline" in answer["data"]["content"]

        await h.create_from_outline()
        await h.video_message()
        thread = await h.thread()

        script = await fake.slash(fake.bob, "script", channel_id=thread["id"])
        message = await fake.wait_for_message(
            lambda m: m["id"] == script.original_id and m["attachments"]
        )
        markdown = fake.file(message["attachments"][0]).decode()
        assert [s.title for s in parse_outline(markdown).slides] == [
            s.title for s in parse_outline(OUTLINE).slides
        ]

        # Anyone in the thread may take the deck as PowerPoint and PDF.
        export = await fake.slash(fake.bob, "export", channel_id=thread["id"])
        message = await fake.wait_for_message(
            lambda m: m["id"] == export.original_id and len(m["attachments"]) == 2, within=60
        )
        names = sorted(a["filename"] for a in message["attachments"])
        assert names[0].endswith("-v1.pdf") and names[1].endswith("-v1.pptx")
        pdf_bytes = fake.file(
            next(a for a in message["attachments"] if a["filename"].endswith(".pdf"))
        )
        assert pdf_bytes.startswith(b"%PDF")
        pptx_bytes = fake.file(
            next(a for a in message["attachments"] if a["filename"].endswith(".pptx"))
        )
        assert len(Presentation(io.BytesIO(pptx_bytes)).slides) == len(
            parse_outline(OUTLINE).slides
        )

        not_bobs = await fake.slash(fake.bob, "revise", channel_id=thread["id"], instruction="x")
        await fake.wait_for_call(lambda c: c.matches("POST", CALLBACK) and c.at > not_bobs.sent_at)
        assert not_bobs.callbacks[0]["data"]["flags"] & EPHEMERAL

        revised = await fake.slash(
            fake.alice, "revise", channel_id=thread["id"], instruction="swap slides 2 and 3"
        )
        video = await h.video_message(thread["id"], version=2)
        assert video["attachments"]
        status = await settled(fake, revised.original_id)
        assert "Version 2" in status["content"]


async def test_a_development_guild_gets_the_commands_at_once(tmp_path):
    async with running_bot(tmp_path) as h:
        assert list(h.fake.commands) == ["global"]
        h.config = replace(TEST_CONFIG, dev_guild_id=int(h.fake.guild_id))
        await h.restart()
        assert [c["name"] for c in h.fake.commands[h.fake.guild_id]] == ["deck"]
        assert h.fake.calls_to("PUT", rf"/applications/\d+/guilds/{h.fake.guild_id}/commands")
