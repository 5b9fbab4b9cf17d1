"""Language names people and models write where a code belongs: ``French``, ``français``,
``Español``, ``日本語``, ``Chinese (Simplified)`` become ``fr``, ``es``, ``ja``, ``zh-Hans``;
a locale written with underscores (``fr_FR``, ``pt_br``) becomes ``fr-FR``, ``pt-br``.

A deck's ``language`` is a code (``fr``, ``pt-BR``); an outline written by hand, or a model
answering in JSON mode, often gives the name instead. Names are matched case-insensitively,
in English and in the language itself; anything else is left for the code check to judge.
"""

from __future__ import annotations

import re
import unicodedata

# code: names (English first, then the language's own); the codes the voices and fonts cover.
_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("english", "anglais", "inglés", "englisch"),
    "en-US": ("american english", "english (us)", "english (united states)", "us english"),
    "en-GB": ("british english", "english (uk)", "english (united kingdom)", "uk english"),
    "fr": ("french", "français", "francais"),
    "es": ("spanish", "español", "espanol", "castellano"),
    "de": ("german", "deutsch"),
    "it": ("italian", "italiano"),
    "pt": ("portuguese", "português", "portugues"),
    "pt-BR": ("brazilian portuguese", "portuguese (brazil)", "português do brasil"),
    "nl": ("dutch", "nederlands", "flemish"),
    "da": ("danish", "dansk"),
    "sv": ("swedish", "svenska"),
    "nb": ("norwegian", "norsk", "norwegian bokmål", "bokmål"),
    "fi": ("finnish", "suomi"),
    "pl": ("polish", "polski"),
    "cs": ("czech", "čeština", "cestina"),
    "ro": ("romanian", "română", "romana"),
    "hu": ("hungarian", "magyar"),
    "tr": ("turkish", "türkçe", "turkce"),
    "el": ("greek", "ελληνικά"),
    "ru": ("russian", "русский", "русский язык"),
    "uk": ("ukrainian", "українська"),
    "ar": ("arabic", "العربية", "عربي"),
    "he": ("hebrew", "עברית"),
    "fa": ("persian", "farsi", "فارسی"),
    "ur": ("urdu", "اردو"),
    "hi": ("hindi", "हिन्दी", "हिंदी"),
    "bn": ("bengali", "bangla", "বাংলা"),
    "ta": ("tamil", "தமிழ்"),
    "th": ("thai", "ไทย", "ภาษาไทย"),
    "vi": ("vietnamese", "tiếng việt"),
    "id": ("indonesian", "bahasa indonesia"),
    "ms": ("malay", "bahasa melayu"),
    "ja": ("japanese", "日本語"),
    "ko": ("korean", "한국어"),
    "zh": ("chinese", "mandarin", "中文", "汉语", "漢語", "普通话"),
    "zh-Hans": ("simplified chinese", "chinese (simplified)", "简体中文"),
    "zh-Hant": ("traditional chinese", "chinese (traditional)", "繁體中文", "繁体中文"),
    "yue": ("cantonese", "粵語", "粤语"),
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names}
_CODE_CASES = {code.lower(): names for code, names in _NAMES.items()}  # pt-br, zh-hans
_SPACES = re.compile(r"\s+")
_CODE_WITH_UNDERSCORES = re.compile(r"^[a-zA-Z]{2,3}(?:_[a-zA-Z0-9]{2,8})+$")  # fr_FR, pt_br


def english_name(code: str) -> str | None:
    """``"French"`` for ``fr``, ``fr-CA`` or ``fr_FR``; ``"Brazilian Portuguese"`` for
    ``pt-BR``; None for a code with no name here."""
    code = code.replace("_", "-")
    names = (
        _NAMES.get(code) or _CODE_CASES.get(code.lower()) or _NAMES.get(code.split("-")[0].lower())
    )
    if not names:
        return None
    return " ".join(word[:1].upper() + word[1:] for word in names[0].split())


def language_code(value: object) -> object:
    """The code for a language written by name (see the module docstring); ``value`` itself
    when it is not a name known here (a code, or something the code check will refuse)."""
    if not isinstance(value, str):
        return value
    if _CODE_WITH_UNDERSCORES.match(value.strip()):
        return value.strip().replace("_", "-")
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", value).strip().casefold())
    name = name.removesuffix(" language").removeprefix("the ")
    return _BY_NAME.get(name, value)
