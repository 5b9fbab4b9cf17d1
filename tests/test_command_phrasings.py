"""The phrasing corpus (tests/data/command_phrasings.txt): what people type for structural
changes, each with the edits it means. The model-free parser must get at least 95% of them
right and must never claim a content request (tests/data/content_requests.txt)."""

from __future__ import annotations

from pathlib import Path

from agent import parse_command
from deck import (
    Aspect,
    DeckEdit,
    DeleteSlide,
    MoveSlide,
    NewImage,
    SetDeck,
    SetTheme,
    SwapSlides,
)

DATA = Path(__file__).parent / "data"
HIT_RATE = 0.95


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _edit(spec: str, slides: int) -> list[DeckEdit]:
    op, _, rest = spec.strip().partition(" ")
    args = rest.split()
    match op:
        case "delete":
            return [DeleteSlide(slide=int(args[0]))]
        case "swap":
            return [SwapSlides(a=int(args[0]), b=int(args[1]))]
        case "move":
            return [MoveSlide(slide=int(args[0]), after=int(args[1]))]
        case "theme":
            return [SetTheme(name=rest)]
        case "style":
            return [SetTheme(style=rest)]
        case "aspect":
            return [SetDeck(aspect=Aspect(rest))]
        case "voice":
            return [SetDeck(voice=rest)]
        case "title":
            return [SetDeck(title=rest)]
        case "image" if rest == "all":
            return [NewImage(slide=n) for n in range(1, slides + 1)]
        case "image":
            return [NewImage(slide=int(args[0]))]
    raise ValueError(f"unknown edit in the corpus: {spec!r}")


def corpus() -> list[tuple[str, list[DeckEdit]]]:
    pairs = []
    for line in _lines("command_phrasings.txt"):
        phrasing, _, edits = line.rpartition(" | ")
        expected = [edit for spec in edits.split(";") for edit in _edit(spec, 6)]
        pairs.append((phrasing, expected))
    return pairs


def hit_rate(deck) -> tuple[float, list[str]]:
    misses = []
    pairs = corpus()
    for phrasing, expected in pairs:
        got = parse_command(phrasing, deck)
        if got != expected:
            misses.append(f"{phrasing!r}: expected {expected}, got {got}")
    return 1 - len(misses) / len(pairs), misses


def test_the_corpus_is_big_enough():
    assert len(corpus()) >= 80
    assert len(_lines("content_requests.txt")) >= 40


def test_phrasing_hit_rate(example_deck):
    rate, misses = hit_rate(example_deck)
    assert rate >= HIT_RATE, "\n".join(misses)


def test_no_content_request_is_taken_for_a_command(example_deck):
    claimed = [
        f"{text!r} -> {edits}"
        for text in _lines("content_requests.txt")
        if (edits := parse_command(text, example_deck)) is not None
    ]
    assert claimed == []
