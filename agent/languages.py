"""Which language a request is written in, and whether it asks for another one.

Requests are short ("les volcans pour les enfants", "火山について"), which is where statistical
detectors are weakest: langdetect, whatlang and py3langid each misread several of the short
requests in ``tests/test_languages.py`` (as Danish, Norwegian, Galician, Pidgin...). Here:

- **non-Latin scripts by their letters**: kana → ja, Han → zh, Hangul → ko, Cyrillic → ru (uk
  when Ukrainian letters appear), Arabic → ar (fa with Persian letters), Devanagari → hi,
  Greek → el, Hebrew → he, Thai → th;
- **Latin-script languages by their function words** (en, fr, es, de, pt, it, nl), with a few
  letters as hints (ñ, ß, ã...). A word shared by several languages counts for each a share.

When the evidence is thin or split, the answer is ``None``: the caller then leaves the choice to
the model, which is better than forcing a wrong language on the whole deck.
"""

from __future__ import annotations

import re
from collections import Counter

from deck.language_names import english_name

_STOPWORDS = {
    "en": "the and of to for how what why is are with about explain make slides slide video "
    "kids children work works does do this that from my your an it can you please short simple "
    "teenagers beginners students in on a per",
    "fr": "le la les des du un une et est pour sur comment pourquoi qui que dans avec en au aux "
    "explique expliquer enfants vidéo diapositives diapositive diapos fonctionne fonctionnent "
    "ce cette sont ou l' d' qu' c' j' s' n' simplement",
    "es": "el la los las del un una y es para sobre cómo por qué que en con al explica explicar "
    "niños diapositivas diapositiva funcionan funciona este esta son forma sencilla a",
    "de": "der die das und ist für wie warum was ein eine einen mit über von zu den dem des "
    "erkläre erklären kinder folien folie funktionieren funktioniert im auf einfach erklärt "
    "nicht sind",
    "pt": "o os as um uma e é para sobre como por que em com do da dos das no na explique "
    "explica crianças funcionam funciona porque não são ao forma simples a",
    "it": "il lo gli le i un una e è per su come perché che in con del della dei delle spiega "
    "spiegare bambini diapositive funzionano funziona questo sono al alla nel nella modo "
    "semplice sul sulla sullo sui sulle dal dalla ai agli negli crea prepara fammi scuola "
    "storia",
    "nl": "de het een en van voor hoe waarom wat is zijn met over op leg uit kinderen dia's "
    "werken werkt niet dat die deze naar om bij",
}
_WORD_LANGUAGES: dict[str, list[str]] = {}
for _code, _words in _STOPWORDS.items():
    for _word in _words.split():
        _WORD_LANGUAGES.setdefault(_word, []).append(_code)

# Letters that lean towards a language: (letters, {language: points}).
_LETTER_HINTS = (
    ("ñ¿¡", {"es": 2.0}),
    ("ß", {"de": 2.0}),
    ("äöü", {"de": 1.0}),
    ("ãõ", {"pt": 2.0}),
    ("ç", {"fr": 0.5, "pt": 0.5}),
    ("èêùîôœë", {"fr": 1.0}),
    ("ìò", {"it": 1.0}),
)
_ELISION = re.compile(r"^(l|d|qu|c|j|s|n|m|t)['’](?=\w)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _script(char: str) -> str | None:
    code = ord(char)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0900 <= code <= 0x097F:
        return "devanagari"
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if 0x0590 <= code <= 0x05FF:
        return "hebrew"
    if 0x0E00 <= code <= 0x0E7F:
        return "thai"
    if char.isalpha() and (code < 0x0250 or 0x1E00 <= code <= 0x1EFF):
        return "latin"
    return None


_SCRIPT_LANGUAGE = {
    "hangul": "ko",
    "devanagari": "hi",
    "greek": "el",
    "hebrew": "he",
    "thai": "th",
}
_HAN_WEIGHT = 2  # one Han character is about a word; letters of other scripts are not


def detect_language(text: str) -> str | None:
    """The language code of ``text`` (see the module docstring), or ``None`` when unsure."""
    scripts = Counter(script for char in text if (script := _script(char)))
    if not scripts:
        return None
    weighted = Counter(scripts)
    weighted["han"] *= _HAN_WEIGHT
    weighted["kana"] *= _HAN_WEIGHT
    if weighted["kana"] + weighted["han"] >= max(weighted["latin"], 1) and (
        scripts["kana"] or scripts["han"]
    ):
        return "ja" if scripts["kana"] else "zh"
    script, _count = weighted.most_common(1)[0]
    if script == "latin":
        return _latin_language(text)
    if script == "cyrillic":
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    if script == "arabic":
        return "fa" if re.search("[پچژگ]", text) else "ar"
    return _SCRIPT_LANGUAGE.get(script)


def _latin_language(text: str) -> str | None:
    scores: Counter[str] = Counter()
    lowered = text.lower()
    for word in _WORD.findall(lowered):
        word = word.replace("’", "'")
        elided = _ELISION.match(word)
        tokens = [elided.group(0).replace("’", "'"), word[elided.end() :]] if elided else [word]
        for token in tokens:
            languages = _WORD_LANGUAGES.get(token)
            if languages:
                for code in languages:
                    scores[code] += 1 / len(languages)
    for letters, points in _LETTER_HINTS:
        if any(letter in lowered for letter in letters):
            for code, value in points.items():
                scores[code] += value
    ranked = scores.most_common(2)
    if not ranked or ranked[0][1] < 1:
        return None
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return best if score >= 1.5 * runner_up + 0.25 else None


# --- a language the request asks for ------------------------------------------------------------

_NAMES = {
    "en": r"english|anglais|inglés|ingles|englisch|inglês|inglese|engels|английском",
    "fr": r"french|français|francais|francés|frances|französisch|francês|francese|frans",
    "es": r"spanish|espagnol|español|espanol|spanisch|espanhol|spagnolo|spaans|испанском",
    "de": r"german|allemand|alemán|aleman|deutsch|alemão|tedesco|duits|немецком",
    "pt": r"portuguese|portugais|portugués|portugiesisch|português|portoghese|portugees",
    "it": r"italian|italien|italiano|italienisch|italiaans",
    "nl": r"dutch|néerlandais|neerlandés|niederländisch|holandês|olandese|nederlands",
    "ja": r"japanese|japonais|japonés|japanisch|japonês|giapponese|japans",
    "zh": r"chinese|mandarin|chinois|chino|chinesisch|chinês|cinese|chinees",
    "ru": r"russian|russe|ruso|russisch|russo|russisch|русском",
    "hi": r"hindi",
    "ar": r"arabic|arabe|árabe|arabisch|arabo",
    "ko": r"korean|coréen|coreano|koreanisch",
}
_NAMED = re.compile(
    r"\b(?:in|into|en|auf|em|op|на)\s+(?:the\s+)?(?P<name>"
    + "|".join(f"(?P<{code}>{names})" for code, names in _NAMES.items())
    + r")\b",
    re.IGNORECASE,
)
_NAMED_NATIVE = {
    "ja": re.compile(r"日本語で"),
    "zh": re.compile(r"用中文|中文的|用汉语|用漢語"),
    "ko": re.compile(r"한국어로"),
    "hi": re.compile(r"हिंदी में|हिन्दी में"),
    "ar": re.compile(r"بالعربية|باللغة العربية"),
}


def named_language(text: str) -> str | None:
    """The language a request asks for in words ("in Spanish", "en français", "auf Deutsch",
    "日本語で"), if any."""
    match = _NAMED.search(text)
    if match:
        return next(code for code in _NAMES if match.group(code))
    for code, pattern in _NAMED_NATIVE.items():
        if pattern.search(text):
            return code
    return None


def language_name(code: str) -> str:
    """``"French"`` for ``fr`` / ``fr-CA``; the code itself when it has no name here."""
    return english_name(code) or code


def same_language(a: str, b: str) -> bool:
    """``pt-BR`` and ``pt`` are the same language; ``zh-Hant`` and ``zh`` too."""
    return a.split("-")[0].lower() == b.split("-")[0].lower()
