"""Planning and revising decks: a request becomes a :class:`deck.Deck`, an instruction becomes
a list of :data:`deck.DeckEdit`.

A language model is reached through LangChain's ``ChatOpenAI`` (any OpenAI-compatible server,
see :func:`build_chat_model`); Markdown outlines and structural commands ("delete slide 4",
"theme dark") work without one. Errors are in :mod:`agent.errors`; every message is written to
be shown to the person and never contains an API key. Messages that say what to configure name
the settings as the application calls them (:class:`SetupHints`, passed in by the wiring).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .chat_model import SetupHints, build_chat_model
from .errors import (
    AgentError,
    InvalidModelAnswer,
    ModelNotConfigured,
    ModelUnavailable,
    RequestRejected,
)

if TYPE_CHECKING:
    from .commands import parse_command
    from .methods import Method, MethodMemory, MethodsFile, MethodsInMemory
    from .planner import Planner, PlanOptions
    from .reviser import Reviser, Revision
    from .schemas import DeckDraft, RevisionDraft, SlideDraft
    from .structured import StatusCallback, StructuredChat

# Imported on first use: the planner, reviser and structured-output modules load LangChain and
# the OpenAI client, which a command that never talks to a model should not wait for.
_LAZY = {
    "parse_command": "commands",
    "Planner": "planner",
    "PlanOptions": "planner",
    "Reviser": "reviser",
    "Revision": "reviser",
    "DeckDraft": "schemas",
    "RevisionDraft": "schemas",
    "SlideDraft": "schemas",
    "Method": "methods",
    "MethodMemory": "methods",
    "MethodsFile": "methods",
    "MethodsInMemory": "methods",
    "StatusCallback": "structured",
    "StructuredChat": "structured",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agent' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AgentError",
    "DeckDraft",
    "InvalidModelAnswer",
    "Method",
    "MethodMemory",
    "MethodsFile",
    "MethodsInMemory",
    "ModelNotConfigured",
    "ModelUnavailable",
    "PlanOptions",
    "Planner",
    "RequestRejected",
    "Reviser",
    "Revision",
    "RevisionDraft",
    "SetupHints",
    "SlideDraft",
    "StatusCallback",
    "StructuredChat",
    "build_chat_model",
    "parse_command",
]
