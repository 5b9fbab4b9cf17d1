"""Cheap checks before any model call, and the cleanup of what a model wrote."""

from __future__ import annotations

import pytest

from agent.intake import looks_binary, looks_like_outline
from agent.pictures import pictorial
from agent.wording import speakable


def test_outline_detection():
    assert looks_like_outline("## Leaves\n- green")
    assert looks_like_outline("---\ntitle: x\n---\n## A")
    assert looks_like_outline("\n\n# Title\n## One")
    assert not looks_like_outline("explain how #vaccines work")
    assert not looks_like_outline("#hashtag video please")
    assert not looks_like_outline("# how vaccines work")  # a request written as a heading


def test_binary_detection():
    assert looks_binary("abc\x00def")
    assert looks_binary("\x89PNG\r\n\x1a\n" + "\x01\x02\x03" * 5 + "IHDR")
    assert not looks_binary("Ünïcödé text with emoji 🌱 and tabs\tand\nnewlines")


@pytest.mark.parametrize(
    ("text", "language", "spoken"),
    [
        ("**Bold** and *soft* and `code`.", "en", "Bold and soft and code."),
        ("# Heading\n- item", "en", "Heading item"),
        # Symbols stay for the captions; render/speech.py says them as words.
        ("About 70% of Earth.", "en", "About 70% of Earth."),
        ("Water boils at 100°C.", "en", "Water boils at 100°C."),
        ("See [the site](https://example.org) or https://x.y/z.", "en", "See the site or."),
        ("Al 70% del agua.", "es", "Al 70% del agua."),
    ],
)
def test_speakable(text, language, spoken):
    assert speakable(text, language) == spoken


@pytest.mark.parametrize(
    ("prompt", "picture"),
    [
        ('a sign that says "OPEN" on a door', "a sign on a door"),
        ("a diagram labeled with the words ATP and NADPH, blue", "a diagram, blue"),
        ("a chloroplast, with the text 'photosynthesis'", "a chloroplast"),
        ("a green leaf in sunlight", "a green leaf in sunlight"),
        ("a book titled 'Plants' on a desk", "a book on a desk"),
        ("a child's drawing of a tree", "a child's drawing of a tree"),
        ('"LOGO"', '"LOGO"'),  # nothing would be left: keep the original
    ],
)
def test_pictorial(prompt, picture):
    assert pictorial(prompt) == picture
