"""What went wrong when a server failed: whether trying again can help, and the server's own
explanation in one short line, without secrets.

The ``openai`` client raises ``APIStatusError`` subclasses for HTTP errors (with the decoded
error object as ``body``), ``APITimeoutError`` and ``APIConnectionError``. Servers put their
explanation in different places: OpenAI's ``{"error": {"message": ...}}``, FastAPI's
``{"detail": ...}``, a bare string or plain text; :func:`server_message` looks in each.
``openai`` is imported only when a failure is looked at (it is slow to import, and whoever
raised the failure has imported it already).
"""

from __future__ import annotations

from typing import Any

from .redaction import Redactor

MAX_MESSAGE = 300  # characters of a server's explanation quoted to a person
_NO_SECRETS = Redactor()


def is_transient(exc: BaseException) -> bool:
    """Whether trying again may help: a rate limit (429), a server error (5xx), a timeout or a
    dropped connection. Refusals (a bad key, an unknown model, a bad request) are final."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError is one too
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def headers_of(exc: BaseException) -> Any:
    """The headers of the answer that ``exc`` reports (None without an answer)."""
    return getattr(getattr(exc, "response", None), "headers", None)


def error_body(exc: BaseException) -> dict[str, Any]:
    """The server's error object (the client keeps either it or the whole answer)."""
    body = getattr(exc, "body", None)
    if not isinstance(body, dict):
        return {}
    inner = body.get("error")
    return inner if isinstance(inner, dict) else body


def server_message(
    exc: BaseException, redact: Redactor = _NO_SECRETS, *, limit: int = MAX_MESSAGE
) -> str:
    """The server's own explanation of ``exc`` in one line of at most ``limit`` characters, with
    secrets masked; for a failure without an answer, the failure's own text."""
    body = getattr(exc, "body", None)
    message: object = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        message = message or body.get("detail")
    elif isinstance(body, str):
        message = body
    response = getattr(exc, "response", None)
    if not message and response is not None:
        message = _text_of(response)
    if not message and response is None:
        message = str(exc)
    return short(str(message or ""), redact, limit=limit)


def describe(
    exc: BaseException, redact: Redactor = _NO_SECRETS, *, timeout: float | None = None
) -> str:
    """A short phrase for a log line or a message: ``HTTP 503: overloaded``, ``no answer within
    60 s``, ``cannot connect (All connection attempts failed)``."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return f"no answer within {timeout:g} s" if timeout else "no answer in time"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect ({short(str(exc.__cause__ or exc), redact)})"
    if isinstance(exc, openai.APIStatusError):
        message = server_message(exc, redact)
        return f"HTTP {exc.status_code}: {message}" if message else f"HTTP {exc.status_code}"
    return server_message(exc, redact) or type(exc).__name__


def short(text: str, redact: Redactor = _NO_SECRETS, *, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line, secrets masked, cut to ``limit`` characters (with an ellipsis)."""
    text = redact(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_of(response: Any) -> str:
    try:
        return str(response.text)
    except Exception:  # a streamed answer that was not read: nothing to quote
        return ""
