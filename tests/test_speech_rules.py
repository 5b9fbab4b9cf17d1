"""Narration text made speakable, beyond the basics: the rules every voice backend relies on."""

from __future__ import annotations

import pytest

from render.speech import prepare_for_speech


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("It weighs 1 kg, not 2.5 kg", "It weighs 1 kilogram, not 2.5 kilograms"),
        ("A 1 km/h breeze over 25,000 km", "A 1 kilometre per hour breeze over 25,000 kilometres"),
        ("Light of 400 nm in 5 m² of leaf", "Light of 400 nanometres in 5 square metres of leaf"),
        ("In the 1980s it took 5 s", "In the 1980s it took 5 seconds"),
        ("Add 1½ cups, then ¾ cup", "Add 1 and a half cups, then three quarters cup"),
        (
            "1/2 of 3/4 on 12/05/2024, open 24/7",
            "a half of three quarters on 12/05/2024, open 24/7",
        ),
        ("It was -5 °C", "It was minus 5 degrees Celsius"),
        (
            "10^6 cells, 10² and 2^-3",
            "10 to the power of 6 cells, 10 squared and 2 to the power of minus 3",
        ),
        ("CO₂ + H₂O → C₆H₁₂O₆", "CO2 plus H2O to C6H12O6"),
        # signs between emoji are part of the picture, not words to say
        ("Plants ☀️ + 💧 → 🍎.", "Plants."),
        ("🌞+💧=🌱 growth", "growth"),
        ("Family 👨‍👩‍👧 + 🐶 = ❤️", "Family"),
        ("CO₂ + H₂O → C₆H₁₂O₆ 🌿", "CO2 plus H2O to C6H12O6"),
        ("Paris → London ✈️", "Paris to London"),
        (
            "$5M raised, $1 each, €2.5bn, £3",
            "5 million dollars raised, 1 dollar each, 2.5 billion euros, 3 pounds",
        ),
        ("x < 5 and y ≥ 3, ±2", "x is less than 5 and y is at least 3, plus or minus 2"),
        (
            "pages 5–7 on 2024-05-12, call 555-123-4567",
            "pages 5 to 7 on May 12, 2024, call 5 5 5, 1 2 3, 4 5 6 7",
        ),
        ("w/ sugar, w/o salt, and/or milk", "with sugar, without salt, and or milk"),
        ("Smith et al. show it in Fig. 3", "Smith and colleagues show it in Figure 3"),
        ("COVID-19 and 10-20%", "COVID-19 and 10 to 20 percent"),
        ("<b>Bold</b> text<br/>\n---\nmore", "Bold text more"),
    ],
)
def test_english_narration_is_written_out(text, spoken):
    assert prepare_for_speech(text, "en") == spoken


def test_every_language_loses_markup_and_gets_plain_digits():
    assert prepare_for_speech("**CO₂** <i>und</i> H₂O", "de") == "CO2 und H2O"
    # Words stay in the deck's language: English rules are not applied to it.
    assert prepare_for_speech("5 kg & 1/2", "fr") == "5 kilogrammes & 1/2"
    assert prepare_for_speech("Plantes ☀️ + 💧 → 🍎, et 2 + 2 = 4.", "fr") == (
        "Plantes, et 2 + 2 = 4."
    )
