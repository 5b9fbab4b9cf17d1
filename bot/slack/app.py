"""Building the bolt app: every dependency passed in (the engine, the Web API client, the
signing secret), nothing read from the environment, no module-level state."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from ..engine import ConversationEngine
from .errors import SlackSetupError
from .handlers import SlackHandlers
from .outline_files import OutlineFiles
from .web import SlackWeb


class _BoltNoise(logging.Filter):
    """Two of bolt's log lines that do not belong in deckcast's log: the warning that the
    environment's SLACK_BOT_TOKEN is unused (bolt reads it by itself; deckcast passes a
    configured client), and the body of a request whose signature failed (it can hold Slack's
    legacy verification token; :mod:`bot.slack.server` logs the refusal without it). bolt copies
    this filter to the loggers of its middleware."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "`token` will be unused" not in message and not message.startswith(
            "Invalid request signature detected"
        )


BOLT_LOGGER = logging.getLogger("bot.slack.bolt")
BOLT_LOGGER.addFilter(_BoltNoise())


@dataclass
class SlackBot:
    """The bolt app and its listeners."""

    app: AsyncApp
    handlers: SlackHandlers
    verifies_requests: bool  # HTTP mode: signatures and timestamps are checked
    signing_secret: str | None = field(default=None, repr=False)


def build_app(
    engine: ConversationEngine,
    client: AsyncWebClient,
    *,
    signing_secret: str | None,
    admins: frozenset[str] = frozenset(),
    command: str = "/deck",
    edit_interval: float = 1.5,
) -> SlackBot:
    """The Slack app over ``engine``. ``signing_secret`` is required in HTTP mode (every
    request's signature and timestamp are verified: forged, unsigned or replayed requests get
    401); pass None in Socket Mode, where Slack's connection itself is authenticated."""
    if signing_secret is not None and not signing_secret.strip():
        raise SlackSetupError(
            "SLACK_SIGNING_SECRET is empty; copy it from the app's Basic Information page"
        )
    token = client.token or ""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        logger=BOLT_LOGGER,
        name="deckcast",
    )
    handlers = SlackHandlers(
        engine,
        SlackWeb(client),
        OutlineFiles(token, api_url=client.base_url),
        admins=admins,
        command=command,
        edit_interval=edit_interval,
    )
    handlers.register(app)
    return SlackBot(
        app, handlers, verifies_requests=signing_secret is not None, signing_secret=signing_secret
    )
