"""Speaking styles: how a voice that takes instructions (OpenAI's ``gpt-4o-mini-tts``) should
sound for a deck, from the deck's theme. A style is part of every narration's cache key, so it
depends on the theme's name only: editing slides never changes it."""

from __future__ import annotations

from deck import Deck

AUTO = "auto"

THEME_TONES: dict[str, str] = {
    "light": "a friendly explainer: clear, upbeat and unhurried",
    "dark": "a calm documentary narrator: measured, confident and warm",
    "chalkboard": "a patient teacher at the blackboard: clear, encouraging, with gentle emphasis",
    "ocean": "a calm guide: gentle, soothing and clear",
    "sunset": "a warm storyteller: relaxed and engaging",
}


def speaking_style(deck: Deck) -> str:
    """The instruction for ``deck``: a tone that suits its theme."""
    tone = THEME_TONES.get(deck.theme.name, THEME_TONES["light"])
    return (
        f"Narrate a short explainer video as {tone}. Speak naturally, pause briefly between "
        "sentences, and never rush."
    )


def resolve_style(setting: str | None, deck: Deck) -> str | None:
    """The style to use: ``auto`` derives one from the deck, empty means none, anything else is
    used as written."""
    if setting is None or not setting.strip():
        return None
    if setting.strip().lower() == AUTO:
        return speaking_style(deck)
    return setting.strip()
