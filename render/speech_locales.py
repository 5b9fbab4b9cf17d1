"""Words for symbols, units, currencies and dates in the languages deckcast speaks most.

English has its own fuller rules in :mod:`render.speech`; for the languages here (and those
of :mod:`render.speech_locales_world`), amounts (``$5``, ``5 €``), percentages, degrees,
common units, ISO dates (``2026-11-24``) and dates as the language writes them (``15.03.2026``)
are said in the deck's language, and arithmetic signs too (:mod:`render.speech_signs`).
Numbers stay digits (ASCII ones; "1 200" one number): every voice reads digits in its own
language but Hebrew's, which gets words (:mod:`render.speech_numbers`). Languages not listed
keep symbols and units as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from . import speech_locales_world as world
from .speech_fractions import say_fractions
from .speech_numbers import say_numbers
from .speech_signs import say_signs

Pair = tuple[str, ...]  # singular, plural; or one, few, many (Russian, Polish)


def _words(text: str) -> list[str]:
    return text.split()


# Month names for dates, and how a date is said: {d} day, {m} month name, {y} year.
MONTHS: dict[str, tuple[str, list[str]]] = {
    "en": (
        "{m} {d}, {y}",
        _words(
            "January February March April May June July August September October November December"
        ),
    ),
    "fr": (
        "{d} {m} {y}",
        _words(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
        ),
    ),
    "es": (
        "{d} de {m} de {y}",
        _words(
            "enero febrero marzo abril mayo junio "
            "julio agosto septiembre octubre noviembre diciembre"
        ),
    ),
    "it": (
        "{d} {m} {y}",
        _words(
            "gennaio febbraio marzo aprile maggio giugno "
            "luglio agosto settembre ottobre novembre dicembre"
        ),
    ),
    "pt": (
        "{d} de {m} de {y}",
        _words(
            "janeiro fevereiro março abril maio junho "
            "julho agosto setembro outubro novembro dezembro"
        ),
    ),
    "de": (
        "{d}. {m} {y}",
        _words(
            "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
        ),
    ),
    "nl": (
        "{d} {m} {y}",
        _words(
            "januari februari maart april mei juni "
            "juli augustus september oktober november december"
        ),
    ),
    "ru": (
        "{d} {m} {y} года",
        _words("января февраля марта апреля мая июня июля августа сентября октября ноября декабря"),
    ),
    "pl": (
        "{d} {m} {y}",
        _words(
            "stycznia lutego marca kwietnia maja czerwca "
            "lipca sierpnia września października listopada grudnia"
        ),
    ),
    "zh": ("{y}年{mn}月{d}日", []),
    "ja": ("{y}年{mn}月{d}日", []),
    "ko": ("{y}년 {mn}월 {d}일", []),
}

CURRENCIES: dict[str, dict[str, Pair]] = {
    "fr": {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("livre", "livres"),
           "¥": ("yen", "yens")},
    "es": {"$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras"),
           "¥": ("yen", "yenes")},
    "it": {"$": ("dollaro", "dollari"), "€": ("euro", "euro"), "£": ("sterlina", "sterline"),
           "¥": ("yen", "yen")},
    "pt": {"$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras"),
           "¥": ("iene", "ienes")},
    "de": {"$": ("Dollar", "Dollar"), "€": ("Euro", "Euro"), "£": ("Pfund", "Pfund"),
           "¥": ("Yen", "Yen")},
    "nl": {"$": ("dollar", "dollar"), "€": ("euro", "euro"), "£": ("pond", "pond"),
           "¥": ("yen", "yen")},
    # Russian and Polish: (one, few, many) - 1 рубль, 2 рубля, 5 рублей (see _slavic_form)
    "ru": {"$": ("доллар", "доллара", "долларов"), "€": ("евро", "евро", "евро"),
           "£": ("фунт", "фунта", "фунтов"), "¥": ("иена", "иены", "иен"),
           "₽": ("рубль", "рубля", "рублей"), "руб.": ("рубль", "рубля", "рублей")},
    "pl": {"$": ("dolar", "dolary", "dolarów"), "€": ("euro", "euro", "euro"),
           "£": ("funt", "funty", "funtów"), "zł": ("złoty", "złote", "złotych")},
}  # fmt: skip
# Local currencies, said in every language that has words for money above (R$ before $).
CURRENCIES["pt"] |= {"R$": ("real", "reais")}
CURRENCIES["es"] |= {"R$": ("real", "reales")}
CURRENCIES["fr"] |= {"R$": ("réal", "réaux"), "CHF": ("franc suisse", "francs suisses")}
CURRENCIES["de"] |= {"CHF": ("Franken", "Franken")}
CURRENCIES["it"] |= {"CHF": ("franco svizzero", "franchi svizzeri")}

UNITS: dict[str, dict[str, Pair]] = {
    "fr": {"km/h": ("kilomètre par heure", "kilomètres par heure"), "km": ("kilomètre",
           "kilomètres"), "cm": ("centimètre", "centimètres"), "mm": ("millimètre",
           "millimètres"), "m": ("mètre", "mètres"), "kg": ("kilogramme", "kilogrammes"),
           "g": ("gramme", "grammes"), "l": ("litre", "litres"), "h": ("heure", "heures"),
           "min": ("minute", "minutes"), "s": ("seconde", "secondes")},
    "es": {"km/h": ("kilómetro por hora", "kilómetros por hora"), "km": ("kilómetro",
           "kilómetros"), "cm": ("centímetro", "centímetros"), "mm": ("milímetro",
           "milímetros"), "m": ("metro", "metros"), "kg": ("kilogramo", "kilogramos"),
           "g": ("gramo", "gramos"), "l": ("litro", "litros"), "h": ("hora", "horas"),
           "min": ("minuto", "minutos"), "s": ("segundo", "segundos")},
    "it": {"km/h": ("chilometro orario", "chilometri orari"), "km": ("chilometro",
           "chilometri"), "cm": ("centimetro", "centimetri"), "mm": ("millimetro",
           "millimetri"), "m": ("metro", "metri"), "kg": ("chilogrammo", "chilogrammi"),
           "g": ("grammo", "grammi"), "l": ("litro", "litri"), "h": ("ora", "ore"),
           "min": ("minuto", "minuti"), "s": ("secondo", "secondi")},
    "pt": {"km/h": ("quilômetro por hora", "quilômetros por hora"), "km": ("quilômetro",
           "quilômetros"), "cm": ("centímetro", "centímetros"), "mm": ("milímetro",
           "milímetros"), "m": ("metro", "metros"), "kg": ("quilograma", "quilogramas"),
           "g": ("grama", "gramas"), "l": ("litro", "litros"), "h": ("hora", "horas"),
           "min": ("minuto", "minutos"), "s": ("segundo", "segundos")},
    "de": {"km/h": ("Kilometer pro Stunde", "Kilometer pro Stunde"), "km": ("Kilometer",
           "Kilometer"), "cm": ("Zentimeter", "Zentimeter"), "mm": ("Millimeter",
           "Millimeter"), "m": ("Meter", "Meter"), "kg": ("Kilogramm", "Kilogramm"),
           "g": ("Gramm", "Gramm"), "l": ("Liter", "Liter"), "h": ("Stunde", "Stunden"),
           "min": ("Minute", "Minuten"), "s": ("Sekunde", "Sekunden")},
    "nl": {"km/h": ("kilometer per uur", "kilometer per uur"), "km": ("kilometer",
           "kilometer"), "cm": ("centimeter", "centimeter"), "mm": ("millimeter",
           "millimeter"), "m": ("meter", "meter"), "kg": ("kilogram", "kilogram"),
           "g": ("gram", "gram"), "l": ("liter", "liter"), "h": ("uur", "uur"),
           "min": ("minuut", "minuten"), "s": ("seconde", "seconden")},
    "ru": {"км/ч": ("километр в час", "километра в час", "километров в час"),
           "км": ("километр", "километра", "километров"),
           "см": ("сантиметр", "сантиметра", "сантиметров"),
           "мм": ("миллиметр", "миллиметра", "миллиметров"),
           "м": ("метр", "метра", "метров"), "кг": ("килограмм", "килограмма", "килограммов"),
           "г": ("грамм", "грамма", "граммов"), "л": ("литр", "литра", "литров"),
           "ч": ("час", "часа", "часов"), "мин": ("минута", "минуты", "минут"),
           "с": ("секунда", "секунды", "секунд"),
           "km": ("километр", "километра", "километров"),
           "kg": ("килограмм", "килограмма", "килограммов")},
    "pl": {"km/h": ("kilometr na godzinę", "kilometry na godzinę", "kilometrów na godzinę"),
           "km": ("kilometr", "kilometry", "kilometrów"),
           "cm": ("centymetr", "centymetry", "centymetrów"),
           "mm": ("milimetr", "milimetry", "milimetrów"), "m": ("metr", "metry", "metrów"),
           "kg": ("kilogram", "kilogramy", "kilogramów"), "g": ("gram", "gramy", "gramów"),
           "l": ("litr", "litry", "litrów"), "h": ("godzina", "godziny", "godzin"),
           "min": ("minuta", "minuty", "minut"), "s": ("sekunda", "sekundy", "sekund")},
}  # fmt: skip

PERCENT = {"fr": "pour cent", "es": "por ciento", "it": "per cento", "pt": "por cento",
           "de": "Prozent", "nl": "procent", "ru": "процентов", "pl": "procent"}  # fmt: skip
DEGREES = {"fr": "degrés", "es": "grados", "it": "gradi", "pt": "graus", "de": "Grad",
           "nl": "graden", "ru": "градусов", "pl": "stopni"}  # fmt: skip
CELSIUS = {"fr": "Celsius", "es": "Celsius", "it": "Celsius", "pt": "Celsius", "de": "Celsius",
           "nl": "Celsius", "ru": "Цельсия", "pl": "Celsjusza"}  # fmt: skip
# The languages of render/speech_locales_world.py.
MONTHS |= world.MONTHS
CURRENCIES |= world.CURRENCIES
UNITS |= world.UNITS
PERCENT |= world.PERCENT
DEGREES |= world.DEGREES
CELSIUS |= world.CELSIUS

# Not inside a longer number (2026-03-15-2); a prefix joined by a hyphen is fine (ב-2026-03-15).
ISO_DATE = re.compile(r"(?<!\d)(?<!\d-)(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\d-])")
_NUMBER = r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?"
# A letter that would make a unit part of a word (5 метров is not 5 м); Chinese, Japanese
# and Korean write the next word straight after the unit (12 cmに, 12 km까지).
_LETTER_NOT_CJK = r"[^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"
# Arabic-Indic, Persian, Bengali, Devanagari, Thai... digits: the rules below (and every
# voice) read the ASCII ones, so ٢٠٢٦-٠٣-١٥ and ৫ % are said like 2026-03-15 and 5 %.
_NATIVE_DIGIT = re.compile(r"(?![0-9])\d")
# espeak-ng reads 15.03.2026 as "fifteen point zero three point two thousand...".
_DMY = re.compile(
    r"(?<![\d./-])(0?[1-9]|[12]\d|3[01])([./])(0?[1-9]|1[0-2])\2(\d{4})(?!\d|[./-]\d)"
)
_YMD = re.compile(r"(?<![\d./-])(\d{4})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?!\d|[./-]\d)")
_YEAR_FIRST = frozenset({"zh", "ja", "ko"})
# 1 200 and 1\u202f200 (French, Russian, Polish... group thousands with a space): the
# Russian, Ukrainian, Spanish, Greek and other voices read "1 200" as "one, two hundred".
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d]|[.,]\d)")
_PERCENT_SIGN = "[%٪]"  # and the Arabic percent sign


@cache
def _amount_patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Amounts with the symbol before and after the number, for the symbols ``language``
    has words for (another language's symbol is left as written, never looked up)."""
    symbols = "|".join(re.escape(s) for s in sorted(CURRENCIES[language], key=len, reverse=True))
    return (
        re.compile(rf"(?<![A-Za-z])({symbols})\s?({_NUMBER})"),
        re.compile(rf"({_NUMBER})\s?({symbols})(?![\w$])"),
    )


def _with_number(words: str, number: str) -> str:
    """``words`` after the number, or around it where they hold ``{n}`` (百分之{n})."""
    return words.format(n=number) if "{n}" in words else f"{number} {words}"


def counted(number: str, forms: Pair, language: str = "") -> str:
    """The noun's form for ``number``: singular or plural; for Russian and Polish (three
    forms) one, few or many by the last digits (1 рубль, 2 рубля, 5 рублей, 21 рубль; in
    Polish only 1 is "one": 1 złoty, 22 złote, 21 złotych)."""
    if len(forms) == 2:
        return forms[0] if number in ("1", "1,0") else forms[1]
    if re.search(r"[.,]\d+$", number):  # 2,5 рубля: a fraction takes "few"
        return forms[1]
    value = int(re.sub(r"\D", "", number) or 0)
    if value == 1 or (language != "pl" and value % 10 == 1 and value % 100 != 11):
        return forms[0]
    if 2 <= value % 10 <= 4 and not 12 <= value % 100 <= 14:
        return forms[1]
    return forms[2]


def say_date(m: re.Match[str], language: str) -> str:
    """An ISO date (``2026-11-24``) as the language says it, or unchanged."""
    return _said_date(m, language, int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _said_date(m: re.Match[str], language: str, year: int, month: int, day: int) -> str:
    form, names = MONTHS.get(language, ("", []))
    if not form:
        return m.group(0)
    name = names[month - 1] if names else ""
    return form.format(d=day, m=name, mn=month, y=year)


def _say_numeric_dates(text: str, language: str) -> str:
    """Dates as the language writes them with numbers: day first (15.03.2026, 15/03/2026)
    but in Chinese, Japanese and Korean, which put the year first (2026/03/15)."""
    if language in _YEAR_FIRST:
        return _YMD.sub(lambda m: _said_date(m, language, int(m[1]), int(m[2]), int(m[3])), text)
    return _DMY.sub(lambda m: _said_date(m, language, int(m[4]), int(m[3]), int(m[1])), text)


def localise(text: str, language: str) -> str:
    """Symbols, units, amounts and dates of ``text`` in words of ``language`` (not English)."""
    text = _NATIVE_DIGIT.sub(lambda m: str(unicodedata.digit(m[0])), text)
    text = ISO_DATE.sub(lambda m: say_date(m, language), text)
    text = _say_numeric_dates(text, language)
    text = _SPACED_THOUSANDS.sub(lambda m: re.sub(r"\D", "", m[0]), text)
    money = CURRENCIES.get(language)
    if money:

        def amount(number: str, symbol: str) -> str:
            return f"{number} {counted(number, money[symbol], language)}"

        before, after = _amount_patterns(language)
        text = before.sub(lambda m: amount(m.group(2), m.group(1)), text)
        text = after.sub(lambda m: amount(m.group(1), m.group(2)), text)
    units = UNITS.get(language)
    if units:
        pattern = re.compile(
            rf"({_NUMBER})\s?("
            + "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
            + rf")(?!{_LETTER_NOT_CJK}|/)"
        )
        text = pattern.sub(
            lambda m: f"{m.group(1)} {counted(m.group(1), units[m.group(2)], language)}", text
        )
    if language in DEGREES:
        celsius = world.DEGREES_CELSIUS.get(language) or f"{DEGREES[language]} {CELSIUS[language]}"
        text = re.sub(rf"({_NUMBER})\s*°\s*C\b", lambda m: _with_number(celsius, m[1]), text)
        degrees = DEGREES[language]
        text = re.sub(rf"({_NUMBER})\s*°", lambda m: _with_number(degrees, m[1]), text)
    if language in PERCENT:
        percent = PERCENT[language]
        if language == "tr":  # Turkish writes the sign first: %45, % 45'i
            text = re.sub(rf"{_PERCENT_SIGN}\s?({_NUMBER})", lambda m: percent.format(n=m[1]), text)
        text = re.sub(
            rf"({_NUMBER})\s*{_PERCENT_SIGN}", lambda m: _with_number(percent, m[1]), text
        )
    text = say_fractions(text, language)
    return say_numbers(say_signs(text, language), language)
