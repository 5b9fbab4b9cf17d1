"""Text in a model's answer read as meant, whatever shape it came in.

Small models (and JSON mode, which does not hold them to the schema) write the bullets as one
string ("- Roots\\n- Leaves"), the narration as a list of sentences, ``null`` for a prompt, a
bullet as ``{"text": ...}``, a year as a number. None of these is a reason to send a whole deck
back: the text they hold is what was meant. Anything else is left for the schema to judge.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BeforeValidator

_TEXT_KEYS = ("text", "bullet", "content", "value", "title", "point", "prompt", "description")
_MARK = re.compile(r"^\s*(?:[-*•·▪‣–—]|\d{1,2}[.)])\s+")
_SEPARATOR = re.compile(r"\n+|;\s+|\s+•\s+")


def _piece(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        for key in _TEXT_KEYS:
            if isinstance(value.get(key), str):
                return value[key]
    return value


def text(value: object) -> object:
    """A string field: ``null`` -> ``""``, a number -> its digits, sentences in a list -> one
    text."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(_piece(v), str) for v in value):
        return " ".join(str(_piece(v)).strip() for v in value if str(_piece(v)).strip())
    return _piece(value)


def lines(value: object) -> object:
    """A list-of-strings field: ``null`` -> ``[]``, one string -> its lines or items (list marks
    taken off), ``{"text": ...}`` items -> their text."""
    if value is None:
        return []
    if isinstance(value, str):
        parts = [_MARK.sub("", part).strip() for part in _SEPARATOR.split(value)]
        return [part for part in parts if part]
    if isinstance(value, list):
        return [_piece(item) for item in value]
    return value


def _keeping_none(read: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else read(value)


AS_TEXT = BeforeValidator(text)
AS_LINES = BeforeValidator(lines)
# In an edit, null means "keep it": only the other shapes are read.
AS_TEXT_OR_KEEP = BeforeValidator(_keeping_none(text))
AS_LINES_OR_KEEP = BeforeValidator(_keeping_none(lines))
