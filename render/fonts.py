"""Fonts: Noto Sans ships with deckcast (Latin, Greek, Cyrillic); CJK comes from the system.

A text block is set in the first font that has a glyph for each of its characters. Noto Sans
(bundled, SIL OFL) covers accented Latin, Greek and Cyrillic. For Chinese, Japanese and Korean
a Noto Sans CJK (or another CJK font) must be installed; when none is, the characters it
would need are reported as a warning (``apt-get install fonts-noto-cjk``), never silently drawn
as empty boxes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont

FONT_DIR = Path(__file__).parent / "fonts"
BUNDLED_REGULAR = FONT_DIR / "NotoSans-Regular.ttf"
BUNDLED_BOLD = FONT_DIR / "NotoSans-Bold.ttf"

CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-{weight}.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
# Face index inside Noto Sans CJK collections, by language (JP is face 0).
_CJK_FACE = {"ja": "JP", "ko": "KR", "zh": "SC", "zh-tw": "TC", "zh-hk": "HK"}
INSTALL_HINT = "install a CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk)"


def missing_glyphs_warning(chars: set[str] | frozenset[str]) -> str:
    """The warning for characters no installed font could draw (the first 20 of them)."""
    shown = "".join(sorted(chars))[:20]
    return f"no installed font can draw these characters: {shown}; {INSTALL_HINT}"


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file (and face inside a collection) with the code points it covers."""

    path: Path
    index: int
    coverage: frozenset[int] = field(repr=False)

    def missing(self, text: str) -> set[str]:
        return {ch for ch in text if not ch.isspace() and ord(ch) not in self.coverage}

    def get(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(str(self.path), self.index, max(1, int(size)))


@functools.lru_cache(maxsize=512)
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size, index=index)


@functools.lru_cache(maxsize=32)
def load_face(path: str, index: int = 0) -> FontFace:
    """Read a font's character map once per process."""
    if path.lower().endswith((".ttc", ".otc")):
        collection = TTCollection(path, lazy=True)
        font = collection.fonts[index]
    else:
        font = TTFont(path, lazy=True, fontNumber=index)
    cmap = font.getBestCmap() or {}
    return FontFace(Path(path), index, frozenset(cmap))


def _face_index(path: str, language: str) -> int:
    wanted = _CJK_FACE.get(language.lower()) or _CJK_FACE.get(language.lower().split("-")[0])
    if not wanted or not path.lower().endswith(".ttc"):
        return 0
    collection = TTCollection(path, lazy=True)
    for i, font in enumerate(collection.fonts):
        name = font["name"].getDebugName(4) or ""
        if name.endswith(f" {wanted}") or f" {wanted} " in name:
            return i
    return 0


@dataclass(frozen=True)
class FontRef:
    """A font file (and face) whose character map is read only when first needed."""

    path: str
    index: int = 0

    def load(self) -> FontFace:
        return load_face(self.path, self.index)


@dataclass(frozen=True)
class FontSet:
    """The fonts a render may use, in order of preference, per weight. Fallback fonts (a
    CJK collection is 20 MB) are only opened when a text needs them."""

    regular: tuple[FontRef, ...]
    bold: tuple[FontRef, ...]

    def pick(self, text: str, *, bold: bool = False) -> tuple[FontFace, set[str]]:
        """The first face that covers ``text``; else the best one and the characters missing."""
        best: tuple[FontFace, set[str]] | None = None
        for ref in self.bold if bold else self.regular:
            face = ref.load()
            missing = face.missing(text)
            if not missing:
                return face, set()
            if best is None or len(missing) < len(best[1]):
                best = (face, missing)
        assert best is not None
        return best


def find_cjk_font(weight: str = "Regular", extra: tuple[str, ...] = ()) -> str | None:
    for candidate in (*extra, *CJK_FONT_CANDIDATES):
        path = candidate.format(weight=weight)
        if Path(path).is_file():
            return path
    return None


@functools.lru_cache(maxsize=16)
def font_set(language: str = "en", extra_font: str | None = None) -> FontSet:
    """The bundled Noto Sans, then ``extra_font`` if given, then a system CJK font if present."""
    regular = [FontRef(str(BUNDLED_REGULAR))]
    bold = [FontRef(str(BUNDLED_BOLD))]
    if extra_font:
        face = FontRef(extra_font, _face_index(extra_font, language))
        regular.append(face)
        bold.append(face)
    cjk_regular = find_cjk_font("Regular")
    if cjk_regular:
        regular.append(FontRef(cjk_regular, _face_index(cjk_regular, language)))
        cjk_bold = find_cjk_font("Bold") or cjk_regular
        bold.append(FontRef(cjk_bold, _face_index(cjk_bold, language)))
    return FontSet(tuple(regular), tuple(bold))
