"""What each command in a conversation's thread does (``undo``, ``history``, ``approve``,
``share with @someone``, ``music louder``...): one table, read by
:meth:`bot.engine.ConversationEngine.handle` once the sender may (see
:meth:`bot.engine.review_gate.ReviewGate.for_intent`). A message that is no command (or is a
comment on one slide) is a revision."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .intents import HELP_TEXT, Command, Intent
from .music import MUSIC_INTENTS

if TYPE_CHECKING:
    from ..store import ConversationRecord
    from .conversation import ConversationEngine
    from .replies import ReplySink
    from .requests import Incoming

Run = Callable[
    ["ConversationEngine", "ConversationRecord", Command, "Incoming", "ReplySink"], Awaitable[Any]
]


async def _status(
    e: ConversationEngine, c: ConversationRecord, cmd: Command, m: Incoming, s: ReplySink
) -> None:
    await s.say(await e.status_line(c.id))


def revise(
    e: ConversationEngine, c: ConversationRecord, cmd: Command, m: Incoming, s: ReplySink
) -> Awaitable[None]:
    """Anything else: the reviser (or the planner, for an outline) changes the deck."""
    return e.revisions.revise(c, m, s)


COMMANDS: dict[Intent, Run] = {
    Intent.HISTORY: lambda e, c, cmd, m, s: e.history(c.id, s),
    Intent.SHOW_VERSION: lambda e, c, cmd, m, s: e.show_version(c.id, cmd.numbers[0], s),
    Intent.COMPARE: lambda e, c, cmd, m, s: e.compare(c.id, cmd.numbers[0], cmd.numbers[1], s),
    Intent.RESTORE: lambda e, c, cmd, m, s: e.versions.restore(c, cmd.numbers[0], s, author=m.user),
    Intent.APPROVE: lambda e, c, cmd, m, s: e.gate.approve(
        c, cmd.numbers[0] if cmd.numbers else None, m, s
    ),
    Intent.SHARE: lambda e, c, cmd, m, s: e.gate.share(c, cmd.people, cmd.everyone, m, s),
    Intent.COMMENT: lambda e, c, cmd, m, s: e.revisions.revise(
        c, m, s, slide=cmd.numbers[0], comment=cmd
    ),
    Intent.UNDO: lambda e, c, cmd, m, s: e.versions.step(c, s, back=True),
    Intent.REDO: lambda e, c, cmd, m, s: e.versions.step(c, s, back=False),
    Intent.SCRIPT: lambda e, c, cmd, m, s: e.script(c.id, s),
    Intent.CANCEL: lambda e, c, cmd, m, s: e.renders.cancel(c.id, s, by=m.user),
    Intent.HELP: lambda e, c, cmd, m, s: s.say(HELP_TEXT),
    Intent.STATUS: _status,
    Intent.RENDER: lambda e, c, cmd, m, s: e.renders.render_now(c, s),
    Intent.EXPORT: lambda e, c, cmd, m, s: e.export(c.id, s),
    **{
        intent: lambda e, c, cmd, m, s: e.music.change(c, cmd.intent, m, s)
        for intent in MUSIC_INTENTS
    },
}
