"""The bundled illustrations: Fluent Emoji Flat SVGs and the words each is known by.

``art/icons.json.gz`` maps a name to an SVG body (viewBox 0 0 32 32); ``art/index.json.gz``
holds, per language, each illustration's head words (what it is: "apple" in "red apple"), its
other name words and its keywords, from Unicode CLDR. Both are built by
``scripts/build_art.py`` from the npm packages and committed; the licences are beside them.
Loaded once per process, on first use (about 30 ms).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ART_DIR = Path(__file__).parent / "art"
ICONS_FILE = ART_DIR / "icons.json.gz"
INDEX_FILE = ART_DIR / "index.json.gz"
LICENCE_FILES = ("LICENSE-fluent-emoji.txt", "LICENSE-unicode-cldr.txt")

HEAD, KEYWORD, NAME = 3.0, 2.0, 1.0  # how strongly a word names an illustration


@dataclass(frozen=True, slots=True)
class Terms:
    """One language's words for every illustration, by position in ``ArtSet.names``."""

    head: tuple[tuple[str, ...], ...]
    name: tuple[tuple[str, ...], ...]
    keywords: tuple[tuple[str, ...], ...]

    def words_of(self, icon: int) -> set[str]:
        return {*self.head[icon], *self.name[icon], *self.keywords[icon]}


@dataclass(eq=False)  # hashed by identity: one per process, the key of lookup caches
class ArtSet:
    """The bundled set: names, categories, colour words of the English names, and terms."""

    source: str
    version: str
    digest: str  # of the index: a rebuilt set is a new set, for the picture cache
    names: tuple[str, ...]
    categories: tuple[str, ...]
    colours: tuple[frozenset[str], ...]  # colour words of the English name ("red apple")
    drawn_in: dict[int, frozenset[str]]  # curated colours of illustrations whose name says none
    raw_terms: dict[str, list[str]]
    stopwords: dict[str, frozenset[str]]
    occasions: dict[int, frozenset[str]]  # festivals and customs an illustration belongs to
    # per language: colour and nationality words, each with the English colour it names ("")
    qualities: dict[str, dict[str, str]]
    _terms: dict[str, Terms] = field(default_factory=dict)
    _bodies: dict[str, str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.raw_terms)

    def terms(self, language: str) -> Terms | None:
        """The words of ``language`` (a bundled one: "en", "de", "zh-hant"...), or ``None``."""
        if language not in self.raw_terms:
            return None
        with self._lock:
            if language not in self._terms:
                rows = [row.split("|") for row in self.raw_terms[language]]
                self._terms[language] = Terms(
                    tuple(tuple(r[0].split()) for r in rows),
                    tuple(tuple(r[1].split()) for r in rows),
                    tuple(tuple(r[2].split()) for r in rows),
                )
            return self._terms[language]

    def body(self, name: str) -> str:
        """The SVG body of illustration ``name`` (a ``<g>`` in a 32×32 viewBox)."""
        with self._lock:
            if self._bodies is None:
                self._bodies = json.loads(gzip.decompress(ICONS_FILE.read_bytes()))
            return self._bodies[name]


@cache
def art_set() -> ArtSet:
    raw = INDEX_FILE.read_bytes()
    data = json.loads(gzip.decompress(raw))
    return ArtSet(
        source=data["set"],
        version=data["version"],
        digest=hashlib.sha256(raw).hexdigest()[:16],
        names=tuple(data["names"]),
        categories=tuple(data["categories"]),
        colours=tuple(frozenset(c.split()) for c in data["colours"]),
        drawn_in={
            data["names"].index(name): frozenset(words.split())
            for name, words in data["drawn_in"].items()
        },
        raw_terms=data["terms"],
        stopwords={code: frozenset(words) for code, words in data["stopwords"].items()},
        occasions={
            data["names"].index(name): frozenset(words.split())
            for name, words in data["occasions"].items()
        },
        qualities=data["qualities"],
    )
