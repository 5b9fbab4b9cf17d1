"""Narration text made speakable, beyond the basics: the rules every voice backend relies on."""

from __future__ import annotations

import pytest

from render.speech import prepare_for_speech


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("It weighs 1 kg, not 2.5 kg", "It weighs 1 kilogram, not 2.5 kilograms"),
        ("A 1 km/h breeze over 25,000 km", "A 1 kilometre per hour breeze over 25,000 kilometres"),
        ("Light of 400 nm in 5 m² of leaf", "Light of 400 nanometres in 5 square metres of leaf"),
        ("In the 1980s it took 5 s", "In the 1980s it took 5 seconds"),
        ("Add 1½ cups, then ¾ cup", "Add 1 and a half cups, then three quarters cup"),
        (
            "1/2 of 3/4 on 12/05/2024, open 24/7",
            "a half of three quarters on 12/05/2024, open 24 7",
        ),
        ("It was -5 °C", "It was minus 5 degrees Celsius"),
        (
            "10^6 cells, 10² and 2^-3",
            "10 to the power of 6 cells, 10 squared and 2 to the power of minus 3",
        ),
        ("CO₂ + H₂O → C₆H₁₂O₆", "CO2 plus H2O to C6H12O6"),
        # signs between emoji are part of the picture, not words to say
        ("Plants ☀️ + 💧 → 🍎.", "Plants."),
        ("🌞+💧=🌱 growth", "growth"),
        ("Family 👨‍👩‍👧 + 🐶 = ❤️", "Family"),
        ("CO₂ + H₂O → C₆H₁₂O₆ 🌿", "CO2 plus H2O to C6H12O6"),
        ("Paris → London ✈️", "Paris to London"),
        (
            "$5M raised, $1 each, €2.5bn, £3",
            "5 million dollars raised, 1 dollar each, 2.5 billion euros, 3 pounds",
        ),
        ("x < 5 and y ≥ 3, ±2", "x is less than 5 and y is at least 3, plus or minus 2"),
        (
            "pages 5–7 on 2024-05-12, call 555-123-4567",
            "pages 5 to 7 on May 12, 2024, call 5 5 5, 1 2 3, 4 5 6 7",
        ),
        ("w/ sugar, w/o salt, and/or milk", "with sugar, without salt, and or milk"),
        ("Smith et al. show it in Fig. 3", "Smith and colleagues show it in Figure 3"),
        ("COVID-19 and 10-20%", "COVID-19 and 10 to 20 percent"),
        ("<b>Bold</b> text<br/>\n---\nmore", "Bold text more"),
    ],
)
def test_english_narration_is_written_out(text, spoken):
    assert prepare_for_speech(text, "en") == spoken


def test_every_language_loses_markup_and_gets_plain_digits():
    assert prepare_for_speech("**CO₂** <i>und</i> H₂O", "de") == "CO2 und H2O"
    # Words stay in the deck's language: English rules are not applied to it.
    assert prepare_for_speech("5 kg & 1/2", "fr") == "5 kilogrammes & un demi"
    assert prepare_for_speech("Plantes ☀️ + 💧 → 🍎, et 2 + 2 = 4.", "fr") == (
        "Plantes, et 2 plus 2 égale 4."
    )


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        # espeak-ng reads "cm" and "km" as English letters, "%" as the English "percent" and an
        # ISO date as three numbers in these languages: the words are written out for it.
        (
            "uk",
            "2026-03-15: 45 %, 1 ₴, 3 ₴, 12 см і 21 km",
            "15 березня 2026 року: 45 відсотків, 1 гривня, 3 гривні, 12 сантиметрів і 21 кілометр",
        ),
        (
            "el",
            "Στις 2026-03-15 το 45 % έλαβε 5 € για 12 cm",
            "Στις 15 Μαρτίου 2026 το 45 τοις εκατό έλαβε 5 ευρώ για 12 εκατοστά",
        ),
        (
            "tr",
            "ormanların %45'i ve % 30, 12 cm, 5 ₺",
            "ormanların yüzde 45'i ve yüzde 30, 12 santimetre, 5 lira",
        ),
        (
            "vi",
            "Ngày 2026-03-15: 30 %, 5 €, 12 km",
            "Ngày 15 tháng 3 năm 2026: 30 phần trăm, 5 ơ rô, 12 ki lô mét",
        ),
        (
            "ar",
            "في 2026-03-15 حصلت 45 ٪ على 5 $ و12 cm",
            "في 15 مارس 2026 حصلت 45 بالمئة على 5 دولار و12 سنتيمتر",
        ),
        ("fa", "در 2026-03-15، 30 % و 12 km", "در 15 مارس 2026، 30 درصد و 12 کیلومتر"),
        (
            "he",
            "ב-2026-03-15 קיבל 1 ₪ ו-5 ₪, 30 %",
            # espeak-ng's Hebrew voice says nothing for digits: numbers are written out
            "ב-חמש עשרה במרץ אלפיים עשרים ושש קיבל אחת שקל ו-חמש שקלים, שלושים אחוז",
        ),
        (
            "hi",
            "2026-03-15 को ₹5 और 30 % और 12 km",
            "15 मार्च 2026 को 5 रुपये और 30 प्रतिशत और 12 किलोमीटर",
        ),
        ("bn", "৳5 এবং 30 %, 12 cm", "5 টাকা এবং 30 শতাংশ, 12 সেন্টিমিটার"),
        ("ta", "₹5 மற்றும் 30 %", "5 ரூபாய் மற்றும் 30 சதவீதம்"),
        (
            "th",
            "วันที่ 2026-03-15 ได้รับ ฿5 และ 30 %",
            "วันที่ 15 มีนาคม 2026 ได้รับ 5 บาท และ 30 เปอร์เซ็นต์",
        ),
        # Chinese, Japanese and Korean write the next word straight after the unit
        ("ja", "森の45%が12 cmに", "森の45 パーセントが12 センチメートルに"),
        ("ko", "$5와 30%, 12 km까지, 25 °C", "5 달러와 30 퍼센트, 12 킬로미터까지, 섭씨 25도"),
        ("zh", "45%的森林长高了12 cm，25 °C", "百分之45的森林长高了12 厘米，25摄氏度"),
        ("zh-Hant", "45%的森林", "百分之45的森林"),
    ],
)
def test_numbers_dates_and_units_in_more_languages(language, text, spoken):
    assert prepare_for_speech(text, language) == spoken


def test_another_languages_currency_is_left_as_written_not_a_crash():
    # zł is Polish, ₽ Russian: a French or German deck naming them rendered nothing (KeyError).
    assert prepare_for_speech("Cela coûte 5 zł ou 3 €", "fr") == "Cela coûte 5 zł ou 3 euros"
    assert prepare_for_speech("Preis 5 ₽", "de") == "Preis 5 ₽"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("7", "שבע"),
        ("12", "שתים עשרה"),
        ("45", "ארבעים וחמש"),
        ("105", "מאה וחמש"),
        ("1,200", "אלף ומאתיים"),
        ("2024", "אלפיים עשרים וארבע"),
        ("3000", "שלושת אלפים"),
        ("21500", "עשרים ואחת אלף וחמש מאות"),
        ("2500000", "שני מיליון וחמש מאות אלף"),
        ("12.5", "שתים עשרה נקודה חמש"),
    ],
)
def test_hebrew_numbers_are_said_in_words(number, words):
    assert prepare_for_speech(f"קיבלו {number} ו-CO₂", "he") == f"קיבלו {words} ו-CO2"


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        # espeak-ng's Russian, Ukrainian, Spanish... voices read "1 200" as "one, two hundred"
        (
            "ru",
            "лес получил 1 200 ₽ и 25\u00a0000 км",
            "лес получил 1200 рублей и 25000 километров",
        ),
        ("uk", "1\u202f200 ₴", "1200 гривень"),
        ("es", "1 200 personas, 3 500 000 habitantes", "1200 personas, 3500000 habitantes"),
        # not a list of numbers, nor a year beside a count
        ("ru", "шаги 1 2 3, в 2024 100 человек", "шаги 1 2 3, в 2024 100 человек"),
    ],
)
def test_thousands_grouped_with_spaces_are_one_number(language, text, spoken):
    assert prepare_for_speech(text, language) == spoken


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        # espeak-ng says "equals", "plus", "minus" in English in these voices (French: nothing
        # for "="); the signs are said in the deck's language
        ("uk", "2 = 4; 3 + 1; 5 × 2; 9 − 3", "2 дорівнює 4; 3 плюс 1; 5 помножити на 2; 9 мінус 3"),
        ("fr", "3 x 4 = 12, −5 °C", "3 fois 4 égale 12, moins 5 degrés Celsius"),
        ("ja", "2 + 2 = 4", "2 たす 2 は 4"),
        ("zh", "2+2=4", "2 加 2 等于 4"),
        ("th", "6 ÷ 3", "6 หาร 3"),
        ("de", "+5 % mehr", "plus 5 Prozent mehr"),
        # not signs: names and words
        ("de", "C++ und Google+, 3x", "C++ und Google+, 3x"),
    ],
)
def test_arithmetic_signs_are_said_in_the_decks_language(language, text, spoken):
    assert prepare_for_speech(text, language) == spoken


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        # espeak-ng read 15.03.2026 as "fifteen point zero three point two thousand..."
        ("de", "Am 15.03.2026. Version 1.2.3", "Am 15. März 2026. Version 1.2.3"),
        ("fr", "le 15/03/2026, ouvert 24/7", "le 15 mars 2026, ouvert 24 7"),
        ("es", "El 5/1/2026", "El 5 de enero de 2026"),
        ("tr", "15.03.2026 tarihinde", "15 Mart 2026 tarihinde"),
        ("ja", "2026/03/15に", "2026年3月15日に"),
        ("en", "on 12/05/2024", "on 12/05/2024"),  # English: month or day first, unknown
    ],
)
def test_numeric_dates_are_said_as_the_language_writes_them(language, text, spoken):
    assert prepare_for_speech(text, language) == spoken


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        # a date, a percentage or an amount in the language's own digits is said like one in
        # ASCII digits (the rules only knew 0-9; every voice reads both alike)
        ("ar", "في ٢٠٢٦-٠٣-١٥ حصلت ٤٥٪", "في 15 مارس 2026 حصلت 45 بالمئة"),
        ("fa", "در ۱۵/۰۳/۲۰۲۶، ۱۲ km", "در 15 مارس 2026، 12 کیلومتر"),
        ("bn", "৪৫ % বন ৳১,২০০", "45 শতাংশ বন 1,200 টাকা"),
    ],
)
def test_native_digits_follow_the_same_rules(language, text, spoken):
    assert prepare_for_speech(text, language) == spoken


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        # espeak-ng said "tres barra cuatro", "uno barra due", "один слэш два"
        ("es", "3/4 de los alumnos, 1/2 taza", "3 cuartos de los alumnos, un medio taza"),
        ("fr", "2/3 des élèves, 1/4 d'heure", "2 tiers des élèves, un quart d'heure"),
        ("de", "3/4 der Schüler, 1/3", "3 Viertel der Schüler, ein Drittel"),
        ("it", "1/2 tazza, 3/10", "un mezzo tazza, 3 decimi"),
        ("pt", "1/3 dos alunos", "um terço dos alunos"),
        ("nl", "3/4 van de leerlingen", "3 kwart van de leerlingen"),
        ("ru", "2/5 учеников, 3/4, 1/2", "две пятых учеников, три четверти, одна вторая"),
        # not simple fractions: left to the rules after, or to the voice
        ("es", "9/11, 5/3, 1/20, 3/4/2026", "9/11, 5/3, 1/20, 3 de abril de 2026"),
        # "24/7" as people say it, in every language ("twenty-four seven")
        ("en", "open 24/7", "open 24 7"),
        ("de", "rund um die Uhr: 24/7", "rund um die Uhr: 24 7"),
    ],
)
def test_simple_fractions_are_said_with_the_languages_words(language, text, spoken):
    assert prepare_for_speech(text, language) == spoken
