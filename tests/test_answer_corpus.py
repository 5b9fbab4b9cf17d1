"""The corpus of realistically shaped answers (tests/data/model_answers.yaml), read two ways:
by the answer reader alone, and end to end — the real ChatOpenAI client against the local
OpenAI-compatible server, the answer given as message content (strict JSON schema, JSON mode)
or as tool-call arguments. Every complete answer is accepted, every cut-off one rejected
(asked again once, briefly, then a clear error), every non-JSON one reported as such."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from agent import InvalidModelAnswer, Planner, RequestRejected, Reviser, StructuredChat
from agent.answers import read_answer
from agent.draft_keys import DECK_KEYS, REVISION_KEYS
from agent.schemas import DeckDraft, RevisionDraft
from tests.agent_helpers import chat_model, deck_draft
from tests.fakes.openai_chat import FakeOpenAI, Reply

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "data" / "model_answers.yaml").read_text(encoding="utf-8")
)
# what the planner and the reviser look for: the schema's keys and the names models give them
KEYS = {
    "plan": ("title", "slides", *(word for words in DECK_KEYS.values() for word in words)),
    "revise": ("summary", "edits", *(word for words in REVISION_KEYS.values() for word in words)),
}
METHODS = {
    "json_schema": set(),
    "function_calling": {"json_schema"},
    "json_mode": {"json_schema", "function_calling"},
}


def test_the_corpus_has_every_shape():
    expects = [entry["expect"] for entry in CORPUS]
    assert len(CORPUS) >= 40
    assert expects.count("accepted") >= 20 and expects.count("cut_off") >= 10
    assert {"not_json", "empty"} <= set(expects)
    assert len({entry["name"] for entry in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("entry", CORPUS, ids=[entry["name"] for entry in CORPUS])
def test_reader(entry):
    answer = read_answer(
        entry["text"], finish_reason=entry.get("finish_reason"), expected=KEYS[entry["kind"]]
    )
    assert ("accepted" if answer.ok else answer.verdict.value) == entry["expect"], answer.problem
    if answer.ok:  # complete answers are complete drafts too
        (DeckDraft if entry["kind"] == "plan" else RevisionDraft).model_validate(answer.data)


def reply(entry) -> Reply:
    return dataclasses.replace(Reply.text(entry["text"]), finish_reason=entry.get("finish_reason"))


@pytest.fixture(params=list(METHODS))
def server(request):
    with FakeOpenAI(unsupported=METHODS[request.param]) as fake:
        fake.method_name = request.param
        yield fake


@pytest.mark.parametrize("entry", CORPUS, ids=[entry["name"] for entry in CORPUS])
async def test_end_to_end(server, entry, example_deck):
    server.reset()
    expect = entry["expect"]
    if entry.get("content_only") and server.method_name == "function_calling":
        expect = "not_json"  # as tool-call arguments LangChain cannot take it: asked again
    tries = {"accepted": 1, "cut_off": 2}.get(expect, 3)
    server.script(*[reply(entry)] * tries)
    chat = StructuredChat(chat_model(server), backoff=0.01)
    if entry["kind"] == "plan":
        run = Planner(chat).plan("vaccines")
    else:
        run = Reviser(chat).revise(example_deck, "make slide 3 simpler")
    if expect == "accepted":
        if entry["name"] == "edits-none-with-reason":
            with pytest.raises(RequestRejected, match="no slide about football"):
                await run
        else:
            assert await run
        answered = [e for e in server.exchanges if e.status == 200]
        assert len(answered) == 1 and answered[0].method == server.method_name
        return
    with pytest.raises(InvalidModelAnswer) as caught:
        await run
    message = str(caught.value)
    answered = [e for e in server.exchanges if e.status == 200]
    assert len(answered) == tries and server.pending == 0
    assert "Field required" not in message
    if expect == "cut_off":
        assert message.startswith("the model's answer was cut off before it was complete, 2 ")
        retry = answered[1].messages
        assert "was cut off before the JSON object was complete" in retry[-1]["content"]
        assert all(m["role"] != "assistant" for m in retry)  # the half answer is not sent back
    elif expect == "not_json":
        assert "not valid JSON" in message or "not a JSON object" in message
    else:
        assert "empty" in message or "did not call the tool" in message


async def test_json_mode_never_turns_a_cut_off_deck_into_a_shorter_one(example_deck):
    """The bug this corpus is for: LangChain's JSON-mode parser closes the brackets of a cut-off
    answer, so six slides cut after the third became a valid three-slide deck."""
    six = deck_draft(["How vaccines work", "Germs", "Immunity", "Training", "Memory", "Herd"])
    text = Reply.json(six)
    import json

    whole = json.dumps(six)
    cut = whole[: whole.index('{"title": "Training"')]
    with FakeOpenAI(unsupported={"json_schema", "function_calling"}) as server:
        server.script(Reply.text(cut), Reply.text(cut))
        with pytest.raises(InvalidModelAnswer, match="cut off"):
            await Planner(chat_model(server), backoff=0.01).plan("vaccines")
        server.script(Reply.text(cut), text)
        deck = await Planner(chat_model(server), backoff=0.01).plan("vaccines")
        assert len(deck.slides) == 6


def test_a_draft_inside_the_reasoning_is_not_the_answer():
    entry = next(entry for entry in CORPUS if entry["name"] == "plan-think-with-draft")
    answer = read_answer(entry["text"], expected=KEYS["plan"])
    assert answer.ok and answer.data["title"] == "How vaccines work"
    assert len(answer.data["slides"]) == 6


async def test_a_loosely_shaped_answer_keeps_everything_it_says():
    """Accepted is not enough: the bullets written as "content", the picture as an object, the
    slides keyed by number (slide_10 after slide_2) all reach the deck, and a slide left with
    no narration says its title."""
    entry = next(entry for entry in CORPUS if entry["name"] == "plan-loose-small-model")
    with FakeOpenAI(unsupported={"json_schema", "function_calling"}) as server:
        server.script(reply(entry))
        deck = await Planner(chat_model(server), backoff=0.01).plan("vaccines")
    assert [s.title for s in deck.slides] == ["How vaccines work", "Memory cells", "Thank you"]
    first, second, last = deck.slides
    assert first.bullets == ["A vaccine trains the body", "It shows a harmless copy"]
    assert first.image_prompt == "a friendly syringe and a shield"
    assert second.bullets == ["They remember the germ", "They answer fast next time"]
    assert second.narration == "Memory cells keep the lesson for years."
    assert last.narration == "Thank you." and last.image_prompt == "Thank you"
    assert deck.theme.name == "dark" and deck.theme.style == "watercolor"
    assert deck.language == "en"


async def test_a_loosely_shaped_revision_is_carried_out(example_deck):
    """The edit is made as written, and with no summary deckcast says what changed itself."""
    entry = next(entry for entry in CORPUS if entry["name"] == "edits-loose-small-model")
    with FakeOpenAI(unsupported={"json_schema", "function_calling"}) as server:
        server.script(reply(entry))
        revision = await Reviser(chat_model(server), backoff=0.01).revise(
            example_deck, "simpler words on slide 3"
        )
    [edit] = revision.edits
    assert edit.op == "edit_slide" and edit.slide == 3
    assert edit.narration == "Plants need water, air and light."
    assert revision.summary  # said by deckcast, not empty
