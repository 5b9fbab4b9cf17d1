"""Discord's limits that it does not announce: rate limits on the status message's edits
must never hold back the video, and a file refused for its size (413, code 40005) even though
the interaction said it would fit gets a smaller copy, with the guild's real limit
remembered."""

from __future__ import annotations

import time

from render import RenderOptions
from tests.conftest import needs_espeak
from tests.discord.harness import probe_bytes, running_bot, video_of

ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"
FOLLOWUP = r"/webhooks/\d+/[^/]+"


class Timed:
    """The engine's executor, noting when each render returned."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.ended: list[float] = []

    async def render(self, *args, **kwargs):
        result = await self.inner.render(*args, **kwargs)
        self.ended.append(time.monotonic())
        return result

    def __getattr__(self, name):
        return getattr(self.inner, name)


async def test_progress_edits_rate_limited_forever_never_delay_the_video(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        timed = Timed(h.engine.jobs.executor)
        h.engine.jobs.executor = timed
        fake.rate_limit("PATCH", ORIGINAL, retry_after=30, times=10**6)  # every edit, forever
        await h.create_from_outline()
        video = await h.video_message(within=60)
        [post] = [c for c in fake.calls_to("POST", FOLLOWUP) if c.files]
        assert post.at - timed.ended[0] < 10  # the video went out within 10 s of the render
        _result, clean, _ = probe_bytes(video_of(fake, video))
        assert clean
        limited = [c for c in fake.calls_to("PATCH", ORIGINAL) if c.status == 429]
        assert limited  # the edits really were refused all along


@needs_espeak()
async def test_a_413_gets_a_smaller_copy_and_the_guild_limit_is_remembered(tmp_path):
    options = RenderOptions(resolution=1080, fps=1, default_voice="espeak")  # a real-sized file
    async with running_bot(tmp_path, render=options) as h:
        fake = h.fake
        too_large = {"message": "Request entity too large", "code": 40005}
        fake.fail("POST", FOLLOWUP, status=413, body=too_large)  # although the limit said 10 MiB
        await h.create_from_outline()
        video = await h.video_message(within=90)
        assert "a smaller copy" in video["content"]
        [refused] = [c for c in fake.calls_to("POST", FOLLOWUP) if c.status == 413]
        delivered = video_of(fake, video)
        assert len(delivered) < len(refused.files[0].data)
        assert probe_bytes(delivered)[1]

        # The next video in this guild is sized for what Discord really takes: no second 413.
        thread = await h.thread()
        await fake.post(fake.alice, thread["id"], "theme dark")
        second = await h.video_message(thread["id"], version=2, within=90)
        assert "a smaller copy" in second["content"]
        assert len([c for c in fake.calls if c.status == 413]) == 1


async def test_an_outline_pasted_into_the_request_option_is_read_as_an_outline(tmp_path):
    """A slash option carries one line: the pasted outline arrives with its line breaks gone."""
    from tests.discord.harness import OUTLINE

    one_line = " ".join(line for line in OUTLINE.splitlines() if line.strip())
    async with running_bot(tmp_path) as h:
        await h.fake.slash(h.fake.alice, "create", request=f"```{one_line}```")
        video = await h.video_message(within=60)
        assert "Why the tides turn" in video["content"]
        thread = await h.thread()
        await h.engine.wait_idle()  # the thread is linked once the delivery is done
        conversation_id, _ = await h.store.linked("discord", f"thread:{thread['id']}")
        deck, _ = await h.engine.current(conversation_id)
        assert deck.title == "Why the tides turn" and len(deck.slides) >= 3


async def test_a_post_discord_py_gives_up_on_is_tried_again_by_deckcast(tmp_path):
    async with running_bot(tmp_path) as h:
        fake = h.fake
        # More 429s on the video's post than discord.py's own five tries.
        fake.rate_limit("POST", FOLLOWUP, retry_after=0.1, times=6)
        interaction = await h.create_from_outline()
        video = await h.video_message(within=60)
        refused = [c for c in fake.calls_to("POST", FOLLOWUP) if c.status == 429]
        assert len(refused) == 6 and video["attachments"]
        await h.engine.wait_idle()
        status = fake.messages[interaction.original_id]
        assert "✅" in status["content"] and "could not be posted" not in status["content"]


async def test_a_chat_assistants_outline_squashed_into_the_request_option_is_an_outline(tmp_path):
    """What ChatGPT gives, pasted as it is into request: (no fences; the option made it one
    line). Each "Slide N" starts a slide, its narration is spoken, nothing goes to the model."""
    one_line = (
        "**Slide 1: Why the tides turn** - The sea rises and falls twice a day "
        "Narration: Every day the sea comes in and goes out twice. "
        "**Slide 2: The moon pulls** - Gravity is strongest on the near side "
        "Visual: the moon above a bulging ocean "
        "Narration: The moon's pull lifts the ocean nearest to it."
    )
    async with running_bot(tmp_path) as h:
        await h.fake.slash(h.fake.alice, "create", request=one_line)
        await h.video_message(within=60)
        thread = await h.thread()
        await h.engine.wait_idle()
        conversation_id, _ = await h.store.linked("discord", f"thread:{thread['id']}")
        deck, _ = await h.engine.current(conversation_id)
        assert [s.title for s in deck.slides] == ["Why the tides turn", "The moon pulls"]
        assert deck.slides[0].bullets == ["The sea rises and falls twice a day"]
        assert deck.slides[1].narration == "The moon's pull lifts the ocean nearest to it."
        assert deck.slides[1].image_prompt.startswith("the moon above a bulging ocean")
