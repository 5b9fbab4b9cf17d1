"""``deckcast slack``: the engine and the Slack app built once from settings, run in Socket
Mode (``SLACK_APP_TOKEN`` set: no public URL needed) or HTTP mode (``SLACK_SIGNING_SECRET`` and
a port) until asked to stop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError

from ..health import socket_mode_probe
from ..monitor import Monitor, serve_monitor
from ..services import Services
from ..settings import Settings
from .app import build_app
from .config import SlackConfig
from .errors import SlackSetupError, explain
from .server import HttpServer, SocketModeConnection
from .web import build_client

log = logging.getLogger(__name__)


async def run(
    settings: Settings,
    config: SlackConfig,
    *,
    stop: asyncio.Event,
    ready: Callable[[str], None] = lambda _line: None,
) -> None:
    """Serve Slack until ``stop`` is set. ``ready`` gets one line saying where it listens."""
    client = build_client(config.bot_token, api_url=config.api_url)
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        code = str(exc.response.get("error", "unknown_error"))
        raise SlackSetupError(explain("auth.test", code).fix) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise SlackSetupError(
            f"could not reach Slack at {config.api_url} ({type(exc).__name__}); check the "
            "network connection (and DECKCAST_SLACK_API_URL if set)"
        ) from None
    services = await Services.open(settings, monitored=True)
    bot = build_app(
        services.engine, client, signing_secret=config.signing_secret, admins=config.admins
    )
    try:
        recovered = await services.engine.recover()
        if recovered:
            log.info("resuming %d unfinished render(s)", len(recovered))
        who = f"@{identity.get('user')} in {identity.get('team')}"
        if config.socket_mode:
            assert config.app_token is not None
            connection = SocketModeConnection(bot, config.app_token)
            try:
                await connection.start()
            except SlackApiError as exc:
                code = str(exc.response.get("error", "unknown_error"))
                raise SlackSetupError(
                    f"SLACK_APP_TOKEN was refused ({code}): create an app-level token with the "
                    "connections:write scope and turn Socket Mode on (the manifest does)"
                ) from None
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                raise SlackSetupError(
                    f"could not open Slack's Socket Mode connection ({type(exc).__name__}); "
                    "check the network connection"
                ) from None
            # /metrics and /healthz (Socket Mode session + store) on the metrics port
            probes = {"slack": socket_mode_probe(connection.handler)}
            monitor = await serve_monitor(
                settings, Monitor(services.store, services.metrics, probes)
            )
            ready(f"deckcast is on Slack as {who} (Socket Mode)")
            try:
                await stop.wait()
            finally:
                await connection.close()
                if monitor is not None:
                    await monitor.close()
        else:
            # the HTTP server answers /metrics and /healthz (store) too
            monitor_of_http = Monitor(services.store, services.metrics, {})
            server = HttpServer(bot, host=config.host, port=config.port, monitor=monitor_of_http)
            url = await server.start()
            monitor = await serve_monitor(settings, monitor_of_http)  # and on its port
            ready(f"deckcast is on Slack as {who}: HTTP mode, listening on {url}")
            try:
                await stop.wait()
            finally:
                await server.close()
                if monitor is not None:
                    await monitor.close()
    finally:
        await services.close(resume_later=True)  # a stop (deploy, restart) resumes renders


async def run_until_signalled(
    settings: Settings, config: SlackConfig, *, ready: Callable[[str], None]
) -> None:
    """:func:`run` until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(settings, config, stop=stop, ready=ready)
