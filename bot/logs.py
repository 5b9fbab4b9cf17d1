"""Logging, set up once from settings: plain lines for people, or one JSON object per line for
log collectors (``DECKCAST_LOG_FORMAT=json``), and no secret in either.

A record's ``job_id``, ``conversation_id``, ``event`` and ``version`` extras (the job
lifecycle lines of :mod:`bot.engine.observer` carry them) become fields of its JSON object.
Every secret the settings hold (bot tokens, API keys, the signing secret) is replaced by
``***`` in every record, whoever logs it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable
from typing import Any

from pydantic import SecretStr

from .settings import Settings

FIELDS = ("job_id", "conversation_id", "version", "event", "workspace", "platform", "seconds")
NOISY = ("httpx", "httpx2", "fontTools")  # per-request lines of the HTTP client; PDF subsetting
MIN_SECRET_LENGTH = 6  # shorter values would blank ordinary words


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the known ids, and the
    traceback (as one string) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:  # (already redacted by RedactSecrets when it ran)
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactSecrets(logging.Filter):
    """Replaces each of ``secrets`` by ``***`` in a record's message, arguments and
    traceback text (the record is rewritten once, before any handler formats it)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted(
            {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value the settings hold."""
    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            values.append(value.get_secret_value())
    return values


def configure_logging(settings: Settings, *, verbose: bool = False) -> None:
    """Send every log record to stderr in the settings' format, secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # A handler filter sees the records of every logger (a logger's own filter would not
    # see those propagated from its children).
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    root.setLevel(logging.DEBUG if verbose else level)
    if not verbose:
        for noisy in NOISY:
            logging.getLogger(noisy).setLevel(logging.WARNING)
