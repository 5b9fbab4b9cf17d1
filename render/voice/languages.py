"""Language codes as decks write them, and which voice of a backend speaks one.

A deck may say ``fr``, ``fr-FR``, ``fr_fr``, ``fra``, ``zh``, ``zh-Hant``, ``cmn``, ``iw`` or
``pt-br``: :func:`parse_language` reads every such code into one :class:`LanguageTag`
(ISO 639-1 language where one exists, region, script). :func:`pick_voice` is the one function
that maps a language to a backend's voices: give it what the backend offers (voice names keyed
by the language they speak) and it answers with the best one and whether it is an exact match
or a stated fallback.

Voice names of local neural TTS servers say the language they speak:

* Kokoro: ``af_heart``, ``bm_george``, ``ff_siwis``: the first letter is the language
  (a = American English, b = British English, e = Spanish, f = French, h = Hindi,
  i = Italian, j = Japanese, p = Brazilian Portuguese, z = Mandarin), the second the gender.
* Piper and most others: a locale first, ``en_US-lessac-medium``, ``de-DE-thorsten``.

OpenAI's own voices speak every language, so for them the deck's language picks nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

KOKORO_LANGUAGES = {
    "a": ("en", "US"),
    "b": ("en", "GB"),
    "e": ("es", ""),
    "f": ("fr", ""),
    "h": ("hi", ""),
    "i": ("it", ""),
    "j": ("ja", ""),
    "p": ("pt", "BR"),
    "z": ("zh", ""),
}
_KOKORO = re.compile(r"^([abefhijpz])[fm]_[a-z0-9_]+$")
_LOCALE = re.compile(r"^([a-z]{2,3})(?:[_-]([a-z]{2}|\d{3}))?(?=[_-]|$)", re.IGNORECASE)

# Three-letter (ISO 639-2/3) codes and old or macro codes that have a two-letter language.
_ALIASES = {
    "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "ukr": "uk", "pol": "pl", "ces": "cs",
    "cze": "cs", "ell": "el", "gre": "el", "tur": "tr", "ara": "ar", "heb": "he", "iw": "he",
    "fas": "fa", "per": "fa", "urd": "ur", "hin": "hi", "ben": "bn", "tha": "th", "vie": "vi",
    "ind": "id", "in": "id", "msa": "ms", "may": "ms", "zho": "zh", "chi": "zh", "cmn": "zh",
    "jpn": "ja", "kor": "ko", "swe": "sv", "dan": "da", "nor": "nb", "no": "nb", "nob": "nb",
    "nno": "nn", "fin": "fi", "hun": "hu", "ron": "ro", "rum": "ro", "bul": "bg", "srp": "sr",
    "hrv": "hr", "slk": "sk", "slo": "sk", "slv": "sl", "cat": "ca", "eus": "eu", "baq": "eu",
    "glg": "gl", "ji": "yi", "tam": "ta", "tel": "te", "mar": "mr", "nep": "ne", "khm": "km",
    "lao": "lo", "mya": "my", "bur": "my", "kat": "ka", "geo": "ka", "hye": "hy", "arm": "hy",
    "swa": "sw", "afr": "af", "tgl": "tl", "fil": "tl", "est": "et", "lav": "lv", "lit": "lt",
    "isl": "is", "ice": "is", "sqi": "sq", "alb": "sq", "mkd": "mk", "mac": "mk", "bel": "be",
    "kaz": "kk", "uzb": "uz", "aze": "az", "sin": "si", "pan": "pa", "guj": "gu", "kan": "kn",
    "mal": "ml", "amh": "am", "cym": "cy", "wel": "cy", "gle": "ga", "lat": "la", "epo": "eo",
}  # fmt: skip
_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish",
    "cs": "Czech", "el": "Greek", "tr": "Turkish", "ar": "Arabic", "he": "Hebrew",
    "fa": "Persian", "ur": "Urdu", "hi": "Hindi", "bn": "Bengali", "th": "Thai",
    "vi": "Vietnamese", "id": "Indonesian", "ms": "Malay", "zh": "Chinese", "yue": "Cantonese",
    "ja": "Japanese", "ko": "Korean", "sv": "Swedish", "da": "Danish", "nb": "Norwegian",
    "fi": "Finnish", "hu": "Hungarian", "ro": "Romanian", "bg": "Bulgarian", "sr": "Serbian",
    "km": "Khmer", "lo": "Lao", "my": "Burmese", "ta": "Tamil", "tl": "Tagalog",
    "ka": "Georgian", "hy": "Armenian", "am": "Amharic", "si": "Sinhala",
}  # fmt: skip
# Languages written right to left (what their text and bullets align to).
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ku"})
# Chinese regions whose deck is written in traditional characters.
_TRADITIONAL = frozenset({"TW", "HK", "MO"})


@dataclass(frozen=True, slots=True)
class LanguageTag:
    """A language as a deck may name it, canonical: ``zh`` / ``TW`` / ``Hant``."""

    language: str  # ISO 639-1 where one exists (``yue`` and other three-letter ones stay)
    region: str = ""  # ISO 3166 (``BR``) or UN M.49 (``419``), upper case
    script: str = ""  # ISO 15924, title case (``Hant``, ``Latn``)
    variant: str = ""  # what else the code said (espeak's ``x-rp``, ``pinyin``), lower case

    def __str__(self) -> str:
        return "-".join(p for p in (self.language, self.script, self.region) if p)

    @property
    def name(self) -> str:
        """The language's English name (the code itself when it is not a common one)."""
        return _NAMES.get(self.language, self.language)

    @property
    def rtl(self) -> bool:
        return self.language in RTL_LANGUAGES and self.script in ("", "Arab", "Hebr")

    def candidates(self) -> list[str]:
        """Keys to look this language up by, most specific first, lower case:
        ``pt-br``, ``pt``; ``zh-hant-tw``, ``zh-tw``, ``zh-hant``, ``zh``."""
        lang, region, script = self.language, self.region.lower(), self.script.lower()
        keys = [f"{lang}-{script}-{region}", f"{lang}-{region}", f"{lang}-{script}", lang]
        if lang == "zh" and not script and self.region in _TRADITIONAL:
            keys.insert(2, "zh-hant")
        if lang == "zh":
            keys.append("cmn")
        if lang == "nb":
            keys += ["no", "nn"]
        seen: list[str] = []
        for key in keys:
            if "--" not in key and not key.endswith("-") and key not in seen:
                seen.append(key)
        return seen


def parse_language(code: str) -> LanguageTag:
    """Read any language code a deck may carry (``fr``, ``fr_FR``, ``pt-br``, ``fra``,
    ``cmn``, ``zh-Hant-TW``, ``en-gb-x-rp``, ``es-419``); unknown codes keep their letters."""
    parts = [p for p in re.split(r"[-_]", code.strip()) if p]
    if not parts:
        return LanguageTag("en")
    lang = parts[0].lower()
    lang = _ALIASES.get(lang, lang)
    region = script = ""
    variant: list[str] = []
    for part in parts[1:]:
        if not region and not script and len(part) == 4 and part.isalpha():
            script = part.title()
        elif not region and (
            (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit())
        ):
            region = part.upper()
        elif len(part) == 4 and part.isalpha() and not script:
            script = part.title()
        else:
            variant.append(part.lower())
    return LanguageTag(lang, region, script, "-".join(variant))


@dataclass(frozen=True, slots=True)
class VoicePick:
    """What :func:`pick_voice` chose: the voice, and a sentence when it is a fallback."""

    voice: str
    exact: bool  # the voice speaks the asked language (its region may differ)
    note: str | None = None  # why a fallback was taken (``None`` when exact)


def pick_voice(
    language: str | LanguageTag,
    offered: Mapping[str, str],
    *,
    fallback: str | None = None,
    backend: str = "the voice",
) -> VoicePick | None:
    """The voice of ``offered`` (language key -> voice, keys lower case like ``pt-br``,
    ``pt``, ``zh-hant``) that speaks ``language``: its region's first, then its language's;
    else ``fallback`` with a note saying so; ``None`` when there is neither."""
    tag = language if isinstance(language, LanguageTag) else parse_language(language)
    lowered = {key.lower().replace("_", "-"): voice for key, voice in offered.items()}
    for key in tag.candidates():
        if key in lowered:
            return VoicePick(lowered[key], True)
    same = sorted(k for k in lowered if k.split("-")[0] == tag.language)
    if same:
        return VoicePick(lowered[same[0]], True)
    if fallback is None:
        return None
    note = f"{backend} has no voice for {tag.name} ({tag}), so {fallback} reads it"
    return VoicePick(fallback, False, note)


def voice_language(name: str) -> tuple[str, str] | None:
    """(language, region) a voice speaks, judged from its name; None when the name says not."""
    kokoro = _KOKORO.match(name)
    if kokoro:
        return KOKORO_LANGUAGES[kokoro.group(1)]
    locale = _LOCALE.match(name)
    if locale and (locale.group(2) or "-" in name or "_" in name):
        tag = parse_language(locale.group(0))
        return tag.language, tag.region
    return None


def voice_for_language(voices: list[str], language: str) -> str | None:
    """The first of ``voices`` (in the server's order) that speaks ``language``: one of its
    region (``pt-BR``) first, else any of its language (``pt``); None if none does."""
    tag = parse_language(language)
    spoken = [(voice, voice_language(voice)) for voice in voices]
    if tag.region:
        for voice, found in spoken:
            if found and found == (tag.language, tag.region):
                return voice
    same_language = [voice for voice, found in spoken if found and found[0] == tag.language]
    return same_language[0] if same_language else None


def close_voices(name: str, voices: list[str], n: int = 5) -> list[str]:
    """Voices whose names look like ``name`` (for 'did you mean' hints)."""
    lowered = {voice.lower(): voice for voice in voices}
    return [lowered[v] for v in difflib.get_close_matches(name.lower(), list(lowered), n, 0.7)]


def language_names(codes: Iterable[str]) -> str:
    """``fr (French), zh (Chinese)`` for messages."""
    return ", ".join(f"{c} ({parse_language(c).name})" for c in codes)
