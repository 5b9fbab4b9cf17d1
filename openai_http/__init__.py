"""Talking to OpenAI-compatible servers: what the agent's chat model, the speech voice and the
OpenAI images backend share, in one place.

::

    openai_http/
    ├── retry.py       retry_after(headers): retry-after-ms, Retry-After in seconds or as an HTTP
    │                  date; Backoff: exponential, capped, jittered, the server's wish a floor;
    │                  retrying(call, attempts=, backoff=): the bounded retry loop
    ├── failures.py    is_transient(exc) (429, 5xx, timeouts, dropped connections), the server's
    │                  own explanation in one short line (server_message), describe(exc)
    ├── redaction.py   Redactor / redact: API keys, bearer tokens, key headers, credentials and
    │                  tokens in URLs masked; public_url / public_host for messages;
    │                  RedactingFilter / scrub_logs: the same for log records (httpx's URLs)
    └── clients.py     PerLoop: one async client per event loop, reused, closed with its loop;
                       loop_local_async_client: an SDK http client whose connections are
                       per loop (the chat model's)

Who retries what:

- ``agent`` (LangChain's ``ChatOpenAI``, built with ``max_retries=0``) and the ``openai`` voice
  (``AsyncOpenAI``, ``max_retries=0``) retry with :func:`retrying`: the agent tells the person
  "the model is busy, retrying (2/3)" while it waits, and both turn the last failure into their
  own error, so the client's silent retries would not do.
- The images backend lets the ``openai`` client retry (its ``max_retries``): it is synchronous,
  one picture per request, nobody is told anything while it waits, and the client already
  honours ``retry-after-ms`` and ``Retry-After`` with jittered backoff.

This package imports nothing of deckcast's (``agent`` and ``render`` both use it, and neither
may import the other) and only lazily imports ``openai``. It raises no errors of its own beyond
``ValueError`` for impossible arguments: callers put failures in their own words.
"""

from .clients import PerLoop, loop_local_async_client, sdk_httpx
from .failures import describe, error_body, headers_of, is_transient, server_message, short
from .redaction import (
    MASK,
    RedactingFilter,
    Redactor,
    public_host,
    public_url,
    redact,
    scrub_logs,
)
from .retry import Backoff, Retry, retry_after, retrying

__all__ = [
    "MASK",
    "Backoff",
    "PerLoop",
    "RedactingFilter",
    "Redactor",
    "Retry",
    "describe",
    "error_body",
    "headers_of",
    "is_transient",
    "loop_local_async_client",
    "public_host",
    "public_url",
    "redact",
    "retry_after",
    "retrying",
    "scrub_logs",
    "sdk_httpx",
    "server_message",
    "short",
]
