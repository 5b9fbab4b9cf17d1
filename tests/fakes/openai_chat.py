"""A local OpenAI-compatible chat server: real HTTP on 127.0.0.1, scripted answers, a record.

The real ``openai`` client and LangChain's ``ChatOpenAI`` talk to it unchanged, so tests run
the real request building, response parsing, structured-output handling and error mapping.

Usage::

    with FakeOpenAI() as server:                      # api_key="test-key" by default
        server.script(Reply.json({...}), Reply.rate_limited(), Reply.json({...}))
        model = build_chat_model(model="fake-model", base_url=server.base_url,
                                 api_key="test-key")
        ...
        server.exchanges[0].schema                    # what was asked for, and how
        server.exchanges[0].user_text                 # what the model was told

It runs its own event loop in a background thread, so synchronous tests (driving ``deckcast``
as a subprocess) and async tests alike can use it.

Scripted answers (:class:`Reply`) adapt to the request: :meth:`Reply.json` answers with
``message.content`` for ``json_schema``/``json_object``/plain requests and with a tool call for
tool-calling requests; ``stream: true`` requests get server-sent ``chat.completion.chunk``
events ending in ``[DONE]``. Errors (429, 5xx, any status), delays longer than the client's
timeout, invalid JSON, truncation and refusals can be scripted too. ``unsupported`` makes the
server reject a structured-output method with HTTP 400, like servers that lack it.

Token counts in ``usage`` (and :meth:`FakeOpenAI.tokens`) use OpenAI's o200k_base encoding.
"""

from __future__ import annotations

import functools
import itertools
import json
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from agent.schemas import DeckDraft, RevisionDraft
from deck import Deck, DeckEdit

from .local_server import ThreadServer


@functools.cache
def _encoding() -> Any:
    # Imported on first use: loading the encodings takes a moment, and bpe_openai still uses
    # importlib.resources.open_binary, which warns.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai

        return bpe_openai.get_encoding("o200k_base")


def count_tokens(text: str) -> int:
    """Tokens of ``text`` in OpenAI's o200k_base encoding (GPT-4o and later)."""
    return len(_encoding().encode(text)) if text else 0


@dataclass(frozen=True)
class Reply:
    """One scripted answer of the fake model."""

    kind: str  # json | text | prose | tool_call | error | refusal
    value: Any = None
    status: int = 200
    delay: float = 0.0
    headers: Mapping[str, str] = field(default_factory=dict)
    finish_reason: str | None = None
    tool_name: str | None = None

    @classmethod
    def json(cls, payload: Any) -> Reply:
        """``payload`` as JSON: message content, or a tool call's arguments if tools were sent."""
        return cls("json", payload)

    @classmethod
    def text(cls, raw: str) -> Reply:
        """``raw`` verbatim where the JSON would go (content or tool arguments): invalid JSON."""
        return cls("text", raw)

    @classmethod
    def prose(cls, content: str) -> Reply:
        """Plain message content, even when a tool call was asked for."""
        return cls("prose", content)

    @classmethod
    def tool_call(cls, arguments: Any, *, name: str | None = None) -> Reply:
        """A tool call whatever was asked (``arguments``: a string, or JSON-encoded)."""
        return cls("tool_call", arguments, tool_name=name)

    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        return cls(
            "error",
            {"message": message, "type": type, "param": None, "code": code},
            status=status,
            headers=dict(headers or {}),
        )

    @classmethod
    def rate_limited(cls, retry_after: float | None = 0) -> Reply:
        headers = {} if retry_after is None else {"retry-after": str(retry_after)}
        return cls.error(
            429,
            "Rate limit reached for requests. Please try again later.",
            type="requests",
            code="rate_limit_exceeded",
            headers=headers,
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls.error(status, "The server had an error while processing your request.")

    @classmethod
    def refusal(cls, text: str) -> Reply:
        return cls("refusal", text)

    def slow(self, seconds: float) -> Reply:
        """This reply, sent after ``seconds`` (longer than the client's timeout: a timeout)."""
        return _replace(self, delay=seconds)

    def truncated(self) -> Reply:
        """This reply with ``finish_reason: length`` (cut off at the token limit)."""
        return _replace(self, finish_reason="length")


def _replace(reply: Reply, **changes: Any) -> Reply:
    data = {name: getattr(reply, name) for name in reply.__dataclass_fields__}
    data.update(changes)
    return Reply(**data)


@dataclass
class Exchange:
    """One request the server received, and what it answered."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 0
    completion: str = ""  # what the "model" wrote: content or tool-call arguments
    usage: dict[str, int] = field(default_factory=dict)
    reply: Reply | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def method(self) -> str:
        """json_schema, json_mode, function_calling or text: how structure was asked for."""
        response_format = self.body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            return "json_schema"
        if response_format.get("type") == "json_object":
            return "json_mode"
        if self.body.get("tools"):
            return "function_calling"
        return "text"

    @property
    def schema(self) -> dict[str, Any] | None:
        """The JSON schema the answer must follow (from response_format or the tool)."""
        if self.method == "json_schema":
            return self.body["response_format"]["json_schema"].get("schema")
        if self.method == "function_calling":
            return self.body["tools"][0]["function"].get("parameters")
        return None

    @property
    def schema_name(self) -> str | None:
        if self.method == "json_schema":
            return self.body["response_format"]["json_schema"].get("name")
        if self.method == "function_calling":
            return self.tool_name
        return None

    @property
    def tool_name(self) -> str | None:
        choice = self.body.get("tool_choice")
        if isinstance(choice, dict):
            return choice.get("function", {}).get("name")
        tools = self.body.get("tools") or []
        return tools[0]["function"]["name"] if tools else None

    def texts(self, role: str | None = None) -> list[str]:
        out = []
        for message in self.messages:
            if role is not None and message.get("role") not in (role,):
                continue
            out.append(_content_text(message.get("content")))
        return out

    @property
    def system_text(self) -> str:
        return "\n".join(self.texts("system") + self.texts("developer"))

    @property
    def user_text(self) -> str:
        """Everything the user turns said (the task, the deck, the instruction)."""
        return "\n".join(self.texts("user"))

    @property
    def prompt_text(self) -> str:
        return "\n".join(self.texts())


class FakeOpenAI(ThreadServer):
    """The server (see the module docstring)."""

    thread_name = "fake-openai"
    client_max_size = 32 * 1024 * 1024
    shutdown_timeout = 0.5

    def __init__(
        self,
        *,
        api_key: str | None = "test-key",
        models: Iterable[str] | None = None,
        unsupported: Iterable[str] = (),
        responder: Callable[[Exchange], Reply] | None = None,
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.models = set(models) if models is not None else None
        self.unsupported = set(unsupported)  # json_schema | function_calling | json_mode
        self.responder = responder
        self.unexpected: list[Exchange] = []  # requests that found nothing scripted
        self._replies: deque[Reply] = deque()
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    # --- life cycle: start() and close(), or with (see tests/fakes/local_server.py) ---------

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    # --- scripting and the record ----------------------------------------------------------

    def script(self, *replies: Reply | Mapping[str, Any]) -> FakeOpenAI:
        """Queue answers, used in order; a mapping is shorthand for ``Reply.json(mapping)``."""
        with self._lock:
            for reply in replies:
                self._replies.append(reply if isinstance(reply, Reply) else Reply.json(reply))
        return self

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._replies)

    @property
    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    @property
    def completions(self) -> list[Exchange]:
        """Exchanges that were answered with a completion (HTTP 200)."""
        return [e for e in self.exchanges if e.status == 200]

    def tokens(self) -> tuple[int, int]:
        """(prompt tokens, completion tokens) over every answered request."""
        done = self.completions
        return (
            sum(e.usage.get("prompt_tokens", 0) for e in done),
            sum(e.usage.get("completion_tokens", 0) for e in done),
        )

    def reset(self) -> None:
        with self._lock:
            self._replies.clear()
            self._exchanges.clear()
            self.unexpected.clear()

    # --- HTTP ------------------------------------------------------------------------------

    async def _models(self, request: web.Request) -> web.Response:
        names = sorted(self.models or {"fake-model"})
        return web.json_response(
            {"object": "list", "data": [{"id": n, "object": "model"} for n in names]}
        )

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return _error(400, "We could not parse the JSON body of your request.")
        exchange = Exchange(path=request.path, headers=dict(request.headers), body=body)
        with self._lock:
            self._exchanges.append(exchange)
        given = request.headers.get("Authorization", "")
        if self.api_key is not None and given != f"Bearer {self.api_key}":
            exchange.status = 401
            # Like OpenAI, the message quotes the key it got: the client must not repeat it.
            shown = given.removeprefix("Bearer ") or "(none)"
            return _error(401, f"Incorrect API key provided: {shown}.", code="invalid_api_key")
        if self.models is not None and body.get("model") not in self.models:
            exchange.status = 404
            return _error(
                404, f"The model `{body.get('model')}` does not exist.", code="model_not_found"
            )
        if exchange.method in self.unsupported:
            exchange.status = 400
            return _error(
                400,
                f"this server does not support {exchange.method} "
                "(response_format / tools are not available for this model)",
            )
        reply = self._next_reply(exchange)
        exchange.reply = reply
        if not await self.pause(reply.delay):
            return _error(503, "server shutting down")
        if reply.kind == "error":
            exchange.status = reply.status
            return web.json_response(
                {"error": reply.value}, status=reply.status, headers=dict(reply.headers)
            )
        message, finish = self._message(reply, exchange)
        exchange.completion = message.get("content") or "".join(
            call["function"]["arguments"] for call in message.get("tool_calls") or []
        )
        exchange.usage = _usage(body, exchange.completion)
        exchange.status = 200
        if body.get("stream"):
            return await self._stream(request, body, message, finish, exchange.usage)
        return web.json_response(
            {
                "id": f"chatcmpl-fake-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake-model"),
                "system_fingerprint": "fp_fake",
                "choices": [
                    {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
                ],
                "usage": exchange.usage,
            }
        )

    def _next_reply(self, exchange: Exchange) -> Reply:
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        if self.responder is not None:
            return self.responder(exchange)
        with self._lock:
            self.unexpected.append(exchange)
        return Reply.error(500, "fake server: no scripted reply left for this request")

    def _message(self, reply: Reply, exchange: Exchange) -> tuple[dict[str, Any], str]:
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if reply.kind == "refusal":
            message["refusal"] = reply.value
            return message, reply.finish_reason or "stop"
        as_tool = reply.kind == "tool_call" or (
            reply.kind in ("json", "text") and exchange.method == "function_calling"
        )
        if reply.kind in ("json", "tool_call") and not isinstance(reply.value, str):
            text = json.dumps(reply.value, ensure_ascii=False)
        else:
            text = str(reply.value)
        if as_tool:
            message["tool_calls"] = [
                {
                    "id": f"call_{next(self._ids)}",
                    "type": "function",
                    "function": {
                        "name": reply.tool_name or exchange.tool_name or "answer",
                        "arguments": text,
                    },
                }
            ]
            return message, reply.finish_reason or "tool_calls"
        message["content"] = text
        return message, reply.finish_reason or "stop"

    async def _stream(
        self,
        request: web.Request,
        body: dict[str, Any],
        message: dict[str, Any],
        finish: str,
        usage: dict[str, int],
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        ident = f"chatcmpl-fake-{next(self._ids)}"
        base = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
        }

        async def send(delta: dict[str, Any], finish_reason: str | None = None) -> None:
            chunk = {
                **base,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())

        await send({"role": "assistant", "content": ""})
        for piece in _pieces(message.get("content") or ""):
            await send({"content": piece})
        for index, call in enumerate(message.get("tool_calls") or []):
            await send(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": call["function"]["name"], "arguments": ""},
                        }
                    ]
                }
            )
            for piece in _pieces(call["function"]["arguments"]):
                await send({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        await send({}, finish)
        if (body.get("stream_options") or {}).get("include_usage"):
            chunk = {**base, "choices": [], "usage": usage}
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _error(status: int, message: str, *, code: str | None = None) -> web.Response:
    return web.json_response(
        {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": code,
            }
        },
        status=status,
    )


def _pieces(text: str, size: int = 24) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _usage(body: dict[str, Any], completion: str) -> dict[str, int]:
    prompt = 0
    for message in body.get("messages") or []:
        prompt += 4 + count_tokens(_content_text(message.get("content")))
    for extra in ("response_format", "tools"):
        if body.get(extra):
            prompt += count_tokens(json.dumps(body[extra]))
    completion_tokens = count_tokens(completion)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + completion_tokens,
    }


# --- helpers for tests that script a conversation ---------------------------------------------


def plan_reply(deck: Deck) -> Reply:
    """The answer a model would give to plan ``deck`` (a ``deck.Deck``)."""
    return Reply.json(DeckDraft.from_deck(deck).model_dump(mode="json"))


def edits_reply(edits: list[DeckEdit], summary: str) -> Reply:
    """The answer a model would give for ``edits`` (``deck.DeckEdit`` values)."""
    return Reply.json(RevisionDraft.from_edits(edits, summary).model_dump(mode="json"))


# --- a standalone server for trying the CLI by hand -----------------------------------------


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.fakes.openai_chat --plan examples/vaccines.md [--edits e.json]``:
    serve on 127.0.0.1 until Ctrl-C, answering every planning request with the plan of the
    outline and every revision with the edits in the JSON file (a RevisionDraft)."""
    import argparse
    import signal
    from pathlib import Path

    from deck import parse_outline

    parser = argparse.ArgumentParser(prog="python -m tests.fakes.openai_chat")
    parser.add_argument("--plan", type=Path, help="outline whose deck answers planning requests")
    parser.add_argument("--edits", type=Path, help="RevisionDraft JSON that answers revisions")
    parser.add_argument("--api-key", default=None, help="key to require [default: any]")
    parser.add_argument(
        "--unsupported",
        default="",
        help="structured-output methods to reject with HTTP 400, comma-separated "
        "(json_schema,function_calling: like an older llama.cpp server)",
    )
    args = parser.parse_args(argv)
    plan = plan_reply(parse_outline(args.plan.read_text(encoding="utf-8"))) if args.plan else None
    edits = Reply.json(json.loads(args.edits.read_text(encoding="utf-8"))) if args.edits else None

    def respond(exchange: Exchange) -> Reply:
        reply = {"deck_plan": plan, "deck_edits": edits}.get(exchange.schema_name or "")
        if reply is None and exchange.method == "json_mode":
            reply = plan if "the planner of deckcast" in exchange.system_text else edits
        return reply or Reply.error(400, "fake server: nothing to answer this request with")

    stop = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # before the server thread starts
    unsupported = [name for name in args.unsupported.split(",") if name]
    server = FakeOpenAI(api_key=args.api_key, responder=respond, unsupported=unsupported).start()
    print(f"fake OpenAI-compatible server at {server.base_url} (Ctrl-C stops it)", flush=True)
    try:
        signal.sigwait(stop)
    finally:
        server.close()


if __name__ == "__main__":
    main()
