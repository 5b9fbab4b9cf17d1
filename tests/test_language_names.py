"""A deck's language written by name or as a locale with underscores, as people and models
write it, is read as its code (and then voiced in that language)."""

from __future__ import annotations

import pytest

from deck import DeckValidationError, build_deck
from deck.language_names import english_name, language_code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("French", "fr"),
        ("français", "fr"),
        ("FRENCH", "fr"),
        (" Spanish ", "es"),
        ("Español", "es"),
        ("Deutsch", "de"),
        ("the Spanish language", "es"),
        ("Brazilian Portuguese", "pt-BR"),
        ("Chinese (Simplified)", "zh-Hans"),
        ("繁體中文", "zh-Hant"),
        ("日本語", "ja"),
        ("русский", "ru"),
        ("Arabic", "ar"),
        ("עברית", "he"),
        ("हिन्दी", "hi"),
        ("ไทย", "th"),
        ("fr_FR", "fr-FR"),
        ("pt_br", "pt-br"),
        ("zh_Hant_TW", "zh-Hant-TW"),
        ("fr", "fr"),
        ("pt-BR", "pt-BR"),
    ],
)
def test_names_and_locales_become_codes(written, code):
    assert language_code(written) == code
    deck = build_deck({"title": "T", "language": written, "slides": [{"title": "A"}]})
    assert deck.language == code


@pytest.mark.parametrize("written", ["Klingon", "fr FR", "", "123"])
def test_what_is_no_language_is_still_refused(written):
    with pytest.raises(DeckValidationError, match="language"):
        build_deck({"title": "T", "language": written, "slides": [{"title": "A"}]})


def test_a_named_language_is_voiced_in_it():
    from render.voice.languages import parse_language

    deck = build_deck({"title": "T", "language": "French", "slides": [{"title": "A"}]})
    assert parse_language(deck.language).language == "fr"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("fr", "French"),
        ("fr-CA", "French"),
        ("fr_FR", "French"),
        ("pt-BR", "Brazilian Portuguese"),
        ("pt-br", "Brazilian Portuguese"),
        ("zh-Hant", "Traditional Chinese"),
        ("EN", "English"),
        ("xx", None),
    ],
)
def test_a_code_has_the_english_name_the_model_is_told(code, name):
    """The one table of language names also names a code for the model's instructions
    ("write every slide in French")."""
    assert english_name(code) == name
