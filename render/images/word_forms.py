"""Words in a plain form, the same for a noun's singular and plural ("leaves" -> "leaf",
"Blätter" -> "blatt"), after folding case and accents: how the matcher compares a prompt's words
with the illustrations' words.
"""

from __future__ import annotations

import re
import unicodedata

from .prompt_words import IRREGULAR

WORD = re.compile(r"[^\W_]+", re.UNICODE)
UNSPACED = ("zh", "zh-hant", "ja")  # written without spaces: matched by substring


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("ł", "l")


def stem(word: str, language: str) -> str:
    """A plain form of ``word`` (already folded), the same for a noun's singular and plural."""
    if language == "en":
        if word in IRREGULAR:
            return IRREGULAR[word]
        for suffix, repl in (("ies", "y"), ("ves", "f"), ("oes", "o"), ("sses", "ss")):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                return word[: -len(suffix)] + repl
        if word.endswith(("shes", "ches", "xes", "zes")) and len(word) > 5:
            return word[:-2]
        if word.endswith("fe") and len(word) > 4:
            return word[:-1]  # "knife" -> "knif", as "knives" -> "knif"
        if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            return word[:-1]
        return word
    if language == "es" and word.endswith("es") and word[-3:-2] in "lrndzj" and len(word) > 4:
        return word[:-2]  # "árboles" -> "arbol", "flores" -> "flor"
    rules = _SUFFIXES.get(language.split("-")[0], ())
    for suffix in rules:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_SUFFIXES: dict[str, tuple[str, ...]] = {
    "de": ("en", "er", "e", "n", "s"),
    "nl": ("en", "s"),
    "fr": ("s", "x"),
    "es": ("s",),
    "pt": ("s",),
    "it": ("a", "e", "i", "o"),
    "sv": ("arna", "erna", "orna", "ar", "er", "or", "en", "et"),
    "da": ("erne", "ene", "er", "en", "et", "e"),
    "nb": ("ene", "er", "en", "et", "e"),
    "ro": ("uri", "le", "i", "e"),
}
