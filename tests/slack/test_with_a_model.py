"""Free-text requests and revisions in Slack, through the language model (the local fake chat
server, driven by the real ChatOpenAI client)."""

from __future__ import annotations

import time

from agent import build_chat_model
from bot.engine.in_flight import STOPPED_NOTICE
from deck import EditSlide, parse_outline
from tests.fakes.openai_chat import Reply, edits_reply, plan_reply
from tests.fakes.slack_api import FakeSlack

from .conftest import OUTLINE, eventually, open_world
from .test_flow import _actions


async def test_a_request_in_words_and_a_revision_by_reply(model_world, llm):
    world = model_world
    slack, deliver = world.slack, world.deliver
    planned = parse_outline(OUTLINE)
    simpler = EditSlide(
        slide=2, bullets=["The moon pulls the sea"], narration="The moon pulls on the sea."
    )
    llm.script(plan_reply(planned), edits_reply([simpler], "simpler words on slide 2"))

    await deliver.command("how tides work, 3 slides", user="U1", channel="C1")
    first = await world.video_upload()
    root = slack.calls_of("chat.postMessage")[0]
    assert "“how tides work, 3 slides”" in root.args["text"]
    assert first.thread_ts == root.result["ts"]
    assert "how tides work, 3 slides" in llm.exchanges[0].user_text

    await deliver.event(
        deliver.message("make slide 2 simpler", user="U1", thread_ts=root.result["ts"])
    )
    second = await world.video_upload(2)
    assert second.filename.endswith("-v2.mp4")
    assert "make slide 2 simpler" in llm.exchanges[1].user_text
    thread = world.thread("C1", root.result["ts"])
    assert any(m.text == "Version 2: simpler words on slide 2." for m in thread)
    # Only slide 2 was rendered again: the card says the other two came from the cache.
    card = await slack.wait_for(
        lambda: [m for m in world.thread("C1", root.result["ts"]) if _actions(m)][1:]
    )
    assert "3 slides, 2 reused" in card[0].text
    assert world.probe_upload(second).stream("video").codec == "h264"


async def test_a_model_that_keeps_failing_is_explained_in_the_thread(model_world, llm):
    world = model_world
    slack = world.slack
    llm.script(*[Reply.text("this is not JSON {")] * 6)
    await world.deliver.command("how tides work", user="U1", channel="C1")
    root_ts = (await slack.wait_for(lambda: slack.calls_of("chat.postMessage")))[0].result["ts"]
    told = await slack.wait_for(
        lambda: [m for m in world.thread("C1", root_ts) if m.text.startswith(":warning:")]
    )
    assert "model" in told[0].text.lower()
    # While it asked again, the thread was told.
    asked_again = "the model's answer did not fit, asking again (2/3)"
    await slack.wait_for(lambda: asked_again in [m.text for m in world.thread("C1", root_ts)])
    await slack.wait_for(lambda: "could not start" in slack.messages[("C1", root_ts)].text)
    assert await world.jobs() == []


async def test_free_text_without_a_model_says_how_to_set_one_up(world):
    slack = world.slack
    await world.deliver.command("how tides work", user="U1", channel="C1")
    root_ts = (await slack.wait_for(lambda: slack.calls_of("chat.postMessage")))[0].result["ts"]
    told = await slack.wait_for(
        lambda: [m for m in world.thread("C1", root_ts) if m.text.startswith(":warning:")]
    )
    assert "DECKCAST_LLM_MODEL" in told[0].text and "Markdown outline" in told[0].text


async def test_a_stop_while_the_model_plans_tells_the_thread_and_leaves_nothing_running(
    tmp_path, renderer, llm
):
    """A deploy's stop while the model is still planning: the person hears deckcast stopped
    (no status left saying it is working), and the stop waits for that listener's task to end
    rather than leaving it to the event loop to drop half-way."""
    llm.script(plan_reply(parse_outline(OUTLINE)).slow(60))
    model = build_chat_model(model="fake-model", base_url=llm.base_url, api_key=llm.api_key)
    async with FakeSlack() as slack:
        async with open_world(tmp_path, renderer, model, slack=slack) as world:
            await world.deliver.command("how tides work", user="U1", channel="C1")
            [status] = await slack.wait_for(lambda: slack.calls_of("chat.postMessage"))
            await eventually(lambda: llm.exchanges)  # the model has the request
            assert len(world.engine.in_flight) == 1
            stopping = time.monotonic()
        # (open_world's exit: the HTTP server closes, then the engine)
        assert time.monotonic() - stopping < 15
        assert len(world.engine.in_flight) == 0
        root_ts = status.result["ts"]
        told = [m.text for m in world.thread("C1", root_ts)] + [
            slack.messages[("C1", root_ts)].text
        ]
        assert any(STOPPED_NOTICE.split(";")[0] in text for text in told), told
        assert await world.jobs() == []
