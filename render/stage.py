"""What every stage of one render shares: the renderer, the plan, the progress, the warnings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cache import CacheView
    from .pipeline import Renderer
    from .plan import RenderPlan
    from .progress import ProgressTally


@dataclass(frozen=True, slots=True)
class RenderRun:
    """One render under way: who renders it (threads, process slots, backends), the cache as
    it sees it (every entry it touches pinned until it ends), what was planned, whom to tell
    about each step, and the warnings collected for the result."""

    renderer: Renderer
    plan: RenderPlan
    progress: ProgressTally
    warnings: list[str]
    cache: CacheView


class RenderStage:
    """Base of the stages (pictures, frames, narration, segments): the run's parts by name."""

    def __init__(self, run: RenderRun) -> None:
        self.r = run.renderer
        self.cache = run.cache
        self.plan = run.plan
        self.progress = run.progress
        self.warnings = run.warnings
