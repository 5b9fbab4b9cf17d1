"""Renders on a Ray cluster: a pool of render workers (CPU actors) sharing picture services
(one actor per GPU, or one CPU actor without GPUs) that batch pictures across renders.

``DECKCAST_RAY_ADDRESS`` joins a running cluster (``ray start --head`` on one machine,
``ray start --address=HEAD:6379`` on the GPU machines); without it deckcast starts a local Ray
on this machine. Render workers and picture services are restarted when their process dies
and the calls in flight are retried; a restarted render resumes from the shared asset cache
(``DECKCAST_CACHE_DIR`` must be the same folder for every node: a shared file system).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deck import Deck
from render import ProgressCallback, RenderOptions, RenderResult

from ..errors import SettingsError
from .base import WorkerHealth

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'deckcast[ray]'"


class RayExecutor:
    def __init__(
        self,
        settings: Any,
        *,
        workers: int | None = None,
        picture_services: int | None = None,
        batch_size: int | None = None,
        pictures: Callable[[Any], Any] | None = None,
        voices: Callable[[Any], Any] | None = None,
    ) -> None:
        """``pictures`` builds the picture backend and ``voices`` the voices from settings,
        inside the actors (default: what the settings name); both must be importable by the
        Ray workers."""
        try:
            import ray
        except ImportError:
            raise SettingsError(f"DECKCAST_EXECUTOR=ray needs Ray: {INSTALL_HINT}") from None
        from ..backends import build_image_backend, build_voices
        from .ray_actors import PictureService, RenderWorker

        pictures = pictures or build_image_backend
        voices = voices or build_voices

        self.ray = ray
        self.settings = settings
        if not ray.is_initialized():
            if settings.ray_address:
                ray.init(address=settings.ray_address, log_to_driver=False, configure_logging=False)
            else:
                ray.init(
                    num_cpus=settings.ray_local_cpus,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                    _node_ip_address="127.0.0.1",
                )
        gpus = int(ray.cluster_resources().get("GPU", 0))
        count = picture_services or max(1, gpus)
        service_class = ray.remote(max_restarts=-1, max_task_retries=-1)(PictureService)
        per_gpu = {"num_gpus": 1} if gpus >= count else {"num_cpus": 0}
        batch = batch_size or settings.ray_picture_batch
        self.services = [
            service_class.options(**per_gpu).remote(settings, batch, pictures) for _ in range(count)
        ]
        cpus = max(1, settings.ray_worker_cpus)
        worker_class = ray.remote(num_cpus=cpus, max_restarts=-1, max_task_retries=-1)(RenderWorker)
        self.workers = [
            worker_class.remote(settings, self.services, pictures, voices, index)
            for index in range(workers or settings.ray_render_workers)
        ]
        self._free: asyncio.Queue[Any] | None = None
        self._free_loop: asyncio.AbstractEventLoop | None = None

    async def _pool(self) -> asyncio.Queue[Any]:
        """Free workers. One event loop uses an executor at a time (a new loop, as in a
        script that calls asyncio.run twice, gets a fresh pool)."""
        loop = asyncio.get_running_loop()
        if self._free is None or self._free_loop is not loop:
            self._free_loop = loop
            self._free = asyncio.Queue()
            for worker in self.workers:
                self._free.put_nowait(worker)
        return self._free

    async def render(
        self,
        deck: Deck,
        out: Path,
        options: RenderOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> RenderResult:
        pool = await self._pool()
        worker = await pool.get()
        stream = worker.render.remote(deck, str(out), options or RenderOptions())
        try:
            async for ref in stream:
                kind, value = await ref
                if kind == "progress":
                    if progress is not None:
                        progress(value)
                else:
                    await self._bring_back(worker, value)
                    return value
            raise RuntimeError("the render worker ended without a result")
        except asyncio.CancelledError:
            self.ray.cancel(stream)
            raise
        finally:
            pool.put_nowait(worker)

    async def _bring_back(self, worker: Any, result: RenderResult) -> None:
        """Copy the outputs here when the worker ran on another machine (no shared folder)."""
        wanted = [
            p for p in (result.video, result.storyboard, result.srt, result.vtt) if p is not None
        ]
        missing = [str(p) for p in wanted if not await asyncio.to_thread(Path(p).exists)]
        if missing:
            files = await worker.fetch.remote(missing)
            await asyncio.to_thread(_write_all, files)

    async def picture_stats(self) -> list[dict[str, Any]]:
        return [await ref for ref in [s.describe.remote() for s in self.services]]

    async def health(self) -> list[WorkerHealth]:
        rows: list[WorkerHealth] = []
        for node in self.ray.nodes():
            resources = node.get("Resources", {})
            rows.append(
                WorkerHealth(
                    node.get("NodeManagerAddress", "?"),
                    "node",
                    bool(node.get("Alive")),
                    f"{resources.get('CPU', 0):g} CPU, {resources.get('GPU', 0):g} GPU",
                )
            )
        for kind, actors, method in (
            ("render worker", self.workers, "ping"),
            ("picture worker", self.services, "describe"),
        ):
            for i, actor in enumerate(actors, 1):
                try:
                    info = await asyncio.wait_for(getattr(actor, method).remote(), timeout=5)
                    rows.append(WorkerHealth(f"{kind} {i}", kind, True, f"pid {info['pid']}"))
                except Exception as exc:
                    rows.append(WorkerHealth(f"{kind} {i}", kind, False, type(exc).__name__))
        return rows

    async def close(self) -> None:
        for actor in (*self.workers, *self.services):
            self.ray.kill(actor)


def _write_all(files: dict[str, bytes]) -> None:
    for name, data in files.items():
        target = Path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(data)
        partial.replace(target)
