"""Everything the application needs, built once from settings (in ``main``) and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent import Planner, Reviser, build_chat_model
from render import Renderer, RenderOptions

from .backends import build_renderer
from .conversation import ConversationEngine
from .jobs import JobLimits
from .settings import Settings
from .store import Store


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
        model = None
        if settings.llm_model:
            key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
            model = build_chat_model(
                model=settings.llm_model,
                base_url=settings.openai_base_url,
                api_key=key,
                timeout=settings.llm_timeout,
            )
        engine = ConversationEngine(
            store,
            Planner(model),
            Reviser(model),
            renderer,
            videos_dir=videos_dir or settings.videos_dir,
            render_defaults=render_defaults(settings),
            limits=JobLimits(
                concurrent=settings.concurrent_renders,
                per_user=settings.renders_per_user,
                per_workspace=settings.queue_per_workspace,
            ),
        )
        return cls(settings, store, renderer, engine)

    async def close(self, *, resume_later: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        await self.engine.close(resume_later=resume_later)
        self.renderer.close()
        self.store.close()
