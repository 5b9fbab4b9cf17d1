"""Everything the application needs, built once from settings (in ``main``) and passed down."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent import Planner, Reviser
from render import Renderer, RenderOptions

from .backends import LLM_HINTS, build_renderer, build_structured_chat
from .engine import ConversationEngine, JobLimits, JobObserver
from .execution import Executor, LocalExecutor
from .retention import VideoRetention
from .settings import Settings
from .store import Store

if TYPE_CHECKING:
    from .metrics import Metrics

log = logging.getLogger(__name__)


def build_executor(settings: Settings, renderer: Renderer) -> Executor:
    """Renders run here (``local``) or on Ray (``ray``: imported only when chosen)."""
    if settings.executor == "ray":
        from .execution.ray_executor import RayExecutor

        return RayExecutor(settings)
    return LocalExecutor(renderer)


def warm_up(renderer: Renderer) -> asyncio.Future[Any] | None:
    """Start loading a local picture model now, off the event loop, so the first request
    finds it warm (a backend without a model has nothing to load)."""
    load = getattr(renderer.images, "load", None)
    if load is None:
        return None

    def report(done: asyncio.Future[Any]) -> None:
        if not done.cancelled() and done.exception() is not None:
            log.warning("the picture model could not be loaded: %s", done.exception())

    future = asyncio.get_running_loop().run_in_executor(None, load)
    future.add_done_callback(report)
    return future


def render_defaults(settings: Settings) -> RenderOptions:
    return RenderOptions(
        resolution=settings.resolution,
        fps=settings.fps,
        default_voice=settings.voice,
        extra_font=settings.font,
    )


@dataclass
class Services:
    settings: Settings
    store: Store
    renderer: Renderer
    engine: ConversationEngine
    warmup: asyncio.Future[Any] | None = field(default=None, repr=False)
    closed: bool = field(default=False, repr=False)
    metrics: Metrics | None = field(default=None, repr=False)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        videos_dir: Path | None = None,
        images: str | None = None,
        monitored: bool = False,
    ) -> Services:
        """``monitored``: collect the metrics the bots serve on /metrics (needs the
        prometheus-client of the discord/slack extras). Chat videos in the data dir (the bots')
        are pruned to the last DECKCAST_KEEP_VIDEOS versions per conversation; videos written
        elsewhere (``deckcast chat`` into out/) are the person's and are kept."""
        store = await Store.open(settings.database_url)
        renderer = build_renderer(settings, images=images)
        observers: list[JobObserver] = []
        metrics = None
        if monitored:
            from .metrics import Metrics

            metrics = Metrics()
            metrics.watch_cache(renderer.cache)
            observers.append(metrics)
        if videos_dir is None and settings.keep_videos > 0:
            observers.append(VideoRetention(settings.videos_dir, store, keep=settings.keep_videos))
        # One StructuredChat for both: the planner and the reviser share what answer format
        # the server turned out to support (kept in the data dir for the next start too).
        chat = build_structured_chat(settings, callbacks=metrics.llm_callbacks() if metrics else ())
        engine = ConversationEngine(
            store,
            Planner(chat, hints=LLM_HINTS),
            Reviser(chat, hints=LLM_HINTS),
            renderer,
            videos_dir=videos_dir or settings.videos_dir,
            render_defaults=render_defaults(settings),
            executor=build_executor(settings, renderer),
            limits=JobLimits(
                concurrent=settings.concurrent_renders,
                per_user=settings.renders_per_user,
                per_workspace=settings.queue_per_workspace,
            ),
            observers=observers,
            script_first=settings.review == "script",
        )
        # On Ray the picture services own the model; here the local renderer does.
        warmup = warm_up(renderer) if settings.executor == "local" else None
        return cls(settings, store, renderer, engine, warmup, metrics=metrics)

    async def close(self, *, resume_later: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        await self.engine.close(resume_later=resume_later)
        await self.engine.executor.close()
        self.renderer.close()
        self.store.close()
