"""agent/ and render/ know no settings and no command line: their messages say what to change in
plain words, and in the application's own names when the wiring (bot/backends.py) passes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent import ModelNotConfigured, Planner, Reviser, build_chat_model
from bot.backends import LLM_HINTS, MODEL_HINTS
from deck import build_deck
from render import ModelNotFoundError
from render.images.models import locate

ROOT = Path(__file__).resolve().parent.parent
APP_WORDS = re.compile(
    r"DECKCAST_|OPENAI_API_KEY|OPENAI_BASE_URL"
    r"|\bdeckcast (?:models|render|plan|revise|chat|slack|discord|export|status|voices)\b"
    r"|--voice\b|--images\b"
)
DECK = build_deck({"title": "T", "slides": [{"title": "One"}, {"title": "Two"}]})


def test_no_module_of_agent_render_or_openai_http_names_the_apps_settings_or_commands():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in ("agent", "render", "openai_http")
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if APP_WORDS.search(line)
    ]
    assert found == []


async def test_without_hints_the_agent_says_it_in_words():
    with pytest.raises(ModelNotConfigured) as planned:
        await Planner(None).plan("explain how tides work")
    with pytest.raises(ModelNotConfigured) as revised:
        await Reviser(None).revise(DECK, "make it funnier")
    with pytest.raises(ModelNotConfigured) as built:
        build_chat_model(model="gpt-4o-mini", base_url=None, api_key=None)
    for caught in (planned, revised, built):
        message = str(caught.value)
        assert "the model name" in message and "the API key" in message
        assert not APP_WORDS.search(message)


async def test_with_the_bots_hints_the_agent_names_its_settings():
    with pytest.raises(ModelNotConfigured) as caught:
        await Reviser(None, hints=LLM_HINTS).revise(DECK, "make it funnier")
    message = str(caught.value)
    assert "set DECKCAST_LLM_MODEL, and OPENAI_BASE_URL / OPENAI_API_KEY" in message


def test_a_missing_model_names_the_hub_cli_or_the_apps_commands(tmp_path):
    with pytest.raises(ModelNotFoundError) as plain:
        locate("sd-turbo", cache_dir=tmp_path)
    assert "get it once with: hf download stabilityai/sd-turbo, or set the image model" in str(
        plain.value
    )
    with pytest.raises(ModelNotFoundError) as unknown:
        locate("sd-9000", cache_dir=tmp_path)
    assert not APP_WORDS.search(str(plain.value) + str(unknown.value))
    with pytest.raises(ModelNotFoundError) as named:
        locate("sd-9000", cache_dir=tmp_path, hints=MODEL_HINTS)
    assert str(named.value).endswith("(see: deckcast models list)")
    with pytest.raises(ModelNotFoundError) as nothing:
        locate(" ", cache_dir=tmp_path, hints=MODEL_HINTS)
    assert str(nothing.value) == "no diffusion model given; set DECKCAST_IMAGE_MODEL"
