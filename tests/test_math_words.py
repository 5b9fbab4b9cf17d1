"""Equations read aloud in the deck's language: the words a teacher says for each sign, per
language, English for a language without its own words, and the deck's default narration."""

from __future__ import annotations

import pytest

from deck.elements import Chart, ChartType, Series
from deck.math_words import latex_words
from deck.math_words_vocabulary import VOCABULARIES, vocabulary
from deck.model import build_deck
from deck.outline import parse_outline, to_markdown

CASES = {
    "en": [
        (r"x^2 + 1", "x squared plus 1"),
        (r"\frac{a}{b} = c", "a over b equals c"),
        (r"\sqrt{x} \le y^3", "the square root of x is at most y cubed"),
        (r"\sum_{i=1}^{n} i", "the sum from i equals 1 to n i"),
        (r"\alpha + \beta", "alpha plus beta"),
        (r"2^n - 1", "2 to the power of n minus 1"),
    ],
    "fr": [
        (r"x^2 + 1", "x au carré plus 1"),
        (r"\frac{a}{b} = c", "a sur b égale c"),
        (r"\sqrt{x} \le y^3", "racine carrée de x inférieur ou égal à y au cube"),
        (r"\sum_{i=1}^{n} i", "la somme de i égale 1 à n i"),
        (r"\alpha + \beta", "alpha plus bêta"),
        (r"2^n - 1", "2 puissance n moins 1"),
    ],
    "es": [
        (r"x^2 + 1", "x al cuadrado más 1"),
        (r"\frac{a}{b} = c", "a entre b igual a c"),
        (r"\sqrt{x} \le y^3", "la raíz cuadrada de x menor o igual que y al cubo"),
        (r"\sum_{i=1}^{n} i", "la suma desde i igual a 1 hasta n i"),
        (r"\alpha + \beta", "alfa más beta"),
        (r"2^n - 1", "2 elevado a n menos 1"),
    ],
    "de": [
        (r"x^2 + 1", "x Quadrat plus 1"),
        (r"\frac{a}{b} = c", "a durch b gleich c"),
        (r"\sqrt{x} \le y^3", "Wurzel aus x kleiner gleich y hoch drei"),
        (r"\sum_{i=1}^{n} i", "die Summe von i gleich 1 bis n i"),
        (r"\alpha + \beta", "Alpha plus Beta"),
        (r"2^n - 1", "2 hoch n minus 1"),
    ],
    "it": [
        (r"x^2 + 1", "x al quadrato più 1"),
        (r"\frac{a}{b} = c", "a fratto b uguale a c"),
        (r"\sqrt{x} \le y^3", "radice quadrata di x minore o uguale a y al cubo"),
        (r"\sum_{i=1}^{n} i", "la somma da i uguale a 1 a n i"),
        (r"\alpha + \beta", "alfa più beta"),
        (r"2^n - 1", "2 elevato a n meno 1"),
    ],
    "pt": [
        (r"x^2 + 1", "x ao quadrado mais 1"),
        (r"\frac{a}{b} = c", "a sobre b igual a c"),
        (r"\sqrt{x} \le y^3", "raiz quadrada de x menor ou igual a y ao cubo"),
        (r"\sum_{i=1}^{n} i", "a soma de i igual a 1 até n i"),
        (r"\alpha + \beta", "alfa mais beta"),
        (r"2^n - 1", "2 elevado a n menos 1"),
    ],
    "nl": [
        (r"x^2 + 1", "x kwadraat plus 1"),
        (r"\frac{a}{b} = c", "a gedeeld door b is gelijk aan c"),
        (r"\sqrt{x} \le y^3", "de wortel van x kleiner dan of gelijk aan y tot de derde"),
        (r"\sum_{i=1}^{n} i", "de som van i is gelijk aan 1 tot n i"),
        (r"\alpha + \beta", "alfa plus bèta"),
        (r"2^n - 1", "2 tot de macht n min 1"),
    ],
}


@pytest.mark.parametrize(
    ("language", "latex", "words"),
    [(language, latex, words) for language, cases in CASES.items() for latex, words in cases],
)
def test_an_equation_is_read_as_a_teacher_reads_it(language: str, latex: str, words: str):
    assert latex_words(latex, language) == words


def test_every_language_with_words_is_tested():
    assert set(CASES) == set(VOCABULARIES)


@pytest.mark.parametrize("code", ["fr-FR", "fr_CA", "FR", "fra", "fre"])
def test_a_regional_or_three_letter_code_reads_with_its_language(code: str):
    assert vocabulary(code).language == "fr"
    assert latex_words("E = mc^2", code) == "E égale m c au carré"


@pytest.mark.parametrize("code", ["ja", "zh-Hant", "hi", "xx"])
def test_a_language_without_words_reads_in_english(code: str):
    assert vocabulary(code).language == "en"
    assert latex_words(r"x^2 \ge 0", code) == "x squared is at least 0"


def test_unicode_signs_read_as_the_commands_they_stand_for():
    assert latex_words("x ≤ 2π", "en") == "x is at most 2 pi"
    assert latex_words("a ≠ b", "de") == "a ungleich b"


def _deck(language: str, **slide: object):
    equation = {"kind": "equation", "latex": r"x^2 = \frac{1}{2}"}
    return build_deck(
        {
            "title": "T",
            "language": language,
            "slides": [{"title": "Maths", "element": equation, **slide}],
        }
    )


def test_a_deck_reads_its_equations_in_its_language():
    assert _deck("fr").slides[0].narration == "Maths. x au carré égale 1 sur 2."
    assert _deck("de").slides[0].narration == "Maths. x Quadrat gleich 1 durch 2."
    assert _deck("en").slides[0].narration == "Maths. x squared equals 1 over 2."


def test_a_narration_someone_wrote_stays_as_written():
    deck = _deck("fr", narration="Voici l'aire du carré.")
    assert deck.slides[0].narration == "Voici l'aire du carré."


def test_the_outline_of_a_french_deck_round_trips_without_writing_the_default_narration():
    deck = _deck("fr")
    text = to_markdown(deck)
    assert "> " not in text  # the French reading is the default, not written out
    assert parse_outline(text) == deck


CHART_SENTENCES = {
    "en": "A stacked bar chart of North, South by Year.",
    "fr": "Un diagramme en barres empilées de North, South par Year.",
    "es": "Un gráfico de barras apiladas de North, South por Year.",
    "de": "Ein gestapeltes Balkendiagramm von North, South nach Year.",
    "it": "Un grafico a barre in pila di North, South per Year.",
    "pt": "Um gráfico de barras empilhadas de North, South por Year.",
    "nl": "Een gestapeld staafdiagram van North, South per Year.",
    "ja": "A stacked bar chart of North, South by Year.",  # English: no words of its own
}


@pytest.mark.parametrize(("language", "sentence"), CHART_SENTENCES.items())
def test_a_chart_is_described_in_the_decks_language(language: str, sentence: str):
    chart = Chart(
        type="stacked_bar",
        labels=["2023", "2024"],
        series=[Series(name="North", values=[1, 2]), Series(name="South", values=[3, 4])],
        x_title="Year",
    )
    assert chart.spoken(language) == sentence


def test_every_chart_type_has_words_in_every_language():
    for words in VOCABULARIES.values():
        assert set(words.charts) == {kind.value for kind in ChartType}


def test_a_decks_chart_slide_says_what_it_shows_in_its_language():
    chart = {"kind": "chart", "labels": ["a", "b"], "series": [{"name": "Cas", "values": [1, 2]}]}
    deck = build_deck(
        {"title": "T", "language": "fr", "slides": [{"title": "Données", "element": chart}]}
    )
    assert deck.slides[0].narration == "Données. Un diagramme en barres de Cas."
