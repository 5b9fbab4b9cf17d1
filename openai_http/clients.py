"""One async client per event loop, reused by every request made on that loop.

An ``AsyncOpenAI`` (an ``httpx.AsyncClient`` inside) keeps its connections on the event loop it
first ran on: on another loop it fails with "Event loop is closed". A backend that a renderer
drives from several loops in turn (each ``asyncio.run`` of the command line, each test) therefore
keeps one client per loop. Each client is closed when its loop shuts down (``asyncio.run`` and
``asyncio.Runner`` finalise async generators then, and one is left waiting for that), or at once
by :meth:`PerLoop.aclose`.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncGenerator, Callable
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar


class Closable(Protocol):
    async def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class PerLoop(Generic[C]):
    """Clients made by ``make``, one per running loop (see the module docstring)."""

    def __init__(self, make: Callable[[], C]) -> None:
        self._make = make
        self._clients: dict[asyncio.AbstractEventLoop, C] = {}
        self._closers: dict[asyncio.AbstractEventLoop, AsyncGenerator[None, None]] = {}

    def __len__(self) -> int:
        """How many clients are open (for tests and logs)."""
        return len(self._clients)

    async def get(self) -> C:
        """The running loop's client, made on first use."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            self._forget_closed_loops()
            client = self._clients[loop] = self._make()
            closer = self._closer(loop, client)
            self._closers[loop] = closer
            await closer.asend(None)  # now the loop closes it when it shuts down
        return client

    async def aclose(self) -> None:
        """Close the running loop's client now (the next :meth:`get` makes a new one)."""
        closer = self._closers.get(asyncio.get_running_loop())
        if closer is not None:
            await closer.aclose()

    async def _closer(
        self, loop: asyncio.AbstractEventLoop, client: C
    ) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            if self._clients.get(loop) is client:
                del self._clients[loop]
                self._closers.pop(loop, None)
            await client.close()

    def _forget_closed_loops(self) -> None:
        """Drop the clients of loops that closed without shutting their generators down."""
        for loop in [loop for loop in self._clients if loop.is_closed()]:
            del self._clients[loop]
            self._closers.pop(loop, None)


def sdk_httpx() -> ModuleType:
    """The ``httpx`` the installed ``openai`` SDK is built on: ``httpx2`` from openai 3 on,
    ``httpx`` before. Transports and clients handed to the SDK must come from that one."""
    import openai

    for base in openai.DefaultAsyncHttpxClient.__mro__:
        if base.__name__ == "AsyncClient":
            return importlib.import_module(base.__module__.partition(".")[0])
    return importlib.import_module("httpx")  # pragma: no cover - every SDK has the class


class _ClosingClient:
    """An ``httpx.AsyncClient`` as :class:`PerLoop` closes things (``close()``)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def close(self) -> None:
        await self.client.aclose()


def loop_local_async_client(timeout: float) -> Any:
    """An async HTTP client for the ``openai`` SDK (and LangChain's ``ChatOpenAI``) that keeps
    its connections per event loop.

    A client object is fixed when a model is built, but the model may be driven from several
    loops in turn (each ``asyncio.run`` of the command line, a worker's loop, each test); and
    LangChain by default shares one client per base URL across the whole process. A pooled
    connection from a loop that has closed then fails the next request with "Event loop is
    closed". Here the outer client's transport sends every request through an inner client of
    the running loop (a :class:`PerLoop`), which keeps the environment's proxy settings and is
    closed with its loop.
    """
    import openai

    httpx = sdk_httpx()

    class PerLoopTransport(httpx.AsyncBaseTransport):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            self._clients: PerLoop[_ClosingClient] = PerLoop(
                lambda: _ClosingClient(httpx.AsyncClient(timeout=timeout))
            )

        async def handle_async_request(self, request: Any) -> Any:
            inner = await self._clients.get()
            return await inner.client.send(request, stream=True)

        async def aclose(self) -> None:
            await self._clients.aclose()

    return openai.DefaultAsyncHttpxClient(
        timeout=timeout, transport=PerLoopTransport(), trust_env=False
    )
