"""One vocabulary of actions for every chat platform: what each button does, who may press it,
and which buttons show when.

Discord's buttons and Slack's are both drawn from :data:`ACTIONS` and both dispatched through
:meth:`bot.engine.ConversationEngine.act`, so a deck offers the same choices everywhere and the
owner/admin check is made once, in the core. A platform only chooses how a button looks
(``label``, ``emoji``, ``style``) from the same table and how its id is written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from deck import Aspect

if TYPE_CHECKING:
    from .conversation import ConversationEngine
    from .replies import ReplySink
    from .requests import Incoming


class Action(StrEnum):
    REVISE = "revise"  # a platform asks for the instruction (a form), then it is a revision
    PICTURES = "pictures"
    UNDO = "undo"
    REDO = "redo"
    VERTICAL = "vertical"
    WIDE = "wide"
    EXPORT = "export"
    CANCEL = "cancel"
    RENDER = "render"


Call = Callable[["ConversationEngine", str, "Incoming", "ReplySink"], Awaitable[Any]]


@dataclass(frozen=True)
class ActionSpec:
    label: str
    emoji: str
    style: str  # "primary" | "secondary" | "danger"
    changes: bool  # changes the deck or its renders: only its owner or an admin may
    call: Call


ACTIONS: dict[Action, ActionSpec] = {
    Action.REVISE: ActionSpec("Revise", "✏️", "primary", True, lambda e, c, m, s: e.handle(c, m, s)),
    Action.PICTURES: ActionSpec(
        "New pictures", "🎨", "secondary", True, lambda e, c, m, s: e.new_pictures(c, m, s)
    ),
    Action.UNDO: ActionSpec("Undo", "↩️", "secondary", True, lambda e, c, m, s: e.undo(c, m, s)),
    Action.REDO: ActionSpec("Redo", "↪️", "secondary", True, lambda e, c, m, s: e.redo(c, m, s)),
    Action.VERTICAL: ActionSpec(
        "Vertical 9:16",
        "📱",
        "secondary",
        True,
        lambda e, c, m, s: e.set_aspect(c, Aspect.TALL, m, s),
    ),
    Action.WIDE: ActionSpec(
        "Widescreen 16:9",
        "🖥️",
        "secondary",
        True,
        lambda e, c, m, s: e.set_aspect(c, Aspect.WIDE, m, s),
    ),
    Action.EXPORT: ActionSpec(
        "Export .pptx + .pdf", "📎", "secondary", False, lambda e, c, m, s: e.export(c, s)
    ),
    Action.CANCEL: ActionSpec("Cancel", "⏹️", "danger", True, lambda e, c, m, s: e.cancel(c, m, s)),
    Action.RENDER: ActionSpec(
        "Render again", "🔁", "primary", True, lambda e, c, m, s: e.render_again(c, m, s)
    ),
}


def result_actions(aspect: Aspect, version: int) -> list[Action]:
    """The buttons under a finished video (at most five: one row on every platform)."""
    shape = Action.WIDE if aspect is Aspect.TALL else Action.VERTICAL
    undo = [Action.UNDO] if version > 1 else []
    return [Action.REVISE, Action.PICTURES, *undo, shape, Action.EXPORT]


def rendering_actions() -> list[Action]:
    """The buttons while a render waits or runs."""
    return [Action.CANCEL]


def may_act(action: Action, *, user: str, owner: str, admin: bool) -> bool:
    """Whether ``user`` may press ``action`` on ``owner``'s deck."""
    return not ACTIONS[action].changes or user == owner or admin
