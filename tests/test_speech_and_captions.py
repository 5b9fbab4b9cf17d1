from __future__ import annotations

import pytest

from render.captions import split_cues, time_cues, to_srt, to_vtt
from render.speech import prepare_for_speech


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("**Bold** and *italic* and `code`", "Bold and italic and code"),
        ("See [the docs](https://example.com/x) now", "See the docs now"),
        ("Visit https://www.deckcast.dev/help today", "Visit deckcast dot dev today"),
        ("Water boils at 100 °C", "Water boils at 100 degrees Celsius"),
        ("About 45% of it", "About 45 percent of it"),
        ("Salt & pepper", "Salt and pepper"),
        ("2 + 2 = 4", "2 plus 2 equals 4"),
        ("Plants, e.g. ferns", "Plants, for example ferns"),
        (
            "It weighs 5 kg and runs at 30 km/h",
            "It weighs 5 kilograms and runs at 30 kilometres per hour",
        ),
        ("Ages 5-7", "Ages 5 to 7"),
        ("light → sugar", "light to sugar"),
        ("# Heading\n- item one\n> quoted", "Heading item one quoted"),
        ("Great job 🎉🚀", "Great job"),
    ],
)
def test_narration_is_prepared_for_speech(text, spoken):
    assert prepare_for_speech(text, "en") == spoken


def test_other_languages_keep_their_words_but_lose_markdown():
    assert prepare_for_speech("**Hola** & adiós 50%", "es") == "Hola & adiós 50 por ciento"


def test_cues_split_at_sentences_then_words_and_stay_short():
    text = (
        "Short one. "
        + "This sentence is much longer than any single caption could possibly hold, "
        + "so it must be split into parts."
    )
    cues = split_cues(text)
    assert cues[0] == "Short one."
    assert all(len(c) <= 84 for c in cues)
    assert " ".join(cues) == text


def test_cues_are_timed_in_proportion_and_written_as_srt_and_vtt():
    cues = time_cues(["aaaa", "bbbbbbbbbbbb"], start=10.0, duration=4.0)
    assert (cues[0].start, cues[0].end, cues[1].end) == (10.0, 11.0, 14.0)
    assert to_srt(cues).splitlines()[:3] == ["1", "00:00:10,000 --> 00:00:11,000", "aaaa"]
    assert to_vtt(cues).splitlines()[:3] == ["WEBVTT", "", "00:00:10.000 --> 00:00:11.000"]
