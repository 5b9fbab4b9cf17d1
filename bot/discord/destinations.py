"""Where a request's replies go, and the sink that sends them there.

A slash command answers through its interaction; a button or the revision form answers in the
deck's thread; a render resumed after a restart posts in the thread (or the channel of the
request, when the first video never came). :class:`Destinations` builds the right
:class:`~bot.discord.outbox.Outbox` and wraps it in a :class:`~bot.discord.sink.DiscordSink`.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from ..engine import ReplySink
from .config import DiscordConfig
from .links import Links
from .outbox import ChannelOutbox, InteractionOutbox, Outbox
from .sink import DiscordSink

log = logging.getLogger(__name__)

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


class Destinations:
    def __init__(
        self,
        client: discord.Client,
        config: DiscordConfig,
        *,
        links: Links,
    ) -> None:
        self.client = client
        self.config = config
        self.links = links

    def sink(
        self,
        outbox: Outbox,
        owner: str,
        *,
        conversation_id: str | None = None,
        heading: str = "Working on it…",
    ) -> DiscordSink:
        return DiscordSink(
            outbox,
            owner=owner,
            links=self.links,
            config=self.config,
            conversation_id=conversation_id,
            in_thread=isinstance(outbox.channel, discord.Thread),
            heading=heading,
            find_channel=self.channel,
        )

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

    async def for_conversation(
        self, conversation_id: str, owner: str, job_id: str
    ) -> ReplySink | None:
        """A sink for a conversation nobody is talking in right now (a render resumed after
        a restart): the job's own status message goes on where it stopped; new messages go
        to the thread, or the channel of the request."""
        home = await self.links.home(conversation_id)
        status = await self.links.status_of(job_id)
        if status is not None:
            channel = await self.channel(status.channel_id)
            if channel is not None:
                limit = (home.upload_limit if home else None) or upload_limit_of(channel)
                outbox = ChannelOutbox(channel, limit)
                outbox.status_id = status.message_id
                return self.sink(
                    outbox,
                    owner,
                    conversation_id=conversation_id,
                    heading="Picking up where I left off before a restart…",
                )
        if home is None:
            return None
        channel = await self.channel(home.channel_id)
        if channel is None:
            return None
        outbox = ChannelOutbox(channel, home.upload_limit or upload_limit_of(channel))
        return self.sink(
            outbox,
            owner,
            conversation_id=conversation_id,
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
