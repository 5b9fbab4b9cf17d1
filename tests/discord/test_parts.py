"""The Discord bot's parts on their own: the status card, the edit throttle, fitting a video
under an upload limit, the thread links in the store, settings and the command line."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.discord.card import LIMIT, Phase, StatusCard, progress_bar
from bot.discord.config import DiscordConfig
from bot.discord.dedup import Deliveries
from bot.discord.links import Links
from bot.discord.outbox import Edit, merge_edits
from bot.discord.translate import file_stem, not_yours, plan_options, video_caption
from bot.engine import ChatLinks, VideoReady
from bot.engine.fitting import FIT_AUDIO_BITRATE, fit_options
from bot.settings import Settings
from bot.store import Store
from bot.throttle import RateLimited, ThrottledEditor
from deck import build_deck
from render import ProgressEvent, RenderOptions, Stage
from tests.test_cli import deckcast


def deck(slides: int = 3, title: str = "Tides"):
    return build_deck(
        {
            "title": title,
            "slides": [
                {"title": f"Slide {i}", "narration": f"Narration {i}."}
                for i in range(1, slides + 1)
            ],
        }
    )


# -- the status card --------------------------------------------------------------------------


def test_progress_bar():
    assert progress_bar(0) == "░" * 20 + " 0%"
    assert progress_bar(0.5) == "█" * 10 + "░" * 10 + " 50%"
    assert progress_bar(1.7) == "█" * 20 + " 100%"


def test_the_card_shows_each_phase():
    card = StatusCard(heading="Planning your deck…")
    assert card.text() == "⏳ Planning your deck…"
    card.planned(deck(), 1)
    card.phase, card.queue_position = Phase.QUEUED, 3
    assert "**Tides** · version 1" in card.text()
    assert "3 slides: 1. Slide 1 · 2. Slide 2 · 3. Slide 3" in card.text()
    assert "Waiting to render — number 3 in the queue" in card.text()
    card.phase = Phase.RENDERING
    card.event = ProgressEvent(Stage.VOICE, 6, 13, 1, 3, 2)
    assert "🎬 Rendering · narration · 1/3 slides ready" in card.text()
    assert "`" + progress_bar(6 / 13) + "`" in card.text()
    card.phase, card.error = Phase.FAILED, "The render failed: disk full."
    assert card.text().endswith("⚠️ The render failed: disk full.")
    card.phase = Phase.IDLE
    assert card.text().splitlines()[-1] == "3 slides: 1. Slide 1 · 2. Slide 2 · 3. Slide 3"


def test_the_card_fits_in_a_discord_message():
    card = StatusCard()
    card.planned(deck(30, title="T" * 120), 12)
    for i in range(10):
        card.note(f"note {i} " + "x" * 900)
    assert len(card.notes) == 4
    card.phase, card.event = Phase.RENDERING, ProgressEvent(Stage.FRAMES, 5, 121, 1, 30)
    text = card.text()
    assert len(text) <= LIMIT
    assert text.endswith("`" + progress_bar(5 / 121) + "`")  # the status is never cut
    card = StatusCard()
    card.note("multi\nline")
    assert card.text() == "> multi\n> line\n⏳ Working on it…"


# -- the edit throttle ------------------------------------------------------------------------


async def test_the_throttle_sends_the_newest_state_at_most_once_per_interval():
    sent: list[tuple[float, Edit]] = []

    async def apply(edit: Edit) -> None:
        sent.append((time.monotonic(), edit))

    editor = ThrottledEditor(apply, 0.2, merge=merge_edits)
    for i in range(50):
        editor.update(Edit(f"state {i}", files=[f"file {i}"] if i in (3, 7) else []))
        await asyncio.sleep(0.01)
    await editor.flush()
    assert sent[-1][1].content == "state 49"  # the last state is always shown
    assert 2 <= len(sent) <= 5  # 0.5 s of updates, one edit per 0.2 s
    assert all(b[0] - a[0] >= 0.2 for a, b in itertools.pairwise(sent))
    files = [f for _t, edit in sent for f in edit.files]
    assert files == ["file 3", "file 7"]  # attachments are never dropped


async def test_the_throttle_survives_a_failed_edit():
    calls: list[str] = []

    async def apply(edit: Edit) -> None:
        calls.append(edit.content)
        if edit.content == "boom":
            raise RuntimeError("Discord said no")

    editor = ThrottledEditor(apply, 0.01, merge=merge_edits)
    editor.update(Edit("boom"))
    await editor.flush()
    editor.update(Edit("after", view=None))
    await editor.flush()
    assert calls == ["boom", "after"]


async def test_a_later_edit_keeps_the_buttons_unless_told():
    seen: list[Edit] = []

    async def apply(edit: Edit) -> None:
        await asyncio.sleep(0.05)
        seen.append(edit)

    editor = ThrottledEditor(apply, 0.1, merge=merge_edits)
    editor.update(Edit("first"))
    await asyncio.sleep(0.01)
    editor.update(Edit("second", view="buttons"))
    editor.update(Edit("third"))  # merged with "second": its buttons stay
    await editor.flush()
    assert [(e.content, e.view) for e in seen] == [("first", ...), ("third", "buttons")]


async def test_a_closed_throttle_drops_what_is_not_sent():
    sent: list[str] = []

    async def apply(edit: Edit) -> None:
        sent.append(edit.content)

    editor = ThrottledEditor(apply, 0.2, merge=merge_edits)
    editor.update(Edit("first"))
    await editor.flush()
    editor.update(Edit("pending"))  # waits for the interval
    await editor.close()
    editor.update(Edit("after close"))
    await editor.flush()
    await asyncio.sleep(0.3)
    assert sent == ["first"]


async def test_a_final_state_refused_for_a_moment_is_sent_when_the_wait_is_over():
    """A 429 on the very edit that ends the message ("Paused", "Done") used to drop it: the
    message stayed at its last progress. It is kept, sent once allowed, and still ends the
    message's edits."""
    sent: list[str] = []
    refusals = [RateLimited(0.05)]

    async def apply(edit: Edit) -> None:
        if refusals:
            raise refusals.pop()
        sent.append(edit.content)

    editor = ThrottledEditor(apply, 0.01, merge=merge_edits)
    await editor.show(Edit("paused"), final=True)
    editor.update(Edit("a late progress event"))  # after the final state: ignored
    assert await editor.flush(within=2)
    await asyncio.sleep(0.05)
    assert sent == ["paused"] and editor.final
    await editor.close()


# -- fitting under an upload limit -----------------------------------------------------------


def test_fit_options_spend_the_byte_budget():
    base = RenderOptions(resolution="1080p")
    options = fit_options(base, 60.0, 9_000_000, 720)
    assert options is not None
    assert options.resolution == 720 and not options.storyboard
    video_bps = int(options.max_video_bitrate.removesuffix("k")) * 1000
    total = (video_bps + FIT_AUDIO_BITRATE) * 60 / 8
    assert 0.95 * 9_000_000 <= total <= 9_000_000
    assert fit_options(RenderOptions(resolution=360), 60.0, 9_000_000, 720).resolution == 360
    assert fit_options(base, 600.0, 500_000, 720) is None  # ten minutes in half a megabyte


# -- translations -------------------------------------------------------------------------------


def test_translations():
    assert file_stem("Why the Tides Turn?!") == "why-the-tides-turn"
    assert file_stem("???") == "deck"
    assert plan_options() is None
    options = plan_options(slides=4, theme="dark", aspect="9:16", language="")
    assert (options.slides, options.theme, options.aspect, options.language) == (
        4,
        "dark",
        "9:16",
        None,
    )
    refusal = not_yours("42", DiscordConfig(admin_roles=("mods",)))
    assert "<@42>" in refusal and "mods" in refusal and "/deck create" in refusal
    config = DiscordConfig(admin_roles=("Deck Admins",))
    assert config.is_admin(["everyone", "deck admins"]) and not config.is_admin(["deck"])


def test_video_caption(tmp_path):
    ready = VideoReady(
        "c1", "j1", 2, deck(), tmp_path / "v2.mp4", 83.4, 4_200_000, 3, 2, resumed=True
    )
    caption = video_caption(ready, note="(smaller)")
    assert caption.startswith("🎬 **Tides** · version 2 · 1:23 · 4.2 MB · 3 slides (2 from cache)")
    assert "resumed after a restart" in caption and caption.endswith("(smaller)")


# -- the store: thread links and duplicate deliveries ---------------------------------------


async def test_links_survive_a_new_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    store = await Store.open(url)
    conversation = await store.create_conversation(platform="discord", owner="7")
    links = Links(ChatLinks(store))
    await links.remember_origin(conversation.id, owner="7", channel_id=100, upload_limit=9)
    home = await links.home(conversation.id)
    assert (home.channel_id, home.thread_id, home.upload_limit) == (100, None, 9)
    await links.link_thread(conversation.id, owner="7", thread_id=200, upload_limit=None)
    store.close()

    again_store = await Store.open(url)
    again = Links(ChatLinks(again_store))
    home = await again.home(conversation.id)
    assert (home.channel_id, home.thread_id, home.owner, home.upload_limit) == (200, 200, "7", 9)
    link = await again.in_thread(200)
    assert (link.conversation_id, link.owner) == (conversation.id, "7")
    assert await again.in_thread(300) is None
    deliveries = Deliveries(again.keeper)
    assert deliveries.fresh("interaction", 1) and not deliveries.fresh("interaction", 1)
    assert await deliveries.first("interaction", 1)
    assert not await Deliveries(ChatLinks(again_store)).first("interaction", 1)
    again_store.close()


# -- settings and the command line ------------------------------------------------------------


def test_settings(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    monkeypatch.setenv("DECKCAST_DISCORD_GUILD_ID", "123")
    monkeypatch.setenv("DECKCAST_DISCORD_ADMIN_ROLES", "Mods, deck admins ,")
    settings = Settings(_env_file=None)
    assert settings.discord_token.get_secret_value() == "secret-token-value"
    assert "secret-token-value" not in repr(settings)
    config = DiscordConfig.from_settings(settings)
    assert config.dev_guild_id == 123
    assert config.admin_roles == ("Mods", "deck admins")
    assert config.edit_interval == 1.5


def test_the_command_needs_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    run = deckcast("discord", cwd=tmp_path, cache=tmp_path / "c")
    assert run.returncode == 1
    assert "DISCORD_TOKEN is not set" in run.stderr and "Traceback" not in run.stderr
    helped = deckcast("discord", "--help", cwd=tmp_path, cache=tmp_path / "c")
    assert helped.returncode == 0 and "--guild" in helped.stdout


@pytest.mark.parametrize("value", ["0.1", "abc"])
def test_a_bad_edit_interval_is_refused(monkeypatch, value):
    from pydantic import ValidationError

    monkeypatch.setenv("DECKCAST_DISCORD_EDIT_INTERVAL", value)
    with pytest.raises(ValidationError, match="discord_edit_interval"):
        Settings(_env_file=None)
