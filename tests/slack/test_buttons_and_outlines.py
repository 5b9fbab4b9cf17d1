"""The result card's buttons (new pictures, undo, vertical), outlines shared as files, and
direct messages."""

from __future__ import annotations

import io

from pptx import Presentation

from bot.slack import blocks
from deck import parse_outline

from .conftest import OUTLINE
from .test_flow import _actions, fenced, start_deck


def card_buttons(world, root_ts, number):
    cards = [m for m in world.thread("C1", root_ts) if _actions(m)]
    return {e["action_id"]: e["value"] for e in _actions(cards[number - 1])}


async def test_buttons_change_the_video(world):
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)
    buttons = card_buttons(world, root_ts, 1)
    first = world.probe_upload(await world.video_upload(1))

    # Vertical 9:16: a new version framed upright.
    ack = await deliver.action(
        blocks.ASPECT, buttons[blocks.ASPECT], user="U1", message_ts=root_ts, thread_ts=root_ts
    )
    assert ack.status == 200
    tall = world.probe_upload(await world.video_upload(2))
    assert first.video_size == (426, 240) and tall.video_size == (240, 426)
    await slack.wait_for(lambda: len([m for m in world.thread("C1", root_ts) if _actions(m)]) == 2)
    second = card_buttons(world, root_ts, 2)
    assert blocks.UNDO in second
    labels = [
        e["text"]["text"] for m in world.thread("C1", root_ts) if _actions(m) for e in _actions(m)
    ]
    assert "Widescreen 16:9" in labels  # the card of a vertical video offers the way back

    assert blocks.STILL in second and blocks.MOTION not in second  # pictures move: gentle

    # New pictures: every slide's picture changes (new seeds), the text stays.
    await deliver.action(blocks.NEW_PICTURES, second[blocks.NEW_PICTURES], user="U1")
    await world.video_upload(3)
    conversation_id = second[blocks.NEW_PICTURES].split("|")[0]
    v2 = (await world.store.version(conversation_id, 2)).deck
    v3 = (await world.store.version(conversation_id, 3)).deck
    assert [s.title for s in v2.slides] == [s.title for s in v3.slides]
    assert all(a.image_seed != b.image_seed for a, b in zip(v2.slides, v3.slides, strict=True))

    # Undo: back to version 2, rendered again (from the cache) and shared.
    await slack.wait_for(lambda: len([m for m in world.thread("C1", root_ts) if _actions(m)]) == 3)
    third = card_buttons(world, root_ts, 3)
    await deliver.action(blocks.UNDO, third[blocks.UNDO], user="U1")
    back = await world.video_upload(4)
    assert back.filename.endswith("-v2.mp4")
    assert (await world.store.conversation(conversation_id)).current_version == 2


async def test_someone_elses_click_changes_nothing(world):
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)
    buttons = card_buttons(world, root_ts, 1)
    await deliver.action(blocks.NEW_PICTURES, buttons[blocks.NEW_PICTURES], user="U2")
    [hint] = await slack.wait_for(lambda: slack.calls_of("chat.postEphemeral"))
    assert hint.args["user"] == "U2" and "Only <@U1> can change this video" in hint.args["text"]
    await world.engine.queue.wait_idle()
    assert len(await world.jobs()) == 1


async def test_an_admin_may_change_anyones_deck(world):
    world.bot.handlers.admins = frozenset({"UADMIN"})
    root_ts = await start_deck(world)
    reply = world.deliver.message("delete slide 3", user="UADMIN", thread_ts=root_ts)
    await world.deliver.event(reply)
    upload = await world.video_upload(2)
    assert upload.filename.endswith("-v2.mp4")


async def test_a_mention_with_a_shared_outline_file(world):
    slack, deliver = world.slack, world.deliver
    file = slack.host_file("tides.md", OUTLINE)
    mention = deliver.message("<@UBOT> make this", kind="app_mention", files=[file])
    await deliver.event(mention)
    upload = await world.video_upload()
    assert upload.thread_ts == mention["ts"]
    [download] = slack.calls_of("download")
    assert download.headers["Authorization"] == f"Bearer {slack.token}"
    conversation_id = (await world.jobs())[0].conversation_id
    deck = (await world.store.version(conversation_id, 1)).deck
    assert deck.title == "Why the sea has tides" and len(deck.slides) == 3


async def test_an_outline_pasted_as_a_chat_assistant_wrote_it_is_an_outline(world):
    """No code block, no file, no model: a mention whose text is an outline (as ChatGPT and
    the like write one, "**Slide 1: …**") makes that deck; it used to be read as a request
    in words, which needs a model."""
    pasted = (
        "<@UBOT> **Slide 1: Why the sea has tides**\n- The moon pulls on the oceans\n"
        "*Narration:* The moon's pull makes the tides.\n\n"
        "**Slide 2: Two tides a day**\n- High and low, twice a day\n"
    )
    mention = world.deliver.message(pasted, kind="app_mention")
    await world.deliver.event(mention)
    upload = await world.video_upload()
    assert upload.thread_ts == mention["ts"]
    conversation_id = (await world.jobs())[0].conversation_id
    deck = (await world.store.version(conversation_id, 1)).deck
    assert [s.title for s in deck.slides] == ["Why the sea has tides", "Two tides a day"]
    assert deck.slides[0].narration == "The moon's pull makes the tides."


async def test_the_token_goes_only_to_slack_file_hosts(world):
    slack, deliver = world.slack, world.deliver
    file = slack.host_file("tides.md", OUTLINE)
    file["url_private_download"] = "http://127.0.0.2:9/steal/tides.md"
    await deliver.event(deliver.message("<@UBOT>", kind="app_mention", files=[file]))
    told = await slack.wait_for(
        lambda: [
            c for c in slack.calls_of("chat.postEphemeral") if "not a Slack file" in c.args["text"]
        ]
    )
    assert told and slack.calls_of("download") == []
    assert await world.jobs() == []


async def test_an_outline_file_too_big_is_refused_before_downloading(world):
    slack, deliver = world.slack, world.deliver
    big = slack.host_file("huge.md", "# x\n" + "- y\n" * 100_000)
    await deliver.event(deliver.message("<@UBOT>", kind="app_mention", files=[big]))
    told = await slack.wait_for(
        lambda: [
            c
            for c in slack.calls_of("chat.postEphemeral")
            if "an outline can be at most" in c.args["text"]
        ]
    )
    assert "huge.md is 391 KB" in told[0].args["text"]  # told privately
    assert not slack.calls_of("chat.postMessage")
    assert slack.calls_of("download") == [] and await world.jobs() == []


async def test_an_outline_file_the_app_may_not_read_is_explained(world):
    slack, deliver = world.slack, world.deliver
    slack.files_readable = False  # no files:read: Slack answers with its sign-in page
    file = slack.host_file("tides.md", OUTLINE)
    await deliver.event(deliver.message("<@UBOT>", kind="app_mention", files=[file]))
    told = await slack.wait_for(
        lambda: [
            c
            for c in slack.calls_of("chat.postEphemeral")
            if "could not read tides.md" in c.args["text"]
        ]
    )
    assert "`files:read`" in told[0].args["text"] and "code block" in told[0].args["text"]
    assert await world.jobs() == []


async def test_a_direct_message_starts_a_deck(world):
    deliver = world.deliver
    dm = deliver.message(f"```\n{OUTLINE}```", channel="D1", channel_type="im")
    await deliver.event(dm)
    upload = await world.video_upload()
    assert upload.channel == "D1" and upload.thread_ts == dm["ts"]
    status = world.slack.calls_of("chat.postMessage")[0]
    assert status.args["thread_ts"] == dm["ts"] and "asked for a video" in status.args["text"]
    key = ("D1", status.result["ts"])
    await world.slack.wait_for(lambda: "Version 1 is ready" in world.slack.messages[key].text)


async def test_export_shares_the_deck_as_powerpoint_and_pdf(world):
    """Anyone in the thread may take the deck: two uploads in the thread."""
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)
    buttons = card_buttons(world, root_ts, 1)
    await deliver.action(blocks.EXPORT, buttons[blocks.EXPORT], user="U2")
    uploads = await slack.wait_for(
        lambda: (
            [u for u in slack.completed_uploads() if u.filename.endswith((".pptx", ".pdf"))]
            if len([u for u in slack.completed_uploads() if u.filename.endswith((".pptx", ".pdf"))])
            == 2
            else None
        ),
        within=60,
    )
    by_suffix = {u.filename.rsplit(".", 1)[1]: u for u in uploads}
    assert by_suffix["pdf"].data.startswith(b"%PDF") and by_suffix["pptx"].data.startswith(b"PK")
    assert all(
        u.thread_ts == root_ts and u.filename.endswith(f"-v1.{s}") for s, u in by_suffix.items()
    )
    slides = Presentation(io.BytesIO(by_suffix["pptx"].data)).slides
    assert len(slides) == len(parse_outline(OUTLINE).slides)
    # A reply that says "export" does the same.
    reply = deliver.message("export", user="U1", thread_ts=root_ts)
    await deliver.event(reply)
    await slack.wait_for(
        lambda: (
            sorted(
                u.filename.rsplit(".", 1)[1]
                for u in slack.completed_uploads()
                if u.filename.endswith((".pptx", ".pdf"))
            )
            == ["pdf", "pdf", "pptx", "pptx"]
        ),
        within=60,
    )


async def test_the_revise_button_opens_a_form_whose_text_revises_the_video(world):
    slack, deliver = world.slack, world.deliver
    root_ts = await start_deck(world)
    buttons = card_buttons(world, root_ts, 1)

    # Someone else's click: told privately, no form opens.
    await deliver.action(blocks.REVISE, buttons[blocks.REVISE], user="U2")
    [hint] = await slack.wait_for(lambda: slack.calls_of("chat.postEphemeral"))
    assert hint.args["user"] == "U2" and "Only <@U1> can change this video" in hint.args["text"]
    assert slack.views == []

    await deliver.action(blocks.REVISE, buttons[blocks.REVISE], user="U1")
    [view] = await slack.wait_for(lambda: slack.views)
    assert view["callback_id"] == blocks.REVISE_VIEW
    field = {blocks.INSTRUCTION_BLOCK: {blocks.INSTRUCTION_INPUT: "  "}}
    empty = await deliver.submit_view(view, field)
    assert empty.json()["response_action"] == "errors"  # shown on the field; nothing changes
    field = {blocks.INSTRUCTION_BLOCK: {blocks.INSTRUCTION_INPUT: "delete slide 2"}}
    assert (await deliver.submit_view(view, field)).status == 200
    upload = await world.video_upload(2)
    assert upload.filename.endswith("-v2.mp4") and upload.thread_ts == root_ts
    conversation_id = buttons[blocks.REVISE].split("|")[0]
    v2 = (await world.store.version(conversation_id, 2)).deck
    assert len(v2.slides) == len((await world.store.version(conversation_id, 1)).deck.slides) - 1


async def test_cancel_in_the_progress_message_stops_the_render(tmp_path, voices, cache):
    from render import Renderer
    from tests.discord.harness import GatedImages

    from .conftest import open_world

    images = GatedImages()
    with Renderer(images, voices, cache) as renderer:
        async with open_world(tmp_path, renderer) as world:
            slack, deliver = world.slack, world.deliver
            await deliver.command(fenced(OUTLINE), user="U1")
            await images.wait_entered()
            root_ts = slack.calls_of("chat.postMessage")[0].result["ts"]
            status = await slack.wait_for(
                lambda: [m for m in [slack.messages[("C1", root_ts)]] if _actions(m)]
            )
            [cancel] = [e for e in _actions(status[0]) if e["action_id"] == blocks.CANCEL]

            await deliver.action(blocks.CANCEL, cancel["value"], user="U2")  # not theirs
            [hint] = await slack.wait_for(lambda: slack.calls_of("chat.postEphemeral"))
            assert hint.args["user"] == "U2"
            await deliver.action(blocks.CANCEL, cancel["value"], user="U1")
            await slack.wait_for(
                lambda: "cancelled by <@U1>" in slack.messages[("C1", root_ts)].text
            )
            assert not _actions(slack.messages[("C1", root_ts)])  # the button is gone
            images.gate.set()
            await world.engine.wait_idle()
            assert [j.state.value for j in await world.jobs()] == ["cancelled"]
            assert not [u for u in slack.completed_uploads() if u.filename.endswith(".mp4")]


async def test_the_motion_switch_makes_the_pictures_still(world):
    root_ts = await start_deck(world)
    buttons = card_buttons(world, root_ts, 1)
    await world.deliver.action(blocks.STILL, buttons[blocks.STILL], user="U1")
    await world.video_upload(2)
    conversation_id = buttons[blocks.STILL].split("|")[0]
    deck = (await world.store.version(conversation_id, 2)).deck
    assert deck.motion.value == "none"
    await world.slack.wait_for(
        lambda: len([m for m in world.thread("C1", root_ts) if _actions(m)]) == 2
    )
    assert blocks.MOTION in card_buttons(world, root_ts, 2)  # and back
