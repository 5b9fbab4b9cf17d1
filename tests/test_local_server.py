"""The base of the local fakes: both flavours (on the caller's loop, on a thread), the request
log, scripted failures and delays that closing cuts short, over real HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request

import aiohttp
import pytest
from aiohttp import web

from tests.fakes.local_server import (
    LocalServer,
    LoopServer,
    ScriptedFailure,
    ThreadServer,
    rate_limited,
)


class Echo(LocalServer):
    """Answers ``GET /echo/...`` with its path (or a scripted failure); ``GET /wait`` waits."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[bool] = []
        self.entered: asyncio.Queue[str] = asyncio.Queue()  # paths whose handler started

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/echo/{rest:.*}", self._echo)
        app.router.add_get("/wait", self._wait)

    async def _echo(self, request: web.Request) -> web.Response:
        self.entered.put_nowait(request.path)
        failure = self.take_failure(request.method, request.path)
        if failure is not None:
            return await self.failure_response(failure)
        return web.json_response({"path": request.path})

    async def _wait(self, request: web.Request) -> web.Response:
        self.entered.put_nowait(request.path)
        self.waits.append(await self.pause(60))
        return web.json_response({"waited": self.waits[-1]})


class ThreadEcho(Echo, ThreadServer):
    thread_name = "fake-echo"


class LoopEcho(Echo, LoopServer):
    pass


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def refused(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_on_a_thread_it_serves_blocking_clients_and_logs_every_request():
    with ThreadEcho() as server:
        assert server.root_url == f"http://127.0.0.1:{server.port}" and server.port > 0
        status, _headers, body = get(f"{server.root_url}/echo/a%20b?x=1")
        assert status == 200 and json.loads(body) == {"path": "/echo/a b"}
        assert get(f"{server.root_url}/nowhere")[0] == 404
    (first, second) = server.log
    assert (first.method, first.path, first.path_qs) == ("GET", "/echo/a b", "/echo/a%20b?x=1")
    assert second.path == "/nowhere" and second.at >= first.at
    assert "User-Agent" in first.headers
    # Closed: the port is still known (to point a client at a server that has gone), and refuses.
    assert refused(server.port)
    server.close()  # closing twice is harmless


async def test_on_the_callers_loop_scripted_failures_answer_the_requests_they_match():
    async with LoopEcho() as server, aiohttp.ClientSession() as session:
        server.script_failure(
            rate_limited(2, body={"error": "slow down"}, pattern="/echo/limited", times=2)
        )
        server.script_failure(ScriptedFailure(503, method="POST", pattern="/echo/.*"))
        answers = []
        for path in ("/echo/other", "/echo/limited", "/echo/limited", "/echo/limited"):
            async with session.get(server.root_url + path) as response:
                answers.append((response.status, response.headers.get("Retry-After")))
                if response.status == 429:
                    assert await response.json() == {"error": "slow down"}
        # Only the path it matches, only as often as scripted; the POST-only one never fires.
        assert answers == [(200, None), (429, "2"), (429, "2"), (200, None)]
        assert [f.status for f in server.failures] == [503]
    assert refused(server.port)


async def test_closing_cuts_scripted_delays_short():
    server = await LoopEcho().start()
    server.script_failure(ScriptedFailure(500, delay=60, pattern="/echo/slow"))
    async with aiohttp.ClientSession() as session:
        slow = asyncio.ensure_future(session.get(f"{server.root_url}/echo/slow"))
        waiting = asyncio.ensure_future(session.get(f"{server.root_url}/wait"))
        assert {await server.entered.get(), await server.entered.get()} == {"/echo/slow", "/wait"}
        await server.close()
        # Both handlers came out of their 60 s waits and answered: the delayed failure with
        # its status, the pause with False (the server began closing first).
        assert (await slow).status == 500
        assert await (await waiting).json() == {"waited": False}
    assert server.waits == [False]


def test_a_fake_must_say_what_it_serves():
    server = ThreadServer()
    with pytest.raises(NotImplementedError):
        server.start()
    server.close()  # nothing was started: nothing to stop
