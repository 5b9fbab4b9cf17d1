"""The engine's replies as Discord messages: one status message per request, edited in place.

A :class:`DiscordSink` is made for each thing a person does (a slash command, a button, a
message in the thread) and handed to the engine, which calls it as the work goes on:

- notes, the plan, queue position and render progress change the :class:`StatusCard`, and a
  :class:`~bot.throttle.ThrottledEditor` shows it (one edit per ``edit_interval`` at most, the
  last state always shown); the storyboard is attached to the same message as soon as it exists;
- the video is posted as a new message with the result buttons; a video over the upload limit
  is refused with :class:`~bot.errors.UploadTooLarge` (the engine makes a smaller copy), and
  the first video of a conversation opens its thread;
- a cancelled or superseded render, and a failure, are shown in the same status message;
- the history, a version or a comparison (``report``) is the status message's text, whole; a
  script waiting for review is a message of its own with the Render / Change buttons (the first
  one opens the thread); an approval is noted and marked on the version's message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import discord

from deck import Deck, to_markdown

from ..engine import ExportReady, JobUpdate, VideoReady, script_lines
from ..errors import BotError, UploadFailed, UploadTooLarge
from ..throttle import RateLimited, ThrottledEditor
from .card import Phase, StatusCard
from .config import DiscordConfig
from .links import Links
from .outbox import Edit, Outbox, Upload, merge_edits
from .translate import file_stem, megabytes, thread_name, video_caption
from .views import cancel_view, result_view, script_view

log = logging.getLogger(__name__)

FILE_TOO_LARGE = 40005  # Discord's JSON error code for "Request entity too large"
# Discord's upload limits (free, boost level 2, boost level 3): a refused file is over one.
KNOWN_LIMITS = (10 * 1024 * 1024, 50 * 1024 * 1024, 100 * 1024 * 1024)

ON_MY_SIDE = "something went wrong on my side; your deck is safe, please try again"
APPROVED = "✅ Approved by "  # the line an approval adds to its version's message
REPORT_ROOM = 1900  # characters of a report shown in the message; the whole one is attached

# a channel or thread by id (None when it is gone): where a version's message is
FindChannel = Callable[[int], Awaitable["discord.abc.Messageable | None"]]

THREAD_INTRO = (
    "Write here to change the video — only <@{owner}>'s messages count. For example: "
    '"simpler words on slide 3", "add a slide about costs after slide 2", "theme dark", '
    '"new picture for slide 2", "undo", "show me the script". '
    "Only the slides that change are rendered again."
)


class DiscordSink:
    """One request's replies (a :class:`~bot.engine.ReplySink`)."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        owner: str,
        links: Links,
        config: DiscordConfig,
        conversation_id: str | None = None,
        in_thread: bool = False,
        heading: str = "Working on it…",
        find_channel: FindChannel | None = None,
    ) -> None:
        self.outbox = outbox
        self.find_channel = find_channel
        self.owner = owner
        self.links = links
        self.config = config
        self.conversation_id = conversation_id
        self.in_thread = in_thread
        self.card = StatusCard(heading=heading)
        self.editor = ThrottledEditor(self._apply, config.edit_interval, merge=merge_edits)
        self.job_id: str | None = None
        self._kept: set[str] = set()  # jobs whose status message location is stored

    # -- the ReplySink protocol -----------------------------------------------------------

    async def say(self, text: str) -> None:
        self.card.note(text)
        self._show()

    async def planned(self, deck: Deck, version: int) -> None:
        self.card.planned(deck, version)
        self._show()

    async def progress(self, update: JobUpdate) -> None:
        if self.card.phase.finished and update.job_id == self.job_id:
            return  # a late event of a render this message already closed
        if update.state == "cancelled":
            self.card.heading = f"Cancelled by <@{update.by}>." if update.by else "Cancelled."
            self._finish(Phase.CANCELLED)
            await self._thread_on_status()  # a first render cancelled still gets its thread
            return
        if update.state == "superseded":
            newer = f"version {update.replaced_by}" if update.replaced_by else "a newer version"
            self._finish(Phase.SUPERSEDED, f"Replaced by {newer}.")
            return
        if update.state == "delivered":  # posted by the last run, stopped before this edit
            self.job_id = update.job_id
            self._finish(Phase.DONE, f"Done — version {update.version} is in the thread.")
            await self.editor.flush(within=self.config.finish_within)
            return
        if update.state == "paused":  # the bot is stopping: say so now, not at the next edit
            self.card.phase = Phase.PAUSED
            await self.editor.show(Edit(self.card.text(), None), final=True)
            return
        self.conversation_id = update.conversation_id
        self.job_id = update.job_id
        self.card.version = update.version
        if update.state == "queued":
            self.card.phase = Phase.QUEUED
            self.card.queue_position = update.queue_position
        elif update.state == "fitting":
            self.card.phase = Phase.FITTING
            self.card.event = update.event
        else:
            self.card.phase = Phase.RENDERING
            self.card.event = update.event or self.card.event
        self._show(view=cancel_view(update.conversation_id, self.owner))

    async def storyboard(self, path: Path, deck: Deck, version: int) -> None:
        size = await asyncio.to_thread(lambda: path.stat().st_size)
        if size > await self._upload_limit():
            self.card.footer = "🖼️ The storyboard is too big to attach here; the video is coming."
            self._show()
            return
        self.card.footer = "🖼️ Storyboard attached — the video is on its way."
        self._show(files=[Upload(f"{file_stem(deck.title)}-v{version}-storyboard.png", path=path)])

    async def video(self, ready: VideoReady) -> None:
        self.conversation_id = ready.conversation_id
        limit = await self._upload_limit()
        if ready.size_bytes > limit:
            self._over_limit(ready, limit)
            raise UploadTooLarge(limit)
        # The storyboard and the last progress go first, but a rate-limited edit never holds
        # the video back.
        await self.editor.flush(within=self.config.flush_before_video)
        message = await self._post_video(ready)
        if message is None:  # told in the status message why, with what to try
            raise UploadFailed("discord", self.card.error or "the post was refused")
        await ready.posted()  # a stop from here on must not post it again
        if not self.in_thread:
            await self._open_thread(message, ready.conversation_id, ready.deck.title)
        self.card.footer = None
        self._finish(Phase.DONE, "Done — the video is below.")
        await self.links.remember_message(  # a ✅ on it approves this version
            message.id, ready.conversation_id, version=ready.version, channel_id=message.channel.id
        )
        # The job is done once this returns: the status message says so first (a stop right
        # after would otherwise leave it at "on its way" with a live Cancel button).
        await self.editor.flush(within=self.config.finish_within)

    async def _post_video(self, ready: VideoReady) -> discord.Message | None:
        """Post the video, trying again later when Discord refuses it after discord.py's own
        retries (a 429 that does not end, a 5xx, a dropped connection). Raises
        :class:`UploadTooLarge` when Discord says the file is too big for the guild."""
        note = "(a smaller copy, to fit the upload limit)" if ready.smaller_copy else ""
        problem: Exception | None = None
        for delay in (0.0, *self.config.post_retry_delays):
            if delay:
                log.warning(
                    "posting version %s failed (%s); again in %.0f s", ready.version, problem, delay
                )
                await asyncio.sleep(delay)
            try:
                return await self.outbox.send(
                    video_caption(ready, note=note),
                    files=[
                        Upload(f"{file_stem(ready.deck.title)}-v{ready.version}.mp4", ready.video)
                    ],
                    view=result_view(
                        ready.conversation_id,
                        self.owner,
                        ready.deck.aspect,
                        ready.version,
                        review=ready.review,
                        motion=ready.deck.motion,
                    ),
                )
            except discord.HTTPException as exc:
                if exc.status == 413 or exc.code == FILE_TOO_LARGE:
                    await self._refused_for_size(ready)
                problem = exc
                if not _worth_retrying(exc):
                    break
            except (aiohttp.ClientError, TimeoutError) as exc:
                problem = exc
            except OSError as exc:  # the file is gone or unreadable: nothing to retry
                problem = exc
                break
        log.warning("could not post version %s of %s: %s", ready.version, ready.deck.title, problem)
        await self.failed(
            f"version {ready.version} is rendered but could not be posted here ({problem}); "
            'say "render" in the thread to try again',
            version=ready.version,
        )
        return None

    async def _refused_for_size(self, ready: VideoReady) -> None:
        """Discord's 413 / 40005 for a file its interaction said it would take: remember the
        guild's real limit and let the engine make a smaller copy."""
        limit = limit_below(ready.size_bytes)
        guild = self.outbox.guild_id
        if guild is not None:
            await self.links.remember_guild_limit(guild, ready.conversation_id, limit)
        self._over_limit(ready, limit)
        raise UploadTooLarge(limit)

    def _over_limit(self, ready: VideoReady, limit: int) -> None:
        self.card.note(
            f"The video is {megabytes(ready.size_bytes)}, over this server's "
            f"{megabytes(limit)} upload limit: making a smaller copy."
        )

    async def _upload_limit(self) -> int:
        """What this server takes: what Discord reported, or less where it refused more."""
        known = await self.links.guild_limit(self.outbox.guild_id)
        return min(self.outbox.upload_limit, known or self.outbox.upload_limit)

    async def too_big(self, ready: VideoReady, limit: int) -> None:
        files = []
        board = ready.storyboard
        if board is not None and board.exists() and board.stat().st_size <= limit:
            files.append(Upload(f"{file_stem(ready.deck.title)}-storyboard.png", board))
        await self.editor.flush()
        await self.outbox.send(
            f"🎬 **{ready.deck.title}** · version {ready.version}: the video is "
            f"{megabytes(ready.size_bytes)}, too big for this server's {megabytes(limit)} "
            "upload limit even as a smaller copy."
            + (" Here is its storyboard." if files else "")
            + " To get the file: "
            "ask whoever runs the bot (it is saved as "
            f"`{ready.video.name}` under conversation `{ready.conversation_id}`), or make the "
            'video shorter ("remove slide 5", "shorter narration") and I will try again.',
            files=files,
        )
        self.card.footer = None
        self._finish(Phase.DONE, "Rendered; see below for the file.")

    async def script(self, markdown: str, deck: Deck, version: int) -> None:
        self.card.note(f"📝 The script of version {version} is attached (a Markdown outline).")
        self._finish(
            Phase.IDLE,
            files=[Upload(f"{file_stem(deck.title)}-v{version}.md", data=markdown.encode())],
        )

    async def exported(self, ready: ExportReady) -> None:
        sizes = ready.size_bytes
        stem = f"{file_stem(ready.deck.title)}-v{ready.version}"
        if sizes > self.outbox.upload_limit:
            self.card.note(
                f"The PowerPoint and PDF of version {ready.version} are {megabytes(sizes)}, over "
                f"this server's {megabytes(self.outbox.upload_limit)} upload limit; run "
                "`deckcast export` with the script (`/deck script`) to get them."
            )
            self._finish(Phase.IDLE)
            return
        self.card.note(f"📎 Version {ready.version} as an editable PowerPoint file and a PDF.")
        self._finish(
            Phase.IDLE,
            files=[Upload(f"{stem}{path.suffix}", path=path) for path in ready.files],
        )

    async def report(self, text: str) -> None:
        """The status message shows the report whole (attached as a .txt when too long)."""
        files = []
        if len(text) > REPORT_ROOM:
            files = [Upload("deckcast-report.txt", data=text.encode())]
            text = text[: REPORT_ROOM - 40].rsplit("\n", 1)[0] + "\n… (the whole text is attached)"
        self.card.body = text
        self._finish(Phase.IDLE, files=files)

    async def script_review(self, conversation_id: str, deck: Deck, version: int) -> None:
        """The script as a message of its own, with Render / Change; the first one opens the
        deck's thread (replies there revise the script)."""
        self.conversation_id = conversation_id
        head = (
            f"📝 **{deck.title}** · version {version} — the script, for review before any "
            "picture is made:"
        )
        tail = (
            "**Render** makes the pictures and the video; **Change** (or a message in the "
            "thread) revises the script first."
        )
        body = "\n".join(script_lines(deck))
        files = []
        room = 2000 - len(head) - len(tail) - 12
        if len(body) > room:
            script = to_markdown(deck).encode()
            files = [Upload(f"{file_stem(deck.title)}-v{version}.md", data=script)]
            body = body[: room - 30].rsplit("\n", 1)[0] + "\n… (the whole script is attached)"
        await self.editor.flush()
        message = await self.outbox.send(
            f"{head}\n```\n{body}\n```\n{tail}",
            files=files,
            view=script_view(conversation_id, self.owner),
        )
        await self.links.remember_message(
            message.id, conversation_id, version=version, channel_id=message.channel.id
        )
        self.card.note(f"📝 The script of version {version} is below; nothing is drawn yet.")
        self._show()
        if not self.in_thread:
            await self._open_thread(message, conversation_id, deck.title)

    async def approved(self, version: int, approvers: Sequence[str]) -> None:
        """Noted in the status message, and marked on the version's own message."""
        self.card.note(f"✅ Version {version} approved by <@{approvers[-1]}>.")
        self._show()
        if self.conversation_id is None or self.find_channel is None:
            return
        where = await self.links.message_of(self.conversation_id, version)
        channel = await self.find_channel(where.channel_id) if where else None
        if where is None or channel is None:
            return
        mark = APPROVED + ", ".join(f"<@{user}>" for user in approvers)
        try:
            partial = channel.get_partial_message(where.message_id)  # type: ignore[attr-defined]
            message = await partial.fetch()
            kept = [line for line in message.content.splitlines() if not line.startswith(APPROVED)]
            await partial.edit(content="\n".join([*kept, mark])[:2000])
        except discord.HTTPException as exc:
            log.warning("could not mark version %s approved on its message: %s", version, exc)

    async def failed(self, message: str, *, version: int | None = None) -> None:
        self.card.error = message[:1].upper() + message[1:]
        self.card.footer = None
        self._finish(Phase.FAILED)
        # A first render that failed: open the thread on this message, so the deck can be
        # fixed by talking ("voice silent") like any other.
        await self._thread_on_status()

    async def close(self) -> None:
        await self.editor.close()

    # -- called by the bot ---------------------------------------------------------------

    async def run(self, conversation_id: str | None, call: Awaitable[Any]) -> None:
        """Run an engine call for this request: errors a person can fix are shown in the
        status message, anything else is logged and told briefly; the conversation stays
        usable either way. When the call ends and nothing was queued, the card is finished."""
        try:
            await call
        except BotError as exc:
            await self.failed(str(exc))
            return
        except Exception:
            log.exception("a request in conversation %s failed", conversation_id)
            await self.failed(ON_MY_SIDE)
            return
        self.settled(conversation_id)

    def settled(self, conversation_id: str | None) -> None:
        """The engine call for this request returned: if it queued nothing (the engine says
        so with a queued event), the notes say it all and the card is finished."""
        if conversation_id:
            self.conversation_id = conversation_id
        if self.card.phase is Phase.WORKING:
            self._finish(Phase.IDLE)

    def start(self) -> None:
        """Show the working card at once."""
        self._show()

    async def flush(self) -> None:
        await self.editor.flush()

    # -- internals -------------------------------------------------------------------------

    def _show(self, *, view: Any = ..., files: list[Upload] | None = None) -> None:
        self.editor.update(Edit(self.card.text(), view, list(files or [])))

    def _finish(
        self,
        phase: Phase,
        heading: str | None = None,
        *,
        files: list[Upload] | None = None,
        view: Any = None,
    ) -> None:
        self.card.phase = phase
        if heading:
            self.card.heading = heading
        self._show(view=view, files=files)

    async def _apply(self, edit: Edit) -> None:
        """One edit of the status message. An edit Discord keeps refusing with 429s (discord.py
        waits them out, up to five times) is given up after ``edit_timeout`` and reported as
        :class:`RateLimited`, so the editor pauses cosmetic edits instead of queueing them; so
        is one Discord fails on (a 5xx, a dropped connection): the editor keeps it and sends it
        again, since it may be the last one ("Done")."""
        timeout = self.config.edit_timeout * (3 if edit.files else 1)
        try:
            await asyncio.wait_for(self.outbox.show(edit), timeout)
        except TimeoutError:
            raise RateLimited(self.config.edit_backoff) from None
        except discord.RateLimited as exc:
            raise RateLimited(exc.retry_after) from None
        except discord.HTTPException as exc:
            if exc.status == 429 or exc.status >= 500:  # kept and sent later, not dropped
                raise RateLimited(self.config.edit_backoff) from None
            raise
        except aiohttp.ClientError:
            raise RateLimited(self.config.edit_backoff) from None
        status_id = self.outbox.status_id
        if self.job_id and self.conversation_id and status_id and self.job_id not in self._kept:
            self._kept.add(self.job_id)  # where this render's progress is, for a restart
            await self.links.remember_status(
                self.job_id,
                self.conversation_id,
                channel_id=self.outbox.channel.id,  # type: ignore[attr-defined]
                message_id=status_id,
            )

    async def _thread_on_status(self) -> None:
        """Open the conversation's thread on the status message (when it has none yet)."""
        if not self.conversation_id or self.in_thread:
            return
        await self.editor.flush()
        if self.outbox.status_id is not None:
            await self._open_thread(
                discord.Object(id=self.outbox.status_id),
                self.conversation_id,
                self.card.title or "deckcast",
            )

    async def _open_thread(
        self, message: discord.abc.Snowflake, conversation_id: str, title: str
    ) -> None:
        """The conversation's thread, opened on its first video (or failed first render)."""
        home = await self.links.home(conversation_id)
        if home is not None and home.thread_id is not None:
            return
        try:
            thread = await self.outbox.start_thread(
                message, thread_name(title), self.config.thread_archive_minutes
            )
        except discord.HTTPException:
            log.warning("could not open a thread for conversation %s", conversation_id)
            return
        channel = thread or self.outbox.channel
        if not isinstance(channel, discord.Thread):
            return
        await self.links.link_thread(
            conversation_id,
            owner=self.owner,
            thread_id=channel.id,
            upload_limit=self.outbox.upload_limit,
        )
        if thread is not None:
            await thread.send(THREAD_INTRO.format(owner=self.owner))


def limit_below(size: int) -> int:
    """The largest known upload limit under ``size`` (a refused file was over the limit)."""
    return max((limit for limit in KNOWN_LIMITS if limit < size), default=int(size * 0.8))


def _worth_retrying(exc: discord.HTTPException) -> bool:
    """A 429 that outlasted discord.py's retries, a 5xx: yes. Missing permissions: no."""
    return exc.status == 429 or exc.status >= 500
