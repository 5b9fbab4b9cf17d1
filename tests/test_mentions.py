"""Which slides an instruction names, in the languages deckcast plans in: the reviser refuses a
slide that does not exist, shows the named ones whole, and sends back an answer that edits
others."""

from __future__ import annotations

import pytest

from agent.mentions import mentioned_slides
from deck import parse_outline
from tests.conftest import EXAMPLES

DECK = parse_outline((EXAMPLES / "photosynthesis.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "slides"),
    [
        ("simpler words on slide 3 and 4", [3, 4]),
        ("the last slide, shorter", [len(DECK.slides)]),
        ("simplifie la diapositive 3", [3]),
        ("vereinfache Folie 3", [3]),
        ("упрости текст на слайде 3", [3]),  # a declined noun: was no slide at all
        ("uprość slajd 3", [3]),
        ("na slajdzie 3 prostsze słowa", [3]),
        ("slayt 2 daha kısa", [2]),
        ("στη διαφάνεια 3", [3]),
        ("スライド3をもっと簡単に", [3]),
        ("2枚目のスライドを短く", [2]),
        ("让第3张幻灯片更简单", [3]),
        ("3번 슬라이드를 더 쉽게", [3]),
        # numbers that name no slide
        ("no dia 3 de março", []),  # "dia" is a day in Portuguese
        ("make it about the 1918 flu", []),
    ],
)
def test_slides_named_in_an_instruction(text, slides):
    assert mentioned_slides(text, DECK) == slides
