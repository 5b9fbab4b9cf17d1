"""Running the Slack app: HTTP mode (an aiohttp server for Slack's Events API, slash commands
and interactivity, all on one Request URL) or Socket Mode (an outgoing WebSocket: no public
URL needed)."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.signature import SignatureVerifier

from ..monitor import Monitor, add_routes
from .app import SlackBot
from .errors import SlackSetupError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_REQUEST_BYTES = 1024 * 1024  # Slack's payloads are a few KB


def http_app(
    bot: SlackBot, *, path: str = EVENTS_PATH, monitor: Monitor | None = None
) -> web.Application:
    """An aiohttp application serving ``bot`` at ``path``, with ``GET /healthz`` (the checks
    of ``monitor``: the store; a bare ``ok`` without one) and ``GET /metrics`` (``monitor``'s
    metrics)."""
    if not bot.verifies_requests:
        raise SlackSetupError(
            "HTTP mode needs SLACK_SIGNING_SECRET (the app's Basic Information page) to verify "
            "that requests come from Slack; or set SLACK_APP_TOKEN to use Socket Mode"
        )

    verifier = SignatureVerifier(bot.signing_secret or "")

    async def events(request: web.Request) -> web.Response:
        # Refuse what bolt would choke on, before it does: an unsigned or badly signed request
        # (a non-numeric timestamp made bolt raise), then a signed body that cannot be read.
        body = await request.text()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not verifier.is_valid(body, timestamp, signature):
            log.warning(
                "refused a request from %s: its Slack signature is missing, wrong or too old "
                "(if Slack itself is refused, check SLACK_SIGNING_SECRET and the clock)",
                request.remote,
            )
            return web.Response(status=401, text="invalid request signature")
        try:
            bolt_request = await to_bolt_request(request)
        except ValueError:  # JSON that is not JSON, a form that is not a form
            log.warning("refused a signed request from %s: its body cannot be read", request.remote)
            return web.Response(status=400, text="the request body cannot be read")
        bolt_response = await bot.app.async_dispatch(bolt_request)
        if bolt_response.status == 401:
            log.warning(
                "refused a request from %s: its Slack signature is missing, wrong or too old "
                "(if Slack itself is refused, check SLACK_SIGNING_SECRET and the clock)",
                request.remote,
            )
        return await to_aiohttp_response(bolt_response)

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app.router.add_post(path, events)
    if monitor is not None:
        add_routes(app, monitor)
    else:
        app.router.add_get("/healthz", health)
    return app


class HttpServer:
    """``bot`` served over HTTP until :meth:`close`."""

    def __init__(
        self,
        bot: SlackBot,
        *,
        host: str,
        port: int,
        path: str = EVENTS_PATH,
        monitor: Monitor | None = None,
    ) -> None:
        self.runner = web.AppRunner(http_app(bot, path=path, monitor=monitor), handle_signals=False)
        self.host = host
        self.port = port
        self.path = path

    async def start(self) -> str:
        """Start listening; returns the URL of the events endpoint (the bound port when
        ``port`` was 0)."""
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self.runner.cleanup()
            raise SlackSetupError(
                f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc}); another "
                "program uses that port: choose another with --port (DECKCAST_SLACK_PORT)"
            ) from None
        self.port = self.runner.addresses[0][1]
        return f"http://{self.host}:{self.port}{self.path}"

    async def close(self) -> None:
        await self.runner.cleanup()


class SocketModeConnection:
    """``bot`` connected to Slack over Socket Mode until :meth:`close`."""

    def __init__(self, bot: SlackBot, app_token: str) -> None:
        if not app_token.startswith("xapp-"):
            raise SlackSetupError(
                "SLACK_APP_TOKEN must be an app-level token (xapp-...) with the "
                "connections:write scope (Basic Information → App-Level Tokens)"
            )
        self.handler = AsyncSocketModeHandler(bot.app, app_token)

    async def start(self) -> None:
        await self.handler.connect_async()

    async def close(self) -> None:
        await self.handler.close_async()
