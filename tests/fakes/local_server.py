"""What every local fake server shares: an aiohttp app on 127.0.0.1, a request log, failures.

A fake adds its routes in :meth:`LocalServer.routes`; the base binds a free port on 127.0.0.1
and runs the app. It comes in two flavours, by where the app runs:

- :class:`LoopServer`, on the caller's event loop: ``async with fake:`` or
  ``await fake.start()`` / ``await fake.close()``. The Discord and Slack fakes are these, since
  the bot under test shares the test's loop;
- :class:`ThreadServer`, on an event loop of its own in a daemon thread: ``with fake:`` or
  ``fake.start()`` / ``fake.close()``, so synchronous tests, subprocesses and blocking clients
  can talk to it too. The OpenAI-compatible and Hugging Face hub fakes are these.

Either way:

- :attr:`LocalServer.port`, :attr:`LocalServer.root_url`: where it listens (the port stays
  known after closing, so a test can point a client at a server that has gone);
- :attr:`LocalServer.log`: every request that arrived (method, path and query, headers, when);
- scripted failures: :meth:`LocalServer.script_failure` queues a :class:`ScriptedFailure`
  (a status such as 429 with ``Retry-After`` or a 5xx, a JSON body, headers, a delay) for the
  next requests matching a method and a path pattern; the fake's handler takes it with
  :meth:`LocalServer.take_failure` at the point where the real service would refuse, and
  answers it with :meth:`LocalServer.failure_response`;
- :meth:`LocalServer.pause`: a delay (a slow answer, a timeout) that ends early when the
  server closes, so closing never waits for a scripted delay.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class LoggedRequest:
    """One request a fake received."""

    method: str
    path: str  # decoded
    path_qs: str  # as sent: the path (still percent-encoded) and the query string
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived


@dataclass
class ScriptedFailure:
    """An answer a fake gives instead of the real one, to the next ``times`` requests whose
    method is ``method`` (``*``: any) and whose path matches the regex ``pattern`` in full."""

    status: int
    body: Any = None  # JSON; None: an empty body
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    method: str = "*"
    pattern: str = ".*"
    times: int = 1

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and self.method in ("*", method)
            and re.fullmatch(self.pattern, path) is not None
        )


def rate_limited(
    retry_after: float | str | None = 1,
    *,
    body: Any = None,
    header: str = "Retry-After",
    headers: dict[str, str] | None = None,
    method: str = "*",
    pattern: str = ".*",
    times: int = 1,
) -> ScriptedFailure:
    """HTTP 429 with ``header: retry_after`` (``None``: no such header) and ``headers``."""
    sent = {} if retry_after is None else {header: str(retry_after)}
    return ScriptedFailure(
        429, body, {**sent, **(headers or {})}, method=method, pattern=pattern, times=times
    )


class LocalServer:
    """The base of the fakes (see the module docstring). Subclasses implement :meth:`routes`
    and may override :meth:`before_shutdown` (to close websockets) and the class settings."""

    client_max_size: ClassVar[int] = 1024**2  # aiohttp's default limit on a request body
    shutdown_timeout: ClassVar[float] = 60.0  # aiohttp's default wait for handlers in flight

    def __init__(self) -> None:
        self.port = 0
        self.log: list[LoggedRequest] = []
        self.failures: list[ScriptedFailure] = []
        self._failures_lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self._closing: asyncio.Event | None = None

    # -- what a fake provides --------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        """Add the fake's routes to ``app``."""
        raise NotImplementedError

    async def before_shutdown(self) -> None:
        """Called when closing, before the server stops (close websockets here)."""

    # -- where it listens ------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- serving ----------------------------------------------------------------------------

    async def serve(self) -> None:
        """Start serving on the running event loop."""
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=self.client_max_size, middlewares=[self._logged])
        self.routes(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=self.shutdown_timeout)
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def shutdown(self) -> None:
        """Stop serving (requests in flight get ``shutdown_timeout`` to finish)."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        assert self._closing is not None
        self._closing.set()
        await self.before_shutdown()
        await runner.cleanup()

    # -- the request log, delays and scripted failures -------------------------------------

    @web.middleware
    async def _logged(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.log.append(
            LoggedRequest(
                request.method,
                request.path,
                request.path_qs,
                dict(request.headers),
                time.monotonic(),
            )
        )
        return await handler(request)

    async def pause(self, seconds: float) -> bool:
        """Wait ``seconds``; False if the server started closing first."""
        if seconds <= 0:
            return True
        assert self._closing is not None, "the server is not running"
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return True
        return False

    def script_failure(self, failure: ScriptedFailure) -> ScriptedFailure:
        """Answer the next requests that ``failure`` matches with it (see :meth:`take_failure`)."""
        with self._failures_lock:
            self.failures.append(failure)
        return failure

    def take_failure(self, method: str, path: str) -> ScriptedFailure | None:
        """The first scripted failure for (``method``, ``path``), counted as used; or None.
        ``path`` is whatever the fake matches patterns against (with or without a prefix)."""
        with self._failures_lock:
            for failure in self.failures:
                if failure.matches(method, path):
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                    return failure
        return None

    async def failure_response(self, failure: ScriptedFailure) -> web.Response:
        """``failure`` as a response, after its delay (cut short if the server closes)."""
        await self.pause(failure.delay)
        if failure.body is None:
            return web.Response(status=failure.status, headers=failure.headers)
        return web.json_response(failure.body, status=failure.status, headers=failure.headers)


class LoopServer(LocalServer):
    """A fake on the caller's event loop: ``async with fake:``, or ``await fake.start()`` and
    ``await fake.close()``."""

    async def start(self) -> Self:
        await self.serve()
        return self

    async def close(self) -> None:
        await self.shutdown()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class ThreadServer(LocalServer):
    """A fake on an event loop of its own, in a daemon thread: ``with fake:``, or
    ``fake.start()`` (it returns once the server listens) and ``fake.close()``."""

    thread_name: ClassVar[str] = "fake-server"

    def __init__(self) -> None:
        super().__init__()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name=self.thread_name, daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.serve(), loop).result(timeout=10)
        except BaseException:
            _stop_loop(loop, thread)
            raise
        self._loop, self._thread = loop, thread
        return self

    def close(self) -> None:
        """Stop serving (nothing if it is not running)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = self._thread = None
        try:
            asyncio.run_coroutine_threadsafe(self.shutdown(), loop).result(timeout=30)
        finally:
            _stop_loop(loop, thread)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    if not thread.is_alive():
        loop.close()
