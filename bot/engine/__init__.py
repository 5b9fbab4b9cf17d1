"""The core of the application: the conversation engine and what it says to front-ends.

::

    conversation.py  ConversationEngine: requests, revisions, undo/redo, cancel, export, buttons
    requests.py      Incoming: one message from a person; the checks on its text
    replies.py       ReplySink: the events a front-end receives (progress, video, failures...)
    actions.py       Action: one table of buttons for every platform, and who may press them
    rendering.py     JobRunner: a render job end to end, delivery (fitted to upload limits) included
    jobs.py          RenderQueue: render jobs in order, limits per person and workspace
    fitting.py       render options for a smaller copy under an upload limit
    sinks.py         SinkRegistry: who hears about each render, pruned as jobs end
    links.py         ChatLinks: thread <-> conversation, repeated deliveries (in the store)
    intents.py       what a message asks for when it is not a revision (undo, script, help...)
    locks.py         one lock per conversation, dropped when unused
    observer.py      JobEvent, JobObserver: what the engine tells the outside about each job

Adapters import this package, never the store or the queue.
"""

from .actions import (
    ACTIONS,
    Action,
    ActionSpec,
    may_act,
    rendering_actions,
    result_actions,
)
from .conversation import ConversationEngine
from .intents import HELP_TEXT, Intent, classify
from .jobs import JobLimits
from .links import ChatLinks, LinkKeeper
from .observer import JobEvent, JobEventKind, JobObserver
from .replies import ExportReady, JobUpdate, ReplySink, VideoReady
from .requests import Incoming, split_fenced
from .sinks import SinkFactory

__all__ = [
    "ACTIONS",
    "HELP_TEXT",
    "Action",
    "ActionSpec",
    "ChatLinks",
    "ConversationEngine",
    "ExportReady",
    "Incoming",
    "Intent",
    "JobEvent",
    "JobEventKind",
    "JobLimits",
    "JobObserver",
    "JobUpdate",
    "LinkKeeper",
    "ReplySink",
    "SinkFactory",
    "VideoReady",
    "classify",
    "may_act",
    "rendering_actions",
    "result_actions",
    "split_fenced",
]
