"""The Slack settings, checked once at start-up: which mode, and the secrets it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from ..settings import Settings
from .errors import SlackSetupError


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


def _secret(value: SecretStr | None) -> str | None:
    return (value.get_secret_value().strip() or None) if value is not None else None
