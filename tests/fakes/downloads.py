"""A local stand-in for a GitHub release on 127.0.0.1, for ``deckcast voices pull``.

``GET /releases/download/{tag}/{name}`` answers 302 to ``/objects/{name}``, as GitHub sends
release downloads to its object storage, which serves the bytes with a ``Content-Length``.
Files named in ``cut`` stop half-way (the connection is closed mid-transfer); files not in
``files`` answer 404. Every request path is recorded (``paths``).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from .local_server import ThreadServer

TAG = "model-files-v1.0"


@dataclass
class FakeRelease(ThreadServer):
    files: dict[str, bytes]
    cut: tuple[str, ...] = ()

    thread_name = "fake-release"

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def endpoint(self) -> str:
        return self.root_url

    @property
    def paths(self) -> list[str]:
        """Every request so far, as ``METHOD /path?query``."""
        return [f"{r.method} {r.path_qs}" for r in self.log]

    @property
    def base_url(self) -> str:
        return f"{self.endpoint}/releases/download/{TAG}"

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/releases/download/{tag}/{name}", self._release)
        app.router.add_get("/objects/{name}", self._object)

    async def _release(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if request.match_info["tag"] != TAG or name not in self.files:
            raise web.HTTPNotFound(text="Not Found")
        raise web.HTTPFound(f"/objects/{name}")

    async def _object(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        data = self.files.get(name)
        if data is None:
            raise web.HTTPNotFound()
        response = web.StreamResponse(
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))}
        )
        await response.prepare(request)
        if name in self.cut:
            await response.write(data[: len(data) // 2])
            assert request.transport is not None
            request.transport.close()  # the connection drops mid-file
            return response
        for start in range(0, len(data), 1 << 20):
            await response.write(data[start : start + (1 << 20)])
        await response.write_eof()
        return response
