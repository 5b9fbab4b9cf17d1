"""The Discord client: wiring only. Dependencies come in through the constructor (built once
in ``main``), asynchronous set-up happens in :meth:`DeckcastBot.setup_hook`."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from ..engine import ConversationEngine
from .actions import DeckActions
from .commands import DeckCommands
from .config import DiscordConfig
from .dedup import Deliveries
from .destinations import Destinations
from .links import Links
from .reactions import Reactions
from .thread_messages import ThreadMessages
from .translate import PLATFORM
from .views import DeckButton

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Guilds (channels, threads, roles) and guild messages with their content: revisions are
    typed in threads, and Discord strips message text without the message-content intent;
    guild message reactions: a ✅ on a version's message approves it."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    intents.guild_reactions = True
    return intents


class DeckcastBot(discord.Client):
    def __init__(
        self,
        engine: ConversationEngine,
        config: DiscordConfig,
        *,
        intents: discord.Intents | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(intents=intents or bot_intents(), **options)
        self.engine = engine
        self.config = config
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self._command_error)
        self.links = Links(engine.links)
        self.destinations = Destinations(self, config, links=self.links)
        parts = (engine, config, self.links, self.destinations, Deliveries(engine.links))
        self.actions = DeckActions(*parts)
        self.thread_messages = ThreadMessages(*parts)
        self.reactions = Reactions(*parts)

    async def setup_hook(self) -> None:
        self.tree.add_command(DeckCommands(self.actions))
        self.add_dynamic_items(DeckButton)
        self.engine.register_platform(PLATFORM, self.destinations.for_conversation)
        if self.config.sync_commands:
            if self.config.dev_guild_id:
                guild = discord.Object(id=self.config.dev_guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
            log.info("synced %d slash command(s)", len(synced))
        resumed = await self.engine.recover()
        if resumed:
            log.info("resuming %d render(s) left unfinished by the last run", len(resumed))

    async def on_ready(self) -> None:
        log.info("connected as %s to %d guild(s)", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        await self.thread_messages.handle(message)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.reactions.added(payload)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            custom_id = str((interaction.data or {}).get("custom_id", ""))
            await self.actions.modal_submit(interaction, custom_id)

    async def _command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        log.error("slash command failed", exc_info=error)
        text = "Something went wrong on my side; please try again."
        if isinstance(error, app_commands.TransformerError | app_commands.CheckFailure):
            text = str(error)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the failed command")
