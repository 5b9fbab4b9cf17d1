"""The fake OpenAI-compatible server, driven by the real openai client and ChatOpenAI."""

from __future__ import annotations

import json

import openai
import pytest
from langchain_core.messages import HumanMessage

from agent import build_chat_model
from tests.fakes.openai_chat import FakeOpenAI, Reply, count_tokens


def chat(server: FakeOpenAI, *, key: str = "test-key", model: str = "fake-model", timeout=5.0):
    return build_chat_model(model=model, base_url=server.base_url, api_key=key, timeout=timeout)


async def test_plain_completion_records_request_and_counts_tokens(fake_openai):
    fake_openai.script(Reply.prose("Photosynthesis turns light into sugar."))
    answer = await chat(fake_openai).ainvoke([HumanMessage(content="What is photosynthesis?")])
    assert answer.content == "Photosynthesis turns light into sugar."
    (exchange,) = fake_openai.exchanges
    assert exchange.path == "/v1/chat/completions" and exchange.status == 200
    assert exchange.method == "text"
    assert exchange.body["model"] == "fake-model"
    assert exchange.user_text == "What is photosynthesis?"
    # The key travels as a bearer token.
    assert exchange.headers["Authorization"] == "Bearer test-key"
    assert exchange.usage["completion_tokens"] == count_tokens(answer.content) > 3
    assert answer.usage_metadata["output_tokens"] == exchange.usage["completion_tokens"]
    assert fake_openai.tokens() == (
        exchange.usage["prompt_tokens"],
        exchange.usage["completion_tokens"],
    )


async def test_streaming_answers_with_sse_chunks_ending_in_done(fake_openai):
    text = "A long answer that arrives in several server-sent chunks, one piece at a time."
    fake_openai.script(Reply.prose(text))
    model = build_chat_model(model="fake-model", base_url=fake_openai.base_url, api_key="test-key")
    pieces = [chunk.content async for chunk in model.astream("go")]
    assert "".join(pieces) == text
    assert len([p for p in pieces if p]) >= 3
    assert fake_openai.exchanges[0].body["stream"] is True


async def test_streamed_tool_call_is_reassembled(fake_openai):
    fake_openai.script(Reply.tool_call({"city": "Lisbon", "days": 3}, name="weather"))
    model = chat(fake_openai).bind_tools(
        [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]
    )
    merged = None
    async for chunk in model.astream("weather?"):
        merged = chunk if merged is None else merged + chunk
    assert merged.tool_calls[0]["name"] == "weather"
    assert merged.tool_calls[0]["args"] == {"city": "Lisbon", "days": 3}


async def test_json_reply_adapts_to_tool_calling_and_json_schema(fake_openai):
    schema = {
        "title": "point",
        "description": "a point",
        "type": "object",
        "properties": {"x": {"type": "integer"}},
        "required": ["x"],
    }
    fake_openai.script(Reply.json({"x": 1}), Reply.json({"x": 2}), Reply.json({"x": 3}))
    model = chat(fake_openai)
    tools = model.with_structured_output(schema, method="function_calling")
    assert await tools.ainvoke("x?") == {"x": 1}
    strict = model.with_structured_output(
        {"name": "point", "schema": schema, "strict": True}, method="json_schema"
    )
    assert await strict.ainvoke("x?") == {"x": 2}
    loose = model.with_structured_output(schema, method="json_mode")
    assert await loose.ainvoke("answer in JSON") == {"x": 3}
    methods = [e.method for e in fake_openai.exchanges]
    assert methods == ["function_calling", "json_schema", "json_mode"]
    assert fake_openai.exchanges[0].tool_name == "point"
    assert fake_openai.exchanges[0].schema["properties"] == {"x": {"type": "integer"}}
    assert fake_openai.exchanges[1].body["response_format"]["json_schema"]["strict"] is True
    assert fake_openai.exchanges[1].schema_name == "point"


async def test_errors_reach_the_client_as_openai_errors(fake_openai):
    fake_openai.script(
        Reply.rate_limited(retry_after=7), Reply.server_error(503), Reply.error(400, "bad thing")
    )
    model = chat(fake_openai)
    with pytest.raises(openai.RateLimitError) as limited:
        await model.ainvoke("x")
    assert limited.value.response.headers["retry-after"] == "7"
    with pytest.raises(openai.InternalServerError):
        await model.ainvoke("x")
    with pytest.raises(openai.BadRequestError, match="bad thing"):
        await model.ainvoke("x")
    assert [e.status for e in fake_openai.exchanges] == [429, 503, 400]


async def test_wrong_key_unknown_model_unsupported_method_and_nothing_scripted():
    with FakeOpenAI(models={"good-model"}, unsupported={"json_schema"}) as server:
        with pytest.raises(openai.AuthenticationError, match="Incorrect API key"):
            await chat(server, key="wrong", model="good-model").ainvoke("x")
        with pytest.raises(openai.NotFoundError, match="does not exist"):
            await chat(server, model="other").ainvoke("x")
        strict = chat(server, model="good-model").with_structured_output(
            {"name": "p", "schema": {"type": "object", "properties": {}}}, method="json_schema"
        )
        with pytest.raises(openai.BadRequestError, match="does not support json_schema"):
            await strict.ainvoke("x")
        with pytest.raises(openai.InternalServerError, match="no scripted reply"):
            await chat(server, model="good-model").ainvoke("x")
        assert len(server.unexpected) == 1
        assert server.pending == 0


async def test_slow_reply_times_the_client_out(fake_openai):
    fake_openai.script(Reply.prose("late").slow(30))
    with pytest.raises(openai.APITimeoutError):
        await chat(fake_openai, timeout=0.2).ainvoke("x")


async def test_truncated_and_refused_answers(fake_openai):
    fake_openai.script(Reply.text('{"x": ').truncated(), Reply.refusal("I can't help with that."))
    model = chat(fake_openai)
    first = await model.ainvoke("x")
    assert first.response_metadata["finish_reason"] == "length"
    second = await model.ainvoke("x")
    assert second.additional_kwargs["refusal"] == "I can't help with that."


def test_models_endpoint_and_synchronous_use():
    with FakeOpenAI(models={"a", "b"}) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
        assert sorted(m.id for m in client.models.list()) == ["a", "b"]
        server.script({"answer": 42})
        reply = client.chat.completions.create(
            model="a", messages=[{"role": "user", "content": "?"}]
        )
        assert json.loads(reply.choices[0].message.content) == {"answer": 42}
