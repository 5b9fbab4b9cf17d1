"""``deckcast slack``: the engine and the Slack app built once from settings, run in Socket
Mode (``SLACK_APP_TOKEN`` set: no public URL needed) or HTTP mode (``SLACK_SIGNING_SECRET`` and
a port) until asked to stop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import SecretStr
from slack_sdk.errors import SlackApiError

from ..services import Services
from ..settings import Settings
from .app import build_app
from .errors import SlackSetupError, explain
from .server import HttpServer, SocketModeConnection
from .web import build_client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackConfig:
    """The Slack settings, checked: which mode, and the secrets it needs."""

    bot_token: str = field(repr=False)
    app_token: str | None = field(repr=False)
    signing_secret: str | None = field(repr=False)
    api_url: str
    host: str
    port: int
    admins: frozenset[str]

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @classmethod
    def from_settings(
        cls, settings: Settings, *, host: str | None = None, port: int | None = None
    ) -> SlackConfig:
        bot = _secret(settings.slack_bot_token)
        if bot is None:
            raise SlackSetupError(
                "deckcast slack needs SLACK_BOT_TOKEN: the Bot User OAuth Token (xoxb-...) from "
                "the app's OAuth & Permissions page (create the app with: deckcast slack "
                "--manifest)"
            )
        if not bot.startswith("xoxb-"):
            raise SlackSetupError(
                "SLACK_BOT_TOKEN must be the bot token, starting with xoxb- (not a user token "
                "xoxp- or the app-level token xapp-)"
            )
        app = _secret(settings.slack_app_token)
        secret = _secret(settings.slack_signing_secret)
        if app is None and secret is None:
            raise SlackSetupError(
                "set SLACK_APP_TOKEN (xapp-..., Basic Information → App-Level Tokens, scope "
                "connections:write) to run in Socket Mode, or SLACK_SIGNING_SECRET (Basic "
                "Information → Signing Secret) to run in HTTP mode on a public URL"
            )
        return cls(
            bot_token=bot,
            app_token=app,
            signing_secret=None if app is not None else secret,
            api_url=settings.slack_api_url,
            host=host or settings.slack_host,
            port=settings.slack_port if port is None else port,
            admins=frozenset(settings.slack_admins),
        )


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
    services = await Services.open(settings)
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
            ready(f"deckcast is on Slack as {who} (Socket Mode)")
            try:
                await stop.wait()
            finally:
                await connection.close()
        else:
            server = HttpServer(bot, host=config.host, port=config.port)
            url = await server.start()
            ready(f"deckcast is on Slack as {who}: HTTP mode, listening on {url}")
            try:
                await stop.wait()
            finally:
                await server.close()
    finally:
        await bot.close()
        await services.close()


async def run_until_signalled(
    settings: Settings, config: SlackConfig, *, ready: Callable[[str], None]
) -> None:
    """:func:`run` until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(settings, config, stop=stop, ready=ready)


def _secret(value: SecretStr | None) -> str | None:
    return (value.get_secret_value().strip() or None) if value is not None else None
