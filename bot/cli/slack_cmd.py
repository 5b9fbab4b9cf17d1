"""``deckcast slack``: run the Slack app (Socket Mode or HTTP mode), or print its manifest."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from ..settings import Settings
from .console import console, friendly_errors, out

PortOpt = Annotated[
    int | None,
    typer.Option("--port", help="HTTP mode: the port [default: DECKCAST_SLACK_PORT or 3000]."),
]
HostOpt = Annotated[
    str | None,
    typer.Option("--host", help="HTTP mode: the address [default: DECKCAST_SLACK_HOST, 0.0.0.0]."),
]
ManifestOpt = Annotated[
    bool, typer.Option("--manifest", help="Print the Slack app manifest (to create the app).")
]

SLACK_EXTRA = ("slack_bolt", "slack_sdk", "aiohttp")
INSTALL_HINT = "the Slack app needs the slack extra: pip install 'deckcast[slack]'"


def register(app: typer.Typer) -> None:
    @app.command("slack")
    @friendly_errors
    def slack_command(
        ctx: typer.Context,
        port: PortOpt = None,
        host: HostOpt = None,
        manifest: ManifestOpt = False,
    ) -> None:
        """Run deckcast in Slack: /deck or @deckcast with a request (or a Markdown outline)
        makes a video in a thread; replies in the thread change it.

        Socket Mode when SLACK_APP_TOKEN is set (no public URL needed); otherwise HTTP mode on
        --port, which needs SLACK_SIGNING_SECRET. SLACK_BOT_TOKEN is always needed. Create the
        Slack app from the manifest: deckcast slack --manifest.
        """
        try:  # the slack extra is optional: import it only when this command runs
            from ..slack import MANIFEST
            from ..slack.config import SlackConfig
            from ..slack.runner import run_until_signalled
        except ImportError as exc:
            if (exc.name or "").split(".")[0] not in SLACK_EXTRA:
                raise
            console.print(f"[bold red]error:[/] {INSTALL_HINT} ({exc.name} is missing)")
            raise typer.Exit(1) from None
        if manifest:
            out.print(MANIFEST.read_text(encoding="utf-8"), markup=False, highlight=False)
            return
        settings: Settings = ctx.obj
        config = SlackConfig.from_settings(settings, host=host, port=port)
        asyncio.run(run_until_signalled(settings, config, ready=_ready))
        console.print("stopped")


def _ready(line: str) -> None:
    console.print(f"[green]✓[/] {line}", soft_wrap=True)
