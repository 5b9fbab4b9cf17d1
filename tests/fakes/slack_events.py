"""Slack's side of HTTP mode for tests: requests built and signed exactly as Slack builds and
signs them, POSTed to the app over real HTTP.

Slash commands and interactivity payloads are form-encoded; events are JSON
``{"type": "event_callback", "event": {...}}``. Every request carries
``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` (``v0=`` + HMAC-SHA256 of
``v0:{timestamp}:{body}`` with the signing secret); retried events also carry
``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret-8f1e2d"


@dataclass
class Delivery:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackDelivery:
    """Sends signed requests to a bolt app's HTTP endpoint."""

    def __init__(
        self,
        url: str,
        *,
        secret: str = SIGNING_SECRET,
        team: str = "T0001",
        api_app_id: str = "A0001",
        on_message: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.url = url
        self.on_message = on_message
        self.secret = secret
        self.team = team
        self.api_app_id = api_app_id
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)

    def message_ts(self) -> str:
        """A fresh ts for a message a person writes (distinct from the fake API's)."""
        return f"1710000000.{next(self._ts):06d}"

    # -- low level ----------------------------------------------------------------------------

    def signed_headers(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=ts, body=body)
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}

    async def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> Delivery:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                self.url,
                data=body.encode(),
                headers={"Content-Type": content_type, **(headers or {})},
            ) as response,
        ):
            return Delivery(response.status, await response.text())

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Delivery:
        signer = self if secret is None else SlackDelivery(self.url, secret=secret)
        headers = signer.signed_headers(body, timestamp=timestamp)
        return await self.post(body, content_type, {**headers, **(extra_headers or {})})

    # -- what Slack sends -----------------------------------------------------------------------

    def command_body(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        command: str = "/deck",
        response_url: str = "http://127.0.0.1:9/response",
    ) -> str:
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": self.team,
                "team_domain": "deckcast-test",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": self.api_app_id,
                "is_enterprise_install": "false",
                "response_url": response_url,
                "trigger_id": f"trigger-{next(self._ids)}",
            }
        )

    async def command(self, text: str, **kwargs: Any) -> Delivery:
        return await self.send(
            self.command_body(text, **kwargs), "application/x-www-form-urlencoded"
        )

    def event_body(self, event: dict[str, Any], *, event_id: str | None = None) -> str:
        return json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.team,
                "api_app_id": self.api_app_id,
                "event": event,
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": self.team, "user_id": "UBOT", "is_bot": True}],
            }
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int = 0
    ) -> Delivery:
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        return await self.send(
            self.event_body(event, event_id=event_id), "application/json", extra_headers=headers
        )

    def message(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
        kind: str = "message",
        **extra: Any,
    ) -> dict[str, Any]:
        """A message event (``kind="app_mention"`` for a mention of the bot)."""
        event: dict[str, Any] = {
            "type": kind,
            "user": user,
            "text": text,
            "ts": self.message_ts(),
            "channel": channel,
            "channel_type": "channel",
            "team": self.team,
            "event_ts": "",
        }
        event["event_ts"] = event["ts"]
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event["files"] = files
            if kind == "message":
                event["subtype"] = "file_share"
        event.update(extra)
        if self.on_message is not None:
            self.on_message(event)
        return event

    async def action(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        message_ts: str = "",
        thread_ts: str | None = None,
    ) -> Delivery:
        payload = {
            "type": "block_actions",
            "team": {"id": self.team, "domain": "deckcast-test"},
            "user": {"id": user, "username": user.lower(), "team_id": self.team},
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
                "thread_ts": thread_ts,
            },
            "trigger_id": f"trigger-{next(self._ids)}",
            "channel": {"id": channel, "name": "general"},
            "message": {"type": "message", "ts": message_ts, "thread_ts": thread_ts, "text": ""},
            "response_url": "http://127.0.0.1:9/response",
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "deckcast-actions",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.send(body, "application/x-www-form-urlencoded")

    async def submit_view(
        self, view: dict[str, Any], values: dict[str, dict[str, str]], *, user: str = "U1"
    ) -> Delivery:
        """Submit a modal the app opened: ``values`` maps block_id -> action_id -> text."""
        state = {
            block: {action: {"type": "plain_text_input", "value": text}}
            for block, fields in values.items()
            for action, text in fields.items()
        }
        payload = {
            "type": "view_submission",
            "team": {"id": self.team, "domain": "deckcast-test"},
            "user": {"id": user, "username": user.lower(), "team_id": self.team},
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {**view, "id": "V00001", "state": {"values": state}},
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.send(body, "application/x-www-form-urlencoded")
