"""Asking a chat model for structured answers, and getting a valid one or a clear error.

One :class:`StructuredChat` wraps a LangChain chat model and does three things the planner and
the reviser share:

- **Structured output with fallbacks.** It asks through ``with_structured_output`` with a strict
  ``json_schema`` first; a server that rejects that (HTTP 400/422) is asked again with tool
  calling, then with JSON mode (the schema then goes into the prompt). The method that worked is
  remembered for the next request, and across processes when a :class:`MethodMemory` that
  keeps a file is given (:mod:`agent.methods`).
- **Careful parsing.** LangChain's parsers are not used for the answer: they "repair" JSON that
  was cut off into a shorter, valid object. The raw answer is read by
  :func:`agent.answers.read_answer` (prose, fences, trailing commas and wrappers allowed; a
  cut-off answer never accepted). A cut-off answer is asked for again once, briefly, without
  sending the broken text back; a second cut-off is a clear error.
- **Bounded retries.** Rate limits (429), timeouts, dropped connections and 5xx answers are
  retried with jittered exponential backoff (honouring ``Retry-After`` and ``retry-after-ms``,
  :mod:`openai_http.retry`) at most ``attempts`` times; the person is told "the model is busy,
  retrying (2/3)" meanwhile. Then :class:`ModelUnavailable`.
- **A validation loop.** An answer that is not JSON, does not fit the schema, or fails the
  caller's own checks is sent back with the problems listed, at most ``attempts - 1`` times;
  then the person gets :class:`InvalidModelAnswer` (or the caller's more telling error).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
import pydantic
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

import prompts
from openai_http import Backoff, Redactor, Retry, is_transient, retrying, server_message, short

from .answers import Answer, Verdict, read_answer
from .chat_model import IN_WORDS, SetupHints, model_label, model_secret
from .errors import BadAnswer, InvalidModelAnswer, ModelUnavailable, RequestRejected
from .methods import Method, MethodMemory, MethodsInMemory

log = logging.getLogger(__name__)

StatusCallback = Callable[[str], None]
"""Receives short lines for the person while the agent works or waits, e.g.
``"the model is busy, retrying (2/3)"``, and notices such as a clamped slide count."""

T = TypeVar("T")


_FALLBACK = {Method.JSON_SCHEMA: Method.FUNCTION_CALLING, Method.FUNCTION_CALLING: Method.JSON_MODE}
_CONTEXT_WORDS = ("context length", "context_length", "maximum context", "too many tokens")
MAX_CUT_OFFS = 2  # answers cut off before the person is told (the second one ends it)


@dataclass(frozen=True)
class OutputSpec:
    """The answer's shape: a name (the tool's or schema's), a description and a strict schema."""

    name: str
    description: str
    schema: dict[str, Any]
    synonyms: tuple[str, ...] = ()  # other names models give the top-level keys ("changes")

    @property
    def keys(self) -> tuple[str, ...]:
        """The answer's top-level keys, and their synonyms (to find the object among prose and
        wrappers: ``{"changes": {…}}`` is the answer, not a wrapper around it)."""
        return (*self.schema.get("properties", {}), *self.synonyms)

    def for_method(self, method: Method) -> dict[str, Any]:
        """The schema as ``with_structured_output`` takes it for ``method`` (a fresh copy:
        LangChain may adjust what it is given)."""
        schema = copy.deepcopy(self.schema)
        if method is Method.JSON_SCHEMA:
            return {
                "name": self.name,
                "description": self.description,
                "schema": schema,
                "strict": True,
            }
        return {**schema, "title": self.name, "description": self.description}


@dataclass(frozen=True)
class _Reply:
    text: str  # the answer as the model wrote it (content or tool arguments)
    answer: Answer  # what it held: the object, or the problem
    usage: dict[str, int]


def structured(
    model: BaseChatModel | StructuredChat | None,
    *,
    attempts: int,
    backoff: float,
    hints: SetupHints = IN_WORDS,
) -> StructuredChat | None:
    """``model`` as a :class:`StructuredChat` (a given one is shared as is; None stays None)."""
    if model is None or isinstance(model, StructuredChat):
        return model
    return StructuredChat(model, attempts=attempts, backoff=backoff, hints=hints)


class ModelAgent:
    """What the planner and the reviser share: the chat model they ask, as a
    :class:`StructuredChat` (None without a model), and the settings that set one up."""

    def __init__(
        self,
        model: BaseChatModel | StructuredChat | None,
        *,
        attempts: int = 3,
        backoff: float = 1.0,
        hints: SetupHints = IN_WORDS,
    ) -> None:
        """``hints`` name the settings that set a model up, for the messages that say what to
        change (a given :class:`StructuredChat` keeps its own)."""
        self.chat = structured(model, attempts=attempts, backoff=backoff, hints=hints)
        self.hints = hints


class StructuredChat:
    """A chat model that returns validated structured answers (see the module docstring)."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        attempts: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        hints: SetupHints = IN_WORDS,
        methods: MethodMemory | None = None,
    ) -> None:
        """``methods`` keeps the structured-output method that worked for this server and
        model (:class:`agent.methods.MethodsFile` to share it between processes)."""
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {attempts}")
        self.model = model
        self.attempts = attempts
        self.backoff = Backoff(base=backoff, cap=max_backoff)
        self.hints = hints
        self.calls = 0  # requests sent, for logs and tests
        self._sleep = sleep
        self._redact = Redactor.of([model_secret(model)])
        self._label = model_label(model)
        self._methods = methods if methods is not None else MethodsInMemory()
        remembered = self._methods.recall(self._label)
        if remembered is not None and remembered is not Method.JSON_SCHEMA:
            log.debug("%s: using %s (it worked before)", self._label, remembered.value)
        self.method = remembered or Method.JSON_SCHEMA
        self._remembered = self.method  # what the memory holds: written once a method answers

    async def ask(
        self,
        messages: Sequence[BaseMessage],
        spec: OutputSpec,
        validate: Callable[[Any], T],
        *,
        on_status: StatusCallback | None = None,
    ) -> T:
        """Ask until ``validate(parsed_json)`` returns (it raises :class:`BadAnswer` to refuse)."""
        conversation = list(messages)
        last: BadAnswer | None = None
        cut_offs = 0
        for answer in range(1, self.attempts + 1):
            reply = await self._call(conversation, spec, on_status)
            try:
                if not reply.answer.ok:
                    raise BadAnswer([reply.answer.problem])
                return validate(reply.answer.data)
            except BadAnswer as bad:
                last = bad
                log.debug(
                    "%s: answer %d/%d did not validate: %s",
                    spec.name,
                    answer,
                    self.attempts,
                    self._redact("; ".join(bad.problems)[:500]),
                )
            if reply.answer.cut_off:
                cut_offs += 1
                if cut_offs >= MAX_CUT_OFFS or answer == self.attempts:
                    raise InvalidModelAnswer(
                        f"the model's answer was cut off before it was complete, {cut_offs} "
                        f"{'time' if cut_offs == 1 else 'times'} (it ran out of room to write "
                        "it); nothing was changed. Ask for fewer slides or a smaller change, or "
                        "use a model that can write longer answers"
                    )
            if answer < self.attempts:
                notify(
                    on_status,
                    f"the model's answer did not fit, asking again ({answer + 1}/{self.attempts})",
                )
                if reply.answer.cut_off:
                    # The broken half answer is not sent back: it would only fill the room.
                    conversation = [*messages, HumanMessage(content=prompts.load("cut_off"))]
                    continue
                problems = "\n".join(f"- {problem}" for problem in last.problems[:20])
                conversation += [
                    AIMessage(content=reply.text or "(no answer)"),
                    HumanMessage(content=prompts.render("fix_answer", problems=problems)),
                ]
        assert last is not None
        if last.final is not None:
            raise last.final
        raise InvalidModelAnswer(
            f"the model did not give a usable answer in {self.attempts} tries "
            f"({self._clip(last.problems[0])}); try again, or put it differently"
        )

    async def _call(
        self, messages: list[BaseMessage], spec: OutputSpec, on_status: StatusCallback | None
    ) -> _Reply:
        while True:
            method = self.method
            runnable = self.model.with_structured_output(
                spec.for_method(method), method=method.value, include_raw=True
            )
            try:
                result = await retrying(
                    functools.partial(
                        self._invoke, runnable, self._prepare(messages, spec, method)
                    ),
                    attempts=self.attempts,
                    backoff=self.backoff,
                    on_retry=functools.partial(self._retrying, on_status),
                    sleep=self._sleep,
                )
            except openai.LengthFinishReasonError:
                return _Reply("", read_answer("", finish_reason="length"), {})
            except pydantic.ValidationError:  # LangChain could not even build the message:
                # tool-call arguments that decode to a string, not an object (sent twice encoded)
                problem = "the tool call's arguments are not a JSON object"
                return _Reply("", Answer(Verdict.NOT_JSON, problem=problem), {})
            except openai.ContentFilterFinishReasonError:
                raise InvalidModelAnswer(
                    "the model's content filter stopped the answer; put the request differently"
                ) from None
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                detail = self._detail(exc)
                if any(word in detail.lower() for word in _CONTEXT_WORDS):
                    raise RequestRejected(
                        "the request is too long for the model's context window; "
                        "shorten it or use a model with a longer context"
                    ) from None
                fallback = _FALLBACK.get(method)
                if fallback is None:
                    raise ModelUnavailable(
                        f"the model server ({self._label}) rejected the request "
                        f"(HTTP {exc.status_code}): {detail}"
                    ) from None
                log.warning(
                    "%s rejected %s (HTTP %s: %s); using %s from now on",
                    self._label,
                    method.value,
                    exc.status_code,
                    detail,
                    fallback.value,
                )
                self.method = fallback
                continue
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                raise ModelUnavailable(
                    f"the model server ({self._label}) refused the API key "
                    f"(HTTP {exc.status_code}); check {self.hints.api_key}"
                ) from None
            except openai.NotFoundError:
                raise ModelUnavailable(
                    f"the model server does not know this model or path ({self._label}, HTTP "
                    f"404); check {self.hints.model} and {self.hints.base_url} (it usually ends "
                    "in /v1)"
                ) from None
            except openai.APIError as exc:
                raise ModelUnavailable(self._failure(exc)) from None
            if method is not self._remembered:  # it answered: worth keeping for next time
                self._methods.remember(self._label, method)
                self._remembered = method
            return self._reply(result, method, spec)

    async def _invoke(self, runnable: Any, messages: list[BaseMessage]) -> Any:
        self.calls += 1
        return await runnable.ainvoke(messages)

    def _retrying(self, on_status: StatusCallback | None, retry: Retry) -> None:
        reason, _advice = self._transient_reason(retry.error)
        log.debug("%s; retry %d/%d in %.1f s", reason, retry.number, retry.attempts, retry.delay)
        notify(on_status, f"the model is busy, retrying ({retry.number}/{retry.attempts})")

    def _failure(self, exc: openai.APIError) -> str:
        """What the person is told when the server failed for good."""
        if is_transient(exc):
            reason, advice = self._transient_reason(exc)
            return f"{reason}, {self.attempts} times in a row; {advice}"
        if isinstance(exc, openai.APIStatusError):
            return (
                f"the model server ({self._label}) answered HTTP {exc.status_code}: "
                f"{self._detail(exc)}"
            )
        return f"the model server ({self._label}) failed: {self._detail(exc)}"

    def _prepare(
        self, messages: list[BaseMessage], spec: OutputSpec, method: Method
    ) -> list[BaseMessage]:
        if method is not Method.JSON_MODE:
            return messages
        # JSON mode only promises *some* JSON: the schema has to travel in the prompt.
        rules = prompts.render("json_mode", schema=json.dumps(spec.schema, ensure_ascii=False))
        if messages and isinstance(messages[0], SystemMessage):
            first = SystemMessage(content=f"{messages[0].content}\n\n{rules}")
            return [first, *messages[1:]]
        return [SystemMessage(content=rules), *messages]

    def _reply(self, result: dict[str, Any], method: Method, spec: OutputSpec) -> _Reply:
        """The raw answer, read by :func:`read_answer` (LangChain's own parse is ignored: it
        closes the brackets of a cut-off answer)."""
        raw = result.get("raw")
        usage = dict(getattr(raw, "usage_metadata", None) or {})
        if not isinstance(raw, AIMessage):
            return _Reply("", read_answer(""), usage)
        refusal = raw.additional_kwargs.get("refusal")
        if refusal:
            raise InvalidModelAnswer(f"the model declined: {self._clip(str(refusal))}")
        text = _answer_text(raw, method)
        finish = (raw.response_metadata or {}).get("finish_reason")
        answer = read_answer(text, finish_reason=finish, expected=spec.keys)
        if answer.verdict is Verdict.EMPTY and method is Method.FUNCTION_CALLING:
            answer = Answer(
                Verdict.EMPTY,
                problem="the answer did not call the tool; answer by calling it with the JSON "
                "arguments",
            )
        return _Reply(text, answer, usage)

    def _transient_reason(self, exc: Exception) -> tuple[str, str]:
        """What went wrong, and what the person can do if it keeps going wrong."""
        if isinstance(exc, openai.RateLimitError):
            reason = f"the model server ({self._label}) is rate limiting (HTTP 429)"
            return reason, "try again in a minute"
        if isinstance(exc, openai.APITimeoutError):
            reason = f"the model ({self._label}) did not answer in time"
            return reason, f"try again later, or raise {self.hints.timeout}"
        if isinstance(exc, openai.APIConnectionError):
            reason = f"cannot reach the model server ({self._label})"
            return reason, f"is it running, and is {self.hints.base_url} right?"
        status = getattr(exc, "status_code", "5xx")
        return f"the model server ({self._label}) failed (HTTP {status})", "try again in a minute"

    def _detail(self, exc: Exception) -> str:
        return server_message(exc, self._redact)

    def _clip(self, text: str) -> str:
        return short(text, self._redact)


def notify(on_status: StatusCallback | None, message: str) -> None:
    """Tell the front-end; a broken callback is logged, never allowed to stop the work."""
    if on_status is None:
        return
    try:
        on_status(message)
    except Exception:
        log.exception("status callback failed")


def _answer_text(raw: AIMessage, method: Method) -> str:
    """What the model wrote: the tool call's arguments (as sent when LangChain kept them), else
    the message content (small models often answer a tool call in prose)."""
    if method is Method.FUNCTION_CALLING:
        for call in raw.additional_kwargs.get("tool_calls") or []:
            arguments = (call.get("function") or {}).get("arguments")
            if isinstance(arguments, str):
                return arguments
        if raw.tool_calls:  # LangChain keeps only its parse: {} is what an empty call gives
            args = raw.tool_calls[0]["args"]
            return json.dumps(args, ensure_ascii=False) if args else ""
        if raw.invalid_tool_calls:
            return str(raw.invalid_tool_calls[0].get("args") or "")
    content = raw.content
    if isinstance(content, str):
        return content
    return "".join(
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in content
        if isinstance(part, str | dict)
    )
