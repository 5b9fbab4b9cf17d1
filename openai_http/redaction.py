"""Keeping secrets out of what people and logs see: API keys, bearer tokens, credentials and
tokens written into URLs, key headers.

:class:`Redactor` masks the secrets it is given (wherever they stand) and anything shaped like
one: ``sk-...``-style keys, ``Bearer ...`` tokens, the value of an ``Authorization`` or
``api-key`` header, ``user:password@`` in a URL, ``?key=``/``token=`` query values.
:func:`public_url` gives a server's address fit to show (no credentials, no query).
:class:`RedactingFilter` does the same for log records (httpx logs every request's URL at INFO,
credentials and ``?key=`` included).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

MASK = "[redacted]"
MIN_SECRET = 4  # shorter "secrets" (a placeholder key like "k") would mask ordinary words

# An API key or token where it stands in free text: its usual shapes, or after "Bearer".
_KEY_SHAPES = re.compile(
    r"\bBearer\s+[A-Za-z0-9._~+/=-]{6,}"  # an Authorization header's value echoed back
    r"|\b(?:sk|pk|rk|gsk|xai|sess)-[A-Za-z0-9_-]{8,}"  # the usual shapes of API keys
)
# A key header or field and its value: ``Authorization: Basic abc``, ``"api-key": "abc"``.
_KEY_FIELDS = re.compile(
    r"(?i)(\b(?:proxy-)?authorization|\bx-api-key|\bapi[-_]?key)"
    r"(['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|basic|token)\s+)?[^\s'\",;&}]+"
)
# Credentials in a URL: ``scheme://user:password@host``.
_URL_USER = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
# Tokens in a query string: ``?key=...``, ``&access_token=...``.
_QUERY_TOKEN = re.compile(
    r"(?i)([?&](?:key|token|access_token|auth|secret|password|sig|signature)=)[^&#\s]+"
)


@dataclass(frozen=True, slots=True)
class Redactor:
    """Masks ``secrets`` and anything shaped like a secret in a text; ``mask`` is the caller's
    word for what was there (``[redacted]``, ``[key]``)."""

    secrets: tuple[str, ...] = ()
    mask: str = MASK

    @classmethod
    def of(cls, secrets: Iterable[str | None], *, mask: str = MASK) -> Redactor:
        """A redactor for the given secrets; empty, missing and very short ones are left out."""
        kept = tuple(s for s in secrets if s and len(s) >= MIN_SECRET)
        return cls(tuple(sorted(set(kept), key=len, reverse=True)), mask)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, self.mask)
        text = _KEY_FIELDS.sub(lambda m: f"{m[1]}{m[2]}{self.mask}", text)
        text = _URL_USER.sub(lambda m: f"{m[1]}{self.mask}@", text)
        text = _QUERY_TOKEN.sub(lambda m: f"{m[1]}{self.mask}", text)
        return _KEY_SHAPES.sub(self.mask, text)


def redact(text: str, secrets: Iterable[str | None] = (), *, mask: str = MASK) -> str:
    """``text`` with every given secret, and anything shaped like a secret, masked."""
    return Redactor.of(secrets, mask=mask)(text)


def public_url(url: str) -> str:
    """``url`` fit for a message: scheme, host, port and path, without credentials, query or
    fragment (``http://user:pw@host:8080/v1?key=k`` -> ``http://host:8080/v1``)."""
    parts = _split(url)
    if parts is None:
        return redact(url)
    return urlunsplit((parts.scheme, _netloc(parts), parts.path, "", ""))


def public_host(url: str) -> str:
    """The ``host:port`` of ``url``, without credentials (``url`` scrubbed when it has none)."""
    parts = _split(url)
    return redact(url) if parts is None else _netloc(parts)


def _split(url: str) -> SplitResult | None:
    """``url``'s parts, or None when it is not a URL with a host (or its port is no number)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    return parts if parts.hostname else None


def _netloc(parts: SplitResult) -> str:
    hostname = parts.hostname or ""
    host = f"[{hostname}]" if ":" in hostname else hostname  # an IPv6 address
    return f"{host}:{parts.port}" if parts.port else host


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record it passes (put it on a handler, so
    that records of every logger are scrubbed: httpx's ``HTTP Request: POST
    http://user:password@host/v1/...`` lines, an exception text that quotes a key).

    The record's message is formatted once and replaced by its scrubbed text; records are never
    dropped.
    """

    def __init__(self, secrets: Iterable[str | None] = (), *, mask: str = MASK) -> None:
        super().__init__()
        self.redactor = Redactor.of(secrets, mask=mask)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: leave it to the handler
            return True
        scrubbed = self.redactor(message)
        if scrubbed != message or record.args:
            record.msg, record.args = scrubbed, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redactor(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        return True


def scrub_logs(secrets: Iterable[str | None] = (), *, logger: logging.Logger | None = None) -> None:
    """Put a :class:`RedactingFilter` on every handler of ``logger`` (the root logger by
    default), once: call it after ``logging.basicConfig``."""
    target = logger or logging.getLogger()
    kept = list(secrets)
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(kept))
