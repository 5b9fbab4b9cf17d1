"""Shared bits of the agent tests: a chat model pointed at the fake server, and answers."""

from __future__ import annotations

from typing import Any

from agent import build_chat_model
from deck import Deck
from tests.fakes.openai_chat import FakeOpenAI

KEY = "test-key"


def chat_model(server: FakeOpenAI, *, timeout: float = 5.0) -> Any:
    return build_chat_model(
        model="fake-model", base_url=server.base_url, api_key=KEY, timeout=timeout
    )


def slide_draft(title: str, **fields: Any) -> dict[str, Any]:
    data = {
        "title": title,
        "bullets": [f"{title}: first point", f"{title}: second point"],
        "narration": f"Here we talk about {title.lower()}, in plain spoken words.",
        "image_prompt": f"a calm illustration of {title.lower()}",
        "layout": None,
    }
    data.update(fields)
    return data


def deck_draft(titles: list[str], **fields: Any) -> dict[str, Any]:
    data = {
        "title": titles[0],
        "language": "en",
        "theme": None,
        "style": None,
        "aspect": None,
        "slides": [slide_draft(t) for t in titles],
    }
    data.update(fields)
    return data


def titles(deck: Deck) -> list[str]:
    return [slide.title for slide in deck.slides]
