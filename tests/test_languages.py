"""Every language code a deck may carry finds its voice; undeclared decks are detected; mixed
text is spoken sensibly; speech text and captions per language; lines break and run in the
right direction."""

from __future__ import annotations

import asyncio
import wave

import pytest

from deck import Deck, Slide
from render.captions import Cue, slide_cues, split_cues, to_srt, to_vtt
from render.language import deck_language, detect_language
from render.options import SlideTiming
from render.scripts import detect_script_language, speech_spans
from render.speech import display_text, prepare_for_speech
from render.typeset import bidi_levels, break_points
from render.voice.espeak import EspeakBackend
from render.voice.languages import parse_language, pick_voice, voice_for_language
from render.voice.openai_speech import OpenAISpeechBackend

from .conftest import needs_espeak


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("fr", "fr"),
        ("fr-FR", "fr-FR"),
        ("fr_fr", "fr-FR"),
        ("FRA", "fr"),
        ("zh", "zh"),
        ("cmn", "zh"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("zh_tw", "zh-TW"),
        ("pt-br", "pt-BR"),
        ("iw", "he"),
        ("in", "id"),
        ("no", "nb"),
        ("es-419", "es-419"),
        ("en-gb-x-rp", "en-GB"),
        ("jpn", "ja"),
    ],
)
def test_every_way_of_writing_a_language_reads_the_same(code, tag):
    assert str(parse_language(code)) == tag


@needs_espeak()
@pytest.mark.parametrize(
    ("language", "voice"),
    [
        ("fr", "fr-fr"),
        ("fr-FR", "fr-fr"),
        ("fr_CA", "fr-fr"),
        ("fr-BE", "fr-be"),
        ("zh", "cmn-latn-pinyin"),
        ("zh-CN", "cmn-latn-pinyin"),
        ("zh-TW", "cmn-latn-pinyin"),
        ("cmn", "cmn-latn-pinyin"),
        ("zh-HK", "yue"),
        ("ja", "ja"),
        ("ar", "ar"),
        ("he", "he"),
        ("iw", "he"),
        ("hi", "hi"),
        ("th", "th"),
        ("el", "el"),
        ("ru", "ru"),
        ("fa", "fa"),
        ("ur", "ur"),
        ("ko", "ko"),
        ("pt-BR", "pt-br"),
        ("pt", "pt"),
        ("es-MX", "es-419"),
        ("es", "es"),
        ("de-AT", "de"),
        ("no", "nb"),
        ("en", "en"),
        ("en-US", "en-us"),
    ],
)
def test_espeak_speaks_each_language_with_its_own_voice(language, voice):
    backend = EspeakBackend()
    assert backend.resolve(None, language) == voice
    if language != "ja":  # see test_espeak_says_it_cannot_read_kanji
        assert backend.language_note(None, language) is None


@needs_espeak()
def test_espeak_says_it_cannot_read_kanji():
    # espeak-ng's Japanese voice says "Chinese letter" (in English) for every kanji: the
    # render's summary says so and names the voice that reads Japanese.
    note = EspeakBackend().language_note(None, "ja") or ""
    assert '"Chinese letter"' in note
    assert "deckcast[kokoro-ja]" in note
    assert EspeakBackend().language_note(None, "zh") is None


@needs_espeak()
def test_a_language_espeak_lacks_is_a_stated_fallback():
    backend = EspeakBackend()
    assert backend.resolve(None, "tl") == "en"
    assert "no voice for Tagalog (tl), so its English voice reads it" in (
        backend.language_note(None, "tl") or ""
    )
    # A script no voice can read is left out of speech rather than spelled out.
    assert "left out of speech" in (backend.language_note(None, "bo") or "")


def test_pick_voice_is_the_one_function_for_any_backends_voices():
    kokoro = {"en-us": "af_heart", "en-gb": "bf_emma", "fr": "ff_siwis", "zh": "zf_xiaobei"}
    assert pick_voice("fr-CA", kokoro).voice == "ff_siwis"
    assert pick_voice("cmn", kokoro).voice == "zf_xiaobei"
    assert pick_voice("en-GB", kokoro).voice == "bf_emma"
    assert pick_voice("en", kokoro).voice in ("af_heart", "bf_emma")
    assert pick_voice("de", kokoro) is None
    fallback = pick_voice("de", kokoro, fallback="af_heart", backend="Kokoro")
    assert fallback is not None and not fallback.exact
    assert fallback.note == "Kokoro has no voice for German (de), so af_heart reads it"


def test_server_voices_and_configured_voices_match_any_code():
    voices = ["af_heart", "ff_siwis", "zf_xiaobei", "pt_BR-faber-medium", "de-DE-thorsten"]
    assert voice_for_language(voices, "cmn") == "zf_xiaobei"
    assert voice_for_language(voices, "zh-TW") == "zf_xiaobei"
    assert voice_for_language(voices, "pt-br") == "pt_BR-faber-medium"
    assert voice_for_language(voices, "deu") == "de-DE-thorsten"
    backend = OpenAISpeechBackend(api_key="k", voices_by_language={"zh": "nova", "FR": "coral"})
    assert backend.cache_id(None, "zh-Hant-TW")["voice"] == "nova"
    assert backend.cache_id(None, "cmn")["voice"] == "nova"
    assert backend.cache_id(None, "fr_FR")["voice"] == "coral"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("光合作用是植物利用光能把二氧化碳和水转化为糖的过程。", "zh"),
        # traditional characters: set in Noto Sans CJK TC, not in SC's simplified forms
        ("光合作用是植物利用光能把二氧化碳和水轉化為糖的過程。", "zh-Hant"),
        ("葉子捕捉陽光。這株植物長高了。", "zh-Hant"),
        ("光合作用は植物が光を使って糖を作る仕組みです。", "ja"),
        ("광합성은 식물이 빛으로 양분을 만드는 과정입니다.", "ko"),
        ("التمثيل الضوئي هو عملية تحويل الضوء إلى طاقة.", "ar"),
        ("فتوسنتز فرایندی است که گیاهان با آن غذا می‌سازند.", "fa"),
        ("ضیائی تالیف پودوں کا کھانا بنانے کا عمل ہے۔", "ur"),
        ("פוטוסינתזה היא התהליך שבו צמחים יוצרים סוכר.", "he"),
        ("प्रकाश संश्लेषण वह प्रक्रिया है जिससे पौधे भोजन बनाते हैं।", "hi"),
        ("การสังเคราะห์ด้วยแสงคือกระบวนการสร้างอาหารของพืช", "th"),
        ("Η φωτοσύνθεση είναι η διαδικασία με την οποία τα φυτά φτιάχνουν τροφή.", "el"),
        ("Фотосинтез — это процесс, при котором растения создают сахар.", "ru"),
        ("Фотосинтез — це процес, під час якого рослини створюють їжу.", "uk"),
        ("Les plantes captent la lumière du soleil et fabriquent du sucre.", "fr"),
        ("Las hojas atrapan la luz del sol y producen azúcar y oxígeno.", "es"),
        ("Die Blätter fangen das Licht der Sonne ein und machen Zucker.", "de"),
        ("Le foglie catturano la luce del sole e producono zucchero.", "it"),
        ("As folhas captam a luz do sol e produzem açúcar e oxigênio.", "pt"),
        ("Leaves catch sunlight and turn it into sugar for the plant.", "en"),
    ],
)
def test_the_language_of_a_text_is_detected(text, language):
    assert detect_language(text) == language


def test_a_deck_marked_english_is_spoken_in_the_language_of_its_text():
    french = Deck(
        title="Comment les plantes mangent la lumière",
        slides=[Slide(title="Les feuilles", bullets=["Elles captent la lumière du soleil"])],
    )
    assert french.language == "en" and deck_language(french) == "fr"
    chinese = Deck(title="光合作用", slides=[Slide(title="植物利用光能")])
    assert deck_language(chinese) == "zh"
    taiwanese = Deck(title="光合作用", slides=[Slide(title="葉子把陽光變成能量")])
    assert deck_language(taiwanese) == "zh-Hant"
    stated = Deck(title="Photosynthèse", language="de", slides=[Slide(title="Les feuilles")])
    assert deck_language(stated) == "de"  # a stated language other than English is kept
    short = Deck(title="Photosynthesis", slides=[Slide(title="Leaves")])
    assert deck_language(short) == "en"  # too little text to overrule the default


def test_script_detection_needs_most_letters_in_the_script():
    assert detect_script_language("An English slide quoting 光合作用 once") is None
    assert detect_script_language("12345 !!") is None


def test_mixed_text_is_cut_into_spans_for_the_voices_of_their_languages():
    spans = speech_spans("Photosynthesis is 光合作用 in Chinese, фотосинтез in Russian.", "en")
    assert [(s.text.strip(), s.language, s.foreign) for s in spans] == [
        ("Photosynthesis is", "en", False),
        ("光合作用", "zh", True),
        ("in Chinese,", "en", False),
        ("фотосинтез", "ru", True),
        ("in Russian.", "en", False),
    ]
    assert [(s.language, s.foreign) for s in speech_spans("中央处理器CPU很快", "zh")] == [
        ("zh", False),
        ("en", True),
        ("zh", False),
    ]
    assert {s.language for s in speech_spans("漢字とひらがな", "en")} == {"ja"}


def test_a_danda_belongs_to_the_sentence_it_ends():
    # ।, in the Devanagari block, ends Bengali sentences too: the number after it is Bengali
    spans = speech_spans("গাছ আলো ধরে। 15 তারিখে বৃষ্টি হয়।", "bn")
    assert [(s.language, s.foreign) for s in spans] == [("bn", False)]


@needs_espeak()
def test_espeak_reads_each_span_with_a_voice_of_its_language(tmp_path, monkeypatch):
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "bin" / "espeak-ng"
    wrapper.parent.mkdir()
    real = EspeakBackend().executable
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    backend = EspeakBackend(executable=str(wrapper))
    out = tmp_path / "mixed.wav"
    text = prepare_for_speech("Photosynthesis 😀 → is 光合作用 in Chinese 👍🏽.", "en")
    assert text == "Photosynthesis to is 光合作用 in Chinese."
    asyncio.run(backend.synthesize(text, voice=None, language="en", out=out))
    voices = [
        words[words.index("-v") + 1]
        for words in (line.split() for line in calls.read_text().splitlines())
        if "-v" in words
    ]
    assert voices == ["en", "cmn-latn-pinyin", "en"]
    with wave.open(str(out)) as wav:
        assert wav.getnframes() / wav.getframerate() > 1.0
    # A language without a voice in a script English cannot read: silence, not spelling.
    calls.write_text("")
    asyncio.run(backend.synthesize("བོད་ཡིག", voice=None, language="bo", out=out))
    assert "-v" not in calls.read_text().split()


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("It costs $1,200, sadly.", "It costs 1,200 dollars, sadly."),
        ("Written in C# and F#, not C++", "Written in C sharp and F sharp, not C plus plus"),
        ("Due 2026-11-24.", "Due November 24, 2026."),
        ("x^2 + y^2 = r²", "x squared plus y squared equals r squared"),
        ("Call 555-1234 today", "Call 5 5 5, 1 2 3 4 today"),
        ("Pages 10-20", "Pages 10 to 20"),
        ("Sun ☀️ → sugar 🍬 ⇒ energy", "Sun to sugar so energy"),
        ("Family 👨‍👩‍👧 and 👍🏽 and 1️⃣ and 🇫🇷", "Family and and 1 and"),
        ("| Gas | Share |\n|---|---|\n| O₂ | 21% |", "Gas, Share, O2, 21 percent"),
        (
            "R$ 1,200, ₹500, ₽300, ¥1,000, 50 zł, 100 元, US$5, 1 €",
            "1,200 reais, 500 rupees, 300 rubles, 1,000 yen, 50 zlotys, 100 yuan, 5 US dollars, "
            "1 euro",
        ),
    ],
)
def test_english_speech_text(text, spoken):
    assert prepare_for_speech(text, "en") == spoken


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        (
            "fr",
            "Le 2026-11-24 : 5 % de 3 km pour 12 € à 25 °C → fin",
            "Le 24 novembre 2026: 5 pour cent de 3 kilomètres pour 12 euros à 25 degrés "
            "Celsius, fin",
        ),
        ("de", "Am 2026-11-24 kostet 1 kg 3 $", "Am 24. November 2026 kostet 1 Kilogramm 3 Dollar"),
        ("es", "El 2026-01-05 son 2 h y 50 %", "El 5 de enero de 2026 son 2 horas y 50 por ciento"),
        ("ru", "2026-03-08 — 20 %", "8 марта 2026 года — 20 процентов"),
        ("zh", "2026-11-24 发布 🚀", "2026年11月24日 发布"),
        # local currencies, and Russian/Polish plural forms by the number's last digits
        (
            "ru",
            "1 ₽, 2 ₽, 5 ₽, 11 ₽, 21 ₽, 22 ₽",
            "1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль, 22 рубля",
        ),
        ("ru", "3 кг за 15 $, 5 км", "3 килограмма за 15 долларов, 5 километров"),
        ("pl", "1 zł, 22 zł, 21 zł, 5 km", "1 złoty, 22 złote, 21 złotych, 5 kilometrów"),
        ("pt", "Custa R$ 1.200", "Custa 1.200 reais"),
        ("nl", "Kost € 12 voor 5 km", "Kost 12 euro voor 5 kilometer"),
        ("fr", "Ça coûte 20 CHF ou 5 $", "Ça coûte 20 francs suisses ou 5 dollars"),
    ],
)
def test_speech_text_in_the_decks_language(language, text, spoken):
    assert prepare_for_speech(text, language) == spoken


def test_captions_show_the_narration_cleaned_and_escaped():
    narration = (
        "See https://example.com/a-b: it lists | a | b | and more. Salt & pepper <b>now</b>."
    )
    assert display_text(narration) == (
        "See https://example.com/a-b: it lists, a, b, and more. Salt & pepper now."
    )
    cues = slide_cues([narration], [SlideTiming(0.0, 4.0, 3.0)])[0]
    texts = [cue.text for cue in cues]
    assert all("|" not in t for t in texts)
    assert any("https://example.com/a-b:" in t for t in texts)
    vtt = to_vtt([Cue(0.0, 1.0, "Salt & pepper <now> > later")])
    assert "Salt &amp; pepper &lt;now&gt; &gt; later" in vtt
    assert "Salt & pepper <now>" in to_srt([Cue(0.0, 1.0, "Salt & pepper <now>")])
    assert split_cues("Meet at 10:30, https://x.org/y: bring a pen.") == [
        "Meet at 10:30, https://x.org/y: bring a pen."
    ]


def test_lines_break_between_thai_words_and_cjk_characters():
    pieces = break_points("การสังเคราะห์ด้วยแสงของพืช", "th")
    assert len(pieces) >= 4 and "".join(pieces) == "การสังเคราะห์ด้วยแสงของพืช"
    assert "แสง" in pieces or any(p.startswith("แสง") for p in pieces)
    assert break_points("光合作用。", "zh") == ["光", "合", "作", "用。"]
    assert break_points("one two", "en") == ["one ", "two"]


def test_right_to_left_levels_keep_numbers_and_latin_left_to_right():
    text = "عام 2026 CPU"
    levels = bidi_levels(text, rtl=True)
    assert levels[:3] == [1, 1, 1]  # Arabic
    assert levels[4:8] == [2, 2, 2, 2]  # the number, left to right inside
    assert levels[-3:] == [2, 2, 2]  # Latin, left to right inside
    assert bidi_levels("abc", rtl=False) == [0, 0, 0]


def test_long_thai_and_chinese_cues_split_between_words():
    thai = "พืชใช้แสงอาทิตย์เพื่อสร้างอาหารจากน้ำและคาร์บอนไดออกไซด์ในใบไม้สีเขียวทุกวัน"
    cues = split_cues(thai, max_chars=30)
    assert len(cues) > 1 and "".join(cues) == thai
    assert all(len(cue) <= 30 for cue in cues)
    assert all(not cue.endswith("แส") for cue in cues)  # not mid-word ("แสง", light)


def test_silent_slides_last_as_long_as_their_text_in_any_script():
    from render.voice.silent import silent_duration

    chinese = "植物利用阳光把水和二氧化碳变成糖，这个过程叫做光合作用"
    english = "Plants use sunlight to turn water and carbon dioxide into sugar, a process"
    assert silent_duration(chinese) > 3 and abs(silent_duration(chinese) - 5) < 2
    assert silent_duration(english) > 3
