"""``deckcast discord``: run the Discord bot (``DISCORD_TOKEN``; see the README's Discord
section for creating the application and inviting it)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Annotated

import typer

from ..errors import BotError, SettingsError
from ..services import Services
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
        import aiohttp
        import discord

        from ..discord import DeckcastBot, DiscordConfig
    except ImportError:
        raise SettingsError(
            "the Discord bot needs discord.py: pip install 'deckcast[discord]'"
        ) from None
    assert settings.discord_token is not None
    # deckcast never joins voice channels: discord.py's "PyNaCl is not installed" is noise here.
    logging.getLogger("discord.client").addFilter(
        lambda record: "voice will NOT be supported" not in record.getMessage()
    )
    if settings.discord_api_url:  # a REST proxy (large bots run one to share rate limits)
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
    if settings.discord_gateway_url:
        import yarl

        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    config = DiscordConfig.from_settings(settings)
    if guild is not None:
        config = replace(config, dev_guild_id=guild)
    services = await Services.open(settings)
    bot = DeckcastBot(services.engine, config)
    try:
        await bot.start(settings.discord_token.get_secret_value())
    except discord.LoginFailure:
        raise SettingsError(
            "Discord refused the bot token (DISCORD_TOKEN); reset it in the developer portal "
            "(your application → Bot → Reset Token) and set it again"
        ) from None
    except (aiohttp.ClientError, OSError) as exc:
        raise BotError(
            f"could not reach Discord ({type(exc).__name__}: {exc}); check the network "
            "connection and try again"
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise SettingsError(
            "Discord refused the Message Content intent; turn it on in the developer portal "
            "(your application → Bot → Privileged Gateway Intents → Message Content Intent)"
        ) from None
    finally:
        # Renders stop first (left in the store: the next start resumes them), then the client.
        await services.close(resume_later=True)
        await bot.close()
