"""Names in a model's answer read as a careful client would: ``"Dark"``, ``"dark mode"``,
``"Ocean theme"``, ``"16x9"``, ``"portrait"``, ``"Full Image"`` are the names the schema lists.

Strict structured output holds a model to the schema's enums; JSON mode and small local
models do not, and an answer whose only fault is the case of a theme name should not be sent
back. A name that matches none after this is left as written, for the schema to refuse (the
model is then asked again with the names it may use).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from pydantic import BeforeValidator

from .commands import referenced_number

_SEPARATORS = re.compile(r"[\s_\-]+")
_SUFFIXES = (" theme", " mode", " layout", " style", " format", " aspect ratio", " aspect")

ASPECT_ALIASES = {
    "16x9": "16:9", "16/9": "16:9", "16 9": "16:9", "wide": "16:9", "widescreen": "16:9",
    "landscape": "16:9", "horizontal": "16:9", "9x16": "9:16", "9/16": "9:16", "9 16": "9:16",
    "portrait": "9:16", "vertical": "9:16", "tall": "9:16", "1x1": "1:1", "1/1": "1:1",
    "1 1": "1:1", "square": "1:1",
}  # fmt: skip
LAYOUT_ALIASES = {
    "image bullets": "image_bullets", "bullets": "image_bullets", "image and bullets":
    "image_bullets", "full image": "full_image", "full": "full_image", "image": "full_image",
    "fullscreen": "full_image", "full screen": "full_image", "title slide": "title",
}  # fmt: skip
THEME_ALIASES = {"night": "dark", "black": "dark", "white": "light", "default": "light",
                 "blackboard": "chalkboard", "chalk": "chalkboard", "blue": "ocean",
                 "sea": "ocean", "orange": "sunset"}  # fmt: skip


def slide_number(value: object) -> object:
    """``"slide 3"``, ``"#3"``, ``"3rd"``, ``"three"``, ``"third"``, ``"diapositive 3"`` -> 3 (a
    slide number as small models write it, read as the chat commands read one); anything else
    as written, for the schema to judge."""
    if not isinstance(value, str):
        return value
    number = referenced_number(value)
    return value if number is None or number < 1 else number


def lenient_name(names: Iterable[str], aliases: Mapping[str, str] | None = None) -> BeforeValidator:
    """A validator that turns a loosely written name into one of ``names``."""
    known = {name.lower(): name for name in names}
    table = {key: value for key, value in (aliases or {}).items() if value.lower() in known}
    return BeforeValidator(_reader(known, table))


def _reader(known: Mapping[str, str], aliases: Mapping[str, str]) -> Callable[[object], object]:
    def read(value: object) -> object:
        if not isinstance(value, str):
            return value
        key = value.strip().lower()
        if key in known:
            return known[key]
        key = _SEPARATORS.sub(" ", key)
        for suffix in _SUFFIXES:
            key = key.removesuffix(suffix)
        key = key.strip()
        for candidate in (key, key.replace(" ", "_"), aliases.get(key, "")):
            if candidate.lower() in known:
                return known[candidate.lower()]
        return value

    return read
