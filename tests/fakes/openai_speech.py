"""A local OpenAI-compatible speech server (``POST /v1/audio/speech``, optionally
``GET /v1/audio/voices``) on 127.0.0.1, run on its own thread so both sync and async tests,
and the CLI, can talk to it with the real ``openai`` client.

It answers with real audio that it makes: a speech-like signal (a voiced tone with syllable
bursts) as long as the text asks for (``seconds_per_char``), at a level that changes from one
request to the next (``levels_db``), with silence before and after, so trimming and loudness
normalisation are really exercised. It records every request, counts requests in flight, and
can answer 429/5xx (scripted, or always for texts holding a marker).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
import subprocess
import threading
import time
import wave
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import web

from render.ffmpeg import ffmpeg_exe

from .local_server import ScriptedFailure, ThreadServer


@dataclass
class SpeechRequest:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    started: float
    finished: float = 0.0


@dataclass
class FakeSpeechServer(ThreadServer):
    voices: list[str] | None = None  # the voices it has (None: any name is accepted)
    list_voices: bool = True  # serve GET /v1/audio/voices (OpenAI itself does not)
    api_key: str | None = None  # when set, other keys get 401 (whose body echoes the key)
    delay: float = 0.0  # seconds each speech request takes
    seconds_per_char: float = 0.03
    levels_db: tuple[float, ...] = (-32.0, -6.0, -20.0, -12.0)  # peak level, cycled
    rate: int = 22_050  # a Piper-like rate, so the renderer must resample
    script: list[int] = field(default_factory=list)  # statuses for the next requests, then 200
    fail_texts: dict[str, int] = field(default_factory=dict)  # marker in text -> status, always
    retry_after: str | None = "0"
    requests: list[SpeechRequest] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    thread_name = "fake-speech"

    def __post_init__(self) -> None:
        super().__init__()
        self._levels = itertools.cycle(self.levels_db)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def speech_requests(self) -> list[SpeechRequest]:
        return [r for r in self.requests if r.path.endswith("/audio/speech")]

    def texts(self) -> list[str]:
        return [r.body.get("input", "") for r in self.speech_requests()]

    # -- the server: start() and stop(), or with (see tests/fakes/local_server.py) --------

    stop = ThreadServer.close

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/audio/speech", self._speech)
        if self.voices is not None and self.list_voices:
            app.router.add_get("/v1/audio/voices", self._voices)

    def _authorised(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if given == self.api_key:
            return None
        return web.json_response(
            {"error": {"message": f"Incorrect API key provided: {given}", "type": "auth"}},
            status=401,
        )

    async def _voices(self, request: web.Request) -> web.Response:
        self.requests.append(
            SpeechRequest(request.path, {}, dict(request.headers), time.perf_counter())
        )
        return self._authorised(request) or web.json_response({"voices": self.voices})

    async def _speech(self, request: web.Request) -> web.Response:
        body = await request.json()
        record = SpeechRequest(request.path, body, dict(request.headers), time.perf_counter())
        self.requests.append(record)
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.pause(self.delay)
            return await self._answer(request, body)
        finally:
            with self._lock:
                self.in_flight -= 1
            record.finished = time.perf_counter()

    async def _answer(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        text = str(body.get("input", ""))
        status = next((s for marker, s in self.fail_texts.items() if marker in text), None)
        if status is None and self.script:
            status = self.script.pop(0)
        if status is not None and status != 200:
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            error = {"error": {"message": f"fake failure {status}", "type": "server_error"}}
            return await self.failure_response(ScriptedFailure(status, error, headers))
        if self.voices is not None and body.get("voice") not in self.voices:
            return web.json_response(
                {"detail": f"Voice '{body.get('voice')}' not found"}, status=400
            )
        fmt = body.get("response_format", "mp3")
        audio = await asyncio.to_thread(self.audio, text, next(self._levels), fmt)
        return web.Response(body=audio, content_type=_CONTENT_TYPES.get(fmt, "audio/wav"))

    # -- the audio -------------------------------------------------------------------------

    def seconds(self, text: str) -> float:
        return max(0.6, len(text) * self.seconds_per_char)

    def audio(self, text: str, level_db: float, fmt: str) -> bytes:
        """A speech-like take of ``text``: voiced bursts, peaking at ``level_db`` dBFS, with
        0.3 s of silence before and 0.5 s after."""
        rate = 24_000 if fmt == "pcm" else self.rate
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        f0 = 110 + seed % 120
        t = np.arange(round(self.seconds(text) * rate)) / rate
        syllables = np.abs(np.sin(np.pi * 4.0 * t)) ** 1.5
        voiced = sum(np.sin(2 * np.pi * f0 * k * t + k) / k for k in range(1, 6))
        take = syllables * voiced
        take *= 10 ** (level_db / 20) / np.max(np.abs(take))
        signal = np.concatenate((np.zeros(int(0.3 * rate)), take, np.zeros(int(0.5 * rate))))
        pcm = (signal * 32767).astype("<i2")
        if fmt == "pcm":
            return pcm.tobytes()
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(pcm.tobytes())
        if fmt == "wav":
            return buffer.getvalue()
        codec = {"mp3": ["-c:a", "libmp3lame", "-f", "mp3"], "flac": ["-f", "flac"]}[fmt]
        return subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-f", "wav", "-i", "-", *codec, "-"],
            input=buffer.getvalue(),
            capture_output=True,
            check=True,
        ).stdout


_CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac", "pcm": "audio/pcm"}
