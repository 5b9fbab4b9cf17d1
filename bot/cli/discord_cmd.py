"""``deckcast discord``: run the Discord bot (``DISCORD_TOKEN``; see the README's Discord
section for creating the application and inviting it)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from ..errors import SettingsError
from ..settings import Settings
from .console import friendly_errors

GuildOpt = Annotated[
    int | None,
    typer.Option(
        "--guild",
        help="Sync /deck to this server only: instant, for development "
        "[default: DECKCAST_DISCORD_GUILD_ID, else global].",
    ),
]
NOT_CONFIGURED = (
    "DISCORD_TOKEN is not set: create an application at "
    "https://discord.com/developers/applications, copy its bot token (Bot tab) and "
    "export DISCORD_TOKEN=... (see the README's Discord section)"
)


def register(app: typer.Typer) -> None:
    @app.command("discord")
    @friendly_errors
    def discord_command(ctx: typer.Context, guild: GuildOpt = None) -> None:
        """Run the Discord bot: /deck create, live progress, the video, revisions in a thread.

        Runs until interrupted (Ctrl+C). Renders left unfinished by a previous run resume.
        """
        settings: Settings = ctx.obj
        if settings.discord_token is None or not settings.discord_token.get_secret_value():
            raise SettingsError(NOT_CONFIGURED)
        asyncio.run(run(settings, guild))


async def run(settings: Settings, guild: int | None) -> None:
    try:
        from ..discord.runner import run as serve
    except ImportError:
        raise SettingsError(
            "the Discord bot needs discord.py: pip install 'deckcast[discord]'"
        ) from None
    await serve(settings, guild)
