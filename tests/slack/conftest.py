"""The Slack app wired for tests: the real engine (store on SQLite, the real renderer with
procedural pictures), the real bolt app served over HTTP on 127.0.0.1, the fake Slack Web API,
and a signer that delivers requests as Slack does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from langchain_core.language_models import BaseChatModel

from agent import Planner, Reviser, build_chat_model
from bot.backends import LLM_HINTS
from bot.engine import ConversationEngine, JobLimits
from bot.slack import HttpServer, SlackBot, build_app, build_client
from bot.store import JobState, Store
from render import Renderer, RenderOptions
from tests.fakes.openai_chat import FakeOpenAI
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, Message, Upload
from tests.fakes.slack_events import SIGNING_SECRET, SlackDelivery
from tests.probe import ProbeResult, probe

OUTLINE = """\
# Why the sea has tides
- The moon and the sun pull on the oceans

## The moon pulls
- Gravity is stronger on the near side
> The moon's gravity pulls hardest on the side of the earth that faces it.

## Two bulges
- One under the moon, one on the far side
> So the oceans bulge twice, and the earth turns through both bulges every day.
"""

FAST = RenderOptions(resolution=240, default_voice="silent", fps=1, storyboard=True)


@dataclass
class SlackWorld:
    slack: FakeSlack
    engine: ConversationEngine
    bot: SlackBot
    server: HttpServer
    deliver: SlackDelivery
    tmp: Path

    @property
    def store(self) -> Store:
        return self.engine.store

    async def jobs(self) -> list:
        return await self.store.jobs_in(tuple(JobState))

    async def video_upload(self, number: int = 1, within: float = 30) -> Upload:
        """Wait for the ``number``-th MP4 shared in a thread or channel."""

        def mp4s() -> list[Upload]:
            return [u for u in self.slack.completed_uploads() if u.filename.endswith(".mp4")]

        await self.slack.wait_for(lambda: len(mp4s()) >= number, within=within)
        return mp4s()[number - 1]

    def probe_upload(self, upload: Upload) -> ProbeResult:
        assert upload.data is not None
        path = self.tmp / f"uploaded-{upload.file_id}.mp4"
        path.write_bytes(upload.data)
        return probe(path)

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        return self.slack.thread(channel, thread_ts)


async def eventually(check: Callable[[], object], within: float = 10.0) -> None:
    """Wait until ``check()`` is truthy (for what happens after the fake has answered)."""
    for _ in range(int(within / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out waiting")


@contextlib.asynccontextmanager
async def open_world(
    tmp_path: Path,
    renderer: Renderer,
    model: BaseChatModel | None = None,
    *,
    slack: FakeSlack | None = None,
    deliver: SlackDelivery | None = None,
) -> AsyncIterator[SlackWorld]:
    """The app over ``tmp_path``'s store; ``slack`` and ``deliver``: those of a world before
    (a restart of the bot: a new store, engine and app on the same database, and Slack goes on
    numbering its events and messages)."""
    async with contextlib.AsyncExitStack() as stack:
        if slack is None:
            slack = await stack.enter_async_context(FakeSlack())
        store = await Store.open(f"sqlite:///{tmp_path / 'deckcast.db'}")
        engine = ConversationEngine(
            store,
            Planner(model, hints=LLM_HINTS),  # as the wiring builds them
            Reviser(model, hints=LLM_HINTS),
            renderer,
            videos_dir=tmp_path / "videos",
            render_defaults=FAST,
            limits=JobLimits(concurrent=1, per_user=1, per_workspace=10),
        )
        client = build_client(BOT_TOKEN, api_url=slack.api_url)
        bot = build_app(engine, client, signing_secret=SIGNING_SECRET, edit_interval=0.05)
        server = HttpServer(bot, host="127.0.0.1", port=0)
        url = await server.start()
        if deliver is None:
            deliver = SlackDelivery(url, on_message=slack.person_wrote)
        deliver.url = url
        try:
            yield SlackWorld(slack, engine, bot, server, deliver, tmp_path)
        finally:
            await server.close()
            await engine.close()
            store.close()


@pytest.fixture
async def world(tmp_path: Path, renderer: Renderer) -> AsyncIterator[SlackWorld]:
    """The Slack app with no language model: outlines and structural commands work."""
    async with open_world(tmp_path, renderer) as world:
        yield world


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def model_world(
    tmp_path: Path, renderer: Renderer, llm: FakeOpenAI
) -> AsyncIterator[SlackWorld]:
    """The Slack app with a language model: the local fake chat server, scripted by the test."""
    model = build_chat_model(model="fake-model", base_url=llm.base_url, api_key=llm.api_key)
    async with open_world(tmp_path, renderer, model) as world:
        yield world
