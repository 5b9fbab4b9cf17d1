"""A local OpenAI-compatible images endpoint (``POST /v1/images/generations``) on 127.0.0.1.

It answers like the real API: ``{"created", "data": [{"b64_json"}]}`` with a PNG of the
requested size (a colour derived from the prompt, so different prompts give different
pictures), or ``{"url"}`` when asked with ``response_format: "url"``. Scripted troubles:

- ``rate_limit_first``: the first N requests get 429 with ``retry-after-ms`` (the client
  retries them);
- ``refuse``: prompts containing any of these words get the 400 ``content_policy_violation``
  that the real API sends for a refused prompt;
- ``delay``: seconds each answer takes (to observe how many requests are in flight);
- ``urls``: answer with a URL to fetch the picture from, as some compatible servers do.

It records every request (JSON body and headers) and the largest number in flight at once.
It is a :class:`~tests.fakes.local_server.ThreadServer`, on an event loop of its own in a thread
(``with FakeImagesAPI() as api:``), so blocking clients can use it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from PIL import Image

from .local_server import ThreadServer


@dataclass
class FakeImagesAPI(ThreadServer):
    rate_limit_first: int = 0
    refuse: tuple[str, ...] = ()
    delay: float = 0.0
    urls: bool = False  # answer with a URL to the picture even when base64 was asked for
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _files: dict[str, bytes] = field(default_factory=dict)

    thread_name = "fake-images"

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/images/generations", self._generate)
        app.router.add_get("/files/{name}", self._file)

    async def _generate(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            number = len(self.requests)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.pause(self.delay)
            return self._answer(body, number)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, body: dict[str, Any], number: int) -> web.Response:
        if number <= self.rate_limit_first:
            return self._status(
                429,
                {"error": {"message": "Rate limit reached", "type": "requests", "code": None}},
                {"retry-after-ms": "20"},
            )
        prompt = str(body.get("prompt", ""))
        if any(word in prompt.lower() for word in self.refuse):
            return self._status(
                400,
                {
                    "error": {
                        "code": "content_policy_violation",
                        "message": "Your request was rejected as a result of our safety "
                        "system. Your prompt may contain text that is not allowed.",
                        "param": None,
                        "type": "invalid_request_error",
                    }
                },
            )
        width, height = (int(v) for v in str(body.get("size", "1024x1024")).split("x"))
        png = picture(prompt, (width, height))
        if self.urls or body.get("response_format") == "url":
            name = hashlib.sha256(png).hexdigest()[:16] + ".png"
            self._files[name] = png
            item = {"url": f"{self.root_url}/files/{name}"}
        else:
            item = {"b64_json": base64.b64encode(png).decode("ascii")}
        return self._status(200, {"created": int(time.time()), "data": [item]})

    def _status(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> web.Response:
        self.statuses.append(status)
        return web.json_response(payload, status=status, headers=headers)

    async def _file(self, request: web.Request) -> web.Response:
        data = self._files.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="image/png")


def prompt_color(prompt: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    return digest[0], digest[1], digest[2]


def picture(prompt: str, size: tuple[int, int]) -> bytes:
    """A PNG of ``size`` in the prompt's colour (small sizes keep tests fast)."""
    image = Image.new("RGB", size, prompt_color(prompt))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
