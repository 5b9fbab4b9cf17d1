"""Revisions checked as a careful client would, against the local OpenAI-compatible server:
the slide the person named, a translation that stops half way, a change that changes nothing,
and only what the edit needs sent to the model."""

from __future__ import annotations

import pytest

from agent import InvalidModelAnswer, ModelNotConfigured, RequestRejected, Reviser
from agent.pictures import clip_counter, fits
from deck import EditSlide, SetTheme, apply
from tests.agent_helpers import chat_model


def reviser(server) -> Reviser:
    return Reviser(chat_model(server), backoff=0.01)


def edit_slide(slide: int, **fields) -> dict:
    blank = {"title": None, "bullets": None, "narration": None, "image_prompt": None}
    return {"op": "edit_slide", "slide": slide, **blank, "layout": None, **fields}


def answer(*edits: dict, summary: str = "done") -> dict:
    return {"summary": summary, "edits": list(edits)}


SIMPLE = "Plants use light to make food."


async def test_an_edit_of_another_slide_goes_back_with_the_mismatch(fake_openai, example_deck):
    fake_openai.script(
        answer(edit_slide(1, narration=SIMPLE)), answer(edit_slide(2, narration=SIMPLE))
    )
    revision = await reviser(fake_openai).revise(example_deck, "simpler words on slide 2")
    assert revision.edits == [EditSlide(slide=2, narration=SIMPLE)]
    fix = fake_openai.exchanges[1].messages[-1]["content"]
    assert (
        "the instruction is about slide 2 ([2] Leaves are solar panels), but the edits change "
        "slide 1; edit slide 2" in fix
    )


async def test_the_wrong_slide_every_time_is_answered_honestly(fake_openai, example_deck):
    wrong = answer(edit_slide(1, narration=SIMPLE))
    fake_openai.script(wrong, wrong, wrong)
    with pytest.raises(InvalidModelAnswer) as caught:
        await reviser(fake_openai).revise(example_deck, "simpler words on slide 2")
    assert str(caught.value) == (
        "I asked about slide 2, but the model kept changing slide 1 instead, so nothing was "
        "changed; try again, or put it in other words"
    )


async def test_edits_next_to_the_named_slide_are_fine(fake_openai, example_deck):
    new = {"title": "At night", "bullets": [], "narration": "", "image_prompt": "", "layout": None}
    fake_openai.script(answer({"op": "insert_slide", "after": 5, "slide": new}))
    revision = await reviser(fake_openai).revise(example_deck, "add a slide before slide 6")
    assert apply(example_deck, revision.edits).slides[5].title == "At night"


async def test_a_translation_that_stops_half_way_goes_back(fake_openai, example_deck):
    def spanish(n: int) -> dict:
        return edit_slide(
            n,
            title=f"Diapositiva {n}",
            bullets=["La planta usa la luz del sol"],
            narration="Las plantas usan la luz del sol para hacer su comida con agua y aire.",
        )

    set_deck = {"op": "set_deck", "title": None, "language": "es", "aspect": None, "voice": None}
    half = answer(set_deck, *[spanish(n) for n in (1, 2, 3)], summary="translated to Spanish")
    whole = answer(set_deck, *[spanish(n) for n in range(1, 7)], summary="en español")
    fake_openai.script(half, whole)
    revision = await reviser(fake_openai).revise(example_deck, "in Spanish")
    assert revision.summary == "en español"
    fix = fake_openai.exchanges[1].messages[-1]["content"]
    assert "slides 4, 5 and 6 still read in English: translate every slide to Spanish" in fix


async def test_a_half_translation_every_time_changes_nothing(fake_openai, example_deck):
    set_deck = {"op": "set_deck", "title": None, "language": "fr", "aspect": None, "voice": None}
    half = answer(
        set_deck,
        edit_slide(1, title="Comment les plantes mangent", bullets=["La photosynthèse"],
                   narration="Chaque plante verte fait sa cuisine avec la lumière du soleil."),
        summary="traduit en français",
    )  # fmt: skip
    fake_openai.script(half, half, half)
    with pytest.raises(InvalidModelAnswer, match=r"translated only part of the deck to French"):
        await reviser(fake_openai).revise(example_deck, "in French")


async def test_no_edits_quotes_the_reason_once_and_cleanly(fake_openai, example_deck):
    fake_openai.script(answer(summary="There is no slide about football in this deck."))
    with pytest.raises(RequestRejected) as caught:
        await reviser(fake_openai).revise(example_deck, "shorten the football slide")
    message = str(caught.value)
    assert message.startswith(
        "I could not make that change: the model says There is no slide about football in this "
        "deck. The deck has 6 slides: 1. How plants eat sunlight"
    )
    assert ".." not in message


async def test_only_the_named_slide_travels_whole(fake_openai, example_deck):
    fake_openai.script(answer(edit_slide(4, narration=SIMPLE)))
    await reviser(fake_openai).revise(example_deck, "make the fourth slide simpler")
    text = fake_openai.exchanges[0].user_text
    for number, slide in enumerate(example_deck.slides, 1):
        assert f"[{number}] {slide.title}" in text
        assert (slide.narration in text) == (number == 4)


async def test_without_a_named_slide_the_whole_deck_travels(fake_openai, example_deck):
    fake_openai.script(answer(edit_slide(2, title="Why leaves are green")))
    await reviser(fake_openai).revise(example_deck, "retitle the slide about chlorophyll")
    text = fake_openai.exchanges[0].user_text
    assert all(slide.narration in text for slide in example_deck.slides)


@pytest.mark.parametrize("instruction", ["slide 0", "make slide 0 simpler", "slide 99 is dull"])
async def test_bad_slide_numbers_need_no_model(example_deck, instruction):
    with pytest.raises(RequestRejected, match=r"^there is no slide (0|99); "):
        await Reviser(None).revise(example_deck, instruction)


async def test_content_without_a_model_still_says_a_model_is_needed(example_deck):
    with pytest.raises(ModelNotConfigured):
        await Reviser(None).revise(example_deck, "make slide 2 simpler")


async def test_a_long_style_refits_the_picture_prompts(example_deck):
    style = (
        "intricate ukiyo-e woodblock print with bold outlines, flat areas of colour, visible "
        "paper grain, muted indigo and vermilion palette, Edo period"
    )
    long_prompt = (
        "a bright green leaf glowing in warm morning sunlight, seen close up, with tiny dew "
        "drops on its veins, a blurred forest behind it and soft golden light from the left"
    )
    deck = apply(example_deck, [EditSlide(slide=2, image_prompt=long_prompt)])
    assert fits(long_prompt, deck.theme.style)  # fine with the theme's short style
    revision = await Reviser(None).revise(deck, f"style: {style}")
    assert revision.edits[0] == SetTheme(style=style)
    assert [type(e) for e in revision.edits[1:]] == [EditSlide]  # slide 2's prompt, cut
    assert revision.edits[1].slide == 2
    assert revision.edits[1].image_prompt.startswith("a bright green leaf glowing")
    revised = apply(deck, revision.edits)
    count = clip_counter()
    for slide in revised.slides:
        assert fits(slide.image_prompt, style)
        # The whole prompt the renderer builds, with the no-text suffix, fits CLIP's window.
        full = f"{slide.image_prompt}, {style}, clean image without any text or lettering"
        assert count(full) <= 75


async def test_a_command_that_changes_nothing_says_so(example_deck):
    with pytest.raises(RequestRejected, match=r"^that changes nothing: the video already is"):
        await Reviser(None).revise(example_deck, "make it light")  # it is light already
