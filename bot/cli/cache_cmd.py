"""``deckcast cache``: what the asset cache and the chat videos take on disk, per kind;
``deckcast cache prune`` trims the cache to its cap and the chat videos to the kept versions."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.table import Table

from render import AssetCache
from render.cache import KINDS

from ..retention import PruneReport, VideoRetention, folder_bytes
from ..settings import Settings
from ..store import Store
from .console import friendly_errors, out

cache_app = typer.Typer(
    name="cache",
    help="The asset cache and chat videos: size per kind, and pruning.",
    invoke_without_command=True,
    rich_markup_mode=None,
)

MaxGbOpt = Annotated[
    float | None,
    typer.Option(
        "--max-gb",
        min=0,
        help="Trim the asset cache to this size [default: DECKCAST_CACHE_MAX_GB].",
    ),
]
VideosOpt = Annotated[
    bool,
    typer.Option(
        "--videos/--no-videos",
        help="Also remove chat videos beyond the last DECKCAST_KEEP_VIDEOS versions.",
    ),
]


def size(nbytes: int) -> str:
    return f"{nbytes / 1e9:.2f} GB" if nbytes >= 1e9 else f"{nbytes / 1e6:.1f} MB"


def open_cache(settings: Settings) -> AssetCache:
    return AssetCache(settings.cache_dir, max_bytes=settings.cache_max_bytes)


@cache_app.callback()
@friendly_errors
def show(ctx: typer.Context) -> None:
    """The asset cache and chat videos: size per kind, and pruning.

    Without a sub-command: what the asset cache (DECKCAST_CACHE_DIR) holds per kind, its cap
    (DECKCAST_CACHE_MAX_GB), and what the chat bots' videos (in DECKCAST_DATA_DIR) take.
    """
    if ctx.invoked_subcommand is not None:
        return
    settings: Settings = ctx.obj
    usage = open_cache(settings).usage()
    table = Table(title=f"asset cache: {settings.cache_dir}", title_justify="left")
    for column, justify in (("kind", "left"), ("entries", "right"), ("files", "right"),
                            ("size", "right")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for kind, row in usage.items():
        table.add_row(KINDS.get(kind, kind), str(row.entries), str(row.files), size(row.bytes))
    total = sum(row.bytes for row in usage.values())
    cap = f"cap {settings.cache_max_gb:g} GB" if settings.cache_max_bytes else "no cap"
    table.add_section()
    table.add_row(f"total ({cap})", str(sum(r.entries for r in usage.values())),
                  str(sum(r.files for r in usage.values())), size(total))  # fmt: skip
    out.print(table)
    videos = settings.videos_dir
    folders = [p for p in videos.iterdir() if p.is_dir()] if videos.is_dir() else []
    files, nbytes = folder_bytes(videos)
    keep = f"the last {settings.keep_videos}" if settings.keep_videos else "every"
    out.print(
        f"chat videos: {videos}: {len(folders)} conversations, {files} files, {size(nbytes)} "
        f"(keeping {keep} version{'s' if settings.keep_videos != 1 else ''} of each)",
        soft_wrap=True,
    )


@cache_app.command("prune")
@friendly_errors
def prune(ctx: typer.Context, max_gb: MaxGbOpt = None, videos: VideosOpt = True) -> None:
    """Trim the asset cache to its cap (least recently used first; never what a running
    render uses), and the chat videos to the last DECKCAST_KEEP_VIDEOS versions of each
    conversation (never one not yet delivered)."""
    settings: Settings = ctx.obj
    cache = open_cache(settings)
    limit = int(max_gb * 1e9) if max_gb is not None else settings.cache_max_bytes
    if limit is None:
        out.print("asset cache: no cap (DECKCAST_CACHE_MAX_GB=0); give --max-gb to trim it")
    else:
        report = cache.trim(limit)
        in_use = f", {size(report.pinned_bytes)} in use by a render" if report.pinned_bytes else ""
        out.print(
            f"asset cache: removed {report.removed_entries} entries "
            f"({size(report.removed_bytes)}); {size(report.kept_bytes)} left "
            f"(at most {size(limit)}){in_use}"
        )
    if videos:
        done = asyncio.run(prune_videos(settings))
        keep = settings.keep_videos
        if keep <= 0:
            out.print("chat videos: all kept (DECKCAST_KEEP_VIDEOS=0)")
        else:
            out.print(
                f"chat videos: removed {done.versions} old version(s), {done.files} files "
                f"({size(done.bytes)}); keeping the last {keep} of each conversation"
            )


async def prune_videos(settings: Settings) -> PruneReport:
    if settings.keep_videos <= 0 or not settings.videos_dir.is_dir():
        return PruneReport()
    store = await Store.open(settings.database_url)
    try:
        return await VideoRetention(
            settings.videos_dir, store, keep=settings.keep_videos
        ).prune_all()
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    app.add_typer(cache_app, name="cache")
