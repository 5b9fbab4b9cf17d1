from __future__ import annotations

import pytest

from deck import (
    DeckValidationError,
    DeleteSlide,
    EditError,
    EditSlide,
    InsertSlide,
    MoveSlide,
    NewImage,
    NewSlide,
    ReplaceSlide,
    SetDeck,
    SetTheme,
    SwapSlides,
    apply,
    build_deck,
    next_seed,
    parse_edits,
)


@pytest.fixture
def deck():
    return build_deck(
        {
            "title": "Numbers",
            "slides": [{"title": f"Slide {i}", "bullets": [f"b{i}"]} for i in range(1, 6)],
        }
    )


def titles(deck):
    return [s.title for s in deck.slides]


def test_edit_slide_changes_only_that_slide(deck):
    new = apply(deck, [EditSlide(slide=3, bullets=["simpler"], narration="Simple words.")])
    assert new.slides[2].bullets == ["simpler"] and new.slides[2].narration == "Simple words."
    assert new.slides[2].image_seed == deck.slides[2].image_seed  # same picture
    for i in (0, 1, 3, 4):
        assert new.slides[i] is deck.slides[i]  # untouched slides are the very same objects
        assert new.slides[i].content_hash() == deck.slides[i].content_hash()


def test_numbers_refer_to_the_deck_before_the_edits(deck):
    new = apply(
        deck,
        [
            DeleteSlide(slide=2),
            EditSlide(slide=5, title="Five"),
            InsertSlide(after=3, slide=NewSlide(title="New")),
        ],
    )
    assert titles(new) == ["Slide 1", "Slide 3", "New", "Slide 4", "Five"]


def test_insert_positions(deck):
    new = apply(
        deck,
        [
            InsertSlide(after=0, slide=NewSlide(title="First")),
            InsertSlide(after=5, slide=NewSlide(title="Last")),
        ],
    )
    assert titles(new)[0] == "First" and titles(new)[-1] == "Last"
    new = apply(
        deck,
        [
            InsertSlide(after=2, slide=NewSlide(title="A")),
            InsertSlide(after=2, slide=NewSlide(title="B")),
        ],
    )
    assert titles(new)[:4] == ["Slide 1", "Slide 2", "A", "B"]


def test_move_swap_replace(deck):
    assert titles(apply(deck, [SwapSlides(a=2, b=4)])) == [
        "Slide 1",
        "Slide 4",
        "Slide 3",
        "Slide 2",
        "Slide 5",
    ]
    assert titles(apply(deck, [MoveSlide(slide=5, after=0)]))[0] == "Slide 5"
    assert titles(apply(deck, [MoveSlide(slide=1, after=3)])) == [
        "Slide 2",
        "Slide 3",
        "Slide 1",
        "Slide 4",
        "Slide 5",
    ]
    new = apply(deck, [ReplaceSlide(slide=1, new=NewSlide(title="Intro", bullets=["x"]))])
    assert new.slides[0].title == "Intro" and new.slides[0].narration == "Intro. x."


def test_restyle_and_deck_settings(deck):
    new = apply(
        deck,
        [SetTheme(style="watercolor"), SetDeck(language="es", aspect="9:16", voice="espeak:es")],
    )
    assert (new.theme.name, new.theme.style) == ("light", "watercolor")
    assert (new.language, new.aspect.value, new.voice) == ("es", "9:16", "espeak:es")
    assert all(a is b for a, b in zip(new.slides, deck.slides, strict=True))
    dark = apply(deck, [SetTheme(name="dark")])
    assert (
        dark.theme.style == "cinematic digital painting, dramatic lighting"
    )  # the new theme's default
    kept = apply(new, [SetTheme(name="dark")])
    assert kept.theme.style == "watercolor"  # a chosen style survives a theme change


def test_new_image_changes_only_the_seed(deck):
    new = apply(deck, [NewImage(slide=2)])
    assert (
        new.slides[1].image_seed
        == next_seed(deck.slides[1].image_seed)
        != deck.slides[1].image_seed
    )
    assert new.slides[1].model_dump(exclude={"image_seed"}) == deck.slides[1].model_dump(
        exclude={"image_seed"}
    )
    assert apply(deck, [NewImage(slide=2)]) == new  # deterministic


def test_missing_slide_lists_the_slides(deck):
    with pytest.raises(EditError) as info:
        apply(deck, [EditSlide(slide=9, title="x")])
    assert "there is no slide 9; the deck has 5 slides: 1. Slide 1, 2. Slide 2" in str(info.value)
    with pytest.raises(EditError, match="already deleted"):
        apply(deck, [DeleteSlide(slide=2), EditSlide(slide=2, title="x")])


def test_results_are_validated(deck):
    with pytest.raises(EditError, match="at least one"):
        apply(deck, [DeleteSlide(slide=i) for i in range(1, 6)])
    with pytest.raises(DeckValidationError, match="unknown theme"):
        apply(deck, [SetTheme(name="neon")])
    many = [InsertSlide(after=5, slide=NewSlide(title=f"n{i}")) for i in range(26)]
    with pytest.raises(DeckValidationError, match="too many slides"):
        apply(deck, many)


def test_edits_parse_from_json():
    edits = parse_edits([{"op": "swap_slides", "a": 1, "b": 2}, {"op": "new_image", "slide": 3}])
    assert isinstance(edits[0], SwapSlides) and isinstance(edits[1], NewImage)
