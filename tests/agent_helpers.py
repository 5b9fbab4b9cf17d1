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


NARRATION = {
    "en": "Here we talk about this part of the topic in plain spoken words.",
    "fr": "Ici nous parlons de cette partie du sujet avec des mots simples.",
    "es": "Aquí hablamos de esta parte del tema con palabras sencillas.",
    "de": "Hier sprechen wir über diesen Teil des Themas mit einfachen Worten.",
    "ja": "ここでは、このテーマをやさしい言葉で説明します。",
    "zh": "这里我们用简单的话讲解这个主题。",
    "ru": "Здесь мы простыми словами рассказываем об этой части темы.",
    "hi": "यहाँ हम इस विषय को सरल शब्दों में समझाते हैं।",
    "ar": "هنا نتحدث عن هذا الجزء من الموضوع بكلمات بسيطة.",
}


def deck_in(language: str, count: int, *, label: str = "en") -> dict[str, Any]:
    """A draft of ``count`` slides written in ``language`` (narration and bullets), which the
    model labels ``label``."""
    narration = NARRATION[language]
    titles = [f"{narration.split()[0]} {n}" for n in range(1, count + 1)]
    draft = deck_draft(titles, language=label)
    for slide in draft["slides"]:
        slide["narration"] = narration
        slide["bullets"] = [narration[:60]]
    return draft
