"""The Discord bot under test: the real engine, store and renderer, the real discord.py client,
and the fake Discord it talks to over sockets. Shared by the bot tests and the benchmark."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from agent import Planner, Reviser
from bot.discord import DeckcastBot, DiscordConfig
from bot.engine import ConversationEngine, JobLimits
from bot.store import Store
from render import AssetCache, ImageRequest, Renderer, RenderOptions, SilentBackend
from render.voice.espeak import EspeakBackend
from tests.conftest import CountingImages
from tests.fakes.discord_server import FakeDiscord, FakeInteraction
from tests.probe import ProbeResult, decodes_cleanly, probe

# Small, fast renders: the bot's behaviour does not depend on the frame size.
FAST = RenderOptions(resolution=360, fps=1, default_voice="silent")
TEST_CONFIG = DiscordConfig(
    edit_interval=0.4,
    admin_roles=("deck-admins",),
    edit_timeout=1.0,
    edit_backoff=2.0,
    flush_before_video=1.0,
    post_retry_delays=(0.2, 0.5),
)

OUTLINE = """\
---
title: Why the tides turn
---

# Why the tides turn
> The sea rises and falls twice a day. Here is why.

## The moon pulls
- Gravity reaches across space
- The near side of the ocean bulges
> The moon's gravity pulls the ocean toward it, so the water bulges on the near side.

## Two bulges
- One toward the moon, one away
- The earth turns through both
> There is a second bulge on the far side, so most coasts see two high tides a day.
"""


class GatedImages(CountingImages):
    """Procedural pictures that wait for :attr:`gate` (closed: renders hold at the picture
    step, so a test can act while a render is running)."""

    def __init__(self, *, open_: bool = False) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        if open_:
            self.gate.set()

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        self.entered.set()
        self.gate.wait(60)
        return super().generate(requests)

    async def wait_entered(self, within: float = 30) -> None:
        await asyncio.wait_for(asyncio.to_thread(self.entered.wait, within), within + 1)


@dataclass
class Harness:
    fake: FakeDiscord
    workdir: Path
    images: Any
    config: DiscordConfig = TEST_CONFIG
    limits: JobLimits = field(default_factory=lambda: JobLimits(per_workspace=10))
    render: RenderOptions = FAST
    planner: Planner = field(default_factory=lambda: Planner(None))
    reviser: Reviser = field(default_factory=lambda: Reviser(None))
    store: Store | None = None
    engine: ConversationEngine | None = None
    renderer: Renderer | None = None
    bot: DeckcastBot | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.workdir / 'deckcast.db'}"

    async def start(self) -> DeckcastBot:
        """A new process, as far as the bot is concerned: store, engine, client."""
        self.store = await Store.open(self.database_url)
        self.renderer = Renderer(
            self.images,
            {"silent": SilentBackend(), "espeak": EspeakBackend()},
            AssetCache(self.workdir / "cache"),
        )
        self.engine = ConversationEngine(
            self.store,
            self.planner,
            self.reviser,
            self.renderer,
            videos_dir=self.workdir / "videos",
            render_defaults=self.render,
            limits=self.limits,
        )
        self.bot = DeckcastBot(self.engine, self.config, guild_ready_timeout=0.05)
        self._task = asyncio.create_task(self.bot.start("test-bot-token"))
        await asyncio.wait_for(self.bot.wait_until_ready(), 15)
        return self.bot

    async def stop(self) -> None:
        """Shut down as ``deckcast discord`` does: renders stop (left for the next start to
        resume), then the client."""
        if self.engine is not None:
            await self.engine.close(resume_later=True)
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.renderer is not None:
            self.renderer.close()
        if self.store is not None:
            self.store.close()
        self.bot = self._task = self.engine = self.renderer = self.store = None

    async def store_jobs(self, *states: Any) -> list[Any]:
        """Jobs in ``states``, read with a store of its own (works while stopped)."""
        store = await Store.open(self.database_url)
        try:
            return await store.jobs_in(list(states))
        finally:
            store.close()

    async def restart(self) -> DeckcastBot:
        await self.stop()
        return await self.start()

    # -- what a person does ---------------------------------------------------------------

    async def create_from_outline(
        self, user: str | None = None, outline: str = OUTLINE, **options: Any
    ) -> FakeInteraction:
        return await self.fake.slash(
            user or self.fake.alice,
            "create",
            attachment=("tides.md", outline.encode()),
            **options,
        )

    async def video_message(
        self,
        channel_id: str | None = None,
        *,
        version: int = 1,
        within: float = 60,
        newer_than: str | None = None,
    ) -> dict[str, Any]:
        """The message that carries version ``version``'s video (in the channel, or a thread;
        posted after message ``newer_than``)."""
        channel_id = channel_id or self.fake.channel_id
        oldest = int(newer_than or 0)
        return await self.fake.wait_for_message(
            lambda m: (
                m["channel_id"] == channel_id
                and int(m["id"]) > oldest
                and f"version {version} ·" in m["content"]
                and any(a["filename"].endswith(".mp4") for a in m["attachments"])
            ),
            within=within,
        )

    async def thread(self, within: float = 30) -> dict[str, Any]:
        await self.fake.wait_for_call(
            lambda c: c.matches("POST", r"/channels/\d+/messages/\d+/threads"), within=within
        )
        return self.fake.threads()[-1]


def video_of(fake: FakeDiscord, message: dict[str, Any]) -> bytes:
    attachment = next(a for a in message["attachments"] if a["filename"].endswith(".mp4"))
    return fake.file(attachment)


def probe_bytes(data: bytes) -> tuple[ProbeResult, bool, str]:
    """Probe uploaded MP4 bytes: (probe result, decodes cleanly, ffmpeg's complaints)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.mp4"
        path.write_bytes(data)
        ok, errors = decodes_cleanly(path)
        return probe(path), ok, errors


def button_ids(message: dict[str, Any]) -> list[str]:
    return [
        component["custom_id"]
        for row in message.get("components", [])
        for component in row.get("components", [])
        if "custom_id" in component
    ]


def button(message: dict[str, Any], action: str) -> str:
    return next(cid for cid in button_ids(message) if cid.startswith(f"deckcast:{action}:"))


@contextlib.asynccontextmanager
async def running_bot(workdir: Path, images: Any = None, **settings: Any) -> AsyncIterator[Harness]:
    fake_options = {k: settings.pop(k) for k in list(settings) if k in ("attachment_size_limit",)}
    fake = await FakeDiscord(**fake_options).start()
    harness = Harness(fake, workdir, images or CountingImages(), **settings)
    try:
        with fake.patch():
            try:
                await harness.start()
                yield harness
            finally:
                if isinstance(harness.images, GatedImages):
                    harness.images.gate.set()
                await harness.stop()
    finally:
        await fake.close()


def with_config(**changes: Any) -> DiscordConfig:
    return replace(TEST_CONFIG, **changes)
