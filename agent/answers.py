"""Reading a model's answer as a careful client would: the JSON object in it, or why not.

Models, small local ones above all, wrap the object they were asked for: "Sure! Here is the
deck:" before it, a Markdown fence around it, a note after it, a trailing comma inside it, a
wrapper object around it (``{"deck_plan": {...}}``, ``{"name": ..., "arguments": {...}}``).
:func:`read_answer` finds the object when it is complete and valid, and says precisely what is
wrong when it is not:

- **cut off**: the server stopped the answer at its length limit (``finish_reason: length``), or
  the object never closes (a proxy cut it and said ``stop``). A cut-off answer is never
  repaired into a shorter deck or a partial edit list: closing the brackets of half a deck
  makes a valid, wrong deck.
- **not valid JSON**: prose without an object, or an object with a syntax error.
- **empty**.

A reasoning model's thinking (``<think>…</think>``, or only the closing tag where the chat
template opened it) is not the answer, whatever it holds: a draft of the object in it is passed
over. An answer that is one JSON string holding the object (encoded twice) is decoded once.

Only the syntax is judged here; whether the object fits the schema is the caller's business.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    OK = "ok"
    CUT_OFF = "cut_off"
    NOT_JSON = "not_json"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Answer:
    """What an answer held: the object (``verdict`` OK), or the problem in words."""

    verdict: Verdict
    data: Any = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK

    @property
    def cut_off(self) -> bool:
        return self.verdict is Verdict.CUT_OFF


_FENCE = re.compile(r"```[ \t]*(?:json5?|JSON|javascript|js)?[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_WRAPPER_KEYS = ("arguments", "parameters", "input", "args", "json", "output", "answer", "result")
MAX_OBJECTS = 8  # objects tried in one answer (an example before the real one, say)
_REASONING_TAGS = r"think|thinking|reasoning|thought"
_REASONING = re.compile(rf"<({_REASONING_TAGS})>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_REASONING_OPEN = re.compile(rf"^\s*<(?:{_REASONING_TAGS})>", re.IGNORECASE)
_REASONING_CLOSE = re.compile(rf"</(?:{_REASONING_TAGS})\s*>", re.IGNORECASE)


def read_answer(
    text: str, *, finish_reason: str | None = None, expected: Sequence[str] = ()
) -> Answer:
    """The JSON object in ``text`` (see the module docstring).

    ``expected`` names top-level keys the object should have: among several objects the first
    with one of them wins, and a wrapper around such an object is taken off.
    """
    if finish_reason == "length":
        return Answer(Verdict.CUT_OFF, problem="the answer was cut off at the length limit")
    text = (text or "").lstrip("\ufeff").strip()
    if not text:
        return Answer(Verdict.EMPTY, problem="the answer was empty")
    if _REASONING_OPEN.match(text) and not _REASONING_CLOSE.search(text):
        return Answer(
            Verdict.CUT_OFF, problem="the answer ended inside the model's reasoning (<think>)"
        )
    text = _without_reasoning(text)
    if not text:
        return Answer(Verdict.EMPTY, problem="the answer held only the model's reasoning")
    text = _decoded_once(text)
    first_problem: Answer | None = None
    found: list[Any] = []
    for candidate in _candidates(text):
        if isinstance(candidate, Answer):
            first_problem = first_problem or candidate
            continue
        found.append(candidate)
        if not expected or _has_any(candidate, expected):
            break
    for data in found:
        unwrapped = _unwrap(data, expected)
        if not expected or _has_any(unwrapped, expected):
            return Answer(Verdict.OK, unwrapped)
    # No object with the expected keys: a broken object is more likely the answer than a stray
    # one (an example in the prose), and a cut-off one is never taken for a whole one.
    if first_problem is not None:
        return first_problem
    if found:
        return Answer(Verdict.OK, _unwrap(found[0], expected))
    return Answer(
        Verdict.NOT_JSON,
        problem="the answer is not valid JSON (no JSON object in it); answer with the JSON "
        "object only",
    )


def _without_reasoning(text: str) -> str:
    text = _REASONING.sub("", text)
    closes = list(_REASONING_CLOSE.finditer(text))  # the template opened it: only its end shows
    return text[closes[-1].end() :].strip() if closes else text


def _decoded_once(text: str) -> str:
    """The object inside ``"{\\"title\\": …}"`` (an answer encoded as a JSON string)."""
    if not (text.startswith('"') and text.endswith('"')):
        return text
    try:
        inner = json.loads(text)
    except json.JSONDecodeError:
        return text
    return inner.strip() if isinstance(inner, str) and inner.strip().startswith("{") else text


def _candidates(text: str) -> Iterator[Any]:
    """Each JSON object in ``text`` (parsed), or an :class:`Answer` naming the problem of one
    that is broken; fenced blocks first."""
    seen = 0
    sources = [match.group(1) for match in _FENCE.finditer(text) if "{" in match.group(1)]
    sources.append(text)
    for source in sources:
        start = source.find("{")
        while start != -1 and seen < MAX_OBJECTS:
            seen += 1
            end = _object_end(source, start)
            if end is None:
                yield Answer(
                    Verdict.CUT_OFF,
                    problem="the answer was cut off: the JSON object does not close",
                )
                break
            if end < 0:  # a bracket that does not match: broken, try a later object
                yield _syntax_problem(source[start:], None)
                start = source.find("{", start + 1)
                continue
            yield _loads(source[start:end])
            # Past the whole object even when it is broken: the objects inside a broken one
            # (a slide of a deck with a syntax error) are not answers of their own.
            start = source.find("{", end)


def _object_end(text: str, start: int) -> int | None:
    """The index just after the object opening at ``start``; None when it never closes; -1
    when a bracket closes the wrong thing."""
    stack: list[str] = []
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack or stack.pop() != char:
                return -1
            if not stack:
                return index + 1
    return None


def _loads(candidate: str) -> Any:
    try:
        return json.loads(candidate, strict=False)
    except json.JSONDecodeError:
        pass
    try:  # trailing commas, outside strings only
        return json.loads(_strip_trailing_commas(candidate), strict=False)
    except json.JSONDecodeError as exc:
        return _syntax_problem(candidate, exc)


def _strip_trailing_commas(candidate: str) -> str:
    out: list[str] = []
    in_string = False
    escaped = False
    index = 0
    while index < len(candidate):
        char = candidate[index]
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif char == ",":
            match = _TRAILING_COMMA.match(candidate, index)
            if match:
                index = match.start(1)
                continue
            out.append(char)
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _syntax_problem(candidate: str, exc: json.JSONDecodeError | None) -> Answer:
    where = f" ({exc.msg} at line {exc.lineno} column {exc.colno})" if exc else ""
    return Answer(Verdict.NOT_JSON, problem=f"the answer is not valid JSON{where}")


def _has_any(data: Any, keys: Sequence[str]) -> bool:
    return isinstance(data, dict) and any(key in data for key in keys)


def _unwrap(data: Any, expected: Sequence[str]) -> Any:
    """``{"deck_plan": {...}}`` or ``{"name": "deck_plan", "arguments": {...}}`` -> ``{...}``,
    when the object itself has none of the ``expected`` keys and the inner one does."""
    for _ in range(3):
        if not isinstance(data, dict) or not expected or _has_any(data, expected):
            return data
        inner = None
        for key in _WRAPPER_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value.lstrip().startswith("{"):
                loaded = _loads(value)
                value = None if isinstance(loaded, Answer) else loaded
            if isinstance(value, dict):
                inner = value
                break
        if inner is None and len(data) == 1:
            (value,) = data.values()
            inner = value if isinstance(value, dict) else None
        if inner is None:
            return data
        data = inner
    return data
