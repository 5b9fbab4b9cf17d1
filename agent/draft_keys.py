"""Keys in a model's answer read as meant: ``speaker_notes`` for ``narration``, ``points`` for
``bullets``, ``image`` for ``image_prompt``, a deck wrapped in ``{"deck": …}`` or sent as a bare
list of slides.

JSON mode and small local models do not hold to the schema's key names, and ``extra="ignore"``
would otherwise drop such a key in silence: bullets written as ``points`` vanished from the
slide, and narration written as ``speaker_notes`` sent the whole deck back as "Field
required". The schema sent to the model is unchanged; only what comes back is read loosely.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SLIDE_KEYS: Mapping[str, tuple[str, ...]] = {
    "title": ("heading", "slide_title", "header", "headline"),
    "bullets": (
        "points", "bullet_points", "key_points", "bullet_list", "items", "list", "content", "body",
    ),
    "narration": (
        "speaker_notes", "notes", "script", "voiceover", "voice_over", "narration_text",
        "spoken_text", "speech", "narrator", "transcript",
    ),
    "image_prompt": (
        "image", "image_description", "visual", "visual_prompt", "visual_description",
        "picture", "illustration", "prompt", "image_idea",
    ),
}  # fmt: skip
DECK_KEYS: Mapping[str, tuple[str, ...]] = {
    "title": ("deck_title", "presentation_title", "video_title", "topic"),
    "slides": ("slide_list", "scenes"),
}
_WRAPPERS = ("deck", "presentation", "slideshow", "video", "result", "data", "output", "script")


def renamed(data: object, keys: Mapping[str, tuple[str, ...]]) -> object:
    """``data`` with the first synonym present moved to each canonical key it lacks."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = dict(data)
    for key, synonyms in keys.items():
        if key in out:
            continue
        for synonym in synonyms:
            if synonym in out:
                out[key] = out.pop(synonym)
                break
    return out


def unwrapped_deck(data: object) -> object:
    """A deck as the model may send it: ``{"deck": {…}}`` unwrapped, a bare list of slides
    given the first slide's title as the deck's; then its keys read as meant."""
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        first = renamed(data[0], SLIDE_KEYS)
        title = first.get("title") if isinstance(first, dict) else None
        data = {"title": title if isinstance(title, str) else "", "slides": data}
    if isinstance(data, dict) and "slides" not in data and len(data) == 1:
        ((key, inner),) = data.items()
        if key.lower() in _WRAPPERS and isinstance(inner, dict | list):
            return unwrapped_deck(inner)
    return renamed(data, DECK_KEYS)


def loose_deck_fields(data: object) -> object:
    """A deck's fields written in other shapes: ``null`` for a field with a default (the
    language), the theme as ``{"name": …, "style": …}``, the slides as an object keyed
    ``slide_1``, ``slide_2``…"""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {k: v for k, v in data.items() if not (k == "language" and v is None)}
    theme = out.get("theme")
    if isinstance(theme, dict):
        out["theme"] = theme.get("name") or theme.get("theme")
        if out.get("style") is None and isinstance(theme.get("style"), str):
            out["style"] = theme["style"]
    slides = out.get("slides")
    if isinstance(slides, dict) and slides and all(isinstance(v, dict) for v in slides.values()):
        out["slides"] = [slides[key] for key in sorted(slides, key=_slide_order)]
    return out


def _slide_order(key: str) -> tuple[int, str]:
    """``slide_2`` before ``slide_10``; keys without a number after those with one."""
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits) if digits else 10**6, key)
