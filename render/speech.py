"""Narration text prepared for speech, once, for every voice backend.

Markdown is never read aloud, symbols and units are said as words, URLs are read as their
host name, and common abbreviations are expanded. Rules that depend on the language apply to
English only; the rest (Markdown, URLs, emoji) apply to every language.
"""

from __future__ import annotations

import re
import unicodedata

_MARKDOWN = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links
    (re.compile(r"`{1,3}([^`]*)`{1,3}"), r"\1"),  # code
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # strong
    (re.compile(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)"), r"\1"),  # emphasis
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE), ""),  # headings
    (re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.MULTILINE), ""),  # list markers
    (re.compile(r"^\s*>\s?", re.MULTILINE), ""),  # quotes
    (re.compile(r"~~(.+?)~~"), r"\1"),
]
_URL = re.compile(r"\b(?:https?://|www\.)([^\s/?#]+)[^\s]*", re.IGNORECASE)
_EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b")

_EN_ABBREVIATIONS = {
    r"\be\.g\.": "for example",
    r"\bi\.e\.": "that is",
    r"\betc\.": "et cetera",
    r"\bvs\.?(?=\s)": "versus",
    r"\bapprox\.": "approximately",
    r"\bDr\.(?=\s)": "Doctor",
    r"\bMr\.(?=\s)": "Mister",
    r"\bMrs\.(?=\s)": "Missus",
    r"\bSt\.(?=\s[A-Z])": "Saint",
    r"\bno\.(?=\s?\d)": "number",
}
_EN_UNITS = {
    "km/h": "kilometres per hour",
    "mph": "miles per hour",
    "m/s": "metres per second",
    "km": "kilometres",
    "cm": "centimetres",
    "mm": "millimetres",
    "kg": "kilograms",
    "mg": "milligrams",
    "g": "grams",
    "m": "metres",
    "ml": "millilitres",
    "l": "litres",
    "kWh": "kilowatt hours",
    "kW": "kilowatts",
    "W": "watts",
    "Hz": "hertz",
    "GB": "gigabytes",
    "MB": "megabytes",
    "s": "seconds",
    "ms": "milliseconds",
    "h": "hours",
    "min": "minutes",
}
_EN_SYMBOLS = [
    (re.compile(r"(\d)\s*°\s*C\b"), r"\1 degrees Celsius"),
    (re.compile(r"(\d)\s*°\s*F\b"), r"\1 degrees Fahrenheit"),
    (re.compile(r"(\d)\s*°"), r"\1 degrees"),
    (re.compile(r"(\d)\s*%"), r"\1 percent"),
    (re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)"), r"\1 dollars"),
    (re.compile(r"€\s?(\d[\d,]*(?:\.\d+)?)"), r"\1 euros"),
    (re.compile(r"£\s?(\d[\d,]*(?:\.\d+)?)"), r"\1 pounds"),
    (re.compile(r"(\d)\s*[x×]\s*(\d)"), r"\1 times \2"),
    (re.compile(r"(\d)\s*-\s*(\d)"), r"\1 to \2"),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*\+\s*"), " plus "),
    (re.compile(r"\s*=\s*"), " equals "),
    (re.compile(r"\s*(?:→|->)\s*"), " to "),
    (re.compile(r"\s*(?:←|<-)\s*"), " from "),
    (re.compile(r"(\w)/(\w)"), r"\1 or \2"),
    (re.compile(r"~\s*(\d)"), r"about \1"),
    (re.compile(r"#(\d)"), r"number \1"),
]
_UNIT_PATTERN = re.compile(
    r"(\d)\s?("
    + "|".join(re.escape(u) for u in sorted(_EN_UNITS, key=len, reverse=True))
    + r")(?![\w/])"
)


def prepare_for_speech(text: str, language: str = "en") -> str:
    """The words a voice should say for ``text`` (which may hold Markdown and symbols)."""
    for pattern, repl in _MARKDOWN:
        text = pattern.sub(repl, text)
    text = _URL.sub(lambda m: _say_host(m.group(1)), text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)} at {_say_host(m.group(2))}", text)
    text = "".join(ch for ch in text if not _is_pictograph(ch))
    if language.lower().split("-")[0] == "en":
        for pattern_text, words in _EN_ABBREVIATIONS.items():
            text = re.sub(pattern_text, words, text)
        text = _UNIT_PATTERN.sub(lambda m: f"{m.group(1)} {_EN_UNITS[m.group(2)]}", text)
        for pattern, repl in _EN_SYMBOLS:
            text = pattern.sub(repl, text)
    text = re.sub(r"[*_#`|<>{}\[\]\\^]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _say_host(host: str) -> str:
    host = re.sub(r"^www\.", "", host.lower())
    return host.replace(".", " dot ")


def _is_pictograph(ch: str) -> bool:
    return unicodedata.category(ch) == "So" and ord(ch) > 0x2000
