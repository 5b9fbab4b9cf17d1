"""The reviser: a deck + an instruction become edits, with the model behind a real HTTP fake."""

from __future__ import annotations

import pytest

from agent import (
    InvalidModelAnswer,
    ModelNotConfigured,
    RequestRejected,
    Reviser,
    StructuredChat,
)
from bot.backends import LLM_HINTS
from deck import (
    Aspect,
    DeleteSlide,
    EditSlide,
    InsertSlide,
    MoveSlide,
    NewImage,
    NewSlide,
    ReplaceSlide,
    SetDeck,
    SetTheme,
    SwapSlides,
    apply,
    next_seed,
)
from tests.agent_helpers import chat_model, slide_draft, titles
from tests.fakes.openai_chat import FakeOpenAI, Reply, edits_reply


def reviser(server, **kwargs) -> Reviser:
    return Reviser(chat_model(server), backoff=0.01, **kwargs)


def edit(op: str, **fields) -> dict:
    """An edit as the model writes it: every field of its draft present."""
    blank = {
        "edit_slide": {
            "title": None,
            "bullets": None,
            "narration": None,
            "image_prompt": None,
            "layout": None,
        },
        "set_theme": {"name": None, "style": None},
        "set_deck": {"title": None, "language": None, "aspect": None, "voice": None},
    }.get(op, {})
    return {"op": op, **blank, **fields}


def answer(*edits: dict, summary: str = "done") -> dict:
    return {"summary": summary, "edits": list(edits)}


def unchanged(before, after, *, except_: set[int]) -> None:
    """Slides other than ``except_`` (1-based, in ``after``) are the very same slides."""
    old = set(before.slide_hashes())
    for number, digest in enumerate(after.slide_hashes(), 1):
        if number not in except_:
            assert digest in old, f"slide {number} changed"


async def test_request_carries_numbered_deck_history_and_instruction(fake_openai, example_deck):
    fake_openai.script(
        answer(
            edit(
                "edit_slide",
                slide=3,
                bullets=["Water", "Air", "Light"],
                narration="A plant needs water, air and light.",
            ),
            summary="slide 3: simpler bullets and narration",
        )
    )
    history = [("user", "make a video about photosynthesis"), ("assistant", "6 slides, rendered")]
    revision = await reviser(fake_openai).revise(
        example_deck, "make slide 3 simpler", history=history
    )
    assert revision.summary == "slide 3: simpler bullets and narration"
    assert revision.edits == [
        EditSlide(
            slide=3,
            bullets=["Water", "Air", "Light"],
            narration="A plant needs water, air and light.",
        )
    ]
    (exchange,) = fake_openai.exchanges
    text = exchange.user_text
    # The current deck, once, numbered (only the slide named with its narration and
    # picture); then the history; then the instruction.
    for number, slide in enumerate(example_deck.slides, 1):
        assert text.count(f"[{number}] {slide.title}") == 1
        assert text.count(slide.narration) == (1 if number == 3 else 0)
        assert all(text.count(f"- {bullet}") == 1 for bullet in slide.bullets)
    assert "slides: 6" in text and "theme: light" in text
    assert "user: make a video about photosynthesis\nassistant: 6 slides, rendered" in text
    assert text.endswith("<instruction>\nmake slide 3 simpler\n</instruction>")
    assert exchange.method == "json_schema"
    assert exchange.body["response_format"]["json_schema"]["name"] == "deck_edits"
    ops = {
        op
        for variant in exchange.schema["properties"]["edits"]["items"]["anyOf"]
        for op in variant["properties"]["op"]["enum"]
    }
    assert ops == {
        "edit_slide",
        "insert_slide",
        "replace_slide",
        "delete_slide",
        "move_slide",
        "swap_slides",
        "set_theme",
        "set_deck",
        "new_image",
    }
    revised = apply(example_deck, revision.edits)
    unchanged(example_deck, revised, except_={3})


async def test_natural_reference_resolves_to_the_right_slide(fake_openai, example_deck):
    # The model reads the numbered deck and finds chlorophyll on slide 2.
    fake_openai.script(
        answer(
            edit("edit_slide", slide=2, title="Why leaves are green"), summary="slide 2 retitled"
        )
    )
    revision = await reviser(fake_openai).revise(
        example_deck, "call the slide about chlorophyll 'Why leaves are green'"
    )
    assert "[2] Leaves are solar panels\n- Chlorophyll absorbs red and blue light" in (
        fake_openai.exchanges[0].user_text
    )
    revised = apply(example_deck, revision.edits)
    assert revised.slides[1].title == "Why leaves are green"
    unchanged(example_deck, revised, except_={2})


@pytest.mark.parametrize(
    ("instruction", "model_edit", "expected", "check"),
    [
        (
            "add a slide about the night after slide 5",
            edit("insert_slide", after=5, slide=slide_draft("At night")),
            InsertSlide(
                after=5,
                slide=NewSlide(
                    **{k: v for k, v in slide_draft("At night").items() if v is not None}
                ),
            ),
            lambda d: titles(d)[5] == "At night" and len(d.slides) == 7,
        ),
        (
            "rewrite the last one completely, about forests",
            edit("replace_slide", slide=6, new=slide_draft("Forests")),
            ReplaceSlide(
                slide=6,
                new=NewSlide(**{k: v for k, v in slide_draft("Forests").items() if v is not None}),
            ),
            lambda d: titles(d)[5] == "Forests",
        ),
        (
            "drop the slide about the Calvin cycle",
            edit("delete_slide", slide=5),
            DeleteSlide(slide=5),
            lambda d: "The Calvin cycle" not in titles(d),
        ),
        (
            "the ingredients should come right after the title",
            edit("move_slide", slide=3, after=1),
            MoveSlide(slide=3, after=1),
            lambda d: titles(d)[1] == "The ingredients",
        ),
        (
            "put the two stages the other way round",
            edit("swap_slides", a=4, b=5),
            SwapSlides(a=4, b=5),
            lambda d: titles(d)[3:5] == ["The Calvin cycle", "The light reactions"],
        ),
        (
            "make it look like an old blackboard",
            edit("set_theme", name="chalkboard", style="chalk drawing"),
            SetTheme(name="chalkboard", style="chalk drawing"),
            lambda d: d.theme.name == "chalkboard",
        ),
        (
            "make it a phone video for TikTok",
            edit("set_deck", aspect="9:16"),
            SetDeck(aspect=Aspect.TALL),
            lambda d: d.aspect is Aspect.TALL,
        ),
        (
            "I don't like the leaf picture, give me another",
            edit("new_image", slide=2),
            NewImage(slide=2),
            lambda d: (
                d.slides[1].image_prompt == "a bright green leaf glowing in sunlight, close-up"
            ),
        ),
    ],
    ids=["insert", "replace", "delete", "move", "swap", "theme", "deck", "new_image"],
)
async def test_each_edit_type(fake_openai, example_deck, instruction, model_edit, expected, check):
    fake_openai.script(answer(model_edit))
    revision = await reviser(fake_openai).revise(example_deck, instruction)
    assert revision.edits == [expected]
    revised = apply(example_deck, revision.edits)
    assert check(revised)
    assert instruction in fake_openai.exchanges[0].user_text


async def test_new_image_changes_only_the_seed(fake_openai, example_deck):
    fake_openai.script(answer(edit("new_image", slide=2)))
    revision = await reviser(fake_openai).revise(example_deck, "another leaf picture")
    revised = apply(example_deck, revision.edits)
    assert revised.slides[1].image_seed == next_seed(example_deck.slides[1].image_seed)
    unchanged(example_deck, revised, except_={2})


async def test_translation_is_many_edits_with_speakable_narration(fake_openai, example_deck):
    spanish = [
        edit(
            "edit_slide",
            slide=n,
            title=f"Título {n}",
            bullets=[f"La planta usa la luz del sol {n}"],
            narration=f"Narración **{n}**: la planta convierte el 50% de la luz en azúcar.",
        )
        for n in range(1, 7)
    ]
    fake_openai.script(answer(edit("set_deck", language="es"), *spanish, summary="en español"))
    revision = await reviser(fake_openai).revise(example_deck, "in Spanish")
    revised = apply(example_deck, revision.edits)
    assert revised.language == "es"
    # Markdown gone, % kept (the voice says it)
    assert (
        revised.slides[0].narration
        == "Narración 1: la planta convierte el 50% de la luz en azúcar."
    )
    assert revision.summary == "en español"


async def test_edit_of_a_missing_slide_goes_back_then_lists_the_slides(fake_openai, example_deck):
    bad = answer(edit("delete_slide", slide=7))
    fake_openai.script(bad, bad, bad)
    with pytest.raises(RequestRejected) as caught:
        await reviser(fake_openai).revise(example_deck, "delete the slide about rain")
    message = str(caught.value)
    assert message.startswith("there is no slide 7; the deck has 6 slides: 1. How plants eat")
    assert "6. Why it matters" in message
    assert "there is no slide 7" in fake_openai.exchanges[1].messages[-1]["content"]


async def test_missing_slide_then_a_corrected_answer(fake_openai, example_deck):
    fake_openai.script(answer(edit("delete_slide", slide=7)), answer(edit("delete_slide", slide=6)))
    revision = await reviser(fake_openai).revise(example_deck, "delete the summary slide")
    assert revision.edits == [DeleteSlide(slide=6)]


async def test_instruction_naming_a_missing_slide_is_rejected_without_a_call(
    fake_openai, example_deck
):
    with pytest.raises(RequestRejected, match=r"there is no slide 12; the deck has 6 slides: 1\."):
        await reviser(fake_openai).revise(example_deck, "make slide 12 simpler")
    assert fake_openai.exchanges == []


async def test_nonsense_instruction_gets_the_models_reason(fake_openai, example_deck):
    fake_openai.script(answer(summary="the deck has no slide about football"))
    with pytest.raises(RequestRejected) as caught:
        await reviser(fake_openai).revise(example_deck, "make the football slide shorter")
    assert "the deck has no slide about football" in str(caught.value)
    assert "The deck has 6 slides: 1. How plants eat sunlight" in str(caught.value)
    assert len(fake_openai.exchanges) == 1


async def test_edits_that_change_nothing_are_rejected(fake_openai, example_deck):
    same = example_deck.slides[0].title
    same_again = answer(edit("edit_slide", slide=1, title=same), summary="slide 1: punchier title")
    fake_openai.script(same_again, same_again, same_again)
    with pytest.raises(RequestRejected) as caught:
        await reviser(fake_openai).revise(example_deck, "make the title of slide 1 punchier")
    message = str(caught.value)
    # In plain words, not the model's summary quoted as a reason.
    assert message.startswith("That changed nothing: the model's edit left slide 1 as it was.")
    assert "punchier title" not in message
    assert "these edits change nothing" in fake_openai.exchanges[1].messages[-1]["content"]


async def test_unknown_op_and_limits_go_back_to_the_model(fake_openai, example_deck):
    fake_openai.script(
        answer({"op": "explode_slide", "slide": 2}),
        answer(edit("edit_slide", slide=2, bullets=[f"point {i}" for i in range(9)])),
        answer(edit("edit_slide", slide=2, bullets=["one point"])),
    )
    revision = await reviser(fake_openai).revise(example_deck, "fewer bullets on slide 2")
    assert revision.edits == [EditSlide(slide=2, bullets=["one point"])]
    assert "unknown op; use one of: edit_slide" in fake_openai.exchanges[1].messages[-1]["content"]
    assert "at most 6 items" in fake_openai.exchanges[2].messages[-1]["content"]


async def test_invalid_answers_run_out(fake_openai, example_deck):
    fake_openai.script(Reply.text("nope"), Reply.text("{"), Reply.text("still nope"))
    with pytest.raises(InvalidModelAnswer, match="not valid JSON"):
        await reviser(fake_openai).revise(example_deck, "make it funnier")


async def test_revision_through_tool_calling(example_deck):
    with FakeOpenAI(unsupported={"json_schema"}) as server:
        server.script(edits_reply([SwapSlides(a=2, b=3)], "swapped"))
        chat = StructuredChat(chat_model(server))
        revision = await Reviser(chat).revise(example_deck, "the ingredients first, then leaves")
        assert revision.edits == [SwapSlides(a=2, b=3)]
        assert server.exchanges[-1].method == "function_calling"
        assert server.exchanges[-1].tool_name == "deck_edits"


# --- without a model --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instruction", "expected", "summary"),
    [
        ("delete slide 4", [DeleteSlide(slide=4)], "slide 4 deleted"),
        ("swap 2 and 3", [SwapSlides(a=2, b=3)], "slides 2 and 3 swapped"),
        ("theme dark", [SetTheme(name="dark")], "new theme dark"),
        ("new picture for slide 2", [NewImage(slide=2)], "slide 2: new picture"),
    ],
)
async def test_structural_commands_need_no_model(example_deck, instruction, expected, summary):
    revision = await Reviser(None).revise(example_deck, instruction)
    assert revision.edits == expected and revision.summary == summary


async def test_commands_do_not_call_a_configured_model(fake_openai, example_deck):
    revision = await reviser(fake_openai).revise(example_deck, "move slide 5 to the start")
    assert revision.edits == [MoveSlide(slide=5, after=0)]
    assert fake_openai.exchanges == []


async def test_command_on_a_missing_slide_lists_the_slides(example_deck):
    with pytest.raises(RequestRejected, match=r"there is no slide 9; the deck has 6 slides: 1\."):
        await Reviser(None).revise(example_deck, "delete slide 9")


async def test_unknown_theme_lists_the_themes(example_deck):
    with pytest.raises(RequestRejected, match="unknown theme 'purple'; choose one of: light, dark"):
        await Reviser(None).revise(example_deck, "purple theme")


async def test_free_text_without_a_model_says_what_works(example_deck):
    with pytest.raises(ModelNotConfigured) as caught:
        await Reviser(None, hints=LLM_HINTS).revise(example_deck, "make slide 3 simpler")
    assert "'delete slide 4'" in str(caught.value) and "DECKCAST_LLM_MODEL" in str(caught.value)


@pytest.mark.parametrize(
    ("instruction", "message"),
    [("", "the instruction is empty"), ("x" * 5000, "limit is 4,000"), ("\x00\x01", "binary")],
)
async def test_bad_instructions(example_deck, instruction, message):
    with pytest.raises(RequestRejected, match=message):
        await Reviser(None).revise(example_deck, instruction)


# --- a whole conversation ---------------------------------------------------------------------


async def test_plan_then_five_revisions_counts_model_calls(fake_openai, example_deck):
    from agent import Planner
    from tests.fakes.openai_chat import plan_reply

    chat = StructuredChat(chat_model(fake_openai), backoff=0.01)
    fake_openai.script(
        plan_reply(example_deck),
        answer(edit("edit_slide", slide=3, narration="Water, air and light.")),
        answer(edit("insert_slide", after=6, slide=slide_draft("Try it at home"))),
    )
    deck = await Planner(chat).plan("photosynthesis for kids")
    steps = [
        "make slide 3 shorter",  # model
        "swap 2 and 3",  # command
        "add a slide with an experiment at the end",  # model
        "theme dark and vertical",  # commands
        "new picture for the last slide",  # command
    ]
    for instruction in steps:
        revision = await Reviser(chat).revise(deck, instruction)
        deck = apply(deck, revision.edits)
    assert len(fake_openai.exchanges) == 3 and fake_openai.pending == 0
    assert titles(deck) == [
        "How plants eat sunlight",
        "The ingredients",
        "Leaves are solar panels",
        "The light reactions",
        "The Calvin cycle",
        "Why it matters",
        "Try it at home",
    ]
    assert deck.slides[1].narration == "Water, air and light."
    assert deck.theme.name == "dark" and deck.aspect is Aspect.TALL
    assert deck.slides[6].image_seed == next_seed(slide_draft_seed("Try it at home"))
    # The slides nobody asked about are still the planned ones.
    for number in (1, 3, 4, 5, 6):
        original = example_deck.slides[titles(example_deck).index(deck.slides[number - 1].title)]
        assert deck.slides[number - 1] == original


def slide_draft_seed(title: str) -> int:
    from deck import default_seed

    return default_seed(slide_draft(title)["image_prompt"])
