"""Where a request's replies go, and the sink that sends them there.

A slash command answers through its interaction; a button or the revision form answers in the
deck's thread; a render resumed after a restart posts in the thread (or the channel of the
request, when the first video never came). :class:`Destinations` builds the right
:class:`~bot.discord.outbox.Outbox` and wraps it in a :class:`~bot.discord.sink.DiscordSink`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

import discord

from ..conversation import ConversationEngine
from ..replies import ReplySink
from ..store import ConversationRecord
from .config import DiscordConfig
from .links import Links
from .outbox import ChannelOutbox, InteractionOutbox, Outbox
from .sink import ActiveCards, DiscordSink

log = logging.getLogger(__name__)

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


class Destinations:
    def __init__(
        self,
        client: discord.Client,
        engine: ConversationEngine,
        config: DiscordConfig,
        *,
        links: Links,
        active: ActiveCards,
    ) -> None:
        self.client = client
        self.engine = engine
        self.config = config
        self.links = links
        self.active = active
        self._sinks: weakref.WeakSet[DiscordSink] = weakref.WeakSet()

    def sink(
        self,
        outbox: Outbox,
        owner: str,
        *,
        conversation_id: str | None = None,
        heading: str = "Working on it…",
    ) -> DiscordSink:
        sink = DiscordSink(
            outbox,
            owner=owner,
            engine=self.engine,
            links=self.links,
            active=self.active,
            config=self.config,
            conversation_id=conversation_id,
            in_thread=isinstance(outbox.channel, discord.Thread),
            heading=heading,
        )
        self._sinks.add(sink)
        return sink

    async def close(self) -> None:
        """Drop the progress edits not sent yet (the client is shutting down)."""
        await asyncio.gather(*(sink.editor.close() for sink in list(self._sinks)))

    def interaction(self, interaction: discord.Interaction[Any]) -> InteractionOutbox:
        return InteractionOutbox(interaction, lifetime=self.config.token_lifetime)

    async def results(self, conversation_id: str, interaction: discord.Interaction[Any]) -> Outbox:
        """Where a button's or the form's results go: the deck's thread (or, without one,
        the channel of the click, through the interaction)."""
        channel = interaction.channel
        if isinstance(channel, discord.Thread):
            link = await self.links.in_thread(channel.id)
            if link is not None and link.conversation_id == conversation_id:
                return ChannelOutbox(channel, interaction.filesize_limit)
        home = await self.links.home(conversation_id)
        if home is not None and home.thread_id is not None:
            thread = await self.channel(home.thread_id)
            if thread is not None:
                return ChannelOutbox(thread, home.upload_limit or interaction.filesize_limit)
        return self.interaction(interaction)

    async def for_conversation(self, conversation: ConversationRecord) -> ReplySink | None:
        """A sink for a conversation nobody is talking in right now (a render resumed after
        a restart): posts in its thread, or in the channel of the request."""
        home = await self.links.home(conversation.id)
        if home is None:
            return None
        channel = await self.channel(home.channel_id)
        if channel is None:
            return None
        outbox = ChannelOutbox(channel, home.upload_limit or upload_limit_of(channel))
        return self.sink(
            outbox,
            conversation.owner,
            conversation_id=conversation.id,
            heading="Picking up where I left off before a restart…",
        )

    async def channel(self, channel_id: int) -> discord.abc.Messageable | None:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.HTTPException:
                log.warning("channel %s is gone; cannot post there", channel_id)
                return None
        return channel if isinstance(channel, discord.abc.Messageable) else None


def upload_limit_of(channel: Any) -> int:
    """The largest file the channel's server accepts (Discord's default without one)."""
    guild = getattr(channel, "guild", None)
    return int(getattr(guild, "filesize_limit", 0) or DEFAULT_UPLOAD_LIMIT)
