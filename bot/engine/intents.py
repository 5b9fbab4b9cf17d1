"""What a chat message asks for, when it is not a revision of the deck's content.

``undo``, ``redo``, ``show me the script``, ``export``, ``cancel``, ``help`` and ``status`` are
handled by the conversation engine itself; everything else goes to the reviser.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    UNDO = "undo"
    REDO = "redo"
    SCRIPT = "script"
    EXPORT = "export"
    CANCEL = "cancel"
    HELP = "help"
    STATUS = "status"
    RENDER = "render"
    REVISE = "revise"


_PATTERNS: list[tuple[Intent, re.Pattern[str]]] = [
    (Intent.UNDO, re.compile(r"^(undo|go back|revert|undo (that|the last (change|edit)))$")),
    (Intent.REDO, re.compile(r"^(redo|redo (that|the last (change|edit)))$")),
    (
        Intent.SCRIPT,
        re.compile(
            r"^((show|give|send|print)( me)? (the )?(script|outline|text|narration)"
            r"|script|outline)$"
        ),
    ),
    (
        Intent.EXPORT,
        re.compile(
            r"^(export|download|(export|send|give)( me)? (the )?(deck|slides|pptx|pdf|powerpoint)"
            r"( and (the )?(pdf|pptx))?)$"
        ),
    ),
    (Intent.CANCEL, re.compile(r"^(cancel|stop|abort)( (it|that|the render(ing)?|rendering))?$")),
    (Intent.HELP, re.compile(r"^(help|\?|what can (you|i) do)$")),
    (Intent.STATUS, re.compile(r"^(status|progress|how is it going)$")),
    (Intent.RENDER, re.compile(r"^(render|re-?render|render (it )?again|try again|retry)$")),
]


def classify(text: str) -> Intent:
    normalized = re.sub(r"[\s]+", " ", text.strip().lower()).strip(" .!?,;:")
    normalized = re.sub(r"^(please|pls|can you|could you) ", "", normalized)
    normalized = re.sub(r" please$", "", normalized)
    for intent, pattern in _PATTERNS:
        if pattern.match(normalized):
            return intent
    return Intent.REVISE


HELP_TEXT = """\
Talk to me to change the video; only the slides that change are rendered again.
  • content: "simpler words on slide 3", "add a slide about the Calvin cycle after slide 4"
  • order: "swap slides 2 and 4", "move the last slide to the start", "delete slide 5"
  • look: "use a watercolor style", "theme dark", "new picture for slide 2", "vertical 9:16"
  • voice and language: "in Spanish", "shorter narration", "voice silent"
  • history: "undo", "redo"; "show me the script" sends the outline; "cancel" stops a render
  • take it with you: "export" sends the deck as an editable PowerPoint file and a PDF
"""
