"""``deckcast status``: render jobs per guild/workspace and the health of the workers."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

import typer
from rich.table import Table

from ..execution import WorkerHealth
from ..settings import Settings
from ..store import JobState, Store
from .console import friendly_errors, out

STATES = [JobState.QUEUED, JobState.RUNNING, JobState.FAILED, JobState.DONE]


def ray_health(address: str | None) -> list[WorkerHealth]:
    """The nodes of the Ray cluster at ``address`` (or the one running on this machine)."""
    try:
        import ray
    except ImportError:
        return [
            WorkerHealth("ray", "node", False, "Ray is not installed: pip install 'deckcast[ray]'")
        ]
    try:
        ray.init(address=address or "auto", log_to_driver=False, configure_logging=False)
    except (ConnectionError, RuntimeError) as exc:
        return [WorkerHealth(address or "auto", "node", False, f"no Ray cluster: {str(exc)[:120]}")]
    try:
        rows = []
        for node in ray.nodes():
            resources = node.get("Resources", {})
            rows.append(
                WorkerHealth(
                    node.get("NodeManagerAddress", "?"),
                    "node",
                    bool(node.get("Alive")),
                    f"{resources.get('CPU', 0):g} CPU, {resources.get('GPU', 0):g} GPU",
                )
            )
        return rows
    finally:
        ray.shutdown()


def register(app: typer.Typer) -> None:
    @app.command("status")
    @friendly_errors
    def status_command(
        ctx: typer.Context,
        recent: Annotated[
            int, typer.Option("--recent", help="Also list this many recent jobs.")
        ] = 5,
    ) -> None:
        """Show queued, running and failed render jobs per guild/workspace, and the workers."""
        settings: Settings = ctx.obj

        async def read() -> tuple[dict[tuple[str, str], int], list, list]:
            store = await Store.open(settings.database_url)
            try:
                counts = await store.job_counts()
                active = await store.jobs_in([JobState.QUEUED, JobState.RUNNING])
                failed = (await store.jobs_in([JobState.FAILED]))[-recent:] if recent else []
                return counts, active, failed
            finally:
                store.close()

        counts, active, failed = asyncio.run(read())
        table = Table(title="render jobs", title_justify="left")
        table.add_column("workspace")
        for state in STATES:
            table.add_column(state.value, justify="right")
        for workspace in sorted({w for w, _s in counts}) or ["(none)"]:
            table.add_row(
                workspace or "(terminal)",
                *(str(counts.get((workspace, s.value), 0)) for s in STATES),
            )
        out.print(table)
        now = time.time()
        for job in active:
            since = job.started_at or job.created_at
            where = job.workspace or "terminal"
            out.print(
                f"  {job.state.value:<8} job {job.id} · conversation {job.conversation_id} "
                f"v{job.version} · {where} · {int(now - since)} s"
            )
        for job in failed:
            out.print(
                f"  failed   job {job.id} · conversation {job.conversation_id} "
                f"v{job.version}: {job.error}"
            )

        if settings.executor == "ray":
            workers = ray_health(settings.ray_address)
        else:
            workers = [
                WorkerHealth(
                    "bot process",
                    "local",
                    True,
                    "renders run inside the bot (DECKCAST_EXECUTOR=local)",
                )
            ]
        health = Table(title="workers", title_justify="left")
        for column in ("worker", "kind", "state", "detail"):
            health.add_column(column)
        for row in workers:
            health.add_row(
                row.name, row.kind, "[green]up[/]" if row.alive else "[red]down[/]", row.detail
            )
        out.print(health)
