"""Messages in a deck's thread: the requester's are revisions, and so are the reviewers' (the
people the requester shared the deck with, everyone when it is open) and admins'; everyone
else's are ignored (people may talk about the video there). An attached Markdown outline
replaces the deck; an attached audio file is the deck's music ("use this as music")."""

from __future__ import annotations

import discord

from ..engine import split_fenced
from ..errors import UserInputError
from .destinations import upload_limit_of
from .listener import Listener
from .outbox import ChannelOutbox
from .translate import (
    OUTLINE_SUFFIXES,
    incoming,
    is_admin,
    is_audio,
    read_audio,
    read_outline,
)


class ThreadMessages(Listener):
    """Messages in the threads of the bot's decks."""

    async def handle(self, message: discord.Message) -> None:
        channel = message.channel
        if message.author.bot or not isinstance(channel, discord.Thread):
            return
        link = await self.links.in_thread(channel.id)
        if link is None:
            return
        author = str(message.author.id)
        if author != link.owner and not await self.engine.may_revise(
            link.conversation_id, author, admin=is_admin(message.author, self.config)
        ):
            return
        if not self.deliveries.fresh("message", message.id):
            return
        if not await self.deliveries.first("message", message.id):
            return
        outline = next(
            (a for a in message.attachments if a.filename.lower().endswith(OUTLINE_SUFFIXES)),
            None,
        )
        sound = next((a for a in message.attachments if is_audio(a)), None)  # music
        text, pasted = split_fenced(message.content)  # an outline pasted between ``` fences
        if not text and outline is None and pasted is None and sound is None:
            return
        home = await self.links.home(link.conversation_id)
        limit = (home.upload_limit if home else None) or upload_limit_of(channel)
        sink = self.destinations.sink(
            ChannelOutbox(channel, limit), link.owner, conversation_id=link.conversation_id
        )
        sink.start()
        try:
            outline_text = (
                await read_outline(outline, self.config.max_outline_bytes) if outline else pasted
            )
            audio = await read_audio(sound, self.config.max_music_bytes) if sound else None
        except UserInputError as exc:
            await sink.failed(str(exc))
            return
        request = incoming(
            message.author,
            guild_id=message.guild.id if message.guild else None,
            channel_id=channel.id,
            text=text,
            config=self.config,
            outline=outline_text,
            audio=audio,
        )
        await sink.run(
            link.conversation_id, self.engine.handle(link.conversation_id, request, sink)
        )
