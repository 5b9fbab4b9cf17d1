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


REVISION_KEYS: Mapping[str, tuple[str, ...]] = {
    "summary": ("message", "explanation", "reply", "comment"),
    "edits": ("changes", "operations", "actions", "edit_list", "modifications"),
}
_OP_KEYS = ("action", "operation", "type", "kind")
# what models call the edits the schema names
OP_ALIASES: Mapping[str, str] = {
    "edit": "edit_slide", "update": "edit_slide", "update_slide": "edit_slide",
    "modify": "edit_slide", "modify_slide": "edit_slide", "change": "edit_slide",
    "change_slide": "edit_slide", "rewrite": "edit_slide", "rewrite_slide": "edit_slide",
    "delete": "delete_slide", "remove": "delete_slide", "remove_slide": "delete_slide",
    "insert": "insert_slide", "add": "insert_slide", "add_slide": "insert_slide",
    "new_slide": "insert_slide", "replace": "replace_slide", "move": "move_slide",
    "swap": "swap_slides", "swap_slide": "swap_slides", "theme": "set_theme",
    "change_theme": "set_theme", "set_style": "set_theme", "new_picture": "new_image",
    "regenerate_image": "new_image", "new_images": "new_image", "image": "new_image",
}  # fmt: skip


def loose_revision(data: object) -> object:
    """A revision as the model may send it: its keys read as meant, one edit not in a list,
    no summary (deckcast then says what changed itself), each edit's ``op`` under another
    key (``action``, ``type``) or another name (``update``, ``remove_slide``)."""
    data = renamed(data, REVISION_KEYS)
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {"summary": "", **data}
    if out["summary"] is None:
        out["summary"] = ""
    edits = out.get("edits")
    if isinstance(edits, dict):
        edits = [edits]
    if isinstance(edits, list):
        out["edits"] = [_loose_edit(edit) for edit in edits]
    return out


def _loose_edit(edit: object) -> object:
    if not isinstance(edit, dict):
        return edit
    out: dict[str, Any] = dict(edit)
    if "op" not in out:
        key = next((k for k in _OP_KEYS if isinstance(out.get(k), str)), None)
        if key is not None:
            out["op"] = out.pop(key)
    op = out.get("op")
    if isinstance(op, str):
        name = op.strip().lower().replace("-", "_").replace(" ", "_")
        out["op"] = OP_ALIASES.get(name, name)
    if "slide" not in out and "slide_number" in out:
        out["slide"] = out.pop("slide_number")
    return out
