"""The chat model: LangChain's ``ChatOpenAI`` pointed at any OpenAI-compatible server.

OpenAI itself, Ollama, vLLM, llama.cpp's server and LM Studio all speak the Chat Completions
API; only the base URL, the model name and (sometimes) the key differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from openai_http import loop_local_async_client, public_url

from .errors import ModelNotConfigured

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

# Local servers accept any key but the OpenAI client insists on having one.
_LOCAL_KEY = "not-needed"


@dataclass(frozen=True, slots=True)
class SetupHints:
    """What the application calls the settings that set the model up, for messages that say
    what to change. The agent knows no environment variables or command line: the wiring
    passes its own names (its environment variables, say); these defaults say it in words."""

    model: str = "the model name"
    base_url: str = "the server's base URL"
    api_key: str = "the API key"
    timeout: str = "the model timeout"


IN_WORDS = SetupHints()


def build_chat_model(
    *,
    model: str,
    base_url: str | None,
    api_key: str | None,
    timeout: float = 60.0,
    hints: SetupHints = IN_WORDS,
    callbacks: Sequence[Any] = (),
) -> BaseChatModel:
    """A ``ChatOpenAI`` for ``model`` at ``base_url`` (OpenAI's own API when ``None``).

    The client never retries by itself (``max_retries=0``): the agent retries rate limits and
    timeouts with its own bounded backoff and tells the person while it waits. Requests always
    use the Chat Completions API, which every compatible server implements. ``callbacks`` are
    LangChain callback handlers that hear of every call (e.g. to count calls and failures).
    Its connections are kept per event loop (:func:`openai_http.loop_local_async_client`), so
    driving one model, or several at one URL, from loops in turn never meets a closed loop.
    LangChain and the OpenAI client are imported here, when a model is built: commands that
    use none do not pay for loading them.
    """
    from langchain_openai import ChatOpenAI

    model = model.strip()
    if not model:
        raise ModelNotConfigured(
            f"{hints.model} is empty; set it to a model name, e.g. gpt-4o-mini or llama3.1"
        )
    if not api_key and not base_url:
        raise ModelNotConfigured(
            f"{hints.model} is '{model}' but {hints.api_key} is not set. Set {hints.api_key} "
            f"for OpenAI, or {hints.base_url} for a local server (e.g. http://localhost:11434/v1 "
            "for Ollama)"
        )
    if timeout <= 0:
        raise ModelNotConfigured(f"the model timeout must be positive, not {timeout}")
    return ChatOpenAI(
        model=model,
        base_url=base_url or None,
        api_key=SecretStr(api_key or _LOCAL_KEY),
        timeout=timeout,
        max_retries=0,
        use_responses_api=False,
        http_async_client=loop_local_async_client(timeout),
        callbacks=list(callbacks) or None,
    )


def model_label(model: BaseChatModel) -> str:
    """A short name for messages: ``gpt-4o-mini at http://host:port/v1``, without the key or
    any credentials written into the URL."""
    name = getattr(model, "model_name", None) or type(model).__name__
    base = getattr(model, "openai_api_base", None)
    return f"{name} at {public_url(str(base))}" if base else str(name)


def model_secret(model: BaseChatModel) -> str | None:
    """The model's API key, so that messages quoting a server can be scrubbed of it."""
    key = getattr(model, "openai_api_key", None)
    return key.get_secret_value() if isinstance(key, SecretStr) else None
