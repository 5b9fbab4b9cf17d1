"""Planning and revising decks: a request becomes a :class:`deck.Deck`, an instruction becomes
a list of :data:`deck.DeckEdit`.

A language model is reached through LangChain's ``ChatOpenAI`` (any OpenAI-compatible server,
see :func:`build_chat_model`); Markdown outlines and structural commands ("delete slide 4",
"theme dark") work without one. Errors are in :mod:`agent.errors`; every message is written to
be shown to the person and never contains an API key. Messages that say what to configure name
the settings as the application calls them (:class:`SetupHints`, passed in by the wiring).
"""

from .chat_model import SetupHints, build_chat_model
from .commands import parse_command
from .errors import (
    AgentError,
    InvalidModelAnswer,
    ModelNotConfigured,
    ModelUnavailable,
    RequestRejected,
)
from .methods import Method, MethodMemory, MethodsFile, MethodsInMemory
from .planner import Planner, PlanOptions
from .reviser import Reviser, Revision
from .schemas import DeckDraft, RevisionDraft, SlideDraft
from .structured import StatusCallback, StructuredChat

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
