"""The terminal: one rich console, friendly errors, and the render progress bar."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from deck import slides_count

from ..errors import BotError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from render import ProgressEvent, RenderResult
    from render.export import ExportResult

console = Console(stderr=True, highlight=False)
out = Console(highlight=False)

P = ParamSpec("P")
R = TypeVar("R")


def print_error(message: str) -> None:
    console.print(f"[bold red]error:[/] {escape(message)}")


def friendly_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a person can act on into one red line and exit code 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except BotError as exc:
            print_error(str(exc))
            raise typer.Exit(1) from None
        except FileNotFoundError as exc:
            print_error(f"no such file: {exc.filename}")
            raise typer.Exit(1) from None
        except PermissionError as exc:
            print_error(f"permission denied: {exc.filename}")
            raise typer.Exit(1) from None
        except Exception as exc:
            if not isinstance(exc, user_errors()):
                raise
            print_error(str(exc))
            raise typer.Exit(1) from None

    return wrapper


# The error bases of the packages whose messages are written for the person; looked up only
# among the modules already imported (a command that never imported ``agent`` cannot meet an
# AgentError, and importing it to check would load LangChain).
_USER_ERRORS = (
    ("deck.errors", "DeckError"),
    ("render.errors", "RenderError"),
    ("agent.errors", "AgentError"),
)


def user_errors() -> tuple[type[BaseException], ...]:
    found = (getattr(sys.modules[m], name, None) for m, name in _USER_ERRORS if m in sys.modules)
    return tuple(t for t in found if isinstance(t, type))


class RenderProgress:
    """A rich progress bar fed by render progress events: stage, slide i/n, elapsed."""

    def __init__(self, title: str) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress: Progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description:<11}"),
            BarColumn(bar_width=32),
            TextColumn("slide {task.fields[slides_done]}/{task.fields[slides]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.title = title
        self.task: TaskID | None = None

    def __enter__(self) -> RenderProgress:
        self.progress.__enter__()
        self.task = self.progress.add_task("starting", total=1, slides_done=0, slides="?")
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, event: ProgressEvent) -> None:
        assert self.task is not None
        self.progress.update(
            self.task,
            description=event.stage.value,
            completed=event.done,
            total=event.total,
            slides_done=event.slides_done,
            slides=event.slides,
        )


CHAT_UPLOAD_BYTES = 10 * 1024 * 1024  # Discord's default upload limit, the smallest usual one


def print_summary(result: RenderResult) -> None:
    size_mb = result.size_bytes / 1_000_000
    out.print(f"[bold green]✓[/] {escape(str(result.video))}")
    out.print(
        f"  {result.duration:.1f} s · {size_mb:.1f} MB · {slides_count(result.slides)} "
        f"({result.slides_from_cache} from cache) · voice {escape(result.voice)} · "
        f"{result.stage_seconds.get('total', 0):.1f} s to render"
    )
    if result.storyboard:
        out.print(f"  storyboard {escape(str(result.storyboard))}")
    if result.srt and result.vtt:
        out.print(f"  subtitles  {escape(str(result.srt))}, {escape(result.vtt.name)}")
    if result.size_bytes > CHAT_UPLOAD_BYTES:
        console.print(
            f"[yellow]note:[/] the video is {result.size_bytes / 1024 / 1024:.1f} MiB, over the "
            "10 MiB a chat upload usually allows; the bot re-encodes it to fit when it posts it, "
            "or render it smaller with --resolution 720p"
        )
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")


def print_export(result: ExportResult) -> None:
    for path, size, unit in (
        (result.pptx, result.pptx_bytes, "slides"),
        (result.pdf, result.pdf_bytes, "pages"),
    ):
        if path is not None:
            out.print(
                f"[bold green]✓[/] {escape(str(path))}  "
                f"({result.slides} {unit}, {size / 1_000_000:.1f} MB)"
            )
    out.print(f"  exported in {result.seconds:.1f} s")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")


def print_status(message: str) -> None:
    """A line from the agent while it works or waits ("the model is busy, retrying (2/3)")."""
    console.print(f"[yellow]…[/] {escape(message)}")
