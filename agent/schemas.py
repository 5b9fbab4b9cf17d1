"""What the model is asked to answer, as strict JSON schemas made from the drafts.

The drafts themselves are in :mod:`agent.deck_drafts` (a planned deck) and
:mod:`agent.edit_drafts` (a revision's edits); their names are importable from here too.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from .deck_drafts import (
    ELEMENT_FIELDS,
    ChartDraft,
    CodeDraft,
    DeckDraft,
    DiagramDraft,
    SeriesDraft,
    SlideDraft,
)
from .edit_drafts import (
    EditDraft,
    EditSlideDraft,
    InsertSlideDraft,
    MoveSlideDraft,
    ReplaceSlideDraft,
    RevisionDraft,
    SetDeckDraft,
    SetThemeDraft,
    SlideOpDraft,
    SwapSlidesDraft,
    describe_draft_error,
)

__all__ = [
    "ChartDraft",
    "CodeDraft",
    "DeckDraft",
    "DiagramDraft",
    "EditDraft",
    "EditSlideDraft",
    "InsertSlideDraft",
    "MoveSlideDraft",
    "ReplaceSlideDraft",
    "RevisionDraft",
    "SeriesDraft",
    "SetDeckDraft",
    "SetThemeDraft",
    "SlideDraft",
    "SlideOpDraft",
    "SwapSlidesDraft",
    "compact_schema",
    "describe_draft_error",
    "strict_schema",
    "without_elements",
]

# Keywords OpenAI's strict mode rejects; the limits they carried are in the descriptions and
# are enforced by validation after the answer arrives.
_UNSUPPORTED = ("default", "title", "minLength", "maxLength", "discriminator", "examples")


def strict_schema(model: type[BaseModel], **overrides: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of ``model`` in the form strict structured outputs accept.

    References are inlined, ``oneOf`` becomes ``anyOf``, every object lists all its properties
    as required and forbids others, and unsupported keywords are dropped. ``overrides`` merge
    extra keywords into top-level properties (``slides={"minItems": 6, "maxItems": 6}``).
    """
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})
    schema = _strictify(raw, defs)
    for name, extra in overrides.items():
        schema["properties"][name].update(extra)
    return schema


def _strictify(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_strictify(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
        return _strictify(merged, defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _UNSUPPORTED:
            continue
        if key == "oneOf":
            out["anyOf"] = _strictify(value, defs)
        elif key == "const":
            out["enum"] = [value]
        elif key == "properties":
            out[key] = {name: _strictify(prop, defs) for name, prop in value.items()}
        else:
            out[key] = _strictify(value, defs)
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (strict) in fewer tokens, for the same answers: descriptions dropped (the
    prompt says what each edit does and the limits; validation enforces them) and
    ``anyOf: [X, {"type": "null"}]`` written ``"type": [X, "null"]`` where X is a plain type.

    The revision prompt sends the edit schema with every instruction: it was half of what a
    revision cost (1,800 of 3,700 tokens for a 10-slide deck)."""
    return _compact(copy.deepcopy(schema))


def _compact(node: Any) -> Any:
    if isinstance(node, list):
        return [_compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _compact(value) for key, value in node.items() if key != "description"}
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        (plain,) = [option for option in options if option != {"type": "null"}]
        if isinstance(plain.get("type"), str) and "properties" not in plain:
            merged = {key: value for key, value in node.items() if key != "anyOf"}
            merged.update(plain)
            merged["type"] = [plain["type"], "null"]
            if "enum" in plain:
                merged["enum"] = [*plain["enum"], None]
            return merged
    return node


def without_elements(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the slides' element fields (chart, code, equation) taken out."""
    return _drop_elements(copy.deepcopy(schema))


def _drop_elements(node: Any) -> Any:
    if isinstance(node, list):
        return [_drop_elements(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _drop_elements(value) for key, value in node.items()}
    props = node.get("properties")
    if isinstance(props, dict) and "image_prompt" in props:  # a slide
        node["properties"] = {k: v for k, v in props.items() if k not in ELEMENT_FIELDS}
        if "required" in node:
            node["required"] = [k for k in node["required"] if k not in ELEMENT_FIELDS]
    return node
