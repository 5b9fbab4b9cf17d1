"""Buttons and the revision modal.

Every button is a :class:`DeckButton` whose ``custom_id`` carries the action, the conversation
and the requester (``deckcast:undo:<conversation>:<user id>``; Approve adds the version it is
under, ``…:<version>``), so a click is understood without any in-memory state: buttons keep
working after the bot restarts, and whether the owner is clicking is known before anything is
looked up (a reviewer's click costs one read of the store).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from deck import Aspect, Motion

from ..engine import ACTIONS, Action, rendering_actions, result_actions, script_actions

if TYPE_CHECKING:
    from .actions import DeckActions

IDS = r"(?P<conversation>[0-9a-f]{1,32}):(?P<owner>\d{1,20})"
BUTTON_TEMPLATE = r"deckcast:(?P<action>[a-z]+):" + IDS + r"(?::(?P<version>\d{1,9}))?"
MODAL_ID = re.compile(r"deckcast-modal:revise:" + IDS)
INSTRUCTION_ID = "instruction"
MAX_INSTRUCTION = 1000


STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "danger": discord.ButtonStyle.danger,
}


class HasActions(Protocol):
    actions: DeckActions


class DeckButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_TEMPLATE):
    def __init__(
        self, action: Action, conversation_id: str, owner: str, version: int | None = None
    ) -> None:
        spec = ACTIONS[action]
        under = f":{version}" if version is not None else ""
        super().__init__(
            discord.ui.Button(
                style=STYLES[spec.style],
                label=spec.label,
                emoji=spec.emoji,
                custom_id=f"deckcast:{action.value}:{conversation_id}:{owner}{under}",
            )
        )
        self.action = action
        self.conversation_id = conversation_id
        self.owner = owner
        self.version = version

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DeckButton:
        version = int(match["version"]) if match["version"] else None
        return cls(Action(match["action"]), match["conversation"], match["owner"], version)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client: HasActions = interaction.client
        await client.actions.button(
            interaction, self.action, self.conversation_id, self.owner, version=self.version
        )


def _view(
    actions: list[Action], conversation_id: str, owner: str, version: int | None = None
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in actions:
        under = version if action is Action.APPROVE else None
        view.add_item(DeckButton(action, conversation_id, owner, under))
    return view


def result_view(
    conversation_id: str,
    owner: str,
    aspect: Aspect,
    version: int,
    *,
    review: bool = False,
    motion: Motion = Motion.GENTLE,
) -> discord.ui.View:
    """Under a finished video: the engine's result buttons (Revise, New pictures, Undo, the
    other frame shape, Export; on a second row the motion switch and, when the deck is
    reviewed, Approve)."""
    actions = result_actions(aspect, version, review=review, motion=motion)
    return _view(actions, conversation_id, owner, version)


def script_view(conversation_id: str, owner: str) -> discord.ui.View:
    """Under a script waiting for review: Render, Change."""
    return _view(script_actions(), conversation_id, owner)


def cancel_view(conversation_id: str, owner: str) -> discord.ui.View:
    """Under a status message while its render waits or runs."""
    return _view(rendering_actions(), conversation_id, owner)


class ReviseModal(discord.ui.Modal):
    """Asks for the change. The submission is handled by :meth:`DeckActions.modal_submit`
    through the client's ``on_interaction`` (so it works after a restart too)."""

    instruction: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="What should change?",
        style=discord.TextStyle.paragraph,
        placeholder='e.g. "simpler words on slide 3", "add a slide about costs", "theme dark"',
        max_length=MAX_INSTRUCTION,
        custom_id=INSTRUCTION_ID,
    )

    def __init__(self, conversation_id: str, owner: str) -> None:
        super().__init__(
            title="Revise the video",
            custom_id=f"deckcast-modal:revise:{conversation_id}:{owner}",
            timeout=600,
        )


def modal_values(data: dict[str, Any]) -> dict[str, str]:
    """``custom_id -> value`` of every text input in a modal submission."""
    values: dict[str, str] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            if "components" in component:
                walk(component["components"])
            elif "component" in component:
                walk([component["component"]])
            elif "custom_id" in component and "value" in component:
                values[component["custom_id"]] = str(component["value"])

    walk(list(data.get("components", [])))
    return values
