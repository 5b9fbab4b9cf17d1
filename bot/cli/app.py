"""The typer application: global options, settings loaded once, sub-commands registered.

Each command lives in a module of its own, imported only when that command runs (or its help
is asked for): ``deckcast --help`` and ``deckcast render`` never load LangChain, the OpenAI
client, the chat platforms' libraries or torch. ``COMMANDS`` lists them in the order the help
shows, with the one line it shows for each.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
from collections.abc import Iterator
from typing import Any

import typer
from typer.core import TyperGroup

from .argv import caption_style_args

# name -> (module of bot.cli holding ``register(app)``, the line ``deckcast --help`` shows)
COMMANDS: dict[str, tuple[str, str]] = {
    "render": ("render_cmd", "Render a Markdown outline into a narrated MP4, a storyboard..."),
    "export": ("export_cmd", "Export a Markdown outline as an editable PowerPoint file and a PDF."),
    "plan": ("plan_cmd", "Plan a deck from a request and write it as a Markdown outline."),
    "revise": ("revise_cmd", "Apply one instruction to a deck outline and write the revised..."),
    "chat": ("chat_cmd", "Talk to deckcast in the terminal: the first message is the..."),
    "status": ("status_cmd", "Show queued, running and failed render jobs per..."),
    "slack": ("slack_cmd", "Run deckcast in Slack: /deck or @deckcast with a request (or a..."),
    "discord": ("discord_cmd", "Run the Discord bot: /deck create, live progress, the video,..."),
    "models": ("models_cmd", "Diffusion models: presets, what is on this machine, downloads."),
    "voices": (
        "voices_cmd",
        "Narration voices: what is on this machine, what each speaks, downloads.",
    ),
    "cache": ("cache_cmd", "The asset cache and chat videos: size per kind, and pruning."),
    "doctor": ("doctor_cmd", "Check what this machine has for the configured setup, with fixes."),
}


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while modules load: imports make many objects that live
    as long as the process, and collecting them again and again costs about a tenth of the
    start-up. They are frozen afterwards (never scanned again, also good for the bots)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class LazyCommands(TyperGroup):
    """A command group that imports a command's module when the command is looked up."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            with quiet_gc():
                module = importlib.import_module(f"{__package__}.{COMMANDS[cmd_name][0]}")
                holder = typer.Typer(rich_markup_mode=None)
                module.register(holder)
                group = typer.main.get_group(holder)
            self.commands[cmd_name] = group.commands[cmd_name]
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from ``COMMANDS``: no module is imported to show it."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_module, line) in COMMANDS.items()])


app = typer.Typer(
    name="deckcast",
    cls=LazyCommands,
    help="Turn a request or a Markdown outline into a narrated explainer video.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("deckcast")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"deckcast {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens, step by step."),
    _version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        expose_value=True,
        callback=_print_version,
        help="Show the version and exit.",
    ),
) -> None:
    """deckcast: explainer videos from a chat message.

    Settings come from the environment and a .env file (DECKCAST_* variables; see README).
    """
    with quiet_gc():
        from pydantic import ValidationError

        from ..logs import configure_logging
        from ..settings import Settings
        from .console import print_error

    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print_error(f"bad setting: {problems}")
        raise typer.Exit(2) from None
    configure_logging(settings, verbose=verbose)
    # httpx logs every request's URL at INFO (with -v): credentials written into a base URL or a
    # ?key= query would be printed. Every record is scrubbed of those too.
    from openai_http import scrub_logs

    scrub_logs(secret.get_secret_value() for secret in settings.secrets())
    ctx.obj = settings


def main() -> None:
    try:
        app(caption_style_args(sys.argv[1:]))
    except KeyboardInterrupt:
        from .console import console

        console.print("[yellow]interrupted[/]")
        raise SystemExit(130) from None
