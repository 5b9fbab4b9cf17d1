"""Narration text prepared for speech, once, for every voice backend.

Markdown (and stray HTML, and tables) is never read aloud (:func:`display_text` is the
narration as captions show it), URLs are read as their host name, emoji are dropped, arrows
become words (or a pause), sub- and superscript digits become plain ones (CO₂ -> CO2). In
English, symbols and units are said as words (singular after 1), common fractions, powers
(x^2), negative numbers, ranges (not phone numbers: 555-1234), ISO dates, amounts ($1,200,
$5M), musical keys and languages (C#) and common abbreviations are written out; French,
Spanish, German, Italian, Portuguese, Dutch, Russian and Polish, and Ukrainian, Greek, Turkish,
Vietnamese, Arabic, Persian, Hebrew, Hindi, Bengali, Tamil, Thai, Japanese, Korean and Chinese
(:mod:`render.speech_locales_world`) get their own words for amounts, units, percentages,
degrees, dates and arithmetic signs (:mod:`render.speech_locales`). Every voice backend gets
the same text: the renderer calls :func:`prepare_for_speech` once per slide.
"""

from __future__ import annotations

import re
import unicodedata

from .scripts import EMOJI, script_of
from .speech_fractions import say_fractions
from .speech_locales import ISO_DATE, localise, say_date

_MARKDOWN = [
    (re.compile(r"<[A-Za-z/!][^<>]*>"), " "),  # HTML tags and comments
    (re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.MULTILINE), " "),  # horizontal rules
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links
    (re.compile(r"`{1,3}([^`]*)`{1,3}"), r"\1"),  # code
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # strong
    (re.compile(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)"), r"\1"),  # emphasis
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE), ""),  # headings
    (re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.MULTILINE), ""),  # list markers
    (re.compile(r"^\s*>\s?", re.MULTILINE), ""),  # quotes
    (re.compile(r"~~(.+?)~~"), r"\1"),
    # Tables: separator cells go, the others are read as a list.
    (re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+"), "|"),
    (re.compile(r"^\s*\|\s*|\s*\|\s*$"), ""),
    (re.compile(r"\s*\|\s*(?:\|\s*)*"), ", "),
]
_URL = re.compile(r"\b(?:https?://|www\.)([^\s/?#]+)[^\s]*", re.IGNORECASE)
_EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b")

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_VULGAR = {
    "½": "a half",
    "⅓": "one third",
    "⅔": "two thirds",
    "¼": "a quarter",
    "¾": "three quarters",
    "⅕": "one fifth",
    "⅛": "one eighth",
}
_VULGAR_PATTERN = re.compile(rf"(\d\s?)?([{''.join(_VULGAR)}])")

_EN_ABBREVIATIONS = {
    r"\bw/o(?=\s)": "without",
    r"\bw/(?=\s)": "with",
    r"\band/or\b": "and or",
    r"\bet al\.": "and colleagues",
    r"\bcf\.": "compare",
    r"\bca\.(?=\s?\d)": "circa",
    r"\bavg\.": "average",
    r"\bProf\.(?=\s)": "Professor",
    r"\bJr\.": "Junior",
    r"\bFig\.(?=\s?\d)": "Figure",
    r"\bfig\.(?=\s?\d)": "figure",
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
_EN_UNITS: dict[str, tuple[str, str]] = {  # unit: (singular, plural)
    "km/h": ("kilometre per hour", "kilometres per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "m/s": ("metre per second", "metres per second"),
    "km²": ("square kilometre", "square kilometres"),
    "m²": ("square metre", "square metres"),
    "cm²": ("square centimetre", "square centimetres"),
    "m³": ("cubic metre", "cubic metres"),
    "cm³": ("cubic centimetre", "cubic centimetres"),
    "km": ("kilometre", "kilometres"),
    "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"),
    "µm": ("micrometre", "micrometres"),
    "μm": ("micrometre", "micrometres"),
    "nm": ("nanometre", "nanometres"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"),
    "m": ("metre", "metres"),
    "ml": ("millilitre", "millilitres"),
    "mL": ("millilitre", "millilitres"),
    "l": ("litre", "litres"),
    "L": ("litre", "litres"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ft": ("foot", "feet"),
    "mi": ("mile", "miles"),
    "kcal": ("kilocalorie", "kilocalories"),
    "kJ": ("kilojoule", "kilojoules"),
    "mol": ("mole", "moles"),
    "ppm": ("part per million", "parts per million"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"),
    "W": ("watt", "watts"),
    "V": ("volt", "volts"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "dB": ("decibel", "decibels"),
    "KB": ("kilobyte", "kilobytes"),
    "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "min": ("minute", "minutes"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
}
_MAGNITUDES = {
    "k": "thousand",
    "K": "thousand",
    "thousand": "thousand",
    "m": "million",
    "M": "million",
    "mn": "million",
    "million": "million",
    "b": "billion",
    "B": "billion",
    "bn": "billion",
    "billion": "billion",
    "T": "trillion",
    "tn": "trillion",
    "trillion": "trillion",
}
_CURRENCIES = {
    "$": ("dollar", "dollars"), "US$": ("US dollar", "US dollars"),
    "A$": ("Australian dollar", "Australian dollars"),
    "C$": ("Canadian dollar", "Canadian dollars"), "€": ("euro", "euros"),
    "£": ("pound", "pounds"), "¥": ("yen", "yen"), "₹": ("rupee", "rupees"),
    "₽": ("ruble", "rubles"), "₩": ("won", "won"), "R$": ("real", "reais"),
    "zł": ("zloty", "zlotys"), "元": ("yuan", "yuan"), "円": ("yen", "yen"),
    "₺": ("lira", "lira"), "₪": ("shekel", "shekels"), "₦": ("naira", "naira"),
}  # fmt: skip
_SYMBOL_FIRST = ("US$", "A$", "C$", "R$", "$", "€", "£", "¥", "₹", "₽", "₩", "₺", "₪", "₦")
_EN_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(re.escape(symbol) for symbol in _SYMBOL_FIRST)
    + rf")\s?({_EN_NUMBER})(?:\s?("
    + "|".join(sorted(_MAGNITUDES, key=len, reverse=True))
    + r")\b)?"
)
# "50 zł", "100 元", "5 €": the symbol after the number.
_AMOUNT_AFTER = re.compile(
    rf"(?<![\d.,])({_EN_NUMBER})\s?("
    + "|".join(re.escape(symbol) for symbol in _CURRENCIES if symbol not in _SYMBOL_FIRST[:4])
    + r")(?!\w)"
)
_PHONE = re.compile(r"(?<![\d\-.])(\d{3})-(?:(\d{3})-)?(\d{4})(?![\d\-.])")
_EN_SYMBOLS = [
    (re.compile(r"\b([A-Ga-g])#(?![\w#])"), r"\1 sharp"),
    (re.compile(r"(\d)\s*°\s*C\b"), r"\1 degrees Celsius"),
    (re.compile(r"(\d)\s*°\s*F\b"), r"\1 degrees Fahrenheit"),
    (re.compile(r"(\d)\s*°"), r"\1 degrees"),
    (re.compile(r"(\d)\s*%"), r"\1 percent"),
    (re.compile(r"(\d)\s*[x×]\s*(\d)"), r"\1 times \2"),
    # Ranges (not dates or phone numbers: those have more than two parts).
    (
        re.compile(r"(?<![-–—\d.])(\d+(?:\.\d+)?)\s*[-–—]\s*(\d+(?:\.\d+)?)(?![-–—\d.])"),
        r"\1 to \2",
    ),
    (re.compile(r"([\w)])\s*\^\s*2(?!\d)"), r"\1 squared"),
    (re.compile(r"([\w)])\s*\^\s*3(?!\d)"), r"\1 cubed"),
    (re.compile(r"([\w)])\s*\^\s*(-?\w+)"), r"\1 to the power of \2"),
    (re.compile(r"(?<![\w)])[-−](\d)"), r"minus \1"),
    (re.compile(r"\s*±\s*"), " plus or minus "),
    (re.compile(r"\s*≈\s*"), " approximately "),
    (re.compile(r"\s*≠\s*"), " is not equal to "),
    (re.compile(r"\s*≤\s*"), " is at most "),
    (re.compile(r"\s*≥\s*"), " is at least "),
    (re.compile(r"\s+<\s+|(?<=\d)\s*<\s*(?=\d)"), " is less than "),
    (re.compile(r"\s+>\s+|(?<=\d)\s*>\s*(?=\d)"), " is more than "),
    (re.compile(r"\s*÷\s*"), " divided by "),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*\+\s*"), " plus "),
    (re.compile(r"\s*=\s*"), " equals "),
    (re.compile(r"\s*(?:->)\s*"), " to "),
    (re.compile(r"\s*(?:<-)\s*"), " from "),
    (re.compile(r"([A-Za-z])/([A-Za-z])"), r"\1 or \2"),
    (re.compile(r"~\s*(\d)"), r"about \1"),
    (re.compile(r"#(\d)"), r"number \1"),
    (re.compile(r"∞"), " infinity "),
]
_UNIT_PATTERN = re.compile(
    r"(\d(?:[\d,]*\d)?(?:\.\d+)?)\s?("
    + "|".join(re.escape(u) for u in sorted(_EN_UNITS, key=len, reverse=True))
    + r")(?![\w/])"
)


# Arrows: English words for the common ones; in other languages a pause.
_ARROWS = {"→": "to", "⇒": "so", "⟶": "to", "➔": "to", "➜": "to", "➡": "to", "←": "from",
           "⇐": "from", "↔": "and", "⇔": "if and only if", "↑": "up", "↓": "down"}  # fmt: skip
_ARROW = re.compile(r"\s*[\u2190-\u21ff\u27f0-\u27ff\u2900-\u297f\u2b00-\u2b2f➔➜➡]\uFE0F?\s*")


def display_text(text: str) -> str:
    """``text`` as a viewer reads it: Markdown, HTML and table rules gone; words, symbols,
    URLs and emoji kept (what captions show)."""
    for pattern, repl in _MARKDOWN:
        text = pattern.sub(repl, text)
    text = re.sub(r"\s+([,.;!?])(?=\s|$)", r"\1", text)  # "<b>now</b>." -> "now."
    return re.sub(r"\s+", " ", text).strip(" ,")


def prepare_for_speech(text: str, language: str = "en") -> str:
    """The words a voice should say for ``text`` (which may hold Markdown and symbols)."""
    lang = language.lower().replace("_", "-").split("-")[0]
    english = lang == "en"
    text = display_text(text)
    text = _URL.sub(lambda m: _say_host(m.group(1)), text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)} at {_say_host(m.group(2))}", text)
    text = _without_signs_between_emoji(text)
    text = _ARROW.sub(lambda m: _say_arrow(m.group(0), english), text)
    text = "".join(ch for ch in text if not _is_pictograph(ch))
    text = text.translate(_SUBSCRIPTS)
    text = _english(text) if english else localise(text, lang)
    text = text.translate(_SUPERSCRIPTS)
    text = re.sub(r"[*_#`|<>{}\[\]\\^]", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return re.sub(r"\s+", " ", text).strip(" ,")


_SIGNS_BETWEEN_EMOJI = re.compile(
    r"\x00+(?:\s*(?:[+=&×\u2190-\u21ff\u27f0-\u27ff]|->|=>)\s*\x00+)+"
)


def _without_signs_between_emoji(text: str) -> str:
    """ "☀️ + 💧 → 🍎" is a picture of a sum, not one to read: the signs between emoji go with
    them (a voice said "plus to"); "CO₂ + H₂O → C₆H₁₂O₆ 🌿" keeps its signs."""
    marked = "".join("\x00" if _is_pictograph(ch) else ch for ch in text)  # same length
    pieces: list[str] = []
    last = 0
    for match in _SIGNS_BETWEEN_EMOJI.finditer(marked):
        pieces += [text[last : match.start()], " "]
        last = match.end()
    return "".join(pieces) + text[last:]


def _say_arrow(arrow: str, english: bool) -> str:
    word = _ARROWS.get(arrow.strip().rstrip("\ufe0f")) if english else None
    return f" {word} " if word else ", "


def _english(text: str) -> str:
    text = _VULGAR_PATTERN.sub(
        lambda m: (
            f"{m.group(1).strip()} and {_VULGAR[m.group(2)]}" if m.group(1) else _VULGAR[m.group(2)]
        ),
        text,
    )
    text = re.sub(r"(\d)\s*²", r"\1 squared", text)
    text = re.sub(r"(\d)\s*³", r"\1 cubed", text)
    text = ISO_DATE.sub(lambda m: say_date(m, "en"), text)
    text = _PHONE.sub(_say_phone, text)
    for pattern_text, words in _EN_ABBREVIATIONS.items():
        text = re.sub(pattern_text, words, text)
    text = _AMOUNT.sub(_say_amount, text)
    text = _AMOUNT_AFTER.sub(
        lambda m: _say_amount_words(m.group(1), _CURRENCIES[m.group(2)], None), text
    )
    text = _UNIT_PATTERN.sub(_say_unit, text)
    text = re.sub(r"([A-Za-z)])\s*²", r"\1 squared", text)  # x², after m² became a unit
    text = re.sub(r"([A-Za-z)])\s*³", r"\1 cubed", text)
    text = say_fractions(text, "en")
    for pattern, repl in _EN_SYMBOLS:
        text = pattern.sub(repl, text)
    return text


def _is_one(number: str) -> bool:
    return number in ("1", "1.0", "one")


def _say_unit(m: re.Match[str]) -> str:
    if m.group(2) == "s" and not m.group(0)[len(m.group(1))].isspace():
        return m.group(0)  # "the 1980s", not "1980 seconds"
    singular, plural = _EN_UNITS[m.group(2)]
    return f"{m.group(1)} {singular if _is_one(m.group(1)) else plural}"


def _say_amount(m: re.Match[str]) -> str:
    return _say_amount_words(m.group(2), _CURRENCIES[m.group(1)], m.group(3))


def _say_amount_words(number: str, names: tuple[str, str], magnitude_word: str | None) -> str:
    singular, plural = names
    magnitude = _MAGNITUDES.get(magnitude_word or "")
    if magnitude:
        return f"{number} {magnitude} {plural}"
    return f"{number} {singular if _is_one(number) else plural}"


def _say_host(host: str) -> str:
    host = re.sub(r"^www\.", "", host.lower())
    return host.replace(".", " dot ")


def _say_phone(m: re.Match[str]) -> str:
    """A phone number digit by digit, its groups apart: 5 5 5, 1 2 3 4."""
    return ", ".join(" ".join(group) for group in m.groups() if group)


def _is_pictograph(ch: str) -> bool:
    """Emoji and their joiners, selectors, skin tones, keycaps and tags: never spoken."""
    if ch in "\u200d\ufe0e\ufe0f\u20e3":
        return True
    category = unicodedata.category(ch)
    return (
        (category == "So" and ord(ch) > 0x2000)
        or script_of(ch) == EMOJI
        or (category == "Sk" and ord(ch) > 0x1F000)
        or 0xE0020 <= ord(ch) <= 0xE007F
    )
