"""Last-mile cleanup of what the model wrote, so that it can be spoken and drawn.

The prompts ask for narration meant for the ear; :func:`speakable` makes sure of the mechanical
part whatever the model did: no Markdown in narration (it is shown as captions and read aloud).
Spelling symbols out for a voice is render/speech.py's job, done once for every voice. Picture
prompts are :mod:`agent.pictures`' business.
"""

from __future__ import annotations

import re

import prompts
from deck.model import MAX_BULLET, MAX_BULLETS, MAX_NARRATION, MAX_SLIDE_TITLE

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"\bhttps?://\S+?(?=[.,;:!?)]*(?:\s|$))")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`|~~)(?=\S)(.+?)(?<=\S)\1")
_LINE_MARK = re.compile(r"(?m)^\s*(?:#{1,6}\s+|[-*+•]\s+|>\s?|\d{1,3}[.)]\s+)")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")


def speakable(text: str, language: str) -> str:
    """Narration with Markdown removed, as it will be shown in captions. Symbols, units and
    numbers are left as written: they read well on screen, and render/speech.py (the one
    place that prepares text for a voice) says them as words at synthesis time.
    ``language`` is accepted for symmetry with that step and is not needed here."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _LINE_MARK.sub("", text)
    for _ in range(2):  # nested emphasis, e.g. ***word***
        text = _EMPHASIS.sub(r"\2", text)
    text = _SPACE.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def writing_rules() -> str:
    """The shared rules for slide text, narration and pictures, with the deck's limits filled in
    (part of both the planning and the revising prompt)."""
    return prompts.render(
        "writing_rules",
        max_title=MAX_SLIDE_TITLE,
        max_bullets=MAX_BULLETS,
        max_bullet=MAX_BULLET,
        max_narration=MAX_NARRATION,
    )


# Words that ask for a chart, an equation or code, in the languages the agent reads requests in.
_ELEMENT_WORDS = re.compile(
    r"chart|graph|plot|bar|pie|diagram|histogram|table|equation|formula|math|latex|code|snippet|"
    r"step|cycle|compar|flowchart|"
    r"function|program|script|gr[áa]fic|graphique|diagramm|tabla|tableau|tabelle|ecuaci[óo]n|"
    r"[ée]quation|gleichung|f[óo]rmul|formel|c[óo]digo|quellcode|grafico|equazione|codice|"
    r"图表|图|公式|方程|代码|グラフ|数式|コード|차트|수식|코드",
    re.IGNORECASE,
)


def element_rules() -> str:
    """The rule for charts, equations and code on slides (the planner's prompt always has it)."""
    return prompts.render("element_rules")


def asks_for_element(instruction: str) -> bool:
    """Whether a revision instruction may be about a chart, an equation or code (then the
    reviser is shown how to write one; otherwise its prompt and schema stay lean)."""
    return bool(_ELEMENT_WORDS.search(instruction))
