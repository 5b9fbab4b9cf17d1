"""``deckcast discord``: the engine and the Discord client built once from settings, run until
Discord refuses us or the process is asked to stop (SIGINT or SIGTERM: what Ctrl+C, a deploy,
``systemctl restart`` and ``docker stop`` send).

A stop is graceful: renders stop first and stay in the store as unfinished (the next start
resumes and delivers them), then the client closes its gateway connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import replace

import aiohttp
import discord
import yarl

from ..errors import BotError, SettingsError
from ..health import gateway_probe
from ..monitor import Monitor, serve_monitor
from ..services import Services
from ..settings import Settings
from .client import DeckcastBot
from .config import DiscordConfig

log = logging.getLogger(__name__)


def point_at(api_url: str | None, gateway_url: str | None) -> None:
    """Send discord.py's REST calls and gateway connection elsewhere (a REST proxy, which large
    bots run to share rate limits; a local fake in tests). discord.py offers no per-client seam
    for either: the REST base is the class attribute ``Route.BASE`` that every request's URL
    is built from, and the gateway is ``DiscordWebSocket.DEFAULT_GATEWAY``, read by the
    classmethod that opens the first connection. So this changes them for the process, which
    runs one bot."""
    if api_url:
        discord.http.Route.BASE = api_url.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


async def run(settings: Settings, guild: int | None) -> None:
    """Serve Discord until SIGINT/SIGTERM (then stop gracefully) or a fatal refusal."""
    assert settings.discord_token is not None
    # deckcast never joins voice channels: discord.py's "PyNaCl is not installed" is noise here.
    logging.getLogger("discord.client").addFilter(
        lambda record: "voice will NOT be supported" not in record.getMessage()
    )
    logging.getLogger("discord.client").addFilter(_one_line_reconnects)
    point_at(settings.discord_api_url, settings.discord_gateway_url)
    config = DiscordConfig.from_settings(settings)
    if guild is not None:
        config = replace(config, dev_guild_id=guild)
    services = await Services.open(settings, monitored=True)
    bot = DeckcastBot(services.engine, config)
    # /metrics and /healthz (gateway + store) on DECKCAST_METRICS_PORT, when set
    monitor = await serve_monitor(
        settings, Monitor(services.store, services.metrics, {"discord": gateway_probe(bot)})
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    client = asyncio.ensure_future(bot.start(settings.discord_token.get_secret_value()))
    stopping = asyncio.ensure_future(stop.wait())
    ready = asyncio.ensure_future(bot.wait_until_ready())
    try:
        # Start-up: the gateway must answer in time (discord.py itself retries for ever).
        await asyncio.wait(
            {client, stopping, ready},
            timeout=settings.discord_connect_timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if not (client.done() or stopping.done() or ready.done()):
            raise BotError(
                f"could not connect to Discord's gateway within "
                f"{settings.discord_connect_timeout:.0f} s; check the network connection "
                "(and DECKCAST_DISCORD_GATEWAY_URL if set)"
            )
        await asyncio.wait({client, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if client.done():
            _raise_friendly(client, connected=ready.done())
        else:
            log.info("stopping: unfinished renders resume on the next start")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        stopping.cancel()
        ready.cancel()
        # Renders stop first (left in the store: the next start resumes them), then the client.
        await services.close(resume_later=True)
        await bot.close()
        if monitor is not None:
            await monitor.close()
        if not client.done():
            client.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await client


def _raise_friendly(client: asyncio.Future[None], *, connected: bool) -> None:
    """Turn how the client stopped into one sentence for the person running the bot (before
    the first connection, whatever stopped it: discord.py itself can trip over a gateway that
    was never reached)."""
    exc = client.exception()
    if exc is None:
        return
    if isinstance(exc, discord.LoginFailure):
        raise SettingsError(
            "Discord refused the bot token (DISCORD_TOKEN); reset it in the developer portal "
            "(your application → Bot → Reset Token) and set it again"
        ) from None
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        raise SettingsError(
            "Discord refused the Message Content intent; turn it on in the developer portal "
            "(your application → Bot → Privileged Gateway Intents → Message Content Intent)"
        ) from None
    if isinstance(exc, discord.ConnectionClosed) and exc.code == 4004:
        raise SettingsError(
            "Discord's gateway refused the bot token (DISCORD_TOKEN, close code 4004); reset "
            "it in the developer portal (your application → Bot → Reset Token) and set it again"
        ) from None
    if isinstance(exc, discord.ConnectionClosed):
        raise BotError(
            f"Discord closed the gateway connection (code {exc.code}: {exc.reason or 'no reason'})"
        ) from None
    if isinstance(exc, aiohttp.ClientError | OSError):
        raise BotError(
            f"could not reach Discord ({type(exc).__name__}: {exc}); check the network "
            "connection and try again"
        ) from None
    if not connected:
        log.debug("the client stopped before connecting", exc_info=exc)
        raise BotError(
            "could not connect to Discord's gateway; check the network connection (and "
            "DECKCAST_DISCORD_GATEWAY_URL if set)"
        ) from None
    raise exc


def _one_line_reconnects(record: logging.LogRecord) -> bool:
    """discord.py logs each reconnect attempt with a whole traceback; one line says it."""
    if record.getMessage().startswith("Attempting a reconnect") and record.exc_info:
        exc = record.exc_info[1]
        record.msg = f"{record.getMessage()} (after {type(exc).__name__}: {exc})"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
    return True
