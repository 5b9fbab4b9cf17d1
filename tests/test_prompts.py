"""Prompt files: loaded by name, placeholders filled exactly, JSON braces left alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import prompts
from agent.counts import SlideCount
from agent.planner import Planner
from agent.reviser import Reviser


def test_every_prompt_loads_and_names_its_placeholders():
    names = prompts.names()
    assert {"plan_system", "plan_task", "revise_system", "revise_task", "fix_answer"} <= set(names)
    for name in names:
        assert prompts.load(name).strip()
    assert prompts.placeholders("plan_task") == {"rules", "request"}


def test_render_fills_once_and_keeps_other_braces():
    text = prompts.render("json_mode", schema='{"type": "object", "x": "{request}"}')
    assert text.endswith('{"type": "object", "x": "{request}"}')  # values are not expanded again


def test_missing_or_unknown_values_fail_loudly():
    with pytest.raises(KeyError, match="missing values"):
        prompts.render("plan_task", request="x")
    with pytest.raises(KeyError, match="unknown values"):
        prompts.render("fix_answer", problems="x", extra="y")
    with pytest.raises(FileNotFoundError):
        prompts.load("no_such_prompt")
    with pytest.raises(ValueError, match="bad prompt name"):
        prompts.load("../etc/passwd")


def test_the_rendered_prompts_have_no_holes(example_deck):
    messages = Planner._messages("vaccines", SlideCount(6, 6), "fr") + Reviser._messages(
        example_deck, "x", []
    )
    for message in messages:
        assert "{" not in message.content or '"' in message.content
        assert "{max_" not in message.content and "{writing_rules}" not in message.content
    assert "at most 90 characters" in messages[0].content  # the deck's limits, filled in


def test_no_prompt_text_hides_in_the_agent_code():
    """What the model is told lives in prompts/*.txt; agent/ holds no prompt sentences."""
    markers = ("You are", "Answer with", "Answer again", "<request>", "<instruction>")
    for path in (Path(__file__).parent.parent / "agent").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not any(m in node.value for m in markers), (path.name, node.value)
