"""Structural commands parsed without a model, and texts that must go to the model instead."""

from __future__ import annotations

import pytest

from agent import parse_command
from deck import (
    Aspect,
    DeleteSlide,
    MoveSlide,
    NewImage,
    SetDeck,
    SetTheme,
    SwapSlides,
    apply,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("delete slide 4", [DeleteSlide(slide=4)]),
        ("Delete slide 4.", [DeleteSlide(slide=4)]),
        ("please remove the last slide", [DeleteSlide(slide=6)]),
        ("drop the second one", [DeleteSlide(slide=2)]),
        ("delete slides 2 and 3", [DeleteSlide(slide=2), DeleteSlide(slide=3)]),
        (
            "remove slides 2, 3 & 5",
            [DeleteSlide(slide=2), DeleteSlide(slide=3), DeleteSlide(slide=5)],
        ),
        ("swap 2 and 3", [SwapSlides(a=2, b=3)]),
        ("swap slides 2 and 4", [SwapSlides(a=2, b=4)]),
        ("switch slide 1 with the last slide", [SwapSlides(a=1, b=6)]),
        ("move slide 5 to the start", [MoveSlide(slide=5, after=0)]),
        ("move slide 5 to the beginning", [MoveSlide(slide=5, after=0)]),
        ("move slide 2 to the end", [MoveSlide(slide=2, after=6)]),
        ("move slide 5 after slide 2", [MoveSlide(slide=5, after=2)]),
        ("move slide 5 before slide 2", [MoveSlide(slide=5, after=1)]),
        ("move slide 2 to position 4", [MoveSlide(slide=2, after=4)]),
        ("move slide 4 to position 2", [MoveSlide(slide=4, after=1)]),
        ("put slide 3 first", [MoveSlide(slide=3, after=0)]),
        ("theme dark", [SetTheme(name="dark")]),
        ("Theme: ocean", [SetTheme(name="ocean")]),
        ("use the ocean theme", [SetTheme(name="ocean")]),
        ("switch to the chalkboard theme", [SetTheme(name="chalkboard")]),
        ("change the theme to sunset", [SetTheme(name="sunset")]),
        ("dark theme", [SetTheme(name="dark")]),
        ("watercolor style", [SetTheme(style="watercolor")]),
        ("use a watercolor style", [SetTheme(style="watercolor")]),
        ("style: chalk drawing", [SetTheme(style="chalk drawing")]),
        ("Style: Studio Ghibli anime", [SetTheme(style="Studio Ghibli anime")]),
        ("in the style of Hokusai", [SetTheme(style="in the style of Hokusai")]),
        ("new picture for slide 2", [NewImage(slide=2)]),
        ("a different image on the last slide", [NewImage(slide=6)]),
        ("redraw slide 4", [NewImage(slide=4)]),
        ("regenerate the picture for slide 3", [NewImage(slide=3)]),
        ("new pictures", [NewImage(slide=n) for n in range(1, 7)]),
        ("new images for all slides", [NewImage(slide=n) for n in range(1, 7)]),
        ("vertical", [SetDeck(aspect=Aspect.TALL)]),
        ("make it vertical", [SetDeck(aspect=Aspect.TALL)]),
        ("9:16", [SetDeck(aspect=Aspect.TALL)]),
        ("square", [SetDeck(aspect=Aspect.SQUARE)]),
        ("landscape", [SetDeck(aspect=Aspect.WIDE)]),
        ("aspect 1:1", [SetDeck(aspect=Aspect.SQUARE)]),
        ("voice silent", [SetDeck(voice="silent")]),
        ("voice: espeak:de", [SetDeck(voice="espeak:de")]),
        ("use the kokoro:af_heart voice", [SetDeck(voice="kokoro:af_heart")]),
        ("voice kokoro", [SetDeck(voice="kokoro")]),
        ("mute", [SetDeck(voice="silent")]),
        ("title: Leaf power", [SetDeck(title="Leaf power")]),
        ("rename the video to Leaf power", [SetDeck(title="Leaf power")]),
        ("theme dark and vertical", [SetTheme(name="dark"), SetDeck(aspect=Aspect.TALL)]),
        ("swap 2 and 3 and theme dark", [SwapSlides(a=2, b=3), SetTheme(name="dark")]),
        ("delete slide 2, swap 3 and 4", [DeleteSlide(slide=2), SwapSlides(a=3, b=4)]),
        ("delete slide 6; then square", [DeleteSlide(slide=6), SetDeck(aspect=Aspect.SQUARE)]),
    ],
)
def test_commands(example_deck, text, expected):
    assert parse_command(text, example_deck) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "make slide 3 simpler",
        "add a slide about side effects after slide 5",
        "delete the jargon from slide 3",
        "remove the slide about chlorophyll",
        "in Spanish",
        "shorter narration",
        "use a different style",
        "make slide 2 a different style",
        "undo",
        "swap 2",
        "theme dark and make slide 3 funnier",
        "new picture",
    ],
)
def test_not_commands(example_deck, text):
    assert parse_command(text, example_deck) is None


def test_numbers_refer_to_the_deck_as_it_stands(example_deck):
    edits = parse_command("delete slide 2, swap 3 and 4", example_deck)
    revised = apply(example_deck, edits)
    assert [s.title for s in revised.slides] == [
        "How plants eat sunlight",
        "The light reactions",
        "The ingredients",
        "The Calvin cycle",
        "Why it matters",
    ]


def test_missing_slides_are_left_for_apply_to_report(example_deck):
    assert parse_command("delete slide 40", example_deck) == [DeleteSlide(slide=40)]
