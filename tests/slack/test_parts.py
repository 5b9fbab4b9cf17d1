"""The Slack front-end's parts on their own: reading Slack's markup, the progress line and
cards, the throttled status message, Slack's errors explained, the manifest and the settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from bot.engine import JobUpdate, VideoReady
from bot.settings import Settings
from bot.slack import MANIFEST, SlackWeb, blocks, build_client
from bot.slack.config import SlackConfig
from bot.slack.errors import SlackSetupError, explain
from bot.slack.handlers import SlackHandlers
from bot.slack.messages import mentions, outline_file, read_message
from bot.slack.status import StatusMessage
from deck import Aspect, parse_outline
from render import ProgressEvent, Stage
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack

from .conftest import OUTLINE


def test_read_message_turns_slack_markup_back_into_text():
    raw = (
        "<@UBOT> explain &lt;tides&gt; &amp; currents for <@U42|ana> in <#C7|science>, "
        "see <https://example.org/tides|this page> and <https://example.org> <!here>"
    )
    request = read_message(raw, bot_user="UBOT")
    assert request.text == (
        "explain <tides> & currents for @U42 in #science, see this page "
        "(https://example.org/tides) and https://example.org @here"
    )
    assert request.outline is None
    assert mentions(raw, "UBOT") and not mentions(raw, "UOTHER")


def test_read_message_takes_an_outline_from_a_code_block():
    raw = f"<@UBOT> make this, 16:9\n```markdown\n{OUTLINE.replace('>', '&gt;')}```\nthanks"
    request = read_message(raw, bot_user="UBOT")
    assert request.text == "make this, 16:9\n\nthanks"
    assert request.outline is not None
    assert parse_outline(request.outline).slides[1].narration.startswith("The moon's gravity")


def test_outline_files_are_recognised_by_name_or_type():
    png = {"name": "chart.png", "filetype": "png"}
    md = {"name": "Tides.MD", "filetype": "markdown"}
    snippet = {"name": "-", "filetype": "text"}
    assert outline_file([png, md]) is md and outline_file([snippet]) is snippet
    assert outline_file([png]) is None and outline_file(None) is None


def test_progress_text():
    queued = JobUpdate("c", "j", 2, "queued", queue_position=3)
    assert blocks.progress_text(queued) == (
        ":hourglass_flowing_sand: Version 2 is waiting to render (number 3 in the queue)."
    )
    event = ProgressEvent(Stage.IMAGES, done=6, total=12, slides_done=1, slides=3)
    text = blocks.progress_text(JobUpdate("c", "j", 1, "rendering", event=event))
    assert "Rendering version 1: pictures · 1/3 slides done" in text
    assert "`██████░░░░░░` 50%" in text


def test_result_card(tmp_path: Path):
    deck = parse_outline(OUTLINE).model_copy(update={"aspect": Aspect.TALL})
    ready = VideoReady(
        "conv1",
        "job1",
        3,
        deck,
        tmp_path / "v.mp4",
        21.0,
        2_500_000,
        3,
        2,
        warnings=["slide 2: the picture <fell back> to procedural art"],
    )
    text, card = blocks.result_blocks(ready)
    assert "*Why the sea has tides* — version 3 · 21.0 s · 3 slides, 2 reused · 2.5 MB" in text
    assert "&lt;fell back&gt;" in text
    buttons = {e["action_id"]: e for e in card[1]["elements"]}
    assert buttons[blocks.ASPECT]["text"]["text"] == "Widescreen 16:9"
    assert blocks.parse_button_value(buttons[blocks.ASPECT]["value"]) == ("conv1", "16:9")
    assert blocks.parse_button_value(buttons[blocks.UNDO]["value"]) == ("conv1", "")


def test_script_text_falls_back_to_a_file_when_long():
    assert (
        blocks.script_text("# T\n## A & B\n", 2)
        == "The script of version 2:\n```\n# T\n## A &amp; B\n\n```"
    )
    assert blocks.script_text("x" * 4000, 2) is None


async def test_status_message_edits_at_most_once_per_interval():
    async with FakeSlack() as slack:
        web = SlackWeb(build_client(BOT_TOKEN, api_url=slack.api_url))
        ts = await web.post("C1", "starting")
        status = StatusMessage(web, "C1", thread_ts=None, ts=ts, interval=0.3)
        for i in range(20):
            await status.show(f"step {i}")
        assert [c.args["text"] for c in slack.calls_of("chat.update")] == ["step 0"]
        await slack.wait_for(lambda: len(slack.calls_of("chat.update")) == 2, within=5)
        updates = slack.calls_of("chat.update")
        assert updates[1].args["text"] == "step 19"  # only the latest held text is sent
        assert updates[1].at - updates[0].at >= 0.25
        await status.show("done", final=True)  # at once, whatever the interval
        await status.show("late")  # after the final text, nothing more
        await asyncio.sleep(0.4)
        assert [c.args["text"] for c in slack.calls_of("chat.update")][2:] == ["done"]
        assert slack.messages[("C1", ts)].text == "done"
        await status.close()


async def test_status_message_survives_a_failing_edit(caplog):
    async with FakeSlack() as slack:
        web = SlackWeb(build_client(BOT_TOKEN, api_url=slack.api_url))
        status = StatusMessage(web, "C1", thread_ts=None, interval=0)
        slack.fail("chat.postMessage", "channel_not_found")
        await status.show("first")  # posting fails: logged once, no exception
        await status.show("second")
        assert status.ts is not None and slack.messages[("C1", status.ts)].text == "second"
        assert "cannot show progress in C1" in caplog.text


@pytest.mark.parametrize(
    ("code", "needed", "chat", "fix"),
    [
        ("not_in_channel", None, "/invite @deckcast", "invite it there"),
        ("missing_scope", "files:write", "`files:write` permission", "bot scope 'files:write'"),
        ("ratelimited", None, "try again in a minute", "Retry-After"),
        ("invalid_auth", None, "reinstalled", "check SLACK_BOT_TOKEN"),
        ("is_archived", None, "archived", "unarchive"),
        ("weird_error", None, "(weird_error)", "weird_error"),
    ],
)
def test_slack_errors_are_explained(code, needed, chat, fix):
    problem = explain("chat.postMessage", code, needed=needed, channel="C1")
    assert chat in problem.chat and fix in problem.fix


def test_the_manifest_matches_what_the_app_listens_to():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/deck"
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.channels",
        "message.groups",
        "message.im",
        "reaction_added",  # a ✅ on a version's card approves it
    }
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "app_mentions:read",
        "chat:write",
        "files:write",
        "files:read",
        "channels:history",
        "groups:history",
        "im:history",
        "reactions:read",
    }
    assert manifest["features"]["app_home"]["messages_tab_enabled"]
    assert SlackHandlers.__init__.__kwdefaults__["command"] == command["command"]


def test_slack_settings_and_modes(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SlackSetupError, match="needs SLACK_BOT_TOKEN"):
        SlackConfig.from_settings(Settings(_env_file=None))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xapp-1-oops")
    with pytest.raises(SlackSetupError, match="starting with xoxb-") as caught:
        SlackConfig.from_settings(Settings(_env_file=None))
    assert "xapp-1-oops" not in str(caught.value)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(SlackSetupError, match=r"SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET"):
        SlackConfig.from_settings(Settings(_env_file=None))
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("DECKCAST_SLACK_ADMINS", "U1, U2,")
    http = SlackConfig.from_settings(Settings(_env_file=None), port=8080)
    assert not http.socket_mode and http.signing_secret == "s3cret" and http.port == 8080
    assert http.admins == {"U1", "U2"}
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    socket = SlackConfig.from_settings(Settings(_env_file=None))
    assert socket.socket_mode and socket.signing_secret is None
    assert "xoxb-1" not in repr(socket) and "xapp-1" not in repr(socket)
    assert "s3cret" not in repr(Settings(_env_file=None))
