"""Buttons and the revision modal.

Every button is a :class:`DeckButton` whose ``custom_id`` carries the action, the conversation
and the requester (``deckcast:undo:<conversation>:<user id>``), so a click is understood
without any in-memory state: buttons keep working after the bot restarts, and whether the
person clicking may act is known before anything is looked up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from deck import Aspect

from ..engine import ACTIONS, Action, rendering_actions, result_actions

if TYPE_CHECKING:
    from .actions import DeckActions

IDS = r"(?P<conversation>[0-9a-f]{1,32}):(?P<owner>\d{1,20})"
BUTTON_TEMPLATE = r"deckcast:(?P<action>[a-z]+):" + IDS
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
    def __init__(self, action: Action, conversation_id: str, owner: str) -> None:
        spec = ACTIONS[action]
        super().__init__(
            discord.ui.Button(
                style=STYLES[spec.style],
                label=spec.label,
                emoji=spec.emoji,
                custom_id=f"deckcast:{action.value}:{conversation_id}:{owner}",
            )
        )
        self.action = action
        self.conversation_id = conversation_id
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DeckButton:
        return cls(Action(match["action"]), match["conversation"], match["owner"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client: HasActions = interaction.client
        await client.actions.button(interaction, self.action, self.conversation_id, self.owner)


def _view(actions: list[Action], conversation_id: str, owner: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(DeckButton(action, conversation_id, owner))
    return view


def result_view(conversation_id: str, owner: str, aspect: Aspect, version: int) -> discord.ui.View:
    """Under a finished video: the engine's result buttons (Revise, New pictures, Undo, the
    other frame shape, Export)."""
    return _view(result_actions(aspect, version), conversation_id, owner)


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
