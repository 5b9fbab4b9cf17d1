"""The agent writes charts, code and equations as data: its schemas carry them, the answers are
validated into deck elements, and a revision can turn a slide into a chart (the model behind the
real HTTP fake)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agent import Planner, Reviser
from agent.schemas import DeckDraft, SlideDraft, describe_draft_error, strict_schema
from agent.wording import asks_for_element
from deck import Chart, ChartType, Code, DeckValidationError, Equation, build_deck
from tests.agent_helpers import chat_model, deck_draft, slide_draft

CHART = {
    "type": "bar",
    "labels": ["2021", "2022", "2023"],
    "series": [{"name": "Cases", "values": [3, 5, 8]}],
    "x_title": "Year",
    "y_title": None,
    "unit": "%",
}
NONE = {"chart": None, "code": None, "equation": None, "diagram": None}


def with_elements(slide: dict, **element) -> dict:
    return {**slide, **NONE, **element}


def test_the_plan_schema_offers_each_element_in_strict_form():
    slide = strict_schema(DeckDraft)["properties"]["slides"]["items"]
    assert {"chart", "code", "equation"} <= set(slide["required"])
    chart = next(o for o in slide["properties"]["chart"]["anyOf"] if o.get("type") == "object")
    assert chart["properties"]["type"]["enum"] == ["bar", "stacked_bar", "line", "pie"]
    assert chart["additionalProperties"] is False
    assert set(chart["required"]) == {"type", "labels", "series", "x_title", "y_title", "unit"}


def test_drafts_with_each_element_become_deck_elements_and_back():
    data = deck_draft(["Intro", "Cases", "Code", "Maths"])
    data["slides"] = [
        with_elements(data["slides"][0]),
        with_elements(data["slides"][1], chart=CHART),
        with_elements(
            data["slides"][2], code={"language": "Python", "code": "def f(x):\n\treturn 2 * x\n"}
        ),
        with_elements(data["slides"][3], equation="$E = mc^2$"),
    ]
    deck = build_deck(DeckDraft.model_validate(data).to_deck_data())
    chart, code, equation = (slide.element for slide in deck.slides[1:])
    assert isinstance(chart, Chart) and chart.type is ChartType.BAR
    assert chart.series[0].values == [3.0, 5.0, 8.0] and chart.unit == "%"
    assert isinstance(code, Code) and code.language == "python"
    assert code.text == "def f(x):\n    return 2 * x"
    assert isinstance(equation, Equation) and equation.latex == "E = mc^2"
    again = DeckDraft.from_deck(deck)
    assert build_deck(again.to_deck_data()) == deck


def test_bad_element_data_is_refused_with_the_slide_named():
    data = deck_draft(["Intro", "Cases"])
    bad = {**CHART, "series": [{"name": "Cases", "values": [3, 5, 8, 13]}]}
    data["slides"][1] = with_elements(data["slides"][1], chart=bad)
    with pytest.raises(DeckValidationError) as info:
        build_deck(DeckDraft.model_validate(data).to_deck_data())
    assert "slide 2 chart: series 'Cases' has 4 values but the chart has 3 labels" in str(
        info.value
    )
    data["slides"][1] = with_elements(data["slides"][1], chart=CHART, equation="x")
    with pytest.raises(ValidationError) as caught:
        DeckDraft.model_validate(data)
    assert any(
        "one of chart, code, equation or diagram" in line
        for line in describe_draft_error(caught.value)
    )
    with pytest.raises(ValidationError):
        SlideDraft.model_validate({**slide_draft("A"), "chart": {**CHART, "type": "donut"}})
    nan = {**CHART, "series": [{"name": "Cases", "values": [3, "lots", 8]}]}
    with pytest.raises(ValidationError):
        SlideDraft.model_validate({**slide_draft("A"), "chart": nan})


async def test_the_planner_asks_for_and_reads_a_chart(fake_openai):
    data = deck_draft(["Measles", "Cases"])
    data["slides"][1] = with_elements(data["slides"][1], chart=CHART)
    fake_openai.script(data)
    deck = await Planner(chat_model(fake_openai), backoff=0.01).plan("measles cases by year")
    assert isinstance(deck.slides[1].element, Chart)
    (exchange,) = fake_openai.exchanges
    assert "stacked_bar" in exchange.system_text  # the planner is told about elements
    assert "chart" in exchange.schema["properties"]["slides"]["items"]["properties"]


async def test_a_revision_turns_a_slide_into_a_bar_chart(fake_openai, example_deck):
    slide = example_deck.slides[2]
    new = {
        "title": slide.title,
        "bullets": list(slide.bullets),
        "narration": slide.narration,
        "image_prompt": slide.image_prompt,
        "layout": None,
        **NONE,
        "chart": CHART,
    }
    fake_openai.script(
        {
            "summary": "slide 3: a bar chart",
            "edits": [{"op": "replace_slide", "slide": 3, "new": new}],
        }
    )
    instruction = "make slide 3 a bar chart of these numbers: 2021 3, 2022 5, 2023 8"
    revision = await Reviser(chat_model(fake_openai), backoff=0.01).revise(
        example_deck, instruction
    )
    (exchange,) = fake_openai.exchanges
    text = str(exchange.schema)
    assert "'chart'" in text and "stacked_bar" in text  # the schema offers charts
    assert "replace_slide with the slide's title" in exchange.system_text
    from deck import apply

    revised = apply(example_deck, revision.edits)
    assert isinstance(revised.slides[2].element, Chart)
    assert revised.slides[2].element.series[0].values == [3.0, 5.0, 8.0]


async def test_a_revision_that_asks_for_no_element_keeps_the_lean_schema(fake_openai, example_deck):
    fake_openai.script(
        {
            "summary": "slide 3: simpler",
            "edits": [
                {
                    "op": "edit_slide",
                    "slide": 3,
                    "title": None,
                    "bullets": ["Water", "Air", "Light"],
                    "narration": None,
                    "image_prompt": None,
                    "layout": None,
                }
            ],
        }
    )
    await Reviser(chat_model(fake_openai), backoff=0.01).revise(example_deck, "simpler words")
    (exchange,) = fake_openai.exchanges
    assert "'chart'" not in str(exchange.schema) and "'equation'" not in str(exchange.schema)
    assert "stacked_bar" not in exchange.system_text


@pytest.mark.parametrize(
    ("instruction", "asks"),
    [
        ("make slide 4 a bar chart of these numbers: 1, 2, 3", True),
        ("show the formula for the area of a circle", True),
        ("add a slide with the Python code", True),
        ("un gráfico de barras en la diapositiva 2", True),
        ("ajoute l'équation", True),
        ("simpler words on slide 3", False),
        ("watercolor style", False),
    ],
)
def test_element_instructions_are_recognised(instruction, asks):
    assert asks_for_element(instruction) is asks
