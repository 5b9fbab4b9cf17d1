"""The deck as the model sees it in a revision: compact, numbered, every field once.

Numbered slides let the model resolve "slide 3", "the last one" and "the slide about
chlorophyll" itself; writing each field once, as plain labelled lines, costs far fewer tokens
than the deck's JSON. When the instruction names its slides ("make slide 3 simpler"), only
those are shown whole; the others keep their title and bullets (enough to find "the slide
about chlorophyll" or to refer to a neighbour) and leave out narration and picture, which are
most of a deck's words.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from deck import Deck

MAX_HISTORY_TURNS = 6
MAX_HISTORY_CHARS = 300


def deck_view(deck: Deck, focus: Collection[int] | None = None) -> str:
    """``deck`` as numbered, labelled lines (the revision prompt's ``{deck}``); with ``focus``,
    only those slides (1-based) with narration and picture."""
    lines = [
        f"title: {deck.title}",
        f"language: {deck.language} | theme: {deck.theme.name} | style: {deck.theme.style} | "
        f"aspect: {deck.aspect.value} | voice: {deck.voice or 'default'}",
        f"slides: {len(deck.slides)}",
    ]
    for number, slide in enumerate(deck.slides, 1):
        layout = f" (layout: {slide.layout.value})" if slide.layout else ""
        lines += ["", f"[{number}] {slide.title}{layout}"]
        lines += [f"- {bullet}" for bullet in slide.bullets]
        if focus is None or number in focus:
            lines.append(f"narration: {slide.narration}")
            lines.append(f"picture: {slide.image_prompt}")
    return "\n".join(lines)


def history_view(history: Sequence[tuple[str, str]]) -> str:
    """The last few turns of the conversation, one short line each (or "(none)")."""
    turns = list(history)[-MAX_HISTORY_TURNS:]
    if not turns:
        return "(none)"
    lines = []
    for role, text in turns:
        one_line = " ".join(str(text).split())
        if len(one_line) > MAX_HISTORY_CHARS:
            one_line = one_line[: MAX_HISTORY_CHARS - 1] + "…"
        lines.append(f"{role}: {one_line}")
    return "\n".join(lines)
