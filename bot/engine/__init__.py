"""The core of the application: the conversation engine and what it says to front-ends.

::

    conversation.py  ConversationEngine: the door; wires the modules below, keeps the methods
    requests.py      Incoming: one message from a person; the checks on its text
    replies.py       ReplySink: the events a front-end receives (progress, video, failures...)
    actions.py       Action: one table of buttons for every platform, and who may press them
    commands.py      COMMANDS: what each command in a thread does (undo, history, approve...)
    review.py        Access: the owner, the reviewers they chose, everyone when opened; admins
    review_gate.py   ReviewGate: who may change a deck, approvals, sharing, the script first
    workspace.py     WorkspaceSettings: an admin's review mode for a guild / workspace
    versions.py      Versions: version 1, new versions, undo/redo, restore, history reports
    revising.py      Revisions: an instruction, a slide comment or an outline changes the deck
    render_requests.py  RenderRequests: a version's render queued (superseding), or cancelled
    music.py         ConversationMusic: a conversation's music attached, removed, its level
    records.py       a conversation, a version, the current deck from the store (or a sentence)
    history.py       the history, one version and a comparison of two, as text
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
    Who,
    may_act,
    rendering_actions,
    result_actions,
    script_actions,
)
from .conversation import ConversationEngine
from .history import script_lines
from .intents import HELP_TEXT, READ_ONLY, Command, Intent, classify, read_command
from .jobs import JobLimits
from .links import ChatLinks, LinkKeeper
from .observer import JobEvent, JobEventKind, JobObserver
from .replies import ExportReady, JobUpdate, ReplySink, VideoReady
from .requests import AudioFile, Incoming, split_fenced
from .review import Access
from .sinks import SinkFactory

__all__ = [
    "ACTIONS",
    "HELP_TEXT",
    "READ_ONLY",
    "Access",
    "Action",
    "ActionSpec",
    "AudioFile",
    "ChatLinks",
    "Command",
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
    "Who",
    "classify",
    "may_act",
    "read_command",
    "rendering_actions",
    "result_actions",
    "script_actions",
    "script_lines",
    "split_fenced",
]
