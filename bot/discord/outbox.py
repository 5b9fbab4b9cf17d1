"""Where one request's replies go: its status message (edited in place) and new messages.

Two kinds, same interface:

- :class:`InteractionOutbox` answers a slash command, button or modal through the interaction
  token (the deferred reply is the status message). The token dies 15 minutes after the
  interaction; from then on (or as soon as Discord says the token is invalid) the same
  messages are edited and sent through the bot's channel APIs, so a long render still lands.
- :class:`ChannelOutbox` talks in a channel or thread with the bot's own APIs: thread
  messages, button actions whose results go to the deck's thread, renders resumed after a
  restart.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord

log = logging.getLogger(__name__)

TOKEN_GONE = {50027, 10015}  # invalid webhook token, unknown webhook
ALREADY_ACKNOWLEDGED = 40060


@dataclass
class Edit:
    """The wanted state of the status message. ``view`` is ``...`` for "leave the buttons as
    they are" and ``None`` for "remove them"."""

    content: str
    view: Any = ...
    files: list[Any] = field(default_factory=list)


def merge_edits(held: Edit, newer: Edit) -> Edit:
    """``newer`` replaces an edit not sent yet, keeping its files (attachments are never
    dropped) and its buttons unless ``newer`` says otherwise."""
    view = held.view if newer.view is ... else newer.view
    return Edit(newer.content, view, [*held.files, *newer.files])


@dataclass(frozen=True)
class Upload:
    """A file to attach. discord.py closes a :class:`discord.File` after one request, so a fresh
    one is made for every attempt."""

    filename: str
    path: Path | None = None
    data: bytes | None = None

    def file(self) -> discord.File:
        if self.path is not None:
            return discord.File(self.path, filename=self.filename)
        return discord.File(io.BytesIO(self.data or b""), filename=self.filename)


class Outbox:
    """Base: messages go to ``channel`` through the bot's own APIs."""

    def __init__(self, channel: discord.abc.Messageable, upload_limit: int) -> None:
        self.channel = channel
        self.upload_limit = upload_limit
        self.status_id: int | None = None

    @property
    def guild_id(self) -> int | None:
        guild = getattr(self.channel, "guild", None)
        return getattr(guild, "id", None) or getattr(self.channel, "guild_id", None)

    async def show(self, edit: Edit) -> None:
        """Create or update the status message."""
        if self.status_id is not None:
            partial = self.channel.get_partial_message(self.status_id)  # type: ignore[attr-defined]
            try:
                await partial.edit(**_edit_kwargs(edit))
                return
            except discord.NotFound:  # deleted meanwhile: start a new one
                pass
        message = await self.channel.send(**_send_kwargs(edit))
        self.status_id = message.id

    async def send(
        self,
        content: str,
        *,
        files: Sequence[Upload] = (),
        view: discord.ui.View | None = None,
    ) -> discord.Message:
        return await self.channel.send(content, files=_files(files), **_view_kwarg(view))

    async def start_thread(self, message: discord.abc.Snowflake, name: str, minutes: int) -> Any:
        """A public thread on ``message`` (None where threads cannot be started)."""
        channel = self.channel
        if isinstance(channel, discord.Thread) or not hasattr(channel, "create_thread"):
            return None
        return await channel.create_thread(  # type: ignore[attr-defined]
            name=name, message=message, auto_archive_duration=minutes
        )


class ChannelOutbox(Outbox):
    """Replies through the bot's channel APIs."""


class InteractionOutbox(Outbox):
    """Replies through an interaction's token while it lives, then through the channel."""

    def __init__(
        self,
        interaction: discord.Interaction,
        *,
        lifetime: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            channel = interaction.client.get_partial_messageable(  # type: ignore[attr-defined]
                interaction.channel_id or 0, guild_id=interaction.guild_id
            )
        super().__init__(channel, interaction.filesize_limit)
        self.interaction = interaction
        self._clock = clock
        self._expires = clock() + lifetime
        self._token_ok = True
        self._deferred_reply = False

    @property
    def token_alive(self) -> bool:
        return self._token_ok and self._clock() < self._expires

    async def defer(self, *, visible: bool) -> bool:
        """Acknowledge the interaction at once. ``visible``: a "thinking…" reply that becomes
        the status message; otherwise nothing is shown (a button press). False when Discord
        says it was acknowledged already (a duplicate delivery)."""
        try:
            callback = await self.interaction.response.defer(thinking=visible)
        except discord.HTTPException as exc:
            if exc.code == ALREADY_ACKNOWLEDGED:
                return False
            raise
        if visible:
            self._deferred_reply = True
            message_id = getattr(callback, "message_id", None)
            resource = getattr(callback, "resource", None)
            self.status_id = message_id or getattr(resource, "id", None)
        return True

    async def show(self, edit: Edit) -> None:
        if self.token_alive:
            try:
                if self._deferred_reply:
                    message = await self.interaction.edit_original_response(**_edit_kwargs(edit))
                    self.status_id = message.id
                    return
                if self.status_id is None:
                    message = await self.interaction.followup.send(wait=True, **_send_kwargs(edit))
                    self.status_id = message.id
                    return
                await self.interaction.followup.edit_message(self.status_id, **_edit_kwargs(edit))
                return
            except discord.HTTPException as exc:
                if not self._token_failed(exc):
                    raise
        await super().show(edit)

    async def send(
        self,
        content: str,
        *,
        files: Sequence[Upload] = (),
        view: discord.ui.View | None = None,
    ) -> discord.Message:
        if self.token_alive:
            try:
                return await self.interaction.followup.send(
                    content, files=_files(files), wait=True, **_view_kwarg(view)
                )
            except discord.HTTPException as exc:
                if not self._token_failed(exc):
                    raise
        return await super().send(content, files=files, view=view)

    def _token_failed(self, exc: discord.HTTPException) -> bool:
        """True (and switch to the channel APIs) when the token no longer works."""
        if exc.status == 401 or exc.code in TOKEN_GONE:
            log.info("interaction token expired; continuing through the channel APIs")
            self._token_ok = False
            return True
        return False


def _files(uploads: Sequence[Upload]) -> list[discord.File]:
    return [upload.file() for upload in uploads]


def _view_kwarg(view: Any) -> dict[str, Any]:
    return {} if view is ... or view is None else {"view": view}


def _send_kwargs(edit: Edit) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"content": edit.content, **_view_kwarg(edit.view)}
    if edit.files:
        kwargs["files"] = _files(edit.files)
    return kwargs


def _edit_kwargs(edit: Edit) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"content": edit.content}
    if edit.view is not ...:
        kwargs["view"] = edit.view
    if edit.files:
        kwargs["attachments"] = _files(edit.files)
    return kwargs
