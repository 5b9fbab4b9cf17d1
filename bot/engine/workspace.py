"""A workspace's settings (a Discord guild, a Slack workspace): how its new decks are reviewed.

An admin chooses (``/deck settings``) whether every new deck's script waits for review before
any picture is made, or none does; a request may say so itself, and with neither the bot's
default (``DECKCAST_REVIEW``) holds.
"""

from __future__ import annotations

from ..errors import NotAllowed
from ..store import Store
from .requests import Incoming
from .review import REVIEW_OFF, REVIEW_SCRIPT


class WorkspaceSettings:
    def __init__(self, store: Store, *, script_first: bool = False) -> None:
        self.store = store
        self.script_first_default = script_first  # DECKCAST_REVIEW=script

    async def script_first(self, msg: Incoming) -> bool:
        """Whether a new deck's script waits for review: the request says so, or else what an
        admin chose for its workspace, or else the bot's default (``DECKCAST_REVIEW``)."""
        if msg.review is not None:
            return msg.review
        chosen = await self.store.workspace_review(msg.platform, msg.workspace)
        return self.script_first_default if chosen is None else chosen == REVIEW_SCRIPT

    async def set_review_mode(self, msg: Incoming, script_first: bool) -> str:
        """An admin's choice for every new deck of ``msg``'s workspace: the script first (for
        review, no picture before Render) or straight to the video. Returns what to tell them;
        raises :class:`NotAllowed` for anyone but an admin."""
        if not msg.admin:
            raise NotAllowed("only an admin can choose how this server's new decks are reviewed")
        mode = REVIEW_SCRIPT if script_first else REVIEW_OFF
        await self.store.set_workspace_review(msg.platform, msg.workspace, mode, by=msg.user)
        if script_first:
            return (
                "From now on every new deck here posts its script for review first: no picture "
                "is made until someone presses Render."
            )
        return "From now on new decks here go straight to the video (no script review first)."
