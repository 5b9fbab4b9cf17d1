"""A local fake Discord: the REST API and the gateway, over real sockets on 127.0.0.1.

The real discord.py client talks to it unchanged once ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` point here (see :meth:`FakeDiscord.patch`).
It keeps guilds, channels, threads and messages in memory, records every REST call (with the
parsed JSON and the bytes of every uploaded file), and lets a test:

- drive the bot: slash commands, button clicks, modal submissions and thread messages are sent
  as gateway events (``INTERACTION_CREATE``, ``MESSAGE_CREATE``);
- misbehave on purpose: answer chosen requests with a 429 and ``retry_after`` or any other
  error, expire an interaction token, reject uploads over the ``attachment_size_limit``
  with 413;
- wait for what the bot did (:meth:`wait_for_call`, :meth:`wait_for_message`).

What real Discord does and this fake copies, because a laxer fake would let a broken bot pass:

- the content type is exactly ``application/json`` (discord.py compares it by equality, so
  aiohttp's ``json_response``, which adds ``; charset=utf-8``, would make login fail);
- interaction callbacks are sent ``with_response`` and answered with JSON (a 204 breaks the
  command), and a second callback on one interaction gets ``400 / 40060``;
- a 429 carries ``Via`` (discord.py takes a 429 without it for a Cloudflare ban) besides
  ``retry_after`` and the rate-limit headers;
- READY carries ``resume_gateway_url``; the guild's ``member_count`` equals the members listed
  (or the client waits for member chunks); interactions carry ``attachment_size_limit`` and
  members their ``flags``;
- message content is stripped for a client that did not ask for the message-content intent;
- ``THREAD_CREATE`` is dispatched when a thread is started.

The server itself is a :class:`~tests.fakes.local_server.LoopServer`: it runs on the test's
event loop (``await FakeDiscord().start()``, ``await fake.close()``), which the bot shares.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from .local_server import LoopServer, ScriptedFailure, rate_limited

DISCORD_EPOCH_MS = 1_420_070_400_000
MESSAGE_CONTENT_INTENT = 1 << 15
GUILD_MESSAGE_REACTIONS_INTENT = 1 << 10
EPHEMERAL = 1 << 6
LOADING = 1 << 7
MIB = 1024 * 1024


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class Upload:
    """One file of a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class Call:
    """One REST request the bot made, and what the fake answered."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    files: list[Upload]
    at: float  # time.monotonic() when it arrived
    status: int = 200
    authorization: str | None = None

    def matches(self, method: str, pattern: str) -> bool:
        return self.method == method and re.fullmatch(pattern, self.path) is not None


@dataclass
class FakeInteraction:
    """An interaction sent to the bot, and what became of it."""

    id: str
    token: str
    payload: dict[str, Any]
    sent_at: float
    created: float = field(default_factory=time.monotonic)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original_id: str | None = None
    expired: bool = False

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)


SLOW = 0  # a scripted "failure" that only delays the real answer


class FakeDiscord(LoopServer):
    """One guild with one text channel and a few members, served on 127.0.0.1."""

    client_max_size = 256 * MIB

    def __init__(
        self,
        *,
        attachment_size_limit: int = 10 * MIB,
        token_lifetime: float = 15 * 60,
        admin_role: str = "deck-admins",
    ) -> None:
        super().__init__()
        self._ids = itertools.count(1)
        self.app_id = self.snowflake()
        self.bot_user = self._user(self.app_id, "deckcast", bot=True)
        self.guild_id = self.snowflake()
        self.channel_id = self.snowflake()
        self.permissions: dict[str, int] = {}  # members with fewer than every permission
        self.admin_role_id = self.snowflake()
        self.admin_role = admin_role
        self.attachment_size_limit = attachment_size_limit
        self.token_lifetime = token_lifetime
        self.members: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {
            self.channel_id: {
                "id": self.channel_id,
                "type": 0,
                "guild_id": self.guild_id,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
            }
        }
        self.messages: dict[str, dict[str, Any]] = {}  # by message id
        self.files: dict[str, bytes] = {}  # attachment id -> bytes
        self.downloads: list[str] = []  # attachment ids, each time one was fetched
        self.interactions: dict[str, FakeInteraction] = {}
        self.by_token: dict[str, FakeInteraction] = {}
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.identifies: list[dict[str, Any]] = []
        self.refuse_identify: int | None = None  # a close code to answer IDENTIFY with
        self.gateway_frames: list[dict[str, Any]] = []  # what the bot sent on the gateway
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._ready = asyncio.Event()
        self._changed = asyncio.Condition()
        self._ws_tasks: set[asyncio.Task[None]] = set()
        self.alice = self.add_member("alice")
        self.bob = self.add_member("bob")
        self.carol = self.add_member("carol", roles=[self.admin_role_id])
        self.dave = self.add_member("dave")

    # -- set-up -------------------------------------------------------------------------------

    def snowflake(self) -> str:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(self._ids) & 0x3FFFFF))

    @staticmethod
    def _user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": user_id,
            "username": name,
            "discriminator": "0",
            "global_name": name.title(),
            "avatar": None,
            "bot": bot,
            "flags": 0,
            "public_flags": 0,
        }

    def add_member(
        self, name: str, *, roles: list[str] | None = None, permissions: int | None = None
    ) -> str:
        """A guild member (``permissions``: their permission bits in the channels, every
        permission when not given)."""
        user_id = self.snowflake()
        if permissions is not None:
            self.permissions[user_id] = permissions
        self.members[user_id] = {
            "user": self._user(user_id, name),
            "roles": roles or [],
            "joined_at": _now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "pending": False,
        }
        return user_id

    @property
    def api_base(self) -> str:
        return f"{self.root_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.root_url.replace("http://", "ws://") + "/gateway"

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{channel}/{id}/{filename}", self._attachment)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)

    async def before_shutdown(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        for task in list(self._ws_tasks):
            task.cancel()

    @contextlib.contextmanager
    def patch(self) -> Iterator[None]:
        """Point discord.py at this fake for the duration of the block."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- misbehaving on purpose ----------------------------------------------------------

    def rate_limit(
        self, method: str, pattern: str, *, retry_after: float = 0.5, times: int = 1
    ) -> None:
        """Answer the next ``times`` requests matching (method, path regex) with a 429."""
        self.script_failure(
            rate_limited(
                max(1, round(retry_after)),
                body={"message": "You are being rate limited.", "retry_after": retry_after},
                headers={
                    "Via": "1.1 google",  # discord.py takes a 429 without it for a Cloudflare ban
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(retry_after),
                    "X-RateLimit-Bucket": "fake-bucket",
                    "X-RateLimit-Scope": "user",
                },
                method=method,
                pattern=pattern,
                times=times,
            )
        )

    def fail(
        self,
        method: str,
        pattern: str,
        *,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests matching (method, path regex) with ``status``."""
        body = body or {"message": "Missing Permissions", "code": 50013}
        self.script_failure(
            ScriptedFailure(
                status, body, headers or {}, method=method, pattern=pattern, times=times
            )
        )

    def slow(self, method: str, pattern: str, *, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` requests matching (method, path regex) as usual, but only
        after ``seconds`` (an upload over a slow link: a window to kill the bot in)."""
        self.script_failure(
            ScriptedFailure(SLOW, delay=seconds, method=method, pattern=pattern, times=times)
        )

    def expire(self, interaction: FakeInteraction) -> None:
        """The interaction's token stops working now (as after 15 minutes)."""
        interaction.expired = True

    # -- driving the bot over the gateway -------------------------------------------------

    async def wait_ready(self, within: float = 10) -> None:
        await asyncio.wait_for(self._ready.wait(), within)

    async def dispatch(self, event: str, data: dict[str, Any]) -> float:
        """Send a gateway event; returns the monotonic time it was written."""
        await self.wait_ready()
        assert self._ws is not None
        self._seq += 1
        sent = time.monotonic()
        await self._ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))
        return sent

    def _member(self, user_id: str) -> dict[str, Any]:
        member = dict(self.members[user_id])
        member["permissions"] = str(self.permissions.get(user_id, (1 << 41) - 1))
        return member

    def _interaction(
        self, kind: int, user_id: str, channel_id: str, data: dict[str, Any], **extra: Any
    ) -> FakeInteraction:
        interaction_id = self.snowflake()
        token = f"itoken-{interaction_id}"
        channel = self.channels[channel_id]
        payload = {
            "id": interaction_id,
            "application_id": self.app_id,
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": self.guild_id,
            "guild": {"id": self.guild_id, "locale": "en-US", "features": []},
            "channel_id": channel_id,
            "channel": channel,
            "member": self._member(user_id),
            "data": data,
            "app_permissions": str((1 << 41) - 1),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0,
            "attachment_size_limit": self.attachment_size_limit,
            **extra,
        }
        interaction = FakeInteraction(interaction_id, token, payload, sent_at=0.0)
        self.interactions[interaction_id] = interaction
        self.by_token[token] = interaction
        return interaction

    async def send_interaction(self, interaction: FakeInteraction) -> FakeInteraction:
        """(Re)send an interaction; sending the same one twice is a duplicate delivery."""
        interaction.sent_at = await self.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    def attach_file(self, channel_id: str, filename: str, data: bytes) -> dict[str, Any]:
        attachment_id = self.snowflake()
        self.files[attachment_id] = data
        url = f"{self.root_url}/attachments/{channel_id}/{attachment_id}/{filename}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": "text/markdown; charset=utf-8"
            if filename.endswith(".md")
            else "application/octet-stream",
        }

    async def slash(
        self,
        user_id: str,
        subcommand: str,
        *,
        channel_id: str | None = None,
        attachment: tuple[str, bytes] | None = None,
        users: dict[str, str] | None = None,
        **options: Any,
    ) -> FakeInteraction:
        """``/deck <subcommand> name:value ...`` (an attachment goes in the ``outline`` option;
        ``users`` maps user options to member ids, resolved as Discord resolves them)."""
        channel_id = channel_id or self.channel_id
        kinds = {bool: 5, int: 4, float: 10, str: 3}
        sub_options = [
            {"name": name, "type": kinds[type(value)], "value": value}
            for name, value in options.items()
        ]
        resolved: dict[str, Any] = {}
        for name, chosen in (users or {}).items():
            sub_options.append({"name": name, "type": 6, "value": chosen})
            member = {k: v for k, v in self._member(chosen).items() if k != "user"}
            resolved.setdefault("users", {})[chosen] = self.members[chosen]["user"]
            resolved.setdefault("members", {})[chosen] = member
        if attachment is not None:
            meta = self.attach_file(channel_id, *attachment)
            sub_options.append({"name": "outline", "type": 11, "value": meta["id"]})
            resolved["attachments"] = {meta["id"]: meta}
        data: dict[str, Any] = {
            "id": self._command_id("deck"),
            "name": "deck",
            "type": 1,
            "guild_id": self.guild_id,
            "options": [{"name": subcommand, "type": 1, "options": sub_options}],
        }
        if resolved:
            data["resolved"] = resolved
        return await self.send_interaction(self._interaction(2, user_id, channel_id, data))

    def _command_id(self, name: str) -> str:
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return str(command["id"])
        return self.snowflake()

    async def click(self, user_id: str, message: dict[str, Any], custom_id: str) -> FakeInteraction:
        """Press the button ``custom_id`` on ``message``."""
        data = {"custom_id": custom_id, "component_type": 2}
        interaction = self._interaction(
            3, user_id, message["channel_id"], data, message=self.messages[message["id"]]
        )
        return await self.send_interaction(interaction)

    async def submit_modal(
        self,
        user_id: str,
        opened_by: FakeInteraction,
        values: dict[str, str],
    ) -> FakeInteraction:
        """Submit the modal that the bot opened in answer to ``opened_by``."""
        modal = next(c["data"] for c in opened_by.callbacks if c["type"] == 9)
        rows = []
        for row in modal["components"]:
            inner = row.get("components") or [row["component"]]
            for component in inner:
                rows.append(
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 4,
                                "custom_id": component["custom_id"],
                                "value": values.get(component["custom_id"], ""),
                            }
                        ],
                    }
                )
        data = {"custom_id": modal["custom_id"], "components": rows}
        extra: dict[str, Any] = {}
        if "message" in opened_by.payload:
            extra["message"] = self.messages.get(
                opened_by.payload["message"]["id"], opened_by.payload["message"]
            )
        interaction = self._interaction(5, user_id, opened_by.payload["channel_id"], data, **extra)
        return await self.send_interaction(interaction)

    async def post(
        self,
        user_id: str,
        channel_id: str,
        content: str,
        *,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> dict[str, Any]:
        """A person writes ``content`` in a channel or thread (MESSAGE_CREATE), with ``files``
        (name, bytes) attached."""
        attachments = [self.attach_file(channel_id, name, data) for name, data in files]
        message = self._new_message(
            channel_id, self.members[user_id]["user"], content, attachments=attachments
        )
        await self.dispatch("MESSAGE_CREATE", self._for_gateway(message))
        return message

    async def react(self, user_id: str, message: dict[str, Any], emoji: str = "✅") -> bool:
        """``user_id`` adds a reaction to ``message`` (MESSAGE_REACTION_ADD, sent only to a bot
        that asked for the guild message reactions intent, as Discord does). Sending it again
        is a duplicate delivery. False when the bot would not get it."""
        if not any(i["intents"] & GUILD_MESSAGE_REACTIONS_INTENT for i in self.identifies[-1:]):
            return False
        member = dict(self.members[user_id])
        await self.dispatch(
            "MESSAGE_REACTION_ADD",
            {
                "user_id": user_id,
                "channel_id": message["channel_id"],
                "message_id": message["id"],
                "guild_id": self.guild_id,
                "member": member,
                "emoji": {"id": None, "name": emoji},
                "message_author_id": message["author"]["id"],
                "burst": False,
                "burst_colors": [],
                "type": 0,
            },
        )
        return True

    async def redeliver_message(self, message: dict[str, Any]) -> None:
        await self.dispatch("MESSAGE_CREATE", self._for_gateway(message))

    def _for_gateway(self, message: dict[str, Any]) -> dict[str, Any]:
        data = dict(message)
        author_id = message["author"]["id"]
        if author_id in self.members:
            member = {k: v for k, v in self.members[author_id].items() if k != "user"}
            data["member"] = member
        wants_content = any(i["intents"] & MESSAGE_CONTENT_INTENT for i in self.identifies[-1:])
        mentioned = any(m["id"] == self.app_id for m in message.get("mentions", []))
        if not wants_content and not mentioned and author_id != self.app_id:
            data["content"] = ""  # real Discord strips it without the intent
        return data

    # -- looking at what happened ------------------------------------------------------------

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.matches(method, pattern)]

    async def wait_for_call(
        self, predicate: Callable[[Call], bool], *, within: float = 30, after: int = 0
    ) -> Call:
        """The first recorded call (from index ``after``) that satisfies ``predicate``."""

        def found() -> Call | None:
            return next((c for c in self.calls[after:] if predicate(c)), None)

        return await self._wait(found, within, "a REST call")

    async def wait_for_message(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        *,
        within: float = 30,
    ) -> dict[str, Any]:
        """A stored message (in its current, possibly edited state) that satisfies
        ``predicate``."""

        def found() -> dict[str, Any] | None:
            return next((m for m in list(self.messages.values()) if predicate(m)), None)

        return await self._wait(found, within, "a message")

    async def _wait(self, found: Callable[[], Any], within: float, what: str) -> Any:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
            except TimeoutError:
                raise AssertionError(f"timed out after {within} s waiting for {what}") from None
            return found()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def messages_in(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    def threads(self) -> list[dict[str, Any]]:
        return [c for c in self.channels.values() if c["type"] == 11]

    def file(self, attachment: dict[str, Any]) -> bytes:
        return self.files[attachment["id"]]

    # -- the gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        self._ws = ws
        self._ready.clear()
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41_250}}))
        async for frame in ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            self.gateway_frames.append(message)
            op = message.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                self.identifies.append(message["d"])
                if self.refuse_identify is not None:  # e.g. 4004: authentication failed
                    await ws.close(code=self.refuse_identify, message=b"Authentication failed.")
                    break
                await self._send_ready(ws)
            elif op == 6:  # RESUME: not kept; make the client identify again
                await ws.send_str(json.dumps({"op": 9, "d": False}))
        if self._ws is ws:
            self._ready.clear()
        return ws

    async def _send_ready(self, ws: web.WebSocketResponse) -> None:
        self._seq = 0

        async def send(event: str, data: dict[str, Any]) -> None:
            self._seq += 1
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

        await send(
            "READY",
            {
                "v": 10,
                "user": {**self.bot_user, "verified": True, "mfa_enabled": False},
                "guilds": [{"id": self.guild_id, "unavailable": True}],
                "session_id": f"session-{len(self.identifies)}",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": self.app_id, "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
        )
        await send("GUILD_CREATE", self._guild())
        self._ready.set()
        await self._notify()

    def _guild(self) -> dict[str, Any]:
        members = [*self.members.values()]
        bot_member = {
            "user": self.bot_user,
            "roles": [],
            "joined_at": _now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        everyone = {
            "id": self.guild_id,
            "name": "@everyone",
            "permissions": str((1 << 41) - 1),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        admins = {**everyone, "id": self.admin_role_id, "name": self.admin_role, "position": 1}
        return {
            "id": self.guild_id,
            "name": "deckcast test guild",
            "icon": None,
            "owner_id": self.alice,
            "roles": [everyone, admins],
            "emojis": [],
            "stickers": [],
            "features": [],
            "member_count": len(members) + 1,
            "members": [*members, bot_member],
            "channels": [c for c in self.channels.values() if c["type"] != 11],
            "threads": self.threads(),
            "presences": [],
            "voice_states": [],
            "large": False,
            "unavailable": False,
            "joined_at": _now_iso(),
            "premium_tier": 0,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "system_channel_flags": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    # -- the REST API ---------------------------------------------------------------------

    async def _attachment(self, request: web.Request) -> web.Response:
        self.downloads.append(request.match_info["id"])
        data = self.files.get(request.match_info["id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        arrived = time.monotonic()
        payload, files = await self._read_body(request)
        call = Call(
            request.method,
            path,
            dict(request.query),
            payload,
            files,
            arrived,
            authorization=request.headers.get("Authorization"),
        )
        self.calls.append(call)
        await self._notify()  # a waiter sees the call when it arrives, not only when answered
        try:
            failure = self.take_failure(call.method, call.path)
            if failure is not None and failure.delay:
                await self.pause(failure.delay)
            if failure is not None and failure.status == SLOW:
                failure = None  # only slow: answered as usual after the delay...
                transport = request.transport
                if transport is None or transport.is_closing():
                    call.status = 499  # ...unless the client went away: nothing was posted
                    return web.Response(status=499)
            if failure is not None:
                call.status = failure.status
                body = {**failure.body, "global": False} if failure.status == 429 else failure.body
                return _json(body, status=failure.status, headers=failure.headers)
            status, body = self._route(call)
            call.status = status
            if body is None:
                return web.Response(status=status)
            return _json(body, status=status)
        finally:
            await self._notify()

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            files: list[Upload] = []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                assert isinstance(part, aiohttp.BodyPartReader)
                data = await part.read(decode=False)
                if part.name == "payload_json":
                    payload = json.loads(data)
                else:
                    files.append(
                        Upload(
                            part.name or "",
                            part.filename or "",
                            bytes(data),
                            part.headers.get("Content-Type"),
                        )
                    )
            return payload, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _route(self, call: Call) -> tuple[int, Any]:
        p, m = call.path, call.method
        too_long = _over_content_limit(call.json)
        if too_long is not None:  # as Discord answers a message over 2000 characters
            return 400, {
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {
                    "content": {
                        "_errors": [
                            {
                                "code": "BASE_TYPE_MAX_LENGTH",
                                "message": f"Must be 2000 or fewer in length ({too_long}).",
                            }
                        ]
                    }
                },
            }
        routes: list[tuple[str, str, Callable[..., tuple[int, Any]]]] = [
            ("GET", r"/users/@me", lambda _call: (200, self.bot_user)),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("PUT", r"/applications/(\d+)/commands", self._sync_global),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync_guild),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("GET", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._webhook_get),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._webhook_edit),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._webhook_delete),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("POST", r"/channels/(\d+)/messages", self._channel_send),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._channel_get),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._channel_edit),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread),
            ("POST", r"/channels/(\d+)/typing", lambda _call, _cid: (204, None)),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, p)
            if method == m and match:
                return handler(call, *match.groups())
        return 404, {"message": f"404: Not Found ({m} {p})", "code": 0}

    def _application(self, _call: Call) -> tuple[int, Any]:
        return 200, {
            "id": self.app_id,
            "name": "deckcast",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.members[self.alice]["user"],
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _store_commands(self, key: str, body: list[dict[str, Any]]) -> list[dict[str, Any]]:
        stored = []
        for command in body:
            stored.append(
                {
                    **command,
                    "id": self.snowflake(),
                    "application_id": self.app_id,
                    "version": self.snowflake(),
                    "type": command.get("type", 1),
                    **({"guild_id": key} if key != "global" else {}),
                }
            )
        self.commands[key] = stored
        return stored

    def _sync_global(self, call: Call, _app: str) -> tuple[int, Any]:
        return 200, self._store_commands("global", call.json or [])

    def _sync_guild(self, call: Call, _app: str, guild: str) -> tuple[int, Any]:
        return 200, self._store_commands(guild, call.json or [])

    # messages

    def _new_message(
        self,
        channel_id: str,
        author: dict[str, Any],
        content: str,
        *,
        components: list[Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        flags: int = 0,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        message = {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "guild_id": self.guild_id,
            "author": author,
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments or [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "components": components or [],
            "flags": flags,
            **(extra or {}),
        }
        self.messages[message["id"]] = message
        channel = self.channels.get(channel_id)
        if channel is not None:
            channel["last_message_id"] = message["id"]
            if channel["type"] == 11:
                channel["message_count"] = channel.get("message_count", 0) + 1
        return message

    def _upload_error(self, call: Call) -> tuple[int, Any] | None:
        for upload in call.files:
            if len(upload.data) > self.attachment_size_limit:
                return 413, {
                    "message": "Request entity too large",
                    "code": 40005,
                }
        return None

    def _attachments(self, channel_id: str, call: Call, keep: list[dict[str, Any]]) -> list[Any]:
        """The message's attachments after a send/edit: kept ones plus the uploaded files."""
        body = call.json or {}
        wanted = body.get("attachments")
        new = []
        for i, upload in enumerate(call.files):
            meta = self.attach_file(channel_id, upload.filename, upload.data)
            meta["content_type"] = upload.content_type or "application/octet-stream"
            declared = next(
                (a for a in (wanted or []) if str(a.get("id")) == str(i)),
                None,
            )
            if declared and declared.get("description"):
                meta["description"] = declared["description"]
            new.append(meta)
        if wanted is None:
            return keep + new
        kept_ids = {str(a.get("id")) for a in wanted}
        return [a for a in keep if a["id"] in kept_ids] + new

    def _apply_edit(self, message: dict[str, Any], call: Call) -> dict[str, Any]:
        body = call.json or {}
        if "content" in body:
            message["content"] = body["content"] or ""
        if "components" in body:
            message["components"] = body["components"] or []
        if "embeds" in body:
            message["embeds"] = body["embeds"] or []
        if "attachments" in body or call.files:
            message["attachments"] = self._attachments(
                message["channel_id"], call, message["attachments"]
            )
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (message["flags"] & EPHEMERAL) | (body["flags"] & ~LOADING)
        message["flags"] &= ~LOADING
        message["edited_timestamp"] = _now_iso()
        return message

    def _send(
        self, channel_id: str, call: Call, *, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        body = call.json or {}
        message = self._new_message(
            channel_id,
            self.bot_user,
            body.get("content") or "",
            components=body.get("components"),
            flags=body.get("flags") or 0,
            extra=extra,
        )
        message["attachments"] = self._attachments(channel_id, call, [])
        if body.get("embeds"):
            message["embeds"] = body["embeds"]
        return message

    # interactions

    def _interaction_for(self, token: str) -> FakeInteraction | None:
        interaction = self.by_token.get(token)
        if interaction is None:
            return None
        if interaction.expired or time.monotonic() - interaction.created > self.token_lifetime:
            return None
        return interaction

    def _callback(self, call: Call, interaction_id: str, token: str) -> tuple[int, Any]:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.token != token:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if interaction.acknowledged:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        if time.monotonic() - interaction.sent_at > 3.0:
            return 404, {"message": "Unknown interaction", "code": 10062}
        body = call.json or {}
        kind = body.get("type")
        data = body.get("data") or {}
        interaction.callbacks.append(body)
        answer: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": interaction.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
            }
        }
        channel_id = interaction.payload["channel_id"]
        if kind in (4, 5):
            flags = (data.get("flags") or 0) | (LOADING if kind == 5 else 0)
            message = self._new_message(
                channel_id,
                self.bot_user,
                data.get("content") or "",
                components=data.get("components"),
                flags=flags,
                extra={"webhook_id": self.app_id, "application_id": self.app_id},
            )
            if call.files:
                message["attachments"] = self._attachments(channel_id, call, [])
            interaction.original_id = message["id"]
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        elif kind == 7:
            target = self.messages[interaction.payload["message"]["id"]]
            self._apply_edit(target, Call("PATCH", "", {}, data, call.files, call.at))
            answer["resource"] = {"type": kind, "message": target}
        elif kind in (6, 9):
            answer["resource"] = {"type": kind}
        return 200, answer

    def _webhook_message(self, token: str, which: str) -> tuple[int, Any] | dict[str, Any]:
        interaction = self._interaction_for(token)
        if interaction is None:
            return 401, {"message": "Invalid Webhook Token", "code": 50027}
        message_id = interaction.original_id if which == "@original" else which
        message = self.messages.get(message_id or "")
        if message is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        return message

    def _webhook_get(self, _call: Call, _app: str, token: str, which: str) -> tuple[int, Any]:
        found = self._webhook_message(token, which)
        return found if isinstance(found, tuple) else (200, found)

    def _webhook_edit(self, call: Call, _app: str, token: str, which: str) -> tuple[int, Any]:
        found = self._webhook_message(token, which)
        if isinstance(found, tuple):
            return found
        too_big = self._upload_error(call)
        if too_big:
            return too_big
        return 200, self._apply_edit(found, call)

    def _webhook_delete(self, _call: Call, _app: str, token: str, which: str) -> tuple[int, Any]:
        found = self._webhook_message(token, which)
        if isinstance(found, tuple):
            return found
        del self.messages[found["id"]]
        return 204, None

    def _followup(self, call: Call, _app: str, token: str) -> tuple[int, Any]:
        interaction = self._interaction_for(token)
        if interaction is None:
            return 401, {"message": "Invalid Webhook Token", "code": 50027}
        too_big = self._upload_error(call)
        if too_big:
            return too_big
        message = self._send(
            interaction.payload["channel_id"],
            call,
            extra={"webhook_id": self.app_id, "application_id": self.app_id},
        )
        return 200, message

    # channels

    def _get_channel(self, _call: Call, channel_id: str) -> tuple[int, Any]:
        channel = self.channels.get(channel_id)
        if channel is None:
            return 404, {"message": "Unknown Channel", "code": 10003}
        return 200, channel

    def _channel_send(self, call: Call, channel_id: str) -> tuple[int, Any]:
        if channel_id not in self.channels:
            return 404, {"message": "Unknown Channel", "code": 10003}
        too_big = self._upload_error(call)
        if too_big:
            return too_big
        message = self._send(channel_id, call)
        self._dispatch_later("MESSAGE_CREATE", self._for_gateway(message))
        return 200, message

    def _channel_get(self, _call: Call, channel_id: str, message_id: str) -> tuple[int, Any]:
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return 404, {"message": "Unknown Message", "code": 10008}
        return 200, message

    def _channel_edit(self, call: Call, channel_id: str, message_id: str) -> tuple[int, Any]:
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return 404, {"message": "Unknown Message", "code": 10008}
        if message["author"]["id"] != self.app_id:
            return 403, {"message": "Cannot edit a message authored by another user", "code": 50005}
        too_big = self._upload_error(call)
        if too_big:
            return too_big
        return 200, self._apply_edit(message, call)

    def _start_thread(self, call: Call, channel_id: str, message_id: str) -> tuple[int, Any]:
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return 404, {"message": "Unknown Message", "code": 10008}
        if message.get("thread"):
            return 400, {"message": "A thread has already been created", "code": 160004}
        body = call.json or {}
        thread = {
            "id": message_id,  # Discord gives a thread started on a message the message's id
            "type": 11,
            "guild_id": self.guild_id,
            "parent_id": channel_id,
            "owner_id": self.app_id,
            "name": body.get("name", "thread"),
            "last_message_id": None,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "total_message_sent": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": _now_iso(),
                "locked": False,
            },
        }
        self.channels[thread["id"]] = thread
        message["thread"] = thread
        self._dispatch_later("THREAD_CREATE", {**thread, "newly_created": True})
        return 200, thread

    def _dispatch_later(self, event: str, data: dict[str, Any]) -> None:
        if self._ws is None or self._ws.closed:
            return
        task = asyncio.ensure_future(self.dispatch(event, data))
        self._ws_tasks.add(task)
        task.add_done_callback(self._ws_tasks.discard)


def _json(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py compares the content type by equality: no "; charset=utf-8" allowed.
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _over_content_limit(body: Any) -> int | None:
    """The length of a message's ``content`` over Discord's 2000 characters (a message, an
    edit, a webhook or an interaction's answer), or None."""
    if not isinstance(body, dict):
        return None
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    content = data.get("content")
    return len(content) if isinstance(content, str) and len(content) > 2000 else None
