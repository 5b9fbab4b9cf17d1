"""Fonts: each character is drawn from the first font that has it, the bundled Noto Sans first.

Noto Sans ships with deckcast (Latin, Greek, Cyrillic). Every other character finds its font
one at a time (a CJK word in a Latin bullet keeps the bullet's Noto Sans, only the word is set
in Noto Sans CJK): first the Noto family made for its script (Noto Sans Arabic, Hebrew,
Devanagari, Thai, CJK in the face of the deck's language...), then the symbol and maths fonts
(arrows, ₂, ∑), then Noto Color Emoji for emoji, then any installed font that fontconfig says
has it (``fc-list :charset=…``). Fonts are found through fontconfig where it is present (Linux,
most BSDs), and at the usual paths where it is not. A character no font has is reported by
:func:`missing_glyphs_warning`, naming the Debian package that has a font for its script; it
is never silently drawn as an empty box.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont

from .scripts import EMOJI, script_of

FONT_DIR = Path(__file__).parent / "fonts"
BUNDLED_REGULAR = FONT_DIR / "NotoSans-Regular.ttf"
BUNDLED_BOLD = FONT_DIR / "NotoSans-Bold.ttf"
EMOJI_SIZE = 109  # Noto Color Emoji's bitmaps exist at this size only: drawn, then scaled

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
# Where fonts live when there is no fontconfig to ask (searched for the family's file name).
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    str(Path.home() / ".fonts"),
    "C:/Windows/Fonts",
)
# Face inside Noto Sans CJK collections, by language (JP is face 0).
_CJK_FACE = {"ja": "JP", "ko": "KR", "zh": "SC", "zh-tw": "TC", "zh-hk": "HK", "zh-hant": "TC"}
_CJK_SCRIPTS = ("Han", "Hiragana", "Katakana", "Hangul")
# The Noto family made for each script.
SCRIPT_FAMILIES = {
    "Arabic": "Noto Sans Arabic", "Hebrew": "Noto Sans Hebrew", "Armenian": "Noto Sans Armenian",
    "Devanagari": "Noto Sans Devanagari", "Bengali": "Noto Sans Bengali",
    "Gurmukhi": "Noto Sans Gurmukhi", "Gujarati": "Noto Sans Gujarati",
    "Oriya": "Noto Sans Oriya", "Tamil": "Noto Sans Tamil", "Telugu": "Noto Sans Telugu",
    "Kannada": "Noto Sans Kannada", "Malayalam": "Noto Sans Malayalam",
    "Sinhala": "Noto Sans Sinhala", "Thai": "Noto Sans Thai", "Lao": "Noto Sans Lao",
    "Myanmar": "Noto Sans Myanmar", "Khmer": "Noto Sans Khmer", "Georgian": "Noto Sans Georgian",
    "Ethiopic": "Noto Sans Ethiopic", "Tibetan": "Noto Serif Tibetan",
    "Syriac": "Noto Sans Syriac", "Thaana": "Noto Sans Thaana",
    "Mongolian": "Noto Sans Mongolian",
}  # fmt: skip
SYMBOL_FAMILIES = ("Noto Sans Symbols", "Noto Sans Symbols2", "Noto Sans Math", "DejaVu Sans")
EMOJI_FAMILY = "Noto Color Emoji"
# The Debian package with a font for each script (what the missing-glyph warning names).
SCRIPT_PACKAGES = {
    "Han": "fonts-noto-cjk", "Hiragana": "fonts-noto-cjk", "Katakana": "fonts-noto-cjk",
    "Hangul": "fonts-noto-cjk", EMOJI: "fonts-noto-color-emoji",
}  # fmt: skip
DEFAULT_PACKAGE = "fonts-noto-core"
INSTALL_HINT = "install a CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk)"


def missing_glyphs_warning(chars: set[str] | frozenset[str]) -> str:
    """The warning for characters no installed font could draw (the first 20 of them), naming
    the Debian package that has fonts for their scripts."""
    shown = "".join(sorted(chars))[:20]
    packages = sorted({SCRIPT_PACKAGES.get(script_of(ch), DEFAULT_PACKAGE) for ch in chars})
    return (
        f"no installed font can draw these characters: {shown}; install a font for them "
        f"(Debian/Ubuntu: apt-get install {' '.join(packages)})"
    )


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file (and face inside a collection) with the code points it covers."""

    path: Path
    index: int
    coverage: frozenset[int] = field(repr=False)
    family: str = ""
    bitmap: bool = False  # colour bitmaps at one size (emoji): drawn at EMOJI_SIZE and scaled

    def missing(self, text: str) -> set[str]:
        return {ch for ch in text if not ch.isspace() and ord(ch) not in self.coverage}

    def has(self, ch: str) -> bool:
        return ord(ch) in self.coverage

    def get(self, size: int) -> ImageFont.FreeTypeFont:
        """The font at ``size`` pixels (a bitmap font at the only size it has)."""
        return _load(str(self.path), self.index, EMOJI_SIZE if self.bitmap else max(1, int(size)))

    def scale(self, size: int) -> float:
        """How much what :meth:`get` draws is scaled to be ``size`` pixels (1 unless bitmap)."""
        return size / EMOJI_SIZE if self.bitmap else 1.0


@functools.lru_cache(maxsize=512)
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size, index=index)


@functools.lru_cache(maxsize=64)
def load_face(path: str, index: int = 0) -> FontFace:
    """Read a font's character map once per process."""
    if path.lower().endswith((".ttc", ".otc")):
        font = TTCollection(path, lazy=True).fonts[index]
    else:
        font = TTFont(path, lazy=True, fontNumber=index)
    cmap = font.getBestCmap() or {}
    family = font["name"].getDebugName(1) or Path(path).stem
    bitmap = "CBDT" in font or "sbix" in font
    return FontFace(Path(path), index, frozenset(cmap), family, bitmap)


def _face_index(path: str, language: str) -> int:
    lang = language.lower()
    wanted = _CJK_FACE.get(lang) or _CJK_FACE.get(lang.split("-")[0])
    if lang.startswith("zh") and any(r in lang for r in ("-tw", "-hant", "-mo")):
        wanted = "TC"
    elif lang.startswith("zh-hk"):
        wanted = "HK"
    if not wanted or not path.lower().endswith(".ttc"):
        return 0
    for i, font in enumerate(TTCollection(path, lazy=True).fonts):
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


@dataclass(frozen=True, slots=True)
class Installed:
    """A font fontconfig (or a walk of the font folders) found."""

    path: str
    index: int
    family: str
    style: str


@functools.cache
def installed_fonts() -> tuple[Installed, ...]:
    """Every installed font: from ``fc-list`` when fontconfig is there, else from the usual
    folders (file names only)."""
    if shutil.which("fc-list"):
        try:
            listing = subprocess.run(
                ["fc-list", "--format", "%{file}|%{index}|%{family[0]}|%{style[0]}\\n"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            listing = ""
        fonts = []
        for line in listing.splitlines():
            parts = line.split("|")
            if len(parts) == 4 and parts[1].isdigit():
                fonts.append(Installed(parts[0], int(parts[1]), parts[2], parts[3]))
        if fonts:
            return tuple(sorted(fonts, key=lambda f: (f.family, f.path, f.index)))
    found = []
    for folder in FONT_DIRS:
        root = Path(folder)
        if root.is_dir():
            for path in root.rglob("*"):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    found.append(Installed(str(path), 0, _family_of_file(path), "Regular"))
    return tuple(found)


def _family_of_file(path: Path) -> str:
    """``NotoSansArabic-Bold.ttf`` -> ``Noto Sans Arabic`` (spaces before capitals)."""
    stem = path.stem.split("-")[0]
    return "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(stem)).strip()


def family_font(family: str, *, bold: bool) -> FontRef | None:
    """The installed font of ``family`` in the weight wanted (regular when there is no bold)."""
    faces = [f for f in installed_fonts() if f.family == family]
    if not faces:
        return None
    wanted = ("Bold",) if bold else ("Regular", "Book", "Medium")
    for style in wanted:
        for face in faces:
            if face.style == style:
                return FontRef(face.path, face.index)
    plain = [f for f in faces if "Italic" not in f.style and "Oblique" not in f.style]
    face = (plain or faces)[0]
    return FontRef(face.path, face.index)


@functools.lru_cache(maxsize=4096)
def fontconfig_font(ch: str, bold: bool) -> FontRef | None:
    """Any installed font that has ``ch``, as fontconfig finds it (sans-serif preferred)."""
    if not shutil.which("fc-list"):
        return None
    try:
        listing = subprocess.run(
            ["fc-list", f":charset={ord(ch):x}", "--format", "%{file}|%{index}|%{style[0]}\\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    rows = [line.split("|") for line in listing.splitlines() if line.count("|") == 2]
    rows = [r for r in rows if r[1].isdigit()]
    if not rows:
        return None

    def rank(row: list[str]) -> tuple[int, int, int, str]:
        path, _index, style = row
        return (
            "Sans" not in Path(path).name,
            ("Bold" in style) != bold,
            "Italic" in style or "Oblique" in style,
            path,
        )

    best = sorted(rows, key=rank)[0]
    return FontRef(best[0], int(best[1]))


@dataclass(frozen=True)
class FontSet:
    """The fonts a render may use, per weight: the primary ones (bundled Noto Sans, then the
    extra font) and, for characters they lack, a font found per character (see the module)."""

    regular: tuple[FontRef, ...]
    bold: tuple[FontRef, ...]
    language: str = "en"

    def face_for(self, ch: str, *, bold: bool = False) -> FontFace | None:
        """The face that draws ``ch``: the first primary one that has it, else its script's."""
        return _face_for(self, ch, bold)

    def primary(self, *, bold: bool = False) -> FontFace:
        return (self.bold if bold else self.regular)[0].load()

    def pick(self, text: str, *, bold: bool = False) -> tuple[FontFace, set[str]]:
        """The face most of ``text`` is drawn in, and the characters no font can draw."""
        counts: dict[FontFace, int] = {}
        missing: set[str] = set()
        for ch in text:
            if ch.isspace() or script_of(ch) in ("Common", "Inherited"):
                continue
            face = self.face_for(ch, bold=bold)
            if face is None:
                missing.add(ch)
            elif not face.bitmap:
                counts[face] = counts.get(face, 0) + 1
        if not counts:
            return self.primary(bold=bold), missing
        return max(counts, key=lambda f: counts[f]), missing


@functools.lru_cache(maxsize=8192)
def _face_for(fonts: FontSet, ch: str, bold: bool) -> FontFace | None:
    for ref in fonts.bold if bold else fonts.regular:
        face = ref.load()
        if face.has(ch):
            return face
    for ref in _script_fonts(script_of(ch), fonts.language, bold):
        face = ref.load()
        if face.has(ch):
            return face
    found = fontconfig_font(ch, bold)
    if found is not None:
        face = found.load()
        if face.has(ch):
            return face
    return None


@functools.lru_cache(maxsize=256)
def _script_fonts(script: str, language: str, bold: bool) -> tuple[FontRef, ...]:
    """The fonts to try for a character of ``script``, best first."""
    refs: list[FontRef] = []
    if script in _CJK_SCRIPTS:
        if language.lower().split("-")[0] not in ("zh", "ja", "ko", "yue"):
            # A CJK word in another language's deck: the face of the script's own language.
            language = {"Hiragana": "ja", "Katakana": "ja", "Hangul": "ko"}.get(script, "zh")
        path = find_cjk_font("Bold" if bold else "Regular") or find_cjk_font("Regular")
        if path:
            refs.append(FontRef(path, _face_index(path, language)))
        return tuple(refs)
    if script == EMOJI:
        families: tuple[str, ...] = (EMOJI_FAMILY, *SYMBOL_FAMILIES)
    elif script in SCRIPT_FAMILIES:
        families = (SCRIPT_FAMILIES[script],)
    else:
        families = SYMBOL_FAMILIES
    for family in families:
        ref = family_font(family, bold=bold)
        if ref is not None:
            refs.append(ref)
    return tuple(refs)


def find_cjk_font(weight: str = "Regular", extra: tuple[str, ...] = ()) -> str | None:
    for candidate in (*extra, *CJK_FONT_CANDIDATES):
        path = candidate.format(weight=weight)
        if Path(path).is_file():
            return path
    return None


@functools.lru_cache(maxsize=16)
def font_set(language: str = "en", extra_font: str | None = None) -> FontSet:
    """The bundled Noto Sans, then ``extra_font`` if given; other scripts per character."""
    regular = [FontRef(str(BUNDLED_REGULAR))]
    bold = [FontRef(str(BUNDLED_BOLD))]
    if extra_font:
        face = FontRef(extra_font, _face_index(extra_font, language))
        regular.append(face)
        bold.append(face)
    return FontSet(tuple(regular), tuple(bold), language)
