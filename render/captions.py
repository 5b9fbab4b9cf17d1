"""Captions: narration cut into short cues, timed to the audio, written as SRT and WebVTT.

A cue shows the narration as a viewer should read it (:func:`~render.speech.display_text`:
no Markdown, no table rules, URLs whole); WebVTT cue text escapes ``&``, ``<`` and ``>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .speech import display_text
from .typeset import break_points

if TYPE_CHECKING:
    from .options import SlideTiming

MAX_CUE_CHARS = 84  # two lines of about 42 characters, the usual subtitle limit
_SENTENCE = re.compile(r"(?<=[.!?…。！？])\s+")
# After clause punctuation followed by a space (never inside "https://" or "10:30"), or after
# the full-width marks, which take no space.
_CLAUSE = re.compile(r"(?<=[,;:])\s+|(?<=[，、；：])\s*")


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    text: str


def split_cues(narration: str, max_chars: int = MAX_CUE_CHARS) -> list[str]:
    """Cut ``narration`` into cues of at most ``max_chars``: at sentence ends first, then at
    clause punctuation, then between words."""
    cues: list[str] = []
    for sentence in _SENTENCE.split(narration.strip()):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(sentence) <= max_chars:
            cues.append(sentence)
            continue
        current = ""
        for clause in _CLAUSE.split(sentence):
            for piece in _split_words(clause, max_chars):
                joiner = "" if not current or _is_cjk(piece[:1]) else " "
                if current and len(current) + len(joiner) + len(piece) > max_chars:
                    cues.append(current)
                    current = piece
                else:
                    current = current + joiner + piece if current else piece
        if current:
            cues.append(current)
    return cues


def time_cues(texts: list[str], start: float, duration: float) -> list[Cue]:
    """Spread ``texts`` over ``duration`` seconds from ``start``, in proportion to length."""
    weights = [max(1, len(t)) for t in texts]
    total = sum(weights)
    cues: list[Cue] = []
    t = start
    for text, weight in zip(texts, weights, strict=True):
        end = t + duration * weight / total
        cues.append(Cue(round(t, 3), round(end, 3), text))
        t = end
    return cues


def slide_cues(narrations: list[str], timings: list[SlideTiming]) -> list[list[Cue]]:
    """Each slide's cues, spread over its narration's time."""
    cues: list[list[Cue]] = []
    for narration, timing in zip(narrations, timings, strict=True):
        texts = split_cues(display_text(narration))
        cues.append(time_cues(texts, timing.start, timing.narration) if texts else [])
    return cues


def to_srt(cues: list[Cue]) -> str:
    blocks = [
        f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n"
        for i, c in enumerate(cues, 1)
    ]
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    blocks = [
        f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{vtt_escape(c.text)}\n" for c in cues
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


def vtt_escape(text: str) -> str:
    """Cue text as WebVTT needs it: ``&``, ``<`` and ``>`` as character references."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _stamp(seconds: float, separator: str) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"


def _split_words(text: str, max_chars: int) -> list[str]:
    """``text`` in pieces of at most ``max_chars``, cut where a line may break (between
    words, between CJK characters, between Thai words)."""
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    for part in break_points(text):
        if current and len((current + part).rstrip()) > max_chars:
            pieces.append(current.rstrip())
            current = ""
        current += part
    if current.strip():
        pieces.append(current.rstrip())
    return pieces


def _is_cjk(ch: str) -> bool:
    return bool(ch) and (
        "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uff00" <= ch <= "\uffef"
    )
