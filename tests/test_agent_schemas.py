"""The model-facing drafts: strict JSON schemas, and exact round trips to deck types."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agent.schemas import (
    DeckDraft,
    RevisionDraft,
    describe_draft_error,
    strict_schema,
)
from deck import (
    Aspect,
    DeleteSlide,
    EditSlide,
    InsertSlide,
    Layout,
    MoveSlide,
    NewImage,
    NewSlide,
    ReplaceSlide,
    SetDeck,
    SetTheme,
    SwapSlides,
    build_deck,
    parse_edits,
)

UNSUPPORTED_IN_STRICT = {"$ref", "$defs", "oneOf", "default", "minLength", "maxLength", "title"}


def walk(node, path="$"):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties":
                for name, prop in value.items():
                    yield from walk(prop, f"{path}.{name}")
            else:
                yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk(item, f"{path}[{i}]")


@pytest.mark.parametrize("model", [DeckDraft, RevisionDraft])
def test_schemas_fit_strict_structured_outputs(model):
    schema = strict_schema(model)
    assert schema["type"] == "object" and "anyOf" not in schema
    for path, node in walk(schema):
        if not isinstance(node, dict):
            continue
        keys = set(node) - {"properties"}
        assert not keys & UNSUPPORTED_IN_STRICT, path
        if node.get("type") == "object":
            assert node["additionalProperties"] is False, path
            assert node["required"] == list(node["properties"]), path


def test_overrides_merge_into_properties():
    schema = strict_schema(DeckDraft, slides={"minItems": 4, "maxItems": 4})
    assert schema["properties"]["slides"]["minItems"] == 4
    assert schema["properties"]["slides"]["maxItems"] == 4
    assert strict_schema(DeckDraft)["properties"]["slides"]["maxItems"] == 30


def test_deck_round_trip(example_deck):
    draft = DeckDraft.from_deck(example_deck)
    assert build_deck(draft.to_deck_data()) == example_deck
    # Through JSON, as a model would send it.
    again = DeckDraft.model_validate_json(draft.model_dump_json())
    assert build_deck(again.to_deck_data()) == example_deck


def test_lenient_parse_of_missing_nullable_fields():
    draft = DeckDraft.model_validate(
        {"title": "T", "slides": [{"title": "A", "narration": "n", "image_prompt": "p"}]}
    )
    deck = build_deck(draft.to_deck_data())
    assert deck.theme.name == "light" and deck.aspect is Aspect.WIDE and deck.language == "en"


@pytest.mark.parametrize(
    ("field", "written", "meant"),
    [
        ("theme", "Dark", "dark"),
        ("theme", "dark mode", "dark"),
        ("theme", "Ocean Theme", "ocean"),
        ("theme", "blackboard", "chalkboard"),
        ("aspect", "16x9", "16:9"),
        ("aspect", "Portrait", "9:16"),
        ("aspect", "square", "1:1"),
        ("layout", "Full Image", "full_image"),
        ("layout", "image-bullets", "image_bullets"),
    ],
)
def test_names_written_loosely_are_read_as_meant(field, written, meant):
    """JSON mode and small models do not keep to the schema's enums: the case or a suffix of a
    name is no reason to send a whole deck back."""
    slide = {"title": "A", "narration": "n", "image_prompt": "p"}
    data = {"title": "T", "slides": [slide]}
    if field == "layout":
        slide["layout"] = written
    else:
        data[field] = written
    draft = DeckDraft.model_validate(data)
    value = draft.slides[0].layout if field == "layout" else getattr(draft, field)
    assert value == meant
    build_deck(draft.to_deck_data())


@pytest.mark.parametrize(("field", "written"), [("theme", "ocean blue"), ("aspect", "4:3")])
def test_names_that_mean_none_of_the_choices_are_still_refused(field, written):
    with pytest.raises(ValidationError, match=field):
        DeckDraft.model_validate({"title": "T", "slides": [{"title": "A"}], field: written})


@pytest.mark.parametrize(
    ("field", "written", "meant"),
    [
        ("bullets", "- Roots\n- Leaves\n- Flowers", ["Roots", "Leaves", "Flowers"]),
        ("bullets", "1. Roots\n2) Leaves", ["Roots", "Leaves"]),
        ("bullets", "• Roots • Leaves", ["Roots", "Leaves"]),
        ("bullets", [{"text": "Roots"}, {"bullet": "Leaves"}], ["Roots", "Leaves"]),
        ("bullets", None, []),
        (
            "narration",
            ["Plants eat light.", "They make sugar."],
            "Plants eat light. They make sugar.",
        ),
        ("image_prompt", None, ""),
        ("title", 1969, "1969"),
    ],
)
def test_text_in_the_shapes_small_models_write_is_read_as_meant(field, written, meant):
    slide = {"title": "A", "narration": "n", "image_prompt": "p", field: written}
    draft = DeckDraft.model_validate({"title": "T", "slides": [slide]})
    assert getattr(draft.slides[0], field) == meant


@pytest.mark.parametrize(
    "written",
    [
        3,
        "3",
        "slide 3",
        "Slide 3",
        "#3",
        "3rd",
        "three",
        "third",
        "the third slide",
        "No. 3",
        "diapositive 3",
        "Folie 3",
    ],
)
def test_slide_numbers_written_as_words_are_numbers(written):
    draft = RevisionDraft.model_validate(
        {"summary": "s", "edits": [{"op": "delete_slide", "slide": written}]}
    )
    assert draft.edits[0].slide == 3


def test_edit_round_trip():
    new = NewSlide(title="New", bullets=["b"], narration="Said.", image_prompt="a pic")
    edits = [
        EditSlide(slide=3, bullets=["x"], layout=Layout.FULL_IMAGE),
        InsertSlide(after=2, slide=new),
        ReplaceSlide(slide=1, new=new),
        DeleteSlide(slide=4),
        MoveSlide(slide=5, after=0),
        SwapSlides(a=1, b=2),
        SetTheme(name="dark", style="ink"),
        SetDeck(language="es", aspect=Aspect.SQUARE),
        NewImage(slide=2),
    ]
    draft = RevisionDraft.from_edits(edits, "everything")
    back = parse_edits([e.to_edit() for e in draft.edits])
    assert back == edits
    # Every field is present in what a model would write (strict mode's shape).
    assert draft.model_dump()["edits"][0] == {
        "op": "edit_slide",
        "slide": 3,
        "title": None,
        "bullets": ["x"],
        "narration": None,
        "image_prompt": None,
        "layout": "full_image",
    }


def test_draft_errors_name_a_json_path():
    with pytest.raises(ValidationError) as caught:
        RevisionDraft.model_validate(
            {"summary": "s", "edits": [{"op": "delete_slide"}, {"op": "explode"}]}
        )
    lines = describe_draft_error(caught.value)
    assert "edits[0].slide: Field required" in lines
    assert any(line.startswith("edits[1]: unknown op; use one of: edit_slide") for line in lines)


def test_an_edit_keeps_null_and_reads_bullets_written_as_one_list():
    draft = RevisionDraft.model_validate(
        {
            "summary": "s",
            "edits": [{"op": "edit_slide", "slide": 2, "bullets": "- a\n- b", "narration": None}],
        }
    )
    edit = draft.edits[0]
    assert edit.bullets == ["a", "b"] and edit.narration is None and edit.title is None


@pytest.mark.parametrize(
    ("written", "field", "meant"),
    [
        ("points", "bullets", ["x", "y"]),
        ("bullet_points", "bullets", ["x", "y"]),
        ("speaker_notes", "narration", "Said aloud."),
        ("script", "narration", "Said aloud."),
        ("voiceover", "narration", "Said aloud."),
        ("image", "image_prompt", "a leaf"),
        ("visual", "image_prompt", "a leaf"),
        ("image_description", "image_prompt", "a leaf"),
        ("heading", "title", "Leaves"),
    ],
)
def test_a_slide_field_under_another_name_is_read_as_meant(written, field, meant):
    """extra="ignore" dropped such keys in silence: bullets written as "points" vanished, and
    narration as "speaker_notes" sent the whole deck back as "Field required"."""
    slide = {"title": "Leaves", "narration": "Said aloud.", "image_prompt": "a leaf"}
    slide.pop(field, None)
    slide[written] = meant
    draft = DeckDraft.model_validate({"title": "T", "slides": [slide]})
    assert getattr(draft.slides[0], field) == meant


def test_the_named_field_wins_over_a_synonym():
    slide = {"title": "A", "narration": "Kept.", "notes": "Not this.", "image_prompt": "p"}
    assert DeckDraft.model_validate({"title": "T", "slides": [slide]}).slides[0].narration == (
        "Kept."
    )


@pytest.mark.parametrize("wrapper", ["deck", "presentation", "result"])
def test_a_deck_wrapped_in_a_key_or_sent_as_a_list_is_read(wrapper):
    slide = {"title": "Leaves", "narration": "Said.", "image_prompt": "a leaf"}
    wrapped = DeckDraft.model_validate({wrapper: {"title": "T", "slides": [slide]}})
    assert wrapped.title == "T" and len(wrapped.slides) == 1
    listed = DeckDraft.model_validate([slide, {**slide, "title": "Roots"}])
    assert listed.title == "Leaves" and [s.title for s in listed.slides] == ["Leaves", "Roots"]


def test_an_edit_with_new_bullets_under_another_name_changes_them():
    draft = RevisionDraft.model_validate(
        {"summary": "s", "edits": [{"op": "edit_slide", "slide": 2, "points": ["Simpler"]}]}
    )
    assert draft.edits[0].bullets == ["Simpler"]
