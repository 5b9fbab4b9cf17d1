"""One vocabulary of actions for every chat platform: what each button does, who may press it,
and which buttons show when.

Discord's buttons and Slack's are both drawn from :data:`ACTIONS` and both dispatched through
:meth:`bot.engine.ConversationEngine.act`, so a deck offers the same choices everywhere and the
check of who may press what is made once, in the core: :class:`Who` says whether anyone, the
deck's reviewers (its owner and admins included) or only its owner (and admins) may. A platform
only chooses how a button looks (``label``, ``emoji``, ``style``) from the same table and how
its id is written; a ``form`` action asks for the instruction first (a modal), then it is a
revision.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from deck import Aspect, Motion

if TYPE_CHECKING:
    from .conversation import ConversationEngine
    from .replies import ReplySink
    from .requests import Incoming


class Action(StrEnum):
    REVISE = "revise"  # a platform asks for the instruction (a form), then it is a revision
    CHANGE = "change"  # the same, under a script waiting for review
    PICTURES = "pictures"
    UNDO = "undo"
    REDO = "redo"
    VERTICAL = "vertical"
    WIDE = "wide"
    EXPORT = "export"
    CANCEL = "cancel"
    RENDER = "render"
    START = "start"  # the script is approved for pictures: render it
    APPROVE = "approve"
    STILL = "still"  # the pictures stop moving (motion: none)
    MOTION = "motion"  # the pictures move gently again (motion: gentle)


class Who(StrEnum):
    """Who may press an action on a deck."""

    ANYONE = "anyone"  # nothing changes (export)
    REVIEWER = "reviewer"  # the owner, the reviewers they chose (or everyone, when opened)
    OWNER = "owner"  # the owner (and admins) alone


Call = Callable[["ConversationEngine", str, "Incoming", "ReplySink"], Awaitable[Any]]


@dataclass(frozen=True)
class ActionSpec:
    label: str
    emoji: str
    style: str  # "primary" | "secondary" | "danger"
    who: Who  # who may press it (admins always may)
    call: Call
    form: bool = False  # asks for the instruction first (a modal), then it is a revision

    @property
    def changes(self) -> bool:
        """Changes the deck, its renders or its review: not for just anyone."""
        return self.who is not Who.ANYONE


ACTIONS: dict[Action, ActionSpec] = {
    Action.REVISE: ActionSpec(
        "Revise", "✏️", "primary", Who.REVIEWER, lambda e, c, m, s: e.handle(c, m, s), form=True
    ),
    Action.CHANGE: ActionSpec(
        "Change", "✏️", "secondary", Who.REVIEWER, lambda e, c, m, s: e.handle(c, m, s), form=True
    ),
    Action.PICTURES: ActionSpec(
        "New pictures", "🎨", "secondary", Who.REVIEWER, lambda e, c, m, s: e.new_pictures(c, m, s)
    ),
    Action.UNDO: ActionSpec(
        "Undo", "↩️", "secondary", Who.REVIEWER, lambda e, c, m, s: e.undo(c, m, s)
    ),
    Action.REDO: ActionSpec(
        "Redo", "↪️", "secondary", Who.REVIEWER, lambda e, c, m, s: e.redo(c, m, s)
    ),
    Action.VERTICAL: ActionSpec(
        "Vertical 9:16",
        "📱",
        "secondary",
        Who.REVIEWER,
        lambda e, c, m, s: e.set_aspect(c, Aspect.TALL, m, s),
    ),
    Action.WIDE: ActionSpec(
        "Widescreen 16:9",
        "🖥️",
        "secondary",
        Who.REVIEWER,
        lambda e, c, m, s: e.set_aspect(c, Aspect.WIDE, m, s),
    ),
    Action.EXPORT: ActionSpec(
        "Export .pptx + .pdf", "📎", "secondary", Who.ANYONE, lambda e, c, m, s: e.export(c, s)
    ),
    Action.CANCEL: ActionSpec(
        "Cancel", "⏹️", "danger", Who.REVIEWER, lambda e, c, m, s: e.cancel(c, m, s)
    ),
    Action.RENDER: ActionSpec(
        "Render again", "🔁", "primary", Who.REVIEWER, lambda e, c, m, s: e.render_again(c, m, s)
    ),
    Action.START: ActionSpec(
        "Render", "🎬", "primary", Who.REVIEWER, lambda e, c, m, s: e.render_again(c, m, s)
    ),
    Action.APPROVE: ActionSpec(
        "Approve", "✅", "secondary", Who.REVIEWER, lambda e, c, m, s: e.approve(c, m, s)
    ),
    Action.STILL: ActionSpec(
        "Still pictures",
        "🖼️",
        "secondary",
        Who.REVIEWER,
        lambda e, c, m, s: e.set_motion(c, Motion.NONE, m, s),
    ),
    Action.MOTION: ActionSpec(
        "Add motion",
        "🎞️",
        "secondary",
        Who.REVIEWER,
        lambda e, c, m, s: e.set_motion(c, Motion.GENTLE, m, s),
    ),
}


def result_actions(
    aspect: Aspect, version: int, *, review: bool = False, motion: Motion = Motion.GENTLE
) -> list[Action]:
    """The buttons under a finished video: five at most on the first row, then the motion
    switch (still pictures, or motion back) and, for a reviewed deck, Approve."""
    shape = Action.WIDE if aspect is Aspect.TALL else Action.VERTICAL
    undo = [Action.UNDO] if version > 1 else []
    moving = Action.MOTION if motion is Motion.NONE else Action.STILL
    approve = [Action.APPROVE] if review else []
    return [Action.REVISE, Action.PICTURES, *undo, shape, Action.EXPORT, moving, *approve]


def rendering_actions() -> list[Action]:
    """The buttons while a render waits or runs."""
    return [Action.CANCEL]


def script_actions() -> list[Action]:
    """The buttons under a script waiting for review (before any picture is made)."""
    return [Action.START, Action.CHANGE]


def may_act(action: Action, *, user: str, owner: str, admin: bool, reviewer: bool = False) -> bool:
    """Whether ``user`` may press ``action`` on ``owner``'s deck (``reviewer``: the owner let
    them revise, or opened the deck to everyone)."""
    who = ACTIONS[action].who
    if who is Who.ANYONE or user == owner or admin:
        return True
    return who is Who.REVIEWER and reviewer
