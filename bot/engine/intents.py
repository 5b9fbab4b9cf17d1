"""What a chat message asks for, when it is not a revision of the deck's content.

``undo``, ``redo``, ``show me the script``, ``export``, ``cancel``, ``help``, ``status`` and the
review commands (``history``, ``show version 4``, ``go back to version 4``, ``compare 3 and 5``,
``approve``, ``share with @someone``) are handled by the conversation engine itself;
``slide 3: …`` is a comment on one slide (a revision of that slide); everything else goes to
the reviser. :func:`read_command` also reads the numbers and the people a command names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from . import intent_words


class Intent(StrEnum):
    UNDO = "undo"
    REDO = "redo"
    SCRIPT = "script"
    EXPORT = "export"
    CANCEL = "cancel"
    HELP = "help"
    STATUS = "status"
    RENDER = "render"
    HISTORY = "history"
    SHOW_VERSION = "show_version"
    RESTORE = "restore"  # go back to version N: a new version with its content
    COMPARE = "compare"
    APPROVE = "approve"
    SHARE = "share"  # let people revise: named ones, or everyone in the channel
    COMMENT = "comment"  # "slide 3: the chart needs units"
    MUSIC = "music"  # "use this as music", with an audio file attached
    NO_MUSIC = "no_music"
    MUSIC_QUIETER = "music_quieter"
    MUSIC_LOUDER = "music_louder"
    REVISE = "revise"


# Intents that change nothing: anyone in the thread may ask.
READ_ONLY = frozenset(
    {
        Intent.SCRIPT,
        Intent.EXPORT,
        Intent.HELP,
        Intent.STATUS,
        Intent.HISTORY,
        Intent.SHOW_VERSION,
        Intent.COMPARE,
    }
)


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
    (
        Intent.MUSIC,
        re.compile(
            r"^((use|play|add|put|set)( (this|it|that|the (attached )?(file|song|track|audio)))?"
            r"( file| song| track)? (as|for|under) (the )?(background )?music"
            r"|(background )?music|(this|here is the) (background )?music)$"
        ),
    ),
    (
        Intent.NO_MUSIC,
        re.compile(
            r"^((no|remove|drop|turn off|stop|mute|without)( the)?( background)? music"
            r"|(background )?music off)$"
        ),
    ),
    (
        Intent.MUSIC_QUIETER,
        re.compile(
            r"^((make )?(the )?(background )?music (quieter|softer|lower|down)"
            r"|(quieter|softer|lower) music|turn (the )?music down|turn down the music)$"
        ),
    ),
    (
        Intent.MUSIC_LOUDER,
        re.compile(
            r"^((make )?(the )?(background )?music (louder|higher|up)"
            r"|louder music|turn (the )?music up|turn up the music)$"
        ),
    ),
]

# the same commands in the other languages deckcast plans in (bot/engine/intent_words.py)
_PATTERNS += [(Intent(name), intent_words.pattern(name)) for name in intent_words.WORDS]


_V = r"(?:version |v ?|#)?"
_NUMBERED: list[tuple[Intent, re.Pattern[str]]] = [
    (
        Intent.HISTORY,
        re.compile(
            r"^(history|(show|list|give)( me)? (the )?(history|versions)|versions"
            r"|who changed what)$"
        ),
    ),
    (Intent.SHOW_VERSION, re.compile(r"^(show|see|view|open)( me)? (version |v ?)(\d+)$")),
    (Intent.SHOW_VERSION, re.compile(r"^(version |v)(\d+)$")),
    (
        Intent.RESTORE,
        re.compile(rf"^(go back|revert|return|roll ?back|restore)( to)? {_V}(\d+)$"),
    ),
    (
        Intent.COMPARE,
        re.compile(
            rf"^(compare|diff)( versions?)? {_V}(\d+) ?(and|with|to|vs\.?|&|,)? ?{_V}(\d+)$"
        ),
    ),
    (
        Intent.APPROVE,
        re.compile(rf"^(approve[ds]?( it| this)?( {_V}(\d+))?|lgtm|looks good( to me)?|✅|☑️|✔️)$"),
    ),
]
# a mention as the platforms send it (<@123>, <@U123|name>), or as a Slack message reads once
# its markup is plain text (@U123)
_MENTION = re.compile(r"<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>|@([UW][A-Z0-9]+|\d{15,20})\b")
_SHARE = re.compile(
    r"^(share|open)( (it|this|the (deck|video|thread)))?( with| to)? (.+)$", re.IGNORECASE
)
_EVERYONE = re.compile(
    r"^(everyone|everybody|all|the channel|the whole channel|anyone|@here|@channel|@everyone)$"
)
_COMMENT = re.compile(r"^slide\s+(\d+)\s*[:—–-]\s*(\S.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Command:
    """A message read as a command: what it asks for, and what it names."""

    intent: Intent
    numbers: tuple[int, ...] = ()  # versions (show, restore, compare, approve), or the slide
    people: tuple[str, ...] = ()  # user ids mentioned (share)
    everyone: bool = False  # share with everyone in the channel
    comment: str = ""  # the text of a comment on a slide


def read_command(text: str) -> Command:
    """What ``text`` asks for, with the version numbers, slide and people it names."""
    normalized = _normalize(text)
    for intent, pattern in _PATTERNS:
        if pattern.match(normalized):
            return Command(intent)
    for intent, pattern in _NUMBERED:
        found = pattern.match(normalized)
        if found:
            numbers = tuple(int(n) for n in re.findall(r"\d+", normalized))
            return Command(intent, numbers)
    shared = _SHARE.match(text.strip().rstrip(".!"))
    if shared:
        found = _MENTION.findall(shared.group(6))
        people = tuple(dict.fromkeys(a or b for a, b in found))
        everyone = bool(_EVERYONE.match(_normalize(shared.group(6))))
        if people or everyone:
            return Command(Intent.SHARE, people=people, everyone=everyone)
    comment = _COMMENT.match(text.strip())
    if comment:
        return Command(Intent.COMMENT, (int(comment.group(1)),), comment=comment.group(2).strip())
    return Command(Intent.REVISE)


def classify(text: str) -> Intent:
    return read_command(text).intent


def _normalize(text: str) -> str:
    normalized = re.sub(r"[\s]+", " ", text.strip().lower()).strip(" .!?,;:。！？、，")
    normalized = re.sub(r"^(please|pls|can you|could you) ", "", normalized)
    return re.sub(r" please$", "", normalized)


HELP_TEXT = """\
Talk to me to change the video; only the slides that change are rendered again.
  • content: "simpler words on slide 3", "add a slide about the Calvin cycle after slide 4"
  • order: "swap slides 2 and 4", "move the last slide to the start", "delete slide 5"
  • look: "use a watercolor style", "theme dark", "new picture for slide 2", "vertical 9:16"
  • voice and language: "in Spanish", "shorter narration", "voice silent"
  • music: attach an audio file with "use this as music"; "music quieter", "louder", "no music"
  • history: "undo", "redo", "history", "show version 2", "go back to version 2",
    "compare 2 and 4"; "show me the script" sends the outline; "cancel" stops a render
  • review: "share with @someone"; "slide 3: needs units" (a reviewer's comment); "approve"
  • take it with you: "export" sends the deck as an editable PowerPoint file and a PDF
"""
