"""Structural commands typed in French, Spanish, German, Italian and Portuguese work without a
model, as the English ones do; a content request that only starts like one is left alone."""

from __future__ import annotations

import pytest

from agent.commands import parse_command
from deck import DeleteSlide, NewImage, SwapSlides


@pytest.mark.parametrize(
    ("text", "edits"),
    [
        ("supprime la diapositive 2", [DeleteSlide(slide=2)]),
        ("Supprimez la diapo 3.", [DeleteSlide(slide=3)]),
        ("supprime la 2e diapositive", [DeleteSlide(slide=2)]),
        ("supprime les diapositives 2 et 3", [DeleteSlide(slide=2), DeleteSlide(slide=3)]),
        ("échange les diapositives 2 et 4", [SwapSlides(a=2, b=4)]),
        ("une nouvelle image pour la diapositive 2", [NewImage(slide=2)]),
        ("borra la diapositiva 2", [DeleteSlide(slide=2)]),
        ("elimina las diapositivas 2 y 3", [DeleteSlide(slide=2), DeleteSlide(slide=3)]),
        ("intercambia las diapositivas 2 y 3", [SwapSlides(a=2, b=3)]),
        ("otra imagen para la diapositiva 3", [NewImage(slide=3)]),
        ("lösche Folie 2", [DeleteSlide(slide=2)]),
        ("entferne die Folie 3", [DeleteSlide(slide=3)]),
        ("tausche Folie 2 und 3", [SwapSlides(a=2, b=3)]),
        ("neues Bild für Folie 2", [NewImage(slide=2)]),
        ("cancella la diapositiva 4", [DeleteSlide(slide=4)]),
        ("scambia le slide 2 e 3", [SwapSlides(a=2, b=3)]),
        ("nuova immagine per la slide 2", [NewImage(slide=2)]),
        ("apague o slide 2", [DeleteSlide(slide=2)]),
        ("troque os slides 2 e 3", [SwapSlides(a=2, b=3)]),
        ("nova imagem para o slide 2", [NewImage(slide=2)]),
    ],
)
def test_commands_in_the_decks_languages(example_deck, text, edits):
    assert parse_command(text, example_deck) == edits


@pytest.mark.parametrize(
    "text",
    [
        "supprime le jargon de la diapositive 3",
        "borra las palabras difíciles de la diapositiva 2",
        "lösche den Fachjargon auf Folie 2",
        "elimina la parola difficile nella slide 2",
        "troque a imagem por uma foto de um gato",
    ],
)
def test_content_requests_in_those_languages_are_not_commands(example_deck, text):
    assert parse_command(text, example_deck) is None
