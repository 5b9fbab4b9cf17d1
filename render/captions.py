"""Captions: narration cut into short cues, timed to the audio, written as SRT and WebVTT.

A cue shows the narration as a viewer should read it (:func:`~render.speech.display_text`:
no Markdown, no table rules, URLs whole); WebVTT cue text escapes ``&``, ``<`` and ``>``.

Each sentence is spoken on its own (:mod:`render.narration`), so where it starts and ends in
the slide's audio is known to the sample; a cue starts when its sentence does. Only a sentence
too long for one cue is cut, and its cues share the sentence's time by character count, as
its words do in the word-by-word style (:func:`word_starts`).
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
# A full stop that ends an abbreviation or an initial, not a sentence ("e.g. ferns", "Dr. Ng",
# "J. S. Bach", "U.S. law", "Fig. 3"): no cut there, or the voice would pause mid-sentence.
_NOT_AN_END = re.compile(
    r"(?:\b(?:e\.g|i\.e|cf|vs|approx|avg|Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|Mt)"
    r"|(?<![\w.])[A-HJ-Z]|\b(?:[A-Za-z]\.)+[A-Za-z])\.$"
)
_BEFORE_A_NUMBER = re.compile(r"\b(?:Fig|fig|No|no|Nr|ca|p|pp|vol|Vol)\.$")  # "no. 5"
# After clause punctuation followed by a space (never inside "https://" or "10:30"), or after
# the full-width marks, which take no space.
_CLAUSE = re.compile(r"(?<=[,;:])\s+|(?<=[，、；：])\s*")


Span = tuple[float, float]  # a sentence's speech in its slide's audio: onset, end (seconds)


@dataclass(frozen=True, slots=True)
class Cue:
    """Shown from ``start`` to ``end``; its words are spoken until ``spoken`` (``None``: until
    ``end``)."""

    start: float
    end: float
    text: str
    spoken: float | None = None


def split_sentences(text: str) -> list[str]:
    """``text`` (as :func:`~render.speech.display_text` leaves it) cut at sentence ends: what
    the narration speaks one at a time and the captions start a cue at."""
    sentences: list[str] = []
    for piece in _SENTENCE.split(text.strip()):
        if not piece.strip():
            continue
        last = sentences[-1] if sentences else ""
        if last and (
            _NOT_AN_END.search(last) or (_BEFORE_A_NUMBER.search(last) and piece[:1].isdigit())
        ):
            sentences[-1] = f"{sentences[-1]} {piece.strip()}"
        else:
            sentences.append(piece.strip())
    return sentences


def split_cues(narration: str, max_chars: int = MAX_CUE_CHARS) -> list[str]:
    """Cut ``narration`` into cues of at most ``max_chars``: at sentence ends first, then at
    clause punctuation, then between words."""
    cues: list[str] = []
    for sentence in split_sentences(narration):
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


def slide_cues(
    narrations: list[str], timings: list[SlideTiming], spans: list[list[Span] | None] | None = None
) -> list[list[Cue]]:
    """Each slide's cues: at its sentences' ``spans`` (one per :func:`split_sentences` of its
    displayed narration), or, where a slide has none, spread over its narration's time by
    character count."""
    cues: list[list[Cue]] = []
    for i, (narration, timing) in enumerate(zip(narrations, timings, strict=True)):
        shown = display_text(narration)
        sentences = split_sentences(shown)
        timed = spans[i] if spans is not None else None
        end = timing.start + timing.narration
        if timed is not None and len(timed) == len(sentences) and sentences:
            cues.append(sentence_cues(sentences, timed, timing.start, end))
        else:
            texts = split_cues(shown)
            cues.append(time_cues(texts, timing.start, timing.narration) if texts else [])
    return cues


def sentence_cues(sentences: list[str], spans: list[Span], start: float, end: float) -> list[Cue]:
    """One slide's cues from its sentences and their spans (seconds from ``start``): a cue
    starts at its sentence's onset and is shown until the next one starts (the last until
    ``end``). A sentence nothing was spoken for (emoji only) is shown in its neighbour's cue,
    so it moves no onset."""
    groups: list[tuple[list[str], float, float]] = []  # a spoken sentence's cues, its span
    pending: list[str] = []  # unspoken sentences before the first spoken one
    for text, (onset, until) in zip(sentences, spans, strict=True):
        if until > onset:
            groups.append((split_cues(text) or [text], onset, until))
            if pending:
                groups[-1][0][0] = " ".join([*pending, groups[-1][0][0]])
                pending = []
        elif groups:
            groups[-1][0][-1] = f"{groups[-1][0][-1]} {text}"
        else:
            pending.append(text)
    if not groups:
        texts = split_cues(" ".join(pending))
        return time_cues(texts, start, end - start) if texts else []
    timed = [
        cue
        for texts, onset, until in groups
        for cue in time_cues(texts, start + onset, until - onset)
    ]
    ends = [cue.start for cue in timed[1:]] + [max(end, timed[-1].end)]
    return [Cue(c.start, e, c.text, c.end) for c, e in zip(timed, ends, strict=True)]


def cue_words(text: str) -> list[str]:
    """The words of a cue as the word-by-word style highlights them: the pieces between line
    break opportunities (words, or CJK characters and Thai words), without trailing spaces."""
    return [piece.strip() for piece in break_points(text) if piece.strip()]


def word_starts(cue: Cue) -> list[float]:
    """When each of :func:`cue_words` starts being spoken: the cue's spoken time shared by
    character length. Only sentence onsets are measured; within one, speech runs close
    enough to evenly per character for a highlight that follows the voice."""
    words = cue_words(cue.text)
    until = cue.end if cue.spoken is None else cue.spoken
    return [c.start for c in time_cues(words, cue.start, max(0.0, until - cue.start))]


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
