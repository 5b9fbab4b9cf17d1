"""The typer application: global options, settings loaded once, sub-commands registered."""

from __future__ import annotations

import logging
import sys

import typer
from pydantic import ValidationError

from openai_http import scrub_logs

from ..settings import Settings
from . import (
    chat_cmd,
    discord_cmd,
    export_cmd,
    models_cmd,
    plan_cmd,
    render_cmd,
    revise_cmd,
    slack_cmd,
    status_cmd,
    voices_cmd,
)
from .console import console, print_error

app = typer.Typer(
    name="deckcast",
    help="Turn a request or a Markdown outline into a narrated explainer video.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens, step by step."),
) -> None:
    """deckcast: explainer videos from a chat message.

    Settings come from the environment and a .env file (DECKCAST_* variables; see README).
    """
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print_error(f"bad setting: {problems}")
        raise typer.Exit(2) from None
    logging.basicConfig(
        level=logging.DEBUG
        if verbose
        else getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request's URL at INFO (with -v): credentials written into a base URL or a
    # ?key= query would be printed. Every record is scrubbed, of the configured keys as well.
    scrub_logs(secret.get_secret_value() for secret in settings.secrets())
    if not verbose:
        for noisy in ("httpx", "httpx2"):  # the openai client logs every request at INFO
            logging.getLogger(noisy).setLevel(logging.WARNING)
        logging.getLogger("fontTools").setLevel(logging.WARNING)  # PDF font subsetting
    ctx.obj = settings


render_cmd.register(app)
export_cmd.register(app)
plan_cmd.register(app)
revise_cmd.register(app)
chat_cmd.register(app)
status_cmd.register(app)
slack_cmd.register(app)
models_cmd.register(app)
voices_cmd.register(app)
discord_cmd.register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        sys.exit(130)
