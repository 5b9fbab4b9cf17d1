"""Reactions: a ✅ on the message of a version (its video, or its script under review) approves
that version, when the person reacting may review the deck; other reactions, and reactions of
people who may not, are left alone (people react to videos for many reasons).

Discord sends no id with a reaction event: a repeated delivery is counted once by the store
(one approval per person and version), and the thread hears about the first one only.
"""

from __future__ import annotations

import logging

import discord

from ..engine import Action
from ..errors import BotError
from .destinations import upload_limit_of
from .listener import Listener
from .outbox import ChannelOutbox
from .translate import incoming, is_admin

log = logging.getLogger(__name__)

APPROVING = frozenset({"✅", "☑️", "✔️"})


class Reactions(Listener):
    """Reactions on the messages of the bot's decks."""

    async def added(self, payload: discord.RawReactionActionEvent) -> None:
        member = payload.member
        if str(payload.emoji) not in APPROVING or member is None or member.bot:
            return
        found = await self.links.version_of(payload.message_id)
        if found is None:
            return
        conversation_id, version = found
        user, admin = str(member.id), is_admin(member, self.config)
        if not await self.engine.may(Action.APPROVE, conversation_id, user, admin=admin):
            return
        home = await self.links.home(conversation_id)
        channel = await self.destinations.channel(home.channel_id if home else payload.channel_id)
        if home is None or channel is None:
            return
        sink = self.destinations.sink(
            ChannelOutbox(channel, home.upload_limit or upload_limit_of(channel)),
            home.owner,
            conversation_id=conversation_id,
        )
        request = incoming(
            member,
            guild_id=payload.guild_id,
            channel_id=payload.channel_id,
            text="(✅ reaction)",
            config=self.config,
            version=version,
        )
        try:
            await self.engine.act(Action.APPROVE, conversation_id, request, sink)
        except BotError as exc:
            log.info("a ✅ on version %s of %s was not counted: %s", version, conversation_id, exc)
        await sink.flush()
