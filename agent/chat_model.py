"""The chat model: LangChain's ``ChatOpenAI`` pointed at any OpenAI-compatible server.

OpenAI itself, Ollama, vLLM, llama.cpp's server and LM Studio all speak the Chat Completions
API; only the base URL, the model name and (sometimes) the key differ.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from .errors import ModelNotConfigured

# Local servers accept any key but the OpenAI client insists on having one.
_LOCAL_KEY = "not-needed"


def build_chat_model(
    *,
    model: str,
    base_url: str | None,
    api_key: str | None,
    timeout: float = 60.0,
) -> BaseChatModel:
    """A ``ChatOpenAI`` for ``model`` at ``base_url`` (OpenAI's own API when ``None``).

    The client never retries by itself (``max_retries=0``): the agent retries rate limits and
    timeouts with its own bounded backoff and tells the person while it waits. Requests always
    use the Chat Completions API, which every compatible server implements.
    """
    model = model.strip()
    if not model:
        raise ModelNotConfigured(
            "DECKCAST_LLM_MODEL is empty; set it to a model name, e.g. gpt-4o-mini or llama3.1"
        )
    if not api_key and not base_url:
        raise ModelNotConfigured(
            f"DECKCAST_LLM_MODEL is '{model}' but OPENAI_API_KEY is not set. Set OPENAI_API_KEY "
            "for OpenAI, or OPENAI_BASE_URL for a local server (e.g. http://localhost:11434/v1 "
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
    )


def model_label(model: BaseChatModel) -> str:
    """A short name for messages: ``gpt-4o-mini at http://host:port/v1``, without the key or
    any credentials written into the URL."""
    name = getattr(model, "model_name", None) or type(model).__name__
    base = getattr(model, "openai_api_base", None)
    if not base:
        return str(name)
    url = urlsplit(str(base))
    host = url.hostname or ""
    if url.port:
        host = f"{host}:{url.port}"
    return f"{name} at {urlunsplit((url.scheme, host, url.path, '', ''))}"


def model_secret(model: BaseChatModel) -> str | None:
    """The model's API key, so that messages quoting a server can be scrubbed of it."""
    key = getattr(model, "openai_api_key", None)
    return key.get_secret_value() if isinstance(key, SecretStr) else None
