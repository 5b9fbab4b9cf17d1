"""Simple fractions (1/2 … 9/10) read in the deck's language, and "24/7" read as people say it.

A voice reads "3/4" as "three slash four" (espeak-ng: "tres barra cuatro", "uno barra due", "один
слэш два"). A fraction whose numerator is smaller than its denominator (at most 10), standing
alone, is said with the language's fraction words: "trois quarts", "un tercio", "drei Viertel",
"две пятых", "three quarters". The numerator stays a digit where the voice says it right in
front of the word (its number reading agrees), and is a word where it does not ("un medio", not
"uno medio"; English says every numerator in words). Dates with slashes were read before this
runs.
"""

from __future__ import annotations

import re

# denominator -> (singular, plural), per language
_WORDS: dict[str, dict[int, tuple[str, str]]] = {
    "en": {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"),
           5: ("fifth", "fifths"), 6: ("sixth", "sixths"), 8: ("eighth", "eighths"),
           10: ("tenth", "tenths")},
    "fr": {2: ("demi", "demis"), 3: ("tiers", "tiers"), 4: ("quart", "quarts"),
           5: ("cinquième", "cinquièmes"), 6: ("sixième", "sixièmes"),
           7: ("septième", "septièmes"), 8: ("huitième", "huitièmes"),
           9: ("neuvième", "neuvièmes"), 10: ("dixième", "dixièmes")},
    "es": {2: ("medio", "medios"), 3: ("tercio", "tercios"), 4: ("cuarto", "cuartos"),
           5: ("quinto", "quintos"), 6: ("sexto", "sextos"), 7: ("séptimo", "séptimos"),
           8: ("octavo", "octavos"), 9: ("noveno", "novenos"), 10: ("décimo", "décimos")},
    "it": {2: ("mezzo", "mezzi"), 3: ("terzo", "terzi"), 4: ("quarto", "quarti"),
           5: ("quinto", "quinti"), 6: ("sesto", "sesti"), 7: ("settimo", "settimi"),
           8: ("ottavo", "ottavi"), 9: ("nono", "noni"), 10: ("decimo", "decimi")},
    "pt": {2: ("meio", "meios"), 3: ("terço", "terços"), 4: ("quarto", "quartos"),
           5: ("quinto", "quintos"), 6: ("sexto", "sextos"), 7: ("sétimo", "sétimos"),
           8: ("oitavo", "oitavos"), 9: ("nono", "nonos"), 10: ("décimo", "décimos")},
    "de": {2: ("halb", "Halbe"), 3: ("Drittel", "Drittel"), 4: ("Viertel", "Viertel"),
           5: ("Fünftel", "Fünftel"), 6: ("Sechstel", "Sechstel"), 7: ("Siebtel", "Siebtel"),
           8: ("Achtel", "Achtel"), 9: ("Neuntel", "Neuntel"), 10: ("Zehntel", "Zehntel")},
    "nl": {2: ("half", "halve"), 3: ("derde", "derde"), 4: ("kwart", "kwart"),
           5: ("vijfde", "vijfde"), 6: ("zesde", "zesde"), 7: ("zevende", "zevende"),
           8: ("achtste", "achtste"), 9: ("negende", "negende"), 10: ("tiende", "tiende")},
    # Russian: one -> feminine nominative singular ("одна пятая"), 2+ -> genitive plural
    "ru": {2: ("вторая", "вторых"), 3: ("третья", "третьих"), 4: ("четвёртая", "четвёртых"),
           5: ("пятая", "пятых"), 6: ("шестая", "шестых"), 7: ("седьмая", "седьмых"),
           8: ("восьмая", "восьмых"), 9: ("девятая", "девятых"), 10: ("десятая", "десятых")},
}  # fmt: skip

# the numerators a voice would read in the wrong form before the fraction word
_NUMERATORS: dict[str, dict[int, str]] = {
    "en": dict(enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight",
                          "nine"), 1)),
    "fr": {1: "un"}, "es": {1: "un"}, "it": {1: "un"}, "pt": {1: "um"}, "de": {1: "ein"},
    "nl": {1: "een"}, "ru": {1: "одна", 2: "две"},
}  # fmt: skip

# the usual words for a half and a quarter, where they differ from the pattern
_SPECIAL: dict[str, dict[tuple[int, int], str]] = {
    "en": {(1, 2): "a half"},
    "ru": {(1, 2): "одна вторая", (1, 3): "одна треть", (2, 3): "две трети",
           (1, 4): "одна четверть", (3, 4): "три четверти"},
}  # fmt: skip

_FRACTION = re.compile(r"(?<![\d/.,:])(\d)/(10|\d)(?![\d/.,:]\d|[\d/])")
_ROUND_THE_CLOCK = re.compile(r"(?<![\d/])24\s?/\s?7(?![\d/])")


def say_fractions(text: str, language: str) -> str:
    """``text`` with its simple fractions in ``language``'s words (unchanged for a language
    this module has no words for), and "24/7" as "24 7"."""
    text = _ROUND_THE_CLOCK.sub("24 7", text)
    words = _WORDS.get(language)
    if words is None:
        return text

    def say(m: re.Match[str]) -> str:
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if not 0 < numerator < denominator <= 10 or denominator not in words:
            return m.group(0)
        special = _SPECIAL.get(language, {}).get((numerator, denominator))
        if special:
            return special
        singular, plural = words[denominator]
        number = _NUMERATORS[language].get(numerator, str(numerator))
        return f"{number} {singular if numerator == 1 else plural}"

    return _FRACTION.sub(say, text)
