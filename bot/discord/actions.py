"""What each slash command, button and the revision form do: acknowledge at once, check who
is asking, turn the interaction into an engine call, and leave the replies to a
:class:`~bot.discord.sink.DiscordSink`.

Every interaction is acknowledged (deferred) before any I/O; the 3-second deadline never
depends on the store, the model or a render.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord

from agent import PlanOptions
from deck import DeckError

from ..engine import ACTIONS, Action, Incoming, may_act, split_fenced
from ..errors import BotError, NotAllowed
from .links import ThreadLink
from .listener import Listener
from .outbox import Edit, InteractionOutbox
from .sink import ON_MY_SIDE, DiscordSink
from .translate import check_outline, incoming, is_admin, not_yours, read_outline
from .views import INSTRUCTION_ID, MODAL_ID, ReviseModal, modal_values

log = logging.getLogger(__name__)

NOT_IN_THREAD = (
    "Use this inside the thread of one of your videos (open the thread under the video)."
)


class NoteSink:
    """Collects what the engine says, for a reply of the bot's choosing."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    async def say(self, text: str) -> None:
        self.notes.append(text)

    async def failed(self, message: str, *, version: int | None = None) -> None:
        self.notes.append(message)

    async def planned(self, *_: Any) -> None: ...
    async def progress(self, *_: Any) -> None: ...
    async def storyboard(self, *_: Any) -> None: ...
    async def video(self, *_: Any) -> None: ...
    async def too_big(self, *_: Any) -> None: ...
    async def script(self, *_: Any) -> None: ...
    async def exported(self, *_: Any) -> None: ...
    async def report(self, text: str) -> None:
        self.notes.append(text)

    async def script_review(self, *_: Any) -> None: ...
    async def approved(self, *_: Any) -> None: ...
    async def close(self) -> None: ...


class DeckActions(Listener):
    """The /deck commands, the buttons and the revision form."""

    # -- /deck create ------------------------------------------------------------------------

    async def create(
        self,
        interaction: discord.Interaction[Any],
        *,
        request: str,
        outline: discord.Attachment | None,
        options: PlanOptions | None,
        review: bool | None = None,
    ) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        request, pasted = split_fenced(request)  # an outline pasted into request:
        if not request.strip() and pasted is None and outline is None:
            await self._refuse_privately(
                interaction,
                "Say what the video should explain (request:) or attach a Markdown outline "
                "(outline:).",
            )
            return
        first = self._incoming(interaction, request, outline=pasted, options=options, review=review)
        try:  # refused before anything public is posted: too long, junk, busy, a full queue
            if outline is not None:
                check_outline(outline, self.config.max_outline_bytes)
            await self.engine.precheck(first, outline_follows=outline is not None)
        except (BotError, DeckError) as exc:
            if await self.deliveries.first("interaction", interaction.id):
                await self._refuse_privately(interaction, _sentence(exc))
            return
        outbox = self.destinations.interaction(interaction)
        if not await self._acknowledge(interaction, outbox, visible=True):
            return
        owner = str(interaction.user.id)
        sink = self.destinations.sink(outbox, owner, heading="Planning your deck…")
        sink.start()
        record = None
        try:
            text = await read_outline(outline, self.config.max_outline_bytes) if outline else None
            if text is not None:
                message = self._incoming(
                    interaction, request, outline=text, options=options, review=review
                )
                await self.engine.precheck(message)
            else:
                message = first
        except (BotError, DeckError) as exc:  # an attached outline that cannot be used
            await self._take_back(interaction, outbox, sink, _sentence(exc))
            return

        async def remember_origin(conversation_id: str) -> None:  # before its render starts
            await self.links.remember_origin(
                conversation_id,
                owner=owner,
                channel_id=interaction.channel_id or 0,
                upload_limit=interaction.filesize_limit,
            )

        try:
            record = await self.engine.start(message, sink, on_created=remember_origin)
        except BotError as exc:
            await sink.failed(str(exc))
            return
        except Exception:
            log.exception("/deck create failed")
            await sink.failed(ON_MY_SIDE)
            return
        if record is not None:
            sink.settled(record.id)

    # -- /deck revise, /deck script ----------------------------------------------------------

    async def revise(self, interaction: discord.Interaction[Any], instruction: str) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        link = await self._thread_link(interaction)
        if link is None:
            return
        if not await self._may_here(Action.REVISE, interaction, link.conversation_id, link.owner):
            await self._refuse(interaction, link.owner, link.conversation_id)
            return
        outbox = self.destinations.interaction(interaction)
        if not await self._acknowledge(interaction, outbox, visible=True):
            return
        sink = self.destinations.sink(outbox, link.owner, conversation_id=link.conversation_id)
        sink.start()
        await sink.run(
            link.conversation_id,
            self.engine.handle(
                link.conversation_id, self._incoming(interaction, instruction), sink
            ),
        )

    async def script(self, interaction: discord.Interaction[Any]) -> None:
        """``/deck script`` in a deck's thread: anyone may ask, nothing changes."""
        await self._ask_in_thread(interaction, self.engine.script)

    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """``/deck export`` in a deck's thread: anyone may ask, nothing changes."""
        await self._ask_in_thread(interaction, self.engine.export)

    async def history(self, interaction: discord.Interaction[Any]) -> None:
        """``/deck history`` in a deck's thread: every version, who, what, when. Anyone may."""
        await self._ask_in_thread(interaction, self.engine.history)

    async def share(
        self,
        interaction: discord.Interaction[Any],
        user: discord.abc.User | None,
        *,
        everyone: bool = False,
    ) -> None:
        """``/deck share`` in a deck's thread: its owner (or an admin) lets someone, or everyone
        in the channel, revise and approve the deck."""
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        link = await self._thread_link(interaction)
        if link is None:
            return
        person = interaction.user
        if str(person.id) != link.owner and not is_admin(person, self.config):
            text = not_yours(link.owner, self.config, sharing=True)
            await self._refuse_privately(interaction, text)
            return
        if user is None and not everyone:
            await self._refuse_privately(
                interaction, "Name who may review (`user:`), or open it to `everyone:`."
            )
            return
        outbox = self.destinations.interaction(interaction)
        if not await self._acknowledge(interaction, outbox, visible=True):
            return
        sink = self.destinations.sink(outbox, link.owner, conversation_id=link.conversation_id)
        people = [str(user.id)] if user is not None and not user.bot else []
        call = self.engine.share(
            link.conversation_id,
            self._incoming(interaction, "(/deck share)"),
            sink,
            people=people,
            everyone=everyone,
        )
        await sink.run(link.conversation_id, call)

    async def settings(self, interaction: discord.Interaction[Any], *, review: bool) -> None:
        """``/deck settings review:`` — an admin (the configured admin roles, or anyone who
        may manage the server) chooses whether this server's new decks post their script for
        review first."""
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        msg = self._incoming(interaction, "(/deck settings)")
        if not msg.admin and interaction.permissions.manage_guild:
            msg = replace(msg, admin=True)
        try:
            said = await self.engine.set_review_mode(msg, review)
        except NotAllowed:
            roles = " / ".join(self.config.admin_roles)
            who = "Manage Server permission" + (f" or the role {roles}" if roles else "")
            await self._refuse_privately(
                interaction, f"Only an admin ({who}) can choose how this server's decks start."
            )
            return
        await interaction.response.send_message(f"⚙️ {said}")

    async def _ask_in_thread(
        self,
        interaction: discord.Interaction[Any],
        call: Callable[[str, DiscordSink], Awaitable[Any]],
    ) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        link = await self._thread_link(interaction)
        if link is None:
            return
        outbox = self.destinations.interaction(interaction)
        if not await self._acknowledge(interaction, outbox, visible=True):
            return
        sink = self.destinations.sink(outbox, link.owner, conversation_id=link.conversation_id)
        await sink.run(link.conversation_id, call(link.conversation_id, sink))

    async def _thread_link(self, interaction: discord.Interaction[Any]) -> ThreadLink | None:
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
        *,
        version: int | None = None,
    ) -> None:
        if not self.deliveries.fresh("interaction", interaction.id):
            return
        if not await self._may_here(action, interaction, conversation_id, owner):
            await self._refuse(interaction, owner, conversation_id)
            return
        if ACTIONS[action].form:  # Revise, Change: ask for the change first
            await interaction.response.send_modal(ReviseModal(conversation_id, owner))
            return
        acknowledgement = self.destinations.interaction(interaction)
        if not await self._acknowledge(interaction, acknowledgement, visible=False):
            return
        message = self._incoming(interaction, f"({action.value} button)", version=version)
        if action is Action.CANCEL:  # the render's own status message says who cancelled
            notes = NoteSink()
            await self._act(interaction, action, conversation_id, message, notes)
            if notes.notes and notes.notes[-1] != "Cancelled the render.":
                await interaction.followup.send(notes.notes[-1], ephemeral=True)
            return
        if action is Action.APPROVE:  # noted in the thread once, whoever presses it again
            await self.approve(interaction, conversation_id, owner, message)
            return
        sink = self.destinations.sink(
            await self.destinations.results(conversation_id, interaction),
            owner,
            conversation_id=conversation_id,
        )
        sink.start()
        await sink.run(
            conversation_id, self._act(interaction, action, conversation_id, message, sink)
        )

    async def _act(
        self,
        interaction: discord.Interaction[Any],
        action: Action,
        conversation_id: str,
        message: Incoming,
        sink: Any,
    ) -> None:
        try:
            await self.engine.act(action, conversation_id, message, sink)
        except NotAllowed as exc:  # (an owner check the custom id could not settle)
            await interaction.followup.send(str(exc), ephemeral=True)

    async def approve(
        self,
        interaction: discord.Interaction[Any],
        conversation_id: str,
        owner: str,
        message: Incoming,
    ) -> None:
        """Approve: the thread hears it the first time a person approves a version, and a
        repeated press says nothing there (only an empty card would)."""
        sink = self.destinations.sink(
            await self.destinations.results(conversation_id, interaction),
            owner,
            conversation_id=conversation_id,
        )
        await self._act(interaction, Action.APPROVE, conversation_id, message, sink)
        await sink.flush()

    async def modal_submit(self, interaction: discord.Interaction[Any], custom_id: str) -> bool:
        """Handle a revision modal's submission; False when it is not one of ours."""
        match = MODAL_ID.fullmatch(custom_id)
        if match is None:
            return False
        if not self.deliveries.fresh("interaction", interaction.id):
            return True
        conversation_id, owner = match["conversation"], match["owner"]
        if not await self._may_here(Action.REVISE, interaction, conversation_id, owner):
            await self._refuse(interaction, owner, conversation_id)
            return True
        text = modal_values(dict(interaction.data or {})).get(INSTRUCTION_ID, "").strip()
        acknowledgement = self.destinations.interaction(interaction)
        if not await self._acknowledge(interaction, acknowledgement, visible=False):
            return True
        sink = self.destinations.sink(
            await self.destinations.results(conversation_id, interaction),
            owner,
            conversation_id=conversation_id,
        )
        sink.start()
        await sink.run(
            conversation_id,
            self.engine.handle(conversation_id, self._incoming(interaction, text), sink),
        )
        return True

    # -- helpers ------------------------------------------------------------------------------

    def _incoming(
        self,
        interaction: discord.Interaction[Any],
        text: str,
        *,
        outline: str | None = None,
        options: PlanOptions | None = None,
        review: bool | None = None,
        version: int | None = None,
    ) -> Incoming:
        return incoming(
            interaction.user,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            text=text,
            config=self.config,
            outline=outline,
            options=options,
            review=review,
            version=version,
        )

    async def _acknowledge(
        self, interaction: discord.Interaction[Any], outbox: InteractionOutbox, *, visible: bool
    ) -> bool:
        """Defer at once; False for a duplicate delivery (Discord or the store knew it)."""
        if not await outbox.defer(visible=visible):
            return False
        return await self.deliveries.first("interaction", interaction.id)

    def _may(self, action: Action, interaction: discord.Interaction[Any], owner: str) -> bool:
        """Settled from the button's own id, before any I/O (the 3-second deadline)."""
        user = interaction.user
        return may_act(action, user=str(user.id), owner=owner, admin=is_admin(user, self.config))

    async def _may_here(
        self,
        action: Action,
        interaction: discord.Interaction[Any],
        conversation_id: str,
        owner: str,
    ) -> bool:
        """The owner and admins are settled from the button's id at once; anyone else costs
        one read of the store (are they a reviewer, is the deck open to everyone?)."""
        if self._may(action, interaction, owner):
            return True
        user = interaction.user
        return await self.engine.may(
            action, conversation_id, str(user.id), admin=is_admin(user, self.config)
        )

    async def _refuse_privately(self, interaction: discord.Interaction[Any], text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    async def _take_back(
        self,
        interaction: discord.Interaction[Any],
        outbox: InteractionOutbox,
        sink: DiscordSink,
        text: str,
    ) -> None:
        """A refusal found after the public "thinking…" reply: that reply is removed and the
        person alone is told (nothing of what they sent is shown in the channel)."""
        await sink.close()
        try:
            await interaction.delete_original_response()
            await interaction.followup.send(text, ephemeral=True)
        except discord.HTTPException:  # the token is gone: say it in the status message
            log.warning("could not answer privately; telling in the status message")
            await outbox.show(Edit(f"⚠️ {text}", None))

    async def _refuse(
        self, interaction: discord.Interaction[Any], owner: str, conversation_id: str
    ) -> None:
        """Told privately, naming who may: the owner, the reviewers they chose, admins."""
        access = await self.engine.access(conversation_id)
        reviewers = access.reviewers if access else ()
        await interaction.response.send_message(
            not_yours(owner, self.config, reviewers), ephemeral=True
        )


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")
