"""Review in the thread, through the engine: history with authors, one version, compare, go
back (a new version), the script-first gate (no picture before Render), reviewers, comments on
a slide and approvals, each surviving a restart (a new engine and store on the same database,
SQLite and PostgreSQL)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from agent import Planner, Reviser, StructuredChat
from bot.engine import Action, ConversationEngine, Incoming
from bot.errors import NotAllowed
from bot.store import JobState, Store
from deck import EditSlide
from render import AssetCache, Renderer, RenderOptions, SilentBackend
from tests.agent_helpers import chat_model
from tests.fakes.openai_chat import edits_reply

from .conftest import CountingImages
from .test_engine import RecordingSink

SMALL = RenderOptions(resolution=240, fps=1, default_voice="silent")

OUTLINE = """\
# Tides
> Why the sea rises and falls.

## The moon pulls
Image: the moon over the sea at night
- Gravity reaches across space
- The near side bulges
> The moon pulls the ocean toward it.

## Two bulges
- One toward the moon
- One away from it
> There is a second bulge on the far side.
"""


class Process:
    """One bot process: a store and an engine over ``database_url``; ``restart`` makes a new
    one on the same database (nothing kept in memory)."""

    def __init__(self, tmp_path, database_url, model=None) -> None:
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.model = model
        self.images = CountingImages()
        self.engine: ConversationEngine | None = None

    async def open(self, *, script_first: bool = False) -> ConversationEngine:
        store = await Store.open(self.database_url)
        chat = StructuredChat(self.model) if self.model is not None else None
        renderer = Renderer(
            self.images, {"silent": SilentBackend()}, AssetCache(self.tmp_path / "cache")
        )
        self.engine = ConversationEngine(
            store,
            Planner(chat, backoff=0.01),
            Reviser(chat, backoff=0.01),
            renderer,
            videos_dir=self.tmp_path / "videos",
            render_defaults=SMALL,
            script_first=script_first,
        )
        return self.engine

    async def close(self) -> None:
        engine = self.engine
        assert engine is not None
        await engine.close()
        engine.renderer.close()
        engine.store.close()
        self.engine = None

    async def restart(self, **kwargs) -> ConversationEngine:
        await self.close()
        return await self.open(**kwargs)


@asynccontextmanager
async def process(tmp_path, database_url, model=None, **kwargs):
    running = Process(tmp_path, database_url, model)
    await running.open(**kwargs)
    try:
        yield running
    finally:
        if running.engine is not None:
            await running.close()


def msg(text: str = "", *, user: str = "ana", admin: bool = False, **kwargs) -> Incoming:
    return Incoming("test", user, text, "workspace", admin=admin, **kwargs)


async def say(engine, conversation_id, text, sink=None, **kwargs) -> RecordingSink:
    sink = sink or RecordingSink()
    await engine.handle(conversation_id, msg(text, **kwargs), sink)
    await engine.queue.wait_idle(conversation_id)
    return sink


async def started(engine, sink=None, **kwargs):
    sink = sink or RecordingSink()
    conversation = await engine.start(msg(outline=OUTLINE, **kwargs), sink)
    assert conversation is not None, sink.failures
    await engine.queue.wait_idle(conversation.id)
    return conversation, sink


COMPARE_1_2 = """\
Version 1 → version 2:
Slide 2 “The moon pulls”:
  bullets: − The near side bulges; + The near side of the ocean bulges
  narration: “The moon pulls the ocean toward it.” → “Gravity pulls hardest on the near side.”
  picture prompt: “the moon over the sea at night” → “a full moon over the sea”
Unchanged: slide 1, 3."""


async def test_history_compare_and_going_back_survive_a_restart(tmp_path, database_url):
    async with process(tmp_path, database_url) as running:
        engine = running.engine
        conversation, _ = await started(engine)
        edit = EditSlide(
            slide=2,
            bullets=["Gravity reaches across space", "The near side of the ocean bulges"],
            narration="Gravity pulls hardest on the near side.",
            image_prompt="a full moon over the sea",
        )
        sink = RecordingSink()
        await engine.apply_edits(
            conversation.id, [edit], msg(user="ana"), sink, summary="clearer slide 2"
        )
        await say(engine, conversation.id, "theme dark", user="ana")
        await engine.queue.wait_idle(conversation.id)

        compared = await say(engine, conversation.id, "compare 1 and 2", user="zoe")
        assert compared.reports == [COMPARE_1_2]  # anyone may ask; a known pair, exactly
        assert compared.failures == []

        back = await say(engine, conversation.id, "go back to version 1")
        assert back.said[0] == "Version 4: back to version 1 (planned)."
        assert len(back.videos) == 1 and back.videos[0].version == 4
        assert back.videos[0].slides_from_cache == 3  # the same slides as version 1
        versions = await engine.store.versions(conversation.id)
        assert [v.number for v in versions] == [1, 2, 3, 4]  # nothing rewritten
        assert versions[3].deck == versions[0].deck and versions[3].parent == 3
        assert versions[1].deck.theme == versions[0].deck.theme  # version 2 kept as it was

        await running.restart()
        engine = running.engine
        listed = await say(engine, conversation.id, "history", user="zoe")
        [text] = listed.reports
        lines = text.splitlines()
        assert lines[0] == "History of “Tides” — 4 version(s); ▶ marks the current one:"
        assert lines[1].startswith("• v1 · <@ana> · planned · 20")
        assert lines[2].startswith("• v2 · <@ana> · clearer slide 2 · ")
        assert lines[3].startswith("• v3 · <@ana> · ") and "theme" in lines[3]
        assert lines[4].startswith("▶ v4 · <@ana> · back to version 1 (planned) · ")
        assert lines[4].endswith(" UTC")

        shown = await say(engine, conversation.id, "show version 2", user="zoe")
        [text] = shown.reports
        assert text.startswith("Version 2 · by <@ana> · ")
        assert "made from version 1" in text and "What changed: clearer slide 2" in text
        assert "   • The near side of the ocean bulges" in text
        assert "   🗣 Gravity pulls hardest on the near side." in text

        missing = await say(engine, conversation.id, "compare 2 and 9")
        assert missing.failures == ["there is no version 9; this deck has versions 1 to 4"]
        same = await say(engine, conversation.id, "compare 1 and 4")
        assert same.reports[0].endswith("No differences: the two versions have the same slides.")


async def test_the_script_waits_for_render_before_any_picture(tmp_path, database_url):
    async with process(tmp_path, database_url, script_first=True) as running:
        engine = running.engine
        conversation, sink = await started(engine)
        assert sink.reviews == [(["Tides", "The moon pulls", "Two bulges"], 1)]
        assert sink.updates == [] and sink.videos == []

        revised = await say(engine, conversation.id, "delete slide 3")
        assert revised.reviews == [(["Tides", "The moon pulls"], 2)]
        assert revised.said == ["Version 2: slide 3 deleted."]
        undone = await say(engine, conversation.id, "undo")
        assert undone.reviews == [(["Tides", "The moon pulls", "Two bulges"], 1)]
        await say(engine, conversation.id, "redo")
        assert running.images.calls == 0  # not one picture before Render
        assert await engine.store.jobs_in(list(JobState)) == []

        await running.restart(script_first=True)  # the gate is in the store, not in memory
        engine = running.engine
        assert running.images.calls == 0
        refused = RecordingSink()
        with pytest.raises(NotAllowed):  # a stranger's Render
            await engine.act(Action.START, conversation.id, msg(user="zoe"), refused)
        rendered = RecordingSink()
        await engine.act(Action.START, conversation.id, msg(), rendered)
        await engine.queue.wait_idle(conversation.id)
        assert [v.version for v in rendered.videos] == [2]
        assert running.images.calls == 2  # the pictures start with Render

        later = await say(engine, conversation.id, "theme dark")  # reviewed: changes render
        assert later.reviews == [] and [v.version for v in later.videos] == [3]
        assert later.videos[0].review  # the card offers Approve


async def test_an_admin_sets_the_gate_for_the_whole_workspace_and_it_survives_a_restart(
    tmp_path, database_url
):
    async with process(tmp_path, database_url) as running:  # the bot's default: no gate
        engine = running.engine
        with pytest.raises(NotAllowed, match="only an admin"):
            await engine.set_review_mode(msg(user="zoe"), True)
        said = await engine.set_review_mode(msg(user="root", admin=True), True)
        assert "script for review first" in said

        await running.restart()  # kept in the store
        engine = running.engine
        _conversation, sink = await started(engine)
        assert sink.reviews and sink.videos == [] and running.images.calls == 0
        other = RecordingSink()  # another workspace keeps the bot's default
        elsewhere = await engine.start(
            Incoming("test", "ana", "", "another", outline=OUTLINE), other
        )
        assert elsewhere is not None
        await engine.queue.wait_idle(elsewhere.id)
        assert other.reviews == [] and [v.version for v in other.videos] == [1]
        asked = RecordingSink()  # a request's own choice wins
        await started(engine, asked, review=False, user="bo")
        assert asked.reviews == [] and [v.version for v in asked.videos] == [1]

        await engine.set_review_mode(msg(user="root", admin=True), False)
        await running.restart(script_first=True)  # an admin's "off" beats DECKCAST_REVIEW
        _conversation, plain = await started(running.engine, user="cy")
        assert plain.reviews == [] and [v.version for v in plain.videos] == [1]


async def test_without_the_gate_nothing_changes(tmp_path, database_url):
    async with process(tmp_path, database_url) as running:
        _conversation, sink = await started(running.engine)
        assert sink.reviews == [] and [v.version for v in sink.videos] == [1]
        assert not sink.videos[0].review
        assert running.images.calls == 3
        _gated, gated_sink = await started(running.engine, review=True, user="bo")
        assert gated_sink.reviews and gated_sink.videos == []
        assert running.images.calls == 3


async def test_reviewers_revise_and_strangers_are_refused(tmp_path, database_url, fake_openai):
    async with process(tmp_path, database_url, chat_model(fake_openai)) as running:
        engine = running.engine
        conversation, _ = await started(engine)

        stranger = await say(engine, conversation.id, "delete slide 3", user="carl")
        assert stranger.failures == [
            "only the person who asked for this video can change it; "
            "start your own with a new request"
        ]
        shared = await say(engine, conversation.id, "share with <@bob>")
        assert shared.said == ["<@bob> may now revise and approve this video."]
        assert await engine.may_revise(conversation.id, "bob", admin=False)
        assert not await engine.may_revise(conversation.id, "carl", admin=False)

        not_owner = await say(engine, conversation.id, "share with <@carl>", user="bob")
        assert "only the person who asked for this video can choose" in not_owner.failures[0]
        refused = await say(engine, conversation.id, "delete slide 3", user="carl")
        assert "and the reviewers they chose (<@bob>)" in refused.failures[0]

        fake_openai.script(
            edits_reply([EditSlide(slide=2, bullets=["Gravity, in newtons"])], "units on slide 2")
        )
        commented = await say(engine, conversation.id, "slide 2: the chart needs units", user="bob")
        assert commented.failures == [], commented.failures
        [request] = fake_openai.completions
        assert "Change slide 2 only: the chart needs units" in request.user_text
        record = await engine.store.version(conversation.id, 2)
        assert record.author == "bob"
        assert record.note == "slide 2 comment: units on slide 2"
        assert record.deck.slides[1].bullets == ["Gravity, in newtons"]
        assert [v.version for v in commented.videos] == [2]

        admin = await say(engine, conversation.id, "delete slide 3", user="root", admin=True)
        assert admin.failures == [] and (await engine.current(conversation.id))[1] == 3

        await running.restart()
        engine = running.engine
        assert (await engine.access(conversation.id)).reviewers == ("bob",)
        opened = await say(engine, conversation.id, "share with everyone")
        assert opened.said == ["Everyone here may now revise and approve this video."]
        anyone = await say(engine, conversation.id, "theme dark", user="carl")
        assert anyone.failures == [] and (await engine.store.version(conversation.id, 4)).author
        history = (await say(engine, conversation.id, "history")).reports[0]
        assert "• v2 · <@bob> · slide 2 comment: units on slide 2" in history
        assert "• v3 · <@root> · " in history and "▶ v4 · <@carl> · " in history


async def test_approvals_count_once_and_a_revision_is_unapproved(tmp_path, database_url):
    async with process(tmp_path, database_url) as running:
        engine = running.engine
        conversation, _ = await started(engine)
        await say(engine, conversation.id, "share with <@bob>")

        sink = RecordingSink()
        for _ in range(3):  # the same click delivered three times
            await engine.act(Action.APPROVE, conversation.id, msg(user="bob", version=1), sink)
        assert sink.approvals == [(1, ("bob",))]
        with pytest.raises(NotAllowed):
            await engine.act(Action.APPROVE, conversation.id, msg(user="carl", version=1), sink)
        typed = await say(engine, conversation.id, "approve", user="ana")
        assert typed.approvals == [(1, ("bob", "ana"))]

        revised = await say(engine, conversation.id, "delete slide 3", user="bob")
        assert revised.videos[0].version == 2 and revised.videos[0].review
        await running.restart()
        engine = running.engine
        versions = await engine.store.versions(conversation.id)
        assert [v.approved_by for v in versions] == [("bob", "ana"), ()]
        history = (await say(engine, conversation.id, "history")).reports[0]
        assert "• v1 · <@ana> · planned · " in history
        assert history.splitlines()[1].endswith("✅ approved by <@bob>, <@ana>")
        assert "✅" not in history.splitlines()[2]
        again = RecordingSink()
        await engine.act(Action.APPROVE, conversation.id, msg(user="bob", version=1), again)
        assert again.approvals == [] and again.said == []  # after a restart too: once
