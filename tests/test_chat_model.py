"""Building the chat model from settings, and what it never shows."""

from __future__ import annotations

import asyncio

import pytest
from langchain_openai import ChatOpenAI

from agent import ModelNotConfigured, build_chat_model
from agent.chat_model import model_label, model_secret
from bot.backends import LLM_HINTS, build_llm
from bot.settings import Settings


def test_chat_openai_without_its_own_retries():
    model = build_chat_model(
        model="llama3.1", base_url="http://localhost:11434/v1", api_key=None, timeout=12
    )
    assert isinstance(model, ChatOpenAI)
    assert model.max_retries == 0 and model.request_timeout == 12
    assert model.use_responses_api is False
    assert model.openai_api_base == "http://localhost:11434/v1"
    assert model_secret(model) == "not-needed"  # local servers take any key


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": " ", "base_url": None, "api_key": "k"}, "DECKCAST_LLM_MODEL is empty"),
        ({"model": "gpt-4o-mini", "base_url": None, "api_key": None}, "OPENAI_API_KEY is not set"),
        ({"model": "m", "base_url": "http://x/v1", "api_key": None, "timeout": 0}, "positive"),
    ],
)
def test_configuration_mistakes(kwargs, message):
    with pytest.raises(ModelNotConfigured, match=message):
        build_chat_model(**kwargs, hints=LLM_HINTS)


def test_label_drops_credentials_in_the_url():
    model = build_chat_model(
        model="m", base_url="http://user:hunter2@example.test:8080/v1?token=abc", api_key="k"
    )
    assert model_label(model) == "m at http://example.test:8080/v1"


def test_settings_map_to_the_model(monkeypatch):
    for name in ("DECKCAST_LLM_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "DECKCAST_LLM_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DECKCAST_OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("DECKCAST_OPENAI_BASE_URL", raising=False)
    assert build_llm(Settings(_env_file=None)) is None
    monkeypatch.setenv("DECKCAST_LLM_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-123456789")
    monkeypatch.setenv("DECKCAST_LLM_TIMEOUT", "30")
    settings = Settings(_env_file=None)
    assert "sk-from-env" not in repr(settings)  # a SecretStr
    model = build_llm(settings)
    assert model.model_name == "gpt-4o-mini" and model.request_timeout == 30
    assert model_secret(model) == "sk-from-env-123456789"


def test_a_model_is_driven_from_one_event_loop_after_another(fake_openai):
    """Each ``asyncio.run`` (a command, a worker, a test) is a new loop. LangChain by default
    shares one HTTP client per URL across the process, whose pooled connection from a closed
    loop then failed every other retry with "Event loop is closed"."""
    from agent import Planner
    from tests.agent_helpers import chat_model, deck_draft
    from tests.fakes.openai_chat import Reply

    shared = chat_model(fake_openai)
    for model in [shared, shared, chat_model(fake_openai), chat_model(fake_openai)]:
        # A 429 first: the retry goes out on the connection the first request left in the pool.
        fake_openai.script(Reply.rate_limited(0), deck_draft(["Tides", "The moon", "Waves"]))
        deck = asyncio.run(Planner(model, backoff=0.01).plan("tides in 3 slides"))
        assert len(deck.slides) == 3
    assert len(fake_openai.exchanges) == 8
