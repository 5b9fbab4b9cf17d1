from __future__ import annotations

import pytest

from deck import (
    MAX_SLIDES,
    Deck,
    DeckValidationError,
    Slide,
    build_deck,
    default_seed,
)


def test_slide_fills_narration_prompt_and_seed():
    slide = Slide(
        title="Leaves are solar panels", bullets=["Chlorophyll absorbs light", "Green is reflected"]
    )
    assert (
        slide.narration == "Leaves are solar panels. Chlorophyll absorbs light. Green is reflected."
    )
    assert slide.image_prompt == "Leaves are solar panels"
    assert slide.image_seed == default_seed("Leaves are solar panels")


def test_text_is_normalised_to_one_clean_line():
    slide = Slide(title="  Two\n\twords\x00 \u200b ", bullets=["a\r\nb"])
    assert slide.title == "Two words"
    assert slide.bullets == ["a b"]


def test_content_hash_is_stable_and_sensitive():
    a = Slide(title="Title", bullets=["one"])
    b = Slide(title="Title", bullets=["one"])
    c = Slide(title="Title", bullets=["one!"])
    assert a.content_hash() == b.content_hash()
    assert a.content_hash() != c.content_hash()
    # A known value: the hash must not change between runs, machines or versions.
    assert len(a.content_hash()) == 64
    assert (
        Slide(title="x").content_hash()
        == Slide.model_validate(Slide(title="x").model_dump()).content_hash()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "d", "slides": []}, "deck slides: has too few items (0, at least 1)"),
        (
            {"title": "d", "slides": [{"title": "s"}] * (MAX_SLIDES + 1)},
            f"deck slides: has too many slides ({MAX_SLIDES + 1}, at most {MAX_SLIDES}; "
            "a '#' title slide counts as one)",
        ),
        (
            {"title": "d", "slides": [{"title": "ok"}, {"title": "x" * 91}]},
            "slide 2 title: is too long (91 characters, at most 90)",
        ),
        (
            {"title": "d", "slides": [{"title": "ok", "bullets": ["b"] * 7}]},
            "slide 1 bullets: has too many items (7, at most 6)",
        ),
        (
            {"title": "d", "slides": [{"title": "ok", "bullets": ["ok", "y" * 141]}]},
            "slide 1 bullet 2: is too long (141 characters, at most 140)",
        ),
        (
            {"title": "d", "slides": [{"title": "ok", "narration": "n" * 1501}]},
            "slide 1 narration: is too long (1501 characters, at most 1500)",
        ),
        ({"title": "d", "slides": [{"title": "   "}]}, "slide 1 title: is empty"),
        (
            {"title": "d", "theme": {"name": "neon"}, "slides": [{"title": "s"}]},
            "deck theme: unknown theme 'neon'",
        ),
        ({"title": "d", "language": "english!", "slides": [{"title": "s"}]}, "not a language code"),
        (
            {"title": "d", "aspect": "4:3", "slides": [{"title": "s"}]},
            "deck aspect: must be one of",
        ),
    ],
)
def test_limits_name_the_field(data, message):
    with pytest.raises(DeckValidationError) as info:
        build_deck(data)
    assert message in str(info.value)


def test_theme_brings_its_default_style_and_keeps_a_chosen_one():
    deck = build_deck({"title": "d", "theme": {"name": "chalkboard"}, "slides": [{"title": "s"}]})
    assert deck.theme.style == "chalk drawing on a blackboard"
    deck = build_deck(
        {"title": "d", "theme": {"name": "DARK", "style": "watercolor"}, "slides": [{"title": "s"}]}
    )
    assert (deck.theme.name, deck.theme.style) == ("dark", "watercolor")


def test_deck_is_immutable():
    deck = Deck(title="d", slides=[Slide(title="s")])
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        deck.title = "other"  # type: ignore[misc]
