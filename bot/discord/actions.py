"""What each slash command, button, modal and thread message does: acknowledge at once, check
who is asking, turn the event into an engine call, and leave the replies to a
:class:`~bot.discord.sink.DiscordSink`.

Every interaction is acknowledged (deferred) before any I/O; the 3-second deadline never
depends on the store, the model or a render.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from agent import PlanOptions
from deck import Aspect, to_markdown

from ..conversation import ConversationEngine, Incoming
from ..errors import BotError, UserInputError
from ..replies import ReplySink
from ..store import ConversationRecord
from .config import DiscordConfig
from .dedup import Deliveries
from .links import Links
from .outbox import ChannelOutbox, InteractionOutbox, Outbox
from .sink import ActiveCards, DiscordSink
from .translate import incoming, may_change, not_yours, read_outline
from .views import INSTRUCTION_ID, MODAL_ID, Action, ReviseModal, modal_values

log = logging.getLogger(__name__)

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
ON_MY_SIDE = "something went wrong on my side; your deck is safe, please try again"
NOT_IN_THREAD = (
    "Use this inside the thread of one of your videos (open the thread under the video)."
)


class NoteSink:
    """Collects what the engine says, for a reply of the bot's choosing."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    async def say(self, text: str) -> None:
        self.notes.append(text)

    async def failed(self, message: str) -> None:
        self.notes.append(message)

    async def planned(self, *_: Any) -> None: ...
    async def progress(self, *_: Any) -> None: ...
    async def storyboard(self, *_: Any) -> None: ...
    async def video(self, *_: Any) -> None: ...
    async def script(self, *_: Any) -> None: ...


class DeckActions:
    def __init__(
        self,
        client: discord.Client,
        engine: ConversationEngine,
        config: DiscordConfig,
        *,
        links: Links,
        active: ActiveCards,
        deliveries: Deliveries,
    ) -> None:
        self.client = client
        self.engine = engine
        self.config = config
        self.links = links
        self.active = active
        self.deliveries = deliveries

    # -- sinks ------------------------------------------------------------------------------

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
            engine=self.engine,
            links=self.links,
            active=self.active,
            config=self.config,
            conversation_id=conversation_id,
            in_thread=isinstance(outbox.channel, discord.Thread),
            heading=heading,
        )

    async def sink_for(self, conversation: ConversationRecord) -> ReplySink | None:
        """A sink for a conversation nobody is talking in right now (a render resumed after
        a restart): posts in its thread, or in the channel of the request."""
        home = await self.links.home(conversation.id)
        if home is None:
            return None
        channel = await self._channel(home.channel_id)
        if channel is None:
            return None
        outbox = ChannelOutbox(channel, home.upload_limit or _guild_limit(channel))
        return self.sink(
            outbox,
            conversation.owner,
            conversation_id=conversation.id,
            heading="Picking up where I left off before a restart…",
        )

    async def _channel(self, channel_id: int) -> discord.abc.Messageable | None:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.HTTPException:
                log.warning("channel %s is gone; cannot post there", channel_id)
                return None
        return channel if isinstance(channel, discord.abc.Messageable) else None

    async def _thread_outbox(
        self, conversation_id: str, interaction: discord.Interaction[Any]
    ) -> Outbox:
        """Where a button's or modal's results go: the deck's thread (or, without one, the
        channel of the click, through the interaction)."""
        if isinstance(interaction.channel, discord.Thread):
            link = await self.links.in_thread(interaction.channel.id)
            if link is not None and link.conversation_id == conversation_id:
                return ChannelOutbox(interaction.channel, interaction.filesize_limit)
        home = await self.links.home(conversation_id)
        if home is not None and home.thread_id is not None:
            thread = await self._channel(home.thread_id)
            if thread is not None:
                return ChannelOutbox(thread, home.upload_limit or interaction.filesize_limit)
        return InteractionOutbox(interaction, lifetime=self.config.token_lifetime)

    # -- /deck create ------------------------------------------------------------------------

    async def create(
        self,
        interaction: discord.Interaction[Any],
        *,
        request: str,
        outline: discord.Attachment | None,
        options: PlanOptions | None,
    ) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        outbox = InteractionOutbox(interaction, lifetime=self.config.token_lifetime)
        if not await self._acknowledge(interaction, outbox, visible=True):
            return
        owner = str(interaction.user.id)
        sink = self.sink(outbox, owner, heading="Planning your deck…")
        sink.start()
        record = None
        try:
            text = await read_outline(outline, self.config.max_outline_bytes) if outline else None
            if not request.strip() and text is None:
                raise UserInputError(
                    "say what the video should explain (request:) or attach a Markdown "
                    "outline (outline:)"
                )
            message = self._incoming(interaction, request, outline=text, options=options)
            record = await self.engine.start(message, sink)
            if record is not None:
                await self.links.remember_origin(
                    record.id,
                    owner=owner,
                    channel_id=interaction.channel_id or 0,
                    upload_limit=interaction.filesize_limit,
                )
        except BotError as exc:
            await sink.failed(str(exc))
            return
        except Exception:
            log.exception("/deck create failed")
            await sink.failed(ON_MY_SIDE)
            return
        if record is not None:
            await sink.settle(record.id)

    # -- /deck revise, /deck script ----------------------------------------------------------

    async def revise(self, interaction: discord.Interaction[Any], instruction: str) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        link = await self._thread_link(interaction)
        if link is None:
            return
        if not may_change(interaction.user, link.owner, self.config):
            await self._refuse(interaction, link.owner)
            return
        outbox = InteractionOutbox(interaction, lifetime=self.config.token_lifetime)
        if not await self._acknowledge(interaction, outbox, visible=True):
            return
        sink = self.sink(outbox, link.owner, conversation_id=link.conversation_id)
        sink.start()
        await self._run(
            sink,
            link.conversation_id,
            self.engine.handle(
                link.conversation_id, self._incoming(interaction, instruction), sink
            ),
        )

    async def script(self, interaction: discord.Interaction[Any]) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        link = await self._thread_link(interaction)
        if link is None:
            return
        outbox = InteractionOutbox(interaction, lifetime=self.config.token_lifetime)
        if not await self._acknowledge(interaction, outbox, visible=True):
            return
        sink = self.sink(outbox, link.owner, conversation_id=link.conversation_id)
        try:
            deck, version = await self.engine.current(link.conversation_id)
            await sink.script(to_markdown(deck), deck, version)
        except BotError as exc:
            await sink.failed(str(exc))

    async def _thread_link(self, interaction: discord.Interaction[Any]) -> Any:
        channel = interaction.channel
        link = None
        if isinstance(channel, discord.Thread):
            link = await self.links.in_thread(channel.id)
        if link is None:
            await interaction.response.send_message(NOT_IN_THREAD, ephemeral=True)
        return link

    # -- buttons and the revision modal -------------------------------------------------------

    async def button(
        self,
        interaction: discord.Interaction[Any],
        action: Action,
        conversation_id: str,
        owner: str,
    ) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        if not may_change(interaction.user, owner, self.config):
            await self._refuse(interaction, owner)
            return
        if action is Action.REVISE:
            await interaction.response.send_modal(ReviseModal(conversation_id, owner))
            return
        acknowledgement = InteractionOutbox(interaction, lifetime=self.config.token_lifetime)
        if not await self._acknowledge(interaction, acknowledgement, visible=False):
            return
        if action is Action.CANCEL:
            await self.cancel(interaction, conversation_id)
            return
        sink = self.sink(
            await self._thread_outbox(conversation_id, interaction),
            owner,
            conversation_id=conversation_id,
        )
        sink.start()
        message = self._incoming(interaction, f"({action.value} button)")
        engine = self.engine
        calls: dict[Action, Callable[[], Awaitable[Any]]] = {
            Action.PICTURES: lambda: engine.new_pictures(conversation_id, message, sink),
            Action.UNDO: lambda: engine.undo(conversation_id, message, sink),
            Action.VERTICAL: lambda: engine.set_aspect(conversation_id, Aspect.TALL, message, sink),
            Action.WIDE: lambda: engine.set_aspect(conversation_id, Aspect.WIDE, message, sink),
        }
        await self._run(sink, conversation_id, calls[action]())

    async def cancel(self, interaction: discord.Interaction[Any], conversation_id: str) -> None:
        notes = NoteSink()
        message = self._incoming(interaction, "cancel")
        try:
            cancelled = await self.engine.cancel(conversation_id, message, notes)
        except BotError as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        for card in self.active.take(conversation_id):
            card.cancelled(str(interaction.user.id))
        if not cancelled:
            await interaction.followup.send("Nothing is rendering right now.", ephemeral=True)

    async def modal_submit(self, interaction: discord.Interaction[Any], custom_id: str) -> bool:
        """Handle a revision modal's submission; False when it is not one of ours."""
        match = MODAL_ID.fullmatch(custom_id)
        if match is None:
            return False
        if not self.deliveries.fresh("interaction", interaction.id):
            return True
        conversation_id, owner = match["conversation"], match["owner"]
        if not may_change(interaction.user, owner, self.config):
            await self._refuse(interaction, owner)
            return True
        text = modal_values(dict(interaction.data or {})).get(INSTRUCTION_ID, "").strip()
        acknowledgement = InteractionOutbox(interaction, lifetime=self.config.token_lifetime)
        if not await self._acknowledge(interaction, acknowledgement, visible=False):
            return True
        sink = self.sink(
            await self._thread_outbox(conversation_id, interaction),
            owner,
            conversation_id=conversation_id,
        )
        sink.start()
        await self._run(
            sink,
            conversation_id,
            self.engine.handle(conversation_id, self._incoming(interaction, text), sink),
        )
        return True

    # -- messages in a deck's thread -----------------------------------------------------------

    async def thread_message(self, message: discord.Message) -> None:
        """A message in a deck's thread from its requester is a revision; others are
        ignored (people may talk about the video there)."""
        channel = message.channel
        if message.author.bot or not isinstance(channel, discord.Thread):
            return
        link = await self.links.in_thread(channel.id)
        if link is None or str(message.author.id) != link.owner:
            return
        if not self.deliveries.fresh("message", message.id):
            return
        if not await self.deliveries.first("message", message.id):
            return
        outline = next(
            (a for a in message.attachments if a.filename.lower().endswith((".md", ".markdown"))),
            None,
        )
        text = message.content.strip()
        if not text and outline is None:
            return
        home = await self.links.home(link.conversation_id)
        limit = (home.upload_limit if home else None) or _guild_limit(channel)
        sink = self.sink(
            ChannelOutbox(channel, limit), link.owner, conversation_id=link.conversation_id
        )
        sink.start()
        try:
            outline_text = (
                await read_outline(outline, self.config.max_outline_bytes) if outline else None
            )
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
        )
        await self._run(
            sink, link.conversation_id, self.engine.handle(link.conversation_id, request, sink)
        )

    # -- helpers ------------------------------------------------------------------------------

    def _incoming(
        self,
        interaction: discord.Interaction[Any],
        text: str,
        *,
        outline: str | None = None,
        options: PlanOptions | None = None,
    ) -> Incoming:
        return incoming(
            interaction.user,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            text=text,
            config=self.config,
            outline=outline,
            options=options,
        )

    async def _acknowledge(
        self, interaction: discord.Interaction[Any], outbox: InteractionOutbox, *, visible: bool
    ) -> bool:
        """Defer at once; False for a duplicate delivery (Discord or the store knew it)."""
        if not await outbox.defer(visible=visible):
            return False
        return await self.deliveries.first("interaction", interaction.id)

    async def _refuse(self, interaction: discord.Interaction[Any], owner: str) -> None:
        await interaction.response.send_message(not_yours(owner, self.config), ephemeral=True)

    async def _run(self, sink: DiscordSink, conversation_id: str, call: Awaitable[Any]) -> None:
        """Run an engine call for ``sink``: errors a person can fix are shown in its status
        message, anything else is logged and told briefly; the conversation stays usable."""
        try:
            await call
        except BotError as exc:
            await sink.failed(str(exc))
            return
        except Exception:
            log.exception("a request in conversation %s failed", conversation_id)
            await sink.failed(ON_MY_SIDE)
            return
        await sink.settle(conversation_id)


def _guild_limit(channel: Any) -> int:
    guild = getattr(channel, "guild", None)
    return int(getattr(guild, "filesize_limit", 0) or DEFAULT_UPLOAD_LIMIT)
