"""Everything the application needs, built once from settings (in ``main``) and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent import Planner, Reviser, StructuredChat
from render import Renderer, RenderOptions

from .backends import build_llm, build_renderer
from .conversation import ConversationEngine
from .execution import Executor, LocalExecutor
from .jobs import JobLimits
from .settings import Settings
from .store import Store


def build_executor(settings: Settings, renderer: Renderer) -> Executor:
    """Renders run here (``local``) or on Ray (``ray``: imported only when chosen)."""
    if settings.executor == "ray":
        from .execution.ray_executor import RayExecutor

        return RayExecutor(settings)
    return LocalExecutor(renderer)


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
    closed: bool = field(default=False, repr=False)

    @classmethod
    async def open(
        cls, settings: Settings, *, videos_dir: Path | None = None, images: str | None = None
    ) -> Services:
        store = await Store.open(settings.database_url)
        renderer = build_renderer(settings, images=images)
        model = build_llm(settings)
        # One StructuredChat for both: the planner and the reviser share what answer format
        # the server turned out to support.
        chat = StructuredChat(model) if model is not None else None
        engine = ConversationEngine(
            store,
            Planner(chat),
            Reviser(chat),
            renderer,
            videos_dir=videos_dir or settings.videos_dir,
            render_defaults=render_defaults(settings),
            executor=build_executor(settings, renderer),
            limits=JobLimits(
                concurrent=settings.concurrent_renders,
                per_user=settings.renders_per_user,
                per_workspace=settings.queue_per_workspace,
            ),
        )
        return cls(settings, store, renderer, engine)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        await self.engine.close()
        await self.engine.executor.close()
        self.renderer.close()
        self.store.close()
