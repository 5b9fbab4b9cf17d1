"""A local Slack Web API (and Socket Mode endpoint) for tests, served on 127.0.0.1 by aiohttp.

The real ``slack_sdk`` clients talk to it unchanged: give them
``base_url=fake.api_url`` (it ends with ``/api/``: the trailing slash matters). It keeps
what a test needs to check: every call with its arguments (form, JSON and query merged), the
messages as they stand after edits, and the bytes of every upload (so a test can probe an
uploaded MP4).

A file upload is served as Slack serves it: ``files.getUploadURLExternal`` hands out an
upload URL pointing back here, the bytes are POSTed raw to it (no auth header), and
``files.completeUploadExternal`` shares the uploaded files into a channel or thread.

Failures on demand: :meth:`FakeSlack.fail` makes a method answer ``ratelimited`` (HTTP 429 with
``Retry-After``), ``not_in_channel``, ``missing_scope`` (with ``needed``) or any other error,
for the next N calls. Socket Mode: ``apps.connections.open`` hands out a WebSocket URL here;
:meth:`FakeSlack.socket_send` pushes an envelope to the connected app and returns its ack.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .local_server import LoopServer

BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-test-app-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 200
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)  # the answer, when ok


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    data: bytes | None = None
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False


@dataclass
class Failure:
    error: str
    times: int
    status: int = 200
    retry_after: int | None = None
    needed: str | None = None
    channel: str | None = None
    after_doing: bool = False  # the call takes effect; only its answer is the error
    file_suffix: str | None = None  # only uploads of a file whose name ends so


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    files: list[str] = field(default_factory=list)
    edits: int = 0


class FakeSlack(LoopServer):
    """The Slack Web API, in-process. ``async with FakeSlack() as slack: ...``."""

    client_max_size = 1024**3

    def __init__(
        self,
        *,
        token: str = BOT_TOKEN,
        app_token: str = APP_TOKEN,
        team: str = "T0001",
        bot_user: str = "UBOT",
        bot_id: str = "BBOT",
    ) -> None:
        super().__init__()
        self.token = token
        self.app_token = app_token
        self.team = team
        self.bot_user = bot_user
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], Message] = {}
        self.views: list[dict[str, Any]] = []  # modals opened with views.open
        self.max_upload: int | None = None  # bytes: a workspace that restricts large files
        self.uploads: dict[str, Upload] = {}
        self.hosted: dict[str, tuple[str, bytes]] = {}  # file id -> (name, bytes)
        self.responses: list[dict[str, Any]] = []  # what was POSTed to response_url
        self.socket_acks: dict[str, dict[str, Any]] = {}
        self.files_readable = True  # False: the token lacks files:read
        self._slow_uploads: list[tuple[str, float]] = []  # (file name suffix, seconds)
        self._failures: dict[str, list[Failure]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_connected = asyncio.Event()

    # -- lifecycle: await start() and close(), or async with (the app under test shares the loop)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket)

    async def before_shutdown(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

    @property
    def root(self) -> str:
        return self.root_url

    @property
    def api_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.root}/response/{key}"

    # -- what tests arrange ---------------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str,
        *,
        times: int = 1,
        retry_after: int | None = None,
        needed: str | None = None,
        channel: str | None = None,
        status: int | None = None,
        after_doing: bool = False,
        file_suffix: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (in ``channel``, if given) with
        ``error``. ``ratelimited`` comes as HTTP 429 with a Retry-After header, as Slack does;
        other errors as HTTP 200 unless ``status`` says otherwise (``internal_error`` as 500).
        ``after_doing``: Slack did what was asked and then failed to say so (a 500 after the
        work, an answer lost on the way back). ``file_suffix``: only the steps of uploading a
        file whose name ends so (``upload`` is the method of the bytes' POST)."""
        if status is None:
            status = 429 if error == "ratelimited" else 200
        if error == "ratelimited" and retry_after is None:
            retry_after = 1
        self._failures.setdefault(method, []).append(
            Failure(error, times, status, retry_after, needed, channel, after_doing, file_suffix)
        )

    def slow_upload(self, suffix: str, seconds: float) -> None:
        """Hold the next upload of a file whose name ends in ``suffix`` for ``seconds`` before
        it is taken (a slow link: the bot can be stopped while its video is on the way)."""
        self._slow_uploads.append((suffix, seconds))

    def host_file(self, name: str, content: str | bytes, *, filetype: str = "markdown") -> dict:
        """A file someone shared; returns the file object Slack puts in the message event."""
        file_id = f"FH{next(self._ids):05d}"
        data = content.encode() if isinstance(content, str) else content
        self.hosted[file_id] = (name, data)
        url = f"{self.root}/files-pri/{self.team}-{file_id}/{name}"
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": "text/markdown" if filetype == "markdown" else "text/plain",
            "filetype": filetype,
            "size": len(data),
            "url_private": url,
            "url_private_download": f"{url}?download=1",
        }

    def person_wrote(self, event: dict[str, Any]) -> None:
        """A message a person wrote (delivered to the app as an event) exists in Slack too:
        the bot may reply in its thread."""
        channel, ts = event["channel"], event["ts"]
        self.messages[(channel, ts)] = Message(
            channel, ts, event.get("text", ""), thread_ts=event.get("thread_ts")
        )

    # -- what tests read ------------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        """Replies in a thread (not its parent), in order."""
        return sorted(
            (
                m
                for m in self.messages.values()
                if m.channel == channel and m.thread_ts == thread_ts and m.ts != thread_ts
            ),
            key=lambda m: float(m.ts),
        )

    def completed_uploads(self) -> list[Upload]:
        return [u for u in self.uploads.values() if u.completed]

    async def wait_for(self, predicate: Callable[[], Any], within: float = 30.0) -> Any:
        """Wait until ``predicate()`` is truthy (checked after every request); return it."""
        async with self._changed:
            try:
                async with asyncio.timeout(within):
                    while not (result := predicate()):
                        await self._changed.wait()
            except TimeoutError:
                methods = [c.method for c in self.calls]
                raise AssertionError(f"timed out waiting; calls so far: {methods}") from None
        return result

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- the Web API --------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        call = Call(method, args, dict(request.headers), time.monotonic())
        self.calls.append(call)
        try:
            return await self._answer(call, request)
        finally:
            await self._notify()

    async def _answer(self, call: Call, request: web.Request) -> web.Response:
        expected = self.app_token if call.method == "apps.connections.open" else self.token
        token = call.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if token != expected:
            return self._error(call, "not_authed" if not token else "invalid_auth")
        failure = self._take_failure(call)
        if failure is not None:
            extra: dict[str, Any] = {}
            headers: dict[str, str] = {}
            if failure.needed:
                extra = {"needed": failure.needed, "provided": "chat:write,commands"}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            if failure.after_doing and (handler := self._handler(call)) is not None:
                handler(call.args)
            return self._error(call, failure.error, status=failure.status, headers=headers, **extra)
        handler = self._handler(call)
        if handler is None:
            return self._error(call, "unknown_method")
        result = handler(call.args)
        if isinstance(result, str):
            return self._error(call, result)
        call.result = result
        return _json({"ok": True, **result})

    def _file_of(self, call: Call) -> str:
        """The name of the file a step of an upload is about ("" for other calls)."""
        if call.method == "files.getUploadURLExternal":
            return str(call.args.get("filename", ""))
        if call.method == "upload":
            file_id = call.args.get("file_id", "")
        elif call.method == "files.completeUploadExternal":
            try:
                file_id = json.loads(call.args.get("files", ""))[0].get("id", "")
            except (ValueError, IndexError, AttributeError):
                return ""
        else:
            return ""
        upload = self.uploads.get(file_id)
        return upload.filename if upload is not None else ""

    def _handler(self, call: Call) -> Callable[[dict[str, Any]], dict[str, Any] | str] | None:
        return getattr(self, "_m_" + call.method.replace(".", "_"), None)

    def _take_failure(self, call: Call) -> Failure | None:
        queue = self._failures.get(call.method, [])
        channel = call.args.get("channel") or call.args.get("channel_id")
        for failure in queue:
            if failure.channel is not None and failure.channel != channel:
                continue
            if failure.file_suffix is not None and not self._file_of(call).endswith(
                failure.file_suffix
            ):
                continue
            failure.times -= 1
            if failure.times <= 0:
                queue.remove(failure)
            return failure
        return None

    def _error(
        self,
        call: Call,
        error: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> web.Response:
        call.status, call.error = status, error
        return _json({"ok": False, "error": error, **extra}, status=status, headers=headers)

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://deckcast-test.slack.com/",
            "team": "deckcast test",
            "user": "deckcast",
            "team_id": self.team,
            "user_id": self.bot_user,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.root.replace("http://", "ws://") + "/socket"}

    def _new_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = args.get("channel")
        if not channel:
            return "channel_not_found"
        if not args.get("text") and not args.get("blocks"):
            return "no_text"
        thread_ts = args.get("thread_ts") or None
        if thread_ts and (channel, thread_ts) not in self.messages:
            # Slack accepts a reply to a message it does not know (and posts to the channel);
            # the tests only thread under messages they created, so flag anything else.
            return "thread_not_found"
        ts = self._new_ts()
        message = Message(channel, ts, args.get("text", ""), _blocks(args), thread_ts)
        self.messages[(channel, ts)] = message
        return {
            "channel": channel,
            "ts": ts,
            "message": {"text": message.text, "user": self.bot_user, "bot_id": self.bot_id},
        }

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any] | str:
        key = (args.get("channel", ""), args.get("ts", ""))
        message = self.messages.get(key)
        if message is None:
            return "message_not_found"
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = _blocks(args)
        message.edits += 1
        return {"channel": key[0], "ts": key[1], "text": message.text}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any] | str:
        if not str(args.get("trigger_id", "")).startswith("trigger-"):
            return "invalid_trigger_id"
        view = args.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if not isinstance(view, dict) or view.get("type") != "modal":
            return "invalid_arguments"
        self.views.append(view)
        return {"view": {"id": f"V{len(self.views):05d}", **view}}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any] | str:
        if not args.get("user"):
            return "user_not_found"
        return {"message_ts": self._new_ts()}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any] | str:
        filename = args.get("filename")
        try:
            length = int(args.get("length", ""))
        except ValueError:
            return "invalid_arguments"
        if not filename or length <= 0:
            return "invalid_arguments"
        if self.max_upload is not None and length > self.max_upload:
            return "file_upload_size_restricted"  # an admin restricted large uploads
        file_id = f"F{next(self._ids):05d}"
        self.uploads[file_id] = Upload(file_id, filename, length)
        return {"upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any] | str:
        try:
            files = json.loads(args.get("files", ""))
        except ValueError:
            return "invalid_arguments"
        done = []
        for item in files:
            upload = self.uploads.get(item.get("id", ""))
            if upload is None or upload.data is None or len(upload.data) != upload.length:
                return "file_not_found"
            upload.title = item.get("title")
            upload.channel = args.get("channel_id")
            upload.thread_ts = args.get("thread_ts")
            upload.initial_comment = args.get("initial_comment")
            upload.completed = True
            done.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
        if upload_channel := args.get("channel_id"):
            ts = self._new_ts()
            self.messages[(upload_channel, ts)] = Message(
                upload_channel,
                ts,
                args.get("initial_comment", ""),
                thread_ts=args.get("thread_ts"),
                files=[f["id"] for f in done],
            )
        return {"files": done}

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any] | str:
        if not self.files_readable:
            return "missing_scope"
        upload = self.uploads.get(args.get("file", ""))
        if upload is None:
            return "file_not_found"
        shares: dict[str, Any] = {}
        if upload.completed and upload.channel:
            where = "private" if upload.channel.startswith(("G", "D")) else "public"
            shares[where] = {
                upload.channel: [{"ts": self._new_ts(), "thread_ts": upload.thread_ts}]
            }
        return {"file": {"id": upload.file_id, "name": upload.filename, "shares": shares}}

    # -- uploads, downloads, response_url, Socket Mode -----------------------------------------

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        call = Call("upload", {"file_id": file_id, "bytes": len(data)}, dict(request.headers), 0)
        self.calls.append(call)
        try:
            upload = self.uploads.get(file_id)
            if upload is None:
                call.status = 404
                return web.Response(status=404, text="no such upload")
            failure = self._take_failure(call)
            if failure is not None:
                status = failure.status if failure.status >= 400 else 500
                call.status, call.error = status, failure.error
                return web.Response(status=status, text=failure.error)
            for slow in self._slow_uploads:
                if upload.filename.endswith(slow[0]):
                    self._slow_uploads.remove(slow)
                    await self._notify()  # the upload has begun: tests may act now
                    await asyncio.sleep(slow[1])
                    break
            upload.data = data
            return web.Response(text=f"OK - {len(data)}")
        finally:
            await self._notify()

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"].split("-", 1)[-1]
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call("download", {"file_id": file_id}, dict(request.headers), 0))
        await self._notify()
        if auth != f"Bearer {self.token}" or not self.files_readable:
            # Slack answers an unauthenticated file download with its sign-in page.
            return web.Response(text="<html>sign in</html>", content_type="text/html")
        _name, data = self.hosted[file_id]
        return web.Response(body=data, content_type="application/octet-stream")

    async def _response_url(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        await self._notify()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        self._socket_connected.set()
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    ack = json.loads(msg.data)
                    self.socket_acks[ack.get("envelope_id", "")] = ack
                    await self._notify()
        finally:
            self._sockets.remove(ws)
        return ws

    async def socket_send(
        self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0
    ) -> dict[str, Any]:
        """Deliver an envelope (``events_api``, ``slash_commands``, ``interactive``) over the
        Socket Mode connection and return the app's acknowledgement."""
        await asyncio.wait_for(self._socket_connected.wait(), 10)
        envelope_id = f"env-{next(self._ids)}"
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        return await self.wait_for(lambda: self.socket_acks.get(envelope_id), within=10)


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(dict(await request.post()))
    return args


def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = args.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def _json(
    data: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        text=json.dumps(data),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )
