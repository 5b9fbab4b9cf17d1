"""A conversation's history as text: the list of versions (who, what changed, when, who
approved), one version's script, and what differs between two versions.

Pure functions of the store's records; the engine sends their text to a front-end's
:meth:`~bot.engine.replies.ReplySink.report`. People are written ``<@id>``, the mention form
both chat platforms show as a name.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Sequence

from deck import Deck, Slide

from ..store import VersionRecord

MAX_LISTED = 25  # versions listed by `history` (the newest ones)
CLIP = 120  # characters of a changed text shown in a comparison


def person(user: str) -> str:
    return f"<@{user}>" if user else "deckcast"


def when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(timestamp))


def approval(record: VersionRecord) -> str:
    if not record.approved_by:
        return ""
    return "✅ approved by " + ", ".join(person(u) for u in record.approved_by)


def history_text(title: str, versions: Sequence[VersionRecord], current: int) -> str:
    """``history``: every version, newest last, the current one marked."""
    lines = [f"History of “{title}” — {len(versions)} version(s); ▶ marks the current one:"]
    shown = list(versions)[-MAX_LISTED:]
    if len(shown) < len(versions):
        lines.append(f"  … {len(versions) - len(shown)} older version(s) not shown")
    for record in shown:
        mark = "▶" if record.number == current else "•"
        parts = [f"{mark} v{record.number}", person(record.author), record.note or "(no note)"]
        parts.append(when(record.created_at))
        if record.approved_by:
            parts.append(approval(record))
        lines.append(" · ".join(parts))
    return "\n".join(lines)


def script_lines(deck: Deck) -> list[str]:
    """Each slide's title, bullets and first line of narration (what a reviewer reads)."""
    lines: list[str] = []
    for i, slide in enumerate(deck.slides, 1):
        lines.append(f"{i}. {slide.title}")
        lines += [f"   • {bullet}" for bullet in slide.bullets]
        said = first_sentence(slide.narration)
        if said:
            lines.append(f"   🗣 {said}")
    return lines


def first_sentence(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    for end in (". ", "! ", "? ", "。"):
        at = text.find(end)
        if 0 < at < limit:
            return text[: at + 1].strip()
    return clip(text, limit)


def version_text(record: VersionRecord, current: int) -> str:
    """``show version 4``: who made it, when, why, who approved it, and its script."""
    deck = record.deck
    head = f"Version {record.number}" + (" (current)" if record.number == current else "")
    facts = [head, f"by {person(record.author)}", when(record.created_at)]
    if record.parent:
        facts.append(f"made from version {record.parent}")
    lines = [" · ".join(facts), f"What changed: {record.note or '(no note)'}"]
    if record.approved_by:
        lines.append(approval(record))
    lines.append(f"“{deck.title}” — {len(deck.slides)} slides:")
    return "\n".join(lines + script_lines(deck))


def compare_text(old: VersionRecord, new: VersionRecord) -> str:
    """``compare 3 and 5``: the deck-wide changes, then each slide that differs and how
    (title, bullets, narration, picture prompt), then the slides that are the same."""
    a, b = old.deck, new.deck
    lines = [f"Version {old.number} → version {new.number}:"]
    lines += _deck_changes(a, b)
    same: list[int] = []
    matcher = difflib.SequenceMatcher(
        a=[s.title for s in a.slides], b=[s.title for s in b.slides], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                changes = _slide_changes(a.slides[i], b.slides[j])
                if not changes and i == j:
                    same.append(j + 1)
                    continue
                moved = f" (was slide {i + 1})" if i != j else ""
                lines.append(f"Slide {j + 1} “{b.slides[j].title}”{moved}:")
                lines += [f"  {change}" for change in changes] or ["  moved, otherwise the same"]
            continue
        for i in range(i1, i2):
            lines.append(f"Slide {i + 1} “{a.slides[i].title}” of version {old.number}: removed")
        for j in range(j1, j2):
            lines.append(f"Slide {j + 1} “{b.slides[j].title}”: added")
            lines += [f"  • {bullet}" for bullet in b.slides[j].bullets]
    if len(lines) == 1:
        lines.append("No differences: the two versions have the same slides.")
    elif same:
        lines.append("Unchanged: slide " + ", ".join(str(n) for n in same) + ".")
    return "\n".join(lines)


def _deck_changes(a: Deck, b: Deck) -> list[str]:
    changes = []
    if a.title != b.title:
        changes.append(f"Title: “{a.title}” → “{b.title}”")
    if a.theme != b.theme:
        changes.append(f"Theme: {_theme(a)} → {_theme(b)}")
    if a.aspect != b.aspect:
        changes.append(f"Frame: {a.aspect.value} → {b.aspect.value}")
    if a.motion != b.motion:
        changes.append(f"Motion: {a.motion.value} → {b.motion.value}")
    if a.voice != b.voice:
        changes.append(f"Voice: {a.voice or 'default'} → {b.voice or 'default'}")
    if a.language != b.language:
        changes.append(f"Language: {a.language} → {b.language}")
    if len(a.slides) != len(b.slides):
        changes.append(f"Slides: {len(a.slides)} → {len(b.slides)}")
    return changes


def _theme(deck: Deck) -> str:
    style = f" ({deck.theme.style})" if deck.theme.style else ""
    return f"{deck.theme.name}{style}"


def _slide_changes(a: Slide, b: Slide) -> list[str]:
    changes = []
    if a.title != b.title:
        changes.append(f"title: “{a.title}” → “{b.title}”")
    if a.bullets != b.bullets:
        removed = [x for x in a.bullets if x not in b.bullets]
        added = [x for x in b.bullets if x not in a.bullets]
        if not removed and not added:
            changes.append("bullets: reordered")
        else:
            changes.append(
                "bullets: "
                + "; ".join(
                    [f"− {clip(x, CLIP)}" for x in removed] + [f"+ {clip(x, CLIP)}" for x in added]
                )
            )
    if a.narration != b.narration:
        changes.append(f"narration: “{clip(a.narration, CLIP)}” → “{clip(b.narration, CLIP)}”")
    if a.image_prompt != b.image_prompt:
        changes.append(
            f"picture prompt: “{clip(a.image_prompt, CLIP)}” → “{clip(b.image_prompt, CLIP)}”"
        )
    elif a.image_seed != b.image_seed:
        changes.append("picture: a new one (same prompt, new seed)")
    if a.layout != b.layout:
        changes.append(f"layout: {_layout(a)} → {_layout(b)}")
    other = _other_fields(a, b)
    if other:
        changes.append("also changed: " + ", ".join(other))
    return changes


_SHOWN = {"title", "bullets", "narration", "image_prompt", "image_seed", "layout"}


def _other_fields(a: Slide, b: Slide) -> list[str]:
    """Slide fields this module does not describe (content another part of deckcast adds)."""
    names = set(type(a).model_fields) - _SHOWN
    return sorted(name.replace("_", " ") for name in names if getattr(a, name) != getattr(b, name))


def _layout(slide: Slide) -> str:
    return slide.layout.value if slide.layout is not None else "automatic"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
