"""Keeping secrets out of messages: API keys never reach a log line, an error or a reply."""

from __future__ import annotations

import re
from collections.abc import Iterable

_KEY_SHAPES = re.compile(
    r"(?:\bBearer\s+)[A-Za-z0-9._~+/=-]{6,}"  # an Authorization header echoed back
    r"|\b(?:sk|pk|rk|gsk|xai|sess)-[A-Za-z0-9_-]{8,}"  # the usual shapes of API keys
)
MASK = "[redacted]"


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every given secret, and anything shaped like an API key, masked."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return _KEY_SHAPES.sub(MASK, text)
