"""openai_http: waiting before retries, the retry loop, the server's explanation in one line,
secrets kept out of messages, and one client per event loop (through the real ``openai``
client and a local speech server)."""

from __future__ import annotations

import asyncio
import email.utils
import random
from pathlib import Path

import httpx
import openai
import pytest

from openai_http.clients import PerLoop
from openai_http.failures import describe, is_transient, server_message, short
from openai_http.redaction import Redactor, public_host, public_url, redact
from openai_http.retry import Backoff, Retry, retry_after, retrying
from render import OpenAISpeechBackend

from .fakes.openai_speech import FakeSpeechServer

NOW = 1_700_000_000.0
REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/audio/speech")


def status_error(status: int, body: object = None, headers: dict[str, str] | None = None):
    """A real ``openai`` status error, as the client raises it for an answer like this one."""
    import json

    content = json.dumps(body).encode() if body is not None else b""
    response = httpx.Response(status, headers=headers or {}, content=content, request=REQUEST)
    client = openai.OpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    inner = body.get("error", body) if isinstance(body, dict) else body
    return client._make_status_error(f"Error code: {status}", body=inner, response=response)


# --- Retry-After ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.3"}, 0.3),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # milliseconds win
        ({"retry-after-ms": "soon", "retry-after": "9"}, 9.0),  # unreadable: the next one
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": email.utils.formatdate(NOW + 42, usegmt=True)}, 42.0),
        ({"Retry-After": email.utils.formatdate(NOW - 60, usegmt=True)}, 0.0),  # past: now
        ({"Retry-After": email.utils.formatdate(NOW + 22)}, 22.0),  # "-0000": GMT
        ({"Retry-After": "later, please"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Server": "x"}, None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_milliseconds_and_http_dates(headers, seconds):
    wanted = None if seconds is None else pytest.approx(seconds)
    assert retry_after(headers, now=lambda: NOW) == wanted


def test_retry_after_reads_httpx_headers_in_any_case():
    assert retry_after(httpx.Headers({"RETRY-AFTER-MS": "20"})) == pytest.approx(0.02)
    assert retry_after(httpx.Headers({"Retry-After": "3"})) == 3.0


# --- Backoff ----------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens():
    policy = Backoff(base=0.5, cap=4.0, jitter=0.25)
    assert [policy.wait(n, dice=lambda: 0.0) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert policy.wait(1, dice=lambda: 0.999999) == pytest.approx(0.375)
    rng = random.Random(12)
    for retry in range(1, 9):
        full = min(4.0, 0.5 * 2 ** (retry - 1))
        waits = [policy.wait(retry, dice=rng.random) for _ in range(200)]
        assert all(0.75 * full <= w <= full for w in waits)
        assert max(waits) - min(waits) > 0.15 * full  # really spread out
    assert Backoff(base=1, cap=30, jitter=0).wait(10_000) == 30.0  # no overflow


def test_the_servers_wait_is_a_floor_and_the_cap_a_ceiling():
    policy = Backoff(base=0.5, cap=4.0)
    assert policy.delay(1, {"retry-after": "2"}, dice=lambda: 0.5) == 2.0
    assert policy.delay(2, {"retry-after": "600"}) == 4.0
    assert policy.delay(3, {"retry-after": "0"}, dice=lambda: 0.0) == 2.0  # ours is longer
    assert policy.delay(1, None, dice=lambda: 0.0) == 0.5


@pytest.mark.parametrize("kwargs", [{"base": -1}, {"cap": -1}, {"jitter": 1.5}])
def test_impossible_backoffs_are_refused(kwargs):
    with pytest.raises(ValueError, match=r"backoff|jitter"):
        Backoff(**kwargs)


# --- the retry loop ---------------------------------------------------------------------------


async def test_transient_failures_are_retried_after_the_wait_asked_for():
    answers: list[object] = [
        status_error(429, {"error": {"message": "slow down"}}, {"retry-after-ms": "1500"}),
        status_error(503, {"error": {"message": "overloaded"}}, {"Retry-After": "2"}),
        "spoken",
    ]
    slept: list[float] = []
    retries: list[Retry] = []

    async def call() -> object:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    result = await retrying(
        call, attempts=3, backoff=Backoff(base=0.1, cap=5), on_retry=retries.append, sleep=sleep
    )
    assert result == "spoken"
    assert slept == [1.5, 2.0]
    assert [(r.number, r.attempts, r.delay) for r in retries] == [(2, 3, 1.5), (3, 3, 2.0)]
    assert isinstance(retries[0].error, openai.RateLimitError)


async def test_the_last_failure_and_final_refusals_are_raised_as_they_are():
    calls = 0

    async def busy() -> None:
        nonlocal calls
        calls += 1
        raise status_error(500, {"error": {"message": "boom"}})

    async def no_wait(_seconds: float) -> None:
        pass

    with pytest.raises(openai.InternalServerError):
        await retrying(busy, attempts=3, backoff=Backoff(base=0), sleep=no_wait)
    assert calls == 3

    async def refused() -> None:
        nonlocal calls
        calls += 1
        raise status_error(401, {"error": {"message": "bad key"}})

    calls = 0
    with pytest.raises(openai.AuthenticationError):
        await retrying(refused, attempts=3, backoff=Backoff(base=0), sleep=no_wait)
    assert calls == 1  # a refused key does not get better
    with pytest.raises(ValueError, match="attempts"):
        await retrying(refused, attempts=0, backoff=Backoff())


def test_what_counts_as_transient():
    assert is_transient(status_error(429))
    assert is_transient(status_error(500)) and is_transient(status_error(503))
    assert is_transient(openai.APIConnectionError(request=REQUEST))
    assert is_transient(openai.APITimeoutError(request=REQUEST))
    for status in (400, 401, 403, 404, 422):
        assert not is_transient(status_error(status))
    assert not is_transient(ValueError("nope"))


# --- error detail -----------------------------------------------------------------------------


def test_the_servers_explanation_wherever_it_puts_it():
    openai_style = status_error(400, {"error": {"message": "Invalid  value\nfor 'voice'"}})
    assert server_message(openai_style) == "Invalid value for 'voice'"
    fastapi_style = status_error(400, {"detail": "Voice 'x' not found"})
    assert server_message(fastapi_style) == "Voice 'x' not found"
    bare = status_error(502, "upstream down")
    assert server_message(bare) == "upstream down"
    response = httpx.Response(502, content=b"<html>Bad gateway</html>", request=REQUEST)
    plain = openai.InternalServerError("Error code: 502", response=response, body=None)
    assert server_message(plain) == "<html>Bad gateway</html>"
    empty = status_error(500)
    assert server_message(empty) == "" and describe(empty) == "HTTP 500"
    assert server_message(RuntimeError("disk full")) == "disk full"


def test_explanations_are_short_and_never_carry_the_key():
    key = "sk-proj-AbCdEfGhIjKlMnOp1234"
    exc = status_error(401, {"error": {"message": f"Incorrect API key provided: {key}. " * 30}})
    message = server_message(exc, Redactor.of([key]))
    assert key not in message and message.startswith("Incorrect API key provided: [redacted].")
    assert len(message) == 300 and message.endswith("…")
    assert describe(exc, Redactor.of([key], mask="[key]")).startswith(
        "HTTP 401: Incorrect API key provided: [key]."
    )
    assert short("a\n  b", limit=10) == "a b"


def test_describe_says_what_happened_in_a_phrase():
    assert describe(openai.APITimeoutError(request=REQUEST), timeout=60) == "no answer within 60 s"
    assert describe(openai.APITimeoutError(request=REQUEST)) == "no answer in time"
    refused = openai.APIConnectionError(request=REQUEST)
    refused.__cause__ = httpx.ConnectError("All connection attempts failed")
    assert describe(refused) == "cannot connect (All connection attempts failed)"
    busy = status_error(503, {"error": {"message": "overloaded"}})
    assert describe(busy) == "HTTP 503: overloaded"


# --- redaction --------------------------------------------------------------------------------


def test_redact():
    text = "key sk-abcdefghijklmnop and Bearer abc.def-123456 and my-secret-value"
    cleaned = redact(text, ["my-secret-value"])
    assert cleaned == "key [redacted] and [redacted] and [redacted]"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: [redacted]"),
        ("{'authorization': 'Bearer abc123xyz789'}", "{'authorization': '[redacted]'}"),
        ('headers={"api-key": "0123456789abcdef"}', 'headers={"api-key": "[redacted]"}'),
        ("x-api-key=topsecret&other=1", "x-api-key=[redacted]&other=1"),
        (
            "cannot connect to http://me:hunter2@tts.local:8880/v1",
            "cannot connect to http://[redacted]@tts.local:8880/v1",
        ),
        (
            "GET https://h/v1/voices?key=abc123&lang=en",
            "GET https://h/v1/voices?key=[redacted]&lang=en",
        ),
        ("?access_token=t0k3n#frag", "?access_token=[redacted]#frag"),
        ("gsk_not-a-key and xai-0123456789abcdef", "gsk_not-a-key and [redacted]"),
        ("check OPENAI_API_KEY and the API key", "check OPENAI_API_KEY and the API key"),
    ],
)
def test_keys_in_headers_urls_and_messages_are_masked(text, cleaned):
    assert redact(text) == cleaned


def test_given_secrets_are_masked_anywhere_and_tiny_ones_ignored():
    secret = "local-token-42"
    scrub = Redactor.of([secret, None, "", "k"], mask="[key]")
    assert scrub.secrets == (secret,)
    assert scrub(f"token={secret}; again:{secret}!") == "token=[key]; again:[key]!"
    assert scrub("a kind key") == "a kind key"  # "k" is not a secret worth masking


def test_public_urls_drop_credentials_and_queries():
    assert public_url("http://user:pw@example.test:8080/v1?token=abc#x") == (
        "http://example.test:8080/v1"
    )
    assert public_url("https://api.openai.com/v1") == "https://api.openai.com/v1"
    assert public_url("http://[::1]:8880/v1") == "http://[::1]:8880/v1"
    assert public_url("not a url sk-abcdefghijklmnop") == "not a url [redacted]"
    assert public_host("http://user:pw@127.0.0.1:9/v1") == "127.0.0.1:9"
    assert public_host("https://api.openai.com/v1") == "api.openai.com"


# --- one client per event loop ----------------------------------------------------------------


class Client:
    def __init__(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True


def test_one_client_per_loop_closed_when_the_loop_shuts_down():
    made: list[Client] = []

    def make() -> Client:
        made.append(Client())
        return made[-1]

    clients = PerLoop(make)

    async def use() -> tuple[Client, ...]:
        return tuple(await asyncio.gather(*(clients.get() for _ in range(5))))

    first = asyncio.run(use())
    assert len(set(first)) == 1 and first[0].closed  # shared, then closed with its loop
    assert len(clients) == 0
    second = asyncio.run(use())
    assert second[0] is not first[0] and second[0].closed and len(made) == 2


async def test_a_client_can_be_closed_early_and_is_made_again():
    clients = PerLoop(Client)
    first = await clients.get()
    assert await clients.get() is first and len(clients) == 1
    await clients.aclose()
    assert first.closed and len(clients) == 0
    again = await clients.get()
    assert again is not first and not again.closed
    await clients.aclose()


class PeerRecordingSpeechServer(FakeSpeechServer):
    """The fake speech server, noting the client port each request came from."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.ports: list[int] = []

    async def _speech(self, request):  # type: ignore[no-untyped-def]
        self.ports.append(request.transport.get_extra_info("peername")[1])
        return await super()._speech(request)


def test_the_speech_voice_reuses_one_connection_across_slides(tmp_path: Path):
    server = PeerRecordingSpeechServer().start()
    backend = OpenAISpeechBackend(base_url=server.base_url, api_key="sk-test-0123456789abcdef")

    async def speak(n: int) -> object:
        for i in range(n):
            await backend.synthesize(
                f"slide {i}", voice="alloy", language="en", out=tmp_path / f"{i}.wav"
            )
        return await backend._clients.get()

    try:
        client = asyncio.run(speak(3))
        assert len(set(server.ports)) == 1  # one connection for three slides
        assert client.is_closed()  # closed when asyncio.run shut its loop down
        asyncio.run(speak(2))  # a new loop: a new client, reused again
        assert len(server.ports) == 5 and len(set(server.ports[3:])) == 1
        assert server.ports[3] != server.ports[0]
        assert all((tmp_path / f"{i}.wav").stat().st_size > 1000 for i in range(3))
    finally:
        server.stop()


# --- log records ------------------------------------------------------------------------------


def test_log_filter_scrubs_httpx_request_lines(caplog):
    import logging

    from openai_http import RedactingFilter

    handler = logging.StreamHandler(io := __import__("io").StringIO())
    handler.addFilter(RedactingFilter(["sk-configured-key-123456"]))
    log = logging.getLogger("httpx")
    log.addHandler(handler)
    old = log.level
    log.setLevel(logging.INFO)
    try:
        log.info(
            'HTTP Request: %s %s "%s %d %s"',
            "POST",
            httpx.URL("http://alice:hunter2pass@127.0.0.1:9/v1/chat/completions?key=abcdef123"),
            "HTTP/1.1",
            200,
            "OK",
        )
        log.info("the key sk-configured-key-123456 was refused")
    finally:
        log.removeHandler(handler)
        log.setLevel(old)
    text = io.getvalue()
    assert "hunter2pass" not in text and "abcdef123" not in text and "alice" not in text
    assert "sk-configured-key-123456" not in text
    assert (
        'POST http://[redacted]@127.0.0.1:9/v1/chat/completions?key=[redacted] "HTTP/1.1 200 OK"'
        in (text)
    )
