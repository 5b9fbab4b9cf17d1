"""Errors raised by the agent (planning and revising with a language model).

::

    AgentError               base; its message is written to be shown to the person as is
    ├── ModelNotConfigured   free text needs a model and none is set (says how to set one)
    ├── ModelUnavailable     the model server is busy, unreachable, refuses the key or the model,
    │                        after bounded retries with backoff
    ├── InvalidModelAnswer   the model's answers failed validation even after the problems were
    │                        sent back to it (once or twice)
    └── RequestRejected      the person's request cannot be worked on: empty, too long, binary
                             junk, a slide that does not exist, nonsense for this deck

    BadAnswer                internal: one answer that failed validation; caught by the
                             validation loop and never raised out of ``agent``

Messages never contain API keys: everything that quotes a server's reply goes through
:class:`openai_http.Redactor` first.
"""

from __future__ import annotations


class AgentError(Exception):
    """Base class: a failure of planning or revising, with a message safe to show a person."""


class ModelNotConfigured(AgentError):
    """A free-text request (or revision) needs a language model, and none is configured."""


class ModelUnavailable(AgentError):
    """The model server could not answer (rate limit, timeout, connection, key or model name)."""


class InvalidModelAnswer(AgentError):
    """The model kept answering with something that does not fit the schema or the deck."""


class RequestRejected(AgentError):
    """The request itself cannot be carried out; the message says why and what to do."""


class BadAnswer(Exception):
    """One model answer that failed validation.

    ``problems`` (one line each) are sent back to the model; ``final`` is what the person gets
    when the answers run out (an :class:`InvalidModelAnswer` unless a more telling error, such as
    a :class:`RequestRejected` that lists the slides, fits better).
    """

    def __init__(self, problems: list[str], *, final: AgentError | None = None) -> None:
        self.problems = problems
        self.final = final
        super().__init__("; ".join(problems))
